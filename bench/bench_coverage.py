"""Coverage of every interval the kit offers, at n = 10, 30, 100 and 1000 and at extreme splits.

Run with `make bench` (or `python bench/bench_coverage.py`). Not a test and not
timed: it prints one table per method and writes them all into
docs/coverage.md. Each cell is the share of surveys whose 95% interval holds the
true value, with the interval's mean width after "/".

* NPS, unweighted, and shares: exact, summing the probability of every possible
  survey (NPS outcomes below 1e-12 left out); where that would take too long
  (the Tango and bootstrap intervals at n = 1000) a simulation, marked *.
* Means and weighted NPS: simulation with a fixed seed; each distinct histogram
  is computed once and counted as often as it was drawn.
"""

from __future__ import annotations

import datetime
import math
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

from cxlib.metrics import mean_from_counts, nps, nps_from_counts, share

SIZES = (10, 30, 100, 1000)
LEVEL = 0.95
Z = float(stats.norm.ppf(0.5 + LEVEL / 2))
FLOOR = 0.93  # what every default should reach at n >= 30
NPS_SEED, MEAN_SEED, WEIGHT_SEED = 20251101, 20251102, 20251103
NPS_RUNS = 4000  # simulated surveys where enumeration would be slow
MEAN_RUNS = 10_000
WEIGHT_RUNS = 2000

NPS_SPLITS = {  # promoters, passives, detractors
    "40/35/25": (0.40, 0.35, 0.25),
    "70/25/5": (0.70, 0.25, 0.05),
    "90/8/2": (0.90, 0.08, 0.02),
    "98/1/1": (0.98, 0.01, 0.01),
    "60/5/35": (0.60, 0.05, 0.35),
    "5/5/90": (0.05, 0.05, 0.90),
}
NPS_METHODS = {
    "adjusted-wald": "Adjusted Wald (the default; Rocks 2016), widened to hold its estimate",
    "tango": "Tango score interval",
    "bootstrap": "Bayesian bootstrap, Jeffreys' prior, 10,000 replicates",
    "wald": "Wald (textbook, for comparison)",
    "percentile": "Percentile bootstrap of the answers, 10,000 replicates (the former `bootstrap`, not offered now)",
}
MEAN_SPLITS = {  # scale, shares of each answer from the bottom
    "1–5: 80/15/3/1/1 (fives first)": ((1, 5), (0.01, 0.01, 0.03, 0.15, 0.80)),
    "1–5: 95/3/1/½/½": ((1, 5), (0.005, 0.005, 0.01, 0.03, 0.95)),
    "1–5: 95% fives, 5% ones": ((1, 5), (0.05, 0, 0, 0, 0.95)),
    "1–5: 99% fives, 1% ones": ((1, 5), (0.01, 0, 0, 0, 0.99)),
    "1–5: 90% fives, 10% fours": ((1, 5), (0, 0, 0, 0.10, 0.90)),
    "1–5: 50/30/10/5/5": ((1, 5), (0.05, 0.05, 0.10, 0.30, 0.50)),
    "1–5: J-shaped 50/10/5/5/30": ((1, 5), (0.30, 0.05, 0.05, 0.10, 0.50)),
    "1–5: uniform": ((1, 5), (0.2, 0.2, 0.2, 0.2, 0.2)),
    "1–7: skewed high": ((1, 7), (0.02, 0.02, 0.03, 0.05, 0.10, 0.28, 0.50)),
    "1–7: skewed low": ((1, 7), (0.50, 0.28, 0.10, 0.05, 0.03, 0.02, 0.02)),
}
MEAN_METHODS = {"adjusted-t": "Adjusted t (the default: ½ answer added at each end of the scale)",
                "t": "Plain t (for comparison)"}
SHARES = (0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995)
SHARE_METHODS = {"modified-wilson": "Modified Wilson (the default; Brown, Cai & DasGupta 2001)",
                 "wilson": "Plain Wilson (for comparison)"}


# --------------------------------------------------------------------------- NPS


