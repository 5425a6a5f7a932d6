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

The charts live by chapter: ``survey`` (:func:`intervals`, :func:`composition`,
:func:`loyalty_matrix`), ``lifecycle`` (:func:`lifecycle_curve`), ``scorecard``
(:func:`scorecard_heatmap`) and ``journey`` (:func:`funnel`, :func:`journey_map`,
:func:`priority_matrix`); they share ``palette`` (the colours), ``words`` (the
catalogue's texts and the client's words for codes) and ``layout`` (where every
text goes, and why the kit places labels itself). Import them from here.

Examples
--------
>>> import cxlib, cxlib.plots
>>> table = cxlib.summarize(client.survey, by=["period", "channel"], metrics=["nps"])   # doctest: +SKIP
>>> cxlib.plots.intervals(table, x="period", hue="channel", language=client.language,
...                       label=client.label);                                         # doctest: +SKIP
"""

from __future__ import annotations

from cxlib.plots.control import control_chart
from cxlib.plots.drivers import driver_chart
from cxlib.plots.journey import funnel, journey_map, priority_matrix
from cxlib.plots.lifecycle import lifecycle_curve
from cxlib.plots.palette import GREY, NOTE, NPS_COLOURS, OKABE_ITO, STATUS_COLOURS
from cxlib.plots.scorecard import scorecard_heatmap
from cxlib.plots.survey import composition, intervals, loyalty_matrix
from cxlib.plots.voice import topic_chart
from cxlib.plots.words import Label

__all__ = [
    "GREY",
    "NOTE",
    "NPS_COLOURS",
    "OKABE_ITO",
    "STATUS_COLOURS",
    "Label",
    "composition",
    "control_chart",
    "driver_chart",
    "funnel",
    "intervals",
    "journey_map",
    "lifecycle_curve",
    "loyalty_matrix",
    "topic_chart",
    "priority_matrix",
    "scorecard_heatmap",
]
