"""Coverage of the key-driver shares' bootstrap intervals (cxlib.drivers), by simulation; and the bootstrap's speed.

Run with ``python bench/bench_drivers.py [SURVEYS] [claims]`` (default 200 simulated surveys per scenario;
``claims`` runs the key-driver claims' section alone). Each scenario
draws surveys of n answers from a population whose Johnson shares are known, computes the 95% intervals exactly as
the kit does (percentile bootstrap over answers, widened to hold the estimate, the catalogue's seed), and counts
how often each driver's interval holds its population share. A cell reads ``coverage (mean width)``; the Monte
Carlo standard error of a coverage near 0.95 from S surveys is about sqrt(0.05·0.95/S), 0.015 at S = 200.

* "normal": five drivers sharing one common factor (correlations about 0.33), outcome linear in them plus noise;
  the population correlations, hence the shares, are exact.
* "ratings 1–5": the same latent drivers rounded to a 1–5 scale and the outcome to a 0–10 score, as a survey
  holds them; the population shares are those of two million answers.

Key-driver claims (cxlib.driver_claims): how often a survey states at least one key driver that is not one (its
population share at or below an equal share 1/k), after Holm's adjustment, and how often a planted top driver is
stated. Each claim set is adjusted twice: on its own (the k driver claims) and inside a family of 190 claims, the
demo report's size, whose 185 other claims are drawn as true nulls (uniform p-values), so Holm's first step is
0.05/190. Scenarios: every driver equal (ratings 1–5); no driver matters at all (R² = 0); a boundary null with
exact population shares (normal drivers), one driver above 1/k, one at exactly 1/k, the rest below; and the planted
driver. Last, the false-claim rates of the chosen test against the three it was chosen over: the same z-test on
the share itself, the percentile bootstrap p-value, and the basic (pivot) bootstrap.

Timing: the kit's bootstrap (how often each answer was drawn, then the moments by one matrix product)
against a named baseline measured in the same run, the textbook loop that copies the resampled rows and calls
``numpy.corrcoef`` once per replicate. Fixed seeds throughout: the same machine prints the same coverage.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
from scipy import optimize, stats

from cxlib.claims import adjust
from cxlib.driver_claims import driver_claims
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


OTHER_CLAIMS = 185  # the rest of a report's family (the demo's: 185 before the drivers join)
CLAIM_REPLICATES = 1000
EQUAL, NOTHING, PLANTED = [0.5] * 5, [0.0] * 5, [1.0, 0.4, 0.4, 0.4, 0.4]


def ratings(n: int, betas: list[float], rng: np.random.Generator) -> pd.DataFrame:
    """Ratings 1–5 sharing one visit factor, and an NPS 0–10 from the latent ratings (as tests/test_driver_claims)."""
    latent = 0.6 * rng.normal(size=(n, 1)) + rng.normal(size=(n, len(betas)))
    frame = pd.DataFrame(np.clip(np.rint(3.2 + latent), 1, 5), columns=[f"d{j}" for j in range(len(betas))])
    return frame.assign(y=np.clip(np.rint(7 + latent @ np.asarray(betas) + 1.6 * rng.normal(size=n)), 0, 10))


def exact_shares(betas: np.ndarray) -> np.ndarray:
    """Population shares (%) of normal drivers with the scenarios' common factor (COMMON) and noise (NOISE)."""
    p = len(betas)
    cov_xx = COMMON**2 * np.ones((p, p)) + np.eye(p)
    sd = np.sqrt(np.diag(cov_xx))
    weights = johnson_weights(cov_xx / np.outer(sd, sd),
                              cov_xx @ betas / (sd * np.sqrt(betas @ cov_xx @ betas + NOISE**2)))
    return 100 * weights / weights.sum()


def boundary_betas() -> np.ndarray:
    """One driver above an equal share, the second exactly at it (solved for), the rest below."""
    def gap(b1: float) -> float:
        return exact_shares(np.array([1.0, b1, 0.3, 0.2, 0.0]))[1] - 20.0
    return np.array([1.0, optimize.brentq(gap, 0.3, 1.0), 0.3, 0.2, 0.0])


