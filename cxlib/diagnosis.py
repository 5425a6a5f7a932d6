"""The diagnosis: every chapter's findings in one place, and the recommendations that follow from them.

:func:`diagnose` runs the chapters' computations on a client (each one only
when the client supplied its file) and turns the findings into a prioritised
list of recommendations, each tied to its evidence, using the templates in
``cxlib/catalog/report.toml``.

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                           # doctest: +SKIP
>>> result = cxlib.diagnosis.diagnose(client)                          # doctest: +SKIP
>>> result.recommendations[["recommendation", "evidence"]]            # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cxlib import catalog, journey, lifecycle, scorecard, survey as survey_analysis
from cxlib.client import Client
from cxlib.metrics import Comparison

TOP_PAIN_POINTS = 3
TOP_SCORECARD_ITEMS = 3


@dataclass
class Diagnosis:
    """What the chapters found, for one client.

    Attributes
    ----------
    lifecycle, scorecard : result objects or None
        None when the client did not supply the file the chapter needs.
    pain_points : DataFrame
        The journey's ranked pain points (empty without ``journey.csv``).
    metrics : DataFrame
        NPS, CSAT, CSI and CES over the latest period, with intervals.
    changes : DataFrame
        The significant period-on-period NPS changes (company-wide and by channel).
    recommendations : DataFrame
        ``priority``, ``recommendation``, ``evidence``, ``chapter``.
    skipped : list of str
        Chapters left out, and why.
    """

    client_name: str
    language: str
    periods: list[str]
    lifecycle: Any
    scorecard: Any
    pain_points: pd.DataFrame
    metrics: pd.DataFrame
    changes: pd.DataFrame
    closed_loop: pd.DataFrame
    loyalty: pd.DataFrame
    value: tuple[Comparison, float] | None
    recommendations: pd.DataFrame
    skipped: list[str] = field(default_factory=list)


def text(key: str, language: str, **values: Any) -> str:
    """A fixed text of the report in ``language``, with its placeholders filled."""
    return catalog.label(catalog.load("report")["texts"], language, key).format(**values)


def _percent(value: float) -> str:
    return f"{value:.0f}"


def _rules(language: str) -> dict[str, dict[str, str]]:
    return {rule["rule"]: {"text": catalog.label(rule, language, "text"),
                           "evidence": catalog.label(rule, language, "evidence"), "chapter": rule["chapter"]}
            for rule in catalog.load("report")["recommendations"]}


def diagnose(client: Client, *, level: float = 0.95) -> Diagnosis:
    """Run every chapter's analysis the client's files allow, and derive the recommendations.

    Parameters
    ----------
    client : Client
        From :func:`cxlib.load_client`.

    Returns
    -------
    Diagnosis
    """
    language = client.language
    rules = _rules(language)
    recommendations: list[dict[str, str]] = []
    skipped: list[str] = []

    def recommend(rule: str, values: dict[str, Any], evidence: dict[str, Any] | None = None) -> None:
        entry = rules[rule]
        recommendations.append({"recommendation": entry["text"].format(**values),
                                "evidence": entry["evidence"].format(**(evidence or values)),
                                "chapter": entry["chapter"], "rule": rule})

    survey = client.answers  # rows, or the counts of a client who gave counts only
    periods = client.periods

    stage_result = None
    if len(client.lifecycle):
        stage_result = lifecycle.diagnose(client.lifecycle, client.config, language=language)
        for key, row in stage_result.mandate().iterrows():
            recommend("mandate", {"stage": row["name"], "mandate": row["mandate"], "owner": row["owner"]},
                      {"label": stage_result.label, "margin": _percent(stage_result.margin),
                       "stability": f"{stage_result.stability:.0%}", "respondents": stage_result.n_respondents})
    else:
        skipped.append("lifecycle stage: lifecycle.csv not supplied")

    pain_points = pd.DataFrame()
    if len(client.journey):
        measured = journey.touchpoints(client.journey, level=level, language=language)
        links = journey.survey_links(client.survey, level=level, language=language) if client.has_rows else None
        pain_points = journey.priorities(measured, links)
        names = journey.stage_names(language)
        for _, row in pain_points.head(TOP_PAIN_POINTS).iterrows():
            recommend("pain_point", {"touchpoint": row["name"], "stage": names[row["stage"]]},
                      {"satisfied": _percent(row["satisfied"]), "low": _percent(row["satisfied_low"]),
                       "high": _percent(row["satisfied_high"]), "effort": _percent(row["high_effort"]),
                       "moved": _percent(row["moved_on"]), "priority": _percent(row["priority"]),
                       "rank": row["rank"]})
        late = measured[(measured["delays"] >= 20) & (measured["announced_high"] < 50)]
        for _, row in late.iterrows():
            recommend("announce_delays", {"touchpoint": row["name"]},
                      {"announced": _percent(row["announced"]), "low": _percent(row["announced_low"]),
                       "high": _percent(row["announced_high"]), "delays": row["delays"],
                       "kept": _percent(row["promises_kept"])})
    else:
        skipped.append("customer journey: journey.csv not supplied")

    latest = survey[survey["period"] == periods[-1]] if periods else survey
    metrics = survey_analysis.summarize(latest, metrics=["nps", "csat", "csi", "ces"], level=level,
                                        scales=client.config["scales"])
    company = survey_analysis.changes(survey, "nps", level=level)
    by_channel = survey_analysis.changes(survey, "nps", within="channel", level=level)
    changes = pd.concat([company.assign(channel="(all)"), by_channel], ignore_index=True)
    changes = changes[changes["significant"]] if len(changes) else changes
    drops = changes[changes["diff"] < 0] if len(changes) else changes
    # a company-wide drop is explained by a channel's drop in the same period when there is one
    by_channel_periods = set(drops.loc[drops["channel"] != "(all)", "to"]) if len(drops) else set()
    for _, row in drops.iterrows() if len(drops) else []:
        if row["channel"] == "(all)" and row["to"] in by_channel_periods:
            continue
        group = text("all_channels", language) if row["channel"] == "(all)" else row["channel"]
        recommend("nps_drop", {"group": group, "to": row["to"]},
                  {"diff": f"{-row['diff']:.0f}", "from_": row["from"], "to": row["to"], "low": f"{row['low']:.0f}",
                   "high": f"{row['high']:.0f}", "p": f"{row['p_holm']:.2g}"})

    loop = survey_analysis.closed_loop(survey, by=None, level=level) if client.has_rows else pd.DataFrame()
    if not client.has_rows:
        skipped.append("reasons, closed loop, loyalty and value: they need one row per response (survey.csv)")
    if len(loop) and loop.iloc[0]["low_scores"] and loop.iloc[0]["high"] < 50:
        row = loop.iloc[0]
        recommend("closed_loop", {}, {"share": _percent(row["share"]), "low": _percent(row["low"]),
                                      "high": _percent(row["high"]), "n": int(row["low_scores"] - row["untimed"]),
                                      "hours": f"{row['median_hours']:.1f}"})

    loyalty, value = pd.DataFrame(), None
    if len(client.customers) and client.has_rows:
        loyalty = survey_analysis.loyalty_matrix(survey, client.customers, level=level)
        hostages = loyalty.set_index("segment").loc["hostages"]
        if hostages["revenue_share"] > hostages["share"]:
            recommend("hostages", {}, {"share": _percent(hostages["share"]),
                                       "revenue": _percent(hostages["revenue_share"])})
        value = survey_analysis.value_tiers(survey, client.customers, level=level)
        comparison, revenue_share = value
        if comparison.significant and comparison.diff < 0:
            recommend("top_customers", {}, {"top": 20, "revenue": _percent(revenue_share),
                                            "diff": f"{comparison.diff:+.0f}", "low": f"{comparison.low:+.0f}",
                                            "high": f"{comparison.high:+.0f}"})
    elif not len(client.customers):
        skipped.append("loyalty and value: customers.csv not supplied")

    card = None
    if len(client.scorecard) or len(survey):
        card = scorecard.assess(client.scorecard, survey, client.customers, client.config,
                                mystery_shopping=client.mystery_shopping, level=level, language=language)
        level_names = scorecard.levels(language)["name"]
        known = scorecard.metric_catalog(language, client.config.get("overrides"))
        lagging = card.lagging()
        behind = lagging[(lagging["status"] == "behind") & lagging.index.isin(known.index)]
        for metric, row in behind.head(TOP_SCORECARD_ITEMS).iterrows():
            recommend("scorecard", {"metric": row["name"], "improvement": known.loc[metric, "improvement"]},
                      {"level": level_names[row["level"]], "value": scorecard.format_value(row["value"], row["unit"]),
                       "target": scorecard.format_value(row["target"], row["unit"]),
                       "trend": ", worsening" if row["worsening"] and language == "en" else
                       (", ухудшается" if row["worsening"] else "")})
        if "self_assessed_superior_service" in set(card.table["metric"]):
            try:
                gap = scorecard.delivery_gap(card.table, survey, level=level)
            except ValueError as error:
                skipped.append(f"delivery gap: {error}")
            else:
                if gap.significant and gap.diff > 0:
                    recommend("delivery_gap", {}, {"company": _percent(gap.a.value), "customers": _percent(gap.b.value),
                                                   "gap": _percent(gap.diff), "low": _percent(gap.low),
                                                   "high": _percent(gap.high)})

    table = pd.DataFrame(recommendations, columns=["recommendation", "evidence", "chapter", "rule"])
    table.insert(0, "priority", range(1, len(table) + 1))
    return Diagnosis(client.name, language, periods, stage_result, card, pain_points, metrics, changes, loop,
                     loyalty, value, table.drop(columns="rule"), skipped)
