"""The balanced-scorecard check."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import cxlib
import cxlib.plots
from cxlib import catalog, scorecard

matplotlib.use("Agg")
DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


@pytest.mark.parametrize("low, high, target, direction, band, expected", [
    (80, 80, 75, "higher", None, "met"),
    (70, 70, 75, "higher", None, "behind"),
    (2.0, 2.0, 3.0, "lower", None, "met"),
    (4.0, 4.0, 3.0, "lower", None, "behind"),
    (82, 82, None, "band", (80, 85), "met"),
    (90, 90, None, "band", (80, 85), "behind"),
    (70, 70, None, "band", (80, 85), "behind"),
    (78, 84, None, "band", (80, 85), "insufficient data"),
    (3.8, 4.4, 4.2, "higher", None, "insufficient data"),  # CSI 4.1 ± 0.3 against 4.2: not "behind"
    (3.5, 4.1, 4.2, "higher", None, "behind"),            # the whole interval misses the target
    (50, 50, np.nan, "higher", None, "no target"),
    (90, 90, np.nan, "", None, "information"),
])
def test_judging_by_direction_and_interval(low, high, target, direction, band, expected):
    assert scorecard._judge(low, high, target, direction, band or (np.nan, np.nan)) == expected


def card(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["level", "metric", "period", "value", "target", "benchmark", "n", "unit",
                                        "direction"])
    frame["n"] = frame["n"].astype("Int64")
    return frame


def test_survey_based_row_with_n_uses_its_interval():
    table = scorecard.combine(card([("customer", "csi", "Q1", 4.1, 4.2, np.nan, 170, "mean 1–5", "")]),
                              scorecard.derive(pd.DataFrame(columns=["period"]), pd.DataFrame()))
    row = table.iloc[0]
    assert row["status"] == "insufficient data"
    # the widest spread a mean of 4.1 on 1–5 allows (Bhatia–Davis: sqrt((4.1 − 1)(5 − 4.1)) = 1.67), by hand
    assert row["high"] - row["value"] == pytest.approx(1.974 * np.sqrt(3.1 * 0.9) / np.sqrt(170), abs=0.01)
    assert row["low"] < row["value"] < row["high"]


def test_a_value_at_the_end_of_its_scale_gets_an_interval_of_honest_width():
    table = scorecard.combine(card([("customer", "nps", "Q1", 100.0, 50, np.nan, 40, "points", "")]),
                              scorecard.derive(pd.DataFrame(columns=["period"]), pd.DataFrame()))
    row = table.iloc[0]
    assert row["high"] == 100 and 80 < row["low"] < 90  # not [100, 100]


def test_trend_detection():
    rows = [("financial", "churn_rate", f"Q{i}", v, 15, 18, None, "%", "lower") for i, v in
            enumerate([19.5, 21.0, 23.2, 25.1], 1)]
    rows += [("financial", "conversion", f"Q{i}", v, 35, 32, None, "%", "higher") for i, v in
             enumerate([36.1, 35.9, 36.4, 36.0], 1)]
    rows += [("financial", "average_check", f"Q{i}", v, 200, 190, None, "EUR", "higher") for i, v in
             enumerate([204.0, 209.5, 211.8, 215.2], 1)]
    result = scorecard.trends(scorecard.combine(card(rows), scorecard.derive(pd.DataFrame(columns=["period"]),
                                                                                 pd.DataFrame())))
    assert result.loc["churn_rate", "worsening"] and not result.loc["churn_rate", "improving"]
    assert not result.loc["conversion", "worsening"]
    assert result.loc["average_check", "improving"]


def test_unknown_metric_judged_by_its_own_direction():
    table = scorecard.combine(card([("customer", "reviews_rating", "Q1", 4.4, 4.5, np.nan, None, "stars", "higher")]),
                              scorecard.derive(pd.DataFrame(columns=["period"]), pd.DataFrame()))
    assert table.iloc[0]["status"] == "behind" and table.iloc[0]["name"] == "reviews_rating"


@pytest.fixture(scope="module")
def demo():
    client = cxlib.load_client(DEMO)
    return client, scorecard.assess(client.scorecard, client.survey, client.customers, client.config,
                                    mystery_shopping=client.mystery_shopping)


def test_demo_planted_metrics_behind_target(demo):
    _, result = demo
    latest = result.latest
    for metric in ("churn_rate", "repeat_purchase_rate", "sla_compliance", "response_time", "staff_turnover",
                   "training_hours"):
        assert latest.loc[metric, "status"] == "behind" and latest.loc[metric, "worsening"], metric
    for metric in ("average_check", "conversion", "acquisition_cost", "first_contact_resolution"):
        assert latest.loc[metric, "status"] == "met", metric
    assert latest.loc["enps", "status"] == "insufficient data"
    assert latest.loc["nps", "status"] == "insufficient data"
    assert latest.loc["nps", "source"] == "derived from survey.csv"


def test_demo_levels_and_lists(demo):
    _, result = demo
    financial = result.levels.loc["financial"]
    assert financial["score"] == pytest.approx(60.0)
    assert any(item.startswith("Churn rate: 25.1%") for item in financial["weaknesses"])
    assert any(item.startswith("Average check") for item in financial["strengths"])
    assert any("worsening" in item for item in financial["risks"])
    assert any(item.startswith("Churn rate: Contact at-risk customers") for item in financial["improvements"])
    assert result.levels["score"].idxmin() == "learning_growth"
    assert result.levels.loc["customer", "met"] == 0


def test_derived_values_say_where_they_came_from(demo):
    _, result = demo
    derived = result.derived.set_index("metric")
    assert not derived.loc["churn_rate", "used"]  # the client's own file gives it
    assert derived.loc["revenue_per_customer", "used"]
    assert derived.loc["churn_rate", "value"] == pytest.approx(23.4, abs=0.1)
    mystery = result.derived[result.derived["metric"] == "mystery_shopping_score"]
    assert len(mystery) == 4 and mystery["n"].tolist() == [6, 6, 6, 6]


def test_demo_delivery_gap(demo):
    client, result = demo
    gap = scorecard.delivery_gap(result.table, client.survey)
    assert gap.a.value == 90 and gap.a.n == 10
    assert gap.b.value == pytest.approx(100 * (client.survey["csi"] == 5).sum() / client.survey["csi"].notna().sum())
    assert gap.low > 0 and gap.significant


def flat(text: str) -> str:
    """A drawn text as one line: wrapping and no-break spaces are layout, not words."""
    return " ".join(text.split())


def test_heatmap(demo):
    _, result = demo
    table = result.table
    charts = catalog.load("report")["charts"]
    level_names = {level["key"]: catalog.label(level, "ru") for level in catalog.load("scorecard")["levels"]}
    order = list(level_names)  # the catalogue's order: financial, customer, operational, learning and growth
    rows = (table.assign(level_order=table["level"].map(order.index))
            .sort_values(["level_order", "metric"]).drop_duplicates("metric"))
    expected_labels = [f"{level_names[lv]} · {name}" for lv, name in zip(rows["level"], rows["name"])]
    code = {"met": 0, "behind": 1, "insufficient data": 2, "no target": 3}
    grid = (table.assign(code=table["status"].map(code))
            .pivot(index="metric", columns="period", values="code").loc[rows["metric"]])

    ax = cxlib.plots.scorecard_heatmap(table, language="ru")
    assert [flat(t.get_text()) for t in ax.get_yticklabels()] == expected_labels
    assert [flat(t.get_text()) for t in ax.get_xticklabels()] == ["1 кв. 2025", "2 кв. 2025", "3 кв. 2025",
                                                                  "4 кв. 2025"]
    (image,) = ax.images
    drawn = image.get_array()
    assert np.array_equal(drawn.mask, grid.isna().to_numpy())  # revenue per customer: the last period only
    assert np.array_equal(drawn.filled(-1), grid.fillna(-1).to_numpy())
    churn = expected_labels.index("Финансовый · Churn rate")
    assert matplotlib.colors.to_hex(image.to_rgba(drawn)[churn, 0]).upper() == "#D55E00"  # behind: vermillion
    cells = {(round(t.get_position()[0]), round(t.get_position()[1])): t.get_text() for t in ax.texts}
    assert cells[(0, churn)] == "19,5"  # 19.5 % in the first quarter, with a decimal comma
    assert len(cells) == len(table) == 73
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        catalog.label(charts, "ru", key) for key in ("met", "behind", "insufficient", "no_target")]
    assert flat(ax.get_title()) == flat(catalog.label(charts, "ru", "scorecard_title"))
    matplotlib.pyplot.close("all")


def test_a_survey_trend_carries_its_sampling_error():
    """NPS 50 → 49.9 → 49.8 with 300 answers a period is no trend (an unweighted regression called it p = 9e-11)."""
    rows = [("customer", "nps", f"Q{i} 2025", v, 30, np.nan, 300, "points", "higher")
            for i, v in enumerate([50.0, 49.9, 49.8], 1)]
    trend = scorecard.trends(scorecard.combine(card(rows), scorecard.derive(pd.DataFrame(columns=["period"]),
                                                                              pd.DataFrame())))
    row = trend.loc["nps"]
    assert row["basis"] == "sampling error" and not row["worsening"]
    assert row["p_value"] > 0.9 and row["slope"] == pytest.approx(-0.1)


def test_a_decade_of_falls_with_one_thin_year_is_worsening():
    """Each year weighs what its answers weigh: a year of 3 answers cannot hide ten years of falling satisfaction."""
    shares = [82.0, 80, 79, 77, 76, 74, 100, 71, 69, 68]
    n = [400, 400, 400, 400, 400, 400, 3, 400, 400, 400]
    rows = [("customer", "csat", str(2015 + i), v, 75, np.nan, k, "%", "higher") for i, (v, k) in
            enumerate(zip(shares, n))]
    table = scorecard.combine(card(rows), scorecard.derive(pd.DataFrame(columns=["period"]), pd.DataFrame()))
    from scipy import stats

    assert stats.linregress(range(10), shares).pvalue > 0.1  # the old rule: "not worsening"
    row = scorecard.trends(table).loc["csat"]
    assert row["basis"] == "sampling error" and row["worsening"] and row["p_adjusted"] < 0.001


def test_periods_in_time_order_not_as_text():
    rows = [("financial", "churn_rate", period, v, 15, np.nan, None, "%", "lower") for period, v in
            (("Q1 2025", 25.0), ("Q3 2024", 19.0), ("Q4 2024", 22.0))]
    result = scorecard.assess(card(rows), pd.DataFrame(columns=["period"]), pd.DataFrame())
    assert result.latest.loc["churn_rate", "period"] == "Q1 2025"
    trend = result.trends.loc["churn_rate"]
    assert (trend["first_period"], trend["last_period"], trend["first"]) == ("Q3 2024", "Q1 2025", 19.0)
    assert trend["slope"] == pytest.approx(3.0) and trend["basis"] == "descriptive"


def test_a_trend_without_n_is_descriptive_and_says_so(demo):
    _, result = demo
    churn = result.trends.loc["churn_rate"]
    assert churn["basis"] == "descriptive" and churn["worsening"] and np.isnan(churn["p_adjusted"])
    risks = result.levels.loc["financial", "risks"]
    assert any(item.startswith("Churn rate worsening") and "descriptive" in item for item in risks)
    assert result.trends.loc["nps", "basis"] == "sampling error"


def test_worsening_is_judged_in_the_family_of_claims(demo):
    client, result = demo
    extra = scorecard.trend_claims(result.trends)
    assert set(extra["metric"]) == {"enps", "self_assessed_superior_service", "mystery_shopping_score"}
    assert list(extra.columns) == cxlib.claims.COLUMNS
    family = cxlib.claims.family(client.answers, periods=client.periods, scales=client.config["scales"], extra=extra)
    # the family says eNPS is worsening: the scorecard follows it, citing the claim
    enps = family.index[(family["source"] == "scorecard") & (family["metric"] == "enps")][0]
    family.loc[enps, ["p_adjusted", "significant"]] = [0.001, True]
    judged = scorecard.rejudge(result, family, client.config)
    assert judged.trends.loc["enps", "worsening"] and judged.trends.loc["enps", "claim"] == family.loc[enps, "claim"]
    assert judged.levels.loc["learning_growth", "worsening"] == result.levels.loc["learning_growth", "worsening"] + 1
    # NPS, CSI and CSAT derived from the survey are judged by the survey's own company-wide trend claims
    nps = family[(family["source"] == "survey") & (family["by"] == "") & (family["kind"] == "trend")
                 & (family["metric"] == "nps")].iloc[0]
    assert judged.trends.loc["nps", "claim"] == nps["claim"]


def test_contacts_fill_the_operational_level_where_the_scorecard_is_silent(tmp_path):
    """FCR and resolution time from contacts.csv, marked with their source, only where scorecard.csv lacks them."""
    import shutil

    from cxlib.diagnosis import diagnose

    folder = shutil.copytree(DEMO, tmp_path / "demo")
    card = pd.read_csv(folder / "scorecard.csv")
    card[~card["metric"].isin(["first_contact_resolution", "resolution_time"])].to_csv(folder / "scorecard.csv",
                                                                                       index=False)
    table = diagnose(cxlib.load_client(folder)).scorecard.table.set_index(["metric", "period"])
    contacts = pd.read_csv(folder / "contacts.csv", parse_dates=["opened_at", "closed_at"])
    quarter = contacts["opened_at"].dt.to_period("Q").astype(str).str.replace("Q", "-Q", regex=False)
    flags = contacts["resolved_first_time"].map({True: 1.0, False: 0.0, "true": 1.0, "false": 0.0})
    for period, part in contacts.groupby(quarter):
        fcr = table.loc[("first_contact_resolution", period)]
        assert fcr["source"] == "contacts.csv"
        assert fcr["value"] == pytest.approx(100 * flags[part.index].mean())  # unknown flags left out, not "no"
        days = (part["closed_at"] - part["opened_at"]).dt.total_seconds().dropna() / 86400
        assert table.loc[("resolution_time", period), "value"] == pytest.approx(days.mean())
    given = diagnose(cxlib.load_client(DEMO)).scorecard.table
    assert set(given.loc[given["metric"] == "first_contact_resolution", "source"]) == {"scorecard.csv"}
