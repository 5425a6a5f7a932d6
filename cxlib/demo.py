"""The seeded generator of the demo company, Motorline Service.

``python -m cxlib.demo [FOLDER]`` rewrites ``data/demo`` byte for byte: the same
seed gives the same files on every machine. The story and the findings planted
in the data are written down in ``data/demo/README.md``; tests assert that the
chapters find them.

Examples
--------
>>> from cxlib.demo import write_demo
>>> write_demo("/tmp/motorline")                        # doctest: +SKIP
"""

from __future__ import annotations

import csv
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from cxlib import catalog

SEED = 20250101
QUARTERS = [date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1), date(2026, 1, 1)]
RESPONSES_PER_QUARTER = 600
CHANNELS = {"phone": 0.35, "website": 0.25, "app": 0.20, "walk_in": 0.20}
SEGMENTS = {"private": 0.8, "fleet": 0.2}
CUSTOMERS = {"private": 1300, "fleet": 200}
LOYAL_DETRACTORS = 60  # fleet customers on contract: they keep coming and would not recommend

# (promoter, passive, detractor) shares; the phone line collapses in Q4 after a
# new branch doubled the calls without new operators.
NPS_MIX = {"phone": (0.48, 0.32, 0.20), "website": (0.50, 0.30, 0.20), "app": (0.55, 0.28, 0.17),
           "walk_in": (0.52, 0.30, 0.18)}
NPS_MIX_PHONE_Q4 = (0.31, 0.30, 0.39)

DETRACTOR_REASONS = {"booking": 0.28, "delay_not_announced": 0.24, "long_wait": 0.14, "not_resolved": 0.10,
                     "price": 0.10, "promise_broken": 0.06, "quality": 0.04, "staff_attitude": 0.04}
DETRACTOR_REASONS_PHONE_Q4 = {"booking": 0.45, "long_wait": 0.25, "delay_not_announced": 0.15,
                              "not_resolved": 0.10, "price": 0.05}
PASSIVE_REASONS = {"": 0.45, "long_wait": 0.15, "price": 0.15, "booking": 0.10, "delay_not_announced": 0.10,
                   "other": 0.05}
PROMOTER_REASONS = {"": 0.55, "praise": 0.40, "other": 0.05}
REASON_TOUCHPOINT = {"booking": ("purchase", "phone booking"), "delay_not_announced": ("experience", "repair status updates"),
                     "long_wait": ("experience", "vehicle reception"), "not_resolved": ("experience", "vehicle handover"),
                     "promise_broken": ("experience", "repair status updates"), "quality": ("experience", "vehicle handover"),
                     "price": ("evaluation", "price check"), "staff_attitude": ("experience", "vehicle reception")}

COMMENTS = {
    "booking": [("en", "Could not get through on the phone to book, gave up twice."),
                ("en", "Booking a slot took three calls."),
                ("ru", "Не смог дозвониться, чтобы записаться на ремонт."),
                ("ru", "Онлайн-запись не показала свободного времени, пришлось звонить.")],
    "delay_not_announced": [("en", "Nobody told me the car would be late; I found out when I came to collect it."),
                            ("en", "The part was delayed and I had to call to learn it."),
                            ("ru", "О задержке узнал только когда приехал забирать машину."),
                            ("ru", "Никто не предупредил, что запчасть задерживается.")],
    "long_wait": [("en", "Waited forty minutes at reception."), ("ru", "Долго ждал приёмщика.")],
    "not_resolved": [("en", "The noise is still there after the repair."), ("ru", "После ремонта проблема осталась.")],
    "price": [("en", "Final bill higher than the estimate."), ("ru", "Итоговая сумма выше, чем в смете.")],
    "promise_broken": [("en", "Promised a call back that never came."), ("ru", "Обещали перезвонить и не перезвонили.")],
    "quality": [("en", "Scratch on the door after the service."), ("ru", "После сервиса царапина на двери.")],
    "staff_attitude": [("en", "The receptionist was rude."), ("ru", "Приёмщик был груб.")],
    "praise": [("en", "Fast and friendly, thank you!"), ("en", "Great mechanic, explained everything."),
               ("ru", "Всё быстро и вежливо, спасибо!"), ("ru", "Мастер всё объяснил, рекомендую.")],
    "other": [("en", "Coffee machine was broken."), ("ru", "Неудобная парковка.")],
}


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


