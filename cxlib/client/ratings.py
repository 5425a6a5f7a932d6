"""Attribute ratings: the survey's ``rating_<attribute>`` columns and client.toml's ``[ratings]``.

A survey may ask customers to rate parts of the service (booking, waiting,
communication, ...), one column each. The contract declares them as a column
pattern (``[[survey.column_patterns]]`` in ``cxlib/catalog/contract.toml``);
client.toml may set their scale, for all of them or one at a time, and map
each attribute to a journey touchpoint and stage with its name in the report::

    [ratings]
    scale = { min = 0, max = 10 }      # every rating_ column (the contract's default is 1–5)

    [ratings.communication]            # the column rating_communication
    touchpoint = "repair status updates"
    stage = "experience"
    name_en = "Keeping me informed"
    name_ru = "Информирование о ходе ремонта"
    scale = { min = 1, max = 5 }       # this attribute only

Examples
--------
>>> attribute_of("rating_wifi"), rating_scale("wifi", {"ratings": {"scale": {"min": 0, "max": 10}}})
('wifi', (0, 10))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from cxlib import catalog

RESERVED = ("scale", "top_box", "no_answer")  # keys of [ratings] itself, not attributes


def pattern() -> dict[str, Any]:
    """The contract's entry for rating columns (prefix, type, default scale)."""
    return next(p for p in catalog.contract()["survey"].get("column_patterns", []) if p["scale"] == "ratings")


def prefix() -> str:
    """``"rating_"``: the start of every rating column's name."""
    return pattern()["prefix"]


def is_rating(name: str) -> bool:
    """Whether a (lower-case) column name is a rating column: the prefix followed by an attribute.

    >>> is_rating("rating_wifi"), is_rating("rating_"), is_rating("overall rating")
    (True, False, False)
    """
    return name.startswith(prefix()) and len(name) > len(prefix())


def attribute_of(column: str) -> str:
    """The attribute a rating column rates: ``rating_wifi`` → ``wifi``."""
    return column[len(prefix()):]


