"""Privacy and safety for what the kit writes: masked contact details, pseudonymous ids, spreadsheet-safe text.

Customers write anything in a comment: their phone number, an e-mail address,
``<script>`` or ``=HYPERLINK(...)``. The kit keeps the client's files as they
are and treats comments as untrusted wherever it writes them:

* :func:`mask_pii` replaces e-mail addresses with ``[email]`` and phone numbers
  with ``[phone]``; :func:`mask_frame` does it for every text column of a table;
* :func:`pseudonymise` turns customer ids into keyed hashes, stable for one key;
* :func:`spreadsheet_safe` defuses cells a spreadsheet would run as a formula;
* HTML is escaped by the report (see :mod:`cxlib.report`).

What is masked
--------------
Matching runs on a normalised copy of the text (NFKC, so fullwidth ``＠`` and
fullwidth digits read as ``@`` and ``0-9``; zero-width and other invisible
format characters and the soft hyphen removed; every dash variant and the
non-breaking hyphen read as ``-``; every space as a space; ``%40`` and ``%2B``
in links read as ``@`` and ``+``), and the *original* characters of each match
are replaced, hidden ones included.

* E-mail addresses: ``ivan@mail.ru``, ``ivan @ mail.ru``, ``ivan%40mail.ru``
  in a link's query string, and the usual disguises when the result ends in a
  common top-level domain: ``ivan (at) mail (dot) ru``, ``ivan[at]mail[dot]com``,
  ``ivan(a)mail.ru``, ``ivan at mail dot com``, ``иван собака mail точка ру``.
  A bare English "at" counts only together with a spelled-out "dot", so
  "booked at booking.com" stays.
* Phone numbers: international ones written with ``+`` (8-15 digits:
  ``+7 912 345-67-89``, ``+44 (0)20 7946 0958``, ``+1 (555) 123-4567``);
  national ones of 10-15 digits in a phone's grouping (``8 (912) 345-67-89``,
  ``8-800-555-35-35``, ``(495) 123-45-67``, ``555.123.4567``, ``020 7946 0958``,
  ``912 345 67 89``); a bare run of 10-12 digits (``89123456789``,
  ``wa.me/447700900123``); and the Russian local form ``123-45-67``.

Where the kit writes survey text, it masks it: :func:`export_comments` masks
every text column it writes (ids included, unless they are pseudonymised),
the journey table masks the comment it quotes, and :func:`mask_frame` is there
for any other table on its way into a report or a notebook's output.

What is deliberately not masked, and why
----------------------------------------
* Ordinary numbers, which carry the diagnosis: prices (``1 250 000 000 руб.``,
  any thousands grouping), dates (``12.03.2025``, ``2025-03-12``), times,
  flight numbers (``SU 1234``), order numbers up to 9 digits, percentages,
  aircraft types (``Boeing 737-800``, ``777-200 3 class``), years, ratings
  (``9/10``), IP addresses, invoice and e-ticket numbers written
  ``2025-000123`` or ``555-1234567890``. Apart from ``123-45-67``, a phone
  needs 10 digits (8 after ``+``) in a phone's grouping.
* Numbers glued to a word (``SU1234567890``, ``C0001234567``): codes, not
  phones; a word such as ``тел`` or ``tel`` does not glue, nor does an
  invisible character between the word and the digits.
* The other way round, a bare 10-12-digit account, tax or ticket number
  (``555 1234567890`` keeps only its ``555``) reads ``[phone]``: it is the
  safe side, and such numbers say nothing about service.
* Names, street addresses, messenger handles (``@ivan``), card and passport
  numbers, and digits spelled out in words or one by one (``8 9 1 2 ...``):
  they are not contact details this module can find without guessing, and
  guessing would blank out ordinary text. A client who needs them gone must
  remove them before the survey reaches the kit.

Every pattern here has no quantifier inside another (possessive ones where a
run is read), each candidate is judged in a window of at most eight digit
groups, so masking takes time in proportion to the text's length: a
200,000-character comment of any make-up takes well under a second.

Examples
--------
>>> mask_pii("call me on +7 912 345-67-89 or ivan@example.ru")
'call me on [phone] or [email]'
>>> mask_pii("иван собака mail точка ру, рейс SU 1234 12.03.2025, 1 250 руб.")
'[email], рейс SU 1234 12.03.2025, 1 250 руб.'
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import hmac
import itertools
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

EMAIL_TOKEN = "[email]"
PHONE_TOKEN = "[phone]"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
KEY_VARIABLE = "CXKIT_PSEUDONYM_KEY"

# --------------------------------------------------------------------------- normalising for matching

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

# --------------------------------------------------------------------------- e-mail addresses

#: A candidate address: a local part starting where a word starts, "@", and (looked at, not consumed,
#: so that it can be the next address's local part) a domain, checked in Python. The local part cannot
#: start inside another (the look-behind), and possessive quantifiers never backtrack, so each
#: character is read a bounded number of times.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@(?=([\w-][\w.-]*+))")

def _any_case(*words: str) -> str:
    """A pattern for any of ``words`` in any letter case, without the slower IGNORECASE flag."""
    return "|".join("".join(f"[{char}{char.upper()}]" if char.isalpha() else re.escape(char) for char in word)
                    for word in words)


#: Disguised "@" and "." rewritten before a second search. Bracketed forms: (at), [at], {at}, <at>,
#: (a), (@), (собака), (dot), (точка), (тчк); spelled-out between spaces: at, собака, dot, точка;
#: "@" with spaces around it. Spaces around each are taken in by :func:`_disguise`.
OBFUSCATION = re.compile(
    rf"[(\[{{<] {{0,2}}(?:(?P<at>{_any_case('at', 'a', 'а', '@', 'собака', 'собачка')})"
    rf"|{_any_case('dot', 'точка', 'тчк')}) {{0,2}}[)\]}}>]"
    rf"| (?:(?P<spelled_at>{_any_case('at', 'собака', 'собачка')})|{_any_case('dot', 'точка', 'тчк')}) "
    r"|(?P<sign>@)")


def _disguise(match: re.Match, done: int) -> tuple[int, int, str] | None:
    """How :data:`OBFUSCATION`'s match is rewritten: "@" or ".", with up to three spaces either side."""
    string = match.string
    start, end = match.span()
    low, high = max(done, start - 3), min(len(string), end + 3)
    while start > low and string[start - 1] == " ":
        start -= 1
    while end < high and string[end] == " ":
        end += 1
    if match.group("sign") and end - start == 1:
        return None  # a plain "@": the first search has read it
    return start, end, "@" if match.group("at") or match.group("spelled_at") or match.group("sign") else "."


