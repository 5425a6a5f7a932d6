"""NPS and its confidence interval from the counts of promoters, passives and detractors.

The four interval methods (adjusted Wald, Wald, Tango's score interval and the
Bayesian bootstrap of the three groups) and the pieces the comparisons, the
weighted NPS and the sample sizes share with them: the trinomial variance and
the adjusted-Wald pseudo-answers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import optimize

from cxlib.metrics.results import Estimate, _containing, _nan_estimate, _z

NPS_METHODS = ("adjusted-wald", "wald", "tango", "bootstrap")
ADJUSTMENT = (0.75, 1.5, 0.75)  # pseudo-answers added to promoters, passives, detractors
JEFFREYS_PRIOR = 0.5  # prior answers per NPS group in the Bayesian bootstrap
BOOTSTRAP_REPLICATES = 10_000
BOOTSTRAP_SEED = 20250101


def _trinomial(promoters: float, passives: float, detractors: float) -> tuple[float, float, float]:
    """NPS on the −1…1 scale, its per-answer variance and n."""
    n = promoters + passives + detractors
    p, d = promoters / n, detractors / n
    centre = p - d
    return centre, max(p + d - centre**2, 0.0), n


def _tango_limits(promoters: int, detractors: int, n: int, z: float) -> tuple[float, float]:
    """Tango's score interval for a paired difference, with promoters and detractors as the discordant cells."""
    def statistic(delta: float) -> float:
        a = 2 * n
        b = -promoters - detractors + (2 * n - promoters + detractors) * delta
        c = -detractors * delta * (1 - delta)
        q = (math.sqrt(max(b * b - 4 * a * c, 0.0)) - b) / (2 * a)
        variance = n * (2 * q + delta * (1 - delta))
        if variance <= 0:
            return math.copysign(math.inf, promoters - detractors - n * delta)
        return (promoters - detractors - n * delta) / math.sqrt(variance)

    centre = (promoters - detractors) / n
    eps = 1e-12
    lower = -1.0 if detractors == n else optimize.brentq(lambda x: statistic(x) - z, -1 + eps, centre + eps, xtol=1e-12)
    upper = 1.0 if promoters == n else optimize.brentq(lambda x: statistic(x) + z, centre - eps, 1 - eps, xtol=1e-12)
    return lower, upper


def _bayesian_bootstrap(counts: Sequence[int], replicates: int, rng: np.random.Generator) -> np.ndarray:
    """NPS (−1…1) of ``replicates`` draws of the shares from Dirichlet(counts + ½).

    Rubin's (1981) Bayesian bootstrap of the three groups, with Jeffreys' prior.
    """
    shares = rng.dirichlet(np.asarray(counts, dtype=float) + JEFFREYS_PRIOR, size=replicates)
    return shares[:, 0] - shares[:, 2]


def nps_from_counts(promoters: int, passives: int, detractors: int, *, level: float = 0.95,
                    method: str = "adjusted-wald", missing: int = 0, replicates: int = BOOTSTRAP_REPLICATES,
                    seed: int = BOOTSTRAP_SEED) -> Estimate:
    """NPS with a confidence interval from the counts of promoters, passives and detractors.

    Parameters
    ----------
    promoters, passives, detractors : int
        Answers 9–10, 7–8 and 0–6.
    level : float
        Confidence level.
    method : {"adjusted-wald", "wald", "tango", "bootstrap"}
        Interval method:

        * ``"adjusted-wald"`` (default): Rocks (2016) and MeasuringU's
          adjusted Wald, ¾ promoter, 1½ passive and ¾ detractor added. When
          every answer is in one group and n is small, its centre pulls the
          interval off the estimate (``nps_from_counts(1, 0, 0)`` would be
          [−48.5, 98.5] around 100); the nearer limit is then moved to the
          estimate, so the interval always holds it.
        * ``"wald"``: the textbook Wald interval on the trinomial variance,
          for comparison; zero width when every answer is in one group.
        * ``"tango"``: Tango's (1998) score interval for a paired difference,
          Rocks' "iterative" method.
        * ``"bootstrap"``: a Bayesian bootstrap of the three groups (Rubin
          1981) with Jeffreys' prior, half an answer per group: the
          replicates are draws of the shares from Dirichlet(P + ½, M + ½,
          D + ½), the interval their percentiles. For one proportion this is
          the Jeffreys interval recommended by Brown, Cai & DasGupta (2001).
          Unlike resampling the answers, it can draw a group the sample
          happens to lack (a percentile bootstrap of the answers covered
          0.83 at n = 30 for a 90/8/2 split).
    missing : int
        Blank answers, carried into the result so a reader sees them.
    replicates, seed : int
        For ``method="bootstrap"`` only.

    Returns
    -------
    Estimate
        On the NPS-points scale (−100…100). ``docs/coverage.md`` has each
        method's measured coverage.

    References
    ----------
    Rocks, B. (2016). Interval estimation for the "Net Promoter Score". The
    American Statistician 70(4), 365–372.
    Rubin, D. B. (1981). The Bayesian bootstrap. Annals of Statistics 9(1), 130–134.
    Brown, L. D., Cai, T. T., DasGupta, A. (2001). Interval estimation for a
    binomial proportion. Statistical Science 16(2), 101–133.

    Examples
    --------
    The source article's example, 30% promoters, 50% passives, 20% detractors:

    >>> estimate = nps_from_counts(30, 50, 20)
    >>> estimate.value, estimate.n
    (10.0, 100)
    >>> print(nps_from_counts(1, 0, 0))
    NPS 100.0 [-48.5, 100.0] (95% CI, n = 1, adjusted Wald)
    """
    if method not in NPS_METHODS:
        raise ValueError(f"method must be one of {', '.join(NPS_METHODS)}; got {method!r}")
    z = _z(level)
    counts = (promoters, passives, detractors)
    if any(c < 0 or c != int(c) for c in counts):
        raise ValueError(f"counts must be whole numbers, not negative; got {counts}")
    promoters, passives, detractors = counts = tuple(int(c) for c in counts)
    n = sum(counts)
    if n == 0:
        return _nan_estimate("NPS", level, method, "points", missing, "no answers")
    low, high, se = _nps_limits(counts, method, z, level, replicates, seed)
    points = 100 * (promoters - detractors) / n
    low, high = _containing(points, 100 * max(float(low), -1.0), 100 * min(float(high), 1.0))
    return Estimate("NPS", points, low, high, n, level, method, 100 * se, "points", missing)


def _nps_limits(counts: tuple[int, int, int], method: str, z: float, level: float, replicates: int,
                seed: int) -> tuple[float, float, float]:
    """Interval limits and SE on the −1…1 scale by one of :data:`NPS_METHODS`, before clipping; n ≥ 1."""
    promoters, _, detractors = counts
    n = sum(counts)
    value, variance, _ = _trinomial(*counts)
    if method == "wald":
        se = math.sqrt(variance / n)
        return value - z * se, value + z * se, se
    if method == "adjusted-wald":
        centre, variance, n_adjusted = _trinomial(*(c + a for c, a in zip(counts, ADJUSTMENT)))
        se = math.sqrt(variance / n_adjusted)
        return centre - z * se, centre + z * se, se
    if method == "tango":
        return *_tango_limits(promoters, detractors, n, z), math.sqrt(variance / n)
    replicate_nps = _bayesian_bootstrap(counts, replicates, np.random.default_rng(seed))
    low, high = np.quantile(replicate_nps, [0.5 - level / 2, 0.5 + level / 2])
    return float(low), float(high), float(replicate_nps.std(ddof=1))
