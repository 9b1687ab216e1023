"""The integer-programming attacker on a published pattern, and an audit-and-repair reference built on it.

survey/disclosure.py's rule holds against differencing (exact recovery by linear combination). Counts are
non-negative integers, so an attacker who solves integer programs over every published count can do more: this
module is that attacker (HiGHS, through highspy), used by tests/privacy/test_integer_attack.py and
bench/disclosure_loss.py to measure what the rule leaves open (issue 21). The build does not use `strengthen` yet:
on a demo table its audit takes minutes and its repair hides the whole table.
"""
from __future__ import annotations

import numpy as np

from .disclosure import Lattice, close_hidden

FEW, PROTECT, NOT_SHOWN = 1, 2, 3  # why a box is hidden (reasons(): 0 where it is published)


def incidence(lattice: Lattice):
    """The sparse 0/1 matrix boxes × fine cells (row b: the fine cells inside box b), in the lattice's and the
    fine table's C order."""
    from scipy import sparse
    classes, villages = len(lattice.parent), len(lattice.villages)
    rows, cols = [], []
    for v, c in enumerate(lattice.class_of_village):
        while c >= 0:
            rows.append(c)
            cols.append(v)
            c = lattice.parent[c]
    out = sparse.csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(classes, villages))
    for m in lattice.sizes:
        group = sparse.vstack([sparse.csr_matrix(np.ones((1, m), dtype=np.int8)), sparse.identity(m, dtype=np.int8,
                                                                                                 format="csr")])
        out = sparse.kron(out, group, format="csr")
    return out


def reasons(n: np.ndarray, published: np.ndarray, lattice: Lattice, k: int) -> np.ndarray:
    """Why each box is hidden, as the interface says it (uint8, the lattice's shape): 0 published, FEW (fewer
    than k answers: "för få svar"), PROTECT (k or more, hidden so that a smaller group cannot be worked out: "dold
    för att skydda en mindre grupp"), NOT_SHOWN (no view shows the box: a code the codebook does not show on its
    own, or two "saknas")."""
    out = np.where(published, 0, np.where(n < k, FEW, PROTECT)).astype(np.uint8)
    out[~lattice.publishable] = NOT_SHOWN
    return out


def _above(lattice: Lattice) -> np.ndarray:
    """(boxes, 1 + groups) flat indices: each box's parent area (with the same codes) and, per group, the box with
    "*" there; a box's own index where there is none (the root, or "*" already)."""
    shape = lattice.shape
    index = np.arange(int(np.prod(shape))).reshape(shape)
    parent = np.where(lattice.parent >= 0, lattice.parent, np.arange(len(lattice.parent)))
    out = [index[parent].reshape(-1)]
    for axis in range(1, len(shape)):
        out.append(np.broadcast_to(index.take([0], axis=axis), shape).reshape(-1))
    return np.stack(out, axis=1)


