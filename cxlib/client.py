"""Reading and validating a client folder.

A client folder holds ``client.toml`` and the CSV files named in
``cxlib/catalog/contract.toml``. :func:`load_client` reads every file as text,
converts each column by the contract, and collects *every* problem it finds
before raising one :class:`DataError`, so a consultant fixes an export in one
pass instead of one error at a time. The files are only ever read.

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")            # doctest: +SKIP
>>> client.name, len(client.survey)                    # doctest: +SKIP
('Motorline Service', 2400)
"""

from __future__ import annotations

import csv
import io
import os
import pickle
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from cxlib import catalog

LANGUAGES = ("en", "ru")
PERIOD_FREQUENCIES = {"month": "M", "quarter": "Q", "year": "Y"}
FIRST_DATA_ROW = 2  # a spreadsheet shows the header on row 1
TRUE_WORDS = {"true", "yes", "y", "t", "1", "да", "д"}
FALSE_WORDS = {"false", "no", "n", "f", "0", "нет", "н"}
SHOWN_PROBLEMS = 200
# Answers that mean "no answer" in a numeric column: read as blank and counted, never silently.
DONT_KNOW = {"n/a", "na", "n.a.", "-", "—", "?", "dk", "don't know", "dont know", "do not know", "no answer",
             "не знаю", "затрудняюсь ответить", "затрудняюсь", "нет ответа", "н/д", "не знаю/затрудняюсь"}
LABELLED_NUMBER = r"^\s*(-?\d+(?:[.,]\d+)?)\s*(?:[-–—:=.)]|\s)\s*\D.*$"  # "9 - very likely", "5: очень доволен"
HEADER_SEARCH_ROWS = 5
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # day 0 of Excel's serial dates (1900 system)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a client's input, located as the client sees it.

    ``row`` is the row number a spreadsheet shows (the header is row 1);
    ``None`` when the problem concerns a whole file or column.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file} row {self.row}"
        if self.column:
            where = f"{where}, {self.column}"
        if not self.value:  # nothing to quote: a missing column or an empty cell
            return f"{where}: {self.expected}"
        return f"{where}: {self.value!r} {self.expected}"


class DataError(ValueError):
    """Raised once with every problem found in a client folder.

    Attributes
    ----------
    problems : list of Problem
        All problems, in file and row order.
    """

    def __init__(self, folder: Path | str, problems: Iterable[Problem]):
        self.folder = Path(folder)
        self.problems = list(problems)
        super().__init__(self._message())

    def _message(self) -> str:
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} in client folder {self.folder}:"]
        lines += [f"  - {problem}" for problem in self.problems[:SHOWN_PROBLEMS]]
        rest = self.problems[SHOWN_PROBLEMS:]
        if rest:
            summary = pd.Series([f"{p.file}, {p.column}" for p in rest]).value_counts()
            lines.append(f"  ... and {len(rest)} more, by file and column:")
            lines += [f"      {where}: {n}" for where, n in summary.items()]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """All problems as a table (file, row, column, value, expected)."""
        return pd.DataFrame(
            [vars(problem) for problem in self.problems],
            columns=["file", "row", "column", "value", "expected"],
        )


@dataclass(frozen=True)
class SourceInfo:
    """How one input file was read: said out loud, never guessed silently."""

    file: str
    encoding: str
    separator: str
    rows: int
    header_row: int = 1

    def __str__(self) -> str:
        if self.encoding == "xlsx":
            how = f"read {self.file} as an Excel workbook (first sheet)"
        else:
            name = {",": "','", ";": "';'", "\t": "tab"}[self.separator]
            how = f"read {self.file} as {self.encoding}, {name}-separated"
        header = f", header on row {self.header_row}" if self.header_row != 1 else ""
        return f"{how}{header}, {self.rows} rows"


