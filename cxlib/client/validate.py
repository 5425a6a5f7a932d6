"""Validating a table: its columns, every cell, and the checks between columns and rows."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from cxlib.client.config import _allowed_values
from cxlib.client.convert import _convert_column
from cxlib.client.problems import Problem
from cxlib.client.ratings import column_spec

DTYPES = {"int": "Int64", "float": "float64", "date": "datetime64[ns]", "datetime": "datetime64[ns]",
          "bool": "boolean", "str": "str", "satisfaction": "Int64", "rating": "Int64"}


def pattern_columns(spec: dict[str, Any], headers: list[str], config: dict[str, Any]) -> list[dict[str, Any]]:
    """Contract entries for the headers that match a column pattern of ``spec`` (``rating_wifi``, ...).

    Examples
    --------
    >>> from cxlib import catalog
    >>> [c["name"] for c in pattern_columns(catalog.contract()["survey"], ["nps", "rating_wifi"], {})]
    ['rating_wifi']
    """
    names = {column["name"] for column in spec["columns"]}
    found = []
    for pattern in spec.get("column_patterns", []):
        for header in headers:
            if header not in names and header.startswith(pattern["prefix"]) and len(header) > len(pattern["prefix"]):
                found.append(column_spec(header, config) if pattern.get("scale") == "ratings"
                             else {**{k: v for k, v in pattern.items() if k not in ("prefix", "about")},
                                   "name": header, "optional": True})
    return found


def mapped_headers(spec: dict[str, Any], config: dict[str, Any]) -> dict[str, str]:
    """The export's header (lower case) for each kit column that ``[columns.<file>]`` in client.toml maps."""
    mapping = config.get("columns", {}).get(spec["key"], {})
    return {name: header.strip().lower() for name, header in mapping.items()}


