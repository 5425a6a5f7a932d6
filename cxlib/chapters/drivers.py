"""The report's key-driver chapter: which rated attributes of the service move NPS (or satisfaction), and how each does.

:func:`build` weighs the survey's attribute ratings against the outcome the
report leads with (:func:`cxlib.driver_claims.default_outcome`: NPS, else
CSAT, else CSI) with :func:`cxlib.drivers.key_drivers`, and says, in the
client's language:

* the key drivers, only those whose claim ("its share of R² exceeds an equal
  share") is significant in the report's one family of claims
  (``result.changes`` rows with source "drivers"); that none stands out when
  none is; or that the claims were not tested with the family, in which case
  no attribute is called a key driver;
* how much the ratings explain together (R² with its interval) and on how many
  answers;
* a chart (:func:`cxlib.plots.driver_chart`) and a table: each attribute's
  touchpoint, share with its interval, top-box share with its interval, the
  answers rating it, and whether it is a key driver.

Without ratings (or answers to weigh them against) the chapter is unavailable, in one sentence. Every word comes
from ``cxlib/catalog/chapters/drivers.toml``; numbers are written by :class:`cxlib.wording.Numbers`.

Examples
--------
>>> import cxlib
>>> from cxlib.chapters import drivers as chapter
>>> client = cxlib.load_client("data/demo")                                    # doctest: +SKIP
>>> chapter.build(client, cxlib.diagnosis.diagnose(client)).title              # doctest: +SKIP
'What drives NPS'
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from babel.lists import format_list

from cxlib import plots
from cxlib.chapters import Chapter, Column, Paragraph, Section, Table, figure
from cxlib.chapters.journey_words import touchpoint_words
from cxlib.driver_claims import SOURCE, default_outcome
from cxlib.drivers import OUTCOME_NAMES, DriverError, key_drivers
from cxlib.wording import Numbers, Words

KEY = "drivers"


def _level(result: Any) -> float:
    """The diagnosis' confidence level (95% when it computed no metric)."""
    metrics = getattr(result, "metrics", None)
    if metrics is not None and "level" in metrics and len(metrics):
        return float(metrics["level"].iloc[0])
    return 0.95


def family_claims(result: Any, outcome: str) -> pd.DataFrame | None:
    """The outcome's driver claims in the report's family, indexed by driver column; None when it holds none."""
    family = getattr(result, "changes", None)
    if family is None or not len(family) or "significant" not in family:
        return None
    mine = family[(family["source"] == SOURCE) & (family["metric"] == outcome)]
    if mine.empty:
        return None
    mine = mine.set_index("group")
    mine.attrs["tested"] = int(family.attrs.get("tested", pd.to_numeric(family["p"], errors="coerce").notna().sum()))
    return mine


def build(client: Any, result: Any) -> Chapter:
    """The key-driver chapter for this client: the drivers the family supports, the chart and the table.

    Parameters
    ----------
    client : Client
        From :func:`cxlib.load_client`.
    result : Diagnosis
        From :func:`cxlib.diagnosis.diagnose` (its ``changes`` and confidence level), or any object with a
        ``changes`` family (adjusted by :func:`cxlib.claims.adjust`); its ``drivers`` table
        (:func:`cxlib.drivers.key_drivers`), when it has one for the same outcome, is used as it is.
    """
    language = client.language
    words, numbers = Words(f"chapters/{KEY}", language), Numbers(language)
    outcome = default_outcome(client)
    name = OUTCOME_NAMES.get(outcome or "nps", outcome)
    if outcome is None:
        why = "no_outcome" if client.has_rows else "counts_only"
        return Chapter(KEY, words("title", outcome=name),
                       unavailable=Words("drivers", language)(why, outcome="NPS, CSAT, CSI" if client.has_rows
                                                              else name))
    table = getattr(result, "drivers", None)  # the diagnosis' own table, when it keeps one: no second bootstrap
    if not isinstance(table, pd.DataFrame) or table.empty or table.attrs.get("outcome") != outcome:
        try:
            table = key_drivers(client, outcome, level=_level(result))
        except DriverError as error:
            return Chapter(KEY, words("title", outcome=name), unavailable=str(error))
    claims = family_claims(result, outcome)
    stated = [] if claims is None else [d for d in table["driver"] if d in claims.index
                                        and bool(claims.loc[d, "significant"])]
    blocks: list[Any] = [_figure(table, stated, name, words, language),
                         Paragraph(verdict(table, claims, stated, name, words, numbers)),
                         Paragraph(_explained(table, name, words, numbers)),
                         _table(table, claims, stated, name, words, numbers, client)]
    if table.attrs.get("note"):
        blocks.append(Paragraph(table.attrs["note"], small=True))
    return Chapter(KEY, words("title", outcome=name), lead=words("lead", k=numbers.number(len(table)), outcome=name),
                   sections=[Section(words("heading", outcome=name), blocks)])


