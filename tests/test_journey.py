"""The customer journey: funnel, touchpoints, priority, mystery shopping."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import cxlib
import cxlib.plots
from cxlib import catalog, journey, journey_priority

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


VERMILLION, BLUE = matplotlib.colors.to_rgba("#D55E00"), matplotlib.colors.to_rgba("#0072B2")


def flat(text: str) -> str:
    """A drawn text as one line: wrapping and no-break spaces are layout, not words."""
    return " ".join(text.split())


def chart_text(key: str, language: str) -> str:
    return flat(catalog.label(catalog.load("report")["charts"], language, key))


def test_funnel_chart_draws_each_stage_rate(demo):
    client, *_ = demo
    raw = pd.read_csv(DEMO / "journey.csv").groupby("stage", sort=False)[["reached", "moved_on"]].sum()
    ax = cxlib.plots.funnel(journey.funnel(client.journey, language="ru"), language="ru")
    assert [flat(t.get_text()) for t in ax.get_yticklabels()] == [
        "Осведомлённость", "Оценка и выбор", "Покупка", "Опыт использования", "Лояльность"]
    (bars,) = [c for c in ax.containers if isinstance(c, matplotlib.container.BarContainer)]
    assert bars.datavalues == pytest.approx(100 * raw["moved_on"] / raw["reached"])
    assert bars.datavalues[2] == pytest.approx(100 * 2869 / 7272)  # purchase: (1764 + 1105) / (4200 + 3072)
    assert [matplotlib.colors.to_rgba(p.get_facecolor()) for p in bars] == [BLUE, BLUE, VERMILLION, BLUE, BLUE]
    (errors,) = [c for c in ax.containers if isinstance(c, matplotlib.container.ErrorbarContainer)]
    extents = [sorted(segment[:, 0]) for segment in errors.lines[2][0].get_segments()]
    wilson = [stats.binomtest(int(m), int(r)).proportion_ci(method="wilson") for m, r in raw.to_numpy()[:, ::-1]]
    assert np.array(extents) == pytest.approx(100 * np.array([(ci.low, ci.high) for ci in wilson]))
    assert flat(ax.get_title()) == chart_text("funnel_title", "ru")
    assert flat(ax.get_xlabel()) == chart_text("funnel_axis", "ru")
    matplotlib.pyplot.close("all")


def test_journey_map_draws_each_touchpoint_and_rings_the_top_three(demo):
    _, measured, _, ranked = demo
    raw = pd.read_csv(DEMO / "journey.csv")
    ax = cxlib.plots.journey_map(measured, ranked)
    assert [flat(t.get_text()) for t in ax.get_xticklabels()] == raw["touchpoint"].tolist()
    (line,) = ax.lines
    assert np.asarray(line.get_ydata(), dtype=float) == pytest.approx(100 * raw["satisfied"] / raw["rated"])
    band = ax.collections[0].get_paths()[0].vertices
    wilson = [stats.binomtest(s, r).proportion_ci(method="wilson") for s, r in zip(raw["satisfied"], raw["rated"])]
    for x, ci in enumerate(wilson):  # the band spans each touchpoint's interval
        ys = band[np.isclose(band[:, 0], x), 1]
        assert (ys.min(), ys.max()) == pytest.approx((100 * ci.low, 100 * ci.high))
    (rings,) = [c for c in ax.collections if isinstance(c, matplotlib.collections.PathCollection)]
    # online booking, phone booking, repair status updates: the 5th, 6th and 8th touchpoints
    assert np.asarray(rings.get_offsets(), dtype=float)[:, 0].tolist() == [4.0, 5.0, 7.0]
    assert [t.get_text() for t in ax.texts][:3] == ["1", "2", "3"]
    assert flat(ax.get_ylabel()) == chart_text("satisfied_axis", "en")
    assert flat(ax.get_title()) == chart_text("map_title", "en")
    matplotlib.pyplot.close("all")


def test_priority_matrix_places_each_pain_point(demo):
    _, _, _, ranked = demo
    effort = pd.read_csv(DEMO / "journey.csv").set_index("touchpoint")["fix_effort"]
    ax = cxlib.plots.priority_matrix(ranked)
    (points,) = ax.collections
    xy = np.asarray(points.get_offsets(), dtype=float)
    assert len(xy) == len(ranked) == 11
    assert xy[:, 1] == pytest.approx(ranked["priority"].to_numpy(dtype=float))
    # equal efforts are spread sideways, by less than half a step
    assert np.abs(xy[:, 0] - effort[ranked["touchpoint"]].to_numpy()).max() < 0.5
    colours = [matplotlib.colors.to_rgba(c) for c in points.get_facecolors()]
    assert colours == [VERMILLION] * 3 + [BLUE] * 8  # the three ranked highest
    texts = {flat(t.get_text()) for t in ax.texts}
    assert set(ranked["name"]) <= texts
    assert (flat(ax.get_xlabel()), flat(ax.get_ylabel()), flat(ax.get_title())) == (
        chart_text("effort_axis", "en"), chart_text("priority_axis", "en"), chart_text("priority_title", "en"))
    matplotlib.pyplot.close("all")


# --------------------------------------------------------------------------- unknown is not zero

NOTEBOOK_TABLES = {  # what chapter 03 prints, table by table
    "funnel": ["name", "reached", "moved_on", "conversion", "low", "high", "biggest_drop"],
    "touchpoints": ["stage", "name", "rated", "satisfied", "satisfied_low", "satisfied_high", "high_effort",
                    "complaints", "gap"],
    "commitments": ["name", "expectation", "perception", "gap", "promises_made", "promises_kept", "delays",
                    "announced", "announced_low", "announced_high"],
    "priorities": ["rank", "name", "affected", "frequency", "severity", "impact", "priority", "components",
                   "fix_effort"],
}
BLANKABLE = [c for c in journey.INPUTS if c != "reached"]


def demo_journey() -> pd.DataFrame:
    return pd.read_csv(DEMO / "journey.csv")


def printed(stages: pd.DataFrame, measured: pd.DataFrame, ranked: pd.DataFrame) -> str:
    return "\n".join([journey.as_text(stages, NOTEBOOK_TABLES["funnel"], index=True),
                      journey.as_text(measured, NOTEBOOK_TABLES["touchpoints"]),
                      journey.as_text(measured, NOTEBOOK_TABLES["commitments"]),
                      journey.as_text(ranked, NOTEBOOK_TABLES["priorities"], digits=2)])


def assert_says_no_nan(text: str) -> None:
    for token in ("nan", "NaN", "<NA>", "None"):
        assert token not in text, f"{token!r} printed:\n{text}"


def analyse(frame: pd.DataFrame, links: pd.DataFrame | None = None):
    measured = journey.touchpoints(frame)
    return journey.funnel(frame), measured, journey.priorities(measured, links)


@pytest.mark.parametrize("row", [0, 5, 10])
@pytest.mark.parametrize("column", BLANKABLE)
def test_a_blank_cell_is_unknown_everywhere_it_counts(column, row):
    frame = demo_journey().astype({c: "float64" for c in BLANKABLE})
    frame.loc[row, column] = None
    stages, measured, ranked = analyse(frame)
    touchpoint = frame.loc[row, "touchpoint"]
    measured_row = measured.set_index("touchpoint").loc[touchpoint]
    assert column in measured_row["unknown"].split(", ")
    for output, inputs in journey.DEPENDS.items():
        if column in inputs and output in measured_row.index and output not in ("reached",):
            assert pd.isna(measured_row[output]), (output, "should be unknown, not computed as if 0")
    assert list(stages.index) == list(journey.stage_names().index)  # every stage still listed
    assert len(measured) == len(ranked) == len(frame)  # and every touchpoint
    assert_says_no_nan(printed(stages, measured, ranked))
    others = measured.set_index("touchpoint").drop(index=touchpoint)
    untouched = journey.touchpoints(demo_journey()).set_index("touchpoint").drop(index=touchpoint)
    pd.testing.assert_frame_equal(others.drop(columns="unknown"), untouched.drop(columns="unknown"),
                                  check_dtype=False)


@pytest.mark.parametrize("seed", range(8))
def test_many_blanks_at_random_never_crash_or_print_nan(seed):
    rng = np.random.default_rng(seed)
    frame = demo_journey().astype({c: "float64" for c in BLANKABLE})
    blanks = rng.random((len(frame), len(BLANKABLE))) < rng.uniform(0.1, 0.9)
    for j, column in enumerate(BLANKABLE):
        frame.loc[blanks[:, j], column] = None
    if seed % 2:
        frame = frame.drop(columns="fix_effort")
    stages, measured, ranked = analyse(frame)
    assert_says_no_nan(printed(stages, measured, ranked))
    known = ranked["priority"].notna()
    assert ranked.loc[known, "rank"].min() == 1 if known.any() else True
    assert ranked["rank"].isna().tolist() == (~known).tolist()
    assert not known[known.idxmin():].any() if (~known).any() else True  # the unranked come last
    assert (ranked["components"].between(0, 4)).all()


def test_the_loader_accepts_blanks_and_no_fix_effort(tmp_path):
    import shutil

    folder = Path(shutil.copytree(DEMO, tmp_path / "blanks"))
    frame = demo_journey().drop(columns="fix_effort").astype(str)
    frame.loc[5, "moved_on"] = ""
    frame.loc[7, ["promises_kept", "delays", "delays_announced"]] = ""
    frame.loc[2, ["rated", "satisfied", "complaints"]] = ""
    frame.to_csv(folder / "journey.csv", index=False)
    client = cxlib.load_client(folder)
    table = client.journey
    assert table["moved_on"].isna().sum() == 1 and table["fix_effort"].isna().all()
    assert table.loc[table["touchpoint"] == "price check", "rated"].isna().all()
    ranked = journey.priorities(journey.touchpoints(table), journey.survey_links(client.survey))
    assert ranked.set_index("touchpoint").loc["price check", "rank"] is pd.NA


def test_shuffled_file_order_gives_the_same_ranking():
    frame = demo_journey()
    links = journey.survey_links(cxlib.load_client(DEMO).survey)
    reference = journey.priorities(journey.touchpoints(frame), links)
    for seed in range(5):
        shuffled = frame.sample(frac=1, random_state=seed).reset_index(drop=True)
        ranked = journey.priorities(journey.touchpoints(shuffled), links)
        pd.testing.assert_frame_equal(
            ranked[["touchpoint", "rank", "priority", "frequency", "severity", "impact"]],
            reference[["touchpoint", "rank", "priority", "frequency", "severity", "impact"]])
        pd.testing.assert_frame_equal(journey.funnel(shuffled), journey.funnel(frame))


def test_ties_share_a_rank_and_are_ordered_by_stage_then_name():
    same = {"reached": 1000, "moved_on": 500, "rated": 100, "satisfied": 50, "high_effort": 20}
    rows = [{"stage": "experience", "touchpoint": "zeta", **same},
            {"stage": "purchase", "touchpoint": "beta", **same},
            {"stage": "purchase", "touchpoint": "alpha", **same},
            {"stage": "awareness", "touchpoint": "small", **same, "satisfied": 90}]
    for order in ([0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]):
        ranked = journey.priorities(journey.touchpoints(touchpoint_rows([rows[i] for i in order])))
        assert ranked["touchpoint"].tolist() == ["alpha", "beta", "zeta", "small"]
        assert ranked["rank"].tolist() == [1, 1, 1, 4]


def test_unknown_priorities_are_not_ranked_and_come_last_in_journey_order():
    frame = touchpoint_rows([
        {"stage": "loyalty", "touchpoint": "late", "reached": 100, "satisfied": None},
        {"stage": "awareness", "touchpoint": "early", "reached": 100, "rated": None},
        {"stage": "purchase", "touchpoint": "known", "reached": 100},
    ])
    ranked = journey.priorities(journey.touchpoints(frame))
    assert ranked["touchpoint"].tolist() == ["known", "early", "late"]
    assert ranked["rank"].tolist()[0] == 1 and ranked["rank"].isna().tolist() == [False, True, True]
    text = journey.as_text(ranked, ["rank", "name", "priority"])
    assert [line.split() for line in text.splitlines()[2:]] == [
        ["1", "known", "55.0"], ["unknown", "early", "unknown", "rated"], ["unknown", "late", "unknown", "satisfied"]]
    assert ranked.attrs["unranked"] == ["early", "late"]


def test_unknown_fix_effort():
    frame = touchpoint_rows([{"stage": "purchase", "touchpoint": "a", "reached": 100, "fix_effort": None},
                             {"stage": "purchase", "touchpoint": "b", "reached": 100, "satisfied": 2}])
    ranked = journey.priorities(journey.touchpoints(frame)).set_index("touchpoint")
    assert pd.isna(ranked.loc["a", "fix_effort"]) and ranked.loc["b", "fix_effort"] == 2
    assert "fix_effort" in ranked.loc["a", "unknown"] and "fix_effort" not in ranked.loc["b", "unknown"]
    assert ranked["priority"].notna().all()  # effort to fix is not part of the priority
    without = journey.priorities(journey.touchpoints(frame.drop(columns="fix_effort")))
    assert without["fix_effort"].isna().all()
    text = journey.as_text(without, NOTEBOOK_TABLES["priorities"], digits=2)
    assert text.startswith("Unknown at every touchpoint: fix_effort, detractors.")
    assert all(line.split()[-1] == "unknown" for line in text.splitlines()[2:])  # fix_effort
    ax = cxlib.plots.priority_matrix(without)
    assert any("effort to fix unknown" in t.get_text() for t in ax.texts)
    matplotlib.pyplot.close("all")


def test_funnel_with_a_blank_moved_on_keeps_the_touchpoint_and_says_so():
    frame = touchpoint_rows([
        {"stage": "purchase", "touchpoint": "web", "reached": 1000, "moved_on": 400},
        {"stage": "purchase", "touchpoint": "phone", "reached": 300, "moved_on": None},
        {"stage": "experience", "touchpoint": "desk", "reached": 500, "moved_on": None},
    ])
    table = journey.funnel(frame)
    purchase = table.loc["purchase"]
    assert purchase["reached"] == 1300 and purchase["counted"] == 1000 and purchase["moved_on"] == 400
    assert purchase["conversion"] == pytest.approx(40.0)  # not 400 / 1300: phone is unknown, not 0
    assert purchase["unknown"] == "moved_on at phone (300 reached, left out of the rate)"
    experience = table.loc["experience"]
    assert pd.isna(experience["conversion"]) and experience["reached"] == 500
    assert not experience["biggest_drop"] and table.loc["purchase", "biggest_drop"]
    text = journey.as_text(table, NOTEBOOK_TABLES["funnel"], index=True)
    assert_says_no_nan(text)
    assert "moved_on at phone" in text and "moved_on at desk" in text
    assert text.splitlines()[5].split()[3:5] == ["unknown", "unknown"]  # experience: moved_on, conversion
    measured = journey.touchpoints(frame).set_index("touchpoint")
    assert pd.isna(measured.loc["phone", "moved_on"]) and measured.loc["phone", "unknown"] == "moved_on"
    ax = cxlib.plots.funnel(table)
    assert any(t.get_text() == "unknown" for t in ax.texts)
    matplotlib.pyplot.close("all")


def test_a_share_with_nothing_to_count_reads_n_a_not_unknown():
    frame = touchpoint_rows([{"stage": "experience", "touchpoint": "desk", "reached": 100, "delays": 0,
                              "delays_announced": 0},
                             {"stage": "experience", "touchpoint": "phone", "reached": 100, "delays": None,
                              "delays_announced": None}])
    text = journey.as_text(journey.touchpoints(frame), ["name", "delays", "announced"])
    desk, phone = text.splitlines()[1], text.splitlines()[2]
    assert desk.split()[1:] == ["0", "n/a"] and phone.split()[1:] == ["unknown", "unknown", "delays,",
                                                                      "delays_announced"]


def test_priority_hand_worked_with_three_touchpoints_and_an_unknown():
    frame = touchpoint_rows([
        # affected 600 (the most): frequency 1; effort 0.30, gap (4.0 − 2.0) / 4 = 0.5 -> severity 0.40;
        # not moved on 0.5, detractors 0.8 -> impact 0.65; priority 100 × 1 × (0.40 + 0.65) / 2 = 52.5
        {"stage": "purchase", "touchpoint": "booking", "reached": 1000, "moved_on": 500, "rated": 100,
         "satisfied": 40, "high_effort": 30, "expectation": 4.0, "perception": 2.0},
        # affected 300: 0.5; effort 0.10, gap 0 -> 0.05; moved_on unknown, detractors 0 (not named) -> impact 0;
        # priority 100 × 0.5 × (0.05 + 0) / 2 = 1.25, from 3 components
        {"stage": "experience", "touchpoint": "handover", "reached": 500, "moved_on": None, "rated": 100,
         "satisfied": 40, "high_effort": 10, "expectation": 3.0, "perception": 4.0},
        # affected 150: 0.25; effort and gap unknown -> severity unknown; impact mean(0.2, 0) = 0.1;
        # priority 100 × 0.25 × 0.1 = 2.5 (the known part alone), from 2 components
        {"stage": "loyalty", "touchpoint": "reminder", "reached": 300, "moved_on": 240, "rated": 100,
         "satisfied": 50, "high_effort": None, "expectation": None, "perception": 3.0},
    ])
    links = pd.DataFrame({"stage": ["purchase"], "touchpoint": ["booking"], "detractor_share": [80.0]})
    ranked = journey.priorities(journey.touchpoints(frame), links).set_index("touchpoint")
    assert ranked["priority"].to_dict() == pytest.approx({"booking": 52.5, "handover": 1.25, "reminder": 2.5})
    assert ranked["components"].to_dict() == {"booking": 4, "handover": 3, "reminder": 2}
    assert ranked["rank"].to_dict() == {"booking": 1, "reminder": 2, "handover": 3}
    assert ranked.loc["handover", "unknown"] == "moved_on"
    assert ranked.loc["reminder", "unknown"] == "high_effort, expectation"
    assert pd.isna(ranked.loc["reminder", "severity"])


def test_the_catalogue_is_the_formula(monkeypatch):
    text = (Path(journey.__file__).parent / "catalog" / "journey.toml").read_text(encoding="utf-8")
    assert "= 100 × frequency × (severity + impact) / 2" in text
    assert journey.priority_formula().startswith("priority = 100 × frequency × (severity + impact) / 2")
    spec = journey.priority_spec()
    assert {c for part in spec["parts"] for c in part["components"]} | {spec["driver_component"]} \
        == set(journey.COMPONENTS)
    assert spec["replaces"] in {c for part in spec["parts"] for c in part["components"]}
    for part in spec["parts"]:
        line = f"{part['key']} = mean of the known components: {', '.join(part['components'])}"
        assert line in journey.priority_formula()
        assert line.replace(" =", " " * (9 - len(part["key"])) + " =") in text
    # the code reads the weights: severity weighted 3 to 1 changes the score as the catalogue says
    frame = touchpoint_rows([{"stage": "purchase", "touchpoint": "a", "reached": 100, "moved_on": 50,
                              "high_effort": 4, "expectation": 4.0, "perception": 4.0}])
    links = pd.DataFrame({"stage": ["purchase"], "touchpoint": ["a"], "detractor_share": [0.0]})
    # severity mean(0.4, 0) = 0.2; impact mean(0.5, 0) = 0.25
    assert journey.priorities(journey.touchpoints(frame), links)["priority"].iloc[0] == pytest.approx(22.5)
    weighted = {**spec, "parts": [{**spec["parts"][0], "weight": 3}, spec["parts"][1]]}
    monkeypatch.setattr(journey_priority, "priority_spec", lambda: weighted)  # where priorities reads it
    assert journey.priorities(journey.touchpoints(frame), links)["priority"].iloc[0] == pytest.approx(
        100 * (3 * 0.2 + 0.25) / 4)
    assert journey.priority_formula().startswith("priority = 100 × frequency × (3 × severity + 1 × impact) / 4")


@pytest.mark.parametrize("case", ["no nps answers", "counts only", "no touchpoint column", "none named"])
def test_survey_without_nps_answers_gives_an_explained_empty_result(case):
    survey = cxlib.load_client(DEMO).survey.copy()
    if case == "no nps answers":
        survey["nps"] = pd.NA
        why = "the survey has no NPS answers"
    elif case == "counts only":
        survey = survey.iloc[0:0]
        why = "the survey holds counts, not one row per response"
    elif case == "no touchpoint column":
        survey = survey.drop(columns=["stage", "touchpoint"])
        why = "the survey does not say which touchpoint an answer is about"
    else:
        survey["touchpoint"] = ""
        why = "no NPS answer names a touchpoint"
    measured = journey.touchpoints(demo_journey())
    links = journey.survey_links(survey)
    assert links.empty and links.attrs["why"] == why
    grid = journey.importance_performance(measured, survey)
    assert grid.attrs["why"] == why and grid["importance"].isna().all() and len(grid) == len(measured)
    ranked = journey.priorities(measured, links)
    assert ranked["detractor_share"].isna().all() and (ranked["components"] == 3).all()
    assert ranked.attrs["why"] == why and all("detractors" in u for u in ranked["unknown"])
    text = journey.as_text(ranked, NOTEBOOK_TABLES["priorities"], digits=2)
    assert text.splitlines()[0] == "Unknown at every touchpoint: detractors."
    assert_says_no_nan(text)


def test_importance_performance_with_an_unknown_satisfied_share(demo):
    client, measured, _, _ = demo
    frame = demo_journey().astype({"satisfied": "float64"})
    frame.loc[frame["touchpoint"] == "price check", "satisfied"] = None
    grid = journey.importance_performance(journey.touchpoints(frame), client.survey).set_index("touchpoint")
    assert grid.loc["price check", "quadrant"] == "unknown"
    assert grid.loc["phone booking", "quadrant"] == "concentrate here"
    text = journey.as_text(grid.reset_index(), ["name", "importance", "satisfied", "quadrant"])
    assert_says_no_nan(text)
    line = next(line for line in text.splitlines() if line.split()[:2] == ["price", "check"])
    assert line.split()[3:] == ["unknown", "unknown", "satisfied"]  # satisfied, quadrant, and why


def test_the_demo_prints_as_before(demo):
    """No unknowns: the printed tables carry no ``unknown`` column and no words where numbers were."""
    client, measured, links, ranked = demo
    text = printed(journey.funnel(client.journey), measured, ranked)
    assert "unknown" not in text
    lines = journey.as_text(measured, NOTEBOOK_TABLES["commitments"]).splitlines()
    assert [line.split()[-3:] for line in lines if line.split()[:2] == ["phone", "booking"]] == [["n/a"] * 3]


def test_blanks_anywhere_in_any_file_order():
    """Any pattern of blank cells, with or without fix_effort, in any row order: the chapter's tables are
    computed, print no ``nan``, name every blank of the row, rank the unranked last, and rank the same
    way whatever the order of the file."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    base = demo_journey().astype({c: "float64" for c in BLANKABLE})
    links = journey.survey_links(cxlib.load_client(DEMO).survey)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(blanks=st.lists(st.booleans(), min_size=base.size, max_size=base.size),
           order=st.permutations(range(len(base))), drop_effort=st.booleans(), linked=st.booleans())
    def check(blanks, order, drop_effort, linked):
        frame = base.copy()
        mask = np.array(blanks).reshape(base.shape)
        for j, column in enumerate(base.columns):
            if column in BLANKABLE:
                frame.loc[mask[:, j], column] = None
        if drop_effort:
            frame = frame.drop(columns="fix_effort")
        stages, measured, ranked = analyse(frame, links if linked else None)
        assert_says_no_nan(printed(stages, measured, ranked))
        by_name = measured.set_index("touchpoint")["unknown"]
        for i, touchpoint in enumerate(frame["touchpoint"]):
            said = set(filter(None, by_name[touchpoint].split(", ")))
            expected = {c for j, c in enumerate(base.columns) if c in BLANKABLE and mask[i, j]}
            assert said == expected | ({"fix_effort"} if drop_effort else set())
        known = ranked["priority"].notna().to_numpy()
        assert list(known) == sorted(known, reverse=True)  # the unranked come last
        assert (ranked.loc[known, "priority"].diff().dropna() <= 1e-9).all()
        reordered = analyse(frame.iloc[list(order)].reset_index(drop=True), links if linked else None)[2]
        pd.testing.assert_frame_equal(reordered[["touchpoint", "rank", "priority", "components", "unknown"]],
                                      ranked[["touchpoint", "rank", "priority", "components", "unknown"]])

    check()


