"""The charts' colours: one palette, Okabe–Ito, safe for colour-blind readers.

Detractor, passive and promoter are never red against green; a scorecard's statuses are blue (met), vermillion
(behind) and greys (undecided), so that no chart needs colour alone to be read.
"""

from __future__ import annotations

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
NPS_COLOURS = {"promoter": "#009E73", "passive": "#999999", "detractor": "#D55E00"}
STATUS_COLOURS = {"met": "#0072B2", "behind": "#D55E00", "insufficient data": "#BBBBBB", "no target": "#F2F2F2",
                  "information": "#F2F2F2"}
GREY, NOTE = "#999999", "#555555"
