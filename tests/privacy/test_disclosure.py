"""Disclosure control, attacked: every public view is crawled, and nothing below k can be worked out.

The crawl asks the one query path (`Results.query`, what the API, the dashboard and the exports publish) for
every question × wave × level × breakdown × filter the interface offers. Every published number is mapped to
its box (the villages it covers × one code or "all" per group), the true counts of every box are counted
independently from the cube, and then:
- no published n is below k, and the same box has the same n in every view;
- a differencing attack over everything published (a parent minus its published children, a total minus its
  published groups, along every dimension, repeated with what it finds until nothing new comes out) recovers
  no box with 0 < n < k;
- for a sample of tables, linear algebra: no sensitive box is any linear combination of published boxes.
"""
from __future__ import annotations

import itertools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest
import requests

from survey import disclosure
from views.labels import labelled_query

STAR = "*"


def views(results):
    """Every view the interface offers: breakdown × one option (or none) per group × level (innermost, so that
    the query path's few remembered sums are reused as a person moving between levels would)."""
    groups = results.codebook.groups
    filter_choices = [[None] + [o.code for o in g.shown] for g in groups]
    for by in [None] + [g.id for g in groups]:
        for codes in itertools.product(*filter_choices):
            for level in results.levels:
                params = {"level": level}
                if by:
                    params["by"] = by
                params.update({g.id: c for g, c in zip(groups, codes) if c is not None})
                yield params


def box_of(results, row, params) -> tuple | None:
    """(villages, code per group or '*'; '' for "saknas") of a row, or None for a row that holds nobody."""
    villages = results.villages_of(row["level"], row["area_id"])
    coords = []
    for g in results.codebook.groups:
        code = params.get(g.id, STAR)
        if params.get("by") == g.id and row["group"] is not None:
            mine = "" if row["group"] == "saknas" else row["group"]
            if code not in (STAR, mine):
                return None
            code = mine
        coords.append(code)
    return (villages, *coords)


class Truth:
    """The true n of every box of one wave × question, counted from the cube (not from the query path)."""

    def __init__(self, results, wave: int, question: str):
        cube = pd.read_parquet(results.folder / "cube.parquet")
        cube = cube[(cube["wave"] == wave) & (cube["question"] == question)]
        item = results.codebook.question(question)
        if item is not None:
            cube = cube[cube["answer"].isin([o.code for o in item.options if not o.exclude])]
        self.groups = [g.id for g in results.codebook.groups]
        self.codes = {g.id: [o.code for o in g.options] + sorted(set(cube[g.id]) - {o.code for o in g.options} - {""})
                      + [""]
                      for g in results.codebook.groups}
        self.areas = {results.villages_of(lv, a) for lv in results.levels for a in results.area_ids(lv)} - {frozenset()}
        self.all_villages = max(self.areas, key=len)
        holding = {v: [a for a in self.areas if v in a] for v in self.all_villages}
        self.counts: dict = {}
        for (village, *codes), count in cube.groupby(["area_id", *self.groups])["n"].sum().items():
            for area in holding[village]:
                for coords in itertools.product(*[(STAR, c) for c in codes]):
                    key = (area, *coords)
                    self.counts[key] = self.counts.get(key, 0) + int(count)

    def n(self, box: tuple) -> int:
        return self.counts.get(box, 0)

    def boxes(self):
        return itertools.product(sorted(self.areas, key=lambda s: (len(s), sorted(s))),
                                 *[[STAR] + self.codes[g] for g in self.groups])

    def relations(self):
        """(parent box, child boxes) for every box and dimension: an area and the areas just inside it, or a
        group's "all" and its codes."""
        children = {}
        for area in self.areas:
            inside = [b for b in self.areas if b < area]
            children[area] = [b for b in inside if not any(b < c for c in inside)]
        for box in self.boxes():
            villages, *coords = box
            if children[villages]:
                yield box, [(c, *coords) for c in children[villages]]
            for d, g in enumerate(self.groups):
                if coords[d] == STAR:
                    yield box, [(villages, *coords[:d], code, *coords[d + 1:]) for code in self.codes[g]]


