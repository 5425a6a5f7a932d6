"""The balanced-scorecard check of customer service at four levels.

Financial, customer, operational, learning & growth (METHODOLOGY.md section 2).
Each metric is judged three ways, each flag kept separate:

* against its **target**: met, behind, or "insufficient data" when the metric
  is an estimate from a sample and its interval straddles the target;
* against an outside **benchmark**, the same way;
* by its **trend** over the periods: worsening when the slope points the bad
  way with p below the catalogue's ``trend_p``.

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
from cxlib.metrics import Comparison, share, share_diff

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
    return pd.DataFrame([{"level": l["key"], "name": catalog.label(l, language),
                          "covers": catalog.label(l, language, "covers"), "examined_by": l["examined_by"]}
                         for l in catalog.load("scorecard")["levels"]]).set_index("level")


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
    from cxlib.survey import is_counts, summarize

    source = "derived from survey_counts.csv" if is_counts(survey) else "derived from survey.csv"
    periods = sorted(p for p in survey["period"].unique() if p) if len(survey) else []
    if periods:
        table = summarize(survey[survey["period"] != ""], by="period", metrics=["nps", "csi", "csat"], level=level)
        for _, estimate in table.iterrows():
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
    allows, so "behind" is never claimed on too little evidence.
    """
    z = stats.norm.ppf(0.5 + level / 2)
    if unit == "%":
        successes = round(value / 100 * n)
        estimate = share(successes, int(n), level=level)
        return estimate.low, estimate.high, "Wilson"
    if unit == "points":  # an NPS-type score: variance at most 1 − NPS²
        half = 100 * z * math.sqrt(max(1 - (value / 100) ** 2, 0) / n)
        return max(value - half, -100), min(value + half, 100), "largest variance for this score"
    if unit.startswith("mean "):
        low, high = (float(x) for x in unit[5:].replace("–", "-").split("-"))
        half = z * (high - low) / 2 / math.sqrt(n)
        return max(value - half, low), min(value + half, high), "largest spread on this scale"
    return value, value, "none"


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
    table["status"] = statuses
    table["below_benchmark"] = [b == "behind" for b in benchmarks]
    return table


def trends(table: pd.DataFrame, *, trend_p: float | None = None, min_periods: int | None = None) -> pd.DataFrame:
    """Per metric: the first and last value, the slope per period, its p-value and whether it is worsening."""
    settings = catalog.load("scorecard")["status"]
    trend_p = settings["trend_p"] if trend_p is None else trend_p
    min_periods = settings["min_periods"] if min_periods is None else min_periods
    rows = []
    for metric, part in table.groupby("metric", sort=False):
        part = part.sort_values("period")
        direction = part["direction"].iloc[0]
        row = {"metric": metric, "periods": len(part), "first": part["value"].iloc[0],
               "last": part["value"].iloc[-1], "slope": np.nan, "p_value": np.nan, "worsening": False,
               "improving": False}
        if len(part) >= min_periods and direction in ("higher", "lower"):
            fit = stats.linregress(np.arange(len(part)), part["value"].to_numpy(dtype=float))
            bad = fit.slope < 0 if direction == "higher" else fit.slope > 0
            row.update(slope=fit.slope, p_value=fit.pvalue, worsening=bool(bad and fit.pvalue < trend_p),
                       improving=bool(not bad and fit.slope != 0 and fit.pvalue < trend_p))
        rows.append(row)
    return pd.DataFrame(rows).set_index("metric")


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
        Per metric: first, last, slope, p-value, ``worsening``, ``improving``.
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

    def lagging(self) -> pd.DataFrame:
        """Metrics behind target, below benchmark or worsening, worst first."""
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
            risks.append(f"{row['name']} worsening: {format_value(row['first'], unit)} → {value} over {row['periods']} periods")
        if row["below_benchmark"]:
            risks.append(f"{row['name']} worse than the benchmark ({format_value(row['benchmark'], unit)})")
        if row["status"] == "insufficient data":
            risks.append(f"{row['name']}: {value}{target}, too few answers to tell")
        if (row["status"] == "behind" or row["worsening"] or row["below_benchmark"]) and metric in known.index:
            improvements.append(f"{row['name']}: {known.loc[metric, 'improvement']}")
    return {"strengths": strengths, "weaknesses": weaknesses, "risks": risks, "improvements": improvements}


def assess(scorecard: pd.DataFrame, survey: pd.DataFrame, customers: pd.DataFrame,
           config: dict[str, Any] | None = None, *, mystery_shopping: pd.DataFrame | None = None,
           level: float = 0.95, language: str = "en") -> ScorecardResult:
    """Judge every scorecard metric and summarise the four levels.

    Parameters
    ----------
    scorecard, survey, customers : DataFrame
        The client's tables (``client.scorecard`` and so on).
    mystery_shopping : DataFrame, optional
        ``client.mystery_shopping``, to derive the mystery-shopping score.
    config : dict, optional
        ``client.config``: ``[targets]``, ``[benchmarks]`` and ``[overrides.scorecard]``.

    Returns
    -------
    ScorecardResult
    """
    config = config or {}
    derived = derive(survey, customers, mystery_shopping, level=level)
    table = combine(scorecard, derived, config, level=level, language=language)
    derived = derived.assign(used=~derived["metric"].isin(set(scorecard["metric"])))
    trend = trends(table)
    latest = table.sort_values("period").groupby("metric", sort=False).tail(1).set_index("metric")
    latest = latest.join(trend[["periods", "first", "slope", "p_value", "worsening", "improving"]])
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
