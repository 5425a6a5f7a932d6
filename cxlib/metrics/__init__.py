"""NPS, CSI, CSAT and CES: estimates with honest confidence intervals, tests and sample sizes.

Every function returns an :class:`Estimate` or a :class:`Comparison`, never a
bare float: the value travels with its sample size, its interval, the
interval's level and the method. All statistics work on score *counts* (the
histogram of answers), so the same code serves fifty answers in a classroom
and fifty million counted by a database.

The code lives in one module per job, every name re-exported here:
:mod:`~cxlib.metrics.results` (:class:`Estimate`, :class:`Comparison`),
:mod:`~cxlib.metrics.answers` (raw answers to score counts),
:mod:`~cxlib.metrics.nps_counts` (NPS and its four intervals from counts),
:mod:`~cxlib.metrics.nps_answers` (NPS of raw answers, weighted or not),
:mod:`~cxlib.metrics.proportions` (shares, CSAT), :mod:`~cxlib.metrics.means`
(CSI, CES), :mod:`~cxlib.metrics.comparisons` (two groups, Holm),
:mod:`~cxlib.metrics.sample_size` (answers needed for a margin) and
:mod:`~cxlib.metrics.from_value` (an interval for a value given with its n only).

Choices where the sources disagree, made once here:

* NPS categories: detractors 0–6, passives 7–8, promoters 9–10 (the source
  article's "below six" is a slip; the standard and the kit use 0–6).
* NPS interval default: adjusted Wald (Rocks 2016; MeasuringU): add ¾ promoter,
  1½ passive and ¾ detractor, so n grows by 3. The reported *value* is the raw
  NPS; the interval is centred on the adjusted one, as in Rocks' own package.
* z is the exact normal quantile (1.959964 at 95%), not 1.96; NPS intervals use
  z, means use Student's t with n − 1 degrees of freedom.
* Limits are clipped to what the scale can hold (±100 for NPS, 0–100% for
  shares, the answer scale for means): the clipped part is impossible anyway.
* Every interval holds its own estimate. Where a method centred elsewhere (an
  adjusted centre) would leave the estimate outside, the nearer limit is moved
  to the estimate: the interval only grows, so its coverage can only rise.
* Means of bounded answers (CSI, CES) add half an answer at each end of the
  scale before the t interval, so a sample with no spread still has an
  interval, and skewed answers keep their coverage (see :func:`mean_from_counts`).
* Shares use Wilson's interval with Brown, Cai & DasGupta's (2001) correction
  for one to three answers on either side (see :func:`share`).
* Weighted NPS: the variance of the weighted (ratio) estimator by Taylor
  linearisation, not Kish's effective n, which ignores weights that go with
  the scores (see :func:`nps`).
* The bootstrap draws the histogram (one draw per replicate), never the rows:
  the statistic depends on the counts only, so it is hundreds of times faster.
  It is a Bayesian bootstrap with Jeffreys' prior (Rubin 1981), so that an
  answer group absent from the sample is still possible in the replicates.
* ``docs/coverage.md`` has the measured coverage of every method
  (``bench/bench_coverage.py`` writes it).

Examples
--------
>>> from cxlib.metrics import nps_from_counts
>>> print(nps_from_counts(30, 50, 20))
NPS 10.0 [-3.8, 23.2] (95% CI, n = 100, adjusted Wald)
"""

# The private helpers are re-exported too (``import x as x``), under the names they had before the split.
from cxlib.metrics.answers import _as_array as _as_array
from cxlib.metrics.answers import nps_groups, score_counts
from cxlib.metrics.comparisons import _nps_counts_of as _nps_counts_of
from cxlib.metrics.comparisons import holm, mean_diff, nps_diff, share_diff
from cxlib.metrics.from_value import _MEAN_UNIT as _MEAN_UNIT
from cxlib.metrics.from_value import interval_from_value
from cxlib.metrics.means import MEAN_ADJUSTMENT, MEAN_METHODS, ces, csi, mean_from_counts
from cxlib.metrics.means import _mean_interval as _mean_interval
from cxlib.metrics.nps_answers import _weighted_nps as _weighted_nps
from cxlib.metrics.nps_answers import nps
from cxlib.metrics.nps_counts import (
    ADJUSTMENT,
    BOOTSTRAP_REPLICATES,
    BOOTSTRAP_SEED,
    JEFFREYS_PRIOR,
    NPS_METHODS,
    nps_from_counts,
)
from cxlib.metrics.nps_counts import _bayesian_bootstrap as _bayesian_bootstrap
from cxlib.metrics.nps_counts import _tango_limits as _tango_limits
from cxlib.metrics.nps_counts import _trinomial as _trinomial
from cxlib.metrics.proportions import csat, share, wilson_interval
from cxlib.metrics.results import METHOD_NAMES, Comparison, Estimate
from cxlib.metrics.results import _containing as _containing
from cxlib.metrics.results import _nan_estimate as _nan_estimate
from cxlib.metrics.results import _z as _z
from cxlib.metrics.sample_size import _chance_within_margin as _chance_within_margin
from cxlib.metrics.sample_size import nps_sample_size

__all__ = [
    "ADJUSTMENT", "BOOTSTRAP_REPLICATES", "BOOTSTRAP_SEED", "JEFFREYS_PRIOR", "MEAN_ADJUSTMENT", "MEAN_METHODS",
    "METHOD_NAMES", "NPS_METHODS", "Comparison", "Estimate", "ces", "csat", "csi", "holm", "interval_from_value",
    "mean_diff", "mean_from_counts", "nps", "nps_diff", "nps_from_counts", "nps_groups", "nps_sample_size",
    "score_counts", "share", "share_diff", "wilson_interval",
]
