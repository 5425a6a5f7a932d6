"""Control charts for survey metrics: was last month's dip real, or normal variation?

A metric measured month after month moves even when nothing changed, because
each month is a fresh sample of customers. A control chart draws the limits
inside which it moves by chance, and names the months that fall outside (a
*special cause*, worth finding) apart from the ups and downs that are normal
variation (*common cause*, nothing to explain). The method, following
qicharts2 (Anhøj's R package, the reference implementation):

* **Laney's p′ chart** (Laney 2002) for a share (CSAT, answers 0/1, on the
  0–100% scale): the pooled share p̄ over all periods; each period's binomial
  SE_i = √(p̄(1 − p̄)/n_i); z_i = (p_i − p̄)/SE_i; σ_z = mean moving range of
  z / d2 (d2 = 1.128); limits p̄ ± 3·SE_i·σ_z, clipped to the scale. With
  hundreds of answers a month the plain p chart's limits are too narrow:
  months differ by more than sampling error, and σ_z > 1 widens the limits by
  exactly that much (σ_z < 1 narrows them).
* **NPS** (−100…100): the same, with the trinomial variance of one answer,
  p_P + p_D − (p_P − p_D)², from the pooled shares; SE_i = 100·√(var/n_i).
* **CSI and CES** (means): SE_i = s/√n_i with s the pooled within-period
  standard deviation (Montgomery 6.31, as qicharts2's x̄ chart), then the
  same Laney σ_z correction.
* **Signals**: a period beyond its limits (marks that period); Anhøj's runs
  rule, the longest run on one side of the centre longer than
  round(log2(m) + 3), and crossings rule, fewer crossings of the centre than
  the 5% quantile of Binomial(m − 1, ½) (Anhøj & Olesen 2014), with m the
  periods not on the centre line. A runs or crossings signal is about the
  whole series (its level shifted or drifts), so it marks every judged
  period, and ``rule`` says which rule fired.
* **Too little to judge**: a period with fewer than ``min_answers`` answers is
  drawn but takes no part (no z, no limits, no signal); with fewer than
  ``min_points`` judged periods the chart calls no signal at all and says
  why, in one sentence (``explain``). Every constant is in
  ``cxlib/catalog/spc.toml``.

Measured false-signal rate (``tests/test_spc.py`` measures it, ``bench/bench_spc.py``
prints it): of 2,000 stable series of 24 months (Poisson(200) answers a month,
fixed seeds), 8.7% of the CSAT charts (72% satisfied) and 8.0% of the NPS
charts (45% promoters, 20% detractors) call a signal somewhere in the two
years: the limits 6.2% and 4.9% (24 points at 3σ give about 6%), the runs
rule 1.0% and 1.2%, the crossings rule 2.8% and 3.2%. A one-month CSAT drop
of 10 points (about 3 SE) is flagged at that month in 32% of series. A signal
says "look for the cause", not that one was found; ``docs/spc.md`` has more.

References
----------
Laney, D. B. (2002). Improved control charts for attributes. Quality
Engineering 14(4), 531–537.
Anhøj, J., Olesen, A. V. (2014). Run charts revisited: a simulation study of
run chart rules for detection of non-random variation in health care
processes. PLoS ONE 9(11), e113825.

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                                    # doctest: +SKIP
>>> chart = control_chart(client.survey, "nps", freq="month")                  # doctest: +SKIP
>>> chart.loc[chart["signal"], ["period", "value", "lower", "upper", "rule"]]  # doctest: +SKIP
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cxlib import catalog
from cxlib.claims import COLUMNS as CLAIM_COLUMNS
from cxlib.claims import COMPANY, higher_is_better, scale_of
from cxlib.scales import nps_group_counts
from cxlib.spc_counts import METRICS, period_counts  # noqa: F401  (METRICS: the charted metrics, named here too)

RULES = ("beyond limits", "run", "crossings")
CHARTS = {"nps": "NPS p′ chart (Laney)", "csat": "p′ chart (Laney)", "csi": "x̄′ chart (Laney)",
          "ces": "x̄′ chart (Laney)"}
SOURCE = "control chart"
KIND = "special cause"


def settings() -> dict[str, float]:
    """The method's constants from ``cxlib/catalog/spc.toml`` [settings].

    Examples
    --------
    >>> settings()["sigma"], settings()["d2"]
    (3.0, 1.128)
    """
    return dict(catalog.load("spc")["settings"])


def anhoej_limits(useful: int, constants: dict[str, float] | None = None) -> tuple[int, int]:
    """Anhøj's limits for ``useful`` points off the centre line: the longest run allowed, the fewest crossings.

    A run longer than the first, or fewer crossings than the second, is a signal.

    Examples
    --------
    >>> anhoej_limits(10), anhoej_limits(12), anhoej_limits(24)
    ((6, 2), (7, 3), (8, 8))
    """
    constants = constants or settings()
    longest = round(math.log2(useful) + constants["run_excess"])
    fewest = int(stats.binom.ppf(constants["crossings_quantile"], useful - 1, 0.5))
    return longest, fewest


# --------------------------------------------------------------------------- the chart


def _levels(metric: str, counts: np.ndarray, scale: tuple[int, int]) -> tuple[np.ndarray, float, float]:
    """Each period's value, the pooled centre, and the standard deviation of one answer, on the report's scale."""
    n = counts.sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if metric == "nps":
            promoters, _, detractors = nps_group_counts(counts)
            net = promoters - detractors
            promoters, detractors = promoters.sum() / n.sum(), detractors.sum() / n.sum()
            centre = net.sum() / n.sum()  # as each period's value is computed, so a period on the centre equals it
            return 100 * net / n, 100 * centre, 100 * math.sqrt(max(promoters + detractors - centre**2, 0.0))
        if metric == "csat":
            share = counts[:, 1].sum() / n.sum()
            return 100 * counts[:, 1] / n, 100 * share, 100 * math.sqrt(share * (1 - share))
        scores = np.arange(scale[0], scale[1] + 1, dtype=float)
        means = counts @ scores / n
        squares = (counts * (scores[None, :] - means[:, None]) ** 2).sum(1)  # within each period
        spread = squares[n >= 2].sum() / (n[n >= 2] - 1).sum() if (n >= 2).any() else math.nan
        return means, float(counts.sum(0) @ scores / n.sum()), math.sqrt(spread)


def _runs(value: np.ndarray, centre: float, judged: np.ndarray, constants: dict[str, float]) -> dict[str, Any]:
    """Anhøj's runs analysis over the judged periods: longest run, crossings, their limits and signals."""
    # equal rationals divide to the same float, so a period exactly on the centre compares equal: no tolerance
    sides = np.sign(value[judged] - centre)
    sides = sides[sides != 0]
    useful = int(sides.size)
    found = {"useful": useful, "longest_run": 0, "longest_run_max": math.nan, "crossings": 0,
             "crossings_min": math.nan, "run_signal": False, "crossings_signal": False}
    if useful < constants["min_points"]:
        return found  # too few points for the rules to mean anything: no signal
    changes = np.flatnonzero(np.diff(sides) != 0)
    lengths = np.diff(np.concatenate([[-1], changes, [useful - 1]]))
    longest_max, crossings_min = anhoej_limits(useful, constants)
    found.update(longest_run=int(lengths.max()), longest_run_max=longest_max, crossings=int(changes.size),
                 crossings_min=crossings_min)
    found.update(run_signal=bool(lengths.max() > longest_max), crossings_signal=bool(changes.size < crossings_min))
    return found