@dataclass(frozen=True)
class Client:
    """A validated client folder.

    Attributes
    ----------
    path : Path
        The folder.
    config : dict
        ``client.toml`` as read, with defaults filled in.
    tables : dict of str to DataFrame
        One table per contract entry (``survey``, ``customers``, ...). A file
        the client did not supply is an empty table with the contract's
        columns, and :attr:`notes` says so.
    sources : list of SourceInfo
        How each file was read.
    notes : list of str
        Everything the loader decided on the client's behalf.
    """

    path: Path
    config: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    sources: list[SourceInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.config["name"]

    @property
    def language(self) -> str:
        return self.config["language"]

    @property
    def survey(self) -> pd.DataFrame:
        return self.tables["survey"]

    @property
    def counts(self) -> pd.DataFrame:
        """The survey as score counts: the client's ``survey_counts.csv``, or derived from the rows."""
        return self.tables["survey_counts"]

    @property
    def has_rows(self) -> bool:
        """Whether the survey came as one row per response (reasons, follow-ups and loyalty need that)."""
        return len(self.tables["survey"]) > 0

    @property
    def answers(self) -> pd.DataFrame:
        """What the survey statistics run on: the rows when the client gave them, else the counts."""
        return self.survey if self.has_rows else self.counts

    @property
    def periods(self) -> list[str]:
        """The survey's periods in time order."""
        if self.has_rows:
            dated = self.survey[self.survey["period"] != ""]
            return list(dated.groupby("period")["date"].min().sort_values().index)
        return sorted(p for p in self.counts["period"].unique() if p)

    def responses(self, by: str | list[str] = "period") -> pd.Series:
        """Number of responses per group, from the rows or from the NPS question's counts (blanks included)."""
        if self.has_rows:
            return self.survey.groupby(by, observed=True).size()
        nps_rows = self.counts[self.counts["question"] == "nps"]
        return nps_rows.groupby(by, observed=True)["n"].sum().astype(int)

    @property
    def customers(self) -> pd.DataFrame:
        return self.tables["customers"]

    @property
    def scorecard(self) -> pd.DataFrame:
        return self.tables["scorecard"]

    @property
    def lifecycle(self) -> pd.DataFrame:
        return self.tables["lifecycle"]

    @property
    def journey(self) -> pd.DataFrame:
        return self.tables["journey"]

    @property
    def mystery_shopping(self) -> pd.DataFrame:
        return self.tables["mystery_shopping"]

    def summary(self) -> pd.DataFrame:
        """One row per table: the file, its rows and columns, whether it was supplied."""
        read = {Path(source.file).stem: source.file for source in self.sources}
        spec = catalog.contract()
        return pd.DataFrame(
            [
                {
                    "table": key,
                    "file": read.get(Path(spec[key]["file"]).stem, spec[key]["file"]),
                    "supplied": Path(spec[key]["file"]).stem in read,
                    "rows": len(table),
                    "columns": table.shape[1],
                }
                for key, table in self.tables.items()
            ]
        ).set_index("table")


# --------------------------------------------------------------------------- config


def _read_config(folder: Path, problems: list[Problem]) -> dict[str, Any]:
    path = folder / "client.toml"
    if not path.is_file():
        problems.append(Problem("client.toml", None, None, None, "is missing from the client folder"))
        return {}
    try:
        with open(path, "rb") as handle:
            config = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        problems.append(Problem("client.toml", None, None, None, f"is not valid TOML: {error}"))
        return {}

    def bad(key: str, value: Any, expected: str) -> None:
        problems.append(Problem("client.toml", None, key, None if value is None else str(value), expected))

    for key in ("periods", "scales", "reason_codes", "overrides", "targets", "benchmarks"):
        if key in config and not isinstance(config[key], dict):
            bad(key, config.pop(key), f"must be a table ([{key}]), not a single value")
    if isinstance(config.get("scales", {}).get("ces", {}), dict) is False:
        bad("scales.ces", config["scales"].pop("ces"), "must be a table ([scales.ces]) with min, max, higher_is")
    if isinstance(config.get("periods", {}).get("labels", {}), dict) is False:
        bad("periods.labels", config["periods"].pop("labels"), 'must be a table, e.g. { "2025-Q1" = "Q1 2025" }')
    if not isinstance(config.get("name", ""), str):
        bad("name", config.pop("name"), "must be text in quotes")
    elif not config.get("name", "").strip():
        bad("name", None, "is missing: give the client's name")
    config["language"] = str(config.get("language", "en")).strip().lower()
    if config["language"] not in LANGUAGES:
        bad("language", config["language"], f"is not one of {', '.join(LANGUAGES)}")
    frequency = config.get("periods", {}).get("frequency", "quarter")
    if frequency not in PERIOD_FREQUENCIES:
        bad("periods.frequency", frequency, f"is not one of {', '.join(PERIOD_FREQUENCIES)}")
    config = _with_defaults(config)
    ces = config["scales"]["ces"]
    if ces["higher_is"] not in ("easier", "harder"):
        bad("scales.ces.higher_is", ces["higher_is"], "is not 'easier' or 'harder'")
    if not (isinstance(ces["min"], int) and isinstance(ces["max"], int) and ces["min"] < ces["max"]):
        bad("scales.ces", f"{ces['min']}..{ces['max']}", "is not a pair of whole numbers with min < max")
        ces["min"], ces["max"] = 1, 7  # check the answers against the usual scale meanwhile
    return config


def _with_defaults(config: dict[str, Any]) -> dict[str, Any]:
    """client.toml's defaults, filled in once; an unusable frequency falls back to quarters (and is reported)."""
    config.setdefault("name", "")
    config.setdefault("language", "en")
    config.setdefault("periods", {}).setdefault("frequency", "quarter")
    config["periods"].setdefault("labels", {})
    if config["periods"]["frequency"] not in PERIOD_FREQUENCIES:
        config["periods"]["frequency"] = "quarter"
    ces = config.setdefault("scales", {}).setdefault("ces", {})
    for key, default in (("min", 1), ("max", 7), ("higher_is", "easier")):
        ces.setdefault(key, default)
    for key in ("reason_codes", "overrides", "targets", "benchmarks"):
        config.setdefault(key, {})
    return config


def _allowed_values(source: str, config: dict[str, Any]) -> list[str]:
    if source == "reason_codes":
        return [r["code"] for r in catalog.reason_codes()] + list(config.get("reason_codes", {}))
    if source == "journey_stages":
        return [s["key"] for s in catalog.journey_stages()]
    if source == "scorecard_metrics":
        return [m["key"] for m in catalog.load("scorecard")["metrics"]]
    if source == "lifecycle_statements":
        extra = config.get("overrides", {}).get("lifecycle", {}).get("statements", [])
        return [s["id"] for s in catalog.lifecycle_statements()] + [s["id"] for s in extra]
    raise KeyError(source)


# --------------------------------------------------------------------------- reading


def _decode(data: bytes) -> tuple[str, str]:
    """Return the text and the encoding's name: a UTF-8 BOM, strict UTF-8, else cp1251."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8 with BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace"), "cp1251"


def _separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=counts.get)


def _header_row(rows: list[list[str]], expected: set[str]) -> int:
    """0-based index of the header among the first rows: the first that names most of the expected columns.

    Excel exports often put a title or a row of merged group labels above the
    real header.
    """
    best, best_hits = 0, -1
    for index, fields in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = len({str(f).strip().lower() for f in fields} & expected)
        if hits > best_hits:
            best, best_hits = index, hits
    return best


def _framed(rows: list[list[str]], header: int, width: int) -> pd.DataFrame:
    names = [str(name).strip().lower() for name in rows[header]][:width]
    body = [list(r[:width]) + [""] * (width - len(r)) for r in rows[header + 1:]]
    frame = pd.DataFrame(body, columns=names, dtype=str) if body else pd.DataFrame(columns=names, dtype=str)
    frame.index = pd.RangeIndex(header + 2, header + 2 + len(frame))  # spreadsheet rows: 1-based, after the header
    return frame


def _read_text_table(path: Path, expected: set[str],
                     problems: list[Problem]) -> tuple[pd.DataFrame | None, SourceInfo | None]:
    text, encoding = _decode(path.read_bytes())
    head = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    separator = _separator("\n".join(head))
    head_rows = [row for row in csv.reader(head, delimiter=separator)]
    if not any(head_rows):
        return None, None
    header = _header_row(head_rows, expected)
    width = len(head_rows[header])
    names = [name.strip().lower() for name in head_rows[header]]
    repeated = sorted({name for name in names if names.count(name) > 1 and name})
    for name in repeated:
        problems.append(Problem(path.name, header + 1, name, None, "appears twice in the header"))
    # the fast parser pads short rows silently, so count every record's fields first
    lengths = np.fromiter((len(fields) for fields in csv.reader(io.StringIO(text), delimiter=separator)), dtype=np.int64)
    ragged = np.flatnonzero((lengths != width) & (lengths > 0))
    ragged = ragged[ragged > header]
    for index in ragged:
        problems.append(Problem(path.name, int(index) + 1, None, None,
                                f"has {lengths[index]} fields; the header has {width}"))
    if len(ragged):
        rows = [fields[:width] for fields in csv.reader(io.StringIO(text), delimiter=separator)]
        frame = _framed(rows, header, width)
        frame = frame.loc[~np.isin(frame.index - 1, ragged)]  # reported above
    else:
        frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False, na_filter=False,
                            skiprows=header, skip_blank_lines=False, index_col=False)
        frame.columns = names  # as written: pandas would rename a repeated name to name.1
        frame.index = pd.RangeIndex(header + 2, header + 2 + len(frame))
    frame = frame.loc[(frame != "").any(axis=1).to_numpy(dtype=bool)]  # blank lines carry nothing
    return frame, SourceInfo(path.name, encoding, separator, len(frame), header + 1)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ")
        return text[:-9] if text.endswith(" 00:00:00") else text
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _read_workbook(path: Path, expected: set[str]) -> tuple[pd.DataFrame | None, SourceInfo | None]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some exporters store a wrong size; read every row there is
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        return None, None
    header = _header_row(rows, expected)
    width = max((i + 1 for i, v in enumerate(rows[header]) if v != ""), default=0) if rows else 0
    while rows and not any(rows[-1]):
        rows.pop()
    frame = _framed(rows, header, width)
    frame = frame.loc[(frame != "").any(axis=1).to_numpy(dtype=bool)]  # blank rows carry nothing, as in a CSV
    return frame, SourceInfo(path.name, "xlsx", ",", len(frame), header + 1)


# --------------------------------------------------------------------------- converting


def _range_text(low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return f"is outside {low}–{high}"
    return f"is below {low}" if low is not None else f"is above {high}"


def _to_number(text: pd.Series, decimal_comma: bool) -> pd.Series:
    cleaned = text.str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
    if decimal_comma:
        cleaned = cleaned.str.replace(",", ".", regex=False)
    return pd.to_numeric(cleaned, errors="coerce")


def _to_datetime(text: pd.Series, formats: list[str]) -> pd.Series:
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for fmt in formats:
        todo = parsed.isna() & (text != "")
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    return parsed


DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
DATETIME_FORMATS = ["ISO8601", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S"]


def _convert_column(
    raw: pd.Series, spec: dict[str, Any], config: dict[str, Any], decimal_comma: bool, notes: list[str]
) -> tuple[pd.Series, list[tuple[int, str]]]:
    """Convert one text column by its contract entry; return the column and its bad cells (row, message).

    Survey columns repeat a few values a million times, so each distinct value
    is converted once and the results are spread back over the rows.
    """
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object))
    distinct = pd.Series(uniques, dtype="str")
    weights = np.bincount(codes, minlength=len(distinct))
    value_u, bad_u = _convert(distinct, spec, config, decimal_comma, notes, weights)
    value = value_u.iloc[codes]
    value.index = raw.index
    bad: list[tuple[int, str]] = []
    if bad_u:
        messages: dict[int, list[str]] = {}
        for u, message in bad_u:
            messages.setdefault(u, []).append(message)
        flagged = np.zeros(len(distinct), dtype=bool)
        flagged[list(messages)] = True
        for position in np.flatnonzero(flagged[codes]):
            bad.extend((raw.index[position], message) for message in messages[codes[position]])
    if spec.get("unique"):
        stripped = distinct.str.strip()
        keys = pd.factorize(stripped.to_numpy(dtype=object))[0][codes]
        present = (stripped != "").to_numpy()[codes]
        rows = pd.Series(raw.index, index=keys)
        repeated = pd.Series(keys).duplicated(keep="first").to_numpy() & present
        first_row = rows[~rows.index.duplicated(keep="first")]
        bad.extend((raw.index[i], f"repeats the value of row {first_row[keys[i]]}; each must be unique")
                   for i in np.flatnonzero(repeated))
    return value, bad


def _convert(
    raw: pd.Series, spec: dict[str, Any], config: dict[str, Any], decimal_comma: bool, notes: list[str],
    weights: np.ndarray | None = None,
) -> tuple[pd.Series, list[tuple[int, str]]]:
    """Convert distinct text values by a contract entry; bad values come back as (position, message).

    ``weights`` is how many rows hold each value, so notes count rows.
    """
    text = raw.str.strip()
    empty = text == ""
    bad: list[tuple[int, str]] = []
    weights = np.ones(len(text), dtype=int) if weights is None else weights

    def rows(mask: pd.Series) -> int:
        return int(weights[mask.to_numpy(dtype=bool)].sum())

    def flag(mask: pd.Series, message: str) -> None:
        bad.extend((row, message) for row in mask[mask].index)

    kind = spec["type"]
    dont_know = pd.Series(False, index=text.index)
    if kind in ("int", "float"):
        dont_know = text.str.lower().isin(DONT_KNOW)
        if dont_know.any():
            notes.append(f"{spec['name']}: {rows(dont_know)} don't-know answers "
                         f"({', '.join(repr(v) for v in text[dont_know].unique()[:3])}) read as blank")
            if not spec.get("empty", False):
                flag(dont_know, "is a don't-know answer; this column needs a value")
            text = text.where(~dont_know, "")
            empty = text == ""
        labelled = text.str.extract(LABELLED_NUMBER, expand=False)
        if labelled.notna().any():
            example = text[labelled.notna()].iloc[0]
            notes.append(f"{spec['name']}: {rows(labelled.notna())} answers written with their label "
                         f"(e.g. {example!r}); the leading number was used")
            text = labelled.where(labelled.notna(), text)
        number = _to_number(text, decimal_comma)
        unreadable = ~empty & number.isna()
        flag(unreadable, "is not a number")
        if kind == "int":
            fractional = ~empty & ~unreadable & (number % 1 != 0)
            flag(fractional, "is not a whole number")
            unreadable |= fractional
        low, high = spec.get("min"), spec.get("max")
        if "scale" in spec:
            scale = config["scales"][spec["scale"]]
            low, high = scale["min"], scale["max"]
        readable = ~empty & ~unreadable
        outside = pd.Series(False, index=text.index)
        if low is not None:
            outside |= readable & (number < low)
        if high is not None:
            outside |= readable & (number > high)
        flag(outside, _range_text(low, high))
        value = number.where(~(unreadable | outside))
        value = value.astype("Int64") if kind == "int" else value.astype("float64")
    elif kind in ("date", "datetime"):
        formats = DATE_FORMATS if kind == "date" else DATETIME_FORMATS
        value = _to_datetime(text, formats)
        serial = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
        is_serial = value.isna() & serial.between(20000, 80000)  # 1954..2119 as Excel day numbers
        if is_serial.any():
            value[is_serial] = EXCEL_EPOCH + pd.to_timedelta(serial[is_serial], unit="D")
            if kind == "date":
                value[is_serial] = value[is_serial].dt.floor("D")
            notes.append(f"{spec['name']}: {rows(is_serial)} dates written as Excel day numbers were converted")
        expected = "YYYY-MM-DD or DD.MM.YYYY" if kind == "date" else "YYYY-MM-DD HH:MM or DD.MM.YYYY HH:MM"
        flag(~empty & value.isna(), f"is not a {'date' if kind == 'date' else 'date and time'} (expected {expected})")
    elif kind == "bool":
        lowered = text.str.lower()
        value = pd.Series(pd.NA, index=text.index, dtype="boolean")
        value[lowered.isin(TRUE_WORDS)] = True
        value[lowered.isin(FALSE_WORDS)] = False
        flag(~empty & value.isna(), "is not yes/no (expected true/false, yes/no or 1/0)")
    else:
        value = text
        allowed = spec.get("allowed") or (
            _allowed_values(spec["allowed_from"], config) if "allowed_from" in spec else None
        )
        if allowed:
            canonical = {str(option).lower(): str(option) for option in allowed}
            lowered = text.str.lower()
            known = lowered.isin(list(canonical))
            flag(~empty & ~known, f"is not one of: {', '.join(map(str, allowed))}")
            value = lowered.map(canonical).where(known, text).astype("str")

    if not spec.get("empty", False):
        flag(empty & ~dont_know, "is empty; a value is required")
    return value, bad


def _validate_table(
    key: str, frame: pd.DataFrame, spec: dict[str, Any], config: dict[str, Any], separator: str,
    problems: list[Problem], notes: list[str],
) -> pd.DataFrame:
    file = spec["file"]
    columns = spec["columns"]
    names = [column["name"] for column in columns]
    duplicated = frame.columns[frame.columns.duplicated()].unique()
    for name in duplicated:
        header_row = frame.index.start - 1 if isinstance(frame.index, pd.RangeIndex) else 1
        problems.append(Problem(file, header_row, name, None, "appears twice in the header"))
    frame = frame.loc[:, ~frame.columns.duplicated()]
    missing = [c["name"] for c in columns if c["name"] not in frame.columns and not c.get("optional")]
    for name in missing:
        problems.append(
            Problem(file, None, name, None, f"column is missing (the file needs: {', '.join(n for n in names)})")
        )
    extra = [name for name in frame.columns if name not in names]
    if extra:
        notes.append(f"{file}: extra columns kept as text: {', '.join(extra)}")

    converted: dict[str, pd.Series] = {}
    cell_problems: list[Problem] = []
    for column in columns:
        name = column["name"]
        if name not in frame.columns:
            if column.get("optional"):
                converted[name] = _empty_column(column, len(frame), frame.index)
            continue
        column_notes: list[str] = []
        value, bad = _convert_column(frame[name], column, config, separator == ";", column_notes)
        notes.extend(f"{file} {note}" for note in column_notes)
        converted[name] = value
        cell_problems += [Problem(file, row, name, frame.at[row, name], message) for row, message in bad]

    for check in spec.get("checks", []):
        left, right = converted.get(check["left"]), converted.get(check["right"])
        if left is None or right is None:
            continue
        broken = (left > right).fillna(False).astype(bool)
        relation = "is later than" if left.dtype.kind == "M" else "is greater than"
        for row in broken[broken].index:
            cell_problems.append(
                Problem(file, row, check["left"], str(frame.at[row, check["left"]]),
                        f"{relation} {check['right']} {str(frame.at[row, check['right']])!r}: {check['says']}")
            )
    for check in spec.get("group_checks", []):
        if check["by"] not in converted or check["column"] not in converted:
            continue
        blank = converted[check["column"]].isna().groupby(frame[check["by"]], sort=False)
        for key, share in blank.mean().items():
            if share > check["max_blank_share"]:
                rows = frame.index[frame[check["by"]] == key]
                count = int(converted[check["column"]].loc[rows].isna().sum())
                cell_problems.append(Problem(
                    file, int(rows[0]), check["by"], str(key),
                    f"left {count} of {len(rows)} {check['column']}s blank: {check['says']}"))
    for check in spec.get("unknown_checks", []):
        if check["column"] not in converted:
            continue
        known = {value.lower() for value in _allowed_values(check["known_from"], config)}
        unknown = ~converted[check["column"]].str.lower().isin(known)
        for row in unknown[unknown].index:
            missing = [c for c in check["requires"] if c not in converted or not str(converted[c].get(row, "") or "")]
            if missing:
                cell_problems.append(Problem(file, row, check["column"], str(frame.at[row, check["column"]]),
                                             f"{check['says']}; missing: {', '.join(missing)}"))
    cell_problems.sort(key=lambda p: (p.row, names.index(p.column) if p.column in names else 0))
    problems.extend(cell_problems)
    table = pd.DataFrame(converted, index=frame.index)
    for name in extra:
        table[name] = frame[name]
    table.index.name = "row"
    return table


def _empty_column(spec: dict[str, Any], length: int = 0, index: pd.Index | None = None) -> pd.Series:
    dtype = {"int": "Int64", "float": "float64", "date": "datetime64[ns]",
             "datetime": "datetime64[ns]", "bool": "boolean", "str": "str"}[spec["type"]]
    if spec["type"] == "str":
        return pd.Series([""] * length, index=index, dtype=dtype)
    return pd.Series([None] * length, index=index, dtype=dtype)


def _empty_table(spec: dict[str, Any]) -> pd.DataFrame:
    table = pd.DataFrame({c["name"]: _empty_column(c) for c in spec["columns"]})
    table.index.name = "row"
    return table


def period_labels(dates: pd.Series, frequency: str = "quarter", labels: dict[str, str] | None = None) -> pd.Series:
    """Label each date with its period, e.g. ``2025-Q3``, renamed through ``labels``.

    Examples
    --------
    >>> period_labels(pd.Series(pd.to_datetime(["2025-02-01", "2025-08-15"]))).tolist()
    ['2025-Q1', '2025-Q3']
    """
    codes, distinct = pd.factorize(dates)  # a survey has a few hundred dates, repeated
    periods = pd.Series(pd.DatetimeIndex(distinct).to_period(PERIOD_FREQUENCIES[frequency]).astype(str))
    periods = periods.str.replace(r"(\d{4})Q(\d)", r"\1-Q\2", regex=True).replace(labels or {})
    return pd.Series(np.append(periods.to_numpy(dtype=object), "")[codes], index=dates.index, dtype="str")


# --------------------------------------------------------------------------- entry point

CACHE_VARIABLE = "CXKIT_CLIENT_CACHE"


def _fingerprint(folder: Path) -> tuple:
    """What a cached client must match: the folder, each file's name, size and modification time."""
    files = tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file())
    return str(folder.resolve()), files


