"""What customers say: survey comments tagged with topics along the journey, and what the topics mean.

The topics and their words are data (``cxlib/catalog/topics.toml``, English
and Russian), each tied to a journey stage; a client adds or changes them in
``client.toml`` [topics]. :func:`tag` marks every topic a comment mentions
(several at once), :func:`explain` shows the words behind each mark, and the
rest turn marks into findings with their uncertainty: shares among detractors
and promoters with Wilson intervals, their difference tested with Holm's
correction across topics, trends by period, quotes, the reason codes a comment
contradicts, and suggested new topics among the comments no topic matched.

Examples
--------
>>> from cxlib import voice
>>> voice.tag(["Waited an hour, but the staff were lovely", "Цены конские"], language="auto")[
...     ["waiting", "price_value"]]
   waiting  price_value
0     True        False
1    False         True
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cxlib import catalog
from cxlib.metrics import holm, share, share_diff
from cxlib.scales import nps_group
from cxlib.voice_discover import discover, examples
from cxlib.voice_match import Hit, Matcher, compile_topics, detect_language, normalise

__all__ = ["chart", "detect_language", "discover", "examples", "explain", "reason_agreement", "stages", "tag",
           "topic_comparison", "topic_shares", "topic_trend", "topics_for"]

_MATCHERS: dict[tuple[str, str], Matcher] = {}


def topics_for(config: dict[str, Any] | None = None, language: str = "en") -> list[dict[str, Any]]:
    """The catalogue's topics with the client's own from ``client.toml`` [topics] merged in.

    A client's ``[topics.<key>]`` changes a catalogue topic (``words_en`` and ``words_ru`` add words,
    ``not_words_en`` and ``not_words_ru`` drop them, ``stage``, ``name_en``, ``name_ru``, ``reasons`` replace)
    or adds a new one (``stage`` and words needed). Each topic gains ``name``, its label in ``language``.

    Raises
    ------
    ValueError
        When a client's topic names a stage that is not a journey stage.

    Examples
    --------
    >>> own = {"topics": {"food": {"not_words_en": ["tea"]}, "tea_range": {"stage": "evaluation",
    ...        "name_en": "Tea range", "words_en": ["oolong", "green tea*"]}}}
    >>> [t["name"] for t in topics_for(own)][-2:]
    ['Recommending and coming back', 'Tea range']
    """
    topics = copy.deepcopy(catalog.load("topics")["topics"])
    by_key = {topic["key"]: topic for topic in topics}
    stages = {stage["key"] for stage in catalog.journey_stages()}
    for key, own in ((config or {}).get("topics") or {}).items():
        if key not in by_key:
            by_key[key] = {"key": key, "stage": "", "name_en": key.replace("_", " "), "reasons": []}
            topics.append(by_key[key])
        topic = by_key[key]
        for lang in ("en", "ru"):
            dropped = {normalise(word) for word in own.get(f"not_words_{lang}", [])}
            kept = [word for word in topic.get(f"words_{lang}", []) if normalise(word) not in dropped]
            topic[f"words_{lang}"] = kept + list(own.get(f"words_{lang}", []))
        topic.update({field: own[field] for field in ("stage", "name_en", "name_ru", "reasons") if field in own})
        if topic["stage"] not in stages:
            raise ValueError(f"client.toml [topics.{key}]: stage {topic['stage']!r} is not one of "
                             f"{', '.join(sorted(stages))}")
    for topic in topics:
        topic["name"] = catalog.label(topic, language)
    return topics


def _matcher(topics: Sequence[dict[str, Any]], language: str) -> Matcher:
    """One compiled matcher per word lists and language, kept for the session."""
    lists = [(t["key"], t.get(f"words_{language}", []), t.get(f"except_{language}", [])) for t in topics]
    signature = (json.dumps(lists, ensure_ascii=False), language)
    if signature not in _MATCHERS:
        _MATCHERS[signature] = compile_topics(topics, language, catalog.load("topics")["matching"])
    return _MATCHERS[signature]


def _languages(texts: Sequence[str], language: str) -> list[str]:
    if language not in ("en", "ru", "auto"):
        raise ValueError(f"language must be 'en', 'ru' or 'auto'; got {language!r}")
    return [detect_language(text) if language == "auto" else language for text in texts]


def tag(texts: Iterable[str] | pd.Series, language: str = "en",
        topics: Sequence[dict[str, Any]] | None = None) -> pd.DataFrame:
    """Which topics each comment mentions: one boolean column per topic, one row per text.

    Parameters
    ----------
    texts : Series or iterable of str
        The comments; a blank or missing one mentions nothing. The result keeps a Series' index.
    language : {"en", "ru", "auto"}
        The word lists to read with; ``"auto"`` reads each comment in its own language (Cyrillic or not).
    topics : list of dict, optional
        From :func:`topics_for`; the catalogue's by default.

    Examples
    --------
    >>> tag(["The receptionist was not rude at all"])[["staff_attitude", "waiting"]]
       staff_attitude  waiting
    0            True    False
    """
    topics = topics_for() if topics is None else topics
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    strings = series.astype(object).where(series.notna(), "").astype(str)
    unique = pd.unique(strings.to_numpy())
    keys = [topic["key"] for topic in topics]
    column = {key: number for number, key in enumerate(keys)}
    marks = np.zeros((len(unique), len(keys)), dtype=bool)
    languages = _languages(unique, language)
    for lang in sorted(set(languages)):
        matcher = _matcher(topics, lang)
        for row in (r for r, of in enumerate(languages) if of == lang):
            for key in matcher.topics(unique[row]):
                marks[row, column[key]] = True
    rows = pd.Index(unique).get_indexer(strings)
    return pd.DataFrame(marks[rows], index=series.index, columns=keys)


def explain(text: str, language: str = "en", topics: Sequence[dict[str, Any]] | None = None) -> pd.DataFrame:
    """The words that made each topic: one row per match, with whether it was a misspelling or negated.

    Examples
    --------
    >>> print(explain("Couldnt get an apointment, nobody called back").to_string(index=False))
             topic         entry         words  typo  negated
    access_booking   appointment    apointment  True     True
     communication nobody called nobody called False    False
     communication     call back   called back False     True
    """
    topics = topics_for() if topics is None else topics
    hits: list[Hit] = _matcher(topics, _languages([text], language)[0]).hits(text)
    columns = ["topic", "entry", "words", "typo", "negated"]
    return pd.DataFrame([[getattr(hit, c) for c in columns] for hit in hits], columns=columns)


def _topic_info(frame: pd.DataFrame, topics: Sequence[dict[str, Any]] | None, language: str) -> dict[str, dict]:
    """Name and stage of each column of a tag frame (a stage column from :func:`stages` names itself)."""
    known = {t["key"]: {"name": t.get("name") or catalog.label(t, language), "stage": t.get("stage", "")}
             for t in (topics_for(language=language) if topics is None else topics)}
    for stage in catalog.journey_stages():
        known.setdefault(stage["key"], {"name": catalog.label(stage, language), "stage": stage["key"]})
    return {key: known.get(key, {"name": key, "stage": ""}) for key in frame.columns}


def _commented(survey: pd.DataFrame, frame: pd.DataFrame) -> pd.Series:
    """Rows of the survey whose comment is not blank (the comments the shares are of)."""
    if "comment" not in survey:
        raise ValueError("the survey has no comment column")
    text = survey["comment"].astype(object).where(survey["comment"].notna(), "").astype(str).str.strip()
    return (text != "").reindex(frame.index, fill_value=False)


def _count(frame: pd.DataFrame, key: str, among: pd.Series) -> tuple[int, int]:
    """Comments among ``among`` that mention topic ``key``, and how many comments that is."""
    return int(frame.loc[among, key].sum()), int(among.sum())


def _groups(survey: pd.DataFrame, by: str, language: str) -> tuple[pd.Series, list[str], str]:
    """Each row's group label, the groups in order, and what they are (``nps_group``, ``csat`` or a column)."""
    words = catalog.load("topics")["words"]
    name = {key: catalog.label(words, language, key) for key in ("detractor", "passive", "promoter",
                                                                  "unsatisfied", "satisfied")}
    has = {q: q in survey and bool(survey[q].notna().any()) for q in ("nps", "csat")}
    if by == "nps_group" and has["nps"]:
        nps = pd.to_numeric(survey["nps"], errors="coerce").astype("float64")  # nullable Int64 has no np.select
        labels = pd.Series(nps_group(nps), index=survey.index).map(name)
        return labels.where(nps.notna()), [name["detractor"], name["passive"], name["promoter"]], "nps_group"
    if by in ("nps_group", "csat"):
        if not has["csat"]:
            raise ValueError("the survey has neither NPS nor satisfaction (csat) answers to group comments by")
        csat = pd.to_numeric(survey["csat"], errors="coerce").astype("float64")
        labels = pd.Series(np.where(csat == 1, name["satisfied"], name["unsatisfied"]), index=survey.index)
        return labels.where(csat.notna()), [name["unsatisfied"], name["satisfied"]], "csat"
    values = survey[by].astype(object).where(survey[by].notna())
    return values, sorted(values.dropna().unique(), key=str), by


