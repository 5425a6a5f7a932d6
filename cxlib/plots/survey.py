"""Survey charts (the NPS and survey chapter): estimates with intervals, NPS composition, the loyalty matrix."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from cxlib.plots.layout import (
    _axes,
    _below,
    _chart,
    _locale_numbers,
    _no_data,
    _renderer,
    _rows_height,
    _title,
    _xticks,
    _yticks,
)
from cxlib.plots.palette import GREY, NPS_COLOURS, OKABE_ITO
from cxlib.plots.words import Label, _group_words, _has, _numbers, _signed, _t, _wrap


def _unit(unit: str, language: str) -> str:
    """The y-axis words for an estimate's unit (``points``, ``%``, ``mean 1–5``, ``mean 1–7, higher = easier``)."""
    if unit == "points":
        return _t("nps_axis", language)
    if unit == "%":
        return _t("percent", language)
    mean = re.fullmatch(r"mean (-?\d+)\s*[–-]\s*(-?\d+)(?:, higher = (\w+))?", unit)
    if mean:
        direction = _t(f"higher_{mean.group(3)}", language) if mean.group(3) and _has(f"higher_{mean.group(3)}") else ""
        return _t("mean_axis", language, low=mean.group(1), high=mean.group(2)) + direction
    return ""


@_chart
def intervals(table: pd.DataFrame, x: str, hue: str | None = None, *, language: str = "en", ax: Axes | None = None,
              title: str | None = None, label: Label | None = None) -> Axes:
    """Estimates as dots with their confidence intervals as bars, one per group.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`cxlib.summarize` for one metric (columns ``value``, ``low``, ``high``, ``n``).
    x : str
        Group column along the x axis (e.g. ``"period"``; periods read as ``Q4 2025``).
    hue : str, optional
        Second group column, drawn side by side in colours (e.g. ``"channel"``), named in a legend below.
    label : callable, optional
        The client's words for a group code (``client.label``); the kit's words for common codes otherwise.

    Examples
    --------
    >>> intervals(cxlib.summarize(client.answers, by="period", metrics=["nps"]), x="period",
    ...           language="ru");                                                     # doctest: +SKIP
    """
    ax = _axes(ax)
    if table.empty:
        _no_data(ax, language)
        _title(ax, title or _t("no_data_title", language))
        return ax
    # the table's own order: summarize() puts periods in time order, which sorting the labels would undo
    positions = {value: i for i, value in enumerate(dict.fromkeys(table[x]))}
    hues = list(dict.fromkeys(table[hue])) if hue else [None]
    spread = 0.6 if hue else 0.0
    for k, level in enumerate(hues):
        part = table if hue is None else table[table[hue] == level]
        offset = (k - (len(hues) - 1) / 2) * spread / max(len(hues) - 1, 1)
        xs = np.array([positions[v] for v in part[x]], dtype=float) + offset
        below = (part["value"] - part["low"]).clip(lower=0).fillna(0)
        above = (part["high"] - part["value"]).clip(lower=0).fillna(0)
        name = _group_words(hue, level, language, label) if hue else "_"
        ax.errorbar(xs, part["value"], yerr=[below, above], fmt="o", capsize=3, label=name,
                    color=OKABE_ITO[k % len(OKABE_ITO)])
    ax.set_xlim(-0.6, len(positions) - 0.4)
    unit = str(table["unit"].iloc[0]) if "unit" in table else ""
    ax.set_ylabel(_unit(unit, language))
    if unit == "points":
        ax.axhline(0, color=GREY, linewidth=0.8)
    ax.grid(axis="y", alpha=0.3)
    _locale_numbers(ax.yaxis, language)
    _xticks(ax, range(len(positions)), [_group_words(x, v, language, label) for v in positions])
    if hue:
        handles, _ = ax.get_legend_handles_labels()
        _below(ax, handles, title=_t(f"group_{hue}", language) if _has(f"group_{hue}") else None)
    level = float(table["level"].iloc[0]) if "level" in table else 0.95
    metric = str(table["metric"].iloc[0]).upper() if "metric" in table else ""
    _title(ax, title or _t("intervals_title", language, metric=metric,
                           level=_numbers(language).percent(100 * level)))
    return ax


