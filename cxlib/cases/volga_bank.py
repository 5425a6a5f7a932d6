"""Volga Savings Bank: a sixty-year-old regional bank in its Aristocracy stage, in Russian (data/cases/volga_bank)."""

from __future__ import annotations

from datetime import date

from cxlib.cases import Change, Profile, Rating, Theme
from cxlib.demo_contacts import ContactPlan

COMMENTS = {
    "long_wait": [("ru", "Сорок минут в очереди в отделении."), ("ru", "Работает одно окно из пяти."),
                  ("ru", "До колл-центра не дозвониться.")],
    "paperwork": [("ru", "Для вклада потребовали пять справок и два визита в офис."),
                  ("ru", "Документы проверяли три недели."),
                  ("ru", "Почему нельзя подать заявку онлайн?")],
    "staff_attitude": [("ru", "Сотрудник был равнодушен."), ("ru", "Разговаривали свысока.")],
    "not_resolved": [("ru", "Ошибку в выписке так и не исправили.")],
    "price": [("ru", "Комиссии выше, чем в других банках.")],
    "praise": [("ru", "Удобное мобильное приложение."), ("ru", "Спасибо консультанту, всё объяснила.")],
    "other": [("ru", "Нет парковки у отделения.")],
}

# Many of the bank's customers are pensioners who moved their pension here: a subject the catalogue has no topic
# for, so the comments chapter's discovery suggests it.
PENSION = Theme("pension", {"promoter": 0.04, "passive": 0.04, "detractor": 0.02}, tuple(("ru", text) for text in (
    "Перевёл пенсию в ваш банк, всё приходит без проблем.",
    "Пенсия приходит на карту первого числа.",
    "Хотелось бы надбавку к пенсии за перевод.",
    "Пенсионерам нужна отдельная линия обслуживания.",
    "Удобно получать пенсию на карту банка.",
    "Пенсионная карта МИР работает везде.",
    "Пенсионная карта оформлена без лишних вопросов.",
    "Для пенсионеров нужен крупный шрифт в договорах.",
    "Пенсия зачисляется на карту, очень удобно.",
    "Оформили пенсионную карту прямо в отделении.",
)))

# Attribute ratings, 1-5. How the staff treat the customer moves NPS most: the planted top driver, while the
# journey's pain point is the document check. Only callers rate the call centre; app users rarely rate the queue.
RATINGS = (
    Rating("queue", mean=2.8, slope=0.35, noise=0.80, shifts={"long_wait": -1.3},
           not_rated={"mobile_app": 0.5, "*": 0.03}),
    Rating("documents", mean=2.6, slope=0.40, noise=0.80, shifts={"paperwork": -1.4}),
    Rating("staff", mean=3.3, slope=0.75, noise=0.70, shifts={"staff_attitude": -1.5}),
    Rating("call_centre", mean=3.0, slope=0.30, noise=0.80, shifts={"not_resolved": -1.2},
           not_rated={"call_centre": 0.02, "*": 0.5}),
    Rating("app", mean=3.9, slope=0.25, noise=0.75, not_rated={"mobile_app": 0.02, "*": 0.4}),
    Rating("tariffs", mean=3.0, slope=0.30, noise=0.80, shifts={"price": -1.4}),
)

# The contact centre: a complaint is registered and escalated, and escalated customers are the bank's harshest
# critics (the planted finding: their NPS far below that of customers without contacts); questions about the
# documents for a deposit take four times the handling time of any other subject (the topic costing most hours).
# Topic codes are English, as a ticket system exports them, and read in Russian through client.toml [labels].
CONTACTS = ContactPlan(
    history_mix={"promoter": (0.60, 0.28, 0.08, 0.04), "passive": (0.52, 0.28, 0.10, 0.10),
                 "detractor": (0.40, 0.22, 0.12, 0.26), "unknown": (0.50, 0.26, 0.10, 0.14)},
    channels={"call_centre": 0.50, "branch": 0.25, "mobile_app": 0.15, "email": 0.10},
    hours={"call_centre": 30.0, "branch": 96.0, "mobile_app": 12.0, "email": 72.0},
    first_time={"one": 0.78, "repeated": 0.55, "escalated": 0.35},
    topics=("card_block", "transfer_delay", "statement_error", "deposit_documents", "complaint"),
    texts=("Заблокировали карту без объяснений, прошу разблокировать",
           "Перевод не дошёл уже три дня",
           "Ошибка в выписке по вкладу, проценты начислены неверно",
           "Какие справки нужны для открытия вклада?",
           "Не могу дозвониться до отделения",
           "Прошу перезвонить по заявке, никто не связался",
           "Консультант в отделении нагрубил",
           "В приложении не проходит платёж"),
    topic_hours={"deposit_documents": 4.0, "Какие справки нужны для открытия вклада?": 4.0},
)