def crawl(results, question: str, waves: list[int] | None = None) -> dict:
    """wave → {box → published n} over every view of the question (rolled-up values included)."""
    published: dict = {w: {} for w in (waves or results.waves)}
    for params in views(results):
        for wave, seen in published.items():
            query = {"question": question, "wave": str(wave), **params}
            for row in labelled_query(results, results.parse(query), "sv"):
                box = box_of(results, row, query)
                if row["suppressed"]:
                    assert row["n"] is None and row["share"] is None and row["distribution"] is None
                    assert row["rest_share"] is None and row["previous_share"] is None
                    if row["rolled_up_to"]:
                        ancestor = results.villages_of(row["rolled_up_level"], row["rolled_up_id"])
                        up = (ancestor, *box[1:])
                        assert seen.setdefault(up, row["rolled_up_n"]) == row["rolled_up_n"], up
                    continue
                assert box is not None
                assert seen.setdefault(box, row["n"]) == row["n"], (box, row["n"], seen[box])
    return published


def differencing_attack(truth: Truth, published: dict) -> dict:
    """Everything that follows from the published counts by adding and subtracting along the relations,
    repeated with what it finds until nothing new follows: box → n (published and derived)."""
    known = dict(published)
    relations = list(truth.relations())
    involving: dict = {}
    for i, (parent, kids) in enumerate(relations):
        for box in (parent, *kids):
            involving.setdefault(box, []).append(i)
    todo = set(range(len(relations)))
    while todo:
        parent, kids = relations[todo.pop()]
        unknown = [k for k in kids if k not in known]
        found = None
        if parent in known and len(unknown) == 1:
            found = (unknown[0], known[parent] - sum(known[k] for k in kids if k in known))
        elif parent not in known and not unknown:
            found = (parent, sum(known[k] for k in kids))
        if found:
            known[found[0]] = found[1]
            todo.update(involving[found[0]])
    return known


def questions(results) -> list[str]:
    return [q.id for q in results.codebook.single_choice] + [i.id for i in results.codebook.indices]


_RESULTS = None  # the Results a forked worker inherits


def _check_question(question: str) -> tuple[int, int, int, list[str]]:
    """Crawl one question (every wave), attack each wave's table; (published, recovered, sensitive, problems)."""
    results, k = _RESULTS, _RESULTS.min_n
    problems = []
    totals = [0, 0, 0]
    for wave, published in crawl(results, question).items():
        truth = Truth(results, wave, question)
        for box, n in published.items():
            if n < k or n != truth.n(box):
                problems.append(f"{question} {wave}: published {box} n = {n} (true {truth.n(box)})")
        known = differencing_attack(truth, published)
        for box, n in known.items():
            if n != truth.n(box):
                problems.append(f"the attack's arithmetic: {box}")
            if 0 < n < k:
                problems.append(f"{question} {wave}: {box} has n = {n} < {k}, recovered by differencing")
        totals[0] += len(published)
        totals[1] += len(known) - len(published)
        totals[2] += sum(1 for b in truth.boxes() if 0 < truth.n(b) < k)
    return (*totals, problems)


def test_every_view_publishes_nothing_below_k_and_differencing_recovers_nothing(results):
    global _RESULTS
    _RESULTS = results
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork")) as pool:
        outcomes = list(pool.map(_check_question, questions(results)))
    assert len(outcomes) == len(questions(results)) >= 35
    problems = [p for *_, found in outcomes for p in found]
    assert not problems, problems[:20]
    cells, recovered, sensitive = (sum(o[i] for o in outcomes) for i in range(3))
    # The crawl saw a lot, the attack found something (boxes of n >= k, or empty ones), and much was protected.
    assert cells > 10_000 and recovered > 100 and sensitive > 10_000, (cells, recovered, sensitive)