def save_cache(client: Client, path: str | Path) -> Path:
    """Store a validated client so that :func:`load_client` in other processes can skip reading the files.

    ``cxkit run`` validates the client once, saves it here and points the
    notebooks' kernels at it through the ``CXKIT_CLIENT_CACHE`` variable; the
    cache is used only while every file is unchanged, and removed after the run.
    """
    path = Path(path)
    with open(path, "wb") as handle:
        pickle.dump((_fingerprint(client.path), client), handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _cached(folder: Path) -> Client | None:
    cache = os.environ.get(CACHE_VARIABLE)
    if not cache or not Path(cache).is_file():
        return None
    with open(cache, "rb") as handle:  # written by this kit's own run, never by a client
        fingerprint, client = pickle.load(handle)
    return client if fingerprint == _fingerprint(folder) else None



def load_client(path: str | Path) -> Client:
    """Read and validate a client folder.

    Parameters
    ----------
    path : str or Path
        The client folder: ``client.toml`` plus the CSV files of the contract
        (``survey.csv`` is required; the others may be absent).

    Returns
    -------
    Client
        Typed tables; the survey and the mystery-shopping visits gain a
        ``period`` column derived from ``date``.

    Raises
    ------
    DataError
        Listing every problem found: file, spreadsheet row, column, value and
        what was expected.

    Examples
    --------
    >>> client = load_client("data/demo")                           # doctest: +SKIP
    >>> print(client.sources[0])                                    # doctest: +SKIP
    read survey.csv as UTF-8, ','-separated, 2400 rows
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DataError(folder, [Problem(str(folder), None, None, None, "is not a folder")])
    cached = _cached(folder)
    if cached is not None:
        return cached
    problems: list[Problem] = []
    notes: list[str] = []
    sources: list[SourceInfo] = []
    config = _read_config(folder, problems)
    # Carry on after a problem in client.toml: the files are checked with the defaults, so one pass lists all.
    config = _with_defaults(config)

    tables: dict[str, pd.DataFrame] = {}
    for key, spec in catalog.contract().items():
        stem = Path(spec["file"]).stem
        candidates = [folder / f"{stem}{suffix}" for suffix in (".csv", ".xlsx") if (folder / f"{stem}{suffix}").is_file()]
        if len(candidates) > 1:
            problems.append(Problem(spec["file"], None, None, None,
                                    f"is there twice ({' and '.join(c.name for c in candidates)}); keep one"))
        if len(candidates) != 1:
            alternative = spec.get("required_unless")
            has_alternative = alternative and any(
                (folder / f"{Path(catalog.contract()[alternative]['file']).stem}{suffix}").is_file()
                for suffix in (".csv", ".xlsx"))
            if not candidates and spec.get("required") and not has_alternative:
                problems.append(Problem(spec["file"], None, None, None,
                                        f"is missing (or {stem}.xlsx); the kit cannot run without it"))
            elif not candidates and not spec.get("instead_of"):
                notes.append(f"{spec['file']} not supplied: the analyses that need it are skipped")
            tables[key] = _empty_table(spec)
            continue
        expected = {c["name"] for c in spec["columns"]}
        if candidates[0].suffix == ".xlsx":
            frame, source = _read_workbook(candidates[0], expected)
        else:
            frame, source = _read_text_table(candidates[0], expected, problems)
        if frame is None:
            problems.append(Problem(candidates[0].name, None, None, None,
                                    "is empty; it needs at least the header row (see data/template)"))
            tables[key] = _empty_table(spec)
            continue
        sources.append(source)
        tables[key] = _validate_table(key, frame, {**spec, "file": source.file}, config, source.separator,
                                      problems, notes)

    counts = tables["survey_counts"]
    if len(counts):
        problems += _count_problems(counts, config)
    if len(tables["survey"]) and len(counts):
        problems.append(Problem("survey_counts.csv", None, None, None,
                                "is given beside survey.csv; give the survey one way, rows or counts"))
    if not len(tables["survey"]) and not len(counts) and not any(p.file.startswith("survey") for p in problems):
        problems.append(Problem("survey.csv", None, None, None,
                                "holds no answers: the diagnosis needs the survey (or survey_counts.csv)"))
    if problems:
        raise DataError(folder, problems)
    for key in ("survey", "mystery_shopping"):
        tables[key]["period"] = period_labels(tables[key]["date"], config["periods"]["frequency"],
                                              config["periods"]["labels"])
    if not len(counts):
        tables["survey_counts"] = survey_counts(tables["survey"])
    return Client(folder, config, tables, sources, notes)


SCORE_SCALES = {"nps": (0, 10), "csi": (1, 5)}
COUNT_KEYS = ["period", "segment", "channel"]


def _count_problems(counts: pd.DataFrame, config: dict[str, Any]) -> list[Problem]:
    """Scores outside their question's scale in survey_counts.csv."""
    scales = {**SCORE_SCALES, "ces": (config["scales"]["ces"]["min"], config["scales"]["ces"]["max"])}
    problems = []
    for question, (low, high) in scales.items():
        part = counts[(counts["question"] == question) & counts["score"].notna()]
        outside = part[(part["score"] < low) | (part["score"] > high)]
        problems += [Problem("survey_counts.csv", int(row), "score", str(score), f"is outside {low}–{high} for {question}")
                     for row, score in outside["score"].items()]
    return problems


def survey_counts(survey: pd.DataFrame) -> pd.DataFrame:
    """The survey as counts: how many answers each score got, per period, segment, channel and question.

    This is the table ``survey_counts.csv`` holds, and what one ``GROUP BY``
    in a client's warehouse produces (see docs/large_clients.md). Blank
    answers are counted with a blank score.

    Examples
    --------
    >>> rows = pd.DataFrame({"period": ["Q1", "Q1"], "segment": ["a", "a"], "channel": ["web", "web"],
    ...                      "nps": pd.array([9, 9], dtype="Int64"), "csi": pd.array([5, None], dtype="Int64"),
    ...                      "ces": pd.array([6, 6], dtype="Int64")})
    >>> survey_counts(rows)[["question", "score", "n"]].to_dict("list")
    {'question': ['nps', 'csi', 'csi', 'ces'], 'score': [9, 5, <NA>, 6], 'n': [2, 1, 1, 2]}
    """
    parts = []
    for question in ("nps", "csi", "ces"):
        grouped = survey.groupby(COUNT_KEYS + [question], dropna=False, observed=True, sort=True).size()
        part = grouped.rename("n").reset_index().rename(columns={question: "score"})
        part.insert(3, "question", question)
        parts.append(part)
    counts = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    counts["score"] = counts["score"].astype("Int64")
    counts["n"] = counts["n"].astype("Int64")
    return counts.reset_index(drop=True)