def topic_shares(survey: pd.DataFrame, frame: pd.DataFrame, by: str = "nps_group",
                 topics: Sequence[dict[str, Any]] | None = None, language: str = "en",
                 level: float = 0.95) -> pd.DataFrame:
    """Share of comments mentioning each topic, in each group and among all comments, with Wilson intervals.

    Parameters
    ----------
    survey : DataFrame
        One row per response, with ``comment`` and the grouping column.
    frame : DataFrame
        From :func:`tag` (or :func:`stages`) on ``survey["comment"]``.
    by : str
        ``"nps_group"`` (detractors 0–6, passives 7–8, promoters 9–10; without NPS answers, not satisfied and
        satisfied from ``csat``), ``"csat"``, or a survey column such as ``"channel"``.

    Returns
    -------
    DataFrame
        ``topic, name, stage, group, mentions, comments, share, low, high`` (percent); ``attrs["by"]`` says
        which grouping was used.

    Examples
    --------
    >>> survey = pd.DataFrame({"nps": [2, 10, 9], "comment": ["Long queue", "Quick!", "Nice staff"]})
    >>> shares = topic_shares(survey, tag(survey["comment"]))
    >>> print(shares.query("topic == 'waiting'")[["group", "mentions", "comments", "share"]].round(1)
    ...       .to_string(index=False))
           group  mentions  comments  share
      detractors         1         1  100.0
        passives         0         0    NaN
       promoters         1         2   50.0
    all comments         2         3   66.7
    """
    commented = _commented(survey, frame)
    labels, order, what = _groups(survey.loc[frame.index], by, language)
    everyone = catalog.label(catalog.load("topics")["words"], language, "all")
    info = _topic_info(frame, topics, language)
    rows = []
    for key in frame.columns:
        for group in [*order, everyone]:
            among = commented & ((labels == group) if group != everyone else True)
            mentions, comments = _count(frame, key, among)
            estimate = share(mentions, comments, level=level)
            rows.append({"topic": key, **info[key], "group": group, "mentions": mentions, "comments": comments,
                         "share": estimate.value, "low": estimate.low, "high": estimate.high})
    table = pd.DataFrame(rows, columns=["topic", "name", "stage", "group", "mentions", "comments", "share", "low",
                                        "high"])
    table.attrs["by"] = what
    return table


