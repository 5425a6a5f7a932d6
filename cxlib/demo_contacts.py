"""A seeded contact-centre export for a synthetic company: ``contacts.csv`` drawn to fit its survey.

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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cxlib.scales import nps_group, nps_points

HISTORIES = ("none", "one", "repeated", "escalated")


@dataclass(frozen=True)
class ContactPlan:
    """What a synthetic company's contact centre looks like: the parameters :func:`contacts_for` draws from.

    The defaults are the demo company's (a car service, its topics in English and comments in both languages).
    ``history_mix`` gives P(history | NPS group of the customer's latest answer), in the order of
    :data:`HISTORIES`: where detractors draw repeated or escalated histories more often than promoters, the
    customers with those histories score lower, which is the planted finding. ``topic_hours`` stretches the
    handling time of the contacts about one subject (an export topic code or one of ``texts``) by a factor.
    """

    # On the demo survey this mix plants NPS gaps of −41 points (repeated) and −34 (escalated) against no contacts,
    # large enough for the repeated one to survive the report's whole family of claims on most seeds (planted_gap).
    history_mix: dict[str, tuple[float, float, float, float]] = field(default_factory=lambda: {
        "promoter": (0.55, 0.30, 0.10, 0.05), "passive": (0.50, 0.30, 0.14, 0.06),
        "detractor": (0.40, 0.26, 0.24, 0.10), "unknown": (0.48, 0.29, 0.15, 0.08)})
    channels: dict[str, float] = field(default_factory=lambda: {"phone": 0.45, "chat": 0.25, "email": 0.20,
                                                                "visit": 0.10})
    # median hours to close, by channel: with the spread and the escalations, a mean near the 2.8 days the demo's
    # scorecard.csv reports for resolution_time
    hours: dict[str, float] = field(default_factory=lambda: {"phone": 30.0, "chat": 4.0, "email": 60.0,
                                                             "visit": 72.0})
    # P(resolved at the first contact | history): about the 76% the demo's scorecard.csv reports
    first_time: dict[str, float] = field(default_factory=lambda: {"one": 0.92, "repeated": 0.75, "escalated": 0.50})
    topics: tuple[str, ...] = ("booking", "repair_status", "invoice", "warranty", "complaint")
    texts: tuple[str, ...] = (
        "Could not get through to book a service", "Waited two hours past the promised time",
        "The invoice is higher than the quote", "Nobody called back about my car", "Rude receptionist",
        "Не могу дозвониться, чтобы записаться", "Машину обещали к обеду, прождал до вечера",
        "Счёт больше, чем называли", "Никто не перезвонил", "Царапина после ремонта")
    topic_hours: dict[str, float] = field(default_factory=dict)
    spread: float = 1.0              # log-normal sigma of the hours
    escalation_factor: float = 4.0   # an escalated contact takes this many times longer
    repeat_gap_days: float = 5.0     # mean days between a customer's repeated contacts (exponential)
    anonymous_share: float = 0.08    # contacts whose customer the export does not name
    blank_flag: float = 0.06         # flags left blank (unknown) by the agents
    open_days: int = 6               # contacts opened in the export's last days may still be open
    by_topic: float = 0.6            # the share of contacts the agents gave a topic code (the rest: a text)


DEMO = ContactPlan()


def _latest(survey: pd.DataFrame) -> pd.Series:
    """Each answering customer's latest NPS answer (by date, then response id)."""
    # the survey as loaded (typed) or as the generator's rows (text): both read the same
    survey = survey.assign(nps=pd.to_numeric(survey["nps"], errors="coerce"), date=pd.to_datetime(survey["date"]))
    named = survey[survey["customer_id"].astype(str).str.strip().ne("") & survey["nps"].notna()]
    return named.sort_values(["date", "response_id"]).groupby("customer_id")["nps"].last().astype(int)


def _groups(survey: pd.DataFrame) -> pd.Series:
    """Each answering customer's NPS group, from the latest answer with a score."""
    latest = _latest(survey)
    return pd.Series(nps_group(latest), index=latest.index)


def planted_gap(survey: pd.DataFrame, history: str = "repeated", plan: ContactPlan = DEMO) -> float:
    """The NPS gap the mix plants, in expectation: customers with ``history`` minus those without contacts.

    Each customer counts once, by the latest answer (as :func:`cxlib.contacts.history_claims` counts them),
    weighted by the chance of ``history`` that answer's NPS group gives.
    """
    latest = _latest(survey)
    group = _groups(survey)
    score = nps_points(latest)

    def nps(h: str) -> float:
        chance = {g: mix[HISTORIES.index(h)] for g, mix in plan.history_mix.items()}
        weight = group.map(chance).to_numpy(dtype=float)
        return float((weight * score).sum() / weight.sum())

    return nps(history) - nps("none")


def _contact_times(rng: np.random.Generator, plan: ContactPlan, history: str, start: pd.Timestamp,
                   days: float) -> list[pd.Timestamp]:
    count = {"one": 1, "repeated": int(rng.integers(2, 5)), "escalated": int(rng.integers(1, 4))}[history]
    first = start + pd.Timedelta(days=float(rng.uniform(0, days)))
    gaps = np.cumsum(np.r_[0.0, rng.exponential(plan.repeat_gap_days, count - 1)])
    return [(first + pd.Timedelta(days=float(g))).floor("min") for g in gaps]


def _flag(rng: np.random.Generator, plan: ContactPlan, p: float) -> str:
    return "" if rng.random() < plan.blank_flag else ("true" if rng.random() < p else "false")


def _contact(rng: np.random.Generator, plan: ContactPlan, customer: str, history: str, opened: pd.Timestamp,
             escalate: bool, end: pd.Timestamp) -> dict[str, str]:
    channel = str(rng.choice(list(plan.channels), p=list(plan.channels.values())))
    hours = plan.hours[channel] * float(np.exp(rng.normal(0, plan.spread))) * (plan.escalation_factor if escalate
                                                                               else 1)
    closed = opened + pd.Timedelta(hours=hours)
    still_open = closed > end or (opened > end - pd.Timedelta(days=plan.open_days) and rng.random() < 0.5)
    by_topic = rng.random() < plan.by_topic
    return {"opened_at": opened.strftime("%Y-%m-%d %H:%M"),
            "closed_at": "" if still_open else closed.strftime("%Y-%m-%d %H:%M"), "channel": channel,
            "customer_id": "" if rng.random() < plan.anonymous_share else customer,
            "topic": str(rng.choice(plan.topics)) if by_topic else "",
            "text": "" if by_topic else str(rng.choice(plan.texts)),
            "resolved_first_time": _flag(rng, plan, plan.first_time[history]), "reopened": _flag(rng, plan, 0.1),
            "escalated": "" if not escalate and rng.random() < plan.blank_flag else str(escalate).lower()}


def _stretched(table: pd.DataFrame, plan: ContactPlan, end: pd.Timestamp) -> pd.DataFrame:
    """The handling time of each subject in ``plan.topic_hours`` multiplied by its factor (no new draw, so a plan
    without it gives the same export); a contact stretched past the export's end is still open."""
    if not plan.topic_hours:
        return table
    subject = table["topic"].where(table["topic"].ne(""), table["text"])
    factor = subject.map(plan.topic_hours).fillna(1.0)
    closed = table["closed_at"].ne("") & factor.ne(1.0)
    opened = pd.to_datetime(table.loc[closed, "opened_at"])
    hours = (pd.to_datetime(table.loc[closed, "closed_at"]) - opened) * factor[closed]
    stretched = (opened + hours).dt.floor("min")
    table.loc[closed, "closed_at"] = np.where(stretched > end, "", stretched.dt.strftime("%Y-%m-%d %H:%M"))
    return table


def contacts_for(survey: pd.DataFrame, customers: pd.DataFrame, seed: int, plan: ContactPlan = DEMO) -> pd.DataFrame:
    """A plausible contacts export for a synthetic company, as text columns in the contract's order.

    Parameters
    ----------
    survey : DataFrame
        The survey (``customer_id``, ``nps``, ``date``, ``response_id``), loaded or as text; it is only read.
    customers : DataFrame
        The loaded customers (``customer_id``); every customer may have contacts.
    seed : int
        The same seed gives the same export.
    plan : ContactPlan
        The company's contact centre; the demo's by default.

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
        mix = plan.history_mix[groups.get(customer, "unknown")]
        history = HISTORIES[rng.choice(len(HISTORIES), p=mix)]
        if history == "none":
            continue
        times = [t for t in _contact_times(rng, plan, history, start, days) if t < end]
        escalated = int(rng.integers(len(times))) if history == "escalated" and times else -1
        rows += [_contact(rng, plan, customer, history, opened, i == escalated, end)
                 for i, opened in enumerate(times)]
    table = pd.DataFrame(rows).sort_values(["opened_at", "customer_id"], kind="stable").reset_index(drop=True)
    table.insert(0, "contact_id", [f"K{i + 1:05d}" for i in range(len(table))])
    return _stretched(table, plan, end)
