"""Reading a written report as its reader sees it: the visible text, and the words that must never appear in it."""

from __future__ import annotations

import html
import re
from pathlib import Path

# what a table or sentence shows when the kit printed an unknown value instead of saying it is unknown
NOT_A_VALUE = ("nan", "NaN", "None", "Empty DataFrame", "<NA>", "NaT")


def visible_text(report: Path) -> str:
    page = Path(report).read_text(encoding="utf-8")
    page = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<img[^>]*>", " ", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def not_values(report: Path) -> list[str]:
    """Each place the report shows ``nan``, ``None``, ``Empty DataFrame`` and the like, with its context."""
    text = visible_text(report)
    found = []
    for word in NOT_A_VALUE:
        pattern = rf"(?<![\w<]){re.escape(word)}(?![\w>])" if word[0] != "<" else re.escape(word)
        if word == "None":
            pattern += r"(?! of\b)"  # "None of its 35 changes …" is English, not a missing value
        for match in re.finditer(pattern, text):
            found.append(f"{word}: …{text[max(0, match.start() - 80):match.end() + 30]}…")
    return found
