"""Shares (percentages) and CSAT, with Wilson's interval corrected near 0 and 100%."""

from __future__ import annotations

import math
from typing import Any

from scipy import stats

from cxlib.metrics.answers import score_counts
from cxlib.metrics.results import Estimate, _containing, _nan_estimate, _z
from cxlib.scales import CSI_SCALE


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


def csat(scores: Any, *, scale: tuple[int, int] = CSI_SCALE, top: int = 2, level: float = 0.95) -> Estimate:
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
