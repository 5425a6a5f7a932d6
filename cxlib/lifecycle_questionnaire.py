"""The lifecycle questionnaire as a client uses it: the stages, the statements and the scoring settings.

Everything comes from ``cxlib/catalog/lifecycle.toml``, with a client's overrides from ``client.toml``
``[overrides.lifecycle]`` applied.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cxlib import catalog


def stages(language: str = "en") -> pd.DataFrame:
    """The ten stages in order, with name, PAEI code, symptoms, CS mandate and owner in ``language``."""
    rows = []
    for stage in catalog.lifecycle_stages():
        rows.append({"stage": stage["key"], "order": stage["order"], "name": catalog.label(stage, language),
                     "paei": stage["paei"], "symptoms": "; ".join(stage[f"symptoms_{language}"]),
                     "mandate": catalog.label(stage, language, "mandate"),
                     "owner": catalog.label(stage, language, "owner"),
                     "source": "source article" if stage["source"] == "000" else "kit's proposal"})
    return pd.DataFrame(rows).set_index("stage")


def questionnaire(config: dict[str, Any] | None = None, language: str = "en") -> pd.DataFrame:
    """The statements in use: the catalogue's, with a client's overrides applied.

    ``client.toml`` may hold, under ``[overrides.lifecycle]``: ``weights``
    (``{ GO1 = 2.0 }``), ``drop`` (a list of ids) and ``statements`` (a list of
    tables with ``id``, ``stage`` or ``axis``, ``weight``, ``text_en``,
    ``text_ru``; an id already in the catalogue replaces it).

    Returns
    -------
    DataFrame
        Indexed by statement id: ``stage`` (or "" for cross-check items),
        ``axis``, ``weight``, ``text``, ``origin`` ("catalogue" or "client").
    """
    overrides = ((config or {}).get("overrides", {}) or {}).get("lifecycle", {}) or {}
    entries = {s["id"]: {**s, "origin": "catalogue"} for s in catalog.lifecycle_statements()}
    for statement in overrides.get("statements", []):
        entries[statement["id"]] = {**statement, "origin": "client"}
    for statement_id in overrides.get("drop", []):
        entries.pop(statement_id, None)
    unknown = set(overrides.get("weights", {})) - set(entries)
    if unknown:
        raise ValueError(f"client.toml [overrides.lifecycle] weights name unknown statements: {sorted(unknown)}")
    rows = []
    for statement_id, entry in entries.items():
        weight = float(overrides.get("weights", {}).get(statement_id, entry.get("weight", 1.0)))
        rows.append({"id": statement_id, "stage": entry.get("stage", ""), "axis": entry.get("axis", ""),
                     "weight": weight, "text": catalog.label(entry, language, "text"), "origin": entry["origin"]})
    return pd.DataFrame(rows).set_index("id")


RULES = ("respondents", "stages", "stage_respondents", "signal", "chance", "margin", "stability")
"""The evidence rules in the order they are checked; the first one that fails gives the reason."""


def settings(config: dict[str, Any] | None = None) -> dict[str, Any]:
    """The scoring settings and evidence thresholds: the catalogue's ``[scoring]``, with a client's overrides.

    ``client.toml`` may override any of them under ``[overrides.lifecycle.scoring]``.
    """
    values = dict(catalog.load("lifecycle")["scoring"])
    overrides = ((config or {}).get("overrides", {}) or {}).get("lifecycle", {}) or {}
    values.update(overrides.get("scoring", {}) or {})
    return values


def _text(key: str, language: str, **values: Any) -> str:
    """A sentence of the catalogue's ``[insufficient]`` table in ``language``, filled in."""
    return catalog.label(catalog.load("lifecycle")["insufficient"], language, key).format(**values)

