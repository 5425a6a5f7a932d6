"""`cxkit aggregate` counts a typed Parquet file exactly as the same survey written as text.

Integer scores and ``DATE`` dates take the fast path (periods from the file's statistics, scores packed into one
key); text takes the parsing path. Both must write the same ``survey_counts.csv``, byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

duckdb = pytest.importorskip("duckdb")

from cxlib import aggregate as aggregation  # noqa: E402

DEMO_SURVEY = Path(__file__).resolve().parents[1] / "data" / "demo" / "survey.csv"


def _copy(tmp_path: Path, name: str, select: str) -> Path:
    """Write ``select`` over the demo survey (read with DuckDB's own types) as a Parquet file."""
    target = tmp_path / name
    source = str(DEMO_SURVEY).replace("'", "''")
    with duckdb.connect() as connection:
        connection.execute(f"CREATE VIEW demo AS SELECT * FROM read_csv('{source}')")
        connection.execute(f"COPY ({select}) TO '{target}' (FORMAT parquet)")
    return target


def _counts(source: Path, out: Path, frequency: str = "quarter") -> bytes:
    return aggregation.aggregate(source, out, frequency=frequency, progress=False).read_bytes()


@pytest.mark.parametrize("frequency", ["quarter", "month", "year"])
def test_typed_parquet_counts_as_the_text_file(tmp_path, frequency):
    typed = _copy(tmp_path, "typed.parquet", "SELECT * FROM demo")
    with duckdb.connect() as connection:
        kinds = dict(connection.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
                                        f"read_parquet('{typed}'))").fetchall())
    assert kinds["date"] == "DATE" and kinds["nps"] in aggregation.INTEGER_TYPES  # the fast path is the one tested
    expected = _counts(DEMO_SURVEY, tmp_path / "csv", frequency)
    assert _counts(typed, tmp_path / "parquet", frequency) == expected


def _as_text(tmp_path: Path, typed: Path) -> Path:
    """The same survey with every column written as text, as a CSV export would give it."""
    text = tmp_path / f"{typed.stem}_text.parquet"
    columns = ", ".join(f"CAST({name} AS VARCHAR) AS {name}" for name in ("date", *aggregation.QUESTIONS))
    with duckdb.connect() as connection:
        connection.execute(f"COPY (SELECT {columns}, segment, channel FROM read_parquet('{typed}')) "
                           f"TO '{text}' (FORMAT parquet)")
    return text


@pytest.mark.parametrize("date", [
    "CASE WHEN nps = 3 THEN NULL ELSE date END",  # blank dates beside the search over periods
    "CAST(date AS TIMESTAMP) + INTERVAL 20 HOUR",  # timestamps: the day they fall on
    "CASE WHEN response_id = 'R00007' THEN DATE '1961-04-12' ELSE date END",  # too many periods to search
])
def test_other_types_blanks_and_far_dates_count_as_text(tmp_path, date):
    typed = _copy(tmp_path, "typed.parquet", f"""
        SELECT {date} AS date, segment, CASE WHEN csi = 2 THEN NULL ELSE channel END AS channel,
               CAST(nps AS TINYINT) AS nps, CAST(csi AS SMALLINT) AS csi, CAST(ces AS UBIGINT) AS ces FROM demo""")
    text = _as_text(tmp_path, typed)
    for frequency in ("quarter", "month"):
        expected = _counts(text, tmp_path / "text", frequency)
        assert _counts(typed, tmp_path / "typed", frequency) == expected
        assert b"\n," in expected or "NULL" not in date  # a blank date is counted in a blank period
        assert b"\n1961-" in expected or "1961" not in date


def test_without_statistics_the_same_counts(tmp_path, monkeypatch):
    typed = _copy(tmp_path, "typed.parquet", "SELECT * FROM demo")
    expected = _counts(typed, tmp_path / "with")
    monkeypatch.setattr(aggregation, "_parquet_ranges", lambda *_: {})  # a writer that keeps no statistics
    assert _counts(typed, tmp_path / "without") == expected


def test_scores_far_apart_keep_their_values(tmp_path):
    typed = _copy(tmp_path, "typed.parquet", """
        SELECT * REPLACE (CASE response_id WHEN 'R00001' THEN 3000000000 WHEN 'R00002' THEN -5
                          ELSE nps END AS nps, CASE WHEN response_id = 'R00003' THEN 4611686018427387904
                          ELSE csi END AS csi) FROM demo""")
    counts = pd.read_csv(aggregation.aggregate(typed, tmp_path / "out", progress=False),
                         dtype={"score": "Int64"}, keep_default_na=False, na_values={"score": [""]})
    plain = pd.read_csv(aggregation.aggregate(DEMO_SURVEY, tmp_path / "plain", progress=False),
                        dtype={"score": "Int64"}, keep_default_na=False, na_values={"score": [""]})
    by_score = counts.groupby(["question", "score"])["n"].sum()
    assert by_score[("nps", 3000000000)] == 1 and by_score[("nps", -5)] == 1
    assert by_score[("csi", 4611686018427387904)] == 1
    assert counts["n"].sum() == plain["n"].sum()
    ces = ["period", "segment", "channel", "score", "n"]
    pd.testing.assert_frame_equal(counts[counts["question"] == "ces"][ces].reset_index(drop=True),
                                  plain[plain["question"] == "ces"][ces].reset_index(drop=True))
