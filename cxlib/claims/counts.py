"""The survey as answer counts by period and group, and how many answers each period holds.

Survey rows and score counts (``client.answers`` either way) give the same counts, so every claim is computed on
one code path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from cxlib.claims.schema import GROUPS, METRICS
from cxlib.periods import sort_periods
from cxlib.scales import CSI_SATISFIED


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
