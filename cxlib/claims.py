"""One family of claims: every change the diagnosis states, tested together.

A diagnosis that tests NPS, CSAT, CSI and CES, company-wide and in every
channel and segment, period after period, makes well over a hundred
comparisons. Corrected table by table, some of them come out "significant" by
chance in most reports. This module builds every comparison the diagnosis may
state as one tidy table (one row per claim) and controls the chance of even
one false claim across the whole table.

The procedure, in three parts:

* **Each claim is a contrast of independent cell estimates** (one metric in
  one period for one group of answers), tested with the metric's own
  standard error: the adjusted-Wald NPS (Rocks 2016; :mod:`cxlib.metrics`),
  the Agresti–Caffo share for CSAT (one satisfied and one unsatisfied
  pseudo-answer per cell) and the mean with Welch–Satterthwaite degrees of
  freedom for CSI and CES. A change between two periods is the contrast
  ``later − earlier``; for NPS and the means it is exactly
  :func:`cxlib.metrics.nps_diff` and :func:`cxlib.metrics.mean_diff`.
* **Three kinds of change**: ``period-on-period`` (adjacent periods),
  ``first-to-last`` (the first period against the last, with three periods or
  more) and ``trend`` (a weighted least-squares line through the period
  estimates, each weighted by its information ``1/SE²``, testing the slope;
  when the periods scatter about the line more than their sampling error
  allows, the slope's variance is inflated by that excess, never deflated).
  A period with three answers weighs what three answers weigh.
* **Attribution by interaction.** A change is named as a group's (a channel's,
  a segment's) only when the group changed *and* its change differs from the
  change of all other answers (``group's change − rest's change``, its SE from
  the four cells), both in the same direction. Both tests must reject: an
  intersection–union test, whose p-value is the larger of the two and needs no
  further correction. Otherwise the change is the company's.

Every claim then enters **one Holm step-down adjustment over the whole
family** (all metrics, all kinds, company-wide and by group, plus whatever the
caller adds: the scorecard's trends, the value-tier and delivery-gap tests).
Holm controls the family-wise error rate under any dependence between the
tests, which these have plenty of (a period appears in two adjacent changes;
a channel is part of the company). Intervals are per claim, at ``level``,
unadjusted; the claim itself rests on ``p_adjusted``.

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                                # doctest: +SKIP
>>> table = cxlib.claims.family(client.answers, periods=client.periods,
...                             scales=client.config["scales"])            # doctest: +SKIP
>>> table[table["significant"]][["metric", "group", "kind", "from", "to", "diff", "p_adjusted"]]  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from cxlib.metrics import ADJUSTMENT, holm
from cxlib.periods import sort_periods

METRICS = ("nps", "csat", "csi", "ces")
KINDS = ("period-on-period", "first-to-last", "trend")
COMPANY = "(all)"
GROUPS = ("channel", "segment")
CSI_SATISFIED = 4  # CSAT from the 1–5 satisfaction question when the survey has no CSAT of its own: its top-2 box
MIN_PERIODS = 3     # a trend needs three periods; with two, first-to-last is the period-on-period change
COLUMNS = ["source", "metric", "by", "group", "kind", "from", "to", "value_from", "value_to", "n_from", "n_to",
           "diff", "low", "high", "p_own", "vs_rest", "vs_rest_low", "vs_rest_high", "p_vs_rest", "p", "worse",
           "unit", "method"]
METHODS = {"nps": "adjusted Wald z", "csat": "Agresti–Caffo z", "csi": "Welch t", "ces": "Welch t"}
TREND_METHOD = "weighted trend (1/SE²)"


# --------------------------------------------------------------------------- results of the two building blocks


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


def _trend_arrays(y: Any, se: Any, x: Any, level: float, min_periods: int = MIN_PERIODS) -> dict[str, np.ndarray]:
    """Weighted trends, one per row of ``y`` (rows: groups, columns: periods); invalid cells are left out."""
    y, se = np.atleast_2d(np.asarray(y, dtype=float)), np.atleast_2d(np.asarray(se, dtype=float))
    x = np.broadcast_to(np.asarray(x, dtype=float), y.shape)
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
    z = _quantile(level)
    return {"slope": slope, "low": slope - z * se_slope, "high": slope + z * se_slope, "se": se_slope,
            "statistic": statistic, "p_value": 2 * special.ndtr(-np.abs(statistic)),
            "dispersion": np.where(ok, dispersion, np.nan), "periods": k, "span": np.where(ok, span, np.nan),
            "first": np.where(valid.any(1), np.argmax(valid, 1), -1),
            "last": np.where(valid.any(1), valid.shape[1] - 1 - np.argmax(valid[:, ::-1], 1), -1)}


def weighted_trend(values: Sequence[float], se: Sequence[float], x: Sequence[float] | None = None, *,
                   level: float = 0.95, min_periods: int = MIN_PERIODS) -> Trend:
    """The trend of period estimates, each weighted by its information (``1/SE²``), and a test of its slope.

    Weighted least squares on the estimates, as in a fixed-effect
    meta-regression: the slope is ``Σw(x − x̄)(y − ȳ) / Σw(x − x̄)²`` with
    weighted means, its variance ``φ / Σw(x − x̄)²``, where ``φ`` is the
    larger of 1 and the weighted residual sum of squares over ``k − 2`` (so
    the periods' own scatter can widen the interval, never narrow it below
    what the sampling error says). The test is a z-test of the slope.

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
    result = _trend_arrays(values[None], se[None], x[None], level, min_periods)
    first = {key: float(result[key][0]) for key in ("slope", "low", "high", "se", "statistic", "p_value",
                                                   "dispersion", "span")}
    return Trend(first["slope"], first["low"], first["high"], first["se"], first["statistic"], first["p_value"],
                 first["dispersion"], int(result["periods"][0]), first["span"], level)


