"""The report's voice chapter: what customers write in the survey's comments, in topics along the journey.

:func:`build` reads the survey's free-text comments with :mod:`cxlib.voice`
(the catalogue's topics, ``cxlib/catalog/topics.toml``, with the client's own
from ``client.toml`` [topics]) and says, in the client's language:

* how many comments were read, and their share of the survey's answers;
* each topic's share of comments among detractors, passives and promoters
  (unsatisfied and satisfied customers when the survey has no NPS), with its
  interval and the number of comments of each group, and its journey stage;
* which topics the two ends of the scale mention significantly differently:
  :func:`cxlib.voice.topic_comparison`, one test per topic, Holm's correction
  over all of them as one family, their number said;
* two quotes for each top complaint topic, in the customer's own words and
  language, contact details masked by :mod:`cxlib.privacy` (through
  :func:`cxlib.voice.examples`);
* when the survey has reason codes, the codes whose comments do not say what
  the code says (:func:`cxlib.voice.reason_agreement`).

Without comments the chapter is unavailable, in one sentence. Every word comes
from ``cxlib/catalog/chapters/voice.toml``; numbers are written by
:class:`cxlib.wording.Numbers`.

Examples
--------
>>> import cxlib
>>> from cxlib.chapters import voice as chapter
>>> client = cxlib.load_client("data/demo")                                    # doctest: +SKIP
>>> chapter.build(client, cxlib.diagnosis.diagnose(client)).title              # doctest: +SKIP
'What customers say'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from babel.lists import format_list

from cxlib import journey, voice
from cxlib.chapters import Chapter, Column, Figure, Paragraph, Section, Table, figure
from cxlib.metrics import share
from cxlib.topic_claims import SOURCE
from cxlib.wording import Numbers, Words

KEY = "voice"
NO_GROUP = "__no_group__"   # a grouping column without values: topic_shares then gives "all comments" only
GROUP_WORDS = {"nps_group": ("detractors", "passives", "promoters"), "csat": ("unsatisfied", "satisfied")}
TOP_COMPLAINTS = 3          # topics quoted
QUOTES = 2                  # quotes per topic
QUOTE_LENGTH = 140          # characters; a longer quote is cut with an ellipsis
AGREEMENT = 90              # % of a reason's comments naming its own topic, below which the two disagree
MASKS = {"[phone]": "masked_phone", "[email]": "masked_email"}  # cxlib.privacy's placeholders, in words


@dataclass
class Reading:
    """The comments read and tagged, and what the chapter's sections share.

    ``groups`` are :mod:`cxlib.voice`'s labels of the groups compared (detractors … promoters), empty when the
    survey has neither NPS nor satisfaction answers; ``everyone`` is its label for all comments.
    """

    language: str
    words: Words
    numbers: Numbers
    level: float
    topics: list[dict[str, Any]]
    survey: pd.DataFrame
    tagged: pd.DataFrame
    shares: pd.DataFrame
    grouping: str
    groups: list[str]
    everyone: str

    def group(self, label: str, form: str = "") -> str:
        """A group's name in words: ``form`` ``""`` for a subject, ``"of"`` after a noun, ``"title"`` for a header."""
        key = GROUP_WORDS[self.grouping][self.groups.index(label)] if label in self.groups else "everyone"
        name = self.words(f"{key}_of" if form == "of" else key)
        return name[:1].upper() + name[1:] if form == "title" else name

    def comments(self, label: str) -> int:
        """How many comments the group wrote."""
        return int(self.shares.loc[self.shares["group"] == label, "comments"].iloc[0])

    def stage(self, key: str) -> str:
        """A topic's journey stage in words."""
        stage = next((t["stage"] for t in self.topics if t["key"] == key), "")
        return journey.stage_names(self.language).get(stage, "–")

    def estimate(self, key: str, label: str) -> str:
        """A topic's share of a group's comments with its interval, ``24 (17–30)``; a dash without comments."""
        row = self.shares[(self.shares["topic"] == key) & (self.shares["group"] == label)].iloc[0]
        if not row["comments"]:
            return "–"
        return f"{self.numbers.number(row['share'])} {_interval(row['low'], row['high'], self.numbers)}"


