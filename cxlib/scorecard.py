"""The balanced-scorecard check of customer service at four levels.

Financial, customer, operational, learning & growth (METHODOLOGY.md section 2).
Each metric is judged three ways, each flag kept separate:

* against its **target**: met, behind, or "insufficient data" when the metric
  is an estimate from a sample and its interval straddles the target;
* against an outside **benchmark**, the same way;
* by its **trend** over the periods. A value that is an estimate from a
  sample (a survey-based metric, or any row with its ``n`` and an interval)
  carries its sampling error, so its trend is a weighted least-squares line
  (each period weighted by ``1/SE²``, :func:`cxlib.claims.weighted_trend`)
  and "worsening" is a claim: the slope points the bad way and its p-value,
  Holm-adjusted with the other claims (the scorecard's own, or the whole
  diagnosis's family when :func:`cxlib.diagnosis.diagnose` passes
  ``claims``), is below ``1 − level``. A value given without ``n`` has no
  known sampling error: its trend is an ordinary regression through the
  values, flagged with p below the catalogue's ``trend_p`` and labelled
  *descriptive*.

The flags and the catalogue's texts give each level the four lists of a
certification report: strengths, weaknesses, risks, areas for improvement.

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                        # doctest: +SKIP
>>> card = cxlib.scorecard.assess(client)                           # doctest: +SKIP
>>> card.levels[["score", "met", "behind", "worsening"]]           # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cxlib import catalog
from cxlib.claims import COLUMNS as CLAIM_COLUMNS
from cxlib.claims import TREND_METHOD, weighted_trend
from cxlib.metrics import METHOD_NAMES, Comparison, holm, interval_from_value, share, share_diff
from cxlib.periods import sort_periods

STATUS_ORDER = ["behind", "insufficient data", "met", "no target", "information"]


def metric_catalog(language: str = "en", overrides: dict[str, Any] | None = None) -> pd.DataFrame:
    """Every catalogued metric: level, name, definition, unit, direction, band, survey_based, improvement.

    ``overrides`` is ``client.config["overrides"]``: ``[overrides.scorecard.bands]``
    replaces a band, e.g. ``agent_occupancy = [75, 85]``.
    """
    bands = ((overrides or {}).get("scorecard", {}) or {}).get("bands", {})
    rows = []
    for metric in catalog.load("scorecard")["metrics"]:
        band = bands.get(metric["key"], metric.get("band", [np.nan, np.nan]))
        rows.append({"metric": metric["key"], "level": metric["level"], "name": catalog.label(metric, language),
                     "definition": metric["definition"], "unit": metric["unit"], "direction": metric["direction"],
                     "band_low": float(band[0]), "band_high": float(band[1]),
                     "survey_based": metric["survey_based"],
                     "improvement": catalog.label(metric, language, "improvement")})
    return pd.DataFrame(rows).set_index("metric")


def levels(language: str = "en") -> pd.DataFrame:
    """The four levels in order: name, what each covers, how it is examined."""
    return pd.DataFrame([{"level": level["key"], "name": catalog.label(level, language),
                          "covers": catalog.label(level, language, "covers"), "examined_by": level["examined_by"]}
                         for level in catalog.load("scorecard")["levels"]]).set_index("level")


# --------------------------------------------------------------------------- derived metrics


def derive(survey: pd.DataFrame, customers: pd.DataFrame, mystery_shopping: pd.DataFrame | None = None, *,
           level: float = 0.95) -> pd.DataFrame:
    """Metrics the kit computes from the client's files instead of asking for them twice.

    NPS, CSI and CSAT per survey period; the mystery-shopping score per period
    (mean visit score, t interval across visits); churn rate, repeat-purchase
    rate and revenue per customer from ``customers.csv`` (a 12-month snapshot,
    placed in the last survey period). Each row says where it came from and
    carries its interval.
    """
    from cxlib.journey import mystery_visits

    rows: list[dict[str, Any]] = []
    if mystery_shopping is not None and len(mystery_shopping):
        visits = mystery_visits(mystery_shopping)
        visits = visits[visits["touchpoint"] == "(visit)"].merge(
            mystery_shopping.drop_duplicates("visit_id")[["visit_id", "period"]], on="visit_id")
        for period, part in visits.groupby("period", sort=True):
            scores = part["score"].to_numpy(dtype=float)
            n = len(scores)
            half = stats.t.ppf(0.5 + level / 2, n - 1) * scores.std(ddof=1) / math.sqrt(n) if n > 1 else np.nan
            rows.append({"level": "customer", "metric": "mystery_shopping_score", "period": period,
                         "value": scores.mean(), "n": n, "low": max(scores.mean() - half, 0),
                         "high": min(scores.mean() + half, 100), "source": "derived from mystery_shopping.csv"})
    from cxlib.survey import is_counts, period_order, summarize

    source = "derived from survey_counts.csv" if is_counts(survey) else "derived from survey.csv"
    periods = period_order(survey) if len(survey) else []
    if periods:
        table = summarize(survey[survey["period"] != ""], by="period", metrics=["nps", "csi", "csat"], level=level)
        for _, estimate in table[table["n"] > 0].iterrows():  # a metric nobody answered is unknown, not a value
            rows.append({"level": "customer", "metric": estimate["metric"], "period": estimate["period"],
                         "value": estimate["value"], "n": estimate["n"], "low": estimate["low"],
                         "high": estimate["high"], "source": source})
    if len(customers) and periods:
        last = periods[-1]
        total = len(customers)
        churned = int(customers["churned"].astype(bool).sum())
        repeat = int((customers["purchases_12m"] >= 2).sum())
        revenue = customers["revenue_12m"].to_numpy(dtype=float)
        churn, again = share(churned, total, level=level), share(repeat, total, level=level)
        half = stats.t.ppf(0.5 + level / 2, total - 1) * revenue.std(ddof=1) / math.sqrt(total) if total > 1 else np.nan
        for key, value, low, high in (("churn_rate", churn.value, churn.low, churn.high),
                                      ("repeat_purchase_rate", again.value, again.low, again.high),
                                      ("revenue_per_customer", revenue.mean(), revenue.mean() - half,
                                       revenue.mean() + half)):
            rows.append({"level": "financial", "metric": key, "period": last, "value": float(value), "n": total,
                         "low": float(low), "high": float(high), "source": "derived from customers.csv (12 months)"})
    return pd.DataFrame(rows, columns=["level", "metric", "period", "value", "n", "low", "high", "source"])


def _survey_interval(value: float, n: float, unit: str, level: float) -> tuple[float, float, str]:
    """An interval for a survey-based value given with its n only (the answers themselves not supplied).

    Without the spread of the answers the kit takes the widest one the scale
    allows (:func:`cxlib.metrics.interval_from_value`), so "behind" is never
    claimed on too little evidence, and a value at ±100 still gets an interval
    of honest width rather than none.
    """
    try:
        estimate = interval_from_value(value, n, unit, level=level)
    except ValueError:  # a value outside its scale: no interval rather than a wrong one
        return math.nan, math.nan, "none"
    if math.isnan(estimate.low):
        return value, value, "none"
    return estimate.low, estimate.high, METHOD_NAMES.get(estimate.method, estimate.method)


# --------------------------------------------------------------------------- judging


def _judge(low: float, high: float, target: float, direction: str, band: tuple[float, float]) -> str:
    if direction == "band":
        if math.isnan(band[0]):
            return "no target"
        if low >= band[0] and high <= band[1]:
            return "met"
        if high < band[0] or low > band[1]:
            return "behind"
        return "insufficient data"
    if direction not in ("higher", "lower"):
        return "information"
    if target is None or (isinstance(target, float) and math.isnan(target)):
        return "no target"
    good_side = low >= target if direction == "higher" else high <= target
    bad_side = high < target if direction == "higher" else low > target
    return "met" if good_side else "behind" if bad_side else "insufficient data"


def combine(scorecard: pd.DataFrame, derived: pd.DataFrame, config: dict[str, Any] | None = None,
            *, level: float = 0.95, language: str = "en") -> pd.DataFrame:
    """The client's scorecard rows plus the derived ones the file does not already give, with intervals.

    Targets and benchmarks for derived metrics come from ``client.toml``
    ``[targets]`` and ``[benchmarks]``; they also fill empty cells of the file.
    A metric the catalogue does not know must state its unit and direction in
    the file; without them it is reported, not judged.
    """
    config = config or {}
    known = metric_catalog(language, config.get("overrides"))
    given = scorecard.assign(source="scorecard.csv")
    given_metrics = set(given["metric"])
    extra = derived[~derived["metric"].isin(given_metrics)]
    table = pd.concat([given, extra], ignore_index=True)
    for column, key in (("target", "targets"), ("benchmark", "benchmarks")):
        defaults = table["metric"].map(config.get(key, {}))
        table[column] = table[column].astype(float).fillna(defaults.astype(float))
    for column in ("unit", "direction"):
        from_file = table[column] if column in table else pd.Series("", index=table.index)
        from_catalog = table["metric"].map(known[column])
        table[column] = from_file.where(from_file.fillna("") != "", from_catalog).fillna("")
    table["name"] = table["metric"].map(known["name"]).fillna(table["metric"])
    table["survey_based"] = table["metric"].map(known["survey_based"]).fillna(table["n"].notna()).astype(bool)
    table["known"] = table["metric"].isin(known.index)

    lows, highs, methods, statuses, benchmarks = [], [], [], [], []
    for _, row in table.iterrows():
        low, high, method = row.get("low", np.nan), row.get("high", np.nan), ""
        if pd.isna(low):
            if row["survey_based"] and pd.notna(row["n"]):
                low, high, method = _survey_interval(float(row["value"]), float(row["n"]), row["unit"], level)
            else:
                low = high = float(row["value"])
        else:
            method = "from the answers"
        band = (known.loc[row["metric"], "band_low"], known.loc[row["metric"], "band_high"]) \
            if row["metric"] in known.index else (np.nan, np.nan)
        direction = row["direction"] if row["direction"] else ""
        lows.append(low)
        highs.append(high)
        methods.append(method)
        statuses.append(_judge(low, high, row["target"], direction, band))
        benchmark = _judge(low, high, row["benchmark"], direction, (np.nan, np.nan)) if direction != "band" else ""
        benchmarks.append(benchmark)
    table["low"], table["high"], table["interval"] = lows, highs, methods
    table["se"] = _standard_errors(table, level)
    table["status"] = statuses
    table["below_benchmark"] = [b == "behind" for b in benchmarks]
    return table


def _standard_errors(table: pd.DataFrame, level: float) -> np.ndarray:
    """Each value's standard error where its sampling error is known: a row with ``n`` and an interval.

    The interval's wider half over the normal quantile (a clipped or
    asymmetric interval gives the larger, more cautious SE); NaN without ``n``.
    """
    def numbers(column: str) -> np.ndarray:
        return pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)

    z = float(stats.norm.ppf(0.5 + level / 2))
    n = numbers("n") if "n" in table else np.full(len(table), np.nan)
    value, low, high = (numbers(c) for c in ("value", "low", "high"))
    half = np.fmax(high - value, value - low)
    with np.errstate(invalid="ignore"):
        return np.where((n > 0) & (half > 0), half / z, np.nan)


def _from_survey(source: str) -> bool:
    return str(source).startswith("derived from survey")


TREND_COLUMNS = ["metric", "periods", "first", "last", "first_period", "last_period", "n_first", "n_last", "slope",
                 "change", "low", "high", "p_value", "p_adjusted", "worsening", "improving", "basis", "source", "unit",
                 "direction", "claim"]


def trends(table: pd.DataFrame, *, trend_p: float | None = None, min_periods: int | None = None,
           level: float = 0.95, claims: pd.DataFrame | None = None, order: list[str] | None = None) -> pd.DataFrame:
    """Per metric: the trend over the periods, and whether it is worsening or improving.

    Periods are put in time order with :func:`cxlib.periods.sort_periods`
    (``order`` is ``client.toml [periods] order``). A metric whose every
    period carries a standard error (``se``, from its n and interval: see
    :func:`combine`) gets a weighted trend (``basis`` "sampling error"); the
    others an ordinary regression through the values (``basis``
    "descriptive", flagged at the catalogue's ``trend_p``).

    Parameters
    ----------
    claims : DataFrame, optional
        The diagnosis's family of claims (:func:`cxlib.claims.family`). When
        given, a sampling-error trend is judged by its claim there: the
        survey's company-wide trend for NPS, CSAT and CSI derived from the
        survey, the scorecard's own claim (:func:`trend_claims`) otherwise.
        Without it the sampling-error trends are Holm-adjusted among themselves.

    Returns
    -------
    DataFrame
        Indexed by metric: ``periods``, ``first``, ``last``, ``first_period``,
        ``last_period``, ``n_first``, ``n_last``, ``slope`` (per period),
        ``change`` (fitted, first to last) with ``low``/``high``, ``p_value``,
        ``p_adjusted``, ``worsening``, ``improving``, ``basis``, ``source``,
        ``unit``, ``direction``, ``claim`` (its id in ``claims``).
    """
    settings = catalog.load("scorecard")["status"]
    trend_p = settings["trend_p"] if trend_p is None else trend_p
    min_periods = settings["min_periods"] if min_periods is None else min_periods
    rows = []
    for metric, part in table.groupby("metric", sort=False):
        ordered = sort_periods(part["period"], order=order)
        part = part.assign(period=part["period"].astype(str)).drop_duplicates("period", keep="last")
        part = part.set_index("period").loc[ordered]
        direction = part["direction"].iloc[0]
        values = part["value"].to_numpy(dtype=float)
        se = part["se"].to_numpy(dtype=float) if "se" in part else np.full(len(part), np.nan)
        n = pd.to_numeric(part["n"], errors="coerce").to_numpy(dtype=float) if "n" in part else se * np.nan
        row = {"metric": metric, "periods": len(part), "first": values[0] if len(values) else np.nan,
               "last": values[-1] if len(values) else np.nan, "first_period": ordered[0] if ordered else "",
               "last_period": ordered[-1] if ordered else "", "n_first": n[0] if len(n) else np.nan,
               "n_last": n[-1] if len(n) else np.nan, "slope": np.nan, "change": np.nan, "low": np.nan,
               "high": np.nan, "p_value": np.nan, "p_adjusted": np.nan, "worsening": False, "improving": False,
               "basis": "", "source": str(part["source"].iloc[-1]) if "source" in part and len(part) else "",
               "unit": str(part["unit"].iloc[0]) if "unit" in part and len(part) else "", "direction": direction,
               "claim": ""}
        if len(part) >= min_periods and direction in ("higher", "lower"):
            if np.isfinite(se).all() and (se > 0).all() and np.isfinite(values).all():
                fit = weighted_trend(values, se, level=level, min_periods=min_periods)
                row.update(slope=fit.slope, change=fit.slope * fit.span, low=fit.low * fit.span,
                           high=fit.high * fit.span, p_value=fit.p_value, basis="sampling error")
            else:
                fit = stats.linregress(np.arange(len(part)), values)
                row.update(slope=fit.slope, change=fit.slope * (len(part) - 1), p_value=fit.pvalue,
                           basis="descriptive")
        rows.append(row)
    result = pd.DataFrame(rows, columns=TREND_COLUMNS).set_index("metric")
    if result.empty:
        return result
    inferential = result["basis"] == "sampling error"
    if claims is None:
        result.loc[inferential, "p_adjusted"] = holm(result.loc[inferential, "p_value"])
        significant = inferential & (result["p_adjusted"] < 1 - level)
    else:
        significant = pd.Series(False, index=result.index)
        for metric in result.index[inferential]:
            match = _claim_of(claims, metric, result.loc[metric, "source"])
            if match is not None:
                result.loc[metric, ["p_adjusted", "claim"]] = [match["p_adjusted"], match["claim"]]
                significant[metric] = bool(match["significant"])
    significant |= (result["basis"] == "descriptive") & (result["p_value"] < trend_p)
    bad = np.where(result["direction"] == "higher", result["slope"] < 0, result["slope"] > 0)
    result["worsening"] = significant & bad
    result["improving"] = significant & ~bad & (result["slope"] != 0)
    return result


def _claim_of(claims: pd.DataFrame, metric: str, source: str) -> pd.Series | None:
    """The claim a scorecard trend is judged by: the survey's company-wide trend, or the scorecard's own."""
    if _from_survey(source) and metric in ("nps", "csat", "csi"):
        match = claims[(claims["source"] == "survey") & (claims["by"] == "") & (claims["kind"] == "trend")
                       & (claims["metric"] == metric)]
    else:
        match = claims[(claims["source"] == "scorecard") & (claims["kind"] == "trend") & (claims["metric"] == metric)]
    return match.iloc[0] if len(match) else None


def trend_claims(trend: pd.DataFrame, *, survey_derived: bool = False) -> pd.DataFrame:
    """The scorecard's sampling-error trends as claims, to join a family (:func:`cxlib.claims.family`'s ``extra``).

    Trends of NPS, CSAT and CSI derived from the survey are left out unless
    ``survey_derived``: the survey's own company-wide trend claims test the
    same thing, from the answers themselves.
    """
    chosen = trend[trend["basis"] == "sampling error"]
    if not survey_derived:
        chosen = chosen[~(chosen["source"].map(_from_survey) & chosen.index.isin(["nps", "csat", "csi"]))]
    rows = [{"source": "scorecard", "metric": metric, "by": "", "group": "(all)", "kind": "trend",
             "from": row["first_period"], "to": row["last_period"], "value_from": row["first"],
             "value_to": row["last"], "n_from": row["n_first"], "n_to": row["n_last"], "diff": row["change"],
             "low": row["low"], "high": row["high"], "p_own": row["p_value"], "p": row["p_value"],
             "worse": bool(row["slope"] < 0) if row["direction"] == "higher" else bool(row["slope"] > 0),
             "unit": row["unit"], "method": TREND_METHOD} for metric, row in chosen.iterrows()]
    return pd.DataFrame(rows).reindex(columns=CLAIM_COLUMNS)


@dataclass(frozen=True)
class ScorecardResult:
    """The scorecard check.

    Attributes
    ----------
    table : DataFrame
        Every metric and period with value, interval, target, benchmark, ``status`` and ``below_benchmark``.
    latest : DataFrame
        The latest period of each metric, with its trend flags.
    trends : DataFrame
        Per metric (:func:`trends`): first and last value, slope, fitted
        change, p-value, ``p_adjusted``, ``worsening``, ``improving`` and
        ``basis`` ("sampling error", a claim; "descriptive" when the values
        carry no n).
    levels : DataFrame
        Per level: ``score`` (0–100), counts of metrics met / behind / insufficient / worsening, and the four lists.
    derived : DataFrame
        What the kit computed from the survey and customer files, and whether it was used.
    """

    table: pd.DataFrame
    latest: pd.DataFrame
    trends: pd.DataFrame
    levels: pd.DataFrame
    derived: pd.DataFrame

    def off_track(self) -> pd.DataFrame:
        """Metrics behind target, below benchmark or worsening, worst first.

        Not "lagging": in Kaplan and Norton's sense a lagging indicator is an outcome measure (against a leading
        driver), whatever its status; the scorecard chapter lists those kinds separately.
        """
        flagged = self.latest[(self.latest["status"] == "behind") | self.latest["below_benchmark"]
                              | self.latest["worsening"]]
        return flagged.sort_values(["behind_rank", "worsening"], ascending=[True, False]).drop(columns="behind_rank")


def format_value(value: float, unit: str) -> str:
    """A value with its unit as the lists and recommendations print it: "25.1%", "4.2 h", "3.85 (1–5)"."""
    if unit.startswith("mean "):
        return f"{value:.2f} ({unit[5:]})"
    number = f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}"
    return f"{number}%" if unit == "%" else f"{number} {unit}".strip()


def _lists(latest: pd.DataFrame, known: pd.DataFrame) -> dict[str, list[str]]:
    strengths, weaknesses, risks, improvements = [], [], [], []
    for metric, row in latest.iterrows():
        unit = row["unit"]
        value = format_value(row["value"], unit)
        target = "" if pd.isna(row["target"]) else f" (target {format_value(row['target'], unit)})"
        if row["status"] == "behind":
            weaknesses.append(f"{row['name']}: {value}{target}")
        elif row["status"] == "met" and not row["below_benchmark"] and not row["worsening"]:
            strengths.append(f"{row['name']}: {value}{target}")
        if row["worsening"]:
            how = " (descriptive: the values carry no sample size)" if row.get("basis") == "descriptive" else ""
            risks.append(f"{row['name']} worsening: {format_value(row['first'], unit)} → {value} over "
                         f"{row['periods']} periods{how}")
        if row["below_benchmark"]:
            risks.append(f"{row['name']} worse than the benchmark ({format_value(row['benchmark'], unit)})")
        if row["status"] == "insufficient data":
            risks.append(f"{row['name']}: {value}{target}, too few answers to tell")
        if (row["status"] == "behind" or row["worsening"] or row["below_benchmark"]) and metric in known.index:
            improvements.append(f"{row['name']}: {known.loc[metric, 'improvement']}")
    return {"strengths": strengths, "weaknesses": weaknesses, "risks": risks, "improvements": improvements}


def assess(scorecard: pd.DataFrame, survey: pd.DataFrame, customers: pd.DataFrame,
           config: dict[str, Any] | None = None, *, mystery_shopping: pd.DataFrame | None = None,
           level: float = 0.95, language: str = "en", claims: pd.DataFrame | None = None,
           contacts: pd.DataFrame | None = None) -> ScorecardResult:
    """Judge every scorecard metric and summarise the four levels.

    Parameters
    ----------
    scorecard, survey, customers : DataFrame
        The client's tables (``client.scorecard`` and so on).
    mystery_shopping : DataFrame, optional
        ``client.mystery_shopping``, to derive the mystery-shopping score.
    config : dict, optional
        ``client.config``: ``[targets]``, ``[benchmarks]``, ``[overrides.scorecard]`` and ``[periods] order``.
    claims : DataFrame, optional
        The diagnosis's family of claims: "worsening" is then judged there
        (see :func:`trends`).
    contacts : DataFrame, optional
        ``client.contacts``: the operational level's first-contact resolution and resolution time are derived
        from it (source "contacts.csv") where ``scorecard.csv`` does not give them.

    Returns
    -------
    ScorecardResult
    """
    config = config or {}
    derived = derive(survey, customers, mystery_shopping, level=level)
    if contacts is not None and len(contacts) and config.get("periods"):
        from cxlib.contacts import scorecard_rows  # contacts read the survey-voice tagger: only when supplied

        derived = pd.concat([derived, scorecard_rows(contacts, config, level=level)], ignore_index=True)
    table = combine(scorecard, derived, config, level=level, language=language)
    derived = derived.assign(used=~derived["metric"].isin(set(scorecard["metric"])))
    return _summarise(table, derived, config, level=level, language=language, claims=claims)


def rejudge(result: ScorecardResult, claims: pd.DataFrame, config: dict[str, Any] | None = None, *,
            level: float = 0.95, language: str = "en") -> ScorecardResult:
    """The same scorecard with its sampling-error trends judged by a family of claims (:func:`trends`).

    What :func:`assess` returns with ``claims``, without deriving and
    combining the tables again.
    """
    return _summarise(result.table, result.derived, config or {}, level=level, language=language, claims=claims)


def _summarise(table: pd.DataFrame, derived: pd.DataFrame, config: dict[str, Any], *, level: float, language: str,
               claims: pd.DataFrame | None) -> ScorecardResult:
    order = (config.get("periods") or {}).get("order") or None
    trend = trends(table, level=level, claims=claims, order=order)
    rank = {label: i for i, label in enumerate(sort_periods(table["period"], order=order))}
    latest = table.assign(_rank=table["period"].astype(str).map(rank)).sort_values("_rank", kind="stable")
    latest = latest.groupby("metric", sort=False).tail(1).drop(columns="_rank").set_index("metric")
    latest = latest.join(trend[["periods", "first", "slope", "p_value", "p_adjusted", "worsening", "improving",
                                "basis"]])
    latest["behind_rank"] = latest["status"].map({s: i for i, s in enumerate(STATUS_ORDER)})
    known = metric_catalog(language, config.get("overrides"))
    level_rows = []
    for key, level_info in levels(language).iterrows():
        part = latest[latest["level"] == key]
        judged = part[part["status"].isin(["met", "behind", "insufficient data"])]
        counts = judged["status"].value_counts()
        score = 100 * (counts.get("met", 0) + 0.5 * counts.get("insufficient data", 0)) / len(judged) \
            if len(judged) else np.nan
        level_rows.append({"level": key, "name": level_info["name"], "score": score, "metrics": len(part),
                           "met": int(counts.get("met", 0)), "behind": int(counts.get("behind", 0)),
                           "insufficient": int(counts.get("insufficient data", 0)),
                           "worsening": int(part["worsening"].sum()), **_lists(part, known)})
    latest = latest.sort_values(["level", "behind_rank"], key=lambda s: s.map(
        {k: i for i, k in enumerate(levels().index)}) if s.name == "level" else s)
    return ScorecardResult(table, latest, trend, pd.DataFrame(level_rows).set_index("level"), derived)


def delivery_gap(table: pd.DataFrame, survey: pd.DataFrame, *, metric: str = "self_assessed_superior_service",
                 level: float = 0.95) -> Comparison:
    """The company's belief in its service against what customers say: ``company − customers``, in points of percent.

    The company's side is the latest ``self_assessed_superior_service`` row
    (share of managers rating the service superior, with its n); the
    customers' side is the share of "very satisfied" answers (5 of 5) to the
    satisfaction question, with its Wilson interval.
    """
    rows = table[table["metric"] == metric].sort_values("period")
    if rows.empty:
        raise ValueError(f"the scorecard has no {metric!r} rows: add the managers' self-assessment to scorecard.csv")
    latest = rows.iloc[-1]
    n_company = int(latest["n"]) if pd.notna(latest["n"]) else 0
    if n_company == 0:
        raise ValueError(f"{metric} needs n (how many managers answered) to carry an interval")
    from cxlib.survey import answer_counts

    counts, _ = answer_counts(survey, "csi", (1, 5))
    company = round(float(latest["value"]) / 100 * n_company)
    return share_diff(company, n_company, int(counts[-1]), int(counts.sum()), level=level, metric="superior service")
