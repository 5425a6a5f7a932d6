"""The report's customer-journey chapter: the five stages, where customers drop out, the pain points, the visits.

For an executive: one sentence with the main finding; the five stages and the funnel
(:func:`cxlib.journey.funnel`; an unknown rate is said as unknown, never as zero); the pain points
ranked by the kit's priority score (``result.pain_points``) with their satisfied share, interval and
n, importance (:func:`cxlib.journey.importance_performance`) and what customers say
(:func:`cxlib.journey.survey_links`); the journey map and the priority matrix; the mystery-shopping
scores when there are visits. The computations are :mod:`cxlib.journey`'s, as in
``notebooks/03_customer_journey.ipynb``; this module puts them in the words of
``cxlib/catalog/chapters/journey.toml``.

Examples
--------
>>> import cxlib
>>> from cxlib.diagnosis import diagnose
>>> client = cxlib.load_client("data/demo")                  # doctest: +SKIP
>>> chapter = build(client, diagnose(client))                # doctest: +SKIP
>>> chapter.title, [section.heading for section in chapter.sections]   # doctest: +SKIP
('Customer journey', ['Five stages and where customers drop out', 'Pain points to fix first', 'Mystery shopping'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from babel.lists import format_list

from cxlib import journey, plots
from cxlib.chapters import Bullets, Chapter, Column, Paragraph, Section, Table, figure
from cxlib.chapters import contacts as contacts_section
from cxlib.chapters.journey_words import KEY, _capital, _estimate, criterion_words, touchpoint_words
from cxlib.metrics import wilson_interval
from cxlib.wording import Numbers, Words, unbroken

MAX_ROWS = 10        # pain points in the table; the rest are counted in a line under it
WEAKEST_CHECKS = 3   # mystery-shopping checks named as the ones passed least often
VISIT = "(visit)"    # cxlib.journey.mystery_scores' row for whole visits


@dataclass(frozen=True)
class _Context:
    """What every part of the chapter needs: the client, its words and numbers, the confidence level."""

    client: Any
    words: Words
    numbers: Numbers
    level: float
    drivers: Any = None  # the diagnosis' key drivers (None when the survey rates no attribute)

    @property
    def level_text(self) -> str:
        return self.numbers.percent(100 * self.level)

    def plural(self, key: str, count: int) -> str:
        """``key`` in the form ``count`` takes, with the count written for the locale as ``{n}``."""
        return self.words.plural(key, count, n=self.numbers.number(count))

    def quoted(self, name: str) -> str:
        return self.words("quoted", name=name)

    def names(self, names: list[str]) -> str:
        """Names in a sentence: ``a, b and c`` (``«а», «б» и «в»`` in Russian)."""
        return format_list([self.quoted(name) for name in names], locale=self.numbers.language)


def _level(result: Any) -> float:
    """The confidence level the diagnosis used (its metrics carry it); 95% when it computed none."""
    return float(result.metrics["level"].iloc[0]) if "level" in result.metrics and len(result.metrics) else 0.95


def _named(context: _Context, table: pd.DataFrame) -> pd.DataFrame:
    """The table with its touchpoints in the client's words: ``said`` in a sentence, ``name`` in a table or chart.

    ``name`` is ``said`` capitalised. A touchpoint listed for two channels is told apart by its channel:
    ``booking (phone)``.
    """
    client = context.client
    said = [touchpoint_words(client, code) for code in table["touchpoint"]]
    if "channel" in table:
        twice = table["touchpoint"].duplicated(keep=False)
        said = [f"{words} ({client.label(channel)})" if double else words
                for words, channel, double in zip(said, table["channel"], twice, strict=True)]
    return table.assign(said=said, name=[_capital(words) for words in said])


# --------------------------------------------------------------------------- the funnel


def _biggest_drop(stages: pd.DataFrame) -> tuple[pd.Series | None, list[str]]:
    """The stage losing the largest share, and the stages whose rate interval overlaps its own (about as large)."""
    if not stages["biggest_drop"].any():
        return None, []
    big = stages[stages["biggest_drop"]].iloc[0]
    others = stages[stages["conversion"].notna() & ~stages["biggest_drop"]]
    ties = others[others["low"] <= big["high"]]
    return big, list(ties["name"])


def _drop_values(context: _Context, big: pd.Series) -> dict[str, str]:
    numbers = context.numbers
    return {"stage": context.quoted(big["name"]), "share": numbers.percent(big["conversion"]),
            "interval": numbers.interval(big["low"], big["high"]),
            "customers": context.plural("customers", int(big["counted"]))}


def _funnel_notes(context: _Context, stages: pd.DataFrame, measured: pd.DataFrame) -> list[str]:
    """What the funnel could not count: stages with no touchpoint, an unknown rate, or a rate on part of them."""
    words, notes = context.words, []
    present = set(measured["stage"])
    empty = [name for stage, name in stages["name"].items() if stage not in present]
    unknown = [name for stage, name in stages["name"].items() if stage in present
               and pd.isna(stages.loc[stage, "conversion"])]
    for key, names in (("stage_empty", empty), ("stage_unknown", unknown)):
        if names:
            notes.append(words.plural(key, len(names), stages=context.names(names)))
    for stage, row in stages[stages["conversion"].notna() & (stages["counted"] < stages["reached"])].iterrows():
        blind = measured.loc[(measured["stage"] == stage) & measured["moved_on"].isna(), "touchpoint"]
        notes.append(words("stage_partial", stage=context.quoted(row["name"]),
                           counted=context.numbers.number(int(row["counted"])),
                           reached=context.plural("customers", int(row["reached"])),
                           touchpoints=context.names([touchpoint_words(context.client, t) for t in blind])))
    return notes


def _stages_section(context: _Context, stages: pd.DataFrame, measured: pd.DataFrame) -> Section:
    """The five stages in order, the funnel chart and where customers drop out."""
    words, numbers = context.words, context.numbers
    intro = words.plural("stages_intro", len(measured), stages=" → ".join(stages["name"]),
                         n=numbers.number(len(measured)))
    blocks: list[Any] = [Paragraph(intro)]
    big, ties = _biggest_drop(stages)
    if big is not None:
        text = words("biggest_drop", **_drop_values(context, big))
        if ties:
            text += words.plural("drop_tie", len(ties), stages=context.names(ties))
        blocks.append(Paragraph(unbroken(text)))
    blocks += [Paragraph(note) for note in _funnel_notes(context, stages, measured)]
    items = [words("funnel_item", stage=name, share=numbers.percent(value) if pd.notna(value) else words("unknown"))
             for name, value in zip(stages["name"], stages["conversion"], strict=True)]
    ax = plots.funnel(stages, language=context.client.language)
    blocks.append(figure(ax.figure, words("funnel_alt", items="; ".join(items)),
                         words("funnel_caption", level=context.level_text)))
    return Section(words("stages_heading"), blocks)


# --------------------------------------------------------------------------- the pain points


def _importance(context: _Context, measured: pd.DataFrame) -> tuple[dict[str, str], str]:
    """Each touchpoint's NPS points at stake with its Wilson interval, and the sentence saying the rule (or why not).

    :func:`cxlib.journey.importance_performance` gives the points; they are a share of all NPS answers
    (detractors naming the touchpoint), so the interval is that share's.
    """
    client, numbers = context.client, context.numbers
    grid = journey.importance_performance(measured, client.answers, language=client.language,
                                          drivers=context.drivers)
    if grid.attrs.get("basis") == "drivers":  # shares of R², with the bootstrap interval where one attribute rates it
        cells = {code: "–" if pd.isna(share) else _estimate(numbers, share, low, high, percent=True)
                 for code, share, low, high in zip(grid["touchpoint"], grid["importance"], grid["importance_low"],
                                                   grid["importance_high"], strict=True)}
        return cells, grid.attrs["basis_note"]
    if grid.attrs.get("why"):
        return {}, context.words("importance_unknown", why=grid.attrs["why"])
    answered = int(client.answers["nps"].notna().sum())
    cells = {}
    for code, points in zip(grid["touchpoint"], grid["importance"], strict=True):
        low, high = wilson_interval(round(points * answered / 100), answered, context.level)
        cells[code] = _estimate(numbers, points, 100 * low, 100 * high)  # NPS points are whole, as NPS is
    return cells, context.words("importance_rule", n=numbers.number(answered))


def _reasons(context: _Context, links: pd.DataFrame) -> dict[str, str]:
    """What customers say at each touchpoint: the reason given most often there, and how many answers name it.

    ``links`` is :func:`cxlib.journey.survey_links`' table; its reason is the kit's words for a code it knows and
    the code itself otherwise, which the client's ``[reason_codes]`` then put in its words.
    """
    client = context.client
    cells = {}
    for _, row in links.iterrows():
        reason = client.label(row["reason"]) if row["reason"] else ""
        answers = context.plural("answers", int(row["answers"]))
        cells[row["touchpoint"]] = context.words("reason_cell", reason=reason, answers=answers) if reason \
            else answers
    return cells


def _pain_table(context: _Context, ranked: pd.DataFrame, measured: pd.DataFrame,
                links: pd.DataFrame) -> tuple[Table, str]:
    """The ranked pain points, at most :data:`MAX_ROWS`, and the sentence saying the importance rule."""
    words, numbers = context.words, context.numbers
    stage_names = journey.stage_names(context.client.language)
    importance, rule = _importance(context, measured)
    reasons = _reasons(context, links)
    columns = [Column(words("col_rank"), numeric=True), Column(words("col_touchpoint")), Column(words("col_stage")),
               Column(words("col_satisfied"), numeric=True), Column(words("col_importance"), numeric=True),
               Column(words("col_reason"))]
    commented = "comment_topics" in ranked and ranked["comment_topics"].astype(bool).any()
    if commented:  # only when the comments raised a topic at some stage: an all-dash column says nothing
        columns.append(Column(words("col_comments")))
    not_named = words("not_named") if reasons else "–"
    rows = []
    for _, row in ranked[ranked["rank"].notna()].head(MAX_ROWS).iterrows():  # ranked: satisfied and rated known
        satisfied = words("satisfied_cell", n=numbers.number(row["rated"]), share=_estimate(
            numbers, row["satisfied"], row["satisfied_low"], row["satisfied_high"], percent=True))
        rows.append([numbers.number(int(row["rank"])), row["name"], stage_names[row["stage"]], satisfied,
                     importance.get(row["touchpoint"], "–"), reasons.get(row["touchpoint"], not_named)]
                    + ([row["comment_topics"] or "–"] if commented else []))
    caption = words("pain_caption", level=context.level_text) + (" " + words("pain_caption_comments")
                                                                  if commented else "")
    table = Table(columns, rows, caption=caption,
                  empty=words("pain_empty"))
    return table, rule


def _pain_notes(context: _Context, ranked: pd.DataFrame) -> list[Paragraph]:
    """Lines under the table: the touchpoints left out for space, and those that could not be ranked."""
    ranks = ranked["rank"].notna()
    hidden = int(ranks.sum()) - MAX_ROWS
    notes = [Paragraph(context.plural("more_rows", hidden), small=True)] if hidden > 0 else []
    if (~ranks).any():
        notes.append(Paragraph(context.words("unranked", names=context.names(list(ranked.loc[~ranks, "said"]))),
                               small=True))
    return notes


def _pain_figures(context: _Context, ranked: pd.DataFrame, measured: pd.DataFrame) -> list[Any]:
    """The journey map, and the priority matrix when the company estimated the effort to fix."""
    words, numbers, language = context.words, context.numbers, context.client.language
    top = int(journey.priority_spec()["top"])
    items = [words("map_item", name=name, share=numbers.percent(value) if pd.notna(value) else words("unknown"))
             for name, value in zip(measured["name"], measured["satisfied"], strict=True)]
    ax = plots.journey_map(measured, ranked, top=top, language=language, label=context.client.label)
    blocks: list[Any] = [figure(ax.figure, words("map_alt", items="; ".join(items)),
                                words("map_caption", level=context.level_text))]
    effort = pd.to_numeric(ranked["fix_effort"], errors="coerce")
    if not (effort.notna() & ranked["priority"].notna()).any():
        return blocks + [Paragraph(words("no_effort"), small=True)]
    leaders = ranked[ranked["rank"].notna() & effort.notna()].head(top)
    items = [words("matrix_item", name=row["name"], priority=numbers.number(row["priority"]),
                   effort=numbers.number(row["fix_effort"])) for _, row in leaders.iterrows()]
    ax = plots.priority_matrix(ranked, top=top, language=language, label=context.client.label)
    return blocks + [figure(ax.figure, words("matrix_alt", items="; ".join(items)), words("matrix_caption"))]


def _pain_section(context: _Context, ranked: pd.DataFrame, measured: pd.DataFrame,
                  links: pd.DataFrame) -> Section:
    """The priority rule, the importance rule, the ranked table and the charts."""
    words = context.words
    rule = words("priority_rule")
    # the diagnosis ranks a counts-only survey without links, so its table carries no reason: the links say it
    why = ranked.attrs.get("why") or links.attrs.get("why", "")
    if why and ranked["detractor_share"].isna().all():
        rule += " " + words("priority_partial", why=why)
    table, importance_rule = _pain_table(context, ranked, measured, links)
    blocks: list[Any] = [Paragraph(rule), Paragraph(importance_rule), table, *_pain_notes(context, ranked)]
    return Section(words("pain_heading"), blocks + _pain_figures(context, ranked, measured))


# --------------------------------------------------------------------------- mystery shopping


def _check(context: _Context, row: pd.Series) -> dict[str, str]:
    """A checklist item in words: the check, its touchpoint, its pass rate with interval and n, the failures."""
    numbers = context.numbers
    failures = int(row["visits"]) - round(row["pass_rate"] * row["visits"] / 100)  # the rate is passed / applicable
    return {"criterion": context.words("criterion", name=criterion_words(context.client, row["criterion"])),
            "touchpoint": context.quoted(touchpoint_words(context.client, row["touchpoint"])),
            "visits": context.plural("visits", int(row["visits"])), "failed": numbers.number(failures),
            "share": numbers.percent(row["pass_rate"]), "interval": numbers.interval(row["low"], row["high"])}


def _checks(context: _Context, whole: pd.Series, criteria: pd.DataFrame) -> list[Any]:
    """The visits failed on a critical check and which checks failed, then the ordinary checks passed least often."""
    words, short = context.words, criteria["pass_rate"] < 100
    blocks: list[Any] = [Paragraph(words("critical_none"))]
    if whole["knockouts"]:
        blocks = [Paragraph(words("critical", failed=context.numbers.number(int(whole["knockouts"])),
                                  visits=context.plural("visits", int(whole["visits"])))),
                  Bullets([words("critical_item", **_check(context, row))
                           for _, row in criteria[criteria["critical"] & short].iterrows()])]
    weak = criteria[~criteria["critical"] & short].head(WEAKEST_CHECKS)
    if len(weak):
        blocks += [Paragraph(words("weakest")),
                   Bullets([unbroken(words("weakest_item", **_check(context, row))) for _, row in weak.iterrows()])]
    return blocks


def _mystery_section(context: _Context) -> Section:
    """The visits' average score with its interval, the score per touchpoint, the critical failures in words."""
    words, numbers, client = context.words, context.numbers, context.client
    if not len(client.mystery_shopping):
        return Section(words("mystery_heading"), [Paragraph(words("mystery_absent"), small=True)])
    scores = journey.mystery_scores(client.mystery_shopping, level=context.level)
    criteria = journey.mystery_criteria(client.mystery_shopping, level=context.level)
    whole = scores[scores["touchpoint"] == VISIT].iloc[0]
    summary = words.plural("mystery_score", int(whole["visits"]), n=numbers.number(int(whole["visits"])),
                           score=numbers.number(whole["score"]), interval=numbers.interval(whole["low"], whole["high"]))
    names = [words("whole_visit") if code == VISIT else _capital(touchpoint_words(client, code))
             for code in scores["touchpoint"]]
    rows = [[name, numbers.number(int(row["visits"])), _estimate(numbers, row["score"], row["low"], row["high"]),
             numbers.number(int(row["knockouts"]))] for name, (_, row) in zip(names, scores.iterrows(), strict=True)]
    columns = [Column(words("col_touchpoint")), Column(words("col_visits"), numeric=True),
               Column(words("col_score"), numeric=True), Column(words("col_knockouts"), numeric=True)]
    table = Table(columns, rows, caption=words("mystery_caption", level=context.level_text))
    blocks = [Paragraph(unbroken(summary)), table, *_checks(context, whole, criteria)]
    return Section(words("mystery_heading"), blocks)


