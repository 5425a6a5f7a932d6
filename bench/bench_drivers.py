"""Coverage of the key-driver shares' bootstrap intervals (cxlib.drivers), by simulation; and the bootstrap's speed.

Run with ``python bench/bench_drivers.py [SURVEYS]`` (default 200 simulated surveys per scenario). Each scenario
draws surveys of n answers from a population whose Johnson shares are known, computes the 95% intervals exactly as
the kit does (percentile bootstrap over answers, widened to hold the estimate, the catalogue's seed), and counts
how often each driver's interval holds its population share. A cell reads ``coverage (mean width)``; the Monte
Carlo standard error of a coverage near 0.95 from S surveys is about sqrt(0.05·0.95/S), 0.015 at S = 200.

* "normal": five drivers sharing one common factor (correlations about 0.33), outcome linear in them plus noise;
  the population correlations, hence the shares, are exact.
* "ratings 1–5": the same latent drivers rounded to a 1–5 scale and the outcome to a 0–10 score, as a survey
  holds them; the population shares are those of two million answers.

Timing: the kit's bootstrap (how often each answer was drawn, then the moments by one matrix product)
against a named baseline measured in the same run, the textbook loop that copies the resampled rows and calls
``numpy.corrcoef`` once per replicate. Fixed seeds throughout: the same machine prints the same coverage.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from cxlib.drivers import _bootstrap_weights, johnson_weights, relative_importance

LOADINGS = np.array([0.8, 0.5, 0.3, 0.15, 0.0])  # one driver with no effect of its own: its share is small, not 0
COMMON = 0.7  # each driver = COMMON × a factor shared by all + its own part
NOISE = 1.5
SIZES = (100, 300, 1000)
REPLICATES = 1000  # per interval; the kit's default is the catalogue's (2000): fewer here to keep the bench short
SEED = 20251201


def population_shares() -> np.ndarray:
    """The exact population shares (percent) of the normal scenario, from its covariance matrix."""
    p = len(LOADINGS)
    cov_xx = COMMON**2 * np.ones((p, p)) + np.eye(p)
    cov_xy = cov_xx @ LOADINGS
    var_y = LOADINGS @ cov_xx @ LOADINGS + NOISE**2
    sd = np.sqrt(np.diag(cov_xx))
    weights = johnson_weights(cov_xx / np.outer(sd, sd), cov_xy / (sd * np.sqrt(var_y)))
    return 100 * weights / weights.sum()


def draw(n: int, rng: np.random.Generator, ordinal: bool) -> pd.DataFrame:
    """One survey of ``n`` answers: latent normal drivers, or the same rounded to ratings 1–5 and a 0–10 score."""
    x = COMMON * rng.normal(size=(n, 1)) + rng.normal(size=(n, len(LOADINGS)))
    y = x @ LOADINGS + NOISE * rng.normal(size=n)
    if ordinal:
        x = np.clip(np.rint(3 + x), 1, 5)
        y = np.clip(np.rint(7 + y), 0, 10)
    return pd.DataFrame(x, columns=[f"d{j}" for j in range(len(LOADINGS))]).assign(y=y)


def ordinal_shares() -> np.ndarray:
    """The ordinal scenario's shares in two million answers: its population, to within ±0.1 points."""
    frame = draw(2_000_000, np.random.default_rng(SEED - 1), ordinal=True)
    corr = np.corrcoef(frame.to_numpy(), rowvar=False)
    weights = johnson_weights(corr[:-1, :-1], corr[:-1, -1])
    return 100 * weights / weights.sum()


def coverage(n: int, surveys: int, truth: np.ndarray, ordinal: bool) -> tuple[np.ndarray, np.ndarray]:
    """Share of surveys whose interval holds each driver's population share, and the intervals' mean width."""
    rng = np.random.default_rng([SEED, n, int(ordinal)])
    held = np.zeros(len(truth))
    width = np.zeros(len(truth))
    drivers = [f"d{j}" for j in range(len(truth))]
    for _ in range(surveys):
        table = relative_importance(draw(n, rng, ordinal), "y", drivers, replicates=REPLICATES)
        table = table.set_index("driver").loc[drivers]
        held += (table["share_low"].to_numpy() <= truth) & (truth <= table["share_high"].to_numpy())
        width += (table["share_high"] - table["share_low"]).to_numpy()
    return held / surveys, width / surveys


def report(name: str, truth: np.ndarray, surveys: int) -> None:
    print(f"\n{name}: population shares " + ", ".join(f"d{j} {s:.1f}%" for j, s in enumerate(truth)))
    print(f"  {'n':>6}  " + "  ".join(f"{'d' + str(j):>14}" for j in range(len(truth))) + "    all")
    for n in SIZES:
        held, width = coverage(n, surveys, truth, ordinal=name.startswith("ratings"))
        cells = "  ".join(f"{h:.3f} ({w:5.1f})" for h, w in zip(held, width))
        print(f"  {n:>6}  {cells}  {held.mean():.3f}", flush=True)


def naive_bootstrap(data: np.ndarray, replicates: int, seed: int) -> np.ndarray:
    """The baseline: copy the resampled rows and correlate them, one replicate at a time."""
    rng = np.random.default_rng(seed)
    found = np.empty((replicates, data.shape[1] - 1))
    for b in range(replicates):
        corr = np.corrcoef(data[rng.integers(0, len(data), len(data))], rowvar=False)
        found[b] = johnson_weights(corr[:-1, :-1], corr[:-1, -1])
    return found


def best_of(runs: int, work) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


def timing(n: int = 2400, replicates: int = 2000) -> None:
    data = draw(n, np.random.default_rng(SEED), ordinal=True).to_numpy()
    ours = best_of(3, lambda: _bootstrap_weights(data, replicates, SEED))
    baseline = best_of(3, lambda: naive_bootstrap(data, replicates, SEED))
    print(f"\nbootstrap of {replicates:,} replicates, {n:,} answers, {data.shape[1] - 1} drivers (best of 3)")
    print(f"  cxlib.drivers (counts of draws, one matrix product):    {ours * 1000:8.1f} ms")
    print(f"  baseline (rows copied, numpy.corrcoef per replicate):  {baseline * 1000:8.1f} ms")
    print(f"  ratio baseline / cxlib: {baseline / ours:.1f}x")


def main(argv: list[str]) -> int:
    surveys = int(argv[0]) if argv else 200
    print(f"coverage of the 95% share intervals: {surveys} surveys per cell, {REPLICATES} bootstrap replicates each; "
          f"a cell is coverage (mean width, points of share)")
    report("normal", population_shares(), surveys)
    report("ratings 1–5, score 0–10", ordinal_shares(), surveys)
    timing()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
