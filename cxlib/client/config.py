"""client.toml: reading it, filling its defaults, and the values the contract allows."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from cxlib import catalog
from cxlib.client.problems import Problem
from cxlib.client.ratings import check_ratings, is_rating
from cxlib.scales import CES_DEFAULT

LANGUAGES = ("en", "ru")
PERIOD_FREQUENCIES = {"month": "M", "quarter": "Q", "year": "Y"}


DATE_ORDERS = ("DMY", "MDY")


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
    except UnicodeDecodeError as error:
        problems.append(Problem("client.toml", None, None, None,
                                f"is not UTF-8 text (byte {error.start}); save it as UTF-8"))
        return {}
    except OSError as error:
        problems.append(Problem("client.toml", None, None, None, f"cannot be read: {error.strerror}"))
        return {}

    def bad(key: str, value: Any, expected: str) -> None:
        problems.append(Problem("client.toml", None, key, None if value is None else str(value), expected))

    for key, value, expected in schema_problems(config):
        bad(key, value if not isinstance(value, dict) else None, expected)
        _drop(config, key)
    _check_shapes(config, bad)
    config = _with_defaults(config)
    _check_ces(config["scales"]["ces"], bad)
    _check_csat(config["scales"], bad)
    check_ratings(config, bad)
    _check_columns(config, bad)
    order = str(config["dates"].get("order", "")).upper()
    if order and order not in DATE_ORDERS:
        bad("dates.order", config["dates"].pop("order"), "is not DMY (day first) or MDY (month first)")
    elif order:
        config["dates"]["order"] = order
    return config


_KINDS = {"text": (str,), "number": (int, float), "integer": (int,), "list": (list,), "table": (dict,),
          "numbers": (int, float), "tables": (dict,)}


def _fits(value: Any, kind: str) -> bool:
    if kind.startswith("list of "):
        return isinstance(value, list) and all(_fits(item, kind[8:]) for item in value)
    return isinstance(value, _KINDS[kind]) and not (kind != "table" and isinstance(value, bool))


def schema_problems(config: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """Every key of client.toml checked against ``catalog/client_toml.toml``: (key, value, what was expected).

    Examples
    --------
    >>> schema_problems({"name": "X", "targets": {"nps": "thirty"}, "langauge": "ru"})
    [('targets.nps', 'thirty', 'must be a number'), ('langauge', 'ru', 'is not a client.toml key (known: \
name, language, currency, periods, scales, reason_codes, targets, benchmarks, columns, dates, overrides, topics, \
labels, ratings)')]
    """
    schema = catalog.load("client_toml")
    found: list[tuple[str, Any, str]] = []

    def walk(table: dict[str, Any], path: str, rules: dict[str, Any]) -> None:
        for key, value in table.items():
            where = f"{path}.{key}" if path else key
            kind = rules.get(key, rules.get("*"))
            if kind is None:
                known = ", ".join(k for k in rules if k not in ("*", "required"))
                found.append((where, value, f"is not a client.toml key (known: {known})"))
            elif not _fits(value, kind):
                article = "" if kind == "text" else "an " if kind[0] in "aeiou" else "a "
                found.append((where, value, f"must be {article}{kind}"))
            elif kind == "table" and (children := _rules(schema, path, key)):
                walk(value, where, children)
            elif kind == "list of tables":
                complete = []
                for number, item in enumerate(value, start=1):
                    missing = [k for k in schema[where].get("required", []) if k not in item]
                    if missing:  # reported, and left out so the rest is checked as if it were not there
                        found.append((f"{where}[{number}]", None, f"needs {', '.join(missing)}"))
                    else:
                        complete.append(item)
                    walk(item, where, {k: v for k, v in schema[where].items() if k != "required"})
                value[:] = complete

    walk(config, "", schema["root"])
    return found


def _rules(schema: dict[str, Any], path: str, key: str) -> dict[str, Any] | None:
    """The schema's rules for the table at ``path.key``: its own, else its parent's ``*`` (``ratings.*``), else the
    same key under any sibling of the parent (``ratings.*.scale`` for ``ratings.wifi.scale``)."""
    where = f"{path}.{key}" if path else key
    parent, _, _ = path.rpartition(".")
    return (schema.get(where) or (schema.get(f"{path}.*") if path else None)
            or (schema.get(f"{parent}.*.{key}") if parent else None))


def _drop(config: dict[str, Any], key: str) -> None:
    """Remove a bad key so the rest of the checks run on defaults (one pass lists every problem)."""
    *parents, last = key.split(".")
    table = config
    for part in parents:
        table = table.get(part, {}) if isinstance(table, dict) else {}
    if isinstance(table, dict) and "[" not in last:
        table.pop(last, None)


def _check_shapes(config: dict[str, Any], bad) -> None:
    """The values the schema cannot judge: a name given, a known language and period frequency.

    Keys of the wrong kind were reported and removed by :func:`schema_problems` before this runs.
    """
    if not config.get("name", "").strip():
        bad("name", None, "is missing: give the client's name")
    config["language"] = str(config.get("language", "en")).strip().lower()
    if config["language"] not in LANGUAGES:
        bad("language", config["language"], f"is not one of {', '.join(LANGUAGES)}")
    frequency = config.get("periods", {}).get("frequency", "quarter")
    if frequency not in PERIOD_FREQUENCIES:
        bad("periods.frequency", frequency, f"is not one of {', '.join(PERIOD_FREQUENCIES)}")


def _check_ces(ces: dict[str, Any], bad) -> None:
    if ces["higher_is"] not in ("easier", "harder"):
        bad("scales.ces.higher_is", ces["higher_is"], "is not 'easier' or 'harder'")
    if not (isinstance(ces["min"], int) and isinstance(ces["max"], int) and ces["min"] < ces["max"]):
        bad("scales.ces", f"{ces['min']}..{ces['max']}", "is not a pair of whole numbers with min < max")
        ces["min"], ces["max"] = CES_DEFAULT["min"], CES_DEFAULT["max"]  # check against the usual scale meanwhile


def _check_csat(scales: dict[str, Any], bad) -> None:
    """[scales.csat]: the satisfied answers, as words or as numbers on a min..max scale (either direction)."""
    csat = scales.get("csat")
    if csat is None:
        return
    satisfied = csat.get("satisfied")
    numeric = "min" in csat or "max" in csat
    if not isinstance(satisfied, list) or not satisfied:
        bad("scales.csat.satisfied", satisfied, 'must list the satisfied answers, e.g. ["satisfied"] or [4, 5]')
        scales.pop("csat")
        return
    if numeric:
        low, high = csat.get("min"), csat.get("max")
        if not (isinstance(low, int) and isinstance(high, int) and low < high):
            bad("scales.csat", f"{low}..{high}", "is not a pair of whole numbers with min < max")
            scales.pop("csat")
            return
        outside = [v for v in satisfied if not isinstance(v, int) or not low <= v <= high]
        if outside:
            bad("scales.csat.satisfied", outside, f"must be whole numbers from {low} to {high}")
            scales.pop("csat")
            return
    else:
        csat["satisfied"] = [str(v).strip().lower() for v in satisfied]


def _check_columns(config: dict[str, Any], bad) -> None:
    """[columns.<file>]: the kit's column name = the export's header, for files and columns the contract knows."""
    contract = catalog.contract()
    for table, mapping in list(config["columns"].items()):
        if table not in contract or not isinstance(mapping, dict):
            bad(f"columns.{table}", None if isinstance(mapping, dict) else mapping,
                f"must be a table named after a file of the contract ({', '.join(contract)})")
            config["columns"].pop(table)
            continue
        known = {column["name"] for column in contract[table]["columns"]}
        patterns = " or rating_<attribute>" if table == "survey" else ""
        for name, header in list(mapping.items()):
            # rating_<attribute> is a column pattern of the survey: any attribute may be mapped
            unknown = name not in known and not (table == "survey" and is_rating(name))
            if unknown or not isinstance(header, str) or not header.strip():
                expected = (f"is not a column of {contract[table]['file']} ({', '.join(sorted(known))}{patterns})"
                            if unknown else "must be the export's header in quotes")
                bad(f"columns.{table}.{name}", header, expected)
                mapping.pop(name)


def _with_defaults(config: dict[str, Any]) -> dict[str, Any]:
    """client.toml's defaults, filled in once; an unusable frequency falls back to quarters (and is reported)."""
    config.setdefault("name", "")
    config.setdefault("language", "en")
    config.setdefault("periods", {}).setdefault("frequency", "quarter")
    config["periods"].setdefault("labels", {})
    config["periods"].setdefault("order", [])
    if config["periods"]["frequency"] not in PERIOD_FREQUENCIES:
        config["periods"]["frequency"] = "quarter"
    ces = config.setdefault("scales", {}).setdefault("ces", {})
    for key, default in CES_DEFAULT.items():
        ces.setdefault(key, default)
    for key in ("reason_codes", "overrides", "targets", "benchmarks", "columns", "dates", "ratings"):
        config.setdefault(key, {})
    for key in ("reason_codes", "labels"):  # codes are matched as the loader reads cells: trimmed, one kind of line end
        config[key] = {_as_cell(code): text for code, text in config.get(key, {}).items()}
    return config


def _as_cell(code: str) -> str:
    """A code written in client.toml as the loader reads the same code from a file (``" b2b "`` → ``"b2b"``)."""
    return str(code).replace("\r\n", "\n").replace("\r", "\n").strip()


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
    if source == "components_statements":
        return [s["id"] for s in catalog.load("components")["statements"]]
    raise KeyError(source)

