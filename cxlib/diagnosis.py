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

import pandas as pd

from cxlib import actions, journey, lifecycle, loyalty, scorecard, spc, voice
from cxlib import claims as claim_family
from cxlib import components as service_components
from cxlib import contacts as support_contacts
from cxlib import drivers as key_driver_analysis
from cxlib import survey as survey_analysis
from cxlib.actions import TOP_COMMENT_TOPICS, TOP_PAIN_POINTS, TOP_SCORECARD_ITEMS, Action, text  # noqa: F401
from cxlib.client import Client
from cxlib.diagnosis_family import (  # noqa: F401 - _weights is read as diagnosis._weights too
    _claim_id,
    _claim_table,
    _difference_claim,
    _groupings,
    _headline,
    _weights,
)
from cxlib.driver_claims import default_outcome, from_table
from cxlib.metrics import Comparison
from cxlib.phrases import METRIC_NAMES  # noqa: F401 - read as diagnosis.METRIC_NAMES too
from cxlib.spc_claims import chart_claims
from cxlib.topic_claims import critics_topics, topic_claims, with_comment_topics


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
    components : ComponentsResult or None
        The four components' self-assessment (:func:`cxlib.components.assess`); None without ``components.csv``.
        Its manager–staff gaps are claims of the family.
    drivers : DataFrame or None
        The key drivers of the headline outcome (:func:`cxlib.drivers.key_drivers`; NPS, else CSAT, else CSI)
        when the survey rates attributes; each attribute's "key driver" claim is in the family. They are the
        journey's importance and impact when the ratings are placed at its touchpoints.
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
    components: Any = None
    drivers: pd.DataFrame | None = None


CONTROL_METRICS = ("nps", "csat")  # the headline metrics charted month by month (cxlib.chapters.control)
TOP_TIER = f"top {round(100 * loyalty.TOP_SHARE)}%"  # the claim's group, as the summary reads it back


@dataclass
class _Draft:
    """What the parts of :func:`diagnose` gather before the family is adjusted: actions, gaps and extra claims."""

    client: Client
    level: float
    actions: list[Action] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)  # every claim beyond the survey's own changes

    @property
    def language(self) -> str:
        return self.client.language

    def lacking(self, need: str) -> None:
        """Say, in the client's language, why what needs ``need`` (a file, rows) is skipped."""
        self.skipped.append(self.client.lacks(need) or need)

    def add_claims(self, rows: pd.DataFrame) -> None:
        if len(rows):
            self.claims += rows.to_dict("records")


def _lifecycle_part(draft: _Draft) -> Any:
    client = draft.client
    if not len(client.lifecycle):
        draft.lacking("lifecycle")
        return None
    stage_result = lifecycle.diagnose(client.lifecycle, client.config, language=draft.language)
    draft.actions += actions.mandate_actions(stage_result)
    return stage_result


def _drivers_part(draft: _Draft) -> pd.DataFrame | None:
    """The key drivers of the report's outcome; each attribute's claim joins the family. None when not computed."""
    outcome = default_outcome(draft.client)
    if outcome is None:
        return None
    try:
        table = key_driver_analysis.key_drivers(draft.client, outcome, level=draft.level)
    except key_driver_analysis.DriverError as error:
        if error.reason != "no_drivers":
            draft.skipped.append(str(error))
        return None
    draft.add_claims(from_table(table))
    return table


def _journey_part(draft: _Draft, drivers: pd.DataFrame | None) -> pd.DataFrame:
    client, level, language = draft.client, draft.level, draft.language
    if not len(client.journey):
        draft.lacking("journey")
        return pd.DataFrame()
    measured = journey.touchpoints(client.journey, level=level, language=language)
    links = journey.survey_links(client.survey, level=level, language=language) if client.has_rows else None
    pain_points = journey.priorities(measured, links, drivers=drivers, language=language)
    draft.actions += actions.journey_actions(pain_points, measured, language)
    return pain_points


def _survey_part(draft: _Draft) -> tuple[list[str], pd.DataFrame, pd.DataFrame, list[str], list[str]]:
    """The metrics the survey has answers to over the headline periods, and its changes (tested, not adjusted)."""
    client, level, language = draft.client, draft.level, draft.language
    survey, periods, scales = client.answers, list(client.periods), client.config["scales"]
    answers = claim_family.long_counts(survey, by=()).groupby("question")["n"].sum()
    present = [m for m in claim_family.METRICS if answers.get(m, 0) > 0]
    draft.skipped += [text("no_answers", language, metric=METRIC_NAMES[m])
                      for m in claim_family.METRICS if m not in present]
    headline, notes = _headline(survey, periods, language)
    latest = survey[survey["period"].isin(headline)] if headline else survey
    metrics = survey_analysis.summarize(latest, metrics=present, level=level, scales=scales) if present \
        else pd.DataFrame(columns=["metric", "value", "low", "high", "n", "level", "method", "se", "unit", "missing"])
    metrics.insert(0, "period", headline[0] if len(headline) == 1 else "–".join([headline[0], headline[-1]])
                   if headline else "")
    found = claim_family.collect(survey, present, periods=periods, scales=scales, level=level)
    if len(periods) < 2:
        draft.skipped.append(text("one_period", language))
    elif len(periods) < claim_family.MIN_PERIODS:
        draft.skipped.append(text("few_periods", language, needed=claim_family.MIN_PERIODS, count=len(periods)))
    if len(periods) >= 2 and present:
        draft.skipped += _groupings(survey, language)
    untested = int(found["p"].isna().sum())
    if untested:
        draft.skipped.append(text("untested", language, count=untested, total=len(found),
                                  min=claim_family.MIN_ANSWERS))
    return present, metrics, found, headline, notes


