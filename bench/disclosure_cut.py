"""Experiment for issue 21 (not the build's rule): publication rates of survey/disclosure_witness.py on a lattice cut
to what a view at each level may combine, against the build's stored patterns.

    PYTHONPATH=. .venv/bin/python bench/disclosure_cut.py TABLES LIMITS [audit|attack]    # e.g. 74 1,1,2,3 attack

LIMITS: per level (the build's order, finest first) how many groups a view may fix (a breakdown counts as one,
each filter as one): 1,1,2,3 is "a breakdown or one filter at village and DeSO, two at district, all at the
municipality". The boxes of more groups are left out of the lattice (never published, not protected). For the
first TABLES (wave, question) tables it prints per level and breakdown: over every view the interface offers now,
the cells with n >= k, the published ones and the rate (the build's pattern, as bench/disclosure_loss.py); then over
the views the cut allows, the build's rate and the witness rule's rate. With `audit`, the witness pattern is then
audited and repaired by the integer-programming attacker (survey.disclosure_attack.strengthen, the boxes the cut
keeps), so the rates printed are those of a pattern that holds. With `attack`, the attacker is run on every box
without a witness (the others are proven) and the boxes it narrows, the narrowest interval and its time are printed.
"""
import itertools
import sys
import time
from collections import defaultdict

import numpy as np

from bench.disclosure_loss import fine_counts, published_boxes, view_boxes
from survey.disclosure import box_sums
from survey.disclosure_attack import NOT_SHOWN, Attacker, strengthen
from survey.disclosure_witness import protect_witnessed
from survey.results import open_results


def allowed_boxes(r, limit: dict) -> np.ndarray:
    idx, lat = r.area_index, r.area_index.lattice
    cls_allow = np.full(len(lat.parent), -1)
    for lv in r.levels:
        for c in idx.classes[lv]:
            if c >= 0:
                cls_allow[c] = max(cls_allow[c], limit[lv])
    ncodes = np.zeros(lat.shape[1:], dtype=int)
    for d in range(len(lat.sizes)):
        v = [1] * len(lat.sizes)
        v[d] = lat.sizes[d] + 1
        ncodes = ncodes + (np.arange(lat.sizes[d] + 1) > 0).reshape(v)
    return ncodes[None] <= cls_allow.reshape((-1,) + (1,) * len(lat.sizes))


def attack(n, published, lat, k, boxes, found: dict) -> float:
    """Attacks `boxes` on the published pattern; adds to `found`; returns the seconds it took."""
    started = time.monotonic()
    flat = np.ravel_multi_index(np.array(boxes).T, n.shape)
    for b, (lo, hi) in Attacker(n, np.where(published, 0, NOT_SHOWN).astype(np.uint8), lat, k).intervals(flat).items():
        found["narrowed"] += lo > 0 or hi - lo + 1 < k
        if found["narrowest"] is None or hi - lo + 1 < found["narrowest"][0]:
            found["narrowest"] = (hi - lo + 1, lo, hi, np.unravel_index(b, n.shape), int(n.reshape(-1)[b]))
    return time.monotonic() - started


def main() -> None:
    r = open_results("data/processed")
    lat, k = r.area_index.lattice, r.min_n
    limit = dict(zip(r.levels, [int(x) for x in sys.argv[2].split(",")]))
    allowed = allowed_boxes(r, limit)
    groups = r.codebook.groups
    filter_choices = [[None] + [o.code for o in g.shown] for g in groups]
    out = defaultdict(lambda: np.zeros(5, dtype=int))
    keys = sorted(r.tables.keys(), key=str)[:int(sys.argv[1])]
    spent, unproven, attacked, found = 0.0, 0, 0.0, {"narrowed": 0, "narrowest": None}
    for wave, q in keys:
        table = r.tables.summary(wave, q)
        n = box_sums(fine_counts(r, wave, q), lat)
        started = time.monotonic()
        published, without = protect_witnessed(n, lat, k, needs=allowed)
        hidden, unproven = ~published, unproven + len(without)
        if sys.argv[3:] == ["audit"]:
            hidden = ~strengthen(n, ~hidden, lat, k, needs=allowed)
        spent += time.monotonic() - started
        if sys.argv[3:] == ["attack"] and without:
            attacked += attack(n, published, lat, k, without, found)
        before, after = published_boxes(table), ~hidden
        for by in [None] + [g.id for g in groups]:
            for codes in itertools.product(*filter_choices):
                filters = {g.id: c for g, c in zip(groups, codes) if c is not None}
                for level in r.levels:
                    boxes, is_group = view_boxes(r, table, level, by, filters)
                    ix = tuple(boxes[is_group if by else ~is_group].T)
                    big = n[ix] >= k
                    e = out[(level, by or "-")]
                    e[:2] += big.sum(), (before[ix] & big).sum()
                    if (1 if by else 0) + len(filters) <= limit[level]:
                        e[2:] += big.sum(), (before[ix] & big).sum(), (after[ix] & big).sum()
    audit = " with the audit" if sys.argv[3:] == ["audit"] else ""
    if sys.argv[3:] == ["attack"]:
        print(f"attack on the boxes without a witness: {found['narrowed']} narrowed, narrowest (width, low, high, "
              f"box, n) {found['narrowest']}, {attacked:.1f} s")
    print(f"tables {len(keys)}; boxes without a witness {unproven}; witness rule {spent:.1f} s{audit}")
    print("level    by     | every view: cells n>=k, published, rate | views the cut allows: cells, build, witness")
    for (lv, by), e in out.items():
        print(f"{lv:9}{by:7}| {e[0]:7} {e[1]:6} {e[1] / max(e[0], 1):6.1%} | {e[2]:7} {e[3] / max(e[2], 1):6.1%} "
              f"{e[4] / max(e[2], 1):6.1%}")


if __name__ == "__main__":
    main()
