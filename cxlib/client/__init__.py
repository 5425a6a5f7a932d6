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
from cxlib.client.cache import CACHE_VARIABLE, _cached, remove_cache, write_cache
from cxlib.client.config import LANGUAGES, PERIOD_FREQUENCIES, _read_config, _with_defaults
from cxlib.client.convert import DONT_KNOW
from cxlib.client.counts import (
    COUNT_KEYS,
    _count_problems,
    csat_from_csi,
    period_labels,
    survey_counts,
    with_csat_counts,
)
from cxlib.client.problems import DataError, Problem, SourceInfo
from cxlib.client.ratings import attributes, rating_notes
from cxlib.client.reading import ReadFailed, _read_text_table, _read_workbook
from cxlib.client.validate import _empty_table, _validate_table, mapped_headers

__all__ = ["CACHE_VARIABLE", "COUNT_KEYS", "DONT_KNOW", "LANGUAGES", "PERIOD_FREQUENCIES", "Client", "DataError",
           "Problem", "SourceInfo", "load_client", "period_labels", "remove_cache", "survey_counts", "write_cache"]


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
    csat_source : {"csat", "csi"}
        Where CSAT comes from: the client's own satisfaction question, or the
        top-2 box of the 1–5 CSI question.
    """

    path: Path
    config: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    sources: list[SourceInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    csat_source: str = "csi"

    @property
    def name(self) -> str:
        return self.config["name"]

    @property
    def language(self) -> str:
        return self.config["language"]

    def label(self, code: object) -> str:
        """The words a reader sees for one of the client's codes (a channel, segment, touchpoint or reason).

        The client's own ``[labels]`` (or ``[reason_codes]``) in ``client.toml`` come first, then the kit's
        words for common codes in the client's language, then the code itself with underscores as spaces.

        Examples
        --------
        >>> Client(Path("."), {"name": "X", "language": "ru", "labels": {"B2B": "Корпоративные"}}, {}).label("B2B")
        'Корпоративные'
        >>> Client(Path("."), {"name": "X", "language": "ru"}, {}).label("call_centre")
        'колл-центр'
        """
        code = str(code)
        own = {**self.config.get("reason_codes", {}), **self.config.get("labels", {})}
        if code in own:
            return str(own[code])
        return kit_label(code, self.language)

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
        """The survey's periods in time order (an undated survey is one period, "all answers")."""
        from cxlib.survey import period_order  # survey builds on the client's tables, so it is imported late

        return period_order(self.answers, order=self.config["periods"]["order"])

    def answered(self, question: str) -> int:
        """How many answers (blanks excluded) a survey question got: ``nps``, ``csat``, ``csi``, ``ces``."""
        counts = self.counts
        part = counts[(counts["question"] == question) & counts["score"].notna()]
        return int(part["n"].sum())

    @property
    def metrics(self) -> list[str]:
        """The survey metrics this client's answers support, headline first: NPS, CSAT, CSI, CES."""
        return [metric for metric in ("nps", "csat", "csi", "ces") if self.answered(metric) > 0]

    def gaps(self, *needs: str) -> list[str]:
        """One sentence for each of ``needs`` the data cannot support (see :meth:`lacks`)."""
        return [gap for gap in (self.lacks(need) for need in needs) if gap]

    def lacks(self, *needs: str) -> str | None:
        """The one sentence, in the client's language, saying why an analysis that needs ``needs`` cannot run.

        ``None`` when the data supports it. Needs are the survey questions
        (``"nps"``, ``"csat"``, ``"csi"``, ``"ces"``, or ``"score"`` for any of
        them), ``"periods"`` (two or more), ``"channel"``, ``"segment"``,
        ``"rows"`` (one row per response), the survey columns ``"reason_code"``,
        ``"followed_up_at"``, ``"customer_id"``, ``"comment"``, and the optional
        files ``"customers"``, ``"journey"``, ``"lifecycle"``, ``"scorecard"``,
        ``"mystery_shopping"``, ``"contacts"``, ``"components"``.

        Examples
        --------
        >>> gap = client.lacks("nps", "periods")             # doctest: +SKIP
        >>> print(gap or "NPS by period can be computed")   # doctest: +SKIP
        """
        for need in needs:
            if not self._supports(need):
                key = "dates" if need == "periods" and not self._supports("dates") else need
                return catalog.gap(key, self.language, period=(self.periods or [""])[0])
        return None

    def _supports(self, need: str) -> bool:
        if need in ("nps", "csat", "csi", "ces"):
            return self.answered(need) > 0
        if need == "very_satisfied":
            return self.answered("csi") > 0
        if need == "score":
            return any(self.answered(question) > 0 for question in ("nps", "csat", "csi", "ces"))
        if need == "periods":
            return len(self.periods) > 1
        if need == "dates":
            return not self.has_rows or self.survey["date"].notna().any()
        if need in ("channel", "segment"):
            return bool((self.answers[need] != catalog.gap_label("not_given", self.language)).any())
        if need == "rows":
            return self.has_rows
        if need in ("reason_code", "customer_id", "comment"):
            return self.has_rows and bool((self.survey[need].astype(str).str.strip() != "").any())
        if need == "followed_up_at":
            return self.has_rows and bool(self.survey["contact_at"].notna().any())
        if need in self.tables:
            return len(self.tables[need]) > 0
        if need == "derived":
            return True  # said by the caller, which knows whether anything was derived
        raise ValueError(f"unknown need {need!r}")

    def responses(self, by: str | list[str] = "period") -> pd.Series:
        """Number of responses per group, from the rows or from the NPS question's counts (blanks included)."""
        if self.has_rows:
            return self.survey.groupby(by, observed=True).size()
        nps_rows = self.counts[self.counts["question"] == "nps"]
        return nps_rows.groupby(by, observed=True)["n"].sum().astype(int)

    @property
    def ratings(self) -> pd.DataFrame:
        """The survey's attribute ratings (``rating_<attribute>`` columns): column, attribute, the name in the
        client's language, touchpoint, stage, scale (min, max) and top-box points, from ``[ratings]``."""
        return attributes(self.config, list(self.survey.columns), self.language)

    @property
    def customers(self) -> pd.DataFrame:
        return self.tables["customers"]

    @property
    def contacts(self) -> pd.DataFrame:
        """The contact centre's export (``contacts.csv``), one row per contact; empty when not supplied."""
        return self.tables["contacts"]

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
    def components(self) -> pd.DataFrame:
        """The four-components self-assessment (``components.csv``): respondent, role, statement_id, answer."""
        return self.tables["components"]

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



