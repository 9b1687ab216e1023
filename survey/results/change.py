"""An indicator's follow-up: one area's value under a group filter in a baseline wave and in every later wave, each
later wave tested against the baseline. Codes and numbers only (promises/ adds the words).

The values are the view's own (compute.area_estimates: the same sums, estimate and disclosure control as
`Results.query`; tests/unit/test_promise_followup.py compares them with the API's rows). A wave whose cell is hidden
has no value and no test, and neither has any wave when the baseline is hidden. The tests are the two-proportion
z-test (Welch's z for an index) of survey/estimates.py, Holm-adjusted over the later waves of the one indicator.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..estimates import ALPHA, difference_p_values, holm
from .compute import area_estimates, trend_point
from .parameters import Query

if TYPE_CHECKING:
    from .processed import Results


def indicator_change(results: Results, q: Query, area_id: str, baseline: int) -> list[dict]:
    """From the baseline wave on: area_trend's point of each wave, plus for each later wave `p_vs_baseline` (Holm
    over the later waves) and `change` ("lower"/"higher" when significant at ALPHA, else None). An unknown
    baseline wave gives no point (ValueError from the caller's check is clearer: promises/followup.py)."""
    is_index = results.codebook.question(q.question) is None
    series = [(wave, found) for wave, found in area_estimates(results, q, area_id) if wave >= baseline]
    if not series or series[0][0] != baseline:
        return []
    base = series[0][1]
    p_values = holm(np.array([difference_p_values(found, base)[0] for _, found in series[1:]], dtype=float))
    points = [dict(trend_point(baseline, base, is_index), p_vs_baseline=None, change=None)]
    for (wave, found), p in zip(series[1:], p_values.tolist()):
        point = trend_point(wave, found, is_index)
        tested = p == p  # NaN: no test (either value hidden)
        point["p_vs_baseline"] = p if tested else None
        point["change"] = (("higher" if found.p[0] > base.p[0] else "lower") if tested and p < ALPHA else None)
        points.append(point)
    return points