CSI_BY_GROUP = {"promoter": [0.0, 0.01, 0.04, 0.30, 0.65], "passive": [0.02, 0.06, 0.30, 0.50, 0.12],
                "detractor": [0.15, 0.30, 0.35, 0.17, 0.03]}
CES_BY_GROUP = {"promoter": [0.0, 0.01, 0.02, 0.07, 0.20, 0.35, 0.35], "passive": [0.02, 0.04, 0.10, 0.24, 0.30, 0.20, 0.10],
                "detractor": [0.12, 0.20, 0.22, 0.20, 0.14, 0.08, 0.04]}


def _survey(rng: np.random.Generator, customers: dict[str, list[str]], loyal: list[str]) -> list[dict[str, str]]:
    rows = []
    loyal_queue = list(loyal)
    for quarter in range(4):
        start, end = QUARTERS[quarter], QUARTERS[quarter + 1]
        days = (end - start).days
        for _ in range(RESPONSES_PER_QUARTER):
            channel = _choice(rng, CHANNELS)
            segment = _choice(rng, SEGMENTS)
            mix = NPS_MIX_PHONE_Q4 if (channel == "phone" and quarter == 3) else NPS_MIX[channel]
            group = ["promoter", "passive", "detractor"][rng.choice(3, p=mix)]
            customer_id = "" if rng.random() < 0.08 else str(rng.choice(customers[segment]))
            if group == "detractor" and segment == "fleet" and loyal_queue and rng.random() < 0.7:
                customer_id = loyal_queue.pop()
            reasons = {"promoter": PROMOTER_REASONS, "passive": PASSIVE_REASONS,
                       "detractor": DETRACTOR_REASONS_PHONE_Q4 if mix is NPS_MIX_PHONE_Q4 else DETRACTOR_REASONS}[group]
            reason = _choice(rng, reasons)
            day = start + timedelta(days=int(rng.integers(days)))
            rows.append({"group": group, "channel": channel, "segment": segment, "customer_id": customer_id,
                         "reason": reason, "day": day})
    # every planted loyal detractor answers at least once
    fleet_detractors = [r for r in rows if r["group"] == "detractor" and r["segment"] == "fleet"
                        and r["customer_id"] not in loyal]
    for row, customer_id in zip(fleet_detractors, loyal_queue):
        row["customer_id"] = customer_id

    rows.sort(key=lambda r: r["day"])
    survey = []
    for number, row in enumerate(rows, start=1):
        group, reason = row["group"], row["reason"]
        nps = _nps_score(rng, group)
        csi = int(rng.choice(range(1, 6), p=CSI_BY_GROUP[group]))
        ces = int(rng.choice(range(1, 8), p=CES_BY_GROUP[group]))
        if reason == "booking":
            ces = min(ces, int(rng.integers(1, 4)))
        comment = ""
        comment_chance = {"detractor": 0.6, "passive": 0.25, "promoter": 0.3}[group]
        if reason and rng.random() < comment_chance:
            options = COMMENTS[reason]
            comment = options[int(rng.integers(len(options)))][1]
        contact_at = followed_up_at = ""
        moment = datetime.combine(row["day"], datetime.min.time()) + timedelta(minutes=int(rng.integers(8 * 60, 20 * 60)))
        if nps <= 6:
            contact_at = moment.strftime("%Y-%m-%d %H:%M")
            if rng.random() < 0.72:
                delay = timedelta(minutes=int(np.exp(rng.normal(np.log(300), 1.0))))
                followed_up_at = (moment + delay).strftime("%Y-%m-%d %H:%M")
        stage, touchpoint = REASON_TOUCHPOINT.get(reason, ("", ""))
        if reason == "booking" and row["channel"] in ("website", "app"):
            touchpoint = "online booking"
        survey.append({
            "response_id": f"R{number:05d}",
            "date": row["day"].isoformat(),
            "channel": row["channel"],
            "segment": row["segment"],
            "customer_id": row["customer_id"],
            "nps": str(nps),
            "csi": "" if rng.random() < 0.03 else str(csi),
            "ces": "" if rng.random() < 0.05 else str(ces),
            "reason_code": reason,
            "comment": comment,
            "contact_at": contact_at,
            "followed_up_at": followed_up_at,
            "stage": stage,
            "touchpoint": touchpoint,
        })
    # a real export has a phone number in a comment now and then
    survey[123]["comment"] = "Please call me back on +7 912 345-67-89, nobody did."
    return survey


