"""The report's chapter on the survey metrics: NPS, CSAT, CSI and CES, their changes, loyalty and the closed loop.

For each metric the survey supplies (NPS first): its value by period with interval and n, its intervals chart
(for NPS also the promoters, passives and detractors), and its channels and segments. Then every significant claim
of the report's one family (Holm over all of them) on these metrics, and how many were tested; loyalty; the closed
loop. The lead says the main finding, never more certain than its claim. The numbers come from :mod:`cxlib.survey`
and the diagnosis; this module only puts them into words (``cxlib/catalog/chapters/nps.toml``).

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                                  # doctest: +SKIP
>>> chapter = build(client, cxlib.diagnosis.diagnose(client))                # doctest: +SKIP
>>> chapter.lead                                                             # doctest: +SKIP
'In the phone channel, NPS fell by 35 points from Q3 2025 to Q4 2025 (95% interval: 20 to 50): …'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from babel.lists import format_list

from cxlib import claims as claim_family
from cxlib import plots
from cxlib import survey as survey_analysis
from cxlib.chapters import Chapter, Column, Figure, Paragraph, Section, Table, figure
from cxlib.chapters.control import control_sections
from cxlib.chapters.loyalty import closed_loop_section, loyalty_section
from cxlib.loyalty import top_percent
from cxlib.phrases import (
    METRIC_NAMES,
    amount,
    change_interval,
    decimals_for,
    first_to_act_on,
    from_preposition,
    scale_of,
)
from cxlib.summary import plural
from cxlib.wording import Numbers, Words, unbroken

KEY = "nps"
MAX_PERIODS = 8                         # periods a table or chart shows; more are cut to the latest, and said so
GROUPINGS = ("channel", "segment")
SOURCES = ("survey", "customers")       # the family's claims on these metrics; the scorecard's are in its chapter
CHART_SIZE = (5.4, 2.6)


@dataclass(frozen=True)
class _Context:
    """What every part of the chapter reads: the client, its diagnosis, its words and numbers, the level."""

    client: Any
    result: Any
    words: Words
    numbers: Numbers
    level: float
    level_text: str  # "95%", "95 %"
    language: str
    scales: dict

    def places(self, metric: str) -> int:
        """Decimals of a metric's value: two on an answer scale (CSI, CES), none for NPS and CSAT."""
        return 2 if metric in ("csi", "ces") else 0


def build(client: Any, result: Any) -> Chapter:
    """The chapter for this client: one section per survey metric, then the claims, loyalty and the closed loop.

    Parameters
    ----------
    client : Client
        From :func:`cxlib.load_client`.
    result : Diagnosis
        From :func:`cxlib.diagnosis.diagnose` on that client.

    Examples
    --------
    >>> chapter = build(client, result)                                      # doctest: +SKIP
    >>> [section.heading for section in chapter.sections][:2]                # doctest: +SKIP
    ['NPS: likelihood to recommend', 'CSAT: share of satisfied customers']
    """
    words = Words(f"chapters/{KEY}", client.language)
    metrics = [m for m in client.metrics if m in set(result.metrics["metric"])]
    if not metrics:
        names = format_list(list(METRIC_NAMES.values()), locale=client.language)
        return Chapter(KEY, words("title", metrics=names), unavailable=client.lacks("score") or "")
    level = float(result.metrics["level"].iloc[0])
    numbers = Numbers(client.language)
    ctx = _Context(client, result, words, numbers, level, numbers.percent(level * 100), client.language,
                   client.config["scales"])
    sections = [_metric_section(ctx, metric, first=i == 0) for i, metric in enumerate(metrics)]
    sections += control_sections(client, result)  # month by month: special causes, judged within the family
    sections += [_claims_section(ctx), loyalty_section(ctx), closed_loop_section(ctx)]
    title = words("title", metrics=format_list([METRIC_NAMES[m] for m in metrics], locale=client.language))
    answered = [m for m in metrics if _headline_row(ctx, m)["n"]]  # a question not asked lately cannot lead
    return Chapter(KEY, title, lead=unbroken(_lead(ctx, (answered or metrics)[0])), sections=sections)


# --------------------------------------------------------------------------- numbers in words


def _value(ctx: _Context, metric: str, value: float) -> str:
    """A metric's value: CSAT in percent, NPS in whole points, answer-scale means with two decimals."""
    return ctx.numbers.percent(value) if metric == "csat" else ctx.numbers.number(value, ctx.places(metric))


def _estimate(ctx: _Context, metric: str, value: float, low: float, high: float) -> str:
    """``24 (17–30)``: the value and its interval; a dash when unknown."""
    return f"{_value(ctx, metric, value)} {ctx.numbers.interval(low, high, ctx.places(metric))}".strip()


