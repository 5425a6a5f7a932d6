"""Intervals that hold their estimate, are never zero-width, and cover: cxlib.metrics against values it did not produce.

Hand-worked cases (the arithmetic is in the comments), scipy and statsmodels
where they compute the same quantity, and coverage by exact enumeration or by
simulation with fixed seeds, each test a few seconds at most. A simulated
coverage is held to 0.93 less two Monte-Carlo standard errors.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from cxlib.metrics import (
    csi,
    interval_from_value,
    mean_from_counts,
    nps,
    nps_from_counts,
    nps_sample_size,
    share,
    wilson_interval,
)

Z = stats.norm.ppf(0.975)


def tolerance(runs: int, coverage: float = 0.93) -> float:
    """0.93 less two Monte-Carlo standard errors of a coverage measured on ``runs`` surveys."""
    return coverage - 2 * math.sqrt(coverage * (1 - coverage) / runs)


# --------------------------------------------------------------------------- hand-worked cases


def test_one_promoter_interval_holds_the_estimate():
    # adjusted: 1.75 / 1.5 / 0.75 of 4 -> centre 0.25, variance 2.5/4 - 0.0625 = 0.5625, SE sqrt(0.5625/4) = 0.375;
    # limits 0.25 -/+ 1.959964 * 0.375 = -0.48499, 0.98499: the upper one is moved to the estimate, 100
    estimate = nps_from_counts(1, 0, 0)
    assert estimate.value == 100
    assert estimate.low == pytest.approx(100 * (0.25 - Z * 0.375))
    assert round(estimate.low, 1) == -48.5 and estimate.high == 100
    mirrored = nps_from_counts(0, 0, 1)
    assert (mirrored.low, mirrored.high) == (-100, pytest.approx(100 * (-0.25 + Z * 0.375)))


def test_ten_fives_have_an_interval_of_honest_width():
    # half an answer added at 1 and at 5: 0.5 x 1 and 10.5 x 5 of 11 -> centre 53/11 = 4.818182;
    # variance (0.5 (1 - 4.818182)^2 + 10.5 (5 - 4.818182)^2) / 10 = (7.289256 + 0.347107) / 10 = 0.763636;
    # SE sqrt(0.763636 / 11) = 0.263480; t(0.975, 9) = 2.262157 -> lower limit 4.818182 - 0.596032 = 4.222150;
    # the upper one is clipped at 5
    estimate = csi([5] * 10)
    assert estimate.value == 5
    assert estimate.low == pytest.approx(4.222150, abs=1e-6)
    assert estimate.high == 5
    assert estimate.se == pytest.approx(0.263480, abs=1e-6)


def test_adjusted_t_is_the_frequency_weighted_t_of_the_augmented_answers():
    # statsmodels' DescrStatsW with the counts plus half an answer at each end as frequency weights gives the
    # same centre and SE; the t quantile keeps the n - 1 degrees of freedom of the real answers
    counts = np.array([1, 0, 3, 9, 27])
    augmented = counts + np.array([0.5, 0, 0, 0, 0.5])
    reference = DescrStatsW(np.arange(1, 6), weights=augmented, ddof=1)
    estimate = mean_from_counts(counts, (1, 5))
    half = stats.t.ppf(0.975, counts.sum() - 1) * reference.std_mean
    assert estimate.se == pytest.approx(reference.std_mean)
    assert (estimate.low, estimate.high) == pytest.approx((reference.mean - half, min(reference.mean + half, 5)))
    assert estimate.value == pytest.approx(np.arange(1, 6) @ counts / counts.sum())  # the value stays the raw mean


def test_plain_t_is_still_there_and_matches_scipy():
    scores = [5, 5, 5, 4, 5, 1, 5, 4, 5, 5, 3, 5]
    reference = stats.ttest_1samp(scores, 0).confidence_interval()
    estimate = csi(scores, method="t")
    assert (estimate.low, estimate.high) == pytest.approx((reference.low, min(reference.high, 5)))


# --------------------------------------------------------------------------- shares


@pytest.mark.parametrize("successes, n", [(4, 30), (26, 30), (15, 30), (4, 100), (96, 100), (500, 1000)])
def test_modified_wilson_is_wilson_away_from_the_ends(successes, n):
    assert wilson_interval(successes, n, modified=True) == pytest.approx(
        proportion_confint(successes, n, 0.05, method="wilson"))


@pytest.mark.parametrize("successes, n, cutoff", [(1, 30, 2), (2, 50, 2), (1, 100, 3), (3, 1000, 3)])
def test_modified_wilson_lower_limit_is_the_exact_poisson_one_near_zero(successes, n, cutoff):
    # Brown, Cai & DasGupta (2001, 4.1.1): for 1 <= x <= x* the lower limit is the one-sided Poisson limit
    # chi2(2x) quantile alpha / 2n, i.e. the gamma(x) quantile alpha over n; the upper limit stays Wilson's
    low, high = wilson_interval(successes, n, modified=True)
    assert low * n == pytest.approx(stats.gamma.ppf(0.05, successes))
    assert high == pytest.approx(proportion_confint(successes, n, 0.05, method="wilson")[1])
    assert low < proportion_confint(successes, n, 0.05, method="wilson")[0]  # never narrower than Wilson
    # and the mirror image near 100%
    low_f, high_f = wilson_interval(n - successes, n, modified=True)
    assert (low_f, high_f) == pytest.approx((1 - high, 1 - low))
    assert successes <= cutoff


def test_modified_wilson_leaves_three_answers_alone_at_small_n():
    # x* is 2 up to n = 50: three successes keep Wilson's limits
    assert wilson_interval(3, 40, modified=True) == pytest.approx(proportion_confint(3, 40, 0.05, method="wilson"))


@pytest.mark.parametrize("n", [30, 100])
@pytest.mark.parametrize("truth", [0.9, 0.95, 0.98, 0.99, 0.995])
def test_share_covers_skewed_splits_exactly(n, truth):
    # exact binomial coverage; plain Wilson is 0.86 at n = 30, 99.5% and 0.91 at n = 100, 99.5%
    successes = np.arange(n + 1)
    covered = 0.0
    for k in successes:
        estimate = share(int(k), n)
        if estimate.low <= 100 * truth <= estimate.high:
            covered += stats.binom.pmf(k, n, truth)
    assert covered >= 0.93


# --------------------------------------------------------------------------- the Bayesian bootstrap


def test_bayesian_bootstrap_has_the_dirichlet_moments():
    # Dirichlet(P + 1/2, M + 1/2, D + 1/2) = (12.5, 6.5, 2.5), a0 = 21.5: E[p - d] = 10/21.5,
    # Var[p - d] = (aP (a0 - aP) + aD (a0 - aD) + 2 aP aD) / (a0^2 (a0 + 1))
    a_p, a_m, a_d = 12.5, 6.5, 2.5
    a0 = a_p + a_m + a_d
    variance = (a_p * (a0 - a_p) + a_d * (a0 - a_d) + 2 * a_p * a_d) / (a0**2 * (a0 + 1))
    estimate = nps_from_counts(12, 6, 2, method="bootstrap")
    assert estimate.se / 100 == pytest.approx(math.sqrt(variance), rel=0.02)
    draws = stats.dirichlet.rvs([a_p, a_m, a_d], size=200_000, random_state=np.random.default_rng(11))
    reference = np.quantile(draws[:, 0] - draws[:, 2], [0.025, 0.975])
    assert (estimate.low, estimate.high) == pytest.approx(tuple(100 * reference), abs=1.0)
    assert estimate.value == 50.0


def test_bayesian_bootstrap_is_reproducible_and_names_itself():
    first, second = nps_from_counts(27, 2, 1, method="bootstrap"), nps_from_counts(27, 2, 1, method="bootstrap")
    assert first == second
    assert "Bayesian bootstrap" in str(first)


# --------------------------------------------------------------------------- containment and width, any counts


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40),
       st.sampled_from(["adjusted-wald", "tango", "bootstrap"]))
def test_every_nps_interval_holds_its_estimate_and_has_width(promoters, passives, detractors, method):
    if promoters + passives + detractors == 0:
        return
    estimate = nps_from_counts(promoters, passives, detractors, method=method, replicates=2000)
    assert estimate.low <= estimate.value <= estimate.high
    assert estimate.high - estimate.low > 0
    assert -100 <= estimate.low and estimate.high <= 100


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=2, max_size=11), st.integers(-1, 1))
def test_every_mean_interval_holds_its_estimate_and_has_width(counts, start):
    if sum(counts) < 2:
        return
    scale = (start, start + len(counts) - 1)
    estimate = mean_from_counts(counts, scale)
    assert estimate.low <= estimate.value <= estimate.high
    assert estimate.high - estimate.low > 0
    assert scale[0] <= estimate.low and estimate.high <= scale[1]


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 500), st.floats(0, 1))
def test_every_share_interval_holds_its_estimate_and_has_width(n, fraction):
    estimate = share(round(fraction * n), n)
    assert estimate.low <= estimate.value <= estimate.high
    assert estimate.high - estimate.low > 0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=30), st.lists(st.floats(0.1, 10), min_size=30, max_size=30))
def test_every_weighted_interval_holds_its_estimate(scores, weights):
    estimate = nps(scores, weights=weights[: len(scores)])
    assert estimate.low <= estimate.value <= estimate.high
    assert estimate.high - estimate.low > 0


# --------------------------------------------------------------------------- coverage of NPS, exactly


SKEWED_SPLITS = [(0.90, 0.08, 0.02), (0.70, 0.25, 0.05), (0.05, 0.05, 0.90), (0.98, 0.01, 0.01), (0.60, 0.05, 0.35)]


def exact_nps_coverage(n: int, split: tuple[float, float, float], method: str) -> float:
    """Probability that the interval holds the true NPS, over every trinomial outcome with probability >= 1e-12."""
    truth = 100 * (split[0] - split[2])
    promoters, detractors = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    passives = n - promoters - detractors
    possible = passives >= 0
    probability = np.where(possible, stats.multinomial.pmf(
        np.stack([promoters, np.where(possible, passives, 0), detractors], axis=-1), n, split), 0.0)
    covered = 0.0
    for p, d in zip(*np.nonzero(probability >= 1e-12)):
        estimate = nps_from_counts(int(p), int(n - p - d), int(d), method=method)
        if estimate.low <= truth <= estimate.high:
            covered += probability[p, d]
    return covered


@pytest.mark.parametrize("n", [30, 100])
@pytest.mark.parametrize("split", SKEWED_SPLITS)
@pytest.mark.parametrize("method", ["adjusted-wald", "tango"])
def test_nps_intervals_cover_skewed_splits(method, split, n):
    assert exact_nps_coverage(n, split, method) >= 0.93


@pytest.mark.parametrize("n, split", [(30, (0.90, 0.08, 0.02)), (30, (0.05, 0.05, 0.90)), (30, (0.98, 0.01, 0.01)),
                                      (100, (0.90, 0.08, 0.02))])
def test_bayesian_bootstrap_covers_skewed_splits(n, split):
    # exact given the fixed seed: every outcome's interval is the one nps_from_counts gives it
    # (a percentile bootstrap of the answers covered 0.83 at n = 30, 90/8/2)
    assert exact_nps_coverage(n, split, "bootstrap") >= 0.93


# --------------------------------------------------------------------------- coverage of means, by simulation


MEAN_SPLITS = {
    "1-5, 80% fives, rare ones": ((1, 5), [0.01, 0.01, 0.03, 0.15, 0.80]),
    "1-5, 95% fives": ((1, 5), [0.005, 0.005, 0.01, 0.03, 0.95]),
    "1-5, 5% ones, else fives": ((1, 5), [0.05, 0, 0, 0, 0.95]),
    "1-5, fours and fives": ((1, 5), [0, 0, 0, 0.10, 0.90]),
    "1-7, skewed low": ((1, 7), [0.50, 0.28, 0.10, 0.05, 0.03, 0.02, 0.02]),
}


def simulated_mean_coverage(n: int, scale: tuple[int, int], shares: list[float], runs: int, seed: int) -> float:
    shares = np.asarray(shares) / np.sum(shares)
    truth = float(shares @ np.arange(scale[0], scale[1] + 1))
    histograms, times = np.unique(np.random.default_rng(seed).multinomial(n, shares, size=runs), axis=0,
                                  return_counts=True)
    covered = 0
    for counts, count in zip(histograms, times):
        estimate = mean_from_counts(counts, scale)
        covered += count * (estimate.low <= truth <= estimate.high)
    return covered / runs


@pytest.mark.parametrize("n", [30, 100])
@pytest.mark.parametrize("name", list(MEAN_SPLITS))
def test_mean_interval_covers_skewed_answers(name, n):
    scale, shares = MEAN_SPLITS[name]
    runs = 10_000
    assert simulated_mean_coverage(n, scale, shares, runs, seed=20250613) >= tolerance(runs)


def test_plain_t_undercovers_where_the_adjusted_one_does_not():
    # the measured problem: 95% fives at n = 30, the plain t interval about 0.79
    rng = np.random.default_rng(5)
    shares = np.array([0.005, 0.005, 0.01, 0.03, 0.95])
    truth = float(shares @ np.arange(1, 6))
    hits = {"t": 0, "adjusted-t": 0}
    for counts in rng.multinomial(30, shares, size=3000):
        for method in hits:
            estimate = mean_from_counts(counts, (1, 5), method=method)
            hits[method] += estimate.low <= truth <= estimate.high
    assert hits["t"] / 3000 < 0.85
    assert hits["adjusted-t"] / 3000 > 0.93


# --------------------------------------------------------------------------- weighted NPS


def test_linearised_se_is_statsmodels_wls_sandwich():
    # a weighted mean is the WLS fit of a constant; its HC1 sandwich variance is n/(n-1) sum(w e)^2 / (sum w)^2
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 11, size=40)
    weights = rng.lognormal(0, 0.7, size=40)
    recoded = np.where(scores >= 9, 1.0, np.where(scores <= 6, -1.0, 0.0))
    fit = sm.WLS(recoded, np.ones(40), weights=weights).fit(cov_type="HC1")
    estimate = nps(scores, weights=weights, method="wald")
    assert estimate.value == pytest.approx(100 * fit.params[0])
    assert estimate.se == pytest.approx(100 * fit.bse[0])


def weighted_sample(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Half the customers are in a group sampled at 20% of answers (weight 2.5) with 70/20/10; the rest weigh 0.625
    and split 95/4/1.

    The weights go with the scores, the case Kish's effective n misses. True NPS 0.5 x 60 + 0.5 x 94 = 77.
    """
    in_rare = rng.random(n) < 0.2
    scores = np.where(in_rare, rng.choice([10, 8, 3], n, p=[0.70, 0.20, 0.10]),
                      rng.choice([10, 8, 3], n, p=[0.95, 0.04, 0.01]))
    return scores, np.where(in_rare, 2.5, 0.625), 77.0