def _interval(low: float, high: float, numbers: Numbers) -> str:
    """A share's interval, ``(17–30)``; ``(0–0.3)`` rather than a zero-width ``(0–0)`` when the bounds round alike.

    Examples
    --------
    >>> _interval(17.4, 30.4, Numbers("en")), _interval(0.0, 0.32, Numbers("ru")), _interval(99.7, 100, Numbers("en"))
    ('(17–30)', '(0–0,3)', '(99.7–100)')
    """
    if numbers.number(low) != numbers.number(high):
        return numbers.interval(low, high)
    # a bound that is a whole number (0 or 100) keeps no decimals; the other gets one
    bounds = [numbers.number(b, 0 if round(b, 1) == round(b) else 1) for b in (low, high)]
    return Words("summary", numbers.language)("interval", low=bounds[0], high=bounds[1])


def build(client: Any, result: Any) -> Chapter:
    """The voice chapter for this client: comments into topics, who raises them, quotes, reason codes.

    Parameters
    ----------
    client : Client
        From :func:`cxlib.load_client`.
    result : Diagnosis
        From :func:`cxlib.diagnosis.diagnose` on that client (its confidence level is used).

    Examples
    --------
    >>> chapter = build(cxlib.load_client("data/cases/volga_bank"), result)      # doctest: +SKIP
    >>> chapter.title, [section.heading for section in chapter.sections][:1]      # doctest: +SKIP
    ('Что говорят клиенты', ['О чём пишут клиенты'])
    """
    words = Words(f"chapters/{KEY}", client.language)
    gap = client.lacks("rows", "comment")
    if gap:
        return Chapter(KEY, words("title"), unavailable=gap)
    reading = read(client, result)
    comparison = compare(reading, getattr(result, "changes", None))
    sections = [topics_section(reading), differences_section(reading, comparison),
                quotes_section(reading, comparison)]
    if not client.lacks("reason_code"):
        sections.append(reasons_section(client, reading))
    return Chapter(KEY, words("title"), lead=lead(client, reading), sections=[s for s in sections if s])


def _level(result: Any) -> float:
    """The diagnosis' confidence level (95% when it computed no metric)."""
    metrics = getattr(result, "metrics", None)
    if metrics is not None and "level" in metrics and len(metrics):
        return float(metrics["level"].iloc[0])
    return 0.95


def read(client: Any, result: Any) -> Reading:
    """Tag every non-blank comment with the client's topics and take each topic's share in each group."""
    language, survey = client.language, client.survey
    text = survey["comment"].astype(object).where(survey["comment"].notna(), "").astype(str).str.strip()
    commented = survey[text != ""]
    topics = voice.topics_for(client.config, language)
    tagged = voice.tag(commented["comment"], language="auto", topics=topics)  # each comment in its own language
    level = _level(result)
    scored = any(q in survey and bool(survey[q].notna().any()) for q in ("nps", "csat"))
    if scored:
        shares = voice.topic_shares(survey, tagged, by="nps_group", topics=topics, language=language, level=level)
    else:
        shares = voice.topic_shares(survey.assign(**{NO_GROUP: None}), tagged, by=NO_GROUP, topics=topics,
                                    language=language, level=level)
    order = list(dict.fromkeys(shares["group"]))  # topic_shares lists the groups in order, all comments last
    grouping = shares.attrs["by"] if scored else ""
    return Reading(language, Words(f"chapters/{KEY}", language), Numbers(language), level, topics, commented,
                   tagged, shares, grouping, order[:-1] if grouping else [], order[-1])