def _customers(rng: np.random.Generator, ids: dict[str, list[str]], loyal: list[str],
               survey: list[dict[str, str]]) -> list[dict[str, str]]:
    last_group: dict[str, int] = {}
    for row in survey:
        if row["customer_id"]:
            last_group[row["customer_id"]] = int(row["nps"])
    loyal_set = set(loyal)
    rows = []
    for segment, customer_ids in ids.items():
        for customer_id in customer_ids:
            if customer_id in loyal_set:
                purchases = int(rng.integers(8, 15))
            else:
                purchases = 1 + int(rng.poisson(0.45 if segment == "private" else 5.0))
            check = 185.0 if segment == "private" else 260.0
            revenue = purchases * check * float(np.exp(rng.normal(0, 0.25)))
            score = last_group.get(customer_id)
            churn_chance = 0.30 if score is None else (0.50 if score <= 6 else 0.25 if score <= 8 else 0.12)
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


SCORECARD = [
    # level, metric, unit, direction, target, benchmark, values by quarter
    ("financial", "conversion", "%", "higher", 35, 32, [36.1, 35.9, 36.4, 36.0]),
    ("financial", "churn_rate", "%", "lower", 15, 18, [19.5, 21.0, 23.2, 25.1]),
    ("financial", "average_check", "EUR", "higher", 200, 190, [204.0, 209.5, 211.8, 215.2]),
    ("financial", "repeat_purchase_rate", "%", "higher", 55, 50, [48.2, 46.9, 45.1, 43.4]),
    ("financial", "acquisition_cost", "EUR", "lower", 40, 45, [37.8, 38.1, 37.5, 37.9]),
    ("customer", "queue_time", "min", "lower", 15, 20, [14.0, 16.5, 18.0, 22.5]),
    ("customer", "self_assessed_superior_service", "%", "higher", "", "", [80.0, 80.0, 90.0, 90.0]),
    ("operational", "sla_compliance", "%", "higher", 90, 88, [89.0, 87.2, 85.0, 80.3]),
    ("operational", "first_contact_resolution", "%", "higher", 75, 72, [76.0, 77.5, 76.8, 77.2]),
    ("operational", "response_time", "h", "lower", 2, 3, [1.9, 2.4, 3.1, 4.2]),
    ("operational", "resolution_time", "days", "lower", 3, 3.5, [2.8, 2.7, 2.9, 2.8]),
    ("learning_growth", "enps", "points", "higher", 20, 12, [22.0, 18.0, 15.0, 12.0]),
    ("learning_growth", "staff_turnover", "%", "lower", 20, 25, [26.0, 29.0, 31.5, 34.0]),
    ("learning_growth", "training_hours", "h", "higher", 16, 12, [6.0, 5.5, 5.0, 4.0]),
]


def _scorecard() -> list[dict[str, str]]:
    rows = []
    for level, metric, unit, direction, target, benchmark, values in SCORECARD:
        for quarter, value in enumerate(values, start=1):
            n = {"self_assessed_superior_service": "10", "enps": "48"}.get(metric, "")
            rows.append({"level": level, "metric": metric, "period": f"2025-Q{quarter}", "value": f"{value:g}",
                         "target": f"{target:g}" if target != "" else "", "benchmark": f"{benchmark:g}" if benchmark != "" else "",
                         "n": n, "unit": unit, "direction": direction})
    return rows


# Mean agreement (1..5) with each stage's statements; the owner sees the company
# younger and healthier than the staff do.
STAGE_PROFILE = {"courtship": 1.7, "infancy": 2.8, "gogo": 4.3, "adolescence": 3.2, "prime": 2.4,
                 "stability": 1.9, "aristocracy": 1.5, "recrimination": 1.5, "bureaucracy": 1.6, "death": 1.1}
