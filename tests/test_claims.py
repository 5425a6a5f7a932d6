"""One family of claims: the building blocks against outside references, and the family's error rate, power and
attribution by simulation (fixed seeds, kept small for CI)."""

from __future__ import annotations

import math
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxlib
from cxlib import catalog, claims, scorecard
from cxlib.metrics import mean_diff, nps_diff

KIT_ROOT = Path(__file__).resolve().parents[1]
DEMO = KIT_ROOT / "data" / "demo"
sys.path.insert(0, str(Path(__file__).resolve().parent))


# --------------------------------------------------------------------------- building blocks


def adjusted_nps(promoters: int, passives: int, detractors: int) -> tuple[float, float]:
    """An NPS's centre and variance on the −1…1 scale with the adjusted-Wald pseudo-answers (¾, 1½, ¾)."""
    p, d, n = promoters + 0.75, detractors + 0.75, promoters + passives + detractors + 3
    centre = (p - d) / n
    return centre, (p / n + d / n - centre**2) / n


def normal_p(z: float) -> float:
    """Two-sided p-value of a standard normal statistic, from the error function."""
    return 2 * (1 - 0.5 * (1 + math.erf(abs(z) / math.sqrt(2))))


def test_interaction_by_hand():
    """A channel's NPS change minus the rest's, worked with the adjusted-Wald pseudo-answers (¾, 1½, ¾)."""
    cells = {"g_later": (20, 30, 50), "g_earlier": (50, 30, 20), "r_later": (400, 350, 250),
             "r_earlier": (400, 350, 250)}
    (c1, v1), (c2, v2), (c3, v3), (c4, v4) = (adjusted_nps(*cells[k]) for k in cells)
    centre, se = 100 * ((c1 - c2) - (c3 - c4)), 100 * math.sqrt(v1 + v2 + v3 + v4)
    assert (round(centre, 2), round(se, 2)) == (-58.25, 11.44)  # -0.582524 and 0.114378 on the -1..1 scale

    result = claims.interaction("nps", *cells.values())
    assert result.diff == pytest.approx(-60.0)  # raw NPS: (-30 - 30) - (15 - 15)
    assert (result.low + result.high) / 2 == pytest.approx(centre, abs=1e-9)
    assert result.se == pytest.approx(se, abs=1e-9)
    assert result.p_value == pytest.approx(normal_p(centre / se), rel=1e-9)


def test_interaction_of_means_is_the_ols_interaction_with_hc2_errors():
    """For a mean, the difference in differences equals the interaction of a saturated OLS; its SE, HC2's."""
    sm = pytest.importorskip("statsmodels.formula.api")
    rng = np.random.default_rng(11)
    rows = []
    for group, period, size, shift in (("g", 0, 40, 0.0), ("g", 1, 55, -0.6), ("r", 0, 200, 0.0), ("r", 1, 180, 0.1)):
        answers = np.clip(np.round(rng.normal(3.8 + shift, 1.0, size)), 1, 5)
        rows += [(group == "g", period, a) for a in answers]
    frame = pd.DataFrame(rows, columns=["g", "later", "y"]).astype({"g": int})
    fit = sm.ols("y ~ g * later", frame).fit(cov_type="HC2")

    def cell(g, later):
        return frame.loc[(frame["g"] == g) & (frame["later"] == later), "y"].tolist()

    result = claims.interaction("csi", cell(1, 1), cell(1, 0), cell(0, 1), cell(0, 0))
    assert result.diff == pytest.approx(fit.params["g:later"], abs=1e-12)
    assert result.se == pytest.approx(fit.bse["g:later"], rel=1e-10)