# --------------------------------------------------------------------------- key drivers as the basis


def driver_table(rows: list[tuple[str, str, float, float, float]], outcome: str = "nps", n: int = 400) -> pd.DataFrame:
    """A key_drivers-like table: driver, touchpoint, share with its interval (the only columns journey reads)."""
    table = pd.DataFrame(rows, columns=["driver", "touchpoint", "share", "share_low", "share_high"])
    table.attrs.update(outcome=outcome, n=n)
    return table


def four_touchpoints() -> pd.DataFrame:
    return touchpoint_rows([
        {"stage": "purchase", "touchpoint": "booking", "reached": 1000, "moved_on": 500, "rated": 100,
         "satisfied": 40, "high_effort": 30, "expectation": 4.0, "perception": 2.0},
        {"stage": "experience", "touchpoint": "status updates", "reached": 800, "moved_on": 600, "rated": 100,
         "satisfied": 50, "high_effort": 20, "expectation": 4.0, "perception": 4.0},
        {"stage": "experience", "touchpoint": "handover", "reached": 500, "moved_on": 450, "rated": 100,
         "satisfied": 80, "high_effort": 10, "expectation": 4.0, "perception": 4.0},
        {"stage": "loyalty", "touchpoint": "reminder", "reached": 300, "moved_on": 240, "rated": 100,
         "satisfied": 60, "high_effort": 0, "expectation": 4.0, "perception": 4.0},
    ])