def _signed(ctx: _Context, value: float, decimals: int) -> str:
    """A change with its sign: ``+12``, ``−35``; a dash when unknown."""
    text = ctx.numbers.number(value, decimals)
    return f"+{text}" if not pd.isna(value) and round(float(value), decimals) > 0 else text


def _answers(ctx: _Context, n: float) -> str:
    return plural("answers", int(n), ctx.language, n=ctx.numbers.number(int(n)))


def _headline_period(ctx: _Context) -> str:
    return ctx.numbers.periods(list(ctx.result.headline) or list(ctx.client.periods[-1:]))


def _headline_row(ctx: _Context, metric: str) -> pd.Series:
    metrics = ctx.result.metrics
    return metrics[metrics["metric"] == metric].iloc[0]


# --------------------------------------------------------------------------- the claims this chapter reports


def _claims(ctx: _Context) -> pd.DataFrame:
    """The family's tested claims on the survey metrics and the customers (the scorecard's are its chapter's)."""
    table = ctx.result.changes
    if not len(table):
        return table
    return table[table["source"].isin(SOURCES) & pd.to_numeric(table["p"], errors="coerce").notna()]


def _stated(claims: pd.DataFrame) -> pd.DataFrame:
    return claims[claims["significant"].fillna(False).astype(bool)] if len(claims) else claims


def _top_share(ctx: _Context, claim: pd.Series) -> str:
    """``20%`` from the value-tier claim's group (``top 20%``)."""
    return ctx.numbers.percent(top_percent(claim["group"]))


def _claim_sentence(ctx: _Context, claim: pd.Series) -> str:
    """A significant claim as a clause: where, what moved which way by how much, between which periods."""
    words, numbers, unit = ctx.words, ctx.numbers, str(claim["unit"])
    interval = change_interval(claim["low"], claim["high"], unit, numbers, ctx.level_text)
    diff = float(claim["diff"])
    if claim["kind"] == "difference":
        return words("top_lower" if diff < 0 else "top_higher", top=_top_share(ctx, claim),
                     amount=amount(diff, unit, numbers), interval=interval)
    effort = ""
    if claim["metric"] == "ces":
        harder = not claim_family.higher_is_better("ces", ctx.scales)
        effort = words("more_effort" if (diff > 0) == harder else "less_effort")
    from_, to = numbers.period(claim["from"]), numbers.period(claim["to"])
    key = {"": "change_company", "channel": "change_channel", "segment": "change_segment"}.get(claim["by"],
                                                                                              "change_other")
    return words(key, metric=METRIC_NAMES[claim["metric"]], moved=words("rose" if diff > 0 else "fell"),
                 amount=amount(diff, unit, numbers), effort=effort, from_=from_, to=to,
                 from_prep=from_preposition(from_, ctx.language), interval=interval, by=claim["by"],
                 kind=words("kind_trend") if claim["kind"] == "trend" else "",
                 group=ctx.client.label(claim["group"]))


def _lead(ctx: _Context, metric: str) -> str:
    """The main finding in one sentence: the leading significant claim, or the headline value and that none is."""
    claims = _claims(ctx)
    stated = _stated(claims)
    mine = ctx.numbers.number(len(claims))
    if len(stated):
        key = "lead_single" if len(stated) == 1 else "lead_several"
        first = first_to_act_on(stated, list(ctx.client.periods))
        return ctx.words(key, finding=_claim_sentence(ctx, first), mine=mine, shown=ctx.numbers.number(len(stated)))
    key = "lead_steady" if len(claims) else "lead_untested"
    key += "_undated" if ctx.client.lacks("dates") else ""  # one period named "all answers": say no period
    if key == "lead_untested" and len(ctx.client.periods) > 1:  # periods enough, answers in them too few
        key = "lead_thin"
    return ctx.words(key, metric=METRIC_NAMES[metric], mine=mine, min=ctx.numbers.number(claim_family.MIN_ANSWERS),
                     **_now(ctx, metric))


def _now(ctx: _Context, metric: str) -> dict[str, str]:
    """The headline value of a metric, its interval, period and n, as words for a sentence."""
    row = _headline_row(ctx, metric)
    return {"period": _headline_period(ctx), "value": _value(ctx, metric, row["value"]),
            "interval": ctx.numbers.interval(row["low"], row["high"], ctx.places(metric)),
            "answers": _answers(ctx, row["n"])}


# --------------------------------------------------------------------------- one section per metric


def _heading(ctx: _Context, metric: str) -> str:
    key = f"heading_{metric}"
    if metric == "ces":
        key += "_easier" if claim_family.higher_is_better("ces", ctx.scales) else "_harder"
    return ctx.words(key, scale=scale_of(str(_headline_row(ctx, metric)["unit"])))


