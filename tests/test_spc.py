"""Control charts (cxlib.spc, cxlib.plots.control_chart, cxlib.chapters.control).

The limits and signals are checked to 1e-9 against an implementation written
here, in plain Python, straight from the formulas (Laney 2002; Anhøj & Olesen
2014), on survey rows with a planted shift, a planted trend and a single
outlier; Anhøj's limits against the paper's Table 1; the false-signal rate on
stable series is measured and must be what the docstring and docs/spc.md say;
the sections are built on the demo (English) and the Volga bank (Russian).
"""

from __future__ import annotations

import math
import re
import tomllib
from functools import cache
from itertools import pairwise
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import cxlib
from cxlib import claims, plots, spc
from cxlib.chapters import Figure, Paragraph, Section
from cxlib.chapters.control import control_sections

matplotlib.use("Agg")

KIT_ROOT = Path(__file__).resolve().parents[1]
SETTINGS = tomllib.loads((KIT_ROOT / "cxlib" / "catalog" / "spc.toml").read_text(encoding="utf-8"))["settings"]
MONTHS = [f"{year}-{month:02d}" for year in (2024, 2025) for month in range(1, 13)]
ACRONYMS = {"NPS", "CSAT", "CSI", "CES"}
CODE_WORDS = re.compile(r"\b(nan|NaN|None|True|False|NA|null|inf)\b|\d[eE][+-]?\d|\w+_\w+|\d{4}-Q\d|\d{4}-\d{2}\b"
                        r"|cxlib")

# Anhøj & Olesen (2014), Table 1: for m useful observations, a longest run above the first number or fewer
# crossings than the second is a signal. m = 10: a run of 7 or more, or 0 or 1 crossings.
PUBLISHED = {10: (6, 2), 11: (6, 2), 12: (7, 3), 13: (7, 3), 14: (7, 4), 15: (7, 4), 16: (7, 4), 17: (7, 5),
             18: (7, 5), 19: (7, 6), 20: (7, 6), 21: (7, 6), 22: (7, 7), 23: (8, 7), 24: (8, 8), 25: (8, 8),
             26: (8, 8), 27: (8, 9), 28: (8, 9), 29: (8, 10), 30: (8, 10)}


# --------------------------------------------------------------------------- the formulas, written out again


def fewest_crossings(m: int) -> int:
    """The 5% quantile of Binomial(m − 1, ½), from exact binomial sums: the smallest k with P(X ≤ k) ≥ 0.05."""
    total, k = 0, 0
    while True:
        total += math.comb(m - 1, k)
        if total / 2 ** (m - 1) >= SETTINGS["crossings_quantile"]:
            return k
        k += 1


