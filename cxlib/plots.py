"""Charts: one function per chart, each taking a result table and returning a matplotlib Axes.

Every chart reads at a glance, in the client's language:

* every word comes from the ``[charts]`` table of ``cxlib/catalog/report.toml``
  (``language=``), and a client's channel, segment or touchpoint codes pass
  through ``label=`` (e.g. ``client.label``), so no code or column name shows;
* no two texts overlap: point labels are placed next to their point where they
  cover no other text or marker (a label that finds no room becomes a number,
  named in a key under the chart), tick labels wrap or slant just enough;
* legends and notes sit under the plotting area, never on the data;
* one palette, Okabe–Ito, safe for colour-blind readers; detractor, passive
  and promoter are never red against green, and bars carry their percentages
  so colour is never the only cue.

The layout is measured in the figure's own pixels, so a chart should be drawn
on an Axes whose size is final (the default figure, or ``ax=`` of a grid).

Examples
--------
>>> import cxlib, cxlib.plots
>>> table = cxlib.summarize(client.survey, by=["period", "channel"], metrics=["nps"])   # doctest: +SKIP
>>> cxlib.plots.intervals(table, x="period", hue="channel", language=client.language,
...                       label=client.label);                                         # doctest: +SKIP
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.transforms import Bbox

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
NPS_COLOURS = {"promoter": "#009E73", "passive": "#999999", "detractor": "#D55E00"}
STATUS_COLOURS = {"met": "#0072B2", "behind": "#D55E00", "insufficient data": "#BBBBBB", "no target": "#F2F2F2",
                  "information": "#F2F2F2"}
GREY, NOTE = "#999999", "#555555"
Label = Callable[[Any], str]

# Candidate places around a point, nearest first: right, above, left, below, then the diagonals.
_AROUND = [(1, 0, "left", "center"), (0, 1, "center", "bottom"), (-1, 0, "right", "center"),
           (0, -1, "center", "top"), (1, 1, "left", "bottom"), (-1, 1, "right", "bottom"),
           (1, -1, "left", "top"), (-1, -1, "right", "top")]


# --------------------------------------------------------------------------- words

def _t(key: str, language: str, **values: object) -> str:
    """A chart text in the client's language (``cxlib/catalog/report.toml`` [charts])."""
    from cxlib import catalog

    return catalog.label(catalog.load("report")["charts"], language, key).format(**values)


def _has(key: str) -> bool:
    from cxlib import catalog

    return f"{key}_en" in catalog.load("report")["charts"]


def _numbers(language: str):
    from cxlib.wording import Numbers

    return Numbers(language)


def _words(code: object, language: str, label: Label | None = None, fallback: str | None = None) -> str:
    """The reader's words for a client's code.

    ``label(code)`` when it knows the code (it gives more than the code with its
    underscores as spaces); else ``fallback`` (a name the result table already
    carries, e.g. the kit's touchpoint name); else the kit's words for common codes.
    """
    from cxlib.client import (
        kit_label,  # the kit's words for channels, segments and reasons
    )

    if code is None or (not isinstance(code, str) and pd.isna(code)) or str(code).strip() == "":
        return _t("blank", language)
    readable = str(code).replace("_", " ")
    if label is not None:
        words = str(label(code))
        if words != readable or fallback is None:
            return words
    return fallback if fallback is not None else kit_label(str(code), language)


def _group_words(column: str, value: object, language: str, label: Label | None) -> str:
    """A group's name: periods as people read them (``Q4 2025``), codes through ``label``."""
    return _numbers(language).period(value) if column == "period" else _words(value, language, label)


def _wrap(text: str, width: int) -> str:
    # words stay whole: a word longer than the width gets a line of its own rather than a break inside it
    return "\n".join(textwrap.fill(line, max(int(width), 4), break_long_words=False) or line
                     for line in str(text).split("\n"))


def _signed(value: float, language: str) -> str:
    text = _numbers(language).number(value)
    return f"+{text}" if pd.notna(value) and round(float(value)) > 0 else text


