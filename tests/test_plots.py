"""Charts read at a glance: no overlapping texts, legends off the data, every word in the client's language.

Each chart is drawn on the demo (English), on the Russian case ``volga_bank``, and on adversarial tables
(twelve touchpoints with nearly equal values, 60-character labels, one point, no rows) in both languages.
The texts are measured after rendering with ``Text.get_window_extent``; a slanted tick label is checked
as the rotated rectangle it is, not as its (larger) upright bounding box.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from collections.abc import Callable
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.collections import PathCollection
from matplotlib.text import Text

import cxlib
from cxlib import journey, lifecycle, plots, scorecard

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = {"demo": ROOT / "data" / "demo", "volga_bank": ROOT / "data" / "cases" / "volga_bank"}
CHARTS = ["intervals", "composition", "loyalty_matrix", "lifecycle_curve", "scorecard_heatmap", "funnel",
          "journey_map", "priority_matrix"]
ACRONYMS = {"NPS", "CSAT", "CSI", "CES"}
PYTHONISH = re.compile(r"\b(nan|NaN|None|True|False|NA)\b|<NA>|[{}\[\]]|\d[eE][+-]?\d|\w\(")


# --------------------------------------------------------------------------- geometry (independent of cxlib.plots)

def rectangle(text: Text, renderer) -> np.ndarray:
    """The four corners, in pixels, of the rectangle a text covers, rotated as the text is.

    ``get_window_extent`` gives the upright box around the rotated text; its centre is the rectangle's centre,
    and its width W and height H give the text's own w and h: W = w|cos| + h|sin|, H = w|sin| + h|cos|.
    """
    box = text.get_window_extent(renderer)
    angle = math.radians(text.get_rotation())
    c, s = abs(math.cos(angle)), abs(math.sin(angle))
    if abs(c - s) < 1e-3:  # at 45° the system is singular; the upright box is then a safe stand-in
        w, h, angle = box.width, box.height, 0.0
    else:
        w = max((box.width * c - box.height * s) / (c * c - s * s), 0.0)
        h = max((box.height * c - box.width * s) / (c * c - s * s), 0.0)
    centre = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])
    turn = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    corners = np.array([[-w, -h], [w, -h], [w, h], [-w, h]]) / 2
    return centre + corners @ turn.T


def overlap(a: np.ndarray, b: np.ndarray, slack: float = 0.5) -> bool:
    """Whether two convex polygons overlap by more than ``slack`` pixels (separating-axis test)."""
    for polygon in (a, b):
        for p, q in zip(polygon, np.roll(polygon, -1, axis=0)):
            normal = np.array([q[1] - p[1], p[0] - q[0]])
            if not normal.any():
                continue
            normal = normal / np.linalg.norm(normal)
            pa, pb = a @ normal, b @ normal
            if pa.max() - slack <= pb.min() or pb.max() - slack <= pa.min():
                return False
    return True


def box_polygon(box) -> np.ndarray:
    return np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1], [box.x0, box.y1]])


def shown_texts(fig) -> list[Text]:
    """Every text the figure draws: titles, axis labels, tick labels in view, texts, annotations, legends."""
    texts = []
    for ax in fig.axes:
        texts += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis._update_ticks():  # the ticks drawn: those inside the view
                texts += [tick.label1, tick.label2]
        legend = ax.get_legend()
        if legend is not None:
            texts += [*legend.get_texts(), legend.get_title()]
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def check_layout(ax) -> list[str]:
    """The texts a reader sees, after checking that none overlaps another and the legend is off the data."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = shown_texts(fig)
    shapes = [rectangle(t, renderer) for t in texts]
    for (i, a), (j, b) in itertools.combinations(enumerate(shapes), 2):
        assert not overlap(a, b), f"{texts[i].get_text()!r} overlaps {texts[j].get_text()!r}"
    legend = ax.get_legend()
    if legend is not None:
        frame = legend.get_window_extent(renderer)
        assert not frame.overlaps(ax.bbox), "the legend covers the plotting area"
        inside = set(map(id, [*legend.get_texts(), legend.get_title()]))
        for text, shape in zip(texts, shapes):
            if id(text) not in inside:
                assert not overlap(box_polygon(frame), shape), f"the legend covers {text.get_text()!r}"
    for collection in ax.collections:  # labels beside scatter markers keep off every marker
        if isinstance(collection, PathCollection) and len(collection.get_offsets()):
            sizes = np.broadcast_to(collection.get_sizes(), (len(collection.get_offsets()),))
            centres = ax.transData.transform(collection.get_offsets())
            for (x, y), size in zip(centres, sizes):
                r = math.sqrt(size) / 2 * fig.dpi / 72 * 0.8
                marker = box_polygon(matplotlib.transforms.Bbox.from_extents(x - r, y - r, x + r, y + r))
                for text in ax.texts:
                    assert not overlap(marker, rectangle(text, renderer), slack=1.0), \
                        f"{text.get_text()!r} covers a marker"
    return [t.get_text() for t in texts]


