"""Complementary suppression whose protection is checked by construction: two witness tables per sensitive box.

For a sensitive box s (0 < n(s) < k) and partners per dimension where s is not the top node (as in
survey/disclosure.py), every product move δ = ⊗_d (e_{ℓ_d} - e_{ℓ'_d}) (ℓ_d a leaf of s's node, ℓ'_d a leaf of
the partner, the same leaf of the other dimensions in every factor) is orthogonal to every published box once
the hypercube's corners are hidden (the proof in survey/disclosure.py). A sum of such moves keeps every
published count; it keeps the table non-negative if the corners that lose (the "even" corners, s among them, to
lower n(s); the "odd" ones to raise it) hold the units taken. `witnessed()` counts, from the fine table, how many
units can be taken at once (per leaf of the other dimensions: the least of the losing corners, the area's leaves
on each side summed), so it proves the two tables n(s) = 0 and n(s) = k - 1 exist, non-negative and with the
same published counts: an attacker solving integer programs over everything published cannot narrow n(s) to
less than [0, k - 1]. Hiding more boxes later never breaks a witness. Partners: the cheapest combinations
first (a box hidden anyway costs nothing), then the area's siblings all at once.

Status (issue 21, measured 2026-12-07 on the demo, k = 5): NOT used by the build (survey/disclosure.py's
`protect` is). tests/privacy/test_witness.py checks the construction against survey.disclosure_attack.Attacker on
200 random tables: none of the 689 boxes with a witness is narrowed (8 s).
- Full lattice (every filter combination at every level): a product witness exists for ~19 % of the sensitive
  boxes only (boxes with 3-4 group codes fixed have single fine cells of 0-2 respondents as corners).
- Lattice cut to views of at most 1 group (a breakdown or one filter) at village and DeSO, 2 at district, all 3 at
  the municipality (`needs`; `PYTHONPATH=. .venv/bin/python bench/disclosure_cut.py 74 1,1,2,3`): 4,619 of the
  74 tables' sensitive boxes have no witness (most: the municipality with 3 codes, districts with 2, a village's
  small codes such as kön 3). The attacker, run on every one of them in every demo table (146 s; `... 74 1,1,2,3
  attack`), narrows none: the narrowest interval is [0, 4]; on every 7th table all sensitive boxes were attacked
  (23.5 s): none narrowed. Without the nearest hypercubes added (NEAREST = 1, 2) it narrowed 4 and 2
  (districts x ålder 4 x boende 3, n = 1, to [0, 2]). So on the demo the pattern holds, but for a box without a
  witness that is measured, not proven.
- Publication rate over the views the cut allows, against the build's now over every view: village x kön 19.3 %
  (9.1 %), DeSO x kön 40.9 % (10.2 %), village x ålder 49.8 % (20.2 %), DeSO x ålder 100 % (26.5 %). Over the same
  cut views the build's present pattern shows more (35.2, 45.9, 76.8, 100 %) but does not hold against the attacker
  (survey/disclosure.py's rule recomputed on the cut lattice: 18-26 boxes narrowed per table, 8 tables attacked).
  At district level the rates fall (kön 20.1 % over every view now, 12.3 % over the cut views): the nearest
  hypercubes of the boxes without a witness (districts with 2 codes) are what hides them.
- 18 s for the 74 tables (the build's rule: ~0.3 s): a Python loop per sensitive box, up to 48 partner
  combinations tried for a box without a witness. Not measured at national scale.
"""
from __future__ import annotations

import itertools

import numpy as np

from .disclosure import Lattice

MAX_TRIES = 24  # partner combinations tried per sensitive box, cheapest first
NEAREST = 4     # hypercubes hidden at most for a box without a witness: the combinations nearest to one


def leaves_of(lattice: Lattice) -> list[np.ndarray]:
    """Per class, the fine-table indices of its villages."""
    out: list[list[int]] = [[] for _ in lattice.parent]
    for v, c in enumerate(lattice.class_of_village):
        while c >= 0:
            out[c].append(v)
            c = lattice.parent[c]
    return [np.array(x, dtype=np.int64) for x in out]