# --------------------------------------------------------------------------- the chapter


def _lead(context: _Context, ranked: pd.DataFrame, stages: pd.DataFrame) -> str:
    """One sentence: the touchpoints to fix first, and the stage that loses the most customers when it is clear."""
    words = context.words
    leaders = ranked[ranked["rank"].notna()].head(int(journey.priority_spec()["top"]))
    fix = words.plural("fix", len(leaders), names=context.names(list(leaders["said"]))) if len(leaders) else ""
    big, ties = _biggest_drop(stages)
    drop = words("drop_lead", **_drop_values(context, big)) if big is not None and not ties else ""
    if fix and drop:
        return unbroken(words("lead_both", fix=fix, drop=drop))
    if fix or drop:
        return unbroken(words("lead_one", text=_capital(fix or drop)))
    return words("lead_none")


def build(client: Any, result: Any) -> Chapter:
    """The customer-journey chapter for this client, in its language.

    Parameters
    ----------
    client : Client
        From :func:`cxlib.load_client`.
    result : Diagnosis
        From :func:`cxlib.diagnosis.diagnose` on that client (its ``pain_points``).

    Returns
    -------
    Chapter
        ``unavailable`` says why when the client supplied no journey figures.

    Examples
    --------
    >>> client = cxlib.load_client("data/cases/tea_leaf")            # doctest: +SKIP
    >>> build(client, cxlib.diagnosis.diagnose(client)).lead          # doctest: +SKIP
    'The touchpoints to fix first are delivery, product pages, and unpacking; customers drop out most at …'
    """
    words = Words(f"chapters/{KEY}", client.language)
    if not len(client.journey):
        return Chapter(KEY, words("title"), unavailable=words("unavailable"))
    context = _Context(client, words, Numbers(client.language), _level(result), getattr(result, "drivers", None))
    measured = _named(context, journey.touchpoints(client.journey, level=context.level, language=client.language))
    links = journey.survey_links(client.survey, level=context.level, language=client.language)
    ranked = result.pain_points
    if not len(ranked):  # a diagnosis made without the journey: rank as diagnose() would have
        ranked = journey.priorities(measured, links if client.has_rows else None)
    ranked = _named(context, ranked)
    stages = journey.funnel(client.journey, level=context.level, language=client.language)
    sections = [_stages_section(context, stages, measured), _pain_section(context, ranked, measured, links),
                _mystery_section(context)]
    support = contacts_section.section(client, result)  # support contacts, where the client supplied them
    if support is not None:
        sections.append(support)
    return Chapter(KEY, words("title"), lead=_lead(context, ranked, stages), sections=sections)

