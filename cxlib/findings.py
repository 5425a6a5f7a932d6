"""The summary's findings about the journey, the comments and the scorecard, one sentence each (or none).

Each function reads :func:`cxlib.diagnosis.diagnose`'s results and returns one sentence in the client's language
from ``cxlib/catalog/summary.toml``, or an empty string when the data supports no such finding.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from babel.lists import format_list

from cxlib import journey, voice
from cxlib.phrases import amount, change_interval, lower_first
from cxlib.topic_claims import critics_topic
from cxlib.wording import Numbers, Words


def word(key: str, language: str, **values: Any) -> str:
    return Words("summary", language)(key, **values)


def plural(key: str, count: float, language: str, **values: Any) -> str:
    return Words("summary", language).plural(key, count, **values)


def pain_point_finding(client: Any, result: Any, numbers: Numbers) -> str:
    """The journey's worst pain point, with its share satisfied and the next two by name."""
    points = result.pain_points
    if points is None or not len(points):
        return ""
    language = client.language
    top = points.iloc[0]
    stages = journey.stage_names(language)
    satisfied = "" if pd.isna(top.get("satisfied")) else word(
        "pain_satisfied", language, share=numbers.percent(top["satisfied"]),
        interval=numbers.interval(top.get("satisfied_low"), top.get("satisfied_high")))
    effort = "" if not satisfied or pd.isna(top.get("high_effort")) else word(
        "pain_effort", language, share=numbers.percent(top["high_effort"]))
    quote = (lambda name: f"«{name}»") if language == "ru" else (lambda name: name)
    following = [quote(name) for name in points["name"].iloc[1:3]]
    after = word("pain_next", language, names=format_list(following, locale=language)) if following else ""
    return word("pain_point", language, name=top["name"], stage=stages.get(top["stage"], top["stage"]),
                satisfied=satisfied.replace("  ", " "), effort=effort, next=after)


def comment_finding(client: Any, result: Any, numbers: Numbers, level: str) -> str:
    """The topic the lowest group writes about most often compared with the highest, when that is a claim."""
    top = critics_topic(result.changes)
    if top is None:
        return ""
    language = client.language
    topic = next((t for t in voice.topics_for(client.config, language) if t["key"] == top["metric"]), {})
    stage = journey.stage_names(language).get(topic.get("stage", ""), "")
    key = "comments_nps" if top["from"] == "detractors" else "comments_csat"
    name = topic.get("name", top["group"])
    return word(key, language, topic=name if language == "ru" else lower_first(name), stage=stage,
                a=numbers.percent(top["value_from"]), b=numbers.percent(top["value_to"]),
                diff=amount(top["diff"], "%", numbers),
                interval=change_interval(top["low"], top["high"], "%", numbers, level))


def with_target(levels: pd.DataFrame) -> int:
    """Metrics that have a target (on it, behind it, or with too little data to tell): the scorecard chapter's base."""
    return int(levels[["met", "behind", "insufficient"]].to_numpy().sum())


def scorecard_finding(client: Any, result: Any, numbers: Numbers) -> str:
    """How many scorecard metrics are behind their target, and the levels that lag most."""
    card = result.scorecard
    if card is None or not len(card.levels) or not int(card.levels["behind"].sum()):
        return ""
    language = client.language
    levels = card.levels[card.levels["behind"] > 0].sort_values(["score", "behind"], ascending=[True, False])
    weakest = levels.head(2)
    names = [word("scorecard_level", language, name=row["name"], behind=numbers.number(row["behind"]),
                  metrics=numbers.number(row["met"] + row["behind"] + row["insufficient"]))
             for _, row in weakest.iterrows()]
    return plural("scorecard_levels", len(names), language, behind=numbers.number(card.levels["behind"].sum()),
                  total=numbers.number(with_target(card.levels)),
                  levels=format_list(names, locale=language))


def control_finding(client: Any, result: Any, numbers: Numbers, level: str) -> str:
    """The month a control chart calls a special cause, when that is a claim of the family; else empty."""
    from cxlib import spc
    from cxlib.phrases import METRIC_NAMES

    table = result.changes
    special = table[(table["source"] == spc.SOURCE) & (table["kind"] == spc.KIND) & table["significant"]]
    if special.empty:
        return ""
    row = special.sort_values("p_adjusted").iloc[0]
    percent = row["metric"] == "csat"
    show = numbers.percent if percent else (lambda value: numbers.number(value))
    return word("control_special", client.language, metric=METRIC_NAMES.get(row["metric"], row["metric"]),
                period=numbers.period(row["to"]), value=show(row["value_to"]), centre=show(row["value_from"]),
                diff=amount(row["diff"], "%" if percent else "points", numbers),
                interval=change_interval(row["low"], row["high"], "%" if percent else "points", numbers, level))
