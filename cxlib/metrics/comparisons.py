"""Differences between two groups (NPS, means, shares) with their intervals and tests; Holm's adjustment for many."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from scipy import stats

from cxlib.metrics.answers import nps_groups
from cxlib.metrics.means import mean_from_counts
from cxlib.metrics.nps_counts import (
    ADJUSTMENT,
    BOOTSTRAP_REPLICATES,
    BOOTSTRAP_SEED,
    _bayesian_bootstrap,
    _trinomial,
    nps_from_counts,
)
from cxlib.metrics.proportions import share, wilson_interval
from cxlib.metrics.results import Comparison, _containing, _z


def holm(p_values: Iterable[float]) -> np.ndarray:
    """Holm's step-down adjustment of p-values (NaN stays NaN).

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03]).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(list(p_values), dtype=float)
    adjusted = np.full_like(p, np.nan)
    valid = ~np.isnan(p)
    order = np.argsort(p[valid])
    m = int(valid.sum())
    ranked = p[valid][order] * (m - np.arange(m))
    ranked = np.minimum(np.maximum.accumulate(ranked), 1.0)
    values = np.empty(m)
    values[order] = ranked
    adjusted[valid] = values
    return adjusted



def _nps_counts_of(group: Any) -> tuple[tuple[int, int, int], int]:
    if isinstance(group, tuple) and len(group) == 3:
        return tuple(int(c) for c in group), 0
    promoters, passives, detractors, missing = nps_groups(group)
    return (promoters, passives, detractors), missing


def nps_diff(a: Any, b: Any, *, level: float = 0.95, method: str = "adjusted-wald",
             replicates: int = BOOTSTRAP_REPLICATES, seed: int = BOOTSTRAP_SEED) -> Comparison:
    """Difference of two independent NPS, ``a − b``, with its interval and a z-test.

    Parameters
    ----------
    a, b : array-like or tuple
        Raw 0–10 answers (a list, array or Series), or a tuple of three
        ``(promoters, passives, detractors)`` counts: a tuple of three is
        always read as counts.
    method : {"adjusted-wald", "wald", "bootstrap"}
        ``"adjusted-wald"`` adjusts each group as in :func:`nps_from_counts`
        (Rocks' two-sample test; MeasuringU's). ``"bootstrap"`` draws both
        groups' shares by the Bayesian bootstrap of :func:`nps_from_counts`
        and gives a percentile interval; its p-value uses the bootstrap
        standard error.

    Returns
    -------
    Comparison
        In NPS points.

    Examples
    --------
    >>> print(nps_diff((30, 50, 20), (20, 50, 30)))
    NPS difference +20.0 [+0.3, +38.5] (95% CI), p = 0.0466 (adjusted Wald; n = 100 vs 100)
    """
    if method == "tango":
        raise ValueError("the Tango score interval is for one NPS; compare two with 'adjusted-wald' or 'bootstrap'")
    (counts_a, missing_a), (counts_b, missing_b) = _nps_counts_of(a), _nps_counts_of(b)
    estimate_a = nps_from_counts(*counts_a, level=level, method=method, missing=missing_a,
                                 replicates=replicates, seed=seed)
    estimate_b = nps_from_counts(*counts_b, level=level, method=method, missing=missing_b,
                                 replicates=replicates, seed=seed + 1)
    if estimate_a.n == 0 or estimate_b.n == 0:
        nan = math.nan
        return Comparison("NPS", nan, nan, nan, nan, nan, method, level, nan, estimate_a, estimate_b)
    diff = (estimate_a.value - estimate_b.value) / 100
    centre, low, high, se = _nps_diff_limits(counts_a, counts_b, diff, method, level, replicates, seed)
    if se > 0:
        statistic = centre / se
        p_value = float(2 * stats.norm.sf(abs(statistic)))
    else:  # every answer in one group: the data cannot say how variable the difference is
        statistic, p_value = math.nan, math.nan
    low, high = _containing(100 * diff, 100 * max(float(low), -2.0), 100 * min(float(high), 2.0))
    return Comparison("NPS", 100 * diff, low, high, float(statistic), p_value, method, level, 100 * se,
                      estimate_a, estimate_b)