def check_words(texts: list[str], language: str, allowed: set[str] = frozenset()) -> None:
    """No code, column name or Python value; in Russian every word Cyrillic but acronyms and proper names."""
    for text in texts:
        assert "_" not in text, f"code or column name shown: {text!r}"
        assert not PYTHONISH.search(text), f"Python-ish text shown: {text!r}"
        if language == "ru":
            for word in re.findall(r"[^\W\d_]+", text):
                assert re.fullmatch(r"[\u0400-\u04FF]+", word) or word in ACRONYMS | set(allowed), \
                    f"not Russian: {word!r} in {text!r}"


def check(ax, language: str, allowed: set[str] = frozenset()) -> list[str]:
    texts = check_layout(ax)
    check_words(texts, language, allowed)
    plt.close(ax.figure)
    return texts


# --------------------------------------------------------------------------- the charts on the clients' data

@pytest.fixture(scope="module")
def drawn() -> dict[str, dict[str, Callable]]:
    """For each client, each chart as a function drawing it the way the notebooks and chapters do."""
    return {name: charts_of(cxlib.load_client(path)) for name, path in CLIENTS.items()}


def charts_of(client) -> dict[str, Callable]:
    lang, label, scales = client.language, client.label, client.config["scales"]
    answers, headline = client.answers, client.metrics[0]
    by_period = cxlib.summarize(answers, by="period", metrics=[headline], scales=scales)
    by_channel = cxlib.summarize(answers, by=["period", "channel"], metrics=[headline], scales=scales)
    latest = answers[answers["period"] == client.periods[-1]]
    loyalty = cxlib.loyalty_matrix(client.survey, client.customers)
    stage = lifecycle.diagnose(client.lifecycle, client.config, language=lang)
    card = scorecard.assess(client.scorecard, answers, client.customers, client.config,
                            mystery_shopping=client.mystery_shopping, language=lang)
    stages = journey.funnel(client.journey, language=lang)
    measured = journey.touchpoints(client.journey, language=lang)
    ranked = journey.priorities(measured, journey.survey_links(client.survey, language=lang))
    return {
        "intervals": lambda: plots.intervals(by_period, x="period", language=lang),
        "intervals_by_channel": lambda: plots.intervals(by_channel, x="period", hue="channel", language=lang,
                                                        label=label),
        "composition": lambda: plots.composition(cxlib.nps_composition(latest, by="channel"), by="channel",
                                                 language=lang, title=client.periods[-1], label=label),
        "loyalty_matrix": lambda: plots.loyalty_matrix(loyalty, language=lang),
        "lifecycle_curve": lambda: plots.lifecycle_curve(stage),
        "scorecard_heatmap": lambda: plots.scorecard_heatmap(card.table, language=lang),
        "funnel": lambda: plots.funnel(stages, language=lang),
        "journey_map": lambda: plots.journey_map(measured, ranked, language=lang, label=label),
        "priority_matrix": lambda: plots.priority_matrix(ranked, language=lang, label=label),
    }


def own_acronyms(client_name: str) -> set[str]:
    """The client's own Latin acronyms (its scorecard's metric names, e.g. SLA, eNPS): proper names of its own."""
    client = cxlib.load_client(CLIENTS[client_name])
    names = " ".join(client.scorecard.get("name", pd.Series(dtype=str)).astype(str))
    card = scorecard.assess(client.scorecard, client.answers, client.customers, client.config,
                            mystery_shopping=client.mystery_shopping, language=client.language)
    names += " " + " ".join(card.table["name"].astype(str))
    return set(re.findall(r"\b[a-z]?[A-Z]{2,}\b", names))


@pytest.mark.parametrize("client_name", list(CLIENTS))
@pytest.mark.parametrize("chart", CHARTS + ["intervals_by_channel"])
def test_chart_on_client_data(drawn, client_name, chart):
    language = "ru" if client_name == "volga_bank" else "en"
    allowed = own_acronyms(client_name) if chart == "scorecard_heatmap" else set()
    texts = check(drawn[client_name][chart](), language, allowed)
    assert texts, "the chart shows no text at all"


def test_client_codes_read_as_words(drawn):
    texts = check(drawn["volga_bank"]["intervals_by_channel"](), "ru")
    assert {"отделение", "колл-центр", "мобильное приложение"} <= set(texts)
    assert "канал" in texts  # the legend's title, not the column name
    texts = check(drawn["demo"]["composition"](), "en")
    assert "walk-in" in texts and "Q4\xa02025" in texts  # a no-break space inside a period