def kish_wald(scores: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """The former interval, by hand: Wald on Kish's effective n, (sum w)^2 / sum w^2."""
    total = weights.sum()
    p, d = weights[scores >= 9].sum() / total, weights[scores <= 6].sum() / total
    se = math.sqrt((p + d - (p - d) ** 2) / (total**2 / (weights**2).sum()))
    return 100 * (p - d - Z * se), 100 * (p - d + Z * se)


@pytest.mark.parametrize("n, runs", [(30, 1000), (100, 1000), (1000, 800)])
def test_weighted_nps_covers_when_weights_go_with_scores(n, runs):
    rng = np.random.default_rng(20250614 + n)
    covered = kish_covered = 0
    for _ in range(runs):
        scores, weights, truth = weighted_sample(rng, n)
        estimate = nps(scores, weights=weights)
        covered += estimate.low <= truth <= estimate.high
        low, high = kish_wald(scores, weights)
        kish_covered += low <= truth <= high
    assert covered / runs >= tolerance(runs)
    if n == 1000:  # the measured problem: Kish's n undercovers even with many answers (about 0.90 here)
        assert kish_covered / runs < 0.93


# --------------------------------------------------------------------------- a value given with its n only


def test_value_at_the_end_of_its_scale_still_has_an_interval():
    top = interval_from_value(100, 40, "points")
    # the only split with NPS 100 is 40 promoters: the same interval as the counts give
    reference = nps_from_counts(40, 0, 0)
    assert (top.low, top.high) == pytest.approx((reference.low, reference.high))
    assert top.low < 100 == top.high
    bottom = interval_from_value(-100, 40, "points")
    assert (bottom.low, bottom.high) == pytest.approx((-top.high, -top.low))
    full = interval_from_value(5.0, 40, "mean 1–5")
    assert 4 < full.low < 5 == full.high
    assert interval_from_value(100, 40, "%").low < 100


def test_value_interval_is_the_widest_any_split_gives():
    # NPS 20 of 100: 60 promoters and 40 detractors is the split with no passives
    widest = interval_from_value(20, 100, "points")
    assert (widest.low, widest.high) == pytest.approx((nps_from_counts(60, 0, 40).low, nps_from_counts(60, 0, 40).high))
    for promoters, passives, detractors in [(50, 20, 30), (40, 40, 20), (25, 70, 5)]:
        other = nps_from_counts(promoters, passives, detractors)
        assert other.value == 20
        assert widest.high - widest.low >= other.high - other.low
    # mean 4.2 of 50 on 1-5: 10 ones and 40 fives is the widest spread
    mean = interval_from_value(4.2, 50, "mean 1–5, higher = better")
    reference = mean_from_counts([10, 0, 0, 0, 40], (1, 5))
    assert (mean.low, mean.high) == pytest.approx((reference.low, reference.high))
    for counts in ([0, 0, 5, 30, 15], [3, 2, 2, 18, 25]):
        other = mean_from_counts(counts, (1, 5))
        assert other.value == pytest.approx(4.2)
        assert mean.high - mean.low >= other.high - other.low
    # a share: the value fixes the split
    assert interval_from_value(75, 60, "%").low == pytest.approx(share(45, 60).low)


def test_value_without_an_interval_says_why():
    estimate = interval_from_value(12.5, 40, "EUR")
    assert math.isnan(estimate.low) and "EUR" in estimate.note
    assert math.isnan(interval_from_value(3.0, 1, "mean 1–5").low)
    with pytest.raises(ValueError, match="between -100 and 100"):
        interval_from_value(120, 40, "points")


# --------------------------------------------------------------------------- sample size with assurance


@cache
def realised_half_width(promoters: int, passives: int, detractors: int) -> float:
    """Half-width z * SE of the adjusted-Wald interval this survey gives (from nps_from_counts' own interval)."""
    estimate = nps_from_counts(promoters, passives, detractors)
    return estimate.se * Z


def share_within(n: int, split: tuple[float, float, float], margin: float, runs: int, seed: int) -> float:
    draws, times = np.unique(np.random.default_rng(seed).multinomial(n, split, size=runs), axis=0, return_counts=True)
    return sum(count * (realised_half_width(*map(int, counts)) <= margin) for counts, count in zip(draws, times)) / runs


@pytest.mark.parametrize("split, margin", [((0.45, 0.35, 0.20), 5), ((0.90, 0.08, 0.02), 5), ((0.3, 0.5, 0.2), 10)])
def test_sample_size_with_assurance_meets_the_margin_that_often(split, margin):
    runs = 20_000
    planned = nps_sample_size(margin, split)
    assured = nps_sample_size(margin, split, assurance=0.8)
    assert assured > planned
    # without assurance, about half the surveys meet the margin; with 0.8, about four in five, and one answer
    # fewer falls short
    assert 0.4 < share_within(planned, split, margin, runs, seed=1) < 0.6
    assert share_within(assured, split, margin, runs, seed=2) >= 0.8 - 2 * math.sqrt(0.16 / runs)
    assert share_within(assured - 1, split, margin, runs, seed=3) < 0.8 + 2 * math.sqrt(0.16 / runs)
    assert share_within(planned + (assured - planned) // 3, split, margin, runs, seed=4) < 0.8


def test_sample_size_assurance_is_checked_and_monotone():
    sizes = [nps_sample_size(5, (0.45, 0.35, 0.2), assurance=a) for a in (0.2, 0.5, 0.8, 0.95)]
    assert sizes == sorted(sizes) and len(set(sizes)) == 4
    with pytest.raises(ValueError, match="assurance"):
        nps_sample_size(5, (0.45, 0.35, 0.2), assurance=80)


def test_zero_weights_are_counted_as_missing_and_said():
    import cxlib

    estimate = cxlib.nps([9, 9, 3, None, 10], weights=[1, 0, 1, 1, 2])
    assert (estimate.n, estimate.missing) == (3, 2)  # n + missing = the five answers given
    assert estimate.note == "1 answers with weight 0 counted as missing"
