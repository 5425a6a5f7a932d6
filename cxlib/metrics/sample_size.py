"""How many answers a survey needs for an NPS interval of a given width, with or without an assurance."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy import special, stats

from cxlib.metrics.nps_counts import ADJUSTMENT
from cxlib.metrics.results import _z


def nps_sample_size(margin: float, split: Sequence[float], *, level: float = 0.95,
                    assurance: float | None = None) -> int:
    """Answers needed so the adjusted-Wald interval is at most ±``margin`` NPS points.

    Parameters
    ----------
    margin : float
        Half-width of the interval, in NPS points (e.g. 5 for ±5).
    split : (promoters, passives, detractors)
        The expected shares (they are normalised to sum to 1), e.g. last
        survey's split.
    level : float
        Confidence level.
    assurance : float, optional
        The probability, e.g. 0.8, that the interval the survey will actually
        give is within the margin. The realised half-width varies with the
        split the sample happens to have; with ``assurance`` the n is the
        smallest at which it is within the margin with at least that
        probability (Kupper & Hafner 1989 call it the tolerance probability),
        computed exactly over the trinomial outcomes, or from the normal
        approximation to the half-width's variance where n is large enough
        that the outcomes number millions.

    Returns
    -------
    int
        Without ``assurance``: the smallest n whose adjusted-Wald half-width
        *at the expected split* is within the margin (an exact search, not the
        closed-form approximation; MeasuringU's planning). A survey of that
        size meets the margin only **about half the time**: the realised
        split is as likely to give a wider interval as a narrower one. With
        ``assurance``: the n that meets it with that probability. The
        half-width is z · SE of the adjusted estimate, before clipping at ±100.

    References
    ----------
    Kupper, L. L., Hafner, K. B. (1989). How appropriate are popular sample
    size formulas? The American Statistician 43(2), 101–105.

    Examples
    --------
    >>> nps_sample_size(10, (0.3, 0.5, 0.2))
    186
    >>> nps_sample_size(10, (0.3, 0.5, 0.2), assurance=0.8)
    196
    """
    shares = np.asarray(split, dtype=float)
    if shares.shape == (3,):
        shares = np.where((shares < 0) & (shares > -1e-9), 0.0, shares)  # 1 - p - d may round below zero
    if shares.shape != (3,) or (shares < 0).any() or shares.sum() == 0:
        raise ValueError(f"split must be three non-negative shares (promoters, passives, detractors); got {split}")
    if not 0 < margin <= 200:
        raise ValueError(f"margin is in NPS points and must be positive; got {margin}")
    if assurance is not None and not 0 < assurance < 1:
        raise ValueError(f"assurance is a probability between 0 and 1, e.g. 0.8; got {assurance}")
    shares = shares / shares.sum()
    z, target = _z(level), margin / 100
    planned = _planned_size(shares, target, z)
    if assurance is None:
        return planned
    return _assured_size(planned, assurance, lambda size: _chance_within_margin(size, shares, target, z))


def _planned_size(shares: np.ndarray, target: float, z: float) -> int:
    """The smallest n whose adjusted-Wald half-width at the expected split is at most ``target`` (−1…1 scale)."""
    variance = shares[0] + shares[2] - (shares[0] - shares[2]) ** 2
    # the half-width falls as n grows, so search upwards from 1 in windows
    start, window = 1, int(z * z * max(variance, 0.05) / target**2) + 100
    while True:
        n = np.arange(start, start + window, dtype=float)
        adjusted = (shares[:, None] * n + np.array(ADJUSTMENT)[:, None]) / (n + 3)
        adjusted_variance = adjusted[0] + adjusted[2] - (adjusted[0] - adjusted[2]) ** 2
        fits = np.nonzero(z * np.sqrt(adjusted_variance / (n + 3)) <= target)[0]
        if fits.size:
            return int(n[fits[0]])
        start += window


def _assured_size(planned: int, assurance: float, chance: Callable[[int], float]) -> int:
    """The smallest n (near ``planned``) whose ``chance`` of meeting the margin is at least ``assurance``."""
    # bracket the answer in steps that double away from the planned n, then bisect; the chance rises with n
    # (up to small wiggles of the lattice of outcomes)
    step = max(1, planned // 100)
    if chance(planned) >= assurance:
        high = planned
        while True:
            low = max(high - step, 0)
            if low == 0 or chance(low) < assurance:
                break
            high, step = low, step * 2
        if low == 0 and chance(1) >= assurance:
            return 1
    else:
        low = planned
        while True:
            high = low + step
            if chance(high) >= assurance:
                break
            low, step = high, step * 2
    while high - low > 1:
        middle = (low + high) // 2
        if chance(middle) >= assurance:
            high = middle
        else:
            low = middle
    return int(high)


def _chance_within_margin(n: int, shares: np.ndarray, target: float, z: float, *, cells: int = 1_000_000) -> float:
    """Probability that a survey of n answers gives an adjusted-Wald half-width of at most ``target`` (−1…1 scale).

    Exact: the trinomial probabilities of every (promoters, detractors) outcome
    within 8 standard deviations plus 5 of the expected counts (the rest is
    negligible), summed where z · SE ≤ target. Past ``cells`` outcomes (n in
    the tens of thousands) the adjusted variance is taken as normal, with the
    delta-method variance.
    """
    p, m, d = (float(x) for x in shares)
    threshold = target**2 * (n + 3) / z**2  # z·sqrt(V/(n+3)) <= target  <=>  V <= threshold
    spread_p, spread_d = math.sqrt(n * p * (1 - p)), math.sqrt(n * d * (1 - d))
    reach_p, reach_d = 8 * spread_p + 5, 8 * spread_d + 5
    if (2 * reach_p + 1) * (2 * reach_d + 1) > cells:
        centre = (n * (p - d)) / (n + 3)
        mean = (n * (p + d) + 1.5) / (n + 3) - centre**2
        gradient = np.array([1 - 2 * centre, 1 + 2 * centre]) * n / (n + 3)
        covariance = np.array([[p * (1 - p), -p * d], [-p * d, d * (1 - d)]]) / n
        sd = math.sqrt(max(float(gradient @ covariance @ gradient), 0.0))
        if sd == 0:
            return float(mean <= threshold)
        return float(stats.norm.cdf((threshold - mean) / sd))
    promoters = np.arange(max(0, math.floor(n * p - reach_p)), min(n, math.ceil(n * p + reach_p)) + 1)
    detractors = np.arange(max(0, math.floor(n * d - reach_d)), min(n, math.ceil(n * d + reach_d)) + 1)
    big_p, big_d = np.meshgrid(promoters, detractors, indexing="ij")
    passives = n - big_p - big_d
    possible = passives >= 0
    passives = np.where(possible, passives, 0)
    log_pmf = (special.gammaln(n + 1) - special.gammaln(big_p + 1) - special.gammaln(big_d + 1)
               - special.gammaln(passives + 1) + special.xlogy(big_p, p) + special.xlogy(big_d, d)
               + special.xlogy(passives, m))
    centre = (big_p - big_d) / (n + 3)
    adjusted_variance = (big_p + big_d + 1.5) / (n + 3) - centre**2
    fits = possible & (adjusted_variance <= threshold)
    return float(np.exp(log_pmf[fits]).sum())
