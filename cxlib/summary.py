"""The executive summary: the first page of a client's report, built from the diagnosis results.

:func:`render_summary` turns a :class:`cxlib.diagnosis.Diagnosis` into an
HTML fragment, ``<section id="summary">``, through the Jinja template
``cxlib/templates/summary.html.j2`` (autoescaped): the lifecycle verdict with
the customer-service mandate and its owner in one sentence; a tile for each of
NPS, CSAT, CSI and CES the survey supplies, and one for the scorecard, each
with its interval and n, and an arrow only when the change against the
previous period is a significant claim of the family; at most five findings
in plain sentences, none more certain than its claim; the first three
recommendations after the mandate; and one line on what the data could not
support. Every word comes from ``cxlib/catalog/summary.toml`` in the client's
language, and numbers are written for its locale with Babel (a decimal comma
and a no-break space between thousands in Russian).

Examples
--------
>>> import cxlib
>>> from cxlib.summary import render_summary
>>> client = cxlib.load_client("data/demo")                                 # doctest: +SKIP
>>> html = render_summary(client, cxlib.diagnosis.diagnose(client))         # doctest: +SKIP
>>> Numbers("ru").number(1234.5, 1), Numbers("en").number(1234.5, 1)
('1\\xa0234,5', '1,234.5')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from babel.lists import format_list
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from cxlib import catalog
from cxlib import claims as claim_family
from cxlib import diagnosis as diagnosis_texts
from cxlib.findings import comment_finding, control_finding, pain_point_finding, scorecard_finding, with_target
from cxlib.loyalty import top_percent
from cxlib.phrases import (
    amount,
    change_interval,
    decimals_for,
    first_to_act_on,
    from_preposition,
    lead_claim,
    lower_first,
    metric_label,
    scale_of,
)
from cxlib.wording import Numbers, Words
from cxlib.wording import unbroken as _unbroken

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "summary.html.j2"
MAX_FINDINGS = 5
MAX_CHANGE_FINDINGS = 3      # of the five, at most this many are changes over time
MAX_RECOMMENDATIONS = 3


def word(key: str, language: str, **values: Any) -> str:
    """A text of the summary in ``language`` (``cxlib/catalog/summary.toml``), its placeholders filled."""
    return catalog.label(catalog.load("summary")["texts"], language, key).format(**values)


def plural(key: str, count: float, language: str, **values: Any) -> str:
    """The plural form of ``key`` that ``count`` takes in ``language`` (``_one``, ``_few``, ``_many``, ``_other``)."""
    return Words("summary", language).plural(key, count, **values)


@dataclass
class Tile:
    """One key figure: what it is, its value, interval and n, and its change when that change is a claim."""

    label: str
    caption: str
    value: str
    interval: str = ""
    n: str = ""
    change: str = ""
    mark: str = ""          # ▲ or ▼, only for a significant change
    tone: str = ""          # "worse" or "better"
    tone_word: str = ""     # the same in words, for a reader without colour
    steady: str = ""        # "no significant change since …", in small type


@dataclass
class Summary:
    """What the template shows."""

    language: str
    words: dict[str, str]
    verdict: str
    tiles: list[Tile]
    kpi_note: str
    findings: list[str]
    recommendations: list[str]
    not_assessed: str
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- words for the kit's codes


def group_name(code: str, language: str) -> str:
    """A channel or segment code as a word (``call_centre`` → ``call centre``, ``колл-центр`` in Russian)."""
    entry = catalog.load("summary")["groups"].get(str(code).strip().lower())
    return catalog.label(entry, language) if entry else str(code).replace("_", " ")


# --------------------------------------------------------------------------- the parts of the page


def _verdict(client: Any, result: Any) -> str:
    """The lifecycle verdict with the mandate and its owner, or why there is none, in one sentence."""
    language, stage = client.language, result.lifecycle
    if stage is None:
        return client.lacks("lifecycle") or ""
    if stage.insufficient:
        return word("verdict_insufficient", language, reason=lower_first(stage.reason))
    mandate = stage.mandate()
    names = list(mandate["name"])
    mandates = list(dict.fromkeys(lower_first(m) for m in mandate["mandate"]))
    owners = list(dict.fromkeys(lower_first(o) for o in mandate["owner"]))
    if len(mandates) > 1:
        mandates = [word("for_stage", language, text=text, stage=name)
                    for text, name in zip(mandates, names, strict=True)]
    values = {"company": client.name, "mandate": "; ".join(mandates), "owner": format_list(owners, locale=language)}
    if stage.verdict == "stage" or len(names) == 1:
        return word("verdict_stage", language, stage=names[0], **values)
    if stage.verdict == "transition":
        return word("verdict_transition", language, first=names[0], second=names[1], **values)
    return word("verdict_ambiguous", language, first=stage.name(), second=stage.name(stage.runner_up), **values)


def _significant(table: pd.DataFrame) -> pd.Series:
    return table["significant"].fillna(False).astype(bool) if len(table) else pd.Series(dtype=bool)


def _company_change(table: pd.DataFrame, metric: str, latest: str) -> pd.Series | None:
    """The company-wide period-on-period claim on ``metric`` that ends in the latest period, if it was tested."""
    if not len(table):
        return None
    rows = table[(table["source"] == "survey") & (table["metric"] == metric) & (table["by"] == "")
                 & (table["kind"] == "period-on-period") & (table["to"] == latest) & table["p"].notna()]
    return rows.iloc[0] if len(rows) else None


def _tiles(client: Any, result: Any, numbers: Numbers) -> list[Tile]:
    """NPS, CSAT, CSI and CES as the survey supplies them, and the scorecard's count of metrics on target."""
    language, tiles = client.language, []
    latest = client.periods[-1] if len(client.periods) > 1 else ""
    for _, row in result.metrics.iterrows():
        metric, unit = row["metric"], str(row["unit"])
        if pd.isna(row["value"]):
            continue
        decimals = decimals_for(unit)
        if metric == "csat":
            value, caption = numbers.percent(row["value"]), word("caption_csat", language)
        else:
            value = numbers.number(row["value"], decimals)
            if metric == "ces":
                caption = word("caption_ces_harder" if "harder" in unit else "caption_ces_easier", language,
                               scale=scale_of(unit))
            elif metric == "csi":
                caption = word("caption_csi", language, scale=scale_of(unit))
            else:
                caption = word("caption_nps", language)
        tile = Tile(label=metric_label(metric), caption=caption, value=value,
                    interval=numbers.interval(row["low"], row["high"], decimals),
                    n=plural("answers", int(row["n"]), language, n=numbers.number(int(row["n"]))))
        claim = _company_change(result.changes, metric, latest) if latest else None
        if claim is not None:
            since = numbers.period(claim["from"])
            if bool(claim["significant"]) and not pd.isna(claim["diff"]):
                worse = bool(claim["worse"])
                tile.mark = "▲" if claim["diff"] > 0 else "▼"
                tile.tone = "worse" if worse else "better"
                tile.tone_word = word(tile.tone, language)
                tile.change = word("change_up" if claim["diff"] > 0 else "change_down", language,
                                   amount=amount(claim["diff"], unit, numbers, with_scale=False), period=since)
            else:
                tile.steady = word("no_change", language, period=since)
        tiles.append(tile)
    card = result.scorecard
    if card is not None and len(card.levels):
        met, behind = int(card.levels["met"].sum()), int(card.levels["behind"].sum())
        total = with_target(card.levels)
        if met + behind:
            tiles.append(Tile(label=word("scorecard_tile", language), caption=word("scorecard_caption", language),
                              value=word("of", language, part=numbers.number(met), whole=numbers.number(total)),
                              n=word("scorecard_behind", language, count=numbers.number(behind))))
    return tiles


