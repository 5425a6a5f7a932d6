"""The survey as score counts: the same statistics as from the rows, and the DuckDB aggregation that makes them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import cxlib
import cxlib.cli
from cxlib import scorecard
from cxlib import survey as analysis

KIT_ROOT = Path(__file__).resolve().parents[1]
DEMO = KIT_ROOT / "data" / "demo"


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    """The demo as rows, and a copy that gives the same survey as counts only."""
    rows = cxlib.load_client(DEMO)
    folder = Path(shutil.copytree(DEMO, tmp_path_factory.mktemp("counts") / "demo"))
    (folder / "survey.csv").unlink()
    rows.counts.to_csv(folder / "survey_counts.csv", index=False)
    return rows, cxlib.load_client(folder)


def test_counts_only_client_loads(clients):
    rows, counts = clients
    assert not counts.has_rows and counts.survey.empty
    assert counts.periods == rows.periods
    assert counts.responses("period").to_dict() == rows.responses("period").to_dict()


@pytest.mark.parametrize("by", [None, "period", ["period", "channel"], "segment"])
def test_summaries_from_counts_equal_those_from_rows(clients, by):
    rows, counts = clients
    metrics = ["nps", "csat", "csi", "ces"]
    from_rows = analysis.summarize(rows.survey, by=by, metrics=metrics, scales=rows.config["scales"])
    from_counts = analysis.summarize(counts.counts, by=by, metrics=metrics, scales=counts.config["scales"])
    pd.testing.assert_frame_equal(from_rows, from_counts)


@pytest.mark.parametrize("metric", ["nps", "csat", "csi", "ces"])
def test_changes_and_group_tests_from_counts_equal_those_from_rows(clients, metric):
    rows, counts = clients
    scales = rows.config["scales"]
    pd.testing.assert_frame_equal(analysis.changes(rows.survey, metric, within="channel", scales=scales),
                                  analysis.changes(counts.counts, metric, within="channel", scales=scales))
    pd.testing.assert_frame_equal(analysis.versus_rest(rows.survey, "segment", metric, scales=scales),
                                  analysis.versus_rest(counts.counts, "segment", metric, scales=scales))


def test_scorecard_derivations_from_counts(clients):
    rows, counts = clients
    derived_rows = scorecard.derive(rows.survey, rows.customers)
    derived_counts = scorecard.derive(counts.counts, counts.customers)
    columns = ["metric", "period", "value", "n", "low", "high"]
    pd.testing.assert_frame_equal(derived_rows[columns], derived_counts[columns])
    customer = derived_counts["level"] == "customer"
    assert set(derived_counts.loc[customer, "source"]) == {"derived from survey_counts.csv"}


def test_row_only_analyses_say_why_they_cannot_run(clients):
    _, counts = clients
    with pytest.raises(ValueError, match="needs one row per response"):
        analysis.reasons(counts.counts)
    with pytest.raises(ValueError, match="needs one row per response"):
        analysis.closed_loop(counts.counts)
    result = cxlib.diagnosis.diagnose(counts)
    assert any("need one row per response" in item for item in result.skipped)
    assert not result.changes.empty  # the phone channel's drop is found from counts too


def test_survey_given_both_ways_is_refused(tmp_path):
    folder = Path(shutil.copytree(DEMO, tmp_path / "both"))
    cxlib.load_client(DEMO).counts.to_csv(folder / "survey_counts.csv", index=False)
    with pytest.raises(cxlib.DataError, match="give the survey one way, rows or counts"):
        cxlib.load_client(folder)


def test_counts_outside_the_scale_are_named(tmp_path):
    folder = Path(shutil.copytree(DEMO, tmp_path / "bad"))
    (folder / "survey.csv").unlink()
    (folder / "survey_counts.csv").write_text("period,segment,channel,question,score,n\n"
                                             "2025-Q1,private,phone,nps,11,4\n2025-Q1,private,phone,csi,3,2\n")
    with pytest.raises(cxlib.DataError, match=r"survey_counts.csv row 2, score: '11' is outside 0–10 for nps"):
        cxlib.load_client(folder)


def test_cxkit_run_on_a_counts_only_client(clients, tmp_path):
    _, counts = clients
    report = cxlib.cli.run(counts.path, tmp_path / "out", echo=lambda *_: None)
    page = report.read_text(encoding="utf-8")
    assert 'id="summary"' in page and 'id="chapter-nps"' in page and "<script" not in page


# --------------------------------------------------------------------------- DuckDB


def test_aggregate_csv_and_parquet_match_the_kit(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    from cxlib.aggregate import aggregate

    expected = cxlib.load_client(DEMO).counts
    expected = expected[expected["question"] != "csat"]  # the loader derives CSAT from the CSI counts
    parquet = tmp_path / "survey.parquet"
    source = str(DEMO / "survey.csv").replace("'", "''")
    duckdb.execute(f"COPY (SELECT * FROM read_csv('{source}', all_varchar = true)) TO '{parquet}' (FORMAT parquet)")
    for survey_file in (DEMO / "survey.csv", parquet):
        out = tmp_path / survey_file.suffix[1:]
        counts = pd.read_csv(aggregate(survey_file, out, progress=False), dtype={"score": "Int64", "n": "Int64"},
                             keep_default_na=False, na_values={"score": [""]})
        key = ["period", "segment", "channel", "question", "score"]
        merged = expected.merge(counts, on=key, how="outer", suffixes=("_kit", "_duckdb"), indicator=True)
        assert (merged["_merge"] == "both").all(), survey_file.name
        assert (merged["n_kit"] == merged["n_duckdb"]).all(), survey_file.name


def test_aggregate_names_unreadable_values(tmp_path):
    pytest.importorskip("duckdb")
    from cxlib.aggregate import aggregate

    survey = tmp_path / "survey.csv"
    survey.write_text("response_id,date,channel,segment,nps,csi,ces\nR1,2025-01-05,web,a,9,5,6\n"
                      "R2,someday,web,a,nine,5,6\nR3,05.01.2025,web,a,,4,6\n")
    with pytest.raises(ValueError,
                       match=r"date: 1 values cannot be read, e.g. 'someday'; nps: 1 values cannot be read"):
        aggregate(survey, tmp_path / "out", progress=False)


def test_aggregate_reads_labels_and_dont_know_and_refuses_fractions(tmp_path):
    pytest.importorskip("duckdb")
    from cxlib.aggregate import aggregate

    survey = tmp_path / "survey.csv"
    survey.write_text("response_id,date,channel,segment,nps,csi,ces\nR1,2025-01-05,web,a,9 - very likely,5,6\n"
                      "R2,05.01.2025,web,a,N/A,4,6\nR3,2025-02-01,web,a,,не знаю,6\n", encoding="utf-8")
    counts = pd.read_csv(aggregate(survey, tmp_path / "out", progress=False), dtype={"score": "Int64"})
    nps = counts[counts["question"] == "nps"]
    assert nps.loc[nps["score"] == 9, "n"].tolist() == [1]  # the label read
    assert nps.loc[nps["score"].isna(), "n"].tolist() == [2]  # the don't-know and the blank, counted as blank
    survey.write_text("response_id,date,channel,segment,nps,csi,ces\nR1,2025-01-05,web,a,9.6,5,6\n")
    with pytest.raises(ValueError, match=r"nps: 1 values cannot be read, e.g. '9.6'"):
        aggregate(survey, tmp_path / "out", progress=False)
    with pytest.raises(ValueError, match="no such file"):
        aggregate(tmp_path / "missing.parquet", tmp_path / "out", progress=False)
    (tmp_path / "bad.csv").write_text("response_id,channel\nR1,web\n")
    with pytest.raises(ValueError, match="DuckDB could not read it"):
        aggregate(tmp_path / "bad.csv", tmp_path / "out", progress=False)
