"""Reading a client file as text: encoding, separator, header row, CSV or Excel."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from cxlib.client.problems import Problem, SourceInfo

HEADER_SEARCH_ROWS = 5
# Limits, stated in data/README.md: beyond them a file is a listed problem, never a hang or a crash.
MAX_FIELD = 1_000_000          # characters in one cell
MAX_COLUMNS = 1_000            # columns in one file
MAX_WORKBOOK = 512 * 1024**2   # bytes of an .xlsx once unzipped
csv.field_size_limit(MAX_FIELD)


class ReadFailed(ValueError):
    """A file the kit cannot read at all; the message says why, for the list of problems."""


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ReadFailed(f"cannot be read: {error.strerror}") from error


def _decode(data: bytes) -> tuple[str, str]:
    """Return the text and the encoding's name: a UTF-8 or UTF-16 BOM, strict UTF-8, else cp1251.

    Line ends are made ``\\n`` whatever the file used (``\\r\\n``, or ``\\r`` alone as old Mac
    exports do); binary data is refused.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _lines(data.decode("utf-16")), "UTF-16"
        except UnicodeDecodeError as error:
            raise ReadFailed("is not valid UTF-16 text; save it as CSV UTF-8") from error
    if b"\x00" in data[:65536]:
        raise ReadFailed("is not a text file (it holds binary data); save it as CSV UTF-8 or .xlsx")
    text, encoding = _decode_8bit(data)
    return _lines(text), encoding


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _decode_8bit(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 with BOM"
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
    text, encoding = _decode(_read_bytes(path))
    try:
        return _parse_text(path, text, encoding, expected, problems)
    except csv.Error as error:  # a field beyond MAX_FIELD, a quote that never closes
        raise ReadFailed(f"cannot be read as CSV ({error}); cells may hold at most {MAX_FIELD:,} characters") from error


def _parse_text(path: Path, text: str, encoding: str, expected: set[str],
                problems: list[Problem]) -> tuple[pd.DataFrame | None, SourceInfo | None]:
    head = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    separator = _separator("\n".join(head))
    head_rows = [row for row in csv.reader(head, delimiter=separator)]
    if not any(head_rows):
        return None, None
    header = _header_row(head_rows, expected)
    width = len(head_rows[header])
    if width > MAX_COLUMNS:
        raise ReadFailed(f"has {width:,} columns; the kit reads at most {MAX_COLUMNS:,}: keep the columns it needs")
    names = [name.strip().lower() for name in head_rows[header]]
    repeated = sorted(name for name, count in Counter(names).items() if count > 1 and name)
    for name in repeated:
        problems.append(Problem(path.name, header + 1, name, None, "appears twice in the header"))
    # the fast parser pads short rows silently, so count every record's fields first
    records = csv.reader(io.StringIO(text), delimiter=separator)
    lengths = np.fromiter((len(fields) for fields in records), dtype=np.int64)
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


def _workbook_rows(path: Path) -> list[list[str]]:
    """The first sheet's rows as text; a file that is not a sound workbook, or too big unzipped, is refused."""
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise ReadFailed("is not an Excel workbook (.xlsx is a zip archive); save it again from Excel") from error
    if unzipped > MAX_WORKBOOK:
        raise ReadFailed(f"unzips to {unzipped / 1024**2:,.0f} MB; the kit reads workbooks up to "
                         f"{MAX_WORKBOOK / 1024**2:,.0f} MB: save it as CSV")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()  # some exporters store a wrong size; read every row there is
            unsaved = _formulas_without_results(path, getattr(sheet, "_worksheet_path", ""))
            rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    except Exception as error:  # openpyxl raises KeyError, ValueError, XML errors on a damaged workbook
        raise ReadFailed(f"cannot be read as an Excel workbook ({type(error).__name__}); save it again from "
                         f"Excel or as CSV") from error
    if unsaved:
        raise ReadFailed(_unsaved_message(unsaved, rows))
    return rows


# A cell holding a formula and no saved result: <c r="B5"><f>A5*2</f></c>, or an empty <v/> as openpyxl writes it.
# Excel saves each result in <v>; an empty <v> is a saved result only for a text formula (t="str") giving "".
UNSAVED_FORMULA = re.compile(
    rb'<c\b([^>]*?)\br="([A-Z]+)(\d+)"([^>]*)>\s*<f\b[^>]*?(?:/>|>(.*?)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>', re.S)
CHUNK = 8 * 1024 * 1024


def _formulas_without_results(path: Path, sheet_path: str) -> list[tuple[str, int, str]]:
    """(column letters, row, formula) of each formula cell whose result was never saved, e.g. a workbook written
    by a program, not by Excel: openpyxl reads such a cell as blank, which would be a silent blank."""
    import zipfile

    if not sheet_path:
        return []
    found, tail = [], b""
    with zipfile.ZipFile(path) as archive, archive.open(sheet_path) as xml:
        while chunk := xml.read(CHUNK):
            text = tail + chunk
            cut = text.rfind(b"</c>") + 4 if b"</c>" in text else 0  # cells end at </c>: scan up to the last one
            found += [(m.group(2).decode(), int(m.group(3)), (m.group(5) or b"").decode("utf-8", "replace"))
                      for m in UNSAVED_FORMULA.finditer(text, 0, cut)
                      if not (b't="str"' in m.group(1) + m.group(4) and b"<v" in m.group(0))]
            tail = text[cut:]
    return found


def _unsaved_message(unsaved: list[tuple[str, int, str]], rows: list[list[str]]) -> str:
    from openpyxl.utils import column_index_from_string

    examples = []
    for letters, row, formula in unsaved[:3]:
        index = column_index_from_string(letters) - 1
        header = next((r[index] for r in rows[:HEADER_SEARCH_ROWS] if index < len(r) and r[index]), letters)
        examples.append(f"row {row}, column {header} ({letters}{row}): ={formula}")
    return (f"holds {len(unsaved):,} formula cell(s) whose result was never saved, so their values are unknown "
            f"(e.g. {'; '.join(examples)}); open the file in Excel and save it, or paste the values, then try again")


def _read_workbook(path: Path, expected: set[str]) -> tuple[pd.DataFrame | None, SourceInfo | None]:
    rows = _workbook_rows(path)
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        return None, None
    header = _header_row(rows, expected)
    width = max((i + 1 for i, v in enumerate(rows[header]) if v != ""), default=0) if rows else 0
    if width > MAX_COLUMNS:
        raise ReadFailed(f"has {width:,} columns; the kit reads at most {MAX_COLUMNS:,}: keep the columns it needs")
    while rows and not any(rows[-1]):
        rows.pop()
    frame = _framed(rows, header, width)
    frame = frame.loc[(frame != "").any(axis=1).to_numpy(dtype=bool)]  # blank rows carry nothing, as in a CSV
    return frame, SourceInfo(path.name, "xlsx", ",", len(frame), header + 1)

