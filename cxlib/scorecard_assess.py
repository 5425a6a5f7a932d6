"""The scorecard check put together: every metric judged, its trend, and the four levels' lists.

Also the delivery gap: the company's belief in its service against what customers say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cxlib.metrics import Comparison, share_diff
from cxlib.periods import sort_periods
from cxlib.scorecard_judge import STATUS_ORDER, combine
from cxlib.scorecard_metrics import derive, levels, metric_catalog
from cxlib.scorecard_trends import trends


@dataclass(frozen=True)
class ScorecardResult:
    """The scorecard check.

    Attributes
    ----------
    table : DataFrame
        Every metric and period with value, interval, target, benchmark, ``status`` and ``below_benchmark``.
    latest : DataFrame
        The latest period of each metric, with its trend flags.
    trends : DataFrame
        Per metric (:func:`trends`): first and last value, slope, fitted
        change, p-value, ``p_adjusted``, ``worsening``, ``improving`` and
        ``basis`` ("sampling error", a claim; "descriptive" when the values
        carry no n).
    levels : DataFrame
        Per level: ``score`` (0–100), counts of metrics met / behind / insufficient / worsening, and the four lists.
    derived : DataFrame
        What the kit computed from the survey and customer files, and whether it was used.
    """

    table: pd.DataFrame
    latest: pd.DataFrame
    trends: pd.DataFrame
    levels: pd.DataFrame
    derived: pd.DataFrame

    def off_track(self) -> pd.DataFrame:
        """Metrics behind target, below benchmark or worsening, worst first.

        Not "lagging": in Kaplan and Norton's sense a lagging indicator is an outcome measure (against a leading
        driver), whatever its status; the scorecard chapter lists those kinds separately.
        """
        flagged = self.latest[(self.latest["status"] == "behind") | self.latest["below_benchmark"]
                              | self.latest["worsening"]]
        return flagged.sort_values(["behind_rank", "worsening"], ascending=[True, False]).drop(columns="behind_rank")


def format_value(value: float, unit: str) -> str:
    """A value with its unit as the lists and recommendations print it: "25.1%", "4.2 h", "3.85 (1–5)"."""
    if unit.startswith("mean "):
        return f"{value:.2f} ({unit[5:]})"
    number = f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}"
    return f"{number}%" if unit == "%" else f"{number} {unit}".strip()


def _lists(latest: pd.DataFrame, known: pd.DataFrame) -> dict[str, list[str]]:
    strengths, weaknesses, risks, improvements = [], [], [], []
    for metric, row in latest.iterrows():
        unit = row["unit"]
        value = format_value(row["value"], unit)
        target = "" if pd.isna(row["target"]) else f" (target {format_value(row['target'], unit)})"
        if row["status"] == "behind":
            weaknesses.append(f"{row['name']}: {value}{target}")
        elif row["status"] == "met" and not row["below_benchmark"] and not row["worsening"]:
            strengths.append(f"{row['name']}: {value}{target}")
        if row["worsening"]:
            how = " (descriptive: the values carry no sample size)" if row.get("basis") == "descriptive" else ""
            risks.append(f"{row['name']} worsening: {format_value(row['first'], unit)} → {value} over "
                         f"{row['periods']} periods{how}")
        if row["below_benchmark"]:
            risks.append(f"{row['name']} worse than the benchmark ({format_value(row['benchmark'], unit)})")
        if row["status"] == "insufficient data":
            risks.append(f"{row['name']}: {value}{target}, too few answers to tell")
        if (row["status"] == "behind" or row["worsening"] or row["below_benchmark"]) and metric in known.index:
            improvements.append(f"{row['name']}: {known.loc[metric, 'improvement']}")
    return {"strengths": strengths, "weaknesses": weaknesses, "risks": risks, "improvements": improvements}


def assess(scorecard: pd.DataFrame, survey: pd.DataFrame, customers: pd.DataFrame,
           config: dict[str, Any] | None = None, *, mystery_shopping: pd.DataFrame | None = None,
           level: float = 0.95, language: str = "en", claims: pd.DataFrame | None = None,
           contacts: pd.DataFrame | None = None) -> ScorecardResult:
    """Judge every scorecard metric and summarise the four levels.

    Parameters
    ----------
    scorecard, survey, customers : DataFrame
        The client's tables (``client.scorecard`` and so on).
    mystery_shopping : DataFrame, optional
        ``client.mystery_shopping``, to derive the mystery-shopping score.
    config : dict, optional
        ``client.config``: ``[targets]``, ``[benchmarks]``, ``[overrides.scorecard]`` and ``[periods] order``.
    claims : DataFrame, optional
        The diagnosis's family of claims: "worsening" is then judged there
        (see :func:`trends`).
    contacts : DataFrame, optional
        ``client.contacts``: the operational level's first-contact resolution and resolution time are derived
        from it (source "contacts.csv") where ``scorecard.csv`` does not give them.

    Returns
    -------
    ScorecardResult
    """
    config = config or {}
    derived = derive(survey, customers, mystery_shopping, level=level)
    if contacts is not None and len(contacts) and config.get("periods"):
        from cxlib.contacts import scorecard_rows  # contacts read the survey-voice tagger: only when supplied

        derived = pd.concat([derived, scorecard_rows(contacts, config, level=level)], ignore_index=True)
    table = combine(scorecard, derived, config, level=level, language=language)
    derived = derived.assign(used=~derived["metric"].isin(set(scorecard["metric"])))
    return _summarise(table, derived, config, level=level, language=language, claims=claims)


def rejudge(result: ScorecardResult, claims: pd.DataFrame, config: dict[str, Any] | None = None, *,
            level: float = 0.95, language: str = "en") -> ScorecardResult:
    """The same scorecard with its sampling-error trends judged by a family of claims (:func:`trends`).

    What :func:`assess` returns with ``claims``, without deriving and
    combining the tables again.
    """
    return _summarise(result.table, result.derived, config or {}, level=level, language=language, claims=claims)


def _summarise(table: pd.DataFrame, derived: pd.DataFrame, config: dict[str, Any], *, level: float, language: str,
               claims: pd.DataFrame | None) -> ScorecardResult:
    order = (config.get("periods") or {}).get("order") or None
    trend = trends(table, level=level, claims=claims, order=order)
    rank = {label: i for i, label in enumerate(sort_periods(table["period"], order=order))}
    latest = table.assign(_rank=table["period"].astype(str).map(rank)).sort_values("_rank", kind="stable")
    latest = latest.groupby("metric", sort=False).tail(1).drop(columns="_rank").set_index("metric")
    latest = latest.join(trend[["periods", "first", "slope", "p_value", "p_adjusted", "worsening", "improving",
                                "basis"]])
    latest["behind_rank"] = latest["status"].map({s: i for i, s in enumerate(STATUS_ORDER)})
    known = metric_catalog(language, config.get("overrides"))
    level_rows = []
    for key, level_info in levels(language).iterrows():
        part = latest[latest["level"] == key]
        judged = part[part["status"].isin(["met", "behind", "insufficient data"])]
        counts = judged["status"].value_counts()
        score = 100 * (counts.get("met", 0) + 0.5 * counts.get("insufficient data", 0)) / len(judged) \
            if len(judged) else np.nan
        level_rows.append({"level": key, "name": level_info["name"], "score": score, "metrics": len(part),
                           "met": int(counts.get("met", 0)), "behind": int(counts.get("behind", 0)),
                           "insufficient": int(counts.get("insufficient data", 0)),
                           "worsening": int(part["worsening"].sum()), **_lists(part, known)})
    latest = latest.sort_values(["level", "behind_rank"], key=lambda s: s.map(
        {k: i for i, k in enumerate(levels().index)}) if s.name == "level" else s)
    return ScorecardResult(table, latest, trend, pd.DataFrame(level_rows).set_index("level"), derived)


def delivery_gap(table: pd.DataFrame, survey: pd.DataFrame, *, metric: str = "self_assessed_superior_service",
                 level: float = 0.95) -> Comparison:
    """The company's belief in its service against what customers say: ``company − customers``, in points of percent.

    The company's side is the latest ``self_assessed_superior_service`` row
    (share of managers rating the service superior, with its n); the
    customers' side is the share of "very satisfied" answers (5 of 5) to the
    satisfaction question, with its Wilson interval.
    """
    rows = table[table["metric"] == metric].sort_values("period")
    if rows.empty:
        raise ValueError(f"the scorecard has no {metric!r} rows: add the managers' self-assessment to scorecard.csv")
    latest = rows.iloc[-1]
    n_company = int(latest["n"]) if pd.notna(latest["n"]) else 0
    if n_company == 0:
        raise ValueError(f"{metric} needs n (how many managers answered) to carry an interval")
    from cxlib.survey import answer_counts

    counts, _ = answer_counts(survey, "csi", (1, 5))
    company = round(float(latest["value"]) / 100 * n_company)
    return share_diff(company, n_company, int(counts[-1]), int(counts.sum()), level=level, metric="superior service")