def test_primary_suppression_alone_would_leak(results):
    """The attack is not toothless: with primary suppression only, it recovers small cells."""
    question, wave = "q_otrygg_kvall", results.waves[-1]
    truth = Truth(results, wave, question)
    published = {b: truth.n(b) for b in truth.boxes()
                 if truth.n(b) >= results.min_n and sum(c == "" for c in b[1:]) <= 1}
    known = differencing_attack(truth, published)
    assert any(0 < n < results.min_n for n in known.values())


def _indicator(results, truth: Truth, box: tuple) -> np.ndarray:
    villages, *coords = box
    vec = np.array([1.0 if v in villages else 0.0 for v in sorted(truth.all_villages)])
    for g, c in zip(truth.groups, coords):
        vec = np.multiply.outer(vec, np.array([1.0 if c in (STAR, code) else 0.0 for code in truth.codes[g]]))
    return vec.ravel()


@pytest.mark.parametrize("question", ["q_otrygg_kvall", "u_vald", "idx_problem"])
def test_no_sensitive_box_is_a_linear_combination_of_published_boxes(results, question):
    """Stronger than differencing: least squares over the fine table. A group code nobody has (here "saknas")
    is known to be empty (no row shows it), so its cells are left out of the unknowns."""
    for wave, published in crawl(results, question).items():
        truth = Truth(results, wave, question)
        keep = np.ones(len(_indicator(results, truth, (truth.all_villages, *[STAR] * len(truth.groups)))), bool)
        for d, g in enumerate(truth.groups):
            for code in truth.codes[g]:
                coords = [STAR] * len(truth.groups)
                coords[d] = code
                if truth.n((truth.all_villages, *coords)) == 0:
                    keep &= _indicator(results, truth, (truth.all_villages, *coords)) == 0
        matrix = np.array([_indicator(results, truth, b)[keep] for b in published])
        _, s, vt = np.linalg.svd(matrix, full_matrices=False)
        basis = vt[s > 1e-9 * s[0]]
        sensitive = [b for b in truth.boxes() if 0 < truth.n(b) < results.min_n]
        assert len(sensitive) > 100
        for box in sensitive:
            x = _indicator(results, truth, box)[keep]
            residual = x - basis.T @ (basis @ x)
            assert np.abs(residual).max() > 1e-6, f"{question} {wave}: {box} (n = {truth.n(box)}) is recoverable"


def test_roll_up_shows_the_enclosing_area_labelled(results):
    rows = labelled_query(results, results.parse({"question": "q_otrygg_kvall", "level": "by"}), "sv")
    hidden = [r for r in rows if r["suppressed"]]
    assert hidden and all(r["rolled_up_to"] for r in hidden)
    deso = {r["area_id"]: r
            for r in labelled_query(results, results.parse({"question": "q_otrygg_kvall", "level": "deso"}), "sv")}
    for r in hidden:
        assert r["rolled_up_label"] == f"visar {r['rolled_up_to']}"
        if r["rolled_up_level"] == "deso":
            parent = deso[r["rolled_up_id"]]
            assert (r["rolled_up_n"], r["rolled_up_share"]) == (parent["n"], parent["share"])
    idre = [r for r in hidden if r["rolled_up_to"] == "Idre med fjällbyarna"]
    assert idre, "the small mountain villages show Idre med fjällbyarna"
    en = labelled_query(results, results.parse({"question": "q_otrygg_kvall", "level": "by"}), "en")
    assert any(r["rolled_up_label"] == "showing Idre med fjällbyarna" for r in en)


def test_roll_up_can_be_switched_off(results):
    import copy
    off = copy.copy(results)
    off.roll_up = False
    from functools import lru_cache as cache
    off.query = cache(maxsize=16)(off.compute)
    rows = labelled_query(off, off.parse({"question": "q_otrygg_kvall", "level": "by"}), "sv")
    assert any(r["suppressed"] for r in rows) and not any(r["rolled_up_to"] for r in rows)


