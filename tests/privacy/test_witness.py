"""survey/disclosure_witness.py's construction against the integer-programming attacker: a sensitive box for which
the two witness tables (n = 0 and n = k - 1, non-negative, the same published counts) were found is never
narrowed by survey.disclosure_attack.Attacker (HiGHS) on the published pattern."""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

from survey import disclosure_witness as W

from .test_integer_attack import attack_table, failures, small_tables

SEEN = {"witnessed": 0, "unproven": 0}


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(small_tables())
def test_a_box_with_a_witness_is_not_narrowed(table):
    lattice, n, k = table
    published, unproven = W.protect_witnessed(n, lattice, k)
    skip = {np.ravel_multi_index(b, n.shape) for b in unproven}
    boxes = np.array([b for b in np.flatnonzero((n.reshape(-1) > 0) & (n.reshape(-1) < k)) if b not in skip],
                     dtype=np.int64)
    SEEN["witnessed"] += len(boxes)
    SEEN["unproven"] += len(unproven)
    found = attack_table(n, published, lattice, k, boxes=boxes)
    assert not failures(found, k), (k, {np.unravel_index(b, n.shape): v for b, v in failures(found, k).items()})


def test_the_witness_count_is_reported():
    print("sensitive boxes with a witness / without:", SEEN)
    assert SEEN["witnessed"] > 0