def _value(value: float, language: str) -> str:
    """A scorecard value with as many decimals as its size needs (3 significant figures, at most 2 decimals)."""
    if pd.isna(value):
        return "–"
    size = abs(float(value))
    return _numbers(language).number(value, 0 if size >= 100 else 1 if size >= 10 else 2)


# --------------------------------------------------------------------------- layout

def _chart(function: Callable[..., Axes]) -> Callable[..., Axes]:
    """Draw a chart's texts as plain text: a ``$`` in a client's label must not switch to math mode."""
    @functools.wraps(function)
    def draw(*args: Any, **kwargs: Any) -> Axes:
        with plt.rc_context({"text.parse_math": False}):
            return function(*args, **kwargs)
    return draw


def _axes(ax: Axes | None, size: tuple[float, float] = (7.0, 4.0)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _renderer(ax: Axes) -> Any:
    canvas = ax.figure.canvas
    return canvas.get_renderer() if hasattr(canvas, "get_renderer") else ax.figure._get_renderer()


def _pt(ax: Axes) -> float:
    """Pixels per typographic point."""
    return ax.figure.dpi / 72


def _size(ax: Axes, text: str, fontsize: float) -> tuple[float, float]:
    """Width and height in pixels of ``text`` drawn at ``fontsize``."""
    probe = ax.text(0, 0, text, fontsize=fontsize, transform=None)
    box = probe.get_window_extent(_renderer(ax))
    probe.remove()
    return box.width, box.height


def _chars(ax: Axes, pixels: float, fontsize: float) -> int:
    """How many characters of average width fit in ``pixels``."""
    return max(int(pixels / (0.56 * fontsize * _pt(ax))), 4)


def _xticks(ax: Axes, positions: Sequence[float], labels: Sequence[str], *, fontsize: float = 9.0) -> None:
    """Tick labels level and wrapped to their slot when they fit, else slanted just enough to clear each other.

    Slanted labels are parallel strips; neighbours a slot apart clear each other when the slot times the sine
    of the angle exceeds a label's height, so the angle is the smallest that gives that (at least 30°).
    """
    labels = [str(label) for label in labels]
    if not labels:
        ax.set_xticks([])
        return
    xs = ax.transData.transform(np.column_stack([positions, np.zeros(len(positions))]))[:, 0]
    slot = float(np.min(np.diff(np.sort(xs)))) if len(xs) > 1 else ax.bbox.width
    level = [_wrap(label, _chars(ax, slot - 6, fontsize)) for label in labels]
    widths = [_size(ax, label, fontsize)[0] for label in level]
    lines = max(label.count("\n") + 1 for label in level)
    if lines <= 3 and all((a + b) / 2 + 6 <= slot for a, b in itertools.pairwise(widths)) and max(widths) < 2 * slot:
        ax.set_xticks(positions, level, fontsize=fontsize)
        return
    slanted = [_wrap(label, 34) for label in labels]
    height = max(_size(ax, label, fontsize)[1] for label in slanted) + 3
    while height > slot and fontsize > 5:  # even upright the labels would touch: smaller type
        fontsize -= 0.5
        height = max(_size(ax, label, fontsize)[1] for label in slanted) + 3
    angle = max(30.0, math.degrees(math.asin(min(1.0, height / slot))))
    ax.set_xticks(positions, slanted, fontsize=fontsize, rotation=angle, ha="right", rotation_mode="anchor")


def _yticks(ax: Axes, positions: Sequence[float], labels: Sequence[str], *, width: int = 34,
            fontsize: float = 9.0) -> None:
    """Row labels wrapped to ``width`` characters, in type small enough that neighbouring rows clear each other."""
    wrapped = [_wrap(str(label), width) for label in labels]
    if len(positions) > 1:
        ys = ax.transData.transform(np.column_stack([np.zeros(len(positions)), positions]))[:, 1]
        slot = float(np.min(np.abs(np.diff(ys))))
        while fontsize > 5 and max(_size(ax, label, fontsize)[1] for label in wrapped) + 2 > slot:
            fontsize -= 0.5
    ax.set_yticks(positions, wrapped, fontsize=fontsize)


def _rows_height(labels: Sequence[str], width: int = 34) -> float:
    """Inches per row so that wrapped row labels fit (a line of 9-point type takes about 0.17 inch)."""
    lines = max([len(textwrap.wrap(str(label), width)) or 1 for label in labels] or [1])
    return max(0.42, 0.17 * lines + 0.12)


def _below(ax: Axes, handles: Sequence[Any] = (), note: str = "", *, title: str | None = None) -> None:
    """The legend, then a note, stacked under everything already under the plotting area (tick labels, axis label).

    The legend takes as many columns as fit the axes' width; its entries and the note wrap.
    """
    renderer, pt = _renderer(ax), _pt(ax)
    to_axes = ax.transAxes.inverted()
    y = to_axes.transform((0, ax.get_tightbbox(renderer).y0 - 6 * pt))[1]
    if handles:
        for handle in handles:
            handle.set_label(_wrap(handle.get_label(), 38))
        for ncols in range(min(len(handles), 4), 0, -1):
            legend = ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, y), ncols=ncols,
                               frameon=False, fontsize=8, title=title, title_fontsize=8)
            if legend.get_window_extent(renderer).width <= ax.bbox.width * 1.05:
                break
        y = to_axes.transform((0, legend.get_window_extent(renderer).y0 - 4 * pt))[1]
    if note:
        ax.text(0, y, _wrap(note, _chars(ax, ax.bbox.width, 7.5)), transform=ax.transAxes, ha="left", va="top",
                fontsize=7.5, color=NOTE, clip_on=False)


