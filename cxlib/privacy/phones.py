"""Phone numbers as spans: digit groups in a phone's grouping, told apart from dates, prices and other numbers.

Each run of digits is cut at dates, then judged in windows of at most :data:`MAX_GROUPS` digit groups, so the
time grows with the text's length, not its square.
"""

from __future__ import annotations

import bisect
import itertools
import re

from cxlib.privacy.normalise import _Text

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
