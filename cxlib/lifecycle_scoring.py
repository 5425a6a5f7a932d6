"""The arithmetic of the lifecycle placement: stage scores, straight-liners, resampling, the permutation test.

Answers become agreement 0..1 (respondents × statements); a respondent's stage score is the weighted mean of
their answers to the stage's statements. Resampling respondents and, within each stage, statements shows how
stable a placement is; shuffling each respondent's answers shows how often answers given at random would stand
out as much; Kendall's W says how far the respondents agree.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cxlib import catalog


@dataclass(frozen=True)
class _Design:
    """The answers as arrays: agreement 0..1 (respondents × staged statements, NaN = blank or missing)."""

    respondents: pd.Index
    agreement: np.ndarray
    answered: np.ndarray
    weights: np.ndarray
    membership: np.ndarray  # statements × stages, 1 where the statement belongs to the stage
    stages: list[str]


def _design(answers: pd.DataFrame, items: pd.DataFrame) -> _Design:
    order = [s["key"] for s in catalog.lifecycle_stages()]
    staged = items[items["stage"].isin(order)]
    rows = answers[answers["statement_id"].isin(staged.index)]
    codes, respondents = pd.factorize(rows["respondent"], sort=True)
    columns = staged.index.get_indexer(rows["statement_id"])
    agreement = (pd.to_numeric(rows["answer"], errors="coerce").to_numpy(dtype=float, na_value=np.nan) - 1) / 4
    given = ~np.isnan(agreement)
    totals = np.zeros((len(respondents), len(staged)))
    counts = np.zeros((len(respondents), len(staged)))
    np.add.at(totals, (codes[given], columns[given]), agreement[given])  # a repeated answer counts as its mean
    np.add.at(counts, (codes[given], columns[given]), 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(counts > 0, totals / counts, np.nan)
    membership = (staged["stage"].to_numpy()[:, None] == np.array(order)[None, :]).astype(float)
    return _Design(respondents=pd.Index(respondents, name="respondent"), agreement=values, answered=counts > 0,
                   weights=staged["weight"].to_numpy(dtype=float), membership=membership, stages=order)


def _stage_scores(design: _Design, min_share: float, counts: np.ndarray | None = None) -> np.ndarray:
    """Weighted stage means per respondent (…, respondents, stages); NaN where too few statements are answered.

    ``counts`` (…, statements) counts each statement that many times (statements resampled within their
    stage); by default each statement counts once.
    """
    counts = np.ones(design.membership.shape[0]) if counts is None else counts
    filled = np.nan_to_num(design.agreement)
    answered = design.answered.astype(float)
    scores = np.full(counts.shape[:-1] + (len(design.respondents), len(design.stages)), np.nan)
    for g, column in enumerate(design.membership.T):
        own = np.flatnonzero(column)
        if not len(own):
            continue
        times = counts[..., own]
        numerator = times @ (filled[:, own] * design.weights[own]).T
        denominator = times @ (answered[:, own] * design.weights[own]).T
        share = times @ answered[:, own].T / len(own)
        with np.errstate(divide="ignore", invalid="ignore"):
            scores[..., g] = np.where((denominator > 0) & (share >= min_share - 1e-12),
                                      numerator / denominator, np.nan)
    return scores


def _straight_liners(scores: pd.DataFrame, modal_share: pd.Series, settings: dict[str, Any]) -> pd.Series:
    """True for respondents who answered every statement alike, or nearly.

    Both must hold: at least ``straightline_share`` of their answers to stage statements are one and the
    same answer, and their stage scores (two or more) all lie within ``straightline_span`` of each other.
    The first spares someone who answers at random (their scores may happen to lie close); the second
    spares a decisive respondent who agrees with one stage and answers "1" to all the rest.
    """
    scored = scores.notna().sum(axis=1)
    flat = (scored >= 2) & ((scores.max(axis=1) - scores.min(axis=1)) < settings["straightline_span"])
    return flat & (modal_share.reindex(scores.index) >= settings["straightline_share"])


def _modal_share(design: _Design) -> pd.Series:
    """Per respondent, the share of their answers to stage statements that equal their most common answer."""
    shares = []
    for values, answered in zip(design.agreement, design.answered):
        given = values[answered]
        shares.append(np.unique(given, return_counts=True)[1].max() / len(given) if len(given) else np.nan)
    return pd.Series(shares, index=design.respondents, dtype=float)


def _mean_over_respondents(scores: np.ndarray, axis: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a stage nobody in a resample scored stays NaN
        return np.nanmean(scores, axis=axis)


def _signal(company: np.ndarray) -> np.ndarray:
    """Lead of the top stage over the median stage, along the last axis (NaN stages left out)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmax(company, axis=-1) - np.nanmedian(company, axis=-1)


