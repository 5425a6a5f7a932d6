"""Masking contact details grows with the text, not its square (cxlib.privacy.mask_pii on adversarial comments).

Run with `python bench/bench_privacy.py`. Not a test: timings belong here, where a loaded machine cannot fail a
build. For each adversarial comment (the units tests/test_privacy.py names) it masks 50,000 and 200,000 characters
and prints the time of each, their ratio (about 4 when linear, 16 when quadratic) and the ratio of the long one to
a baseline measured in the same run on the same text: one regular-expression pass over every word (``\\w+``).
The tests hold the structure that keeps it linear (no nested quantifier in any pattern; each start of a phone
window tries a bounded number of windows).
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_privacy import ADVERSARIAL  # noqa: E402

from cxlib.privacy import mask_pii  # noqa: E402

WORDS = re.compile(r"\w+")


def best_time(function, text: str, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    print(f"{'comment':<20} {'50k s':>8} {'200k s':>8} {'growth':>7} {'vs word pass':>13}")
    worst = 0.0
    for name, unit in sorted(ADVERSARIAL.items()):
        small, large = (unit * 50_000)[:50_000], (unit * 200_000)[:200_000]
        short, long = best_time(mask_pii, small), best_time(mask_pii, large)
        baseline = best_time(WORDS.findall, large)
        growth = long / max(short, 1e-6)
        worst = max(worst, growth)
        print(f"{name:<20} {short:8.3f} {long:8.3f} {growth:6.1f}x {long / max(baseline, 1e-6):12.0f}x")
    print(f"largest growth for four times the text: {worst:.1f}x (linear about 4x, quadratic 16x)")


if __name__ == "__main__":
    main()