BARE_AT = re.compile(r" at ", re.IGNORECASE)
SPELLED_DOT = re.compile(r"\b(?:dot|точка|тчк)\b", re.IGNORECASE)

#: Top-level domains a disguised address must end in (a disguise without one is too likely a sentence).
COMMON_TLDS = frozenset({
    "com", "net", "org", "info", "biz", "edu", "gov", "mil", "int", "io", "co", "me", "tv", "app", "dev",
    "online", "site", "pro", "name", "mobi", "ai", "ru", "su", "рф", "ру", "ком", "орг", "бел", "укр", "ua",
    "by", "kz", "uz", "am", "ge", "az", "kg", "tj", "tm", "md", "lv", "lt", "ee", "pl", "cz", "sk", "fi", "se",
    "no", "dk", "is", "uk", "de", "fr", "it", "es", "pt", "nl", "be", "lu", "ch", "at", "ie", "gr", "hu", "ro",
    "bg", "rs", "hr", "si", "tr", "il", "ae", "in", "cn", "jp", "kr", "sg", "hk", "tw", "th", "vn", "id", "us",
    "ca", "mx", "br", "ar", "cl", "au", "nz", "za", "eu",
})


def _domain_end(domain: str, tlds: frozenset[str] | None) -> int:
    """Length of the longest prefix of ``domain`` that is a domain name with a valid ending, else 0."""
    end = 0
    position = 0
    labels = domain.split(".")
    for number, label in enumerate(labels):
        if not label.strip("-"):
            break
        position += len(label) + (number > 0)
        if number and (label.lower() in tlds if tlds is not None
                       else len(label) >= 2 and label.isalpha() or label.lower().startswith("xn--")):
            end = position
    return end


def _email_spans(text: _Text, original: str, tlds: frozenset[str] | None = None) -> list[tuple[int, int]]:
    """Addresses in a prepared text, as spans of the original; ``tlds`` given: a disguised address."""
    spans = []
    for match in EMAIL.finditer(text.text):
        length = _domain_end(match.group(1), tlds)
        if not length:
            continue
        first, last = text.original_span(match.start(), match.start(1) + length)
        if tlds is not None:
            shown = _Text.normalised(original[first:last]).text
            if BARE_AT.search(shown) and not SPELLED_DOT.search(shown):
                continue  # "booked at booking.com": an English "at" needs a spelled-out "dot" too
        spans.append((first, last))
    return spans

