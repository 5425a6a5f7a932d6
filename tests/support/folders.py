"""Hypothesis strategies for client folders inside the contract, for the property "check passes ⇒ run passes".

A folder is drawn as a plain description (which columns, which files, how many periods, where the blanks are) and
written by :func:`write`, so a failing example prints as something a person can read and rebuild.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from hypothesis import strategies as st

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
SCORE_COLUMNS = ("nps", "csat", "csi", "ces", "comment")
OPTIONAL_COLUMNS = ("response_id", "date", "channel", "segment", "customer_id", "reason_code")
OPTIONAL_FILES = ("customers", "scorecard", "lifecycle", "journey", "mystery_shopping")
COMMENTS = ("Fast and friendly.", "Долго ждали, никто не позвонил.", "ok", "The price was too high!", "")


@st.composite
def folders(draw) -> dict:
    """A description of one client folder."""
    scores = draw(st.sets(st.sampled_from(SCORE_COLUMNS), min_size=1))
    columns = draw(st.sets(st.sampled_from(OPTIONAL_COLUMNS)))
    rows = draw(st.integers(min_value=1, max_value=60))
    return {
        "columns": sorted(scores | columns),
        "rows": rows,
        "periods": draw(st.integers(min_value=1, max_value=8)),
        "latest_rows": draw(st.integers(min_value=1, max_value=rows)),  # a tiny last period, or all of them
        "blank_share": draw(st.sampled_from([0.0, 0.1, 0.5, 0.95])),
        "constant": draw(st.booleans()),  # every answer the same
        "channels": draw(st.integers(min_value=1, max_value=4)),
        "csat_words": draw(st.booleans()),
        "files": sorted(draw(st.sets(st.sampled_from(OPTIONAL_FILES)))),
        "journey_blanks": draw(st.booleans()),
        "seed": draw(st.integers(min_value=0, max_value=2**16)),
        "language": draw(st.sampled_from(["en", "ru"])),
    }


def _dates(spec: dict, rng) -> list[str]:
    """Quarterly dates: the last period holds ``latest_rows`` answers, the others share the rest."""
    quarters = pd.period_range("2023Q1", periods=spec["periods"], freq="Q")
    latest = spec["latest_rows"] if spec["periods"] > 1 else spec["rows"]
    earlier = [quarters[i % max(spec["periods"] - 1, 1)] for i in range(spec["rows"] - latest)]
    chosen = earlier + [quarters[-1]] * latest
    return [(q.start_time + pd.Timedelta(days=int(rng.integers(0, 80)))).strftime("%Y-%m-%d") for q in chosen]


def _score(rng, low: int, high: int, n: int, constant: bool) -> list[str]:
    values = [int(rng.integers(low, high + 1))] * n if constant else list(rng.integers(low, high + 1, n))
    return [str(v) for v in values]


def survey_frame(spec: dict) -> pd.DataFrame:
    import numpy as np

    rng = np.random.default_rng(spec["seed"])
    n = spec["rows"]
    data = {
        "response_id": [f"R{i}" for i in range(n)],
        "date": _dates(spec, rng),
        "channel": [f"channel {i % spec['channels']}" for i in range(n)],
        "segment": [["private", "fleet"][i % 2] for i in range(n)],
        "customer_id": [f"C{i % 25}" for i in range(n)],
        "reason_code": [["booking", "price", "staff", ""][i % 4] for i in range(n)],
        "nps": _score(rng, 0, 10, n, spec["constant"]),
        "csi": _score(rng, 1, 5, n, spec["constant"]),
        "ces": _score(rng, 1, 7, n, spec["constant"]),
        "comment": [COMMENTS[int(i)] for i in rng.integers(0, len(COMMENTS), n)],
    }
    csat = _score(rng, 1, 5, n, spec["constant"])
    data["csat"] = [("satisfied" if int(v) >= 4 else "not satisfied") for v in csat] if spec["csat_words"] else csat
    frame = pd.DataFrame(data)[spec["columns"]]
    for column in set(spec["columns"]) & {"nps", "csat", "csi", "ces", "channel", "segment", "customer_id"}:
        blank = rng.random(n) < spec["blank_share"]
        frame.loc[blank, column] = ""
    return frame


def write(spec: dict, folder: Path) -> Path:
    """Write the described folder: the survey, client.toml, and the chosen optional files from the demo."""
    folder.mkdir(parents=True)
    survey_frame(spec).to_csv(folder / "survey.csv", index=False)
    toml = f'name = "Drawn Co"\nlanguage = "{spec["language"]}"\n'
    if spec["csat_words"]:
        toml += '\n[scales.csat]\nsatisfied = ["satisfied"]\n'
    (folder / "client.toml").write_text(toml, encoding="utf-8")
    for name in spec["files"]:
        shutil.copy(DEMO / f"{name}.csv", folder / f"{name}.csv")
    if "journey" in spec["files"] and spec["journey_blanks"]:
        journey = pd.read_csv(folder / "journey.csv", dtype=str, keep_default_na=False)
        for i, column in enumerate(c for c in journey.columns if c not in ("stage", "touchpoint", "channel",
                                                                             "reached")):
            journey.loc[i % len(journey), column] = ""
        journey.to_csv(folder / "journey.csv", index=False)
    return folder
