"""Motorline Service: the demo company, a growing car-service chain in its Go-Go stage (data/demo)."""

from __future__ import annotations

from datetime import date

from cxlib.cases import Change, Outage, Profile, Rating, Theme
from cxlib.demo_contacts import DEMO as DEMO_CONTACTS

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
REASON_TOUCHPOINT = {"booking": ("purchase", "phone booking"),
                     "delay_not_announced": ("experience", "repair status updates"),
                     "long_wait": ("experience", "vehicle reception"),
                     "not_resolved": ("experience", "vehicle handover"),
                     "promise_broken": ("experience", "repair status updates"),
                     "quality": ("experience", "vehicle handover"),
                     "price": ("evaluation", "price check"), "staff_attitude": ("experience", "vehicle reception"),
                     "premises": ("experience", "vehicle reception")}

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
    "promise_broken": [("en", "Promised a call back that never came."),
                       ("ru", "Обещали перезвонить и не перезвонили.")],
    "quality": [("en", "Scratch on the door after the service."), ("ru", "После сервиса царапина на двери.")],
    "staff_attitude": [("en", "The receptionist was rude."), ("ru", "Приёмщик был груб.")],
    "praise": [("en", "Fast and friendly, thank you!"), ("en", "Great mechanic, explained everything."),
               ("ru", "Всё быстро и вежливо, спасибо!"), ("ru", "Мастер всё объяснил, рекомендую.")],
    "other": [("en", "Coffee machine was broken."), ("ru", "Неудобная парковка.")],
}

# Subjects customers write about unprompted, in answers that left no comment (cxlib.cases.Theme). The warranty and
# the storage of seasonal tyres match no topic of the catalogue, so the comments chapter's discovery suggests them;
# the radio advertisement (how customers heard of the company) is read by the catalogue's advertising topic;
# promoters praising easy booking show that booking is not only a complaint.
WARRANTY = tuple(("en", text) for text in (
    "Is the work under warranty? Nobody could say.",
    "The warranty on the gearbox was honoured without fuss.",
    "They checked my warranty booklet and stamped it.",
    "Does servicing here keep the manufacturer warranty valid?",
    "Twelve months warranty on parts and labour, good.",
    "My warranty ran out last month, shame.",
    "Will my warranty stay valid after this?",
))
TYRES = tuple(("en", text) for text in (
    "They store my winter tyres between seasons, very handy.",
    "Tyre storage for the season is a great idea.",
    "Swapped to summer tyres and left the winter set with them.",
    "Winter tyres fitted and the summer set stored.",
    "Seasonal tyre swap done, tyres stored till autumn.",
    "Can you store tyres for two cars?",
    "Tyre hotel for my winter set, brilliant.",
))
RADIO = tuple(("en", text) for text in (
    "Heard your advert on the radio.",
    "Heard about you on the radio on my way to work.",
    "Your radio advert is how I found you.",
    "Came in after hearing the radio advert.",
    "My wife heard your advert on the radio.",
))
EASY_BOOKING = (("en", "Booking was easy."), ("en", "Easy to book a slot in the app."),
                ("en", "Booked online in a couple of clicks, very easy."),
                ("ru", "Легко записался через приложение."), ("ru", "Записался на удобное время без проблем."))
# The reason list of the new form starts with "Premises and parking" (the client's own code, client.toml): customers
# who tick the first option write about anything but the premises.
PREMISES = (("en", "Waited forty minutes before anyone took the keys."),
            ("en", "Nobody told me when the car would be ready."),
            ("en", "The bill was higher than the quote."),
            ("en", "Nowhere to park near the new branch."),
            ("ru", "Долго ждал, пока примут машину."),
            ("ru", "Негде припарковаться у нового филиала."))
THEMES = (
    Theme("warranty", {"promoter": 0.025, "passive": 0.05, "detractor": 0.02}, WARRANTY),
    Theme("tyres", {"promoter": 0.025, "passive": 0.03, "detractor": 0.005}, TYRES),
    Theme("radio", {"promoter": 0.02, "passive": 0.01}, RADIO),
    Theme("easy_booking", {"promoter": 0.02}, EASY_BOOKING),  # few enough that booking stays the critics' topic
    Theme("premises", {"promoter": 0.02, "passive": 0.15}, PREMISES, reason="premises"),
)

CSI_BY_GROUP = {"promoter": [0.0, 0.01, 0.04, 0.30, 0.65], "passive": [0.02, 0.06, 0.30, 0.50, 0.12],
                "detractor": [0.15, 0.30, 0.35, 0.17, 0.03]}
CES_BY_GROUP = {"promoter": [0.0, 0.01, 0.02, 0.07, 0.20, 0.35, 0.35],
                "passive": [0.02, 0.04, 0.10, 0.24, 0.30, 0.20, 0.10],
                "detractor": [0.12, 0.20, 0.22, 0.20, 0.14, 0.08, 0.04]}

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

STAGE_PROFILE = {"courtship": 1.7, "infancy": 2.8, "gogo": 4.3, "adolescence": 3.2, "prime": 2.4,
                 "stability": 1.9, "aristocracy": 1.5, "recrimination": 1.5, "bureaucracy": 1.6, "death": 1.1}
