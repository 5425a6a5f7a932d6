"""How each stage's time grows with responses, segments (channels) and periods; the figures in docs/performance.md.

Each stage is timed at three sizes and printed with its ratio to the smallest
size, measured in the same run.
"""

from __future__ import annotations

import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np

import cxlib

from bigclient import make_big_client


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def stages(client) -> dict[str, float]:
    survey = client.survey
    return {
        "summarize by period x channel": timed(lambda: cxlib.summarize(survey, by=["period", "channel"]))[0],
        "changes within channel": timed(lambda: cxlib.changes(survey, "nps", within="channel"))[0],
        "reasons + closed loop": timed(lambda: (cxlib.reasons(survey), cxlib.closed_loop(survey)))[0],
        "loyalty matrix": timed(lambda: cxlib.loyalty_matrix(survey, client.customers))[0],
        "whole diagnosis": timed(lambda: cxlib.diagnosis.diagnose(client))[0],
    }


def report(title: str, sizes: list[str], rows: list[dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"  {'stage':32}" + "".join(f"{size:>16}" for size in sizes))
    for stage in rows[0]:
        base = rows[0][stage]
        cells = [f"{r[stage]:7.2f} s ({r[stage] / base:5.1f}x)" for r in rows]
        print(f"  {stage:32}" + "".join(f"{cell:>16}" for cell in cells))


def relabel(client, column: str, labels: list[str], seed: int = 3):
    rng = np.random.default_rng(seed)
    client.survey[column] = np.array(labels, dtype=object)[rng.integers(0, len(labels), len(client.survey))]
    return client


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        rows = []
        for size in (10_000, 100_000, 1_000_000):
            folder = make_big_client(scratch / f"c{size}", size)
            seconds, client = timed(partial(cxlib.load_client, folder))
            rows.append({"load and validate": seconds, **stages(client)})
        report("responses: 10,000 / 100,000 / 1,000,000 (4 channels, 4 quarters)",
               ["10k", "100k", "1M"], rows)

        base = cxlib.load_client(make_big_client(scratch / "base", 100_000))
        rows = []
        for channels in (4, 40, 400):
            client = relabel(cxlib.load_client(base.path), "channel", [f"ch{i}" for i in range(channels)])
            rows.append(stages(client))
        report("channels: 4 / 40 / 400 (100,000 responses)", ["4", "40", "400"], rows)

        rows = []
        for periods in (4, 12, 48):
            client = relabel(cxlib.load_client(base.path), "period", [f"2025-P{i:02d}" for i in range(periods)])
            client.survey["date"] = client.survey["date"].min() + \
                (client.survey["period"].str[-2:].astype(int) * 7).map(lambda d: np.timedelta64(d, "D"))
            rows.append(stages(client))
        report("periods: 4 / 12 / 48 (100,000 responses)", ["4", "12", "48"], rows)


if __name__ == "__main__":
    main()
