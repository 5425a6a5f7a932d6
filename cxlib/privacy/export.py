"""What leaves the kit as a file: pseudonymous ids, spreadsheet-safe cells and the masked comments export."""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from cxlib.privacy.masking import mask_frame

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
KEY_VARIABLE = "CXKIT_PSEUDONYM_KEY"


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
