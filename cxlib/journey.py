"""The customer journey: awareness → evaluation & choice → purchase → experience → loyalty.

The goal of customer service in the source method is a seamless move through
the five stages; its tasks sit at the touchpoints where customers struggle.
This module measures each touchpoint (reusing :mod:`cxlib.metrics` for every
interval), ranks the pain points by a documented score, scores mystery-shopping
visits, and links the survey's low scores to the stages they name.

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                          # doctest: +SKIP
>>> cxlib.journey.touchpoints(client.journey).head()                 # doctest: +SKIP
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from cxlib import catalog
from cxlib.metrics import nps, wilson_interval
from cxlib.privacy import mask_pii


def stage_names(language: str = "en") -> pd.Series:
    """Journey stage keys to names, in journey order."""
    return pd.Series({s["key"]: catalog.label(s, language) for s in catalog.journey_stages()}, name="name")


def touchpoint_name(key: str, language: str = "en") -> str:
    """A touchpoint's label in ``language``; the key itself when the vocabulary does not know it."""
    if language == "en":
        return key
    known = {t["key"]: t for t in catalog.load("journey")["touchpoints"]}
    return known.get(key, {}).get(f"name_{language}", key)


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    order = {key: i for i, key in enumerate(stage_names().index)}
    return frame.assign(_order=frame["stage"].map(order)).sort_values("_order", kind="stable").drop(columns="_order")


def _share_columns(successes: int, n: int, level: float) -> tuple[float, float, float]:
    low, high = wilson_interval(successes, n, level)
    return (100 * successes / n if n else math.nan), 100 * low, 100 * high


def funnel(journey: pd.DataFrame, *, level: float = 0.95, language: str = "en") -> pd.DataFrame:
    """Share of customers moving on at each stage, with Wilson intervals, and the biggest drop.

    A stage's rate is the sum of ``moved_on`` over the sum of ``reached`` of its
    touchpoints: the share of customers at the stage's touchpoints who went on
    to the next step.

    Returns
    -------
    DataFrame
        One row per stage, in journey order: ``name``, ``reached``, ``moved_on``,
        ``conversion`` with ``low``/``high`` (%), ``drop`` (100 − conversion) and
        ``biggest_drop`` (True on the stage losing the largest share).
    """
    names = stage_names(language)
    rows = []
    for stage in names.index:
        part = journey[(journey["stage"] == stage) & journey["moved_on"].notna()]
        reached, moved = int(part["reached"].sum()), int(part["moved_on"].sum())
        value, low, high = _share_columns(moved, reached, level)
        rows.append({"stage": stage, "name": names[stage], "reached": reached, "moved_on": moved,
                     "conversion": value, "low": low, "high": high, "drop": 100 - value})
    table = pd.DataFrame(rows).set_index("stage")
    table["biggest_drop"] = table.index == table["drop"].idxmax() if table["drop"].notna().any() else False
    return table


def _poisson_rate(events: int, exposure: int, level: float, per: int = 1000) -> tuple[float, float, float]:
    """A rate per ``per`` with its exact (Garwood) Poisson interval."""
    if exposure == 0:
        return math.nan, math.nan, math.nan
    alpha = 1 - level
    low = stats.chi2.ppf(alpha / 2, 2 * events) / 2 if events else 0.0
    high = stats.chi2.ppf(1 - alpha / 2, 2 * events + 2) / 2
    return per * events / exposure, per * low / exposure, per * high / exposure


def touchpoints(journey: pd.DataFrame, *, level: float = 0.95, language: str = "en") -> pd.DataFrame:
    """Every touchpoint measured, each share with its Wilson interval.

    Returns
    -------
    DataFrame
        One row per touchpoint, in journey order: ``satisfied`` (%), ``high_effort``
        (%), ``moved_on`` (%), ``complaints`` per 1,000 customers (exact Poisson
        interval), ``gap`` (perception − expectation on 1–5), ``promises_kept``
        (%), ``announced`` (% of delays announced before the customer asked),
        each share with ``*_low`` and ``*_high``; ``rated`` and ``reached`` give the n.
    """
    rows = []
    for _, row in _ordered(journey).iterrows():
        record = {"stage": row["stage"], "touchpoint": row["touchpoint"],
                  "name": touchpoint_name(row["touchpoint"], language), "channel": row["channel"],
                  "reached": int(row["reached"]), "rated": int(row["rated"])}
        for column, successes, n in (("satisfied", row["satisfied"], row["rated"]),
                                     ("high_effort", row["high_effort"], row["rated"]),
                                     ("moved_on", row["moved_on"], row["reached"]),
                                     ("promises_kept", row["promises_kept"], row["promises_made"]),
                                     ("announced", row["delays_announced"], row["delays"])):
            if pd.isna(successes) or pd.isna(n) or n == 0:
                record[column] = record[f"{column}_low"] = record[f"{column}_high"] = math.nan
            else:
                record[column], record[f"{column}_low"], record[f"{column}_high"] = \
                    _share_columns(int(successes), int(n), level)
        record["complaints"], record["complaints_low"], record["complaints_high"] = \
            _poisson_rate(int(row["complaints"]), int(row["reached"]), level)
        record["expectation"], record["perception"] = row["expectation"], row["perception"]
        record["gap"] = row["perception"] - row["expectation"]
        record["delays"], record["promises_made"] = int(row["delays"]), int(row["promises_made"])
        record["fix_effort"] = row.get("fix_effort", math.nan)
        rows.append(record)
    return pd.DataFrame(rows)