def _metric_section(ctx: _Context, metric: str, *, first: bool) -> Section:
    """A metric now, by period (table and charts), and by channel and segment; the pooling note in the first."""
    now = ctx.words("now" if _headline_row(ctx, metric)["n"] else "now_none", **_now(ctx, metric))
    now = f"{now[:1].upper()}{now[1:]} {_metric_changes(ctx, metric)}".strip()  # "все ответы: …" starts a sentence
    blocks: list[Any] = [Paragraph(unbroken(now))]
    if first and len(ctx.result.headline) > 1:
        blocks.append(Paragraph(_pooled_note(ctx), small=True))
    if ctx.client.lacks("periods"):
        blocks.append(Paragraph(ctx.client.lacks("periods"), small=True))
    else:
        blocks += _period_blocks(ctx, metric)
    blocks.append(_group_table(ctx, metric))
    return Section(_heading(ctx, metric), blocks)


def _metric_changes(ctx: _Context, metric: str) -> str:
    """Where this metric's significant changes are, or that none of its tested changes is significant."""
    claims = _claims(ctx)
    claims = claims[claims["metric"] == metric] if len(claims) else claims
    if len(_stated(claims)):
        return ctx.words("metric_changed", heading=ctx.words("claims_heading"))
    return ctx.words("metric_steady", count=ctx.numbers.number(len(claims))) if len(claims) else ""


def _pooled_note(ctx: _Context) -> str:
    """Why the headline pools the latest period with earlier ones (it holds too few answers on its own)."""
    headline = list(ctx.result.headline)
    answers = claim_family.answers_by_period(ctx.client.answers, ctx.client.periods)
    return ctx.words("pooled", latest=ctx.numbers.period(headline[-1]), answers=_answers(ctx, answers[headline[-1]]),
                     periods=ctx.numbers.periods(headline), total=_answers(ctx, answers[headline].sum()))


def _period_blocks(ctx: _Context, metric: str) -> list[Any]:
    """The metric by period: a table, the intervals chart and, for NPS, the composition chart."""
    periods = list(ctx.client.periods)
    shown = periods[-MAX_PERIODS:]
    answers = ctx.client.answers[ctx.client.answers["period"].isin(shown)]
    table = survey_analysis.summarize(answers, by="period", metrics=[metric], level=ctx.level, scales=ctx.scales)
    name, level = METRIC_NAMES[metric], ctx.level_text
    rows = [[ctx.numbers.period(r["period"]), _estimate(ctx, metric, r["value"], r["low"], r["high"]),
             ctx.numbers.number(int(r["n"]))] for _, r in table.iterrows()]
    columns = [Column(ctx.words("col_period")), Column(ctx.words("col_estimate", metric=name, level=level), True),
               Column(ctx.words("col_answers"), True)]
    blocks: list[Any] = []
    if len(shown) < len(periods):
        blocks.append(Paragraph(ctx.words("periods_cut", shown=ctx.numbers.number(len(shown)),
                                          total=ctx.numbers.number(len(periods))), small=True))
    blocks.append(Table(columns, [[unbroken(cell) for cell in r] for r in rows],
                        caption=ctx.words("caption_periods", metric=name, level=level)))
    blocks.append(_intervals_chart(ctx, metric, table))
    if metric == "nps":
        blocks.append(_composition_chart(ctx, answers))
    return blocks


def _intervals_chart(ctx: _Context, metric: str, table: pd.DataFrame) -> Figure:
    """:func:`cxlib.plots.intervals` by period, the periods in the client's words and the axis in its language."""
    name = METRIC_NAMES[metric]
    table = table.assign(period=table["period"].map(ctx.numbers.period))
    fig, ax = plt.subplots(figsize=CHART_SIZE)
    plots.intervals(table, x="period", language=ctx.language, ax=ax)
    unit = str(table["unit"].iloc[0])
    if ax.get_ylabel() == unit:  # a chart that labels the axis with the kit's unit code gets the client's words
        ax.set_ylabel(ctx.words("axis_mean", metric=name, scale=scale_of(unit)))
    return figure(fig, alt=ctx.words("alt_intervals", metric=name),
                  caption=ctx.words("caption_intervals", metric=name, level=ctx.level_text))


def _composition_chart(ctx: _Context, answers: pd.DataFrame) -> Figure:
    """:func:`cxlib.plots.composition`: promoters, passives and detractors in each shown period."""
    table = survey_analysis.nps_composition(answers, by="period")
    table = table.assign(period=table["period"].map(ctx.numbers.period))
    fig, ax = plt.subplots(figsize=(CHART_SIZE[0], 0.9 + 0.45 * len(table)))
    plots.composition(table, by="period", language=ctx.language, ax=ax)
    return figure(fig, alt=ctx.words("alt_composition"), caption=ctx.words("caption_composition"))


