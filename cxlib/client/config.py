"""client.toml: reading it, filling its defaults, and the values the contract allows."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from cxlib import catalog
from cxlib.client.problems import Problem

LANGUAGES = ("en", "ru")
PERIOD_FREQUENCIES = {"month": "M", "quarter": "Q", "year": "Y"}


def _read_config(folder: Path, problems: list[Problem]) -> dict[str, Any]:
    path = folder / "client.toml"
    if not path.is_file():
        problems.append(Problem("client.toml", None, None, None, "is missing from the client folder"))
        return {}
    try:
        with open(path, "rb") as handle:
            config = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        problems.append(Problem("client.toml", None, None, None, f"is not valid TOML: {error}"))
        return {}

    def bad(key: str, value: Any, expected: str) -> None:
        problems.append(Problem("client.toml", None, key, None if value is None else str(value), expected))

    for key in ("periods", "scales", "reason_codes", "overrides", "targets", "benchmarks"):
        if key in config and not isinstance(config[key], dict):
            bad(key, config.pop(key), f"must be a table ([{key}]), not a single value")
    if isinstance(config.get("scales", {}).get("ces", {}), dict) is False:
        bad("scales.ces", config["scales"].pop("ces"), "must be a table ([scales.ces]) with min, max, higher_is")
    if isinstance(config.get("periods", {}).get("labels", {}), dict) is False:
        bad("periods.labels", config["periods"].pop("labels"), 'must be a table, e.g. { "2025-Q1" = "Q1 2025" }')
    if not isinstance(config.get("name", ""), str):
        bad("name", config.pop("name"), "must be text in quotes")
    elif not config.get("name", "").strip():
        bad("name", None, "is missing: give the client's name")
    config["language"] = str(config.get("language", "en")).strip().lower()
    if config["language"] not in LANGUAGES:
        bad("language", config["language"], f"is not one of {', '.join(LANGUAGES)}")
    frequency = config.get("periods", {}).get("frequency", "quarter")
    if frequency not in PERIOD_FREQUENCIES:
        bad("periods.frequency", frequency, f"is not one of {', '.join(PERIOD_FREQUENCIES)}")
    config = _with_defaults(config)
    ces = config["scales"]["ces"]
    if ces["higher_is"] not in ("easier", "harder"):
        bad("scales.ces.higher_is", ces["higher_is"], "is not 'easier' or 'harder'")
    if not (isinstance(ces["min"], int) and isinstance(ces["max"], int) and ces["min"] < ces["max"]):
        bad("scales.ces", f"{ces['min']}..{ces['max']}", "is not a pair of whole numbers with min < max")
        ces["min"], ces["max"] = 1, 7  # check the answers against the usual scale meanwhile
    return config


def _with_defaults(config: dict[str, Any]) -> dict[str, Any]:
    """client.toml's defaults, filled in once; an unusable frequency falls back to quarters (and is reported)."""
    config.setdefault("name", "")
    config.setdefault("language", "en")
    config.setdefault("periods", {}).setdefault("frequency", "quarter")
    config["periods"].setdefault("labels", {})
    if config["periods"]["frequency"] not in PERIOD_FREQUENCIES:
        config["periods"]["frequency"] = "quarter"
    ces = config.setdefault("scales", {}).setdefault("ces", {})
    for key, default in (("min", 1), ("max", 7), ("higher_is", "easier")):
        ces.setdefault(key, default)
    for key in ("reason_codes", "overrides", "targets", "benchmarks"):
        config.setdefault(key, {})
    return config


def _allowed_values(source: str, config: dict[str, Any]) -> list[str]:
    if source == "reason_codes":
        return [r["code"] for r in catalog.reason_codes()] + list(config.get("reason_codes", {}))
    if source == "journey_stages":
        return [s["key"] for s in catalog.journey_stages()]
    if source == "scorecard_metrics":
        return [m["key"] for m in catalog.load("scorecard")["metrics"]]
    if source == "lifecycle_statements":
        extra = config.get("overrides", {}).get("lifecycle", {}).get("statements", [])
        return [s["id"] for s in catalog.lifecycle_statements()] + [s["id"] for s in extra]
    raise KeyError(source)

