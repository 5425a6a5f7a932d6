"""The key-driver chart (``cxlib.drivers``): each attribute's share of what explains the outcome, and how it performs.

Words come from ``[charts]`` of ``cxlib/catalog/drivers.toml`` in the client's language; attribute names are the
client's own (client.toml ``[ratings.<attribute>] name_<language>``), drawn through ``as_drawn``.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from mpl_toolkits.axes_grid1 import make_axes_locatable

from cxlib import catalog
from cxlib.plots.layout import (
    _axes,
    _below,
    _chars,
    _chart,
    _locale_numbers,
    _marker,
    _no_data,
    _patch,
    _rows_height,
    _title,
    _yticks,
)
from cxlib.plots.palette import GREY, NOTE, OKABE_ITO
from cxlib.plots.words import _numbers, _wrap, as_drawn

SHARE, KEY, PERFORMANCE = OKABE_ITO[0], OKABE_ITO[5], OKABE_ITO[7]  # blue bars, vermillion key drivers, black dots
NAMES = {"nps": "NPS", "csat": "CSAT", "csi": "CSI", "ces": "CES"}


def _w(key: str, language: str, **values: object) -> str:
    """A chart text in the client's language (``cxlib/catalog/drivers.toml`` [charts])."""
    return catalog.label(catalog.load("drivers")["charts"], language, key).format(**values)


def _xlabel(ax: Axes, text: str) -> None:
    """An axis label wrapped to its own axes' width, so the two panels' labels never meet."""
    ax.set_xlabel(_wrap(text, _chars(ax, ax.bbox.width, 8)), fontsize=8)


def _whiskers(ax: Axes, y: np.ndarray, low: pd.Series, high: pd.Series, colour: str) -> None:
    known = low.notna().to_numpy() & high.notna().to_numpy()
    ax.hlines(y[known], low[known], high[known], color=colour, linewidth=1.2, zorder=3)


def _performance(ax: Axes, y: np.ndarray, table: pd.DataFrame, language: str) -> None:
    """Top-box share of each attribute with its Wilson interval, on its own 0–100 axis beside the shares."""
    _whiskers(ax, y, table["top_box_low"], table["top_box_high"], GREY)
    ax.plot(table["top_box"], y, "o", color=PERFORMANCE, markersize=5, zorder=4)
    for yi, value in zip(y, table["top_box"]):
        if pd.notna(value):
            ax.annotate(_numbers(language).number(value), (value, yi), xytext=(0, 5), textcoords="offset points",
                        ha="center", va="bottom", fontsize=7.5, color=NOTE)
    ax.set_xlim(0, 100)
    _xlabel(ax, _w("drivers_top_box", language))
    ax.tick_params(axis="y", left=False, labelleft=False)
    ax.grid(axis="x", alpha=0.3)
    _locale_numbers(ax.xaxis, language)


@_chart
def driver_chart(table: pd.DataFrame, *, key: Collection[str] = (), language: str = "en", ax: Axes | None = None,
                 title: str | None = None) -> Axes:
    """Key drivers: each attribute's share of R² with its interval (bars), its top-box share beside (dots).

    The dashed line is an equal share (100/k); an attribute whose key-driver claim held in the report's family
    (``key``) is a vermillion, hatched bar, so colour is never the only cue. Bars carry their shares.

    Parameters
    ----------
    table : DataFrame
        :func:`cxlib.drivers.key_drivers` (or :func:`~cxlib.drivers.relative_importance`): ``driver``, ``share``
        with ``share_low``/``share_high``, ``top_box`` with its limits, and ``name`` when it has one.
    key : collection of str
        The ``driver`` columns stated as key drivers (significant claims of the family).
    language : {"en", "ru"}
    title : str, optional
        Instead of the catalogue's title.

    Returns
    -------
    Axes
        The shares' axes; the performance panel is appended to its right.

    Examples
    --------
    >>> driver_chart(cxlib.drivers.key_drivers(client), key={"rating_communication"}, language="en");  # doctest: +SKIP
    """
    outcome = NAMES.get(table.attrs.get("outcome", ""), table.attrs.get("outcome", ""))
    heading = title or _w("drivers_title", language, outcome=outcome)
    names = table["name"] if "name" in table else table["driver"]
    labels = [as_drawn(str(name)) for name in names]
    ax = _axes(ax, (7.5, 1.6 + len(labels) * _rows_height(labels, 28)))
    if table.empty:
        _no_data(ax, language)
        _title(ax, heading)
        return ax
    y = np.arange(len(table))[::-1].astype(float)  # largest share on top
    stated = table["driver"].isin(set(key)).to_numpy()
    ax.barh(y, table["share"], color=np.where(stated, KEY, SHARE), hatch=None, height=0.6, zorder=2)
    for bar, hatched in zip(ax.patches, stated):
        bar.set_hatch("//" if hatched else None)
        bar.set_edgecolor("white")
    _whiskers(ax, y, table["share_low"], table["share_high"], NOTE)
    equal = 100 / len(table)
    ax.axvline(equal, color=GREY, linestyle="--", linewidth=1.0, zorder=1)
    right = float(np.nanmax([table["share_high"].max(), table["share"].max(), equal]))
    for yi, value in zip(y, table["share"]):
        ax.annotate(_numbers(language).number(value), (0, yi), xytext=(3, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=7.5, color="white", fontweight="bold", zorder=4)
    ax.set_xlim(0, right * 1.08)
    ax.grid(axis="x", alpha=0.3)
    _locale_numbers(ax.xaxis, language)
    _yticks(ax, y, labels, width=28)
    side = make_axes_locatable(ax).append_axes("right", size="55%", pad=0.15, sharey=ax)
    ax.figure.canvas.draw()  # the divider sets both panels' widths at drawing time; labels wrap to them
    _xlabel(ax, _w("drivers_share", language, outcome=outcome))
    _performance(side, y, table, language)
    handles = [_patch(SHARE, _w("drivers_legend_share", language)),
               _marker(PERFORMANCE, _w("drivers_legend_top_box", language)),
               _patch("white", _w("drivers_legend_equal", language, k=len(table)), edgecolor=GREY, linestyle="--")]
    if stated.any():
        handles.insert(1, _patch(KEY, _w("drivers_legend_key", language), hatch="//", edgecolor="white"))
    _below(ax, handles, _w("drivers_note", language, n=_numbers(language).number(table.attrs.get("n", np.nan))))
    _title(ax, heading)
    return ax