class Witness:
    """The checks for one table: the fine counts and, per dimension, the leaves of each node."""

    def __init__(self, n: np.ndarray, lattice: Lattice, k: int):
        self.n, self.k, self.lattice = n, k, lattice
        self.fine = n[(lattice.class_of_village,) + (slice(1, None),) * len(lattice.sizes)]
        self.leaves = leaves_of(lattice)
        self._blocks: dict = {}  # area node (a class, or a tuple of classes) → its villages' rows of the fine table

    def _block(self, node) -> np.ndarray:
        key = tuple(node) if isinstance(node, list) else node
        if key not in self._blocks:
            self._blocks[key] = self.fine[self._index(0, node)]
        return self._blocks[key]

    def _index(self, d: int, node) -> np.ndarray:
        """Fine-table indices along dimension d of a node (area class, or code; a list: their union)."""
        nodes = node if isinstance(node, list) else [node]
        if d == 0:
            return np.concatenate([self.leaves[c] for c in nodes])
        return np.array([c - 1 for c in nodes], dtype=np.int64)

    def capacity(self, box: tuple, partners: dict, losing_parity: int) -> float:
        """How many units the corners of parity `losing_parity` (0: s's side, to lower n(s)) can give at once."""
        dims = sorted(partners)
        sides: dict[int, list[np.ndarray]] = {0: [], 1: []}  # by whether the area is swapped
        for corner in itertools.product((0, 1), repeat=len(dims)):
            if sum(corner) % 2 != losing_parity:
                continue
            node = dict(zip(dims, (partners[d] if swap else box[d] for d, swap in zip(dims, corner))))
            # a code: its slice of the fine table (the same axes in every corner); the area: its villages' rows
            x = self._block(node.get(0, 0))[(slice(None),) + tuple(
                slice(node[d] - 1, node[d]) if d in node else slice(None) for d in range(1, self.fine.ndim))]
            sides[corner[0] if dims[0] == 0 else 0].append(x)
        if 0 in partners:
            per = [np.minimum.reduce(s).sum(axis=0) if s else None for s in (sides[0], sides[1])]
            if per[0] is None or per[1] is None:
                return float((per[0] if per[1] is None else per[1]).sum())
            return float(np.minimum(per[0], per[1]).sum())
        return float(np.minimum.reduce(sides[0]).sum())

    def touched(self, box: tuple, partners: dict) -> dict:
        """Per corner (a box; s among them), the fine cells (rows: village, code per group, 0-based) that the moves
        counted by `capacity` may take from or add to: per side of the area, where every losing corner of one
        parity has someone."""
        dims = sorted(partners)
        picks = itertools.product(*[p if isinstance(p, list) else [p] for p in (partners[d] for d in dims)])
        out: dict = {}
        for pick in picks:
            one = dict(zip(dims, pick))
            for side in (0, 1):
                cs = [c for c in itertools.product((0, 1), repeat=len(dims)) if (c[0] if dims[0] == 0 else 0) == side]
                if not cs:
                    continue
                index = {c: self._corner_index(box, one, dims, c) for c in cs}
                usable = None
                for parity in (0, 1):
                    xs = [self.fine[np.ix_(*index[c])] for c in cs if sum(c) % 2 == parity]
                    if xs:
                        m = np.minimum.reduce(xs) > 0
                        usable = m if usable is None else usable | m
                where = np.argwhere(usable)
                for c in cs:
                    cells = np.stack([index[c][d][where[:, d]] for d in range(self.fine.ndim)], axis=1)
                    corner = tuple(one[d] if d in one and c[dims.index(d)] else box[d] for d in range(len(box)))
                    out.setdefault(corner, []).append(cells)
        return {corner: np.concatenate(cells) for corner, cells in out.items()}

    def _corner_index(self, box: tuple, partners: dict, dims: list, corner: tuple) -> list:
        idx = [np.arange(self.fine.shape[d]) for d in range(self.fine.ndim)]
        for d, swap in zip(dims, corner):
            idx[d] = self._index(d, partners[d] if swap else box[d])
        return idx



def corners(box: tuple, partners: dict):
    """The boxes of the hypercube other than s (a list partner: one hypercube per member)."""
    dims = sorted(partners)
    choices = [partners[d] if isinstance(partners[d], list) else [partners[d]] for d in dims]
    for corner in itertools.product((0, 1), repeat=len(dims)):
        if not any(corner):
            continue
        for pick in itertools.product(*choices):
            out = list(box)
            for d, swap, p in zip(dims, corner, pick):
                if swap:
                    out[d] = p
            yield tuple(out)


def protect_witnessed(n: np.ndarray, lattice: Lattice, k: int, needs: np.ndarray | None = None) -> tuple:
    """(published boxes, boxes without a witness): survey/disclosure.py's rules 1, 2 and 4 with the partners chosen
    for a witness, and rule 3 narrowed: below a corner only the boxes that hold a fine cell the witness's moves
    touch are hidden (the others have <b, δ> = 0 for every move). A box without a witness gets its cheapest
    hypercube the nearest to a witness and everything inside its corners (rule 3), so the differencing proof holds
    for it. `needs`: the
    boxes to protect (default: every box)."""
    from .disclosure import _hide_small_unions
    needs = np.ones(n.shape, dtype=bool) if needs is None else needs
    hidden = (n < k) | ~lattice.publishable | ~needs
    unproven = hide_hypercubes(n, hidden, lattice, k, np.argwhere((n > 0) & (n < k) & needs))
    _hide_small_unions(n, hidden, lattice, k, close=False)
    return ~hidden, unproven


