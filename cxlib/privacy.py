"""Privacy and safety for what the kit writes: masked contact details, pseudonymous ids, spreadsheet-safe text.

Customers write anything in a comment: their phone number, an e-mail address,
``<script>`` or ``=HYPERLINK(...)``. The kit keeps the client's files as they
are and treats comments as untrusted wherever it writes them:

* :func:`mask_pii` replaces e-mail addresses and phone numbers;
* :func:`pseudonymise` turns customer ids into keyed hashes, stable for one key;
* :func:`spreadsheet_safe` defuses cells a spreadsheet would run as a formula;
* HTML is escaped by the report (see :mod:`cxlib.report`).

Examples
--------
>>> mask_pii("call me on +7 912 345-67-89 or ivan@example.ru")
'call me on [phone] or [email]'
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import re
from pathlib import Path
from typing import Iterable

import pandas as pd

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+])\+?\d[\d\s().\-]{5,}\d(?!\w)")
DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{2,4}|\d{2}/\d{2}/\d{2,4}")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
KEY_VARIABLE = "CXKIT_PSEUDONYM_KEY"


def _phone_or_not(match: re.Match) -> str:
    found = match.group(0)
    digits = sum(ch.isdigit() for ch in found)
    if digits < 7 or DATE_LIKE.fullmatch(found.strip()):
        return found
    return "[phone]"


def mask_pii(text: str) -> str:
    """Replace e-mail addresses with ``[email]`` and phone numbers (7+ digits) with ``[phone]``; dates stay.

    Examples
    --------
    >>> mask_pii("visited 2025-03-01, ticket 12345")
    'visited 2025-03-01, ticket 12345'
    """
    if not isinstance(text, str) or not text:
        return text
    return PHONE.sub(_phone_or_not, EMAIL.sub("[email]", text))


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

    Contact details are masked, every text cell is defused against formula
    injection, customer ids are pseudonymised on request, and the file is
    UTF-8 with a byte-order mark so Excel shows Cyrillic correctly.
    """
    rows = survey.loc[survey["comment"].fillna("") != "", [c for c in EXPORT_COLUMNS if c in survey]].copy()
    rows["comment"] = rows["comment"].map(mask_pii)
    if pseudonymise_ids:
        rows["customer_id"] = pseudonymise(rows["customer_id"].fillna(""), key)
    if "date" in rows:
        rows["date"] = rows["date"].dt.strftime("%Y-%m-%d")
    path = Path(path)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(rows.columns)
        for record in rows.itertuples(index=False):
            writer.writerow(["" if pd.isna(v) else spreadsheet_safe(str(v)) for v in record])
    return path
