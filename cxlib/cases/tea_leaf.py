"""Tea Leaf: a two-year-old online tea shop in its Infancy stage (data/cases/tea_leaf)."""

from __future__ import annotations

from datetime import date

from cxlib.cases import Profile, Rating, Theme

COMMENTS = {
    "delay_not_announced": [("en", "The parcel came a week late and nobody told me."),
                            ("en", "No tracking number, I had to email twice to ask where my order was.")],
    "promise_broken": [("en", "Promised next-day dispatch, it took five days.")],
    "price": [("en", "Shipping costs more than the tea.")],
    "quality": [("en", "The tin arrived dented."), ("en", "The tea was stale.")],
    "not_resolved": [("en", "Asked for a refund, still waiting.")],
    "praise": [("en", "Lovely tea, and the founder wrote me a note!"), ("en", "Answered my question within minutes."),
               ("en", "Best oolong I have had.")],
    "other": [("en", "Would like more green teas.")],
}

# Customers write about the teas themselves, unprompted: mostly promoters asking for more of what they love. The
# client's own topic tea_range (client.toml) reads them, and "tea" is no longer counted as food and drink.
TEA_RANGE = Theme("tea_range", {"promoter": 0.12, "passive": 0.10, "detractor": 0.03}, tuple(("en", text) for text in (
    "Would love more green teas.",
    "Please stock a decaf black tea.",
    "The new white tea is wonderful.",
    "Your oolong selection is the best.",
    "Bring back the smoky lapsang.",
    "More herbal blends please.",
    "A wider range of Japanese teas would be great.",
    "Loved the seasonal chai blend.",
    "Great choice of Darjeeling teas.",
    "Could you add a rooibos?",
)))

# Attribute ratings, 1-5. Delivery (on time, tracked, delays announced) moves NPS most: the planted top driver, as
# the journey's pain point. Support is rated mostly by those who used the chat.
RATINGS = (
    Rating("website", mean=4.1, slope=0.30, noise=0.75),
    Rating("support", mean=4.3, slope=0.30, noise=0.70, shifts={"not_resolved": -1.3},
           not_rated={"chat": 0.03, "*": 0.55}),
    Rating("checkout", mean=4.0, slope=0.25, noise=0.80, shifts={"price": -0.8}),
    Rating("delivery", mean=3.3, slope=0.75, noise=0.70, shifts={"delay_not_announced": -1.2, "promise_broken": -1.0}),
    Rating("tea", mean=4.5, slope=0.35, noise=0.65, shifts={"quality": -1.5}),
)

CLIENT_TOML = """\
# Tea Leaf: a case of the kit's library (synthetic; see README.md here).
name = "Tea Leaf"
language = "en"
currency = "EUR"

[periods]
frequency = "quarter"

[scales.ces]               # "Tea Leaf made ordering easy", 1..7
min = 1
max = 7
higher_is = "easier"

[targets]
nps = 50
csi = 4.2
csat = 80
mystery_shopping_score = 85

[topics.food]              # tea is what Tea Leaf sells, not a drink served: its own topic below
not_words_en = ["tea", "teas", "oolong"]
not_words_ru = ["чай", "чая", "чаю"]

[topics.tea_range]
stage = "evaluation"
name_en = "Tea range"
name_ru = "Ассортимент чая"
words_en = ["tea", "teas", "oolong*", "lapsang", "chai", "herbal", "blend", "blends", "range", "selection", "decaf",
            "darjeeling", "rooibos", "matcha", "sencha"]
words_ru = ["чай", "чая", "чаю", "чаи", "улун*", "ассортимент*"]

[ratings]                  # the survey's rating_ columns: each attribute rated 1..5
scale = { min = 1, max = 5 }

[ratings.website]
touchpoint = "product pages"
stage = "evaluation"
name_en = "Finding my tea on the website"
name_ru = "Выбор чая на сайте"

[ratings.support]
touchpoint = "support chat"
stage = "evaluation"
name_en = "Help in the chat"
name_ru = "Помощь в чате"

[ratings.checkout]
touchpoint = "checkout"
stage = "purchase"
name_en = "Paying for the order"
name_ru = "Оплата заказа"

[ratings.delivery]
touchpoint = "delivery"
stage = "experience"
name_en = "Delivery on time, and news of it"
name_ru = "Доставка в срок и вести о ней"

[ratings.tea]
touchpoint = "unpacking"
stage = "experience"
name_en = "The tea itself"
name_ru = "Сам чай"
"""

