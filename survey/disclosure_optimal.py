"""Complementary cells chosen by optimisation, checked by the integer-programming attacker (issue 21).

`optimise()` returns the published boxes of one (wave, question) table: the pattern that hides the fewest
respondents in boxes with n >= k (the information lost: the sum of n over the hidden boxes with n >= k) such that,
for every hidden box s with 0 < n(s) < k, the interval an attacker can prove for n(s) from every published count
(min and max over all non-negative integer fine tables that give the same published counts) is [0, k - 1] or
wider: nobody can be proven to be there, and it could hold k - 1.

How (logic-based Benders decomposition, "constraint generation"):
1. A binary h_b per box that may be published (n >= k, and some view shows it); every other box is hidden.
   Minimise sum n_b h_b subject to two necessary conditions per relation parent = sum of children (an area and
   the areas just inside it, or a group's "alla" and its codes, all other coordinates fixed) that holds a
   sensitive child s:
   (A) the parent or another child is hidden (else s is their difference);
   (B) with the parent published, the other hidden children hold at least k - 1 - n(s) (else s cannot be k - 1).
2. Attack the solution (`survey.disclosure_attack.Attacker`, HiGHS): the interval of every hidden sensitive box.
3. For every box the attack narrows, add a cut and solve again. The cut comes from the attacker's proof: the
   linear relaxation's dual solution names the published boxes the bound rests on (if all of them stay published
   the same dual proves the same bound, and the integer bound follows), so at least one of them must be hidden.
   Where the relaxation does not prove the bound (the integer program does), the cut is that at least one of
   the boxes published now must be hidden (a superset of what is published now proves at least as much).
Every condition and cut holds for every pattern that protects, so the program's optimum is a lower bound on the
least loss, and the first solution the attack cannot narrow is the optimum (up to HiGHS's tolerance: gap 0).
A table whose lattice has more than `MAX_FREE` publishable boxes with n >= k, or that does not settle within
`MAX_ROUNDS`, gets None.

Status (measured 2026-12-07, on a machine with load ~14 on 2 cores): NOT used by the build.
- 30 random small tables (tests/privacy/test_integer_attack.py's strategy: 2-5 villages, 1-2 groups): every
  pattern holds against the attacker; 1,053 respondents hidden in boxes with n >= k against 2,441 for the partner
  rule + `strengthen`, 291 boxes with n >= k published against 152; never more loss than `strengthen` on any
  table (as it must, being the optimum); 151 s in all, 45 s for the slowest table, up to 35 rounds.
- A demo table (beteende_annan_vag 2016: 4,050 boxes, 468 free, 555 sensitive, 1,014 atoms): round 1 84 s,
  rounds 2-3 about 200 s each, and the attack still narrows 514 boxes after three rounds: the cuts (one per
  narrowed box, from the relaxation's dual or, where it proves nothing, "hide one of the published boxes") are
  too weak for a lattice of this size. What it needs (not built): more valid conditions up front (so that the
  first pattern is nearly safe), cuts shared between the boxes they protect, and an attack that stops at the
  first few narrowed boxes per round.
"""
from __future__ import annotations

import numpy as np

from .disclosure import Lattice
from .disclosure_attack import NOT_SHOWN, Attacker, incidence

MAX_FREE = 5_000   # publishable boxes with n >= k: a municipality's table has hundreds
MAX_ROUNDS = 60    # solve-and-attack rounds before giving up on the optimum


def relations(lattice: Lattice) -> list[tuple[int, np.ndarray]]:
    """(parent, children) as flat box indices for every relation parent = sum of children."""
    index = np.arange(int(np.prod(lattice.shape))).reshape(lattice.shape)
    out = []
    for c, kids in enumerate(lattice.children):
        if len(kids) >= 2:
            parents, children = index[c].reshape(-1), index[kids].reshape(len(kids), -1).T
            out += zip(parents.tolist(), children)
    for axis in range(1, len(lattice.shape)):
        parents = index.take(0, axis=axis).reshape(-1)
        children = np.moveaxis(index.take(np.arange(1, lattice.shape[axis]), axis=axis), axis, -1)
        out += zip(parents.tolist(), children.reshape(len(parents), -1))
    return out