def _rules(beyond: np.ndarray, judged: np.ndarray, runs: dict[str, Any]) -> list[str]:
    """Each period's rules, in the order of :data:`RULES`, joined by ", "; empty when none fired."""
    fired = (runs["run_signal"], runs["crossings_signal"])
    return [", ".join(name for name, on in zip(RULES, (here, *fired)) if on and ok) for here, ok in zip(beyond, judged)]


def chart_from_counts(counts: Any, metric: str, periods: list[str] | None = None, *,
                      scales: dict[str, Any] | None = None, language: str = "en") -> pd.DataFrame:
    """The control chart of one metric from its answer counts per period (rows: periods in time order).

    See :func:`control_chart`, which builds ``counts`` from survey answers; the
    simulations in the tests call this directly.

    Examples
    --------
    >>> counts = np.array([[60, 140], [58, 142], [65, 135], [55, 145]] * 3)   # CSAT: unsatisfied, satisfied
    >>> chart = chart_from_counts(counts, "csat")
    >>> chart.attrs["centre"], bool(chart["signal"].any()), chart.attrs["judged"]
    (70.25, False, True)
    """
    constants, scale = settings(), scale_of(metric, scales)
    counts = np.asarray(counts, dtype=float)
    periods = list(periods) if periods is not None else [str(i + 1) for i in range(len(counts))]
    n = counts.sum(1)
    value, centre, spread = _levels(metric, counts, scale) if n.sum() else (np.full(len(n), np.nan), math.nan, 0.0)
    centre = float(centre)
    enough = n >= constants["min_answers"]
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.where(enough, spread / np.sqrt(n), np.nan)
        z = np.where(enough & (se > 0), (value - centre) / se, np.nan)
    moving = np.abs(np.diff(z))  # NaN next to a period that takes no part, as qicharts2's diff over NA
    sigma_z = float(np.nanmean(moving) / constants["d2"]) if np.isfinite(moving).any() else math.nan
    bounds = (-100.0, 100.0) if metric == "nps" else (0.0, 100.0) if metric == "csat" else scale
    width = constants["sigma"] * se * sigma_z
    lower = np.clip(centre - width, *bounds)
    upper = np.clip(centre + width, *bounds)
    reason = _reason(int(enough.sum()), spread, sigma_z, constants)
    judged = enough & (reason == "")
    beyond = judged & ((value > upper) | (value < lower))
    runs = _runs(value, centre, judged, constants)  # no judged period, no useful point: no run signal either
    rules = _rules(beyond, judged, runs)
    table = pd.DataFrame({"period": periods, "value": value, "centre": centre, "lower": lower, "upper": upper,
                          "n": n.astype(int), "z": z, "signal": [bool(rule) for rule in rules], "rule": rules,
                          "se": se, "judged": judged})
    table.attrs.update(metric=metric, chart=CHARTS[metric], unit=_unit(metric, scale), bounds=bounds,
                       centre=centre, sigma_z=sigma_z, judged=not reason, reason=reason,
                       small=int(((n > 0) & ~enough).sum()), enough=int(enough.sum()),
                       higher_is_better=higher_is_better(metric, scales), **runs,
                       **{key: constants[key] for key in ("sigma", "min_points", "min_answers")})
    table.attrs["note"] = explain(table, language)
    return table


