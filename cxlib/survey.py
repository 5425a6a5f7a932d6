"""Survey analyses built on :mod:`cxlib.metrics`: segments, periods, reasons, the closed loop, loyalty and value.

Each function takes the client's tables and returns a tidy DataFrame (one row
per group or comparison) in the style of pingouin: every value beside its n,
its interval and, where groups are compared, a test whose p-values are
Holm-adjusted across the whole table, so nothing is flagged by eye.

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                          # doctest: +SKIP
>>> cxlib.summarize(client.survey, by="channel", metrics=["nps"])    # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cxlib import catalog
from cxlib.client.counts import csat_from_csi, with_csat_counts
from cxlib.metrics import (
    Comparison,
    Estimate,
    holm,
    mean_diff,
    mean_from_counts,
    nps_diff,
    nps_from_counts,
    score_counts,
    share,
    share_diff,
)
from cxlib.periods import sort_periods
from cxlib.scales import DETRACTOR_MAX, NPS_GROUPS, NPS_SCALE, answer_scale, ces_higher_is, nps_group_counts

# CSAT is the share of satisfied answers: the client's own question, read as 1/0 by the loader, or the top-2 box
# of the 1–5 CSI question when the survey has no CSAT question (cxlib.client.counts.csat_from_csi).
METRIC_COLUMNS = {"nps": "nps", "csat": "csat", "csi": "csi", "ces": "ces"}


def _scale_of(metric: str, scales: dict[str, Any] | None) -> tuple[tuple[int, int], str]:
    return answer_scale(metric, scales), ces_higher_is(scales) if metric == "ces" else "better"


def period_order(survey: pd.DataFrame, over: str = "period", order: Sequence[str] | None = None) -> list[str]:
    """The periods of a survey table in time order: by their earliest date, else by their labels (never as text).

    ``order`` is ``client.toml [periods] order``, for labels the kit cannot place in time.
    """
    labels = survey[over][survey[over].notna() & (survey[over] != "")]
    if "date" in survey and survey["date"].notna().any():
        return list(survey.loc[labels.index].groupby(over)["date"].min().sort_values().index)
    return sort_periods(labels, order=order)


def _with_csat(survey: pd.DataFrame) -> pd.DataFrame:
    """A survey table with CSAT answers: its own, or derived from CSI (for tables not made by the loader)."""
    if is_counts(survey):
        return with_csat_counts(survey) if len(survey) else survey
    if "csat" not in survey and "csi" in survey:
        return survey.assign(csat=csat_from_csi(survey["csi"].astype("Int64")))
    return survey


def is_counts(frame: pd.DataFrame) -> bool:
    """Whether a survey table is score counts (question, score, n) rather than one row per response."""
    return {"question", "score", "n"} <= set(frame.columns)


def _require_rows(frame: pd.DataFrame, what: str) -> None:
    if is_counts(frame):
        raise ValueError(f"{what} needs one row per response (survey.csv); this client gave counts only")


def answer_counts(survey: pd.DataFrame, question: str, scale: tuple[int, int]) -> tuple[np.ndarray, int]:
    """How many answers each score on ``scale`` got for one question, and how many were blank.

    Works on survey rows and on score counts alike; the statistics use
    nothing else, which is why a counts file gives the same results as the
    rows it was made from.
    """
    if question == "csat":
        survey = _with_csat(survey)
    if not is_counts(survey):
        return score_counts(survey[question], *scale, what=f"{question.upper()} scores")
    part = survey[survey["question"] == question]
    blank = part["score"].isna().to_numpy()
    weights = part["n"].to_numpy(dtype=np.int64)
    scores = part["score"].to_numpy(dtype=float)[~blank]
    outside = (scores < scale[0]) | (scores > scale[1])
    if outside.any():
        raise ValueError(f"{question.upper()} scores must be whole numbers from {scale[0]} to {scale[1]}; "
                         f"found {sorted(set(scores[outside].astype(int)))}")
    counts = np.bincount((scores - scale[0]).astype(np.intp), weights=weights[~blank],
                         minlength=scale[1] - scale[0] + 1)
    return counts.astype(np.int64), int(weights[blank].sum())


def estimate(survey: pd.DataFrame, metric: str, *, level: float = 0.95, method: str = "adjusted-wald",
             scales: dict[str, Any] | None = None) -> Estimate:
    """One metric over a survey table (or a slice of it).

    Parameters
    ----------
    survey : DataFrame
        Survey rows, e.g. ``client.survey``, or score counts (``client.counts``).
    metric : {"nps", "csat", "csi", "ces"}
        What to estimate.
    method : str
        The NPS interval method (other metrics have one method each).
    scales : dict, optional
        ``client.config["scales"]``, for the effort scale and its direction.
    """
    if metric not in METRIC_COLUMNS:
        raise ValueError(f"metric must be one of {', '.join(METRIC_COLUMNS)}; got {metric!r}")
    scale, higher_is = _scale_of(metric, scales)
    counts, missing = answer_counts(survey, METRIC_COLUMNS[metric], scale)
    if metric == "nps":
        promoters, passives, detractors = (int(n) for n in nps_group_counts(counts))
        return nps_from_counts(promoters, passives, detractors, level=level, method=method, missing=missing)
    if metric == "csat":
        return share(int(counts[1]), int(counts.sum()), level=level, metric="CSAT", missing=missing)
    result = mean_from_counts(counts, scale, level=level, metric=metric.upper(), missing=missing)
    if metric == "ces":
        return Estimate(**{**result.to_dict(), "unit": f"{result.unit}, higher = {higher_is}"})
    return result


def _groups(survey: pd.DataFrame, by: str | Sequence[str] | None):
    if by is None:
        yield {}, survey
        return
    keys = [by] if isinstance(by, str) else list(by)
    # dropna=False: a row with a blank group value is a group of its own, never lost
    groups = [(values if isinstance(values, tuple) else (values,), part)
              for values, part in survey.groupby(keys, sort=True, observed=True, dropna=False)]
    if "period" in keys:  # periods in time order, whatever their labels
        rank = {label: i for i, label in enumerate(period_order(survey))}
        at = keys.index("period")
        groups.sort(key=lambda group: rank.get(group[0][at], len(rank)))  # stable: other keys stay sorted
    for values, part in groups:
        yield dict(zip(keys, values)), part


def summarize(survey: pd.DataFrame, by: str | Sequence[str] | None = None,
              metrics: Sequence[str] = ("nps", "csat", "csi"), *, level: float = 0.95,
              scales: dict[str, Any] | None = None) -> pd.DataFrame:
    """Every metric for every group, with n and a confidence interval, as a tidy table.

    Parameters
    ----------
    survey : DataFrame
        Survey rows or score counts (``client.answers``).
    by : str or list of str, optional
        Column(s) to group by, e.g. ``"channel"`` or ``["period", "channel"]``.
    metrics : sequence of str
        Any of ``"nps"``, ``"csat"``, ``"csi"``, ``"ces"``.

    Returns
    -------
    DataFrame
        One row per group and metric: the group columns, ``metric``, ``value``,
        ``low``, ``high``, ``n``, ``missing``, ``se``, ``level``, ``method``, ``unit``.

    Examples
    --------
    >>> table = summarize(client.survey, by="period", metrics=["nps"])   # doctest: +SKIP
    """
    rows = []
    for keys, part in _groups(survey, by):
        for metric in metrics:
            result = estimate(part, metric, level=level, scales=scales)
            rows.append({**keys, "metric": metric, **{k: v for k, v in result.to_dict().items() if k != "metric"}})
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    return table.drop(columns=["n_eff", "note"] if (table["note"] == "").all() else ["n_eff"])


def compare(a: pd.DataFrame, b: pd.DataFrame, metric: str, *, level: float = 0.95,
            scales: dict[str, Any] | None = None) -> Comparison:
    """Compare a metric between two slices of the survey, ``a − b``, with the test that fits the metric.

    NPS: the adjusted-Wald z-test; CSAT: Newcombe's interval and the pooled
    z-test; CSI and CES: Welch's t-test.
    """
    column = METRIC_COLUMNS[metric]
    scale, _ = _scale_of(metric, scales)
    counts_a, _ = answer_counts(a, column, scale)
    counts_b, _ = answer_counts(b, column, scale)
    if metric == "nps":
        groups_a, groups_b = (tuple(int(n) for n in nps_group_counts(c)) for c in (counts_a, counts_b))
        return nps_diff(groups_a, groups_b, level=level)
    if metric == "csat":
        return share_diff(int(counts_a[1]), int(counts_a.sum()), int(counts_b[1]), int(counts_b.sum()), level=level,
                          metric="CSAT")
    return mean_diff(counts_a, counts_b, scale, level=level, metric=metric.upper())


def _comparison_table(rows: list[dict[str, Any]], level: float) -> pd.DataFrame:
    table = pd.DataFrame(rows)
    if table.empty:
        return pd.DataFrame(columns=["diff", "low", "high", "p_value", "p_holm", "significant"])
    table["p_holm"] = holm(table["p_value"])
    table["significant"] = table["p_holm"] < 1 - level
    return table


def changes(survey: pd.DataFrame, metric: str = "nps", *, over: str = "period", within: str | None = None,
            level: float = 0.95, scales: dict[str, Any] | None = None) -> pd.DataFrame:
    """Period-on-period changes of a metric, tested, with Holm's correction across the table.

    Parameters
    ----------
    over : str
        The period column, usually ``"period"``; periods are put in time order
        by their earliest ``date``. A group missing a period is compared with
        the previous period it has answers in.
    within : str, optional
        Compare within each value of this column, e.g. ``"channel"``.

    Returns
    -------
    DataFrame
        One row per consecutive pair: ``from``, ``to``, their values and n,
        ``diff`` (later − earlier) with ``low``/``high``, ``p_value``,
        ``p_holm`` and ``significant`` (Holm-adjusted p below ``1 − level``).

    Examples
    --------
    >>> survey = pd.DataFrame({"period": ["Q1"] * 4 + ["Q2"] * 4, "nps": [10, 9, 8, 3, 2, 3, 9, 5],
    ...                        "date": pd.to_datetime(["2025-01-15"] * 4 + ["2025-04-15"] * 4)})
    >>> row = changes(survey, "nps").iloc[0]
    >>> row["from"], row["to"], float(row["value_from"]), float(row["value_to"]), float(row["diff"])
    ('Q1', 'Q2', 25.0, -50.0, -75.0)
    """
    rows = []
    dated = survey[survey[over].notna() & (survey[over] != "")]
    for keys, part in _groups(dated, within):
        periods = period_order(part, over)  # labels may be renamed, so never alphabetically
        for earlier, later in zip(periods, periods[1:]):
            result = compare(part[part[over] == later], part[part[over] == earlier], metric, level=level,
                             scales=scales)
            rows.append({**keys, "from": earlier, "to": later, **result.to_dict()})
    table = _comparison_table(rows, level)
    return table.rename(columns={"value_a": "value_to", "n_a": "n_to", "value_b": "value_from", "n_b": "n_from"})


def versus_rest(survey: pd.DataFrame, by: str, metric: str = "nps", *, level: float = 0.95,
                scales: dict[str, Any] | None = None) -> pd.DataFrame:
    """Each group against all other answers (``group − rest``), tested, with Holm's correction."""
    rows = []
    for keys, part in _groups(survey, by):
        inside = pd.Series(True, index=survey.index)
        for column, value in keys.items():
            inside &= survey[column].isna() if pd.isna(value) else survey[column].eq(value)
        rest = survey[~inside.to_numpy()]
        rows.append({**keys, **compare(part, rest, metric, level=level, scales=scales).to_dict()})
    table = _comparison_table(rows, level)
    return table.rename(columns={"value_a": "value", "n_a": "n", "value_b": "value_rest", "n_b": "n_rest"})


