"""Support contacts measured on their own: volume, topics, resolution and customers' contact histories.

The conventions are the package's (:mod:`cxlib.contacts`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cxlib import catalog, voice
from cxlib.metrics import share
from cxlib.wording import Words

SOURCE = "contacts"
KIND = "history difference"
HISTORIES = ("none", "one", "repeated", "escalated")
UNITS = {"nps": "points", "csat": "%"}


def thresholds() -> dict[str, Any]:
    """The catalogue's thresholds (``[thresholds]`` of ``contacts.toml``)."""
    return catalog.load("contacts")["thresholds"]


def gap(key: str, language: str = "en", **values: Any) -> str:
    """The one sentence saying why a measure cannot be computed (``[gaps]`` of ``contacts.toml``).

    Examples
    --------
    >>> gap("no_closed", "en")
    'No contact has been closed, so the resolution time cannot be computed.'
    """
    return Words("contacts", language, "gaps")(key, **values)


def gaps(contacts: pd.DataFrame, survey: pd.DataFrame | None = None, language: str = "en") -> dict[str, str]:
    """One sentence for each measure the data cannot support, keyed by measure; empty when all can run.

    Keys: ``contacts`` (no export: nothing else is said), ``first_contact_resolution``, ``resolution_time``,
    ``per_customer``, ``repeat_contacts``, ``history_claims``.

    Examples
    --------
    >>> gaps(pd.DataFrame(columns=["contact_id"]))["contacts"]
    'No contacts export (contacts.csv) was supplied, so contact volumes and resolution cannot be measured.'
    """
    if contacts.empty:
        return {"contacts": gap("no_contacts", language)}
    found = {}
    if contacts["resolved_first_time"].isna().all():
        found["first_contact_resolution"] = gap("no_fcr", language)
    if contacts["closed_at"].isna().all():
        found["resolution_time"] = gap("no_closed", language)
    if _named(contacts).empty:
        found["per_customer"] = found["repeat_contacts"] = gap("no_customers", language)
    elif repeat_flags(contacts).isna().all():
        found["repeat_contacts"] = gap("no_window", language, days=thresholds()["repeat_window_days"])
    if survey is not None and ("customer_id" not in survey or all(latest_scores(survey, metric).empty
                                                                  for metric in ("nps", "csat"))):
        found["history_claims"] = gap("no_link", language)
    return found


def history_name(history: str, language: str = "en") -> str:
    """A contact history's name in ``language`` (``none``, ``one``, ``repeated``, ``escalated``)."""
    return catalog.label(catalog.load("contacts")["histories"][history], language)


def _hours(contacts: pd.DataFrame) -> pd.Series:
    """Hours from opening to closing; NaN while a contact is open."""
    return (contacts["closed_at"] - contacts["opened_at"]).dt.total_seconds() / 3600


def _named(contacts: pd.DataFrame) -> pd.DataFrame:
    """The contacts that name their customer."""
    customer = contacts["customer_id"].astype(str).str.strip()
    named = customer.ne("") & contacts["customer_id"].notna()
    return contacts[named].assign(customer_id=customer[named])  # on no rows, a whole column would bring its index


def _groups(contacts: pd.DataFrame, by: str | None) -> list[tuple[str, pd.DataFrame]]:
    """The whole table as "(all)", or one part per value of ``by``."""
    return [("(all)", contacts)] if by is None else list(contacts.groupby(contacts[by].astype(str)))


def _share_row(successes: int, n: int, level: float, **fields: Any) -> dict[str, Any]:
    estimate = share(int(successes), int(n), level=level)
    return {**fields, "value": estimate.value, "low": estimate.low, "high": estimate.high, "n": int(n)}


# --------------------------------------------------------------------------- volume and topics


def volume(contacts: pd.DataFrame, *, by: str = "channel", level: float = 0.95) -> pd.DataFrame:
    """Contacts per month and ``by`` group: ``period`` (``2025-03``), ``by``, ``contacts``, ``n`` (the month's
    contacts) and ``value``/``low``/``high``, the group's share of the month (%, Wilson interval).

    Examples
    --------
    >>> volume(client.contacts).head()                                     # doctest: +SKIP
    """
    period = contacts["opened_at"].dt.to_period("M").astype(str)
    counts = contacts.groupby([period.rename("period"), contacts[by].astype(str)]).size()
    totals = counts.groupby(level="period").sum()
    rows = [_share_row(count, totals[month], level, period=month, **{by: group}, contacts=int(count))
            for (month, group), count in counts.items()]
    return pd.DataFrame(rows, columns=["period", by, "contacts", "n", "value", "low", "high"])