DRIVERS = driver_table([("rating_booking", "Booking", 20.0, 12.0, 28.0),
                        ("rating_updates", " status updates ", 45.0, 38.0, 52.0),
                        ("rating_quality", "handover", 15.0, 9.0, 21.0),
                        ("rating_price", "handover", 10.0, 5.0, 16.0),
                        ("rating_app", "", 10.0, 4.0, 15.0)])


def test_importance_from_key_drivers_by_hand():
    measured = journey.touchpoints(four_touchpoints())
    table = journey.importance_performance(measured, pd.DataFrame(), drivers=DRIVERS).set_index("touchpoint")
    # booking 20; status updates 45; handover 15 + 10 = 25 (two attributes, shares of one R² add); reminder unrated
    assert table["importance"].iloc[:3].tolist() == [20.0, 45.0, 25.0] and pd.isna(table.loc["reminder", "importance"])
    assert (table.loc["booking", "importance_low"], table.loc["booking", "importance_high"]) == (12.0, 28.0)
    assert pd.isna(table.loc["handover", "importance_low"])  # a sum of two shares has no interval of its own here
    # medians where both are known: importance 25, satisfied (40, 50, 80) -> 50; the unrated touchpoint is "unknown"
    assert table["quadrant"].to_dict() == {"booking": "low priority", "status updates": "keep up the good work",
                                           "handover": "keep up the good work", "reminder": "unknown"}
    assert table.attrs["basis"] == "drivers" and table.attrs["why"] == ""
    assert "NPS" in table.attrs["basis_note"] and "400" in table.attrs["basis_note"]
    russian = journey.importance_performance(measured, pd.DataFrame(), drivers=DRIVERS, language="ru")
    assert russian["quadrant"].tolist() == ["низкий приоритет", "так держать", "так держать", "неизвестно"]