class Attacker:
    """The integer-programming attacker on one table's published pattern: what it can prove about the n of hidden
    boxes from everything published: every published box's n, and for every hidden box what its reason says
    (FEW: n <= k - 1; PROTECT: n >= k; NOT_SHOWN: nothing), over all non-negative integer fine tables.

    Fine cells that lie in exactly the same constraints are one *atom*: any split of an atom's total among its
    cells is as consistent as any other, so the attacker's programs are over the atoms' totals (hundreds, not
    the fine table's thousands of cells): the least n of a box is the least total of the atoms inside it, the
    most the largest total of the atoms it touches. Only the binding label rows are kept (a FEW box inside a FEW
    box, or a PROTECT box holding a PROTECT box, says nothing more)."""

    def __init__(self, n: np.ndarray, why: np.ndarray, lattice: Lattice, k: int, matrix=None):
        import highspy
        from scipy import sparse
        self.k, self.n = k, n.reshape(-1)
        self.M = incidence(lattice) if matrix is None else matrix
        why = why.reshape(-1)
        above = _above(lattice)
        itself = above == np.arange(len(why))[:, None]
        few, big = why == FEW, why == PROTECT
        few_top = few & ~(few[above] & ~itself).any(axis=1)
        holds_big = np.zeros(len(why), dtype=bool)  # a PROTECT box holding another PROTECT box
        for j in range(above.shape[1]):
            inner = big & ~itself[:, j]
            holds_big[above[inner, j]] = True
        big_bottom = big & ~holds_big
        rows = [np.flatnonzero(why == 0), np.flatnonzero(few_top), np.flatnonzero(big_bottom)]
        low = np.concatenate([self.n[rows[0]], np.zeros(len(rows[1])), np.full(len(rows[2]), k)]).astype(float)
        high = np.concatenate([self.n[rows[0]], np.full(len(rows[1]), k - 1),
                               np.full(len(rows[2]), highspy.kHighsInf)]).astype(float)
        C = self.M[np.concatenate(rows)].tocsc()
        # atoms: fine cells with the same constraint rows
        signature: dict = {}
        atom = np.empty(C.shape[1], dtype=np.int64)
        for j in range(C.shape[1]):
            atom[j] = signature.setdefault(C.indices[C.indptr[j]:C.indptr[j + 1]].tobytes(), len(signature))
        self.atoms = len(signature)
        to_atom = sparse.csr_matrix((np.ones(len(atom)), (np.arange(len(atom)), atom)), shape=(len(atom), self.atoms))
        self.to_atom = to_atom
        A = (C @ to_atom).tocsr()
        A.data[:] = 1.0
        self.size = np.asarray(to_atom.sum(axis=0)).ravel()
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 0.0)
        # no bound of its own on an atom (the whole table's n bounds it only where the whole is published)
        h.addVars(self.atoms, np.zeros(self.atoms), np.full(self.atoms, float(self.n[0] if why[0] == 0 else 10**6)))
        h.changeColsIntegrality(self.atoms, np.arange(self.atoms, dtype=np.int32),
                                np.full(self.atoms, highspy.HighsVarType.kInteger))
        h.addRows(A.shape[0], low, high, A.nnz, A.indptr[:-1].astype(np.int32), A.indices.astype(np.int32), A.data)
        self.h, self.rows = h, A.shape[0]

    def _parts(self, boxes: np.ndarray):
        """Per box: the atoms it touches and the atoms wholly inside it (0/1 rows over atoms)."""
        cover = (self.M[boxes] @ self.to_atom).tocsr()
        touch = cover.copy()
        touch.data[:] = 1.0
        inside = cover.multiply(1.0 / self.size[None, :]).tocsr()
        inside.data = (inside.data > 1 - 1e-9).astype(float)
        inside.eliminate_zeros()
        return touch, inside

    def _solve(self, cost: np.ndarray, extra: int = 0) -> np.ndarray:
        import highspy
        h = self.h
        h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost.astype(float))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the attacker's program: {h.modelStatusToString(h.getModelStatus())}")
        return np.round(np.array(h.getSolution().col_value)).astype(np.int64)

    def intervals(self, boxes: np.ndarray | None = None) -> dict[int, tuple[int, int]]:
        """{flat box: (low, high)} for the hidden boxes with 0 < n < k (or `boxes`): low is the least n a consistent
        table gives the box, high the most, capped at k - 1 (all that is asked: the box could hold k - 1). Cheap
        first: one program proves low = 0 (or high >= k - 1) for every box that one consistent table shows at
        once; only the rest are solved one by one (each solution again proves what it can for the others)."""
        import highspy
        from scipy import sparse
        k = self.k
        if boxes is None:
            raise ValueError("boxes")
        boxes = np.asarray(boxes, dtype=np.int64)
        if not len(boxes):
            return {}
        touch, inside = self._parts(boxes)
        low = np.full(len(boxes), -1)
        open_ = np.arange(len(boxes))
        while len(open_):
            y = self._solve(np.asarray(inside[open_].sum(axis=0)).ravel())
            zero = open_[(inside[open_] @ y) == 0]
            if not len(zero):
                first = open_[0]
                y = self._solve(inside[first].toarray().ravel())
                low[first] = int((inside[first] @ y)[0])
                zero = open_[(inside[open_] @ y) == 0]
                open_ = open_[open_ != first]
            low[zero] = 0
            open_ = np.setdiff1d(open_, zero)
        high = np.full(len(boxes), -1)
        open_ = np.arange(len(boxes))
        base_cols = self.atoms
        while len(open_):
            # maximise sum z_s, z_s <= k - 1, z_s <= the box's total: every z_s = k - 1 is proven
            s = len(open_)
            h = self.h
            h.addVars(s, np.zeros(s), np.full(s, float(k - 1)))
            link = sparse.hstack([-touch[open_], sparse.identity(s, format="csr")]).tocsr()
            h.addRows(s, np.full(s, -highspy.kHighsInf), np.zeros(s), link.nnz, link.indptr[:-1].astype(np.int32),
                      link.indices.astype(np.int32), link.data.astype(float))
            sol = self._solve(np.concatenate([np.zeros(base_cols), -np.ones(s)]))
            h.deleteRows(s, np.arange(self.rows, self.rows + s, dtype=np.int32))
            h.deleteVars(s, np.arange(base_cols, base_cols + s, dtype=np.int32))
            y = sol[:base_cols]
            full = open_[(touch[open_] @ y) >= k - 1]
            if not len(full):
                first = open_[0]
                y = self._solve(-touch[first].toarray().ravel())
                high[first] = min(int((touch[first] @ y)[0]), k - 1)
                full = open_[(touch[open_] @ y) >= k - 1]
                open_ = open_[open_ != first]
            high[full] = k - 1
            open_ = np.setdiff1d(open_, full)
        return {int(b): (int(lo), int(hi)) for b, lo, hi in zip(boxes, low, high)}