@_chart
def composition(table: pd.DataFrame, by: str, *, language: str = "en", ax: Axes | None = None,
                title: str | None = None, label: Label | None = None) -> Axes:
    """Stacked bars of detractors, passives and promoters per group, labelled with their percentages.

    Each bar's NPS and number of answers stand to the right of the plotting area; a share too narrow to
    hold its percentage goes without it (the legend and the NPS still tell).

    Parameters
    ----------
    table : DataFrame
        Output of :func:`cxlib.nps_composition`.
    by : str
        The group column.
    title : str, optional
        A period label given as the title reads as people write it (``2025-Q4`` → ``Q4 2025``).
    label : callable, optional
        The client's words for a group code (``client.label``).

    Examples
    --------
    >>> composition(cxlib.nps_composition(client.survey, by="channel"), by="channel",
    ...             language=client.language, label=client.label);                 # doctest: +SKIP
    """
    names = [_group_words(by, value, language, label) for value in table[by]] if by in table else []
    ax = _axes(ax, (7.0, 1.3 + _rows_height(names) * max(len(table), 1)))
    heading = _numbers(language).period(title) if title else _t("composition_title", language)
    if table.empty:
        _no_data(ax, language)
        _title(ax, heading)
        return ax
    renderer = _renderer(ax)
    y = np.arange(len(table))
    ax.set_xlim(0, 100)
    ax.set_ylim(len(table) - 0.5, -0.5)
    left = np.zeros(len(table))
    for group in ("detractor", "passive", "promoter"):
        widths = table[group].to_numpy(dtype=float)
        bars = ax.barh(y, widths, left=left, color=NPS_COLOURS[group], label=_t(f"{group}s", language))
        for bar, width in zip(bars, widths):
            text = ax.text(bar.get_x() + width / 2, bar.get_y() + bar.get_height() / 2,
                           _numbers(language).percent(width), ha="center", va="center", fontsize=8,
                           color="black" if group == "passive" else "white")
            if text.get_window_extent(renderer).width + 4 > bar.get_window_extent(renderer).width:
                text.remove()  # the share is too narrow to hold its number
        left += np.nan_to_num(widths)
    for yi, (total, n) in enumerate(zip(table["nps"], table["n"])):
        ax.annotate(_t("nps_answers", language, nps=_signed(total, language), n=_numbers(language).number(n)),
                    (1, yi), xycoords=("axes fraction", "data"), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=8, annotation_clip=False)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(_t("share_of_answers", language))
    _yticks(ax, y, names)
    handles, _ = ax.get_legend_handles_labels()
    _below(ax, handles)
    _title(ax, heading)
    return ax


@_chart
def loyalty_matrix(table: pd.DataFrame, *, language: str = "en", ax: Axes | None = None,
                   title: str | None = None) -> Axes:
    """The behaviour × attitude matrix: each cell's share of customers, with its name and revenue share.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`cxlib.loyalty_matrix`.

    Examples
    --------
    >>> loyalty_matrix(cxlib.loyalty_matrix(client.survey, client.customers), language="ru");   # doctest: +SKIP
    """
    from matplotlib.colors import LinearSegmentedColormap

    ax = _axes(ax, (7.5, 3.8))
    if table.empty:
        _no_data(ax, language)
        _title(ax, title or _t("loyalty_title", language))
        return ax
    attitudes, behaviours = ["promoter", "passive", "detractor"], ["repeat", "lapsed"]
    cells = table.set_index(["behaviour", "attitude"])
    grid = np.array([[float(cells.loc[(b, a), "share"]) for a in attitudes] for b in behaviours])
    # a scale of the palette's own blue, so the matrix keeps to the one palette
    blues = LinearSegmentedColormap.from_list("okabe_ito_blue", ["#FFFFFF", OKABE_ITO[0]])
    top = np.nanmax(grid) if np.isfinite(grid).any() and np.nanmax(grid) > 0 else 1.0
    ax.imshow(np.nan_to_num(grid), cmap=blues, vmin=0, vmax=top * 1.15, aspect="auto")
    numbers = _numbers(language)
    renderer = _renderer(ax)
    for i, behaviour in enumerate(behaviours):
        for j, attitude in enumerate(attitudes):
            cell = cells.loc[(behaviour, attitude)]
            key = "segment_" + str(cell["segment"]).replace(" ", "_")
            name = _t(key, language) if _has(key) else str(cell["segment"])  # a caller may name the cells itself
            text = (f"{_wrap(name, 22)}\n{numbers.percent(cell['share'])} {_t('of_customers', language)}\n"
                    f"{numbers.percent(cell['revenue_share'])} {_t('of_revenue', language)}")
            shade = grid[i, j] if np.isfinite(grid[i, j]) else 0.0
            note = ax.text(j, i, text, ha="center", va="center", fontsize=9,
                           color="white" if shade > 0.55 * top * 1.15 else "black")
            cell_px = ax.transData.transform([(j + 0.5, i + 0.5)]) - ax.transData.transform([(j - 0.5, i - 0.5)])
            while note.get_fontsize() > 5 and (note.get_window_extent(renderer).width > abs(cell_px[0, 0]) - 6
                                               or note.get_window_extent(renderer).height > abs(cell_px[0, 1]) - 4):
                note.set_fontsize(note.get_fontsize() - 0.5)
    ax.set_xticks(range(3), [_t(f"{a}s", language) for a in attitudes])
    ax.set_yticks(range(2), [_wrap(_t(b, language), 18) for b in behaviours])
    ax.tick_params(which="both", length=0)
    ax.spines[:].set_color("#DDDDDD")
    # thin lines between the cells, so that an empty (white) cell still reads as a cell
    ax.set_xticks(np.arange(-0.5, 3), minor=True)
    ax.set_yticks(np.arange(-0.5, 2), minor=True)
    ax.grid(which="minor", color="#DDDDDD", linewidth=1)
    ax.set_xlabel(_t("attitude", language))
    ax.set_ylabel(_t("behaviour", language))
    _title(ax, title or _t("loyalty_title", language))
    return ax