def test_priority_impact_from_key_drivers_by_hand():
    measured = journey.touchpoints(four_touchpoints())
    links = pd.DataFrame({"stage": ["purchase"], "touchpoint": ["booking"], "detractor_share": [80.0]})
    ranked = journey.priorities(measured, links, drivers=DRIVERS).set_index("touchpoint")
    # affected: booking 600 (the most), status 400, handover 100, reminder 120 -> frequency 1, 2/3, 1/6, 0.2
    # drivers component = share / 45: booking 4/9, status 1, handover 5/9, reminder unrated
    # booking: severity mean(0.3, 0.5) = 0.4; impact mean(0.5, 4/9); priority 100 × (0.4 + impact) / 2
    booking = 100 * (0.4 + (0.5 + 4 / 9) / 2) / 2
    status = 100 * (2 / 3) * ((0.2 + 0) / 2 + (0.25 + 1) / 2) / 2
    handover = 100 * (1 / 6) * ((0.1 + 0) / 2 + (0.1 + 5 / 9) / 2) / 2
    # reminder: no rating, so the detractors naming it stand in (the survey names touchpoints, not this one: 0);
    # an unrated touchpoint is neither dropped to 0 nor lifted by leaving the component out
    reminder = 100 * 0.2 * (0.0 + (0.2 + 0.0) / 2) / 2
    assert ranked["priority"].to_dict() == pytest.approx({"booking": booking, "status updates": status,
                                                          "handover": handover, "reminder": reminder})
    assert ranked.loc["reminder", "unknown"] == "" and ranked.loc["reminder", "components"] == 4
    assert ranked["driver_share"].iloc[:3].tolist() == [20.0, 45.0, 25.0]
    assert ranked.attrs["basis"] == "drivers"
    russian = journey.priorities(measured, links, drivers=DRIVERS, language="ru").attrs["basis_note"]
    assert "NPS" in russian and "ключев" in russian
    # without the survey's links, an unrated touchpoint's impact has neither: unknown, said, and left out
    unlinked = journey.priorities(measured, None, drivers=DRIVERS).set_index("touchpoint")
    assert "drivers" in unlinked.loc["reminder", "unknown"] and unlinked.loc["reminder", "components"] == 3
    assert unlinked.loc["reminder", "priority"] == pytest.approx(100 * 0.2 * (0.0 + 0.2) / 2)
    printed = journey.as_text(unlinked.reset_index(), ["touchpoint", "driver_share"]).splitlines()
    assert next(line for line in printed if line.strip().startswith("reminder")).split()[1] == "unknown"


