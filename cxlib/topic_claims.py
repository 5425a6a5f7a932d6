"""What customers write, as claims of the report's one family: each topic's share among detractors against promoters.

The comments chapter asks, topic by topic, whether the customers at the
bottom of the scale (detractors, or the not satisfied without NPS) mention a
topic more or less often than those at the top. Each such comparison is a
claim the report may state, so it is tested inside the same family as every
change over time and every difference (:func:`cxlib.claims.adjust`), not in a
family of its own: the report's promise, "the chance of even one false claim
stays below 5%", then covers the comments too.

Examples
--------
>>> import pandas as pd
>>> survey = pd.DataFrame({"nps": [0, 1, 2, 9, 10, 10] * 20,
...                        "comment": ["so rude", "rude staff", "slow", "fine", "kind", "great"] * 20})
>>> claims = topic_claims(survey, {}, "en")
>>> claims.loc[claims["metric"] == "staff_attitude", ["source", "kind", "from", "to"]].iloc[0].tolist()
['comments', 'topic difference', 'detractors', 'promoters']
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cxlib import voice
from cxlib.claims import COLUMNS

SOURCE = "comments"
KIND = "topic difference"
METHOD = "Newcombe interval, pooled z-test"


def _commented(survey: pd.DataFrame) -> pd.DataFrame:
    text = survey["comment"].astype(object).where(survey["comment"].notna(), "").astype(str).str.strip()
    return survey[text != ""]


def topic_claims(survey: pd.DataFrame, config: dict[str, Any], language: str, level: float = 0.95) -> pd.DataFrame:
    """One claim per topic anyone mentions: its share among the lowest group minus its share among the highest.

    Parameters
    ----------
    survey : DataFrame
        Survey rows with ``comment`` and ``nps`` (or ``csat``).
    config : dict
        The client's settings (its own ``[topics]``).
    language : str
        The client's language; each comment is read in its own language.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        Rows in :data:`cxlib.claims.COLUMNS`: ``source`` "comments", ``metric`` the topic key, ``group`` its name,
        ``from``/``to`` the two groups, ``value_from``/``value_to`` the shares (%), ``diff`` (percentage points),
        ``low``/``high``, ``p`` (unadjusted), ``worse`` True when the lowest group mentions the topic more. Empty when
        the survey has no comments or no score to group them by.
    """
    if "comment" not in survey or not any(q in survey and survey[q].notna().any() for q in ("nps", "csat")):
        return pd.DataFrame(columns=COLUMNS)
    commented = _commented(survey)
    if commented.empty:
        return pd.DataFrame(columns=COLUMNS)
    topics = voice.topics_for(config, language)
    tagged = voice.tag(commented["comment"], language="auto", topics=topics)
    by = "nps_group" if "nps" in survey and survey["nps"].notna().any() else "csat"
    try:
        comparison = voice.topic_comparison(survey, tagged, by=by, topics=topics, language=language, level=level)
    except ValueError:  # one of the two groups wrote nothing
        return pd.DataFrame(columns=COLUMNS)
    mentioned = tagged.sum()
    comparison = comparison[comparison["topic"].map(mentioned).fillna(0) > 0]  # a topic no one names is no claim
    names = {"nps_group": ("detractors", "promoters"), "csat": ("not satisfied", "satisfied")}[by]
    rows = pd.DataFrame({
        "source": SOURCE, "metric": comparison["topic"], "by": "topic", "group": comparison["name"], "kind": KIND,
        "from": names[0], "to": names[1], "value_from": comparison["share_a"], "value_to": comparison["share_b"],
        "diff": comparison["diff"], "low": comparison["low"], "high": comparison["high"], "p": comparison["p_value"],
        "worse": comparison["diff"] > 0, "unit": "%", "method": METHOD})
    return rows.reindex(columns=COLUMNS).reset_index(drop=True)


def critics_topics(changes: pd.DataFrame, topics: list[dict[str, Any]] | None = None) -> pd.DataFrame:
    """The topics the lowest group writes about significantly more than the highest, largest difference first.

    Parameters
    ----------
    changes : DataFrame
        The report's family (:func:`cxlib.diagnosis.diagnose`'s ``changes``), adjusted.
    topics : list of dict, optional
        The client's topics (:func:`cxlib.voice.topics_for`); when given, each row gets the topic's journey
        ``stage`` ("" for a topic without one).

    Returns
    -------
    DataFrame
        The surviving topic claims (every column of ``changes``), plus ``stage`` when ``topics`` is given; empty
        when no topic claim pointing at the critics survived the family.

    Examples
    --------
    >>> family = pd.DataFrame({"claim": ["C1", "C2"], "source": SOURCE, "metric": ["waiting", "price_value"],
    ...                        "significant": [True, True], "worse": [True, False], "diff": [12.0, -5.0],
    ...                        "p_adjusted": [0.001, 0.01]})
    >>> critics_topics(family, [{"key": "waiting", "stage": "experience"}])[["metric", "stage"]].values.tolist()
    [['waiting', 'experience']]
    """
    raised = changes[(changes["source"] == SOURCE) & changes["significant"].fillna(False).astype(bool)
                     & (changes["worse"].fillna(False) == True)]  # noqa: E712
    raised = raised.sort_values(["diff", "p_adjusted"], ascending=[False, True], kind="stable")
    if topics is not None:
        stages = {topic["key"]: topic.get("stage", "") for topic in topics}
        raised = raised.assign(stage=raised["metric"].map(stages).fillna(""))
    return raised.reset_index(drop=True)


def critics_topic(changes: pd.DataFrame) -> pd.Series | None:
    """The claim of the topic the lowest group writes about most more than the highest, when it is significant.

    ``changes`` is the report's family (:func:`cxlib.diagnosis.diagnose`'s ``changes``); None when no topic claim
    pointing at the critics survived it.
    """
    raised = critics_topics(changes)
    return None if raised.empty else raised.iloc[0]


def with_comment_topics(pain_points: pd.DataFrame, raised: pd.DataFrame) -> pd.DataFrame:
    """The journey's pain points, each with the critics' topics of its stage as evidence beside the ranking.

    The comments do not change a touchpoint's priority score (a topic belongs to a stage, not to one touchpoint,
    and its difference is in other units); they are shown next to it: ``comment_topics`` lists the names of the
    significant critics' topics of the touchpoint's stage ("; "-separated, largest difference first) and
    ``comment_claims`` the ids of their claims.

    Examples
    --------
    >>> points = pd.DataFrame({"touchpoint": ["call", "visit"], "stage": ["purchase", "experience"]})
    >>> raised = pd.DataFrame({"claim": ["C9"], "group": ["Getting through"], "stage": ["purchase"]})
    >>> with_comment_topics(points, raised)[["touchpoint", "comment_topics", "comment_claims"]].values.tolist()
    [['call', 'Getting through', 'C9'], ['visit', '', '']]
    """
    if "stage" not in pain_points:
        return pain_points
    by_stage = raised.groupby("stage", sort=False) if len(raised) else None
    names = by_stage["group"].agg("; ".join).to_dict() if by_stage is not None else {}
    ids = by_stage["claim"].agg(", ".join).to_dict() if by_stage is not None else {}
    return pain_points.assign(comment_topics=[names.get(stage, "") for stage in pain_points["stage"]],
                              comment_claims=[ids.get(stage, "") for stage in pain_points["stage"]])
