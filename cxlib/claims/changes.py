"""Every change of every metric, company-wide and by group, tested but not yet adjusted (:func:`collect`).

Three kinds of change: period-on-period, first-to-last and the weighted trend. A group's change is its claim only
when it also differs from the rest's change in the same direction (an intersection–union test).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cxlib.claims.contrasts import _combine, _estimates, _quantile, _two_sided
from cxlib.claims.counts import _codes, _histogram, _long_arrays
from cxlib.claims.schema import (
    COLUMNS,
    COMPANY,
    GROUPS,
    KINDS,
    METHODS,
    METRICS,
    MIN_ANSWERS,
    MIN_PERIODS,
    TREND_METHOD,
    _unit,
    higher_is_better,
    scale_of,
)
from cxlib.claims.trend import _trend_arrays
from cxlib.periods import sort_periods


def _pairs(count: int, kinds: Sequence[str]) -> list[tuple[str, int, int]]:
    pairs = [("period-on-period", i, i + 1) for i in range(count - 1)] if "period-on-period" in kinds else []
    if "first-to-last" in kinds and count >= 3:
        pairs.append(("first-to-last", 0, count - 1))
    return pairs


def _block(metric: str, by: np.ndarray, labels: np.ndarray, own: np.ndarray, rest: np.ndarray, *,
           periods: list[str], kinds: Sequence[str], level: float, scale: tuple[int, int], better_up: bool,
           unit: str, min_periods: int, min_answers: int) -> list[dict[str, np.ndarray]]:
    """The claims of one metric for a set of groups (rows of ``own``), each against ``rest`` (company rows: ``by`` "").

    Each claim is kept as estimates (``centre``, ``se``, ``df`` of the change
    and of the change against the rest's); :func:`_tests` turns all of them
    into intervals and p-values at once. A cell of fewer than ``min_answers``
    answers has no standard error, so what needs it is left untested.
    """
    mine, others = _thinned(_estimates(metric, own, scale), min_answers), \
        _thinned(_estimates(metric, rest, scale), min_answers)
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

    blocks = []
    for kind, a, b in _pairs(len(periods), kinds):
        change = _combine([(1, _at(mine, b)), (-1, _at(mine, a))])
        versus = _combine([(1, _at(mine, b)), (-1, _at(mine, a)), (-1, _at(others, b)), (1, _at(others, a))])
        blocks.append(columns(kind, a, b, change, versus))

    if "trend" in kinds and len(periods) >= max(min_periods, 3):
        trend, change, versus = _trend_changes(mine, others, len(periods), level, min_periods)
        blocks.append(columns("trend", trend["first"], trend["last"], change, versus, trend["span"]))
    return blocks


def _thinned(estimates: dict[str, np.ndarray], min_answers: int) -> dict[str, np.ndarray]:
    """The cells' estimates with no variance where a cell holds fewer than ``min_answers`` answers."""
    return {**estimates, "variance": np.where(estimates["n"] < min_answers, np.nan, estimates["variance"])}


def _at(estimates: dict[str, np.ndarray], t: int) -> dict[str, np.ndarray]:
    """Every group's estimates in period ``t``."""
    return {key: value[:, t] for key, value in estimates.items()}


def _trend_changes(mine: dict[str, np.ndarray], others: dict[str, np.ndarray], count: int, level: float,
                   min_periods: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Each group's weighted trend, its change (slope × span) and its slope against the rest's, as estimates.

    Returns the trends themselves (for the periods each spans), the change and the change against the rest's,
    in the form :func:`_block` gives its period-on-period changes (``diff``, ``centre``, ``se``, ``df``).
    """
    x = np.arange(count, dtype=float)
    trend = _trend_arrays(mine["centre"], np.sqrt(mine["variance"]), x, level, min_periods, mine["df"])
    change = {"diff": trend["slope"] * trend["span"], "centre": trend["slope"], "se": trend["se"], "df": trend["df"]}
    theirs = _trend_arrays(others["centre"], np.sqrt(others["variance"]), x, level, min_periods, others["df"])
    # the group's slope minus the rest's, as two periods' difference is combined (Welch–Satterthwaite df)
    versus = _combine([(1, {"value": trend["slope"] * trend["span"], "centre": trend["slope"],
                            "variance": trend["se"] ** 2, "df": trend["df"]}),
                       (-1, {"value": theirs["slope"] * trend["span"], "centre": theirs["slope"],
                             "variance": theirs["se"] ** 2, "df": theirs["df"]})])
    return trend, change, versus


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


def _groupings(table: dict[str, np.ndarray], by: Sequence[str]) -> list[tuple[str, list[str], np.ndarray]]:
    """The ``by`` columns that can name a group: each with its named labels (two or more) and every row's code."""
    groupings = []
    for column in by:
        if column not in table:
            continue
        labels = sorted(set(table[column]) - {""})
        if len(labels) >= 2:
            groupings.append((column, labels, _codes(table[column], labels)))
    return groupings


def _metric_blocks(metric: str, table: dict[str, np.ndarray], period_code: np.ndarray,
                   groupings: list[tuple[str, list[str], np.ndarray]], *, periods: list[str], kinds: Sequence[str],
                   level: float, scales: dict[str, Any] | None, min_periods: int,
                   min_answers: int) -> list[dict[str, np.ndarray]]:
    """The claims of one metric: its counts company-wide and in each group (each against the rest), then :func:`_block`.

    No rows when the metric has no answers in the periods; an answer off the metric's scale raises ``ValueError``.
    """
    question, score, answers = table["question"], table["score"], table["n"]
    scale = scale_of(metric, scales)
    rows = (question == metric) & (period_code >= 0)
    if not rows.any() or answers[rows].sum() == 0:
        return []
    scores = score[rows]
    if (scores < scale[0]).any() or (scores > scale[1]).any() or (scores != np.trunc(scores)).any():
        raise ValueError(f"{metric.upper()} answers must be whole numbers from {scale[0]} to {scale[1]}")
    width = scale[1] - scale[0] + 1
    at = (np.where(rows, score, scale[0]) - scale[0]).astype(np.intp)
    weights = np.where(rows, answers, 0.0)
    settings = dict(periods=periods, kinds=kinds, level=level, scale=scale,
                    better_up=higher_is_better(metric, scales), unit=_unit(metric, scales),
                    min_periods=min_periods, min_answers=min_answers)
    company = _histogram(np.zeros(len(at), dtype=int), period_code, at, weights, (1, len(periods), width))
    owns, rests, bys, labels = [company], [np.zeros_like(company)], [""], [COMPANY]
    for column, named, code in groupings:
        own = _histogram(code, period_code, at, weights, (len(named), len(periods), width))
        owns.append(own)
        rests.append(company - own)
        bys += [column] * len(named)
        labels += named
    return _block(metric, np.array(bys, dtype=object), np.array(labels, dtype=object), np.concatenate(owns),
                  np.concatenate(rests), **settings)


def collect(survey: pd.DataFrame, metrics: Sequence[str] = METRICS, *, by: Sequence[str] = GROUPS,
            periods: Sequence[str] | None = None, kinds: Sequence[str] = KINDS, scales: dict[str, Any] | None = None,
            level: float = 0.95, min_periods: int = MIN_PERIODS, min_answers: int = MIN_ANSWERS) -> pd.DataFrame:
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
    min_answers : int
        Answers a period needs, in the group and in the rest, to be compared (``[claims] min_answers`` in
        ``report.toml``); a trend leaves thinner periods out.

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
        way), ``unit``, ``method``. ``p`` is NaN when a cell has too few answers (fewer than ``min_answers``).
    """
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        raise ValueError(f"kinds must be among {', '.join(KINDS)}; got {unknown}")
    table = _long_arrays(survey, by)
    periods = list(periods) if periods is not None else sort_periods(table["period"][table["period"] != ""])
    period_code = _codes(table["period"], periods)
    groupings = _groupings(table, by)
    blocks: list[dict[str, np.ndarray]] = []
    for metric in metrics:
        if metric not in METRICS:
            raise ValueError(f"metrics must be among {', '.join(METRICS)}; got {metric!r}")
        blocks += _metric_blocks(metric, table, period_code, groupings, periods=periods, kinds=kinds, level=level,
                                 scales=scales, min_periods=min_periods, min_answers=min_answers)
    if not blocks:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in COLUMNS})
    return _tests({column: np.concatenate([block[column] for block in blocks]) for column in blocks[0]}, level)
