"""What the loader reports: problems located as the client sees them, and how each file was read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

SHOWN_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a client's input, located as the client sees it.

    ``row`` is the row number a spreadsheet shows (the header is row 1);
    ``None`` when the problem concerns a whole file or column.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file} row {self.row}"
        if self.column:
            where = f"{where}, {self.column}"
        if not self.value:  # nothing to quote: a missing column or an empty cell
            return f"{where}: {self.expected}"
        return f"{where}: {self.value!r} {self.expected}"


class DataError(ValueError):
    """Raised once with every problem found in a client folder.

    Attributes
    ----------
    problems : list of Problem
        All problems, in file and row order.
    """

    def __init__(self, folder: Path | str, problems: Iterable[Problem]):
        self.folder = Path(folder)
        self.problems = list(problems)
        super().__init__(self._message())

    def _message(self) -> str:
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} in client folder {self.folder}:"]
        lines += [f"  - {problem}" for problem in self.problems[:SHOWN_PROBLEMS]]
        rest = self.problems[SHOWN_PROBLEMS:]
        if rest:
            summary = pd.Series([f"{p.file}, {p.column}" for p in rest]).value_counts()
            lines.append(f"  ... and {len(rest)} more, by file and column:")
            lines += [f"      {where}: {n}" for where, n in summary.items()]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """All problems as a table (file, row, column, value, expected)."""
        return pd.DataFrame(
            [vars(problem) for problem in self.problems],
            columns=["file", "row", "column", "value", "expected"],
        )


@dataclass(frozen=True)
class SourceInfo:
    """How one input file was read: said out loud, never guessed silently."""

    file: str
    encoding: str
    separator: str
    rows: int
    header_row: int = 1

    def __str__(self) -> str:
        if self.encoding == "xlsx":
            how = f"read {self.file} as an Excel workbook (first sheet)"
        else:
            name = {",": "','", ";": "';'", "\t": "tab"}[self.separator]
            how = f"read {self.file} as {self.encoding}, {name}-separated"
        header = f", header on row {self.header_row}" if self.header_row != 1 else ""
        return f"{how}{header}, {self.rows} rows"