def trinomial_outcomes(n: int, split: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Every (promoters, passives, detractors) with probability >= 1e-12, and that probability."""
    promoters, detractors = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    passives = n - promoters - detractors
    possible = passives >= 0
    counts = np.stack([promoters, np.where(possible, passives, 0), detractors], axis=-1)
    probability = np.where(possible, stats.multinomial.pmf(counts, n, split), 0.0)
    keep = probability >= 1e-12
    return counts[keep], probability[keep]


def percentile_bootstrap(counts: np.ndarray, seed: int) -> tuple[float, float]:
    n = int(counts.sum())
    draws = np.random.default_rng(seed).multinomial(n, counts / n, size=10_000)
    return tuple(100 * np.quantile((draws[:, 0] - draws[:, 2]) / n, [0.5 - LEVEL / 2, 0.5 + LEVEL / 2]))


def nps_interval(counts: np.ndarray, method: str) -> tuple[float, float]:
    if method == "percentile":
        return percentile_bootstrap(counts, seed=int(counts @ [1, 1_000, 1_000_000]))
    estimate = nps_from_counts(*map(int, counts), method=method, level=LEVEL)
    return estimate.low, estimate.high


def nps_coverage(n: int, split: tuple[float, float, float], method: str,
                 rng: np.random.Generator) -> tuple[float, float, bool]:
    truth = 100 * (split[0] - split[2])
    slow = method in ("tango", "bootstrap", "percentile")
    if slow and n >= 1000:
        outcomes, times = np.unique(rng.multinomial(n, split, size=NPS_RUNS), axis=0, return_counts=True)
        weights, simulated = times / NPS_RUNS, True
    else:
        outcomes, weights = trinomial_outcomes(n, split)
        simulated = False
    covered = width = 0.0
    for counts, weight in zip(outcomes, weights):
        low, high = nps_interval(counts, method)
        covered += weight * (low <= truth <= high)
        width += weight * (high - low)
    return covered / weights.sum(), width / weights.sum(), simulated


# --------------------------------------------------------------------------- weighted NPS


def strata(rng: np.random.Generator, n: int, rare: tuple, common: tuple) -> tuple[np.ndarray, np.ndarray, float]:
    """Two halves of the customers; one answers at a quarter of the other's rate (20% of answers, weight 2.5)."""
    in_rare = rng.random(n) < 0.2
    scores = np.where(in_rare, rng.choice([10, 8, 3], n, p=rare), rng.choice([10, 8, 3], n, p=common))
    truth = 100 * (0.5 * (rare[0] - rare[2]) + 0.5 * (common[0] - common[2]))
    return scores, np.where(in_rare, 2.5, 0.625), truth


def lognormal(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Happier customers answer more: inclusion grows as exp(0.8 u), satisfaction u ~ N(0, 1); weight 1/inclusion."""
    u = rng.standard_normal(n) + 0.8  # satisfaction among those who answered
    scores = np.where(u > 0.6, 10, np.where(u < -0.3, 3, 8))
    truth = 100 * ((1 - stats.norm.cdf(0.6)) - stats.norm.cdf(-0.3))
    return scores, np.exp(-0.8 * u), truth


WEIGHT_DESIGNS = {
    "strata 20/30/50 and 60/30/10": lambda rng, n: strata(rng, n, (0.2, 0.3, 0.5), (0.6, 0.3, 0.1)),
    "strata 70/20/10 and 95/4/1": lambda rng, n: strata(rng, n, (0.7, 0.2, 0.1), (0.95, 0.04, 0.01)),
    "lognormal weights, σ = 0.8": lognormal,
}
WEIGHT_METHODS = {
    "adjusted-wald": "Adjusted Wald on the linearised effective n, t on n − 1 (the default)",
    "wald": "Linearised t (`method=\"wald\"`)",
    "kish-wald": "Wald on Kish's effective n (the former `method=\"wald\"`, computed here for reference)",
    "kish-adjusted-wald": "Adjusted Wald on Kish's effective n (the former default, computed here for reference)",
}


def kish(scores: np.ndarray, weights: np.ndarray, adjusted: bool) -> tuple[float, float]:
    total = weights.sum()
    p, d = weights[scores >= 9].sum() / total, weights[scores <= 6].sum() / total
    n_kish = total**2 / (weights**2).sum()
    if adjusted:
        pa, da, size = p * n_kish + 0.75, d * n_kish + 0.75, n_kish + 3
        centre = (pa - da) / size
        se = math.sqrt(((pa + da) / size - centre**2) / size)
    else:
        centre, se = p - d, math.sqrt(max(p + d - (p - d) ** 2, 0) / n_kish)
    value = 100 * (p - d)
    return min(max(100 * (centre - Z * se), -100), value), max(min(100 * (centre + Z * se), 100), value)


def weighted_coverage(design, n: int, rng: np.random.Generator) -> dict[str, tuple[float, float]]:
    covered = dict.fromkeys(WEIGHT_METHODS, 0)
    width = dict.fromkeys(WEIGHT_METHODS, 0.0)
    for _ in range(WEIGHT_RUNS):
        scores, weights, truth = design(rng, n)
        for method in WEIGHT_METHODS:
            if method.startswith("kish"):
                low, high = kish(scores, weights, adjusted=method == "kish-adjusted-wald")
            else:
                estimate = nps(scores, weights=weights, method=method, level=LEVEL)
                low, high = estimate.low, estimate.high
            if math.isnan(low):
                continue
            covered[method] += low <= truth <= high
            width[method] += high - low
    return {m: (covered[m] / WEIGHT_RUNS, width[m] / WEIGHT_RUNS) for m in WEIGHT_METHODS}


# --------------------------------------------------------------------------- shares and means


def share_coverage(n: int, method: str) -> tuple[dict[float, tuple[float, float]], tuple[float, float]]:
    successes = np.arange(n + 1)
    estimates = (share(int(k), n, level=LEVEL, method=method) for k in successes)
    limits = np.array([[e.low, e.high] for e in estimates]) / 100
    def at(p: float) -> tuple[float, float]:
        probability = stats.binom.pmf(successes, n, p)
        return (float(probability[(limits[:, 0] <= p) & (p <= limits[:, 1])].sum()),
                100 * float(probability @ (limits[:, 1] - limits[:, 0])))
    grid = np.linspace(0.5, 0.9999, 2000)
    lowest = min((at(p)[0], p) for p in grid)
    return {p: at(p) for p in SHARES}, lowest


def mean_coverage(n: int, scale: tuple[int, int], shares: tuple,
                  rng: np.random.Generator) -> dict[str, tuple[float, float]]:
    shares = np.asarray(shares) / np.sum(shares)
    truth = float(shares @ np.arange(scale[0], scale[1] + 1))
    histograms, times = np.unique(rng.multinomial(n, shares, size=MEAN_RUNS), axis=0, return_counts=True)
    result = {}
    for method in MEAN_METHODS:
        covered = width = 0.0
        for counts, count in zip(histograms, times):
            estimate = mean_from_counts(counts, scale, level=LEVEL, method=method)
            covered += count * (estimate.low <= truth <= estimate.high)
            width += count * (estimate.high - estimate.low)
        result[method] = (covered / MEAN_RUNS, width / MEAN_RUNS)
    return result


# --------------------------------------------------------------------------- tables


SUMMARY: list[str] = []  # one line per method, for the top of docs/coverage.md


def cell(coverage: float, width: float, mark: str = "") -> str:
    flag = "**" if coverage < FLOOR else ""  # below the floor before rounding: 0.9298 shows as a bold 0.930
    return f"{flag}{coverage:.3f}{flag}{mark} / {width:.2f}"


def table(rows: dict[str, dict[int, str]], first: str) -> list[str]:
    lines = [f"| {first} | " + " | ".join(f"n = {n}" for n in SIZES) + " |",
             "|---|" + "---|" * len(SIZES)]
    lines += [f"| {name} | " + " | ".join(row[n] for n in SIZES) + " |" for name, row in rows.items()]
    return lines


def verdict(lowest: tuple[float, str], what: str, title: str, runs: int | None = None, extra: str = "") -> str:
    """Whether the lowest coverage at n >= 30 reaches the floor; ``runs`` for a simulated one."""
    value, where = lowest
    if value >= FLOOR:
        text = f"at least {FLOOR} at n ≥ 30 in every setting here (lowest {value:.3f}, {where})"
        if runs and value - FLOOR < 2 * math.sqrt(FLOOR * (1 - FLOOR) / runs):
            text += "; that is within two Monte-Carlo standard errors of the floor: at it, not safely above"
    else:
        text = f"**below {FLOOR} at n ≥ 30** in at least one setting here (lowest {value:.3f}, {where})"
    text += extra
    SUMMARY.append(f"| {title} | {text} |")
    return f"{what}: {text}."


def lowest_of(results: dict[str, dict[int, dict]], method: str) -> tuple[float, str]:
    """The lowest coverage at n ≥ 30 over the simulated designs, and where (the first one, in design order)."""
    lowest = (1.0, "")
    for name, by_size in results.items():
        for n in SIZES:
            if n >= 30 and by_size[n][method][0] < lowest[0]:
                lowest = (by_size[n][method][0], f"{name} at n = {n}")
    return lowest


def designs_section(results: dict[str, dict[int, dict]], method: str, title: str, first: str) -> list[str]:
    """A method's table over simulated designs (rows) and sizes (columns), headed by its title."""
    rows = {name: {n: cell(*by_size[n][method]) for n in SIZES} for name, by_size in results.items()}
    return ["", f"### {title}", "", *table(rows, first), ""]


def main() -> None:
    started = time.perf_counter()
    out: list[str] = []

    def say(text: str = "") -> None:
        print(text)
        out.append(text)

    say("## NPS")
    say()
    say(f"Exact coverage of the true NPS by 95% intervals, summed over every possible survey; cells marked * "
        f"are simulated ({NPS_RUNS:,} surveys, seed {NPS_SEED}). Mean width in NPS points after the slash.")
    rng = np.random.default_rng(NPS_SEED)
    for method, title in NPS_METHODS.items():
        rows: dict[str, dict[int, str]] = {}
        lowest = (1.0, "")
        for name, split in NPS_SPLITS.items():
            rows[name] = {}
            for n in SIZES:
                coverage, width, simulated = nps_coverage(n, split, method, rng)
                rows[name][n] = cell(coverage, width, "*" if simulated else "")
                if n >= 30 and coverage < lowest[0]:
                    lowest = (coverage, f"{name} at n = {n}")
        say()
        say(f"### {title}")
        say()
        for line in table(rows, "split (P/M/D)"):
            say(line)
        say()
        say(verdict(lowest, f"`{method}`" if method != "percentile" else "former percentile bootstrap",
                    f"NPS: {title}"))
        print(f"  [{time.perf_counter() - started:.0f} s]", file=sys.stderr)

    say()
    say("## Weighted NPS")
    say()
    say(f"Simulated ({WEIGHT_RUNS:,} surveys per cell, seed {WEIGHT_SEED}): weights that go with the scores. In the "
        "strata designs half the customers answer at a quarter of the other half's rate, so 20% of answers carry "
        "weight 2.5 and 80% weight 0.625; the first split is the rarely answering half's. In the lognormal design "
        "happier customers answer more, with inclusion growing as exp(0.8 u) for a satisfaction u ~ N(0, 1) (u above "
        "0.6 a promoter, below −0.3 a detractor), weight 1/inclusion. The Monte-Carlo standard error of a cell near "
        f"0.95 is {math.sqrt(0.95 * 0.05 / WEIGHT_RUNS):.3f}.")
    rng = np.random.default_rng(WEIGHT_SEED)
    results = {name: {n: weighted_coverage(design, n, rng) for n in SIZES} for name, design in WEIGHT_DESIGNS.items()}
    for method, title in WEIGHT_METHODS.items():
        for line in designs_section(results, method, title, "design"):
            say(line)
        say(verdict(lowest_of(results, method), f"`{method}`" if not method.startswith("kish")
                    else "the former Kish interval", f"weighted NPS: {title}", WEIGHT_RUNS))
    print(f"  [{time.perf_counter() - started:.0f} s]", file=sys.stderr)

    say()
    say("## CSAT and other shares")
    say()
    say("Exact binomial coverage at each true share (shares below 50% mirror these). Mean width in percentage "
        "points after the slash. The last row is the lowest coverage over 2,000 true shares from 50% to 99.99%.")
    for method, title in SHARE_METHODS.items():
        rows = {f"{100 * p:g}%": {} for p in SHARES}
        rows["lowest over 50–99.99%"] = {}
        lowest, dip = (1.0, ""), (1.0, "")
        for n in SIZES:
            at, (worst, where) = share_coverage(n, method)
            if n >= 30 and worst < dip[0]:
                dip = (worst, f"{100 * where:.2f}% at n = {n}")
            for p in SHARES:
                rows[f"{100 * p:g}%"][n] = cell(*at[p])
                if n >= 30 and at[p][0] < lowest[0]:
                    lowest = (at[p][0], f"{100 * p:g}% at n = {n}")
            rows["lowest over 50–99.99%"][n] = f"{worst:.3f} at {100 * where:.2f}%"
        say()
        say(f"### {title}")
        say()
        for line in table(rows, "true share"):
            say(line)
        say()
        between = f"; between them it dips to {dip[0]:.3f} ({dip[1]})" if dip[0] < FLOOR else ""
        say(verdict(lowest, f"`{method}` at the shares listed", f"shares: {title}", extra=between))
    say()
    say("Between the listed shares every interval that is not conservative dips, as Brown, Cai & DasGupta (2001) "
        "show: the last row gives the dip. Only Clopper–Pearson's exact interval stays at 0.95 everywhere, at the "
        "cost of width.")
    print(f"  [{time.perf_counter() - started:.0f} s]", file=sys.stderr)

    say()
    say("## CSI, CES and other means of bounded answers")
    say()
    say(f"Simulated ({MEAN_RUNS:,} surveys per cell, seed {MEAN_SEED}). Mean width on the answer scale after the "
        f"slash. The Monte-Carlo standard error of a cell near 0.95 is {math.sqrt(0.95 * 0.05 / MEAN_RUNS):.4f}.")
    rng = np.random.default_rng(MEAN_SEED)
    results = {name: {n: mean_coverage(n, scale, shares, rng) for n in SIZES}
               for name, (scale, shares) in MEAN_SPLITS.items()}
    for method, title in MEAN_METHODS.items():
        for line in designs_section(results, method, title, "answers (shares from the bottom)"):
            say(line)
        say(verdict(lowest_of(results, method), f"`{method}`", f"means: {title}", MEAN_RUNS))
    elapsed = time.perf_counter() - started
    print(f"  [{elapsed:.0f} s]", file=sys.stderr)

    target = Path(__file__).resolve().parents[1] / "docs" / "coverage.md"
    header = [
        "# Coverage of the kit's intervals",
        "",
        (f"Written by `bench/bench_coverage.py` (`make bench`) on {datetime.date.today().isoformat()} in "
         f"{elapsed / 60:.0f} minutes; do not edit by hand. Every interval is at the 95% level. A cell gives the "
         f"coverage (the share of surveys whose interval holds the true value), then the mean width. Coverage below "
         f"{FLOOR} is in bold. Each default should reach {FLOOR} at n ≥ 30; each table ends by saying whether it "
         "does in the settings shown. n = 10 is shown to say how far to trust ten answers, not held to it."),
        "",
        "The methods and their sources are in the docstrings of `cxlib.metrics`.",
        "",
        "## Summary: n ≥ 30, every setting below",
        "",
        "| method | coverage |",
        "|---|---|",
        *SUMMARY,
        "",
    ]
    target.write_text("\n".join(header + out) + "\n", encoding="utf-8")
    print(f"written to {target}")


if __name__ == "__main__":
    main()
