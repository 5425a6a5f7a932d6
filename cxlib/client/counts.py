"""The survey as score counts, and period labels."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxlib.client.config import PERIOD_FREQUENCIES
from cxlib.client.problems import Problem
from cxlib.scales import CSI_SATISFIED

SCORE_SCALES = {"nps": (0, 10), "csat": (0, 1), "csi": (1, 5)}
QUESTIONS = ("nps", "csat", "csi", "ces")
COUNT_KEYS = ["period", "segment", "channel"]


def period_labels(dates: pd.Series, frequency: str = "quarter", labels: dict[str, str] | None = None) -> pd.Series:
    """Label each date with its period, e.g. ``2025-Q3``, renamed through ``labels``.

    Examples
    --------
    >>> period_labels(pd.Series(pd.to_datetime(["2025-02-01", "2025-08-15"]))).tolist()
    ['2025-Q1', '2025-Q3']
    """
    codes, distinct = pd.factorize(dates)  # a survey has a few hundred dates, repeated
    periods = pd.Series(pd.DatetimeIndex(distinct).to_period(PERIOD_FREQUENCIES[frequency]).astype(str))
    periods = periods.str.replace(r"(\d{4})Q(\d)", r"\1-Q\2", regex=True).replace(labels or {})
    return pd.Series(np.append(periods.to_numpy(dtype=object), "")[codes], index=dates.index, dtype="str")



def _count_problems(counts: pd.DataFrame, config: dict[str, Any]) -> list[Problem]:
    """Scores outside their question's scale in survey_counts.csv."""
    scales = {**SCORE_SCALES, "ces": (config["scales"]["ces"]["min"], config["scales"]["ces"]["max"])}
    problems = []
    for question, (low, high) in scales.items():
        part = counts[(counts["question"] == question) & counts["score"].notna()]
        outside = part[(part["score"] < low) | (part["score"] > high)]
        problems += [Problem("survey_counts.csv", int(row), "score", str(score),
                             f"is outside {low}–{high} for {question}")
                     for row, score in outside["score"].items()]
    return problems


def survey_counts(survey: pd.DataFrame) -> pd.DataFrame:
    """The survey as counts: how many answers each score got, per period, segment, channel and question.

    This is the table ``survey_counts.csv`` holds, and what one ``GROUP BY``
    in a client's warehouse produces (see docs/large_clients.md). Blank
    answers are counted with a blank score.

    Examples
    --------
    >>> rows = pd.DataFrame({"period": ["Q1", "Q1"], "segment": ["a", "a"], "channel": ["web", "web"],
    ...                      "nps": pd.array([9, 9], dtype="Int64"), "csi": pd.array([5, None], dtype="Int64"),
    ...                      "ces": pd.array([6, 6], dtype="Int64")})
    >>> survey_counts(rows)[["question", "score", "n"]].to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
    {'question': ['nps', 'csat', 'csat', 'csi', 'csi', 'ces'], 'score': [9, 1, None, 5, None, 6],
     'n': [2, 1, 1, 1, 1, 2]}
    """
    if "csat" not in survey and "csi" in survey:
        survey = survey.assign(csat=csat_from_csi(survey["csi"]))
    parts = []
    for question in (q for q in QUESTIONS if q in survey):
        grouped = survey.groupby(COUNT_KEYS + [question], dropna=False, observed=True, sort=True).size()
        part = grouped.rename("n").reset_index().rename(columns={question: "score"})
        part.insert(3, "question", question)
        parts.append(part)
    counts = pd.concat(parts, ignore_index=True)
    counts["score"] = counts["score"].astype("Int64")
    counts["n"] = counts["n"].astype("Int64")
    return counts.reset_index(drop=True)


def csat_from_csi(csi: pd.Series) -> pd.Series:
    """1 for a satisfied answer (4 or 5 on the 1–5 CSI question), 0 for 1–3, blank for blank.

    Examples
    --------
    >>> csat_from_csi(pd.Series([5, 3, None], dtype="Int64")).tolist()
    [1, 0, <NA>]
    """
    return (csi >= CSI_SATISFIED).astype("Int64").where(csi.notna(), pd.NA)


def with_csat_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Counts with a ``csat`` question: the client's own, or derived from the CSI question's counts."""
    if (counts["question"] == "csat").any():
        return counts
    derived = counts[counts["question"] == "csi"].copy()
    derived["question"] = "csat"
    derived["score"] = csat_from_csi(derived["score"].astype("Int64"))
    derived = derived.groupby(COUNT_KEYS + ["question", "score"], dropna=False, sort=True)["n"].sum().reset_index()
    return pd.concat([counts, derived], ignore_index=True)