def _title(ax: Axes, text: str) -> None:
    """The title, wrapped to the axes' width, above everything already drawn above the plotting area."""
    renderer, pt = _renderer(ax), _pt(ax)
    tops = [t.get_window_extent(renderer).y1 for t in ax.texts if t.get_visible() and t.get_text()]
    raised = max([ax.bbox.y1, *tops]) - ax.bbox.y1
    ax.set_title(_wrap(text, _chars(ax, ax.bbox.width * 1.1, 12)), pad=raised / pt + 6, fontsize=12)


def _locale_numbers(axis: Any, language: str) -> None:
    """Tick numbers in the client's locale (``2,5`` and ``−10`` in Russian), as few decimals as the ticks need."""
    from matplotlib.ticker import Formatter

    class LocaleFormatter(Formatter):
        ticks: Sequence[float] = ()

        def set_locs(self, locs: Sequence[float]) -> None:
            self.ticks = list(locs)

        def __call__(self, value: float, pos: int | None = None) -> str:
            locs = [v for v in self.ticks if np.isfinite(v)] or [value]
            decimals = next((d for d in range(4) if np.allclose(np.round(locs, d), locs, atol=1e-9)), 3)
            return _numbers(language).number(value, decimals)

    axis.set_major_formatter(LocaleFormatter())


def _no_data(ax: Axes, language: str, *, ticks: bool = False) -> None:
    """Say in the plotting area that there is nothing to draw (and drop the empty axes' ticks)."""
    ax.text(0.5, 0.5, _t("no_data", language), transform=ax.transAxes, ha="center", va="center", color=NOTE,
            fontsize=9)
    if not ticks:
        ax.set_xticks([])
        ax.set_yticks([])


def _dots(ax: Axes, xs: Sequence[float], ys: Sequence[float], radius_pt: float | Sequence[float]) -> list[Bbox]:
    """The pixel boxes of round markers, so that labels keep off them."""
    points = ax.transData.transform(np.column_stack([xs, ys])) if len(xs) else np.empty((0, 2))
    radii = np.broadcast_to(np.asarray(radius_pt, dtype=float), (len(points),)) * _pt(ax)
    return [Bbox.from_extents(x - r, y - r, x + r, y + r) for (x, y), r in zip(points, radii)
            if np.isfinite(x) and np.isfinite(y)]


