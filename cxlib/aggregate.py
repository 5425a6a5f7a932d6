"""Turn a survey file of any size into ``survey_counts.csv`` with DuckDB, without loading it into memory.

DuckDB runs in-process (no server) and streams CSV or Parquet files larger
than memory through one ``GROUP BY``: the same query a client can run in their
own warehouse (docs/large_clients.md). The result is small; the kit's
statistics that depend only on score counts then run on it unchanged.

The file is read once, and each row costs only what its column types demand:
a Parquet ``DATE`` finds its period by a few comparisons with the period starts
the file's statistics allow, and integer scores are packed into one group key;
text dates are parsed row by row, and text scores ("9 - very likely", "N/A")
are read once per distinct value, after counting.

Examples
--------
>>> from cxlib.aggregate import aggregate
>>> aggregate("exports/survey.parquet", "clients/acme")               # doctest: +SKIP
PosixPath('clients/acme/survey_counts.csv')
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

QUESTIONS = ("nps", "csi", "ces")
# the period's label from ``day``, its first day
PERIOD_SQL = {
    "quarter": "strftime(day, '%Y') || '-Q' || CAST(quarter(day) AS VARCHAR)",
    "month": "strftime(day, '%Y-%m')",
    "year": "strftime(day, '%Y')",
}
INTEGER_TYPES = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
                           "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"})
# a time zone makes the day depend on the session's zone: such columns go through their text, as any other type
DATE_TYPES = frozenset({"DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"})
# as the loader: a whole number, or a whole number written with its label ("9 - very likely")
SCORE_PATTERN = "^(-?[0-9]+)(\\s*([-–—:=.)]|\\s)\\s*[^0-9.,].*)?$"


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
        with duckdb.connect() as connection:
            connection.execute(f"SET enable_progress_bar = {'true' if progress else 'false'}")
            return _aggregate(connection, source, out_dir, frequency)
    except duckdb.Error as error:  # a missing file or column, an encoding DuckDB cannot read
        raise ValueError(f"{source.name}: DuckDB could not read it: {error}") from error


def _aggregate(connection, source: Path, out_dir: Path, frequency: str) -> Path:
    types = {name.lower(): kind for name, kind, *_ in
             connection.execute(f"DESCRIBE SELECT * FROM {_source(source)}").fetchall()}
    text_date = types.get("date") not in DATE_TYPES
    text_scores = [q for q in QUESTIONS if types.get(q) not in INTEGER_TYPES]
    ranges = _parquet_ranges(connection, source, types)
    _count(connection, source, frequency, text_date, ranges)
    _read_scores(connection, text_scores)
    problems = _problems(connection, text_date, text_scores)
    if problems:
        raise ValueError(f"{source.name}: " + "; ".join(problems))
    target = out_dir / "survey_counts.csv"
    _write(connection, target, frequency)
    return target


def _parquet_ranges(connection, source: Path, types: dict[str, str]) -> dict[str, tuple]:
    """The least and greatest ``DATE`` date and integer scores, from the Parquet file's statistics (no scan).

    A column is left out when any row group holding values lacks statistics. DuckDB itself trusts these
    statistics to skip row groups in filtered queries.
    """
    wanted = {q: int for q in QUESTIONS if types.get(q) in INTEGER_TYPES}
    if types.get("date") == "DATE":
        wanted["date"] = date.fromisoformat
    if source.suffix.lower() != ".parquet" or not wanted:
        return {}
    quoted = str(source).replace("'", "''")
    listed = ", ".join(f"'{name}'" for name in wanted)
    bounds: dict[str, list] = {name: [] for name in wanted}
    for name, low, high, nulls, values in connection.execute(
            f"SELECT lower(path_in_schema), stats_min_value, stats_max_value, stats_null_count, num_values "
            f"FROM parquet_metadata('{quoted}') WHERE lower(path_in_schema) IN ({listed})").fetchall():
        if nulls is not None and nulls == values:
            continue  # a row group of blanks: nothing to bound
        try:
            bounds[name].append((wanted[name](low), wanted[name](high)))
        except (TypeError, ValueError):  # no statistics, or written in a form not read here
            bounds[name].append(None)
    return {name: (min(low for low, _ in found), max(high for _, high in found))
            for name, found in bounds.items() if found and None not in found}


def _period_sql(frequency: str, text_date: bool, days: tuple | None) -> str:
    """The first day of each row's period, the cheapest way the date column's type and range allow."""
    if text_date:
        text = "NULLIF(TRIM(CAST(date AS VARCHAR)), '')"
        day = f"COALESCE(TRY_CAST({text} AS DATE), CAST(TRY_STRPTIME({text}, '%d.%m.%Y') AS DATE))"
    else:
        day = "CAST(date AS DATE)"
    truncated = f"CAST(date_trunc('{frequency}', {day}) AS DATE)"
    if days is None:
        return truncated
    step = {"month": 1, "quarter": 3, "year": 12}[frequency]
    starts = [date(days[0].year, days[0].month - (days[0].month - 1) % step, 1)]
    while starts[-1] <= days[1] and len(starts) <= 256 and starts[-1].year < 9999:
        month = starts[-1].month - 1 + step
        starts.append(date(starts[-1].year + month // 12, month % 12 + 1, 1))
    if starts[-1] <= days[1]:  # a date far from the others: searching so many periods costs more than it saves
        return truncated

    def search(first: int, last: int) -> str:  # the period among starts[first:last] by halving, no date arithmetic
        if last - first == 1:
            return f"DATE '{starts[first]}'"
        middle = (first + last) // 2
        return f"CASE WHEN date < DATE '{starts[middle]}' THEN {search(first, middle)} ELSE {search(middle, last)} END"

    # outside the statistics' range (and for blanks) the plain truncation answers: a wrong bound costs time only
    return (f"CASE WHEN date >= DATE '{starts[0]}' AND date < DATE '{starts[-1]}' "
            f"THEN {search(0, len(starts) - 1)} ELSE {truncated} END")


def _packed_scores(ranges: dict[str, tuple]) -> tuple[str, dict[str, str]]:
    """One integer for the integer scores whose range is known, and how to read each score back from it.

    A narrower group key makes the hash table smaller and the GROUP BY faster. A blank is code 0.
    Scores too far apart to share a 64-bit integer keep their own key.
    """
    codes, decode, multiplier = [], {}, 1
    for q in QUESTIONS:
        low, high = ranges.get(q, (None, None))
        if low is None or low <= -(2**62) or high >= 2**62 or multiplier * (high - low + 2) >= 2**62:
            continue
        width = high - low + 2
        codes.append((q, low - 1, multiplier))
        code = f"scores // {multiplier} % {width}"
        decode[q] = f"CASE WHEN {code} > 0 THEN {code} + ({low - 1}) END"
        multiplier *= width
    # arithmetic in the narrowest type that holds every value: DuckDB stops on an overflow rather than wrapping
    small = multiplier < 2**31 and all(abs(ranges[q][0]) < 2**30 and abs(ranges[q][1]) < 2**30 for q in decode)
    kind = "INTEGER" if small else "BIGINT"
    packed = " + ".join(f"COALESCE(CAST({q} AS {kind}) - ({offset}), 0)" + (f" * {step}" if step > 1 else "")
                        for q, offset, step in codes)
    return packed, decode


def _count(connection, source: Path, frequency: str, text_date: bool, ranges: dict[str, tuple]) -> None:
    """The one pass over the file: rows counted by period and by the other columns' values as stored.

    Segments, channels and scores repeat a few values millions of times, so they are grouped as they
    are and converted afterwards, once per distinct value. A text date is parsed row by row (its
    distinct values times the others' would make too many groups); its unreadable values are kept
    as a group key, which adds groups only when the run is about to stop.
    """
    packed, decode = _packed_scores(ranges)
    keys = [f"{_period_sql(frequency, text_date, ranges.get('date'))} AS day", "segment", "channel"]
    keys += [q for q in QUESTIONS if q not in decode] + ([f"{packed} AS scores"] if decode else [])
    if text_date:
        text = "NULLIF(TRIM(CAST(date AS VARCHAR)), '')"
        keys.append(f"CASE WHEN {_period_sql(frequency, True, None)} IS NULL THEN {text} END AS date_text")
    columns = [f"{decode[q]} AS {q}" if q in decode else q for q in QUESTIONS]
    connection.execute(f"""
        CREATE TEMP TABLE groups AS
        SELECT day, {'date_text' if text_date else 'CAST(NULL AS VARCHAR) AS date_text'}, segment, channel,
               {', '.join(columns)}, n
        FROM (SELECT {', '.join(keys)}, count(*) AS n FROM {_source(source)} GROUP BY ALL)""")


def _read_scores(connection, text_scores: list[str]) -> None:
    """Read text scores as the loader does, on the counted groups; integer scores stay as they are."""
    from cxlib.client import DONT_KNOW

    dont_know = ", ".join("'" + word.replace("'", "''") + "'" for word in sorted(DONT_KNOW))
    columns = []
    for q in QUESTIONS:
        if q not in text_scores:
            columns.append(q)
            continue
        text = f"NULLIF(TRIM(CAST({q} AS VARCHAR)), '')"
        # explicit don't-know words are blanks; anything else (9.6, "nine") cannot be read and stops the run
        columns.append(f"{text} AS {q}_text, lower({text}) IN ({dont_know}) AS {q}_dont_know, "
                       f"CASE WHEN lower({text}) IN ({dont_know}) THEN NULL "
                       f"ELSE TRY_CAST(regexp_extract({text}, '{SCORE_PATTERN}', 1) AS INTEGER) END AS {q}")
    connection.execute(f"""
        CREATE TEMP TABLE answers AS
        SELECT day, date_text, COALESCE(CAST(segment AS VARCHAR), '') AS segment,
               COALESCE(CAST(channel AS VARCHAR), '') AS channel, {', '.join(columns)}, n
        FROM groups""")


def _problems(connection, text_date: bool, text_scores: list[str]) -> list[str]:
    """How many dates and scores cannot be read, with a few examples, per column."""
    checks = [("date", "date_text IS NOT NULL")] if text_date else []
    checks += [(q, f"{q}_text IS NOT NULL AND {q} IS NULL AND NOT {q}_dont_know") for q in text_scores]
    problems = []
    for column, unreadable in checks:
        rows, examples = connection.execute(
            f"SELECT sum(n), list(DISTINCT {column}_text)[1:5] FROM answers WHERE {unreadable}").fetchone()
        if rows:
            problems.append(f"{column}: {rows} values cannot be read, e.g. {', '.join(map(repr, examples))}")
    return problems


def _write(connection, target: Path, frequency: str) -> None:
    stacked = "\nUNION ALL\n".join(
        f"SELECT day, segment, channel, '{q}' AS question, {q} AS score, n FROM answers" for q in QUESTIONS)
    quoted = str(target).replace("'", "''")
    connection.execute(f"""
        COPY (SELECT {PERIOD_SQL[frequency]} AS period, segment, channel, question, score, CAST(sum(n) AS BIGINT) AS n
              FROM ({stacked})
              GROUP BY ALL
              ORDER BY period, segment, channel, question, score NULLS FIRST)
        TO '{quoted}' (HEADER, DELIMITER ',')""")
