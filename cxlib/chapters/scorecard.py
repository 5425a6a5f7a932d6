"""The report's balanced-scorecard chapter: every metric at its level, against its target, in the client's words.

Built from :class:`cxlib.scorecard.ScorecardResult` (``result.scorecard``, its
trends already judged within the diagnosis's family of claims) and from the
family itself (``result.changes``), as the analyst reads them in
``notebooks/02_scorecard.ipynb``. The lead says how many metrics are behind
their target and which level is weakest. Then: the four levels at a glance;
one table per level (value with its interval and n where it has one, target,
and status in words: on target, behind target, insufficient data); every
metric as a lagging (outcome) or leading (driver) indicator in Kaplan and
Norton's sense, those behind target named as such; changes over time, called
significant only where the family of claims says so, with each metric's
first and latest value; the delivery gap between managers' belief and
customers' verdict when the result has it; and the heatmap. Every word comes
from ``cxlib/catalog/chapters/scorecard.toml``; level and metric names from
the scorecard catalogue, in the client's language.

Examples
--------
>>> import cxlib
>>> from cxlib.chapters import scorecard as chapter
>>> client = cxlib.load_client("data/demo")                              # doctest: +SKIP
>>> chapter.build(client, cxlib.diagnosis.diagnose(client)).lead         # doctest: +SKIP
'9 of the 17 metrics that have a target are behind it; the weakest level is Learning & growth (2 of 3 behind).'
>>> Units(Words("chapters/scorecard", "ru"), Numbers("ru"), "RUB").value(5300, "RUB")
'5\\xa0300\\xa0₽'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
from babel.lists import format_list
from babel.numbers import get_currency_symbol

from cxlib import catalog
from cxlib import scorecard as card_analysis
from cxlib.chapters import Bullets, Chapter, Column, Paragraph, Section, Table, figure
from cxlib.chapters import components as components_section
from cxlib.phrases import lower_first
from cxlib.wording import Numbers, Words

KEY = "scorecard"
LEVEL = 0.95  # the diagnosis's confidence level (its default; Diagnosis does not carry it)
STATUS_KEYS = {"met": "status_met", "behind": "status_behind", "insufficient data": "status_insufficient",
               "no target": "status_no_target", "information": "status_information"}
UNIT_KEYS = {"%": "unit_percent", "min": "unit_min", "h": "unit_h", "days": "unit_days", "per 1,000": "unit_per_1000"}
CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class Units:
    """Values with their unit for one client: ``25.1%``, ``€215``, ``5 300 ₽``, ``4.2 h``, ``3.85``.

    ``currency`` is the client's (``client.toml`` ``currency``): the kit's derived money figures are in it.

    Examples
    --------
    >>> Units(Words("chapters/scorecard", "en"), Numbers("en"), "EUR").value(17.5, "EUR")
    '€17.50'
    """

    words: Words
    numbers: Numbers
    currency: str = ""

    def decimals(self, value: float, unit: str, sampled: bool = False) -> int:
        """Two decimals on an answer scale and for small money; none for points and sampled shares; else one."""
        if unit.startswith("mean"):
            return 2
        if unit == "points" or sampled and unit == "%" or pd.notna(value) and abs(value) >= 100:
            return 0
        return 2 if CURRENCY.fullmatch(unit) else 1

    def attach(self, number: str, unit: str, source: str = "") -> str:
        """A number already written for the locale, with its unit."""
        if unit in UNIT_KEYS:
            return self.words(UNIT_KEYS[unit], value=number)
        if CURRENCY.fullmatch(unit):
            code = self.currency if self.currency and str(source).startswith("derived") else unit
            return self.words("money", value=number, symbol=get_currency_symbol(code, locale=self.numbers.language))
        if unit == "points" or unit.startswith("mean") or not unit:
            return number
        return f"{number}\u00a0{unit}"  # the client's own unit, as the client wrote it

    def value(self, value: float, unit: str, sampled: bool = False, source: str = "") -> str:
        """``value`` rounded for its unit, with the unit; "–" when unknown."""
        if pd.isna(value):
            return "–"
        return self.attach(self.numbers.number(value, self.decimals(value, unit, sampled)), unit, source)


def build(client: Any, result: Any) -> Chapter:
    """The scorecard chapter for this client, or the one sentence saying why it cannot be written.

    Parameters
    ----------
    client : Client
        From :func:`cxlib.load_client`.
    result : Diagnosis
        From :func:`cxlib.diagnosis.diagnose` on that client.

    Examples
    --------
    >>> chapter = build(client, result)                                  # doctest: +SKIP
    >>> [section.heading for section in chapter.sections][:2]           # doctest: +SKIP
    ['The four levels', 'Financial level']
    """
    words = Words(f"chapters/{KEY}", client.language)
    card = result.scorecard
    if card is None or not len(card.latest):
        return Chapter(KEY, words("title"), unavailable=words("unavailable"))  # no file names for the reader
    numbers = Numbers(client.language)
    units = Units(words, numbers, str(client.config.get("currency") or ""))
    names = card_analysis.levels(client.language)
    sections = [_overview(client, card, names, words, numbers)]
    sections += [_level(client, card, key, row, units) for key, row in names.iterrows()]
    sections += [_indicators(client, card, words), _trends(client, card, result.changes, units)]
    gap = _gap(client, card, result.changes, words, numbers)
    if gap is not None:
        sections.append(gap)
    parts = components_section.section(client, result)  # the four components, beside the delivery gap
    if parts is not None:
        sections.append(parts)
    if len(card.table):
        from cxlib import plots  # matplotlib only when a chart is drawn

        axes = plots.scorecard_heatmap(card.table, language=client.language)
        sections.append(Section(words("heading_heatmap"), [figure(axes.figure, alt=words("heatmap_alt"),
                                                                    caption=words("heatmap_caption"))]))
    return Chapter(KEY, words("title"), lead=_lead(card, names, words, numbers), sections=sections)


# --------------------------------------------------------------------------- small helpers


def _name(client: Any, metric: str, row: pd.Series, words: Words, *, in_text: bool = False) -> str:
    """The metric's name from the catalogue, with its answer scale; a client's own metric in the client's words.

    ``in_text``: as it reads inside a sentence, without the scale and with a lower-case first letter.
    """
    name = str(row["name"])
    if name == metric:  # a client's own metric: its label from client.toml, or the code made readable
        name = client.label(metric)
        name = name[:1].upper() + name[1:]
    if in_text:
        return lower_first(name)
    scale = re.search(r"(\d+)\s*[–-]\s*(\d+)", str(row["unit"])) if str(row["unit"]).startswith("mean") else None
    return words("name_scale", name=name, scale=f"{scale.group(1)}–{scale.group(2)}") if scale else name


def _kind(metric: str, level: str) -> str:
    """Kaplan–Norton's kind, ``"lagging"`` or ``"leading"`` ("" for neither), from this chapter's catalogue."""
    texts = catalog.load(f"chapters/{KEY}")
    return texts["indicators"].get(metric, texts["indicator_levels"].get(level, ""))


def _sampled(row: pd.Series) -> bool:
    """Whether the value is an estimate from a sample: it has its n, so its interval is a sampling interval."""
    return pd.notna(row.get("n")) and float(row["n"]) > 0


def _status(row: pd.Series, words: Words) -> str:
    """The status in words: on target, behind target, insufficient data, no target, for information."""
    return words(STATUS_KEYS.get(row["status"], "status_information"))


def _target(row: pd.Series, bands: pd.DataFrame, units: Units, metric: str) -> str:
    """``≥ 55%``, ``≤ 15%``, or a band ``80–85%``; "–" without one."""
    unit, direction = str(row["unit"]), str(row["direction"])
    if direction == "band" and metric in bands.index and pd.notna(bands.loc[metric, "band_low"]):
        low, high = bands.loc[metric, ["band_low", "band_high"]]
        decimals = 0 if float(low).is_integer() and float(high).is_integer() else units.decimals(high, unit)
        return units.attach(f"{units.numbers.number(low, decimals)}–{units.numbers.number(high, decimals)}", unit)
    if pd.isna(row["target"]) or direction not in ("higher", "lower"):
        return "–"
    target = float(row["target"])
    if target.is_integer() and not unit.startswith("mean"):  # a target is a round figure: "≤ 15%", not "≤ 15.0%"
        text = units.attach(units.numbers.number(target), unit, str(row.get("source", "")))
    else:
        text = units.value(target, unit, source=str(row.get("source", "")))
    return units.words("at_least" if direction == "higher" else "at_most", value=text)


def _span(row: pd.Series, numbers: Numbers) -> str:
    """The periods a trend runs over: ``Q1 2025–Q4 2025``."""
    return numbers.periods([row["first_period"], row["last_period"]])


def _change(row: pd.Series, words: Words) -> str:
    """A metric's change over the periods in words: a claim only where the family of claims flags it."""
    if row["basis"] == "sampling error" and pd.notna(row["p_adjusted"]):
        if row["worsening"]:
            return words("trend_worse")
        return words("trend_better" if row["improving"] else "trend_steady")
    if pd.notna(row["n_first"]):  # measured on a sample, but not tested: too few periods
        return words("trend_few" if row["periods"] < catalog.load("scorecard")["status"]["min_periods"]
                     else "trend_untested")
    return words("trend_record")  # a company figure without n: its sampling error is unknown


