"""Where the charts' texts go: point labels, tick labels, legends, notes and titles, placed so none overlaps.

The kit places its chart labels itself, with the helpers below, rather than with the adjustText library
(which moves labels apart iteratively, to *minimise* overlaps). What the charts need, and these helpers do:

* **A place or a number, never a collision.** :func:`_place` tries fixed places around each point, ring by
  ring (right, above, left, below, then the diagonals; a ring's distance grows from the marker's edge), and
  keeps the first whose measured pixel box stays inside the axes and covers no placed text, no marker
  (:func:`_dots`) and no drawn line (:func:`_trail`). A label may offer narrower wrappings to try in turn; one
  set beyond the first ring gets a thin leader line (:func:`_leader`). A label that finds no room is not
  squeezed in: :func:`_place` says so, and the priority matrix (``cxlib.plots.journey._name_points``) then
  numbers the crowded points and names them in a key under the chart. Labels are placed most important first,
  so it is the least important that become numbers.
* **Tick labels, which are beyond adjustText's job.** :func:`_xticks` keeps labels level and wrapped to their slot
  when they fit, else slants them at the smallest angle at which neighbouring labels, as rotated strips, clear
  each other (at least 30°), in smaller type if even upright they would touch; :func:`_yticks` wraps row labels
  and shrinks their type until neighbouring rows clear each other. ``tests/test_plots.py`` checks every text
  as the rotated rectangle it is, not its upright bounding box.
* **Legends and notes off the data.** :func:`_below` stacks the legend (as many columns as fit the axes'
  width), then a wrapped note, under everything already under the plotting area; :func:`_title` wraps the
  title and raises it above any text drawn over the axes.
* **Determinism.** No iteration budget, no forces, no randomness: the same table on the same figure gives
  the same chart, so the tests can measure it and a re-run report does not move its labels.

Every box is measured in the figure's own pixels (``get_window_extent``), so a chart should be drawn on an
Axes whose size is final.
"""

from __future__ import annotations

import functools
import itertools
import math
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.transforms import Bbox

from cxlib.plots.palette import GREY, NOTE
from cxlib.plots.words import _numbers, _t, _wrap

# Candidate places around a point, nearest first: right, above, left, below, then the diagonals.
_AROUND = [(1, 0, "left", "center"), (0, 1, "center", "bottom"), (-1, 0, "right", "center"),
           (0, -1, "center", "top"), (1, 1, "left", "bottom"), (-1, 1, "right", "bottom"),
           (1, -1, "left", "top"), (-1, -1, "right", "top")]


def _chart(function: Callable[..., Axes]) -> Callable[..., Axes]:
    """Draw a chart's texts as plain text: a ``$`` in a client's label must not switch to math mode."""
    @functools.wraps(function)
    def draw(*args: Any, **kwargs: Any) -> Axes:
        # Only this one setting is set and restored: plt.rc_context restores every rcParam on exit, the backend
        # too, and in a notebook that leaves every later chart undrawn.
        previous = matplotlib.rcParams["text.parse_math"]
        matplotlib.rcParams["text.parse_math"] = False
        try:
            return function(*args, **kwargs)
        finally:
            matplotlib.rcParams["text.parse_math"] = previous
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
