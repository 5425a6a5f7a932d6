"""The four-components section's chart: managers' and staff's mean scores per component, with intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from cxlib.plots.layout import (
    _axes,
    _below,
    _chart,
    _locale_numbers,
    _no_data,
    _title,
    _yticks,
)
from cxlib.plots.palette import OKABE_ITO

GROUPS = {"managers": (OKABE_ITO[0], "o", 0.14), "staff": (OKABE_ITO[5], "s", -0.14)}  # colour, marker, offset


def _text(key: str, language: str) -> str:
    """A text of the ``[charts]`` table of ``cxlib/catalog/chapters/components.toml``."""
    from cxlib import catalog

    return catalog.label(catalog.load("chapters/components")["charts"], language, key)


def _legend_entry(colour: str, marker: str, label: str) -> Line2D:
    """A legend entry with the group's own marker, so colour is not the only cue."""
    return Line2D([], [], linestyle="none", marker=marker, color=colour, label=label)


@_chart
def components_gap(scores: pd.DataFrame, *, language: str = "en", ax: Axes | None = None,
                   title: str | None = None) -> Axes:
    """Managers' (blue circle) and staff's (vermillion square) mean score per component, each with its interval.

    Parameters
    ----------
    scores : DataFrame
        ``ComponentsResult.scores`` from :func:`cxlib.components.assess`: ``component``, ``name``, ``group``,
        ``score``, ``low``, ``high``.
    language : {"en", "ru"}
        The chart's language (component names come with ``scores``).

    Examples
    --------
    >>> components_gap(components.assess(client.components).scores);        # doctest: +SKIP
    """
    ax = _axes(ax, (7.0, 3.6))
    names = list(dict.fromkeys(scores["name"]))[::-1]  # the method's order, top to bottom
    ax.set_xlim(0.9, 5.1)
    ax.set_ylim(-0.6, max(len(names), 1) - 0.4)
    if scores.empty or scores["score"].isna().all():
        _no_data(ax, language)
        _title(ax, title or _text("title", language))
        return ax
    for group, (colour, marker, offset) in GROUPS.items():
        part = scores[scores["group"] == group].set_index("name").reindex(names)
        y = np.arange(len(names)) + offset
        known = part["low"].notna() & part["high"].notna()
        ax.hlines(y[known.to_numpy()], part["low"][known], part["high"][known], color=colour, linewidth=2)
        ax.scatter(part["score"], y, color=colour, marker=marker, s=36, zorder=3, edgecolors="white")
    _yticks(ax, range(len(names)), names, width=30)
    ax.set_xticks([1, 2, 3, 4, 5])
    _locale_numbers(ax.xaxis, language)
    ax.set_xlabel(_text("axis", language), fontsize=9)
    ax.grid(axis="x", color="#EEEEEE")
    ax.spines[["top", "right"]].set_visible(False)
    _below(ax, [_legend_entry(colour, marker, _text(group, language)) for group, (colour, marker, _) in
                GROUPS.items()])
    _title(ax, title or _text("title", language))
    return ax