# --------------------------------------------------------------------------- the parts


def _lead(card: Any, names: pd.DataFrame, words: Words, numbers: Numbers) -> str:
    """How many metrics with a target are behind it, and the weakest level; or that none is, or none has a target."""
    levels = card.levels
    judged_by_level = levels["met"] + levels["behind"] + levels["insufficient"]
    judged, behind = int(judged_by_level.sum()), int(levels["behind"].sum())
    if not judged:
        return words("lead_no_targets", count=numbers.number(len(card.latest)))
    if not behind:
        return words("lead_none_behind", judged=numbers.number(judged), met=numbers.number(int(levels["met"].sum())),
                     insufficient=numbers.number(int(levels["insufficient"].sum())))
    weakest = levels[levels["behind"] > 0].sort_values(["score", "behind"], ascending=[True, False]).index[0]
    return words.plural("lead_behind", behind, behind=numbers.number(behind), judged=numbers.number(judged),
                        level=names.loc[weakest, "name"],
                        level_behind=numbers.number(int(levels.loc[weakest, "behind"])),
                        level_judged=numbers.number(int(judged_by_level[weakest])))


def _overview(client: Any, card: Any, names: pd.DataFrame, words: Words, numbers: Numbers) -> Section:
    """One row per level: metrics, on target, behind, insufficient data and the level's score."""
    columns = [Column(words("column_level")), *[Column(words(key), numeric=True) for key in (
        "column_metrics", "column_met", "column_behind", "column_insufficient", "column_score")]]
    rows = [[str(names.loc[key, "name"]), *[numbers.number(int(row[c])) for c in ("metrics", "met", "behind",
                                                                                   "insufficient")],
             numbers.number(row["score"])] for key, row in card.levels.iterrows()]
    blocks: list[Any] = [Table(columns, rows, caption=words("overview_caption"))]
    if int(card.levels["insufficient"].sum()):
        blocks.append(Paragraph(words("insufficient_note"), small=True))
    if client.lacks("scorecard"):  # only what the kit derives from the survey, customers and visits
        blocks.append(Paragraph(words("derived_only"), small=True))
    return Section(words("heading_overview"), blocks)


