"""The report's lifecycle chapter: the company's place on Adizes' curve, how sure that is, and what it asks of service.

Built from :class:`cxlib.lifecycle.LifecycleResult` (``result.lifecycle``),
the same result the analyst reads in ``notebooks/01_lifecycle_stage.ipynb``.
The lead names the stage (or the transition, or the two stages the answers
hesitate between) in one sentence; an "insufficient" verdict names no stage,
and the chapter gives the kit's reason instead. Then: how clear the verdict
is (margin over the next stage, stability across resamples, the chance test,
who answered), the customer-service mandate and its owner for the stage(s)
named, the lifecycle curve with a small table of the leading stages' scores,
and the owner's, managers' and staff's views side by side. Every word comes
from ``cxlib/catalog/chapters/lifecycle.toml``; stage names, mandates and
owners from the lifecycle catalogue, in the client's language.

Examples
--------
>>> import cxlib
>>> from cxlib.chapters import lifecycle as chapter
>>> client = cxlib.load_client("data/demo")                              # doctest: +SKIP
>>> chapter.build(client, cxlib.diagnosis.diagnose(client)).lead         # doctest: +SKIP
"Motorline Service is at the Go-Go stage of Adizes' lifecycle, 28 points ahead of the next stage, Adolescence."
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from babel.lists import format_list

from cxlib import catalog, lifecycle
from cxlib.chapters import Bullets, Chapter, Column, Paragraph, Section, Table, figure
from cxlib.phrases import lower_first
from cxlib.wording import Numbers, Words

KEY = "lifecycle"
TOP_STAGES = 5      # the scores table shows the leading stages only; the chart shows all ten
ROLE_STAGES = 3     # stage columns in the table by role, beside the role and its leading stage
ROLES = ("owner", "manager", "staff")  # the roles the contract allows, in the order a reader expects them


def build(client: Any, result: Any) -> Chapter:
    """The lifecycle chapter for this client, or the one sentence saying why it cannot be written.

    Parameters
    ----------
    client : Client
        From :func:`cxlib.load_client`.
    result : Diagnosis
        From :func:`cxlib.diagnosis.diagnose` on that client.

    Examples
    --------
    >>> chapter = build(client, result)                                  # doctest: +SKIP
    >>> [section.heading for section in chapter.sections][:2]           # doctest: +SKIP
    ['How clear the verdict is', 'What customer service must do, and who owns it']
    """
    words = Words(f"chapters/{KEY}", client.language)
    stage = result.lifecycle
    if stage is None or not len(client.lifecycle):
        # the catalogue's sentence, not client.lacks(): that one names the file, and a reader needs no file names
        return Chapter(KEY, words("title"), unavailable=words("unavailable"))
    numbers = Numbers(client.language)
    sections = [_clarity(client, stage, words, numbers), _mandate(stage, words),
                _scores(stage, words, numbers)]
    roles = _roles(stage, words, numbers)
    if roles is not None:
        sections.append(roles)
    return Chapter(KEY, words("title"), lead=_lead(client, stage, words, numbers), sections=sections)


# --------------------------------------------------------------------------- small helpers


def _points(value: float, words: Words, numbers: Numbers) -> str:
    """``28 points`` / ``28 баллов`` on the 0–100 scale of the stage scores (plural of the rounded number)."""
    return words.plural("points", round(float(value)), n=numbers.number(value))


def _pair(stage: Any) -> tuple[str, str]:
    """The two stages a transition or an ambiguous verdict names: a transition in lifecycle order, else by score."""
    if stage.verdict == "transition":
        first, second = sorted([stage.stage, stage.runner_up], key=lambda key: stage.scores.loc[key, "order"])
        return first, second
    return stage.stage, stage.runner_up


def _settings(client: Any) -> dict[str, Any]:
    """The thresholds the verdict was judged by (the catalogue's, with the client's overrides)."""
    return lifecycle.settings(client.config)


def _counted(stage: Any) -> pd.DataFrame:
    """The respondents behind the figures: straight-liners are set aside from every one of them."""
    table = stage.respondents
    return table[~table["straight_liner"].astype(bool)] if len(table) else table


def _role_name(role: str, words: Words, kind: str = "role") -> str:
    """A role as a row label (``kind="role"``) or inside a sentence (``kind="role_in"``); unknown roles as given."""
    return words(f"{kind}_{role}") if role in ROLES else str(role).replace("_", " ")


def _role_order(roles: Any) -> list[str]:
    """Owner, managers, staff, then any other role by name."""
    return sorted(roles, key=lambda role: (ROLES.index(role) if role in ROLES else len(ROLES), str(role)))


# --------------------------------------------------------------------------- the parts


def _lead(client: Any, stage: Any, words: Words, numbers: Numbers) -> str:
    """The finding in one sentence: the stage, the transition, the two stages, or that none can be named."""
    if stage.insufficient:
        return words("lead_insufficient", company=client.name)
    if stage.verdict == "stage":
        if not stage.runner_up:
            return words("lead_stage_alone", company=client.name, stage=stage.name())
        return words("lead_stage", company=client.name, stage=stage.name(), runner_up=stage.name(stage.runner_up),
                     margin=_points(stage.margin, words, numbers))
    first, second = _pair(stage)
    key = "lead_transition" if stage.verdict == "transition" else "lead_ambiguous"
    return words(key, company=client.name, first=stage.name(first), second=stage.name(second),
                 margin=_points(stage.margin, words, numbers))


def _answered(stage: Any, words: Words, numbers: Numbers) -> list[str]:
    """Who answered, by role, and how many were set aside for answering every statement alike."""
    counted = _counted(stage)
    sentences = []
    if len(counted):
        per_role = counted["role"].value_counts()
        parts = [words.plural(f"count_{role}", int(per_role[role]), n=numbers.number(int(per_role[role])))
                 if role in ROLES else f"{_role_name(role, words)}: {numbers.number(int(per_role[role]))}"
                 for role in _role_order(per_role.index)]
        sentences.append(words("answered", roles=format_list(parts, locale=numbers.language),
                               n=numbers.number(len(counted))))
    if stage.straight_liners:
        count = len(stage.straight_liners)
        sentences.append(words.plural("straight", count, n=numbers.number(count)))
    return sentences


def _clarity(client: Any, stage: Any, words: Words, numbers: Numbers) -> Section:
    """Margin, stability, the chance test and who answered; for an "insufficient" verdict, the kit's reason."""
    if stage.insufficient:
        # the kit's own sentence for the rule that failed; no stage is named, so no margin or stability either
        answered = _answered(stage, words, numbers)
        blocks: list[Any] = [Paragraph(stage.reason)] + ([Bullets(answered)] if answered else [])
        return Section(words("heading_insufficient"), blocks)
    heading = words("heading_clarity")
    settings = _settings(client)
    clear = _points(100 * settings["clear_margin"], words, numbers)
    items = []
    if stage.verdict == "stage" and stage.runner_up:
        items.append(words("margin_stage", runner_up=stage.name(stage.runner_up),
                           margin=_points(stage.margin, words, numbers), clear=clear))
    elif stage.verdict != "stage":
        first, second = _pair(stage)
        lead = stage.rules.loc["margin", "value"] if "margin" in stage.rules.index else float("nan")
        items.append(words("margin_pair", first=stage.name(first), second=stage.name(second),
                           margin=_points(stage.margin, words, numbers), clear=clear,
                           lead=_points(lead, words, numbers) if pd.notna(lead) else "–"))
    share = stage.stability if stage.verdict == "stage" else stage.support
    if pd.notna(share):
        key = "stability_stage" if stage.verdict == "stage" else "stability_pair"
        items.append(words(key, stage=stage.name(), share=numbers.percent(100 * share),
                           resamples=numbers.number(settings["resamples"]),
                           min=numbers.percent(100 * settings["min_stability"])))
    if pd.notna(stage.p_value):
        items.append(words("chance", p=numbers.p_value(stage.p_value), max=numbers.number(settings["max_p_value"], 2)))
    return Section(heading, [Bullets(items + _answered(stage, words, numbers))])


