"""Which touchpoints to fix first: the priority score of ``cxlib/catalog/journey.toml`` [priority], and
importance against performance.

Impact rests on the key drivers when their attributes are placed at the journey's touchpoints, else on the
detractors who name a touchpoint; ``attrs["basis_note"]`` says which in one sentence.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from cxlib import catalog
from cxlib.drivers import touchpoint_importance
from cxlib.journey_measure import UNKNOWN_NAMES, _nps_answers, _stage_order, word
from cxlib.scales import is_detractor
from cxlib.wording import Numbers

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
    table, linked, basis = _impact_inputs(measured, links, drivers)
    numbers = table.copy()
    for column in ("reached", "satisfied", "high_effort", "gap", "moved_on", "detractor_share", "driver_share"):
        numbers[column] = pd.to_numeric(numbers[column], errors="coerce").astype("float64")
    affected = (numbers["reached"] * (1 - numbers["satisfied"] / 100)).round()
    most = affected.max()
    frequency = affected / most if most > 0 else affected * 0.0
    table["affected"] = affected.astype("Int64")
    table["frequency"] = frequency
    _score(table, numbers, frequency, spec, basis)
    table = _ranked(table)
    table.attrs["why"] = "" if linked or basis == "drivers" else \
        (links.attrs.get("why", "") if links is not None else "")
    table.attrs.update(basis=basis, basis_note=_basis_note(basis, drivers, "priority", language))
    return table


def _impact_inputs(measured: pd.DataFrame, links: pd.DataFrame | None,
                   drivers: pd.DataFrame | None) -> tuple[pd.DataFrame, bool, str]:
    """The measured table with ``detractor_share``, ``driver_share`` and ``unknown`` naming every blank input.

    Also whether the survey linked answers to touchpoints, and the basis of impact (:func:`_driver_basis`).
    """
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
    return table, linked, basis


def _score(table: pd.DataFrame, numbers: pd.DataFrame, frequency: pd.Series, spec: dict, basis: str) -> None:
    """Add each part (the mean of its known components), ``components`` and ``priority`` to ``table``."""
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


def _ranked(table: pd.DataFrame) -> pd.DataFrame:
    """Ranked by priority (ties share a rank), in an order that never depends on the file's; the unranked last."""
    key = table["priority"].round(9)
    table["rank"] = key.rank(ascending=False, method="min").astype("Int64")
    table = (table.assign(_key=key, _order=_stage_order(table["stage"]))
             .sort_values(["_key", "_order", "touchpoint", "channel"], ascending=[False, True, True, True],
                          na_position="last", kind="stable")
             .drop(columns=["_key", "_order"]).reset_index(drop=True))
    table.attrs["unranked"] = table.loc[table["rank"].isna(), "touchpoint"].tolist()
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
        [word(key, language) for key in ("unknown", "concentrate_here", "keep_up", "low_priority")],
        word("possible_overkill", language))


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
        at_stake = 100 * named.loc[is_detractor(named["nps"]), "touchpoint"].value_counts() / len(answered)
        table["importance"] = table["touchpoint"].map(at_stake).fillna(0.0)
    table["quadrant"] = _quadrants(table["importance"], pd.to_numeric(table["satisfied"], errors="coerce"),
                                   language)
    return table