# --------------------------------------------------------------------------- phone numbers

#: A run of digits and the characters phone numbers are written with; split into groups in Python.
NUMBER_RUN = re.compile(r"[0-9][0-9 ().+-]*+")
DIGITS = re.compile(r"[0-9]++")
_NO_DIGITS = dict.fromkeys(range(ord("0"), ord("9") + 1))
#: Dates inside a run end a number there: 12.03.2025, 12.03.25, 12-03-2025, 2025-03-12, 2025.03.12.
DATE = re.compile(
    r"(?<![0-9])(?:(?:0?[1-9]|[12][0-9]|3[01])\.(?:0?[1-9]|1[0-2])\.(?:[0-9]{4}|[0-9]{2})"
    r"|(?:0?[1-9]|[12][0-9]|3[01])-(?:0?[1-9]|1[0-2])-(?:19|20)[0-9]{2}"
    r"|(?:19|20)[0-9]{2}[-.](?:0?[1-9]|1[0-2])[-.](?:0?[1-9]|[12][0-9]|3[01]))(?![0-9])")
#: Money and quantities: a number followed or preceded by one of these is not a phone.
UNIT_AFTER = re.compile(r" ?(?:[$€£¥₽%]|р\.|(?:руб\w*|rub|usd|eur|gbp|тыс\w*|млн|млрд|bn|mln|million|billion|thousand"
                        r"|km|км|kg|кг|шт|pcs)\b)", re.IGNORECASE)
UNIT_BEFORE = re.compile(r"(?:[$€£¥₽]|\b(?:usd|eur|gbp|rub))[ ]?$", re.IGNORECASE)
#: Words that may be glued to a phone number: "тел89123456789", "tel.+7...".
PHONE_WORD = re.compile(r"\b(?:tel|тел|ph|phone|mob|моб|whatsapp|т)$", re.IGNORECASE)
#: Space-separated groupings that are phones without a trunk prefix: 912 345 67 89, 555 123 4567.
SPACED_SHAPES = {(3, 3, 2, 2), (3, 3, 4), (3, 7), (3, 2, 2, 3)}
YEAR = re.compile(r"(?:19|20)[0-9]{2}")
MAX_GROUPS = 8


