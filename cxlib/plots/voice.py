"""What customers say: each topic's share of comments per group, with intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from cxlib import catalog
from cxlib.plots.layout import _axes, _chart
from cxlib.plots.palette import OKABE_ITO


@_chart
def topic_chart(shares: pd.DataFrame, *, language: str = "en", ax: Axes | None = None,
                title: str | None = None) -> Axes:
    """Each topic's share of comments per group as dots with their intervals, topics down the side.

    Parameters
    ----------
    shares : DataFrame
        Output of :func:`cxlib.voice.topic_shares` (``name``, ``group``, ``share``, ``low``, ``high``).

    Examples
    --------
    >>> topic_chart(voice.topic_shares(client.survey, tagged), language=client.language);   # doctest: +SKIP
    """
    names = list(dict.fromkeys(shares["name"]))[::-1]
    groups = list(dict.fromkeys(shares["group"]))
    ax = _axes(ax, (7.0, 0.35 * len(names) + 1.2))
    for k, group in enumerate(groups):
        part = shares[shares["group"] == group].set_index("name").reindex(names)
        y = np.arange(len(names)) + (k - (len(groups) - 1) / 2) * 0.8 / max(len(groups), 1)
        error = [(part[a] - part[b]).clip(lower=0).fillna(0) for a, b in (("share", "low"), ("high", "share"))]
        ax.errorbar(part["share"], y, xerr=error, fmt="o", markersize=4, capsize=2, label=group,
                    color=OKABE_ITO[k % len(OKABE_ITO)])
    ax.set_yticks(range(len(names)), names)
    words = catalog.load("topics")["words"]
    ax.set_xlabel(catalog.label(words, language, "chart_axis"))
    ax.legend(fontsize="small", loc="lower right")
    ax.set_title(title or catalog.label(words, language, "chart_title"))
    ax.grid(axis="x", alpha=0.3)
    return ax
