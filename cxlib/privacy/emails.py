"""E-mail addresses, plain and disguised (``ivan (at) mail (dot) ru``, ``иван собака mail точка ру``), as spans."""

from __future__ import annotations

import re

from cxlib.privacy.normalise import _Text

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