def survey_links(survey: pd.DataFrame, *, level: float = 0.95, language: str = "en") -> pd.DataFrame:
    """The survey's answers that name a stage or touchpoint: how many, their NPS, the detractor share.

    Returns
    -------
    DataFrame
        One row per (stage, touchpoint) named in the survey: ``answers``,
        ``detractors`` with ``detractor_share`` and its interval (%), ``nps``,
        the most frequent ``reason`` and one example ``comment`` (contact details masked).
    """
    columns = ["stage", "touchpoint", "answers", "detractors", "detractor_share", "detractor_low", "detractor_high",
               "nps", "reason", "comment"]
    if "touchpoint" not in survey:  # counts carry no touchpoints; nothing to link
        return pd.DataFrame(columns=columns)
    named = survey[(survey["touchpoint"].fillna("") != "") & survey["nps"].notna()]
    labels = {r["code"]: catalog.label(r, language, "label") for r in catalog.reason_codes()}
    rows = []
    for (stage, touchpoint), part in named.groupby(["stage", "touchpoint"], sort=False):
        detractors = int((part["nps"] <= 6).sum())
        value, low, high = _share_columns(detractors, len(part), level)
        comments = part.loc[part["comment"] != "", "comment"]
        top_reason = part["reason_code"].value_counts().idxmax() if len(part) else ""
        rows.append({"stage": stage, "touchpoint": touchpoint, "answers": len(part), "detractors": detractors,
                     "detractor_share": value, "detractor_low": low, "detractor_high": high,
                     "nps": nps(part["nps"]).value, "reason": labels.get(top_reason, top_reason),
                     "comment": mask_pii(comments.iloc[0]) if len(comments) else ""})
    return _ordered(pd.DataFrame(rows, columns=columns)).reset_index(drop=True)