def _change_sentence(part: pd.DataFrame, numbers: Numbers, level: str, periods: list[str]) -> str:
    """One place's significant changes: the one to act on first in words, the other metrics that changed there in
    the same comparison named."""
    language = numbers.language
    lead = first_to_act_on(part, periods)
    unit, diff = str(lead["unit"]), float(lead["diff"])
    metric = lead["metric"]
    effort = ""
    if metric == "ces":
        harder = "harder" in unit
        effort = word("more_effort" if (diff > 0) == harder else "less_effort", language)
    from_, to = numbers.period(lead["from"]), numbers.period(lead["to"])
    kind = {"period-on-period": "kind_period", "first-to-last": "kind_long"}.get(lead["kind"], "kind_trend")
    values = {"metric": metric_label(metric), "moved": word("rose" if diff > 0 else "fell", language),
              "amount": amount(diff, unit, numbers), "effort": effort, "from_": from_, "to": to,
              "from_prep": from_preposition(from_, language), "kind": word(kind, language),
              "interval": change_interval(lead["low"], lead["high"], unit, numbers, level)}
    others = []
    same = part[(part["from"] == lead["from"]) & (part["to"] == lead["to"])]
    for other, claims in same.groupby("metric", sort=False):
        if other != metric:
            tone = word("worse" if bool(claims["worse"].iloc[0]) else "better", language)
            others.append(f"{metric_label(other)} ({tone})")
    also = word("also", language, metrics=", ".join(others)) if others else ""
    if lead["by"] == "":
        return word("change_company", language, **values) + also
    vs_rest = lead.get("vs_rest")
    rest = "" if pd.isna(vs_rest) else word("rest_above" if vs_rest > 0 else "rest_below", language,
                                           amount=amount(vs_rest, unit, numbers))
    key = {"channel": "change_channel", "segment": "change_segment"}.get(lead["by"], "change_other")
    return word(key, language, group=group_name(lead["group"], language), by=lead["by"], rest=rest, **values) + also


