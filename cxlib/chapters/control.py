"""Control-chart sections for the report: was a month's dip or jump real, or normal variation?

For NPS and CSAT (those the survey has), :func:`control_sections` draws the
metric's control chart month by month (:func:`cxlib.spc.control_chart`:
Laney's p′ limits, Anhøj's runs and crossings rules) and says in one sentence
what it shows: the months that are special causes, named with their value and
limits; a shift of the whole level (a run, too few crossings); normal
variation (common causes); or why it cannot be judged (too few months with
enough answers). The NPS chapter calls it; this module only puts the chart's
findings into words (``cxlib/catalog/chapters/control.toml``).

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                                    # doctest: +SKIP
>>> [s.heading for s in control_sections(client, cxlib.diagnosis.diagnose(client))]   # doctest: +SKIP
['NPS: real change or normal variation?', 'CSAT: real change or normal variation?']
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from babel.lists import format_list
from babel.numbers import format_percent

from cxlib import plots, spc
from cxlib.chapters import Paragraph, Section, figure
from cxlib.phrases import METRIC_NAMES
from cxlib.spc_claims import PATTERN_KIND
from cxlib.wording import MINUS, Numbers, Words

KEY = "control"
METRICS = ("nps", "csat")   # the headline metrics; CSI and CES charts are available from cxlib.spc
FREQ = "month"              # "was last month's dip real?": months, whenever the answers are dated
CHART_SIZE = (6.4, 3.0)


def control_sections(client: Any, result: Any) -> list[Section]:
    """One section per headline metric the survey has: its control chart and the one sentence it supports.

    Parameters
    ----------
    client : Client
        From :func:`cxlib.load_client`.
    result : Diagnosis
        From :func:`cxlib.diagnosis.diagnose` (kept for the chapters' signature; the chart reads the answers).

    Returns
    -------
    list of Section
        Empty when the survey has neither NPS nor CSAT answers.

    Examples
    --------
    >>> sections = control_sections(client, result)                    # doctest: +SKIP
    >>> sections[0].blocks[1].text                                     # doctest: +SKIP
    'Every month of NPS from January 2025 to December 2025 lies within its control limits, …'
    """
    words, numbers = Words(f"chapters/{KEY}", client.language), Numbers(client.language)
    dated = client.has_rows and bool(client.survey["date"].notna().any())
    unit = "month" if dated else "period"  # counts come by the client's own periods, which a month cannot regroup
    sections = []
    for metric in (m for m in METRICS if m in client.metrics):
        chart = spc.control_chart(client.answers, metric, FREQ, scales=client.config["scales"],
                                  language=client.language)
        sections.append(_section(chart, metric, unit, words, numbers, _claims_of(result, metric)))
    return sections


def _claims_of(result: Any, metric: str) -> pd.DataFrame | None:
    """This metric's control-chart claims in the report's family (None when the chart was built on its own)."""
    family = getattr(result, "changes", None)
    if family is None or not len(family):
        return None
    return family[(family["source"] == spc.SOURCE) & (family["metric"] == metric)]


def _section(chart: pd.DataFrame, metric: str, unit: str, words: Words, numbers: Numbers,
             claims: pd.DataFrame | None = None) -> Section:
    """The chart and its sentence; a small note when some periods were too small to judge."""
    name = METRIC_NAMES[metric]
    fig, ax = plt.subplots(figsize=CHART_SIZE)
    plots.control_chart(chart, language=numbers.language, ax=ax)
    answered = [numbers.period(period) for period in chart.loc[chart["n"] > 0, "period"]] or ["–"]
    first, last = answered[0], answered[-1]
    caption = words("caption", metric=name, unit=words(f"unit_{unit}"), units=words(f"units_{unit}"))
    blocks: list[Any] = [figure(fig, alt=words("alt", metric=name, unit=words(f"unit_{unit}"), first=first,
                                                last=last), caption=caption),
                         Paragraph(verdict(chart, metric, unit, words, numbers, claims))]
    if chart.attrs["judged"] and chart.attrs["small"]:
        blocks.append(Paragraph(spc.explain(chart, numbers.language), small=True))
    return Section(words("heading", metric=name), blocks)


def verdict(chart: pd.DataFrame, metric: str, unit: str, words: Words, numbers: Numbers,
            claims: pd.DataFrame | None = None) -> str:
    """The one sentence a control chart supports: special causes, a shift, common causes, or why it cannot say.

    With ``claims`` (the metric's control-chart rows of the report's family), a month is called a special cause,
    and the level a shift, only when its claim is significant after the family's adjustment; a month beyond its
    limits that is not is said as such.

    Examples
    --------
    >>> import numpy as np
    >>> chart = spc.chart_from_counts(np.array([[30, 70]] * 12), "csat", [f"2025-{m:02d}" for m in range(1, 13)])
    >>> verdict(chart, "csat", "month", Words("chapters/control", "en"), Numbers("en"))
    'Whether any month of CSAT is a special cause cannot be judged: every answer is the same, so there is no variation.'
    """
    attrs, name = chart.attrs, METRIC_NAMES[metric]
    unit_word = words(f"unit_{unit}")
    if not attrs["judged"]:
        if attrs["reason"] == "no_variation":
            return words("cannot_same", unit=unit_word, metric=name)
        answers = numbers.number(attrs["min_answers"])
        return words("cannot_few", unit=unit_word, metric=name, answers=answers,
                     min=numbers.number(attrs["min_points"]), k=numbers.number(attrs["enough"]),
                     counted=_count(words, numbers, unit, attrs["enough"]),
                     units_with=words(f"units_with_{unit}", answers=answers))
    pattern = _pattern(attrs, unit, words, numbers)
    beyond = chart[chart["rule"].str.contains(spc.RULES[0], regex=False)]
    unclaimed = beyond.iloc[0:0]
    if claims is not None:
        claimed = claims[claims["significant"].astype(bool)]
        special = set(claimed.loc[claimed["kind"] == spc.KIND, "to"])
        unclaimed, beyond = beyond[~beyond["period"].isin(special)], beyond[beyond["period"].isin(special)]
        pattern = pattern if (claimed["kind"] == PATTERN_KIND).any() else ""
    if len(beyond):
        points = format_list([_point(row, metric, words, numbers) for _, row in beyond.iterrows()],
                             locale=numbers.language)
        also = words("also", pattern=pattern) if pattern else ""
        return words("special_one" if len(beyond) == 1 else "special_other", metric=name, points=points, also=also)
    if pattern:
        return words("shift", unit=unit_word, metric=name, pattern=pattern)
    judged = chart[chart["judged"]]["period"]
    if len(unclaimed):
        points = format_list([_point(row, metric, words, numbers) for _, row in unclaimed.iterrows()],
                             locale=numbers.language)
        return words("beyond_not_claimed", metric=name, points=points)
    return words("common", unit=unit_word, metric=name, first=numbers.period(judged.iloc[0]),
                 last=numbers.period(judged.iloc[-1]))


def _count(words: Words, numbers: Numbers, unit: str, count: int) -> str:
    """``8 months`` / ``8 месяцев``: a number of periods, in the plural form it takes."""
    return words.plural(f"count_{unit}", count, n=numbers.number(count))


def _pattern(attrs: dict[str, Any], unit: str, words: Words, numbers: Numbers) -> str:
    """The runs and crossings findings as a clause ("8 months in a row sit on one side …"); empty when neither."""
    clauses = []
    if attrs["run_signal"]:
        clauses.append(words("pattern_run", run=_count(words, numbers, unit, attrs["longest_run"]),
                             max=numbers.number(attrs["longest_run_max"])))
    if attrs["crossings_signal"]:
        clauses.append(words("pattern_crossings", m=_count(words, numbers, unit, attrs["useful"]),
                             times=words.plural("times", attrs["crossings"], n=numbers.number(attrs["crossings"])),
                             min=numbers.number(attrs["crossings_min"])))
    return format_list(clauses, locale=numbers.language) if clauses else ""


def _point(row: pd.Series, metric: str, words: Words, numbers: Numbers) -> str:
    """``March 2025 (12, below the limits of 18 to 42)``, with enough decimals that the value and limit differ."""
    below = row["value"] < row["lower"]
    crossed = row["lower"] if below else row["upper"]
    decimals = 2 if metric in ("csi", "ces") else 0
    while decimals < 3 and round(row["value"], decimals) == round(crossed, decimals):
        decimals += 1  # 49.6 against a limit of 50.1 reads "50 below 50" at no decimals
    show = (lambda v: _percent(v, decimals, numbers)) if metric == "csat" else (lambda v: numbers.number(v, decimals))
    return words("point", period=numbers.period(row["period"]), value=show(row["value"]),
                 side=words("side_below" if below else "side_above"), low=show(row["lower"]), high=show(row["upper"]))


def _percent(value: float, decimals: int, numbers: Numbers) -> str:
    """A share in percent with ``decimals`` decimals, in the locale's style (``68.5%``, ``68,5 %``)."""
    if not decimals:
        return numbers.percent(value)
    text = format_percent(round(float(value), decimals) / 100, locale=numbers.language, decimal_quantization=False)
    return text.replace("-", MINUS)