def _trail(ax: Axes, xs: Sequence[float], ys: Sequence[float], width_px: float = 3.0) -> list[Bbox]:
    """A drawn line as small pixel boxes every few pixels, so that labels keep off it."""
    points = ax.transData.transform(np.column_stack([xs, ys]))
    boxes = []
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if not np.all(np.isfinite([x0, y0, x1, y1])):
            continue
        for s in np.linspace(0, 1, max(int(math.hypot(x1 - x0, y1 - y0) / 3), 1) + 1):
            x, y = x0 + s * (x1 - x0), y0 + s * (y1 - y0)
            boxes.append(Bbox.from_extents(x - width_px, y - width_px, x + width_px, y + width_px))
    return boxes


def _place(ax: Axes, points: Sequence[tuple[float, float]], texts: Sequence[str | Sequence[str]], *,
           avoid: list[Bbox],
           radius_pt: float | Sequence[float] = 4.0, fontsize: float = 8.0, color: str = "black",
           rings: Sequence[float] = (2, 9, 18, 30), prefer: Sequence[int] = ()) -> list[bool]:
    """Put each text beside its point where it covers no other text, nothing in ``avoid`` and stays in the axes.

    Greedy, in the order given (most important first): candidate places ring by ring around the point, each
    ring in the order of ``_AROUND``; the directions in ``prefer`` (indices of ``_AROUND``) are tried on every
    ring before any other; a text given as several versions (e.g. wrapped ever narrower) tries each in turn.
    A text set beyond the first ring gets a thin leader line to its point. ``avoid`` gains every placed
    text. Returns whether each text found a place.
    """
    renderer, pt = _renderer(ax), _pt(ax)
    frame = ax.bbox.padded(-2)
    order = [_AROUND[k] for k in prefer] + [d for k, d in enumerate(_AROUND) if k not in prefer]
    candidates = [(ring, d) for d in order[:len(prefer)] for ring in rings] if prefer else []
    candidates += [(ring, d) for ring in rings for d in order[len(prefer):]]
    radii = np.broadcast_to(np.asarray(radius_pt, dtype=float), (len(points),))
    placed = []
    for (x, y), text, radius in zip(points, texts, radii):
        found = None
        for version, (ring, (dx, dy, ha, va)) in ((v, c) for v in ([text] if isinstance(text, str) else text)
                                                  for c in candidates):
            reach = (radius + ring) * (0.75 if dx and dy else 1.0)
            note = ax.annotate(version, (x, y), xytext=(dx * reach, dy * reach), textcoords="offset points",
                               ha=ha, va=va, fontsize=fontsize, color=color)
            box = note.get_window_extent(renderer)
            if (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
                    and not any(box.overlaps(other) for other in avoid)):
                found = (box, ring)
                break
            note.remove()
        if found:
            avoid.append(found[0].padded(1.5 * pt))
            if found[1] != rings[0]:
                _leader(ax, (x, y), found[0], radius * pt)
        placed.append(found is not None)
    return placed


def _leader(ax: Axes, point: tuple[float, float], box: Bbox, gap_px: float) -> None:
    """A thin line from a point's marker edge to the nearest edge of its label's box."""
    px, py = ax.transData.transform(point)
    qx, qy = min(max(px, box.x0), box.x1), min(max(py, box.y0), box.y1)
    length = math.hypot(qx - px, qy - py)
    if length <= gap_px + 2:
        return
    sx, sy = px + (qx - px) * gap_px / length, py + (qy - py) * gap_px / length
    (x0, y0), (x1, y1) = ax.transData.inverted().transform([(sx, sy), (qx, qy)])
    ax.plot([x0, x1], [y0, y1], color=GREY, linewidth=0.6, scalex=False, scaley=False, zorder=1)


def _patch(colour: str, label: str, **style: Any) -> Any:
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, label=label, **style)


def _marker(colour: str, label: str, **style: Any) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([], [], linestyle="none", marker="o", color=colour, label=label, **style)


# --------------------------------------------------------------------------- charts

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