def test_a_change_is_the_two_sample_test_of_cxlib_metrics():
    """A claim's change is the very test the chapters print (cxlib.metrics), and that test is the textbook one."""
    nps = claims.contrast("nps", [(1, (30, 50, 20)), (-1, (20, 50, 30))])
    reference = nps_diff((30, 50, 20), (20, 50, 30))
    assert (nps.diff, nps.low, nps.high, nps.p_value) == pytest.approx(
        (reference.diff, reference.low, reference.high, reference.p_value), abs=1e-9)
    # by hand: centres ±10/103 on the −1…1 scale, each variance (51.5/103 − (10/103)²)/103
    (c1, v1), (c2, v2) = adjusted_nps(30, 50, 20), adjusted_nps(20, 50, 30)
    se = math.sqrt(v1 + v2)
    assert (c1 - c2, se) == pytest.approx((20 / 103, 0.0976), abs=1e-4)
    assert nps.diff == pytest.approx(20.0)  # NPS 10 against NPS −10
    assert (nps.low, nps.high) == pytest.approx((100 * (c1 - c2 - 1.959964 * se), 100 * (c1 - c2 + 1.959964 * se)))
    assert (round(nps.low, 1), round(nps.high, 1), round(nps.p_value, 4)) == (0.3, 38.5, 0.0466)
    assert nps.p_value == pytest.approx(normal_p((c1 - c2) / se), rel=1e-9)

    later, earlier = np.array([1, 2, 5, 9, 3.0]), np.array([2, 3, 6, 5, 4.0])
    csi = claims.contrast("csi", [(1, later), (-1, earlier)])
    reference = mean_diff(later, earlier, (1, 5))
    assert (csi.diff, csi.low, csi.high, csi.p_value) == pytest.approx(
        (reference.diff, reference.low, reference.high, reference.p_value), abs=1e-9)
    # Welch's test on the answers themselves (the counts are of answers 1 to 5), by scipy
    from scipy import stats

    a, b = np.repeat(np.arange(1, 6), later.astype(int)), np.repeat(np.arange(1, 6), earlier.astype(int))
    welch = stats.ttest_ind(a, b, equal_var=False)
    interval = welch.confidence_interval(0.95)
    assert csi.diff == pytest.approx(a.mean() - b.mean())
    assert (csi.low, csi.high, csi.p_value) == pytest.approx((interval.low, interval.high, welch.pvalue), rel=1e-9)


def test_weighted_trend_is_weighted_least_squares():
    sm = pytest.importorskip("statsmodels.api")
    x = np.arange(5.0)
    se = np.array([2.0, 6.0, 3.0, 10.0, 2.5])
    X = sm.add_constant(x)
    # close to a line: the sampling error explains the scatter, the slope's SE is the fixed-scale one
    near = np.array([40.0, 37.5, 35.2, 31.0, 28.1])
    trend = claims.weighted_trend(near, se)
    fixed = sm.WLS(near, X, weights=1 / se**2).fit(cov_type="fixed scale")
    assert trend.dispersion == 1.0
    assert (trend.slope, trend.se, trend.p_value) == pytest.approx((fixed.params[1], fixed.bse[1], fixed.pvalues[1]))
    # scattered: the slope's variance grows by the excess scatter, as in WLS with an estimated scale
    scattered = np.array([40.0, 20.0, 45.0, 10.0, 28.0])
    trend = claims.weighted_trend(scattered, se)
    estimated = sm.WLS(scattered, X, weights=1 / se**2).fit()
    assert trend.dispersion > 1
    assert (trend.slope, trend.se) == pytest.approx((estimated.params[1], estimated.bse[1]))


def test_a_trend_through_estimated_standard_errors_is_a_t_test_by_hand():
    """Three periods, SE 1 each estimated from two answers (1 df): the slope's terms are w·dx²/Σw·dx² squared,
    1/4, 0 and 1/4, so its Welch–Satterthwaite df is (1/2)² / (1/16 + 1/16) = 2; slope 1, SE √(1/2)."""
    from scipy import stats

    trend = claims.weighted_trend([0.0, 0.0, 2.0], [1.0, 1.0, 1.0], df=[1, 1, 1])
    assert (trend.slope, trend.se, trend.df) == pytest.approx((1.0, math.sqrt(0.5), 2.0))
    assert trend.p_value == pytest.approx(2 * stats.t.sf(1 / math.sqrt(0.5), 2))
    assert trend.high == pytest.approx(1 + stats.t.ppf(0.975, 2) * math.sqrt(0.5))
    known = claims.weighted_trend([0.0, 0.0, 2.0], [1.0, 1.0, 1.0])  # standard errors taken as known: a z-test
    assert known.df == math.inf and known.p_value == pytest.approx(2 * stats.norm.sf(1 / math.sqrt(0.5)))


def test_trends_through_a_few_answers_a_period_keep_their_error_rate():
    """Nothing changes; 4 periods of 3 or 5 CES answers each (fixed seed, 4,000 series). With each period's SE
    taken as known, 10.6% (n = 3) and 8.6% (n = 5) of the trends were "significant" at 5%, and 1.8% and 1.0% at
    0.001, the depth a family's Holm threshold reaches; the t-test with the slope's own df gives 4.5% and 5.8%
    at 5%, 0% and 0.1% at 0.001."""
    from cxlib.claims.contrasts import _estimates
    from cxlib.claims.trend import _trend_arrays

    rng = np.random.default_rng(20251130)
    for n in (3, 5):
        counts = rng.multinomial(n, CES, size=(4000, 4)).astype(float)
        cells = _estimates("ces", counts, (1, 7))
        fit = _trend_arrays(cells["centre"], np.sqrt(cells["variance"]), np.arange(4.0), 0.95, 3, cells["df"])
        p = fit["p_value"][np.isfinite(fit["p_value"])]
        assert (p < 0.05).mean() <= monte_carlo_bound(0.05, p.size) + 0.01, n  # an approximation: 5.8% at n = 5
        assert (p < 0.001).mean() <= monte_carlo_bound(0.001, p.size), n


def test_a_year_of_three_answers_weighs_what_three_answers_weigh():
    """A ten-year fall, significant end to end, with one odd year of three answers."""
    values = np.array([42.0, 40, 37, 36, 33, 30, 100, 26, 23, 20])  # year 7: three promoters
    n = np.array([400, 400, 400, 400, 400, 400, 3, 400, 400, 400])
    se = np.sqrt(0.6 / n) * 100
    se[6] = 57.0  # adjusted Wald for three promoters out of three
    from scipy import stats

    plain = stats.linregress(np.arange(10), values)
    assert plain.pvalue > 0.1  # the unweighted line sees no fall
    trend = claims.weighted_trend(values, se)
    assert trend.slope < 0 and trend.p_value < 1e-6
    assert trend.span == 9


def test_weighted_holm():
    p = [0.001, 0.02, 0.04, np.nan, 0.5]
    # equal weights are Holm's: sorted 0.001, 0.02, 0.04, 0.5 times 4, 3, 2, 1, then the running maximum
    assert np.allclose(claims.weighted_holm(p), [0.004, 0.06, 0.08, np.nan, 0.5], equal_nan=True)
    # weights 1/2, 1/4, 1/4: the second is tested at α/4 first, then the first at α/2 of the 3/4 left
    adjusted = claims.weighted_holm([0.02, 0.001, 0.3], [2, 1, 1])
    assert adjusted.tolist() == pytest.approx([0.02 / 0.5 * 0.75, 0.001 / 0.25, 0.3 / 0.25 * 0.25])


def test_headline_pools_a_thin_latest_period():
    answers = pd.Series({"Q1": 1400, "Q2": 1500, "Q3": 1545, "Q4": 21})
    assert claims.headline_periods(answers, min_answers=30, min_share=0.25) == ["Q3", "Q4"]
    assert claims.headline_periods(answers.iloc[:3], min_answers=30, min_share=0.25) == ["Q3"]
    assert claims.headline_periods(pd.Series({"Q1": 5, "Q2": 4}), min_answers=30, min_share=0.25) == ["Q1", "Q2"]
    assert claims.headline_periods(pd.Series(dtype=int), min_answers=30, min_share=0.25) == []


# --------------------------------------------------------------------------- the family on real tables


@pytest.fixture(scope="module")
def demo():
    client = cxlib.load_client(DEMO)
    return client, claims.family(client.answers, periods=client.periods, scales=client.config["scales"])


def test_the_demo_family(demo):
    client, table = demo
    assert table.attrs["tested"] == len(table) == 4 * (1 + 4 + 2) * 5  # metrics × (company, channels, segments) × kinds
    assert set(table["kind"]) == {"period-on-period", "first-to-last", "trend"}
    stated = table[table["significant"]]
    # planted: the phone channel's Q4 collapse, and May's outage (a company-wide Q2 dip and its recovery in Q3)
    assert set(zip(stated["metric"], stated["group"], stated["kind"], stated["to"])) == {
        ("nps", "phone", "period-on-period", "2025-Q4"), ("nps", "phone", "first-to-last", "2025-Q4"),
        ("nps", "(all)", "period-on-period", "2025-Q2"), ("nps", "(all)", "period-on-period", "2025-Q3"),
        ("ces", "(all)", "period-on-period", "2025-Q2"), ("ces", "(all)", "period-on-period", "2025-Q3"),
        ("csi", "(all)", "period-on-period", "2025-Q3")}
    phone = stated[stated["group"] == "phone"]
    drop = phone[phone["kind"] == "period-on-period"].iloc[0]
    assert (drop["from"], drop["to"], drop["worse"]) == ("2025-Q3", "2025-Q4", True)
    assert drop["vs_rest"] < drop["diff"] < -30
    # the company-wide Q4 figure did not move significantly: the phone channel is where it happened
    company = table[(table["by"] == "") & (table["metric"] == "nps") & (table["to"] == "2025-Q4")]
    assert not company["significant"].any()
    # the same raw p-value as the per-table test of chapter 04, a larger family to survive
    per_table = cxlib.changes(client.survey, "nps", within="channel").set_index(["channel", "from", "to"])
    assert drop["p_own"] == pytest.approx(per_table.loc[("phone", "2025-Q3", "2025-Q4"), "p_value"], rel=1e-9)
    # and that p-value, from the phone answers counted here: the adjusted-Wald z test
    phone_answers = client.survey[client.survey["channel"] == "phone"]
    (c1, v1), (c2, v2) = (adjusted_nps(*nps_groups(phone_answers.loc[phone_answers["period"] == p, "nps"]))
                          for p in ("2025-Q4", "2025-Q3"))
    assert drop["p_own"] == pytest.approx(normal_p((c1 - c2) / math.sqrt(v1 + v2)), rel=1e-9)


def nps_groups(scores: pd.Series) -> tuple[int, int, int]:
    """Promoters (9–10), passives (7–8) and detractors (0–6) among 0–10 answers, blanks left out."""
    scores = scores.dropna()
    return int((scores >= 9).sum()), int(scores.between(7, 8).sum()), int((scores <= 6).sum())


def test_the_family_from_counts_equals_the_family_from_rows(demo):
    client, table = demo
    from_counts = claims.family(client.counts, periods=client.periods, scales=client.config["scales"])
    pd.testing.assert_frame_equal(table, from_counts)
    # one row of both, against the answers counted here: the phone NPS from the third quarter to the fourth
    phone = client.survey[client.survey["channel"] == "phone"]
    row = from_counts.set_index(["metric", "group", "kind", "to"]).loc[("nps", "phone", "period-on-period", "2025-Q4")]
    for period, side in (("2025-Q3", "from"), ("2025-Q4", "to")):
        promoters, passives, detractors = nps_groups(phone.loc[phone["period"] == period, "nps"])
        n = promoters + passives + detractors
        assert (row[f"value_{side}"], row[f"n_{side}"]) == pytest.approx((100 * (promoters - detractors) / n, n))
    assert (row["value_from"], row["n_from"], row["value_to"], row["n_to"]) == pytest.approx(
        (27.68, 224, -7.69, 208), abs=0.005)  # 62 more promoters than detractors of 224; 16 fewer of 208


def test_periods_in_time_order_not_as_text():
    rows = [(period, "web", "a", "nps", score, k) for period, split in
            (("Q3 2024", (60, 20, 20)), ("Q4 2024", (50, 25, 25)), ("Q1 2025", (30, 30, 40)))
            for score, k in zip((10, 8, 3), split)]
    table = pd.DataFrame(rows, columns=["period", "channel", "segment", "question", "score", "n"])
    found = claims.collect(table, ["nps"])
    long = found[found["kind"] == "first-to-last"].iloc[0]
    assert (long["from"], long["to"]) == ("Q3 2024", "Q1 2025") and long["diff"] == pytest.approx(-50)


def test_ces_direction_follows_the_scale():
    rows = [(period, "x", "y", "ces", score, k) for period, counts in (("2025-Q1", (50, 50)), ("2025-Q2", (20, 80)))
            for score, k in zip((2, 4), counts)]
    table = pd.DataFrame(rows, columns=["period", "channel", "segment", "question", "score", "n"])
    harder = claims.collect(table, ["ces"], scales={"ces": {"min": 1, "max": 5, "higher_is": "harder"}}).iloc[0]
    easier = claims.collect(table, ["ces"], scales={"ces": {"min": 1, "max": 5, "higher_is": "easier"}}).iloc[0]
    assert harder["diff"] > 0 and harder["worse"] and not easier["worse"]


def test_thin_cells_are_listed_not_tested():
    rows = [("2025-Q1", "web", "a", "csi", 4, 30), ("2025-Q1", "web", "a", "csi", 5, 30),
            ("2025-Q2", "web", "a", "csi", 3, 30), ("2025-Q2", "web", "a", "csi", 5, 30),
            ("2025-Q1", "fax", "a", "csi", 2, 1), ("2025-Q2", "fax", "a", "csi", 5, 1)]
    table = pd.DataFrame(rows, columns=["period", "channel", "segment", "question", "score", "n"])
    found = claims.family(table, ["csi"])
    fax = found[(found["group"] == "fax") & (found["metric"] == "csi")].iloc[0]
    assert np.isnan(fax["p"]) and not fax["significant"]
    assert found.attrs["tested"] == int(found["p"].notna().sum())


def test_a_group_is_compared_only_from_the_catalogues_minimum_answers_a_period():
    """29 NPS answers a period in the phone channel, all promoters then all detractors: a fall no test needs to
    prove, and still untested below [claims] min_answers (30); with 30 a period it is tested and stated."""
    assert claims.MIN_ANSWERS == catalog.load("report")["claims"]["min_answers"] == 30

    def survey(n: int) -> pd.DataFrame:
        rows = [("2025-Q1", "phone", 10, n), ("2025-Q2", "phone", 0, n)]
        rows += [("2025-Q1", "web", 9, 100), ("2025-Q1", "web", 3, 50), ("2025-Q2", "web", 9, 100),
                 ("2025-Q2", "web", 3, 50)]
        return pd.DataFrame([(period, channel, "", "nps", score, count) for period, channel, score, count in rows],
                            columns=["period", "channel", "segment", "question", "score", "n"])

    thin = claims.family(survey(29), ["nps"]).set_index("group").loc["phone"]
    assert np.isnan(thin["p"]) and not thin["significant"] and thin["n_from"] == 29
    enough = claims.family(survey(30), ["nps"]).set_index("group").loc["phone"]
    assert enough["p"] < 1e-6 and enough["significant"]