def compare(reading: Reading, family: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """A test per topic, the first group against the last (None without groups), judged within the report's family.

    ``family`` is the diagnosis' claims (:func:`cxlib.diagnosis.diagnose`'s ``changes``): a topic is significant
    when its claim there is, after Holm's adjustment over every claim of the report; ``attrs["family"]`` is the
    family's size. Without it (a chapter built on its own) the topics form a family by themselves.
    """
    if not reading.grouping or min(reading.comments(g) for g in (reading.groups[0], reading.groups[-1])) == 0:
        return None
    comparison = voice.topic_comparison(reading.survey, reading.tagged, topics=reading.topics,
                                        language=reading.language, level=reading.level)
    comparison.attrs["family"] = int(comparison["p_value"].notna().sum())
    if family is not None and len(family) and (family["source"] == SOURCE).any():
        claims = family[family["source"] == SOURCE].set_index("metric")
        comparison["p_holm"] = comparison["topic"].map(claims["p_adjusted"])
        comparison["significant"] = comparison["topic"].map(claims["significant"]).fillna(False).astype(bool)
        comparison["p_value"] = comparison["p_value"].where(comparison["topic"].isin(claims.index))
        comparison.attrs["family"] = int(family.attrs.get("tested", pd.to_numeric(family["p"], errors="coerce")
                                                          .notna().sum()))
    return comparison


def lead(client: Any, reading: Reading) -> str:
    """How many comments were read, of how many answers, in which languages, and how many a topic matched."""
    words, numbers = reading.words, reading.numbers
    answers, comments = len(client.survey), len(reading.survey)
    tagged = int(reading.tagged.any(axis=1).sum())
    written = reading.survey["comment"].map(voice.detect_language).value_counts()
    languages = ""
    if len(written) > 1:  # an English survey with Russian comments, or the other way round
        parts = [words(f"language_{code}", n=numbers.number(written[code])) for code in ("en", "ru") if code in written]
        languages = words("languages", parts=", ".join(parts))
    return words("lead", comments=numbers.number(comments),
                 answers=words.plural("answers", answers, n=numbers.number(answers)),
                 share=numbers.percent(100 * comments / answers), languages=languages,
                 tagged=numbers.number(tagged), tagged_share=numbers.percent(100 * tagged / comments))


def _ranked(reading: Reading) -> list[str]:
    """The topics some comment mentions, the most mentioned first."""
    everyone = reading.shares[(reading.shares["group"] == reading.everyone) & (reading.shares["mentions"] > 0)]
    return list(everyone.sort_values(["share", "name"], ascending=[False, True])["topic"])


def _names(reading: Reading, keys: list[str]) -> str:
    """Topic names in running text, each in quotation marks: many names hold an "and" of their own."""
    names = {t["key"]: t["name"] for t in reading.topics}
    return format_list([reading.words("topic_in_text", name=names[k]) for k in keys], locale=reading.language)


def topics_section(reading: Reading) -> Section:
    """Each topic's share of every group's comments, the topics nobody wrote about, and a chart of the two ends."""
    words, numbers = reading.words, reading.numbers
    level = numbers.percent(100 * reading.level)
    ranked = _ranked(reading)
    names = {t["key"]: t["name"] for t in reading.topics}
    every = [*reading.groups, reading.everyone]
    # numbers do not wrap: each group's number of comments goes in the caption, and the stages go with the quotes
    # (a stage column here squeezed the names on A4 until words broke)
    columns = [Column(words("topic_column"))]
    columns += [Column(words("group_column", group=reading.group(g, "title")), numeric=True) for g in every]
    counts = "; ".join(words("group_count", group=reading.group(g), n=numbers.number(reading.comments(g)))
                       for g in every)
    rows = [[names[k], *[reading.estimate(k, g) for g in every]] for k in ranked]
    blocks: list[Any] = [Paragraph(words("method", topics=numbers.number(len(reading.topics))), small=True),
                         Table(columns, rows, caption=words("topics_caption", level=level, counts=counts),
                               empty=words("nothing_tagged"))]
    silent = [t["key"] for t in reading.topics if t["key"] not in ranked]
    if ranked and silent:
        blocks.append(Paragraph(words("unmentioned", topics=_names(reading, silent))))
    if ranked and len(reading.groups) > 1:
        blocks.append(_chart(reading, ranked))
    return Section(words("topics_heading"), blocks)


def _chart(reading: Reading, ranked: list[str]) -> Figure:
    """The first and the last group's shares per topic with their intervals (:func:`cxlib.voice.chart`)."""
    words = reading.words
    a, b = reading.groups[0], reading.groups[-1]
    shown = reading.shares[reading.shares["group"].isin([a, b]) & reading.shares["topic"].isin(ranked)]
    shown = shown.assign(rank=shown["topic"].map(ranked.index)).sort_values(["rank", "group"], kind="stable")
    ax = voice.chart(shown, language=reading.language, title=words("chart_title", a=reading.group(a),
                                                                    b=reading.group(b)))
    level = reading.numbers.percent(100 * reading.level)
    return figure(ax.figure, alt=words("chart_alt", a=reading.group(a), b=reading.group(b),
                                                    a_of=reading.group(a, "of"), b_of=reading.group(b, "of")),
                  caption=words("chart_caption", level=level))


def _difference(row: pd.Series, reading: Reading) -> str:
    """``+29 (24–35)`` or ``−15 (−24 to −6)``, percentage points."""
    value = reading.numbers.number(row["diff"])
    sign = "+" if round(float(row["diff"])) > 0 else ""
    return f"{sign}{value} {reading.numbers.interval(row['low'], row['high'])}"


def differences_section(reading: Reading, comparison: pd.DataFrame | None) -> Section:
    """Which topics the two ends of the scale raise significantly differently, after Holm's correction."""
    words, numbers = reading.words, reading.numbers
    if not reading.grouping:
        return Section(words("no_groups_heading"), [Paragraph(words("no_groups"))])
    heading = words(f"differences_heading_{reading.grouping}")
    a, b = reading.groups[0], reading.groups[-1]
    if comparison is None:
        silent = a if reading.comments(a) == 0 else b
        return Section(heading, [Paragraph(words("group_silent", Group=reading.group(silent, "title")))])
    names = {"a": reading.group(a), "b": reading.group(b), "a_of": reading.group(a, "of"),
             "b_of": reading.group(b, "of")}
    tested, family = int(comparison["p_value"].notna().sum()), comparison.attrs["family"]
    alpha = numbers.percent(100 * (1 - reading.level))
    blocks: list[Any] = [Paragraph(words.plural("tested", tested, tested=numbers.number(tested), alpha=alpha,
                                                family=numbers.number(family), **names))]
    found = comparison[comparison["significant"].fillna(False).astype(bool)]
    # the first group's topics first, then the last group's, each the largest difference first
    found = pd.concat([found[found["diff"] > 0], found[found["diff"] <= 0].iloc[::-1]])
    for part, group, other in ((found[found["diff"] > 0], a, b), (found[found["diff"] < 0], b, a)):
        if len(part):
            blocks.append(Paragraph(words("more_often", Group=reading.group(group, "title"),
                                          other=reading.group(other), topics=_names(reading, list(part["topic"])))))
    if not len(found):
        blocks.append(Paragraph(words("none_significant", a=names["a"], b=names["b"])))
    elif len(_ranked(reading)) > len(found):  # the topics nobody mentions were said under the first table
        others = len(_ranked(reading)) - len(found)
        blocks.append(Paragraph(words.plural("others_same", others, n=numbers.number(others))))
    # no stage column: on A4 it would squeeze the topic's name; the quotes' table gives the complaints' stages
    columns = [Column(words("topic_column")),
               Column(reading.group(a, "title"), numeric=True), Column(reading.group(b, "title"), numeric=True),
               Column(words("difference_column"), numeric=True), Column(words("p_column"), numeric=True)]
    rows = [[row["name"], reading.estimate(row["topic"], a),
             reading.estimate(row["topic"], b), _difference(row, reading), reading.numbers.p_value(row["p_holm"])]
            for _, row in found.iterrows()]
    blocks.append(Table(columns, rows, caption=words("differences_caption", level=numbers.percent(100 * reading.level),
                                                     tested=numbers.number(family)),
                        empty=words("differences_empty")))
    return Section(heading, blocks)


def _complaints(reading: Reading, comparison: pd.DataFrame | None) -> tuple[list[str], str]:
    """The topics to quote and why: significant complaints, else the first group's commonest topics, else anyone's."""
    if comparison is None:
        return _ranked(reading)[:TOP_COMPLAINTS], "quotes_all"
    raised = comparison[comparison["significant"].fillna(False).astype(bool) & (comparison["diff"] > 0)]
    if len(raised):
        return list(raised["topic"].head(TOP_COMPLAINTS)), "quotes_significant"  # largest difference first
    shares = reading.shares
    first = shares[(shares["group"] == reading.groups[0]) & (shares["mentions"] > 0)]
    return list(first.sort_values(["share", "name"], ascending=[False, True])["topic"].head(TOP_COMPLAINTS)), \
        "quotes_most"


def quotes_section(reading: Reading, comparison: pd.DataFrame | None) -> Section:
    """Two quotes for each top complaint topic, from the critics' own comments when the survey has scores."""
    words = reading.words
    keys, basis = _complaints(reading, comparison)
    texts, tagged = reading.survey["comment"], reading.tagged
    if basis != "quotes_all":
        # the quotes come from the first group's comments (voice's own grouping, so they match the shares)
        labels, order, _ = voice._groups(reading.survey, "nps_group", reading.language)
        texts, tagged = texts[labels == order[0]], tagged[labels == order[0]]
    quotes = voice.examples(texts, tagged, n=QUOTES, topics=reading.topics, language=reading.language,
                            length=QUOTE_LENGTH)
    names = {t["key"]: t["name"] for t in reading.topics}
    rows = []
    for key in keys:
        for quote in quotes.loc[quotes["topic"] == key, "quote"]:
            for mask, word in MASKS.items():
                quote = quote.replace(mask, words(word))
            rows.append([names[key], reading.stage(key), words("quote", text=quote)])
    a, b = (reading.groups[0], reading.groups[-1]) if reading.groups else (reading.everyone, reading.everyone)
    intro = words(basis, a=reading.group(a), b=reading.group(b), a_of=reading.group(a, "of"))
    heading = words("quotes_heading" if basis != "quotes_all" else "quotes_heading_plain")
    columns = [Column(words("topic_column")), Column(words("stage_column")), Column(words("quote_column"))]
    return Section(heading, [Paragraph(intro), Table(columns, rows, empty=words("quotes_empty"))])


def _reason_row(row: pd.Series, client: Any, reading: Reading) -> list[str]:
    """One reason: its comments, how many name its own topic, and what they mention most besides."""
    words, numbers = reading.words, reading.numbers
    agree = words("no_topic")
    if pd.notna(row["expected"]):
        agree = f"{numbers.number(row['share'])} {_interval(row['low'], row['high'], numbers)}"
    said, said_share = "–", "–"
    if pd.notna(row["said_most"]):
        mentions = round(row["said_share"] * row["comments"] / 100)  # said_share is mentions / comments, in %
        estimate = share(int(mentions), int(row["comments"]), level=reading.level)
        said = row["said_most"]
        said_share = f"{numbers.number(estimate.value)} {_interval(estimate.low, estimate.high, numbers)}"
    return [client.label(row["reason"]), numbers.number(row["comments"]), agree, said, said_share]


def reasons_section(client: Any, reading: Reading) -> Section | None:
    """The reasons whose comments do not name the reason's own topic, and the reasons no topic matches."""
    words, numbers = reading.words, reading.numbers
    table = voice.reason_agreement(reading.survey, reading.tagged, topics=reading.topics, language=reading.language,
                                   config=client.config, level=reading.level)
    if not len(table):
        return None
    own = table["expected"].notna()
    disagree = table[own & (table["share"] < AGREEMENT)].sort_values(["share", "reason"])
    unmatched = table[~own].sort_values(["comments", "reason"], ascending=[False, True])
    shown = pd.concat([disagree, unmatched])
    threshold = numbers.percent(AGREEMENT)
    columns = [Column(words("reason_column")), Column(words("reason_comments_column"), numeric=True),
               Column(words("agree_column"), numeric=True), Column(words("said_column")),
               Column(words("said_share_column"), numeric=True)]
    blocks: list[Any] = []
    if len(shown):
        blocks.append(Paragraph(words("reasons_intro", threshold=threshold,
                                      level=numbers.percent(100 * reading.level))))
    rows = [_reason_row(row, client, reading) for _, row in shown.iterrows()]
    blocks.append(Table(columns, rows, empty=words("reasons_agree", threshold=threshold)))
    rest = int(own.sum()) - len(disagree)
    if len(shown) and rest:
        blocks.append(Paragraph(words.plural("reasons_rest", rest, n=numbers.number(rest), threshold=threshold)))
    return Section(words("reasons_heading"), blocks)
