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
* The bootstrap draws the histogram (one multinomial draw per replicate), never
  the rows: the statistic depends on the counts only, so the two are the same
  distribution, and the histogram is hundreds of times faster.

Examples
--------
>>> from cxlib.metrics import nps_from_counts
>>> print(nps_from_counts(30, 50, 20))
NPS 10.0 [-3.8, 23.2] (95% CI, n = 100, adjusted Wald)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import optimize, stats

NPS_METHODS = ("adjusted-wald", "wald", "tango", "bootstrap")
ADJUSTMENT = (0.75, 1.5, 0.75)  # pseudo-answers added to promoters, passives, detractors
METHOD_NAMES = {"adjusted-wald": "adjusted Wald", "wald": "Wald", "tango": "Tango score",
                "bootstrap": "bootstrap percentile", "wilson": "Wilson", "t": "t",
                "kish-wald": "Wald with Kish effective n", "kish-adjusted-wald": "adjusted Wald on Kish effective n", "welch": "Welch t", "newcombe": "Newcombe"}
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
        Standard error on the same scale (for the adjusted Wald interval, of the adjusted estimate).
    unit : str
        ``"points"`` (NPS, −100…100), ``"%"``, or the answer scale of a mean.
    missing : int
        Blank answers left out of ``n``: counted, never dropped silently.
    n_eff : float or None
        Kish effective sample size when the estimate is weighted.
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
        Interval method; see the module notes.
    missing : int
        Blank answers, carried into the result so a reader sees them.
    replicates, seed : int
        For ``method="bootstrap"`` only.

    Returns
    -------
    Estimate
        On the NPS-points scale (−100…100).

    Examples
    --------
    The source article's example, 30% promoters, 50% passives, 20% detractors:

    >>> estimate = nps_from_counts(30, 50, 20)
    >>> estimate.value, estimate.n
    (10.0, 100)
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
        draws = np.random.default_rng(seed).multinomial(n, np.array(counts) / n, size=replicates)
        replicate_nps = (draws[:, 0] - draws[:, 2]) / n
        se = float(replicate_nps.std(ddof=1))
        low, high = np.quantile(replicate_nps, [0.5 - level / 2, 0.5 + level / 2])
    return Estimate("NPS", 100 * (promoters - detractors) / n, 100 * max(low, -1.0), 100 * min(high, 1.0), n, level,
                    method, 100 * se, "points", missing)


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
    name = "kish-" + method
    if weights.sum() == 0:
        return _nan_estimate("NPS", level, name, "points", int(blank.sum()), "no answers with weight")
    recoded = np.where(values >= 9, 1.0, np.where(values <= 6, -1.0, 0.0))
    total = weights.sum()
    p = weights[recoded == 1].sum() / total
    d = weights[recoded == -1].sum() / total
    value = p - d
    n_eff = total**2 / (weights**2).sum()
    z = _z(level)
    if method == "wald":
        centre, variance, n_used = value, max(p + d - value**2, 0.0), n_eff
    else:  # the adjustment applied to the effective counts: a heuristic, labelled as such in the docs
        centre, variance, n_used = _trinomial(p * n_eff + ADJUSTMENT[0], (1 - p - d) * n_eff + ADJUSTMENT[1],
                                              d * n_eff + ADJUSTMENT[2])
    se = math.sqrt(variance / n_used)
    return Estimate("NPS", 100 * value, 100 * max(centre - z * se, -1), 100 * min(centre + z * se, 1),
                    int(values.size), level, name, 100 * se, "points", int(blank.sum()), float(n_eff))


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
        Interval method (ignored with weights).
    weights : array-like, optional
        Survey weights (rows with weight 0 are left out). The weighted NPS,
        with its interval computed on Kish's effective sample size ``n_eff``
        (shown in the result): ``method="wald"`` is the textbook Kish-Wald
        interval; the default applies the adjusted-Wald pseudo-answers to the
        effective counts, the kit's heuristic that keeps the interval from
        collapsing when every answer falls in one group.

    Returns
    -------
    Estimate
        On the NPS-points scale (−100…100).

    Raises
    ------
    ValueError
        Naming every answer that is not a whole number from 0 to 10.

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
        histograms and gives a percentile interval; its p-value uses the
        bootstrap standard error.

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
        def draw(counts: tuple[int, int, int]) -> np.ndarray:
            n = sum(counts)
            sample = rng.multinomial(n, np.array(counts) / n, size=replicates)
            return (sample[:, 0] - sample[:, 2]) / n
        replicate_diff = draw(counts_a) - draw(counts_b)
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
    return Comparison("NPS", 100 * diff, 100 * max(low, -2.0), 100 * min(high, 2.0), float(statistic), p_value,
                      method, level, 100 * se, estimate_a, estimate_b)


