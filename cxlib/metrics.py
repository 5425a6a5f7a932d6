"""NPS, CSI, CSAT and CES: estimates with honest confidence intervals, tests and sample sizes.

Every function returns an :class:`Estimate` or a :class:`Comparison`, never a
bare float: the value travels with its sample size, its interval, the
interval's level and the method. All statistics work on score *counts* (the
histogram of answers), so the same code serves fifty answers in a classroom
and fifty million counted by a database.

Choices where the sources disagree, made once here:

* NPS categories: detractors 0–6, passives 7–8, promoters 9–10 (the source
  article's "below six" is a slip; the standard and the kit use 0–6).
* NPS interval default: adjusted Wald (Rocks 2016; MeasuringU): add ¾ promoter,
  1½ passive and ¾ detractor, so n grows by 3. The reported *value* is the raw
  NPS; the interval is centred on the adjusted one, as in Rocks' own package.
* z is the exact normal quantile (1.959964 at 95%), not 1.96; NPS intervals use
  z, means use Student's t with n − 1 degrees of freedom.
* Limits are clipped to what the scale can hold (±100 for NPS, 0–100% for
  shares, the answer scale for means): the clipped part is impossible anyway.
* Every interval holds its own estimate. Where a method centred elsewhere (an
  adjusted centre) would leave the estimate outside, the nearer limit is moved
  to the estimate: the interval only grows, so its coverage can only rise.
* Means of bounded answers (CSI, CES) add half an answer at each end of the
  scale before the t interval, so a sample with no spread still has an
  interval, and skewed answers keep their coverage (see :func:`mean_from_counts`).
* Shares use Wilson's interval with Brown, Cai & DasGupta's (2001) correction
  for one to three answers on either side (see :func:`share`).
* Weighted NPS: the variance of the weighted (ratio) estimator by Taylor
  linearisation, not Kish's effective n, which ignores weights that go with
  the scores (see :func:`nps`).
* The bootstrap draws the histogram (one draw per replicate), never the rows:
  the statistic depends on the counts only, so it is hundreds of times faster.
  It is a Bayesian bootstrap with Jeffreys' prior (Rubin 1981), so that an
  answer group absent from the sample is still possible in the replicates.
* ``docs/coverage.md`` has the measured coverage of every method
  (``bench/bench_coverage.py`` writes it).

Examples
--------
>>> from cxlib.metrics import nps_from_counts
>>> print(nps_from_counts(30, 50, 20))
NPS 10.0 [-3.8, 23.2] (95% CI, n = 100, adjusted Wald)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

NPS_METHODS = ("adjusted-wald", "wald", "tango", "bootstrap")
ADJUSTMENT = (0.75, 1.5, 0.75)  # pseudo-answers added to promoters, passives, detractors
MEAN_ADJUSTMENT = 0.5  # pseudo-answers added at each end of a bounded scale for the interval of a mean
JEFFREYS_PRIOR = 0.5  # prior answers per NPS group in the Bayesian bootstrap
METHOD_NAMES = {"adjusted-wald": "adjusted Wald", "wald": "Wald", "tango": "Tango score",
                "bootstrap": "Bayesian bootstrap", "wilson": "Wilson", "modified-wilson": "modified Wilson",
                "t": "t", "adjusted-t": "adjusted t",
                "linearised-wald": "linearised t", "linearised-adjusted-wald": "adjusted Wald on linearised n",
                "widest-adjusted-wald": "widest adjusted Wald for this value",
                "widest-adjusted-t": "widest adjusted t for this value",
                "welch": "Welch t", "newcombe": "Newcombe"}
BOOTSTRAP_REPLICATES = 10_000
BOOTSTRAP_SEED = 20250101


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence interval.

    Attributes
    ----------
    metric : str
        ``"NPS"``, ``"CSAT"``, ``"CSI"`` or ``"CES"``.
    value, low, high : float
        The estimate and its interval, on the scale named by ``unit``.
    n : int
        Answers used.
    level : float
        Confidence level of the interval, e.g. 0.95.
    method : str
        How the interval was computed.
    se : float
        Standard error on the same scale (for an adjusted interval, of the adjusted estimate).
    unit : str
        ``"points"`` (NPS, −100…100), ``"%"``, or the answer scale of a mean.
    missing : int
        Blank answers left out of ``n``: counted, never dropped silently.
    n_eff : float or None
        Effective sample size when the estimate is weighted: n over the design
        effect of the linearised variance (Kish's ``(Σw)² / Σw²`` when every
        answer falls in one group, where that variance is zero).
    note : str
        Why a value is missing, or another caveat.
    """

    metric: str
    value: float
    low: float
    high: float
    n: int
    level: float
    method: str
    se: float
    unit: str = ""
    missing: int = 0
    n_eff: float | None = None
    note: str = ""

    def __str__(self) -> str:
        if math.isnan(self.value):
            return f"{self.metric}: no estimate ({self.note or 'no answers'})"
        unit = "%" if self.unit == "%" else ""
        text = (f"{self.metric} {self.value:.1f}{unit} [{self.low:.1f}, {self.high:.1f}] "
                f"({self.level:.0%} CI, n = {self.n}, {METHOD_NAMES.get(self.method, self.method)})")
        if self.missing:
            text += f"; {self.missing} blank answers left out"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict, ready to be a DataFrame row."""
        return asdict(self)

    def to_frame(self) -> pd.DataFrame:
        """A one-row DataFrame."""
        return pd.DataFrame([self.to_dict()])


@dataclass(frozen=True)
class Comparison:
    """The difference ``a − b`` between two groups, with its interval and test.

    Attributes
    ----------
    metric : str
        The metric compared.
    diff, low, high : float
        The difference ``a − b`` and its confidence interval.
    z : float
        Test statistic (t for means).
    p_value : float
        Two-sided p-value for "no difference".
    method : str
        The test.
    level : float
        Confidence level.
    se : float
        Standard error of the difference.
    a, b : Estimate
        The two groups' own estimates.
    """

    metric: str
    diff: float
    low: float
    high: float
    z: float
    p_value: float
    method: str
    level: float
    se: float
    a: Estimate
    b: Estimate

    @property
    def significant(self) -> bool:
        """Whether the p-value is below ``1 − level`` (a single test; see :func:`holm` for many)."""
        return bool(self.p_value < 1 - self.level)

    def __str__(self) -> str:
        return (f"{self.metric} difference {self.diff:+.1f} [{self.low:+.1f}, {self.high:+.1f}] "
                f"({self.level:.0%} CI), p = {self.p_value:.3g} ({METHOD_NAMES.get(self.method, self.method)}; "
                f"n = {self.a.n} vs {self.b.n})")

    def to_dict(self) -> dict[str, Any]:
        """Flat fields, the two estimates reduced to value and n."""
        row = {k: v for k, v in asdict(self).items() if k not in ("a", "b")}
        row.update(value_a=self.a.value, n_a=self.a.n, value_b=self.b.value, n_b=self.b.n)
        return row


# --------------------------------------------------------------------------- scores to counts


def score_counts(scores: Any, low: int, high: int, what: str = "scores") -> tuple[np.ndarray, int]:
    """Histogram of whole-number answers on ``low..high`` and the number of blanks.

    Parameters
    ----------
    scores : array-like
        Answers; blanks (NaN, None, ``pd.NA``) are counted, not used.
    low, high : int
        The answer scale.
    what : str
        The name used in an error message.

    Returns
    -------
    counts : ndarray of int
        ``counts[i]`` answers equal to ``low + i``.
    missing : int
        Blank answers.

    Raises
    ------
    ValueError
        Naming every value outside the scale or not a whole number.

    Examples
    --------
    >>> score_counts([0, 10, 10, None], 0, 10)[0].tolist()
    [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]
    """
    array = _as_array(scores, what)
    if array.dtype.kind in "iu":
        valid, missing = array, 0
    else:
        blank = np.isnan(array)
        missing = int(blank.sum())
        valid = array[~blank] if missing else array
    if valid.size and (valid.min() < low or valid.max() > high or
                       (valid.dtype.kind == "f" and not np.array_equal(valid, np.trunc(valid)))):
        bad = valid[(valid < low) | (valid > high) | (valid != np.trunc(valid))]
        found = pd.Series(bad).value_counts().sort_index()
        listed = ", ".join(f"{value:.10g} ({count} answer{'s' if count > 1 else ''})" for value, count in found.items())
        raise ValueError(f"{what} must be whole numbers from {low} to {high}; found {listed}")
    counts = np.bincount((valid - low).astype(np.intp), minlength=high - low + 1)
    return counts, missing


def _as_array(values: Any, what: str = "scores") -> np.ndarray:
    """Answers as a 1-D numeric array (NaN for blanks); text that is not a number is an error, never a blank."""
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object).ravel()
                                                                        if np.ndim(values) == 1 else values)
    if np.ndim(values) != 1:
        raise ValueError(f"{what} must be one column of answers; got an array of shape {np.shape(values)}")
    if series.dtype.kind == "b" or series.map(lambda v: isinstance(v, (bool, np.bool_))).any():
        raise ValueError(f"{what} must be numbers, not true/false values")
    if series.dtype.kind in "iu" and not series.hasnans:
        return series.to_numpy(dtype=np.int64)
    if series.dtype.kind not in "iuf":
        text = series.astype(object).where(series.notna(), None)
        blank = text.isna() | (text.astype(str).str.strip() == "")
        numbers = pd.to_numeric(text.where(~blank, None), errors="coerce")
        unreadable = ~blank & numbers.isna()
        if unreadable.any():
            found = ", ".join(repr(v) for v in text[unreadable].unique()[:10])
            raise ValueError(f"{what} must be numbers; found {found}")
        series = numbers
    return series.to_numpy(dtype=float, na_value=np.nan)


def nps_groups(scores: Any) -> tuple[int, int, int, int]:
    """Promoters, passives, detractors and blanks among 0–10 answers.

    Examples
    --------
    >>> nps_groups([10, 9, 8, 6, None])
    (2, 1, 1, 1)
    """
    counts, missing = score_counts(scores, 0, 10, "NPS scores")
    return int(counts[9:].sum()), int(counts[7:9].sum()), int(counts[:7].sum()), missing


# --------------------------------------------------------------------------- NPS


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, e.g. 0.95; got {level}")
    return float(stats.norm.ppf(0.5 + level / 2))


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


def _nan_estimate(metric: str, level: float, method: str, unit: str, missing: int, note: str) -> Estimate:
    return Estimate(metric, math.nan, math.nan, math.nan, 0, level, method, math.nan, unit, missing, None, note)


def _containing(value: float, low: float, high: float) -> tuple[float, float]:
    """The interval widened, where needed, to hold its own estimate.

    A method centred away from the estimate (the adjusted Wald interval, the
    adjusted t) can leave the estimate outside when every answer sits at one
    end. Moving the nearer limit to the estimate gives a superset of the
    interval, so the coverage can only rise.
    """
    return min(low, value), max(high, value)


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
    value, variance, _ = _trinomial(*counts)
    if method == "wald":
        se = math.sqrt(variance / n)
        low, high = value - z * se, value + z * se
    elif method == "adjusted-wald":
        centre, variance, n_adjusted = _trinomial(*(c + a for c, a in zip(counts, ADJUSTMENT)))
        se = math.sqrt(variance / n_adjusted)
        low, high = centre - z * se, centre + z * se
    elif method == "tango":
        se = math.sqrt(variance / n)
        low, high = _tango_limits(promoters, detractors, n, z)
    else:
        replicate_nps = _bayesian_bootstrap(counts, replicates, np.random.default_rng(seed))
        se = float(replicate_nps.std(ddof=1))
        low, high = np.quantile(replicate_nps, [0.5 - level / 2, 0.5 + level / 2])
    points = 100 * (promoters - detractors) / n
    low, high = _containing(points, 100 * max(float(low), -1.0), 100 * min(float(high), 1.0))
    return Estimate("NPS", points, low, high, n, level, method, 100 * se, "points", missing)


def _bayesian_bootstrap(counts: Sequence[int], replicates: int, rng: np.random.Generator) -> np.ndarray:
    """NPS (−1…1) of ``replicates`` draws of the shares from Dirichlet(counts + ½).

    Rubin's (1981) Bayesian bootstrap of the three groups, with Jeffreys' prior.
    """
    shares = rng.dirichlet(np.asarray(counts, dtype=float) + JEFFREYS_PRIOR, size=replicates)
    return shares[:, 0] - shares[:, 2]


def _weighted_nps(scores: Any, weights: Any, level: float, method: str) -> Estimate:
    if method not in ("adjusted-wald", "wald"):
        raise ValueError(f"weighted NPS supports method 'adjusted-wald' or 'wald'; got {method!r}")
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
    values, weights = values[used], weights[used]
    name = "linearised-" + method
    weightless = int((~blank & ~used).sum())  # answered, but weighted 0: counted with the missing, and said
    missing = int(blank.sum()) + weightless
    note = f"{weightless} answers with weight 0 counted as missing" if weightless else ""
    if weights.sum() == 0:
        return _nan_estimate("NPS", level, name, "points", missing, "no answers with weight")
    recoded = np.where(values >= 9, 1.0, np.where(values <= 6, -1.0, 0.0))
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
        Interval method; see :func:`nps_from_counts`. With weights, only
        ``"adjusted-wald"`` or ``"wald"``.
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


def _nps_counts_of(group: Any) -> tuple[tuple[int, int, int], int]:
    if isinstance(group, tuple) and len(group) == 3:
        return tuple(int(c) for c in group), 0
    promoters, passives, detractors, missing = nps_groups(group)
    return (promoters, passives, detractors), missing


def nps_diff(a: Any, b: Any, *, level: float = 0.95, method: str = "adjusted-wald",
             replicates: int = BOOTSTRAP_REPLICATES, seed: int = BOOTSTRAP_SEED) -> Comparison:
    """Difference of two independent NPS, ``a − b``, with its interval and a z-test.

    Parameters
    ----------
    a, b : array-like or tuple
        Raw 0–10 answers (a list, array or Series), or a tuple of three
        ``(promoters, passives, detractors)`` counts: a tuple of three is
        always read as counts.
    method : {"adjusted-wald", "wald", "bootstrap"}
        ``"adjusted-wald"`` adjusts each group as in :func:`nps_from_counts`
        (Rocks' two-sample test; MeasuringU's). ``"bootstrap"`` draws both
        groups' shares by the Bayesian bootstrap of :func:`nps_from_counts`
        and gives a percentile interval; its p-value uses the bootstrap
        standard error.

    Returns
    -------
    Comparison
        In NPS points.

    Examples
    --------
    >>> print(nps_diff((30, 50, 20), (20, 50, 30)))
    NPS difference +20.0 [+0.3, +38.5] (95% CI), p = 0.0466 (adjusted Wald; n = 100 vs 100)
    """
    if method == "tango":
        raise ValueError("the Tango score interval is for one NPS; compare two with 'adjusted-wald' or 'bootstrap'")
    (counts_a, missing_a), (counts_b, missing_b) = _nps_counts_of(a), _nps_counts_of(b)
    estimate_a = nps_from_counts(*counts_a, level=level, method=method, missing=missing_a,
                                 replicates=replicates, seed=seed)
    estimate_b = nps_from_counts(*counts_b, level=level, method=method, missing=missing_b,
                                 replicates=replicates, seed=seed + 1)
    if estimate_a.n == 0 or estimate_b.n == 0:
        nan = math.nan
        return Comparison("NPS", nan, nan, nan, nan, nan, method, level, nan, estimate_a, estimate_b)
    z = _z(level)
    diff = (estimate_a.value - estimate_b.value) / 100
    if method == "bootstrap":
        rng = np.random.default_rng(seed)
        replicate_diff = _bayesian_bootstrap(counts_a, replicates, rng) - _bayesian_bootstrap(counts_b, replicates, rng)
        se = float(replicate_diff.std(ddof=1))
        low, high = np.quantile(replicate_diff, [0.5 - level / 2, 0.5 + level / 2])
        centre = diff
    else:
        adjust = ADJUSTMENT if method == "adjusted-wald" else (0, 0, 0)
        centre_a, var_a, n_a = _trinomial(*(c + x for c, x in zip(counts_a, adjust)))
        centre_b, var_b, n_b = _trinomial(*(c + x for c, x in zip(counts_b, adjust)))
        centre = centre_a - centre_b
        se = math.sqrt(var_a / n_a + var_b / n_b)
        low, high = centre - z * se, centre + z * se
    if se > 0:
        statistic = centre / se
        p_value = float(2 * stats.norm.sf(abs(statistic)))
    else:  # every answer in one group: the data cannot say how variable the difference is
        statistic, p_value = math.nan, math.nan
    low, high = _containing(100 * diff, 100 * max(float(low), -2.0), 100 * min(float(high), 2.0))
    return Comparison("NPS", 100 * diff, low, high, float(statistic), p_value, method, level, 100 * se,
                      estimate_a, estimate_b)


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
    variance = shares[0] + shares[2] - (shares[0] - shares[2]) ** 2
    # the half-width falls as n grows, so search upwards from 1 in windows
    start, window = 1, int(z * z * max(variance, 0.05) / target**2) + 100
    while True:
        n = np.arange(start, start + window, dtype=float)
        adjusted = (shares[:, None] * n + np.array(ADJUSTMENT)[:, None]) / (n + 3)
        adjusted_variance = adjusted[0] + adjusted[2] - (adjusted[0] - adjusted[2]) ** 2
        fits = np.nonzero(z * np.sqrt(adjusted_variance / (n + 3)) <= target)[0]
        if fits.size:
            planned = int(n[fits[0]])
            break
        start += window
    if assurance is None:
        return planned

    def chance(size: int) -> float:
        return _chance_within_margin(size, shares, target, z)

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


# --------------------------------------------------------------------------- shares and means


def wilson_interval(successes: float, n: float, level: float = 0.95, *, modified: bool = False) -> tuple[float, float]:
    """Wilson score interval for a proportion (0–1).

    Parameters
    ----------
    successes, n : int
        Successes among n.
    level : float
        Confidence level.
    modified : bool
        Brown, Cai & DasGupta's (2001, §4.1.1) modification near the ends:
        with 1 to x* successes (x* = 2 for n ≤ 50, 3 above) the lower limit
        is the Poisson one, ½·χ²(2x) quantile α / n; with 1 to x* failures,
        the upper limit likewise. Plain Wilson covers as little as 0.84
        (n = 30) to 0.91 (n = 1000) when the true share is within a few
        answers of 0 or 100%; the modification never narrows the interval.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(13, 16)]
    [0.5699, 0.9341]
    >>> [round(x, 4) for x in wilson_interval(1, 30, modified=True)]
    [0.0017, 0.1667]
    """
    if n == 0:
        return math.nan, math.nan
    z = _z(level)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(max(p * (1 - p), 0.0) / n + z * z / (4 * n * n)) / denominator
    low, high = centre - half, centre + half
    if modified:
        alpha, cutoff, failures = 1 - level, (2 if n <= 50 else 3), n - successes
        if 0 < successes <= cutoff:
            low = min(low, 0.5 * float(stats.chi2.ppf(alpha, 2 * successes)) / n)
        if 0 < failures <= cutoff:
            high = max(high, 1 - 0.5 * float(stats.chi2.ppf(alpha, 2 * failures)) / n)
    return _containing(p, max(low, 0.0), min(high, 1.0))  # exact arithmetic holds p; this keeps rounding from losing it


def share(successes: int, n: int, *, level: float = 0.95, metric: str = "share", missing: int = 0,
          method: str = "modified-wilson") -> Estimate:
    """A percentage with its Wilson interval.

    Parameters
    ----------
    successes, n : int
        Successes among n answers.
    level : float
        Confidence level.
    metric : str
        The name carried in the result.
    missing : int
        Blank answers, carried into the result.
    method : {"modified-wilson", "wilson"}
        Wilson's score interval (Wilson 1927), by default with Brown, Cai &
        DasGupta's (2001) Poisson limits for one to three answers on either
        side (see :func:`wilson_interval`); elsewhere the two are the same.
        Wilson's interval always holds the estimate and is never zero-width.
        Its coverage oscillates with the true share, as every interval short
        of Clopper–Pearson's does: at least 0.936 at the shares of
        ``docs/coverage.md`` for n ≥ 30, with dips to 0.917 between them.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. JASA 22(158), 209–212.
    Brown, L. D., Cai, T. T., DasGupta, A. (2001). Interval estimation for a
    binomial proportion. Statistical Science 16(2), 101–133.

    Examples
    --------
    >>> print(share(45, 60, metric="CSAT"))
    CSAT 75.0% [62.8, 84.2] (95% CI, n = 60, modified Wilson)
    >>> print(share(1, 30))
    share 3.3% [0.2, 16.7] (95% CI, n = 30, modified Wilson)
    """
    if method not in ("modified-wilson", "wilson"):
        raise ValueError(f"method must be 'modified-wilson' or 'wilson'; got {method!r}")
    if n == 0:
        return _nan_estimate(metric, level, method, "%", missing, "no answers")
    low, high = wilson_interval(successes, n, level, modified=method == "modified-wilson")
    p = successes / n
    return Estimate(metric, 100 * p, 100 * low, 100 * high, int(n), level, method,
                    100 * math.sqrt(p * (1 - p) / n), "%", missing)


def csat(scores: Any, *, scale: tuple[int, int] = (1, 5), top: int = 2, level: float = 0.95) -> Estimate:
    """CSAT: the share of satisfied answers (the top ``top`` boxes), in percent, with a Wilson interval.

    The interval is :func:`share`'s default, Wilson's with Brown, Cai &
    DasGupta's correction near 0 and 100%.

    Examples
    --------
    >>> print(csat([5, 4, 4, 3, 2, 5, 4, 5, 4, 5]))
    CSAT 80.0% [49.0, 96.4] (95% CI, n = 10, modified Wilson)
    """
    if not 1 <= top < scale[1] - scale[0] + 1:
        raise ValueError(f"top must count at least one box and fewer than the whole scale {scale}; got {top}")
    counts, missing = score_counts(scores, scale[0], scale[1], "CSAT scores")
    return share(int(counts[-top:].sum()), int(counts.sum()), level=level, metric="CSAT", missing=missing)


MEAN_METHODS = ("adjusted-t", "t")


def _mean_interval(counts: np.ndarray, scale: tuple[float, float], level: float,
                   method: str) -> tuple[float, float, float, float]:
    """Mean, interval limits and SE from answer counts on ``scale`` (counts may be fractional); n ≥ 2."""
    values = np.linspace(scale[0], scale[1], counts.size)
    n = float(counts.sum())
    mean = float((counts * values).sum() / n)
    if method == "adjusted-t":
        counts = counts.astype(float)
        counts[0] += MEAN_ADJUSTMENT
        counts[-1] += MEAN_ADJUSTMENT
    size = float(counts.sum())
    centre = float((counts * values).sum() / size)
    variance = float((counts * (values - centre) ** 2).sum() / (size - 1))
    se = math.sqrt(variance / size)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * se
    low, high = _containing(mean, max(centre - half, scale[0]), min(centre + half, scale[1]))
    return mean, low, high, se


def mean_from_counts(counts: Sequence[int], scale: tuple[int, int], *, level: float = 0.95, metric: str = "mean",
                     missing: int = 0, method: str = "adjusted-t") -> Estimate:
    """Mean answer with a t interval, from the counts of each answer on ``scale``.

    Parameters
    ----------
    counts : sequence of int
        ``counts[i]`` answers equal to ``scale[0] + i``.
    scale : (low, high)
        The answer scale.
    level : float
        Confidence level.
    metric : str
        The name carried in the result (``"CSI"``, ``"CES"``).
    missing : int
        Blank answers, carried into the result.
    method : {"adjusted-t", "t"}
        ``"adjusted-t"`` (default) adds half an answer at each end of the
        scale, then takes the t interval (n − 1 degrees of freedom) around the
        adjusted mean; the value reported stays the raw mean, and the interval
        is widened to hold it if ever it would not. It is the mean's analogue
        of the pseudo-answers of Agresti & Coull (1998) and of the adjusted
        Wald interval for NPS: the added answer (two halves) has the largest
        spread any answer can have on the scale (Bhatia & Davis 2000), so an
        interval is never zero-width (ten answers of 5 give [4.2, 5.0], not
        [5.0, 5.0]), and skewed answers whose rare low scores a small sample
        misses keep their coverage: on skewed 1–5 answers at n = 30–100 the
        plain t interval (``"t"``) covered 0.78–0.93 (0.27 when 1% answer 1
        and the rest 5), this one 0.95–1.00 (``docs/coverage.md``). At n = 10
        it is conservative; at n = 1000 the two agree.

    Returns
    -------
    Estimate
        On the answer scale; one answer gives no interval.

    References
    ----------
    Agresti, A., Coull, B. A. (1998). Approximate is better than "exact" for
    interval estimation of binomial proportions. The American Statistician
    52(2), 119–126.
    Bhatia, R., Davis, C. (2000). A better bound on the variance. The American
    Mathematical Monthly 107(4), 353–357.

    Examples
    --------
    >>> print(mean_from_counts([0, 1, 2, 3, 4], (1, 5), metric="CSI"))
    CSI 4.0 [3.1, 4.7] (95% CI, n = 10, adjusted t)
    >>> print(mean_from_counts([0, 1, 2, 3, 4], (1, 5), metric="CSI", method="t"))
    CSI 4.0 [3.2, 4.8] (95% CI, n = 10, t)
    """
    if method not in MEAN_METHODS:
        raise ValueError(f"method must be one of {', '.join(MEAN_METHODS)}; got {method!r}")
    counts = np.asarray(counts, dtype=float)
    values = np.arange(scale[0], scale[1] + 1, dtype=float)
    if counts.shape != values.shape:
        raise ValueError(f"counts must have one entry per answer {scale[0]}–{scale[1]}; got {counts.size}")
    n = int(counts.sum())
    unit = f"mean {scale[0]}–{scale[1]}"
    if n == 0:
        return _nan_estimate(metric, level, method, unit, missing, "no answers")
    if n == 1:
        mean = float((counts * values).sum())
        return Estimate(metric, mean, math.nan, math.nan, 1, level, method, math.nan, unit, missing,
                        note="one answer: no interval")
    _z(level)  # checks the level
    mean, low, high, se = _mean_interval(counts, scale, level, method)
    return Estimate(metric, mean, low, high, n, level, method, se, unit, missing)


def csi(scores: Any, *, scale: tuple[int, int] = (1, 5), level: float = 0.95, as_index: bool = False,
        method: str = "adjusted-t") -> Estimate:
    """CSI: the mean satisfaction answer with a t interval, or its 0–100 index.

    The interval is :func:`mean_from_counts`'s (by default the adjusted t).
    The index maps the scale linearly, ``(mean − low) / (high − low) × 100``,
    and maps the interval's ends the same way.

    Examples
    --------
    >>> print(csi([5, 4, 4, 3, 5]))
    CSI 4.2 [2.6, 5.0] (95% CI, n = 5, adjusted t)
    >>> print(csi([5, 4, 4, 3, 5], as_index=True))
    CSI 80.0 [39.2, 100.0] (95% CI, n = 5, adjusted t)
    >>> print(csi([5] * 10))
    CSI 5.0 [4.2, 5.0] (95% CI, n = 10, adjusted t)
    """
    counts, missing = score_counts(scores, scale[0], scale[1], "CSI scores")
    estimate = mean_from_counts(counts, scale, level=level, metric="CSI", missing=missing, method=method)
    if not as_index:
        return estimate
    span = scale[1] - scale[0]
    to_index = lambda x: (x - scale[0]) / span * 100  # noqa: E731
    return Estimate("CSI", to_index(estimate.value), to_index(estimate.low), to_index(estimate.high), estimate.n,
                    level, estimate.method, estimate.se / span * 100, "index 0–100", missing, note=estimate.note)


def ces(scores: Any, *, scale: tuple[int, int] = (1, 7), higher_is: str = "easier", level: float = 0.95,
        method: str = "adjusted-t") -> Estimate:
    """CES: the mean effort answer with a t interval, its scale and direction stated.

    CES 2.0 asks for agreement with "the company made it easy…" on 1–7, where
    higher is easier; the source method reports effort on 0–100, where lower
    means less effort. Say which with ``scale`` and ``higher_is``. The
    interval is :func:`mean_from_counts`'s (by default the adjusted t).

    Examples
    --------
    >>> ces([7, 6, 5, 2]).unit
    'mean 1–7, higher = easier'
    """
    if higher_is not in ("easier", "harder"):
        raise ValueError(f"higher_is must be 'easier' or 'harder'; got {higher_is!r}")
    counts, missing = score_counts(scores, scale[0], scale[1], "CES scores")
    estimate = mean_from_counts(counts, scale, level=level, metric="CES", missing=missing, method=method)
    return Estimate(**{**estimate.to_dict(), "unit": f"{estimate.unit}, higher = {higher_is}"})


# --------------------------------------------------------------------------- a value given with its n only


_MEAN_UNIT = re.compile(r"^mean\s+(-?\d+(?:\.\d+)?)\s*[–-]\s*(-?\d+(?:\.\d+)?)")


def interval_from_value(value: float, n: float, unit: str, *, level: float = 0.95, metric: str = "") -> Estimate:
    """The widest honest interval for a survey value given with its n only, the answers themselves not supplied.

    A scorecard may carry "NPS 100, n = 40" without the split behind it. Of all
    the answers that could give this value, the interval takes the widest
    its method would give, so a value is never called better or worse than a
    target on too little evidence, and a value at the end of its scale still
    gets an interval of honest width rather than none.

    Parameters
    ----------
    value : float
        The reported value on its own scale.
    n : float
        Answers behind it.
    unit : str
        ``"points"`` (an NPS-type score, −100…100), ``"%"`` (a share), or
        ``"mean a–b"`` (a mean answer on the scale a…b; anything may follow,
        e.g. ``"mean 1–7, higher = easier"``).
    level : float
        Confidence level.
    metric : str
        The name carried in the result.

    Returns
    -------
    Estimate
        With ``method``:

        * ``"widest-adjusted-wald"`` for points: the adjusted-Wald interval
          (:func:`nps_from_counts`) of the split with no passives,
          ``(1 + v)/2`` promoters and ``(1 − v)/2`` detractors. The adjusted
          centre depends on v alone and the adjusted variance falls as
          passives replace promoter–detractor pairs, so no split with this
          NPS gives a wider interval. At ±100 the split is forced, and the
          interval is that of n promoters (or detractors).
        * ``"modified-wilson"`` for %: :func:`share`'s interval; the value
          fixes the share, so nothing is assumed.
        * ``"widest-adjusted-t"`` for means: :func:`mean_from_counts`'s
          adjusted t for answers all at the two ends of the scale in the
          proportion that gives this mean, the spread the largest any answers
          with this mean can have (Bhatia & Davis 2000).

        For any other unit, or fewer than two answers for a mean, the limits
        are NaN and ``note`` says why.

    Raises
    ------
    ValueError
        For a value outside its scale (beyond rounding).

    Examples
    --------
    >>> print(interval_from_value(100, 40, "points", metric="NPS"))
    NPS 100.0 [83.6, 100.0] (95% CI, n = 40, widest adjusted Wald for this value)
    >>> print(interval_from_value(5.0, 40, "mean 1–5", metric="CSI"))
    CSI 5.0 [4.8, 5.0] (95% CI, n = 40, widest adjusted t for this value)
    """
    z = _z(level)
    n = float(n)
    value = float(value)
    if math.isnan(value) or math.isnan(n) or n <= 0:
        return _nan_estimate(metric, level, "", unit, 0, "no value or no answers")
    size = round(n)
    if unit == "points":
        if not -100 - 1e-9 <= value <= 100 + 1e-9:
            raise ValueError(f"a value in NPS points lies between -100 and 100; got {value}")
        value = min(max(value, -100.0), 100.0)  # rounding in a stored value, nothing more
        v = value / 100
        centre, variance, n_adjusted = _trinomial(n * (1 + v) / 2 + ADJUSTMENT[0], ADJUSTMENT[1],
                                                  n * (1 - v) / 2 + ADJUSTMENT[2])
        se = math.sqrt(variance / n_adjusted)
        low, high = _containing(value, 100 * max(centre - z * se, -1.0), 100 * min(centre + z * se, 1.0))
        return Estimate(metric, value, low, high, size, level, "widest-adjusted-wald", 100 * se, unit)
    if unit == "%":
        if not -1e-9 <= value <= 100 + 1e-9:
            raise ValueError(f"a share lies between 0 and 100%; got {value}")
        value = min(max(value, 0.0), 100.0)
        low, high = wilson_interval(value / 100 * n, n, level, modified=True)
        return Estimate(metric, value, 100 * low, 100 * high, size, level, "modified-wilson",
                        100 * math.sqrt(value / 100 * (1 - value / 100) / n), unit)
    found = _MEAN_UNIT.match(unit)
    if found:
        bottom, top = float(found.group(1)), float(found.group(2))
        if not bottom - 1e-9 <= value <= top + 1e-9:
            raise ValueError(f"a mean on {bottom:g}–{top:g} lies on that scale; got {value}")
        value = min(max(value, bottom), top)
        if n < 2:
            return Estimate(metric, value, math.nan, math.nan, size, level, "widest-adjusted-t", math.nan, unit,
                            note="one answer: no interval")
        counts = np.array([n * (top - value) / (top - bottom), n * (value - bottom) / (top - bottom)])
        _, low, high, se = _mean_interval(counts, (bottom, top), level, "adjusted-t")
        return Estimate(metric, value, low, high, size, level, "widest-adjusted-t", se, unit)
    return Estimate(metric, value, math.nan, math.nan, size, level, "", math.nan, unit,
                    note=f"no interval for unit {unit!r} from a value and n alone")


# --------------------------------------------------------------------------- many groups


def holm(p_values: Iterable[float]) -> np.ndarray:
    """Holm's step-down adjustment of p-values (NaN stays NaN).

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03]).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(list(p_values), dtype=float)
    adjusted = np.full_like(p, np.nan)
    valid = ~np.isnan(p)
    order = np.argsort(p[valid])
    m = int(valid.sum())
    ranked = p[valid][order] * (m - np.arange(m))
    ranked = np.minimum(np.maximum.accumulate(ranked), 1.0)
    values = np.empty(m)
    values[order] = ranked
    adjusted[valid] = values
    return adjusted


