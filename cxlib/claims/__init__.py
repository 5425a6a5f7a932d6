"""One family of claims: every change the diagnosis states, tested together.

A diagnosis that tests NPS, CSAT, CSI and CES, company-wide and in every
channel and segment, period after period, makes well over a hundred
comparisons. Corrected table by table, some of them come out "significant" by
chance in most reports. This package builds every comparison the diagnosis may
state as one tidy table (one row per claim) and controls the chance of even
one false claim across the whole table.

The procedure, in three parts:

* **Each claim is a contrast of independent cell estimates** (one metric in
  one period for one group of answers), tested with the metric's own
  standard error: the adjusted-Wald NPS (Rocks 2016; :mod:`cxlib.metrics`),
  the Agresti–Caffo share for CSAT (one satisfied and one unsatisfied
  pseudo-answer per cell) and the mean with Welch–Satterthwaite degrees of
  freedom for CSI and CES. A change between two periods is the contrast
  ``later − earlier``; for NPS and the means it is exactly
  :func:`cxlib.metrics.nps_diff` and :func:`cxlib.metrics.mean_diff`.
* **Three kinds of change**: ``period-on-period`` (adjacent periods),
  ``first-to-last`` (the first period against the last, with three periods or
  more) and ``trend`` (a weighted least-squares line through the period
  estimates, each weighted by its information ``1/SE²``, testing the slope;
  when the periods scatter about the line more than their sampling error
  allows, the slope's variance is inflated by that excess, never deflated).
  A period with three answers weighs what three answers weigh. For CSI and
  CES the slope is judged by a t distribution with its Welch–Satterthwaite
  degrees of freedom, since periods of a few answers only estimate their
  standard errors (taken as known, 10.6% of trends through four periods of
  three answers were "significant" at 5% when nothing changed; now 4.5%).
* **Enough answers to compare.** A period is compared only where the group
  (and the rest of the company) holds at least ``[claims] min_answers`` (30)
  answers in it; a trend leaves thinner periods out, and what is left untested
  is counted in one sentence. The tests' approximations hold far into the
  tail, where Holm's threshold over hundreds of claims sits, only from about
  there: 60 channels of 8 answers a period gave false claims in 6.5% of
  simulated reports when tested from two answers, 1.3% with the minimum.
* **Attribution by interaction.** A change is named as a group's (a channel's,
  a segment's) only when the group changed *and* its change differs from the
  change of all other answers (``group's change − rest's change``, its SE from
  the four cells), both in the same direction. Both tests must reject: an
  intersection–union test, whose p-value is the larger of the two and needs no
  further correction. Otherwise the change is the company's.

Every claim then enters **one Holm step-down adjustment over the whole
family** (all metrics, all kinds, company-wide and by group, plus whatever the
caller adds: the scorecard's trends, the value-tier and delivery-gap tests).
Holm controls the family-wise error rate under any dependence between the
tests, which these have plenty of (a period appears in two adjacent changes;
a channel is part of the company). Intervals are per claim, at ``level``,
unadjusted; the claim itself rests on ``p_adjusted``.

The package, by what each part does:

* :mod:`~cxlib.claims.schema`: the metrics, kinds of change, the table's
  columns and each metric's scale;
* :mod:`~cxlib.claims.contrasts`: cell estimates and their contrasts
  (:func:`contrast`, :func:`interaction`);
* :mod:`~cxlib.claims.trend`: the weighted trend (:func:`weighted_trend`);
* :mod:`~cxlib.claims.counts`: the survey as answer counts
  (:func:`long_counts`, :func:`answers_by_period`, :func:`headline_periods`);
* :mod:`~cxlib.claims.changes`: every change tested, company-wide and by
  group (:func:`collect`);
* :mod:`~cxlib.claims.adjustment`: the (weighted) Holm adjustment and the
  family (:func:`adjust`, :func:`weighted_holm`, :func:`family`).

Import from ``cxlib.claims``: every name it had as one module is re-exported here.

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                                # doctest: +SKIP
>>> table = cxlib.claims.family(client.answers, periods=client.periods,
...                             scales=client.config["scales"])            # doctest: +SKIP
>>> table[table["significant"]][["metric", "group", "kind", "from", "to", "diff", "p_adjusted"]]  # doctest: +SKIP
"""

from __future__ import annotations

# Every name the single module had is here, its private helpers included (``import x as x``); a test that
# patches a helper patches it in its own module, where the functions that use it look it up.
from cxlib.claims.adjustment import adjust, family, weighted_holm
from cxlib.claims.changes import _block as _block
from cxlib.claims.changes import _pairs as _pairs
from cxlib.claims.changes import _tests as _tests
from cxlib.claims.changes import collect
from cxlib.claims.contrasts import Contrast, contrast, interaction
from cxlib.claims.contrasts import _as_counts as _as_counts
from cxlib.claims.contrasts import _combine as _combine
from cxlib.claims.contrasts import _estimates as _estimates
from cxlib.claims.contrasts import _quantile as _quantile
from cxlib.claims.contrasts import _two_sided as _two_sided
from cxlib.claims.counts import _codes as _codes
from cxlib.claims.counts import _histogram as _histogram
from cxlib.claims.counts import _long_arrays as _long_arrays
from cxlib.claims.counts import answered, answers_by_period, headline_periods, long_counts
from cxlib.claims.schema import (
    COLUMNS,
    COMPANY,
    GROUPS,
    KINDS,
    METHODS,
    METRICS,
    MIN_ANSWERS,
    MIN_PERIODS,
    TREND_METHOD,
    higher_is_better,
    scale_of,
)
from cxlib.claims.schema import _unit as _unit
from cxlib.claims.trend import Trend, weighted_trend
from cxlib.claims.trend import _trend_arrays as _trend_arrays
from cxlib.scales import CSI_SATISFIED

__all__ = ["COLUMNS", "COMPANY", "CSI_SATISFIED", "GROUPS", "KINDS", "METHODS", "METRICS", "MIN_ANSWERS",
           "MIN_PERIODS", "TREND_METHOD", "Contrast", "Trend", "adjust", "answered", "answers_by_period", "collect",
           "contrast", "family", "headline_periods", "higher_is_better", "interaction", "long_counts", "scale_of",
           "weighted_holm", "weighted_trend"]
