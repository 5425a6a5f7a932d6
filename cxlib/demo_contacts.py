"""A seeded contact-centre export for the demo company: ``contacts.csv`` drawn to fit its survey.

Each customer's contact history (no contacts, one, repeated, escalated) is
drawn from probabilities that depend on the NPS group of the customer's
latest survey answer, so the survey stays as it is while customers with
repeated or escalated contacts score lower: the planted finding. The
expected NPS gap between customers with repeated contacts and those without
(each by the latest answer) is :func:`planted_gap`. Customers who
never answered draw their history from the overall mix.

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                                       # doctest: +SKIP
>>> contacts = contacts_for(client.survey, client.customers, seed=20250401)      # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

HISTORIES = ("none", "one", "repeated", "escalated")
# P(history | NPS group of the customer's latest answer): repeated and escalated histories are detractors' lot.
# On the demo survey this plants NPS gaps of −41 points (repeated) and −34 (escalated) against no contacts, large
# enough for the repeated one to survive the report's whole family of claims on most seeds (planted_gap).
HISTORY_MIX = {"promoter": (0.55, 0.30, 0.10, 0.05), "passive": (0.50, 0.30, 0.14, 0.06),
               "detractor": (0.40, 0.26, 0.24, 0.10), "unknown": (0.48, 0.29, 0.15, 0.08)}
CHANNELS = {"phone": 0.45, "chat": 0.25, "email": 0.20, "visit": 0.10}
# median hours to close, by channel: with the spread and the escalations, a mean near the 2.8 days the demo's
# scorecard.csv reports for resolution_time
HOURS = {"phone": 30.0, "chat": 4.0, "email": 60.0, "visit": 72.0}
SPREAD = 1.0             # log-normal sigma of the hours
ESCALATION_FACTOR = 4.0  # an escalated contact takes this many times longer
REPEAT_GAP_DAYS = 5.0    # mean days between a customer's repeated contacts (exponential)
FIRST_TIME = {"one": 0.92, "repeated": 0.75, "escalated": 0.50}  # about the 76% scorecard.csv reports
ANONYMOUS_SHARE = 0.08   # contacts whose customer the export does not name
BLANK_FLAG = 0.06        # flags left blank (unknown) by the agents
OPEN_DAYS = 6            # contacts opened in the export's last days may still be open
TOPICS = ["booking", "repair_status", "invoice", "warranty", "complaint"]
TEXTS = ["Could not get through to book a service", "Waited two hours past the promised time",
         "The invoice is higher than the quote", "Nobody called back about my car", "Rude receptionist",
         "Не могу дозвониться, чтобы записаться", "Машину обещали к обеду, прождал до вечера",
         "Счёт больше, чем называли", "Никто не перезвонил", "Царапина после ремонта"]


def _latest(survey: pd.DataFrame) -> pd.Series:
    """Each answering customer's latest NPS answer (by date, then response id)."""
    # the survey as loaded (typed) or as the generator's rows (text): both read the same
    survey = survey.assign(nps=pd.to_numeric(survey["nps"], errors="coerce"), date=pd.to_datetime(survey["date"]))
    named = survey[survey["customer_id"].astype(str).str.strip().ne("") & survey["nps"].notna()]
    return named.sort_values(["date", "response_id"]).groupby("customer_id")["nps"].last().astype(int)


def _groups(survey: pd.DataFrame) -> pd.Series:
    """Each answering customer's NPS group, from the latest answer with a score."""
    latest = _latest(survey)
    return pd.Series(np.where(latest >= 9, "promoter", np.where(latest >= 7, "passive", "detractor")),
                     index=latest.index)


def planted_gap(survey: pd.DataFrame, history: str = "repeated") -> float:
    """The NPS gap the mix plants, in expectation: customers with ``history`` minus those without contacts.

    Each customer counts once, by the latest answer (as :func:`cxlib.contacts.history_claims` counts them),
    weighted by the chance of ``history`` that answer's NPS group gives.
    """
    latest = _latest(survey)
    group = _groups(survey)
    score = np.where(latest >= 9, 100, np.where(latest <= 6, -100, 0))

    def nps(h: str) -> float:
        weight = group.map({g: mix[HISTORIES.index(h)] for g, mix in HISTORY_MIX.items()}).to_numpy(dtype=float)
        return float((weight * score).sum() / weight.sum())

    return nps(history) - nps("none")


