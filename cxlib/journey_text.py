"""Printing journey tables as plain text: a word where a number is missing, never ``nan``.

A missing value reads "unknown" when an input it is built from was blank (:data:`DEPENDS`) and "n/a" when
nothing was (a share with nothing to count, such as announced delays when there were none).
"""

from __future__ import annotations

import pandas as pd

from cxlib.journey_measure import UNKNOWN_NAMES, word

#: The inputs each printed column is built from: a missing value is "unknown" when
#: one of them was blank, and "n/a" when none was (nothing to count, e.g. no delays).
DEPENDS: dict[str, set[str]] = {
    "reached": {"reached"}, "rated": {"rated"}, "moved_on": {"reached", "moved_on"},
    "satisfied": {"rated", "satisfied"}, "high_effort": {"rated", "high_effort"},
    "complaints": {"reached", "complaints"}, "expectation": {"expectation"}, "perception": {"perception"},
    "gap": {"expectation", "perception"}, "promises_made": {"promises_made"},
    "promises_kept": {"promises_made", "promises_kept"}, "delays": {"delays"},
    "announced": {"delays", "delays_announced"}, "fix_effort": {"fix_effort"},
    "detractor_share": {"detractors"}, "affected": {"reached", "rated", "satisfied"},
    "frequency": {"reached", "rated", "satisfied"},
    "severity": {"rated", "high_effort", "expectation", "perception"},
    "impact": {"reached", "moved_on", "detractors", "drivers"},
}
DEPENDS["priority"] = DEPENDS["rank"] = DEPENDS["components"] = (
    DEPENDS["frequency"] | DEPENDS["severity"] | DEPENDS["impact"])
DEPENDS["importance"] = DEPENDS["driver_share"] = {"drivers"}


def as_text(table: pd.DataFrame, columns: list[str], *, digits: int = 1, index: bool = False,
            language: str = "en") -> str:
    """A journey table as plain text, with words where a number is missing; never ``nan``.

    A missing value reads "unknown" when the row's ``unknown`` names one of the
    inputs the column is built from (:data:`DEPENDS`), and "n/a" when nothing
    was blank (a share with nothing to count, such as announced delays at a
    touchpoint without delays). The row's ``unknown`` column is added after
    ``columns`` (limited to the inputs of the printed columns) when any row has
    something to say; it is left out when everything printed was known. An
    input unknown on every row (e.g. a file without ``fix_effort``) is said once,
    in a line above the table, instead of on each row.
    """
    shown = table[columns].copy()
    if "unknown" in table:
        lists = [[entry for entry in text.split(", ") if entry] for text in table["unknown"].fillna("")]
        plain_names = all(entry in UNKNOWN_NAMES for entries in lists for entry in entries)
        if plain_names and "unknown" not in columns:
            relevant = set().union(*(DEPENDS.get(c.removesuffix("_low").removesuffix("_high"), set())
                                     for c in columns))
            lists = [[entry for entry in entries if entry in relevant] for entries in lists]
    else:
        lists, plain_names = [[] for _ in range(len(table))], True
    unknown_word, na_word = word("unknown", language), word("not_applicable", language)
    for column in columns:
        if column == "unknown" or not pd.api.types.is_numeric_dtype(shown[column]) \
                or pd.api.types.is_bool_dtype(shown[column]):
            continue
        values = shown[column]
        integral = pd.api.types.is_integer_dtype(values)
        if not values.isna().any():
            if not integral:
                shown[column] = values.astype("float64").round(digits)
            continue
        base = DEPENDS.get(column.removesuffix("_low").removesuffix("_high"), set())

        # this iteration's base, column and integral, bound now rather than read from the loop when called
        def cell(value: object, entries: list[str], base: set[str] = base, column: str = column,
                 integral: bool = integral) -> str:
            if pd.isna(value):
                said = bool(entries) if not plain_names else bool(base & set(entries)) or column in entries
                return unknown_word if said else na_word
            return f"{int(value)}" if integral else f"{float(value):.{digits}f}"

        shown[column] = pd.Series([cell(v, e) for v, e in zip(values, lists)], index=shown.index, dtype=object)
    everywhere: list[str] = []
    if plain_names and len(lists) > 1:
        everywhere = [entry for entry in lists[0] if all(entry in entries for entries in lists)]
        lists = [[entry for entry in entries if entry not in everywhere] for entries in lists]
    if "unknown" in columns or any(lists):
        shown["unknown"] = [", ".join(entries) for entries in lists]
    text = shown.to_string(index=index)
    if everywhere:
        text = word("unknown_everywhere", language, names=", ".join(everywhere)) + "\n" + text
    return text

