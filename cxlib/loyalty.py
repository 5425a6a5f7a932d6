"""Loyalty and value: behaviour (repeat buyer or lapsed) against attitude (NPS group), and the most valuable
customers' NPS against the rest's, on each customer's latest answer joined to ``customers.csv``.

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                                       # doctest: +SKIP
>>> loyalty_matrix(client.survey, client.customers).set_index("segment").loc["hostages", "share"]  # doctest: +SKIP
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from cxlib import catalog
from cxlib.metrics import Comparison, nps_diff, share
from cxlib.scales import nps_group
from cxlib.survey import _require_rows

# the method's repeat buyer and most valuable customers (catalog/loyalty.toml)
REPEAT_MIN = int(catalog.load("loyalty")["thresholds"]["repeat_min"])
TOP_SHARE = float(catalog.load("loyalty")["thresholds"]["top_share"])


def top_percent(group: str) -> float:
    """The percent a value-tier claim's group names (``top 10%`` → 10.0); the method's top share when it names none.

    Examples
    --------
    >>> top_percent("top 10%"), top_percent("most valuable") == 100 * TOP_SHARE
    (10.0, True)
    """
    found = re.search(r"\d+(?:\.\d+)?", str(group))
    return float(found.group()) if found else 100 * TOP_SHARE

LOYALTY_SEGMENTS = {
    ("repeat", "promoter"): "loyal advocates",
    ("repeat", "passive"): "habitual buyers",
    ("repeat", "detractor"): "hostages",
    ("lapsed", "promoter"): "mercenaries",
    ("lapsed", "passive"): "drifters",
    ("lapsed", "detractor"): "defectors",
}


def latest_answers(survey: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Each customer's latest NPS answer joined to the customer table (customers who never answered left out)."""
    _require_rows(survey, "Linking answers to customers")
    answered = survey[(survey["customer_id"] != "") & survey["nps"].notna()]
    latest = answered.sort_values(["date", "response_id"]).groupby("customer_id", as_index=False).last()
    joined = latest[["customer_id", "nps"]].merge(customers, on="customer_id", how="inner")
    joined["attitude"] = nps_group(joined["nps"].astype(float))
    return joined


def loyalty_matrix(survey: pd.DataFrame, customers: pd.DataFrame, *, repeat_min: int = REPEAT_MIN,
                   level: float = 0.95) -> pd.DataFrame:
    """The two sides of loyalty: behaviour (repeat buyer or lapsed) × attitude (NPS group of the latest answer).

    A customer is a *repeat* buyer with at least ``repeat_min`` purchases in 12
    months and not churned; otherwise *lapsed*. Hostages keep buying but would
    not recommend: behaviourally loyal, attitudinally critical, at risk when
    their reason to stay (a contract, a location) goes.

    Returns
    -------
    DataFrame
        Six rows: ``behaviour``, ``attitude``, ``segment``, ``customers``,
        ``share`` with ``low``/``high`` (% of answering customers, Wilson),
        ``revenue`` and ``revenue_share`` (%). ``attrs["not_answered"]`` counts
        customers with no answer.
    """
    joined = latest_answers(survey, customers)
    repeat = (joined["purchases_12m"] >= repeat_min) & ~joined["churned"].fillna(False).astype(bool)
    joined["behaviour"] = np.where(repeat, "repeat", "lapsed")
    total_revenue = float(joined["revenue_12m"].sum())
    rows = []
    for (behaviour, attitude), segment in LOYALTY_SEGMENTS.items():
        part = joined[(joined["behaviour"] == behaviour) & (joined["attitude"] == attitude)]
        result = share(len(part), len(joined), level=level)
        revenue = float(part["revenue_12m"].sum())
        rows.append({"behaviour": behaviour, "attitude": attitude, "segment": segment, "customers": len(part),
                     "share": result.value, "low": result.low, "high": result.high, "revenue": revenue,
                     "revenue_share": 100 * revenue / total_revenue if total_revenue else np.nan})
    table = pd.DataFrame(rows)
    table.attrs["not_answered"] = int(len(customers) - len(joined))
    return table


def value_tiers(survey: pd.DataFrame, customers: pd.DataFrame, *, top: float = TOP_SHARE,
                level: float = 0.95) -> tuple[Comparison, float]:
    """NPS of the most valuable customers (the top ``top`` share by revenue) against the rest.

    Returns
    -------
    comparison : Comparison
        ``top tier − rest``, on each customer's latest answer.
    revenue_share : float
        Percent of all revenue the top tier brings.
    """
    if not 0 < top < 1:
        raise ValueError(f"top is a share between 0 and 1, e.g. 0.2; got {top}")
    threshold = customers["revenue_12m"].quantile(1 - top)
    top_ids = set(customers.loc[customers["revenue_12m"] >= threshold, "customer_id"])
    revenue_share = 100 * customers.loc[customers["customer_id"].isin(top_ids), "revenue_12m"].sum() / \
        customers["revenue_12m"].sum()
    joined = latest_answers(survey, customers)
    in_top = joined["customer_id"].isin(top_ids)
    return nps_diff(joined.loc[in_top, "nps"], joined.loc[~in_top, "nps"], level=level), float(revenue_share)
