"""Survey analyses: tidy results, tests that hold, and the demo's planted findings found."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import cxlib
import cxlib.plots

matplotlib.use("Agg")
DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


@pytest.fixture(scope="module")
def client():
    return cxlib.load_client(DEMO)


def tiny_survey() -> pd.DataFrame:
    return pd.DataFrame({
        "response_id": [f"R{i}" for i in range(8)],
        "date": pd.to_datetime(["2025-01-05"] * 4 + ["2025-04-05"] * 4),
        "period": ["2025-Q1"] * 4 + ["2025-Q2"] * 4,
        "channel": ["phone", "web"] * 4,
        "customer_id": ["A", "B", "C", "D", "A", "B", "", "D"],
        "nps": pd.array([10, 9, 3, 8, 6, 10, 9, None], dtype="Int64"),
        "csi": pd.array([5, 4, 2, 4, 3, 5, 5, 4], dtype="Int64"),
        "ces": pd.array([7, 6, 2, 5, 3, 7, 6, 5], dtype="Int64"),
        "reason_code": ["praise", "", "booking", "", "booking", "praise", "", ""],
        "contact_at": pd.to_datetime([None, None, "2025-01-05 10:00", None, "2025-04-05 09:00", None, None, None]),
        "followed_up_at": pd.to_datetime([None, None, "2025-01-05 10:30", None, None, None, None, None]),
    })


def test_summarize_is_tidy_and_matches_the_direct_calls():
    survey = tiny_survey()
    table = cxlib.summarize(survey, by="channel", metrics=["nps", "csat"])
    assert list(table.columns[:4]) == ["channel", "metric", "value", "low"]
    phone_nps = table[(table["channel"] == "phone") & (table["metric"] == "nps")].iloc[0]
    direct = cxlib.nps(survey.loc[survey["channel"] == "phone", "nps"])
    assert (phone_nps["value"], phone_nps["low"], phone_nps["n"]) == (direct.value, direct.low, direct.n)
    web = table[(table["channel"] == "web") & (table["metric"] == "nps")].iloc[0]
    assert web["missing"] == 1  # the blank answer is counted


def test_ces_uses_the_clients_scale():
    survey = tiny_survey()
    table = cxlib.summarize(survey, metrics=["ces"], scales={"ces": {"min": 1, "max": 7, "higher_is": "easier"}})
    assert table["unit"].iloc[0] == "mean 1–7, higher = easier"


def test_changes_are_later_minus_earlier_with_holm():
    table = cxlib.changes(tiny_survey(), "csat")
    row = table.iloc[0]
    assert (row["from"], row["to"]) == ("2025-Q1", "2025-Q2")
    assert row["diff"] == pytest.approx(row["value_to"] - row["value_from"])
    assert row["p_holm"] >= row["p_value"]


def test_closed_loop_counts_missed_and_untimed():
    survey = tiny_survey()
    survey.loc[5, "nps"] = 2  # a low score with no contact time
    table = cxlib.closed_loop(survey, by=None)
    row = table.iloc[0]
    assert (row["low_scores"], row["untimed"], row["followed_up"], row["on_time"]) == (3, 1, 1, 1)
    assert row["share"] == pytest.approx(50.0)


def test_reasons_keep_blank_reasons_as_a_row():
    table = cxlib.reasons(tiny_survey())
    assert "(no reason given)" in set(table["label"])
    assert table["count_low"].sum() == 2


def test_loyalty_matrix_partitions_answering_customers():
    survey = tiny_survey()
    customers = pd.DataFrame({"customer_id": ["A", "B", "C", "D", "E"], "revenue_12m": [100.0, 50, 25, 25, 10],
                              "purchases_12m": [5, 1, 3, 2, 1], "tenure_months": [1] * 5,
                              "churned": pd.array([False, False, True, False, False])})
    matrix = cxlib.loyalty_matrix(survey, customers)
    assert matrix["customers"].sum() == 4 and matrix.attrs["not_answered"] == 1
    cells = matrix.set_index("segment")
    assert cells.loc["hostages", "customers"] == 1        # A: latest answer 6, five purchases
    assert cells.loc["defectors", "customers"] == 1       # C: detractor and churned
    assert cells.loc["mercenaries", "customers"] == 1     # B: promoter, one purchase
    assert cells.loc["habitual buyers", "customers"] == 1  # D: passive (its blank later answer ignored)
    assert matrix["revenue_share"].sum() == pytest.approx(100.0)


# --------------------------------------------------------------------------- the demo's planted findings


def test_demo_phone_drop_is_the_largest_significant_change(client):
    """Planted: the phone channel's Q4 collapse, and May's failed booking-line switch-over (the Q2 dip and its
    recovery); within this one table's correction nothing else is significant."""
    table = cxlib.changes(client.survey, "nps", within="channel")
    significant = table[table["significant"]]
    found = set(zip(significant["channel"], significant["from"], significant["to"]))
    assert ("phone", "2025-Q3", "2025-Q4") in found
    may = {(channel, start, end) for channel in ("phone", "website")  # the outage hit calls and online bookings
           for start, end in (("2025-Q1", "2025-Q2"), ("2025-Q2", "2025-Q3"))}
    assert found <= {("phone", "2025-Q3", "2025-Q4")} | may
    largest = significant.loc[significant["diff"].idxmin()]
    assert (largest["channel"], largest["to"]) == ("phone", "2025-Q4") and largest["diff"] < -20


