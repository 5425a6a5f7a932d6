"""The support-contacts section of the report's journey chapter, built from ``contacts.csv`` and the diagnosis.

For an executive, one paragraph: how many contacts over which months, the share resolved at the first
contact, the median and 90th-percentile resolution time (each with its interval and n), the share followed
by another contact within the repeat window, and the NPS of customers by contact history against customers
without contacts, stated as a difference only where the report's family of claims (``result.changes``,
source ``"contacts"``) calls it significant. Then the NPS by contact history as a table, the topics whose
contacts took the most hours to resolve, and what the contacts cannot support, in one sentence. The
computations are :mod:`cxlib.contacts`'s; the words are ``cxlib/catalog/chapters/contacts.toml``'s.

Examples
--------
>>> import cxlib
>>> from cxlib.diagnosis import diagnose
>>> client = cxlib.load_client("data/demo")                             # doctest: +SKIP
>>> section(client, diagnose(client)).heading                          # doctest: +SKIP
'Support contacts'
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from babel.lists import format_list

from cxlib import catalog
from cxlib import contacts as measure
from cxlib.chapters import Column, Paragraph, Section, Table
from cxlib.metrics import nps
from cxlib.wording import Numbers, Words

KEY = "contacts"
LEVEL = 0.95  # the diagnosis's confidence level (its default; Diagnosis does not carry it)


def section(client: Any, result: Any) -> Section | None:
    """The support-contacts section, or None when the client supplied no contacts export.

    Parameters
    ----------
    client : Client
        From :func:`cxlib.load_client`.
    result : Diagnosis
        From :func:`cxlib.diagnosis.diagnose` on that client (its ``changes`` judge the NPS differences).

    Examples
    --------
    >>> part = section(client, result)                                  # doctest: +SKIP
    >>> [block.kind for block in part.blocks]                           # doctest: +SKIP
    ['paragraph', 'table', 'paragraph', 'table', 'paragraph']
    """
    contacts = getattr(client, "contacts", None)
    if contacts is None or not len(contacts):
        return None
    words, numbers = Words(f"chapters/{KEY}", client.language), Numbers(client.language)
    survey = client.survey if client.has_rows else None
    gaps = measure.gaps(contacts, survey, client.language)
    claims = _claims(result.changes)
    blocks: list[Any] = [Paragraph(_lead(client, contacts, gaps, claims, words, numbers))]
    histories = _history_table(client, contacts, survey, claims, words, numbers)
    if histories is not None:
        blocks.append(histories)
    elif survey is not None and "history_claims" not in gaps:
        gaps = {**gaps, "histories": words("no_histories")}  # e.g. contacts that name no customer
    if "resolution_time" not in gaps:
        topics = _topic_table(client, contacts, survey, words, numbers)
        if topics is not None:
            blocks += [Paragraph(words("topics_intro")), topics]
    said = list(dict.fromkeys(gaps.values()))  # one sentence may stand for two measures
    blocks.append(Paragraph(" ".join(said) if said else words("limit"), small=True))
    return Section(words("heading"), blocks)


def _claims(changes: pd.DataFrame) -> pd.DataFrame:
    """The family's NPS-by-history claims, indexed by history."""
    if not len(changes):
        return pd.DataFrame(columns=["diff", "low", "high", "p", "p_adjusted", "significant"])
    rows = changes[(changes["source"] == measure.SOURCE) & (changes["metric"] == "nps")]
    return rows.set_index("to")


def _hours(value: float, words: Words, numbers: Numbers) -> str:
    """Hours for a reader: one decimal below ten hours, whole hours above."""
    return words("hours", value=numbers.number(value, 1 if value < 10 else 0))


def _hours_interval(low: float, high: float, numbers: Numbers) -> str:
    decimals = 1 if pd.notna(high) and high < 10 else 0
    return numbers.interval(low, high, decimals)