def _level(client: Any, card: Any, key: str, level: pd.Series, units: Units) -> Section:
    """One level's metrics in their latest period: value (interval), n, target and status in words."""
    words, numbers = units.words, units.numbers
    bands = card_analysis.metric_catalog(client.language, client.config.get("overrides"))
    part = card.latest[card.latest["level"] == key]
    columns = [Column(words("column_metric")), Column(words("column_value"), numeric=True),
               Column(words("column_n"), numeric=True), Column(words("column_target"), numeric=True),
               Column(words("column_status"))]
    rows = []
    for metric, row in part.iterrows():
        unit, sampled, source = str(row["unit"]), _sampled(row), str(row.get("source", ""))
        value = units.value(row["value"], unit, sampled, source)
        if sampled and pd.notna(row["low"]) and row["low"] != row["high"]:
            value = f"{value} {numbers.interval(row['low'], row['high'], units.decimals(row['value'], unit, True))}"
        rows.append([_name(client, str(metric), row, words), value,
                     numbers.number(int(row["n"])) if sampled else "–", _target(row, bands, units, str(metric)),
                     _status(row, words)])
    latest = list(dict.fromkeys(numbers.period(p) for p in part["period"].astype(str)))
    caption = words("level_caption", period=", ".join(latest)) if latest else ""
    blocks: list[Any] = [Paragraph(str(level["covers"]) + ".")]
    blocks.append(Table(columns, rows, caption=caption, empty=words("level_empty")))
    return Section(words("heading_level", name=level["name"]), blocks)


