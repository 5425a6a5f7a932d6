"""The scorecard's metrics: the catalogue's, and those the kit derives from the client's own files.

The catalogue (``cxlib/catalog/scorecard.toml``) gives each metric its level, unit, direction and band; the
survey, mystery shopping and customer files give NPS, CSI, CSAT, the mystery-shopping score, churn, repeat
purchases and revenue per customer, each with its interval.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cxlib import catalog
from cxlib.loyalty import REPEAT_MIN
from cxlib.metrics import METHOD_NAMES, interval_from_value, share


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
        repeat = int((customers["purchases_12m"] >= REPEAT_MIN).sum())
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

