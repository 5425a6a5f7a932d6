"""Words and numbers for the client's language: the report's one place for locale formatting.

Texts live in the catalogue (``cxlib/catalog/*.toml``) as ``<key>_en`` and
``<key>_ru``; :class:`Words` reads one catalogue table and fills the
placeholders, choosing plural forms by CLDR rules. :class:`Numbers` writes
numbers, percentages, intervals and periods with Babel, so Russian gets a
decimal comma and a no-break space between thousands.

Examples
--------
>>> Words("summary", "ru")("heading")
'Главное'
>>> Numbers("ru").number(1234.5, 1), Numbers("en").number(1234.5, 1)
('1\\xa0234,5', '1,234.5')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd
from babel import Locale
from babel.numbers import format_decimal, format_percent

from cxlib import catalog

MINUS = "\u2212"
WORD_JOINER = "\u2060"  # no line break at the dash of "38–44" or "1–5"


# C0 and C1 control characters (tab and newline aside), the bidirectional embeddings, overrides and isolates, and
# the zero-width space and no-break space (U+200B, U+FEFF): invisible in a report, they can only garble it, reverse
# what a reader sees ("\u202eevil" shows as "live") or hide a word inside another ("pay\u200bpal"). The zero-width
# joiner (emoji) and the word joiner (the kit's own unbroken ranges) stay.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\ufeff]")


_EQUALS_BELOW = re.compile("=[ \u00a0]*<")


def displayable(text: object) -> str:
    """Text from a client as a reader may be shown it: control, bidirectional-override and zero-width space
    characters removed.

    Examples
    --------
    >>> displayable("\x1b[31mRED\x1b[0m \u202eevil")
    '[31mRED[0m evil'
    """
    return _UNSHOWABLE.sub("", str(text))


def unbroken(text: str) -> str:
    """Keep a range such as ``38–44`` on one line: a word joiner on each side of the dash between two numbers."""
    return re.sub(r"(?<=\d)–(?=[\d\u2212])", f"{WORD_JOINER}–{WORD_JOINER}", text)


@cache
def locale(language: str) -> Locale:
    """Babel's locale for a language code (``"en"``, ``"ru"``)."""
    return Locale.parse(language)


@dataclass(frozen=True)
class Words:
    """The texts of one catalogue file in one language.

    Parameters
    ----------
    source : str
        The catalogue file's stem, e.g. ``"summary"`` or ``"chapters/journey"``.
    language : str
        ``"en"`` or ``"ru"``; a text missing in Russian falls back to English.
    table : str
        The TOML table holding the texts.

    Examples
    --------
    >>> Words("summary", "en").plural("answers", 1, n="1")
    '1\\xa0answer'
    >>> Words("chapters/contacts", "en")("p_is", p=Numbers("en").p_value(0.0001))   # "p = {p}" with "< 0.001"
    'adjusted p <\\xa00.001'
    """

    source: str
    language: str
    table: str = "texts"

    def __call__(self, key: str, **values: Any) -> str:
        text = catalog.label(catalog.load(self.source)[self.table], self.language, key).format(**values)
        # a text writes "p = {p}"; below the smallest value shown the p-value itself reads "< 0.001"
        return _EQUALS_BELOW.sub("<", text)

    def plural(self, key: str, count: float, **values: Any) -> str:
        """The form of ``key`` that ``count`` takes (``key_one``, ``key_few``, ``key_many``, ``key_other``)."""
        texts = catalog.load(self.source)[self.table]
        form = locale(self.language).plural_form(abs(count))
        chosen = f"{key}_{form}" if f"{key}_{form}_{self.language}" in texts else f"{key}_other"
        return self(chosen, **values)


@dataclass(frozen=True)
class Numbers:
    """Numbers, percentages, intervals and periods written for a locale (Babel's CLDR data).

    Examples
    --------
    >>> Numbers("ru").percent(67.9), Numbers("en").percent(67.9)
    ('68\\xa0%', '68%')
    >>> Numbers("en").interval(17.4, 30.4), Numbers("en").interval(-7.0, 1.2)
    ('(17–30)', '(−7 to 1)')
    >>> Numbers("ru").period("2025-Q4"), Numbers("en").period("2025-03")
    ('4\\xa0кв.\\xa02025', 'March 2025')
    """

    language: str

    def number(self, value: float, decimals: int = 0) -> str:
        """``value`` rounded to ``decimals``, with the locale's decimal and grouping signs and a true minus.

        An unknown value is a dash, never "nan".
        """
        if pd.isna(value):
            return "–"
        value = round(float(value), decimals)
        value = 0.0 if value == 0 else value  # no "−0"
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.language).replace("-", MINUS)

    def percent(self, value: float) -> str:
        """A share in percent (``67.9`` → ``68%``; ``68 %`` in Russian); a dash when unknown."""
        if pd.isna(value):
            return "–"
        return format_percent(round(float(value)) / 100, locale=self.language).replace("-", MINUS)

    def interval(self, low: float, high: float, decimals: int = 0) -> str:
        """``(17–30)``, or ``(−7 to 1)`` when a bound is negative; empty when a bound is unknown."""
        if pd.isna(low) or pd.isna(high):
            return ""
        key = "interval_signed" if round(float(low), decimals) < 0 else "interval"
        return Words("summary", self.language)(key, low=self.number(low, decimals), high=self.number(high, decimals))

    def period(self, label: str) -> str:
        """A period label as people read it: ``2025-Q4`` → ``Q4 2025``; other labels as the client wrote them."""
        label = str(label)
        quarter = re.fullmatch(r"(\d{4})-Q([1-4])", label)
        if quarter:
            return Words("summary", self.language)("quarter", year=quarter.group(1), quarter=quarter.group(2))
        month = re.fullmatch(r"(\d{4})-(\d{2})", label)
        if month and 1 <= int(month.group(2)) <= 12:
            if self.language == "en":
                from babel.dates import format_date
                return format_date(pd.Timestamp(f"{label}-01").date(), "LLLL y", locale="en")
            return f"{month.group(2)}.{month.group(1)}"  # 03.2025: no case to decline after a preposition
        return label

    def p_value(self, p: float) -> str:
        """A p-value as the report writes it: ``< 0.001`` below a thousandth, else three decimals; "–" unknown.

        Examples
        --------
        >>> Numbers("en").p_value(0.05), Numbers("ru").p_value(0.0001)
        ('0.050', '<\xa00,001')
        """
        if pd.isna(p):
            return "–"
        return f"<\u00a0{self.number(0.001, 3)}" if float(p) < 0.001 else self.number(p, 3)

    def periods(self, labels: list[str]) -> str:
        """The headline periods: one, or the first and last of a pooled run joined by a dash."""
        if not labels:
            return ""
        return self.period(labels[0]) if len(labels) == 1 else f"{self.period(labels[0])}–{self.period(labels[-1])}"