def normal(n: int, betas: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    x = COMMON * rng.normal(size=(n, 1)) + rng.normal(size=(n, len(betas)))
    y = x @ betas + NOISE * rng.normal(size=n)
    return pd.DataFrame(x, columns=[f"d{j}" for j in range(len(betas))]).assign(y=y)


def stated(table: pd.DataFrame, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Which drivers (d0, d1, …) a survey states: within the drivers' claims alone, and within a family of 190."""
    order = table.sort_values("group")
    alone = adjust(order)["significant"].to_numpy()
    others = pd.DataFrame({"source": "survey", "p": rng.uniform(size=OTHER_CLAIMS)})
    family = adjust(pd.concat([order, others], ignore_index=True))
    return alone, family["significant"].to_numpy()[:len(order)]


def claim_rates(name: str, make, null: np.ndarray, n: int, surveys: int) -> str:
    """One cell row: false-claim rate (any null driver stated) alone and in 190, power for non-null drivers."""
    rng = np.random.default_rng([SEED, n, len(name)])
    false_alone = false_family = 0
    hits_alone, hits_family = np.zeros(len(null)), np.zeros(len(null))
    for s in range(surveys):
        frame = make(n, rng)
        table = driver_claims(frame, "y", [f"d{j}" for j in range(len(null))], replicates=CLAIM_REPLICATES,
                              seed=SEED + s).sort_values("group")
        alone, family = stated(table, rng)
        false_alone += bool((alone & null).any())
        false_family += bool((family & null).any())
        hits_alone += alone
        hits_family += family
    power = "" if null.all() else "   power " + ", ".join(
        f"d{j} {a / surveys:.2f}/{f / surveys:.2f}" for j, (a, f) in enumerate(zip(hits_alone, hits_family))
        if not null[j])
    return (f"  {name:<28} n={n:>5}  false claims {false_alone / surveys:.3f} alone, "
            f"{false_family / surveys:.3f} in 190{power}")


def alternative_ps(data: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """One-sided p-values of "share > 1/k" by the chosen test and the three it was chosen over."""
    k = data.shape[1] - 1
    corr = np.corrcoef(data, rowvar=False)
    weights = johnson_weights(corr[:-1, :-1], corr[:-1, -1])
    boot = _bootstrap_weights(data, CLAIM_REPLICATES, seed)
    boot = boot[~np.isnan(boot).any(axis=1)]
    share, shares = weights / weights.sum(), boot / boot.sum(axis=1, keepdims=True)
    excess, excesses = weights - weights.mean(), boot - boot.mean(axis=1, keepdims=True)
    return {"z on w - mean w (chosen)": stats.norm.sf(excess / excesses.std(axis=0, ddof=1)),
            "z on share - 1/k": stats.norm.sf((share - 1 / k) / shares.std(axis=0, ddof=1)),
            "percentile bootstrap": (1 + (shares <= 1 / k).sum(axis=0)) / (len(shares) + 1),
            "basic bootstrap": (1 + (shares - share >= share - 1 / k).sum(axis=0)) / (len(shares) + 1)}


def alternatives(surveys: int) -> None:
    """False-claim rates (Holm over the five drivers) of the four tests, every driver equal and nothing mattering."""
    print(f"\nthe test and its alternatives: false claims (Holm over 5 drivers), {surveys} surveys a cell, "
          f"{CLAIM_REPLICATES} replicates")
    cells = {}
    for label, betas in (("equal", EQUAL), ("nothing", NOTHING)):
        for n in SIZES:
            rng = np.random.default_rng([SEED, n, len(label)])
            for s in range(surveys):
                for test, p in alternative_ps(ratings(n, betas, rng).to_numpy(), SEED + s).items():
                    significant = adjust(pd.DataFrame({"p": p}))["significant"].any()
                    cells.setdefault(test, {}).setdefault((label, n), []).append(significant)
    print(f"  {'test':<26}" + "".join(f"{label + ' n=' + str(n):>16}" for label in ("equal", "nothing")
                                      for n in SIZES))
    for test, found in cells.items():
        print(f"  {test:<26}" + "".join(f"{np.mean(found[key]):>16.3f}" for key in found), flush=True)


def claims_report(surveys: int) -> None:
    boundary = boundary_betas()
    truth = exact_shares(boundary)
    print(f"\nkey-driver claims: {surveys} surveys per row, {CLAIM_REPLICATES} bootstrap replicates; "
          f"a false claim is a driver stated whose population share is at most 1/k; power alone/in 190")
    print("  boundary null's population shares: " + ", ".join(f"d{j} {s:.1f}%" for j, s in enumerate(truth)))
    for n in SIZES:
        print(claim_rates("equal drivers (ratings)", lambda m, r: ratings(m, EQUAL, r), np.ones(5, bool), n, surveys))
        print(claim_rates("nothing matters (ratings)", lambda m, r: ratings(m, NOTHING, r), np.ones(5, bool), n,
                          surveys))
        print(claim_rates("boundary null (normal)", lambda m, r: normal(m, boundary, r), truth <= 20 + 1e-9, n,
                          surveys))
        print(claim_rates("planted top driver (ratings)", lambda m, r: ratings(m, PLANTED, r),
                          np.array([False] + [True] * 4), n, surveys), flush=True)
    alternatives(surveys)


def main(argv: list[str]) -> int:
    surveys = int(argv[0]) if argv else 200
    if argv[1:] == ["claims"]:
        claims_report(surveys)
        return 0
    print(f"coverage of the 95% share intervals: {surveys} surveys per cell, {REPLICATES} bootstrap replicates each; "
          f"a cell is coverage (mean width, points of share)")
    report("normal", population_shares(), surveys)
    report("ratings 1–5, score 0–10", ordinal_shares(), surveys)
    claims_report(surveys)
    timing()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