# --------------------------------------------------------------------------- cell estimates


def scale_of(metric: str, scales: dict[str, Any] | None = None) -> tuple[int, int]:
    """The answer scale the claims read a metric on.

    NPS 0–10, CSAT 0–1 (satisfied or not), CSI 1–5, CES as configured.
    """
    if metric == "nps":
        return 0, 10
    if metric == "csat":
        return 0, 1
    if metric == "csi":
        return 1, 5
    scale = (scales or {}).get("ces", {}) or {}
    return int(scale.get("min", 1)), int(scale.get("max", 7))


def higher_is_better(metric: str, scales: dict[str, Any] | None = None) -> bool:
    """Whether a higher value of a survey metric is better (CES: as the client's scale says)."""
    if metric == "ces":
        return ((scales or {}).get("ces", {}) or {}).get("higher_is", "easier") == "easier"
    return True


def _unit(metric: str, scales: dict[str, Any] | None) -> str:
    if metric == "nps":
        return "points"
    if metric == "csat":
        return "%"
    low, high = scale_of(metric, scales)
    return f"mean {low}–{high}"


def _estimates(metric: str, counts: Any, scale: tuple[int, int]) -> dict[str, np.ndarray]:
    """Value, test centre, variance, n and degrees of freedom of every cell (last axis: the answer scale)."""
    counts = np.asarray(counts, dtype=float)
    n = counts.sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if metric == "nps":
            promoters, detractors = counts[..., 9:].sum(-1), counts[..., :7].sum(-1)
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


# --------------------------------------------------------------------------- the survey as counts


def long_counts(survey: pd.DataFrame, by: Iterable[str] = GROUPS) -> pd.DataFrame:
    """The survey as counts: ``period``, the ``by`` columns, ``question``, ``score``, ``n`` (blank answers dropped).

    Survey rows and score counts (``client.answers`` either way) give the
    same table. CSAT is the survey's own 1/0 ``csat`` answer, or the top-2
    box (4–5) of the 1–5 ``csi`` question when the survey has no CSAT. Group
    and period labels are stripped text, a blank label "".
    """
    return pd.DataFrame(_long_arrays(survey, by))