def _indicators(client: Any, card: Any, words: Words) -> Section:
    """Every metric as a lagging (outcome) or leading (driver) indicator, those behind target named as such;
    those the data cannot judge; those below their benchmark."""
    latest = card.latest
    kinds = pd.Series([_kind(str(metric), row["level"]) for metric, row in latest.iterrows()], index=latest.index,
                      dtype=object)

    def names(mask: pd.Series) -> str:
        """The metrics ``mask`` picks, as a list inside a sentence."""
        return format_list([_name(client, str(m), latest.loc[m], words, in_text=True) for m in latest.index[mask]],
                           locale=client.language)

    items = []
    for kind in ("lagging", "leading"):
        mine = kinds == kind
        if mine.any():
            behind = mine & (latest["status"] == "behind")
            among = words("behind_among", names=names(behind)) if behind.any() else words(f"{kind}_none")
            items.append(f"{words(f'{kind}_all', names=names(mine))} {among}")
    for key, mask in (("undecided", latest["status"] == "insufficient data"),
                      ("below_benchmark", latest["below_benchmark"].fillna(False).astype(bool))):
        if mask.any():
            items.append(words(key, names=names(mask)))
    return Section(words("heading_indicators"), [Paragraph(words("indicators_intro")), Bullets(items)])


def _trend_table(client: Any, card: Any, units: Units) -> Table:
    """First and latest value of every metric given for more than one period, and its change in words."""
    words, numbers = units.words, units.numbers
    trends = card.trends[card.trends["periods"] > 1]
    trends = trends.loc[[m for m in card.latest.index if m in trends.index]]  # the levels' order
    spans = {(row["first_period"], row["last_period"]) for _, row in trends.iterrows()}
    shared = spans.pop() if len(spans) == 1 else None  # one span: say its periods once, in the headers
    headers = [numbers.period(p) for p in shared] if shared else [words("column_first"), words("column_last")]
    columns = [Column(words("column_metric")), *[Column(h, numeric=True) for h in headers],
               Column(words("column_n"), numeric=True), Column(words("column_trend"))]
    table = card.table.assign(period=card.table["period"].astype(str)).drop_duplicates(["metric", "period"],
                                                                                         keep="last")
    table = table.set_index(["metric", "period"])
    rows = []
    for metric, row in trends.iterrows():
        unit, source, sampled = str(row["unit"]), str(row["source"]), pd.notna(row["n_first"])
        cells = []
        for end in ("first", "last"):
            cell = units.value(row[end], unit, sampled, source)
            if sampled and (metric, str(row[f"{end}_period"])) in table.index:  # an estimate shows its interval
                own = table.loc[(metric, str(row[f"{end}_period"]))]
                cell = f"{cell} {numbers.interval(own['low'], own['high'], units.decimals(row[end], unit, True))}"
            cells.append(cell if shared else words("value_in", value=cell,
                                                   period=numbers.period(row[f"{end}_period"])))
        n = [numbers.number(int(row[f"n_{end}"])) for end in ("first", "last") if pd.notna(row[f"n_{end}"])]
        latest = card.latest.loc[metric] if metric in card.latest.index else row
        rows.append([_name(client, str(metric), latest, words), *cells,
                     " → ".join(dict.fromkeys(n)) if n else "–", _change(row, words)])
    return Table(columns, rows, caption=words("trend_caption"), empty=words("trend_empty"))