def mean_diff(counts_a: Sequence[int], counts_b: Sequence[int], scale: tuple[int, int], *, level: float = 0.95,
              metric: str = "mean") -> Comparison:
    """Difference of two mean answers, ``a − b``, by Welch's t-test, from the answer counts.

    The test uses each group's plain sample variance (Welch 1947); the groups'
    own estimates in the result carry :func:`mean_from_counts`' default interval.

    Examples
    --------
    >>> print(mean_diff([0, 0, 1, 2, 2], [1, 1, 1, 1, 1], (1, 5), metric="CSI"))
    CSI difference +1.2 [-0.8, +3.2] (95% CI), p = 0.184 (Welch t; n = 5 vs 5)
    """
    a = mean_from_counts(counts_a, scale, level=level, metric=metric)
    b = mean_from_counts(counts_b, scale, level=level, metric=metric)
    nan = math.nan
    if a.n < 2 or b.n < 2:
        return Comparison(metric, a.value - b.value, nan, nan, nan, nan, "welch", level, nan, a, b)
    var_a = mean_from_counts(counts_a, scale, level=level, method="t").se ** 2
    var_b = mean_from_counts(counts_b, scale, level=level, method="t").se ** 2
    se = math.sqrt(var_a + var_b)
    diff = a.value - b.value
    if se == 0:  # both groups gave one answer each throughout: no spread, no test
        return Comparison(metric, diff, nan, nan, nan, nan, "welch", level, 0.0, a, b)
    freedom = (var_a + var_b) ** 2 / (var_a**2 / (a.n - 1) + var_b**2 / (b.n - 1))
    statistic = diff / se
    half = float(stats.t.ppf(0.5 + level / 2, freedom)) * se
    p_value = float(2 * stats.t.sf(abs(statistic), freedom))
    return Comparison(metric, diff, diff - half, diff + half, statistic, p_value, "welch", level, se, a, b)