def test_lifecycle_curve_takes_a_language(drawn):
    client = cxlib.load_client(CLIENTS["demo"])
    stage = lifecycle.diagnose(client.lifecycle, client.config, language="en")
    texts = check(plots.lifecycle_curve(stage, language="ru"), "ru")
    assert "Давай-давай" in texts


def test_existing_calls_still_work():
    """The chapters' and notebooks' calls: positional table, no label, a caller's own axes and title."""
    fig, ax = plt.subplots(figsize=(6, 3))
    table = pd.DataFrame({"period": ["2025-Q1", "2025-Q2"], "metric": "nps", "value": [10.0, 20.0],
                          "low": [0.0, 10.0], "high": [20.0, 30.0], "n": [100, 120], "level": 0.95,
                          "unit": "points"})
    assert plots.intervals(table, "period", None, language="en", ax=ax, title="NPS") is ax
    assert ax.get_title() == "NPS"
    plt.close(fig)


def test_a_dollar_in_a_label_is_not_mathematics():
    table = composition_table(["$5 plan", "$10 plan"])
    ax = plots.composition(table, by="group", language="en", label=str)
    ax.figure.canvas.draw()
    assert all(not t._parse_math for t in ax.get_yticklabels())
    plt.close(ax.figure)


# --------------------------------------------------------------------------- adversarial tables

LONG = {"en": "a touchpoint whose name runs on and on for sixty characters",  # cut to 57, then " 00"
        "ru": "точка контакта с очень длинным названием в шестьдесят знаков"}
CASES = ["crowded", "long", "one", "empty"]


def names(case: str, language: str, count: int) -> list[str]:
    base = {"en": "touchpoint", "ru": "точка"}[language]
    if case == "long":
        return [f"{LONG[language][:57]} {k:02d}" for k in range(count)]
    return [f"{base} {k + 1}" for k in range(count)]


def rows_for(case: str) -> int:
    return {"crowded": 12, "long": 4, "one": 1, "empty": 0}[case]


def interval_table(case: str, language: str) -> pd.DataFrame:
    count = rows_for(case)
    groups = names(case, language, count)
    hues = names(case, language, 3 if case != "one" else 1)
    rows = [{"group": g, "hue": h, "metric": "csat", "value": 50 + 0.1 * k, "low": 45.0, "high": 55.0, "n": 100,
             "level": 0.95, "unit": "%"} for k, (g, h) in enumerate(itertools.product(groups, hues))]
    return pd.DataFrame(rows, columns=["group", "hue", "metric", "value", "low", "high", "n", "level", "unit"])


def composition_table(groups: list[str]) -> pd.DataFrame:
    count = len(groups)
    frame = pd.DataFrame({"group": groups, "detractor": np.linspace(1, 3, count), "passive": np.linspace(2, 4, count)},
                         columns=["group", "detractor", "passive"])
    frame["promoter"] = 100 - frame["detractor"] - frame["passive"]
    frame["nps"] = frame["promoter"] - frame["detractor"]
    frame["n"] = 40
    return frame


def loyalty_table(case: str, language: str) -> pd.DataFrame:
    if case == "empty":
        return pd.DataFrame(columns=["behaviour", "attitude", "segment", "customers", "share", "revenue_share"])
    keys = list(cxlib.loyalty.LOYALTY_SEGMENTS.items())
    share = {"crowded": [16.6, 16.7, 16.6, 16.7, 16.7, 16.7], "long": [20, 20, 20, 20, 10, 10],
             "one": [100, 0, 0, 0, 0, 0]}[case]
    segments = [s for _, s in keys] if case != "long" else names("long", language, 6)
    return pd.DataFrame([{"behaviour": b, "attitude": a, "segment": s, "customers": int(v), "share": v,
                          "revenue_share": v} for ((b, a), _), s, v in zip(keys, segments, share)])


def lifecycle_result(case: str):
    client = cxlib.load_client(CLIENTS["demo"])
    result = lifecycle.diagnose(client.lifecycle, client.config, language="en")
    scores = result.scores.copy()
    if case == "crowded":
        scores["score"] = 50 + 0.1 * np.arange(len(scores))
        return dataclasses.replace(result, scores=scores, verdict="ambiguous")
    if case == "one":
        scores["score"] = [80.0] + [np.nan] * (len(scores) - 1)
        return dataclasses.replace(result, scores=scores, verdict="stage", stage=scores.index[0])
    if case == "empty":
        scores["score"] = np.nan
        return dataclasses.replace(result, scores=scores, verdict="insufficient", stage="", runner_up="")
    return result