class _Segment:
    """Digit groups that may belong to one number, with what each window of them needs to be judged."""

    def __init__(self, string: str, groups: list[tuple[int, int]]):
        self.string = string
        self.groups = groups
        self.values = [string[start:end] for start, end in groups]
        self.lengths = [end - start for start, end in groups]
        # seps[i]: the characters between group i - 1 and group i (seps[0]: "")
        self.seps = [""] + [string[a[1]:b[0]] for a, b in itertools.pairwise(groups)]
        self.kinds = [sep.replace("(", "").replace(")", "").strip(" ") for sep in self.seps]
        self.spaced = [" " in sep or "(" in sep or ")" in sep for sep in self.seps]
        self.digits = _running([0] + self.lengths)
        self.years = _running([0] + [length == 4 and bool(YEAR.fullmatch(value))
                                     for value, length in zip(self.values, self.lengths)])
        self.parens = _running([0] + ["(" in sep or ")" in sep for sep in self.seps])
        self.dots = _running([0] + [kind == "." for kind in self.kinds])
        self.dashes = _running([0] + [kind == "-" for kind in self.kinds])
        self.long_from = _next_index([length >= 3 for length in self.lengths])
        self.huge_from = _next_index([length >= 5 for length in self.lengths])

    def is_phone(self, first: int, stop: int, plus: bool, paren: bool) -> bool:
        """Whether groups ``first`` to ``stop - 1`` form a phone number."""
        count = self.digits[stop] - self.digits[first]
        if plus:
            return 8 <= count <= 15
        size = stop - first
        lengths = self.lengths[first:stop]
        kinds = self.kinds[first + 1:stop]
        if count == 7:
            return lengths == [3, 2, 2] and kinds == ["-", "-"] and not paren
        if not 10 <= count <= 15:
            return False
        if size == 1:
            return count <= 12
        if self.years[stop] - self.years[first] >= 2:
            return False  # 2019 2020 2021
        if paren or self.parens[stop] - self.parens[first + 1]:
            return True
        dots = self.dots[stop] - self.dots[first + 1]
        dashes = self.dashes[stop] - self.dashes[first + 1]
        if dots:
            if dots != size - 1 or self.huge_from[first] < stop:
                return False  # 3.1415926535, 1.5 2.5
            if size == 4 and all(len(value) <= 3 and int(value) <= 255 for value in self.values[first:stop]):
                return False  # an IP address
        elif dashes and "- " in "".join(kind or " " for kind in kinds):
            return False  # 737-800 777-300: phones put spaces before dashes, not after
        leading = self.values[first]
        if self.long_from[first] >= stop and leading[0] != "0":
            return False  # 10 10 10 10 10
        if (not dashes and lengths[0] <= 3 and leading[0] != "0"
                and all(length == 3 for length in lengths[1:])):
            return False  # 1 250 000 000 and 1.250.000.000: thousands
        trunk = leading[0] == "0" or leading in ("7", "8", "1")
        if not dots and not dashes:
            return trunk or tuple(lengths) in SPACED_SHAPES
        # dashes: all but 2025-000123 and 555-1234567890, an invoice and an e-ticket
        return not (dashes and (size == 2 and not trunk or max(lengths[1:]) >= 8))

    def phones(self) -> list[tuple[int, int]]:
        """Phone numbers among the groups, longest first from the left, each of at most MAX_GROUPS groups."""
        string, groups, digits = self.string, self.groups, self.digits
        found = []
        size = len(groups)
        first = 0
        while first < size:
            if first and not self.spaced[first]:
                first += 1
                continue  # a phone does not start inside 737-800 or 3.14
            start = groups[first][0]
            before = string[max(0, start - 2):start]
            plus = not first and "+" in before
            paren = before.endswith("(")
            last = min(size, first + MAX_GROUPS, bisect.bisect_right(digits, digits[first] + 15) - 1)
            if (not plus and self.long_from[first] >= last and self.values[first][0] != "0"
                    and not (paren or self.parens[last] - self.parens[first + 1])):
                first += 1
                continue  # only one- and two-digit groups ahead: a list of numbers
            for stop in range(last, first, -1):
                if digits[stop] - digits[first] < 7:
                    continue
                if stop < size and not self.spaced[stop]:
                    continue  # nor does it end inside one
                if not self.is_phone(first, stop, plus, paren):
                    continue
                end = groups[stop - 1][1]
                if UNIT_AFTER.match(string, end) or UNIT_BEFORE.search(string, max(0, start - 6), start - plus):
                    continue
                left = start
                if plus:
                    left = string.rindex("+", max(0, start - 2), start)
                    if left and string[left - 1] == "(":
                        left -= 1
                elif paren:
                    left -= 1
                if string.count("(", left, end) > string.count(")", left, end) and string.startswith(")", end):
                    end += 1
                found.append((left, end))
                first = stop
                break
            else:
                first += 1
        return found


def _running(values: list) -> list[int]:
    return list(itertools.accumulate(values))


def _next_index(flags: list[bool]) -> list[int]:
    """For each position, the first position at or after it whose flag is set (len(flags) if none)."""
    following = [len(flags)] * (len(flags) + 1)
    for index in range(len(flags) - 1, -1, -1):
        following[index] = index if flags[index] else following[index + 1]
    return following


