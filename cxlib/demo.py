"""The seeded generator of the demo company and the case library.

``python -m cxlib.demo`` rewrites ``data/demo`` and every folder of
``data/cases`` byte for byte: the same seed gives the same files on every
machine. Each company is a :class:`cxlib.cases.Profile`; the story and the
findings planted in its data are written down in its folder's README.md, and
tests assert that the chapters find them.

Examples
--------
>>> from cxlib.demo import write_demo
>>> write_demo("/tmp/motorline")                        # doctest: +SKIP
>>> write_case("tea_leaf", "/tmp/tea_leaf")             # doctest: +SKIP
"""

from __future__ import annotations

import csv
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cxlib import catalog
from cxlib.cases import Profile, profiles
from cxlib.demo_components import components_for
from cxlib.demo_contacts import contacts_for
from cxlib.scales import DETRACTOR_MAX, nps_group

DATA = Path(__file__).resolve().parents[1] / "data"


def _choice(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    probabilities = np.array(list(weights.values()), dtype=float)
    return keys[rng.choice(len(keys), p=probabilities / probabilities.sum())]


def _nps_score(rng: np.random.Generator, group: str) -> int:
    if group == "promoter":
        return int(rng.choice([9, 10], p=[0.45, 0.55]))
    if group == "passive":
        return int(rng.choice([7, 8], p=[0.45, 0.55]))
    return int(rng.choice(range(7), p=[0.04, 0.04, 0.06, 0.10, 0.14, 0.26, 0.36]))


def _survey(p: Profile, rng: np.random.Generator, customers: dict[str, list[str]],
            loyal: list[str]) -> list[dict[str, str]]:
    rows = _respondents(p, rng, customers, loyal)
    rows.sort(key=lambda r: r["day"])
    survey = [_response(p, rng, number, row) for number, row in enumerate(rows, start=1)]
    if p.pii_comment:  # a real export has a phone number in a comment now and then
        index, text = p.pii_comment
        survey[index]["comment"] = text
    return survey


def _respondents(p: Profile, rng: np.random.Generator, customers: dict[str, list[str]],
                 loyal: list[str]) -> list[dict[str, Any]]:
    """Who answers when, through which channel, in which NPS group and for what reason (the draws' order is fixed)."""
    rows = []
    loyal_queue = list(loyal)
    for period in range(len(p.period_labels)):
        start, end = p.period_starts[period], p.period_starts[period + 1]
        days = (end - start).days
        for _ in range(p.responses_per_period):
            channel = _choice(rng, p.channels)
            segment = _choice(rng, p.segments)
            changed = p.change is not None and channel == p.change.channel and period >= p.change.period
            mix = p.change.mix if changed else p.nps_mix[channel]
            group = ["promoter", "passive", "detractor"][rng.choice(3, p=mix)]
            customer_id = "" if rng.random() < p.anonymous_share else str(rng.choice(customers[segment]))
            if group == "detractor" and segment == p.loyal_segment and loyal_queue and rng.random() < p.loyal_pick:
                customer_id = loyal_queue.pop()
            reasons = {"promoter": p.promoter_reasons, "passive": p.passive_reasons,
                       "detractor": p.change.detractor_reasons if changed else p.detractor_reasons}[group]
            reason = _choice(rng, reasons)
            day = start + timedelta(days=int(rng.integers(days)))
            rows.append({"group": group, "channel": channel, "segment": segment, "customer_id": customer_id,
                         "reason": reason, "day": day})
    # every planted loyal detractor answers at least once
    loyal_detractors = [r for r in rows if r["group"] == "detractor" and r["segment"] == p.loyal_segment
                        and r["customer_id"] not in loyal]
    for row, customer_id in zip(loyal_detractors, loyal_queue):
        row["customer_id"] = customer_id
    return rows


def _response(p: Profile, rng: np.random.Generator, number: int, row: dict[str, Any]) -> dict[str, str]:
    """One survey row: the scores for the respondent's group, a comment, the follow-up of a low score."""
    top_ces = len(p.ces_by_group["promoter"])
    group, reason = row["group"], row["reason"]
    nps = _nps_score(rng, group)
    csi = int(rng.choice(range(1, 6), p=p.csi_by_group[group]))
    ces = int(rng.choice(range(1, top_ces + 1), p=p.ces_by_group[group]))
    if reason and reason == p.effort_reason:
        ces = min(ces, int(rng.integers(1, 4)))
    comment = ""
    if reason and rng.random() < p.comment_chance[group]:
        options = p.comments[reason]
        comment = options[int(rng.integers(len(options)))][1]
    contact_at = followed_up_at = ""
    moment = datetime.combine(row["day"], datetime.min.time()) \
        + timedelta(minutes=int(rng.integers(8 * 60, 20 * 60)))
    if nps <= DETRACTOR_MAX:
        contact_at = moment.strftime("%Y-%m-%d %H:%M")
        chance, median, spread = p.follow_up
        if rng.random() < chance:
            delay = timedelta(minutes=int(np.exp(rng.normal(np.log(median), spread))))
            followed_up_at = (moment + delay).strftime("%Y-%m-%d %H:%M")
    stage, touchpoint = p.reason_touchpoint.get(reason, ("", ""))
    touchpoint = p.touchpoint_by_channel.get((reason, row["channel"]), touchpoint)
    return {
        "response_id": f"R{number:05d}",
        "date": row["day"].isoformat(),
        "channel": row["channel"],
        "segment": row["segment"],
        "customer_id": row["customer_id"],
        "nps": str(nps),
        "csi": "" if rng.random() < p.missing[0] else str(csi),
        "ces": "" if rng.random() < p.missing[1] else str(ces),
        "reason_code": reason,
        "comment": comment,
        "contact_at": contact_at,
        "followed_up_at": followed_up_at,
        "stage": stage,
        "touchpoint": touchpoint,
    }


def _outage(p: Profile, survey: list[dict[str, str]], rng: np.random.Generator) -> None:
    """The special-cause month: an answer it hits becomes a detractor's answer, written as :func:`_survey` writes one.

    Answers that were detractors already stay as they were; the hit ones give the outage's reason, its comments
    now and then, and reach the company as low scores do (``contact_at``, and a follow-up or not).
    """
    outage = p.outage
    if outage is None:
        return
    top_ces = len(p.ces_by_group["detractor"])
    for row in survey:
        if not row["date"].startswith(outage.month) or row["channel"] not in outage.channels:
            continue
        if rng.random() >= outage.hit or int(row["nps"]) <= DETRACTOR_MAX:
            continue
        row["nps"] = str(_nps_score(rng, "detractor"))
        if row["csi"]:  # a skipped question stays skipped
            row["csi"] = str(int(rng.choice(range(1, 6), p=p.csi_by_group["detractor"])))
        if row["ces"]:
            ces = int(rng.choice(range(1, top_ces + 1), p=p.ces_by_group["detractor"]))
            row["ces"] = str(min(ces, int(rng.integers(1, 4))) if outage.reason == p.effort_reason else ces)
        row["reason_code"] = outage.reason
        options = list(outage.comments) or p.comments[outage.reason]
        chosen = options[int(rng.integers(len(options)))][1]
        row["comment"] = chosen if rng.random() < p.comment_chance["detractor"] else ""
        moment = datetime.fromisoformat(row["date"]) + timedelta(minutes=int(rng.integers(8 * 60, 20 * 60)))
        row["contact_at"] = moment.strftime("%Y-%m-%d %H:%M")
        chance, median, spread = p.follow_up
        delay = timedelta(minutes=int(np.exp(rng.normal(np.log(median), spread))))
        row["followed_up_at"] = (moment + delay).strftime("%Y-%m-%d %H:%M") if rng.random() < chance else ""
        stage, touchpoint = p.reason_touchpoint.get(outage.reason, ("", ""))
        row["stage"] = stage
        row["touchpoint"] = p.touchpoint_by_channel.get((outage.reason, row["channel"]), touchpoint)


def _group(score: int) -> str:
    return str(nps_group(score))


def _themes(p: Profile, survey: list[dict[str, str]], rng: np.random.Generator) -> None:
    """Write the planted comment subjects (:class:`cxlib.cases.Theme`) into answers that left no comment.

    Every answer draws the same two numbers whether it is chosen or not, so a theme's chances move only its own
    answers. A theme with a reason code takes only answers without one, and gives them its code and journey place.
    """
    for row in survey:
        draw, pick = rng.random(), rng.random()
        if row["comment"]:
            continue
        group, edge = _group(int(row["nps"])), 0.0
        for theme in p.themes:
            if theme.reason and row["reason_code"]:
                continue
            edge += theme.chance.get(group, 0.0)
            if draw < edge:
                row["comment"] = theme.comments[int(pick * len(theme.comments))][1]
                if theme.reason:
                    stage, touchpoint = p.reason_touchpoint.get(theme.reason, ("", ""))
                    row["reason_code"], row["stage"], row["touchpoint"] = theme.reason, stage, touchpoint
                break


def _ratings(p: Profile, survey: list[dict[str, str]], rng: np.random.Generator) -> list[str]:
    """Add each answer's attribute ratings (``rating_<attribute>``, 1–5) to ``survey``; return their columns.

    A rating follows the answer's NPS score by the attribute's slope, the answer's mood (one halo shared by all
    its ratings, so ratings correlate as real ones do) and its reason code's shift (see :class:`Rating`).
    """
    scores = np.array([float(row["nps"]) for row in survey])
    z = (scores - scores.mean()) / scores.std()
    halo = rng.normal(0.0, 0.45, len(survey))
    for rating in p.ratings:
        noise = rng.normal(0.0, rating.noise, len(survey))
        skipped = rng.random(len(survey))
        column = f"rating_{rating.attribute}"
        for i, row in enumerate(survey):
            shift = rating.shifts.get(row["reason_code"], 0.0)
            value = int(np.clip(np.rint(rating.mean + rating.slope * z[i] + halo[i] + shift + noise[i]), 1, 5))
            blank = rating.not_rated.get(row["channel"], rating.not_rated.get("*", 0.0))
            row[column] = "" if skipped[i] < blank else str(value)
    return [f"rating_{rating.attribute}" for rating in p.ratings]


def _customers(p: Profile, rng: np.random.Generator, ids: dict[str, list[str]], loyal: list[str],
               survey: list[dict[str, str]]) -> list[dict[str, str]]:
    last_group: dict[str, int] = {}
    for row in survey:
        if row["customer_id"]:
            last_group[row["customer_id"]] = int(row["nps"])
    loyal_set = set(loyal)
    none, detractor, passive, promoter = p.churn
    rows = []
    for segment, customer_ids in ids.items():
        for customer_id in customer_ids:
            if customer_id in loyal_set:
                purchases = int(rng.integers(*p.loyal_purchases))
            else:
                purchases = 1 + int(rng.poisson(p.purchases_lambda[segment]))
            revenue = purchases * p.check_size[segment] * float(np.exp(rng.normal(0, 0.25)))
            score = last_group.get(customer_id)
            churn_chance = none if score is None else {"detractor": detractor, "passive": passive,
                                                      "promoter": promoter}[_group(score)]
            churned = customer_id not in loyal_set and rng.random() < churn_chance
            rows.append({
                "customer_id": customer_id,
                "segment": segment,
                "revenue_12m": f"{revenue:.2f}",
                "purchases_12m": str(purchases),
                "tenure_months": str(int(rng.integers(1, 13)) if rng.random() < 0.45 else int(rng.integers(13, 61))),
                "churned": "true" if churned else "false",
            })
    return rows


def _scorecard(p: Profile) -> list[dict[str, str]]:
    rows = []
    for level, metric, unit, direction, target, benchmark, values in p.scorecard:
        for label, value in zip(p.period_labels, values):
            rows.append({"level": level, "metric": metric, "period": label, "value": f"{value:g}",
                         "target": f"{target:g}" if target != "" else "",
                         "benchmark": f"{benchmark:g}" if benchmark != "" else "",
                         "n": p.scorecard_n.get(metric, ""), "unit": unit, "direction": direction})
    return rows


def _lifecycle(p: Profile, rng: np.random.Generator) -> list[dict[str, str]]:
    rows = []
    number = 0
    for role, count in p.respondents:
        for _ in range(count):
            number += 1
            respondent = f"P{number:02d}"
            for statement in catalog.lifecycle_statements():
                key = statement.get("stage") or statement.get("axis")
                mean = p.stage_profile.get(key, p.axis_profile.get(key)) + p.role_shift[role].get(key, 0.0)
                answer = int(np.clip(np.rint(mean + rng.normal(0, 0.6)), 1, 5))
                missing = rng.random() < 0.04
                rows.append({"respondent": respondent, "role": role, "statement_id": statement["id"],
                             "answer": "" if missing else str(answer)})
    return rows


def _journey(p: Profile, rng: np.random.Generator) -> list[dict[str, str]]:
    rows = []
    for (stage, touchpoint, channel, reached, moved, satisfied, effort, complaints, expectation, perception,
         promised, kept, delayed, announced, fix_effort) in p.journey:
        rated = int(reached * 0.12)
        promises = int(reached * promised)
        delays = int(reached * delayed)
        rows.append({
            "stage": stage, "touchpoint": touchpoint, "channel": channel, "reached": str(reached),
            "moved_on": str(int(reached * moved)), "rated": str(rated),
            "satisfied": str(int(rng.binomial(rated, satisfied))), "high_effort": str(int(rng.binomial(rated, effort))),
            "complaints": str(int(rng.poisson(reached * complaints / 1000))),
            "expectation": f"{expectation:.1f}", "perception": f"{perception:.1f}",
            "promises_made": str(promises), "promises_kept": str(int(rng.binomial(promises, kept))),
            "delays": str(delays), "delays_announced": str(int(rng.binomial(delays, announced))),
            "fix_effort": str(fix_effort),
        })
    return rows


def _mystery_shopping(p: Profile, rng: np.random.Generator) -> list[dict[str, str]]:
    rows = []
    for visit in range(1, p.visits + 1):
        period = (visit - 1) // p.visits_per_period
        day = p.period_starts[period] + timedelta(days=int(rng.integers(p.visit_days)))
        for touchpoint, criterion, weight, critical, pass_rate in p.checklist:
            na_share = next((share for prefix, share in p.not_applicable.items() if criterion.startswith(prefix)), None)
            if na_share is not None and rng.random() < na_share:
                result = "na"  # the situation did not arise during this visit
            else:
                result = "pass" if rng.random() < pass_rate else "fail"
            rows.append({"visit_id": f"V{visit:02d}", "date": day.isoformat(), "touchpoint": touchpoint,
                         "criterion": criterion, "result": result, "weight": f"{weight:g}",
                         "critical": "true" if critical else "false"})
    return rows


def _write_csv(path: Path, rows: list[dict[str, str]], columns: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_profile(profile: Profile, folder: str | Path) -> Path:
    """Write one synthetic company's client folder (every file but its README.md)."""
    p, seed = profile, profile.seed
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    ids = {segment: [f"{segment[0].upper()}{i:04d}" for i in range(1, count + 1)]
           for segment, count in p.customers.items()}
    loyal = ([str(c) for c in rng.choice(ids[p.loyal_segment], size=p.loyal_detractors, replace=False)]
             if p.loyal_detractors else [])
    survey = _survey(p, rng, ids, loyal)
    contract = catalog.contract()

    def columns(key: str) -> list[str]:
        # the companies ask the 1-5 satisfaction question (CSI); their CSAT is its top-2 box, so no csat column
        return [c["name"] for c in contract[key]["columns"] if (key, c["name"]) != ("survey", "csat")]

    # Churn follows the scores as given before the outage: a special cause of one month moved the scores, not who
    # left, and customers.csv stays as it was before the outage was planted.
    customers = _customers(p, rng, ids, loyal, survey)
    # the outage, the themes and the ratings draw from streams of their own, so every column drawn before them is
    # unchanged
    _outage(p, survey, np.random.default_rng([seed, 6]))
    _themes(p, survey, np.random.default_rng([seed, 8]))
    rated = _ratings(p, survey, np.random.default_rng([seed, 7]))
    _write_csv(folder / "survey.csv", survey, columns("survey") + rated)
    _write_csv(folder / "customers.csv", customers, columns("customers"))
    _write_csv(folder / "scorecard.csv", _scorecard(p), columns("scorecard"))
    # each of these tables draws from its own stream, so extending one leaves the others as they are
    _write_csv(folder / "lifecycle.csv", _lifecycle(p, np.random.default_rng([seed, 3])), columns("lifecycle"))
    _write_csv(folder / "journey.csv", _journey(p, np.random.default_rng([seed, 4])), columns("journey"))
    _write_csv(folder / "mystery_shopping.csv", _mystery_shopping(p, np.random.default_rng([seed, 5])),
               columns("mystery_shopping"))
    if p.contacts:  # drawn from the survey as written, so the survey needs no change for it
        contacts = contacts_for(pd.DataFrame(survey), pd.DataFrame(customers), seed=seed + 9, plan=p.contacts)
        contacts.to_csv(folder / "contacts.csv", index=False, lineterminator="\n")
    if p.components:
        components_for(seed).to_csv(folder / "components.csv", index=False, lineterminator="\n")
    (folder / "client.toml").write_text(p.client_toml, encoding="utf-8")
    return folder


def write_demo(folder: str | Path) -> Path:
    """Write the demo company, Motorline Service (``data/demo``)."""
    return write_profile(profiles()["demo"], folder)


def write_case(key: str, folder: str | Path) -> Path:
    """Write one company of the case library by its key (``demo``, ``tea_leaf``, ``volga_bank``)."""
    return write_profile(profiles()[key], folder)


def main(argv: list[str] | None = None) -> int:
    """``python -m cxlib.demo [ROOT]``: write every company under ROOT (default: the kit's data folder)."""
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0]) if argv else DATA
    for profile in profiles().values():
        folder = write_profile(profile, root / profile.folder)
        print(f"{profile.key} written to {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
