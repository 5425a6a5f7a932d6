"""Whether each scorecard metric is worsening or improving over the periods, and its trends as claims.

A value with a known sampling error gets a weighted least-squares trend whose "worsening" is a claim,
Holm-adjusted with the others (or judged within the diagnosis's family); a value given without ``n`` gets an
ordinary regression, labelled descriptive.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cxlib import catalog
from cxlib.claims import COLUMNS as CLAIM_COLUMNS
from cxlib.claims import TREND_METHOD, weighted_trend
from cxlib.metrics import holm
from cxlib.periods import sort_periods


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
    rows = [_trend_row(metric, part, order=order, min_periods=min_periods, level=level)
            for metric, part in table.groupby("metric", sort=False)]
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


def _trend_row(metric: str, part: pd.DataFrame, *, order: list[str] | None, min_periods: int,
               level: float) -> dict[str, Any]:
    """One metric's row of :func:`trends`, before the flags: its periods in time order and the fitted line."""
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
    return row


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