def kit_label(code: str, language: str) -> str:
    """The kit's own words for a common code, in ``language``; the code, readable, when the kit has none."""
    reasons = {entry["code"]: catalog.label(entry, language, "label") for entry in catalog.reason_codes()}
    if code in reasons:
        return reasons[code]
    group = catalog.load("summary")["groups"].get(code.strip().lower())
    return catalog.label(group, language) if group else code.replace("_", " ")


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
    tables = {key: _read_table(folder, key, spec, config, problems, notes, sources)
              for key, spec in catalog.contract().items()}
    problems += _survey_problems(tables, config, problems)
    if problems:
        raise DataError(folder, problems)
    csat_source = _finish_survey(tables, config, notes)
    notes += rating_notes(config, tables["survey"], tables["journey"])
    return Client(folder, config, tables, sources, notes, csat_source)


def _files_of(folder: Path, spec: dict[str, Any]) -> list[Path]:
    stem = Path(spec["file"]).stem
    return [folder / f"{stem}{suffix}" for suffix in (".csv", ".xlsx") if (folder / f"{stem}{suffix}").is_file()]


def _read_table(folder: Path, key: str, spec: dict[str, Any], config: dict[str, Any], problems: list[Problem],
                notes: list[str], sources: list[SourceInfo]) -> pd.DataFrame:
    """Read, convert and check one file of the contract; an absent file is an empty table (and a note)."""
    candidates = _files_of(folder, spec)
    if len(candidates) > 1:
        problems.append(Problem(spec["file"], None, None, None,
                                f"is there twice ({' and '.join(c.name for c in candidates)}); keep one"))
    if len(candidates) != 1:
        alternative = spec.get("required_unless")
        has_alternative = alternative and _files_of(folder, catalog.contract()[alternative])
        if not candidates and spec.get("required") and not has_alternative:
            problems.append(Problem(spec["file"], None, None, None,
                                    f"is missing (or {Path(spec['file']).stem}.xlsx); the kit cannot run without it"))
        elif not candidates and not spec.get("instead_of"):
            notes.append(f"{spec['file']} not supplied: the analyses that need it are skipped")
        return _empty_table(spec)
    if candidates[0].resolve().parent != folder.resolve():  # a link must not pull in a file from elsewhere
        problems.append(Problem(candidates[0].name, None, None, None,
                                "is a link to a file outside the client folder; copy the file in instead"))
        return _empty_table(spec)
    expected = {c["name"] for c in spec["columns"]} | set(mapped_headers({**spec, "key": key}, config).values())
    try:
        if candidates[0].suffix == ".xlsx":
            frame, source = _read_workbook(candidates[0], expected)
        else:
            frame, source = _read_text_table(candidates[0], expected, problems)
    except ReadFailed as error:
        problems.append(Problem(candidates[0].name, None, None, None, str(error)))
        return _empty_table(spec)
    if frame is None:
        problems.append(Problem(candidates[0].name, None, None, None,
                                "is empty; it needs at least the header row (see data/template)"))
        return _empty_table(spec)
    sources.append(source)
    return _validate_table(key, frame, {**spec, "file": source.file}, config, source.separator, problems, notes)


