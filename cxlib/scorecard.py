"""The balanced-scorecard check of customer service at four levels.

Financial, customer, operational, learning & growth (METHODOLOGY.md section 2).
Each metric is judged three ways, each flag kept separate:

* against its **target**: met, behind, or "insufficient data" when the metric
  is an estimate from a sample and its interval straddles the target;
* against an outside **benchmark**, the same way;
* by its **trend** over the periods. A value that is an estimate from a
  sample (a survey-based metric, or any row with its ``n`` and an interval)
  carries its sampling error, so its trend is a weighted least-squares line
  (each period weighted by ``1/SE²``, :func:`cxlib.claims.weighted_trend`)
  and "worsening" is a claim: the slope points the bad way and its p-value,
  Holm-adjusted with the other claims (the scorecard's own, or the whole
  diagnosis's family when :func:`cxlib.diagnosis.diagnose` passes
  ``claims``), is below ``1 − level``. A value given without ``n`` has no
  known sampling error: its trend is an ordinary regression through the
  values, flagged with p below the catalogue's ``trend_p`` and labelled
  *descriptive*.

The flags and the catalogue's texts give each level the four lists of a
certification report: strengths, weaknesses, risks, areas for improvement.

The work lives in modules named for what they do, re-exported here:
:mod:`cxlib.scorecard_metrics` (the catalogue's metrics and those derived from
the client's files), :mod:`cxlib.scorecard_judge` (each value against its
target, band and benchmark), :mod:`cxlib.scorecard_trends` (worsening or
improving, and the trends as claims) and :mod:`cxlib.scorecard_assess`
(:func:`assess`, :class:`ScorecardResult`, :func:`delivery_gap`).

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                        # doctest: +SKIP
>>> card = cxlib.scorecard.assess(client)                           # doctest: +SKIP
>>> card.levels[["score", "met", "behind", "worsening"]]           # doctest: +SKIP
"""

from __future__ import annotations

from cxlib.scorecard_assess import (  # noqa: F401 - the private helpers stay importable from here
    ScorecardResult,
    _lists,
    _summarise,
    assess,
    delivery_gap,
    format_value,
    rejudge,
)
from cxlib.scorecard_judge import STATUS_ORDER, _judge, _standard_errors, combine  # noqa: F401
from cxlib.scorecard_metrics import _survey_interval, derive, levels, metric_catalog  # noqa: F401
from cxlib.scorecard_trends import (  # noqa: F401 - the private helpers stay importable from here
    TREND_COLUMNS,
    _claim_of,
    _from_survey,
    _trend_row,
    trend_claims,
    trends,
)

__all__ = [
    "STATUS_ORDER", "TREND_COLUMNS", "ScorecardResult", "assess", "combine", "delivery_gap", "derive",
    "format_value", "levels", "metric_catalog", "rejudge", "trend_claims", "trends",
]
