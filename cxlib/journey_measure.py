"""Measuring the journey: each stage's funnel, each touchpoint's shares, the survey answers naming them.

Every share comes with its Wilson interval (:func:`cxlib.metrics.wilson_interval`) and complaints with an
exact Poisson one. A blank count in ``journey.csv`` is *unknown*, never zero: every share built on it is NaN
and the row's ``unknown`` column names the blank inputs. The stage and touchpoint names and the chapter's
words come from ``cxlib/catalog/journey.toml``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd
from scipy import stats

from cxlib import catalog
from cxlib.metrics import nps, wilson_interval
from cxlib.privacy import mask_pii
from cxlib.scales import is_detractor

#: The journey.csv columns that may be blank (unknown), in file order; ``detractors``
#: stands for the survey's detractor share at the touchpoint.
INPUTS = ("reached", "moved_on", "rated", "satisfied", "high_effort", "complaints", "expectation", "perception",
          "promises_made", "promises_kept", "delays", "delays_announced", "fix_effort")
_COUNTS = ("reached", "rated", "promises_made", "delays", "fix_effort")
#: What an ``unknown`` column may name: the file's inputs, the survey's detractors, the key drivers' shares.
UNKNOWN_NAMES = (*INPUTS, "detractors", "drivers")


def word(key: str, language: str = "en", **values: object) -> str:
    """A word or sentence the chapter prints, from ``cxlib/catalog/journey.toml`` [words]."""
    return catalog.label(catalog.load("journey")["words"], language, key).format(**values)


def stage_names(language: str = "en") -> pd.Series:
    """Journey stage keys to names, in journey order."""
    return pd.Series({s["key"]: catalog.label(s, language) for s in catalog.journey_stages()}, name="name")


def touchpoint_name(key: str, language: str = "en") -> str:
    """A touchpoint's label in ``language``; the key itself when the vocabulary does not know it."""
    if language == "en":
        return key
    known = {t["key"]: t for t in catalog.load("journey")["touchpoints"]}
    return known.get(key, {}).get(f"name_{language}", key)


