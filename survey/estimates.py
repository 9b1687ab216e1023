"""Estimates with honest uncertainty: weighted shares, 95 % intervals, and tests of differences.

Choices (see also the methods page, layouts/methods.py):
- A share is weighted: p = Σ w·y / Σ w over those in the base.
- Its 95 % interval is Wilson's score interval computed with Kish's effective sample size
  n_eff = (Σ w)² / Σ w², which is what weighting costs in precision. Wilson stays inside 0–100 %
  and behaves for small n and shares near 0 or 1 (Brown, Cai & DasGupta 2001, Statistical Science 16:101–133;
  Kish 1965, Survey Sampling). With equal weights n_eff = n and this is the ordinary Wilson interval.
- Two independent shares are compared with the pooled two-sided z-test on effective sample sizes.
  An area "against the rest of the municipality" uses the municipality minus the area, so the two
  samples are disjoint.
- An index (a mean of item scores in 0–1) gets a normal interval from the weighted variance and n_eff,
  and two means are compared with Welch's z on their standard errors.
- Many comparisons are shown at once (every area on the map, every group in the bars), so p-values of
  one view are adjusted with Holm's method (Holm 1979), which keeps the chance of any false "significant"
  in the view at 5 % without assuming independence.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import norm

Z95 = float(norm.ppf(0.975))
ALPHA = 0.05


@dataclass(frozen=True)
class Share:
    p: float
    low: float
    high: float
    n: int          # respondents in the base
    n_eff: float    # Kish effective sample size
    se: float | None = None  # standard error, for a mean (an index); a share's test uses the pooled variance


def kish_n_eff(sum_w: float, sum_w2: float) -> float:
    return 0.0 if sum_w2 <= 0 else sum_w * sum_w / sum_w2


def wilson(p: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a share p from (effective) sample size n."""
    if n <= 0:
        return (0.0, 1.0)
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def weighted_share(n: int, sum_w: float, sum_w2: float, sum_w_yes: float) -> Share | None:
    """The share from weighted sums over the base; None when nobody is in the base."""
    if n == 0 or sum_w <= 0:
        return None
    p = min(1.0, max(0.0, sum_w_yes / sum_w))
    n_eff = kish_n_eff(sum_w, sum_w2)
    low, high = wilson(p, n_eff)
    return Share(p=p, low=low, high=high, n=n, n_eff=n_eff)


def weighted_mean(n: int, sum_w: float, sum_w2: float, w_by_value: dict[float, float]) -> Share | None:
    """Mean of values in [0, 1] (an index) with a normal 95 % interval: SE² = s² / n_eff, where s² is the
    weighted variance with the n/(n−1) correction. None when nobody is in the base."""
    if n == 0 or sum_w <= 0:
        return None
    mean = sum(x * w for x, w in w_by_value.items()) / sum_w
    variance = sum(w * (x - mean) ** 2 for x, w in w_by_value.items()) / sum_w * (n / (n - 1) if n > 1 else 0.0)
    n_eff = kish_n_eff(sum_w, sum_w2)
    se = math.sqrt(variance / n_eff) if n > 1 else 0.5
    return Share(p=mean, low=max(0.0, mean - Z95 * se), high=min(1.0, mean + Z95 * se), n=n, n_eff=n_eff, se=se)


def difference_p_value(a: Share, b: Share) -> float | None:
    """Two-sided p-value of a − b for independent samples: the pooled two-proportion z-test on effective
    sample sizes. Pooling keeps the test honest when a small area has a share of 0 or 1 (the unpooled
    variance would then be 0 and overstate certainty)."""
    if a.se is not None and b.se is not None:  # two means: Welch's z
        spread = math.sqrt(a.se ** 2 + b.se ** 2)
        return None if spread == 0 else _two_sided(abs(a.p - b.p) / spread)
    pooled = (a.p * a.n_eff + b.p * b.n_eff) / (a.n_eff + b.n_eff)
    variance = pooled * (1 - pooled) * (1 / a.n_eff + 1 / b.n_eff)
    if variance <= 0:
        return None
    return _two_sided(abs(a.p - b.p) / math.sqrt(variance))


def _two_sided(z: float) -> float:
    """2·P(Z > z) for a standard normal Z, as math.erfc (the same as 2·norm.sf(z), without scipy's per-call cost)."""
    return math.erfc(z / math.sqrt(2.0))


def holm(p_values: list[float | None]) -> list[float | None]:
    """Holm-adjusted p-values (same order; None stays None)."""
    indexed = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(indexed)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted
