"""cxlib.metrics against values the code did not produce.

Sources: brendan-r/NPS tests (Rocks' R package), the Cavo 2012 table of
contingencytables (Fagerland, Lydersen & Laake), whuber's Cross Validated
example, MeasuringU's formulas, scipy and statsmodels, and small cases worked
by hand in the comments.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

import cxlib
from cxlib.metrics import (
    ADJUSTMENT,
    ces,
    csat,
    csi,
    holm,
    mean_diff,
    mean_from_counts,
    nps,
    nps_diff,
    nps_from_counts,
    nps_groups,
    nps_sample_size,
    score_counts,
    share,
    share_diff,
    wilson_interval,
)

# --------------------------------------------------------------------------- point estimates


def test_source_example_30_50_20_gives_nps_10():
    # METHODOLOGY.md section 4, from source article 003
    assert nps_from_counts(30, 50, 20).value == pytest.approx(10.0)
    assert nps([9] * 30 + [7] * 50 + [6] * 20).value == pytest.approx(10.0)


def test_detractors_are_0_to_6_not_below_six():
    # the source says "below six"; the standard (and the kit) counts 6 as a detractor
    assert nps_groups([6, 7, 8, 9, 10, 0]) == (2, 2, 2, 0)


@pytest.mark.parametrize("counts, variance, se", [
    # brendan-r/NPS tests/testthat/test_01_basics.R, counts as (det, pas, pro)
    ((1, 2, 3), 5 / 9, 0.304),
    ((1, 0, 1), 1.0, 0.707),
    ((0, 1, 1), 0.25, 0.354),
    ((1, 1, 1), 2 / 3, 0.471),
])
def test_wald_variance_and_se_match_rocks_package(counts, variance, se):
    detractors, passives, promoters = counts
    estimate = nps_from_counts(promoters, passives, detractors, method="wald")
    assert (estimate.se / 100) ** 2 * sum(counts) == pytest.approx(variance)
    assert estimate.se / 100 == pytest.approx(se, abs=0.001)


def test_whuber_cross_validated_example():
    # p = (1/2, 1/3, 1/6) for (promoters, passives, detractors): NPS = 1/3, variance 5/9
    estimate = nps_from_counts(3, 2, 1, method="wald")
    assert estimate.value == pytest.approx(100 / 3)
    assert estimate.se == pytest.approx(100 * math.sqrt(5 / 9 / 6))


# --------------------------------------------------------------------------- intervals


def test_cavo_table_wald_and_tango_match_published_limits():
    # contingencytables tests/testthat/test-ch8.R: rbind(c(59, 6), c(16, 80)) -> promoters 6, detractors 16, n 161
    wald = nps_from_counts(6, 139, 16, method="wald")
    assert (wald.low, wald.high) == pytest.approx((-11.84, -0.58), abs=0.01)
    tango = nps_from_counts(6, 139, 16, method="tango")
    assert (tango.low, tango.high) == pytest.approx((-12.40, -0.54), abs=0.01)


def test_adjusted_wald_by_hand():
    # 30/50/20 plus (3/4, 3/2, 3/4): 30.75/51.5/20.75 of 103 -> centre 0.097087, variance 0.490574
    centre = (30.75 - 20.75) / 103
    variance = (30.75 + 20.75) / 103 - centre**2
    half = stats.norm.ppf(0.975) * math.sqrt(variance / 103)
    estimate = nps_from_counts(30, 50, 20)
    assert (estimate.low, estimate.high) == pytest.approx((100 * (centre - half), 100 * (centre + half)))
    assert (round(estimate.low, 1), round(estimate.high, 1)) == (-3.8, 23.2)
    assert ADJUSTMENT == (0.75, 1.5, 0.75)


def test_adjusted_wald_equals_measuringu_recipe():
    # "add 3 to n, 3/4 to detractors and 3/4 to promoters" (MeasuringU); passives take the remaining 1.5
    promoters, passives, detractors = 41, 17, 12
    n = promoters + passives + detractors + 3
    p, d = (promoters + 0.75) / n, (detractors + 0.75) / n
    half = 1.959963984540054 * math.sqrt((p + d - (p - d) ** 2) / n)
    estimate = nps_from_counts(promoters, passives, detractors)
    assert estimate.low == pytest.approx(100 * (p - d - half))
    assert estimate.high == pytest.approx(100 * (p - d + half))


def test_tango_is_wider_than_wald_near_the_edge_and_stays_inside():
    all_promoters = nps_from_counts(20, 0, 0, method="tango")
    assert all_promoters.high == 100 and 60 < all_promoters.low < 80
    wald = nps_from_counts(20, 0, 0, method="wald")
    assert (wald.low, wald.high) == (100, 100)  # Wald degenerates; that is why it is not the default


def test_bootstrap_agrees_with_analytic_se_and_is_reproducible():
    estimate = nps_from_counts(480, 300, 220, method="bootstrap")
    analytic = nps_from_counts(480, 300, 220, method="wald")
    assert estimate.se == pytest.approx(analytic.se, rel=0.03)
    assert (estimate.low, estimate.high) == pytest.approx((analytic.low, analytic.high), abs=0.6)
    assert nps_from_counts(480, 300, 220, method="bootstrap") == estimate


def test_histogram_bootstrap_agrees_with_scipy_row_bootstrap():
    # the Bayesian bootstrap of the three groups (Dirichlet, Jeffreys' prior) against scipy's percentile bootstrap
    # of the rows: at n = 400 the prior's half answers and the Dirichlet's smoothing are within Monte-Carlo noise
    rng = np.random.default_rng(5)
    scores = rng.choice(np.arange(11), size=400, p=np.full(11, 1 / 11))
    recoded = np.where(scores >= 9, 1.0, np.where(scores <= 6, -1.0, 0.0))
    scipy_result = stats.bootstrap((recoded,), np.mean, n_resamples=20_000, method="percentile",
                                   random_state=np.random.default_rng(6), vectorized=True)
    ours = nps(scores, method="bootstrap", replicates=20_000)
    assert ours.low == pytest.approx(100 * scipy_result.confidence_interval.low, abs=0.8)
    assert ours.high == pytest.approx(100 * scipy_result.confidence_interval.high, abs=0.8)
    assert ours.se == pytest.approx(100 * scipy_result.standard_error, rel=0.03)


def exact_coverage(n: int, split: tuple[float, float, float], method: str) -> float:
    """Probability that the interval covers the true NPS, summed over every trinomial outcome."""
    truth = 100 * (split[0] - split[2])
    total = 0.0
    for promoters in range(n + 1):
        for detractors in range(n + 1 - promoters):
            passives = n - promoters - detractors
            probability = stats.multinomial.pmf([promoters, passives, detractors], n, split)
            if probability < 1e-14:
                continue
            estimate = nps_from_counts(promoters, passives, detractors, method=method)
            if estimate.low <= truth <= estimate.high:
                total += probability
    return total


@pytest.mark.parametrize("n", [30, 100])
def test_adjusted_wald_coverage_is_nominal_by_exact_enumeration(n):
    assert exact_coverage(n, (0.40, 0.35, 0.25), "adjusted-wald") == pytest.approx(0.95, abs=0.005)


@pytest.mark.parametrize("method, n, reference", [
    # exact coverages from the research note's independent script (section 7, split 40/35/25)
    ("adjusted-wald", 30, 0.9496), ("adjusted-wald", 100, 0.9490), ("tango", 30, 0.9503), ("wald", 30, 0.9375),
])
def test_exact_coverage_matches_independent_reference(method, n, reference):
    assert exact_coverage(n, (0.40, 0.35, 0.25), method) == pytest.approx(reference, abs=0.00015)


def test_wald_undercovers_at_small_n_which_is_why_it_is_not_the_default():
    assert exact_coverage(10, (0.05, 0.05, 0.90), "wald") < 0.7


# --------------------------------------------------------------------------- comparisons


def test_nps_diff_wald_by_hand():
    # a: 50/30/20 of 100 (NPS .30, var .61); b: 30/40/30 of 100 (NPS 0, var .60)
    se = math.sqrt(0.61 / 100 + 0.60 / 100)
    result = nps_diff((50, 30, 20), (30, 40, 30), method="wald")
    assert result.diff == pytest.approx(30.0)
    assert result.se == pytest.approx(100 * se)
    assert result.z == pytest.approx(0.30 / se)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(0.30 / se))
    assert result.low == pytest.approx(100 * (0.30 - 1.959963984540054 * se))


def test_nps_diff_accepts_raw_scores_and_counts_alike():
    a = [10] * 50 + [8] * 30 + [3] * 20
    b = [9] * 30 + [7] * 40 + [0] * 30
    assert nps_diff(a, b).to_dict() == nps_diff((50, 30, 20), (30, 40, 30)).to_dict()
    assert nps_diff(a, b).significant


def test_nps_diff_rejects_tango():
    with pytest.raises(ValueError, match="Tango"):
        nps_diff((1, 1, 1), (1, 1, 1), method="tango")


def test_share_diff_matches_statsmodels():
    result = share_diff(45, 60, 30, 60)
    low, high = confint_proportions_2indep(45, 60, 30, 60, method="newcomb", compare="diff")
    assert (result.low, result.high) == pytest.approx((100 * low, 100 * high))
    assert result.p_value == pytest.approx(proportions_ztest([45, 30], [60, 60])[1])


def test_mean_diff_matches_scipy_welch():
    a, b = [3, 4, 4, 5, 5, 2, 5], [1, 2, 3, 4, 5, 3]
    result = mean_diff(np.bincount(np.array(a) - 1, minlength=5), np.bincount(np.array(b) - 1, minlength=5), (1, 5))
    reference = stats.ttest_ind(a, b, equal_var=False)
    assert result.z == pytest.approx(reference.statistic)
    assert result.p_value == pytest.approx(reference.pvalue)
    interval = reference.confidence_interval()
    assert (result.low, result.high) == pytest.approx((interval.low, interval.high))


def test_holm_matches_statsmodels():
    p = [0.01, 0.04, 0.03, 0.2, 0.001, np.nan]
    reference = multipletests(p[:-1], method="holm")[1]
    assert holm(p)[:-1] == pytest.approx(reference)
    assert np.isnan(holm(p)[-1])


# --------------------------------------------------------------------------- shares and means


def test_wilson_matches_published_and_scipy_and_statsmodels():
    # contingencytables test-ch2.R, Ligarden 13/16: Wilson 0.5699 to 0.9341
    assert wilson_interval(13, 16) == pytest.approx((0.5699, 0.9341), abs=1e-4)
    scipy_ci = stats.binomtest(13, 16).proportion_ci(method="wilson")
    assert wilson_interval(13, 16) == pytest.approx((scipy_ci.low, scipy_ci.high))
    for k, n, level in [(0, 10, 0.95), (10, 10, 0.9), (37, 120, 0.99)]:
        assert wilson_interval(k, n, level) == pytest.approx(proportion_confint(k, n, 1 - level, method="wilson"))


def test_csat_is_the_top_two_box_share():
    estimate = csat([5, 4, 4, 3, 2, 5, 1, 2, None])
    assert (estimate.value, estimate.n, estimate.missing, estimate.unit) == (pytest.approx(50.0), 8, 1, "%")
    # four successes and four failures: beyond Brown-Cai-DasGupta's x* = 2, so plain Wilson
    scipy_ci = stats.binomtest(4, 8).proportion_ci(method="wilson")
    assert (estimate.low, estimate.high) == pytest.approx((100 * scipy_ci.low, 100 * scipy_ci.high))


def test_csi_t_interval_matches_scipy():
    scores = [5, 4, 4, 3, 5, 2, 4, 4, 5, 3]
    reference = stats.ttest_1samp(scores, 0).confidence_interval()
    estimate = csi(scores, method="t")
    assert estimate.value == pytest.approx(np.mean(scores))
    assert (estimate.low, estimate.high) == pytest.approx((reference.low, reference.high))


def test_csi_index_maps_the_interval_linearly():
    scores = [5, 4, 4, 3, 5, 2, 4, 4, 5, 3]
    mean, index = csi(scores), csi(scores, as_index=True)
    assert index.value == pytest.approx((mean.value - 1) / 4 * 100)
    assert index.low == pytest.approx((mean.low - 1) / 4 * 100)
    assert index.unit == "index 0–100"


def test_ces_states_scale_and_direction():
    estimate = ces([10, 30, 25], scale=(0, 100), higher_is="harder")
    assert estimate.unit == "mean 0–100, higher = harder"
    assert estimate.value == pytest.approx(65 / 3)
    with pytest.raises(ValueError, match="whole numbers from 1 to 7; found 8"):
        ces([8])


# --------------------------------------------------------------------------- sample size


def test_sample_size_is_the_smallest_n_that_fits_the_margin():
    split, margin = (0.3, 0.5, 0.2), 10
    n = nps_sample_size(margin, split)

    def half_width(size: int) -> float:
        # MeasuringU's adjusted Wald at the expected split: add 3/4 to promoters and detractors, 3 to n
        p, d = (split[0] * size + 0.75) / (size + 3), (split[2] * size + 0.75) / (size + 3)
        return 100 * stats.norm.ppf(0.975) * math.sqrt((p + d - (p - d) ** 2) / (size + 3))

    assert half_width(n) <= margin < half_width(n - 1)


def test_sample_size_close_to_measuringu_closed_form():
    # n = z^2 * V / E^2 - 3 with V at the planning split (MeasuringU, nps-ci-sample-size)
    for split, margin in [((0.3, 0.5, 0.2), 10), ((0.45, 0.35, 0.2), 5), ((0.6, 0.3, 0.1), 3)]:
        p, d = split[0], split[2]
        closed = math.ceil(stats.norm.ppf(0.975) ** 2 * (p + d - (p - d) ** 2) / (margin / 100) ** 2 - 3)
        assert abs(nps_sample_size(margin, split) - closed) <= 2


def test_sample_size_rejects_nonsense():
    with pytest.raises(ValueError, match="three non-negative shares"):
        nps_sample_size(5, (0.5, 0.5))
    with pytest.raises(ValueError, match="must be positive"):
        nps_sample_size(0, (0.3, 0.5, 0.2))


# --------------------------------------------------------------------------- weights


def test_weighted_nps_matches_linearised_reference_example():
    # research note section 5 (checked there against samplics' TaylorEstimator): NPS_w = -0.035714,
    # SE_lin = 0.301381, interval with t on 11 degrees of freedom (-0.699050, 0.627621)
    scores = [10, 9, 9, 8, 7, 6, 5, 10, 3, 9, 8, 0]
    weights = [1.0, 0.5, 2.0, 1.0, 1.5, 0.8, 1.2, 0.7, 2.5, 1.0, 0.6, 1.2]
    estimate = nps(scores, weights=weights, method="wald")
    assert estimate.value == pytest.approx(-3.5714, abs=1e-4)
    assert estimate.se == pytest.approx(30.1381, abs=1e-4)
    assert (estimate.low, estimate.high) == pytest.approx((-69.9050, 62.7621), abs=1e-4)
    assert estimate.method == "linearised-wald" and estimate.n == 12
    # n_eff: the per-answer variance at the weighted split over the linearised variance
    p, d = 5.2 / 14.0, 5.7 / 14.0  # weights of promoters (10, 9, 9, 10, 9) and detractors (6, 5, 3, 0) of 14
    assert estimate.n_eff == pytest.approx((p + d - (p - d) ** 2) / 0.301381**2, rel=1e-5)


def test_equal_weights_give_the_t_test_of_the_recoded_answers():
    # with equal weights the linearised SE is the sample SD over sqrt(n): the one-sample t interval of +1/0/-1
    scores = [10, 9, 9, 8, 7, 6, 5]
    recoded = [1, 1, 1, 0, 0, -1, -1]
    weighted = nps(scores, weights=[2.0] * 7, method="wald")
    reference = stats.ttest_1samp(recoded, 0).confidence_interval()
    assert (weighted.low, weighted.high) == pytest.approx((100 * reference.low, 100 * reference.high))
    assert weighted.value == pytest.approx(nps(scores).value)
    # the adjusted default: n* = (p + d - NPS^2) / SE^2 = n - 1 = 6 effective answers, t on 6 degrees of freedom
    adjusted = nps(scores, weights=[2.0] * 7)
    p, d = 3 / 7 * 6 + 0.75, 2 / 7 * 6 + 0.75  # passives 2 / 7 * 6 + 1.5: 9 in all
    centre, spread = (p - d) / 9, (p + d) / 9 - ((p - d) / 9) ** 2
    half = stats.t.ppf(0.975, 6) * math.sqrt(spread / 9)
    assert (adjusted.low, adjusted.high) == pytest.approx((100 * (centre - half), 100 * (centre + half)))
    assert adjusted.n_eff == pytest.approx(6.0)


def test_weights_align_by_index_and_skip_zero_weights():
    import pandas as pd

    scores = pd.Series([10, 0, 9], index=["a", "b", "c"])
    weights = pd.Series([0.0, 1.0, 1.0], index=["a", "c", "b"])  # b and c swapped, a weighs nothing
    estimate = nps(scores, weights=weights, method="wald")
    assert estimate.n == 2 and estimate.value == pytest.approx(0.0)
    one_group = nps([10] * 5, weights=[1, 2, 3, 4, 5])
    assert one_group.low < 100  # the adjusted interval does not collapse


def test_zero_spread_gives_no_test_rather_than_p_zero():
    assert math.isnan(nps_diff((1, 0, 0), (0, 0, 1), method="wald").p_value)
    assert math.isnan(mean_diff([0, 0, 0, 0, 2], [0, 0, 0, 2, 0], (1, 5)).p_value)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="numbers; found 'nine'"):
        nps(["9", "nine", ""])
    assert nps(["9", "", None]).n == 1
    with pytest.raises(ValueError, match="not true/false"):
        nps([True, False])
    with pytest.raises(ValueError, match="one column"):
        nps([[9, 10], [1, 2]])
    with pytest.raises(ValueError, match="whole numbers"):
        nps_from_counts(1.5, 0, 0)
    with pytest.raises(ValueError, match="top must count"):
        csat([5, 4], top=0)
    with pytest.raises(ValueError, match="level"):
        nps([], level=95)


# --------------------------------------------------------------------------- edge cases


def test_no_answers_is_a_clear_nan_not_a_crash():
    for estimate in (nps([]), nps([None, None]), csat([]), csi([])):
        assert math.isnan(estimate.value) and estimate.n == 0 and estimate.note == "no answers"
    assert str(nps([None, None])) == "NPS: no estimate (no answers)"
    assert nps([None, None]).missing == 2


def test_all_promoters_and_a_single_answer():
    everyone = nps([10] * 25)
    assert everyone.value == 100 and everyone.high == 100 and everyone.low < 100
    single = nps([9])
    assert single.value == 100 and single.n == 1 and single.low < 0  # one answer says almost nothing
    assert math.isnan(csi([4]).low) and csi([4]).note == "one answer: no interval"


def test_out_of_range_scores_are_named():
    with pytest.raises(ValueError, match=r"NPS scores must be whole numbers from 0 to 10; found -1 \(1 answer\), "
                                         r"7.5 \(1 answer\), 11 \(2 answers\)"):
        nps([11, 11, -1, 7.5, 9])


def test_numeric_arrays_are_checked_as_strictly_as_lists():
    # numpy arrays and Series of a numeric dtype skip the per-answer reading; they must fail the same way
    import pandas as pd

    bad = [11, 11, -1, 7.5, 9, math.inf]
    messages = set()
    for scores in (bad, np.array(bad), pd.Series(bad), pd.Series(bad, dtype="Float64")):
        with pytest.raises(ValueError, match="NPS scores must be whole numbers from 0 to 10") as raised:
            nps(scores)
        messages.add(str(raised.value))
    assert len(messages) == 1
    for flags in (np.array([True, False]), pd.Series([True, False]), pd.Series([True, None], dtype="boolean")):
        with pytest.raises(ValueError, match="NPS scores must be numbers, not true/false values"):
            nps(flags)
    with pytest.raises(ValueError, match=r"one column of answers; got an array of shape \(2, 2\)"):
        nps(np.array([[9, 10], [1, 2]]))
    for scores in (np.array([10, 9, 3], dtype=np.uint8), np.array([10.0, 9.0, 3.0], dtype=np.float32),
                   pd.Series([10, 9, 3], dtype="Int64")):
        assert nps(scores) == nps([10, 9, 3])


def test_blank_scores_are_counted_not_dropped_silently():
    estimate = nps(np.array([10, np.nan, 6, np.nan]))
    assert estimate.n == 2 and estimate.missing == 2
    assert str(estimate).endswith("2 blank answers left out")


def test_nullable_pandas_scores():
    import pandas as pd

    scores = pd.Series([10, None, 3], dtype="Int64")
    assert score_counts(scores, 0, 10)[1] == 1
    assert nps(scores).n == 2


def test_estimate_is_readable_and_tabular():
    estimate = nps_from_counts(30, 50, 20)
    assert str(estimate) == "NPS 10.0 [-3.8, 23.2] (95% CI, n = 100, adjusted Wald)"
    row = estimate.to_frame()
    assert list(row.columns[:8]) == ["metric", "value", "low", "high", "n", "level", "method", "se"]
    assert str(share(45, 60, metric="CSAT")) == "CSAT 75.0% [62.8, 84.2] (95% CI, n = 60, modified Wilson)"


def test_other_levels_widen_and_narrow():
    narrow, wide = nps_from_counts(30, 50, 20, level=0.8), nps_from_counts(30, 50, 20, level=0.99)
    assert wide.high - wide.low > narrow.high - narrow.low
    with pytest.raises(ValueError, match="level"):
        nps_from_counts(30, 50, 20, level=95)


PUBLIC = {"nps": "metrics", "nps_from_counts": "metrics", "nps_diff": "metrics", "csat": "metrics",
          "csi": "metrics", "ces": "metrics", "nps_sample_size": "metrics", "Estimate": "metrics",
          "Comparison": "metrics", "summarize": "survey", "changes": "survey"}


@pytest.mark.parametrize("name", list(PUBLIC))
def test_public_api_is_reexported(name):
    """``cxlib.<name>`` is the home module's own object (not a stale copy), documented as the style asks."""
    import importlib
    import inspect

    value = getattr(cxlib, name)
    assert value is getattr(importlib.import_module(f"cxlib.{PUBLIC[name]}"), name)
    assert callable(value)
    doc = inspect.getdoc(value) or ""
    assert doc.split("\n", 1)[0].strip(), f"{name} has no summary line"
    section = "Attributes\n----------" if inspect.isclass(value) else "Examples\n--------"
    assert section in doc, f"{name}'s docstring has no {section.splitlines()[0]} section"


