"""Converting a text column by its contract entry, collecting bad cells instead of raising."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxlib.client.config import _allowed_values

TRUE_WORDS = {"true", "yes", "y", "t", "1", "да", "д"}
FALSE_WORDS = {"false", "no", "n", "f", "0", "нет", "н"}
# Answers that mean "no answer" in a numeric column: read as blank and counted, never silently.
DONT_KNOW = {"n/a", "na", "n.a.", "-", "—", "?", "dk", "don't know", "dont know", "do not know", "no answer",
             "не знаю", "затрудняюсь ответить", "затрудняюсь", "нет ответа", "н/д", "не знаю/затрудняюсь"}
LABELLED_NUMBER = r"^\s*(-?\d+(?:[.,]\d+)?)\s*(?:[-–—:=.)]|\s)\s*\D.*$"  # "9 - very likely", "5: очень доволен"
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # day 0 of Excel's serial dates (1900 system)


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

