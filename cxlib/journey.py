"""The customer journey: awareness → evaluation & choice → purchase → experience → loyalty.

The goal of customer service in the source method is a seamless move through
the five stages; its tasks sit at the touchpoints where customers struggle.
This module measures each touchpoint (reusing :mod:`cxlib.metrics` for every
interval), ranks the pain points by the score written in
``cxlib/catalog/journey.toml`` ``[priority]``, scores mystery-shopping visits,
and links the survey's low scores to the stages they name.

A blank count in ``journey.csv`` is *unknown*, never zero: every share built on
it is unknown (NaN in the tables), each table's ``unknown`` column names the
blank inputs of its row, and :func:`as_text` prints the word "unknown" (or
"n/a" for a share with nothing to count, such as announced delays when there
were none) instead of ``nan``.

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                          # doctest: +SKIP
>>> print(cxlib.journey.as_text(cxlib.journey.touchpoints(client.journey), ["name", "satisfied"]))  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
from scipy import stats

from cxlib import catalog
from cxlib.drivers import touchpoint_importance
from cxlib.metrics import nps, wilson_interval
from cxlib.privacy import mask_pii
from cxlib.wording import Numbers

#: The journey.csv columns that may be blank (unknown), in file order; ``detractors``
#: stands for the survey's detractor share at the touchpoint.
INPUTS = ("reached", "moved_on", "rated", "satisfied", "high_effort", "complaints", "expectation", "perception",
          "promises_made", "promises_kept", "delays", "delays_announced", "fix_effort")
_COUNTS = ("reached", "rated", "promises_made", "delays", "fix_effort")

#: The inputs each printed column is built from: a missing value is "unknown" when
#: one of them was blank, and "n/a" when none was (nothing to count, e.g. no delays).
DEPENDS: dict[str, set[str]] = {
    "reached": {"reached"}, "rated": {"rated"}, "moved_on": {"reached", "moved_on"},
    "satisfied": {"rated", "satisfied"}, "high_effort": {"rated", "high_effort"},
    "complaints": {"reached", "complaints"}, "expectation": {"expectation"}, "perception": {"perception"},
    "gap": {"expectation", "perception"}, "promises_made": {"promises_made"},
    "promises_kept": {"promises_made", "promises_kept"}, "delays": {"delays"},
    "announced": {"delays", "delays_announced"}, "fix_effort": {"fix_effort"},
    "detractor_share": {"detractors"}, "affected": {"reached", "rated", "satisfied"},
    "frequency": {"reached", "rated", "satisfied"},
    "severity": {"rated", "high_effort", "expectation", "perception"},
    "impact": {"reached", "moved_on", "detractors", "drivers"},
}
DEPENDS["priority"] = DEPENDS["rank"] = DEPENDS["components"] = (
    DEPENDS["frequency"] | DEPENDS["severity"] | DEPENDS["impact"])
DEPENDS["importance"] = DEPENDS["driver_share"] = {"drivers"}
#: What an ``unknown`` column may name: the file's inputs, the survey's detractors, the key drivers' shares.
UNKNOWN_NAMES = (*INPUTS, "detractors", "drivers")


def word(key: str, language: str = "en", **values: object) -> str:
    """A word or sentence the chapter prints, from ``cxlib/catalog/journey.toml`` [words]."""
    return catalog.label(catalog.load("journey")["words"], language, key).format(**values)


def stage_names(language: str = "en") -> pd.Series:
    """Journey stage keys to names, in journey order."""
    return pd.Series({s["key"]: catalog.label(s, language) for s in catalog.journey_stages()}, name="name")


def touchpoint_name(key: str, language: str = "en") -> str:
    """A touchpoint's label in ``language``; the key itself when the vocabulary does not know it."""
    if language == "en":
        return key
    known = {t["key"]: t for t in catalog.load("journey")["touchpoints"]}
    return known.get(key, {}).get(f"name_{language}", key)