def topic_comparison(survey: pd.DataFrame, frame: pd.DataFrame, by: str = "nps_group",
                     topics: Sequence[dict[str, Any]] | None = None, language: str = "en",
                     level: float = 0.95) -> pd.DataFrame:
    """Which topics detractors (or dissatisfied customers) mention more than promoters (or satisfied ones).

    Each topic's share among detractors minus its share among promoters (Newcombe's interval, pooled z-test),
    with Holm's correction across topics; the most over-represented topic first.

    Returns
    -------
    DataFrame
        ``topic, name, stage, a, b, share_a, share_b, diff, low, high, p_value, p_holm, significant``.

    Examples
    --------
    >>> survey = pd.DataFrame({"nps": [1, 2, 3, 9, 10, 10], "comment": ["rude", "rude!", "slow", "ok", "ok", "kind"]})
    >>> print(topic_comparison(survey, tag(survey["comment"]))[["topic", "share_a", "share_b", "p_holm"]]
    ...       .head(2).round(2).to_string(index=False))
             topic  share_a  share_b  p_holm
    staff_attitude    66.67    33.33     1.0
           waiting    33.33     0.00     1.0
    """
    commented = _commented(survey, frame)
    labels, order, what = _groups(survey.loc[frame.index], by, language)
    if what not in ("nps_group", "csat"):
        raise ValueError("topic_comparison compares detractors with promoters, or not satisfied with satisfied")
    a, b = order[0], order[-1]
    in_a, in_b = commented & (labels == a), commented & (labels == b)
    info = _topic_info(frame, topics, language)
    rows = []
    for key in frame.columns:
        test = share_diff(*_count(frame, key, in_a), *_count(frame, key, in_b), level=level)
        rows.append({"topic": key, **info[key], "a": a, "b": b, "share_a": test.a.value, "share_b": test.b.value,
                     "diff": test.diff, "low": test.low, "high": test.high, "p_value": test.p_value})
    table = pd.DataFrame(rows)
    table["p_holm"] = holm(table["p_value"])
    table["significant"] = table["p_holm"] < 1 - level
    table = table.sort_values(["diff", "topic"], ascending=[False, True], na_position="last", ignore_index=True)
    table.attrs["by"] = what
    return table


