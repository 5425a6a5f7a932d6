"""The survey chapter's last two sections: loyalty (behaviour × attitude) and the closed loop on low scores.

Both read the chapter's context (:class:`cxlib.chapters.nps._Context`: the
client, its diagnosis, its words and numbers) and put the diagnosis' tables into
words from ``cxlib/catalog/chapters/nps.toml``; a section the client's files
cannot fill says why in one sentence.

Examples
--------
>>> section = loyalty_section(context)                                     # doctest: +SKIP
>>> section.heading                                                        # doctest: +SKIP
'Two sides of loyalty'
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt

from cxlib import plots
from cxlib.chapters import Column, Paragraph, Section, Table, figure
from cxlib.loyalty import REPEAT_MIN
from cxlib.wording import unbroken


def loyalty_section(ctx: Any) -> Section:
    """The behaviour × attitude matrix, and each group's share of customers and of revenue, in the client's words."""
    heading, loyalty = ctx.words("loyalty_heading"), ctx.result.loyalty
    if loyalty is None or not len(loyalty):
        client = ctx.client
        missing = next((key for need, key in (("customers", "customers"), ("rows", "rows"), ("nps", "nps"),
                                              ("customer_id", "ids")) if client.lacks(need)), "ids")
        return Section(heading, [Paragraph(ctx.words(f"loyalty_no_{missing}"))])
    named = loyalty.assign(segment=loyalty["segment"].map(lambda s: ctx.words(s.replace(" ", "_"))))
    numbers = ctx.numbers
    intro = ctx.words("loyalty_intro", answered=numbers.number(int(loyalty["customers"].sum())),
                      missing=numbers.number(int(loyalty.attrs.get("not_answered", 0))))
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    plots.loyalty_matrix(loyalty, language=ctx.language, ax=ax)  # the chart names the groups from their codes
    caption = ctx.words("loyalty_caption", repeat=numbers.number(REPEAT_MIN))
    chart = figure(fig, alt=ctx.words("alt_loyalty"), caption=caption)
    columns = [Column(ctx.words("col_loyalty_group")), Column(ctx.words("col_kind")),
               Column(ctx.words("col_customers"), True), Column(ctx.words("col_share"), True),
               Column(ctx.words("col_revenue"), True)]
    rows = [[r["segment"], ctx.words("kind", behaviour=ctx.words(r["behaviour"]), attitude=ctx.words(r["attitude"])),
             numbers.number(int(r["customers"])),
             unbroken(f"{numbers.percent(r['share'])} {numbers.interval(r['low'], r['high'])}".strip()),
             numbers.percent(r["revenue_share"])] for _, r in named.iterrows()]
    table = Table(columns, rows, caption=ctx.words("loyalty_table", level=ctx.level_text))
    return Section(heading, [Paragraph(intro), chart, table])


def closed_loop_section(ctx: Any) -> Section:
    """How many low scores were followed up within the hour, with the share's interval and n."""
    heading, loop, client = ctx.words("closed_heading"), ctx.result.closed_loop, ctx.client
    for need, key in (("rows", "closed_no_rows"), ("nps", "closed_no_nps"), ("followed_up_at", "closed_no_times")):
        if client.lacks(need):
            return Section(heading, [Paragraph(ctx.words(key))])
    if loop is None or not len(loop) or not int(loop.iloc[0]["low_scores"]):
        return Section(heading, [Paragraph(ctx.words("closed_none_low"))])
    row, numbers = loop.iloc[0], ctx.numbers
    timed = int(row["low_scores"] - row["untimed"])
    places = 1 if round(row["low"]) == round(row["high"]) else 0  # "(0–0.2)", not "(0–0)"
    texts = [ctx.words("closed_share", low=numbers.number(int(row["low_scores"])),
                       on_time=numbers.number(int(row["on_time"])), share=numbers.percent(row["share"]),
                       interval=numbers.interval(row["low"], row["high"], places),
                       timed=numbers.number(timed))]
    if int(row["followed_up"]):
        texts.append(ctx.words("closed_followed", followed=numbers.number(int(row["followed_up"])),
                               hours=numbers.number(row["median_hours"], 1),
                               never=numbers.number(timed - int(row["followed_up"]))))
    if int(row["untimed"]):
        texts.append(ctx.words("closed_untimed", untimed=numbers.number(int(row["untimed"]))))
    return Section(heading, [Paragraph(unbroken(" ".join(texts)))])