def hide_hypercubes(n: np.ndarray, hidden: np.ndarray, lattice: Lattice, k: int, sensitive: np.ndarray) -> list:
    """Hides, per sensitive box (coarsest first), a hypercube with a witness and the boxes inside its corners that
    the witness's moves touch; returns the boxes for which none was found (the hypercube nearest to a witness is
    hidden all the same, with every box inside its corners)."""
    w = Witness(n, lattice, k)
    below = _subtrees(lattice)
    eligible = []
    for d in range(1, n.ndim):
        line = n[(0,) + tuple(slice(None) if a == d else 0 for a in range(1, n.ndim))]
        eligible.append(np.flatnonzero(line[1:] > 0) + 1)
    depth = np.zeros(len(lattice.parent), dtype=np.int64)
    for dpt, classes in enumerate(lattice.by_depth):
        depth[classes] = dpt
    order = np.lexsort(((sensitive[:, 1:] > 0).sum(axis=1), depth[sensitive[:, 0]]))
    unproven = []
    for box in map(tuple, sensitive[order]):
        box = list(box)
        for d in range(1, n.ndim):  # a code that is the only one anyone has: the same people as "*"
            if box[d] and len(eligible[d - 1]) == 1:
                box[d] = 0
        box = tuple(box)
        if not any(box):
            hidden[...] = True
            return []
        need = k - 1 - int(n[box])
        options = {}
        for d in range(n.ndim):
            if not box[d]:
                continue
            pool = (lattice.children[lattice.parent[box[0]]] if d == 0 else eligible[d - 1])
            pool = [int(p) for p in pool if p != box[d]]
            keyed = []
            for p in pool:
                other = box[:d] + (p,) + box[d + 1:]
                # cheapest first (already hidden: free), then one with enough respondents for the witness
                keyed.append((0 if hidden[other] else int(n[other]), n[other] < need, -int(n[other]), p))
            options[d] = [p for *_, p in sorted(keyed)]
        chosen, proven = _search(w, box, options)
        if not proven:
            unproven.append(box)
            for partners in chosen:
                for c in corners(box, partners):
                    _hide_inside(hidden, below, c)
            continue
        for corner, cells in w.touched(box, chosen[0]).items():
            hidden[corner] = True
            _hide_chains(hidden, lattice, corner, cells)
    return unproven


def _subtrees(lattice: Lattice) -> list[np.ndarray]:
    """Per class, the classes inside it (itself included)."""
    out: list[list[int]] = [[c] for c in range(len(lattice.parent))]
    for classes in reversed(lattice.by_depth[1:]):
        for c in classes:
            out[lattice.parent[c]] += out[c]
    return [np.array(x, dtype=np.int64) for x in out]


def _hide_inside(hidden: np.ndarray, below: list, box: tuple) -> None:
    """Hides every box inside `box` (rule 3 for one box)."""
    hidden[(below[box[0]],) + tuple(slice(None) if c == 0 else c for c in box[1:])] = True


def _hide_chains(hidden: np.ndarray, lattice: Lattice, box: tuple, cells: np.ndarray) -> None:
    """Hides every box inside `box` that holds one of `cells` (rows: village, 0-based code per group)."""
    if not len(cells):
        return
    groups = len(lattice.sizes)
    here = lattice.class_of_village[cells[:, 0]]
    top = [d for d in range(groups) if box[d + 1] == 0]
    while True:  # from each village up to the corner's area
        for mask in itertools.product((0, 1), repeat=len(top)):
            codes = [np.full(len(cells), box[d + 1]) for d in range(groups)]
            for d, inside in zip(top, mask):
                if inside:
                    codes[d] = cells[:, d + 1] + 1
            hidden[(here, *codes)] = True
        done = here == box[0]
        if done.all():
            return
        here = np.where(done, here, lattice.parent[here])


def _search(w: Witness, box: tuple, options: dict) -> tuple[dict, bool]:
    """(partners, whether they have a witness): the cheapest partners (by rank sum) with a witness, then the area's
    siblings all at once; if neither, the combination tried that came nearest to one (the least share of the
    units the two witness tables need that it can move)."""
    dims = sorted(options)
    ranks = sorted(itertools.product(*(range(len(options[d])) for d in dims)), key=lambda r: (sum(r), r))
    tries = [{d: options[d][i] for d, i in zip(dims, r)} for r in ranks[:MAX_TRIES]]
    if 0 in options and len(options[0]) > 1:
        tries += [{**t, 0: list(options[0])} for t in tries]
    ns, need = int(w.n[box]), w.k - 1 - int(w.n[box])
    scored = []
    for i, partners in enumerate(tries):
        near = min(w.capacity(box, partners, 0) / ns, w.capacity(box, partners, 1) / need if need > 0 else 1.0)
        if near >= 1:
            return [partners], True
        scored.append((-near, i))
    # the nearest combinations until together they could move what the witnesses need (not a proof: their moves
    # may share cells), at most NEAREST
    chosen, total = [], 0.0
    for near, i in sorted(scored)[:NEAREST]:
        chosen.append(tries[i])
        total -= near
        if total >= 1:
            break
    return chosen, False
