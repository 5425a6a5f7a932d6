"""The scorecard chapter's chart: every metric's status in every period, as a heatmap."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from cxlib.plots.layout import (
    _axes,
    _below,
    _chart,
    _no_data,
    _patch,
    _renderer,
    _rows_height,
    _title,
    _xticks,
    _yticks,
)
from cxlib.plots.palette import STATUS_COLOURS
from cxlib.plots.words import _numbers, _t, _value


@_chart
def scorecard_heatmap(table: pd.DataFrame, *, language: str = "en", ax: Axes | None = None,
                      title: str | None = None) -> Axes:
    """Status of every metric in every period, grouped by level: blue met, vermillion behind, grey undecided.

    Parameters
    ----------
    table : DataFrame
        ``ScorecardResult.table`` from :func:`cxlib.scorecard.assess`.

    Examples
    --------
    >>> scorecard_heatmap(scorecard.assess(client.scorecard, client.answers, client.customers).table);  # doctest: +SKIP
    """
    from matplotlib.colors import ListedColormap

    from cxlib.periods import sort_periods
    from cxlib.scorecard import levels

    names = levels(language)["name"]
    order = {key: i for i, key in enumerate(names.index)}
    rows = table.assign(level_order=table["level"].map(order),
                        label=table["level"].map(names).fillna("") + " · " + table["name"].astype(str))
    rows = rows.sort_values(["level_order", "metric"])
    labels = list(dict.fromkeys(rows["label"]))
    periods = sort_periods(rows["period"])
    ax = _axes(ax, (8.0, 1.3 + 0.3 * max(len(labels), 1) * (_rows_height(labels, 44) / 0.42)))
    heading = title or _t("scorecard_title", language)
    if table.empty:
        _no_data(ax, language)
        _title(ax, heading)
        return ax
    statuses = list(STATUS_COLOURS)
    codes = np.full((len(labels), len(periods)), np.nan)
    texts = []
    for _, row in rows.iterrows():
        i, j = labels.index(row["label"]), periods.index(row["period"])
        codes[i, j] = statuses.index(row["status"]) if row["status"] in statuses else np.nan
        texts.append(ax.text(j, i, _value(row["value"], language), ha="center", va="center", fontsize=7,
                             color="white" if row["status"] in ("met", "behind") else "black"))
    ax.imshow(np.ma.masked_invalid(codes), cmap=ListedColormap(list(STATUS_COLOURS.values())), vmin=-0.5,
              vmax=len(statuses) - 0.5, aspect="auto")
    renderer = _renderer(ax)
    cell = abs(ax.transData.transform((1, 0))[0] - ax.transData.transform((0, 0))[0]) - 4
    widest = max([t.get_window_extent(renderer).width for t in texts] or [0])
    if widest > cell:  # many periods: smaller type in every cell, so the values stay readable side by side
        for text in texts:
            text.set_fontsize(max(7 * cell / widest, 4))
    _xticks(ax, range(len(periods)), [_numbers(language).period(p) for p in periods])
    _yticks(ax, range(len(labels)), labels, width=44, fontsize=8)
    names_of = {"met": "met", "behind": "behind", "insufficient data": "insufficient", "no target": "no_target"}
    _below(ax, [_patch(STATUS_COLOURS[s], _t(key, language), edgecolor="#DDDDDD") for s, key in names_of.items()])
    _title(ax, heading)
    return ax
