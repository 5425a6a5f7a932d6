"""Phrases the report's summary and chapters share: amounts of change, intervals of change, the claim to lead with.

Each turns a number or a row of :func:`cxlib.diagnosis.diagnose`'s ``changes`` into words in the client's language,
from ``cxlib/catalog/summary.toml``.

Examples
--------
>>> from cxlib.wording import Numbers
>>> amount(-35, "points", Numbers("en")), amount(0.3, "mean 1–5", Numbers("ru"))
('35\\xa0points', '0,30 по шкале 1–5')
>>> lower_first("Split responsibilities"), lower_first("NPS falls")
('split responsibilities', 'NPS falls')
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from cxlib.wording import Numbers, Words

METRIC_NAMES = {"nps": "NPS", "csat": "CSAT", "csi": "CSI", "ces": "CES"}
KIND_ORDER = {"period-on-period": 0, "first-to-last": 1, "trend": 2}


def _word(key: str, language: str, **values: Any) -> str:
    return Words("summary", language)(key, **values)


def lower_first(text: str) -> str:
    """``Split responsibilities`` → ``split responsibilities``; an acronym (``NPS …``) keeps its case."""
    text = str(text).strip().rstrip(".")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def metric_label(metric: str) -> str:
    return METRIC_NAMES.get(metric, str(metric))


def scale_of(unit: str) -> str:
    """``mean 1–7, higher = easier`` → ``1–7``."""
    match = re.search(r"(\d+)\s*[–-]\s*(\d+)", str(unit))
    return f"{match.group(1)}–{match.group(2)}" if match else ""


def decimals_for(unit: str) -> int:
    """Answer-scale means carry two decimals; points and percentages none."""
    return 2 if str(unit).startswith("mean") else 0


def amount(value: float, unit: str, numbers: Numbers, *, with_scale: bool = True) -> str:
    """An unsigned amount of change in its unit: ``35 points``, ``4 percentage points``, ``0.30 on the 1–5 scale``."""
    size = numbers.number(abs(value), decimals_for(unit))
    unit = str(unit)
    if unit == "points":
        return _word("points", numbers.language, value=size)
    if unit == "%":
        return _word("percentage_points", numbers.language, value=size)
    if unit.startswith("mean") and with_scale and scale_of(unit):
        return _word("scale_points", numbers.language, value=size, scale=scale_of(unit))
    return size


def change_interval(low: float, high: float, unit: str, numbers: Numbers, level: str) -> str:
    """`` (95% interval: 20 to 50)``, as magnitudes when both bounds share a sign (the verb gives the direction).

    Nothing when a bound is unknown.
    """
    if pd.isna(low) or pd.isna(high):
        return ""
    decimals = decimals_for(unit)
    if low < 0 and high < 0 or low > 0 and high > 0:
        low, high = sorted((abs(low), abs(high)))
    return _word("change_interval", numbers.language, level=level, low=numbers.number(low, decimals),
                high=numbers.number(high, decimals))


def from_preposition(period: str, language: str) -> str:
    """The Russian preposition before the first period: ``с 3 кв.``, but ``со 2 кв.`` (read "со второго")."""
    if language != "ru":
        return ""
    return "со" if re.match(r"2\s", period) else "с"


def lead_claim(part: pd.DataFrame) -> pd.Series:
    """The most specific claim of a place: period-on-period before first-to-last before trend, then the smallest p."""
    return part.assign(_kind=part["kind"].map(KIND_ORDER).fillna(9)).sort_values(["_kind", "p_adjusted"]).iloc[0]


def first_to_act_on(part: pd.DataFrame, periods: list[str]) -> pd.Series:
    """The claim a reader acts on first: a change for the worse before one for the better, then the most specific
    kind (period-on-period before first-to-last before trend), the latest, the smallest adjusted p.

    A recovery after a dip is real news, but not the first thing to act on. ``periods`` are the client's, in time
    order.
    """
    worse = part[part["worse"].fillna(False).astype(bool)]
    pool = worse if len(worse) else part
    pool = pool[pool["kind"].map(KIND_ORDER).fillna(9) == pool["kind"].map(KIND_ORDER).fillna(9).min()]
    order = {period: position for position, period in enumerate(periods)}
    latest = pool["to"].map(order).fillna(-1)
    return lead_claim(pool[latest == latest.max()])
