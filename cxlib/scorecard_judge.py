"""Judging each scorecard value: against its target, band or benchmark, with its interval and standard error.

A value that is an estimate from a sample is "met" or "behind" only when its whole interval is on one side;
otherwise it is "insufficient data".
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cxlib.scorecard_metrics import _survey_interval, metric_catalog

#: The statuses in the order the latest values are listed: behind target first.
STATUS_ORDER = ["behind", "insufficient data", "met", "no target", "information"]


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

