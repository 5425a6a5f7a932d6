"""The methodology as data: stages, statements, reason codes and the client-folder contract.

Each ``*.toml`` file beside this module is read once and returned as plain
Python data, so a consultant can read (and a test can check) exactly what the
kit believes without reading code.

Examples
--------
>>> from cxlib import catalog
>>> [s["key"] for s in catalog.journey_stages()][:2]
['awareness', 'evaluation']
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

CATALOG_DIR = Path(__file__).resolve().parent


@cache
def load(name: str) -> dict[str, Any]:
    """Return the parsed catalogue file ``<name>.toml``.

    Parameters
    ----------
    name : str
        File stem, e.g. ``"lifecycle"`` or ``"contract"``.
    """
    with open(CATALOG_DIR / f"{name}.toml", "rb") as handle:
        return tomllib.load(handle)


def contract() -> dict[str, Any]:
    """The client-folder contract: one entry per table, with its columns and row checks."""
    return load("contract")


def journey_stages() -> list[dict[str, Any]]:
    """The five journey stages in the order a customer meets them."""
    return sorted(load("journey")["stages"], key=lambda stage: stage["order"])


def lifecycle_stages() -> list[dict[str, Any]]:
    """Adizes' ten stages in lifecycle order, with the CS mandate and owner of each."""
    return sorted(load("lifecycle")["stages"], key=lambda stage: stage["order"])


def lifecycle_statements() -> list[dict[str, Any]]:
    """The lifecycle questionnaire statements (answered 1 to 5)."""
    return list(load("lifecycle")["statements"])


def reason_codes() -> list[dict[str, Any]]:
    """Reason codes for the follow-up question after a survey score."""
    return list(load("reasons")["reasons"])


def label(entry: dict[str, Any], language: str, field: str = "name") -> str:
    """Return ``entry[f"{field}_{language}"]``, falling back to English.

    Examples
    --------
    >>> label({"name_en": "Prime", "name_ru": "Расцвет"}, "ru")
    'Расцвет'
    """
    return entry.get(f"{field}_{language}") or entry[f"{field}_en"]


def gap(need: str, language: str, **values: object) -> str:
    """The sentence saying why an analysis that needs ``need`` cannot run (``cxlib/catalog/gaps.toml``).

    Examples
    --------
    >>> gap("nps", "en")
    'The survey has no NPS answers (likelihood to recommend), so NPS cannot be computed.'
    """
    return label(load("gaps")["gaps"], language, need).format(**values)


def gap_label(key: str, language: str) -> str:
    """A label the loader gives to what the data leaves out: ``undated`` (one period) or ``not_given`` (a group)."""
    return label(load("gaps")["labels"], language, key)