def _apply_mapping(frame: pd.DataFrame, spec: dict[str, Any], config: dict[str, Any],
                   problems: list[Problem]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename the export's headers to the kit's names; return the frame and each kit name's header as written."""
    headers = mapped_headers(spec, config)
    renames, labels = {}, {}
    for name, header in headers.items():
        if header not in frame.columns:
            problems.append(Problem("client.toml", None, f"columns.{spec['key']}.{name}", header,
                                    f"is not a header of {spec['file']} (its headers: {', '.join(frame.columns)})"))
        elif name in frame.columns and name != header:
            problems.append(Problem(spec["file"], None, name, None,
                                    f"is a header of its own and is also mapped from {header!r}; keep one"))
        else:
            renames[header] = name
            labels[name] = f"{header} ({name})"
    return frame.rename(columns=renames), labels


def suggestions(spec: dict[str, Any], headers: list[str]) -> dict[str, str]:
    """For each kit column the file lacks, an unknown header that looks like it (by the contract's aliases)."""
    names = {column["name"] for column in spec["columns"]}
    unknown = [header for header in headers if header not in names]
    found = {}
    for column in spec["columns"]:
        if column["name"] in headers:
            continue
        for header in unknown:
            # an alias starts a word of the header: "source" must not match "resources", nor "ces" "services"
            if header not in found.values() and any(re.search(rf"(?<![^\W\d_]){re.escape(alias)}", header)
                                                    for alias in column.get("aliases", [])):
                found[column["name"]] = header
                break
    return found


def _suggestion_text(spec: dict[str, Any], name: str, header: str) -> str:
    return f'the header {header!r} looks like {name}; if it is, add to client.toml: [columns.{spec["key"]}] ' \
           f'{name} = "{header}"'


def _header_problems(frame: pd.DataFrame, spec: dict[str, Any], problems: list[Problem], notes: list[str]) -> None:
    file, columns = spec["file"], spec["columns"]
    names = [column["name"] for column in columns]
    hints = suggestions(spec, list(frame.columns))
    for name in (c["name"] for c in columns if c["name"] not in frame.columns and not c.get("optional")):
        hint = f"; {_suggestion_text(spec, name, hints[name])}" if name in hints else ""
        problems.append(Problem(file, None, name, None,
                                f"column is missing (the file needs: {', '.join(names)}){hint}"))
    needs = spec.get("needs_one_of", [])
    if needs and not set(needs) & set(frame.columns):
        hint = "".join(f"; {_suggestion_text(spec, n, h)}" for n, h in hints.items() if n in needs)
        problems.append(Problem(file, None, None, None,
                                f"has none of the columns {', '.join(needs)}: "
                                f"{spec.get('needs_one_of_says', 'it holds no answers the kit can read')}"
                                f"{hint or '; map the export headers with [columns] in client.toml'}"))
    else:
        notes += [f"{file}: {_suggestion_text(spec, n, h)}" for n, h in hints.items()]
    extra = [name for name in frame.columns if name not in names]
    if extra:
        notes.append(f"{file}: extra columns kept as text: {', '.join(extra)}")


def _row_checks(spec, frame, converted, file) -> list[Problem]:
    found = []
    for check in spec.get("checks", []):
        left, right = converted.get(check["left"]), converted.get(check["right"])
        if left is None or right is None or check["left"] not in frame or check["right"] not in frame:
            continue
        broken = (left > right).fillna(False).astype(bool)
        relation = "is later than" if left.dtype.kind == "M" else "is greater than"
        found += [Problem(file, row, check["left"], str(frame.at[row, check["left"]]),
                          f"{relation} {check['right']} {str(frame.at[row, check['right']])!r}: {check['says']}")
                  for row in broken[broken].index]
    return found


def _group_checks(spec, frame, converted, file) -> list[Problem]:
    found = []
    for check in spec.get("group_checks", []):
        if check["by"] not in converted or check["column"] not in converted:
            continue
        blank = converted[check["column"]].isna().groupby(frame[check["by"]], sort=False)
        for key, share in blank.mean().items():
            if share > check["max_blank_share"]:
                rows = frame.index[frame[check["by"]] == key]
                count = int(converted[check["column"]].loc[rows].isna().sum())
                found.append(Problem(file, int(rows[0]), check["by"], str(key),
                                     f"left {count} of {len(rows)} {check['column']}s blank: {check['says']}"))
    return found


def _unknown_checks(spec, frame, converted, file, config) -> list[Problem]:
    found = []
    for check in spec.get("unknown_checks", []):
        if check["column"] not in converted:
            continue
        known = {value.lower() for value in _allowed_values(check["known_from"], config)}
        unknown = ~converted[check["column"]].str.lower().isin(known)
        for row in unknown[unknown].index:
            missing = [c for c in check["requires"] if c not in converted or not str(converted[c].get(row, "") or "")]
            if missing:
                found.append(Problem(file, row, check["column"], str(frame.at[row, check["column"]]),
                                     f"{check['says']}; missing: {', '.join(missing)}"))
    return found


def _validate_table(
    key: str, frame: pd.DataFrame, spec: dict[str, Any], config: dict[str, Any], separator: str,
    problems: list[Problem], notes: list[str],
) -> pd.DataFrame:
    """Convert and check one table; append every problem to ``problems``; return the typed table.

    Columns are named as the kit names them (after ``[columns]`` in
    client.toml); problems name a mapped column as the export wrote it.
    """
    spec = {**spec, "key": key}
    file, columns = spec["file"], spec["columns"]
    for name in frame.columns[frame.columns.duplicated()].unique():
        header_row = frame.index.start - 1 if isinstance(frame.index, pd.RangeIndex) else 1
        problems.append(Problem(file, header_row, name, None, "appears twice in the header"))
    frame = frame.loc[:, ~frame.columns.duplicated()]
    frame, labels = _apply_mapping(frame, spec, config, problems)
    # columns of a pattern (rating_<attribute>) are checked like the contract's own, each by its own entry
    spec["columns"] = columns = columns + pattern_columns(spec, list(frame.columns), config)
    names = [column["name"] for column in columns]
    _header_problems(frame, spec, problems, notes)

    converted: dict[str, pd.Series] = {}
    cell_problems: list[Problem] = []
    for column in columns:
        name = column["name"]
        if name not in frame.columns:
            if column.get("optional"):
                converted[name] = _empty_column(column, len(frame), frame.index)
            continue
        column_notes: list[str] = []
        value, bad = _convert_column(frame[name], column, config, separator == ";", column_notes)
        notes.extend(f"{file} {note}" for note in column_notes)
        converted[name] = value
        shown = labels.get(name, name)
        cell_problems += [Problem(file, row, shown, None if row is None else frame.at[row, name], message)
                          for row, message in bad]
    cell_problems += _row_checks(spec, frame, converted, file)
    cell_problems += _group_checks(spec, frame, converted, file)
    cell_problems += _unknown_checks(spec, frame, converted, file, config)
    order = {labels.get(name, name): index for index, name in enumerate(names)}
    cell_problems.sort(key=lambda p: (p.row or 0, order.get(p.column, 0)))
    problems.extend(cell_problems)
    extra = [name for name in frame.columns if name not in set(names)]
    table = pd.concat([pd.DataFrame(converted, index=frame.index), frame[extra]], axis=1)
    table.index.name = "row"
    return table


def _empty_column(spec: dict[str, Any], length: int = 0, index: pd.Index | None = None) -> pd.Series:
    dtype = DTYPES[spec["type"]]
    if spec["type"] == "str":
        return pd.Series([""] * length, index=index, dtype=dtype)
    return pd.Series([None] * length, index=index, dtype=dtype)


def _empty_table(spec: dict[str, Any]) -> pd.DataFrame:
    table = pd.DataFrame({c["name"]: _empty_column(c) for c in spec["columns"]})
    table.index.name = "row"
    return table