def _segment_phones(string: str, groups: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if sum(end - start for start, end in groups) < 7:
        return []  # too few digits for any phone: most numbers in a comment end here
    return _Segment(string, groups).phones()


def _word_character(char: str) -> bool:
    return char.isalnum() or char == "_"


def _phone_spans(text: _Text, original: str) -> list[tuple[int, int]]:
    """Phone numbers in a prepared text, as spans of the original."""
    string = text.text
    spans = []
    for run in NUMBER_RUN.finditer(string):
        if run.end() - run.start() < 7:
            continue  # too short to hold seven digits
        groups = [match.span() for match in DIGITS.finditer(string, run.start(), run.end())]
        if sum(end - start for start, end in groups) < 7:
            continue
        # a run starts and ends next to a character that is not a digit, so its dates lie inside it
        dates = [match.span() for match in DATE.finditer(string, run.start(), run.end())]
        next_date = 0
        # a number glued to a word in the original text (SU1234, 777-300ER) belongs to the word; one
        # parted from it only by an invisible character does not
        start, first = groups[0][0], text.starts[groups[0][0]]
        if (start and _word_character(string[start - 1]) and _word_character(original[first - 1])
                and not PHONE_WORD.search(string, max(0, start - 8), start)):
            groups = groups[1:]
        if groups:
            end, last = groups[-1][1], text.ends[groups[-1][1] - 1]
            if (end < len(string) and _word_character(string[end])
                    and last < len(original) and _word_character(original[last])):
                groups = groups[:-1]
        segment: list[tuple[int, int]] = []
        for start, end in groups:
            if dates:
                while next_date < len(dates) and dates[next_date][1] <= start:
                    next_date += 1
                if next_date < len(dates) and dates[next_date][0] <= start:
                    spans += _segment_phones(string, segment)
                    segment = []
                    continue  # dates end a number
            if segment:
                sep = string[segment[-1][1]:start]
                country_code = len(segment) == 1 and string[segment[0][0] - 1:segment[0][0]] == "+"
                if (end - start == 1 and not country_code  # +353 1 234 5678, but not 777-200 3
                        or len(sep) > 4 or "+" in sep
                        or sep.replace("(", "").replace(")", "").strip(" ") not in ("", "-", ".")):
                    spans += _segment_phones(string, segment)
                    segment = []
            segment.append((start, end))
        spans += _segment_phones(string, segment)
    return [text.original_span(start, end) for start, end in spans]


# --------------------------------------------------------------------------- masking


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


def pseudonymise(ids: Iterable[str], key: str | bytes | None = None) -> list[str]:
    """Replace ids with keyed hashes (HMAC-SHA256): the same id and key always give the same pseudonym.

    Parameters
    ----------
    ids : iterable of str
        Customer ids; blanks stay blank.
    key : str or bytes, optional
        The secret; by default the environment variable ``CXKIT_PSEUDONYM_KEY``.
        Keep it out of the client folder: whoever has it can test guesses.

    Examples
    --------
    >>> pseudonymise(["C0001", ""], key="secret")
    ['ID-052dc3fcc4ce', '']
    """
    key = key if key is not None else os.environ.get(KEY_VARIABLE)
    if not key:
        raise ValueError(f"pseudonymising needs a secret key: set {KEY_VARIABLE} or pass key=")
    secret = key.encode() if isinstance(key, str) else key
    return ["" if not value else "ID-" + hmac.new(secret, str(value).encode(), hashlib.sha256).hexdigest()[:12]
            for value in ids]


def spreadsheet_safe(value: object) -> object:
    """Prefix an apostrophe to text a spreadsheet would read as a formula (OWASP's advice for CSV export).

    Examples
    --------
    >>> spreadsheet_safe("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


EXPORT_COLUMNS = ["response_id", "date", "channel", "segment", "customer_id", "nps", "csi", "reason_code", "comment"]


def export_comments(survey: pd.DataFrame, path: str | Path, *, key: str | bytes | None = None,
                    pseudonymise_ids: bool = False) -> Path:
    """Write the survey's comments to a CSV that is safe to hand around and to open in Excel.

    Contact details are masked in every text column written (ids, channels,
    segments, reason codes, comments), every text cell is defused against
    formula injection, and the file is UTF-8 with a byte-order mark so Excel
    shows Cyrillic correctly. Customer ids are pseudonymised on request;
    without that, an id that is itself an e-mail address or a phone number
    reads ``[email]`` or ``[phone]`` (so such customers can no longer be told
    apart: pseudonymise to keep them distinct).

    Parameters
    ----------
    survey : pandas.DataFrame
        Survey rows as :func:`cxlib.load_client` returns them.
    path : str or Path
        The CSV file to write.
    key : str or bytes, optional
        The pseudonym key (see :func:`pseudonymise`).
    pseudonymise_ids : bool
        Replace customer ids with keyed hashes.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> survey = pd.DataFrame({"customer_id": ["ivan@mail.ru"], "comment": ["call +7 912 345 67 89"]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     print(export_comments(survey, Path(folder) / "c.csv").read_text(encoding="utf-8-sig"), end="")
    customer_id,comment
    [email],call [phone]
    """
    rows = survey.loc[survey["comment"].fillna("") != "", [c for c in EXPORT_COLUMNS if c in survey]].copy()
    text_columns = [name for name in rows if name != "date"]
    if pseudonymise_ids and "customer_id" in rows:
        rows["customer_id"] = pseudonymise(rows["customer_id"].fillna(""), key)
        text_columns.remove("customer_id")
    rows = mask_frame(rows, text_columns)
    if "date" in rows:
        rows["date"] = rows["date"].dt.strftime("%Y-%m-%d")
    path = Path(path)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(rows.columns)
        for record in rows.itertuples(index=False):
            writer.writerow(["" if pd.isna(v) else spreadsheet_safe(str(v)) for v in record])
    return path