def _stage_order(stages: pd.Series) -> pd.Series:
    order = {key: i for i, key in enumerate(stage_names().index)}
    return stages.map(order)


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Journey order: by stage; within a stage the rows keep the order they came in."""
    return (frame.assign(_order=_stage_order(frame["stage"])).sort_values("_order", kind="stable")
            .drop(columns="_order"))


def _numbers(journey: pd.DataFrame) -> pd.DataFrame:
    """The journey with every measured column as float (NaN = unknown); an absent column is unknown throughout."""
    data = journey.copy()
    for column in INPUTS:
        if column in data:
            data[column] = pd.to_numeric(data[column], errors="coerce").astype("float64")
        else:
            data[column] = math.nan
    return data


def _share_columns(successes: float, n: float, level: float) -> tuple[float, float, float]:
    """A share in % with its Wilson interval; NaN throughout when either count is unknown or n is 0."""
    if pd.isna(successes) or pd.isna(n) or n == 0:
        return math.nan, math.nan, math.nan
    low, high = wilson_interval(int(successes), int(n), level)
    return 100 * successes / n, 100 * low, 100 * high


def _blank(row: pd.Series, columns: Iterable[str] = INPUTS) -> str:
    return ", ".join(column for column in columns if pd.isna(row[column]))


def funnel(journey: pd.DataFrame, *, level: float = 0.95, language: str = "en") -> pd.DataFrame:
    """Share of customers moving on at each stage, with Wilson intervals, and the biggest drop.

    A stage's rate is the sum of ``moved_on`` over the sum of ``reached`` of its
    touchpoints whose ``moved_on`` is known: the share of customers at those
    touchpoints who went on to the next step. A touchpoint whose ``moved_on`` is
    blank is not dropped: its customers count in ``reached``, and ``unknown``
    names it and says how many customers were left out of the rate.

    Returns
    -------
    DataFrame
        One row per stage, in journey order: ``name``, ``reached`` (all customers
        at the stage's touchpoints), ``counted`` (those at touchpoints whose
        ``moved_on`` is known: the rate's base), ``moved_on``, ``conversion``
        with ``low``/``high`` (%), ``drop`` (100 − conversion), ``biggest_drop``
        (True on the stage losing the largest share among the stages with a
        rate) and ``unknown`` (empty when everything was known).
    """
    names = stage_names(language)
    data = _numbers(journey)
    rows = []
    for stage in names.index:
        part = data[data["stage"] == stage]
        known = part[part["moved_on"].notna() & part["reached"].notna()]
        missing = part[part["moved_on"].isna() | part["reached"].isna()]
        counted = known["reached"].sum()
        value, low, high = _share_columns(known["moved_on"].sum(), counted, level)
        if part.empty:
            unknown = word("no_touchpoints", language)
        elif len(missing):
            unknown = word("left_out", language, measure="moved_on",
                            touchpoints=", ".join(touchpoint_name(t, language) for t in missing["touchpoint"]),
                            reached=f"{int(missing['reached'].sum()):,}")
        else:
            unknown = ""
        rows.append({"stage": stage, "name": names[stage], "reached": part["reached"].sum(), "counted": counted,
                     "moved_on": known["moved_on"].sum() if len(known) else math.nan,
                     "conversion": value, "low": low, "high": high, "drop": 100 - value, "unknown": unknown})
    table = pd.DataFrame(rows).set_index("stage")
    for column in ("reached", "counted", "moved_on"):
        table[column] = table[column].round().astype("Int64")
    table["biggest_drop"] = (table.index == table["drop"].idxmax()) if table["drop"].notna().any() else False
    return table[["name", "reached", "counted", "moved_on", "conversion", "low", "high", "drop", "biggest_drop",
                  "unknown"]]


def _poisson_rate(events: float, exposure: float, level: float, per: int = 1000) -> tuple[float, float, float]:
    """A rate per ``per`` with its exact (Garwood) Poisson interval; NaN when either count is unknown or exposure 0."""
    if pd.isna(events) or pd.isna(exposure) or exposure == 0:
        return math.nan, math.nan, math.nan
    events = int(events)
    alpha = 1 - level
    low = stats.chi2.ppf(alpha / 2, 2 * events) / 2 if events else 0.0
    high = stats.chi2.ppf(1 - alpha / 2, 2 * events + 2) / 2
    return per * events / exposure, per * low / exposure, per * high / exposure


def touchpoints(journey: pd.DataFrame, *, level: float = 0.95, language: str = "en") -> pd.DataFrame:
    """Every touchpoint measured, each share with its Wilson interval.

    A share whose count or base is blank is unknown (NaN), as is one whose base
    is 0 (nothing to count); ``unknown`` names the row's blank inputs, so the two
    can be told apart (see :func:`as_text`).

    Returns
    -------
    DataFrame
        One row per touchpoint, in journey order (stage order, then the file's
        order within a stage): ``satisfied`` (%), ``high_effort`` (%),
        ``moved_on`` (%), ``complaints`` per 1,000 customers (exact Poisson
        interval), ``gap`` (perception − expectation on 1–5), ``promises_kept``
        (%), ``announced`` (% of delays announced before the customer asked),
        each share with ``*_low`` and ``*_high``; ``rated`` and ``reached`` give
        the n; ``unknown`` lists the blank inputs (e.g. ``"rated, fix_effort"``).
    """
    rows = []
    for _, row in _ordered(_numbers(journey)).iterrows():
        record = {"stage": row["stage"], "touchpoint": row["touchpoint"],
                  "name": touchpoint_name(row["touchpoint"], language), "channel": row["channel"],
                  "reached": row["reached"], "rated": row["rated"]}
        for column, successes, n in (("satisfied", row["satisfied"], row["rated"]),
                                     ("high_effort", row["high_effort"], row["rated"]),
                                     ("moved_on", row["moved_on"], row["reached"]),
                                     ("promises_kept", row["promises_kept"], row["promises_made"]),
                                     ("announced", row["delays_announced"], row["delays"])):
            record[column], record[f"{column}_low"], record[f"{column}_high"] = _share_columns(successes, n, level)
        record["complaints"], record["complaints_low"], record["complaints_high"] = \
            _poisson_rate(row["complaints"], row["reached"], level)
        record["expectation"], record["perception"] = row["expectation"], row["perception"]
        record["gap"] = row["perception"] - row["expectation"]
        record["delays"], record["promises_made"] = row["delays"], row["promises_made"]
        record["fix_effort"] = row["fix_effort"]
        record["unknown"] = _blank(row)
        rows.append(record)
    table = pd.DataFrame(rows, columns=_TOUCHPOINT_COLUMNS)
    for column in _COUNTS:
        table[column] = table[column].astype("float64").round().astype("Int64")
    return table


_TOUCHPOINT_COLUMNS = (
    ["stage", "touchpoint", "name", "channel", "reached", "rated"]
    + [f"{c}{s}" for c in ("satisfied", "high_effort", "moved_on", "promises_kept", "announced")
       for s in ("", "_low", "_high")]
    + ["complaints", "complaints_low", "complaints_high", "expectation", "perception", "gap", "delays",
       "promises_made", "fix_effort", "unknown"])


def _nps_answers(survey: pd.DataFrame, language: str) -> tuple[pd.DataFrame, str]:
    """The survey's NPS answers that name a touchpoint, or why there are none (a sentence)."""
    if survey.empty or ("question" in survey and "touchpoint" not in survey):  # counts carry no touchpoints
        return survey.iloc[0:0], word("counts_only", language)
    if "touchpoint" not in survey:
        return survey.iloc[0:0], word("no_touchpoint_column", language)
    if "nps" not in survey or survey["nps"].isna().all():
        return survey.iloc[0:0], word("no_nps", language)
    named = survey[(survey["touchpoint"].fillna("") != "") & survey["nps"].notna()]
    if named.empty:
        return named, word("none_named", language)
    return named, ""


def survey_links(survey: pd.DataFrame, *, level: float = 0.95, language: str = "en") -> pd.DataFrame:
    """The survey's answers that name a stage or touchpoint: how many, their NPS, the detractor share.

    When nothing can be linked (counts only, no touchpoint column, no NPS
    answers, or no answer naming a touchpoint) the table is empty and
    ``attrs["why"]`` says why in one sentence; :func:`priorities` then treats the
    detractor share as unknown rather than zero.

    Returns
    -------
    DataFrame
        One row per (stage, touchpoint) named in the survey: ``answers``,
        ``detractors`` with ``detractor_share`` and its interval (%), ``nps``,
        the most frequent ``reason`` (ties: the first code alphabetically) and
        one example ``comment`` (contact details masked).
    """
    columns = ["stage", "touchpoint", "answers", "detractors", "detractor_share", "detractor_low", "detractor_high",
               "nps", "reason", "comment"]
    named, why = _nps_answers(survey, language)
    if why:
        table = pd.DataFrame(columns=columns)
        table.attrs["why"] = why
        return table
    labels = {r["code"]: catalog.label(r, language, "label") for r in catalog.reason_codes()}
    rows = []
    for (stage, touchpoint), part in named.groupby(["stage", "touchpoint"], sort=False):
        detractors = int(is_detractor(part["nps"]).sum())
        value, low, high = _share_columns(detractors, len(part), level)
        comments = part.loc[part["comment"].fillna("") != "", "comment"] if "comment" in part else pd.Series()
        reasons = part["reason_code"].fillna("").value_counts() if "reason_code" in part else pd.Series()
        top_reason = min(reasons.index, key=lambda code: (-reasons[code], code == "", code)) if len(reasons) else ""
        rows.append({"stage": stage, "touchpoint": touchpoint, "answers": len(part), "detractors": detractors,
                     "detractor_share": value, "detractor_low": low, "detractor_high": high,
                     "nps": nps(part["nps"]).value, "reason": labels.get(top_reason, top_reason),
                     "comment": mask_pii(comments.iloc[0]) if len(comments) else ""})
    table = _ordered(pd.DataFrame(rows, columns=columns)).reset_index(drop=True)
    table.attrs["why"] = ""
    return table

