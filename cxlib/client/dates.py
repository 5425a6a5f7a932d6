"""Dates as clients export them.

ISO (``2025-03-01``), ``01.03.2025``, ``01/03/2025`` or ``03/01/2025`` (the
order declared in ``client.toml [dates] order`` when the file alone cannot
tell), ``19 November 2023``, ``Nov 19, 2023``, ``19 ноября 2023 г.`` and Excel
day numbers, each with an optional time. A date before 1990 or after today
is a problem, not a date: it is a typo or a wrongly read number far more often
than a real answer.

Examples
--------
>>> values, bad, notes, ambiguous = parse_dates(pd.Series(["2025-03-01", "19 November 2023", "45666"]), "date")
>>> [str(v.date()) for v in values]
['2025-03-01', '2023-11-19', '2025-01-09']
"""

from __future__ import annotations

import re

import pandas as pd

EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # day 0 of Excel's serial dates (1900 system)
EXCEL_DAYS = (20000, 80000)  # 1954..2119: numbers in this range are read as Excel day numbers
EARLIEST = pd.Timestamp("1990-01-01")
_TIME = r"(?:[ Tt](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?)?"
# A time-zone designator after a time: Z, UTC, GMT or an offset such as +03:00, +0300, -05.
_ZONE = re.compile(r"(?<=\d)\s*(z|utc|gmt|[+-](?:0\d|1[0-4])(?::?[0-5]\d)?)$", re.IGNORECASE)
_ISO = re.compile(rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}$")
_DOTTED = re.compile(rf"^(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}}){_TIME}$")
_SLASHED = re.compile(rf"^(\d{{1,2}})[/-](\d{{1,2}})[/-](\d{{4}}){_TIME}$")
_DAY_MONTH_NAME = re.compile(rf"^(\d{{1,2}})\s+([a-zа-яё]+)\.?,?\s+(\d{{4}})(?:\s*г\.?)?{_TIME}$")
_MONTH_NAME_DAY = re.compile(rf"^([a-z]+)\.?\s+(\d{{1,2}}),?\s+(\d{{4}}){_TIME}$")
_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
           "oct": 10, "nov": 11, "dec": 12, "янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5,
           "июн": 6, "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12}
EXPECTED = "a date such as 2025-03-01, 01.03.2025, 01/03/2025 or 1 March 2025"


def _stamp(year, month, day, hour=None, minute=None, second=None) -> pd.Timestamp | None:
    try:
        return pd.Timestamp(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except (ValueError, OverflowError):
        return None


def _month(word: str) -> int | None:
    return _MONTHS.get(word[:3]) if len(word) >= 3 else None


def _one(text: str, order: str | None) -> pd.Timestamp | None:
    """One date in any of the accepted forms; slashed dates need ``order`` (DMY or MDY)."""
    text = text.strip().lower()
    if match := _ISO.match(text):
        return _stamp(*match.groups())
    if match := _DOTTED.match(text):
        day, month, year, *clock = match.groups()
        return _stamp(year, month, day, *clock)
    if (match := _SLASHED.match(text)) and order:
        first, second, year, *clock = match.groups()
        day, month = (first, second) if order == "DMY" else (second, first)
        return _stamp(year, month, day, *clock)
    if (match := _DAY_MONTH_NAME.match(text)) and _month(match.group(2)):
        day, word, year, *clock = match.groups()
        return _stamp(year, _month(word), day, *clock)
    if (match := _MONTH_NAME_DAY.match(text)) and _month(match.group(1)):
        word, day, year, *clock = match.groups()
        return _stamp(year, _month(word), day, *clock)
    return None


def _without_zones(text: pd.Series) -> tuple[pd.Series, str | None]:
    """Dates with the time-zone designator after their time removed, and a note saying how they were read.

    Each answer keeps the local date and time written in the file, which is the day its customer lived; turning
    every time into one zone could move an evening answer into the next day, or the next quarter.
    """
    with_time = text.str.contains(r"[ Tt]\d{1,2}:\d{2}", regex=True)
    zones = text[with_time].str.extract(_ZONE, expand=False).dropna()
    if zones.empty:
        return text, None
    stripped = text.copy()
    stripped[zones.index] = text[zones.index].str.replace(_ZONE, "", regex=True)
    kinds = sorted(zones.str.upper().unique())
    shown = ", ".join(kinds[:4]) + (", …" if len(kinds) > 4 else "")
    return stripped, (f"dates carry a time zone ({shown}); each is read at the local date and time written, the "
                      f"day its customer lived")


def slash_order(text: pd.Series) -> tuple[str | None, list[str]]:
    """The day/month order the slashed dates themselves reveal, and examples when they cannot tell.

    A first part above 12 can only be a day (DMY), a second part above 12 only a day (MDY); when every slashed
    date has both parts at most 12 the file is ambiguous.
    """
    parts = text.str.extract(_SLASHED.pattern).iloc[:, :2].dropna()
    if parts.empty:
        return None, []
    first, second = parts[0].astype(int), parts[1].astype(int)
    if (first > 12).any() and not (second > 12).any():
        return "DMY", []
    if (second > 12).any() and not (first > 12).any():
        return "MDY", []
    return None, list(text[parts.index][:3])


def excel_days(text: pd.Series) -> pd.Series:
    """Which texts are Excel day numbers (a number from 20000 to 80000: 1954 to 2119)."""
    serial = pd.to_numeric(text.str.strip().str.replace(",", ".", regex=False), errors="coerce")
    return serial.between(*EXCEL_DAYS)


def parse_dates(text: pd.Series, kind: str, order: str | None = None,
                today: pd.Timestamp | None = None) -> tuple[pd.Series, list[tuple[int, str]], list[str], str | None]:
    """Parse distinct date texts; return the values, bad values as (position, message), notes, and an ambiguity.

    ``kind`` is ``"date"`` (times dropped) or ``"datetime"``. The ambiguity is
    a sentence when slashed dates could be day- or month-first and ``order``
    was not declared; those dates are then left unread.
    """
    text = text.str.strip()
    notes: list[str] = []
    ambiguity = None
    text, zone_note = _without_zones(text)
    if zone_note:
        notes.append(zone_note)
    if order is None:
        order, examples = slash_order(text)
        if examples:
            ambiguity = (f"dates such as {', '.join(repr(e) for e in examples)} could be day/month or month/day; "
                         'declare the order in client.toml: [dates] order = "DMY" (day first) or "MDY"')
        elif order:
            notes.append(f"dates written with slashes read as {'day/month' if order == 'DMY' else 'month/day'}/year")
    values = pd.Series([_one(value, order) if value else None for value in text], index=text.index,
                       dtype="datetime64[ns]")
    is_serial = values.isna() & excel_days(text)
    if is_serial.any():
        serial = pd.to_numeric(text[is_serial].str.replace(",", ".", regex=False))
        values[is_serial] = EXCEL_EPOCH + pd.to_timedelta(serial, unit="D")
    if kind == "date":
        values = values.dt.floor("D")
    latest = (today or pd.Timestamp.now()).normalize() + pd.Timedelta(days=1)
    bad: list[tuple[int, str]] = []
    for position in text.index[(text != "") & values.isna()]:
        if not (ambiguity and _SLASHED.match(text[position])):
            bad.append((position, f"is not {EXPECTED}"))
    bad += [(p, "is in the future") for p in values.index[values >= latest]]
    bad += [(p, "is before 1990: a typo or a number read as a date?") for p in values.index[values < EARLIEST]]
    values[(values >= latest) | (values < EARLIEST)] = pd.NaT
    return values, bad, notes, ambiguity
