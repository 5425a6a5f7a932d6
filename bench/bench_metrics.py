"""Benchmarks of the statistics hot paths, each printed with its ratio to a baseline measured in the same run.

Run with `make bench`. Not a test: the figures depend on the machine; the
ratios are what to compare between machines.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from scipy import stats

import cxlib

SPLIT = [0.03, 0.02, 0.03, 0.04, 0.05, 0.08, 0.10, 0.13, 0.17, 0.17, 0.18]  # answers 0..10


def best_of(repeats: int, work) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


def scores(n: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).choice(11, size=n, p=SPLIT).astype(np.int64)


def bootstrap_versus_scipy() -> None:
    replicates = 10_000
    big, subsample = scores(1_000_000), scores(100_000, seed=2)
    ours = best_of(3, lambda: cxlib.nps(big, method="bootstrap", replicates=replicates))
    recoded = np.where(subsample >= 9, 1.0, np.where(subsample <= 6, -1.0, 0.0))
    scipy_seconds = best_of(1, lambda: stats.bootstrap((recoded,), np.mean, n_resamples=replicates, batch=100,
                                                       method="percentile", vectorized=True,
                                                       random_state=np.random.default_rng(3)))
    print(f"NPS bootstrap, B = {replicates:,}:")
    print(f"  cxlib.nps(method='bootstrap') on 1,000,000 scores: {ours * 1000:8.1f} ms")
    print(f"  baseline scipy.stats.bootstrap(percentile) on a 100,000-score subsample (1,000,000 would take"
          f" about ten times longer): {scipy_seconds * 1000:8.1f} ms")
    print(f"  ratio scipy / cxlib: {scipy_seconds / ours:,.0f}x faster, with scipy given a tenth of the data")


def default_interval(n: int) -> None:
    """NPS with its interval from raw scores in three containers, against the point estimate alone in numpy."""
    array = scores(n)
    series = pd.Series(array)
    nullable = pd.Series(array, dtype="Int64")
    nullable.iloc[::100] = pd.NA  # as a loaded survey column: whole numbers with blanks
    ours = best_of(3, lambda: cxlib.nps(array))
    ours_series = best_of(3, lambda: cxlib.nps(series))
    ours_nullable = best_of(3, lambda: cxlib.nps(nullable))
    baseline = best_of(3, lambda: 100 * ((array >= 9).mean() - (array <= 6).mean()))
    baseline_pandas = best_of(3, lambda: 100 * ((series >= 9).mean() - (series <= 6).mean()))
    aim = " (aim: under 200 ms)" if n >= 10_000_000 else ""
    print(f"NPS with the default (adjusted Wald) interval, {n:,} scores:")
    print(f"  cxlib.nps(numpy int array): {ours * 1000:8.1f} ms{aim}")
    print(f"  cxlib.nps(pandas Series):   {ours_series * 1000:8.1f} ms")
    print(f"  cxlib.nps(nullable Int64 Series, 1% blank): {ours_nullable * 1000:8.1f} ms")
    print(f"  baseline numpy point estimate, no interval: {baseline * 1000:8.1f} ms")
    print(f"  baseline pandas point estimate, no interval: {baseline_pandas * 1000:8.1f} ms")
    print(f"  ratio cxlib / numpy baseline: array {ours / baseline:.2f}, Series {ours_series / baseline:.2f}, "
          f"nullable {ours_nullable / baseline:.2f}")
    print(f"  ratio cxlib / pandas baseline: {ours / baseline_pandas:.2f}")


if __name__ == "__main__":
    bootstrap_versus_scipy()
    default_interval(1_000_000)
    default_interval(10_000_000)