def _stage_order(stages: pd.Series) -> pd.Series:
    order = {key: i for i, key in enumerate(stage_names().index)}
    return stages.map(order)


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Journey order: by stage; within a stage the rows keep the order they came in."""
    return (frame.assign(_order=_stage_order(frame["stage"])).sort_values("_order", kind="stable")
            .drop(columns="_order"))


def _numbers(journey: pd.DataFrame) -> pd.DataFrame:
    """The journey with every measured column as float (NaN = unknown); an absent column is unknown throughout."""
    data = journey.copy()
    for column in INPUTS:
        if column in data:
            data[column] = pd.to_numeric(data[column], errors="coerce").astype("float64")
        else:
            data[column] = math.nan
    return data


def _share_columns(successes: float, n: float, level: float) -> tuple[float, float, float]:
    """A share in % with its Wilson interval; NaN throughout when either count is unknown or n is 0."""
    if pd.isna(successes) or pd.isna(n) or n == 0:
        return math.nan, math.nan, math.nan
    low, high = wilson_interval(int(successes), int(n), level)
    return 100 * successes / n, 100 * low, 100 * high


def _blank(row: pd.Series, columns: Iterable[str] = INPUTS) -> str:
    return ", ".join(column for column in columns if pd.isna(row[column]))


def funnel(journey: pd.DataFrame, *, level: float = 0.95, language: str = "en") -> pd.DataFrame:
    """Share of customers moving on at each stage, with Wilson intervals, and the biggest drop.

    A stage's rate is the sum of ``moved_on`` over the sum of ``reached`` of its
    touchpoints whose ``moved_on`` is known: the share of customers at those
    touchpoints who went on to the next step. A touchpoint whose ``moved_on`` is
    blank is not dropped: its customers count in ``reached``, and ``unknown``
    names it and says how many customers were left out of the rate.

    Returns
    -------
    DataFrame
        One row per stage, in journey order: ``name``, ``reached`` (all customers
        at the stage's touchpoints), ``counted`` (those at touchpoints whose
        ``moved_on`` is known: the rate's base), ``moved_on``, ``conversion``
        with ``low``/``high`` (%), ``drop`` (100 − conversion), ``biggest_drop``
        (True on the stage losing the largest share among the stages with a
        rate) and ``unknown`` (empty when everything was known).
    """
    names = stage_names(language)
    data = _numbers(journey)
    rows = []
    for stage in names.index:
        part = data[data["stage"] == stage]
        known = part[part["moved_on"].notna() & part["reached"].notna()]
        missing = part[part["moved_on"].isna() | part["reached"].isna()]
        counted = known["reached"].sum()
        value, low, high = _share_columns(known["moved_on"].sum(), counted, level)
        if part.empty:
            unknown = word("no_touchpoints", language)
        elif len(missing):
            unknown = word("left_out", language, measure="moved_on",
                            touchpoints=", ".join(touchpoint_name(t, language) for t in missing["touchpoint"]),
                            reached=f"{int(missing['reached'].sum()):,}")
        else:
            unknown = ""
        rows.append({"stage": stage, "name": names[stage], "reached": part["reached"].sum(), "counted": counted,
                     "moved_on": known["moved_on"].sum() if len(known) else math.nan,
                     "conversion": value, "low": low, "high": high, "drop": 100 - value, "unknown": unknown})
    table = pd.DataFrame(rows).set_index("stage")
    for column in ("reached", "counted", "moved_on"):
        table[column] = table[column].round().astype("Int64")
    table["biggest_drop"] = (table.index == table["drop"].idxmax()) if table["drop"].notna().any() else False
    return table[["name", "reached", "counted", "moved_on", "conversion", "low", "high", "drop", "biggest_drop",
                  "unknown"]]


def _poisson_rate(events: float, exposure: float, level: float, per: int = 1000) -> tuple[float, float, float]:
    """A rate per ``per`` with its exact (Garwood) Poisson interval; NaN when either count is unknown or exposure 0."""
    if pd.isna(events) or pd.isna(exposure) or exposure == 0:
        return math.nan, math.nan, math.nan
    events = int(events)
    alpha = 1 - level
    low = stats.chi2.ppf(alpha / 2, 2 * events) / 2 if events else 0.0
    high = stats.chi2.ppf(1 - alpha / 2, 2 * events + 2) / 2
    return per * events / exposure, per * low / exposure, per * high / exposure


def touchpoints(journey: pd.DataFrame, *, level: float = 0.95, language: str = "en") -> pd.DataFrame:
    """Every touchpoint measured, each share with its Wilson interval.

    A share whose count or base is blank is unknown (NaN), as is one whose base
    is 0 (nothing to count); ``unknown`` names the row's blank inputs, so the two
    can be told apart (see :func:`as_text`).

    Returns
    -------
    DataFrame
        One row per touchpoint, in journey order (stage order, then the file's
        order within a stage): ``satisfied`` (%), ``high_effort`` (%),
        ``moved_on`` (%), ``complaints`` per 1,000 customers (exact Poisson
        interval), ``gap`` (perception − expectation on 1–5), ``promises_kept``
        (%), ``announced`` (% of delays announced before the customer asked),
        each share with ``*_low`` and ``*_high``; ``rated`` and ``reached`` give
        the n; ``unknown`` lists the blank inputs (e.g. ``"rated, fix_effort"``).
    """
    rows = []
    for _, row in _ordered(_numbers(journey)).iterrows():
        record = {"stage": row["stage"], "touchpoint": row["touchpoint"],
                  "name": touchpoint_name(row["touchpoint"], language), "channel": row["channel"],
                  "reached": row["reached"], "rated": row["rated"]}
        for column, successes, n in (("satisfied", row["satisfied"], row["rated"]),
                                     ("high_effort", row["high_effort"], row["rated"]),
                                     ("moved_on", row["moved_on"], row["reached"]),
                                     ("promises_kept", row["promises_kept"], row["promises_made"]),
                                     ("announced", row["delays_announced"], row["delays"])):
            record[column], record[f"{column}_low"], record[f"{column}_high"] = _share_columns(successes, n, level)
        record["complaints"], record["complaints_low"], record["complaints_high"] = \
            _poisson_rate(row["complaints"], row["reached"], level)
        record["expectation"], record["perception"] = row["expectation"], row["perception"]
        record["gap"] = row["perception"] - row["expectation"]
        record["delays"], record["promises_made"] = row["delays"], row["promises_made"]
        record["fix_effort"] = row["fix_effort"]
        record["unknown"] = _blank(row)
        rows.append(record)
    table = pd.DataFrame(rows, columns=_TOUCHPOINT_COLUMNS)
    for column in _COUNTS:
        table[column] = table[column].astype("float64").round().astype("Int64")
    return table


_TOUCHPOINT_COLUMNS = (
    ["stage", "touchpoint", "name", "channel", "reached", "rated"]
    + [f"{c}{s}" for c in ("satisfied", "high_effort", "moved_on", "promises_kept", "announced")
       for s in ("", "_low", "_high")]
    + ["complaints", "complaints_low", "complaints_high", "expectation", "perception", "gap", "delays",
       "promises_made", "fix_effort", "unknown"])


def _nps_answers(survey: pd.DataFrame, language: str) -> tuple[pd.DataFrame, str]:
    """The survey's NPS answers that name a touchpoint, or why there are none (a sentence)."""
    if survey.empty or ("question" in survey and "touchpoint" not in survey):  # counts carry no touchpoints
        return survey.iloc[0:0], word("counts_only", language)
    if "touchpoint" not in survey:
        return survey.iloc[0:0], word("no_touchpoint_column", language)
    if "nps" not in survey or survey["nps"].isna().all():
        return survey.iloc[0:0], word("no_nps", language)
    named = survey[(survey["touchpoint"].fillna("") != "") & survey["nps"].notna()]
    if named.empty:
        return named, word("none_named", language)
    return named, ""


def survey_links(survey: pd.DataFrame, *, level: float = 0.95, language: str = "en") -> pd.DataFrame:
    """The survey's answers that name a stage or touchpoint: how many, their NPS, the detractor share.

    When nothing can be linked (counts only, no touchpoint column, no NPS
    answers, or no answer naming a touchpoint) the table is empty and
    ``attrs["why"]`` says why in one sentence; :func:`priorities` then treats the
    detractor share as unknown rather than zero.

    Returns
    -------
    DataFrame
        One row per (stage, touchpoint) named in the survey: ``answers``,
        ``detractors`` with ``detractor_share`` and its interval (%), ``nps``,
        the most frequent ``reason`` (ties: the first code alphabetically) and
        one example ``comment`` (contact details masked).
    """
    columns = ["stage", "touchpoint", "answers", "detractors", "detractor_share", "detractor_low", "detractor_high",
               "nps", "reason", "comment"]
    named, why = _nps_answers(survey, language)
    if why:
        table = pd.DataFrame(columns=columns)
        table.attrs["why"] = why
        return table
    labels = {r["code"]: catalog.label(r, language, "label") for r in catalog.reason_codes()}
    rows = []
    for (stage, touchpoint), part in named.groupby(["stage", "touchpoint"], sort=False):
        detractors = int((part["nps"] <= 6).sum())
        value, low, high = _share_columns(detractors, len(part), level)
        comments = part.loc[part["comment"].fillna("") != "", "comment"] if "comment" in part else pd.Series()
        reasons = part["reason_code"].fillna("").value_counts() if "reason_code" in part else pd.Series()
        top_reason = min(reasons.index, key=lambda code: (-reasons[code], code == "", code)) if len(reasons) else ""
        rows.append({"stage": stage, "touchpoint": touchpoint, "answers": len(part), "detractors": detractors,
                     "detractor_share": value, "detractor_low": low, "detractor_high": high,
                     "nps": nps(part["nps"]).value, "reason": labels.get(top_reason, top_reason),
                     "comment": mask_pii(comments.iloc[0]) if len(comments) else ""})
    table = _ordered(pd.DataFrame(rows, columns=columns)).reset_index(drop=True)
    table.attrs["why"] = ""
    return table


# --------------------------------------------------------------------------- the priority score

#: How each priority component (0..1) is computed from :func:`priorities`' table;
#: which components make up which part, and the weights, come from the catalogue.
COMPONENTS: dict[str, Callable[[pd.DataFrame, dict], pd.Series]] = {
    "effort": lambda t, spec: t["high_effort"] / 100,
    "gap": lambda t, spec: (-t["gap"] / spec["gap_range"]).clip(lower=0, upper=1),
    "not_moved_on": lambda t, spec: 1 - t["moved_on"] / 100,
    "detractors": lambda t, spec: t["detractor_share"] / 100,
    "drivers": lambda t, spec: t["driver_share"] / t["driver_share"].max(),
}


def _component(key: str, swap: dict[str, str], numbers: pd.DataFrame, spec: dict) -> pd.Series:
    """A priority component on 0–1; a swapped-in one (the key drivers) falls back to the one it replaces."""
    if key not in swap:
        return COMPONENTS[key](numbers, spec)
    replacement = COMPONENTS[swap[key]](numbers, spec)
    return replacement.where(replacement.notna(), COMPONENTS[key](numbers, spec))


def priority_spec() -> dict:
    """The priority formula as ``cxlib/catalog/journey.toml`` [priority] writes it: scale, parts, weights."""
    return catalog.load("journey")["priority"]


def priority_formula() -> str:
    """The priority formula in one line, built from the catalogue (what :func:`priorities` computes)."""
    spec = priority_spec()
    parts = spec["parts"]
    total = sum(p["weight"] for p in parts)
    if all(p["weight"] == parts[0]["weight"] for p in parts):
        mix = f"({' + '.join(p['key'] for p in parts)}) / {len(parts)}"
    else:
        weighted = " + ".join(f"{p['weight']} × {p['key']}" for p in parts)
        mix = f"({weighted}) / {total}"
    lines = [f"priority = {spec['scale']} × frequency × {mix}"]
    lines += [f"{p['key']} = mean of the known components: {', '.join(p['components'])}" for p in parts]
    return "; ".join(lines)


def priorities(measured: pd.DataFrame, links: pd.DataFrame | None = None, *,
               drivers: pd.DataFrame | None = None, language: str = "en") -> pd.DataFrame:
    """Rank the pain points by the score of ``cxlib/catalog/journey.toml`` [priority].

    With the catalogue's weights (1 and 1) the score is
    priority = 100 × frequency × (severity + impact) / 2, where

    - frequency: customers left unsatisfied at the touchpoint (reached × share
      not satisfied, rounded), relative to the touchpoint with the most;
    - severity: the mean of the high-effort share and the expectation gap
      scaled to 0–1 (a perception 4 points below expectation is 1);
    - impact: the mean of the share not moving on and the detractor share among
      survey answers naming the touchpoint (0 when the survey names touchpoints
      but not this one; unknown when it names none, or ``links`` is None).

    Unknown inputs are left out, never read as 0: a part is the mean of its
    known components and the score the weighted mean of its known parts;
    ``components`` says how many of the four were used and ``unknown`` which
    inputs were blank. Without frequency or without any component the priority
    is unknown: no rank, listed after the ranked touchpoints.

    With ``drivers`` whose attributes are placed at the journey's touchpoints,
    impact reads the key drivers instead of the detractors: the component
    ``drivers`` (the touchpoint's share of the outcome's explained variance,
    relative to the touchpoint with the largest) replaces ``detractors`` where
    an attribute rates the touchpoint; at a touchpoint no attribute rates, the
    detractors naming it stand in (a touchpoint the survey neither rates nor
    names for detractors is not made important by the gap: it keeps its known
    detractor share, often 0), and only when both are unknown is the component
    unknown (``unknown`` says "drivers"). ``attrs["basis"]`` is ``"drivers"`` or
    ``"detractors"`` and ``attrs["basis_note"]`` says which in one sentence.

    Equal priorities share a rank (method "min"); the order within a tie, and
    of the unranked, is stage order, then touchpoint name, then channel, so it
    never depends on the order of the file.

    Parameters
    ----------
    measured : DataFrame
        Output of :func:`touchpoints`.
    links : DataFrame, optional
        Output of :func:`survey_links`, for the detractor share per touchpoint.
    drivers : DataFrame, optional
        Output of :func:`cxlib.drivers.key_drivers` (its ``touchpoint`` and ``share``).
    language : str
        The language of ``attrs["basis_note"]``.
    """
    spec = priority_spec()
    table = measured.copy()
    if "unknown" not in table:
        table["unknown"] = ""
    blank = [set(filter(None, text.split(", "))) for text in table["unknown"].fillna("")]
    linked = links is not None and len(links) > 0 and not links.attrs.get("why")
    if linked:
        shares = links.set_index(["stage", "touchpoint"])["detractor_share"] / 100
        keys = list(zip(table["stage"], table["touchpoint"]))
        table["detractor_share"] = [100 * float(shares.get(key, 0.0)) for key in keys]
    else:
        table["detractor_share"] = math.nan
        blank = [b | {"detractors"} for b in blank]
    shares, basis = _driver_basis(table, drivers)
    table["driver_share"] = shares
    if basis == "drivers":  # unknown only where neither a rating nor the detractors naming it can stand
        blank = [b | {"drivers"} if pd.isna(v) and "detractors" in b else b for b, v in zip(blank, shares)]
    table["unknown"] = [", ".join(c for c in UNKNOWN_NAMES if c in b) for b in blank]

    numbers = table.copy()
    for column in ("reached", "satisfied", "high_effort", "gap", "moved_on", "detractor_share", "driver_share"):
        numbers[column] = pd.to_numeric(numbers[column], errors="coerce").astype("float64")
    affected = (numbers["reached"] * (1 - numbers["satisfied"] / 100)).round()
    most = affected.max()
    frequency = affected / most if most > 0 else affected * 0.0
    table["affected"] = affected.astype("Int64")
    table["frequency"] = frequency

    used = pd.Series(0, index=table.index)
    weighted, weights = pd.Series(0.0, index=table.index), pd.Series(0.0, index=table.index)
    swap = {spec["replaces"]: spec["driver_component"]} if basis == "drivers" else {}
    for part in spec["parts"]:
        components = pd.DataFrame({swap.get(key, key): _component(key, swap, numbers, spec)
                                   for key in part["components"]})
        table[part["key"]] = components.mean(axis=1, skipna=True)
        used += components.notna().sum(axis=1)
        known = table[part["key"]].notna()
        weighted[known] += part["weight"] * table.loc[known, part["key"]]
        weights[known] += part["weight"]
    table["components"] = used.astype(int)
    table["priority"] = (spec["scale"] * frequency * weighted / weights).where(weights > 0)

    key = table["priority"].round(9)
    table["rank"] = key.rank(ascending=False, method="min").astype("Int64")
    table = (table.assign(_key=key, _order=_stage_order(table["stage"]))
             .sort_values(["_key", "_order", "touchpoint", "channel"], ascending=[False, True, True, True],
                          na_position="last", kind="stable")
             .drop(columns=["_key", "_order"]).reset_index(drop=True))
    table.attrs["unranked"] = table.loc[table["rank"].isna(), "touchpoint"].tolist()
    table.attrs["why"] = "" if linked or basis == "drivers" else \
        (links.attrs.get("why", "") if links is not None else "")
    table.attrs.update(basis=basis, basis_note=_basis_note(basis, drivers, "priority", language))
    return table


def _driver_basis(table: pd.DataFrame, drivers: pd.DataFrame | None) -> tuple[pd.Series, str]:
    """Each row's key-driver share (% of R², NaN where no attribute rates it) and the basis it makes.

    The basis is ``"drivers"`` when at least one of the table's touchpoints has a rated attribute, else
    ``"detractors"`` (and every share is NaN).
    """
    found = touchpoint_importance(drivers) if drivers is not None else pd.Series(dtype="float64")
    keys = table["touchpoint"].fillna("").astype(str).str.strip().str.lower()
    shares = keys.map(found).astype("float64")
    return shares, ("drivers" if shares.notna().any() else "detractors")


def _basis_note(basis: str, drivers: pd.DataFrame | None, use: str, language: str = "en") -> str:
    """The one sentence saying what importance (``use`` "importance") or impact (``use`` "priority") rests on."""
    if basis != "drivers":
        return word(f"{use}_detractors", language)
    from cxlib.drivers import OUTCOME_NAMES

    outcome = drivers.attrs.get("outcome", "")
    return word(f"{use}_drivers", language, outcome=OUTCOME_NAMES.get(outcome, outcome),
                n=Numbers(language).number(int(drivers.attrs.get("n", 0))))


def _quadrants(importance: pd.Series, satisfied: pd.Series, language: str) -> np.ndarray:
    """The four quadrants split at the medians over the touchpoints where both are known; else "unknown"."""
    both = importance.notna() & satisfied.notna()
    high_importance = importance >= importance[both].median()
    high_performance = satisfied >= satisfied[both].median()
    return np.select(
        [satisfied.isna() | importance.isna(), high_importance & ~high_performance,
         high_importance & high_performance, ~high_importance & ~high_performance],
        [word("unknown", language), "concentrate here", "keep up the good work", "low priority"],
        "possible overkill")


def importance_performance(measured: pd.DataFrame, survey: pd.DataFrame, language: str = "en", *,
                           drivers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Importance–performance: what each touchpoint weighs against its satisfied share.

    Importance, by default, is the NPS the company would gain if the detractors
    who name the touchpoint became passives: 100 × those detractors / all NPS
    answers. With ``drivers`` (:func:`cxlib.drivers.key_drivers`) whose
    attributes are placed at the journey's touchpoints, importance is instead
    the touchpoint's share of the outcome's explained variance (% of R², its
    attributes' shares summed), with the share's bootstrap interval
    (``importance_low``/``importance_high``, known when one attribute rates
    the touchpoint); a touchpoint no attribute rates has unknown importance,
    not 0, and the quadrant "unknown". ``attrs["basis"]`` is ``"drivers"`` or
    ``"detractors"`` and ``attrs["basis_note"]`` says which in one sentence.

    Performance is the touchpoint's satisfied share. The quadrants split at the
    medians of the known values: "concentrate here" (important, performing
    poorly), "keep up the good work", "low priority", "possible overkill" (the
    medians over the touchpoints where both are known); a touchpoint whose
    satisfied share or importance is unknown gets "unknown".

    When neither drivers nor the survey can give importance (counts only, no
    touchpoint column, no NPS answers, or none naming a touchpoint) importance
    is unknown (NaN), the quadrant is empty and ``attrs["why"]`` says why in one
    sentence.
    """
    table = measured[[c for c in ("stage", "touchpoint", "name", "satisfied", "unknown") if c in measured]].copy()
    named, why = _nps_answers(survey, language)
    table["named_in_survey"] = table["touchpoint"].isin(set(named["touchpoint"])) if not why else False
    shares, basis = _driver_basis(table, drivers)
    table.attrs.update(basis=basis, basis_note=_basis_note(basis, drivers, "importance", language), why="")
    if basis == "drivers":
        table["importance"] = shares
        single = drivers.assign(_key=drivers["touchpoint"].fillna("").astype(str).str.strip().str.lower())
        single = single[single["_key"] != ""].drop_duplicates("_key", keep=False).set_index("_key")
        keys = table["touchpoint"].fillna("").astype(str).str.strip().str.lower()
        table["importance_low"], table["importance_high"] = keys.map(single["share_low"]), \
            keys.map(single["share_high"])
    elif why:
        table = table.assign(importance=np.nan, quadrant="")
        table.attrs["why"] = why
        return table
    else:
        answered = survey[survey["nps"].notna()]
        at_stake = 100 * named.loc[named["nps"] <= 6, "touchpoint"].value_counts() / len(answered)
        table["importance"] = table["touchpoint"].map(at_stake).fillna(0.0)
    table["quadrant"] = _quadrants(table["importance"], pd.to_numeric(table["satisfied"], errors="coerce"),
                                   language)
    return table


# --------------------------------------------------------------------------- printing


def as_text(table: pd.DataFrame, columns: list[str], *, digits: int = 1, index: bool = False,
            language: str = "en") -> str:
    """A journey table as plain text, with words where a number is missing; never ``nan``.

    A missing value reads "unknown" when the row's ``unknown`` names one of the
    inputs the column is built from (:data:`DEPENDS`), and "n/a" when nothing
    was blank (a share with nothing to count, such as announced delays at a
    touchpoint without delays). The row's ``unknown`` column is added after
    ``columns`` (limited to the inputs of the printed columns) when any row has
    something to say; it is left out when everything printed was known. An
    input unknown on every row (e.g. a file without ``fix_effort``) is said once,
    in a line above the table, instead of on each row.
    """
    shown = table[columns].copy()
    if "unknown" in table:
        lists = [[entry for entry in text.split(", ") if entry] for text in table["unknown"].fillna("")]
        plain_names = all(entry in UNKNOWN_NAMES for entries in lists for entry in entries)
        if plain_names and "unknown" not in columns:
            relevant = set().union(*(DEPENDS.get(c.removesuffix("_low").removesuffix("_high"), set())
                                     for c in columns))
            lists = [[entry for entry in entries if entry in relevant] for entries in lists]
    else:
        lists, plain_names = [[] for _ in range(len(table))], True
    unknown_word, na_word = word("unknown", language), word("not_applicable", language)
    for column in columns:
        if column == "unknown" or not pd.api.types.is_numeric_dtype(shown[column]) \
                or pd.api.types.is_bool_dtype(shown[column]):
            continue
        values = shown[column]
        integral = pd.api.types.is_integer_dtype(values)
        if not values.isna().any():
            if not integral:
                shown[column] = values.astype("float64").round(digits)
            continue
        base = DEPENDS.get(column.removesuffix("_low").removesuffix("_high"), set())

        # this iteration's base, column and integral, bound now rather than read from the loop when called
        def cell(value: object, entries: list[str], base: set[str] = base, column: str = column,
                 integral: bool = integral) -> str:
            if pd.isna(value):
                said = bool(entries) if not plain_names else bool(base & set(entries)) or column in entries
                return unknown_word if said else na_word
            return f"{int(value)}" if integral else f"{float(value):.{digits}f}"

        shown[column] = pd.Series([cell(v, e) for v, e in zip(values, lists)], index=shown.index, dtype=object)
    everywhere: list[str] = []
    if plain_names and len(lists) > 1:
        everywhere = [entry for entry in lists[0] if all(entry in entries for entries in lists)]
        lists = [[entry for entry in entries if entry not in everywhere] for entries in lists]
    if "unknown" in columns or any(lists):
        shown["unknown"] = [", ".join(entries) for entries in lists]
    text = shown.to_string(index=index)
    if everywhere:
        text = word("unknown_everywhere", language, names=", ".join(everywhere)) + "\n" + text
    return text



# --------------------------------------------------------------------------- mystery shopping


def mystery_visits(checks: pd.DataFrame) -> pd.DataFrame:
    """Score each mystery-shopping visit and each touchpoint within it.

    A score is the weighted share of applicable items passed (N/A left out),
    0–100. A failed *critical* item fails the whole visit: its score becomes 0
    and ``knocked_out`` names the item.

    Returns
    -------
    DataFrame
        One row per visit and touchpoint, plus a row with touchpoint ``"(visit)"``
        for the whole visit: ``score``, ``raw_score`` (before the knock-out),
        ``applicable`` items, ``knocked_out``.
    """
    applicable = checks[checks["result"] != "na"].copy()
    applicable["passed"] = (applicable["result"] == "pass").astype(float)
    applicable["points"] = applicable["passed"] * applicable["weight"]
    rows = []
    for visit, visit_items in applicable.groupby("visit_id", sort=True):
        failed_critical = visit_items[visit_items["critical"].astype(bool) & (visit_items["result"] == "fail")]
        knocked = "; ".join(failed_critical["criterion"])
        for touchpoint, items in list(visit_items.groupby("touchpoint", sort=False)) + [("(visit)", visit_items)]:
            raw = 100 * items["points"].sum() / items["weight"].sum() if items["weight"].sum() else math.nan
            own_knock = knocked if touchpoint == "(visit)" else "; ".join(
                failed_critical.loc[failed_critical["touchpoint"] == touchpoint, "criterion"])
            rows.append({"visit_id": visit, "touchpoint": touchpoint, "raw_score": raw,
                         "score": 0.0 if own_knock else raw, "applicable": len(items), "knocked_out": own_knock})
    return pd.DataFrame(rows)


def mystery_scores(checks: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Mean mystery-shopping score per touchpoint and overall, with a t interval across visits.

    Returns
    -------
    DataFrame
        One row per touchpoint and a last row ``"(visit)"`` for whole visits:
        ``visits``, ``score`` with ``low``/``high``, ``knockouts`` (visits failed
        on a critical item).
    """
    visits = mystery_visits(checks)
    rows = []
    for touchpoint, part in visits.groupby("touchpoint", sort=False):
        scores = part["score"].to_numpy(dtype=float)
        n = len(scores)
        mean = float(scores.mean()) if n else math.nan
        half = float(stats.t.ppf(0.5 + level / 2, n - 1) * scores.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        rows.append({"touchpoint": touchpoint, "visits": n, "score": mean, "low": max(mean - half, 0),
                     "high": min(mean + half, 100), "knockouts": int((part["knocked_out"] != "").sum())})
    table = pd.DataFrame(rows)
    return pd.concat([table[table["touchpoint"] != "(visit)"], table[table["touchpoint"] == "(visit)"]],
                     ignore_index=True)


def mystery_criteria(checks: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Pass rate of every checklist item across visits (N/A left out), with its Wilson interval, worst first."""
    rows = []
    for (touchpoint, criterion), part in checks.groupby(["touchpoint", "criterion"], sort=False):
        applicable = part[part["result"] != "na"]
        passed = int((applicable["result"] == "pass").sum())
        value, low, high = _share_columns(passed, len(applicable), level)
        rows.append({"touchpoint": touchpoint, "criterion": criterion, "critical": bool(part["critical"].any()),
                     "visits": len(applicable), "not_applicable": len(part) - len(applicable),
                     "pass_rate": value, "low": low, "high": high})
    return pd.DataFrame(rows).sort_values("pass_rate", ignore_index=True)
