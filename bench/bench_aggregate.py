"""`cxkit aggregate` on a generated Parquet survey of 50,000,000 responses, against a scan of the same columns.

The baseline is DuckDB reading, once, the six columns the aggregation reads
(date, segment, channel, nps, csi, ces; not response_id): max of the date,
min of the two text columns and sum of the three integer scores. That is the
floor any aggregation of this file pays; the ratio says what the GROUP BY and
the conversions add on top. Scores are Parquet integers and dates Parquet
dates, as a warehouse export writes them.

The two are timed alternately, three times each, and the fastest of each is
kept: the machine is shared, and the fastest run is the one least disturbed.
Their CPU time (all of DuckDB's threads) is printed too: other work on the
machine stretches wall time far more than it stretches CPU time.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import duckdb

from cxlib.aggregate import aggregate

RUNS = 3


def make_parquet(path: Path, rows: int) -> None:
    with duckdb.connect() as connection:
        connection.execute("SET enable_progress_bar = false")
        connection.execute(f"""
            COPY (
                SELECT 'R' || i AS response_id,
                       DATE '2025-01-01' + CAST(i % 365 AS INTEGER) AS date,
                       ['phone', 'website', 'app', 'walk_in'][1 + i % 4] AS channel,
                       ['private', 'fleet'][1 + (i // 7) % 2] AS segment,
                       CAST(hash(i) % 11 AS INTEGER) AS nps,
                       CAST(1 + hash(i + 1) % 5 AS INTEGER) AS csi,
                       CASE WHEN i % 20 = 0 THEN NULL ELSE CAST(1 + hash(i + 2) % 7 AS INTEGER) END AS ces
                FROM range({rows}) t(i)
            ) TO '{path}' (FORMAT parquet)""")


def scan(path: Path) -> tuple[float, float]:
    """Seconds (wall, CPU) DuckDB takes to read the aggregation's six columns once."""
    with duckdb.connect() as connection:
        connection.execute("SET enable_progress_bar = false")
        started, cpu = time.perf_counter(), time.process_time()
        connection.execute(f"SELECT max(date), min(segment), min(channel), sum(nps), sum(csi), sum(ces) "
                           f"FROM read_parquet('{path}')").fetchall()
        return time.perf_counter() - started, time.process_time() - cpu


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        parquet = Path(scratch) / "survey.parquet"
        started = time.perf_counter()
        make_parquet(parquet, rows)
        print(f"generated {rows:,} responses as Parquet ({parquet.stat().st_size / 2**20:.0f} MiB) "
              f"in {time.perf_counter() - started:.1f} s")
        scans, runs = [], []
        for _ in range(RUNS):
            scans.append(scan(parquet))
            started, cpu = time.perf_counter(), time.process_time()
            counts = aggregate(parquet, Path(scratch) / "client", progress=False)
            runs.append((time.perf_counter() - started, time.process_time() - cpu))
        (scan_wall, scan_cpu), (wall, cpu) = ([min(column) for column in zip(*times)] for times in (scans, runs))
        lines = sum(1 for _ in open(counts)) - 1
        print(f"baseline: DuckDB scanning date, segment, channel, nps, csi, ces once: {scan_wall:.2f} s "
              f"(runs: {', '.join(f'{s:.2f}' for s, _ in scans)}), CPU {scan_cpu:.2f} s")
        print(f"cxkit aggregate: {wall:.2f} s for {rows:,} responses -> {lines:,} count rows "
              f"(runs: {', '.join(f'{s:.2f}' for s, _ in runs)}), CPU {cpu:.2f} s; "
              f"{wall / scan_wall:.2f}x the scan, {cpu / scan_cpu:.2f}x its CPU time (aim: within 2x)")

if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000_000)