def _mandate(stage: Any, words: Words) -> Section:
    """The customer-service mandate and its owner for each stage the verdict names; none without a stage."""
    heading = words("heading_mandate")
    mandate = stage.mandate()
    if stage.insufficient or not len(mandate):
        return Section(heading, [Paragraph(words("no_verdict"))])
    own = {row["key"]: row["source"] for row in catalog.lifecycle_stages()}
    blocks: list[Any] = []
    for key, row in mandate.iterrows():
        if len(mandate) > 1:
            blocks.append(Paragraph(words("at_stage", stage=row["name"])))
        items = [words("mandate", mandate=lower_first(row["mandate"])),
                 words("owner", owner=lower_first(row["owner"]))]
        blocks.append(Bullets(items))
        if own.get(key) != "000":  # "000" is the source article; anything else is the kit's own proposal
            blocks.append(Paragraph(words("kit_proposal"), small=True))
    return Section(heading, blocks)


def _scores_table(stage: Any, words: Words, numbers: Numbers) -> Table:
    """The leading stages' scores with their resampling interval, share of resamples won and respondents."""
    scored = stage.scores.dropna(subset=["score"]).sort_values("score", ascending=False)
    top = scored.head(TOP_STAGES)
    columns = [Column(words("column_stage")), Column(words("column_score"), numeric=True),
               Column(words("column_wins"), numeric=True), Column(words("column_scored"), numeric=True)]
    rows = [[str(row["name"]),
             f"{numbers.number(row['score'])} {numbers.interval(row['low'], row['high'])}".strip(),
             numbers.percent(100 * row["wins"]) if pd.notna(row["wins"]) else "–",
             numbers.number(int(row["respondents"]))] for _, row in top.iterrows()]
    key = "scores_caption_insufficient" if stage.insufficient else "scores_caption"
    caption = words(key, k=numbers.number(len(top)), total=numbers.number(len(stage.scores)))
    return Table(columns, rows, caption=caption, empty=words("scores_empty"))