def reference(counts: list[list[int]], metric: str) -> dict[str, list]:
    """Laney's p′ chart (CSAT, NPS) and Anhøj's rules, one period at a time, from the formulas."""
    n = [sum(c) for c in counts]
    total = sum(n)
    if metric == "csat":
        value = [100 * c[1] / k if k else math.nan for c, k in zip(counts, n)]
        share = sum(c[1] for c in counts) / total
        centre, sd, low, high = 100 * share, 100 * math.sqrt(share * (1 - share)), 0.0, 100.0
    else:
        promoters, detractors = [sum(c[9:]) for c in counts], [sum(c[:7]) for c in counts]
        value = [100 * (p - d) / k if k else math.nan for p, d, k in zip(promoters, detractors, n)]
        p, d = sum(promoters) / total, sum(detractors) / total
        centre, sd, low, high = 100 * (p - d), 100 * math.sqrt(p + d - (p - d) ** 2), -100.0, 100.0
    enough = [k >= SETTINGS["min_answers"] for k in n]
    se = [sd / math.sqrt(k) if ok else None for k, ok in zip(n, enough)]
    z = [(v - centre) / s if s else None for v, s in zip(value, se)]
    ranges = [abs(b - a) for a, b in pairwise(z) if a is not None and b is not None]
    sigma_z = sum(ranges) / len(ranges) / SETTINGS["d2"]
    lower = [max(low, centre - SETTINGS["sigma"] * s * sigma_z) if s else None for s in se]
    upper = [min(high, centre + SETTINGS["sigma"] * s * sigma_z) if s else None for s in se]
    judged = enough if sum(enough) >= SETTINGS["min_points"] else [False] * len(n)
    beyond = [ok and (v > u or v < lo) for ok, v, lo, u in zip(judged, value, lower, upper)]
    sides = [1 if v > centre else -1 for ok, v in zip(judged, value) if ok and v != centre]
    longest = run = 1
    for a, b in pairwise(sides):
        run = run + 1 if a == b else 1
        longest = max(longest, run)
    crossings = sum(a != b for a, b in pairwise(sides))
    m = len(sides)
    run_signal = m >= SETTINGS["min_points"] and longest > round(math.log2(m) + SETTINGS["run_excess"])
    crossings_signal = m >= SETTINGS["min_points"] and crossings < fewest_crossings(m)
    rule = [", ".join(name for name, on in (("beyond limits", b), ("run", run_signal), ("crossings", crossings_signal))
                      if on and ok) for b, ok in zip(beyond, judged)]
    return {"value": value, "centre": centre, "lower": lower, "upper": upper, "z": z, "sigma_z": sigma_z,
            "rule": rule, "longest": longest, "crossings": crossings, "useful": m}


# --------------------------------------------------------------------------- synthetic surveys


def csat_counts(shares: list[float], sizes: list[int], seed: int) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    satisfied = [int(rng.binomial(k, p)) for k, p in zip(sizes, shares)]
    return [[k - s, s] for k, s in zip(sizes, satisfied)]


def nps_counts(promoters: list[float], detractor: float, sizes: list[int], seed: int) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    counts = []
    for k, p in zip(sizes, promoters):
        drawn = rng.multinomial(k, [p, 1 - p - detractor, detractor])
        counts.append([int(drawn[2])] + [0] * 6 + [int(drawn[1])] + [0] * 2 + [int(drawn[0])])
    return counts


def as_rows(counts: list[list[int]], metric: str) -> pd.DataFrame:
    """One survey row per answer, dated within its month (the days spread so that grouping by month is tested)."""
    scores = {"csat": [0, 1], "nps": list(range(11))}[metric]
    rows = [(pd.Timestamp(f"{month}-01") + pd.Timedelta(days=i % 28), score)
            for month, cell in zip(MONTHS, counts) for score, k in zip(scores, cell) for i in range(k)]
    frame = pd.DataFrame(rows, columns=["date", metric])
    frame[metric] = frame[metric].astype("Int64")
    return frame.sample(frac=1.0, random_state=1).reset_index(drop=True)  # file order is not time order


def sizes(seed: int) -> list[int]:
    return [int(k) for k in np.random.default_rng(seed).integers(120, 260, len(MONTHS))]


@cache
def planted() -> dict[str, tuple[str, list[list[int]]]]:
    """The three planted special causes, 24 months each, fixed seeds."""
    shift = csat_counts([0.68] * 12 + [0.80] * 12, sizes(11), seed=12)
    trend = nps_counts(list(np.linspace(0.30, 0.60, 24)), 0.20, sizes(21), seed=22)
    outlier_sizes = sizes(31)
    outlier_sizes[4], outlier_sizes[14] = 12, 0  # a month too small to judge, and a month with no answers
    outlier = csat_counts([0.72] * 9 + [0.45] + [0.72] * 14, outlier_sizes, seed=32)
    return {"shift": ("csat", shift), "trend": ("nps", trend), "outlier": ("csat", outlier)}


def close(a: list, b: pd.Series) -> bool:
    a = np.array([math.nan if x is None else x for x in a], dtype=float)
    return bool(np.allclose(a, b.to_numpy(dtype=float), rtol=0, atol=1e-9, equal_nan=True))