def _group_table(ctx: _Context, metric: str) -> Table:
    """The metric by channel and by segment over the headline periods, each with its interval and n."""
    answers, headline = ctx.client.answers, list(ctx.result.headline)
    if headline:
        answers = answers[answers["period"].isin(headline)]
    rows = []
    for by in GROUPINGS:
        if ctx.client.lacks(by) or by not in answers:
            continue
        table = survey_analysis.summarize(answers, by=by, metrics=[metric], level=ctx.level, scales=ctx.scales)
        for _, r in table[table["n"] > 0].iterrows():
            rows.append([ctx.words(f"by_{by}"), ctx.client.label(r[by]),
                         unbroken(_estimate(ctx, metric, r["value"], r["low"], r["high"])),
                         ctx.numbers.number(int(r["n"]))])
    columns = [Column(ctx.words("col_by")), Column(ctx.words("col_group")),
               Column(ctx.words("col_estimate", metric=METRIC_NAMES[metric], level=ctx.level_text), True),
               Column(ctx.words("col_answers"), True)]
    empty = ctx.words("groups_none" if all(ctx.client.lacks(by) for by in GROUPINGS) else "groups_unanswered",
                      period=_headline_period(ctx))
    return Table(columns, rows, caption=ctx.words("caption_groups", period=_headline_period(ctx)), empty=empty)


# --------------------------------------------------------------------------- the significant claims


def _claims_section(ctx: _Context) -> Section:
    """Every significant claim on these metrics in a table, and in one sentence how many were tested."""
    claims, heading = _claims(ctx), ctx.words("claims_heading")
    if not len(claims):
        table = ctx.result.changes
        untested = len(table) and bool(table["source"].isin(SOURCES).any())  # listed, none with a test
        words = ctx.words("claims_untested", min=ctx.numbers.number(claim_family.MIN_ANSWERS)) if untested \
            else ctx.words("claims_none")
        return Section(heading, [Paragraph(ctx.client.lacks("periods") or words)])
    stated = _stated(claims)
    order = {metric: i for i, metric in enumerate(ctx.client.metrics)}
    stated = stated.assign(_metric=stated["metric"].map(order).fillna(len(order)), _company=stated["by"] != "",
                           _kind=stated["kind"].map({"period-on-period": 0, "first-to-last": 1, "trend": 2})
                           .fillna(3)).sort_values(["_metric", "_company", "_kind", "p_adjusted"])
    columns = [Column(ctx.words("col_what")), Column(ctx.words("col_when")), Column(ctx.words("col_values"), True),
               Column(ctx.words("col_change"), True), Column(ctx.words("col_p"), True)]
    rows = [[unbroken(cell) for cell in _claim_row(ctx, claim)] for _, claim in stated.iterrows()]
    table = Table(columns, rows, caption=ctx.words("claims_caption", level=ctx.level_text),
                  empty=ctx.words("claims_none"))
    key = {0: "claims_count_none", 1: "claims_count_single"}.get(len(stated), "claims_count_several")
    tested = int(pd.to_numeric(ctx.result.changes["p"], errors="coerce").notna().sum())
    count = ctx.words(key, tested=ctx.numbers.number(tested), mine=ctx.numbers.number(len(claims)),
                      shown=ctx.numbers.number(len(stated)))
    return Section(heading, [table, Paragraph(count)])


def _claim_row(ctx: _Context, claim: pd.Series) -> list[str]:
    """What changed (worse or better), when, from → to, the change with its interval, the adjusted p."""
    metric, words, numbers = claim["metric"], ctx.words, ctx.numbers
    decimals = decimals_for(str(claim["unit"]))
    name = METRIC_NAMES.get(metric, str(metric))
    if claim["kind"] == "difference":
        what = words("where_top", metric=name, top=_top_share(ctx, claim))
        when = words("when_latest")
        values = words("values_top", rest=_value(ctx, metric, claim["value_from"]),
                       top=_value(ctx, metric, claim["value_to"]))
    else:
        key = {"": "where_company", "channel": "where_channel", "segment": "where_segment"}.get(claim["by"],
                                                                                              "where_other")
        what = words(key, metric=name, group=ctx.client.label(claim["group"]), by=claim["by"])
        when = words("when_trend" if claim["kind"] == "trend" else "when_change",
                     from_=numbers.period(claim["from"]), to=numbers.period(claim["to"]))
        values = f"{_value(ctx, metric, claim['value_from'])} → {_value(ctx, metric, claim['value_to'])}"
    change = f"{_signed(ctx, claim['diff'], decimals)} {numbers.interval(claim['low'], claim['high'], decimals)}"
    what = words("worse" if bool(claim["worse"]) else "better", what=what)
    return [what, when, values, change.strip(), ctx.numbers.p_value(float(claim["p_adjusted"]))]