def strengthen(n: np.ndarray, published: np.ndarray, lattice: Lattice, k: int, rounds: int = 1000,
               needs: np.ndarray | None = None) -> np.ndarray:
    """Audit and repair: the published boxes of `published` less what it takes until the integer-programming
    attacker (`Attacker`, with no reasons stated) proves no more than [0, k - 1] of any hidden box with 0 < n < k.
    Each round attacks every such box and, for each one it narrows, hides the published box with the fewest
    respondents on one of its lines (a sibling area with the same codes, or another code of a group where the
    box has one; if none is left, the smallest published box holding it), with everything inside it. Terminates:
    every round hides at least one more box (at worst everything). A heuristic, not an optimum, and an attack
    per round: small tables only (the random tables of tests/privacy/test_integer_attack.py); not used by the
    build. Far from economical: on a demo table (p_narkotika_allman 2019) the first round finds 96 narrowed
    boxes (123 s on a loaded machine), and its repairs, climbing to the boxes holding them where a line has
    nothing left to hide, hide everything (169 of 461 boxes with n >= k published before, 0 after). Choosing
    the complementary cells by optimisation (issue 21, step 4) is what should replace it. `needs`: the boxes to
    protect (default: all; a lattice cut per level protects only the boxes its views show)."""
    hidden = ~published.copy()
    flat_n = n.reshape(-1)
    matrix = incidence(lattice)
    above = _above(lattice)
    for _ in range(rounds):
        why = np.where(hidden, NOT_SHOWN, 0).astype(np.uint8)
        boxes = np.flatnonzero((flat_n > 0) & (flat_n < k) & hidden.reshape(-1)
                               & (True if needs is None else needs.reshape(-1)))
        found = Attacker(n, why, lattice, k, matrix).intervals(boxes) if len(boxes) else {}
        bad = [b for b, (lo, hi) in found.items() if lo > 0 or hi - lo + 1 < k]
        if not bad:
            return ~hidden
        for b in bad:
            box = np.unravel_index(b, n.shape)
            line = []
            if box[0] != 0:
                for sib in lattice.children[lattice.parent[box[0]]]:
                    line.append((sib, *box[1:]))
            for axis in range(1, n.ndim):
                if box[axis] != 0:
                    line += [tuple(c if a == axis else x for a, x in enumerate(box)) for c in range(1, n.shape[axis])]
            line = [t for t in line if not hidden[t]]
            if not line:  # the smallest published box holding it
                up, seen = [b], set()
                while up:
                    nxt = [int(u) for x in up for u in above[x] if u != x and u not in seen]
                    seen.update(nxt)
                    line = [np.unravel_index(u, n.shape) for u in nxt if not hidden.reshape(-1)[u]]
                    if line:
                        break
                    up = nxt
            if line:
                pick = min(line, key=lambda t: n[t])
                hidden[pick] = True
        close_hidden(hidden, lattice)
    raise RuntimeError("strengthen did not settle")