def topic_trend(survey: pd.DataFrame, frame: pd.DataFrame, over: str = "period", periods: Sequence[str] | None = None,
                topics: Sequence[dict[str, Any]] | None = None, language: str = "en",
                level: float = 0.95) -> pd.DataFrame:
    """Each topic's share of comments per period, with Wilson intervals, and the last period against the one before.

    ``periods`` gives the order (e.g. ``client.periods``); by default the survey's periods by date. The last
    period's change from the one before is tested per topic (``diff``, ``p_holm``, ``significant`` on the last
    period's rows, Holm across topics).

    Examples
    --------
    >>> survey = pd.DataFrame({"period": ["Q1", "Q1", "Q2"], "comment": ["slow", "ok", "slow"]})
    >>> print(topic_trend(survey, tag(survey["comment"])).query("topic == 'waiting'")[["period", "share", "diff"]]
    ...       .to_string(index=False))
    period  share  diff
        Q1   50.0   NaN
        Q2  100.0  50.0
    """
    from cxlib.survey import period_order

    commented = _commented(survey, frame)
    part = survey.loc[frame.index]
    order = list(periods) if periods is not None else period_order(part, over)
    info = _topic_info(frame, topics, language)
    rows, tests = [], []
    for key in frame.columns:
        counts = [_count(frame, key, commented & (part[over] == p)) for p in order]
        for period, (mentions, comments) in zip(order, counts):
            estimate = share(mentions, comments, level=level)
            rows.append({"topic": key, **info[key], "period": period, "mentions": mentions, "comments": comments,
                         "share": estimate.value, "low": estimate.low, "high": estimate.high})
        if len(counts) > 1:
            tests.append((len(rows) - 1, share_diff(*counts[-1], *counts[-2], level=level)))
    table = pd.DataFrame(rows)
    table["diff"], table["p_holm"], table["significant"] = np.nan, np.nan, pd.NA
    if tests:
        where = [row for row, _ in tests]
        table.loc[where, "diff"] = [test.diff for _, test in tests]
        table.loc[where, "p_holm"] = holm([test.p_value for _, test in tests])
        table.loc[where, "significant"] = table.loc[where, "p_holm"] < 1 - level
    return table