def _contact_times(rng: np.random.Generator, history: str, start: pd.Timestamp, days: float) -> list[pd.Timestamp]:
    count = {"one": 1, "repeated": int(rng.integers(2, 5)), "escalated": int(rng.integers(1, 4))}[history]
    first = start + pd.Timedelta(days=float(rng.uniform(0, days)))
    gaps = np.cumsum(np.r_[0.0, rng.exponential(REPEAT_GAP_DAYS, count - 1)])
    return [(first + pd.Timedelta(days=float(g))).floor("min") for g in gaps]


def _flag(rng: np.random.Generator, p: float) -> str:
    return "" if rng.random() < BLANK_FLAG else ("true" if rng.random() < p else "false")


def _contact(rng: np.random.Generator, customer: str, history: str, opened: pd.Timestamp, escalate: bool,
             end: pd.Timestamp) -> dict[str, str]:
    channel = str(rng.choice(list(CHANNELS), p=list(CHANNELS.values())))
    hours = HOURS[channel] * float(np.exp(rng.normal(0, SPREAD))) * (ESCALATION_FACTOR if escalate else 1)
    closed = opened + pd.Timedelta(hours=hours)
    still_open = closed > end or (opened > end - pd.Timedelta(days=OPEN_DAYS) and rng.random() < 0.5)
    by_topic = rng.random() < 0.6
    return {"opened_at": opened.strftime("%Y-%m-%d %H:%M"),
            "closed_at": "" if still_open else closed.strftime("%Y-%m-%d %H:%M"), "channel": channel,
            "customer_id": "" if rng.random() < ANONYMOUS_SHARE else customer,
            "topic": str(rng.choice(TOPICS)) if by_topic else "", "text": "" if by_topic else str(rng.choice(TEXTS)),
            "resolved_first_time": _flag(rng, FIRST_TIME[history]), "reopened": _flag(rng, 0.1),
            "escalated": "" if not escalate and rng.random() < BLANK_FLAG else str(escalate).lower()}


def contacts_for(survey: pd.DataFrame, customers: pd.DataFrame, seed: int) -> pd.DataFrame:
    """A plausible contacts export for the demo company, as text columns in the contract's order.

    Parameters
    ----------
    survey : DataFrame
        The survey (``customer_id``, ``nps``, ``date``, ``response_id``), loaded or as text; it is only read.
    customers : DataFrame
        The loaded customers (``customer_id``); every customer may have contacts.
    seed : int
        The same seed gives the same export.

    Returns
    -------
    DataFrame
        ``contact_id`` ... ``escalated`` as ``contacts.csv`` holds them (dates ``YYYY-MM-DD HH:MM``, flags
        ``true``/``false``/blank), sorted by opening time.
    """
    rng = np.random.default_rng(seed)
    groups = _groups(survey)
    dates = pd.to_datetime(survey["date"])
    start, end = dates.min(), dates.max() + pd.Timedelta(days=1)
    days = (end - start).days - 1
    rows = []
    for customer in sorted(set(customers["customer_id"].astype(str)) | set(groups.index)):
        mix = HISTORY_MIX[groups.get(customer, "unknown")]
        history = HISTORIES[rng.choice(len(HISTORIES), p=mix)]
        if history == "none":
            continue
        times = [t for t in _contact_times(rng, history, start, days) if t < end]
        escalated = int(rng.integers(len(times))) if history == "escalated" and times else -1
        rows += [_contact(rng, customer, history, opened, i == escalated, end) for i, opened in enumerate(times)]
    table = pd.DataFrame(rows).sort_values(["opened_at", "customer_id"], kind="stable").reset_index(drop=True)
    table.insert(0, "contact_id", [f"K{i + 1:05d}" for i in range(len(table))])
    return table
