"""`cxkit aggregate` on a generated Parquet survey of 50,000,000 responses, against a full scan of the same file.

The baseline is DuckDB reading every column of the file once (`SELECT` of
min/max over all columns): the floor any aggregation pays. The ratio says what
the parsing, validation and GROUP BY add on top.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import duckdb

from cxlib.aggregate import aggregate


def make_parquet(path: Path, rows: int) -> None:
    duckdb.execute(f"""
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


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        parquet = Path(scratch) / "survey.parquet"
        started = time.perf_counter()
        make_parquet(parquet, rows)
        print(f"generated {rows:,} responses as Parquet ({parquet.stat().st_size / 2**20:.0f} MiB) "
              f"in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        duckdb.execute(f"SELECT min(response_id), max(date), min(channel), min(segment), sum(nps), sum(csi), "
                       f"sum(ces) FROM read_parquet('{parquet}')").fetchall()
        scan = time.perf_counter() - started
        print(f"baseline: DuckDB scanning every column once: {scan:.1f} s")
        started = time.perf_counter()
        counts = aggregate(parquet, Path(scratch) / "client", progress=False)
        seconds = time.perf_counter() - started
        lines = sum(1 for _ in open(counts)) - 1
        print(f"cxkit aggregate: {seconds:.1f} s for {rows:,} responses -> {lines:,} count rows "
              f"(aim: under 60 s for 50,000,000); {seconds / scan:.1f}x the scan")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000_000)
