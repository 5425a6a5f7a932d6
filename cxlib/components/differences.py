"""Means and differences of 1–5 scores with their t intervals: the statistics of the components' self-assessment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats


@dataclass(frozen=True)
class Difference:
    """A tested difference of means, ``a − b``: its interval at ``level``, t statistic, degrees of freedom, p."""

    diff: float
    low: float
    high: float
    se: float
    statistic: float
    df: float
    p_value: float
    n_a: int
    n_b: int
    level: float


def _present(values: Any) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return values[~np.isnan(values)]


def _tested(diff: float, se: float, df: float, n_a: int, n_b: int, level: float) -> Difference:
    """``diff`` with its t interval and two-sided p on ``df`` degrees of freedom; untestable (NaN) unless se > 0."""
    if not (se > 0 and df > 0):
        return Difference(diff, math.nan, math.nan, se, math.nan, df, math.nan, n_a, n_b, level)
    half = float(stats.t.ppf(0.5 + level / 2, df)) * se
    p_value = float(2 * stats.t.sf(abs(diff / se), df))
    return Difference(diff, diff - half, diff + half, se, diff / se, df, p_value, n_a, n_b, level)


def mean_interval(values: Any, level: float = 0.95) -> tuple[float, float, float, int, float]:
    """Mean of ``values`` (NaN left out) with its t interval: ``(mean, low, high, n, se)``.

    One value has a mean but no interval (NaN bounds); none has neither.

    Examples
    --------
    >>> [round(x, 3) for x in mean_interval([2.0, 3.0, 4.0])[:3]]
    [3.0, 0.516, 5.484]
    """
    values = _present(values)
    n = len(values)
    mean = float(values.mean()) if n else math.nan
    se = float(values.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * se if n > 1 else math.nan
    return mean, mean - half, mean + half, n, se


def welch(a: Any, b: Any, level: float = 0.95) -> Difference:
    """Welch's unequal-variance t-test of ``mean(a) − mean(b)`` (NaN left out), with its interval.

    Untestable (NaN p) when a group has fewer than two values or neither group varies.

    Examples
    --------
    >>> round(welch([4.0, 4.5, 5.0], [2.0, 3.0, 2.5, 3.5]).p_value, 4)
    0.0101
    """
    a, b = _present(a), _present(b)
    na, nb = len(a), len(b)
    diff = float(a.mean() - b.mean()) if na and nb else math.nan
    if na < 2 or nb < 2:
        return _tested(diff, math.nan, math.nan, na, nb, level)
    va, vb = a.var(ddof=1) / na, b.var(ddof=1) / nb
    df = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1)) if va + vb > 0 else math.nan
    return _tested(diff, math.sqrt(va + vb), float(df), na, nb, level)


def paired(a: Any, b: Any, strata: Any = None, level: float = 0.95) -> Difference:
    """Paired t-test of ``a − b`` over the respondents who have both, stratified by ``strata`` when given.

    Without strata this is the ordinary paired t-test. With strata (the respondents' roles) the difference is the
    mean over respondents, ``Σ w_g·d̄_g`` with ``w_g`` each stratum's share, and its variance
    ``Σ w_g²·s_g²/n_g`` counts only the spread within strata, with Welch–Satterthwaite degrees of freedom: the
    roles' shares are taken as the company's, so a split between managers and staff (which the gap claims test)
    is not counted as noise when two components are compared. Untestable (NaN p) when a stratum has one
    respondent or nothing varies.

    Examples
    --------
    >>> round(paired([3.0, 4.0, 5.0, 4.0], [2.0, 2.5, 3.0, 3.5]).p_value, 4)
    0.0305
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    strata = np.zeros(len(a)) if strata is None else pd.Series(strata).fillna("").astype(str).to_numpy()
    both = ~np.isnan(a) & ~np.isnan(b)
    n = int(both.sum())
    if n == 0:
        return _tested(math.nan, math.nan, math.nan, 0, 0, level)
    d, strata = a[both] - b[both], strata[both]
    groups = [d[strata == stratum] for stratum in np.unique(strata)]
    sizes = np.array([len(g) for g in groups], dtype=float)
    weights = sizes / n
    if sizes.min() < 2:
        return _tested(float(sum(w * g.mean() for w, g in zip(weights, groups))), math.nan, math.nan, n, n, level)
    parts = weights**2 * np.array([g.var(ddof=1) for g in groups]) / sizes
    se = math.sqrt(parts.sum())
    df = float(se**4 / (parts**2 / (sizes - 1)).sum()) if se > 0 else math.nan
    return _tested(float(sum(w * g.mean() for w, g in zip(weights, groups))), se, df, n, n, level)
