"""Placing the company on the lifecycle curve, or saying why the answers cannot: :func:`diagnose`.

The scores point at a stage, a transition between two neighbours, or an ambiguous pair; the evidence rules
then decide whether the answers can carry that placement (thresholds in ``[scoring]`` of
``cxlib/catalog/lifecycle.toml``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cxlib import catalog
from cxlib.lifecycle_questionnaire import _text, questionnaire, settings, stages
from cxlib.lifecycle_result import LifecycleResult
from cxlib.lifecycle_scoring import (
    _chance,
    _Design,
    _design,
    _kendall_w,
    _modal_share,
    _resampled,
    _stage_scores,
    _straight_liners,
)


def _shape(company: pd.Series, settings: dict[str, Any]) -> tuple[str, str, str, float, float, float]:
    """The verdict the scores point at before the evidence rules: kind, top, runner-up, margin, signal, lead.

    ``lead`` is how far the named stage(s) stand above the best stage not named.
    """
    ranked = company.dropna().sort_values(ascending=False)
    if len(ranked) == 0:
        return "stage", "", "", float("nan"), float("nan"), float("nan")
    top = ranked.index[0]
    signal = float(ranked.iloc[0] - ranked.median())
    if len(ranked) == 1:
        return "stage", top, "", float("nan"), signal, float("nan")
    runner_up = ranked.index[1]
    margin = float(ranked.iloc[0] - ranked.iloc[1])
    order = {s["key"]: s["order"] for s in catalog.lifecycle_stages()}
    if margin >= settings["clear_margin"]:
        return "stage", top, runner_up, margin, signal, margin
    kind = "transition" if abs(order[top] - order[runner_up]) == 1 else "ambiguous"
    lead = float(ranked.iloc[1] - ranked.iloc[2]) if len(ranked) > 2 else float("nan")
    return kind, top, runner_up, margin, signal, lead


def _evaluate(rows: list[tuple[str, float, float, bool | None, str]]) -> tuple[pd.DataFrame, str]:
    rules = pd.DataFrame(rows, columns=["rule", "value", "threshold", "passed", "reason"]).set_index("rule")
    rules["passed"] = rules["passed"].astype("boolean")
    failed = rules[rules["passed"].fillna(True).eq(False)]
    return rules, (str(failed["reason"].iloc[0]) if len(failed) else "")


def diagnose(answers: pd.DataFrame, config: dict[str, Any] | None = None, *, language: str = "en") -> LifecycleResult:
    """Score the lifecycle questionnaire and place the company on the curve, or say why the answers cannot.

    Evidence rules (thresholds in ``[scoring]`` of ``cxlib/catalog/lifecycle.toml``, checked in this
    order; the first that fails makes the verdict ``"insufficient"`` and gives its ``reason``):

    1. ``respondents``: at least ``min_respondents`` respondents with usable answers. One or two people's
       view is not the company's, and their random answers would name a stage far too often.
    2. ``stages``: at least ``min_stages_share`` of the stages, and two, are *covered*: scored by at least
       ``min_stage_respondents`` respondents and ``min_stage_share`` of them. A stage nobody could answer
       for cannot be ruled out.
    3. ``stage_respondents``: every stage the verdict names is covered, so a stage answered by one of ten
       respondents cannot win.
    4. ``signal``: the top stage stands at least ``min_signal`` above the median stage.
    5. ``chance``: a permutation test (answers shuffled across statements within each respondent,
       ``permutations`` times) gives ``p_value`` at most ``max_p_value``: the lead is one answers given
       at random would rarely show.
    6. ``margin``: a single stage leads the runner-up by ``clear_margin`` (otherwise the verdict is a
       transition or ambiguous); the two stages of a transition or ambiguous verdict lead the third by
       ``min_margin``.
    7. ``stability``: the stage(s) named come first in at least ``min_stability`` of ``resamples``
       resamples of respondents and statements (``support``).

    Straight-liners, respondents who gave one and the same answer to at least ``straightline_share`` of
    the stage statements and whose stage scores all lie within ``straightline_span`` of each other (one
    answer point on the 1–5 scale): every statement answered alike, or nearly, are listed in
    ``straight_liners`` and set aside from every figure. Their answers place the company at no stage, so
    they would only pull every stage towards their one answer, shrink the margins, and count towards the
    minimum number of respondents without adding evidence; weighting them down would keep that effect,
    smaller, for no gain.

    Parameters
    ----------
    answers : DataFrame
        ``client.lifecycle``: respondent, role, statement_id, answer (1–5, blank = don't know).
    config : dict, optional
        ``client.config``, for ``[overrides.lifecycle]`` (statements, weights, ``scoring`` thresholds).
    language : {"en", "ru"}
        Language of stage names, statement texts and the reason.

    Returns
    -------
    LifecycleResult
    """
    settings_ = settings(config)
    items = questionnaire(config, language)
    answers = answers[answers["statement_id"].isin(items.index)]
    fit = _fit(answers, items, settings_)
    stage_table = stages(language)
    rules, reason, covered, scored_by = _rules(fit, settings_, stage_table["name"], language)
    verdict = "insufficient" if reason else fit.kind
    rules["reason"] = rules["reason"].where(rules["passed"].fillna(True).eq(False), "")
    by_role, respondents = _respondent_tables(answers, fit)
    evidence, axis_mean = _evidence(answers, items, fit)
    top = fit.top
    return LifecycleResult(
        verdict=verdict, stage=top, runner_up=fit.runner_up, margin=100 * fit.margin, signal=100 * fit.signal,
        stability=float(fit.wins[top]) if top else float("nan"),
        scores=_scores(fit, stage_table, covered, scored_by), by_role=by_role, respondents=respondents,
        evidence=evidence, agreement=_kendall_w(fit.per_respondent),
        flexibility=float(axis_mean.get("flexibility", np.nan)), control=float(axis_mean.get("control", np.nan)),
        n_respondents=fit.n, language=language, reason=reason, rules=rules, straight_liners=fit.straight_liners,
        support=fit.support, p_value=fit.p_value,
    )


@dataclass(frozen=True)
class _Fit:
    """What the answers say before the evidence rules judge it: the scores, the leading stages, the resamples."""

    design: _Design  # the counted respondents only
    every: pd.DataFrame  # stage scores (0..1) of every respondent with one, straight-liners included
    straight: pd.Series  # True for the straight-liners, on ``every``'s index
    per_respondent: pd.DataFrame  # stage scores of the counted respondents
    company: pd.Series
    kind: str
    top: str
    runner_up: str
    margin: float
    signal: float
    lead: float
    resampled: np.ndarray  # company stage scores, resamples × stages
    p_value: float
    wins: pd.Series
    named: list[str]
    support: float

    @property
    def n(self) -> int:
        return len(self.per_respondent)

    @property
    def straight_liners(self) -> tuple[str, ...]:
        return tuple(str(r) for r in self.every.index[self.straight])


def _fit(answers: pd.DataFrame, items: pd.DataFrame, settings_: dict[str, Any]) -> _Fit:
    """Score every respondent, set the straight-liners aside, and resample and shuffle the rest."""
    min_share = settings_["min_answered_share"]
    design = _design(answers, items)
    every = pd.DataFrame(_stage_scores(design, min_share), index=design.respondents,
                         columns=pd.Index(design.stages, name="stage"))
    every = every.dropna(how="all")
    straight = _straight_liners(every, _modal_share(design), settings_)
    per_respondent = every[~straight]
    counted = per_respondent.index
    design = _Design(respondents=counted, agreement=design.agreement[design.respondents.isin(counted)],
                     answered=design.answered[design.respondents.isin(counted)], weights=design.weights,
                     membership=design.membership, stages=design.stages)
    n = len(per_respondent)
    company = per_respondent.mean() if n else pd.Series(np.nan, index=design.stages)
    kind, top, runner_up, margin, signal, lead = _shape(company, settings_)

    rng = np.random.default_rng(settings_["seed"])
    if n:
        resampled = _resampled(design, min_share, int(settings_["resamples"]), rng)
        p_value = _chance(design, per_respondent.notna().to_numpy(), signal, settings_,
                          np.random.default_rng([settings_["seed"], 1]))
    else:
        resampled = np.full((1, len(design.stages)), np.nan)
        p_value = float("nan")
    filled = np.where(np.isnan(resampled), -np.inf, resampled)
    winner = np.where(np.isfinite(filled).any(axis=1), filled.argmax(axis=1), -1)
    wins = pd.Series([float(np.mean(winner == g)) for g in range(len(design.stages))], index=design.stages)
    named = [top] if kind == "stage" else [top, runner_up]
    named_columns = [design.stages.index(key) for key in named if key]
    support = float(np.mean(np.isin(winner, named_columns))) if named_columns and n else float("nan")
    return _Fit(design=design, every=every, straight=straight, per_respondent=per_respondent, company=company,
                kind=kind, top=top, runner_up=runner_up, margin=margin, signal=signal, lead=lead,
                resampled=resampled, p_value=p_value, wins=wins, named=named, support=support)


def _rules(fit: _Fit, settings_: dict[str, Any], names: pd.Series,
           language: str) -> tuple[pd.DataFrame, str, pd.Series, pd.Series]:
    """The evidence rules judged in order (see :func:`diagnose`).

    Returns the rules' table, the first failure's sentence ("" when every rule passed), which stages are
    covered, and by how many respondents each stage is scored.
    """
    n, top, named, signal, lead, p_value, support = \
        fit.n, fit.top, fit.named, fit.signal, fit.lead, fit.p_value, fit.support
    scored_by = fit.per_respondent.notna().sum()
    asked = fit.design.membership.sum(axis=0) > 0
    needed = max(int(settings_["min_stage_respondents"]), math.ceil(settings_["min_stage_share"] * n))
    covered = (scored_by >= needed) & asked
    stages_needed = max(2, math.ceil(settings_["min_stages_share"] * int(asked.sum())))
    quoted = (lambda key: f"«{names[key]}»") if language == "ru" else (lambda key: str(names[key]))
    joined = f" {_text('and', language)} ".join(quoted(key) for key in named if key)
    thin = [key for key in named if key and not covered[key]]
    evaluated = n > 0 and bool(top)  # the rules after the first two need a leading stage to judge
    lead_needed = settings_["clear_margin"] if fit.kind == "stage" else settings_["min_margin"]

    def judged(passed: Any, sentence: Callable[[], str]) -> tuple[bool | None, str]:
        return (bool(passed), sentence()) if evaluated else (None, "")

    rows = [
        ("respondents", n, settings_["min_respondents"], n >= settings_["min_respondents"],
         _respondents_reason(fit, settings_, language)),
        ("stages", int(covered.sum()), stages_needed, int(covered.sum()) >= stages_needed if n else None,
         _text("stages", language, k=int(covered.sum()), total=int(asked.sum()), min=stages_needed)),
        ("stage_respondents", min((int(scored_by[k]) for k in named if k), default=np.nan), needed,
         *judged(not thin, lambda: _text("stage_respondents", language, stage=quoted(thin[0]),
                                         k=int(scored_by[thin[0]]), n=n, min=needed) if thin else "")),
        ("signal", 100 * signal, 100 * settings_["min_signal"],
         *judged(signal >= settings_["min_signal"],
                 lambda: _text("signal", language, stage=quoted(top), signal=f"{100 * signal:.0f}",
                               min=f"{100 * settings_['min_signal']:.0f}"))),
        ("chance", p_value, settings_["max_p_value"],
         *judged(p_value <= settings_["max_p_value"],
                 lambda: _text("chance", language, stage=quoted(top), p=f"{p_value:.2g}",
                               max=f"{settings_['max_p_value']:g}"))),
        ("margin", 100 * lead, 100 * lead_needed,
         *(judged(lead >= lead_needed, lambda: _text("margin", language, named=joined, margin=f"{100 * lead:.0f}",
                                                     min=f"{100 * lead_needed:.0f}"))
           if np.isfinite(lead) else (None, ""))),
        ("stability", support, settings_["min_stability"],
         *judged(support >= settings_["min_stability"],
                 lambda: _text("stability", language, named=joined, share=f"{support:.0%}",
                               min=f"{settings_['min_stability']:.0%}"))),
    ]
    rules, reason = _evaluate(rows)
    return rules, reason, covered, scored_by


def _respondents_reason(fit: _Fit, settings_: dict[str, Any], language: str) -> str:
    """The sentence of the first rule: too few respondents, saying how many straight-liners were set aside."""
    n, straight_liners = fit.n, fit.straight_liners
    if n == 0:
        first = "straight_liners" if straight_liners else "no_answers"
        return _text(first, language, straight=len(straight_liners))
    if straight_liners:
        return _text("respondents_straight", language, n=n, straight=len(straight_liners),
                     min=settings_["min_respondents"])
    return _text("respondents", language, n=n, min=settings_["min_respondents"])


def _scores(fit: _Fit, stage_table: pd.DataFrame, covered: pd.Series, scored_by: pd.Series) -> pd.DataFrame:
    """Per stage: the company's score (0–100) with its interval over the resamples, wins and coverage."""
    stage_keys = fit.design.stages
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanpercentile(fit.resampled, 2.5, axis=0), np.nanpercentile(fit.resampled, 97.5, axis=0)
    return pd.DataFrame({
        "name": stage_table["name"], "order": stage_table["order"], "score": 100 * fit.company,
        "low": 100 * pd.Series(low, index=stage_keys), "high": 100 * pd.Series(high, index=stage_keys),
        "wins": fit.wins, "respondents": scored_by.reindex(stage_keys, fill_value=0), "covered": covered,
    })


def _respondent_tables(answers: pd.DataFrame, fit: _Fit) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mean stage scores per role, and each respondent's role, top stage, straight-lining and scores (0–100)."""
    every, per_respondent = fit.every, fit.per_respondent
    roles = answers.drop_duplicates("respondent").set_index("respondent")["role"]
    by_role = (100 * per_respondent).groupby(roles.reindex(per_respondent.index)).mean()
    respondents = (100 * every).round(1)
    respondents.insert(0, "straight_liner", fit.straight.astype(bool))
    respondents.insert(0, "top_stage", every.idxmax(axis=1) if len(every) else pd.Series(dtype=object))
    respondents.insert(0, "role", roles.reindex(every.index))
    return by_role, respondents


def _evidence(answers: pd.DataFrame, items: pd.DataFrame, fit: _Fit) -> tuple[pd.DataFrame, pd.Series]:
    """The statements behind the top two stages (mean answer, contribution), and the cross-check axes' means."""
    top, runner_up = fit.top, fit.runner_up
    used = answers[answers["respondent"].isin(fit.per_respondent.index)]
    numeric = pd.to_numeric(used["answer"], errors="coerce").astype(float)
    mean_answer = numeric.groupby(used["statement_id"]).mean()
    evidence = items[items["stage"].isin([key for key in (top, runner_up) if key])].copy()
    evidence["mean_answer"] = mean_answer.reindex(evidence.index).astype(float)
    stage_weight = evidence.groupby("stage")["weight"].transform("sum")
    evidence["contribution"] = 100 * evidence["weight"] * (evidence["mean_answer"] - 1) / 4 / stage_weight
    evidence["rank"] = evidence["stage"].map({top: 0, runner_up: 1})
    evidence = evidence.sort_values(["rank", "contribution"], ascending=[True, False])

    axis_items = items[items["axis"] != ""]
    on_axis = used["statement_id"].map(axis_items["axis"])
    axis_mean = 100 * (numeric.groupby(on_axis).mean() - 1) / 4
    return evidence[["stage", "text", "weight", "mean_answer", "contribution", "origin"]], axis_mean