def test_many_small_channels_keep_the_familys_error_rate():
    """60 channels of 8 answers a cell (split 70/30 into two segments), nothing changes. Tested from two answers a
    cell, 6.5% of 600 simulated reports stated a change (6.2% with 16 answers a cell, of 1,200); with the
    catalogue's minimum of 30 answers a period, 1.3% and 1.7%, and 4.9% with 30 (1,500 reports)."""
    replicates = 200
    reports = run(20251130, replicates, np.broadcast_to(NPS_BASE, (60, 4, 11)), n=8)
    assert sum(len(stated) > 0 for stated in reports) / replicates <= monte_carlo_bound(0.05, replicates)


# --------------------------------------------------------------------------- the diagnosis states claims only


def test_every_change_the_diagnosis_states_is_a_significant_claim():
    client = cxlib.load_client(DEMO)
    result = cxlib.diagnosis.diagnose(client)
    changes = result.changes.set_index("claim")
    cited = [c for cell in result.recommendations["claims"] for c in cell.split(", ") if c]
    assert cited and set(cited) <= set(changes.index)
    assert changes.loc[cited, "significant"].all()
    phone_claims = set(changes.index[(changes["source"] == "survey") & (changes["group"] == "phone")])
    lead = result.recommendations[[bool(set(cell.split(", ")) & phone_claims)
                                   for cell in result.recommendations["claims"]]].iloc[0]
    assert lead["recommendation"] == "Find out what changed in the phone channel in 2025-Q4."
    assert f"one of {result.changes.attrs['tested']} claims tested" in lead["evidence"]
    assert result.scorecard.levels["worsening"].sum() == result.scorecard.latest["worsening"].sum()
    assert (result.changes["p_holm"] == result.changes["p_adjusted"]).all()


def test_a_thin_latest_period_is_pooled_for_the_headline(tmp_path):
    folder = Path(shutil.copytree(DEMO, tmp_path / "thin"))
    survey = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    last = survey[survey["date"] >= "2025-10-01"]
    survey = survey.drop(last.index[21:])
    survey.to_csv(folder / "survey.csv", index=False)
    result = cxlib.diagnosis.diagnose(cxlib.load_client(folder))
    assert result.headline == ["2025-Q3", "2025-Q4"]
    assert set(result.metrics["period"]) == {"2025-Q3–2025-Q4"}
    assert result.metrics.set_index("metric").loc["nps", "n"] == 600 + 21
    assert any(note.startswith("The latest period, 2025-Q4, holds only 21 answers") for note in result.notes)


@pytest.mark.parametrize("shape, sentence", [
    ("no_nps", "NPS: the survey has no answers to it"),
    ("single_period", "Changes over time: the survey covers one period"),
    ("group_of_one", "comparisons were not tested: a group has too few answers"),
    ("counts_only", "they need one row per response"),
    ("only_nps", "Changes by channel: every answer carries the same channel"),
])
def test_shapes_of_real_surveys_diagnose_and_say_what_is_missing(shape, sentence, tmp_path):
    from support import shapes

    client = cxlib.load_client(shapes.make(shape, tmp_path / shape))
    result = cxlib.diagnosis.diagnose(client)
    assert any(sentence in item for item in result.skipped), result.skipped
    assert set(result.changes.columns) >= {"metric", "group", "from", "to", "diff", "low", "high", "p", "p_adjusted",
                                            "significant", "kind"}
    cited = [c for cell in result.recommendations["claims"] for c in cell.split(", ") if c]
    assert result.changes.set_index("claim").loc[cited, "significant"].all()


# --------------------------------------------------------------------------- simulation


NPS_BASE = np.array([0.20 / 7] * 7 + [0.35 / 2] * 2 + [0.45 / 2] * 2)  # 45% promoters, 20% detractors: NPS 25
NPS_DROP = np.array([0.40 / 7] * 7 + [0.35 / 2] * 2 + [0.25 / 2] * 2)  # NPS -15: 40 points lower
NPS_ALL_LOWER = np.array([0.30 / 7] * 7 + [0.35 / 2] * 2 + [0.35 / 2] * 2)  # NPS 5: 20 points lower
CSI = np.array([0.05, 0.08, 0.17, 0.40, 0.30])
CES = np.array([0.04, 0.05, 0.08, 0.13, 0.20, 0.25, 0.25])
SCALES = {"ces": {"min": 1, "max": 7, "higher_is": "easier"}}
PERIODS = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]