def test_public_api_computes_from_the_top_level():
    """The re-exported names work as called in the notebooks: two promoters and one detractor of four is NPS 25."""
    assert cxlib.nps([10, 9, 0, 8]).value == 25.0
    assert cxlib.csat([5, 4, 2, 1], scale=(1, 5)).value == 50.0
    assert cxlib.nps_diff((30, 50, 20), (20, 50, 30)).diff == pytest.approx(20.0)


def test_mean_from_counts_matches_scipy_and_the_adjusted_recipe_by_hand():
    scores = [1, 2, 2, 3, 5, 5, 5, 4]  # mean 27/8 = 3.375
    counts = np.bincount(np.array(scores) - 1, minlength=5)
    plain = mean_from_counts(counts, (1, 5), method="t")
    expected = stats.t.interval(0.95, 7, loc=np.mean(scores), scale=stats.sem(scores))
    assert (plain.value, plain.n) == (3.375, 8)
    assert (plain.low, plain.high) == pytest.approx(expected)
    # adjusted t: half an answer added at 1 and at 5 -> weights 1.5, 2, 1, 1, 3.5 (9 answers), centre 30/9;
    # its spread over 9 - 1, the t quantile with the raw sample's 7 degrees of freedom; the value stays 3.375
    weights, values = np.array([1.5, 2, 1, 1, 3.5]), np.arange(1, 6)
    centre = 30 / 9
    se = math.sqrt((weights * (values - centre) ** 2).sum() / 8 / 9)
    adjusted = mean_from_counts(counts, (1, 5))
    assert adjusted.value == 3.375 and adjusted.method == "adjusted-t"
    assert (adjusted.low, adjusted.high) == pytest.approx(stats.t.interval(0.95, 7, loc=centre, scale=se))
    assert csi(scores).to_dict() == {**adjusted.to_dict(), "metric": "CSI"}  # csi reads the same counts