def _change_findings(client: Any, result: Any, numbers: Numbers, level: str) -> list[str]:
    """The survey's significant changes, one sentence per place (the company first), or that there were none."""
    language, table = client.language, result.changes
    if len(client.periods) < 2 or not len(table):
        return []
    survey = table[(table["source"] == "survey") & table["p"].notna()]
    if not len(survey):
        return []
    stated = survey[_significant(survey)]
    company = stated[stated["by"] == ""]
    groups = stated[stated["by"] != ""]
    if not len(stated):
        tested = int(table["p"].notna().sum())
        return [word("no_change_anywhere", language, tested=numbers.number(tested))]
    # the company first when it changed; otherwise the groups that did, then that the company as a whole did not
    periods = list(client.periods)
    first = [_change_sentence(company, numbers, level, periods)] if len(company) else []
    last = [] if len(company) else [word("no_change_company", language)]
    places = sorted(groups.groupby(["by", "group"], sort=False), key=lambda item: item[1]["p_adjusted"].min())
    named = [_change_sentence(part, numbers, level, periods) for _, part in places]
    return first + named[:MAX_CHANGE_FINDINGS - len(first) - len(last)] + last


def _difference_findings(client: Any, result: Any, numbers: Numbers, level: str) -> list[tuple[str, str]]:
    """The comparisons the method fixes in advance, when significant: managers against customers, the top customers."""
    language, table, found = client.language, result.changes, []
    if not len(table):
        return found
    stated = table[_significant(table) & (table["kind"] == "difference")]
    for _, claim in stated.iterrows():
        interval = change_interval(claim["low"], claim["high"], claim["unit"], numbers, level)
        if claim["source"] == "scorecard" and claim["diff"] > 0:
            found.append(("gap", word("delivery_gap", language, managers=numbers.percent(claim["value_to"]),
                                      customers=numbers.percent(claim["value_from"]),
                                      gap=amount(claim["diff"], "%", numbers), interval=interval)))
        elif claim["source"] == "customers" and claim["metric"] == "nps":
            key = "top_customers_lower" if claim["diff"] < 0 else "top_customers_higher"
            found.append(("top", word(key, language, top=numbers.percent(top_percent(claim["group"])),
                                      amount=amount(claim["diff"], "points", numbers), interval=interval)))
    return found


def _findings(client: Any, result: Any, numbers: Numbers, level: str) -> list[str]:
    """At most five findings, read as: changes, the comparisons fixed in advance, the journey, the scorecard.

    When more than five qualify, the changes keep their places (at most
    three), then the worst pain point, the topic detractors raise most, the
    managers' view against the customers', the scorecard and the top
    customers, in that order.
    """
    differences = dict(_difference_findings(client, result, numbers, level))
    candidates = [("change", text) for text in _change_findings(client, result, numbers, level)]
    candidates += [("control", control_finding(client, result, numbers, level)),
                   ("journey", pain_point_finding(client, result, numbers)),
                   ("comments", comment_finding(client, result, numbers, level)), ("gap", differences.get("gap", "")),
                   ("scorecard", scorecard_finding(client, result, numbers)), ("top", differences.get("top", ""))]
    chosen = [(kind, text) for kind, text in candidates if text][:MAX_FINDINGS]
    reading = {"change": 0, "control": 1, "gap": 2, "top": 3, "journey": 4, "comments": 5, "scorecard": 6}
    return [text for kind, text in sorted(chosen, key=lambda item: reading[item[0]])]


