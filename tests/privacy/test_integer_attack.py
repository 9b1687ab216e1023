"""The integer-programming attack: what an attacker can *prove* about a hidden count from everything published.

For a hidden box s with 0 < n < k, the attacker solves min n(s) and max n(s) over every non-negative integer fine
table consistent with all published counts (and with what each hidden box's stated reason says, where the
pattern states one: survey/disclosure_attack.py, `reasons`). The protection asked for (issue 21): the interval contains
0 (nobody can be proven to be there) and holds at least k values, i.e. [0, k - 1] or wider: no more than "fewer
than k answers" can be learnt. survey.disclosure_attack.Attacker solves the programs with HiGHS over the fine table's
atoms (cells that lie in the same constraints), proving many boxes at once where one consistent table shows them
together and solving the rest one by one.

Found on the base commit's rule (the partner hypercube): it does NOT meet this. The attack narrows hidden counts,
at times to the exact value, in random tables and in the demo's tables. On random tables the rule followed by
survey.disclosure_attack.strengthen (audit with this attacker and repair, until nothing is narrowed) holds, and that
test passes; the build does not use strengthen yet (an audit per demo table takes minutes), so the test of the
demo's published patterns is marked xfail(strict): it must start passing, and then lose the mark, when the
build's suppression is strengthened (issue 21, step 3). The tests print the narrowest intervals found.
"""
from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey import disclosure as D
from survey import disclosure_attack as attack
from survey import disclosure_optimal as optimal


def attack_table(n: np.ndarray, published: np.ndarray, lattice, k: int, why=None, boxes=None) -> dict:
    """{flat box: (low, high)} for the hidden boxes with 0 < n < k, high capped at k - 1."""
    if why is None:  # a pattern that states no reason: the attacker learns nothing from the hidden boxes
        why = np.where(published, 0, attack.NOT_SHOWN).astype(np.uint8)
    if boxes is None:
        boxes = np.flatnonzero((n.reshape(-1) > 0) & (n.reshape(-1) < k) & ~published.reshape(-1))
    return attack.Attacker(n, why, lattice, k).intervals(boxes)


def failures(found: dict, k: int) -> dict:
    return {b: v for b, v in found.items() if v[0] > 0 or v[1] - v[0] + 1 < k}


@st.composite
def small_tables(draw, most_villages: int = 5, most_groups: int = 2):
    """A municipality of 2-5 villages in 1-3 districts, one or two groups of 2-3 codes (the last: "saknas"),
    counts 0-7 with many empty cells, k 3-5."""
    villages = [f"v{i}" for i in range(draw(st.integers(2, most_villages)))]
    districts = draw(st.lists(st.integers(0, 2), min_size=len(villages), max_size=len(villages)))
    sets = [frozenset([v]) for v in villages] + [frozenset(v for v, d in zip(villages, districts) if d == j)
                                                 for j in range(3)]
    sizes = draw(st.lists(st.integers(2, 3), min_size=1, max_size=most_groups))
    lattice, _ = D.make_lattice(villages, sets, sizes, list(sizes), [[] for _ in sizes])
    cells = int(np.prod([len(villages), *sizes]))
    counts = draw(st.lists(st.sampled_from([0, 0, 0, 1, 1, 2, 3, 4, 5, 7]), min_size=cells, max_size=cells))
    fine = np.array(counts, dtype=np.int64).reshape(len(villages), *sizes)
    return lattice, D.box_sums(fine, lattice), draw(st.integers(3, 5))


NARROWEST: list = []


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(small_tables())
def test_random_tables_hold_against_the_integer_attack_once_strengthened(table):
    """The partner rule alone fails here (63 of these 200 tables on the base commit: e.g. an empty partner village
    is learnt to be empty, and non-negativity then pins the sensitive cell); strengthened by the attacker's
    audit-and-repair (survey.disclosure_attack.strengthen) every table holds."""
    lattice, n, k = table
    published = attack.strengthen(n, D.protect(n, lattice, k), lattice, k)
    found = attack_table(n, published, lattice, k)
    for b, (lo, hi) in found.items():
        NARROWEST.append((hi - lo + 1, lo, hi, int(n.reshape(-1)[b]), k))
    NARROWEST.sort()
    del NARROWEST[1:]
    bad = failures(found, k)
    assert not bad, f"k = {k}: {[(np.unravel_index(b, n.shape), int(n.reshape(-1)[b]), v) for b, v in bad.items()]}"


def test_the_narrowest_random_interval_is_reported():
    """Runs after the random tables (file order): the narrowest interval the attacker proved, as (values, low,
    high, true n, k); at least k values."""
    if not NARROWEST:
        pytest.skip("the random tables did not run")
    print("narrowest interval over the random tables:", NARROWEST[0])
    values, low, _, _, k = NARROWEST[0]
    assert low == 0 and values >= k


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(small_tables(most_villages=4, most_groups=1))
def test_the_optimised_pattern_holds_and_hides_no_more_than_strengthen(table):
    """survey.disclosure_optimal (not used by the build yet: too slow on a demo table) on small tables (one group,
    to keep it fast; the 30 tables of two groups measured are in its docstring): the
    attacker narrows nothing, and no more respondents are hidden in boxes with n >= k than by the partner rule
    followed by strengthen (the optimum can only do better than any pattern that holds)."""
    lattice, n, k = table
    published = optimal.optimise(n, lattice, k)
    assert published is not None
    assert not failures(attack_table(n, published, lattice, k), k)
    strengthened = attack.strengthen(n, D.protect(n, lattice, k), lattice, k)
    big = n >= k
    assert n[big & ~published].sum() <= n[big & ~strengthened].sum()
    assert not (published & (n < k)).any()


DEMO_TABLES = 3       # tables of the demo attacked (of 74; each takes seconds per failing box)
BOXES_PER_TABLE = 40  # hidden boxes with 0 < n < k attacked per table (a seeded sample)


@pytest.mark.xfail(strict=True, reason="the build's partner rule does not hold against an integer-programming attacker "
                   "(survey.disclosure_optimal does, but is too slow for a demo table)")
def test_demo_tables_hold_against_the_integer_attack(results):
    from bench.disclosure_loss import fine_counts, published_boxes
    k, lattice = results.min_n, results.area_index.lattice
    rng = np.random.default_rng(21)
    tables = sorted(results.tables.keys(), key=str)
    problems, narrowest, started = [], None, time.monotonic()
    for wave, question in [tables[i] for i in rng.choice(len(tables), DEMO_TABLES, replace=False)]:
        n = D.box_sums(fine_counts(results, wave, question), lattice)
        published = published_boxes(results.tables.summary(wave, question))
        candidates = np.flatnonzero((n.reshape(-1) > 0) & (n.reshape(-1) < k) & ~published.reshape(-1))
        boxes = rng.choice(candidates, min(BOXES_PER_TABLE, len(candidates)), replace=False)
        found = attack_table(n, published, lattice, k, boxes=boxes)
        for b, (lo, hi) in found.items():
            if narrowest is None or hi - lo < narrowest[0]:
                narrowest = (hi - lo, question, wave, np.unravel_index(b, n.shape), int(n.reshape(-1)[b]), lo, hi)
        problems += [(question, wave, np.unravel_index(b, n.shape), int(n.reshape(-1)[b]), v)
                     for b, v in failures(found, k).items()]
    summary = f"narrowest interval: {narrowest}; {len(problems)} boxes fail; {time.monotonic() - started:.1f} s"
    print(summary)
    assert not problems, (summary, problems[:10])