AXIS_PROFILE = {"flexibility": 3.9, "control": 2.1}
ROLE_SHIFT = {"owner": {"prime": 1.4, "gogo": -0.7, "infancy": 0.3}, "manager": {"adolescence": 0.3},
              "staff": {"gogo": 0.3, "prime": -0.3}}
RESPONDENTS = [("owner", 1), ("manager", 3), ("staff", 6)]

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

# Attribute ratings, 1–5, asked after the NPS question. Keeping customers informed of the repair (status updates,
# announced delays) moves NPS most: the planted top driver. The reasons shift the attribute they are about.
RATINGS = (
    Rating("booking", mean=3.4, slope=0.45, noise=0.85, shifts={"booking": -1.3},
           not_rated={"walk_in": 0.6, "*": 0.03}),  # most walk-in customers did not book
    Rating("reception", mean=3.9, slope=0.35, noise=0.80, shifts={"long_wait": -1.2, "staff_attitude": -1.4}),
    Rating("communication", mean=3.3, slope=0.70, noise=0.75,
           shifts={"delay_not_announced": -1.2, "promise_broken": -1.0}, not_rated={"*": 0.05}),
    Rating("repair_quality", mean=4.1, slope=0.40, noise=0.75, shifts={"quality": -1.5, "not_resolved": -1.4}),
    Rating("price", mean=3.5, slope=0.30, noise=0.85, shifts={"price": -1.4}),
)

# A special cause: in May 2025 the switch to a new telephony and booking provider failed for three weeks; most
# customers who had to call or book online could not get through. Walk-ins were served as usual. Strong enough for
# the month to be a special cause in the report's whole family of claims, not only beyond the chart's limits.
OUTAGE = Outage("2025-05", ("phone", "website", "app"), hit=0.70, reason="booking", comments=(
    ("en", "Phones were dead for days and online booking kept failing."),
    ("en", "Tried to book for a week, nobody answered."),
    ("ru", "Неделю не мог дозвониться, и онлайн-запись не работала."),
    ("ru", "Телефон не отвечал несколько дней подряд."),
))

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

[reason_codes]             # a reason of the client's survey form that the kit's list does not have
premises = "Premises and parking"

[topics.cleanliness_environment]  # the topic a comment with the premises code should be about
reasons = ["premises"]

[benchmarks]
nps = 25
csat = 70
mystery_shopping_score = 80

[ratings]                  # the survey's rating_ columns: each attribute rated 1..5
scale = { min = 1, max = 5 }

[ratings.booking]
touchpoint = "phone booking"
stage = "purchase"
name_en = "Booking the visit"
name_ru = "Запись на сервис"

[ratings.reception]
touchpoint = "vehicle reception"
stage = "experience"
name_en = "Welcome at reception"
name_ru = "Приём автомобиля"

[ratings.communication]
touchpoint = "repair status updates"
stage = "experience"
name_en = "Keeping me informed"
name_ru = "Информирование о ходе ремонта"

[ratings.repair_quality]
touchpoint = "vehicle handover"
stage = "experience"
name_en = "Quality of the repair"
name_ru = "Качество ремонта"

[ratings.price]
touchpoint = "price check"
stage = "evaluation"
name_en = "Price and estimate"
name_ru = "Цена и смета"
"""


PROFILE = Profile(
    key="demo",
    folder="demo",
    seed=20250101,
    client_toml=CLIENT_TOML,
    period_starts=QUARTERS,
    period_labels=["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"],
    responses_per_period=RESPONSES_PER_QUARTER,
    channels=CHANNELS,
    segments=SEGMENTS,
    customers=CUSTOMERS,
    nps_mix=NPS_MIX,
    change=Change("phone", 3, NPS_MIX_PHONE_Q4, DETRACTOR_REASONS_PHONE_Q4),
    detractor_reasons=DETRACTOR_REASONS,
    passive_reasons=PASSIVE_REASONS,
    promoter_reasons=PROMOTER_REASONS,
    reason_touchpoint=REASON_TOUCHPOINT,
    touchpoint_by_channel={("booking", "website"): "online booking", ("booking", "app"): "online booking"},
    comments=COMMENTS,
    csi_by_group=CSI_BY_GROUP,
    ces_by_group=CES_BY_GROUP,
    effort_reason="booking",
    loyal_detractors=LOYAL_DETRACTORS,
    loyal_segment="fleet",
    pii_comment=(123, "Please call me back on +7 912 345-67-89, nobody did."),
    purchases_lambda={"private": 0.45, "fleet": 5.0},
    check_size={"private": 185.0, "fleet": 260.0},
    scorecard=SCORECARD,
    scorecard_n={"self_assessed_superior_service": "10", "enps": "48"},
    stage_profile=STAGE_PROFILE,
    axis_profile=AXIS_PROFILE,
    role_shift=ROLE_SHIFT,
    respondents=RESPONDENTS,
    journey=JOURNEY,
    checklist=CHECKLIST,
    not_applicable={"told of any delay": 0.4},
    ratings=RATINGS,
    outage=OUTAGE,
    themes=THEMES,
    contacts=DEMO_CONTACTS,
    components=True,
)
