"""The customer journey: awareness → evaluation & choice → purchase → experience → loyalty.

The goal of customer service in the source method is a seamless move through
the five stages; its tasks sit at the touchpoints where customers struggle.
This module measures each touchpoint (reusing :mod:`cxlib.metrics` for every
interval), ranks the pain points by the score written in
``cxlib/catalog/journey.toml`` ``[priority]``, scores mystery-shopping visits,
and links the survey's low scores to the stages they name.

A blank count in ``journey.csv`` is *unknown*, never zero: every share built on
it is unknown (NaN in the tables), each table's ``unknown`` column names the
blank inputs of its row, and :func:`as_text` prints the word "unknown" (or
"n/a" for a share with nothing to count, such as announced delays when there
were none) instead of ``nan``.

The work lives in four modules named for what they do, re-exported here:
:mod:`cxlib.journey_measure` (funnel, touchpoints, survey links),
:mod:`cxlib.journey_priority` (the priority score, importance–performance),
:mod:`cxlib.journey_text` (:func:`as_text`) and :mod:`cxlib.journey_mystery`
(mystery-shopping scores).

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                          # doctest: +SKIP
>>> print(cxlib.journey.as_text(cxlib.journey.touchpoints(client.journey), ["name", "satisfied"]))  # doctest: +SKIP
"""

from __future__ import annotations

from cxlib.journey_measure import (  # noqa: F401 - the private helpers stay importable from here
    _COUNTS,
    _TOUCHPOINT_COLUMNS,
    INPUTS,
    UNKNOWN_NAMES,
    _blank,
    _nps_answers,
    _numbers,
    _ordered,
    _poisson_rate,
    _share_columns,
    _stage_order,
    funnel,
    stage_names,
    survey_links,
    touchpoint_name,
    touchpoints,
    word,
)
from cxlib.journey_mystery import mystery_criteria, mystery_scores, mystery_visits
from cxlib.journey_priority import (  # noqa: F401 - the private helpers stay importable from here
    COMPONENTS,
    _basis_note,
    _component,
    _driver_basis,
    _impact_inputs,
    _quadrants,
    _ranked,
    _score,
    importance_performance,
    priorities,
    priority_formula,
    priority_spec,
)
from cxlib.journey_text import DEPENDS, as_text

__all__ = [
    "COMPONENTS", "DEPENDS", "INPUTS", "UNKNOWN_NAMES",
    "as_text", "funnel", "importance_performance", "mystery_criteria", "mystery_scores", "mystery_visits",
    "priorities", "priority_formula", "priority_spec", "stage_names", "survey_links", "touchpoint_name",
    "touchpoints", "word",
]