def priorities(measured: pd.DataFrame, links: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rank the pain points: priority = 100 × frequency × (severity + impact) / 2.

    frequency: customers left unsatisfied at the touchpoint (reached × share
    not satisfied), relative to the touchpoint with the most; severity: the
    mean of the high-effort share and the expectation gap scaled to 0–1;
    impact: the mean of the share not moving on and the detractor share among
    survey answers naming the touchpoint.

    See ``cxlib/catalog/journey.toml`` for the definition of each part; every
    part is returned beside the score so the ranking can be explained.

    Parameters
    ----------
    measured : DataFrame
        Output of :func:`touchpoints`.
    links : DataFrame, optional
        Output of :func:`survey_links`, for the detractor share per touchpoint.
    """
    table = measured.copy()
    detractor_share = pd.Series(0.0, index=table.index)
    if links is not None and len(links):
        shares = links.set_index(["stage", "touchpoint"])["detractor_share"] / 100
        keys = list(zip(table["stage"], table["touchpoint"]))
        detractor_share = pd.Series([shares.get(key, 0.0) for key in keys], index=table.index)
    table["affected"] = (table["reached"] * (1 - table["satisfied"] / 100)).round()
    table["frequency"] = table["affected"] / table["affected"].max()
    parts = pd.DataFrame({"effort": table["high_effort"] / 100, "gap": (-table["gap"] / 4).clip(lower=0, upper=1)})
    table["severity"] = parts.mean(axis=1, skipna=True)
    table["impact"] = pd.concat([1 - table["moved_on"] / 100, detractor_share], axis=1).mean(axis=1, skipna=True)
    table["detractor_share"] = 100 * detractor_share
    table["priority"] = 100 * table["frequency"] * (table["severity"] + table["impact"]) / 2
    table["rank"] = table["priority"].rank(ascending=False, method="first").astype(int)
    return table.sort_values("rank").reset_index(drop=True)


def importance_performance(measured: pd.DataFrame, survey: pd.DataFrame) -> pd.DataFrame:
    """Importance–performance: the NPS points at stake at each touchpoint against its satisfied share.

    Importance is the NPS the company would gain if the detractors who name the
    touchpoint became passives: 100 × those detractors / all NPS answers.
    Performance is the touchpoint's satisfied share. The quadrants split at the
    medians: "concentrate here" (important, performing poorly), "keep up the
    good work", "low priority", "possible overkill".
    """
    if "touchpoint" not in survey:  # counts carry no touchpoints: importance cannot be measured
        table = measured[["stage", "touchpoint", "name", "satisfied"]].copy()
        return table.assign(importance=np.nan, named_in_survey=False, quadrant="needs one row per response")
    answered = survey[survey["nps"].notna()]
    names = answered["touchpoint"].fillna("")
    at_stake = 100 * names[answered["nps"] <= 6].value_counts() / max(len(answered), 1)
    table = measured[["stage", "touchpoint", "name", "satisfied"]].copy()
    table["importance"] = table["touchpoint"].map(at_stake).fillna(0.0)
    table["named_in_survey"] = table["touchpoint"].isin(set(names))
    high_importance = table["importance"] >= table["importance"].median()
    high_performance = table["satisfied"] >= table["satisfied"].median()
    table["quadrant"] = np.select(
        [high_importance & ~high_performance, high_importance & high_performance,
         ~high_importance & ~high_performance],
        ["concentrate here", "keep up the good work", "low priority"], "possible overkill")
    return table


# --------------------------------------------------------------------------- mystery shopping


def mystery_visits(checks: pd.DataFrame) -> pd.DataFrame:
    """Score each mystery-shopping visit and each touchpoint within it.

    A score is the weighted share of applicable items passed (N/A left out),
    0–100. A failed *critical* item fails the whole visit: its score becomes 0
    and ``knocked_out`` names the item.

    Returns
    -------
    DataFrame
        One row per visit and touchpoint, plus a row with touchpoint ``"(visit)"``
        for the whole visit: ``score``, ``raw_score`` (before the knock-out),
        ``applicable`` items, ``knocked_out``.
    """
    applicable = checks[checks["result"] != "na"].copy()
    applicable["passed"] = (applicable["result"] == "pass").astype(float)
    applicable["points"] = applicable["passed"] * applicable["weight"]
    rows = []
    for visit, visit_items in applicable.groupby("visit_id", sort=True):
        failed_critical = visit_items[visit_items["critical"].astype(bool) & (visit_items["result"] == "fail")]
        knocked = "; ".join(failed_critical["criterion"])
        for touchpoint, items in list(visit_items.groupby("touchpoint", sort=False)) + [("(visit)", visit_items)]:
            raw = 100 * items["points"].sum() / items["weight"].sum() if items["weight"].sum() else math.nan
            own_knock = knocked if touchpoint == "(visit)" else "; ".join(
                failed_critical.loc[failed_critical["touchpoint"] == touchpoint, "criterion"])
            rows.append({"visit_id": visit, "touchpoint": touchpoint, "raw_score": raw,
                         "score": 0.0 if own_knock else raw, "applicable": len(items), "knocked_out": own_knock})
    return pd.DataFrame(rows)


def mystery_scores(checks: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Mean mystery-shopping score per touchpoint and overall, with a t interval across visits.

    Returns
    -------
    DataFrame
        One row per touchpoint and a last row ``"(visit)"`` for whole visits:
        ``visits``, ``score`` with ``low``/``high``, ``knockouts`` (visits failed
        on a critical item).
    """
    visits = mystery_visits(checks)
    rows = []
    for touchpoint, part in visits.groupby("touchpoint", sort=False):
        scores = part["score"].to_numpy(dtype=float)
        n = len(scores)
        mean = float(scores.mean()) if n else math.nan
        half = float(stats.t.ppf(0.5 + level / 2, n - 1) * scores.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        rows.append({"touchpoint": touchpoint, "visits": n, "score": mean, "low": max(mean - half, 0),
                     "high": min(mean + half, 100), "knockouts": int((part["knocked_out"] != "").sum())})
    table = pd.DataFrame(rows)
    return pd.concat([table[table["touchpoint"] != "(visit)"], table[table["touchpoint"] == "(visit)"]],
                     ignore_index=True)


def mystery_criteria(checks: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Pass rate of every checklist item across visits (N/A left out), with its Wilson interval, worst first."""
    rows = []
    for (touchpoint, criterion), part in checks.groupby(["touchpoint", "criterion"], sort=False):
        applicable = part[part["result"] != "na"]
        passed = int((applicable["result"] == "pass").sum())
        value, low, high = _share_columns(passed, len(applicable), level)
        rows.append({"touchpoint": touchpoint, "criterion": criterion, "critical": bool(part["critical"].any()),
                     "visits": len(applicable), "not_applicable": len(part) - len(applicable),
                     "pass_rate": value, "low": low, "high": high})
    return pd.DataFrame(rows).sort_values("pass_rate", ignore_index=True)
