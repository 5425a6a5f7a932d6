"""The comments' topic comparisons are claims of the report's one family, checked by simulation (fixed seeds)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import cxlib
from cxlib import catalog, voice
from cxlib.claims import adjust
from cxlib.diagnosis import TOP_COMMENT_TOPICS, diagnose
from cxlib.topic_claims import SOURCE, critics_topics, topic_claims, with_comment_topics

PHRASES = ["the staff were rude", "waited an hour in the queue", "price is too high", "website kept crashing",
           "friendly and helpful", "nothing to add"]


def survey(rng: np.random.Generator, n: int, rude_detractors: float | None = None) -> pd.DataFrame:
    nps = rng.choice([0, 3, 5, 7, 8, 9, 10], size=n)
    comments = rng.choice(PHRASES, size=n)
    if rude_detractors is not None:  # a planted effect: detractors complain of rudeness far more often
        detractor, promoter = nps <= 6, nps >= 9
        comments = np.where(detractor & (rng.random(n) < rude_detractors), PHRASES[0], comments)
        comments = np.where(promoter & (comments == PHRASES[0]), PHRASES[5], comments)
    return pd.DataFrame({"nps": nps, "comment": comments})


def claims_any_significant(frame: pd.DataFrame) -> tuple[bool, bool]:
    table = adjust(topic_claims(frame, {}, "en"))
    significant = table[table["significant"]]
    return bool(len(significant)), bool((significant["metric"] == "staff_attitude").any())


def test_under_the_null_the_family_rarely_claims_anything():
    rng = np.random.default_rng(20261130)
    runs = [claims_any_significant(survey(rng, 300))[0] for _ in range(200)]
    rate = float(np.mean(runs))
    assert rate <= 0.08, f"false-claim rate {rate:.1%} over 200 null surveys (Holm controls it at 5%)"


def test_a_planted_topic_difference_is_found():
    rng = np.random.default_rng(7)
    found = [claims_any_significant(survey(rng, 300, rude_detractors=0.35))[1] for _ in range(100)]
    assert float(np.mean(found)) >= 0.8, f"power {np.mean(found):.0%} for a planted rudeness gap"


def test_the_demo_s_topics_join_the_diagnosis_family():
    client = cxlib.load_client("data/demo")
    result = diagnose(client)
    comments = result.changes[result.changes["source"] == SOURCE]
    assert len(comments) >= 8 and comments["p"].notna().all()
    assert result.changes.attrs["tested"] == int(pd.to_numeric(result.changes["p"], errors="coerce").notna().sum())
    assert comments["significant"].any(), "the demo's planted complaints are claims the report may state"


def test_the_critics_topics_join_the_pain_points_and_the_recommendations():
    """Each significant critics' topic stands beside the pain points of its stage and, the largest, as an action."""
    client = cxlib.load_client("data/demo")
    result = diagnose(client)
    family = result.changes
    raised = family[(family["source"] == SOURCE) & family["significant"] & (family["worse"] == True)]  # noqa: E712
    assert len(raised), "the demo plants complaints detractors raise more than promoters"
    stage_of = {topic["key"]: topic["stage"] for topic in voice.topics_for(client.config, "en")}
    for _, point in result.pain_points.iterrows():
        expected = set(raised.loc[raised["metric"].map(stage_of) == point["stage"], "group"])
        assert set(filter(None, point["comment_topics"].split("; "))) == expected, point["touchpoint"]
    actions = result.recommendations[result.recommendations["chapter"] == "05"]
    largest = raised.sort_values("diff", ascending=False).head(TOP_COMMENT_TOPICS)
    assert list(actions["claims"]) == list(largest["claim"])
    for (_, action), (_, claim) in zip(actions.iterrows(), largest.iterrows()):
        assert claim["group"] in action["recommendation"]
        assert f"{claim['value_from']:.0f}% of detractors" in action["evidence"] and "e-" not in action["evidence"]


def test_recommendations_follow_the_catalogue_s_priority_order():
    from cxlib.actions import written

    order = [rule["rule"] for rule in catalog.load("report")["recommendations"]]
    shuffled = [("hostages", {}, {"share": "8", "revenue": "23"}, []),
                ("comment_topic_nps", {"topic": "T", "stage": "S"},
                 {"a": "1", "b": "2", "diff": "+1", "low": "+0", "high": "+2", "p": "< 0.001", "tested": 9}, ["C9"]),
                ("closed_loop", {}, {"share": "4", "low": "2", "high": "6", "n": 5, "hours": "4.8"}, [])]
    table = written(shuffled, "en")
    rules = sorted((rule for rule, *_ in shuffled), key=order.index)
    assert list(table["priority"]) == [1, 2, 3] and table["claims"].tolist() == ["C9", "", ""]
    assert [t.split(" ")[0] for t in table["recommendation"]] == [
        {"comment_topic_nps": "Fix", "closed_loop": "Call", "hostages": "Win"}[rule] for rule in rules]


def test_critics_topics_and_their_stages_by_hand():
    family = pd.DataFrame({"claim": ["C1", "C2", "C3", "C4"], "source": [SOURCE, SOURCE, SOURCE, "survey"],
                           "metric": ["waiting", "digital", "billing", "nps"], "group": ["W", "D", "B", "(all)"],
                           "significant": [True, True, False, True], "worse": [True, True, True, True],
                           "diff": [5.0, 9.0, 20.0, -8.0], "p_adjusted": [0.01, 0.02, 0.3, 0.001]})
    topics = [{"key": "waiting", "stage": "experience"}, {"key": "digital", "stage": "purchase"}]
    raised = critics_topics(family, topics)
    assert raised[["claim", "stage"]].values.tolist() == [["C2", "purchase"], ["C1", "experience"]]
    points = pd.DataFrame({"touchpoint": ["app", "desk", "ad"], "stage": ["purchase", "experience", "awareness"]})
    joined = with_comment_topics(points, raised)
    assert joined["comment_topics"].tolist() == ["D", "W", ""] and joined["comment_claims"].tolist() == ["C2", "C1", ""]
    assert with_comment_topics(points, raised.iloc[0:0])["comment_topics"].tolist() == ["", "", ""]
