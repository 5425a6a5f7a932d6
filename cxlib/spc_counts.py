"""Survey answers to a histogram per period: the counts a control chart (``cxlib.spc``) is drawn from.

Survey rows are grouped by date into calendar periods (empty periods kept, so
a gap in the answers stays a gap on the chart); a counts table, or rows
without dates, by their period labels.

Examples
--------
>>> rows = pd.DataFrame({"date": pd.to_datetime(["2025-01-05", "2025-02-11"]), "nps": [10, 3]})
>>> period_counts(rows, "nps")[0]
['2025-01', '2025-02']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxlib.claims import scale_of
from cxlib.client.config import PERIOD_FREQUENCIES
from cxlib.client.counts import csat_from_csi, period_labels, with_csat_counts
from cxlib.periods import sort_periods

METRICS = ("nps", "csat", "csi", "ces")


def _score_column(survey: pd.DataFrame, metric: str) -> pd.Series:
    """The metric's answers as floats (blank NaN); CSAT from the CSI top-2 box when the table has no CSAT."""
    if metric == "csat" and "csat" not in survey and "csi" in survey:
        answers = csat_from_csi(pd.to_numeric(survey["csi"]).astype("Int64"))
    elif metric in survey:
        answers = pd.to_numeric(survey[metric], errors="raise")
    else:
        raise ValueError(f"the survey has no {metric.upper()} answers (no column {metric!r})")
    return pd.Series(answers.to_numpy(dtype=float, na_value=np.nan), index=survey.index)


def _check_scale(scores: np.ndarray, metric: str, scale: tuple[int, int]) -> None:
    if scores.size and (scores.min() < scale[0] or scores.max() > scale[1] or np.any(scores != np.trunc(scores))):
        raise ValueError(f"{metric.upper()} answers must be whole numbers from {scale[0]} to {scale[1]}")


def _from_rows(survey: pd.DataFrame, metric: str, freq: str, scale: tuple[int, int]) -> tuple[list[str], np.ndarray]:
    """Histograms per calendar period, empty periods included (a gap in the answers stays a gap on the chart)."""
    dates = pd.to_datetime(survey["date"])
    scores = _score_column(survey, metric).to_numpy()
    keep = dates.notna().to_numpy() & ~np.isnan(scores)
    scores = scores[keep]
    _check_scale(scores, metric, scale)
    width = scale[1] - scale[0] + 1
    if not scores.size:
        return [], np.zeros((0, width))
    stamps = pd.PeriodIndex(dates[keep], freq=PERIOD_FREQUENCIES[freq])
    calendar = pd.period_range(stamps.min(), stamps.max(), freq=PERIOD_FREQUENCIES[freq])
    counts = np.zeros((len(calendar), width))
    np.add.at(counts, (stamps.asi8 - calendar[0].ordinal, (scores - scale[0]).astype(np.intp)), 1)
    labels = period_labels(pd.Series(calendar.to_timestamp()), freq)  # the kit's labels: 2025-03, 2025-Q1
    return list(labels), counts


def _from_counts(survey: pd.DataFrame, metric: str, scale: tuple[int, int]) -> tuple[list[str], np.ndarray]:
    """Histograms per period label of a counts table (``question``, ``score``, ``n``), in time order."""
    table = with_csat_counts(survey) if metric == "csat" and len(survey) else survey
    part = table[(table["question"] == metric) & table["score"].notna() & (table["period"].astype(str) != "")]
    periods = sort_periods(part["period"].astype(str))
    scores = part["score"].to_numpy(dtype=float)
    _check_scale(scores, metric, scale)
    counts = np.zeros((len(periods), scale[1] - scale[0] + 1))
    rows = pd.Index(periods).get_indexer(part["period"].astype(str))
    np.add.at(counts, (rows, (scores - scale[0]).astype(np.intp)), part["n"].to_numpy(dtype=float))
    return periods, counts


def period_counts(survey: pd.DataFrame, metric: str, freq: str = "month", *,
                  scales: dict[str, Any] | None = None) -> tuple[list[str], np.ndarray]:
    """Each period's answer counts on the metric's scale (``scale_of``), periods in time order.

    Survey rows are grouped by their ``date`` into calendar periods of ``freq``
    (empty periods kept); a counts table, or rows without dates, by its
    ``period`` labels (``freq`` cannot regroup those).

    Examples
    --------
    >>> rows = pd.DataFrame({"date": pd.to_datetime(["2025-01-05", "2025-03-02"]), "csat": [1, 0]})
    >>> labels, counts = period_counts(rows, "csat")
    >>> labels, counts.tolist()
    (['2025-01', '2025-02', '2025-03'], [[0.0, 1.0], [0.0, 0.0], [1.0, 0.0]])
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    if freq not in PERIOD_FREQUENCIES:
        raise ValueError(f"freq must be one of {', '.join(PERIOD_FREQUENCIES)}; got {freq!r}")
    scale = scale_of(metric, scales)
    if {"question", "score", "n"} <= set(survey.columns):
        return _from_counts(survey, metric, scale)
    if "date" in survey and pd.to_datetime(survey["date"]).notna().any():
        return _from_rows(survey, metric, freq, scale)
    if "period" in survey:  # undated rows: the client's own period labels
        scores = _score_column(survey, metric)
        answered = survey.loc[scores.notna(), "period"].astype(str)
        frame = pd.DataFrame({"period": answered, "question": metric, "score": scores[scores.notna()], "n": 1})
        return _from_counts(frame, metric, scale)
    raise ValueError("the survey needs a date or a period column to be charted over time")