def share_diff(successes_a: int, n_a: int, successes_b: int, n_b: int, *, level: float = 0.95,
               metric: str = "share") -> Comparison:
    """Difference of two percentages, ``a − b``.

    Newcombe's interval (from the two Wilson intervals) and the pooled z-test.

    Examples
    --------
    >>> print(share_diff(45, 60, 30, 60, metric="CSAT"))
    CSAT difference +25.0 [+7.7, +40.3] (95% CI), p = 0.00468 (Newcombe; n = 60 vs 60)
    """
    a = share(successes_a, n_a, level=level, metric=metric)
    b = share(successes_b, n_b, level=level, metric=metric)
    nan = math.nan
    if n_a == 0 or n_b == 0:
        return Comparison(metric, nan, nan, nan, nan, nan, "newcombe", level, nan, a, b)
    p_a, p_b = successes_a / n_a, successes_b / n_b
    low_a, high_a = wilson_interval(successes_a, n_a, level)
    low_b, high_b = wilson_interval(successes_b, n_b, level)
    diff = p_a - p_b
    low = diff - math.sqrt((p_a - low_a) ** 2 + (high_b - p_b) ** 2)
    high = diff + math.sqrt((high_a - p_a) ** 2 + (p_b - low_b) ** 2)
    pooled = (successes_a + successes_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    statistic = diff / se if se > 0 else 0.0
    p_value = float(2 * stats.norm.sf(abs(statistic)))
    return Comparison(metric, 100 * diff, 100 * low, 100 * high, statistic, p_value, "newcombe", level, 100 * se, a, b)
