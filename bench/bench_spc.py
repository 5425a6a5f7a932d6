"""False signals of the control charts (cxlib.spc) on stable series, and how fast a chart is.

Run with `python bench/bench_spc.py`. Not a test: it prints the rows of the table in
docs/spc.md (tests/test_spc.py measures the same series, with the same seeds, and checks
that the docs and cxlib.spc's docstring state what it measures), then the power to flag a
one-month drop and the time one chart takes.

Stable series: 2,000 series of 24 months, Poisson(200) answers a month; CSAT with 72%
satisfied, NPS with 45% promoters, 35% passives, 20% detractors. A series "signals" when
any period of it carries any rule.
"""

from __future__ import annotations

import time

import numpy as np

from cxlib.spc import chart_from_counts

SERIES, LENGTH, ANSWERS = 2000, 24, 200
STABLE = {"csat": (20250601, (0.72,)), "nps": (20250602, (0.45, 0.35, 0.20))}
RULES = ("beyond limits", "run", "crossings")


def draw(metric: str, rng: np.random.Generator, series: int = SERIES) -> np.ndarray:
    """Answer counts of stable series: (series, months, scale)."""
    shares = STABLE[metric][1]
    n = rng.poisson(ANSWERS, (series, LENGTH))
    if metric == "csat":
        satisfied = rng.binomial(n, shares[0])
        return np.stack([n - satisfied, satisfied], axis=-1)
    drawn = rng.multinomial(n, shares)  # promoters, passives, detractors
    counts = np.zeros((series, LENGTH, 11))
    counts[..., 10], counts[..., 7], counts[..., 0] = drawn[..., 0], drawn[..., 1], drawn[..., 2]
    return counts


def rates(metric: str, counts: np.ndarray, month: int | None = None) -> dict[str, float]:
    """Share of series with any signal and with each rule (only at ``month`` when given)."""
    found = dict.fromkeys(("any", *RULES), 0)
    for series in counts:
        rules = chart_from_counts(series, metric)["rule"]
        rules = rules.iloc[[month]] if month is not None else rules
        fired = {rule for text in rules for rule in text.split(", ") if rule}
        found["any"] += bool(fired)
        for rule in fired:
            found[rule] += 1
    return {key: value / len(counts) for key, value in found.items()}


def main() -> None:
    print("| metric | any signal | beyond limits | run | crossings |")
    print("|---|---|---|---|---|")
    for metric, (seed, _) in STABLE.items():
        measured = rates(metric, draw(metric, np.random.default_rng(seed)))
        print(f"| {metric.upper()} | {measured['any']:.1%} | {measured['beyond limits']:.1%} | {measured['run']:.1%} | "
              f"{measured['crossings']:.1%} |")
    # power: CSAT drops by 10 points in month 18 of 24 (SE of a month's share about 3.2 points)
    counts = draw("csat", np.random.default_rng(20250603), 1000)
    n = counts[:, 17].sum(-1)
    satisfied = np.random.default_rng(20250604).binomial(n, 0.62)
    counts[:, 17] = np.stack([n - satisfied, satisfied], axis=-1)
    print(f"CSAT −10 points in one month: flagged beyond limits at that month in "
          f"{rates('csat', counts, month=17)['beyond limits']:.1%} of 1,000 series")
    start = time.perf_counter()
    for series in draw("nps", np.random.default_rng(1), 200):
        chart_from_counts(series, "nps")
    print(f"one NPS chart of 24 months: {(time.perf_counter() - start) / 200 * 1000:.2f} ms")


if __name__ == "__main__":
    main()
