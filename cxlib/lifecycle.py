"""Placing a company on Adizes' lifecycle curve from a questionnaire, transparently.

Several people at the client (the owner, managers, front-line staff) rate
statements tied to the ten stages from 1 (disagree) to 5 (agree). Each
answer becomes 0…1; a respondent's stage score is the weighted mean of their
answers to that stage's statements; the company's score is the mean over
respondents. The verdict names the most likely stage, the runner-up and the
margin between them, and says "transition" or "ambiguous" when the data do not
support a single stage. Resampling respondents and statements shows how
stable the verdict is.

The verdict is "insufficient" when the answers cannot carry a placement:
too few respondents, stages too thinly answered, no stage standing out, a
lead that answers given at random would often show, or a placement that
does not survive resampling. The result then says which rule failed, in
one sentence in the client's language, and names no stage. Respondents who
answered every statement alike (or nearly) are listed and set aside.

Everything the scoring uses (statements, stages, weights, thresholds, the
sentences) is in ``cxlib/catalog/lifecycle.toml``; a consultant overrides it
from ``client.toml`` under ``[overrides.lifecycle]`` (thresholds under
``[overrides.lifecycle.scoring]``).

The work lives in modules named for what they do, re-exported here:
:mod:`cxlib.lifecycle_questionnaire` (stages, statements, settings),
:mod:`cxlib.lifecycle_scoring` (stage scores, straight-liners, resampling, the
permutation test, Kendall's W), :mod:`cxlib.lifecycle_result`
(:class:`LifecycleResult`) and :mod:`cxlib.lifecycle_verdict` (:func:`diagnose`
and its evidence rules).

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                                      # doctest: +SKIP
>>> result = cxlib.lifecycle.diagnose(client.lifecycle, client.config)          # doctest: +SKIP
>>> print(result)                                                                # doctest: +SKIP
Go-Go (margin 21 points over Adolescence; stable in 100% of resamples; 10 respondents)
"""

from __future__ import annotations

from cxlib.lifecycle_questionnaire import RULES, _text, questionnaire, settings, stages  # noqa: F401
from cxlib.lifecycle_result import LifecycleResult
from cxlib.lifecycle_scoring import (  # noqa: F401 - the private helpers stay importable from here
    _chance,
    _Design,
    _design,
    _kendall_w,
    _mean_over_respondents,
    _modal_share,
    _resampled,
    _signal,
    _stage_scores,
    _straight_liners,
)
from cxlib.lifecycle_verdict import (  # noqa: F401 - the private helpers stay importable from here
    _evaluate,
    _evidence,
    _Fit,
    _fit,
    _respondent_tables,
    _respondents_reason,
    _rules,
    _scores,
    _shape,
    diagnose,
)

__all__ = ["RULES", "LifecycleResult", "diagnose", "questionnaire", "settings", "stages"]