def _recommendation_text(row: pd.Series, table: pd.DataFrame, numbers: Numbers) -> str:
    """A recommendation as written, with a change's channel, segment and periods put in words."""
    ids = [claim.strip() for claim in str(row["claims"]).split(",") if claim.strip()]
    cited = table[table["claim"].isin(ids)] if ids and len(table) else table.iloc[0:0]
    if not len(cited) or not (cited["source"] == "survey").all():
        return str(row["recommendation"])
    language = numbers.language
    lead = lead_claim(cited)
    if lead["kind"] == "period-on-period":
        when = diagnosis_texts.text("when_period", language, to=numbers.period(lead["to"]))
    else:
        when = diagnosis_texts.text("when_long", language, from_=numbers.period(lead["from"]),
                                    to=numbers.period(lead["to"]))
    rules = {rule["rule"]: rule for rule in catalog.load("report")["recommendations"]}
    if lead["by"] == "":
        return catalog.label(rules["company_change"], language, "text").format(when=when)
    where_key = {"channel": "where_channel", "segment": "where_segment"}.get(lead["by"], "where_other")
    where = diagnosis_texts.text(where_key, language, group=group_name(lead["group"], language), by=lead["by"])
    return catalog.label(rules["group_change"], language, "text").format(where=where, when=when)


def _recommendations(client: Any, result: Any, numbers: Numbers) -> list[str]:
    """The first recommendations after the lifecycle mandate (which the verdict already states)."""
    table = result.recommendations
    if table is None or not len(table):
        return []
    rows = table[table["chapter"].astype(str) != "01"].sort_values("priority")
    return [_recommendation_text(row, result.changes, numbers) for _, row in rows.head(MAX_RECOMMENDATIONS).iterrows()]


def _not_assessed(client: Any, numbers: Numbers) -> str:
    """What the data could not support, as one short line (empty when everything was assessed)."""
    language, items = client.language, []
    for need in ("lifecycle", "journey", "scorecard", "customers", "mystery_shopping"):
        if client.lacks(need):
            items.append(word(f"missing_{need}", language))
    items += [word("missing_metric", language, metric=metric_label(m)) for m in claim_family.METRICS
              if client.lacks(m)]
    if client.lacks("rows"):
        items.append(word("missing_rows", language))
    if client.lacks("periods"):
        items.append(word("missing_periods", language))
    items += [word(f"missing_{need}", language) for need in ("channel", "segment") if client.lacks(need)]
    return word("not_computed", language, items=format_list(items, locale=language)) if items else ""


# --------------------------------------------------------------------------- the fragment


@cache
def _environment() -> Environment:
    from cxlib.wording import displayable

    # set into the page as Markup, the summary cleans its own values as the page does (cxlib.report)
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True,
                       lstrip_blocks=True, undefined=StrictUndefined,
                       finalize=lambda value: value if isinstance(value, Markup) else displayable(value))


def build_summary(client: Any, result: Any) -> Summary:
    """Everything the summary shows, as words and formatted numbers (what :func:`render_summary` renders)."""
    language = client.language
    numbers = Numbers(language)
    level_value = float(result.metrics["level"].iloc[0]) if "level" in result.metrics and len(result.metrics) \
        else 0.95
    level = numbers.percent(level_value * 100)
    headline = list(result.headline) or list(client.periods[-1:])
    words = {key: word(key, language) for key in ("heading", "kpi_heading", "findings_heading",
                                                   "recommendations_heading", "findings_none",
                                                   "recommendations_none")}
    tiles = _tiles(client, result, numbers)
    if not tiles:  # "beyond the figures above" only where there are figures above
        words["findings_none"] = word("findings_none_bare", language)
    note = word("kpi_note", language, period=numbers.periods(headline), level=level) if tiles and headline else ""
    note = note[:1].upper() + note[1:]  # an undated survey's one period is "all answers"
    for tile in tiles:
        tile.caption = _unbroken(tile.caption)
    return Summary(language=language, words=words, verdict=_verdict(client, result), tiles=tiles, kpi_note=note,
                   findings=[_unbroken(finding) for finding in _findings(client, result, numbers, level)],
                   recommendations=_recommendations(client, result, numbers),
                   not_assessed=_not_assessed(client, numbers), notes=list(result.notes))


def render_summary(client: Any, result: Any) -> str:
    """The executive summary as an HTML fragment, ``<section id="summary">…</section>``, in the client's language.

    Parameters
    ----------
    client : Client
        From :func:`cxlib.load_client`.
    result : Diagnosis
        From :func:`cxlib.diagnosis.diagnose` on that client.

    Returns
    -------
    str
        Autoescaped HTML without blank lines or indentation, so that it can
        stand as one raw HTML block in a markdown cell.
    """
    page = _environment().get_template(TEMPLATE).render(summary=build_summary(client, result))
    return "\n".join(line.strip() for line in page.splitlines() if line.strip())