def scorecard_table(case: str, language: str) -> pd.DataFrame:
    count = rows_for(case)
    metric_names = names(case, language, count)
    periods = [f"{2014 + k // 4}-Q{k % 4 + 1}" for k in range(12 if case == "crowded" else 2)]
    levels = ["financial", "customer", "operational", "learning_growth"]
    statuses = list(plots.STATUS_COLOURS)
    rows = [{"level": levels[i % 4], "metric": f"m{i}", "name": name, "period": p, "value": 123456.7 + j,
             "status": statuses[(i + j) % 4]} for i, name in enumerate(metric_names) for j, p in enumerate(periods)]
    return pd.DataFrame(rows, columns=["level", "metric", "name", "period", "value", "status"])


def funnel_table(case: str, language: str) -> pd.DataFrame:
    count = min(rows_for(case), 5)
    stage_names = names(case, language, count)
    return pd.DataFrame({"name": stage_names, "reached": 1000, "counted": 1000,
                         "conversion": 50 + 0.1 * np.arange(count), "low": 49.0, "high": 51.5,
                         "biggest_drop": [k == 0 for k in range(count)]},
                        columns=["name", "reached", "counted", "conversion", "low", "high", "biggest_drop"])


def journey_tables(case: str, language: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    count = rows_for(case)
    stage_keys = list(journey.stage_names().index)
    codes = [f"tp_{k}" for k in range(count)]
    measured = pd.DataFrame({"stage": [stage_keys[k * len(stage_keys) // max(count, 1)] for k in range(count)],
                             "touchpoint": codes, "name": names(case, language, count),
                             "satisfied": 60 + 0.2 * np.arange(count), "satisfied_low": 55.0,
                             "satisfied_high": 65.0}, columns=["stage", "touchpoint", "name", "satisfied",
                                                               "satisfied_low", "satisfied_high"])
    ranked = measured[["stage", "touchpoint", "name"]].assign(rank=np.arange(1, count + 1),
                                                                priority=40 - 0.1 * np.arange(count), fix_effort=3)
    return measured, ranked


def adversarial(chart: str, case: str, language: str) -> Callable:
    words = dict(zip([f"tp_{k}" for k in range(12)], names(case, language, 12)))
    label = words.get  # the client's own words for its codes
    if chart == "intervals":
        table = interval_table(case, language)
        return lambda: plots.intervals(table, x="group", hue="hue", language=language, label=str)
    if chart == "composition":
        table = composition_table(names(case, language, rows_for(case)))
        return lambda: plots.composition(table, by="group", language=language, label=str)
    if chart == "loyalty_matrix":
        return lambda: plots.loyalty_matrix(loyalty_table(case, language), language=language)
    if chart == "lifecycle_curve":
        return lambda: plots.lifecycle_curve(lifecycle_result(case), language=language)
    if chart == "scorecard_heatmap":
        return lambda: plots.scorecard_heatmap(scorecard_table(case, language), language=language)
    if chart == "funnel":
        return lambda: plots.funnel(funnel_table(case, language), language=language)
    measured, ranked = journey_tables(case, language)
    if chart == "journey_map":
        return lambda: plots.journey_map(measured, ranked, top=12, language=language, label=label)
    return lambda: plots.priority_matrix(ranked, language=language, label=label)


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("chart", CHARTS)
def test_chart_on_adversarial_data(chart, case, language):
    if chart == "lifecycle_curve" and case == "long":
        pytest.skip("the stage names are the kit's own")
    check(adversarial(chart, case, language)(), language)


def test_a_crowded_matrix_names_every_point():
    """Twelve touchpoints of equal effort and nearly equal priority: each is named beside its point or numbered."""
    _, ranked = journey_tables("crowded", "en")
    ax = plots.priority_matrix(ranked, language="en", label=dict(zip(ranked["touchpoint"], ranked["name"])).get)
    texts = check(ax, "en")
    joined = "\n".join(texts).replace("\n", " ")
    for name in ranked["name"]:
        assert re.search(rf"{name}\b", joined), f"{name} is named nowhere"


def test_unknowns_still_say_so():
    _, ranked = journey_tables("one", "en")
    ax = plots.priority_matrix(ranked.assign(fix_effort=np.nan), language="en")
    assert any("effort to fix unknown" in t.get_text() for t in ax.texts)
    plt.close(ax.figure)
    table = funnel_table("one", "ru").assign(conversion=np.nan)
    ax = plots.funnel(table, language="ru")
    assert any(t.get_text() == "неизвестно" for t in ax.texts)
    check(ax, "ru")
