"""The weighted trend through period estimates, each weighted by its information ``1/SE²``, and its slope's test."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from cxlib.claims.contrasts import _quantile, _two_sided
from cxlib.claims.schema import MIN_PERIODS


@dataclass(frozen=True)
class Trend:
    """A weighted least-squares trend through period estimates.

    Attributes
    ----------
    slope, low, high : float
        Change per period and its interval at ``level``.
    se, statistic, p_value : float
        Standard error of the slope, z statistic, two-sided p-value for "no trend".
    dispersion : float
        How much more the periods scatter about the line than their sampling
        error allows (``max(1, Q / (k − 2))``, Q the weighted residual sum of
        squares); the slope's variance is multiplied by it.
    periods : int
        Periods used (those with an estimate and a positive standard error).
    span : float
        Periods from the first used to the last used, so ``slope × span`` is the fitted change.
    level : float
    df : float
        Degrees of freedom of the slope's test (Welch–Satterthwaite over the periods' own); infinite, a z-test,
        when every period's standard error is taken as known.
    """

    slope: float
    low: float
    high: float
    se: float
    statistic: float
    p_value: float
    dispersion: float
    periods: int
    span: float
    level: float
    df: float = math.inf

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _trend_arrays(y: Any, se: Any, x: Any, level: float, min_periods: int = MIN_PERIODS,
                  df: Any = np.inf) -> dict[str, np.ndarray]:
    """Weighted trends, one per row of ``y`` (rows: groups, columns: periods); invalid cells are left out.

    ``df`` is each cell's degrees of freedom (infinite for a known variance); the slope's test takes the
    Welch–Satterthwaite degrees of freedom of its terms, so a slope resting on periods of two or three answers,
    whose standard errors are themselves guesses, is judged by a t distribution with few degrees of freedom.
    """
    y, se = np.atleast_2d(np.asarray(y, dtype=float)), np.atleast_2d(np.asarray(se, dtype=float))
    x = np.broadcast_to(np.asarray(x, dtype=float), y.shape)
    df = np.broadcast_to(np.asarray(df, dtype=float), y.shape)
    valid = np.isfinite(y) & np.isfinite(se) & (se > 0) & np.isfinite(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(valid, 1 / np.where(valid, se, 1) ** 2, 0.0)
        yv, xv = np.where(valid, y, 0.0), np.where(valid, x, 0.0)
        total = w.sum(1)
        x_bar, y_bar = (w * xv).sum(1) / total, (w * yv).sum(1) / total
        dx = np.where(valid, xv - x_bar[:, None], 0.0)
        sxx = (w * dx**2).sum(1)
        slope = (w * dx * (yv - y_bar[:, None])).sum(1) / sxx
        residual = np.where(valid, yv - y_bar[:, None] - slope[:, None] * dx, 0.0)
        k = valid.sum(1)
        dispersion = np.maximum(1.0, (w * residual**2).sum(1) / np.maximum(k - 2, 1))
        ok = (k >= max(min_periods, 3)) & (sxx > 0)
        slope = np.where(ok, slope, np.nan)
        se_slope = np.where(ok, np.sqrt(dispersion / sxx), np.nan)
        statistic = slope / se_slope
        span = np.where(valid, xv, -np.inf).max(1) - np.where(valid, xv, np.inf).min(1)
        # each period's share of the slope's variance, (w·dx/sxx)²·se² = w·dx²/sxx², and its df
        term = np.where(valid, w * dx**2, 0.0) / sxx[:, None] ** 2
        spread = np.where(valid & (term > 0), term**2 / np.where(valid, df, 1), 0.0).sum(1)
        slope_df = np.where(ok & (spread > 0), term.sum(1) ** 2 / np.where(spread > 0, spread, 1), np.inf)
    q = _quantile(level, slope_df)
    return {"slope": slope, "low": slope - q * se_slope, "high": slope + q * se_slope, "se": se_slope,
            "statistic": statistic, "p_value": _two_sided(statistic, slope_df), "df": slope_df,
            "dispersion": np.where(ok, dispersion, np.nan), "periods": k, "span": np.where(ok, span, np.nan),
            "first": np.where(valid.any(1), np.argmax(valid, 1), -1),
            "last": np.where(valid.any(1), valid.shape[1] - 1 - np.argmax(valid[:, ::-1], 1), -1)}


def weighted_trend(values: Sequence[float], se: Sequence[float], x: Sequence[float] | None = None, *,
                   level: float = 0.95, min_periods: int = MIN_PERIODS, df: Sequence[float] | None = None) -> Trend:
    """The trend of period estimates, each weighted by its information (``1/SE²``), and a test of its slope.

    Weighted least squares on the estimates, as in a fixed-effect
    meta-regression: the slope is ``Σw(x − x̄)(y − ȳ) / Σw(x − x̄)²`` with
    weighted means, its variance ``φ / Σw(x − x̄)²``, where ``φ`` is the
    larger of 1 and the weighted residual sum of squares over ``k − 2`` (so
    the periods' own scatter can widen the interval, never narrow it below
    what the sampling error says). The test is a z-test of the slope, or, when the
    periods' standard errors are estimated from few answers (``df``), a t-test with
    the Welch–Satterthwaite degrees of freedom of the slope's terms.

    Parameters
    ----------
    values, se : sequence of float
        One estimate and its standard error per period, in time order. A
        period with a missing value or standard error (or a standard error of
        0) is left out.
    x : sequence of float, optional
        The periods' positions; by default 0, 1, 2, ….
    min_periods : int
        Fewer usable periods than this (and never fewer than 3) give NaN.
    df : sequence of float, optional
        Each period's degrees of freedom (a mean of n answers: n − 1); by default infinite (a z-test).

    Returns
    -------
    Trend

    Examples
    --------
    NPS 50 → 49.9 → 49.8 with 300 answers a period (SE about 5 points) is no trend:

    >>> round(weighted_trend([50, 49.9, 49.8], [5.0, 5.0, 5.0]).p_value, 3)
    0.977
    """
    values, se = np.asarray(values, dtype=float), np.asarray(se, dtype=float)
    if values.shape != se.shape or values.ndim != 1:
        raise ValueError(f"values and se must be two sequences of the same length; got {values.shape} and {se.shape}")
    x = np.arange(len(values), dtype=float) if x is None else np.asarray(x, dtype=float)
    freedom = np.full(values.shape, np.inf) if df is None else np.asarray(df, dtype=float)
    result = _trend_arrays(values[None], se[None], x[None], level, min_periods, freedom[None])
    first = {key: float(result[key][0]) for key in ("slope", "low", "high", "se", "statistic", "p_value",
                                                   "dispersion", "span", "df")}
    return Trend(first["slope"], first["low"], first["high"], first["se"], first["statistic"], first["p_value"],
                 first["dispersion"], int(result["periods"][0]), first["span"], level, first["df"])