def stages(frame: pd.DataFrame, topics: Sequence[dict[str, Any]] | None = None) -> pd.DataFrame:
    """Which journey stages each comment touches: a stage is mentioned when any of its topics is.

    Examples
    --------
    >>> list(stages(tag(["Booking was easy, the repair was poor"])).columns)
    ['awareness', 'evaluation', 'purchase', 'experience', 'loyalty']
    """
    of = {t["key"]: t["stage"] for t in (topics_for() if topics is None else topics)}
    return pd.DataFrame({s["key"]: frame[[k for k in frame.columns if of.get(k) == s["key"]]].any(axis=1)
                         for s in catalog.journey_stages()}, index=frame.index)


def reason_agreement(survey: pd.DataFrame, frame: pd.DataFrame, topics: Sequence[dict[str, Any]] | None = None,
                     language: str = "en", config: dict[str, Any] | None = None, level: float = 0.95) -> pd.DataFrame:
    """Where the reason code and the comment agree: for each code, how often its comment names the code's topics.

    A topic's ``reasons`` (topics.toml) list the codes that name the same thing. ``agree`` counts the comments
    with a code that mention one of its topics (``share`` with a Wilson interval); a code no topic claims has
    no agreement to measure. ``said_most`` is the topic those comments mention most, and ``said_share`` its
    share: what customers wrote when they ticked that code.

    Examples
    --------
    >>> survey = pd.DataFrame({"reason_code": ["long_wait", "long_wait"], "comment": ["Slow", "Rude staff"]})
    >>> print(reason_agreement(survey, tag(survey["comment"]))[["reason", "comments", "agree", "said_most"]]
    ...       .to_string(index=False))
       reason  comments  agree      said_most
    long_wait         2      1 Staff attitude
    """
    commented = _commented(survey, frame) & survey["reason_code"].reindex(frame.index).fillna("").astype(str).ne("")
    codes = survey["reason_code"].reindex(frame.index)
    info = _topic_info(frame, topics, language)
    claimed = {}
    for topic in (topics_for(language=language) if topics is None else topics):
        for code in topic.get("reasons", []):
            claimed.setdefault(code, []).append(topic["key"])
    labels = {r["code"]: catalog.label(r, language, "label") for r in catalog.reason_codes()}
    labels.update((config or {}).get("reason_codes", {}))
    rows = []
    for code in sorted(set(codes[commented]), key=lambda c: (c not in labels, c)):
        among = commented & (codes == code)
        own = [key for key in claimed.get(code, []) if key in frame.columns]
        agree = int(frame.loc[among, own].any(axis=1).sum()) if own else None
        estimate = share(agree or 0, int(among.sum()) if own else 0, level=level)  # no answers: NaN
        said = frame.loc[among].drop(columns=own).sum().sort_values(ascending=False, kind="stable")
        top = said.index[0] if len(said) and said.iloc[0] > 0 else None
        rows.append({"reason": code, "label": labels.get(code, code),
                     "expected": ", ".join(info[k]["name"] for k in own) or None, "comments": int(among.sum()),
                     "agree": agree, "share": estimate.value, "low": estimate.low, "high": estimate.high,
                     "said_most": info[top]["name"] if top else None,
                     "said_share": 100 * said[top] / among.sum() if top else np.nan})
    table = pd.DataFrame(rows, columns=["reason", "label", "expected", "comments", "agree", "share", "low", "high",
                                        "said_most", "said_share"])
    return table.astype({"agree": "Int64"})


def chart(shares: pd.DataFrame, *, language: str = "en", ax=None, title: str | None = None):
    """The topic shares drawn: :func:`cxlib.plots.topic_chart` (kept here for notebooks that call ``voice.chart``)."""
    from cxlib.plots.voice import topic_chart

    return topic_chart(shares, language=language, ax=ax, title=title)
