"""The diagnosis' family of claims as a table: rows for comparisons, the error rate's weights, claim ids.

Also the headline periods (the latest, pooled with the one before when it
holds too few answers) and why changes by channel or segment cannot be
compared. Used by :func:`cxlib.diagnosis.diagnose`; pure functions on tables.

Examples
--------
>>> table = pd.DataFrame({"kind": ["difference", "trend", "trend"], "p": [0.01, 0.2, 0.03]})
>>> _weights(table).round(3).tolist()
[0.1, 0.45, 0.45]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxlib import catalog
from cxlib import claims as claim_family
from cxlib.actions import text
from cxlib.metrics import Comparison


def _claim_table(table: pd.DataFrame) -> pd.DataFrame:
    """The family with the two columns tables written before it read: ``channel`` and ``p_holm``."""
    table = table.copy()
    survey_rows = table["source"] == "survey"
    table["channel"] = np.where(survey_rows & (table["by"] == "channel"), table["group"],
                                np.where(survey_rows & (table["by"] == ""), claim_family.COMPANY, ""))
    table["p_holm"] = table["p_adjusted"]
    return table


def _difference_claim(comparison: Comparison, *, source: str, metric: str, by: str, group: str, worse: bool,
                      unit: str) -> dict[str, Any]:
    """A two-group comparison (not a change over time) as a row of the family."""
    return {"source": source, "metric": metric, "by": by, "group": group, "kind": "difference", "from": "",
            "to": "", "value_from": comparison.b.value, "value_to": comparison.a.value, "n_from": comparison.b.n,
            "n_to": comparison.a.n, "diff": comparison.diff, "low": comparison.low, "high": comparison.high,
            "p_own": comparison.p_value, "p": comparison.p_value, "worse": worse, "unit": unit,
            "method": comparison.method}


def _weights(table: pd.DataFrame) -> np.ndarray:
    """Each claim's share of the error rate: ``primary_share`` for each comparison fixed in advance, the rest equal."""
    share = float(catalog.load("report")["claims"]["primary_share"])
    tested = pd.to_numeric(table["p"], errors="coerce").notna().to_numpy()
    primary = (table["kind"] == "difference").to_numpy() & tested
    others = tested & ~primary
    if not primary.any() or not others.any() or primary.sum() * share >= 1:
        return np.ones(len(table))
    return np.where(primary, share, (1 - primary.sum() * share) / others.sum())


def _groupings(survey: pd.DataFrame, language: str) -> list[str]:
    """Why changes by channel or segment cannot be compared, one sentence each."""
    sentences = []
    table = claim_family.long_counts(survey, claim_family.GROUPS)
    for column in claim_family.GROUPS:
        if column not in table.columns:
            sentences.append(text("no_group", language, by=column))
            continue
        labels = sorted(set(table[column].unique()) - {""})
        if len(labels) == 1:
            sentences.append(text("one_group", language, by=column, group=labels[0]))
        elif not labels:
            sentences.append(text("no_group", language, by=column))
    return sentences


def _headline(survey: pd.DataFrame, periods: list[str], language: str) -> tuple[list[str], list[str]]:
    """The periods the headline metrics use, and the note saying why when the latest period is pooled."""
    if not periods:
        return [], []
    settings = catalog.load("report")["headline"]
    answers = claim_family.answers_by_period(survey, periods)
    used = claim_family.headline_periods(answers, min_answers=settings["min_answers"], min_share=settings["min_share"])
    if len(used) <= 1:
        return used, []
    latest = used[-1]
    earlier = answers[answers > 0].drop(latest)
    note = text("headline_pooled", language, latest=latest, n=int(answers[latest]),
                typical=int(round(float(earlier.median()))) if len(earlier) else 0,
                periods=", ".join(used), total=int(answers[used].sum()))
    return used, [note]


def _claim_id(table: pd.DataFrame, source: str, metric: str, kind: str, group: str) -> str | None:
    match = table[(table["source"] == source) & (table["metric"] == metric) & (table["kind"] == kind)
                  & (table["group"] == group)]
    return str(match["claim"].iloc[0]) if len(match) else None