@pytest.mark.parametrize("case", ["shift", "trend", "outlier"])
def test_limits_and_signals_match_the_formulas(case):
    metric, counts = planted()[case]
    chart = spc.control_chart(as_rows(counts, metric), metric, "month")
    expected = reference(counts, metric)
    assert chart["period"].tolist() == MONTHS and chart["n"].tolist() == [sum(c) for c in counts]
    for column in ("value", "lower", "upper", "z"):
        assert close(expected[column], chart[column]), column
    assert abs(chart["centre"].iloc[0] - expected["centre"]) < 1e-9
    assert abs(chart.attrs["sigma_z"] - expected["sigma_z"]) < 1e-9
    assert chart["rule"].tolist() == expected["rule"]
    assert chart["signal"].tolist() == [bool(rule) for rule in expected["rule"]]
    assert (chart.attrs["longest_run"], chart.attrs["crossings"], chart.attrs["useful"]) == \
        (expected["longest"], expected["crossings"], expected["useful"])


def test_the_planted_special_causes_are_found():
    shift = spc.chart_from_counts(planted()["shift"][1], "csat", MONTHS)
    assert shift.attrs["run_signal"] and shift["rule"].str.contains("run").all()
    trend = spc.chart_from_counts(planted()["trend"][1], "nps", MONTHS)
    assert trend.attrs["run_signal"] or trend.attrs["crossings_signal"]
    outlier = spc.chart_from_counts(planted()["outlier"][1], "csat", MONTHS)
    beyond = outlier[outlier["rule"].str.contains("beyond limits")]
    assert beyond["period"].tolist() == ["2024-10"] and beyond["value"].iloc[0] < beyond["lower"].iloc[0]
    # the small month and the empty one are shown, not judged
    assert outlier.loc[[4, 14], "judged"].tolist() == [False, False] and outlier["n"].iloc[14] == 0
    assert outlier.loc[[4, 14], ["lower", "upper", "z"]].isna().all().all() and outlier.attrs["small"] == 1


def test_anhoej_limits_are_the_published_table():
    for m, (longest, fewest) in PUBLISHED.items():
        assert spc.anhoej_limits(m) == (longest, fewest), m
        assert (round(math.log2(m) + 3), fewest_crossings(m)) == (longest, fewest), m


# --------------------------------------------------------------------------- too little to judge, claims, chart


def test_too_few_periods_is_said_and_never_signals():
    counts = [[30, 170], [100, 100], [31, 169], [29, 171]]  # month 2 would be far outside any limits
    chart = spc.chart_from_counts(counts, "csat", MONTHS[:4], language="ru")
    assert not chart["signal"].any() and (chart["rule"] == "").all() and not chart.attrs["judged"]
    assert chart.attrs["reason"] == "too_few_periods" and chart.attrs["note"].startswith("Периодов")
    english = spc.explain(chart, "en")
    assert english.count(".") == 1 and "8" in english and "4" in english
    assert spc.signals_as_claims(chart).empty


def test_no_variation_is_said():
    chart = spc.chart_from_counts([[0, 100]] * 12, "csat", MONTHS[:12])
    assert chart.attrs["reason"] == "no_variation" and not chart["signal"].any()
    assert "same" in spc.explain(chart) and "одинаковы" in spc.explain(chart, "ru")


def test_a_period_on_the_centre_is_not_a_useful_point():
    satisfied = [140, 150, 130, 140, 145, 135, 140, 150, 130, 140, 142, 138]  # pooled: 1680 of 2400, 70%
    chart = spc.chart_from_counts([[200 - s, s] for s in satisfied], "csat", MONTHS[:12])
    assert chart.attrs["centre"] == 70.0 and (chart["value"] == 70.0).sum() == 4
    assert chart.attrs["useful"] == 8 == reference([[200 - s, s] for s in satisfied], "csat")["useful"]


