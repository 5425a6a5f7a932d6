"""Survey analyses: tidy results, tests that hold, and the demo's planted findings found."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import cxlib
import cxlib.plots
from cxlib import catalog

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
    # by hand: the phone answers 10, 3, 6, 9 are two promoters and two detractors; adjusted Wald adds ¾, 1½, ¾
    assert (phone_nps["value"], phone_nps["n"]) == (0.0, 4)
    assert phone_nps["low"] == pytest.approx(-100 * 1.959964 * math.sqrt(5.5 / 7 / 7))
    phone_csat = table[(table["channel"] == "phone") & (table["metric"] == "csat")].iloc[0]
    assert phone_csat["value"] == 50.0  # CSI 5, 2, 3, 5: two of four answer 4 or 5
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
    # by hand: CSI 5, 4, 2, 4 then 3, 5, 5, 4 are three of four satisfied both times: no change at all
    assert (row["value_from"], row["value_to"], row["diff"], row["p_value"]) == (75.0, 75.0, 0.0, 1.0)
    assert row["p_holm"] == row["p_value"]  # one comparison: Holm leaves it as it is


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


def test_reasons_name_the_clients_own_codes_in_its_language():
    client = cxlib.load_client(Path(__file__).resolve().parents[1] / "data" / "cases" / "volga_bank")
    own = client.config["reason_codes"]
    table = cxlib.reasons(client.survey, language="ru", labels=own).set_index("reason")
    assert table.loc["paperwork", "label"] == own["paperwork"] == "Слишком много документов и визитов"
    assert table.loc["", "label"] == "(причина не указана)"
    assert table["label"].str.contains("[а-яё]", case=False).all()  # no code left as written, no English
    assert cxlib.reasons(client.survey).set_index("reason").loc["paperwork", "label"] == "paperwork"  # none given


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


def flat(text: str) -> str:
    """A drawn text as one line: wrapping and no-break spaces are layout, not words."""
    return " ".join(text.split())


def chart_text(key: str, language: str, **values: str) -> str:
    return flat(catalog.label(catalog.load("report")["charts"], language, key).format(**values))


def nps_by_hand(scores: pd.Series) -> float:
    """NPS straight from the 0–10 answers: promoters answer 9 or 10, detractors 0 to 6."""
    scores = scores.dropna()
    return 100 * ((scores >= 9).sum() - (scores <= 6).sum()) / len(scores)


def test_intervals_chart_draws_each_channel_in_each_period(client):
    by = cxlib.summarize(client.survey, by=["period", "channel"], metrics=["nps"])
    expected = client.survey.groupby(["channel", "period"])["nps"].apply(nps_by_hand).unstack()
    ax = cxlib.plots.intervals(by, x="period", hue="channel", language="ru")
    quarters = ["1 кв. 2025", "2 кв. 2025", "3 кв. 2025", "4 кв. 2025"]
    assert [flat(t.get_text()) for t in ax.get_xticklabels()] == quarters
    assert len(ax.containers) == 4  # one series of dots per channel
    for container, channel in zip(ax.containers, ["app", "phone", "walk_in", "website"]):
        dots = container.lines[0]
        x = np.asarray(dots.get_xdata(), dtype=float)
        assert np.round(x).tolist() == [0, 1, 2, 3] and np.abs(x - np.round(x)).max() < 0.5
        assert np.asarray(dots.get_ydata(), dtype=float) == pytest.approx(expected.loc[channel].to_numpy())
        ends = [sorted(segment[:, 1]) for segment in container.lines[2][0].get_segments()]
        rows = by[by["channel"] == channel]
        assert np.array(ends) == pytest.approx(rows[["low", "high"]].to_numpy(dtype=float))
    assert expected.loc["app", "2025-Q1"] == pytest.approx(34.4)  # 125 answers in the first quarter
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["приложение", "телефон", "личный визит", "сайт"]
    assert legend.get_title().get_text() == "канал"
    assert flat(ax.get_ylabel()) == chart_text("nps_axis", "ru")
    assert flat(ax.get_title()) == "NPS с 95 % доверительными интервалами"
    matplotlib.pyplot.close("all")


def test_composition_chart_stacks_each_channel(client):
    composition = cxlib.nps_composition(client.survey, by="channel")
    assert np.allclose(composition[["promoter", "passive", "detractor"]].sum(axis=1), 100)
    answers = client.survey.dropna(subset=["nps"]).groupby("channel")["nps"]
    share = pd.DataFrame({"detractor": answers.apply(lambda s: 100 * (s <= 6).mean()),
                          "passive": answers.apply(lambda s: 100 * s.between(7, 8).mean()),
                          "promoter": answers.apply(lambda s: 100 * (s >= 9).mean())})
    ax = cxlib.plots.composition(composition, by="channel")
    assert [flat(t.get_text()) for t in ax.get_yticklabels()] == ["app", "phone", "walk-in", "website"]
    assert len(ax.containers) == 3  # detractors, then passives, then promoters
    left = np.zeros(4)
    for bars, group in zip(ax.containers, share):
        assert bars.datavalues == pytest.approx(share[group].to_numpy())
        assert [bar.get_x() for bar in bars] == pytest.approx(left)  # each share starts where the last ended
        left += share[group].to_numpy()
    nps, n = share["promoter"] - share["detractor"], answers.size()
    notes = [f"NPS {round(v):+d} (answers: {k})" for v, k in zip(nps, n)]
    assert notes[0] == "NPS +31 (answers: 490)"
    assert [t.get_text() for t in ax.texts][-4:] == notes
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["detractors", "passives", "promoters"]
    assert (flat(ax.get_title()), flat(ax.get_xlabel())) == (chart_text("composition_title", "en"),
                                                             chart_text("share_of_answers", "en"))
    matplotlib.pyplot.close("all")


def test_loyalty_matrix_chart_shades_each_cell_by_its_share(client):
    matrix = cxlib.loyalty_matrix(client.survey, client.customers)
    cells = matrix.set_index(["behaviour", "attitude"])
    ax = cxlib.plots.loyalty_matrix(matrix, language="ru")
    (image,) = ax.images
    expected = [[cells.loc[(b, a), "share"] for a in ("promoter", "passive", "detractor")]
                for b in ("repeat", "lapsed")]
    assert np.asarray(image.get_array(), dtype=float) == pytest.approx(np.array(expected))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["промоутеры", "нейтралы", "критики"]
    assert [flat(t.get_text()) for t in ax.get_yticklabels()] == ["покупает повторно", "перестал покупать"]
    names = ["преданные сторонники", "покупают по привычке", "заложники", "наёмники", "дрейфующие", "перебежчики"]
    drawn = [flat(t.get_text()) for t in ax.texts]
    assert drawn == [f"{name} {share:.0f} % клиентов {revenue:.0f} % выручки" for name, share, revenue
                     in zip(names, matrix["share"], matrix["revenue_share"])]
    assert drawn[2] == "заложники 8 % клиентов 23 % выручки"  # hostages: few customers, much revenue
    assert (flat(ax.get_xlabel()), flat(ax.get_ylabel()), flat(ax.get_title())) == (
        chart_text("attitude", "ru"), chart_text("behaviour", "ru"), chart_text("loyalty_title", "ru"))
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
