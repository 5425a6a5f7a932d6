"""Converting a text column by its contract entry, collecting bad cells instead of raising."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxlib.client.config import _allowed_values
from cxlib.client.dates import excel_days, parse_dates

TRUE_WORDS = {"true", "yes", "y", "t", "1", "да", "д"}
FALSE_WORDS = {"false", "no", "n", "f", "0", "нет", "н"}
# Answers that mean "no answer" in a numeric column: read as blank and counted, never silently.
DONT_KNOW = {"n/a", "na", "n.a.", "-", "—", "?", "dk", "don't know", "dont know", "do not know", "no answer",
             "не знаю", "затрудняюсь ответить", "затрудняюсь", "нет ответа", "н/д", "не знаю/затрудняюсь"}
LABELLED_NUMBER = r"^\s*(-?\d+(?:[.,]\d+)?)\s*(?:[-–—:=.)]|\s)\s*\D.*$"  # "9 - very likely", "5: очень доволен"


def _range_text(low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return f"is outside {low}–{high}"
    return f"is below {low}" if low is not None else f"is above {high}"


# A number as people write it: digits, thousands in groups of three (spaces), one decimal separator. Not "1e1",
# "1 0", "inf" or "nan", which float() accepts and which are typos far more often than numbers.
PLAIN_NUMBER = r"^[+-]?(?:\d+|\d{1,3}(?: \d{3})+)(?:[.,]\d+)?$"
LARGEST = 2**53  # beyond this an integer no longer survives a float, so it is refused rather than rounded


def _to_number(text: pd.Series, decimal_comma: bool) -> pd.Series:
    cleaned = text.str.replace("\u00a0", " ", regex=False).str.replace("\u202f", " ", regex=False)
    plain = cleaned.str.match(PLAIN_NUMBER) & (decimal_comma | ~cleaned.str.contains(",", regex=False))
    cleaned = cleaned.str.replace(" ", "", regex=False)
    if decimal_comma:
        cleaned = cleaned.str.replace(",", ".", regex=False)
    number = pd.to_numeric(cleaned.where(plain, ""), errors="coerce")
    return number.where(number.abs() < LARGEST)


def _convert_column(
    raw: pd.Series, spec: dict[str, Any], config: dict[str, Any], decimal_comma: bool, notes: list[str]
) -> tuple[pd.Series, list[tuple[int | None, str]]]:
    """Convert one text column by its contract entry; return the column and its bad cells (row, message).

    A row of ``None`` is a problem of the whole column.

    Survey columns repeat a few values a million times, so each distinct value
    is converted once and the results are spread back over the rows.
    """
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object))
    distinct = pd.Series(uniques, dtype="str")
    weights = np.bincount(codes, minlength=len(distinct))
    value_u, bad_u = _convert(distinct, spec, config, decimal_comma, notes, weights)
    value = value_u.iloc[codes]
    value.index = raw.index
    bad: list[tuple[int | None, str]] = [(None, message) for u, message in bad_u if u is None]
    bad_u = [(u, message) for u, message in bad_u if u is not None]
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


class _Cells:
    """Distinct text values of one column being converted, with what is wrong with them so far."""

    def __init__(self, raw: pd.Series, spec: dict[str, Any], weights: np.ndarray | None, notes: list[str]):
        self.text = raw.str.strip()
        self.spec = spec
        self.weights = np.ones(len(self.text), dtype=int) if weights is None else weights
        self.notes = notes
        self.bad: list[tuple[int | None, str]] = []
        self.dont_know = pd.Series(False, index=self.text.index)

    @property
    def empty(self) -> pd.Series:
        return self.text == ""

    def rows(self, mask: pd.Series) -> int:
        """How many rows hold the values in ``mask`` (notes count rows, not distinct values)."""
        return int(self.weights[mask.to_numpy(dtype=bool)].sum())

    def flag(self, mask: pd.Series, message: str) -> None:
        self.bad.extend((row, message) for row in mask[mask].index)

    def note(self, text: str) -> None:
        self.notes.append(f"{self.spec['name']}: {text}")

    def blank_dont_knows(self, codes: list | None = None) -> None:
        """Explicit don't-know answers become blanks, counted; where a value is needed they are a problem.

        ``codes`` are the client's own answers that mean "no answer" (``[scales.<column>] no_answer``), such
        as a 7 = "don't know" on a 1–5 scale.
        """
        words = DONT_KNOW | {str(code).strip().lower() for code in codes or []}
        self.dont_know = self.text.str.lower().isin(words)
        if self.dont_know.any():
            examples = ", ".join(repr(v) for v in self.text[self.dont_know].unique()[:3])
            self.note(f"{self.rows(self.dont_know)} don't-know answers ({examples}) read as blank")
            if not self.spec.get("empty", False):
                self.flag(self.dont_know, "is a don't-know answer; this column needs a value")
            self.text = self.text.where(~self.dont_know, "")

    def strip_labels(self) -> None:
        """``9 - very likely`` becomes ``9``, counted."""
        labelled = self.text.str.extract(LABELLED_NUMBER, expand=False)
        if labelled.notna().any():
            example = self.text[labelled.notna()].iloc[0]
            self.note(f"{self.rows(labelled.notna())} answers written with their label (e.g. {example!r}); "
                      "the leading number was used")
            self.text = labelled.where(labelled.notna(), self.text)


def _no_answer_codes(spec: dict[str, Any], config: dict[str, Any]) -> list:
    """The client's codes for "no answer" in this column: ``[scales.<scale or column>] no_answer``, or the
    entry's own (a rating column's, from ``[ratings]``)."""
    scale = config["scales"].get(spec.get("scale", spec["name"]), {})
    return list(spec.get("no_answer", [])) + (list(scale.get("no_answer", [])) if isinstance(scale, dict) else [])


def _numbers(cells: _Cells, config: dict[str, Any], decimal_comma: bool) -> pd.Series:
    spec, kind = cells.spec, cells.spec["type"]
    cells.blank_dont_knows(_no_answer_codes(spec, config))
    cells.strip_labels()
    number = _to_number(cells.text, decimal_comma)
    unreadable = ~cells.empty & number.isna()
    cells.flag(unreadable, "is not a number")
    if kind in ("int", "rating"):
        fractional = ~cells.empty & ~unreadable & (number % 1 != 0)
        cells.flag(fractional, "is not a whole number")
        unreadable |= fractional
    low, high = spec.get("min"), spec.get("max")
    if "scale" in spec:
        scale = config["scales"][spec["scale"]]
        low, high = scale["min"], scale["max"]
    readable = ~cells.empty & ~unreadable
    outside = pd.Series(False, index=cells.text.index)
    if low is not None:
        outside |= readable & (number < low)
    if high is not None:
        outside |= readable & (number > high)
    cells.flag(outside, _range_text(low, high))
    value = number.where(~(unreadable | outside))
    return value.astype("Int64") if kind in ("int", "rating") else value.astype("float64")


def _ratings(cells: _Cells, config: dict[str, Any], decimal_comma: bool) -> pd.Series:
    """A rating of one attribute: as a whole number on its scale, where a 0 below a scale that starts above 0 is
    how survey tools write "not rated" (the airline survey's 0 = not applicable): a counted blank, never a zero."""
    cells.blank_dont_knows(_no_answer_codes(cells.spec, config))
    cells.strip_labels()
    if cells.spec["min"] > 0:
        zero = _to_number(cells.text, decimal_comma) == 0
        if zero.any():
            cells.note(f"{cells.rows(zero)} answers of 0, below the {cells.spec['min']}–{cells.spec['max']} "
                       "scale, read as not rated (blank)")
            cells.text = cells.text.where(~zero, "")
    return _numbers(cells, config, decimal_comma)


def _satisfaction(cells: _Cells, config: dict[str, Any], decimal_comma: bool) -> pd.Series:
    """A satisfaction answer on the client's own scale, as 1 (satisfied) or 0 (not), through [scales.csat]."""
    scale = config["scales"].get("csat")
    cells.blank_dont_knows(_no_answer_codes(cells.spec, config))
    lowered = cells.text.str.lower()
    if scale is None:
        cells.strip_labels()
        number = _to_number(cells.text, decimal_comma)
        if (cells.empty | number.between(1, 5)).all():
            scale = {"min": 1, "max": 5, "satisfied": [4, 5]}
            if (~cells.empty).any():
                cells.note("read on a 1–5 scale with 4 and 5 as satisfied; declare [scales.csat] if it differs")
        else:
            cells.flag(~cells.empty, 'needs its satisfied answers declared in client.toml: [scales.csat] '
                                     'satisfied = ["satisfied"], or min = 1, max = 5, satisfied = [4, 5]')
            return pd.Series(pd.NA, index=cells.text.index, dtype="Int64")
    if "min" in scale:
        spec = {**{k: v for k, v in cells.spec.items() if k != "scale"}, "type": "int", "min": scale["min"],
                "max": scale["max"]}
        numeric = _Cells(cells.text, spec, cells.weights, cells.notes)
        numeric.bad = cells.bad  # one list of problems for the column
        numbers = _numbers(numeric, config, decimal_comma)
        value = numbers.isin(scale["satisfied"]).astype("Int64")
        return value.where(numbers.notna(), pd.NA)
    satisfied = lowered.isin(scale["satisfied"])
    answered = ~cells.empty
    others = cells.text[answered & ~satisfied].unique()
    if len(others):
        cells.note(f"{cells.rows(answered & satisfied)} answers counted as satisfied "
                   f"({', '.join(repr(v) for v in scale['satisfied'])}) and {cells.rows(answered & ~satisfied)} "
                   f"as not satisfied ({', '.join(repr(v) for v in others[:5])}{', ...' if len(others) > 5 else ''})")
    value = pd.Series(pd.NA, index=cells.text.index, dtype="Int64")
    value[answered] = satisfied[answered].astype(int)
    return value


def _dates(cells: _Cells, config: dict[str, Any], decimal_comma: bool) -> pd.Series:
    value, bad, notes, ambiguity = parse_dates(cells.text, cells.spec["type"], config.get("dates", {}).get("order"))
    cells.bad += bad
    for note in notes:
        cells.note(note)
    serial = excel_days(cells.text) & value.notna()
    if serial.any():
        cells.note(f"{cells.rows(serial)} dates written as Excel day numbers were converted")
    if ambiguity:
        cells.bad.append((None, ambiguity))
    return value


def _booleans(cells: _Cells, config: dict[str, Any], decimal_comma: bool) -> pd.Series:
    lowered = cells.text.str.lower()
    value = pd.Series(pd.NA, index=cells.text.index, dtype="boolean")
    value[lowered.isin(TRUE_WORDS)] = True
    value[lowered.isin(FALSE_WORDS)] = False
    cells.flag(~cells.empty & value.isna(), "is not yes/no (expected true/false, yes/no or 1/0)")
    return value


def _texts(cells: _Cells, config: dict[str, Any], decimal_comma: bool) -> pd.Series:
    spec, text = cells.spec, cells.text
    allowed = spec.get("allowed") or (_allowed_values(spec["allowed_from"], config) if "allowed_from" in spec else None)
    if not allowed:
        return text
    canonical = {str(option).lower(): str(option) for option in allowed}
    lowered = text.str.lower()
    known = lowered.isin(list(canonical))
    cells.flag(~cells.empty & ~known, f"is not one of: {', '.join(map(str, allowed))}")
    return lowered.map(canonical).where(known, text).astype("str")


_CONVERTERS = {"int": _numbers, "float": _numbers, "rating": _ratings, "satisfaction": _satisfaction, "date": _dates,
               "datetime": _dates, "bool": _booleans, "str": _texts}


def _convert(
    raw: pd.Series, spec: dict[str, Any], config: dict[str, Any], decimal_comma: bool, notes: list[str],
    weights: np.ndarray | None = None,
) -> tuple[pd.Series, list[tuple[int | None, str]]]:
    """Convert distinct text values by a contract entry; bad values come back as (position, message).

    ``weights`` is how many rows hold each value, so notes count rows. A
    position of ``None`` is a problem of the whole column (e.g. ambiguous dates).
    """
    cells = _Cells(raw, spec, weights, notes)
    value = _CONVERTERS[spec["type"]](cells, config, decimal_comma)
    if not spec.get("empty", False):
        cells.flag(cells.empty & ~cells.dont_know, "is empty; a value is required")
    return value, cells.bad