def _resampled(design: _Design, min_share: float, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Company stage scores (resamples × stages) over resamples of respondents and, within each stage, statements.

    Resampling statements as well as respondents keeps the stability honest for a handful of respondents:
    with respondents alone, one respondent's resamples are all the same answers and always "stable".
    """
    n = len(design.respondents)
    picked = rng.multinomial(n, np.full(n, 1 / n), size=resamples).astype(float)  # times each respondent is drawn
    counts = np.zeros((resamples, design.membership.shape[0]))
    for column in design.membership.T:
        own = np.flatnonzero(column)
        if len(own):
            counts[:, own] = rng.multinomial(len(own), np.full(len(own), 1 / len(own)), size=resamples)
    scores = _stage_scores(design, min_share, counts)  # (resamples, respondents, stages)
    scored = ~np.isnan(scores)
    total = np.einsum("br,brg->bg", picked, np.where(scored, scores, 0.0))
    drawn = np.einsum("br,brg->bg", picked, scored.astype(float))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(drawn > 0, total / drawn, np.nan)


def _chance(design: _Design, scored: np.ndarray, observed: float, settings: dict[str, Any],
            rng: np.random.Generator) -> float:
    """Permutation p-value of the signal: how often answers shuffled within each respondent stand out as much.

    Shuffling a respondent's answers across the statements they answered keeps their own habits (how much
    they agree overall, which statements they left blank, so which stages they score) and breaks only
    the link between answers and stages, which is what answers given at random look like. ``scored``
    (respondents × stages) marks the stage scores that exist, the same in every shuffle.

    The shuffles come in batches of ``permutation_batch``, up to ``permutations``; the test stops early
    once the p-value is clearly on one side of ``max_p_value`` (its 99.9% Clopper–Pearson interval lies
    entirely above or below), which is a sequential Monte Carlo test: clear cases take one batch, close
    ones all the shuffles.
    """
    from scipy.stats import beta

    total = int(settings["permutations"])
    if not np.isfinite(observed) or total < 1:
        return float("nan")
    batch = max(1, min(int(settings.get("permutation_batch", total)), total))
    n = len(design.respondents)
    weighted = design.weights[:, None] * design.membership  # statements × stages
    front = np.argsort(~design.answered, axis=1, kind="stable")  # each respondent's answered statements first
    compact = np.take_along_axis(design.agreement, front, axis=1)
    answered = design.answered.sum(axis=1)
    denominator = design.answered.astype(float) @ weighted
    done = exceed = 0
    while done < total:
        size = min(batch, total - done)
        numerator = np.zeros((n, size, len(design.stages)))
        for k in np.unique(answered[answered > 0]):
            rows = np.flatnonzero(answered == k)
            shuffled = rng.permuted(np.broadcast_to(compact[rows, None, :k], (len(rows), size, k)), axis=2)
            numerator[rows] = shuffled @ weighted[front[rows, :k]]
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = np.where(scored[:, None, :], numerator / denominator[:, None, :], np.nan)
        exceed += int(np.sum(_signal(_mean_over_respondents(scores, axis=0)) >= observed - 1e-12))
        done += size
        low = beta.ppf(0.0005, exceed, done - exceed + 1) if exceed else 0.0
        high = beta.ppf(0.9995, exceed + 1, done - exceed) if exceed < done else 1.0
        if high < settings["max_p_value"] or low > settings["max_p_value"]:
            break
    return float((1 + exceed) / (done + 1))


def _kendall_w(scores: pd.DataFrame) -> float:
    """Kendall's coefficient of concordance of the respondents' stage rankings (ties corrected).

    NaN when it is undefined: fewer than two respondents or stages, or every respondent ties every stage.
    """
    complete = scores.dropna(axis=1)
    m, n = complete.shape
    if m < 2 or n < 2:
        return float("nan")
    ranks = complete.rank(axis=1)
    totals = ranks.sum(axis=0)
    spread = float(((totals - totals.mean()) ** 2).sum())
    ties = sum(float((counts**3 - counts).sum()) for counts in
               (np.unique(row, return_counts=True)[1].astype(float) for row in complete.to_numpy()))
    denominator = m**2 * (n**3 - n) - m * ties
    return 12 * spread / denominator if denominator > 0 else float("nan")

