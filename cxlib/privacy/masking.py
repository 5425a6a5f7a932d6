"""Masking: contact details replaced by ``[email]`` and ``[phone]`` in a text, a column or a table."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from cxlib.privacy.emails import COMMON_TLDS, OBFUSCATION, _disguise, _email_spans
from cxlib.privacy.normalise import _PERCENT_CHARS, PERCENT, _Text
from cxlib.privacy.phones import _NO_DIGITS, _phone_spans

EMAIL_TOKEN = "[email]"
PHONE_TOKEN = "[phone]"


def _spans(text: str) -> list[tuple[int, int, str]]:
    """Where the contact details in ``text`` are: (start, end, token), sorted, not overlapping."""
    prepared = _Text.normalised(text)
    if "%" in prepared.text:
        prepared = prepared.rewrite(PERCENT, lambda match, done: (*match.span(), _PERCENT_CHARS[match[0][1:].upper()]))
    found = []
    if "@" in prepared.text:
        found += [(start, end, EMAIL_TOKEN) for start, end in _email_spans(prepared, text)]
    disguised = prepared.rewrite(OBFUSCATION, _disguise)
    if disguised is not prepared and "@" in disguised.text:
        found += [(start, end, EMAIL_TOKEN) for start, end in _email_spans(disguised, text, COMMON_TLDS)]
    if len(prepared.text) - len(prepared.text.translate(_NO_DIGITS)) >= 7:
        found += [(start, end, PHONE_TOKEN) for start, end in _phone_spans(prepared, text)]
    found.sort(key=lambda span: (span[0], -span[1]))
    merged: list[tuple[int, int, str]] = []
    for start, end, token in found:
        if merged and start < merged[-1][1]:
            last_start, last_end, last_token = merged[-1]
            if end > last_end:
                keep = last_token if last_end - last_start >= end - start else token
                merged[-1] = (last_start, end, keep)
            continue
        merged.append((start, end, token))
    return merged


def mask_pii(text: str) -> str:
    """Replace e-mail addresses with ``[email]`` and phone numbers with ``[phone]``.

    The text is read through its normalised form (see the module notes), so
    hidden characters, fullwidth forms and unusual dashes do not protect a
    contact detail; dates, prices, flight numbers and other ordinary numbers
    stay. One pass, in time proportional to the text's length.

    Parameters
    ----------
    text : str
        Any text; anything that is not a non-empty string is returned as is.

    Returns
    -------
    str
        The text with each contact detail replaced by its token.

    Examples
    --------
    >>> mask_pii("visited 2025-03-01, ticket 12345, Boeing 737-800")
    'visited 2025-03-01, ticket 12345, Boeing 737-800'
    >>> mask_pii("8\\u2011912\\u2011345\\u201167\\u201189 or ivan\\u200b\\uff20mail.ru")
    '[phone] or [email]'
    """
    if not isinstance(text, str) or not text:
        return text
    spans = _spans(text)
    if not spans:
        return text
    pieces = []
    done = 0
    for start, end, token in spans:
        pieces += [text[done:start], token]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _is_text(column: pd.Series) -> bool:
    return (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)
            or isinstance(column.dtype, pd.CategoricalDtype))


def mask_series(column: pd.Series) -> pd.Series:
    """:func:`mask_pii` applied to every text value of a column; other values and the dtype stay.

    Each distinct value is masked once, so a column of a few segment names
    costs a few calls however long it is.

    Examples
    --------
    >>> mask_series(pd.Series(["fleet", "ivan@mail.ru", "fleet"])).tolist()
    ['fleet', '[email]', 'fleet']
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = list(column.cat.categories)
        masked = [mask_pii(value) if isinstance(value, str) else value for value in categories]
        if masked == categories:
            return column
        if len(set(masked)) == len(masked):
            return column.cat.rename_categories(masked)
        values = column.astype(object).map(dict(zip(categories, masked)))
        ordered = list(dict.fromkeys(masked))
        return values.astype(pd.CategoricalDtype(ordered, ordered=column.cat.ordered))
    changed = {}
    for value in column.dropna().unique():
        if isinstance(value, str):
            masked = mask_pii(value)
            if masked != value:
                changed[value] = masked
    if not changed:
        return column
    result = column.copy()
    hits = column.isin(list(changed))
    result[hits] = column[hits].map(changed)
    return result


def mask_frame(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A copy of a table with contact details masked in every text column (or in ``columns``).

    Use it before a table of survey rows leaves the kit: in a report, a
    notebook output or a file. Numbers, dates and the index are not touched;
    text columns include object, string and categorical ones.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; it is not changed.
    columns : iterable of str, optional
        The columns to mask; by default every text column. A named column
        that holds no text is left as it is.

    Returns
    -------
    pandas.DataFrame
        The masked copy.

    Examples
    --------
    >>> table = pd.DataFrame({"customer_id": ["ivan@mail.ru", "C0002"], "nps": [9, 3],
    ...                       "comment": ["call 8 912 345 67 89", "late again"]})
    >>> mask_frame(table).to_dict("list")
    {'customer_id': ['[email]', 'C0002'], 'nps': [9, 3], 'comment': ['call [phone]', 'late again']}
    """
    masked = frame.copy()
    names = list(frame.columns) if columns is None else list(columns)
    for name in names:
        if _is_text(masked[name]):
            masked[name] = mask_series(masked[name])
    return masked