def test_previous_wave_is_compared_only_where_that_wave_publishes_the_box(results):
    question = "q_otrygg_kvall"
    first, last = results.waves[0], results.waves[-1]
    for params in [{"level": "by"}, {"level": "deso", "by": "alder"}, {"level": "by", "kon": "1"}]:
        now = labelled_query(results, results.parse({"question": question, "wave": str(last), **params}), "sv")
        before = {(r["area_id"], r["group"]): r for r in
                  labelled_query(results, results.parse({"question": question, "wave": str(first), **params}), "sv")}
        for r in now:
            if r["previous_share"] is not None:
                assert not before[(r["area_id"], r["group"])]["suppressed"]
                assert r["previous_share"] == before[(r["area_id"], r["group"])]["share"]


def test_the_api_publishes_the_same(results, server_url):
    """A sample of views over HTTP: the same rows (n, shares, suppression, roll-up) as Results.query."""
    sample = [{"level": "by"}, {"level": "by", "by": "kon"}, {"level": "deso", "by": "alder", "kon": "2"},
              {"level": "distrikt", "boende": "1", "alder": "4"}, {"level": "kommun", "by": "boende", "kon": "2"}]
    for question, params in itertools.product(["q_otrygg_kvall", "pol_fortroende"], sample):
        params = {"question": question, "wave": str(results.waves[-1]), **params}
        body = requests.get(server_url + "/api/v1/results", params=params, timeout=10).json()
        mine = labelled_query(results, results.parse(params), "sv")
        assert len(body["rows"]) == len(mine)
        for got, want in zip(body["rows"], mine):
            for key in ("area_id", "group", "n", "suppressed", "rolled_up_to", "rolled_up_n"):
                assert got[key] == want[key], (params, key)
            assert (got["share"] is None) == (want["share"] is None)
            if want["share"] is not None:
                assert got["share"] == pytest.approx(want["share"])


# ---- the rule on hand-made tables ----------------------------------------------------------------------

def tiny_lattice(villages, parents):
    """One group with codes 1, 2 and "saknas"; areas: the villages, their parents, everyone."""
    sets = [frozenset([v]) for v in villages] + [frozenset(p) for p in parents]
    return disclosure.make_lattice(list(villages), sets, [3], [3], [[]])


def test_a_lone_small_village_takes_a_sibling_with_it():
    lattice, classes = tiny_lattice(["a", "b", "c"], [("a", "b"), ("c",)])
    fine = np.zeros((3, 3), dtype=np.int64)
    fine[0] = [3, 4, 0]   # a: 7
    fine[1] = [1, 1, 0]   # b: 2 (sensitive)
    fine[2] = [10, 12, 0]  # c: 22
    n = disclosure.box_sums(fine, lattice)
    published = disclosure.protect(n, lattice, 5)
    a, b, ab = classes[0], classes[1], classes[3]
    assert published[ab, 0] and not published[b, 0] and not published[a, 0]  # a hidden with b


def test_the_hidden_children_of_a_published_parent_never_add_up_below_k():
    lattice, classes = tiny_lattice(["a", "b", "c", "d"], [("a", "b", "c", "d")])
    fine = np.array([[1, 1, 0], [1, 0, 0], [20, 20, 0], [30, 30, 0]], dtype=np.int64)  # a: 2, b: 1
    n = disclosure.box_sums(fine, lattice)
    published = disclosure.protect(n, lattice, 5)
    hidden_total = sum(n[classes[i], 0] for i in range(4) if not published[classes[i], 0])
    assert published[0, 0] and (hidden_total == 0 or hidden_total >= 5)


def test_a_whole_table_below_k_shows_nothing():
    lattice, _ = tiny_lattice(["a", "b"], [("a", "b")])
    fine = np.array([[1, 1, 0], [1, 0, 0]], dtype=np.int64)
    assert not disclosure.protect(disclosure.box_sums(fine, lattice), lattice, 5).any()