class Suppression:
    """The master program: h_b for the free boxes, the necessary conditions, and the cuts added so far."""

    def __init__(self, n: np.ndarray, lattice: Lattice, k: int):
        import highspy
        self.k, self.n = k, n.reshape(-1)
        self.free = np.flatnonzero((self.n >= k) & lattice.publishable.reshape(-1))
        self.var = np.full(self.n.size, -1)
        self.var[self.free] = np.arange(len(self.free))
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 0.0)
        h.addVars(len(self.free), np.zeros(len(self.free)), np.ones(len(self.free)))
        h.changeColsIntegrality(len(self.free), np.arange(len(self.free), dtype=np.int32),
                                np.full(len(self.free), highspy.HighsVarType.kInteger))
        h.changeColsCost(len(self.free), np.arange(len(self.free), dtype=np.int32), self.n[self.free].astype(float))
        self.h, self.cuts = h, 0
        self._necessary(lattice)

    def add(self, boxes, coefficients, low: float) -> None:
        """sum coefficient * h_box >= low over free boxes (fixed hidden boxes already moved into `low`)."""
        import highspy
        boxes = np.asarray(boxes, dtype=np.int64)
        cols = self.var[boxes]
        coefficients = np.asarray(coefficients, dtype=float)
        self.h.addRow(float(low), highspy.kHighsInf, len(cols), cols.astype(np.int32), coefficients)

    def _necessary(self, lattice: Lattice) -> None:
        n, k, free = self.n, self.k, self.var >= 0
        sensitive = (n > 0) & (n < k)
        for parent, kids in relations(lattice):
            small = kids[sensitive[kids]]
            if not len(small) or not free[parent]:
                continue  # a hidden parent: the relation says nothing
            for s in small:
                others = kids[kids != s]
                if free[others].all():
                    self.add(np.append(others, parent), np.ones(len(others) + 1), 1)  # (A)
                hidden_there = int(n[others[~free[others]]].sum())
                need = k - 1 - int(n[s]) - hidden_there
                if need > 0:  # (B): the parent hidden, or enough of the other children
                    movable = others[free[others]]
                    self.add(np.append(movable, parent), np.append(np.minimum(n[movable], need), need), need)

    def solve(self) -> np.ndarray:
        """The hidden boxes (bool, flat) of the current optimum."""
        import highspy
        hidden = self.var < 0
        if not len(self.free):
            return hidden
        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the suppression program: {self.h.modelStatusToString(self.h.getModelStatus())}")
        value = np.array(self.h.getSolution().col_value) > 0.5
        hidden[self.free[value]] = True
        return hidden

    def cut(self, boxes: np.ndarray) -> None:
        """At least one of these (published, free) boxes is hidden."""
        boxes = np.asarray(boxes, dtype=np.int64)
        boxes = boxes[self.var[boxes] >= 0]
        if not len(boxes):
            raise RuntimeError("a cut with nothing left to hide")
        self.add(boxes, np.ones(len(boxes)), 1)
        self.cuts += 1


class Relaxation:
    """The attacker's linear relaxation over the same atoms (HiGHS, warm-started between boxes): a bound on a box
    and the published boxes its proof rests on (the support of the dual solution). If all of those stay
    published, the same dual proves the same bound, and the integer bound follows from it."""

    def __init__(self, attacker: Attacker, rows: np.ndarray):
        import highspy
        A = (attacker.M[rows] @ attacker.to_atom).tocsr()
        A.data[:] = 1.0
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.addVars(attacker.atoms, np.zeros(attacker.atoms), np.full(attacker.atoms, highspy.kHighsInf))
        v = attacker.n[rows].astype(float)
        h.addRows(A.shape[0], v, v, A.nnz, A.indptr[:-1].astype(np.int32), A.indices.astype(np.int32), A.data)
        self.h, self.rows, self.atoms = h, rows, attacker.atoms

    def bound(self, cost: np.ndarray) -> tuple[float, np.ndarray]:
        """min cost . y over the relaxation, and the published boxes with a non-zero dual."""
        self.h.changeColsCost(self.atoms, np.arange(self.atoms, dtype=np.int32), cost.astype(float))
        self.h.run()
        solution = self.h.getSolution()
        dual = np.abs(np.array(solution.row_dual)) > 1e-9
        return self.h.getInfo().objective_function_value, self.rows[dual]


def narrowed(attacker: Attacker, relaxation: Relaxation, boxes: np.ndarray) -> list[np.ndarray | None]:
    """For every box whose provable interval is narrower than [0, k - 1]: the published boxes the proof rests on
    (None where only the integer program proves it). Cheap first: one integer program clears every box that one
    consistent table shows empty (or at k - 1 or more) at once; what is left is settled by its relaxation's bound,
    or failing that by an integer program of its own."""
    k = attacker.k
    touch, inside = attacker._parts(boxes)
    found: list = []
    for parts, low in ((inside, True), (touch, False)):
        sign = 1.0 if low else -1.0
        cleared = (lambda y, rows: (rows @ y) == 0) if low else (lambda y, rows: (rows @ y) >= k - 1)
        open_ = np.arange(len(boxes))
        while len(open_):
            y = attacker._solve(sign * np.asarray(parts[open_].sum(axis=0)).ravel())
            done = cleared(y, parts[open_])
            if not done.any():
                break
            open_ = open_[~done]
        while len(open_):
            first, open_ = open_[0], open_[1:]
            value, support = relaxation.bound(sign * parts[first].toarray().ravel())
            if (low and value > 1e-7) or (not low and -value < k - 1 - 1e-7):
                found.append(support)
                continue
            y = attacker._solve(sign * parts[first].toarray().ravel())
            if not cleared(y, parts[[first]])[0]:
                found.append(None)
            open_ = open_[~cleared(y, parts[open_])]
    return found


def optimise(n: np.ndarray, lattice: Lattice, k: int, matrix=None, log: list | None = None) -> np.ndarray | None:
    """The published boxes (bool, the lattice's shape) of the least-loss pattern the attacker cannot narrow, or
    None when the table is too large or does not settle (see the module's docstring)."""
    flat = n.reshape(-1)
    if int(((flat >= k) & lattice.publishable.reshape(-1)).sum()) > MAX_FREE:
        return None
    master = Suppression(n, lattice, k)
    matrix = incidence(lattice) if matrix is None else matrix
    sensitive = np.flatnonzero((flat > 0) & (flat < k))
    for round_ in range(MAX_ROUNDS):
        hidden = master.solve()
        published = ~hidden
        if not published.any() or not len(sensitive):
            return published.reshape(n.shape)
        why = np.where(hidden, NOT_SHOWN, 0).astype(np.uint8).reshape(n.shape)
        attacker = Attacker(n, why, lattice, k, matrix)
        proofs = narrowed(attacker, Relaxation(attacker, np.flatnonzero(published)), sensitive)
        if log is not None:
            log.append((round_, int(hidden.sum()), len(proofs), master.cuts))
        if not proofs:
            return published.reshape(n.shape)
        for proof in proofs:
            master.cut(proof if proof is not None else np.flatnonzero(published))
    return None