def nps_sample_size(margin: float, split: Sequence[float], *, level: float = 0.95) -> int:
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

    Returns
    -------
    int
        The smallest n whose adjusted-Wald half-width at the expected split is
        within the margin (an exact search, not the closed-form approximation).

    Examples
    --------
    >>> nps_sample_size(10, (0.3, 0.5, 0.2))
    186
    """
    shares = np.asarray(split, dtype=float)
    if shares.shape == (3,):
        shares = np.where((shares < 0) & (shares > -1e-9), 0.0, shares)  # 1 - p - d may round below zero
    if shares.shape != (3,) or (shares < 0).any() or shares.sum() == 0:
        raise ValueError(f"split must be three non-negative shares (promoters, passives, detractors); got {split}")
    if not 0 < margin <= 200:
        raise ValueError(f"margin is in NPS points and must be positive; got {margin}")
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
            return int(n[fits[0]])
        start += window


# --------------------------------------------------------------------------- shares and means


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (0–1).

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(13, 16)]
    [0.5699, 0.9341]
    """
    if n == 0:
        return math.nan, math.nan
    z = _z(level)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(centre - half, 0.0), min(centre + half, 1.0)


def share(successes: int, n: int, *, level: float = 0.95, metric: str = "share", missing: int = 0) -> Estimate:
    """A percentage with its Wilson interval.

    Examples
    --------
    >>> print(share(45, 60, metric="CSAT"))
    CSAT 75.0% [62.8, 84.2] (95% CI, n = 60, Wilson)
    """
    if n == 0:
        return _nan_estimate(metric, level, "wilson", "%", missing, "no answers")
    low, high = wilson_interval(successes, n, level)
    p = successes / n
    return Estimate(metric, 100 * p, 100 * low, 100 * high, int(n), level, "wilson",
                    100 * math.sqrt(p * (1 - p) / n), "%", missing)


def csat(scores: Any, *, scale: tuple[int, int] = (1, 5), top: int = 2, level: float = 0.95) -> Estimate:
    """CSAT: the share of satisfied answers (the top ``top`` boxes), in percent, with a Wilson interval.

    Examples
    --------
    >>> print(csat([5, 4, 4, 3, 2, 5]))
    CSAT 66.7% [30.0, 90.3] (95% CI, n = 6, Wilson)
    """
    if not 1 <= top < scale[1] - scale[0] + 1:
        raise ValueError(f"top must count at least one box and fewer than the whole scale {scale}; got {top}")
    counts, missing = score_counts(scores, scale[0], scale[1], "CSAT scores")
    return share(int(counts[-top:].sum()), int(counts.sum()), level=level, metric="CSAT", missing=missing)


