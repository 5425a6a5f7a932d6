"""Client folders in the shapes real exports take, each made from the demo company by one change.

Every shape here once crashed ``cxkit run``; tests run each through ``cxkit check`` and ``cxkit run``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def _survey(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False)


def _append_toml(folder: Path, text: str) -> None:
    with open(folder / "client.toml", "a", encoding="utf-8") as handle:
        handle.write("\n" + text + "\n")


def no_nps(folder: Path) -> None:
    _write(_survey(folder).drop(columns=["nps"]), folder / "survey.csv")


def no_csi(folder: Path) -> None:
    _write(_survey(folder).drop(columns=["csi"]), folder / "survey.csv")


def only_nps(folder: Path) -> None:
    _write(_survey(folder)[["date", "nps"]], folder / "survey.csv")
    for name in ("customers.csv", "scorecard.csv", "journey.csv", "lifecycle.csv", "mystery_shopping.csv"):
        (folder / name).unlink()


def only_csat_words(folder: Path) -> None:
    survey = _survey(folder)
    survey["csat"] = survey["csi"].map({"5": "satisfied", "4": "satisfied", "3": "neutral or dissatisfied",
                                        "2": "neutral or dissatisfied", "1": "neutral or dissatisfied", "": ""})
    _write(survey[["response_id", "date", "channel", "segment", "csat", "comment"]], folder / "survey.csv")
    _append_toml(folder, '[scales.csat]\nsatisfied = ["satisfied"]')


def only_ces(folder: Path) -> None:
    _write(_survey(folder)[["response_id", "date", "channel", "ces"]], folder / "survey.csv")


def only_comments(folder: Path) -> None:
    _write(_survey(folder)[["response_id", "date", "comment"]], folder / "survey.csv")


def reversed_csat(folder: Path) -> None:
    """Friends-and-Family style: 1 = very good ... 5 = very poor, undated, no other score."""
    survey = _survey(folder)
    survey["fft"] = survey["csi"].map(lambda v: str(6 - int(v)) if v else "")
    _write(survey[["response_id", "fft", "comment"]], folder / "survey.csv")
    _append_toml(folder, '[columns.survey]\ncsat = "FFT"\n\n[scales.csat]\nmin = 1\nmax = 5\nsatisfied = [1, 2]')


def single_period(folder: Path) -> None:
    survey = _survey(folder)
    survey["date"] = "2025-11-15"
    survey["contact_at"] = survey["contact_at"].where(survey["contact_at"] == "", "2025-11-15 09:00")
    survey["followed_up_at"] = survey["followed_up_at"].where(survey["followed_up_at"] == "", "2025-11-15 12:00")
    _write(survey, folder / "survey.csv")


def undated(folder: Path) -> None:
    _write(_survey(folder).drop(columns=["date"]), folder / "survey.csv")


def group_of_one(folder: Path) -> None:
    survey = _survey(folder)
    survey.loc[survey.index[-1], "channel"] = "fax"
    survey.loc[survey.index[0], "segment"] = "embassy"
    _write(survey, folder / "survey.csv")


def journey_unknowns(folder: Path) -> None:
    journey = pd.read_csv(folder / "journey.csv", dtype=str, keep_default_na=False)
    journey = journey.drop(columns=[c for c in ("fix_effort",) if c in journey])
    for column, row in (("high_effort", 0), ("complaints", 1), ("promises_made", 2), ("promises_kept", 2),
                        ("delays", 3), ("delays_announced", 3), ("moved_on", 4)):
        journey.loc[row, column] = ""
    _write(journey, folder / "journey.csv")


def text_period_labels(folder: Path) -> None:
    scorecard = pd.read_csv(folder / "scorecard.csv", dtype=str, keep_default_na=False)
    scorecard["period"] = scorecard["period"].str.replace(r"(\d{4})-Q(\d)", r"Q\2 \1", regex=True)
    _write(scorecard, folder / "scorecard.csv")
    _append_toml(folder, '[periods.labels]\n"2025-Q1" = "Q1 2025"\n"2025-Q2" = "Q2 2025"\n'
                         '"2025-Q3" = "Q3 2025"\n"2025-Q4" = "Q4 2025"')


def exported_dates(folder: Path) -> None:
    """Dates as exports write them: day/month/year with slashes, month names and Excel day numbers."""
    survey = _survey(folder)
    dates = pd.to_datetime(survey["date"])
    survey["date"] = dates.dt.strftime("%d/%m/%Y")
    survey.loc[::3, "date"] = dates[::3].dt.strftime("%d %B %Y")
    survey.loc[1::3, "date"] = ((dates[1::3] - pd.Timestamp("1899-12-30")).dt.days).astype(str)
    _write(survey, folder / "survey.csv")


def counts_only(folder: Path) -> None:
    from cxlib.client import load_client
    from cxlib.client.counts import survey_counts

    client = load_client(folder)
    counts = survey_counts(client.survey.drop(columns=["csat"]))
    counts.to_csv(folder / "survey_counts.csv", index=False)
    (folder / "survey.csv").unlink()


SHAPES: dict[str, Callable[[Path], None]] = {
    shape.__name__: shape for shape in (
        no_nps, no_csi, only_nps, only_csat_words, only_ces, only_comments, reversed_csat, single_period, undated,
        group_of_one, journey_unknowns, text_period_labels, exported_dates, counts_only)
}


def make(shape: str, folder: Path) -> Path:
    """Copy the demo into ``folder`` and change it into ``shape``."""
    shutil.copytree(DEMO, folder)
    (folder / "README.md").unlink(missing_ok=True)
    SHAPES[shape](folder)
    return folder
