"""survey/disclosure_witness.py's construction against the integer-programming attacker: a sensitive box for which
the two witness tables (n = 0 and n = k - 1, non-negative, the same published counts) were found is never
narrowed by survey.disclosure_attack.Attacker (HiGHS) on the published pattern: over the whole lattice, and over
a lattice cut per area depth (at most so many group codes fixed, as a level that offers fewer combinations would).
"""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey import disclosure_witness as W

from .test_integer_attack import attack_table, failures, small_tables

SEEN = {"witnessed": 0, "unproven": 0}


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(small_tables(), st.none() | st.lists(st.integers(0, 2), min_size=3, max_size=3))
def test_a_box_with_a_witness_is_not_narrowed(table, limits):
    lattice, n, k = table
    needs = None if limits is None else cut(lattice, limits)
    published, unproven = W.protect_witnessed(n, lattice, k, needs=needs)
    assert not (published & ((n < k) | (False if needs is None else ~needs))).any()
    skip = {np.ravel_multi_index(b, n.shape) for b in unproven}
    kept = (n > 0) & (n < k) & (True if needs is None else needs)
    boxes = np.array([b for b in np.flatnonzero(kept.reshape(-1)) if b not in skip], dtype=np.int64)
    SEEN["witnessed"] += len(boxes)
    SEEN["unproven"] += len(unproven)
    found = attack_table(n, published, lattice, k, boxes=boxes)
    assert not failures(found, k), (k, {np.unravel_index(b, n.shape): v for b, v in failures(found, k).items()})


def cut(lattice, limits: list[int]) -> np.ndarray:
    """The boxes with at most limits[depth] group codes fixed (depth of the area class; the last limit below)."""
    depth = np.zeros(len(lattice.parent), dtype=np.int64)
    for d, classes in enumerate(lattice.by_depth):
        depth[classes] = d
    fixed = np.zeros(lattice.shape[1:], dtype=np.int64)
    for d, m in enumerate(lattice.sizes):
        view = [1] * len(lattice.sizes)
        view[d] = m + 1
        fixed = fixed + (np.arange(m + 1) > 0).reshape(view)
    limit = np.array(limits)[np.minimum(depth, len(limits) - 1)]
    return fixed[None] <= limit.reshape((-1,) + (1,) * len(lattice.sizes))


def test_the_witness_count_is_reported():
    print("sensitive boxes with a witness / without:", SEEN)
    assert SEEN["witnessed"] > 0
