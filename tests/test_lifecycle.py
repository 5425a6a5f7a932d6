"""The lifecycle questionnaire and its scoring."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import cxlib
import cxlib.plots
from cxlib import catalog, lifecycle

matplotlib.use("Agg")
DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
STAGE_KEYS = [s["key"] for s in catalog.lifecycle_stages()]


def answer_set(profile: dict[str, float], respondents: int = 8, noise: float = 0.5, seed: int = 1) -> pd.DataFrame:
    """Answers whose mean agreement per stage follows ``profile`` (others 1.5), with noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(respondents):
        role = "owner" if r == 0 else "manager" if r < 3 else "staff"
        for statement in catalog.lifecycle_statements():
            mean = profile.get(statement.get("stage") or statement.get("axis"), 1.5)
            answer = int(np.clip(np.rint(mean + rng.normal(0, noise)), 1, 5))
            rows.append({"respondent": f"P{r}", "role": role, "statement_id": statement["id"], "answer": answer})
    frame = pd.DataFrame(rows)
    frame["answer"] = frame["answer"].astype("Int64")
    return frame


@pytest.mark.parametrize("stage", STAGE_KEYS)
def test_an_answer_set_pointing_at_each_stage_recovers_it(stage):
    result = lifecycle.diagnose(answer_set({stage: 4.6}))
    assert (result.verdict, result.stage) == ("stage", stage)
    assert result.stability > 0.95


def test_a_set_split_between_adjacent_stages_is_a_transition():
    result = lifecycle.diagnose(answer_set({"gogo": 4.3, "adolescence": 4.2}))
    assert result.verdict == "transition"
    assert {result.stage, result.runner_up} == {"gogo", "adolescence"}
    assert result.label == "transition Go-Go → Adolescence"


def test_a_set_split_between_distant_stages_is_ambiguous():
    result = lifecycle.diagnose(answer_set({"infancy": 4.3, "bureaucracy": 4.3}))
    assert result.verdict == "ambiguous"


@pytest.mark.parametrize("seed", range(5))
def test_random_answers_are_ambiguous_not_a_confident_stage(seed):
    rng = np.random.default_rng(seed)
    answers = answer_set({}, respondents=10)
    answers["answer"] = pd.array(rng.integers(1, 6, size=len(answers)), dtype="Int64")
    result = lifecycle.diagnose(answers)
    assert result.verdict == "ambiguous"
    assert result.label.startswith("ambiguous")


def test_scores_by_hand():
    # one respondent: GO1..GO6 answered 5,5,5,1,1,blank -> agreement 1,1,1,0,0 -> mean 0.6 -> 60 points
    answers = answer_set({}, respondents=1, noise=0)
    gogo = answers["statement_id"].str.startswith("GO")
    answers.loc[gogo, "answer"] = pd.array([5, 5, 5, 1, 1, None], dtype="Int64")
    result = lifecycle.diagnose(answers)
    assert result.scores.loc["gogo", "score"] == pytest.approx(60.0)
    # every other stage: all answers 2 (1.5 rounded to even) -> 25 points
    assert result.scores.loc["prime", "score"] == pytest.approx(25.0)


def test_weights_from_client_overrides_change_the_score():
    answers = answer_set({}, respondents=1, noise=0)
    gogo = answers["statement_id"].str.startswith("GO")
    answers.loc[gogo, "answer"] = pd.array([5, 1, 1, 1, 1, 1], dtype="Int64")
    plain = lifecycle.diagnose(answers).scores.loc["gogo", "score"]
    config = {"overrides": {"lifecycle": {"weights": {"GO1": 5.0}}}}
    weighted = lifecycle.diagnose(answers, config).scores.loc["gogo", "score"]
    assert plain == pytest.approx(100 / 6)
    assert weighted == pytest.approx(100 * 5 / 10)


def test_client_statements_replace_add_and_drop():
    config = {"overrides": {"lifecycle": {
        "drop": ["CO1"],
        "statements": [{"id": "GO1", "stage": "infancy", "weight": 2.0, "text_en": "Moved.", "text_ru": "Перенесено."},
                       {"id": "X1", "stage": "prime", "weight": 1.0, "text_en": "Ours.", "text_ru": "Наше."}]}}}
    items = lifecycle.questionnaire(config)
    assert "CO1" not in items.index
    assert items.loc["GO1", ["stage", "weight", "origin"]].tolist() == ["infancy", 2.0, "client"]
    assert items.loc["X1", "text"] == "Ours."
    assert lifecycle.questionnaire(config, "ru").loc["X1", "text"] == "Наше."
    with pytest.raises(ValueError, match="unknown statements"):
        lifecycle.questionnaire({"overrides": {"lifecycle": {"weights": {"NOPE": 2}}}})


def test_client_statement_ids_pass_the_loader(demo_copy):
    (demo_copy / "client.toml").write_text(
        (demo_copy / "client.toml").read_text() +
        '\n[[overrides.lifecycle.statements]]\nid = "X1"\nstage = "prime"\nweight = 1.0\n'
        'text_en = "Ours."\ntext_ru = "Наше."\n')
    with open(demo_copy / "lifecycle.csv", "a") as handle:
        handle.write("P01,owner,X1,4\n")
    client = cxlib.load_client(demo_copy)
    assert "X1" in set(client.lifecycle["statement_id"])


def test_kendall_w_by_hand():
    # 3 raters, 4 items: ranks (1,2,3,4), (1,2,3,4), (4,3,2,1): rank sums 6,7,8,9; S = 5; W = 12*5/(9*60) = 1/9
    scores = pd.DataFrame([[1, 2, 3, 4], [1, 2, 3, 4], [4, 3, 2, 1]], columns=list("abcd"), dtype=float)
    assert lifecycle._kendall_w(scores) == pytest.approx(1 / 9)
    assert lifecycle._kendall_w(scores.iloc[:2]) == pytest.approx(1.0)


def test_every_stage_has_mandate_owner_and_five_statements_in_both_languages():
    statements = catalog.lifecycle_statements()
    for stage in catalog.lifecycle_stages():
        assert stage["mandate_en"] and stage["mandate_ru"] and stage["owner_en"] and stage["owner_ru"]
        own = [s for s in statements if s.get("stage") == stage["key"]]
        assert len(own) >= 5, stage["key"]
        assert all(s["text_en"] and s["text_ru"] for s in own)
    assert {s["axis"] for s in statements if "axis" in s} == {"flexibility", "control"}


def test_demo_is_go_go_with_the_owner_seeing_it_healthier():
    client = cxlib.load_client(DEMO)
    result = lifecycle.diagnose(client.lifecycle, client.config)
    assert (result.verdict, result.stage, result.runner_up) == ("stage", "gogo", "adolescence")
    assert result.stability > 0.9
    gap = result.by_role.loc["owner"] - result.by_role.loc["staff"]
    assert gap["prime"] > 15 and gap["gogo"] < -15
    assert result.flexibility > result.control  # a growing company
    assert result.mandate().index.tolist() == ["gogo"]
    assert "dedicated customer-service department" in result.mandate().loc["gogo", "owner"]


def test_curve_chart(demo_copy):
    client = cxlib.load_client(DEMO)
    result = lifecycle.diagnose(client.lifecycle, client.config)
    assert isinstance(cxlib.plots.lifecycle_curve(result), matplotlib.axes.Axes)
    matplotlib.pyplot.close("all")