def contact_topics(contacts: pd.DataFrame, config: dict[str, Any] | None = None,
                   language: str = "en") -> pd.DataFrame:
    """Each contact's topics, one row per contact and topic: ``contact_id``, ``topic`` (key), ``name``, ``from``.

    The export's ``topic`` where given (``from`` "topic"), else every topic :func:`cxlib.voice.tag` finds in
    ``text`` (``from`` "text"); a contact with neither is "(no topic)" (key ""). An export's code that is a
    topic's key (the catalogue's or the client's own ``[topics]``) takes that topic's name; any other code is
    its own name, for the reader's labels (``Client.label``).

    Examples
    --------
    >>> table = pd.DataFrame({"contact_id": ["A", "B"], "topic": ["billing", "card_block"], "text": ["", ""]})
    >>> contact_topics(table)["name"].tolist()
    ['Bills, payments and refunds', 'card_block']
    """
    topics = voice.topics_for(config, language)
    names = {topic["key"]: topic["name"] for topic in topics}
    given = _text(contacts, "topic")
    codes = given[given.ne("")]
    rows = [pd.DataFrame({"contact_id": contacts.loc[given.ne(""), "contact_id"], "topic": codes,
                          "name": codes.map(lambda code: names.get(code, code)), "from": "topic"})]
    rest = contacts[given.eq("")]
    text = _text(rest, "text")
    if text.ne("").any():
        marks = voice.tag(text[text.ne("")], language="auto", topics=topics)
        found = marks.stack()
        found = found[found]
        ids = rest.loc[found.index.get_level_values(0), "contact_id"].to_numpy()
        keys = found.index.get_level_values(1)
        rows.append(pd.DataFrame({"contact_id": ids, "topic": keys, "name": keys.map(names), "from": "text"}))
    table = pd.concat(rows, ignore_index=True)
    missing = contacts.loc[~contacts["contact_id"].isin(table["contact_id"]), "contact_id"]
    none = Words("contacts", language)("no_topic")
    table = pd.concat([table, pd.DataFrame({"contact_id": missing, "topic": "", "name": none, "from": ""})],
                      ignore_index=True)
    return table.reset_index(drop=True)


def _text(contacts: pd.DataFrame, column: str) -> pd.Series:
    if column not in contacts:
        return pd.Series("", index=contacts.index, dtype="str")
    return contacts[column].astype(object).where(contacts[column].notna(), "").astype(str).str.strip()


def topic_volume(contacts: pd.DataFrame, config: dict[str, Any] | None = None, language: str = "en", *,
                 level: float = 0.95) -> pd.DataFrame:
    """Contacts per topic and their share of all contacts (a contact may carry several topics), largest first."""
    tagged = contact_topics(contacts, config, language)
    counts = tagged.groupby(["topic", "name"]).size().sort_values(ascending=False)
    rows = [_share_row(count, len(contacts), level, topic=topic, name=name, contacts=int(count))
            for (topic, name), count in counts.items()]
    return pd.DataFrame(rows, columns=["topic", "name", "contacts", "n", "value", "low", "high"])


# --------------------------------------------------------------------------- resolution


def first_contact_resolution(contacts: pd.DataFrame, *, by: str | None = None,
                             level: float = 0.95) -> pd.DataFrame:
    """The share of contacts resolved at the first contact, among those whose flag is known: ``group``
    ("(all)" or each ``by`` value), ``resolved``, ``n`` (known flags), ``unknown`` (blank flags, left out of n),
    ``value``/``low``/``high`` (%, Wilson interval; NaN when no flag is known)."""
    return flag_share(contacts, "resolved_first_time", by=by, level=level).rename(columns={"yes": "resolved"})


def flag_share(contacts: pd.DataFrame, flag: str, *, by: str | None = None, level: float = 0.95) -> pd.DataFrame:
    """The share of contacts whose yes/no ``flag`` (``resolved_first_time``, ``reopened``, ``escalated``) is yes,
    among those where it is known: ``group``, ``yes``, ``n``, ``unknown``, ``value``/``low``/``high`` (%, Wilson)."""
    rows = []
    for group, part in _groups(contacts, by):
        known = part[flag].dropna().astype(bool)
        rows.append({**_share_row(known.sum(), len(known), level, group=group, yes=int(known.sum())),
                     "unknown": int(part[flag].isna().sum())})
    return pd.DataFrame(rows, columns=["group", "yes", "n", "unknown", "value", "low", "high"])


