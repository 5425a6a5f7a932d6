"""The charts' words: every text from ``cxlib/catalog/report.toml`` [charts], codes in the client's words.

``_t`` looks a text up in the client's language; ``_words`` turns a channel, segment or touchpoint code
into the reader's words (``label=``, then a name the table carries, then the kit's words for common codes);
numbers and periods are written in the client's locale through :class:`cxlib.wording.Numbers`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

import pandas as pd

Label = Callable[[Any], str]


def _t(key: str, language: str, **values: object) -> str:
    """A chart text in the client's language (``cxlib/catalog/report.toml`` [charts])."""
    from cxlib import catalog

    return catalog.label(catalog.load("report")["charts"], language, key).format(**values)


def _has(key: str) -> bool:
    from cxlib import catalog

    return f"{key}_en" in catalog.load("report")["charts"]


def _numbers(language: str):
    from cxlib.wording import Numbers

    return Numbers(language)


def _words(code: object, language: str, label: Label | None = None, fallback: str | None = None) -> str:
    """The reader's words for a client's code.

    ``label(code)`` when it knows the code (it gives more than the code with its
    underscores as spaces); else ``fallback`` (a name the result table already
    carries, e.g. the kit's touchpoint name); else the kit's words for common codes.
    """
    from cxlib.client import (
        kit_label,  # the kit's words for channels, segments and reasons
    )

    if code is None or (not isinstance(code, str) and pd.isna(code)) or str(code).strip() == "":
        return _t("blank", language)
    readable = str(code).replace("_", " ")
    if label is not None:
        words = str(label(code))
        if words != readable or fallback is None:
            return as_drawn(words)
    return as_drawn(fallback if fallback is not None else kit_label(str(code), language))


def as_drawn(text: str) -> str:
    r"""A client's text as matplotlib should draw it: literally (``$`` is not TeX) and without control characters.

    Examples
    --------
    >>> as_drawn("$5 off$ \x1b")
    '\\$5 off\\$ '
    """
    from cxlib.wording import displayable

    return displayable(text).replace("$", "\\$")


def _group_words(column: str, value: object, language: str, label: Label | None) -> str:
    """A group's name: periods as people read them (``Q4 2025``), codes through ``label``."""
    return _numbers(language).period(value) if column == "period" else _words(value, language, label)


def _wrap(text: str, width: int) -> str:
    # words stay whole: a word longer than the width gets a line of its own rather than a break inside it
    return "\n".join(textwrap.fill(line, max(int(width), 4), break_long_words=False) or line
                     for line in str(text).split("\n"))


def _signed(value: float, language: str) -> str:
    text = _numbers(language).number(value)
    return f"+{text}" if pd.notna(value) and round(float(value)) > 0 else text


def _value(value: float, language: str) -> str:
    """A scorecard value with as many decimals as its size needs (3 significant figures, at most 2 decimals)."""
    if pd.isna(value):
        return "–"
    size = abs(float(value))
    return _numbers(language).number(value, 0 if size >= 100 else 1 if size >= 10 else 2)
