"""What a claim is made of: the metrics, the kinds of change, the table's columns and each metric's scale.

Every module that adds claims to the family (:mod:`cxlib.scorecard`, :mod:`cxlib.contacts`, the driver, topic and
control-chart claims) writes rows in :data:`COLUMNS`; the survey's own changes are read on :func:`scale_of`.
"""

from __future__ import annotations

from typing import Any

from cxlib import catalog
from cxlib.scales import answer_scale, ces_higher_is

METRICS = ("nps", "csat", "csi", "ces")
KINDS = ("period-on-period", "first-to-last", "trend")
COMPANY = "(all)"
GROUPS = ("channel", "segment")
MIN_PERIODS = 3     # a trend needs three periods; with two, first-to-last is the period-on-period change
MIN_ANSWERS = int(catalog.load("report")["claims"]["min_answers"])  # a period's answers in a group, to be compared
COLUMNS = ["source", "metric", "by", "group", "kind", "from", "to", "value_from", "value_to", "n_from", "n_to",
           "diff", "low", "high", "p_own", "vs_rest", "vs_rest_low", "vs_rest_high", "p_vs_rest", "p", "worse",
           "unit", "method"]
METHODS = {"nps": "adjusted Wald z", "csat": "Agresti–Caffo z", "csi": "Welch t", "ces": "Welch t"}
TREND_METHOD = "weighted trend (1/SE²)"


def scale_of(metric: str, scales: dict[str, Any] | None = None) -> tuple[int, int]:
    """The answer scale the claims read a metric on.

    NPS 0–10, CSAT 0–1 (satisfied or not), CSI 1–5, CES as configured.
    """
    return answer_scale(metric, scales)


def higher_is_better(metric: str, scales: dict[str, Any] | None = None) -> bool:
    """Whether a higher value of a survey metric is better (CES: as the client's scale says)."""
    return metric != "ces" or ces_higher_is(scales) == "easier"


def _unit(metric: str, scales: dict[str, Any] | None) -> str:
    if metric == "nps":
        return "points"
    if metric == "csat":
        return "%"
    low, high = scale_of(metric, scales)
    return f"mean {low}–{high}"