def _survey_problems(tables: dict[str, pd.DataFrame], config: dict[str, Any], found: list[Problem]) -> list[Problem]:
    """The survey must come one way (rows or counts) and hold answers (unless ``found`` already says why not)."""
    problems: list[Problem] = []
    counts = tables["survey_counts"]
    if len(counts):
        problems += _count_problems(counts, config)
    if len(tables["survey"]) and len(counts):
        problems.append(Problem("survey_counts.csv", None, None, None,
                                "is given beside survey.csv; give the survey one way, rows or counts"))
    if not len(tables["survey"]) and not len(counts) and not any(p.file.startswith("survey") for p in found):
        problems.append(Problem("survey.csv", None, None, None,
                                "holds no answers: the diagnosis needs the survey (or survey_counts.csv)"))
    return problems


def _finish_survey(tables: dict[str, pd.DataFrame], config: dict[str, Any], notes: list[str]) -> str:
    """Periods, named blanks in the group columns, CSAT and the counts; return where CSAT comes from."""
    language = config["language"]
    survey = tables["survey"]
    for key in ("survey", "mystery_shopping"):
        tables[key]["period"] = period_labels(tables[key]["date"], config["periods"]["frequency"],
                                              config["periods"]["labels"])
    if len(survey) and survey["date"].isna().all():
        survey["period"] = catalog.gap_label("undated", language)
        notes.append(f"survey.csv has no dates: all {len(survey)} answers form one period "
                     f"({survey['period'].iloc[0]!r})")
    own_csat = len(survey) and survey["csat"].notna().any() or (tables["survey_counts"]["question"] == "csat").any()
    if len(survey) and not own_csat:
        survey["csat"] = csat_from_csi(survey["csi"])
    counts = tables["survey_counts"] if len(tables["survey_counts"]) else survey_counts(survey)
    tables["survey_counts"] = with_csat_counts(counts)
    not_given = catalog.gap_label("not_given", language)
    given = survey if len(survey) else tables["survey_counts"]  # the table the client supplied
    for table in (survey, tables["survey_counts"]):
        for column in COUNT_KEYS[1:]:
            blank = table[column].astype(str).str.strip() == ""
            if table is given and blank.any() and not blank.all():
                notes.append(f"{column}: {int(blank.sum())} blank values form the group {not_given!r}")
            table[column] = table[column].astype(str).where(~blank, not_given)
    customers = tables["customers"]
    if len(survey) and len(customers):
        named = survey["customer_id"].astype(str).str.strip()
        unknown = named.ne("") & ~named.isin(set(customers["customer_id"].astype(str).str.strip()))
        if unknown.any():
            notes.append(f"survey.csv: {int(unknown.sum())} answers name a customer_id that customers.csv does not "
                         f"hold (e.g. {named[unknown].iloc[0]!r}); the analyses that link the two leave them out")
    return "csat" if own_csat else "csi"
