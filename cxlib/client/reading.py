"""Reading a client file as text: encoding, separator, header row, CSV or Excel."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from cxlib.client.problems import Problem, SourceInfo

HEADER_SEARCH_ROWS = 5


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

