"""A large client for the benchmarks: the demo company's answers resampled to any number of responses.

The customers, scorecard, questionnaire, journey and mystery-shopping files are
the demo's; only the survey grows. Vectorised, so a million responses take
seconds to write.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


def make_big_client(folder: str | Path, responses: int, seed: int = 7) -> Path:
    """Write a client folder whose survey.csv has ``responses`` rows drawn from the demo's survey."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(DEMO, folder)
    survey = pd.read_csv(DEMO / "survey.csv", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(survey), size=responses)
    big = survey.iloc[picks].reset_index(drop=True)
    big["response_id"] = [f"B{i:08d}" for i in range(responses)]
    big.to_csv(folder / "survey.csv", index=False)
    return folder


if __name__ == "__main__":
    target, size = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    print(make_big_client(target, size))
