"""The answer scales and the NPS groups, read once from the catalogue.

The NPS cut points live in ``cxlib/catalog/scales.toml`` and the scales' ranges in the survey columns of
``contract.toml``; code that splits answers into promoters, passives and detractors calls these functions
instead of writing 6, 7 or 9 (``tests/test_catalog_literals.py`` holds the code to that).

Examples
--------
>>> import numpy as np
>>> counts = np.bincount([10, 9, 8, 6, 0], minlength=11)
>>> [int(n) for n in nps_group_counts(counts)]
[2, 1, 2]
>>> nps_group(np.array([10, 7, 3])).tolist()
['promoter', 'passive', 'detractor']
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cxlib import catalog


def _column_range(table: str, name: str) -> tuple[int, int]:
    column = next(c for c in catalog.contract()[table]["columns"] if c["name"] == name)
    return int(column["min"]), int(column["max"])


NPS_SCALE = _column_range("survey", "nps")
CSI_SCALE = _column_range("survey", "csi")
DETRACTOR_MAX = int(catalog.load("scales")["nps"]["detractor_max"])
PROMOTER_MIN = int(catalog.load("scales")["nps"]["promoter_min"])
NPS_GROUPS = ("promoter", "passive", "detractor")
CES_DEFAULT = dict(catalog.load("scales")["ces"])
CSI_SATISFIED = int(catalog.load("scales")["csi"]["satisfied_min"])
CSAT_SCALE = (0, 1)  # CSAT as the loader reads it: 1 satisfied, 0 not
CES_SCALE = (int(CES_DEFAULT["min"]), int(CES_DEFAULT["max"]))


def _ces(scales: dict[str, Any] | None) -> dict[str, Any]:
    """The client's ``[scales.ces]`` over the usual scale."""
    return {**CES_DEFAULT, **((scales or {}).get("ces") or {})}


def answer_scale(metric: str, scales: dict[str, Any] | None = None) -> tuple[int, int]:
    """The answer scale a metric is read on: NPS and CSI from the contract, CSAT 0–1 (satisfied or not), CES from
    the client's ``[scales.ces]`` or the usual 1–7.

    Examples
    --------
    >>> answer_scale("nps"), answer_scale("ces"), answer_scale("ces", {"ces": {"min": 1, "max": 5}})
    ((0, 10), (1, 7), (1, 5))
    """
    if metric == "nps":
        return NPS_SCALE
    if metric == "csat":
        return CSAT_SCALE
    if metric == "csi":
        return CSI_SCALE
    ces = _ces(scales)
    return int(ces["min"]), int(ces["max"])


def ces_higher_is(scales: dict[str, Any] | None = None) -> str:
    """``"easier"`` or ``"harder"``: what a higher effort answer means for this client."""
    return str(_ces(scales)["higher_is"])


def nps_group_counts(counts: Any) -> tuple[Any, Any, Any]:
    """Promoters, passives and detractors from score counts indexed by score (0–10) along the last axis.

    Parameters
    ----------
    counts : array_like
        Counts of each score, ``counts[..., s]`` the answers scoring ``s``; any leading axes are kept.

    Returns
    -------
    tuple of arrays (or numbers for a 1-D input)
        ``(promoters, passives, detractors)``.
    """
    counts = np.asarray(counts)
    return (counts[..., PROMOTER_MIN:].sum(-1), counts[..., DETRACTOR_MAX + 1:PROMOTER_MIN].sum(-1),
            counts[..., :DETRACTOR_MAX + 1].sum(-1))


def nps_group(scores: Any) -> np.ndarray:
    """Each 0–10 score's group: ``"promoter"``, ``"passive"`` or ``"detractor"`` (drop blanks first: NaN would
    read as a detractor)."""
    scores = np.asarray(scores, dtype=float)
    return np.where(scores >= PROMOTER_MIN, "promoter", np.where(scores > DETRACTOR_MAX, "passive", "detractor"))


def nps_points(scores: Any) -> np.ndarray:
    """Each score's part of the NPS: +100 for a promoter, 0 for a passive, −100 for a detractor."""
    scores = np.asarray(scores, dtype=float)
    return np.where(scores >= PROMOTER_MIN, 100, np.where(scores <= DETRACTOR_MAX, -100, 0))


def is_detractor(scores: Any) -> Any:
    """Whether each score is a detractor's (0–6); works on numbers, arrays and Series alike."""
    return scores <= DETRACTOR_MAX
