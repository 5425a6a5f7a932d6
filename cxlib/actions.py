"""The recommendations: each rule of ``report.toml``'s ``[[recommendations]]`` and the finding that triggers it.

:func:`cxlib.diagnosis.diagnose` computes the chapters' results and the one family of claims; the functions here
turn those results into actions, each an :data:`Action` (the catalogue's rule, the values of its text, the values of
its evidence, the ids of the claims it rests on). A rule that rests on a difference fires only when its claim
survived the family. The catalogue lists the rules in priority order, and the diagnosis sorts by it.

Examples
--------
>>> amount(-4.0, "points", "en"), p_after(0.0004, "ru")
('-4 points', '<\xa00,001')
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cxlib import catalog, journey, scorecard
from cxlib import claims as claim_family
from cxlib.phrases import KIND_ORDER, METRIC_NAMES
from cxlib.wording import Numbers

TOP_PAIN_POINTS = 3
TOP_COMMENT_TOPICS = 2
TOP_SCORECARD_ITEMS = 3

Action = tuple[str, dict[str, Any], dict[str, Any], list[str]]
"""A recommendation before it is written: rule, values of its text, values of its evidence, cited claim ids."""


def text(key: str, language: str, **values: Any) -> str:
    """A fixed text of the report in ``language``, with its placeholders filled."""
    return catalog.label(catalog.load("report")["texts"], language, key).format(**values)


def percent(value: float) -> str:
    return f"{value:.0f}"


def share(value: float, language: str) -> str:
    """A percentage as the evidence prints it, or the word for unknown (a blank count in the client's file)."""
    return journey.word("unknown", language) if pd.isna(value) else f"{value:.0f}%"


def interval(low: float, high: float) -> str:
    """`` [low–high]`` in percent, or nothing when the interval is unknown."""
    return "" if pd.isna(low) or pd.isna(high) else f" [{low:.0f}–{high:.0f}]"


def rules(language: str) -> dict[str, dict[str, str]]:
    return {rule["rule"]: {"text": catalog.label(rule, language, "text"),
                           "evidence": catalog.label(rule, language, "evidence"), "chapter": rule["chapter"]}
            for rule in catalog.load("report")["recommendations"]}


def number(value: float, unit: str) -> str:
    """A signed difference as the evidence prints it: whole points, or two decimals on an answer scale."""
    return f"{value:+.2f}" if str(unit).startswith("mean") else f"{value:+.0f}"


def amount(value: float, unit: str, language: str) -> str:
    """A signed difference with its unit, in the client's language."""
    unit = str(unit)
    if unit == "points":
        return text("unit_points", language, value=number(value, unit))
    if unit == "%":
        return text("unit_percent", language, value=number(value, unit))
    if unit.startswith("mean "):
        return text("unit_scale", language, value=number(value, unit), scale=unit[5:].split(",")[0])
    return f"{number(value, unit)} {unit}".strip()


def p_after(p: float, language: str) -> str:
    """An adjusted p-value after "p": ``= 0.012`` or ``< 0.001`` (never e-notation), in the client's language."""
    written = Numbers(language).p_value(p)
    return written if written.startswith("<") else f"= {written}"


def change_actions(table: pd.DataFrame, language: str) -> list[Action]:
    """The survey's significant changes for the worse, one recommendation per place (company-wide or a group).

    A company-wide change is left to the groups when a named group changed
    the same way in the same comparison: the group is where it happened.
    Each place leads with its most specific claim (period-on-period before
    first-to-last before trend, then the smallest adjusted p) and lists the
    other metrics that changed for the worse there.
    """
    stated = _stated(table, "survey")
    stated = stated[stated["worse"].fillna(False).astype(bool)]
    if stated.empty:
        return []
    keys = ["metric", "kind", "from", "to"]
    grouped = stated[stated["by"] != ""]
    named = set(map(tuple, grouped[keys].to_numpy()))
    company = stated[(stated["by"] == "") & ~stated[keys].apply(tuple, axis=1).isin(named)]
    places = [("", claim_family.COMPANY, company)] if len(company) else []
    for (by, group), part in sorted(grouped.groupby(["by", "group"], sort=False),
                                    key=lambda item: item[1]["p_adjusted"].min()):
        places.append((by, group, part))
    tested = table.attrs.get("tested", int(table["p"].notna().sum()))
    out = []
    for by, group, part in places:
        part = part.assign(_kind=part["kind"].map(KIND_ORDER)).sort_values(["_kind", "p_adjusted"])
        lead = part.iloc[0]
        metric = METRIC_NAMES.get(lead["metric"], lead["metric"])
        others = [METRIC_NAMES.get(m, m) for m in dict.fromkeys(part["metric"]) if m != lead["metric"]]
        when = text("when_period", language, to=lead["to"]) if lead["kind"] == "period-on-period" else \
            text("when_long", language, from_=lead["from"], to=lead["to"])
        kind = {"period-on-period": "kind_period", "first-to-last": "kind_long", "trend": "kind_trend"}[lead["kind"]]
        unit = lead["unit"]
        evidence = {"metric": metric, "diff": amount(lead["diff"], unit, language), "from_": lead["from"],
                    "to": lead["to"], "low": number(lead["low"], unit), "high": number(lead["high"], unit),
                    "kind": text(kind, language), "p": p_after(lead["p_adjusted"], language), "tested": tested,
                    "also": text("also", language, metrics=", ".join(others)) if others else ""}
        ids = list(part["claim"])
        if by == "":
            out.append(("company_change", {"when": when}, evidence, ids))
            continue
        where_key = {"channel": "where_channel", "segment": "where_segment"}.get(by, "where_other")
        evidence["rest"] = text("against_rest", language, diff=amount(lead["vs_rest"], unit, language),
                                low=number(lead["vs_rest_low"], unit), high=number(lead["vs_rest_high"], unit))
        out.append(("group_change", {"where": text(where_key, language, group=group, by=by), "when": when},
                    evidence, ids))
    return out


def comment_actions(raised: pd.DataFrame, tested: int, language: str) -> list[Action]:
    """One recommendation for each of the largest significant critics' topics (:data:`TOP_COMMENT_TOPICS`)."""
    stages = journey.stage_names(language)
    out = []
    for _, row in raised.head(TOP_COMMENT_TOPICS).iterrows():
        rule = "comment_topic_nps" if row["from"] == "detractors" else "comment_topic_csat"
        values = {"topic": row["group"], "stage": stages.get(row["stage"], row["stage"])}
        evidence = {"a": percent(row["value_from"]), "b": percent(row["value_to"]),
                    "diff": number(row["diff"], "%"), "low": number(row["low"], "%"),
                    "high": number(row["high"], "%"), "p": p_after(row["p_adjusted"], language),
                    "tested": tested}
        out.append((rule, values, evidence, [row["claim"]]))
    return out




def mandate_actions(stage_result: Any) -> list[Action]:
    """The customer-service mandate and owner of the lifecycle stage (or stages, when two tie)."""
    evidence = {"label": stage_result.label, "margin": percent(stage_result.margin),
                "stability": f"{stage_result.stability:.0%}", "respondents": stage_result.n_respondents}
    return [("mandate", {"stage": row["name"], "mandate": row["mandate"], "owner": row["owner"]}, evidence, [])
            for _, row in stage_result.mandate().iterrows()]


def journey_actions(pain_points: pd.DataFrame, measured: pd.DataFrame, language: str) -> list[Action]:
    """The top pain points (:data:`TOP_PAIN_POINTS`), and every touchpoint that leaves most delays unannounced."""
    names, unknown = journey.stage_names(language), journey.word("unknown", language)
    out: list[Action] = []
    for _, row in pain_points.head(TOP_PAIN_POINTS).iterrows():
        out.append(("pain_point", {"touchpoint": row["name"], "stage": names[row["stage"]]},
                    {"satisfied": share(row["satisfied"], language),
                     "interval": interval(row["satisfied_low"], row["satisfied_high"]),
                     "effort": share(row["high_effort"], language), "moved": share(row["moved_on"], language),
                     "priority": unknown if pd.isna(row["priority"]) else percent(row["priority"]),
                     "rank": unknown if pd.isna(row["rank"]) else int(row["rank"])}, []))
    late = measured[(measured["delays"] >= 20) & (measured["announced_high"] < 50)]
    for _, row in late.iterrows():
        out.append(("announce_delays", {"touchpoint": row["name"]},
                    {"announced": share(row["announced"], language),
                     "interval": interval(row["announced_low"], row["announced_high"]),
                     "delays": int(row["delays"]), "kept": share(row["promises_kept"], language)}, []))
    return out


def _significant(table: pd.DataFrame, claim: str | None) -> bool:
    return bool(claim) and bool(table.set_index("claim").loc[claim, "significant"])


def customer_actions(loop: pd.DataFrame, loyalty: pd.DataFrame, value: Any, table: pd.DataFrame,
                     claim: str | None) -> list[Action]:
    """Closing the loop within the hour, the hostages, and the most valuable customers (when its claim holds)."""
    out: list[Action] = []
    if len(loop) and loop.iloc[0]["low_scores"] and loop.iloc[0]["high"] < 50:
        row = loop.iloc[0]
        out.append(("closed_loop", {}, {"share": percent(row["share"]), "low": percent(row["low"]),
                                        "high": percent(row["high"]), "n": int(row["low_scores"] - row["untimed"]),
                                        "hours": f"{row['median_hours']:.1f}"}, []))
    if len(loyalty):
        hostages = loyalty.set_index("segment").loc["hostages"]
        if hostages["revenue_share"] > hostages["share"]:
            out.append(("hostages", {}, {"share": percent(hostages["share"]),
                                         "revenue": percent(hostages["revenue_share"])}, []))
    if value is not None:
        comparison, revenue_share = value
        if _significant(table, claim) and comparison.diff < 0:
            out.append(("top_customers", {}, {"top": 20, "revenue": percent(revenue_share),
                                              "diff": f"{comparison.diff:+.0f}", "low": f"{comparison.low:+.0f}",
                                              "high": f"{comparison.high:+.0f}"}, [claim]))
    return out


def scorecard_actions(card: Any, gap: Any, table: pd.DataFrame, claim: str | None, config: dict[str, Any],
                      language: str) -> list[Action]:
    """The metrics furthest behind target (:data:`TOP_SCORECARD_ITEMS`), and the delivery gap when its claim holds."""
    level_names = scorecard.levels(language)["name"]
    known = scorecard.metric_catalog(language, config.get("overrides"))
    off_track = card.off_track()
    behind = off_track[(off_track["status"] == "behind") & off_track.index.isin(known.index)]
    out: list[Action] = []
    for metric, row in behind.head(TOP_SCORECARD_ITEMS).iterrows():
        trend = ""
        if row["worsening"]:
            trend = text("worsening_descriptive" if row["basis"] == "descriptive" else "worsening", language)
        cited = card.trends.loc[metric, "claim"] if metric in card.trends.index else ""
        out.append(("scorecard", {"metric": row["name"], "improvement": known.loc[metric, "improvement"]},
                    {"level": level_names[row["level"]], "value": scorecard.format_value(row["value"], row["unit"]),
                     "target": scorecard.format_value(row["target"], row["unit"]), "trend": trend},
                    [cited] if row["worsening"] and cited else []))
    if gap is not None and _significant(table, claim) and gap.diff > 0:
        out.append(("delivery_gap", {}, {"company": percent(gap.a.value), "customers": percent(gap.b.value),
                                         "gap": percent(gap.diff), "low": percent(gap.low),
                                         "high": percent(gap.high)}, [claim]))
    return out


def written(actions: list[Action], language: str) -> pd.DataFrame:
    """The actions as the recommendations table: in the catalogue's priority order, numbered from 1."""
    entries = rules(language)
    order = {rule: position for position, rule in enumerate(entries)}
    rows = [{"recommendation": entries[rule]["text"].format(**values),
             "evidence": entries[rule]["evidence"].format(**(evidence or values)),
             "chapter": entries[rule]["chapter"], "claims": ", ".join(cited), "rule": rule}
            for rule, values, evidence, cited in actions]
    table = pd.DataFrame(rows, columns=["recommendation", "evidence", "chapter", "claims", "rule"])
    table = table.sort_values("rule", key=lambda column: column.map(order), kind="stable")
    table.insert(0, "priority", range(1, len(table) + 1))
    return table.drop(columns="rule").reset_index(drop=True)


def _stated(table: pd.DataFrame, source: str) -> pd.DataFrame:
    """The claims from ``source`` the family states (significant after its adjustment); untested ones never are."""
    return table[(table["source"] == source) & table["significant"].fillna(False).astype(bool)]


def _family_evidence(row: pd.Series, tested: int, language: str) -> dict[str, Any]:
    return {"p": p_after(row["p_adjusted"], language), "tested": tested}


def driver_actions(table: pd.DataFrame, drivers: pd.DataFrame | None, tested: int, language: str) -> list[Action]:
    """The key driver the family states with the largest share (a driver claim is "more than an equal share")."""
    stated = _stated(table, "drivers")
    if stated.empty or drivers is None:
        return []
    row = stated.sort_values("value_to", ascending=False).iloc[0]
    driver = drivers.set_index("driver").loc[row["group"]]
    outcome = METRIC_NAMES.get(row["metric"], row["metric"])
    return [("key_driver", {"attribute": driver["name"], "outcome": outcome},
             {"attribute": driver["name"], "outcome": outcome, "share": percent(driver["share"]),
              "low": percent(driver["share_low"]), "high": percent(driver["share_high"]),
              "equal": percent(row["value_from"]), "top": percent(driver["top_box"]),
              **_family_evidence(row, tested, language)}, [row["claim"]])]


def contact_actions(table: pd.DataFrame, fcr: str, tested: int, language: str) -> list[Action]:
    """Repeated or escalated contacts, each when the family states that those customers' NPS is lower than
    without contacts (rules ``repeat_contacts`` and ``escalated_contacts``)."""
    actions: list[Action] = []
    for history, rule in (("repeated", "repeat_contacts"), ("escalated", "escalated_contacts")):
        stated = _stated(table, "contacts")
        stated = stated[(stated["metric"] == "nps") & (stated["group"] == history) & (stated["diff"] < 0)]
        if stated.empty:
            continue
        row = stated.iloc[0]
        actions.append((rule, {}, {"a": percent(row["value_from"]), "b": percent(row["value_to"]),
                                   "diff": number(row["diff"], "points"), "low": number(row["low"], "points"),
                                   "high": number(row["high"], "points"), "fcr": fcr,
                                   **_family_evidence(row, tested, language)}, [row["claim"]]))
    return actions


def component_actions(table: pd.DataFrame, tested: int, language: str) -> list[Action]:
    """The largest manager–staff gap the family states where managers rate the component higher."""
    stated = _stated(table, "components")
    stated = stated[stated["diff"] > 0]
    if stated.empty:
        return []
    row = stated.sort_values("diff", ascending=False).iloc[0]
    return [("component_gap", {"component": row["group"]},
             {"managers": f"{row['value_to']:.1f}", "staff": f"{row['value_from']:.1f}", "gap": f"{row['diff']:+.1f}",
              "low": f"{row['low']:+.1f}", "high": f"{row['high']:+.1f}",
              **_family_evidence(row, tested, language)}, [row["claim"]])]
