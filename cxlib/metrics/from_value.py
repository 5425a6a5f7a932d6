"""An interval for a survey value given with its n only (a scorecard's "NPS 100, n = 40"), the answers not supplied."""

from __future__ import annotations

import math
import re

import numpy as np

from cxlib.metrics.means import _mean_interval
from cxlib.metrics.nps_counts import ADJUSTMENT, _trinomial
from cxlib.metrics.proportions import wilson_interval
from cxlib.metrics.results import Estimate, _containing, _nan_estimate, _z

_MEAN_UNIT = re.compile(r"^mean\s+(-?\d+(?:\.\d+)?)\s*[–-]\s*(-?\d+(?:\.\d+)?)")


def interval_from_value(value: float, n: float, unit: str, *, level: float = 0.95, metric: str = "") -> Estimate:
    """The widest honest interval for a survey value given with its n only, the answers themselves not supplied.

    A scorecard may carry "NPS 100, n = 40" without the split behind it. Of all
    the answers that could give this value, the interval takes the widest
    its method would give, so a value is never called better or worse than a
    target on too little evidence, and a value at the end of its scale still
    gets an interval of honest width rather than none.

    Parameters
    ----------
    value : float
        The reported value on its own scale.
    n : float
        Answers behind it.
    unit : str
        ``"points"`` (an NPS-type score, −100…100), ``"%"`` (a share), or
        ``"mean a–b"`` (a mean answer on the scale a…b; anything may follow,
        e.g. ``"mean 1–7, higher = easier"``).
    level : float
        Confidence level.
    metric : str
        The name carried in the result.

    Returns
    -------
    Estimate
        With ``method``:

        * ``"widest-adjusted-wald"`` for points: the adjusted-Wald interval
          (:func:`nps_from_counts`) of the split with no passives,
          ``(1 + v)/2`` promoters and ``(1 − v)/2`` detractors. The adjusted
          centre depends on v alone and the adjusted variance falls as
          passives replace promoter–detractor pairs, so no split with this
          NPS gives a wider interval. At ±100 the split is forced, and the
          interval is that of n promoters (or detractors).
        * ``"modified-wilson"`` for %: :func:`share`'s interval; the value
          fixes the share, so nothing is assumed.
        * ``"widest-adjusted-t"`` for means: :func:`mean_from_counts`'s
          adjusted t for answers all at the two ends of the scale in the
          proportion that gives this mean, the spread the largest any answers
          with this mean can have (Bhatia & Davis 2000).

        For any other unit, or fewer than two answers for a mean, the limits
        are NaN and ``note`` says why.

    Raises
    ------
    ValueError
        For a value outside its scale (beyond rounding).

    Examples
    --------
    >>> print(interval_from_value(100, 40, "points", metric="NPS"))
    NPS 100.0 [83.6, 100.0] (95% CI, n = 40, widest adjusted Wald for this value)
    >>> print(interval_from_value(5.0, 40, "mean 1–5", metric="CSI"))
    CSI 5.0 [4.8, 5.0] (95% CI, n = 40, widest adjusted t for this value)
    """
    z = _z(level)
    n = float(n)
    value = float(value)
    if math.isnan(value) or math.isnan(n) or n <= 0:
        return _nan_estimate(metric, level, "", unit, 0, "no value or no answers")
    size = round(n)
    if unit == "points":
        return _widest_points(value, n, size, z, level, metric)
    if unit == "%":
        return _share_from_value(value, n, size, level, metric)
    found = _MEAN_UNIT.match(unit)
    if found:
        return _widest_mean(value, n, size, (float(found.group(1)), float(found.group(2))), level, metric, unit)
    return Estimate(metric, value, math.nan, math.nan, size, level, "", math.nan, unit,
                    note=f"no interval for unit {unit!r} from a value and n alone")


def _widest_points(value: float, n: float, size: int, z: float, level: float, metric: str) -> Estimate:
    """The adjusted-Wald interval of the split with this NPS and no passives, the widest any split gives."""
    if not -100 - 1e-9 <= value <= 100 + 1e-9:
        raise ValueError(f"a value in NPS points lies between -100 and 100; got {value}")
    value = min(max(value, -100.0), 100.0)  # rounding in a stored value, nothing more
    v = value / 100
    centre, variance, n_adjusted = _trinomial(n * (1 + v) / 2 + ADJUSTMENT[0], ADJUSTMENT[1],
                                              n * (1 - v) / 2 + ADJUSTMENT[2])
    se = math.sqrt(variance / n_adjusted)
    low, high = _containing(value, 100 * max(centre - z * se, -1.0), 100 * min(centre + z * se, 1.0))
    return Estimate(metric, value, low, high, size, level, "widest-adjusted-wald", 100 * se, "points")


def _share_from_value(value: float, n: float, size: int, level: float, metric: str) -> Estimate:
    """The modified Wilson interval of a share: the value fixes the share, so nothing is assumed."""
    if not -1e-9 <= value <= 100 + 1e-9:
        raise ValueError(f"a share lies between 0 and 100%; got {value}")
    value = min(max(value, 0.0), 100.0)
    low, high = wilson_interval(value / 100 * n, n, level, modified=True)
    return Estimate(metric, value, 100 * low, 100 * high, size, level, "modified-wilson",
                    100 * math.sqrt(value / 100 * (1 - value / 100) / n), "%")


def _widest_mean(value: float, n: float, size: int, scale: tuple[float, float], level: float, metric: str,
                 unit: str) -> Estimate:
    """The adjusted t interval of answers all at the scale's two ends in the proportion that gives this mean."""
    bottom, top = scale
    if not bottom - 1e-9 <= value <= top + 1e-9:
        raise ValueError(f"a mean on {bottom:g}–{top:g} lies on that scale; got {value}")
    value = min(max(value, bottom), top)
    if n < 2:
        return Estimate(metric, value, math.nan, math.nan, size, level, "widest-adjusted-t", math.nan, unit,
                        note="one answer: no interval")
    counts = np.array([n * (top - value) / (top - bottom), n * (value - bottom) / (top - bottom)])
    _, low, high, se = _mean_interval(counts, (bottom, top), level, "adjusted-t")
    return Estimate(metric, value, low, high, size, level, "widest-adjusted-t", se, unit)
