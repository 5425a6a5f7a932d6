"""One Holm step-down adjustment over the whole family of claims, optionally weighted, and the family itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cxlib.claims.changes import collect
from cxlib.claims.schema import COLUMNS, GROUPS, KINDS, METRICS, MIN_PERIODS
from cxlib.metrics import holm


def weighted_holm(p_values: Sequence[float], weights: Sequence[float] | None = None) -> np.ndarray:
    """Holm's step-down adjustment with weights (Holm 1979): a hypothesis of weight w is tested at ``α·w/Σw``.

    With equal weights it is :func:`cxlib.metrics.holm`. The adjusted p-value
    of the j-th hypothesis in the order of ``p/w`` is
    ``max over k ≤ j of min(1, p_k/w_k × Σ_{i ≥ k} w_i)`` (weights normalised
    to sum to 1 over the tested hypotheses). Like Holm's, it controls the
    family-wise error rate under any dependence, provided the weights are
    fixed before the data are seen. NaN stays NaN and carries no weight.

    Examples
    --------
    >>> weighted_holm([0.01, 0.04, 0.03]).round(2).tolist()
    [0.03, 0.06, 0.06]
    >>> weighted_holm([0.01, 0.04, 0.03], [2, 1, 1]).round(3).tolist()
    [0.02, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    w = np.ones_like(p) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != p.shape or (w[~np.isnan(p)] <= 0).any():
        raise ValueError("weights must be positive, one for each p-value")
    adjusted = np.full_like(p, np.nan)
    valid = ~np.isnan(p)
    if not valid.any():
        return adjusted
    pv, wv = p[valid], w[valid] / w[valid].sum()
    order = np.argsort(pv / wv, kind="stable")
    remaining = np.cumsum(wv[order][::-1])[::-1]  # Σ of the weights from step k on
    steps = np.minimum(np.maximum.accumulate(pv[order] / wv[order] * remaining), 1.0)
    values = np.empty_like(pv)
    values[order] = steps
    adjusted[valid] = values
    return adjusted


def adjust(table: pd.DataFrame, *, level: float = 0.95, weights: Sequence[float] | None = None) -> pd.DataFrame:
    """Holm's step-down adjustment over the whole table: ``claim`` ids, ``p_adjusted`` and ``significant``.

    A claim is significant when its adjusted p-value is below ``1 − level``.
    Claims that could not be tested (``p`` NaN) stay listed, never
    significant, and do not count in the family; ``attrs["tested"]`` is the
    family's size. ``weights`` (one per row, fixed before looking at the
    p-values) give some claims a larger share of the error rate
    (:func:`weighted_holm`); by default every claim weighs the same (plain Holm).
    """
    table = table.reset_index(drop=True).copy()
    table.insert(0, "claim", [f"C{i + 1}" for i in range(len(table))])
    p = pd.to_numeric(table["p"], errors="coerce").astype(float).to_numpy()
    table["p_adjusted"] = holm(p) if weights is None else weighted_holm(p, weights)
    table["significant"] = (table["p_adjusted"] < 1 - level).astype(bool)
    table.attrs.update(tested=int((~np.isnan(p)).sum()), level=level,
                       procedure="Holm" if weights is None else "weighted Holm")
    return table


def family(survey: pd.DataFrame, metrics: Sequence[str] = METRICS, *, by: Sequence[str] = GROUPS,
           periods: Sequence[str] | None = None, kinds: Sequence[str] = KINDS, scales: dict[str, Any] | None = None,
           level: float = 0.95, min_periods: int = MIN_PERIODS, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every claim, tested and adjusted as one family: :func:`collect`, plus ``extra`` claims, then :func:`adjust`.

    ``extra`` holds other claims in the same columns (at least ``source``,
    ``metric``, ``kind``, ``diff``, ``p``), e.g. the scorecard's trends
    (:func:`cxlib.scorecard.trend_claims`); they share the adjustment.

    Returns
    -------
    DataFrame
        :func:`collect`'s columns with ``claim`` first and ``p_adjusted``,
        ``significant`` last.

    Examples
    --------
    >>> table = family(client.answers, periods=client.periods, scales=client.config["scales"])  # doctest: +SKIP
    >>> table.attrs["tested"]                                                                     # doctest: +SKIP
    140
    """
    table = collect(survey, metrics, by=by, periods=periods, kinds=kinds, scales=scales, level=level,
                    min_periods=min_periods)
    if extra is not None and len(extra):
        extra = extra.reindex(columns=COLUMNS)
        table = pd.concat([table, extra], ignore_index=True) if len(table) else extra.reset_index(drop=True)
    return adjust(table, level=level)
