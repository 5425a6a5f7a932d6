"""NPS of raw 0–10 answers: through their counts when unweighted, by Taylor linearisation when weighted."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cxlib.metrics.answers import _as_array, nps_groups, score_counts
from cxlib.metrics.nps_counts import ADJUSTMENT, BOOTSTRAP_REPLICATES, BOOTSTRAP_SEED, _trinomial, nps_from_counts
from cxlib.metrics.results import Estimate, _containing, _nan_estimate, _z
from cxlib.scales import nps_points


def nps(scores: Any, *, level: float = 0.95, method: str = "adjusted-wald", weights: Any = None,
        replicates: int = BOOTSTRAP_REPLICATES, seed: int = BOOTSTRAP_SEED) -> Estimate:
    """Net Promoter Score of raw 0–10 answers, with a confidence interval.

    Parameters
    ----------
    scores : array-like
        Answers 0–10; blanks are counted in ``missing`` and left out.
    level : float
        Confidence level.
    method : {"adjusted-wald", "wald", "tango", "bootstrap"}
        Interval method; see :func:`cxlib.metrics.nps_from_counts`. With
        weights, only ``"adjusted-wald"`` or ``"wald"``.
    weights : array-like, optional
        Survey weights (rows with weight 0 are left out). The weighted NPS
        ``Σwy / Σw`` of the answers recoded +1/0/−1 is a ratio estimator; its
        variance comes from Taylor linearisation (Särndal, Swensson & Wretman
        1992, §5.6; Wolter 2007, ch. 6), ``n/(n − 1) · Σ(w(y − NPS))² / (Σw)²``,
        which counts weights that go with the scores. Kish's effective n,
        ``(Σw)² / Σw²``, looks at the weights alone; where the weights went
        with the scores it covered 0.90–0.94 even at n = 1000.

        * ``method="wald"``: the linearised interval, NPS ± t·SE with t on
          n − 1 degrees of freedom (as samplics builds it).
        * default ``"adjusted-wald"``: the effective sample size the
          linearised variance implies, ``n* = (p + d − NPS²) / SE²`` (at most
          n), gets the adjusted-Wald pseudo-answers, as Korn & Graubard (1998)
          carry a design effect into an interval for a proportion; t on
          n − 1 degrees of freedom again. When every answer falls in one
          group the variance is zero and Kish's n stands in for n*.

        ``n_eff`` in the result is that effective sample size before the cap
        at n (Kish's when every answer falls in one group). With equal
        weights the linearised SE is the t-test's (sample variance over
        n − 1), so the interval is a little wider than the unweighted one.
        The default covered 0.93–0.97 at n ≥ 30 in ``docs/coverage.md``; with
        strongly unequal weights (lognormal, σ = 0.8) and 30 answers it is at
        the 0.93 floor, not above it, and at n = 10 it is below (0.88).

    Returns
    -------
    Estimate
        On the NPS-points scale (−100…100).

    Raises
    ------
    ValueError
        Naming every answer that is not a whole number from 0 to 10.

    References
    ----------
    Särndal, C.-E., Swensson, B., Wretman, J. (1992). Model Assisted Survey
    Sampling. Springer. Wolter, K. M. (2007). Introduction to Variance
    Estimation, 2nd ed. Springer. Korn, E. L., Graubard, B. I. (1998).
    Confidence intervals for proportions with small expected number of
    positive counts estimated from survey data. Survey Methodology 24(2), 193–201.

    Examples
    --------
    >>> print(nps([10, 9, 9, 8, 7, 6, 3, None]))
    NPS 14.3 [-39.6, 59.6] (95% CI, n = 7, adjusted Wald); 1 blank answers left out
    """
    if weights is not None:
        return _weighted_nps(scores, weights, level, method)
    promoters, passives, detractors, missing = nps_groups(scores)
    return nps_from_counts(promoters, passives, detractors, level=level, method=method, missing=missing,
                           replicates=replicates, seed=seed)


def _weighted_answers(scores: Any, weights: Any) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Scores and weights of the answers used, then the blanks and the answers weighted 0 (both left out)."""
    if isinstance(scores, pd.Series) and isinstance(weights, pd.Series):
        if not scores.index.equals(weights.index):
            if set(scores.index) != set(weights.index) or not scores.index.is_unique:
                raise ValueError("scores and weights are Series with different indexes; align them first")
            weights = weights.reindex(scores.index)
    values = _as_array(scores, "NPS scores").astype(float)
    weights = _as_array(weights, "weights").astype(float)
    if values.shape != weights.shape:
        raise ValueError(f"scores and weights differ in length: {values.size} vs {weights.size}")
    blank = np.isnan(values) | np.isnan(weights)
    score_counts(values[~blank], 0, 10, "NPS scores")  # the same range check as unweighted
    if (weights[~blank] < 0).any():
        raise ValueError("weights cannot be negative")
    used = ~blank & (weights > 0)
    weightless = int((~blank & ~used).sum())  # answered, but weighted 0: counted with the missing, and said
    return values[used], weights[used], int(blank.sum()), weightless


def _weighted_nps(scores: Any, weights: Any, level: float, method: str) -> Estimate:
    if method not in ("adjusted-wald", "wald"):
        raise ValueError(f"weighted NPS supports method 'adjusted-wald' or 'wald'; got {method!r}")
    values, weights, blanks, weightless = _weighted_answers(scores, weights)
    name = "linearised-" + method
    missing = blanks + weightless
    note = f"{weightless} answers with weight 0 counted as missing" if weightless else ""
    if weights.sum() == 0:
        return _nan_estimate("NPS", level, name, "points", missing, "no answers with weight")
    recoded = nps_points(values) / 100
    n = int(values.size)
    total = weights.sum()
    p = weights[recoded == 1].sum() / total
    d = weights[recoded == -1].sum() / total
    value = p - d
    points = 100 * value
    spread = max(p + d - value**2, 0.0)  # the per-answer variance of the recoded answer at the weighted split
    n_kish = float(total**2 / (weights**2).sum())
    if n == 1:  # one answer: the weight does not matter and there is no spread to linearise
        if method == "wald":
            return Estimate("NPS", points, math.nan, math.nan, 1, level, name, math.nan, "points", missing, 1.0,
                            "one answer: no linearised interval")
        quantile, variance, n_eff = _z(level), 0.0, 1.0
    else:
        _z(level)  # checks the level
        quantile = float(stats.t.ppf(0.5 + level / 2, n - 1))
        # Taylor linearisation of the ratio Σwy / Σw, with replacement, single stage (samplics' TaylorEstimator)
        variance = n / (n - 1) * float(((weights * (recoded - value)) ** 2).sum()) / total**2
        n_eff = spread / variance if variance > 0 else n_kish
    if method == "wald":
        se = math.sqrt(variance)
        low, high = value - quantile * se, value + quantile * se
    else:  # the adjusted Wald interval on the effective counts, n* never above n (Korn & Graubard 1998)
        n_star = min(n_eff, n)
        centre, adjusted_variance, n_adjusted = _trinomial(p * n_star + ADJUSTMENT[0],
                                                           (1 - p - d) * n_star + ADJUSTMENT[1],
                                                           d * n_star + ADJUSTMENT[2])
        se = math.sqrt(adjusted_variance / n_adjusted)
        low, high = centre - quantile * se, centre + quantile * se
    low, high = _containing(points, 100 * max(low, -1.0), 100 * min(high, 1.0))
    return Estimate("NPS", points, low, high, n, level, name, 100 * se, "points", missing, float(n_eff), note)
