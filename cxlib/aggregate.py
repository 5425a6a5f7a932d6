"""Turn a survey file of any size into ``survey_counts.csv`` with DuckDB, without loading it into memory.

DuckDB runs in-process (no server) and streams CSV or Parquet files larger
than memory through one ``GROUP BY``: the same query a client can run in their
own warehouse (docs/large_clients.md). The result is small; the kit's
statistics that depend only on score counts then run on it unchanged.

Examples
--------
>>> from cxlib.aggregate import aggregate
>>> aggregate("exports/survey.parquet", "clients/acme")               # doctest: +SKIP
PosixPath('clients/acme/survey_counts.csv')
"""

from __future__ import annotations

from pathlib import Path

QUESTIONS = ("nps", "csi", "ces")
PERIOD_SQL = {
    "quarter": "strftime(day, '%Y') || '-Q' || CAST(quarter(day) AS VARCHAR)",
    "month": "strftime(day, '%Y-%m')",
    "year": "strftime(day, '%Y')",
}


def _source(path: Path) -> str:
    quoted = str(path).replace("'", "''")
    if path.suffix.lower() == ".parquet":
        return f"read_parquet('{quoted}')"
    if path.suffix.lower() == ".csv":
        return f"read_csv('{quoted}', all_varchar = true, header = true)"
    raise ValueError(f"{path.name}: cxkit aggregate reads .csv or .parquet files")


def aggregate(source: str | Path, out_dir: str | Path, *, frequency: str = "quarter",
              progress: bool = True) -> Path:
    """Count each score per period, segment, channel and question, and write ``survey_counts.csv``.

    Parameters
    ----------
    source : path
        ``survey.csv`` or ``survey.parquet`` with the contract's columns (date,
        segment, channel, nps, csi, ces); any size.
    out_dir : path
        The client folder to write ``survey_counts.csv`` into.
    frequency : {"quarter", "month", "year"}
        How dates become periods, as in ``client.toml``.
    progress : bool
        Show DuckDB's progress bar for long runs.

    Raises
    ------
    ValueError
        When a date or a score cannot be read, naming how many and a few examples:
        nothing is counted as blank that was not blank.
    """
    import duckdb

    source, out_dir = Path(source), Path(out_dir)
    if frequency not in PERIOD_SQL:
        raise ValueError(f"frequency must be one of {', '.join(PERIOD_SQL)}; got {frequency!r}")
    if not source.is_file():
        raise ValueError(f"{source}: no such file")
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        return _aggregate(duckdb, source, out_dir, frequency, progress)
    except duckdb.Error as error:  # a missing file or column, an encoding DuckDB cannot read
        raise ValueError(f"{source.name}: DuckDB could not read it: {error}") from error


def _aggregate(duckdb, source: Path, out_dir: Path, frequency: str, progress: bool) -> Path:
    from cxlib.client import DONT_KNOW

    connection = duckdb.connect()
    connection.execute(f"SET enable_progress_bar = {'true' if progress else 'false'}")
    text = "NULLIF(TRIM(CAST({0} AS VARCHAR)), '')"
    dont_know = ", ".join("'" + word.replace("'", "''") + "'" for word in sorted(DONT_KNOW))
    # as the loader: a whole number, or a whole number written with its label ("9 - very likely");
    # explicit don't-know words are blanks; anything else (9.6, "nine") cannot be read and stops the run
    score = ("CASE WHEN lower({t}) IN ({dk}) THEN NULL "
             "ELSE TRY_CAST(regexp_extract({t}, '^(-?[0-9]+)(\\s*([-–—:=.)]|\\s)\\s*[^0-9.,].*)?$', 1) AS INTEGER) END")
    connection.execute(f"""
        CREATE TEMP VIEW answers AS
        SELECT COALESCE(TRY_CAST({text.format('date')} AS DATE),
                        CAST(TRY_STRPTIME({text.format('date')}, '%d.%m.%Y') AS DATE)) AS day,
               {text.format('date')} AS date_text,
               COALESCE(CAST(segment AS VARCHAR), '') AS segment,
               COALESCE(CAST(channel AS VARCHAR), '') AS channel,
               {', '.join(f"{text.format(q)} AS {q}_text, lower({text.format(q)}) IN ({dont_know}) AS {q}_dont_know, "
                          f"{score.format(t=text.format(q), dk=dont_know)} AS {q}" for q in QUESTIONS)}
        FROM {_source(source)}""")
    problems = []
    for column, parsed in [("date", "day")] + [(q, q) for q in QUESTIONS]:
        known_blank = f" AND NOT {column}_dont_know" if column != "date" else ""
        bad = connection.execute(
            f"SELECT count(*), list(DISTINCT {column}_text)[1:5] FROM answers "
            f"WHERE {column}_text IS NOT NULL AND {parsed} IS NULL{known_blank}").fetchone()
        if bad[0]:
            problems.append(f"{column}: {bad[0]} values cannot be read, e.g. {', '.join(map(repr, bad[1]))}")
    if problems:
        raise ValueError(f"{source.name}: " + "; ".join(problems))
    period = PERIOD_SQL[frequency]
    union = "\nUNION ALL\n".join(
        f"SELECT {period} AS period, segment, channel, '{q}' AS question, {q} AS score, count(*) AS n "
        f"FROM answers GROUP BY ALL" for q in QUESTIONS)
    target = out_dir / "survey_counts.csv"
    quoted = str(target).replace("'", "''")
    connection.execute(f"COPY (SELECT * FROM ({union}) ORDER BY period, segment, channel, question, score NULLS FIRST) "
                       f"TO '{quoted}' (HEADER, DELIMITER ',')")
    connection.close()
    return target