def simulate(rng, nps: np.ndarray, *, n: int = 150) -> pd.DataFrame:
    """Survey counts: channels × periods (``nps`` holds each cell's 0–10 probabilities), 150 answers a cell,
    split 70/30 between two segments; CSI and CES the same everywhere (CSAT is CSI's top-2 box)."""
    channels, periods = nps.shape[:2]
    retail = rng.binomial(n, 0.7, size=(channels, periods))
    sizes = np.stack([retail, n - retail], axis=-1)  # [channel, period, segment]
    frames = []
    for question, probabilities, low in (("nps", nps[:, :, None, :], 0), ("csi", CSI, 1), ("ces", CES, 1)):
        probabilities = np.broadcast_to(probabilities, sizes.shape + (np.shape(probabilities)[-1],))
        counts = rng.multinomial(sizes, probabilities)
        c, t, s, score = np.nonzero(counts)
        frames.append(pd.DataFrame({"period": np.array(PERIODS, dtype=object)[t],
                                    "segment": np.array(["retail", "business"], dtype=object)[s],
                                    "channel": np.char.add("ch", (c + 1).astype(str)).astype(object),
                                    "question": question, "score": score + low, "n": counts[c, t, s, score]}))
    return pd.concat(frames, ignore_index=True)


def run(seed: int, replicates: int, nps: np.ndarray, n: int = 150) -> list[pd.DataFrame]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(replicates):
        table = claims.family(simulate(rng, nps, n=n), periods=PERIODS, scales=SCALES)
        out.append(table[table["significant"]])
    return out


def monte_carlo_bound(rate: float, replicates: int) -> float:
    return rate + 2 * math.sqrt(rate * (1 - rate) / replicates)


def test_family_wise_false_claims_under_a_true_null():
    """8 channels × 4 periods × 4 metrics × 2 segments (220 claims), nothing changes: at most 5% of reports claim
    anything (with the Monte-Carlo error of 300 reports); 1,000 reports gave 2.1%."""
    replicates = 300
    nps = np.broadcast_to(NPS_BASE, (8, 4, 11))
    reports = run(20250601, replicates, nps)
    false = sum(len(stated) > 0 for stated in reports) / replicates
    assert false <= monte_carlo_bound(0.05, replicates)


def test_a_channels_drop_is_found_and_named():
    """One channel's NPS falls 40 points from the third quarter on, 150 answers a cell: found and the channel named in
    at least 80% of reports; the company-wide NPS is not named for it, nor any other channel."""
    replicates = 200
    nps = np.array(np.broadcast_to(NPS_BASE, (8, 4, 11)))
    nps[0, 2:] = NPS_DROP
    reports = run(20250602, replicates, nps)
    named = sum(((s["metric"] == "nps") & (s["group"] == "ch1")).any() for s in reports) / replicates
    company = sum(((s["metric"] == "nps") & (s["by"] == "")).any() for s in reports) / replicates
    others = sum(((s["by"] != "") & (s["group"] != "ch1")).any() for s in reports) / replicates
    assert named >= 0.80
    assert company <= monte_carlo_bound(0.05, replicates)  # its 5-point share of the drop is rarely a claim
    assert others <= monte_carlo_bound(0.05, replicates)


def test_a_company_wide_drop_is_not_blamed_on_a_channel():
    """Every channel's NPS falls 20 points in the last quarter: the company-wide drop is found, no channel is named."""
    replicates = 150
    nps = np.array(np.broadcast_to(NPS_BASE, (8, 4, 11)))
    nps[:, 3] = NPS_ALL_LOWER
    reports = run(20250603, replicates, nps)
    company = sum(((s["metric"] == "nps") & (s["by"] == "")).any() for s in reports) / replicates
    blamed = sum((s["by"] != "").any() for s in reports) / replicates
    assert company >= 0.95
    assert blamed <= monte_carlo_bound(0.05, replicates)


