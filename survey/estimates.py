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

Every function works on numpy arrays, one element per cell of a view (a national view has tens of thousands:
computed one at a time in Python they took most of a query's time); NaN marks "no estimate" / "no p-value".
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import erfc
from scipy.stats import norm

Z95 = float(norm.ppf(0.975))
ALPHA = 0.05


@dataclass(frozen=True)
class Estimates:
    """Shares (or index means) of many cells: NaN in p, low, high, n_eff where a cell has no estimate."""
    p: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n: np.ndarray       # respondents in the base
    n_eff: np.ndarray   # Kish effective sample size
    se: np.ndarray | None = None  # standard errors, for means (an index); a share's test uses the pooled variance

    @property
    def ok(self) -> np.ndarray:
        return ~np.isnan(self.p)


def _array(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def wilson(p, n, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for shares p from (effective) sample sizes n; (0, 1) where n is 0."""
    p, n = _array(p), _array(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        denominator = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    empty = n <= 0
    return np.where(empty, 0.0, np.maximum(0.0, centre - half)), np.where(empty, 1.0, np.minimum(1.0, centre + half))


def weighted_shares(n, sum_w, sum_w2, sum_w_yes) -> Estimates:
    """Shares from weighted sums over the base; no estimate where nobody is in the base."""
    n, sum_w, sum_w2, yes = _array(n), _array(sum_w), _array(sum_w2), _array(sum_w_yes)
    ok = (n > 0) & (sum_w > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(ok, np.clip(yes / sum_w, 0.0, 1.0), np.nan)
        n_eff = np.where(ok & (sum_w2 > 0), sum_w * sum_w / sum_w2, np.where(ok, 0.0, np.nan))
    low, high = wilson(p, n_eff)
    return Estimates(p=p, low=np.where(ok, low, np.nan), high=np.where(ok, high, np.nan), n=n, n_eff=n_eff)


def weighted_means(n, sum_w, sum_w2, values, w_by_value) -> Estimates:
    """Means of values in [0, 1] (an index) with a normal 95 % interval: SE² = s² / n_eff, where s² is the weighted
    variance with the n/(n−1) correction. `w_by_value`: cells × values, Σw of those with each value. No estimate
    where nobody is in the base."""
    n, sum_w, sum_w2 = _array(n), _array(sum_w), _array(sum_w2)
    values, w_by_value = _array(values), np.atleast_2d(_array(w_by_value))
    ok = (n > 0) & (sum_w > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(ok, w_by_value @ values / sum_w, np.nan)
        spread = (w_by_value * (values[None, :] - mean[:, None]) ** 2).sum(axis=1) / sum_w
        variance = spread * np.where(n > 1, n / (n - 1), 0.0)
        n_eff = np.where(ok & (sum_w2 > 0), sum_w * sum_w / sum_w2, np.where(ok, 0.0, np.nan))
        se = np.where(ok, np.where(n > 1, np.sqrt(variance / n_eff), 0.5), np.nan)
    return Estimates(p=mean, low=np.maximum(0.0, mean - Z95 * se), high=np.minimum(1.0, mean + Z95 * se), n=n,
                     n_eff=n_eff, se=se)


def difference_p_values(a: Estimates, b: Estimates) -> np.ndarray:
    """Two-sided p-values of a − b, cell by cell, for independent samples: for shares the pooled two-proportion
    z-test on effective sample sizes (pooling keeps the test honest when a small area has a share of 0 or 1: the
    unpooled variance would then be 0 and overstate certainty), for means Welch's z. NaN where either has no
    estimate or the variance is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if a.se is not None and b.se is not None:
            spread = np.sqrt(a.se ** 2 + b.se ** 2)
        else:
            pooled = (a.p * a.n_eff + b.p * b.n_eff) / (a.n_eff + b.n_eff)
            spread = np.sqrt(pooled * (1 - pooled) * (1 / a.n_eff + 1 / b.n_eff))
        z = np.abs(a.p - b.p) / np.where(spread > 0, spread, np.nan)
    return erfc(z / np.sqrt(2.0))  # 2·P(Z > z)


def holm(p_values) -> np.ndarray:
    """Holm-adjusted p-values, same order; NaN (no test) stays NaN and does not count."""
    p = _array(p_values)
    adjusted = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    order = tested[np.argsort(p[tested], kind="stable")]
    m = len(order)
    adjusted[order] = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * p[order]))
    return adjusted