def _trends(client: Any, card: Any, changes: pd.DataFrame, units: Units) -> Section:
    """The scorecard's trends that are claims: significant ones in words, or that none changed, within the family;
    then every metric's first and latest value."""
    words, numbers, trends = units.words, units.numbers, card.trends
    tested = trends[(trends["basis"] == "sampling error") & trends["p_adjusted"].notna()]
    flagged = tested[tested["worsening"] | tested["improving"]]
    blocks: list[Any] = []
    for metric, row in flagged.iterrows():
        unit, decimals = str(row["unit"]), units.decimals(row["change"], str(row["unit"]), True)
        name = _name(client, str(metric), card.latest.loc[metric] if metric in card.latest.index else row, words)
        blocks.append(Paragraph(words(
            "trend_claim", name=name, moved=words("moved_up" if row["change"] > 0 else "moved_down"),
            amount=units.attach(numbers.number(abs(row["change"]), decimals), unit),
            span=_span(row, numbers),
            low=numbers.number(row["low"], decimals), high=numbers.number(row["high"], decimals),
            p=numbers.p_value(row["p_adjusted"]))))
    if len(tested) and not len(flagged):
        total = int(pd.to_numeric(changes["p"], errors="coerce").notna().sum()) if len(changes) else len(tested)
        blocks.append(Paragraph(words("trends_none", count=numbers.number(len(tested)), tested=numbers.number(total))))
    elif not len(tested) and (trends["periods"] > 1).any():  # with one period only, the table says so
        minimum = catalog.load("scorecard")["status"]["min_periods"]
        blocks.append(Paragraph(words("trends_untested", min=numbers.number(minimum))))
    blocks.append(_trend_table(client, card, units))
    if ((trends["periods"] > 1) & trends["n_first"].isna()).any():
        blocks.append(Paragraph(words("descriptive_note"), small=True))
    return Section(words("heading_trends"), blocks)


def _gap(client: Any, card: Any, changes: pd.DataFrame, words: Words, numbers: Numbers) -> Section | None:
    """Managers' belief in superior service against customers' "very satisfied", judged within the family."""
    rows = changes[(changes["source"] == "scorecard") & (changes["kind"] == "difference")] if len(changes) else changes
    if not len(rows) or pd.isna(rows.iloc[0]["p"]):
        return None
    claim = rows.iloc[0]
    try:  # the two sides' own intervals; the difference and its significance are the family's
        gap = card_analysis.delivery_gap(card.table, client.answers, level=LEVEL)
        sides = ((gap.a.low, gap.a.high), (gap.b.low, gap.b.high))
    except ValueError:
        sides = ((float("nan"),) * 2,) * 2
    shares = words("gap_shares", managers=numbers.percent(claim["value_to"]),
                   managers_interval=numbers.interval(*sides[0]), n_managers=numbers.number(int(claim["n_to"])),
                   customers=numbers.percent(claim["value_from"]), customers_interval=numbers.interval(*sides[1]),
                   n_customers=numbers.number(int(claim["n_from"])))
    key = "gap_significant" if bool(claim["significant"]) else "gap_not_significant"
    verdict = words(key, gap=numbers.number(claim["diff"]), interval=numbers.interval(claim["low"], claim["high"]),
                    p=numbers.p_value(claim["p_adjusted"]))
    return Section(words("heading_gap"), [Paragraph(f"{shares} {verdict}")])
