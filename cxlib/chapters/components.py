"""The four-components section of the report's scorecard chapter, built from ``result.components``.

Placed beside the delivery gap (what managers believe against what customers say), it shows the other
gap inside the company: per component, the mean score of managers and of staff with their 95% intervals
and n, and the manager–staff gap with its interval, called significant only where the report's family of
claims (``result.changes``, source ``"components"``) says so. The verdict names the weakest component, or
says in one sentence why the answers cannot name one (:class:`cxlib.components.ComponentsResult`). The
computations are :mod:`cxlib.components`'s; the words are ``cxlib/catalog/chapters/components.toml``'s.

Examples
--------
>>> import cxlib
>>> from cxlib.diagnosis import diagnose
>>> client = cxlib.load_client("data/demo")                             # doctest: +SKIP
>>> section(client, diagnose(client)).blocks[1].text                   # doctest: +SKIP
'The weakest component is “Written customer policy”: 2.83 of 5 (2.20–3.46) across 20 respondents, ...'
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from babel.lists import format_list

from cxlib import components as service
from cxlib.chapters import Column, Figure, Paragraph, Section, Table, figure
from cxlib.chapters.contacts import adjusted_p
from cxlib.wording import Numbers, Words

KEY = "components"
DECIMALS = 2  # scores on the 1–5 answer scale


def section(client: Any, result: Any) -> Section | None:
    """The four-components section, or None when the client supplied no ``components.csv``.

    Parameters
    ----------
    client : Client
        From :func:`cxlib.load_client`.
    result : Diagnosis
        From :func:`cxlib.diagnosis.diagnose` on that client: ``result.components`` and the family's verdicts
        on the manager–staff gaps (``result.changes``).

    Examples
    --------
    >>> part = section(client, result)                                  # doctest: +SKIP
    >>> [block.kind for block in part.blocks]                           # doctest: +SKIP
    ['paragraph', 'paragraph', 'paragraph', 'table', 'figure']
    """
    found = getattr(result, "components", None)
    if found is None:
        return None
    words, numbers = Words(f"chapters/{KEY}", client.language), Numbers(client.language)
    names = service.components(client.language)["name"].to_dict()
    claims = _claims(result.changes)
    blocks: list[Any] = [Paragraph(words("intro")), Paragraph(_verdict(found, names, words, numbers))]
    if len(claims):
        blocks.append(Paragraph(_gaps(claims, names, client.language, words)))
    table = _table(found, claims, names, words, numbers)
    if table is not None:
        blocks += [table, _chart(found, client.language)]
    notes = list(found.notes)
    if found.set_aside:
        notes.append(words("set_aside", count=numbers.number(len(found.set_aside))))
    if notes:
        blocks.append(Paragraph(" ".join(notes), small=True))
    return Section(words("heading"), blocks)


def _chart(found: Any, language: str) -> Figure:
    """Managers' and staff's scores per component as dots with their intervals."""
    from cxlib import catalog
    from cxlib.plots.components import (
        components_gap,  # matplotlib only when a chart is drawn
    )

    texts = catalog.load(f"chapters/{KEY}")["charts"]
    axes = components_gap(found.scores, language=language)
    return figure(axes.figure, alt=catalog.label(texts, language, "alt"),
                  caption=catalog.label(texts, language, "caption"))


def _claims(changes: pd.DataFrame) -> pd.DataFrame:
    """The family's manager–staff gap claims, indexed by component key."""
    if not len(changes):
        return pd.DataFrame(columns=["diff", "low", "high", "p", "p_adjusted", "significant"])
    return changes[changes["source"] == service.SOURCE].set_index("metric")


def _verdict(found: Any, names: dict[str, str], words: Words, numbers: Numbers) -> str:
    """The weakest component with its score, interval and n; or why none can be named."""
    if found.insufficient:
        return words("verdict_insufficient", reason=found.reason)
    row = found.table("all").loc[found.weakest]
    return words("verdict_weakest", name=names[found.weakest], score=numbers.number(row["score"], DECIMALS),
                 interval=numbers.interval(row["low"], row["high"], DECIMALS), n=numbers.number(row["n"]))


def _gaps(claims: pd.DataFrame, names: dict[str, str], language: str, words: Words) -> str:
    """Which gaps the family calls significant, by direction; or that none is."""
    significant = claims[claims["significant"].fillna(False).astype(bool)]
    sentences = []
    for key, mask in (("gaps_significant", significant["diff"] > 0),
                      ("gaps_significant_staff", significant["diff"] < 0)):
        picked = [words("quoted", name=names[k]) for k in significant.index[mask]]
        if picked:
            sentences.append(words(key, names=format_list(picked, locale=language)))
    return " ".join(sentences) or words("gaps_none")


def _score(scores: pd.DataFrame, key: str, numbers: Numbers) -> str:
    """``4.63 (4.03–5.00)``; "–" when nobody of the group scored the component."""
    if key not in scores.index or pd.isna(scores.loc[key, "score"]):
        return "–"
    row = scores.loc[key]
    return f"{numbers.number(row['score'], DECIMALS)} {numbers.interval(row['low'], row['high'], DECIMALS)}".strip()


def _table(found: Any, claims: pd.DataFrame, names: dict[str, str], words: Words, numbers: Numbers) -> Table | None:
    """One row per component: managers' and staff's scores with n, the gap and the family's verdict on it."""
    managers, staff = found.table("managers"), found.table("staff")
    rows = []
    for key, name in names.items():
        n_m = int(managers.loc[key, "n"]) if key in managers.index else 0
        n_s = int(staff.loc[key, "n"]) if key in staff.index else 0
        if not n_m and not n_s:
            continue  # nobody scored it: the notes say so
        gap, verdict = "–", words("gap_untested")
        if key in claims.index and pd.notna(claims.loc[key, "p"]):
            claim = claims.loc[key]
            sign = "+" if round(float(claim["diff"]), DECIMALS) > 0 else ""
            gap = f"{sign}{numbers.number(claim['diff'], DECIMALS)} " \
                  f"{numbers.interval(claim['low'], claim['high'], DECIMALS)}"
            verdict = words("gap_significant" if bool(claim["significant"]) else "gap_not_significant",
                            p=adjusted_p(claim["p_adjusted"], words, numbers))
        label = words("weakest_mark", name=name) if key == found.weakest else name
        # the n beside the score, not in a column of its own: five columns leave the names room on A4
        rows.append([label, words("score_cell", score=_score(managers, key, numbers), n=numbers.number(n_m)),
                     words("score_cell", score=_score(staff, key, numbers), n=numbers.number(n_s)), gap, verdict])
    if not rows:
        return None
    columns = [Column(words("column_component")), Column(words("column_managers"), numeric=True),
               Column(words("column_staff"), numeric=True), Column(words("column_gap"), numeric=True),
               Column(words("column_verdict"))]
    return Table(columns, rows, caption=words("table_caption"))