def _long_arrays(survey: pd.DataFrame, by: Iterable[str] = GROUPS) -> dict[str, np.ndarray]:
    """:func:`long_counts` as a dict of numpy arrays (labels as object arrays)."""
    by = [column for column in by if column in survey.columns]
    if "period" not in survey.columns:
        raise ValueError("the survey table needs a period column (client.answers has one)")
    keys = ["period", *by]
    if {"question", "score", "n"} <= set(survey.columns):
        score = pd.to_numeric(survey["score"], errors="coerce").to_numpy(dtype=float)
        answered = ~np.isnan(score)
        question = survey["question"].to_numpy(dtype=object)[answered]
        table = {column: survey[column].to_numpy(dtype=object)[answered] for column in keys}
        table.update(question=question, score=score[answered],
                     n=pd.to_numeric(survey["n"], errors="coerce").to_numpy(dtype=float)[answered])
        if not (question == "csat").any():
            csi = question == "csi"
            table = {column: np.concatenate([values, values[csi]]) for column, values in table.items()}
            table["question"][len(question):] = "csat"
            table["score"][len(question):] = (table["score"][len(question):] >= CSI_SATISFIED).astype(float)
    else:
        frame = survey
        if ("csat" not in frame.columns or frame["csat"].isna().all()) and "csi" in frame.columns:
            csi = pd.to_numeric(frame["csi"], errors="coerce")
            frame = frame.assign(csat=(csi >= CSI_SATISFIED).astype(float).where(csi.notna()))
        parts = []
        for question in METRICS:
            if question not in frame.columns:
                continue
            scores = pd.to_numeric(frame[question], errors="coerce").astype(float)
            answered = scores.notna().to_numpy()
            if not answered.any():
                continue
            part = frame.loc[answered, keys].assign(score=scores[answered])
            grouped = part.groupby(keys + ["score"], dropna=False, observed=True).size()
            parts.append(grouped.rename("n").reset_index().assign(question=question))
        if parts:
            joined = pd.concat(parts, ignore_index=True)
            table = {column: joined[column].to_numpy(dtype=object) for column in keys + ["question"]}
            table.update(score=joined["score"].to_numpy(dtype=float), n=joined["n"].to_numpy(dtype=float))
        else:
            table = {column: np.array([], dtype=object) for column in keys + ["question"]}
            table.update(score=np.array([], dtype=float), n=np.array([], dtype=float))
    for column in keys:  # labels as stripped text, blanks as "": once per distinct label, not per row
        codes, distinct = pd.factorize(table[column])
        labels = np.array([str(label).strip() for label in distinct] + [""], dtype=object)
        table[column] = labels[codes]
    return {column: table[column] for column in keys + ["question", "score", "n"]}