PROFILE = Profile(
    key="tea_leaf",
    folder="cases/tea_leaf",
    seed=20250202,
    client_toml=CLIENT_TOML,
    period_starts=[date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1), date(2026, 1, 1)],
    period_labels=["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"],
    responses_per_period=150,
    channels={"website": 0.60, "email": 0.25, "chat": 0.15},
    segments={"retail": 0.9, "wholesale": 0.1},
    customers={"retail": 500, "wholesale": 40},
    # small and loved, with nothing changing: a lesson in how little 150 answers can tell
    nps_mix={"website": (0.58, 0.25, 0.17), "email": (0.60, 0.24, 0.16), "chat": (0.66, 0.22, 0.12)},
    detractor_reasons={"delay_not_announced": 0.40, "promise_broken": 0.20, "price": 0.15, "quality": 0.15,
                       "not_resolved": 0.10},
    passive_reasons={"": 0.50, "price": 0.25, "delay_not_announced": 0.15, "other": 0.10},
    promoter_reasons={"": 0.40, "praise": 0.55, "other": 0.05},
    reason_touchpoint={"delay_not_announced": ("experience", "delivery"), "promise_broken": ("experience", "delivery"),
                       "price": ("evaluation", "product pages"), "quality": ("experience", "unpacking"),
                       "not_resolved": ("experience", "support chat")},
    comments=COMMENTS,
    csi_by_group={"promoter": [0.0, 0.01, 0.03, 0.26, 0.70], "passive": [0.02, 0.05, 0.28, 0.50, 0.15],
                  "detractor": [0.14, 0.28, 0.36, 0.18, 0.04]},
    ces_by_group={"promoter": [0.0, 0.0, 0.02, 0.06, 0.17, 0.35, 0.40],
                  "passive": [0.01, 0.03, 0.08, 0.20, 0.33, 0.23, 0.12],
                  "detractor": [0.06, 0.12, 0.20, 0.24, 0.20, 0.12, 0.06]},
    follow_up=(0.92, 45.0, 0.8),  # the founder answers every low score herself, fast
    purchases_lambda={"retail": 1.2, "wholesale": 6.0},
    check_size={"retail": 38.0, "wholesale": 310.0},
    churn=(0.35, 0.45, 0.30, 0.15),
    scorecard=[
        ("financial", "conversion", "%", "higher", 3.0, 2.5, [2.2, 2.1, 2.3, 2.0]),
        ("financial", "average_check", "EUR", "higher", 35, 30, [39.0, 41.0, 40.5, 42.0]),
        ("financial", "repeat_purchase_rate", "%", "higher", 40, 35, [42.0, 44.0, 43.0, 45.0]),
        ("financial", "acquisition_cost", "EUR", "lower", 12, 15, [14.0, 15.5, 16.0, 17.5]),
        ("customer", "self_assessed_superior_service", "%", "higher", "", "", [100.0, 100.0, 100.0, 100.0]),
        ("operational", "response_time", "h", "lower", 4, 8, [1.0, 1.2, 0.9, 1.1]),
        ("operational", "sla_compliance", "%", "higher", 95, 90, [88.0, 84.0, 79.0, 76.0]),
        ("learning_growth", "training_hours", "h", "higher", 8, 6, [0.0, 0.0, 1.0, 0.0]),
    ],
    scorecard_n={"self_assessed_superior_service": "3"},
    stage_profile={"courtship": 2.6, "infancy": 4.4, "gogo": 3.0, "adolescence": 1.8, "prime": 1.9,
                   "stability": 1.5, "aristocracy": 1.2, "recrimination": 1.3, "bureaucracy": 1.2, "death": 1.2},
    axis_profile={"flexibility": 4.5, "control": 1.6},
    role_shift={"owner": {"prime": 1.2, "infancy": -0.5}, "manager": {}, "staff": {"infancy": 0.2}},
    respondents=[("owner", 1), ("manager", 1), ("staff", 3)],
    journey=[
        ("awareness", "social media", "social", 9000, 0.40, 0.93, 0.03, 0, 3.8, 4.0, 0, 0, 0, 0, 2),
        ("awareness", "search and ads", "website", 6000, 0.35, 0.92, 0.04, 0, 3.6, 3.7, 0, 0, 0, 0, 3),
        ("evaluation", "product pages", "website", 5700, 0.38, 0.90, 0.08, 1, 4.0, 3.9, 0, 0, 0, 0, 2),
        ("evaluation", "support chat", "chat", 900, 0.55, 0.90, 0.05, 2, 3.8, 4.4, 0.30, 0.95, 0, 0, 1),
        ("purchase", "checkout", "website", 2660, 0.80, 0.84, 0.10, 2, 4.0, 4.0, 0, 0, 0, 0, 2),
        ("experience", "delivery", "courier", 2128, 0.97, 0.56, 0.28, 22, 4.3, 2.8, 1.00, 0.62, 0.30, 0.15, 2),
        ("experience", "unpacking", "courier", 2064, 0.95, 0.86, 0.04, 6, 4.2, 4.3, 0, 0, 0, 0, 3),
        ("loyalty", "reorder email", "email", 1960, 0.45, 0.80, 0.05, 1, 3.5, 3.6, 0, 0, 0, 0, 1),
    ],
    checklist=[
        ("support chat", "reply within 10 minutes", 2.0, False, 0.85),
        ("support chat", "question answered correctly", 2.0, True, 0.95),
        ("checkout", "delivery date shown before payment", 1.0, False, 0.60),
        ("delivery", "tracking number sent", 2.0, False, 0.30),
        ("delivery", "told of the delay before the promised date", 2.0, False, 0.20),
        ("unpacking", "packaging intact", 1.0, False, 0.90),
        ("unpacking", "order matches the invoice", 3.0, True, 0.97),
    ],
    visits=12,
    visits_per_period=3,
    not_applicable={"told of the delay": 0.5},
    ratings=RATINGS,
    themes=(TEA_RANGE,),
)
