"""Validating a table: its columns, every cell, and the checks between columns and rows."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cxlib.client.config import _allowed_values
from cxlib.client.convert import _convert_column
from cxlib.client.problems import Problem


def _validate_table(
    key: str, frame: pd.DataFrame, spec: dict[str, Any], config: dict[str, Any], separator: str,
    problems: list[Problem], notes: list[str],
) -> pd.DataFrame:
    file = spec["file"]
    columns = spec["columns"]
    names = [column["name"] for column in columns]
    duplicated = frame.columns[frame.columns.duplicated()].unique()
    for name in duplicated:
        header_row = frame.index.start - 1 if isinstance(frame.index, pd.RangeIndex) else 1
        problems.append(Problem(file, header_row, name, None, "appears twice in the header"))
    frame = frame.loc[:, ~frame.columns.duplicated()]
    missing = [c["name"] for c in columns if c["name"] not in frame.columns and not c.get("optional")]
    for name in missing:
        problems.append(
            Problem(file, None, name, None, f"column is missing (the file needs: {', '.join(n for n in names)})")
        )
    extra = [name for name in frame.columns if name not in names]
    if extra:
        notes.append(f"{file}: extra columns kept as text: {', '.join(extra)}")

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
        cell_problems += [Problem(file, row, name, frame.at[row, name], message) for row, message in bad]

    for check in spec.get("checks", []):
        left, right = converted.get(check["left"]), converted.get(check["right"])
        if left is None or right is None:
            continue
        broken = (left > right).fillna(False).astype(bool)
        relation = "is later than" if left.dtype.kind == "M" else "is greater than"
        for row in broken[broken].index:
            cell_problems.append(
                Problem(file, row, check["left"], str(frame.at[row, check["left"]]),
                        f"{relation} {check['right']} {str(frame.at[row, check['right']])!r}: {check['says']}")
            )
    for check in spec.get("group_checks", []):
        if check["by"] not in converted or check["column"] not in converted:
            continue
        blank = converted[check["column"]].isna().groupby(frame[check["by"]], sort=False)
        for key, share in blank.mean().items():
            if share > check["max_blank_share"]:
                rows = frame.index[frame[check["by"]] == key]
                count = int(converted[check["column"]].loc[rows].isna().sum())
                cell_problems.append(Problem(
                    file, int(rows[0]), check["by"], str(key),
                    f"left {count} of {len(rows)} {check['column']}s blank: {check['says']}"))
    for check in spec.get("unknown_checks", []):
        if check["column"] not in converted:
            continue
        known = {value.lower() for value in _allowed_values(check["known_from"], config)}
        unknown = ~converted[check["column"]].str.lower().isin(known)
        for row in unknown[unknown].index:
            missing = [c for c in check["requires"] if c not in converted or not str(converted[c].get(row, "") or "")]
            if missing:
                cell_problems.append(Problem(file, row, check["column"], str(frame.at[row, check["column"]]),
                                             f"{check['says']}; missing: {', '.join(missing)}"))
    cell_problems.sort(key=lambda p: (p.row, names.index(p.column) if p.column in names else 0))
    problems.extend(cell_problems)
    table = pd.DataFrame(converted, index=frame.index)
    for name in extra:
        table[name] = frame[name]
    table.index.name = "row"
    return table


def _empty_column(spec: dict[str, Any], length: int = 0, index: pd.Index | None = None) -> pd.Series:
    dtype = {"int": "Int64", "float": "float64", "date": "datetime64[ns]",
             "datetime": "datetime64[ns]", "bool": "boolean", "str": "str"}[spec["type"]]
    if spec["type"] == "str":
        return pd.Series([""] * length, index=index, dtype=dtype)
    return pd.Series([None] * length, index=index, dtype=dtype)


def _empty_table(spec: dict[str, Any]) -> pd.DataFrame:
    table = pd.DataFrame({c["name"]: _empty_column(c) for c in spec["columns"]})
    table.index.name = "row"
    return table