CLIENT_TOML = """\
# Волжский сберегательный банк: кейс библиотеки (синтетические данные; см. README.md).
name = "Волжский сберегательный банк"
language = "ru"
currency = "RUB"

[periods]
frequency = "quarter"

[scales.ces]               # исходная шкала CES: «Сколько усилий вам пришлось приложить?», 1..5
min = 1
max = 5
higher_is = "harder"

[labels]                   # темы обращений из выгрузки колл-центра (contacts.csv)
card_block = "Блокировка карты"
transfer_delay = "Задержка перевода"
statement_error = "Ошибка в выписке"
deposit_documents = "Документы для вклада"
complaint = "Жалоба"

[reason_codes]             # причины, которых нет в каталоге набора
paperwork = "Слишком много документов и визитов"

[topics.paperwork]         # своя тема клиента: документы и справки, главная болевая точка пути
stage = "purchase"
name_en = "Documents and paperwork"
name_ru = "Документы и справки"
words_en = ["documents", "paperwork"]
words_ru = ["справк*", "документ*", "бумаж*", "визит* в офис", "два визита"]
reasons = ["paperwork"]

[targets]
nps = 10
csi = 3.8
csat = 65
mystery_shopping_score = 80

[benchmarks]
nps = 5

[ratings]                  # оценки по атрибутам (столбцы rating_ анкеты), 1..5
scale = { min = 1, max = 5 }

[ratings.queue]
touchpoint = "branch queue"
stage = "experience"
name_en = "Queue in the branch"
name_ru = "Очередь в отделении"

[ratings.documents]
touchpoint = "document check"
stage = "purchase"
name_en = "Documents and paperwork"
name_ru = "Оформление документов"

[ratings.staff]
touchpoint = "consultation in branch"
stage = "evaluation"
name_en = "How the staff treated me"
name_ru = "Отношение сотрудников"

[ratings.call_centre]
touchpoint = "call centre"
stage = "experience"
name_en = "Call centre"
name_ru = "Колл-центр"

[ratings.app]
touchpoint = "mobile app"
stage = "experience"
name_en = "Mobile app"
name_ru = "Мобильное приложение"

[ratings.tariffs]
touchpoint = "tariff comparison"
stage = "evaluation"
name_en = "Fees and rates"
name_ru = "Тарифы и комиссии"
"""