def _verdict(result: Any, names: pd.Series, language: str) -> tuple[set[str], str]:
    """The stages a lifecycle verdict names, and the verdict in words."""
    if result.verdict == "insufficient" or result.stage not in names.index:
        return set(), _t("lifecycle_insufficient", language)
    if result.verdict == "stage":
        return {result.stage}, names[result.stage]
    first, second = sorted([result.stage, result.runner_up], key=lambda k: result.scores.loc[k, "order"])
    if result.verdict == "transition":
        return {first, second}, _t("lifecycle_transition", language, first=names[first], second=names[second])
    return {result.stage, result.runner_up}, _t("lifecycle_ambiguous", language, first=names[result.stage],
                                               second=names[result.runner_up])


@_chart
def lifecycle_curve(result: Any, *, language: str | None = None, ax: Axes | None = None,
                    title: str | None = None) -> Axes:
    """Adizes' curve with the company's position: each stage's score as a dot, the verdict highlighted.

    The dot's size follows the stage's score; the label by the stage(s) the verdict names gives the share of
    respondent resamples each one wins, which is the uncertainty of the placement. An insufficient verdict
    highlights no stage.

    Parameters
    ----------
    result : cxlib.lifecycle.LifecycleResult
        From :func:`cxlib.lifecycle.diagnose`.
    language : str, optional
        The chart's language; the result's own by default.

    Examples
    --------
    >>> lifecycle_curve(lifecycle.diagnose(client.lifecycle, client.config, language="ru"));   # doctest: +SKIP
    """
    from cxlib.lifecycle import stages

    language = language or result.language
    ax = _axes(ax, (8.0, 4.4))
    scores = result.scores.sort_values("order")
    names = stages(language)["name"].reindex(scores.index).fillna(scores["name"])
    highlighted, verdict = _verdict(result, names, language)
    x = scores["order"].to_numpy(dtype=float)
    score = scores["score"].to_numpy(dtype=float)
    fine = np.linspace(0.6, 10.4, 200)
    shape = lambda t: np.sin(np.pi * (t - 0.5) / 10.5)
    ax.plot(fine, shape(fine), color=GREY, linewidth=2, zorder=1)
    ax.set_xlim(0.4, 10.6)
    ax.set_ylim(-0.25, 1.3)
    y, known = shape(x), np.isfinite(score)
    sizes = 20 + 6 * np.nan_to_num(score)
    colours = [OKABE_ITO[5] if key in highlighted else OKABE_ITO[0] for key in scores.index]
    ax.scatter(x[known], y[known], s=sizes[known], c=np.array(colours)[known], alpha=0.85, zorder=2,
               edgecolors="white")
    radii = np.sqrt(sizes) / 2
    avoid = _dots(ax, x[known], y[known], radii[known]) + _trail(ax, fine, shape(fine))
    _place(ax, list(zip(x[known], y[known])), [_numbers(language).number(s) for s in score[known]], avoid=avoid,
           radius_pt=radii[known], prefer=(1, 5, 4), rings=(2, 6, 12))
    for xi, yi, radius, (key, row) in zip(x, y, radii, scores.iterrows()):
        if key in highlighted:
            _place(ax, [(xi, yi)], [_wrap(_t("wins", language, share=_numbers(language).percent(100 * row["wins"])),
                                          18)], avoid=avoid, radius_pt=radius, color=OKABE_ITO[5], prefer=(3,))
    _xticks(ax, x, names.tolist())
    ax.set_yticks([])
    ax.spines[["left", "top", "right"]].set_visible(False)
    _below(ax, [_marker(OKABE_ITO[0], _t("stage_score", language)),
                *([_marker(OKABE_ITO[5], _t("verdict_stage", language))] if highlighted else [])])
    _title(ax, title or _t("lifecycle_title", language, label=verdict))
    return ax


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
def journey_map(measured: pd.DataFrame, ranked: pd.DataFrame | None = None, *, top: int = 3,
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
def priority_matrix(ranked: pd.DataFrame, *, top: int = 3, language: str = "en", ax: Axes | None = None,
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
