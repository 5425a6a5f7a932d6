"""Mystery shopping: each visit and touchpoint scored from the checklist, a critical failure knocking a visit out."""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats

from cxlib.journey_measure import _share_columns


def mystery_visits(checks: pd.DataFrame) -> pd.DataFrame:
    """Score each mystery-shopping visit and each touchpoint within it.

    A score is the weighted share of applicable items passed (N/A left out),
    0–100. A failed *critical* item fails the whole visit: its score becomes 0
    and ``knocked_out`` names the item.

    Returns
    -------
    DataFrame
        One row per visit and touchpoint, plus a row with touchpoint ``"(visit)"``
        for the whole visit: ``score``, ``raw_score`` (before the knock-out),
        ``applicable`` items, ``knocked_out``.
    """
    applicable = checks[checks["result"] != "na"].copy()
    applicable["passed"] = (applicable["result"] == "pass").astype(float)
    applicable["points"] = applicable["passed"] * applicable["weight"]
    rows = []
    for visit, visit_items in applicable.groupby("visit_id", sort=True):
        failed_critical = visit_items[visit_items["critical"].astype(bool) & (visit_items["result"] == "fail")]
        knocked = "; ".join(failed_critical["criterion"])
        for touchpoint, items in list(visit_items.groupby("touchpoint", sort=False)) + [("(visit)", visit_items)]:
            raw = 100 * items["points"].sum() / items["weight"].sum() if items["weight"].sum() else math.nan
            own_knock = knocked if touchpoint == "(visit)" else "; ".join(
                failed_critical.loc[failed_critical["touchpoint"] == touchpoint, "criterion"])
            rows.append({"visit_id": visit, "touchpoint": touchpoint, "raw_score": raw,
                         "score": 0.0 if own_knock else raw, "applicable": len(items), "knocked_out": own_knock})
    return pd.DataFrame(rows)


def mystery_scores(checks: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Mean mystery-shopping score per touchpoint and overall, with a t interval across visits.

    Returns
    -------
    DataFrame
        One row per touchpoint and a last row ``"(visit)"`` for whole visits:
        ``visits``, ``score`` with ``low``/``high``, ``knockouts`` (visits failed
        on a critical item).
    """
    visits = mystery_visits(checks)
    rows = []
    for touchpoint, part in visits.groupby("touchpoint", sort=False):
        scores = part["score"].to_numpy(dtype=float)
        n = len(scores)
        mean = float(scores.mean()) if n else math.nan
        half = float(stats.t.ppf(0.5 + level / 2, n - 1) * scores.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        rows.append({"touchpoint": touchpoint, "visits": n, "score": mean, "low": max(mean - half, 0),
                     "high": min(mean + half, 100), "knockouts": int((part["knocked_out"] != "").sum())})
    table = pd.DataFrame(rows)
    return pd.concat([table[table["touchpoint"] != "(visit)"], table[table["touchpoint"] == "(visit)"]],
                     ignore_index=True)


def mystery_criteria(checks: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Pass rate of every checklist item across visits (N/A left out), with its Wilson interval, worst first."""
    rows = []
    for (touchpoint, criterion), part in checks.groupby(["touchpoint", "criterion"], sort=False):
        applicable = part[part["result"] != "na"]
        passed = int((applicable["result"] == "pass").sum())
        value, low, high = _share_columns(passed, len(applicable), level)
        rows.append({"touchpoint": touchpoint, "criterion": criterion, "critical": bool(part["critical"].any()),
                     "visits": len(applicable), "not_applicable": len(part) - len(applicable),
                     "pass_rate": value, "low": low, "high": high})
    return pd.DataFrame(rows).sort_values("pass_rate", ignore_index=True)
