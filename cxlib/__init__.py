"""cxlib: the helper package of the CX diagnosis kit.

Notebooks tell the story; cxlib computes. Loading lives in :mod:`cxlib.client`,
the method in one module per chapter, the methodology itself as data in
:mod:`cxlib.catalog`.
"""

from cxlib import check, claims, diagnosis, journey, lifecycle, scorecard
from cxlib.client import Client, DataError, Problem, SourceInfo, load_client, period_labels
from cxlib.loyalty import loyalty_matrix, value_tiers
from cxlib.metrics import (
    Comparison,
    Estimate,
    ces,
    csat,
    csi,
    holm,
    mean_diff,
    nps,
    nps_diff,
    nps_from_counts,
    nps_sample_size,
    share,
    share_diff,
)
from cxlib.notebook import setup_notebook, show, text_table
from cxlib.survey import (
    changes,
    closed_loop,
    compare,
    estimate,
    nps_composition,
    reasons,
    summarize,
    versus_rest,
)

__all__ = [
    "check", "diagnosis", "journey", "lifecycle", "scorecard",
    "claims",
    "Client", "DataError", "Problem", "SourceInfo", "load_client", "period_labels",
    "setup_notebook", "show", "text_table",
    "Comparison", "Estimate", "ces", "csat", "csi", "holm", "mean_diff", "nps", "nps_diff", "nps_from_counts",
    "nps_sample_size", "share", "share_diff",
    "changes", "closed_loop", "compare", "estimate", "loyalty_matrix", "nps_composition", "reasons", "summarize",
    "value_tiers", "versus_rest",
]
__version__ = "0.1.0"