def quantile_interval(values: Sequence[float], q: float, level: float = 0.95) -> tuple[float, float, float]:
    """A distribution-free interval for the ``q`` quantile: two order statistics, by the binomial law.

    The number of values below the true quantile is Binomial(n, q), so
    ``[x(r), x(s))`` covers it with probability ``F(s−1) − F(r−1)``; ``r`` and
    ``s`` are the binomial's ``α/2`` and ``1 − α/2`` quantiles (``s`` plus one),
    so the coverage is at least ``level`` for any continuous distribution.
    With too few values a limit lies beyond the sample: the lower is then 0
    (the values are durations) and the upper NaN (unknown).

    Returns
    -------
    tuple of float
        Lower limit, upper limit, and the interval's exact coverage.

    Examples
    --------
    >>> low, high, coverage = quantile_interval(range(1, 11), 0.5)
    >>> low, high, round(coverage, 4)
    (2.0, 9.0, 0.9785)
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan
    alpha = 1 - level
    r = int(stats.binom.ppf(alpha / 2, n, q))
    s = int(stats.binom.ppf(1 - alpha / 2, n, q)) + 1
    low = float(x[r - 1]) if r >= 1 else 0.0
    high = float(x[s - 1]) if s <= n else math.nan
    coverage = float(stats.binom.cdf(min(s, n + 1) - 1, n, q) - (stats.binom.cdf(r - 1, n, q) if r >= 1 else 0.0))
    return low, high, coverage


def resolution_time(contacts: pd.DataFrame, *, by: str | None = None, level: float = 0.95) -> pd.DataFrame:
    """Hours from opening to closing, median and 90th percentile with order-statistic intervals: ``group``,
    ``quantile``, ``value``/``low``/``high`` (hours; ``high`` NaN when too few contacts bound it), ``coverage``
    (the interval's exact confidence), ``n`` (closed contacts), ``open`` (still open, left out: while many are
    open, the longest cases are missing and the quantiles understate the time, so read ``open`` beside them)."""
    hours = _hours(contacts)
    rows = []
    for group, part in _groups(contacts, by):
        index = part.index
        closed = hours.loc[index].dropna()
        for q in thresholds()["quantiles"]:
            low, high, coverage = quantile_interval(closed, q, level)
            value = float(closed.quantile(q)) if len(closed) else math.nan
            rows.append({"group": group, "quantile": q, "value": value, "low": min(low, value),
                         "high": max(high, value) if not math.isnan(high) else high, "coverage": coverage,
                         "n": len(closed), "open": int(hours.loc[index].isna().sum())})
    return pd.DataFrame(rows, columns=["group", "quantile", "value", "low", "high", "coverage", "n", "open"])


# --------------------------------------------------------------------------- customers


def per_customer(contacts: pd.DataFrame, customers: pd.DataFrame | None = None, *,
                 level: float = 0.95) -> pd.DataFrame:
    """Contacts per customer: ``contacts`` ("0", "1", ..., "5+", "mean"), ``customers``, ``n``,
    ``value``/``low``/``high`` (% of customers, Wilson; for the mean, contacts with a t interval).

    Without ``customers`` (customers.csv) the customers are those the export names, so "0" is unknown (NaN);
    with it, every customer of the table counts, a customer the export never names with 0 contacts. Contacts
    naming no customer are left out and counted in ``attrs["anonymous"]``.
    """
    named = _named(contacts)
    counts = named.groupby("customer_id").size()
    if customers is not None and len(customers):
        known = customers["customer_id"].astype(str).str.strip()
        counts = counts.reindex(sorted(set(known) | set(counts.index)), fill_value=0)
    top, n = int(thresholds()["per_customer_top"]), len(counts)
    rows = []
    for k in range(top + 1):
        hits = int((counts >= k).sum()) if k == top else int((counts == k).sum())
        label = f"{k}+" if k == top else str(k)  # codes; the reader's words are [texts] more and mean
        rows.append(_share_row(hits, n if k or customers is not None else 0, level, contacts=label, customers=hits))
    mean = float(counts.mean()) if n else math.nan
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * counts.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    rows.append({"contacts": "mean", "customers": n, "n": n, "value": mean, "low": mean - half, "high": mean + half})
    table = pd.DataFrame(rows, columns=["contacts", "customers", "n", "value", "low", "high"])
    table.attrs["anonymous"] = len(contacts) - len(named)
    return table


def repeat_contacts(contacts: pd.DataFrame, *, window_days: float | None = None, by: str | None = None,
                    level: float = 0.95) -> pd.DataFrame:
    """The share of contacts followed by another from the same customer within the window (:func:`repeat_flags`):
    ``group``, ``repeated``, ``n`` (judged contacts), ``unknown`` (too recent to judge), ``anonymous`` (no
    customer named), ``value``/``low``/``high`` (%, Wilson interval)."""
    days = float(thresholds()["repeat_window_days"] if window_days is None else window_days)
    flags, named_rows = repeat_flags(contacts, window_days=days), _named(contacts).index
    rows = []
    for group, part in _groups(contacts, by):
        flag = flags.reindex(part.index)
        named = flag.index.isin(named_rows)
        known = flag[named].dropna().astype(bool)
        rows.append({**_share_row(known.sum(), len(known), level, group=group, repeated=int(known.sum())),
                     "unknown": int(flag[named].isna().sum()), "anonymous": int((~named).sum())})
    return pd.DataFrame(rows, columns=["group", "repeated", "n", "unknown", "anonymous", "value", "low", "high"])


def repeat_flags(contacts: pd.DataFrame, *, window_days: float | None = None) -> pd.Series:
    """For each contact naming its customer: True when another follows within the window, False when none does
    and the window lies inside the export, NA when it is too recent to tell (indexed like ``contacts``)."""
    days = float(thresholds()["repeat_window_days"] if window_days is None else window_days)
    window = pd.Timedelta(days=days)
    named = _named(contacts).sort_values(["customer_id", "opened_at", "contact_id"])
    following = named.groupby("customer_id")["opened_at"].shift(-1)
    repeated = (following - named["opened_at"]) <= window
    judged = named["opened_at"] + window <= contacts["opened_at"].max()
    flag = pd.Series(pd.NA, index=named.index, dtype="boolean")
    flag[repeated.to_numpy()] = True
    flag[(~repeated & judged).to_numpy()] = False
    return flag.reindex(contacts.index)


def histories(contacts: pd.DataFrame, customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each customer's contact history over the export: ``one``, ``repeated`` (two or more) or ``escalated``
    (any contact escalated), with ``contacts`` and ``escalation_unknown`` (contacts whose flag is blank); with
    ``customers`` (customers.csv), its customers the export never names too, as ``none``."""
    named = _named(contacts)
    codes, names = pd.factorize(named["customer_id"], sort=True)
    escalated = named["escalated"].astype("boolean")
    count = np.bincount(codes, minlength=len(names))
    any_escalated = np.bincount(codes, weights=escalated.fillna(False).to_numpy(dtype=float),
                                minlength=len(names)) > 0
    repeated = count >= int(thresholds()["repeated_min"])
    table = pd.DataFrame({"customer_id": pd.Series(names, dtype="str"), "contacts": count,
                          "history": np.where(any_escalated, "escalated", np.where(repeated, "repeated", "one")),
                          "escalation_unknown": np.bincount(codes, weights=escalated.isna().to_numpy(dtype=float),
                                                            minlength=len(names)).astype(int)})
    if customers is None:
        return table
    silent = sorted(set(customers["customer_id"].astype(str).str.strip()) - set(table["customer_id"]) - {""})
    none = pd.DataFrame({"customer_id": pd.Series(silent, dtype="str"), "contacts": 0, "history": "none",
                         "escalation_unknown": 0})
    return pd.concat([table, none], ignore_index=True).sort_values("customer_id", ignore_index=True)


def latest_scores(survey: pd.DataFrame, metric: str) -> pd.Series:
    """Each customer's latest answer to ``metric`` (by ``date``, then row order), indexed by ``customer_id``.

    One answer per customer, so a customer who answered five times weighs as one: the tests that follow assume
    independent answers. ``attrs["anonymous"]`` counts the answers that name no customer.
    """
    customer = survey["customer_id"].astype(object).where(survey["customer_id"].notna(), "").astype(str).str.strip()
    answered = survey[metric].notna() if metric in survey else pd.Series(False, index=survey.index)
    part = survey[answered & customer.ne("")].assign(customer_id=customer[answered & customer.ne("")])
    if "date" in part:
        part = part.sort_values("date", kind="stable", na_position="first")
    latest = part.groupby("customer_id", sort=True)[metric].last().astype(int) if len(part) else \
        pd.Series(dtype=int, name=metric)
    latest.attrs["anonymous"] = int((answered & customer.eq("")).sum())
    return latest