AXIS_PROFILE = {"flexibility": 3.9, "control": 2.1}
ROLE_SHIFT = {"owner": {"prime": 1.4, "gogo": -0.7, "infancy": 0.3}, "manager": {"adolescence": 0.3},
              "staff": {"gogo": 0.3, "prime": -0.3}}
RESPONDENTS = [("owner", 1), ("manager", 3), ("staff", 6)]


def _lifecycle(rng: np.random.Generator) -> list[dict[str, str]]:
    rows = []
    number = 0
    for role, count in RESPONDENTS:
        for _ in range(count):
            number += 1
            respondent = f"P{number:02d}"
            for statement in catalog.lifecycle_statements():
                key = statement.get("stage") or statement.get("axis")
                mean = STAGE_PROFILE.get(key, AXIS_PROFILE.get(key)) + ROLE_SHIFT[role].get(key, 0.0)
                answer = int(np.clip(np.rint(mean + rng.normal(0, 0.6)), 1, 5))
                missing = rng.random() < 0.04
                rows.append({"respondent": respondent, "role": role, "statement_id": statement["id"],
                             "answer": "" if missing else str(answer)})
    return rows


JOURNEY = [
    # stage, touchpoint, channel, reached, moved-on share, satisfied share, high-effort share,
    # complaints per 1000, expectation, perception, promises made share, kept share, delays share, announced share,
    # effort to fix (1 easy .. 5 hard). Each stage's customers come from the previous stage's moved-on total;
    # the experience and loyalty touchpoints follow one another.
    ("awareness", "search and ads", "website", 15000, 0.60, 0.82, 0.08, 1, 3.6, 3.7, 0.00, 0.0, 0.00, 0.0, 3),
    ("awareness", "recommendation", "word_of_mouth", 3000, 0.70, 0.88, 0.05, 1, 4.0, 4.1, 0.00, 0.0, 0.00, 0.0, 4),
    ("evaluation", "price check", "website", 8400, 0.66, 0.74, 0.14, 4, 3.8, 3.4, 0.00, 0.0, 0.00, 0.0, 2),
    ("evaluation", "phone enquiry", "phone", 2700, 0.64, 0.71, 0.22, 9, 4.0, 3.5, 0.10, 0.8, 0.00, 0.0, 2),
    ("purchase", "online booking", "website", 4200, 0.42, 0.58, 0.38, 18, 4.2, 3.1, 0.00, 0.0, 0.00, 0.0, 2),
    ("purchase", "phone booking", "phone", 3072, 0.36, 0.52, 0.45, 27, 4.1, 2.8, 0.20, 0.7, 0.00, 0.0, 3),
    ("experience", "vehicle reception", "walk_in", 2870, 0.98, 0.79, 0.16, 11, 4.0, 3.8, 0.90, 0.86, 0.05, 0.5, 3),
    ("experience", "repair status updates", "phone", 2813, 0.97, 0.55, 0.31, 24, 4.3, 2.9, 0.60, 0.66, 0.18, 0.24, 1),
    ("experience", "vehicle handover", "walk_in", 2729, 0.96, 0.83, 0.09, 8, 4.1, 3.9, 0.30, 0.90, 0.02, 0.6, 3),
    ("loyalty", "service reminder", "app", 2620, 0.60, 0.81, 0.06, 2, 3.5, 3.7, 0.00, 0.0, 0.00, 0.0, 2),
    ("loyalty", "loyalty programme", "app", 1572, 0.65, 0.77, 0.07, 3, 3.7, 3.5, 0.00, 0.0, 0.00, 0.0, 4),
]


def _journey(rng: np.random.Generator) -> list[dict[str, str]]:
    rows = []
    for (stage, touchpoint, channel, reached, moved, satisfied, effort, complaints, expectation, perception,
         promised, kept, delayed, announced, fix_effort) in JOURNEY:
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