def _figure(table: pd.DataFrame, stated: list[str], name: str, words: Words, language: str) -> Any:
    fig, ax = plt.subplots(figsize=(7.5, 1.8 + 0.45 * len(table)))
    plots.driver_chart(table, key=stated, language=language, ax=ax)
    return figure(fig, alt=words("alt", outcome=name), caption=words("chart_caption", outcome=name))


def _share(row: pd.Series, numbers: Numbers, prefix: str = "") -> str:
    """``47 (43–51)``: an estimate in percent with its interval (nothing after it when the interval is unknown)."""
    interval = numbers.interval(row[f"{prefix}_low"], row[f"{prefix}_high"])
    return f"{numbers.number(row[prefix])} {interval}".strip()


def verdict(table: pd.DataFrame, claims: pd.DataFrame | None, stated: list[str], outcome: str, words: Words,
            numbers: Numbers) -> str:
    """The one sentence the family supports: the key drivers, that none stands out, or that it was not tested."""
    equal = numbers.percent(100 / len(table))
    if claims is None:
        return words("untested")
    tested = numbers.number(claims.attrs["tested"])
    if not stated:
        return words("key_none", tested=tested, equal=equal, outcome=outcome)
    rows = table.set_index("driver").loc[stated]
    quoted = [words("quoted_name", name=n) for n in rows["name"]]
    shares = [f"{numbers.percent(r['share'])} {numbers.interval(r['share_low'], r['share_high'])}".strip()
              for _, r in rows.iterrows()]
    tops = [f"{numbers.percent(r['top_box'])} {numbers.interval(r['top_box_low'], r['top_box_high'])}".strip()
            for _, r in rows.iterrows()]
    key = "key_one" if len(stated) == 1 else "key_other"

    def join(items: list[str]) -> str:
        return format_list(items, locale=numbers.language)

    names = rows["name"].iloc[0] if len(stated) == 1 else join(quoted)  # one name: the sentence quotes it itself
    return words(key, names=names, outcome=outcome, shares=join(shares), equal=equal, tested=tested,
                 top_boxes=join(tops))


def _explained(table: pd.DataFrame, outcome: str, words: Words, numbers: Numbers) -> str:
    attrs = table.attrs
    left_out = words("left_out", n=numbers.number(attrs["left_out"]), outcome=outcome) if attrs["left_out"] else ""
    return words("explained", r2=numbers.percent(100 * attrs["r2"]), outcome=outcome, n=numbers.number(attrs["n"]),
                 interval=numbers.interval(100 * attrs["r2_low"], 100 * attrs["r2_high"]), left_out=left_out)


def _table(table: pd.DataFrame, claims: pd.DataFrame | None, stated: list[str], outcome: str, words: Words,
           numbers: Numbers, client: Any) -> Table:
    """One row per attribute, largest share first (six columns)."""
    columns = [Column(words("col_attribute")), Column(words("col_touchpoint")),
               Column(words("col_share", outcome=outcome), numeric=True), Column(words("col_top_box"), numeric=True),
               Column(words("col_rated"), numeric=True), Column(words("col_key"))]
    rows = []
    for _, row in table.iterrows():
        place = touchpoint_words(client, row["touchpoint"]) if row["touchpoint"] else words("no_touchpoint")
        place = place[:1].upper() + place[1:]
        key = words("key_untested") if claims is None else words("key_yes" if row["driver"] in stated else "key_no")
        rows.append([str(row["name"]), place,
                     _share(row, numbers, "share"), _share(row, numbers, "top_box"), numbers.number(row["rated"]),
                     key])
    ratings = client.ratings.set_index("column")
    top = _top_words(ratings, numbers)
    caption = words("caption", level=numbers.percent(100 * table.attrs["level"]),
                    equal=numbers.percent(100 / len(table)), replicates=numbers.number(table.attrs["replicates"]),
                    top=top)
    return Table(columns, rows, caption=caption, empty=words("empty"))


def _top_words(ratings: pd.DataFrame, numbers: Numbers) -> str:
    """The top boxes as ranges of the scale (``4–5``); several when attributes use different scales."""
    ranges = {f"{int(r['max']) - int(r['top_box']) + 1}–{int(r['max'])}" for _, r in ratings.iterrows()}
    return format_list(sorted(ranges), locale=numbers.language)