def _nps_diff_limits(counts_a: tuple[int, int, int], counts_b: tuple[int, int, int], diff: float, method: str,
                     level: float, replicates: int, seed: int) -> tuple[float, float, float, float]:
    """Centre, limits and SE of the difference on the −1…1 scale, before clipping: a bootstrap or a (adjusted) Wald."""
    if method == "bootstrap":
        rng = np.random.default_rng(seed)
        replicate_diff = _bayesian_bootstrap(counts_a, replicates, rng) - _bayesian_bootstrap(counts_b, replicates, rng)
        low, high = np.quantile(replicate_diff, [0.5 - level / 2, 0.5 + level / 2])
        return diff, float(low), float(high), float(replicate_diff.std(ddof=1))
    z = _z(level)
    adjust = ADJUSTMENT if method == "adjusted-wald" else (0, 0, 0)
    centre_a, var_a, n_a = _trinomial(*(c + x for c, x in zip(counts_a, adjust)))
    centre_b, var_b, n_b = _trinomial(*(c + x for c, x in zip(counts_b, adjust)))
    centre = centre_a - centre_b
    se = math.sqrt(var_a / n_a + var_b / n_b)
    return centre, centre - z * se, centre + z * se, se


def mean_diff(counts_a: Sequence[int], counts_b: Sequence[int], scale: tuple[int, int], *, level: float = 0.95,
              metric: str = "mean") -> Comparison:
    """Difference of two mean answers, ``a − b``, by Welch's t-test, from the answer counts.

    The test uses each group's plain sample variance (Welch 1947); the groups'
    own estimates in the result carry :func:`mean_from_counts`' default interval.

    Examples
    --------
    >>> print(mean_diff([0, 0, 1, 2, 2], [1, 1, 1, 1, 1], (1, 5), metric="CSI"))
    CSI difference +1.2 [-0.8, +3.2] (95% CI), p = 0.184 (Welch t; n = 5 vs 5)
    """
    a = mean_from_counts(counts_a, scale, level=level, metric=metric)
    b = mean_from_counts(counts_b, scale, level=level, metric=metric)
    nan = math.nan
    if a.n < 2 or b.n < 2:
        return Comparison(metric, a.value - b.value, nan, nan, nan, nan, "welch", level, nan, a, b)
    var_a = mean_from_counts(counts_a, scale, level=level, method="t").se ** 2
    var_b = mean_from_counts(counts_b, scale, level=level, method="t").se ** 2
    se = math.sqrt(var_a + var_b)
    diff = a.value - b.value
    if se == 0:  # both groups gave one answer each throughout: no spread, no test
        return Comparison(metric, diff, nan, nan, nan, nan, "welch", level, 0.0, a, b)
    freedom = (var_a + var_b) ** 2 / (var_a**2 / (a.n - 1) + var_b**2 / (b.n - 1))
    statistic = diff / se
    half = float(stats.t.ppf(0.5 + level / 2, freedom)) * se
    p_value = float(2 * stats.t.sf(abs(statistic), freedom))
    return Comparison(metric, diff, diff - half, diff + half, statistic, p_value, "welch", level, se, a, b)


def share_diff(successes_a: int, n_a: int, successes_b: int, n_b: int, *, level: float = 0.95,
               metric: str = "share") -> Comparison:
    """Difference of two percentages, ``a − b``.

    Newcombe's interval (from the two Wilson intervals) and the pooled z-test.

    Examples
    --------
    >>> print(share_diff(45, 60, 30, 60, metric="CSAT"))
    CSAT difference +25.0 [+7.7, +40.3] (95% CI), p = 0.00468 (Newcombe; n = 60 vs 60)
    """
    a = share(successes_a, n_a, level=level, metric=metric)
    b = share(successes_b, n_b, level=level, metric=metric)
    nan = math.nan
    if n_a == 0 or n_b == 0:
        return Comparison(metric, nan, nan, nan, nan, nan, "newcombe", level, nan, a, b)
    p_a, p_b = successes_a / n_a, successes_b / n_b
    low_a, high_a = wilson_interval(successes_a, n_a, level)
    low_b, high_b = wilson_interval(successes_b, n_b, level)
    diff = p_a - p_b
    low = diff - math.sqrt((p_a - low_a) ** 2 + (high_b - p_b) ** 2)
    high = diff + math.sqrt((high_a - p_a) ** 2 + (p_b - low_b) ** 2)
    pooled = (successes_a + successes_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    statistic = diff / se if se > 0 else 0.0
    p_value = float(2 * stats.norm.sf(abs(statistic)))
    return Comparison(metric, 100 * diff, 100 * low, 100 * high, statistic, p_value, "newcombe", level, 100 * se, a, b)
