"""Tagging comments with topics: its speed on 100,000 comments, and its accuracy on the labelled set.

    python bench/bench_voice.py              # time cxlib.voice.tag on 100,000 comments against a substring baseline
    python bench/bench_voice.py --accuracy   # precision and recall per topic: the tables of docs/voice.md

Not a test: the time depends on the machine; the ratio to the baseline, measured in the same run, is what to
compare. The baseline is the plainest tagger there is: lower-case each comment and look for every catalogue word
in it as a substring (no word forms, phrases, typos or exceptions).
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cxlib import voice

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "voice"
FILLERS = ["honestly", "again", "today", "my wife says", "as usual", "сегодня", "опять", "ну", "в общем", "как всегда"]


def labelled(language: str) -> pd.DataFrame:
    """The labelled comments of one language (``tests/fixtures/voice/labelled_<language>.csv``)."""
    return pd.read_csv(FIXTURES / f"labelled_{language}.csv", keep_default_na=False, dtype=str)


def comments(n: int, seed: int = 1) -> list[str]:
    """``n`` comments in both languages, nearly all distinct: labelled ones joined, padded and numbered."""
    pool = pd.concat([labelled("en"), labelled("ru")])["text"].tolist()
    rng = random.Random(seed)
    made = []
    for _ in range(n):
        first, second = rng.choice(pool), rng.choice(pool)
        text = f"{first} {rng.choice(FILLERS)} {second}" if rng.random() < 0.5 else first
        made.append(f"{text} #{rng.randint(1, 10**6)}")
    return made


def substring_baseline(texts: list[str]) -> pd.DataFrame:
    """Each topic marked when any of its catalogue words (markers stripped) is a substring of the lower-cased text."""
    topics = voice.topics_for()
    vocabulary = {t["key"]: [w.strip("=*").lower() for lang in ("en", "ru") for w in t[f"words_{lang}"]]
                  for t in topics}
    rows = []
    for text in texts:
        low = text.lower()
        rows.append([any(w in low for w in words) for words in vocabulary.values()])
    return pd.DataFrame(rows, columns=list(vocabulary))


def speed(n: int) -> None:
    texts = comments(n)
    started = time.perf_counter()
    tagged = voice.tag(texts, language="auto")
    ours = time.perf_counter() - started
    started = time.perf_counter()
    substring_baseline(texts)
    baseline = time.perf_counter() - started
    print(f"cxlib.voice.tag(language='auto') on {n:,} comments ({len(set(texts)):,} distinct, both languages):")
    print(f"  {ours:6.2f} s (aim: under 20 s), {tagged.any(axis=1).mean():.0%} of comments given a topic")
    print(f"  baseline, lower-case substring search for every catalogue word: {baseline:6.2f} s")
    print(f"  ratio cxlib / baseline: {ours / baseline:.2f}")


def scores(frame: pd.DataFrame, language: str) -> tuple[pd.DataFrame, float, int]:
    """Per-topic precision and recall (percent), the micro-F1, and the number of comments."""
    tagged = voice.tag(frame["text"], language=language)
    truth = pd.DataFrame({k: frame["topics"].str.split(";").apply(lambda labels, k=k: k in labels)
                          for k in tagged.columns}, index=frame.index)
    hit, extra, missed = (tagged & truth).sum(), (tagged & ~truth).sum(), (~tagged & truth).sum()
    table = pd.DataFrame({"labelled": truth.sum(), "found": tagged.sum(), "precision": 100 * hit / (hit + extra),
                          "recall": 100 * hit / (hit + missed)})
    table["f1"] = 2 * table["precision"] * table["recall"] / (table["precision"] + table["recall"])
    precision, recall = hit.sum() / (hit.sum() + extra.sum()), hit.sum() / (hit.sum() + missed.sum())
    table.attrs.update(precision=precision, recall=recall, interval=f1_interval(tagged, truth))
    return table.rename_axis("topic").reset_index(), 2 * precision * recall / (precision + recall), len(frame)


def heldout(language: str) -> pd.DataFrame:
    """The held-out comments of one language (``tests/fixtures/voice/heldout_<language>.csv``), never tuned on."""
    return pd.read_csv(FIXTURES / f"heldout_{language}.csv", keep_default_na=False, dtype=str)


def f1_interval(tagged: pd.DataFrame, truth: pd.DataFrame, seed: int = 0, draws: int = 2000,
                level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of the micro-F1, resampling comments (seeded, so the same every run)."""
    rng = np.random.default_rng(seed)
    got, true = tagged.to_numpy(), truth.to_numpy()
    hit, extra, missed = (got & true).sum(axis=1), (got & ~true).sum(axis=1), (~got & true).sum(axis=1)
    rows = rng.integers(0, len(got), size=(draws, len(got)))
    h, e, m = hit[rows].sum(axis=1), extra[rows].sum(axis=1), missed[rows].sum(axis=1)
    f1 = 2 * h / np.maximum(2 * h + e + m, 1)
    return tuple(np.quantile(f1, [(1 - level) / 2, (1 + level) / 2]))


def accuracy() -> None:
    for language in ("en", "ru"):
        frame = labelled(language)
        print(f"\n### {'English' if language == 'en' else 'Russian'}\n")
        print("| comments | rows | precision | recall | micro-F1 | 95% interval |\n|---|---|---|---|---|---|")
        parts = {"tuning (lists written with them in view)": frame[frame["split"] == "tune"],
                 "fresh (written after the first lists were frozen)": frame[frame["split"] == "fresh"],
                 "held-out (seven sectors, kept out of all tuning)": heldout(language)}
        tables = {}
        for name, part in parts.items():
            table, micro, rows = scores(part, language)
            tables[name.split(" (")[0]] = table
            low, high = table.attrs["interval"]
            print(f"| {name} | {rows} | {table.attrs['precision']:.3f} | {table.attrs['recall']:.3f} | {micro:.3f} | "
                  f"{low:.3f}–{high:.3f} |")
        for name in ("fresh", "held-out"):
            print(f"\n{name}:\n\n| topic | labelled | found | precision % | recall % | F1 % |\n"
                  "|---|---|---|---|---|---|")
            for row in tables[name].itertuples():
                print(f"| {row.topic} | {row.labelled} | {row.found} | {row.precision:.0f} | {row.recall:.0f} | "
                      f"{row.f1:.0f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accuracy", action="store_true", help="print precision and recall per topic instead")
    parser.add_argument("-n", type=int, default=100_000, help="how many comments to time (default 100,000)")
    arguments = parser.parse_args()
    accuracy() if arguments.accuracy else speed(arguments.n)
