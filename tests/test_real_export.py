"""A real published export, read by its column mapping alone: tests/fixtures/real/nhs_fft_nottinghamshire.

The expected figures are computed here from the raw CSV with the csv module, independently of the kit's reader.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

import cxlib
import cxlib.cli

FOLDER = Path(__file__).parent / "fixtures" / "real" / "nhs_fft_nottinghamshire"
ROWS = 1507


@pytest.fixture(scope="module")
def raw() -> list[dict[str, str]]:
    with open(FOLDER / "survey.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def client() -> cxlib.Client:
    return cxlib.load_client(FOLDER)


def test_every_published_row_arrives(raw, client):
    assert len(raw) == ROWS
    assert len(client.survey) == ROWS
    assert client.csat_source == "csat"
    assert list(client.survey["response_id"]) == [row["Respondent ID"] for row in raw]  # "NHFT 07" keeps its zero


def test_answers_plus_blanks_are_the_rows(client):
    for metric in ("nps", "csat", "csi", "ces"):
        estimate = cxlib.estimate(client.answers, metric, scales=client.config["scales"])
        assert estimate.n + estimate.missing == ROWS, metric
    csat = cxlib.estimate(client.answers, "csat", scales=client.config["scales"])
    assert (csat.n, csat.missing) == (ROWS - 195, 195)  # the undocumented code 7 is declared as no answer
    for metric in ("nps", "csi", "ces"):  # the export has no such question
        assert cxlib.estimate(client.answers, metric, scales=client.config["scales"]).n == 0


def test_share_satisfied_matches_the_raw_file(raw, client):
    answers = Counter(row["FFT categorical answer"] for row in raw)
    assert answers == {"1": 826, "2": 252, "7": 195, "5": 97, "3": 74, "4": 63}
    satisfied = answers["1"] + answers["2"]  # FFT: 1 = very good, 2 = good
    estimate = cxlib.estimate(client.answers, "csat", scales=client.config["scales"])
    answered = ROWS - answers["7"]  # [scales.csat] no_answer = [7]: a blank, counted, not an unhappy patient
    assert estimate.value == pytest.approx(100 * satisfied / answered)  # 82.2 %
    assert any("195 don't-know answers" in note for note in client.notes)
    assert int(client.survey["csat"].sum()) == satisfied


def test_dates_are_read_day_first(raw, client):
    dates = [datetime.strptime(row["Date"], "%d/%m/%Y") for row in raw]
    assert client.survey["date"].notna().all()
    assert list(client.survey["date"].dt.to_pydatetime()) == dates
    assert (client.survey["date"].min(), client.survey["date"].max()) == (min(dates), max(dates))
    quarters = Counter(f"{d.year}-Q{(d.month - 1) // 3 + 1}" for d in dates)
    assert dict(client.survey["period"].value_counts()) == quarters
    assert client.periods == ["2021-Q2", "2021-Q3", "2021-Q4", "2022-Q1", "2022-Q2"]
    assert any("read as day/month/year" in note for note in client.notes)


def test_segments_and_comments_arrive(raw, client):
    segments = Counter(row["Service type 1"] or "(not given)" for row in raw)
    assert dict(client.survey["segment"].value_counts()) == segments
    assert segments["Local partnerships- MH"] == 632 and segments["(not given)"] == 25
    written = [row["FFT answer"].strip() for row in raw]
    assert (client.survey["comment"] != "").sum() == sum(1 for text in written if text) == 1109
    assert list(client.survey["comment"]) == written


def test_unmapped_columns_are_kept_as_text(raw, client):
    assert list(client.survey["fft question"]) == [row["FFT question"] for row in raw]
    assert list(client.survey["comment id"]) == [row["Comment ID"] for row in raw]


def test_the_report_is_written(tmp_path):
    report = cxlib.cli.run(FOLDER, tmp_path / "out", workers=2, echo=lambda *_: None)
    assert report.is_file()
    assert "Nottinghamshire Healthcare NHS Foundation Trust" in report.read_text(encoding="utf-8")