def _reason(enough: int, spread: float, sigma_z: float, constants: dict[str, float]) -> str:
    """Why a chart calls no signal ("too_few_periods", "no_variation"), or "" when it can be judged."""
    if enough < constants["min_points"]:
        return "too_few_periods"
    if not spread > 0 or sigma_z == 0:
        return "no_variation"
    # periods with enough answers but never two in a row leave no moving range, so no sigma_z
    return "" if math.isfinite(sigma_z) else "too_few_periods"


def _unit(metric: str, scale: tuple[int, int]) -> str:
    return {"nps": "points", "csat": "%"}.get(metric, f"mean {scale[0]}–{scale[1]}")


def control_chart(survey: pd.DataFrame, metric: str, freq: str = "month", *, scales: dict[str, Any] | None = None,
                  language: str = "en") -> pd.DataFrame:
    """Laney's control chart of a survey metric, one row per period, with Anhøj's runs and crossings rules.

    Parameters
    ----------
    survey : DataFrame
        Survey rows with ``date`` and the metric's column (``client.survey``),
        or score counts (``client.counts``, by their ``period`` labels).
    metric : {"nps", "csat", "csi", "ces"}
        CSAT is the 0/1 answer (the CSI top-2 box when the table has no CSAT).
    freq : {"month", "quarter", "year"}
        The calendar period the rows' dates are grouped by.
    scales : dict, optional
        ``client.config["scales"]`` (the CES scale and its direction).
    language : {"en", "ru"}
        The language of ``attrs["note"]``.

    Returns
    -------
    DataFrame
        ``period`` (the kit's labels, e.g. ``2025-03``), ``value``, ``centre``,
        ``lower``, ``upper``, ``n``, ``z``, ``signal``, ``rule`` (``"beyond
        limits"``, ``"run"``, ``"crossings"``, joined by ", " when several
        fired; empty when none), ``se`` (the period's sampling SE before
        Laney's σ_z) and ``judged``. ``attrs`` carries the chart's figures:
        ``sigma_z``, ``useful``, ``longest_run`` with ``longest_run_max``,
        ``crossings`` with ``crossings_min``, ``judged`` and, when not,
        ``reason`` with ``note``, the one sentence that says why.

    Examples
    --------
    >>> chart = control_chart(client.survey, "csat", freq="month")            # doctest: +SKIP
    >>> chart.attrs["judged"], round(chart.attrs["sigma_z"], 2)               # doctest: +SKIP
    (True, 0.93)
    """
    periods, counts = period_counts(survey, metric, freq, scales=scales)
    return chart_from_counts(counts, metric, periods, scales=scales, language=language)


