"""Period labels as people write them, put in time order.

Survey periods come from dates, but scorecard rows and survey counts carry
labels typed by people: ``2025-Q3``, ``Q3 2025``, ``3 кв. 2025``,
``2025-07``, ``July 2025``, ``H1 2025``, ``FY2024``. Sorted as text,
``Q1 2025`` comes before ``Q4 2024`` and "latest" and "trend" go wrong, so
every table, chart and comparison orders periods through :func:`sort_periods`.

Examples
--------
>>> sort_periods(["Q1 2025", "Q3 2024", "Q4 2024"])
['Q3 2024', 'Q4 2024', 'Q1 2025']
>>> period_start("3 кв. 2024")
Timestamp('2024-07-01 00:00:00')
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "май": 5, "мая": 5, "июн": 6, "июл": 7, "авг": 8, "сен": 9,
    "окт": 10, "ноя": 11, "дек": 12,
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR = r"((?:19|20)\d{2})"
_QUARTER_WORD = r"(?:q|кв\.?|квартал)"
# (pattern, how many months one unit spans, which group holds the year, which the unit number)
_PATTERNS: list[tuple[str, int, int, int]] = [
    (rf"^{_YEAR}\s*[-/ ]?\s*{_QUARTER_WORD}\s*([1-4])$", 3, 1, 2),          # 2025-Q3, 2025Q3
    (rf"^{_QUARTER_WORD}\s*([1-4])\s*[-/ ]?\s*{_YEAR}$", 3, 2, 1),          # Q3 2025, Q3-2025
    (rf"^([1-4])\s*{_QUARTER_WORD}\s*[-/ ]?\s*{_YEAR}(?:\s*г\.?)?$", 3, 2, 1),  # 3Q2025, 3 кв. 2025
    (rf"^([iv]+)\s*{_QUARTER_WORD}\s*[-/ ]?\s*{_YEAR}(?:\s*г\.?)?$", 3, 2, 1),  # III кв. 2025
    (rf"^{_YEAR}\s*[-/ ]?\s*h([12])$", 6, 1, 2),                             # 2025-H1
    (rf"^h([12])\s*[-/ ]?\s*{_YEAR}$", 6, 2, 1),                             # H1 2025
    (rf"^{_YEAR}\s*[-/.]\s*(\d{{1,2}})$", 1, 1, 2),                          # 2025-07
    (rf"^(\d{{1,2}})\s*[-/.]\s*{_YEAR}$", 1, 2, 1),                          # 07.2025
    (rf"^(?:fy\s*)?{_YEAR}(?:\s*г\.?)?$", 12, 1, 0),                         # 2025, FY2025
]


def _month_word(text: str) -> tuple[int, int] | None:
    match = re.match(rf"^([a-zа-яё]+)\.?\s*[-/ ]?\s*{_YEAR}(?:\s*г\.?)?$", text)
    if not match:
        match_year_first = re.match(rf"^{_YEAR}\s*[-/ ]?\s*([a-zа-яё]+)\.?$", text)
        if not match_year_first:
            return None
        year, word = match_year_first.group(1), match_year_first.group(2)
    else:
        word, year = match.group(1), match.group(2)
    month = _MONTHS.get(word[:3])
    return (int(year), month) if month else None


def period_start(label: object) -> pd.Timestamp | None:
    """The first day of the period a label names, or ``None`` when the label is not a recognisable period.

    Examples
    --------
    >>> period_start("Q4 2024"), period_start("2025-07"), period_start("July 2025")
    (Timestamp('2024-10-01 00:00:00'), Timestamp('2025-07-01 00:00:00'), Timestamp('2025-07-01 00:00:00'))
    >>> period_start("all answers") is None
    True
    """
    text = re.sub(r"\s+", " ", str(label).strip().lower())
    for pattern, months, year_group, unit_group in _PATTERNS:
        match = re.match(pattern, text)
        if not match:
            continue
        year = int(match.group(year_group))
        unit = 1
        if unit_group:
            raw = match.group(unit_group)
            unit = _ROMAN.get(raw, 0) if raw.isalpha() else int(raw)
        if not 1 <= unit <= 12 // months:
            return None
        return pd.Timestamp(year=year, month=(unit - 1) * months + 1, day=1)
    named = _month_word(text)
    return pd.Timestamp(year=named[0], month=named[1], day=1) if named else None


def sort_periods(labels: Iterable[object], *, order: Iterable[str] | None = None) -> list[str]:
    """Distinct period labels in time order.

    Parameters
    ----------
    labels : iterable
        Period labels; blanks are dropped.
    order : iterable of str, optional
        An explicit order (``client.toml [periods] order``), which wins for the
        labels it names.

    Returns
    -------
    list of str
        Labels the kit recognises, in time order, then any it does not, in the
        order they first appear (never alphabetically: file order is the
        client's own order).

    Examples
    --------
    >>> sort_periods(["2025-Q1", "2024-Q4", "2024-Q4", ""])
    ['2024-Q4', '2025-Q1']
    >>> sort_periods(["wave B", "wave A"], order=["wave A", "wave B"])
    ['wave A', 'wave B']
    """
    distinct = list(dict.fromkeys(str(label) for label in labels if str(label).strip() and not pd.isna(label)))
    explicit = [label for label in (order or []) if label in distinct]
    rest = [label for label in distinct if label not in explicit]
    starts = {label: period_start(label) for label in rest}
    known = sorted((label for label in rest if starts[label] is not None), key=lambda label: starts[label])
    return explicit + known + [label for label in rest if starts[label] is None]


def unordered(labels: Iterable[object]) -> list[str]:
    """The labels :func:`sort_periods` cannot place in time (kept in file order, and reported)."""
    return [label for label in dict.fromkeys(str(v) for v in labels if str(v).strip()) if period_start(label) is None]