def _scores(stage: Any, words: Words, numbers: Numbers) -> Section:
    """The lifecycle curve, highlighting the stage(s) the verdict names (none when insufficient), and the scores."""
    from cxlib import plots  # matplotlib only when a chart is drawn

    axes = plots.lifecycle_curve(stage, language=numbers.language)
    if stage.insufficient:
        caption, alt = words("figure_caption_insufficient"), words("figure_alt_insufficient")
    else:
        named = [stage.name()] if stage.verdict == "stage" else [stage.name(key) for key in _pair(stage)]
        caption = words("figure_caption" if stage.verdict == "stage" else "figure_caption_pair")
        alt = words("figure_alt", named=format_list(named, locale=numbers.language))
    return Section(words("heading_scores"), [figure(axes.figure, alt=alt, caption=caption),
                                              _scores_table(stage, words, numbers)])


def _roles(stage: Any, words: Words, numbers: Numbers) -> Section | None:
    """Stage scores by role (owner, managers, staff) beside each other, described and not tested; None for one role."""
    by_role = stage.by_role.dropna(how="all")
    if len(by_role) < 2:
        return None
    leading = list(stage.scores.dropna(subset=["score"]).sort_values("score", ascending=False).index[:ROLE_STAGES])
    per_role = _counted(stage)["role"].value_counts()
    columns = [Column(words("column_role")), Column(words("column_top"))]
    columns += [Column(str(stage.name(key)), numeric=True) for key in leading]
    rows = []
    for role in _role_order(by_role.index):
        scores = by_role.loc[role]
        top = stage.name(scores.idxmax()) if scores.notna().any() else "–"
        label = words("role_count", role=_role_name(role, words), n=numbers.number(int(per_role.get(role, 0))))
        rows.append([label, top,
                     *[numbers.number(scores.get(key, float("nan"))) for key in leading]])
    blocks: list[Any] = [Table(columns, rows, caption=words("roles_caption"))]
    named = by_role[stage.stage].dropna() if not stage.insufficient and stage.stage in by_role else pd.Series()
    if len(named) >= 2 and round(named.max()) != round(named.min()):
        high, low = named.idxmax(), named.idxmin()
        blocks.append(Paragraph(words("roles_spread", stage=stage.name(), high=_role_name(high, words, "role_in"),
                                      high_score=numbers.number(named[high]),
                                      low=_role_name(low, words, "role_in"), low_score=numbers.number(named[low]))))
    blocks.append(Paragraph(words("roles_note"), small=True))
    return Section(words("heading_roles"), blocks)
