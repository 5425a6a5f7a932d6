"""The customer journey: funnel, touchpoints, priority, mystery shopping."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from scipy import stats

import cxlib
import cxlib.plots
from cxlib import journey

matplotlib.use("Agg")
DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


def touchpoint_rows(rows: list[dict]) -> pd.DataFrame:
    base = {"channel": "web", "moved_on": 0, "rated": 10, "satisfied": 5, "high_effort": 2, "complaints": 0,
            "expectation": 4.0, "perception": 4.0, "promises_made": 0, "promises_kept": 0, "delays": 0,
            "delays_announced": 0, "fix_effort": 2}
    return pd.DataFrame([{**base, **row} for row in rows])


def test_funnel_maths_by_hand():
    frame = touchpoint_rows([
        {"stage": "awareness", "touchpoint": "a", "reached": 1000, "moved_on": 600},
        {"stage": "awareness", "touchpoint": "b", "reached": 200, "moved_on": 150},
        {"stage": "purchase", "touchpoint": "c", "reached": 750, "moved_on": 300},
    ])
    table = journey.funnel(frame)
    assert table.loc["awareness", "conversion"] == pytest.approx(100 * 750 / 1200)
    assert table.loc["purchase", "conversion"] == pytest.approx(40.0)
    ci = stats.binomtest(300, 750).proportion_ci(method="wilson")
    assert (table.loc["purchase", "low"], table.loc["purchase", "high"]) == pytest.approx((100 * ci.low, 100 * ci.high))
    assert table.loc["purchase", "biggest_drop"] and not table.loc["awareness", "biggest_drop"]
    assert table.loc["loyalty", "reached"] == 0  # a stage with no touchpoints is shown, not hidden


def test_touchpoint_measures_and_expectation_gap():
    frame = touchpoint_rows([{"stage": "experience", "touchpoint": "status", "reached": 400, "moved_on": 380,
                              "rated": 100, "satisfied": 55, "high_effort": 30, "complaints": 8,
                              "expectation": 4.3, "perception": 2.9, "promises_made": 50, "promises_kept": 33,
                              "delays": 40, "delays_announced": 10}])
    row = journey.touchpoints(frame).iloc[0]
    assert row["gap"] == pytest.approx(-1.4)
    assert (row["satisfied"], row["promises_kept"], row["announced"]) == pytest.approx((55.0, 66.0, 25.0))
    assert row["complaints"] == pytest.approx(20.0)  # 8 per 400 customers = 20 per 1,000
    assert row["complaints_low"] < 20 < row["complaints_high"]
    assert row["complaints_low"] == pytest.approx(1000 * stats.chi2.ppf(0.025, 16) / 2 / 400)


def test_priority_score_by_hand():
    frame = touchpoint_rows([
        {"stage": "purchase", "touchpoint": "booking", "reached": 1000, "moved_on": 400, "rated": 100,
         "satisfied": 50, "high_effort": 40, "expectation": 4.0, "perception": 3.0},
        {"stage": "experience", "touchpoint": "handover", "reached": 1000, "moved_on": 900, "rated": 100,
         "satisfied": 90, "high_effort": 10},
    ])
    links = pd.DataFrame({"stage": ["purchase"], "touchpoint": ["booking"], "detractor_share": [70.0]})
    ranked = journey.priorities(journey.touchpoints(frame), links).set_index("touchpoint")
    # booking: affected 500 (the most) -> frequency 1; severity mean(0.40, 1/4) = 0.325;
    # impact mean(0.60, 0.70) = 0.65; priority 100 * 1 * (0.325 + 0.65) / 2 = 48.75
    assert ranked.loc["booking", "priority"] == pytest.approx(48.75)
    # handover: affected 100 -> 0.2; severity mean(0.10, 0) = 0.05; impact mean(0.10, 0) = 0.05 -> 1.0
    assert ranked.loc["handover", "priority"] == pytest.approx(1.0)
    assert ranked.loc["booking", "rank"] == 1


def visits(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["visit_id", "touchpoint", "criterion", "result", "weight", "critical"])


def test_mystery_scoring_weights_na_and_knockouts():
    checks = visits([
        ("V1", "reception", "greeted", "pass", 1.0, False),
        ("V1", "reception", "estimate", "pass", 3.0, True),
        ("V1", "handover", "explained", "fail", 1.0, False),
        ("V1", "handover", "delay told", "na", 2.0, False),
        ("V2", "reception", "greeted", "pass", 1.0, False),
        ("V2", "reception", "estimate", "fail", 3.0, True),
        ("V2", "handover", "explained", "pass", 1.0, False),
        ("V2", "handover", "delay told", "pass", 2.0, False),
    ])
    scored = journey.mystery_visits(checks).set_index(["visit_id", "touchpoint"])
    assert scored.loc[("V1", "(visit)"), "score"] == pytest.approx(100 * 4 / 5)  # N/A left out of the weights
    assert scored.loc[("V1", "handover"), "score"] == 0.0 and scored.loc[("V1", "handover"), "applicable"] == 1
    assert scored.loc[("V2", "(visit)"), "raw_score"] == pytest.approx(100 * 4 / 7)
    assert scored.loc[("V2", "(visit)"), "score"] == 0.0  # a failed critical item fails the visit
    assert scored.loc[("V2", "(visit)"), "knocked_out"] == "estimate"
    assert scored.loc[("V2", "handover"), "score"] == 100.0  # the knock-out belongs to reception
    overall = journey.mystery_scores(checks).set_index("touchpoint").loc["(visit)"]
    assert overall["score"] == pytest.approx(40.0) and overall["knockouts"] == 1
    reference = stats.ttest_1samp([80.0, 0.0], 0).confidence_interval()
    assert overall["low"] == max(reference.low, 0) and overall["high"] == min(reference.high, 100)
    criteria = journey.mystery_criteria(checks).set_index("criterion")
    assert criteria.loc["delay told", "visits"] == 1 and criteria.loc["delay told", "not_applicable"] == 1


@pytest.fixture(scope="module")
def demo():
    client = cxlib.load_client(DEMO)
    measured = journey.touchpoints(client.journey)
    links = journey.survey_links(client.survey)
    return client, measured, links, journey.priorities(measured, links)


def test_demo_pain_points_booking_and_delays_on_top(demo):
    client, measured, links, ranked = demo
    assert set(ranked["touchpoint"].iloc[:3]) == {"online booking", "phone booking", "repair status updates"}
    assert journey.funnel(client.journey)["biggest_drop"].idxmax() == "purchase"
    status = measured.set_index("touchpoint").loc["repair status updates"]
    assert status["announced_high"] < 50  # most delays are discovered by the customer
    quadrants = journey.importance_performance(measured, client.survey).set_index("touchpoint")["quadrant"]
    assert quadrants[["online booking", "phone booking", "repair status updates"]].eq("concentrate here").all()


def test_demo_survey_links_name_stages(demo):
    _, _, links, _ = demo
    assert set(links["stage"]) <= {"evaluation", "purchase", "experience"}
    booking = links.set_index("touchpoint").loc["phone booking"]
    assert booking["reason"] == "Hard to book or to reach us" and booking["detractor_share"] > 50


def test_touchpoint_names_follow_the_language():
    assert journey.touchpoint_name("phone booking", "ru") == "Запись по телефону"
    assert journey.touchpoint_name("our own kiosk", "ru") == "our own kiosk"
    assert journey.stage_names("ru")["purchase"] == "Покупка"


def test_charts(demo):
    client, measured, _, ranked = demo
    for ax in (cxlib.plots.funnel(journey.funnel(client.journey)), cxlib.plots.journey_map(measured, ranked),
               cxlib.plots.priority_matrix(ranked)):
        assert isinstance(ax, matplotlib.axes.Axes)
    matplotlib.pyplot.close("all")