def _customers_part(draft: _Draft, present: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    """The closed loop, the loyalty matrix and the most valuable customers against the rest (a claim)."""
    client, level = draft.client, draft.level
    survey = client.answers
    loop = survey_analysis.closed_loop(survey, by=None, level=level) if client.has_rows else pd.DataFrame()
    if not client.has_rows:
        draft.skipped.append(text("no_rows", draft.language))
    matrix, value = pd.DataFrame(), None
    if len(client.customers) and client.has_rows and "nps" in present:
        matrix = loyalty.loyalty_matrix(survey, client.customers, level=level)
        value = loyalty.value_tiers(survey, client.customers, level=level)
        draft.claims.append(_difference_claim(value[0], source="customers", metric="nps", by="value tier",
                                              group=TOP_TIER, worse=bool(value[0].diff < 0), unit="points"))
    elif not len(client.customers):
        draft.lacking("customers")
    return loop, matrix, value


def _scorecard_part(draft: _Draft) -> tuple[Any, Any]:
    """The scorecard, its trends (claims) and the managers' view against the customers' (a claim)."""
    client, level = draft.client, draft.level
    survey = client.answers
    if not (len(client.scorecard) or len(survey)):
        return None, None
    card = scorecard.assess(client.scorecard, survey, client.customers, client.config,
                            mystery_shopping=client.mystery_shopping, level=level, language=draft.language,
                            contacts=client.contacts)
    gap = None
    if "self_assessed_superior_service" in set(card.table["metric"]):
        try:
            gap = scorecard.delivery_gap(card.table, survey, level=level)
        except ValueError as error:
            draft.skipped.append(f"delivery gap: {error}")
        else:
            draft.claims.append(_difference_claim(gap, source="scorecard", metric="superior service", by="",
                                                  group="managers against customers", worse=bool(gap.diff > 0),
                                                  unit="%"))
    draft.add_claims(scorecard.trend_claims(card.trends))
    return card, gap


def _more_claims(draft: _Draft, present: list[str]) -> None:
    """What customers write (topics by group) and the control charts' months and patterns, as claims."""
    client = draft.client
    if not client.has_rows:
        return
    draft.add_claims(topic_claims(client.answers, client.config, draft.language, draft.level))
    if client.answers["date"].notna().any():
        for metric in (m for m in CONTROL_METRICS if m in present):
            chart = spc.control_chart(client.answers, metric, "month", scales=client.config["scales"],
                                      language=draft.language)
            draft.add_claims(chart_claims(chart))


def _components_part(draft: _Draft) -> Any:
    """The four components' self-assessment; each manager–staff gap is a claim of the family."""
    client = draft.client
    if not len(client.components):
        return None
    result = service_components.assess(client.components, client.config, language=draft.language, level=draft.level)
    draft.add_claims(result.gaps)
    return result


def _contacts_part(draft: _Draft) -> None:
    """Survey NPS and CSAT by contact history (``contacts.csv``), as claims of the family."""
    client = draft.client
    if not len(client.contacts):
        draft.skipped.append(support_contacts.gap("no_contacts", draft.language))
        return
    survey = client.survey if client.has_rows else None
    draft.skipped += list(support_contacts.gaps(client.contacts, survey, draft.language).values())
    if survey is not None:
        draft.add_claims(support_contacts.history_claims(survey, client.contacts, level=draft.level))


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
    draft = _Draft(client, level)
    stage_result = _lifecycle_part(draft)
    key_table = _drivers_part(draft)
    pain_points = _journey_part(draft, key_table)
    present, metrics, found, headline, notes = _survey_part(draft)
    loop, loyalty, value = _customers_part(draft, present)
    card, gap = _scorecard_part(draft)
    parts = _components_part(draft)
    _contacts_part(draft)
    _more_claims(draft, present)

    # one family: every claim the report may state, adjusted together
    table = pd.concat([found, pd.DataFrame(draft.claims).reindex(columns=claim_family.COLUMNS)], ignore_index=True) \
        if draft.claims else found
    table = claim_family.adjust(table, level=level, weights=_weights(table))
    tested = table.attrs["tested"]
    if tested:
        notes.append(text("family", language, tested=tested, alpha=f"{1 - level:.0%}"))
    if card is not None:
        card = scorecard.rejudge(card, table, client.config, level=level, language=language)

    draft.actions += actions.change_actions(table, language)
    if client.has_rows:  # the critics' topics: evidence beside the pain points of their stage, and actions
        raised = critics_topics(table, voice.topics_for(client.config, language))
        pain_points = with_comment_topics(pain_points, raised)
        draft.actions += actions.comment_actions(raised, tested, language)
    draft.actions += actions.customer_actions(loop, loyalty, value, table,
                                              _claim_id(table, "customers", "nps", "difference", TOP_TIER))
    draft.actions += actions.driver_actions(table, key_table, tested, language)
    draft.actions += actions.component_actions(table, tested, language)
    if len(client.contacts):
        fcr = support_contacts.first_contact_resolution(client.contacts, level=level).iloc[0]
        written = "–" if pd.isna(fcr["value"]) else f"{fcr['value']:.0f}%{actions.interval(fcr['low'], fcr['high'])}"
        draft.actions += actions.contact_actions(table, written, tested, language)
    if card is not None:
        claim = _claim_id(table, "scorecard", "superior service", "difference", "managers against customers")
        draft.actions += actions.scorecard_actions(card, gap, table, claim, client.config, language)
    return Diagnosis(client.name, language, list(client.periods), stage_result, card, pain_points, metrics,
                     _claim_table(table), loop, loyalty, value, actions.written(draft.actions, language),
                     draft.skipped, notes, headline, parts, key_table)
