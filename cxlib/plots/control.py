"""The control chart (``cxlib.spc``): a metric period by period, its centre, its stepped limits, its signals."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from cxlib.plots.layout import _axes, _below, _chart, _locale_numbers, _no_data, _title, _xticks
from cxlib.plots.palette import GREY, NOTE, OKABE_ITO
from cxlib.plots.survey import _unit
from cxlib.plots.words import _numbers, _t

VALUE, SPECIAL = OKABE_ITO[0], OKABE_ITO[5]  # blue for the metric, vermillion for what signals
NAMES = {"nps": "NPS", "csat": "CSAT", "csi": "CSI", "ces": "CES"}


def _line(label: str, **style: Any) -> Line2D:
    return Line2D([], [], label=label, **style)


def _limits(ax: Axes, x: np.ndarray, table: pd.DataFrame) -> None:
    """Each period's limits across its own slot, joined into steps: a month with fewer answers has wider limits."""
    edges = np.column_stack([x - 0.5, x + 0.5]).ravel()
    for column in ("lower", "upper"):
        ax.plot(edges, np.repeat(table[column].to_numpy(dtype=float), 2), color=GREY, linewidth=1.2, zorder=1)


def _points(ax: Axes, x: np.ndarray, table: pd.DataFrame, small: np.ndarray, beyond: np.ndarray) -> None:
    """The values: a line with dots, hollow where a period is too small to judge, a diamond where it signals."""
    value = table["value"].to_numpy(dtype=float)
    ax.plot(x, value, color=VALUE, linewidth=1.5, zorder=2)
    plain = ~small & ~beyond
    ax.plot(x[plain], value[plain], "o", color=VALUE, markersize=5, zorder=3)
    ax.plot(x[small], value[small], "o", markerfacecolor="white", markeredgecolor=VALUE, markersize=5, zorder=3)
    ax.plot(x[beyond], value[beyond], "D", color=SPECIAL, markersize=8, markeredgecolor="white", zorder=4)


def _handles(language: str, *, shifted: bool, beyond: bool, small: bool, answers: int) -> list[Line2D]:
    """The legend: only what the chart shows."""
    handles = [_line(_t("control_value", language), color=VALUE, marker="o", markersize=5),
               _line(_t("control_shift" if shifted else "control_centre", language),
                     color=SPECIAL if shifted else NOTE, linestyle="--" if shifted else "-"),
               _line(_t("control_limits", language), color=GREY, linewidth=1.2)]
    if beyond:
        handles.append(_line(_t("control_special", language), color=SPECIAL, marker="D", linestyle="none",
                             markersize=7))
    if small:
        handles.append(_line(_t("control_small", language, n=_numbers(language).number(answers)), color=VALUE,
                             marker="o", markerfacecolor="white", linestyle="none", markersize=5))
    return handles


@_chart
def control_chart(table: pd.DataFrame, *, language: str = "en", ax: Axes | None = None,
                  title: str | None = None) -> Axes:
    """A control chart: the value of each period, the centre, the stepped control limits and the signals.

    A period beyond its limits is a vermillion diamond; a run or too few
    crossings (a signal about the whole series) turn the centre line into a
    dashed vermillion one; a period with too few answers to be judged is a
    hollow dot. When the chart cannot be judged at all, the note under the
    legend says why (:func:`cxlib.spc.explain`).

    Parameters
    ----------
    table : DataFrame
        Output of :func:`cxlib.spc.control_chart` (its ``attrs`` included).
    language : {"en", "ru"}
        The chart's words; periods read as people write them (``March 2025``, ``03.2025``).
    title : str, optional
        Instead of the catalogue's title.

    Examples
    --------
    >>> from cxlib import spc
    >>> control_chart(spc.control_chart(client.survey, "nps"), language=client.language);   # doctest: +SKIP
    """
    from cxlib.spc import explain

    ax = _axes(ax, (7.0, 3.6))
    attrs = table.attrs
    heading = title or _t("control_title", language, metric=NAMES.get(attrs.get("metric", ""), ""))
    if table.empty or not table["value"].notna().any():
        _no_data(ax, language)
        _title(ax, heading)
        return ax
    x = np.arange(len(table), dtype=float)
    rules = table["rule"].fillna("").astype(str)
    beyond = rules.str.contains("beyond limits", regex=False).to_numpy()
    small = ((table["n"] > 0) & (table["n"] < attrs.get("min_answers", 0))).to_numpy()
    shifted = bool(rules.str.contains("run|crossings").any())
    _limits(ax, x, table)
    ax.plot([-0.5, len(x) - 0.5], [table["centre"].iloc[0]] * 2, color=SPECIAL if shifted else NOTE,
            linestyle="--" if shifted else "-", linewidth=1.2, zorder=1)
    _points(ax, x, table, small, beyond)
    ax.set_xlim(-0.6, len(x) - 0.4)
    ax.set_ylabel(_unit(str(attrs.get("unit", "")), language))
    ax.grid(axis="y", alpha=0.3)
    _locale_numbers(ax.yaxis, language)
    _xticks(ax, x, [_numbers(language).period(period) for period in table["period"]])
    note = explain(table, language) if "reason" in attrs else ""
    _below(ax, _handles(language, shifted=shifted, beyond=bool(beyond.any()), small=bool(small.any()),
                        answers=int(attrs.get("min_answers", 0))), note)
    _title(ax, heading)
    return ax