def _lead(client: Any, contacts: pd.DataFrame, gaps: dict[str, str], claims: pd.DataFrame, words: Words,
          numbers: Numbers) -> str:
    """The executive's paragraph: volume, first-contact resolution, resolution time, repeats, NPS by history."""
    months = contacts["opened_at"].dropna().dt.to_period("M").astype(str)
    sentences = [words.plural("lead_volume", len(contacts), contacts=numbers.number(len(contacts)),
                              first=numbers.period(months.min()), last=numbers.period(months.max()))]
    if "first_contact_resolution" not in gaps:
        fcr = measure.first_contact_resolution(contacts, level=LEVEL).iloc[0]
        sentences.append(words("lead_fcr", value=numbers.percent(fcr["value"]),
                               interval=numbers.interval(fcr["low"], fcr["high"]), n=numbers.number(fcr["n"])))
    if "resolution_time" not in gaps:
        time = measure.resolution_time(contacts, level=LEVEL).set_index("quantile")
        median, p90 = time.loc[0.5], time.loc[0.9]
        sentences.append(words("lead_time", median=_hours(median["value"], words, numbers),
                               median_interval=_hours_interval(median["low"], median["high"], numbers),
                               p90=_hours(p90["value"], words, numbers),
                               p90_interval=_hours_interval(p90["low"], p90["high"], numbers),
                               n=numbers.number(median["n"]), open=numbers.number(median["open"])))
    if "repeat_contacts" not in gaps:
        repeat = measure.repeat_contacts(contacts, level=LEVEL).iloc[0]
        sentences.append(words("lead_repeat", value=numbers.percent(repeat["value"]),
                               interval=numbers.interval(repeat["low"], repeat["high"]),
                               days=numbers.number(measure.thresholds()["repeat_window_days"]),
                               n=numbers.number(repeat["n"])))
    if len(claims) and "history_claims" not in gaps:
        sentences += [words("lead_nps", parts="; ".join(_nps_parts(claims, client.language, words, numbers))),
                      words("lead_nps_tested")]
    return re.sub(r" +([;.,)])", r"\1", re.sub(" {2,}", " ", " ".join(sentences)))  # an unknown limit leaves a gap


def _nps_parts(claims: pd.DataFrame, language: str, words: Words, numbers: Numbers) -> list[str]:
    """Each history's NPS against no contacts: a difference only where the family says significant."""
    quoted = {h: words("quoted", name=measure.history_name(h, language)) for h in claims.index}
    parts, quiet, untested = [], [], []
    for history, claim in claims.iterrows():
        if pd.isna(claim["p"]):
            untested.append(quoted[history])
        elif bool(claim["significant"]):
            lower = claim["diff"] < 0
            low, high = (-claim["high"], -claim["low"]) if lower else (claim["low"], claim["high"])
            parts.append(words("part_lower" if lower else "part_higher", history=quoted[history],
                               diff=numbers.number(abs(claim["diff"])), interval=numbers.interval(low, high)))
        else:
            quiet.append(quoted[history])
    if quiet:
        parts.append(words("part_none", histories=format_list(quiet, locale=language)))
    if untested:
        parts.append(words("part_untested", histories=format_list(untested, locale=language)))
    return parts