def mean_from_counts(counts: Sequence[int], scale: tuple[int, int], *, level: float = 0.95, metric: str = "mean",
                     missing: int = 0) -> Estimate:
    """Mean answer with a t interval, from the counts of each answer on ``scale``.

    Examples
    --------
    >>> print(mean_from_counts([0, 1, 2, 3, 4], (1, 5), metric="CSI"))
    CSI 4.0 [3.2, 4.8] (95% CI, n = 10, t)
    """
    counts = np.asarray(counts, dtype=float)
    values = np.arange(scale[0], scale[1] + 1, dtype=float)
    n = int(counts.sum())
    unit = f"mean {scale[0]}–{scale[1]}"
    if n == 0:
        return _nan_estimate(metric, level, "t", unit, missing, "no answers")
    mean = float((counts * values).sum() / n)
    if n == 1:
        return Estimate(metric, mean, math.nan, math.nan, 1, level, "t", math.nan, unit, missing,
                        note="one answer: no interval")
    variance = float((counts * (values - mean) ** 2).sum() / (n - 1))
    se = math.sqrt(variance / n)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * se
    return Estimate(metric, mean, max(mean - half, scale[0]), min(mean + half, scale[1]), n, level, "t", se, unit,
                    missing)


def csi(scores: Any, *, scale: tuple[int, int] = (1, 5), level: float = 0.95, as_index: bool = False) -> Estimate:
    """CSI: the mean satisfaction answer with a t interval, or its 0–100 index.

    The index maps the scale linearly, ``(mean − low) / (high − low) × 100``,
    and maps the interval's ends the same way.

    Examples
    --------
    >>> print(csi([5, 4, 4, 3, 5]))
    CSI 4.2 [3.2, 5.0] (95% CI, n = 5, t)
    >>> print(csi([5, 4, 4, 3, 5], as_index=True))
    CSI 80.0 [54.0, 100.0] (95% CI, n = 5, t)
    """
    counts, missing = score_counts(scores, scale[0], scale[1], "CSI scores")
    estimate = mean_from_counts(counts, scale, level=level, metric="CSI", missing=missing)
    if not as_index:
        return estimate
    span = scale[1] - scale[0]
    to_index = lambda x: (x - scale[0]) / span * 100  # noqa: E731
    return Estimate("CSI", to_index(estimate.value), to_index(estimate.low), to_index(estimate.high), estimate.n,
                    level, "t", estimate.se / span * 100, "index 0–100", missing, note=estimate.note)


def ces(scores: Any, *, scale: tuple[int, int] = (1, 7), higher_is: str = "easier", level: float = 0.95) -> Estimate:
    """CES: the mean effort answer with a t interval, its scale and direction stated.

    CES 2.0 asks for agreement with "the company made it easy…" on 1–7, where
    higher is easier; the source method reports effort on 0–100, where lower
    means less effort. Say which with ``scale`` and ``higher_is``.

    Examples
    --------
    >>> ces([7, 6, 5, 2]).unit
    'mean 1–7, higher = easier'
    """
    if higher_is not in ("easier", "harder"):
        raise ValueError(f"higher_is must be 'easier' or 'harder'; got {higher_is!r}")
    counts, missing = score_counts(scores, scale[0], scale[1], "CES scores")
    estimate = mean_from_counts(counts, scale, level=level, metric="CES", missing=missing)
    return Estimate(**{**estimate.to_dict(), "unit": f"{estimate.unit}, higher = {higher_is}"})


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
    var_a, var_b = a.se**2, b.se**2
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
    """Difference of two percentages, ``a − b``: Newcombe's interval (from the two Wilson intervals) and the pooled z-test.

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
    (low_a, high_a), (low_b, high_b) = wilson_interval(successes_a, n_a, level), wilson_interval(successes_b, n_b, level)
    diff = p_a - p_b
    low = diff - math.sqrt((p_a - low_a) ** 2 + (high_b - p_b) ** 2)
    high = diff + math.sqrt((high_a - p_a) ** 2 + (p_b - low_b) ** 2)
    pooled = (successes_a + successes_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    statistic = diff / se if se > 0 else 0.0
    p_value = float(2 * stats.norm.sf(abs(statistic)))
    return Comparison(metric, 100 * diff, 100 * low, 100 * high, statistic, p_value, "newcombe", level, 100 * se, a, b)
