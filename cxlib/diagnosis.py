"""The diagnosis: every chapter's findings in one place, and the recommendations that follow from them.

:func:`diagnose` runs the chapters' computations on a client (each one only
when the client supplied its file) and turns the findings into a prioritised
list of recommendations, each tied to its evidence, using the templates in
``cxlib/catalog/report.toml``.

Every change or difference the diagnosis states is a *claim* from one family
(:mod:`cxlib.claims`): NPS, CSAT, CSI and CES as the survey supplies them,
company-wide and by channel and segment, period-on-period, first-to-last and
as a weighted trend; the scorecard's trends that carry a sampling error; the
most valuable customers against the rest; the managers' view against the
customers'. All of them share one Holm adjustment, so the chance that the
report states even one change that is not there stays below ``1 − level``;
the two comparisons the method fixes in advance (managers against customers,
the most valuable customers against the rest) each hold a fixed share of that
error rate (``[claims] primary_share`` in ``report.toml``, weighted Holm).
A channel or segment is named as where a change happened only when its change
also differs from the rest's; otherwise the change is the company's.
``Diagnosis.changes`` lists every claim tested, and each recommendation cites
the claims it rests on (``claims`` column).

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                           # doctest: +SKIP
>>> result = cxlib.diagnosis.diagnose(client)                          # doctest: +SKIP
>>> result.changes[result.changes["significant"]]                     # doctest: +SKIP
>>> result.recommendations[["recommendation", "evidence", "claims"]]  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cxlib import catalog, journey, lifecycle, scorecard, spc, voice
from cxlib import claims as claim_family
from cxlib import survey as survey_analysis
from cxlib.client import Client
from cxlib.metrics import Comparison
from cxlib.phrases import KIND_ORDER, METRIC_NAMES  # noqa: F401 - METRIC_NAMES is read as diagnosis.METRIC_NAMES too
from cxlib.spc_claims import chart_claims
from cxlib.topic_claims import critics_topics, topic_claims, with_comment_topics
from cxlib.wording import Numbers

TOP_PAIN_POINTS = 3
TOP_COMMENT_TOPICS = 2
TOP_SCORECARD_ITEMS = 3


@dataclass
class Diagnosis:
    """What the chapters found, for one client.

    Attributes
    ----------
    lifecycle, scorecard : result objects or None
        None when the client did not supply the file the chapter needs. The
        scorecard's "worsening" flags are judged within the family of claims.
    pain_points : DataFrame
        The journey's ranked pain points (empty without ``journey.csv``).
    metrics : DataFrame
        NPS, CSAT, CSI and CES (those the survey has answers to) over the
        headline periods (``period``): the latest, pooled with the one before
        when it holds too few answers (see ``notes``), with intervals.
    changes : DataFrame
        Every claim tested, one row each (:func:`cxlib.claims.family`):
        ``claim``, ``source``, ``metric``, ``by``, ``group``, ``kind``,
        ``from``, ``to``, values and n, ``diff`` with ``low``/``high``,
        ``vs_rest`` (a group's change minus the rest's) with its interval,
        ``p_own``, ``p_vs_rest``, ``p``, ``worse``, ``unit``, ``method``,
        ``p_adjusted`` (Holm over the whole family) and ``significant``; and,
        for tables written before the family, ``channel`` (the channel, or
        "(all)" for a company-wide survey claim) and ``p_holm`` (= ``p_adjusted``).
    recommendations : DataFrame
        ``priority``, ``recommendation``, ``evidence``, ``chapter``, ``claims``
        (ids in ``changes`` the recommendation rests on, comma-separated).
    skipped : list of str
        What could not be computed, and why, one sentence each.
    notes : list of str
        Caveats on what was computed (a pooled headline period, the family's size), in the client's language.
    headline : list of str
        The periods the headline ``metrics`` cover.
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
    notes: list[str] = field(default_factory=list)
    headline: list[str] = field(default_factory=list)


CONTROL_METRICS = ("nps", "csat")  # the headline metrics charted month by month (cxlib.chapters.control)


def text(key: str, language: str, **values: Any) -> str:
    """A fixed text of the report in ``language``, with its placeholders filled."""
    return catalog.label(catalog.load("report")["texts"], language, key).format(**values)


def _percent(value: float) -> str:
    return f"{value:.0f}"


def _share(value: float, language: str) -> str:
    """A percentage as the evidence prints it, or the word for unknown (a blank count in the client's file)."""
    return journey.word("unknown", language) if pd.isna(value) else f"{value:.0f}%"


def _interval(low: float, high: float) -> str:
    """`` [low–high]`` in percent, or nothing when the interval is unknown."""
    return "" if pd.isna(low) or pd.isna(high) else f" [{low:.0f}–{high:.0f}]"


def _rules(language: str) -> dict[str, dict[str, str]]:
    return {rule["rule"]: {"text": catalog.label(rule, language, "text"),
                           "evidence": catalog.label(rule, language, "evidence"), "chapter": rule["chapter"]}
            for rule in catalog.load("report")["recommendations"]}


def _number(value: float, unit: str) -> str:
    """A signed difference as the evidence prints it: whole points, or two decimals on an answer scale."""
    return f"{value:+.2f}" if str(unit).startswith("mean") else f"{value:+.0f}"


def _amount(value: float, unit: str, language: str) -> str:
    """A signed difference with its unit, in the client's language."""
    unit = str(unit)
    if unit == "points":
        return text("unit_points", language, value=_number(value, unit))
    if unit == "%":
        return text("unit_percent", language, value=_number(value, unit))
    if unit.startswith("mean "):
        return text("unit_scale", language, value=_number(value, unit), scale=unit[5:].split(",")[0])
    return f"{_number(value, unit)} {unit}".strip()


def _p(p: float, language: str) -> str:
    """An adjusted p-value after "p": ``= 0.012`` or ``< 0.001`` (never e-notation), in the client's language."""
    written = Numbers(language).p_value(p)
    return written if written.startswith("<") else f"= {written}"


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


def _change_recommendations(table: pd.DataFrame, language: str) -> list[tuple[str, dict[str, Any], dict[str, Any],
                                                                              list[str]]]:
    """The survey's significant changes for the worse, one recommendation per place (company-wide or a group).

    A company-wide change is left to the groups when a named group changed
    the same way in the same comparison: the group is where it happened.
    Each place leads with its most specific claim (period-on-period before
    first-to-last before trend, then the smallest adjusted p) and lists the
    other metrics that changed for the worse there.
    """
    stated = table[(table["source"] == "survey") & table["significant"] & (table["worse"].fillna(False) == True)]  # noqa: E712
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
        evidence = {"metric": metric, "diff": _amount(lead["diff"], unit, language), "from_": lead["from"],
                    "to": lead["to"], "low": _number(lead["low"], unit), "high": _number(lead["high"], unit),
                    "kind": text(kind, language), "p": _p(lead["p_adjusted"], language), "tested": tested,
                    "also": text("also", language, metrics=", ".join(others)) if others else ""}
        ids = list(part["claim"])
        if by == "":
            out.append(("company_change", {"when": when}, evidence, ids))
            continue
        where_key = {"channel": "where_channel", "segment": "where_segment"}.get(by, "where_other")
        evidence["rest"] = text("against_rest", language, diff=_amount(lead["vs_rest"], unit, language),
                                low=_number(lead["vs_rest_low"], unit), high=_number(lead["vs_rest_high"], unit))
        out.append(("group_change", {"where": text(where_key, language, group=group, by=by), "when": when},
                    evidence, ids))
    return out


def _comment_recommendations(raised: pd.DataFrame, tested: int, language: str) -> list[
        tuple[str, dict[str, Any], dict[str, Any], list[str]]]:
    """One recommendation for each of the largest significant critics' topics (:data:`TOP_COMMENT_TOPICS`)."""
    stages = journey.stage_names(language)
    out = []
    for _, row in raised.head(TOP_COMMENT_TOPICS).iterrows():
        rule = "comment_topic_nps" if row["from"] == "detractors" else "comment_topic_csat"
        values = {"topic": row["group"], "stage": stages.get(row["stage"], row["stage"])}
        evidence = {"a": _percent(row["value_from"]), "b": _percent(row["value_to"]),
                    "diff": _number(row["diff"], "%"), "low": _number(row["low"], "%"),
                    "high": _number(row["high"], "%"), "p": _p(row["p_adjusted"], language),
                    "tested": tested}
        out.append((rule, values, evidence, [row["claim"]]))
    return out


def diagnose(client: Client, *, level: float = 0.95) -> Diagnosis:
    """Run every chapter's analysis the client's files allow, and derive the recommendations.

    Parameters
    ----------
    client : Client
        From :func:`cxlib.load_client`; survey rows or counts only
        (``client.answers`` either way).
    level : float
        Confidence level of every interval; the family of claims is
        controlled at ``1 − level``.

    Returns
    -------
    Diagnosis
        ``changes`` holds every claim tested; ``skipped`` says, one sentence
        each, what could not be computed; ``notes`` what was computed with a
        caveat (a thin latest period pooled for the headline).
    """
    language = client.language
    rules = _rules(language)
    recommendations: list[dict[str, str]] = []
    skipped: list[str] = []

    def recommend(rule: str, values: dict[str, Any], evidence: dict[str, Any] | None = None,
                  cited: list[str] | None = None) -> None:
        entry = rules[rule]
        recommendations.append({"recommendation": entry["text"].format(**values),
                                "evidence": entry["evidence"].format(**(evidence or values)),
                                "chapter": entry["chapter"], "claims": ", ".join(cited or []), "rule": rule})

    survey = client.answers  # rows, or the counts of a client who gave counts only
    periods = list(client.periods)
    scales = client.config["scales"]

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
            unknown = journey.word("unknown", language)
            recommend("pain_point", {"touchpoint": row["name"], "stage": names[row["stage"]]},
                      {"satisfied": _share(row["satisfied"], language),
                       "interval": _interval(row["satisfied_low"], row["satisfied_high"]),
                       "effort": _share(row["high_effort"], language), "moved": _share(row["moved_on"], language),
                       "priority": unknown if pd.isna(row["priority"]) else _percent(row["priority"]),
                       "rank": unknown if pd.isna(row["rank"]) else int(row["rank"])})
        late = measured[(measured["delays"] >= 20) & (measured["announced_high"] < 50)]
        for _, row in late.iterrows():
            recommend("announce_delays", {"touchpoint": row["name"]},
                      {"announced": _share(row["announced"], language),
                       "interval": _interval(row["announced_low"], row["announced_high"]),
                       "delays": int(row["delays"]), "kept": _share(row["promises_kept"], language)})
    else:
        skipped.append("customer journey: journey.csv not supplied")

    # the survey's metrics: those it has answers to, over the headline periods
    answers = claim_family.long_counts(survey, by=()).groupby("question")["n"].sum()
    present = [m for m in claim_family.METRICS if answers.get(m, 0) > 0]
    skipped += [text("no_answers", language, metric=METRIC_NAMES[m]) for m in claim_family.METRICS if m not in present]
    headline, notes = _headline(survey, periods, language)
    latest = survey[survey["period"].isin(headline)] if headline else survey
    metrics = survey_analysis.summarize(latest, metrics=present, level=level, scales=scales) if present \
        else pd.DataFrame(columns=["metric", "value", "low", "high", "n", "level", "method", "se", "unit", "missing"])
    metrics.insert(0, "period", headline[0] if len(headline) == 1 else "–".join([headline[0], headline[-1]])
                   if headline else "")

    # the survey's changes, tested but not yet adjusted
    found = claim_family.collect(survey, present, periods=periods, scales=scales, level=level)
    if len(periods) < 2:
        skipped.append(text("one_period", language))
    elif len(periods) < claim_family.MIN_PERIODS:
        skipped.append(text("few_periods", language, needed=claim_family.MIN_PERIODS, count=len(periods)))
    if len(periods) >= 2 and present:
        skipped += _groupings(survey, language)
    untested = int(found["p"].isna().sum())
    if untested:
        skipped.append(text("untested", language, count=untested, total=len(found)))
    extra: list[dict[str, Any]] = []

    loop = survey_analysis.closed_loop(survey, by=None, level=level) if client.has_rows else pd.DataFrame()
    if not client.has_rows:
        skipped.append("reasons, closed loop, loyalty and value: they need one row per response (survey.csv)")

    loyalty, value = pd.DataFrame(), None
    if len(client.customers) and client.has_rows and "nps" in present:
        loyalty = survey_analysis.loyalty_matrix(survey, client.customers, level=level)
        value = survey_analysis.value_tiers(survey, client.customers, level=level)
        extra.append(_difference_claim(value[0], source="customers", metric="nps", by="value tier",
                                       group="top 20%", worse=bool(value[0].diff < 0), unit="points"))
    elif not len(client.customers):
        skipped.append("loyalty and value: customers.csv not supplied")

    card, gap = None, None
    if len(client.scorecard) or len(survey):
        card = scorecard.assess(client.scorecard, survey, client.customers, client.config,
                                mystery_shopping=client.mystery_shopping, level=level, language=language)
        if "self_assessed_superior_service" in set(card.table["metric"]):
            try:
                gap = scorecard.delivery_gap(card.table, survey, level=level)
            except ValueError as error:
                skipped.append(f"delivery gap: {error}")
            else:
                extra.append(_difference_claim(gap, source="scorecard", metric="superior service", by="",
                                               group="managers against customers", worse=bool(gap.diff > 0),
                                               unit="%"))
        trend_rows = scorecard.trend_claims(card.trends)
        if len(trend_rows):
            extra += trend_rows.to_dict("records")

    if client.has_rows:  # what customers write: each topic's share among detractors against promoters
        comments = topic_claims(survey, client.config, language, level)
        if len(comments):
            extra += comments.to_dict("records")

    if client.has_rows and survey["date"].notna().any():  # control charts: each month, and the level's patterns
        for metric in (m for m in CONTROL_METRICS if m in present):
            chart = spc.control_chart(client.answers, metric, "month", scales=scales, language=language)
            rows = chart_claims(chart)
            if len(rows):
                extra += rows.to_dict("records")

    # one family: every claim the report may state, adjusted together
    table = pd.concat([found, pd.DataFrame(extra).reindex(columns=claim_family.COLUMNS)], ignore_index=True) \
        if extra else found
    table = claim_family.adjust(table, level=level, weights=_weights(table))
    tested = table.attrs["tested"]
    if tested:
        notes.append(text("family", language, tested=tested, alpha=f"{1 - level:.0%}"))
    ids = {(row["source"], row["metric"], row["kind"], row["group"]): row["claim"] for _, row in
           table[table["source"] != "survey"].iterrows()}
    if card is not None:
        card = scorecard.rejudge(card, table, client.config, level=level, language=language)

    for rule, values, evidence, cited in _change_recommendations(table, language):
        recommend(rule, values, evidence, cited)

    if client.has_rows:  # the critics' topics: evidence beside the pain points of their stage, and actions
        raised = critics_topics(table, voice.topics_for(client.config, language))
        pain_points = with_comment_topics(pain_points, raised)
        for rule, values, evidence, cited in _comment_recommendations(raised, tested, language):
            recommend(rule, values, evidence, cited)

    if len(loop) and loop.iloc[0]["low_scores"] and loop.iloc[0]["high"] < 50:
        row = loop.iloc[0]
        recommend("closed_loop", {}, {"share": _percent(row["share"]), "low": _percent(row["low"]),
                                      "high": _percent(row["high"]), "n": int(row["low_scores"] - row["untimed"]),
                                      "hours": f"{row['median_hours']:.1f}"})

    if len(loyalty):
        hostages = loyalty.set_index("segment").loc["hostages"]
        if hostages["revenue_share"] > hostages["share"]:
            recommend("hostages", {}, {"share": _percent(hostages["share"]),
                                       "revenue": _percent(hostages["revenue_share"])})
    if value is not None:
        comparison, revenue_share = value
        claim = ids.get(("customers", "nps", "difference", "top 20%"))
        if claim and table.set_index("claim").loc[claim, "significant"] and comparison.diff < 0:
            recommend("top_customers", {}, {"top": 20, "revenue": _percent(revenue_share),
                                            "diff": f"{comparison.diff:+.0f}", "low": f"{comparison.low:+.0f}",
                                            "high": f"{comparison.high:+.0f}"}, [claim])

    if card is not None:
        level_names = scorecard.levels(language)["name"]
        known = scorecard.metric_catalog(language, client.config.get("overrides"))
        off_track = card.off_track()
        behind = off_track[(off_track["status"] == "behind") & off_track.index.isin(known.index)]
        for metric, row in behind.head(TOP_SCORECARD_ITEMS).iterrows():
            trend = ""
            if row["worsening"]:
                trend = text("worsening_descriptive" if row["basis"] == "descriptive" else "worsening", language)
            cited = card.trends.loc[metric, "claim"] if metric in card.trends.index else ""
            recommend("scorecard", {"metric": row["name"], "improvement": known.loc[metric, "improvement"]},
                      {"level": level_names[row["level"]], "value": scorecard.format_value(row["value"], row["unit"]),
                       "target": scorecard.format_value(row["target"], row["unit"]), "trend": trend},
                      [cited] if row["worsening"] and cited else [])
        claim = ids.get(("scorecard", "superior service", "difference", "managers against customers"))
        if gap is not None and claim and table.set_index("claim").loc[claim, "significant"] and gap.diff > 0:
            recommend("delivery_gap", {}, {"company": _percent(gap.a.value), "customers": _percent(gap.b.value),
                                           "gap": _percent(gap.diff), "low": _percent(gap.low),
                                           "high": _percent(gap.high)}, [claim])

    recommended = pd.DataFrame(recommendations, columns=["recommendation", "evidence", "chapter", "claims", "rule"])
    order = {rule: position for position, rule in enumerate(rules)}  # the catalogue lists the rules in priority order
    recommended = recommended.sort_values("rule", key=lambda column: column.map(order), kind="stable")
    recommended.insert(0, "priority", range(1, len(recommended) + 1))
    return Diagnosis(client.name, language, periods, stage_result, card, pain_points, metrics, _claim_table(table),
                     loop, loyalty, value, recommended.drop(columns="rule"), skipped, notes, headline)
