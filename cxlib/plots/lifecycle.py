"""The lifecycle chapter's chart: Adizes' curve with the company's position on it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from cxlib.plots.layout import _axes, _below, _chart, _dots, _marker, _place, _title, _trail, _xticks
from cxlib.plots.palette import GREY, OKABE_ITO
from cxlib.plots.words import _numbers, _t, _wrap


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

    def shape(t: np.ndarray) -> np.ndarray:
        return np.sin(np.pi * (t - 0.5) / 10.5)

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