def _codes(values: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """Each value's position in ``labels`` (-1 when absent)."""
    at = {label: i for i, label in enumerate(labels)}
    codes, distinct = pd.factorize(values)
    positions = np.array([at.get(value, -1) for value in distinct] + [-1], dtype=int)
    return positions[codes]


def answered(survey: pd.DataFrame, metric: str) -> int:
    """How many answers a metric has in a survey table (rows or counts)."""
    table = long_counts(survey, by=())
    return int(table.loc[table["question"] == metric, "n"].sum())


def answers_by_period(survey: pd.DataFrame, periods: Sequence[str] | None = None) -> pd.Series:
    """Answers per period, in time order: for each period, the count of its most-answered question."""
    table = long_counts(survey, by=())
    table = table[table["period"] != ""]
    periods = list(periods) if periods is not None else sort_periods(table["period"])
    if table.empty:
        return pd.Series(0, index=pd.Index(periods, name="period"), dtype=int)
    counts = table.groupby(["period", "question"])["n"].sum().groupby(level="period").max()
    return counts.reindex(periods).fillna(0).astype(int)


def headline_periods(answers: pd.Series, *, min_answers: float, min_share: float) -> list[str]:
    """The periods the headline metrics use: the latest, pooled with earlier ones while it holds too few answers.

    The latest period is *thin* when it holds fewer than ``min_answers``
    answers or less than ``min_share`` of a typical period (the median of the
    earlier ones); it is then pooled with the period before it, and so on
    until the pool is neither (or every period is in it).

    Parameters
    ----------
    answers : Series
        Answers per period in time order (:func:`answers_by_period`).

    Returns
    -------
    list of str
        The pooled periods in time order; just the latest when it is not thin.

    Examples
    --------
    >>> headline_periods(pd.Series({"Q1": 400, "Q2": 420, "Q3": 21}), min_answers=30, min_share=0.25)
    ['Q2', 'Q3']
    """
    answers = answers[answers > 0]
    if answers.empty:
        return []
    labels = list(answers.index)
    typical = float(answers.iloc[:-1].median()) if len(answers) > 1 else float(answers.iloc[-1])
    used, total = [labels[-1]], float(answers.iloc[-1])
    for label in reversed(labels[:-1]):
        if total >= min_answers and total >= min_share * typical:
            break
        used.insert(0, label)
        total += float(answers[label])
    return used


def _histogram(group: np.ndarray, period: np.ndarray, score: np.ndarray, n: np.ndarray, shape: tuple[int, int, int]
               ) -> np.ndarray:
    """Counts as an array [group, period, score] from integer codes (rows with a negative code are left out)."""
    keep = (group >= 0) & (period >= 0)
    index = (group[keep] * shape[1] + period[keep]) * shape[2] + score[keep]
    return np.bincount(index, weights=n[keep], minlength=shape[0] * shape[1] * shape[2]).reshape(shape)


# --------------------------------------------------------------------------- the claims


def _pairs(count: int, kinds: Sequence[str]) -> list[tuple[str, int, int]]:
    pairs = [("period-on-period", i, i + 1) for i in range(count - 1)] if "period-on-period" in kinds else []
    if "first-to-last" in kinds and count >= 3:
        pairs.append(("first-to-last", 0, count - 1))
    return pairs


def _block(metric: str, by: np.ndarray, labels: np.ndarray, own: np.ndarray, rest: np.ndarray, *,
           periods: list[str], kinds: Sequence[str], level: float, scale: tuple[int, int], better_up: bool,
           unit: str, min_periods: int) -> list[dict[str, np.ndarray]]:
    """The claims of one metric for a set of groups (rows of ``own``), each against ``rest`` (company rows: ``by`` "").

    Each claim is kept as estimates (``centre``, ``se``, ``df`` of the change
    and of the change against the rest's); :func:`_tests` turns all of them
    into intervals and p-values at once.
    """
    mine, others = _estimates(metric, own, scale), _estimates(metric, rest, scale)
    rows = np.arange(len(labels))
    grouped = by != ""
    named = np.array(periods + [""], dtype=object)  # index -1: no period

    def columns(kind: str, first: Any, last: Any, change: dict[str, np.ndarray],
                versus: dict[str, np.ndarray], factor: Any = 1.0) -> dict[str, np.ndarray]:
        first, last = np.broadcast_to(first, rows.shape), np.broadcast_to(last, rows.shape)
        pick = lambda key, at: np.where(at >= 0, mine[key][rows, np.maximum(at, 0)], np.nan)  # noqa: E731
        constant = lambda value: np.full(len(rows), value, dtype=object)  # noqa: E731
        versus = {key: np.where(grouped, value, np.nan) for key, value in versus.items()}
        return {"source": constant("survey"), "metric": constant(metric), "by": by, "group": labels,
                "kind": constant(kind), "from": named[first], "to": named[last],
                "value_from": pick("value", first), "value_to": pick("value", last),
                "n_from": pick("n", first), "n_to": pick("n", last), "diff": change["diff"],
                "centre": change["centre"], "se": change["se"], "df": change["df"], "vs_rest": versus["diff"],
                "vs_centre": versus["centre"], "vs_se": versus["se"], "vs_df": versus["df"],
                "factor": np.broadcast_to(np.asarray(factor, dtype=float), rows.shape), "grouped": grouped,
                "better_up": constant(better_up), "unit": constant(unit),
                "method": constant(TREND_METHOD if kind == "trend" else METHODS[metric])}

    def at(estimates: dict[str, np.ndarray], t: int) -> dict[str, np.ndarray]:
        return {key: value[:, t] for key, value in estimates.items()}

    blocks = []
    for kind, a, b in _pairs(len(periods), kinds):
        change = _combine([(1, at(mine, b)), (-1, at(mine, a))])
        versus = _combine([(1, at(mine, b)), (-1, at(mine, a)), (-1, at(others, b)), (1, at(others, a))])
        blocks.append(columns(kind, a, b, change, versus))

    if "trend" in kinds and len(periods) >= max(min_periods, 3):
        x = np.arange(len(periods), dtype=float)
        trend = _trend_arrays(mine["centre"], np.sqrt(mine["variance"]), x, level, min_periods)
        infinite = np.full(len(rows), np.inf)
        change = {"diff": trend["slope"] * trend["span"], "centre": trend["slope"], "se": trend["se"], "df": infinite}
        theirs = _trend_arrays(others["centre"], np.sqrt(others["variance"]), x, level, min_periods)
        gap = trend["slope"] - theirs["slope"]
        versus = {"diff": gap * trend["span"], "centre": gap, "se": np.sqrt(trend["se"] ** 2 + theirs["se"] ** 2),
                  "df": infinite}
        blocks.append(columns("trend", trend["first"], trend["last"], change, versus, trend["span"]))
    return blocks


def _tests(table: dict[str, np.ndarray], level: float) -> pd.DataFrame:
    """Intervals and p-values of every claim at once, and the claim's own p-value (intersection–union for groups)."""
    factor = table["factor"].astype(float)

    def test(centre: np.ndarray, se: np.ndarray, df: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        centre, se, df = centre.astype(float), se.astype(float), df.astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            statistic = np.where(se > 0, centre / np.where(se > 0, se, 1), np.nan)
        testable = np.isfinite(statistic)
        df = np.where(np.isnan(df), np.inf, df)
        q = _quantile(level, df)
        return (np.where(testable, (centre - q * se) * factor, np.nan),
                np.where(testable, (centre + q * se) * factor, np.nan),
                np.where(testable, _two_sided(statistic, df), np.nan))

    table["low"], table["high"], table["p_own"] = test(table["centre"], table["se"], table["df"])
    table["vs_rest_low"], table["vs_rest_high"], table["p_vs_rest"] = test(table["vs_centre"], table["vs_se"],
                                                                          table["vs_df"])
    grouped = table["grouped"].astype(bool)
    p_own, p_vs = table["p_own"], table["p_vs_rest"]
    centre, vs_centre = table["centre"].astype(float), table["vs_centre"].astype(float)
    agree = np.sign(centre) == np.sign(vs_centre)
    table["p"] = np.where(~grouped, p_own, np.where(np.isnan(p_own) | np.isnan(p_vs), np.nan,
                                                    np.where(agree, np.fmax(p_own, p_vs), 1.0)))
    bad = np.where(table["better_up"].astype(bool), centre < 0, centre > 0)
    frame = pd.DataFrame({column: table[column] for column in COLUMNS if column != "worse"})
    frame.insert(COLUMNS.index("worse"), "worse", pd.array(np.where(np.isnan(centre), None, bad), dtype="boolean"))
    return frame


def collect(survey: pd.DataFrame, metrics: Sequence[str] = METRICS, *, by: Sequence[str] = GROUPS,
            periods: Sequence[str] | None = None, kinds: Sequence[str] = KINDS, scales: dict[str, Any] | None = None,
            level: float = 0.95, min_periods: int = MIN_PERIODS) -> pd.DataFrame:
    """Every change of every metric, company-wide and by group, tested but not yet adjusted.

    Parameters
    ----------
    survey : DataFrame
        Survey rows or score counts (``client.answers``).
    metrics : sequence of str
        Any of ``"nps"``, ``"csat"``, ``"csi"``, ``"ces"``; a metric with no
        answers gives no rows.
    by : sequence of str
        Columns whose groups may be named as where a change happened; a column
        missing from the table, or with fewer than two named groups, gives no
        group rows. Blank labels are never named (their answers stay in the
        company and in every "rest").
    periods : sequence of str, optional
        The periods in time order (``client.periods``); by default the
        table's labels through :func:`cxlib.periods.sort_periods`.
    kinds : sequence of str
        Any of ``"period-on-period"``, ``"first-to-last"``, ``"trend"``.
    scales : dict, optional
        ``client.config["scales"]`` (the CES scale and its direction).
    min_periods : int
        Periods a trend needs (at least 3).

    Returns
    -------
    DataFrame
        One row per claim: ``source`` ("survey"), ``metric``, ``by`` ("" for
        company-wide), ``group`` ("(all)" company-wide), ``kind``, ``from``,
        ``to``, ``value_from``, ``value_to``, ``n_from``, ``n_to``, ``diff``
        (later − earlier; for a trend the fitted change from the first to the
        last period it spans) with ``low``/``high``, ``p_own`` (the change's
        own test), ``vs_rest`` (the group's change minus the rest's) with
        ``vs_rest_low``/``vs_rest_high`` and ``p_vs_rest``, ``p`` (the claim's
        p-value: the change's own, or for a group the larger of the two, and 1
        when they point different ways), ``worse`` (the change points the bad
        way), ``unit``, ``method``. ``p`` is NaN when a cell has too few answers.
    """
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        raise ValueError(f"kinds must be among {', '.join(KINDS)}; got {unknown}")
    table = _long_arrays(survey, by)
    periods = list(periods) if periods is not None else sort_periods(table["period"][table["period"] != ""])
    period_code = _codes(table["period"], periods)
    question, score, answers = table["question"], table["score"], table["n"]
    groupings = []
    for column in by:
        if column not in table:
            continue
        labels = sorted(set(table[column]) - {""})
        if len(labels) >= 2:
            groupings.append((column, labels, _codes(table[column], labels)))
    blocks: list[dict[str, np.ndarray]] = []
    for metric in metrics:
        if metric not in METRICS:
            raise ValueError(f"metrics must be among {', '.join(METRICS)}; got {metric!r}")
        scale = scale_of(metric, scales)
        rows = (question == metric) & (period_code >= 0)
        if not rows.any() or answers[rows].sum() == 0:
            continue
        scores = score[rows]
        if (scores < scale[0]).any() or (scores > scale[1]).any() or (scores != np.trunc(scores)).any():
            raise ValueError(f"{metric.upper()} answers must be whole numbers from {scale[0]} to {scale[1]}")
        width = scale[1] - scale[0] + 1
        at = (np.where(rows, score, scale[0]) - scale[0]).astype(np.intp)
        weights = np.where(rows, answers, 0.0)
        settings = dict(periods=periods, kinds=kinds, level=level, scale=scale,
                        better_up=higher_is_better(metric, scales), unit=_unit(metric, scales),
                        min_periods=min_periods)
        company = _histogram(np.zeros(len(at), dtype=int), period_code, at, weights, (1, len(periods), width))
        owns, rests, bys, labels = [company], [np.zeros_like(company)], [""], [COMPANY]
        for column, named, code in groupings:
            own = _histogram(code, period_code, at, weights, (len(named), len(periods), width))
            owns.append(own)
            rests.append(company - own)
            bys += [column] * len(named)
            labels += named
        blocks += _block(metric, np.array(bys, dtype=object), np.array(labels, dtype=object), np.concatenate(owns),
                         np.concatenate(rests), **settings)
    if not blocks:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in COLUMNS})
    return _tests({column: np.concatenate([block[column] for block in blocks]) for column in blocks[0]}, level)


