"""Support contacts meeting the survey: scores by contact history as claims, topics by hours and detractors,
and the scorecard's operational rows derived from the export.

The conventions are the package's (:mod:`cxlib.contacts`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cxlib.claims import COLUMNS, METHODS, contrast
from cxlib.client.counts import period_labels
from cxlib.contacts.measures import (
    HISTORIES,
    KIND,
    SOURCE,
    UNITS,
    _hours,
    _named,
    _share_row,
    contact_topics,
    first_contact_resolution,
    histories,
    latest_scores,
    thresholds,
)
from cxlib.scales import is_detractor, nps_group_counts


def _cell(scores: np.ndarray, metric: str) -> np.ndarray:
    """Answer counts on the claims' scale for ``metric`` (NPS 0–10, CSAT 0–1)."""
    return np.bincount(scores, minlength=11 if metric == "nps" else 2).astype(float)


def _value(counts: np.ndarray, metric: str) -> float:
    n = counts.sum()
    if not n:
        return math.nan
    if metric == "nps":
        promoters, _, detractors = nps_group_counts(counts)
        return float(100 * (promoters - detractors) / n)
    return float(100 * counts[1] / n)


def history_claims(survey: pd.DataFrame, contacts: pd.DataFrame, *, level: float = 0.95,
                   metrics: Sequence[str] = ("nps", "csat")) -> pd.DataFrame:
    """NPS and CSAT of the customers with each contact history against those without contacts, as claims.

    Each customer counts once, by the latest answer (:func:`latest_scores`); a customer the export never names
    has no contacts. Each history (``one``, ``repeated``, ``escalated``) is compared with ``none`` by the
    family's own contrast (:func:`cxlib.claims.contrast`: adjusted Wald for NPS, Agresti–Caffo for CSAT),
    unadjusted: the caller adds the rows to the report's family (:func:`cxlib.claims.adjust`). A comparison with
    fewer than ``min_answers`` customers on either side is listed untested (``p`` NaN).

    Returns
    -------
    DataFrame
        Rows in :data:`cxlib.claims.COLUMNS`: ``source`` "contacts", ``kind`` "history difference", ``by``
        "contact history", ``group`` and ``to`` the history, ``from`` "none", ``diff`` = ``value_to −
        value_from``, ``worse`` when the history scores lower. Empty when no answer names a customer.

    Examples
    --------
    >>> claims = history_claims(client.survey, client.contacts)            # doctest: +SKIP
    """
    history = histories(contacts).set_index("customer_id")["history"]
    minimum, rows = int(thresholds()["min_answers"]), []
    for metric in (m for m in metrics if m in survey):
        scores = latest_scores(survey, metric)
        of = history.reindex(scores.index).fillna("none").to_numpy(dtype=object)
        values = scores.to_numpy(dtype=int)
        cells = {h: _cell(values[of == h], metric) for h in HISTORIES}
        base = cells["none"]
        for name in (h for h in HISTORIES[1:] if cells[h].sum()):
            cell = cells[name]
            result = contrast(metric, [(1, cell), (-1, base)], level=level) \
                if min(cell.sum(), base.sum()) >= minimum else None
            diff = _value(cell, metric) - _value(base, metric)
            tested = {"low": result.low, "high": result.high, "p_own": result.p_value, "p": result.p_value} \
                if result else {}
            rows.append({"source": SOURCE, "metric": metric, "by": "contact history", "group": name, "kind": KIND,
                         "from": "none", "to": name, "value_from": _value(base, metric),
                         "value_to": _value(cell, metric), "n_from": int(base.sum()), "n_to": int(cell.sum()),
                         "diff": diff, **tested, "worse": bool(diff < 0), "unit": UNITS[metric],
                         "method": METHODS[metric]})
    return pd.DataFrame(rows).reindex(columns=COLUMNS)


# --------------------------------------------------------------------------- where effort pays


def topic_ranking(contacts: pd.DataFrame, survey: pd.DataFrame, config: dict[str, Any] | None = None,
                  language: str = "en", *, level: float = 0.95) -> pd.DataFrame:
    """Topics ranked by total handling time and by the detractors among the customers who raised them.

    Handling time is the hours from opening to closing, summed over a topic's closed contacts (``open`` counts
    the rest; NaN when none is closed). ``answers`` are the topic's customers with an NPS answer (the latest,
    one each), ``detractors`` those of 0–6, with their share and Wilson interval.

    Returns
    -------
    DataFrame
        ``topic``, ``name``, ``contacts``, ``hours``, ``open``, ``customers``, ``answers``, ``detractors``,
        ``value``/``low``/``high`` (% detractors), ``rank_hours``, ``rank_detractors`` (1 = most).
    """
    facts = _named(contacts)[["contact_id", "customer_id"]]
    tagged = contact_topics(contacts, config, language).merge(facts, on="contact_id", how="left")
    tagged["hours"] = tagged["contact_id"].map(_hours(contacts).set_axis(contacts["contact_id"]))
    nps = latest_scores(survey, "nps")
    rows = []
    for (topic, name), part in tagged.groupby(["topic", "name"]):
        customers = set(part["customer_id"].dropna())
        answers = nps[nps.index.isin(customers)]
        detractors = int(is_detractor(answers).sum())
        rows.append(_share_row(detractors, len(answers), level, topic=topic, name=name, contacts=len(part),
                               hours=float(part["hours"].sum(min_count=1)), open=int(part["hours"].isna().sum()),
                               customers=len(customers), answers=len(answers), detractors=detractors))
    table = pd.DataFrame(rows, columns=["topic", "name", "contacts", "hours", "open", "customers", "answers",
                                        "detractors", "n", "value", "low", "high"]).drop(columns="n")
    table["rank_hours"] = table["hours"].rank(ascending=False, method="min", na_option="bottom").astype(int)
    table["rank_detractors"] = table["detractors"].rank(ascending=False, method="min").astype(int)
    return table.sort_values(["rank_hours", "topic"]).reset_index(drop=True)


def scorecard_rows(contacts: pd.DataFrame, config: dict[str, Any], *, level: float = 0.95) -> pd.DataFrame:
    """First-contact resolution (%) and mean resolution time (days) per period, for the scorecard.

    The periods are the client's (``[periods]`` in client.toml); the columns are those of
    :func:`cxlib.scorecard.derive`, with ``source`` "contacts.csv". A period with no known flag or no closed
    contact has no row: unknown is never zero.
    """
    # the loader's own labels, so the rows meet scorecard.csv's periods
    periods = period_labels(contacts["opened_at"], config["periods"]["frequency"], config["periods"]["labels"])
    days = _hours(contacts) / float(thresholds()["hours_per_day"])
    rows = []
    for period, part in contacts.groupby(periods, sort=True):
        fcr = first_contact_resolution(part, level=level).iloc[0]
        if fcr["n"]:
            rows.append({"level": "operational", "metric": "first_contact_resolution", "period": period,
                         "value": fcr["value"], "n": int(fcr["n"]), "low": fcr["low"], "high": fcr["high"]})
        closed = days.loc[part.index].dropna()
        if len(closed):
            half = float(stats.t.ppf(0.5 + level / 2, len(closed) - 1) * closed.std(ddof=1)
                         / math.sqrt(len(closed))) if len(closed) > 1 else math.nan
            rows.append({"level": "operational", "metric": "resolution_time", "period": period,
                         "value": float(closed.mean()), "n": len(closed), "low": max(closed.mean() - half, 0.0),
                         "high": closed.mean() + half})
    table = pd.DataFrame(rows, columns=["level", "metric", "period", "value", "n", "low", "high"])
    return table.assign(source="contacts.csv")
