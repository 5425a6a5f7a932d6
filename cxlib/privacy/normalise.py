"""Text prepared for matching contact details, each character mapped back to its place in the original.

NFKC, so fullwidth ``＠`` and digits read as ``@`` and ``0-9``; invisible format characters and the soft hyphen
removed; every dash variant read as ``-`` and every space as a space; ``%40`` and ``%2B`` in links as ``@`` and
``+`` (:data:`PERCENT`). A match in the prepared text is replaced in the original, hidden characters included.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

#: Dash variants read as "-": hyphen, non-breaking hyphen, figure dash, en and em dash, bar,
#: minus sign, small and fullwidth hyphen-minus, modifier minus, hyphen bullet, two- and three-em dash.
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u02d7\u2043\u2e3a\u2e3b"
#: Invisible characters removed besides every format character (Unicode category Cf, which holds
#: U+200B-U+200D, U+2060, U+FEFF and the soft hyphen U+00AD): combining grapheme joiner, fillers.
INVISIBLE = "\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0"

_FORMS: dict[str, str] = {}


def _form(char: str) -> str:
    """What one character reads as when matching: "" for invisible ones."""
    form = _FORMS.get(char)
    if form is None:
        if char in DASHES:
            form = "-"
        elif char.isspace():
            form = " "
        elif char in INVISIBLE or unicodedata.category(char) == "Cf":
            form = ""
        else:
            parts = []
            for part in unicodedata.normalize("NFKC", char):
                if part in DASHES:
                    part = "-"
                elif part.isspace():
                    part = " "
                elif not part.isascii() and unicodedata.decimal(part, None) is not None:
                    part = str(unicodedata.decimal(part))
                parts.append(part)
            form = "".join(parts)
        _FORMS[char] = form
    return form


_ASCII_SPACES = {code: " " for code in range(128) if chr(code).isspace()}
_CHANGED: dict[int, str] = dict(_ASCII_SPACES)  # every character seen whose form differs from it
_UNEVEN: set[str] = set()  # every character seen whose form is not one character


class _Text:
    """A text prepared for matching, with each of its characters' span in the original text."""

    def __init__(self, text: str, starts: Sequence[int] | None = None, ends: Sequence[int] | None = None):
        self.text = text
        self.starts = starts if starts is not None else range(len(text))
        self.ends = ends if ends is not None else range(1, len(text) + 1)

    @classmethod
    def normalised(cls, original: str) -> _Text:
        if original.isascii():
            return cls(original.translate(_ASCII_SPACES))
        chars = set(original)
        for char in chars.difference(_FORMS):
            form = _form(char)
            if form != char:
                _CHANGED[ord(char)] = form
            if len(form) != 1:
                _UNEVEN.add(char)
        if _UNEVEN.isdisjoint(chars):
            return cls(original.translate(_CHANGED))
        pieces = [_FORMS[char] for char in original]
        starts = [index for index, piece in enumerate(pieces) for _ in piece]
        return cls("".join(pieces), starts, [start + 1 for start in starts])

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]

    def rewrite(self, pattern: re.Pattern, replace) -> _Text:
        """The text with matches of ``pattern`` replaced, spans kept.

        ``replace(match, done)`` gives ``(start, end, replacement)`` (the span may differ from the
        match's, but not start before ``done``, where the previous replacement ended) or None to
        leave the match as it is.
        """
        text, starts, ends = [], [], []
        done = 0
        for match in pattern.finditer(self.text):
            found = replace(match, done)
            if found is None:
                continue
            start, end, replacement = found
            text.append(self.text[done:start])
            starts.extend(self.starts[done:start])
            ends.extend(self.ends[done:start])
            text.append(replacement)
            starts.extend([self.starts[start]] * len(replacement))
            ends.extend([self.ends[end - 1]] * len(replacement))
            done = end
        if not done:
            return self
        text.append(self.text[done:])
        starts.extend(self.starts[done:])
        ends.extend(self.ends[done:])
        return _Text("".join(text), starts, ends)


#: Percent-escapes that hide contact details in links: %40 is "@", %2B "+", %20 a space, and so on.
PERCENT = re.compile(r"%(?:40|2[bBdDeE08]|29)")
_PERCENT_CHARS = {"40": "@", "2B": "+", "2D": "-", "2E": ".", "20": " ", "28": "(", "29": ")"}
