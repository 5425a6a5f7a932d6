"""Reading and validating a client folder.

A client folder holds ``client.toml`` and the CSV files named in
``cxlib/catalog/contract.toml``. :func:`load_client` reads every file as text,
converts each column by the contract, and collects *every* problem it finds
before raising one :class:`DataError`, so a consultant fixes an export in one
pass instead of one error at a time. The files are only ever read.

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")            # doctest: +SKIP
>>> client.name, len(client.survey)                    # doctest: +SKIP
('Motorline Service', 2400)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cxlib import catalog
from cxlib.client.cache import CACHE_VARIABLE, _cached, save_cache
from cxlib.client.config import LANGUAGES, PERIOD_FREQUENCIES, _read_config, _with_defaults
from cxlib.client.convert import DONT_KNOW
from cxlib.client.counts import COUNT_KEYS, _count_problems, period_labels, survey_counts
from cxlib.client.problems import DataError, Problem, SourceInfo
from cxlib.client.reading import _read_text_table, _read_workbook
from cxlib.client.validate import _empty_table, _validate_table

__all__ = ["CACHE_VARIABLE", "COUNT_KEYS", "DONT_KNOW", "LANGUAGES", "PERIOD_FREQUENCIES", "Client", "DataError",
           "Problem", "SourceInfo", "load_client", "period_labels", "save_cache", "survey_counts"]


@dataclass(frozen=True)
class Client:
    """A validated client folder.

    Attributes
    ----------
    path : Path
        The folder.
    config : dict
        ``client.toml`` as read, with defaults filled in.
    tables : dict of str to DataFrame
        One table per contract entry (``survey``, ``customers``, ...). A file
        the client did not supply is an empty table with the contract's
        columns, and :attr:`notes` says so.
    sources : list of SourceInfo
        How each file was read.
    notes : list of str
        Everything the loader decided on the client's behalf.
    """

    path: Path
    config: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    sources: list[SourceInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.config["name"]

    @property
    def language(self) -> str:
        return self.config["language"]

    @property
    def survey(self) -> pd.DataFrame:
        return self.tables["survey"]

    @property
    def counts(self) -> pd.DataFrame:
        """The survey as score counts: the client's ``survey_counts.csv``, or derived from the rows."""
        return self.tables["survey_counts"]

    @property
    def has_rows(self) -> bool:
        """Whether the survey came as one row per response (reasons, follow-ups and loyalty need that)."""
        return len(self.tables["survey"]) > 0

    @property
    def answers(self) -> pd.DataFrame:
        """What the survey statistics run on: the rows when the client gave them, else the counts."""
        return self.survey if self.has_rows else self.counts

    @property
    def periods(self) -> list[str]:
        """The survey's periods in time order."""
        if self.has_rows:
            dated = self.survey[self.survey["period"] != ""]
            return list(dated.groupby("period")["date"].min().sort_values().index)
        return sorted(p for p in self.counts["period"].unique() if p)

    def responses(self, by: str | list[str] = "period") -> pd.Series:
        """Number of responses per group, from the rows or from the NPS question's counts (blanks included)."""
        if self.has_rows:
            return self.survey.groupby(by, observed=True).size()
        nps_rows = self.counts[self.counts["question"] == "nps"]
        return nps_rows.groupby(by, observed=True)["n"].sum().astype(int)

    @property
    def customers(self) -> pd.DataFrame:
        return self.tables["customers"]

    @property
    def scorecard(self) -> pd.DataFrame:
        return self.tables["scorecard"]

    @property
    def lifecycle(self) -> pd.DataFrame:
        return self.tables["lifecycle"]

    @property
    def journey(self) -> pd.DataFrame:
        return self.tables["journey"]

    @property
    def mystery_shopping(self) -> pd.DataFrame:
        return self.tables["mystery_shopping"]

    def summary(self) -> pd.DataFrame:
        """One row per table: the file, its rows and columns, whether it was supplied."""
        read = {Path(source.file).stem: source.file for source in self.sources}
        spec = catalog.contract()
        return pd.DataFrame(
            [
                {
                    "table": key,
                    "file": read.get(Path(spec[key]["file"]).stem, spec[key]["file"]),
                    "supplied": Path(spec[key]["file"]).stem in read,
                    "rows": len(table),
                    "columns": table.shape[1],
                }
                for key, table in self.tables.items()
            ]
        ).set_index("table")