def test_demo_company_wide_q4_change_is_not_significant_but_the_may_dip_is(client):
    table = cxlib.changes(client.survey, "nps").set_index("to")
    assert not table.loc["2025-Q4", "significant"]
    assert table.loc["2025-Q2", "significant"] and table.loc["2025-Q2", "diff"] < -10


def test_demo_booking_and_delays_drive_detractors(client):
    table = cxlib.reasons(client.survey)
    assert table["reason"].iloc[:2].tolist() == ["booking", "delay_not_announced"]
    assert table["drives"].iloc[:2].all()


def test_demo_closed_loop_misses_the_hour(client):
    overall = cxlib.closed_loop(client.survey).set_index("channel").loc["all"]
    assert overall["high"] < 10


def test_demo_hostages_carry_more_revenue_than_their_share(client):
    hostages = cxlib.loyalty_matrix(client.survey, client.customers).set_index("segment").loc["hostages"]
    assert hostages["revenue_share"] > 2 * hostages["share"] > 10


def test_charts_return_axes(client):
    by = cxlib.summarize(client.survey, by=["period", "channel"], metrics=["nps"])
    assert isinstance(cxlib.plots.intervals(by, x="period", hue="channel"), matplotlib.axes.Axes)
    composition = cxlib.nps_composition(client.survey, by="channel")
    assert np.allclose(composition[["promoter", "passive", "detractor"]].sum(axis=1), 100)
    assert isinstance(cxlib.plots.composition(composition, by="channel"), matplotlib.axes.Axes)
    matrix = cxlib.loyalty_matrix(client.survey, client.customers)
    assert isinstance(cxlib.plots.loyalty_matrix(matrix), matplotlib.axes.Axes)
    matplotlib.pyplot.close("all")


def test_renamed_periods_stay_in_time_order():
    survey = tiny_survey()
    survey["period"] = survey["period"].map({"2025-Q1": "Winter 2025", "2025-Q2": "Spring 2025"})
    row = cxlib.changes(survey, "csat").iloc[0]
    assert (row["from"], row["to"]) == ("Winter 2025", "Spring 2025")


def test_versus_rest_with_repeated_index_labels():
    survey = pd.concat([tiny_survey(), tiny_survey()])  # two waves: index labels repeat
    table = cxlib.versus_rest(survey, by="channel", metric="csat")
    assert table["n_rest"].tolist() == [8, 8]


def test_blank_group_values_are_a_group_not_lost():
    survey = tiny_survey()
    survey["channel"] = survey["channel"].astype(object)
    survey.loc[0, "channel"] = None
    table = cxlib.summarize(survey, by="channel", metrics=["csat"])
    assert table["n"].sum() == 8


def test_empty_inputs_do_not_crash():
    survey = tiny_survey()
    empty = cxlib.summarize(survey.iloc[:0], metrics=["nps"]).iloc[0]
    assert empty["n"] == 0 and np.isnan(empty["value"])
    assert cxlib.changes(survey[survey["period"] == "2025-Q1"], "nps").empty
    survey["reason_code"] = survey["reason_code"].astype(object)
    survey.loc[2, "reason_code"] = None
    assert cxlib.reasons(survey)["count_low"].sum() == 2