def _attributes(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``[ratings.<attribute>]`` tables keyed as the loader reads headers: trimmed, lower case."""
    ratings = config.get("ratings", {})
    return {str(key).strip().lower(): value for key, value in ratings.items()
            if key not in RESERVED and isinstance(value, dict)}


def rating_scale(attribute: str, config: dict[str, Any]) -> tuple[int, int]:
    """The attribute's scale: its own ``scale``, else ``[ratings] scale``, else the contract's (1–5)."""
    own = _attributes(config).get(attribute, {}).get("scale")
    scale = own or config.get("ratings", {}).get("scale") or {}
    return int(scale.get("min", pattern()["min"])), int(scale.get("max", pattern()["max"]))


def top_box(attribute: str, config: dict[str, Any]) -> int:
    """How many points at the top of the scale count as the top box (catalogue default: 2, e.g. 4–5 of 1–5)."""
    own = _attributes(config).get(attribute, {}).get("top_box")
    return int(own or config.get("ratings", {}).get("top_box") or catalog.load("drivers")["settings"]["top_box"])


def column_spec(column: str, config: dict[str, Any]) -> dict[str, Any]:
    """The contract entry the loader checks one rating column by, its scale and no-answer codes filled in."""
    attribute = attribute_of(column)
    low, high = rating_scale(attribute, config)
    codes = _attributes(config).get(attribute, {}).get("no_answer", config.get("ratings", {}).get("no_answer", []))
    spec = {k: v for k, v in pattern().items() if k not in ("prefix", "scale", "about")}
    return {**spec, "name": column, "min": low, "max": high, "optional": True, "no_answer": list(codes)}


def attributes(config: dict[str, Any], columns: list[str], language: str = "en") -> pd.DataFrame:
    """One row per rating column of the survey: column, attribute, name, touchpoint, stage, min, max, top_box.

    ``name`` is ``name_<language>`` from ``[ratings.<attribute>]``, else
    ``[labels]``, else the attribute with spaces for underscores.

    Examples
    --------
    >>> config = {"ratings": {"wifi": {"stage": "experience", "name_en": "Wi-Fi"}}}
    >>> attributes(config, ["nps", "rating_wifi", "rating_seat_comfort"])[["column", "name", "stage"]].values.tolist()
    [['rating_wifi', 'Wi-Fi', 'experience'], ['rating_seat_comfort', 'seat comfort', '']]
    """
    rows = []
    for column in (c for c in columns if is_rating(c)):
        attribute = attribute_of(column)
        own = _attributes(config).get(attribute, {})
        name = own.get(f"name_{language}") or own.get("name_en") or config.get("labels", {}).get(attribute)
        low, high = rating_scale(attribute, config)
        rows.append({"column": column, "attribute": attribute, "name": name or attribute.replace("_", " "),
                     "touchpoint": own.get("touchpoint", ""), "stage": own.get("stage", ""), "min": low, "max": high,
                     "top_box": top_box(attribute, config)})
    keys = ["column", "attribute", "name", "touchpoint", "stage", "min", "max", "top_box"]
    return pd.DataFrame(rows, columns=keys)


def check_ratings(config: dict[str, Any], bad: Callable[[str, Any, str], None]) -> None:
    """``[ratings]``: whole-number scales with min < max, a top box inside the scale, known journey stages.

    A bad value is reported through ``bad`` and removed, so the survey is checked on the default meanwhile.
    """
    ratings = config.get("ratings", {})
    tables = [("ratings", ratings)] + [(f"ratings.{key}", value) for key, value in ratings.items()
                                       if key not in RESERVED and isinstance(value, dict)]
    stages = [stage["key"] for stage in catalog.journey_stages()]
    for where, table in tables:
        scale = table.get("scale")
        if scale is not None and not _whole_pair(scale):
            bad(f"{where}.scale", f"{scale.get('min')}..{scale.get('max')}",
                "is not a pair of whole numbers with min < max, e.g. { min = 1, max = 5 }")
            table.pop("scale")
        stage = table.get("stage")
        if stage is not None and str(stage).strip().lower() not in stages:
            bad(f"{where}.stage", stage, f"is not one of {', '.join(stages)}")
            table.pop("stage")
        elif stage is not None:
            table["stage"] = str(stage).strip().lower()
    for where, table in tables:
        low, high = rating_scale(where.partition(".")[2].strip().lower(), config)  # "" is [ratings]: its scale
        points = table.get("top_box")
        if points is not None and not 1 <= points <= high - low:
            bad(f"{where}.top_box", points, f"must count from 1 to {high - low} points at the top of {low}–{high}")
            table.pop("top_box")


def _whole_pair(scale: dict[str, Any]) -> bool:
    low, high = scale.get("min"), scale.get("max")
    return isinstance(low, int) and isinstance(high, int) and not isinstance(low, bool) and low < high


def rating_notes(config: dict[str, Any], survey: pd.DataFrame, journey: pd.DataFrame) -> list[str]:
    """What the loader tells about ratings: attributes declared without a column, touchpoints journey.csv lacks."""
    notes = []
    columns = [c for c in survey.columns if is_rating(c)]
    declared = _attributes(config)
    absent = [f"{prefix()}{a}" for a in declared if f"{prefix()}{a}" not in columns]
    if absent and len(survey):
        notes.append(f"client.toml [ratings] names attributes survey.csv does not rate: {', '.join(absent)}")
    known = set(journey["touchpoint"].astype(str).str.strip().str.lower()) if len(journey) else set()
    unknown = [f"{a} ({own['touchpoint']!r})" for a, own in declared.items()
               if known and own.get("touchpoint") and str(own["touchpoint"]).strip().lower() not in known]
    if unknown:
        notes.append(f"client.toml [ratings]: touchpoints journey.csv does not list: {', '.join(unknown)}")
    return notes