def nps_composition(survey: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Shares of promoters, passives and detractors (percent) per group, with n and the NPS."""
    rows = []
    for keys, part in _groups(survey, by):
        counts, _ = answer_counts(part, "nps", NPS_SCALE)
        n = int(counts.sum())
        shares = dict(zip(NPS_GROUPS, nps_group_counts(counts), strict=True))
        row = {**keys, "n": n, **{k: 100 * v / n if n else np.nan for k, v in shares.items()}}
        row["nps"] = row["promoter"] - row["detractor"]
        rows.append(row)
    return pd.DataFrame(rows)


LOW_SCORE_MAX = {"nps": DETRACTOR_MAX, "csi": 2}


def reasons(survey: pd.DataFrame, *, score: str = "nps", low_max: int | None = None, reason: str = "reason_code",
            language: str = "en", level: float = 0.95, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Why customers give low scores: each reason's share among low scores against its share among the others.

    A reason *drives* low scores when it is significantly more common among
    them (Newcombe interval, pooled z-test, Holm across reasons). Answers with
    no reason are a row of their own, not dropped.

    ``low_max`` is the highest low score: by default 6 for NPS (detractors)
    and 2 for CSI. ``labels`` names the client's own codes (``client.toml``
    ``[reason_codes]``) over the kit's list; a code neither names is shown as written.

    Returns
    -------
    DataFrame
        One row per reason: ``reason``, ``label``, ``count_low``, ``share_low``
        with ``low``/``high`` (Wilson), ``share_other``, ``diff``, ``p_holm``, ``drives``.

    Examples
    --------
    >>> answers = pd.DataFrame({"nps": [2, 3, 9, 10], "reason_code": ["premises", "", "premises", "long_wait"]})
    >>> reasons(answers, labels={"premises": "Premises and parking"}, language="ru")["label"].tolist()
    ['Premises and parking', '(причина не указана)', 'Долгое ожидание']
    """
    _require_rows(survey, "The reasons behind low scores")
    if low_max is None:
        if score not in LOW_SCORE_MAX:
            raise ValueError(f"say which {score} scores are low with low_max")
        low_max = LOW_SCORE_MAX[score]
    answered = survey[survey[score].notna()]
    is_low = answered[score] <= low_max
    codes = answered[reason].fillna("").astype(str)
    low, other = codes[is_low], codes[~is_low]
    labels = {**{r["code"]: catalog.label(r, language, "label") for r in catalog.reason_codes()}, **(labels or {}),
              "": catalog.label(catalog.load("reasons")["unstated"], language, "label")}
    rows = []
    for code in sorted(set(low) | set(other), key=lambda c: (c == "", c)):
        k_low, k_other = int((low == code).sum()), int((other == code).sum())
        among_low = share(k_low, len(low), level=level)
        test = share_diff(k_low, len(low), k_other, len(other), level=level)
        rows.append({"reason": code, "label": labels.get(code, code), "count_low": k_low,
                     "share_low": among_low.value, "low": among_low.low, "high": among_low.high,
                     "n_low": len(low), "share_other": test.b.value, "n_other": len(other),
                     "diff": test.diff, "p_value": test.p_value})
    table = _comparison_table(rows, level)
    table["drives"] = table["significant"] & (table["diff"] > 0) & (table["reason"] != "")
    return table.drop(columns="significant").sort_values("share_low", ascending=False, ignore_index=True)


def closed_loop(survey: pd.DataFrame, *, by: str | None = "channel", within: str | pd.Timedelta = "1h",
                score: str = "nps", low_max: int = DETRACTOR_MAX, level: float = 0.95) -> pd.DataFrame:
    """Share of low scores the company went back to within the target time (the source's target: one hour).

    A low score with no ``contact_at`` cannot be timed: it is counted in
    ``untimed`` and left out of the share, which says so. A low score never
    followed up counts as missed.

    Returns
    -------
    DataFrame
        One row per group and a last row ``all``: ``low_scores``, ``untimed``,
        ``followed_up``, ``on_time``, ``share`` with ``low``/``high`` (Wilson, %),
        ``median_hours`` to the follow-up.
    """
    _require_rows(survey, "The closed loop")
    target = pd.Timedelta(within)
    low_scores = survey[survey[score] <= low_max]
    parts = list(_groups(low_scores, by)) + ([({by: "all"}, low_scores)] if by else [])
    rows = []
    for keys, part in parts:
        timed = part[part["contact_at"].notna()]
        delay = timed["followed_up_at"] - timed["contact_at"]
        on_time = int((delay <= target).sum())
        result = share(on_time, len(timed), level=level, metric="on time")
        hours = delay.dropna().dt.total_seconds() / 3600
        rows.append({**keys, "low_scores": len(part), "untimed": len(part) - len(timed),
                     "followed_up": int(delay.notna().sum()), "on_time": on_time, "share": result.value,
                     "low": result.low, "high": result.high,
                     "median_hours": float(hours.median()) if len(hours) else np.nan})
    return pd.DataFrame(rows)