def test_counts_table_gives_the_same_chart_as_rows():
    client = cxlib.load_client(KIT_ROOT / "data" / "demo")
    rows = spc.control_chart(client.survey, "nps", "quarter")
    counts = spc.control_chart(client.counts, "nps")
    pd.testing.assert_frame_equal(rows, counts, check_exact=False, rtol=1e-12)


def test_signals_as_claims_rows_join_the_family():
    chart = spc.chart_from_counts(planted()["outlier"][1], "csat", MONTHS)
    rows = spc.signals_as_claims(chart)
    assert rows.columns.tolist() == claims.COLUMNS and len(rows) == 1
    row, point = rows.iloc[0], chart.iloc[9]
    assert row["p"] == pytest.approx(2 * (1 - stats.norm.cdf(abs(point["z"]) / chart.attrs["sigma_z"])), abs=1e-12)
    assert row["diff"] == pytest.approx(point["value"] - point["centre"]) and row["worse"]
    assert row["low"] < row["diff"] < row["high"] and row["to"] == "2024-10" and row["unit"] == "%"
    adjusted = claims.adjust(rows)
    assert adjusted["claim"].tolist() == ["C1"] and bool(adjusted["significant"].iloc[0])


def test_chart_draws_signals_and_legend_under_the_axes():
    import matplotlib.pyplot as plt

    chart = spc.chart_from_counts(planted()["outlier"][1], "csat", MONTHS)
    ax = plots.control_chart(chart, language="ru")
    fig = ax.figure
    fig.canvas.draw()
    diamonds = [line for line in ax.lines if line.get_marker() == "D" and len(line.get_xdata())]
    assert len(diamonds) == 1 and list(diamonds[0].get_xdata()) == [9]
    legend = ax.get_legend()
    assert legend is not None and legend.get_window_extent().y1 <= ax.get_window_extent().y0
    assert "10.2024" in [t.get_text() for t in ax.get_xticklabels()]
    texts = [t.get_text() for t in legend.get_texts()] + [ax.get_title()]
    assert all(re.search("[а-я]", text) for text in texts), texts
    plt.close(fig)


def test_every_text_has_english_and_russian():
    from cxlib import catalog

    def keys(table: dict, language: str) -> set[str]:
        # plural forms differ by language (English: one, other; Russian: one, few, many, other)
        return {re.sub(r"_(one|few|many|other)$", "", key[:-3]) for key in table if key.endswith(f"_{language}")}

    charts = {key: text for key, text in catalog.load("report")["charts"].items() if key.startswith("control_")}
    for table in (catalog.load("spc")["texts"], catalog.load("chapters/control")["texts"], charts):
        assert keys(table, "en") == keys(table, "ru") and keys(table, "en")


# --------------------------------------------------------------------------- false signals on stable series

SERIES, LENGTH, ANSWERS = 2000, 24, 200
STABLE = {"csat": (20250601, (0.72,)), "nps": (20250602, (0.45, 0.35, 0.20))}


def false_signals(metric: str) -> dict[str, float]:
    """Share of stable series (2,000 × 24 months, Poisson(200) answers a month) with each kind of signal."""
    seed, shares = STABLE[metric]
    rng = np.random.default_rng(seed)
    n = rng.poisson(ANSWERS, (SERIES, LENGTH))
    if metric == "csat":
        satisfied = rng.binomial(n, shares[0])
        counts = np.stack([n - satisfied, satisfied], axis=-1)
    else:
        drawn = rng.multinomial(n, shares)  # promoters, passives, detractors
        counts = np.zeros((SERIES, LENGTH, 11))
        counts[..., 10], counts[..., 7], counts[..., 0] = drawn[..., 0], drawn[..., 1], drawn[..., 2]
    found = {"any": 0, "beyond limits": 0, "run": 0, "crossings": 0}
    for series in counts:
        fired = {rule for rules in spc.chart_from_counts(series, metric)["rule"] for rule in rules.split(", ") if rule}
        found["any"] += bool(fired)
        for rule in fired:
            found[rule] += 1
    return {rule: count / SERIES for rule, count in found.items()}


