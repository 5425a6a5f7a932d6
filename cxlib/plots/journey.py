"""The customer-journey chapter's charts: the funnel, the journey map and the priority matrix."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.transforms import Bbox

from cxlib import catalog
from cxlib.plots.layout import (
    _axes,
    _below,
    _chart,
    _dots,
    _locale_numbers,
    _marker,
    _no_data,
    _patch,
    _place,
    _renderer,
    _rows_height,
    _title,
    _trail,
    _xticks,
    _yticks,
)
from cxlib.plots.palette import GREY, NOTE, OKABE_ITO
from cxlib.plots.words import Label, _numbers, _t, _words, _wrap

# the pain points ringed and numbered: as many as the summary names (catalogue [priority] top)
TOP_PAIN_POINTS = int(catalog.load("journey")["priority"]["top"])


@_chart
def funnel(table: pd.DataFrame, *, language: str = "en", ax: Axes | None = None, title: str | None = None) -> Axes:
    """Share of customers moving on at each journey stage, with intervals; the biggest drop in vermillion.

    A stage whose rate is unknown gets no bar and the word "unknown"; a rate
    computed on part of the stage's customers says "of" the customers counted.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`cxlib.journey.funnel`.

    Examples
    --------
    >>> funnel(journey.funnel(client.journey, language="ru"), language="ru");   # doctest: +SKIP
    """
    from cxlib.journey import word

    names = table["name"].astype(str).tolist() if "name" in table else []
    ax = _axes(ax, (7.0, 1.4 + _rows_height(names, 28) * max(len(table), 1)))
    if table.empty:
        _no_data(ax, language)
        _title(ax, title or _t("funnel_title", language))
        return ax
    numbers = _numbers(language)
    colours = [OKABE_ITO[5] if flag else OKABE_ITO[0] for flag in table["biggest_drop"]]
    y = np.arange(len(table))
    conversion = table["conversion"].astype(float)
    low, high = table["low"].astype(float), table["high"].astype(float)
    known = conversion.notna().to_numpy()
    counted = table["counted"] if "counted" in table else table["reached"]
    ax.barh(y[known], conversion[known], color=[c for c, k in zip(colours, known) if k],
            xerr=[(conversion - low).clip(lower=0).fillna(0)[known],
                  (high - conversion).clip(lower=0).fillna(0)[known]],
            capsize=3, error_kw={"ecolor": "#333333", "elinewidth": 1})
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    notes = []
    for yi, value, top, base in zip(y, conversion, high, counted):
        text = (_t("of_reached", language, share=numbers.percent(value), reached=numbers.number(base))
                if pd.notna(value) else word("unknown", language))
        end = np.nanmax([value, top, 0.0]) if pd.notna(value) else 0.0
        notes.append(ax.annotate(text, (end, yi), xytext=(5, 0), textcoords="offset points", va="center",
                                 fontsize=8))
    renderer = _renderer(ax)
    for _ in range(3):  # widen the axis until the rightmost label fits inside it
        overshoot = max(n.get_window_extent(renderer).x1 for n in notes) - ax.bbox.x1 + 4
        if overshoot <= 0:
            break
        right = ax.get_xlim()[1]
        ax.set_xlim(0, right * ax.bbox.width / max(ax.bbox.width - overshoot, ax.bbox.width / 4))
    ax.set_xticks([0, 25, 50, 75, 100])
    _yticks(ax, y, names, width=28)
    ax.set_xlabel(_t("funnel_axis", language))
    _below(ax, [_patch(OKABE_ITO[5], _t("biggest_drop", language)), _patch(OKABE_ITO[0], _t("other_stages", language))])
    _title(ax, title or _t("funnel_title", language))
    return ax


def _stage_bands(ax: Axes, stages: list[str], language: str) -> None:
    """Alternate shading per journey stage, the stage names above the plotting area in as many rows as they need."""
    from cxlib.journey import stage_names

    names = stage_names(language)
    renderer, placed = _renderer(ax), []
    for k, stage in enumerate(dict.fromkeys(stages)):
        positions = [i for i, s in enumerate(stages) if s == stage]
        ax.axvspan(positions[0] - 0.5, positions[-1] + 0.5, color=GREY if k % 2 else "white", alpha=0.15, zorder=0)
        for row in range(len(stages)):
            text = ax.annotate(str(names.get(stage, stage)), ((positions[0] + positions[-1]) / 2, 1),
                               xycoords=("data", "axes fraction"), xytext=(0, 3 + 12 * row),
                               textcoords="offset points", ha="center", va="bottom", fontsize=8.5,
                               annotation_clip=False)
            box = text.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in placed):
                placed.append(box.padded(3))
                break
            text.remove()


def _pain_points(ax: Axes, points: pd.DataFrame, ranked: pd.DataFrame | None, top: int, avoid: list[Bbox],
                 language: str) -> list[Any]:
    """Ring the touchpoints ranked ``top`` or better and number them by rank; the legend entry saying so."""
    if ranked is None or not len(ranked):
        return []
    rank = pd.to_numeric(ranked["rank"], errors="coerce")
    leading = rank.notna() & (rank <= top)
    ranks = dict(zip(ranked.loc[leading, "touchpoint"], rank[leading]))
    pains = points[points["touchpoint"].isin(ranks) & points["value"].notna()]
    if pains.empty:
        return []
    pains = pains.assign(rank=pains["touchpoint"].map(ranks)).sort_values("rank")
    ax.scatter(pains["x"], pains["value"], s=220, facecolors="none", edgecolors=OKABE_ITO[5], linewidths=2, zorder=3)
    avoid += _dots(ax, pains["x"], pains["value"], 8.5)
    _place(ax, list(zip(pains["x"], pains["value"])), [_numbers(language).number(r) for r in pains["rank"]],
           avoid=avoid, radius_pt=8.5, fontsize=9, color=OKABE_ITO[5], prefer=(3, 1))
    return [_marker("none", _t("pain_point_ranked", language), markersize=11, markeredgewidth=2,
                    markeredgecolor=OKABE_ITO[5])]


@_chart
def journey_map(measured: pd.DataFrame, ranked: pd.DataFrame | None = None, *, top: int = TOP_PAIN_POINTS,
                language: str = "en", ax: Axes | None = None, title: str | None = None,
                label: Label | None = None) -> Axes:
    """The journey left to right: an emotion curve of satisfaction per touchpoint with its interval band.

    Stages shade the background and are named above the plot; the pain points ranked ``top`` or better are
    ringed and numbered by their rank. A touchpoint whose satisfaction is unknown keeps its place on the
    axis, with the word "unknown" where its point would be; the curve is broken there.

    Parameters
    ----------
    measured : DataFrame
        Output of :func:`cxlib.journey.touchpoints`.
    ranked : DataFrame, optional
        Output of :func:`cxlib.journey.priorities`; its pain points ranked ``top`` or better are marked.
    label : callable, optional
        The client's words for a touchpoint code (``client.label``); the kit's touchpoint names otherwise.

    Examples
    --------
    >>> journey_map(measured, ranked, language=client.language, label=client.label);   # doctest: +SKIP
    """
    from cxlib.journey import word

    ax = _axes(ax, (9.0, 4.4))
    if measured.empty:
        _no_data(ax, language)
        _title(ax, title or _t("map_title", language))
        return ax
    x = np.arange(len(measured))
    satisfied = measured["satisfied"].astype(float)
    low, high = measured["satisfied_low"].astype(float), measured["satisfied_high"].astype(float)
    floor = min(30.0, float(low.min()) - 5) if low.notna().any() else 30.0
    ax.set_xlim(-0.5, len(measured) - 0.5)
    ax.set_ylim(floor, 102)
    band = ax.fill_between(x, low, high, color=OKABE_ITO[0], alpha=0.2, label=_t("interval", language), zorder=1)
    (line,) = ax.plot(x, satisfied, "-o", color=OKABE_ITO[0], label=_t("satisfied", language), zorder=2)
    avoid = _dots(ax, x, satisfied, 4) + _trail(ax, x, satisfied)
    for xi, value in zip(x, satisfied):
        if pd.isna(value):
            text = ax.text(xi, floor + 2, word("unknown", language), ha="center", va="bottom", fontsize=8,
                           rotation=90, color=NOTE)
            avoid.append(text.get_window_extent(_renderer(ax)))
    handles = [line, band, *_pain_points(ax, measured.assign(x=x, value=satisfied), ranked, top, avoid, language)]
    _stage_bands(ax, measured["stage"].tolist(), language)
    names = [_words(t, language, label, fallback=str(n)) for t, n in zip(measured["touchpoint"], measured["name"])]
    _xticks(ax, x, names, fontsize=8)
    ax.set_ylabel(_t("satisfied_axis", language))
    _locale_numbers(ax.yaxis, language)
    _below(ax, handles)
    _title(ax, title or _t("map_title", language))
    return ax


def _matrix_frame(ax: Axes, priority: pd.Series, language: str) -> None:
    """The priority matrix's axes: limits, the guides between quadrants, ticks, and the top quadrants' names."""
    ax.set_xlim(0.5, 5.5)
    high = max(10.0, math.ceil(float(priority.max()) * 1.2 / 5) * 5) if len(priority) else 100.0
    ax.set_ylim(-0.04 * high, high)  # a margin under 0, so a point of priority 0 is not cut by the axis
    ax.axvline(3, color=GREY, linewidth=0.8)
    if len(priority):
        ax.axhline(priority.median(), color=GREY, linewidth=0.8)
    ax.set_xticks([1, 2, 3, 4, 5], [f"1\n{_t('easy', language)}", "2", "3", "4", f"5\n{_t('hard', language)}"])
    ax.set_xlabel(_t("effort_axis", language))
    ax.set_ylabel(_t("priority_axis", language))
    _locale_numbers(ax.yaxis, language)
    # above the plotting area, over the two top quadrants, where no point can sit
    for x, key, ha in ((0.5, "quick_wins", "left"), (5.5, "major_projects", "right")):
        ax.annotate(_t(key, language), (x, 1), xycoords=("data", "axes fraction"), xytext=(0, 4),
                    textcoords="offset points", ha=ha, va="bottom", fontsize=8, color=NOTE, annotation_clip=False)


def _name_points(ax: Axes, shown: pd.DataFrame, language: str) -> list[str]:
    """Name each point beside it, the highest ranked first; number those left without room, and say the numbers."""
    order = shown["rank"].fillna(np.inf).sort_values(kind="stable").index
    avoid = _dots(ax, shown["effort"], shown["priority"], 5)
    found = _place(ax, [(shown.at[i, "effort"], shown.at[i, "priority"]) for i in order],
                   [(_wrap(shown.at[i, "words"], 24), _wrap(shown.at[i, "words"], 12)) for i in order],
                   avoid=avoid, radius_pt=5)
    crowded = [i for i, ok in zip(order, found) if not ok]
    if not crowded:
        return []
    _place(ax, [(shown.at[i, "effort"], shown.at[i, "priority"]) for i in crowded],
           [str(k) for k in range(1, len(crowded) + 1)], avoid=avoid, radius_pt=5, rings=(2, 8, 16, 26, 38, 52, 68))
    key = "; ".join(f"{k} — {shown.at[i, 'words']}" for k, i in enumerate(crowded, 1))
    return [_t("numbered", language, names=key)]


def _spread(effort: pd.Series) -> pd.Series:
    """Touchpoints of equal effort side by side (±0.06 per neighbour) rather than on top of each other."""
    same = effort.groupby(effort)
    return effort + (same.cumcount() - same.transform("count").sub(1).div(2)) * 0.12


@_chart
def priority_matrix(ranked: pd.DataFrame, *, top: int = TOP_PAIN_POINTS, language: str = "en", ax: Axes | None = None,
                    title: str | None = None, label: Label | None = None) -> Axes:
    """Pain-point priority against the effort to fix: quick wins sit top left.

    Each point is named beside it where there is room; a point in a crowd is numbered instead and named in a
    key under the chart. Touchpoints whose effort to fix or priority is unknown cannot be placed: they are
    named in a note under the chart.

    Parameters
    ----------
    ranked : DataFrame
        Output of :func:`cxlib.journey.priorities` (uses ``fix_effort``).
    label : callable, optional
        The client's words for a touchpoint code (``client.label``); the kit's touchpoint names otherwise.

    Examples
    --------
    >>> priority_matrix(ranked, language=client.language, label=client.label);   # doctest: +SKIP
    """
    from cxlib.journey import word

    ax = _axes(ax, (7.0, 4.6))
    words = [_words(t, language, label, fallback=str(n)) for t, n in zip(ranked["touchpoint"], ranked["name"])]
    effort_all = pd.to_numeric(ranked["fix_effort"], errors="coerce").astype(float)
    priority_all = pd.to_numeric(ranked["priority"], errors="coerce").astype(float)
    placed = (effort_all.notna() & priority_all.notna()).to_numpy()
    shown = pd.DataFrame({"effort": _spread(effort_all[placed].reset_index(drop=True)),
                          "priority": priority_all[placed].reset_index(drop=True),
                          "rank": pd.to_numeric(ranked["rank"][placed], errors="coerce").to_numpy(),
                          "words": [w for w, p in zip(words, placed) if p]})
    _matrix_frame(ax, shown["priority"], language)
    colours = [OKABE_ITO[5] if r <= top else OKABE_ITO[0] for r in shown["rank"].fillna(np.inf)]
    ax.scatter(shown["effort"], shown["priority"], s=60, c=colours, zorder=3)
    notes = _name_points(ax, shown, language)
    no_priority = [w for w, p in zip(words, priority_all) if pd.isna(p)]
    no_effort = [w for w, e, p in zip(words, effort_all, priority_all) if pd.isna(e) and pd.notna(p)]
    if no_priority:
        notes.append(word("priority_unknown", language, names=", ".join(no_priority)))
    if no_effort:
        notes.append(word("effort_unknown", language, names=", ".join(no_effort)))
    ranks = f"1–{top}" if top > 1 else "1"
    _below(ax, [_marker(OKABE_ITO[5], _t("ranked_top", language, ranks=ranks)),
                _marker(OKABE_ITO[0], _t("other_touchpoints", language))], "\n".join(notes))
    if not len(shown):
        _no_data(ax, language, ticks=True)
    _title(ax, title or _t("priority_title", language))
    return ax
