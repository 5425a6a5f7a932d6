"""`cxkit run` on the demo and on a generated large client: wall time per notebook and peak memory.

Each figure is printed with its ratio to a baseline measured in the same run:
the demo against one notebook executed alone (the floor any run pays: a kernel
start and the imports), the large client against the demo.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

import cxlib.cli

from bigclient import make_big_client

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


class PeakMemory:
    """Samples the memory of this process and all its children (kernels included) four times a second.

    Proportional set size (PSS): a page shared by several processes counts once
    in total, so forked processes are not double-counted as RSS would.
    """

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_full_info().pss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.25)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def timed_run(client: Path, out: Path) -> tuple[float, float, list[str]]:
    lines: list[str] = []
    with PeakMemory() as memory:
        started = time.perf_counter()
        cxlib.cli.run(client, out, echo=lines.append)
        seconds = time.perf_counter() - started
    return seconds, memory.peak / 2**30, [line for line in lines if line.startswith("  [")]


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        started = time.perf_counter()
        cxlib.cli.execute_notebook(cxlib.cli.chapter_notebooks()[0], scratch / "single.ipynb", DEMO)
        floor = time.perf_counter() - started
        print(f"baseline: one notebook (00_start_here) executed alone on the demo: {floor:.1f} s")
        demo_seconds, demo_peak, lines = timed_run(DEMO, scratch / "demo")
        print(f"cxkit run on the demo (2,400 responses): {demo_seconds:.1f} s, peak memory {demo_peak:.2f} GiB "
              f"(aim: under 30 s); {demo_seconds / floor:.1f}x the single notebook")
        for line in lines:
            print("   ", line.strip())
        for size in sizes:
            client = make_big_client(scratch / f"big{size}", size)
            seconds, peak, lines = timed_run(client, scratch / f"out{size}")
            print(f"cxkit run on a {size:,}-response client: {seconds:.1f} s, peak memory {peak:.2f} GiB "
                  f"(aim: under 120 s and 2 GiB); {seconds / demo_seconds:.1f}x the demo")
            for line in lines:
                print("   ", line.strip())


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1_000_000])