@pytest.mark.parametrize("metric", ["csat", "nps"])
def test_false_signal_rate_is_measured_and_documented(metric):
    rates = false_signals(metric)
    # 24 points at 3 sigma: about 6% from the limits alone; Anhøj's rules add about 5% (their design)
    assert 0.03 < rates["beyond limits"] < 0.12 and 0.02 < rates["run"] + rates["crossings"] < 0.10
    assert rates["any"] < 0.16
    name = {"csat": "CSAT", "nps": "NPS"}[metric]
    row = (f"| {name} | {rates['any']:.1%} | {rates['beyond limits']:.1%} | {rates['run']:.1%} | "
           f"{rates['crossings']:.1%} |")
    docs = (KIT_ROOT / "docs" / "spc.md").read_text(encoding="utf-8")
    assert row in docs, f"docs/spc.md should state {row} (run bench/bench_spc.py)"
    assert f"{rates['any']:.1%}" in spc.__doc__


# --------------------------------------------------------------------------- the demo and the Volga bank


@cache
def sections(name: str) -> tuple:
    folder = KIT_ROOT / "data" / ("demo" if name == "demo" else f"cases/{name}")
    client = cxlib.load_client(folder)
    return client, control_sections(client, None)


def texts_of(built: list[Section]) -> list[str]:
    found = []
    for section in built:
        found.append(section.heading)
        for block in section.blocks:
            found += [block.alt, block.caption] if isinstance(block, Figure) else [block.text]
    return [text.replace("\xa0", " ") for text in found if text]


@pytest.mark.parametrize("name", ["demo", "volga_bank"])
def test_sections_build_with_clean_words(name):
    client, built = sections(name)
    assert [s.heading.split(":")[0] for s in built] == ["NPS", "CSAT"]
    for section in built:
        figures = [b for b in section.blocks if isinstance(b, Figure)]
        paragraphs = [b for b in section.blocks if isinstance(b, Paragraph) and not b.small]
        assert len(figures) == 1 and figures[0].uri.startswith("data:image/png;base64,")
        assert len(paragraphs) == 1 and paragraphs[0].text.count(". ") == 0  # one sentence
    for text in texts_of(built):
        assert not CODE_WORDS.search(text), text
    for metric in ("nps", "csat"):  # the functions behind them run on the client's own tables
        chart = spc.control_chart(client.survey, metric, "month", scales=client.config["scales"])
        assert chart.attrs["judged"] and len(chart) == 12
        spc.signals_as_claims(chart)


def test_russian_sections_are_russian():
    _, built = sections("volga_bank")
    words = [w for text in texts_of(built) for w in re.findall(r"[^\W\d_]+", text) if w not in ACRONYMS]
    cyrillic = [w for w in words if re.fullmatch(r"[а-яё]+", w, re.IGNORECASE)]
    assert len(cyrillic) >= 0.95 * len(words), sorted(set(words) - set(cyrillic))
    months = re.compile(r"\b\d{2}\.\d{4}\b")  # 03.2025: how the Russian report writes a month
    assert not any(re.search(r"\d\.\d", months.sub("", text)) for text in texts_of(built)), "a decimal comma"


def test_demo_sentences_name_what_the_chart_shows():
    client, built = sections("demo")
    for section, metric in zip(built, ("nps", "csat")):
        chart = spc.control_chart(client.answers, metric, "month")
        sentence = next(b.text for b in section.blocks if isinstance(b, Paragraph))
        if not chart["signal"].any():
            assert sentence.startswith("Every month of")
        elif chart["rule"].str.contains("beyond limits").any():
            assert "special cause" in sentence and "limits of" in sentence
        else:
            assert sentence.startswith(f"No month of {metric.upper()}")