def load_client(path: str | Path) -> Client:
    """Read and validate a client folder.

    Parameters
    ----------
    path : str or Path
        The client folder: ``client.toml`` plus the CSV files of the contract
        (``survey.csv`` is required; the others may be absent).

    Returns
    -------
    Client
        Typed tables; the survey and the mystery-shopping visits gain a
        ``period`` column derived from ``date``.

    Raises
    ------
    DataError
        Listing every problem found: file, spreadsheet row, column, value and
        what was expected.

    Examples
    --------
    >>> client = load_client("data/demo")                           # doctest: +SKIP
    >>> print(client.sources[0])                                    # doctest: +SKIP
    read survey.csv as UTF-8, ','-separated, 2400 rows
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DataError(folder, [Problem(str(folder), None, None, None, "is not a folder")])
    cached = _cached(folder)
    if cached is not None:
        return cached
    problems: list[Problem] = []
    notes: list[str] = []
    sources: list[SourceInfo] = []
    config = _read_config(folder, problems)
    # Carry on after a problem in client.toml: the files are checked with the defaults, so one pass lists all.
    config = _with_defaults(config)

    tables: dict[str, pd.DataFrame] = {}
    for key, spec in catalog.contract().items():
        stem = Path(spec["file"]).stem
        candidates = [folder / f"{stem}{suffix}" for suffix in (".csv", ".xlsx") if (folder / f"{stem}{suffix}").is_file()]
        if len(candidates) > 1:
            problems.append(Problem(spec["file"], None, None, None,
                                    f"is there twice ({' and '.join(c.name for c in candidates)}); keep one"))
        if len(candidates) != 1:
            alternative = spec.get("required_unless")
            has_alternative = alternative and any(
                (folder / f"{Path(catalog.contract()[alternative]['file']).stem}{suffix}").is_file()
                for suffix in (".csv", ".xlsx"))
            if not candidates and spec.get("required") and not has_alternative:
                problems.append(Problem(spec["file"], None, None, None,
                                        f"is missing (or {stem}.xlsx); the kit cannot run without it"))
            elif not candidates and not spec.get("instead_of"):
                notes.append(f"{spec['file']} not supplied: the analyses that need it are skipped")
            tables[key] = _empty_table(spec)
            continue
        expected = {c["name"] for c in spec["columns"]}
        if candidates[0].suffix == ".xlsx":
            frame, source = _read_workbook(candidates[0], expected)
        else:
            frame, source = _read_text_table(candidates[0], expected, problems)
        if frame is None:
            problems.append(Problem(candidates[0].name, None, None, None,
                                    "is empty; it needs at least the header row (see data/template)"))
            tables[key] = _empty_table(spec)
            continue
        sources.append(source)
        tables[key] = _validate_table(key, frame, {**spec, "file": source.file}, config, source.separator,
                                      problems, notes)

    counts = tables["survey_counts"]
    if len(counts):
        problems += _count_problems(counts, config)
    if len(tables["survey"]) and len(counts):
        problems.append(Problem("survey_counts.csv", None, None, None,
                                "is given beside survey.csv; give the survey one way, rows or counts"))
    if not len(tables["survey"]) and not len(counts) and not any(p.file.startswith("survey") for p in problems):
        problems.append(Problem("survey.csv", None, None, None,
                                "holds no answers: the diagnosis needs the survey (or survey_counts.csv)"))
    if problems:
        raise DataError(folder, problems)
    for key in ("survey", "mystery_shopping"):
        tables[key]["period"] = period_labels(tables[key]["date"], config["periods"]["frequency"],
                                              config["periods"]["labels"])
    if not len(counts):
        tables["survey_counts"] = survey_counts(tables["survey"])
    return Client(folder, config, tables, sources, notes)
