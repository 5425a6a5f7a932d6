"""What every statistic returns: an :class:`Estimate` or a :class:`Comparison`, and the helpers that build them.

The value travels with its sample size, its interval, the interval's level and
the method; :data:`METHOD_NAMES` gives each method the name a reader sees.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
from scipy import stats

METHOD_NAMES = {"adjusted-wald": "adjusted Wald", "wald": "Wald", "tango": "Tango score",
                "bootstrap": "Bayesian bootstrap", "wilson": "Wilson", "modified-wilson": "modified Wilson",
                "t": "t", "adjusted-t": "adjusted t",
                "linearised-wald": "linearised t", "linearised-adjusted-wald": "adjusted Wald on linearised n",
                "widest-adjusted-wald": "widest adjusted Wald for this value",
                "widest-adjusted-t": "widest adjusted t for this value",
                "welch": "Welch t", "newcombe": "Newcombe"}


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
        """Whether the p-value is below ``1 − level`` (a single test; see :func:`cxlib.metrics.holm` for many)."""
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


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, e.g. 0.95; got {level}")
    return float(stats.norm.ppf(0.5 + level / 2))


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