PROFILE = Profile(
    key="volga_bank",
    folder="cases/volga_bank",
    seed=20250303,
    client_toml=CLIENT_TOML,
    period_starts=[date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1), date(2026, 1, 1)],
    period_labels=["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"],
    responses_per_period=1500,
    channels={"branch": 0.45, "call_centre": 0.25, "mobile_app": 0.30},
    segments={"retail": 0.85, "business": 0.15},
    customers={"retail": 4000, "business": 400},
    # the branches slide from Q3 on, when half the tellers' windows were closed to cut costs
    nps_mix={"branch": (0.30, 0.35, 0.35), "call_centre": (0.28, 0.34, 0.38), "mobile_app": (0.45, 0.33, 0.22)},
    change=Change("branch", 2, (0.22, 0.33, 0.45), {"long_wait": 0.45, "paperwork": 0.30, "staff_attitude": 0.15,
                                                    "not_resolved": 0.10}),
    detractor_reasons={"paperwork": 0.35, "long_wait": 0.25, "staff_attitude": 0.15, "not_resolved": 0.12,
                       "price": 0.13},
    passive_reasons={"": 0.45, "paperwork": 0.20, "long_wait": 0.15, "price": 0.15, "other": 0.05},
    promoter_reasons={"": 0.55, "praise": 0.40, "other": 0.05},
    reason_touchpoint={"paperwork": ("purchase", "document check"), "long_wait": ("experience", "branch queue"),
                       "staff_attitude": ("experience", "branch queue"), "not_resolved": ("experience", "call centre"),
                       "price": ("evaluation", "tariff comparison")},
    touchpoint_by_channel={("long_wait", "call_centre"): "call centre"},
    comments=COMMENTS,
    csi_by_group={"promoter": [0.0, 0.02, 0.08, 0.40, 0.50], "passive": [0.03, 0.10, 0.40, 0.40, 0.07],
                  "detractor": [0.22, 0.35, 0.30, 0.11, 0.02]},
    # effort on the original 1..5 scale, higher = harder
    ces_by_group={"promoter": [0.35, 0.40, 0.18, 0.05, 0.02], "passive": [0.10, 0.30, 0.35, 0.18, 0.07],
                  "detractor": [0.03, 0.10, 0.25, 0.32, 0.30]},
    loyal_detractors=150,
    loyal_segment="business",
    loyal_purchases=(10, 25),
    follow_up=(0.40, 2880.0, 0.9),  # complaints go through a two-day registration procedure
    purchases_lambda={"retail": 1.5, "business": 8.0},
    check_size={"retail": 12000.0, "business": 95000.0},
    churn=(0.15, 0.30, 0.12, 0.06),
    scorecard=[
        ("financial", "churn_rate", "%", "lower", 8, 10, [9.0, 9.8, 11.2, 12.5]),
        ("financial", "acquisition_cost", "RUB", "lower", 4000, 3500, [4200, 4500, 4900, 5300]),
        ("financial", "average_check", "RUB", "higher", 15000, 14000, [16100, 16000, 16200, 15900]),
        ("customer", "queue_time", "min", "lower", 10, 12, [18.0, 19.5, 26.0, 31.0]),
        ("customer", "self_assessed_superior_service", "%", "higher", "", "", [85.0, 85.0, 85.0, 90.0]),
        ("operational", "sla_compliance", "%", "higher", 90, 92, [93.0, 92.5, 93.5, 93.0]),
        ("operational", "resolution_time", "days", "lower", 5, 3, [9.0, 9.5, 10.0, 11.0]),
        ("operational", "first_contact_resolution", "%", "higher", 70, 75, [61.0, 60.0, 58.0, 57.0]),
        ("learning_growth", "training_hours", "h", "higher", 20, 16, [24.0, 25.0, 24.0, 26.0]),
        ("learning_growth", "enps", "points", "higher", 10, 15, [-5.0, -8.0, -12.0, -15.0]),
        ("learning_growth", "staff_turnover", "%", "lower", 12, 15, [9.0, 9.5, 10.0, 10.0]),
    ],
    scorecard_n={"self_assessed_superior_service": "20", "enps": "350"},
    stage_profile={"courtship": 1.1, "infancy": 1.3, "gogo": 1.5, "adolescence": 1.8, "prime": 2.3,
                   "stability": 3.1, "aristocracy": 4.3, "recrimination": 2.4, "bureaucracy": 3.0, "death": 1.3},
    axis_profile={"flexibility": 1.7, "control": 4.3},
    role_shift={"owner": {"prime": 1.5, "stability": 0.8, "aristocracy": -0.8}, "manager": {"stability": 0.3},
                "staff": {"bureaucracy": 0.4, "recrimination": 0.4}},
    respondents=[("owner", 1), ("manager", 4), ("staff", 8)],
    journey=[
        ("awareness", "advertising", "media", 15000, 0.50, 0.85, 0.05, 0, 3.2, 3.1, 0, 0, 0, 0, 3),
        ("awareness", "recommendation", "word_of_mouth", 6000, 0.75, 0.80, 0.04, 0, 3.6, 3.6, 0, 0, 0, 0, 4),
        ("evaluation", "tariff comparison", "website", 8000, 0.60, 0.75, 0.22, 3, 3.6, 3.2, 0, 0, 0, 0, 2),
        ("evaluation", "consultation in branch", "branch", 4500, 0.70, 0.70, 0.25, 6, 3.8, 3.5, 0.4, 0.8, 0, 0, 3),
        ("purchase", "document check", "branch", 7950, 0.45, 0.40, 0.62, 30, 4.0, 2.4, 0.8, 0.55, 0.35, 0.20, 4),
        ("purchase", "account opening", "branch", 3577, 0.95, 0.75, 0.20, 5, 3.8, 3.6, 0, 0, 0, 0, 3),
        ("experience", "branch queue", "branch", 3398, 0.96, 0.45, 0.50, 28, 3.9, 2.5, 0, 0, 0, 0, 3),
        ("experience", "call centre", "call_centre", 3262, 0.95, 0.52, 0.40, 20, 3.8, 2.8, 0.6, 0.6, 0.2, 0.3, 2),
        ("experience", "mobile app", "mobile_app", 3099, 0.97, 0.82, 0.10, 3, 3.7, 3.9, 0, 0, 0, 0, 2),
        ("loyalty", "loyalty programme", "mobile_app", 3006, 0.70, 0.66, 0.15, 2, 3.4, 3.2, 0, 0, 0, 0, 3),
    ],
    checklist=[
        ("branch queue", "served within 15 minutes", 2.0, False, 0.35),
        ("branch queue", "greeted by the consultant", 1.0, False, 0.70),
        ("consultation in branch", "the right product offered", 2.0, False, 0.55),
        ("consultation in branch", "fees explained in full", 3.0, True, 0.85),
        ("document check", "document list given in advance", 2.0, False, 0.30),
        ("document check", "decision date promised", 1.0, False, 0.50),
        ("call centre", "answered within 3 minutes", 2.0, False, 0.45),
        ("call centre", "issue solved on the call", 2.0, False, 0.55),
    ],
    visits=24,
    visits_per_period=6,
    ratings=RATINGS,
    themes=(PENSION,),
    contacts=CONTACTS,
    components=True,  # the four components: managers see a written policy staff do not (cxlib.demo_components)
)