def weighted_holm(p_values: Sequence[float], weights: Sequence[float] | None = None) -> np.ndarray:
    """Holm's step-down adjustment with weights (Holm 1979): a hypothesis of weight w is tested at ``α·w/Σw``.

    With equal weights it is :func:`cxlib.metrics.holm`. The adjusted p-value
    of the j-th hypothesis in the order of ``p/w`` is
    ``max over k ≤ j of min(1, p_k/w_k × Σ_{i ≥ k} w_i)`` (weights normalised
    to sum to 1 over the tested hypotheses). Like Holm's, it controls the
    family-wise error rate under any dependence, provided the weights are
    fixed before the data are seen. NaN stays NaN and carries no weight.

    Examples
    --------
    >>> weighted_holm([0.01, 0.04, 0.03]).round(2).tolist()
    [0.03, 0.06, 0.06]
    >>> weighted_holm([0.01, 0.04, 0.03], [2, 1, 1]).round(3).tolist()
    [0.02, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    w = np.ones_like(p) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != p.shape or (w[~np.isnan(p)] <= 0).any():
        raise ValueError("weights must be positive, one for each p-value")
    adjusted = np.full_like(p, np.nan)
    valid = ~np.isnan(p)
    if not valid.any():
        return adjusted
    pv, wv = p[valid], w[valid] / w[valid].sum()
    order = np.argsort(pv / wv, kind="stable")
    remaining = np.cumsum(wv[order][::-1])[::-1]  # Σ of the weights from step k on
    steps = np.minimum(np.maximum.accumulate(pv[order] / wv[order] * remaining), 1.0)
    values = np.empty_like(pv)
    values[order] = steps
    adjusted[valid] = values
    return adjusted


def adjust(table: pd.DataFrame, *, level: float = 0.95, weights: Sequence[float] | None = None) -> pd.DataFrame:
    """Holm's step-down adjustment over the whole table: ``claim`` ids, ``p_adjusted`` and ``significant``.

    A claim is significant when its adjusted p-value is below ``1 − level``.
    Claims that could not be tested (``p`` NaN) stay listed, never
    significant, and do not count in the family; ``attrs["tested"]`` is the
    family's size. ``weights`` (one per row, fixed before looking at the
    p-values) give some claims a larger share of the error rate
    (:func:`weighted_holm`); by default every claim weighs the same (plain Holm).
    """
    table = table.reset_index(drop=True).copy()
    table.insert(0, "claim", [f"C{i + 1}" for i in range(len(table))])
    p = pd.to_numeric(table["p"], errors="coerce").astype(float).to_numpy()
    table["p_adjusted"] = holm(p) if weights is None else weighted_holm(p, weights)
    table["significant"] = (table["p_adjusted"] < 1 - level).astype(bool)
    table.attrs.update(tested=int((~np.isnan(p)).sum()), level=level,
                       procedure="Holm" if weights is None else "weighted Holm")
    return table


def family(survey: pd.DataFrame, metrics: Sequence[str] = METRICS, *, by: Sequence[str] = GROUPS,
           periods: Sequence[str] | None = None, kinds: Sequence[str] = KINDS, scales: dict[str, Any] | None = None,
           level: float = 0.95, min_periods: int = MIN_PERIODS, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every claim, tested and adjusted as one family: :func:`collect`, plus ``extra`` claims, then :func:`adjust`.

    ``extra`` holds other claims in the same columns (at least ``source``,
    ``metric``, ``kind``, ``diff``, ``p``), e.g. the scorecard's trends
    (:func:`cxlib.scorecard.trend_claims`); they share the adjustment.

    Returns
    -------
    DataFrame
        :func:`collect`'s columns with ``claim`` first and ``p_adjusted``,
        ``significant`` last.

    Examples
    --------
    >>> table = family(client.answers, periods=client.periods, scales=client.config["scales"])  # doctest: +SKIP
    >>> table.attrs["tested"]                                                                     # doctest: +SKIP
    140
    """
    table = collect(survey, metrics, by=by, periods=periods, kinds=kinds, scales=scales, level=level,
                    min_periods=min_periods)
    if extra is not None and len(extra):
        extra = extra.reindex(columns=COLUMNS)
        table = pd.concat([table, extra], ignore_index=True) if len(table) else extra.reset_index(drop=True)
    return adjust(table, level=level)
