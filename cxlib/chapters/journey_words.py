"""Touchpoints, checks and estimates in the client's words, for the journey chapter and the drivers chapter.

A touchpoint or a mystery-shopping check is named by the client's ``[labels]``
first, then by the kit's words, then by the journey vocabulary (or as
written); an estimate is written with its interval on one line.

Examples
--------
>>> _capital("online booking")
'Online booking'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cxlib import catalog, journey
from cxlib.wording import Numbers, unbroken

KEY = "journey"  # the chapter's key and its catalogue, chapters/journey.toml


def _capital(text: str) -> str:
    """``online booking`` → ``Online booking``, for a table cell or a chart label."""
    return text[:1].upper() + text[1:]


def _own_words(client: Any, code: str) -> str | None:
    """The client's ``[labels]`` (or the kit's words) for ``code``; None when neither has any."""
    said = client.label(code)
    return None if said == str(code).replace("_", " ") else said


def touchpoint_words(client: Any, code: str) -> str:
    """A touchpoint in the client's words: its own ``[labels]`` or the kit's words, else the journey vocabulary.

    Examples
    --------
    >>> touchpoint_words(cxlib.load_client("data/cases/volga_bank"), "call centre")   # doctest: +SKIP
    'Колл-центр'
    """
    return _own_words(client, code) or journey.touchpoint_name(str(code), client.language).replace("_", " ")


def criterion_words(client: Any, text: str) -> str:
    """A mystery-shopping check in the client's words, else the chapter's ``[criteria]``, else as written.

    Examples
    --------
    >>> criterion_words(cxlib.load_client("data/cases/volga_bank"), "fees explained in full")   # doctest: +SKIP
    'Комиссии объяснены полностью'
    """
    known = catalog.load(f"chapters/{KEY}")["criteria"].get(str(text), {})
    return _capital(_own_words(client, text) or known.get(client.language, str(text)))


def _estimate(numbers: Numbers, value: float, low: float, high: float, decimals: int = 0, *,
              percent: bool = False) -> str:
    """``57% (53–61)`` or ``2.3 (1.8–3.0)``, kept on one line; a dash when unknown.

    Examples
    --------
    >>> _estimate(Numbers("ru"), 2.34, 1.8, 3.01, 1)
    '2,3 (1,8\u2060–\u20603,0)'
    """
    if pd.isna(value):
        return "–"
    shown = numbers.percent(value) if percent else numbers.number(value, decimals)
    return unbroken(f"{shown} {numbers.interval(low, high, decimals)}".strip())