def explain(chart: pd.DataFrame, language: str = "en") -> str:
    """The sentence saying why a chart calls no signal, or which periods it leaves out; empty when neither.

    Examples
    --------
    >>> chart = chart_from_counts(np.array([[30, 70]] * 4), "csat")
    >>> print(explain(chart))  # doctest: +NORMALIZE_WHITESPACE
    Only 4 periods have at least 30 answers each, and telling a special cause from normal variation needs at
    least 8, so no period is judged.
    """
    texts, attrs = catalog.load("spc")["texts"], chart.attrs
    values = {"answers": attrs["min_answers"], "k": attrs["enough"], "min": attrs["min_points"]}
    if attrs["reason"]:
        return catalog.label(texts, language, attrs["reason"]).format(**values)
    if attrs["small"]:
        return catalog.label(texts, language, "small_periods").format(**{**values, "k": attrs["small"]})
    return ""


def signals_as_claims(chart: pd.DataFrame, *, level: float | None = None, every_period: bool = False) -> pd.DataFrame:
    """Each period beyond its limits (or, with ``every_period``, each judged period) as a claim row.

    The rows are in the columns of :func:`cxlib.claims.family`. A family must hold every test looked at, not only
    the ones that came out beyond the limits, so the report adds every judged period (``every_period=True``).

    The claim is "this period differs from the process centre": ``from`` is the
    chart's first period, ``to`` the period; ``value_from`` the centre,
    ``value_to`` the period's value, ``n_from`` all answers charted, ``n_to``
    the period's; ``diff`` = value − centre with its interval
    ``diff ± z·SE_i·σ_z`` at ``level``; ``p`` = 2·(1 − Φ(|z_i|/σ_z)), two-sided.
    ``source`` is "control chart", ``kind`` "special cause", so
    ``cxlib.claims.family(..., extra=rows)`` can adopt them into its Holm family.

    Examples
    --------
    >>> counts = np.array([[60, 140], [58, 142], [65, 135], [55, 145]] * 3)   # CSAT: unsatisfied, satisfied
    >>> counts[5] = [100, 100]                                              # month 6: 50% satisfied
    >>> rows = signals_as_claims(chart_from_counts(counts, "csat"))
    >>> rows[["to", "diff", "p"]].round(4).values.tolist()
    [['6', -18.5, 0.0006]]
    """
    attrs = chart.attrs
    level = settings()["level"] if level is None else level
    beyond = chart[chart["judged"]] if every_period else chart[chart["rule"].str.contains(RULES[0], regex=False)]
    if not len(beyond) or not attrs.get("judged", True):
        return pd.DataFrame({column: pd.Series(dtype=object) for column in CLAIM_COLUMNS})
    sigma_z, quantile = attrs["sigma_z"], float(stats.norm.ppf(0.5 + level / 2))
    diff = beyond["value"] - beyond["centre"]
    spread = quantile * beyond["se"] * sigma_z
    worse = diff < 0 if attrs["higher_is_better"] else diff > 0
    rows = pd.DataFrame({
        "source": SOURCE, "metric": attrs["metric"], "by": "", "group": COMPANY, "kind": KIND,
        "from": chart["period"].iloc[0], "to": beyond["period"], "value_from": beyond["centre"],
        "value_to": beyond["value"], "n_from": int(chart["n"].sum()), "n_to": beyond["n"], "diff": diff,
        "low": diff - spread, "high": diff + spread,
        "p_own": 2 * stats.norm.sf(beyond["z"].abs() / sigma_z), "vs_rest": math.nan, "vs_rest_low": math.nan,
        "vs_rest_high": math.nan, "p_vs_rest": math.nan, "worse": worse.astype("boolean"), "unit": attrs["unit"],
        "method": f"{attrs['chart']}, {attrs['sigma']:g}σ limits, σ_z = {sigma_z:.3f}"})
    rows["p"] = rows["p_own"]
    return rows[CLAIM_COLUMNS].reset_index(drop=True)