def derived_rows(survey: pd.DataFrame) -> pd.DataFrame:
    """NPS, CSI and CSAT per period as :func:`cxlib.scorecard.derive` gives them, from the counts directly."""
    from cxlib.metrics import mean_from_counts, nps_from_counts, share

    rows = []
    for period in PERIODS:
        part = survey[survey["period"] == period]
        nps = part[part["question"] == "nps"].groupby("score")["n"].sum().reindex(range(11), fill_value=0).to_numpy()
        csi = part[part["question"] == "csi"].groupby("score")["n"].sum().reindex(range(1, 6), fill_value=0).to_numpy()
        for metric, estimate in (("nps", nps_from_counts(int(nps[9:].sum()), int(nps[7:9].sum()), int(nps[:7].sum()))),
                                 ("csi", mean_from_counts(csi, (1, 5))), ("csat", share(int(csi[3:].sum()),
                                                                                       int(csi.sum())))):
            rows.append({"level": "customer", "metric": metric, "period": period, "value": estimate.value,
                         "n": estimate.n, "low": estimate.low, "high": estimate.high,
                         "source": "derived from survey_counts.csv"})
    return pd.DataFrame(rows)


def test_derived_rows_by_hand():
    """The simulation's inputs are the kit's own estimators (as the scorecard derives them): one period worked out."""
    from statsmodels.stats.proportion import proportion_confint

    counts = pd.DataFrame([{"period": period, "question": question, "score": score, "n": n} for period in PERIODS
                           for question, score, n in (("nps", 10, 45), ("nps", 8, 35), ("nps", 3, 20), ("csi", 1, 5),
                                                      ("csi", 2, 8), ("csi", 3, 17), ("csi", 4, 40), ("csi", 5, 30))])
    rows = derived_rows(counts).set_index(["period", "metric"]).loc["2024-Q1"]
    centre, variance = adjusted_nps(45, 35, 20)
    half = 1.959964 * math.sqrt(variance)
    assert rows.loc["nps", ["value", "n", "low", "high"]].tolist() == pytest.approx(
        [25.0, 100, 100 * (centre - half), 100 * (centre + half)])  # 45 − 20 of 100; about 9.5 to 39.1
    assert rows.loc["csi", ["value", "n"]].tolist() == pytest.approx([3.82, 100])  # (5 + 16 + 51 + 160 + 150) / 100
    assert rows.loc["csi", "low"] < 3.82 < rows.loc["csi", "high"]
    wilson = proportion_confint(70, 100, method="wilson")
    assert rows.loc["csat", ["value", "n", "low", "high"]].tolist() == pytest.approx(
        [70.0, 100, 100 * wilson[0], 100 * wilson[1]])  # answers 4 and 5: 40 + 30 of 100


def test_scorecard_survey_trends_under_a_true_null():
    """The scorecard's NPS, CSI and CSAT trends carry their sampling error: under no change, at most 5% of runs flag
    any of them worsening (the unweighted regression flagged 12.7%)."""
    replicates = 200
    rng = np.random.default_rng(20250604)
    nps = np.broadcast_to(NPS_BASE, (2, 4, 11))
    empty = pd.DataFrame(columns=["level", "metric", "period", "value", "target", "benchmark", "n", "unit",
                                  "direction"])
    worsening = 0
    for _ in range(replicates):
        table = scorecard.combine(empty, derived_rows(simulate(rng, nps)))
        trend = scorecard.trends(table)
        assert (trend["basis"] == "sampling error").all()
        worsening += trend["worsening"].any()
    assert worsening / replicates <= monte_carlo_bound(0.05, replicates)