def test_without_drivers_at_touchpoints_the_detractor_rule_stays():
    measured = journey.touchpoints(four_touchpoints())
    links = pd.DataFrame({"stage": ["purchase"], "touchpoint": ["booking"], "detractor_share": [80.0]})
    before = journey.priorities(measured, links)
    unplaced = driver_table([("rating_a", "", 60.0, 50.0, 70.0), ("rating_b", "elsewhere", 40.0, 30.0, 50.0)])
    for drivers in (None, unplaced, driver_table([])):
        after = journey.priorities(measured, links, drivers=drivers)
        pd.testing.assert_frame_equal(after.drop(columns="driver_share"), before.drop(columns="driver_share"))
        assert after.attrs["basis"] == "detractors" and after["driver_share"].isna().all()
    assert before.attrs["basis_note"] == journey.word("priority_detractors")
    survey = pd.DataFrame({"touchpoint": ["booking"] * 4 + ["handover"], "stage": "purchase",
                           "nps": [0, 3, 9, 10, 5]})
    table = journey.importance_performance(measured, survey, drivers=unplaced).set_index("touchpoint")
    assert table.attrs["basis"] == "detractors"
    assert table.loc["booking", "importance"] == pytest.approx(40.0)  # 2 detractors of 5 NPS answers
    assert table.loc["reminder", "importance"] == 0.0 and not table.loc["reminder", "named_in_survey"]


def test_demo_importance_is_the_communication_share(demo):
    client, measured, links, _ = demo
    drivers = cxlib.drivers.key_drivers(client, "nps", replicates=200)
    table = journey.importance_performance(measured, client.survey, drivers=drivers, language="ru")
    assert table.attrs["basis"] == "drivers" and "NPS" in table.attrs["basis_note"]
    shares = drivers.set_index("touchpoint")["share"]
    by_touchpoint = table.drop_duplicates("touchpoint").set_index("touchpoint")["importance"]
    assert by_touchpoint["repair status updates"] == pytest.approx(shares["repair status updates"])
    rated = set(shares.index)
    assert by_touchpoint[[t for t in by_touchpoint.index if t not in rated]].isna().all()
    ranked = journey.priorities(measured, links, drivers=drivers)
    assert ranked.attrs["basis"] == "drivers" and ranked.loc[0, "touchpoint"] in rated | {"online booking"}
