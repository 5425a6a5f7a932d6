"""Contrasts of independent cell estimates: a change, or a group's change against the rest's, with its test.

A cell is one metric in one period for one group of answers. NPS is tested with the adjusted-Wald estimate
(Rocks 2016; :mod:`cxlib.metrics`), CSAT with the Agresti–Caffo share, CSI and CES with the mean and
Welch–Satterthwaite degrees of freedom. The array helpers here also serve :mod:`cxlib.claims.changes`, which tests
every cell of a survey at once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from cxlib.claims.schema import METHODS, METRICS, scale_of
from cxlib.metrics import ADJUSTMENT
from cxlib.scales import nps_group_counts


@dataclass(frozen=True)
class Contrast:
    """A linear combination of independent estimates (a change, or a change against the rest's), tested.

    Attributes
    ----------
    metric : str
    diff : float
        The combination of the reported values (for NPS and CSAT the raw ones).
    low, high : float
        Its interval at ``level``, centred on the combination of the test's
        estimates (for NPS and CSAT the adjusted ones, as in :func:`cxlib.metrics.nps_diff`).
    se, statistic, p_value, df : float
        Standard error, z or t statistic, two-sided p-value, degrees of freedom (``inf`` for z).
    level : float
    method : str
    """

    metric: str
    diff: float
    low: float
    high: float
    se: float
    statistic: float
    p_value: float
    df: float
    level: float
    method: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _quantile(level: float, df: Any = np.inf) -> Any:
    """The two-sided critical value at ``level``: normal where ``df`` is infinite, Student's t elsewhere."""
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, e.g. 0.95; got {level}")
    df = np.asarray(df, dtype=float)
    z = float(special.ndtri(0.5 + level / 2))
    if np.all(np.isinf(df) | np.isnan(df)):
        return np.full(df.shape, z) if df.ndim else z
    return np.where(np.isinf(df), z, special.stdtrit(np.where(np.isinf(df), 1, df), 0.5 + level / 2))


def _two_sided(statistic: Any, df: Any) -> np.ndarray:
    """Two-sided p-values from z (``df`` infinite) or t statistics."""
    statistic = np.asarray(statistic, dtype=float)
    df = np.broadcast_to(np.asarray(df, dtype=float), statistic.shape)
    p = 2 * special.ndtr(-np.abs(statistic))
    finite = np.isfinite(df)
    if finite.any():
        p = np.where(finite, 2 * special.stdtr(np.where(finite, df, 1), -np.abs(statistic)), p)
    return p


def _estimates(metric: str, counts: Any, scale: tuple[int, int]) -> dict[str, np.ndarray]:
    """Value, test centre, variance, n and degrees of freedom of every cell (last axis: the answer scale)."""
    counts = np.asarray(counts, dtype=float)
    n = counts.sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if metric == "nps":
            promoters, _, detractors = nps_group_counts(counts)
            value = 100 * (promoters - detractors) / n
            p, d = promoters + ADJUSTMENT[0], detractors + ADJUSTMENT[2]
            n_adjusted = n + sum(ADJUSTMENT)
            centre = (p - d) / n_adjusted
            variance = np.maximum((p + d) / n_adjusted - centre**2, 0.0) / n_adjusted * 100**2
            centre, df = 100 * centre, np.full_like(n, np.inf)
        elif metric == "csat":
            satisfied = counts[..., 1]
            value = 100 * satisfied / n
            adjusted = (satisfied + 1) / (n + 2)
            centre, variance = 100 * adjusted, adjusted * (1 - adjusted) / (n + 2) * 100**2
            df = np.full_like(n, np.inf)
        else:
            scores = np.arange(scale[0], scale[1] + 1, dtype=float)
            value = (counts * scores).sum(-1) / n
            spread = (counts * (scores - value[..., None]) ** 2).sum(-1) / (n - 1)
            centre, variance, df = value, np.where(n >= 2, spread / n, np.nan), n - 1
    empty = n == 0
    return {"value": np.where(empty, np.nan, value), "centre": np.where(empty, np.nan, centre),
            "variance": np.where(empty, np.nan, variance), "n": n, "df": df}


def _combine(terms: list[tuple[float, dict[str, np.ndarray]]]) -> dict[str, np.ndarray]:
    """``Σ coefficient × cell``: the reported difference, the test's centre, its SE and Welch–Satterthwaite df."""
    diff = sum(c * e["value"] for c, e in terms)
    centre = sum(c * e["centre"] for c, e in terms)
    variance = sum(c * c * e["variance"] for c, e in terms)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = sum((c * c * e["variance"]) ** 2 / e["df"] for c, e in terms)
        df = np.where(spread > 0, variance**2 / np.where(spread > 0, spread, 1), np.inf)
    return {"diff": diff, "centre": centre, "se": np.sqrt(variance), "df": df}


def _as_counts(cell: Any, metric: str, scale: tuple[int, int]) -> np.ndarray:
    """Answer counts on ``scale``: a numpy array is counts, a tuple of three NPS counts, anything else raw answers."""
    width = scale[1] - scale[0] + 1
    if isinstance(cell, tuple) and metric == "nps" and len(cell) == 3:  # (promoters, passives, detractors)
        counts = np.zeros(11)
        counts[10], counts[7], counts[0] = cell
        return counts
    if isinstance(cell, np.ndarray):
        if cell.shape != (width,) or (cell < 0).any():
            raise ValueError(f"{metric.upper()} counts must be {width} non-negative numbers, one per answer "
                             f"{scale[0]}–{scale[1]}; got shape {cell.shape}")
        return cell.astype(float)
    answers = pd.to_numeric(pd.Series(list(cell), dtype=object), errors="raise").to_numpy(dtype=float)
    answers = answers[~np.isnan(answers)]
    if answers.size and (answers.min() < scale[0] or answers.max() > scale[1] or np.any(answers != np.trunc(answers))):
        raise ValueError(f"{metric.upper()} answers must be whole numbers from {scale[0]} to {scale[1]}")
    return np.bincount((answers - scale[0]).astype(np.intp), minlength=width).astype(float)


def contrast(metric: str, terms: Sequence[tuple[float, Any]], *, level: float = 0.95,
             scales: dict[str, Any] | None = None) -> Contrast:
    """A linear combination of independent cells of one metric, with its interval and test.

    Parameters
    ----------
    metric : {"nps", "csat", "csi", "ces"}
    terms : sequence of (coefficient, cell)
        Each cell is a numpy array of answer counts over the metric's scale
        (:func:`scale_of`: NPS 0–10, CSAT 0–1, CSI 1–5, CES as ``scales``
        says), a tuple ``(promoters, passives, detractors)`` for NPS, or a list
        of raw answers. A change is ``[(1, later), (-1, earlier)]``.

    Returns
    -------
    Contrast

    Examples
    --------
    The same test as :func:`cxlib.metrics.nps_diff`:

    >>> round(contrast("nps", [(1, (30, 50, 20)), (-1, (20, 50, 30))]).p_value, 4)
    0.0466
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    scale = scale_of(metric, scales)
    cells = [(float(c), _estimates(metric, _as_counts(cell, metric, scale), scale)) for c, cell in terms]
    result = {key: float(value) for key, value in _combine(cells).items()}
    centre, se, df = result["centre"], result["se"], result["df"]
    if not se > 0:
        return Contrast(metric, result["diff"], math.nan, math.nan, se, math.nan, math.nan, df, level, METHODS[metric])
    q = float(_quantile(level, df))
    return Contrast(metric, result["diff"], centre - q * se, centre + q * se, se, centre / se,
                    float(_two_sided(centre / se, df)), df, level, METHODS[metric])


def interaction(metric: str, group_later: Any, group_earlier: Any, rest_later: Any, rest_earlier: Any, *,
                level: float = 0.95, scales: dict[str, Any] | None = None) -> Contrast:
    """A group's change minus the rest's change (a difference in differences), its SE from the four cells.

    Examples
    --------
    A channel whose NPS fell 60 points while the rest held still:

    >>> result = interaction("nps", (20, 30, 50), (50, 30, 20), (400, 350, 250), (400, 350, 250))
    >>> round(result.diff), bool(result.p_value < 0.001)
    (-60, True)
    """
    return contrast(metric, [(1, group_later), (-1, group_earlier), (-1, rest_later), (1, rest_earlier)],
                    level=level, scales=scales)