def _history_table(client: Any, contacts: pd.DataFrame, survey: pd.DataFrame | None, claims: pd.DataFrame,
                   words: Words, numbers: Numbers) -> Table | None:
    """NPS of each contact history (each customer once, by the latest answer), its interval and its verdict."""
    if survey is None or "nps" not in survey or "customer_id" not in survey:
        return None
    scores = measure.latest_scores(survey, "nps")
    history = measure.histories(contacts).set_index("customer_id")["history"]
    of = history.reindex(scores.index).fillna("none")
    minimum = measure.thresholds()["min_answers"]
    rows = []
    for name in measure.HISTORIES:
        mine = scores[of == name]
        if not len(mine):
            continue
        estimate = nps(mine.to_numpy(), level=LEVEL)
        difference, verdict = "–", words("verdict_base")
        if name != "none":
            difference, verdict = _verdict(claims.loc[name] if name in claims.index else None, minimum, words,
                                           numbers)
        rows.append([measure.history_name(name, client.language), numbers.number(estimate.n),
                     numbers.number(estimate.value), numbers.interval(estimate.low, estimate.high), difference,
                     verdict])
    if len(rows) < 2:  # the comparison group alone compares nothing
        return None
    columns = [Column(words("column_history")), Column(words("column_answers"), numeric=True),
               Column(words("column_nps"), numeric=True), Column(words("column_nps_interval"), numeric=True),
               Column(words("column_difference"), numeric=True), Column(words("column_verdict"))]
    return Table(columns, rows, caption=words("histories_caption"))


def _verdict(claim: pd.Series | None, minimum: int, words: Words, numbers: Numbers) -> tuple[str, str]:
    """A history's difference from no contacts with its interval, and the family's verdict on it."""
    if claim is None or pd.isna(claim["p"]):
        return "–", words("verdict_untested", min=numbers.number(minimum))
    sign = "+" if round(float(claim["diff"])) > 0 else ""
    difference = f"{sign}{numbers.number(claim['diff'])} {numbers.interval(claim['low'], claim['high'])}"
    key = "verdict_significant" if bool(claim["significant"]) else "verdict_none"
    return difference, words(key, p=adjusted_p(claim["p_adjusted"], words, numbers))


def adjusted_p(p: float, words: Words, numbers: Numbers) -> str:
    """"adjusted p = 0.054", or "adjusted p < 0.001" (:class:`cxlib.wording.Words` drops the "=" before "<").

    Examples
    --------
    >>> adjusted_p(1e-6, Words("chapters/contacts", "en"), Numbers("en"))
    'adjusted p <\xa00.001'
    """
    return words("p_is", p=numbers.p_value(p))


def _topic_table(client: Any, contacts: pd.DataFrame, survey: pd.DataFrame | None, words: Words,
                 numbers: Numbers) -> Table | None:
    """The topics whose contacts took the most hours to resolve, with the detractors among their customers."""
    linked = survey if survey is not None and "customer_id" in survey and "nps" in survey else \
        pd.DataFrame({"customer_id": pd.Series(dtype="str"), "nps": pd.Series(dtype=float)})
    ranking = measure.topic_ranking(contacts, linked, client.config, client.language, level=LEVEL)
    ranking = ranking[ranking["hours"].notna()]
    total = float(((contacts["closed_at"] - contacts["opened_at"]).dt.total_seconds() / 3600).sum())
    top = int(catalog.load(f"chapters/{KEY}")["settings"]["top_topics"])
    rows = []
    for _, row in ranking.head(top).iterrows():
        name = client.label(row["topic"]) if row["name"] == row["topic"] else str(row["name"])
        name = name[:1].upper() + name[1:]  # an export's own topic code reads as a label
        detractors = "–" if not row["answers"] else words(
            "detractors_cell", share=f"{numbers.percent(row['value'])} {numbers.interval(row['low'], row['high'])}",
            n=numbers.number(row["answers"]))
        share = numbers.percent(100 * row["hours"] / total) if total > 0 else "–"
        # four columns, a number and its share or its base in one cell, so the topic keeps room on A4
        rows.append([name, numbers.number(row["contacts"]),
                     words("hours_cell", hours=numbers.number(row["hours"]), share=share), detractors])
    if not rows:
        return None
    keys = ["column_contacts", "column_hours", "column_detractors"]
    caption = words("topics_caption")
    if not ranking.head(top)["answers"].any():  # no survey answer names these customers: nothing to show there
        keys, rows, caption = keys[:2], [row[:3] for row in rows], words("topics_caption_hours")
    columns = [Column(words("column_topic")), *[Column(words(key), numeric=True) for key in keys]]
    return Table(columns, rows, caption=caption)