CHECKLIST = [
    # touchpoint, criterion, weight, critical, pass rate
    ("phone booking", "call answered within 60 seconds", 2.0, False, 0.40),
    ("phone booking", "earliest free slot offered", 1.0, False, 0.60),
    ("phone booking", "booking confirmed by text message", 1.0, False, 0.70),
    ("vehicle reception", "greeted within 5 minutes", 1.0, False, 0.75),
    ("vehicle reception", "written estimate given before work", 3.0, True, 0.92),
    ("vehicle reception", "ready time promised", 1.0, False, 0.85),
    ("vehicle reception", "customer's concerns written on the order", 2.0, False, 0.80),
    ("repair status updates", "told of any delay before the promised time", 2.0, False, 0.35),
    ("vehicle handover", "work explained", 1.0, False, 0.88),
    ("vehicle handover", "old parts offered", 1.0, False, 0.70),
    ("vehicle handover", "invoice matches the estimate", 3.0, True, 0.90),
]


def _mystery_shopping(rng: np.random.Generator) -> list[dict[str, str]]:
    rows = []
    for visit in range(1, 25):
        quarter = (visit - 1) // 6
        day = QUARTERS[quarter] + timedelta(days=int(rng.integers(80)))
        for touchpoint, criterion, weight, critical, pass_rate in CHECKLIST:
            if criterion.startswith("told of any delay") and rng.random() < 0.4:
                result = "na"  # no delay happened during this visit
            else:
                result = "pass" if rng.random() < pass_rate else "fail"
            rows.append({"visit_id": f"V{visit:02d}", "date": day.isoformat(), "touchpoint": touchpoint,
                         "criterion": criterion, "result": result, "weight": f"{weight:g}",
                         "critical": "true" if critical else "false"})
    return rows


CLIENT_TOML = """\
# Motorline Service: the kit's demo company (synthetic; see README.md here).
name = "Motorline Service"
language = "en"            # en or ru: labels, charts and the report follow it
currency = "EUR"

[periods]
frequency = "quarter"      # month, quarter or year; survey dates are grouped by it

[scales.ces]               # customer effort: "It was easy to get my car serviced", 1..7
min = 1
max = 7
higher_is = "easier"

[targets]                  # for the metrics the kit derives from the survey and the visits
nps = 30
csi = 4.0
csat = 75
mystery_shopping_score = 85

[benchmarks]
nps = 25
csat = 70
mystery_shopping_score = 80
"""


def _write_csv(path: Path, rows: list[dict[str, str]], columns: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_demo(folder: str | Path, seed: int = SEED) -> Path:
    """Write the demo company's client folder (every file but README.md).

    Parameters
    ----------
    folder : str or Path
        Where to write; created if missing.
    seed : int
        The generator's seed; the default reproduces ``data/demo``.

    Returns
    -------
    Path
        The folder written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    ids = {segment: [f"{segment[0].upper()}{i:04d}" for i in range(1, count + 1)] for segment, count in CUSTOMERS.items()}
    loyal = [str(c) for c in rng.choice(ids["fleet"], size=LOYAL_DETRACTORS, replace=False)]
    survey = _survey(rng, ids, loyal)
    contract = catalog.contract()

    def columns(key: str) -> list[str]:
        return [c["name"] for c in contract[key]["columns"]]

    _write_csv(folder / "survey.csv", survey, columns("survey"))
    _write_csv(folder / "customers.csv", _customers(rng, ids, loyal, survey), columns("customers"))
    _write_csv(folder / "scorecard.csv", _scorecard(), columns("scorecard"))
    # each of these tables draws from its own stream, so extending one leaves the others as they are
    _write_csv(folder / "lifecycle.csv", _lifecycle(np.random.default_rng([seed, 3])), columns("lifecycle"))
    _write_csv(folder / "journey.csv", _journey(np.random.default_rng([seed, 4])), columns("journey"))
    _write_csv(folder / "mystery_shopping.csv", _mystery_shopping(np.random.default_rng([seed, 5])),
               columns("mystery_shopping"))
    (folder / "client.toml").write_text(CLIENT_TOML, encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    folder = write_demo(argv[0] if argv else "data/demo")
    print(f"demo company written to {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
