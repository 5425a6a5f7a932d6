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

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                                      # doctest: +SKIP
>>> result = cxlib.lifecycle.diagnose(client.lifecycle, client.config)          # doctest: +SKIP
>>> print(result)                                                                # doctest: +SKIP
Go-Go (margin 21 points over Adolescence; stable in 100% of resamples; 10 respondents)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cxlib import catalog


def stages(language: str = "en") -> pd.DataFrame:
    """The ten stages in order, with name, PAEI code, symptoms, CS mandate and owner in ``language``."""
    rows = []
    for stage in catalog.lifecycle_stages():
        rows.append({"stage": stage["key"], "order": stage["order"], "name": catalog.label(stage, language),
                     "paei": stage["paei"], "symptoms": "; ".join(stage[f"symptoms_{language}"]),
                     "mandate": catalog.label(stage, language, "mandate"),
                     "owner": catalog.label(stage, language, "owner"),
                     "source": "source article" if stage["source"] == "000" else "kit's proposal"})
    return pd.DataFrame(rows).set_index("stage")


def questionnaire(config: dict[str, Any] | None = None, language: str = "en") -> pd.DataFrame:
    """The statements in use: the catalogue's, with a client's overrides applied.

    ``client.toml`` may hold, under ``[overrides.lifecycle]``: ``weights``
    (``{ GO1 = 2.0 }``), ``drop`` (a list of ids) and ``statements`` (a list of
    tables with ``id``, ``stage`` or ``axis``, ``weight``, ``text_en``,
    ``text_ru``; an id already in the catalogue replaces it).

    Returns
    -------
    DataFrame
        Indexed by statement id: ``stage`` (or "" for cross-check items),
        ``axis``, ``weight``, ``text``, ``origin`` ("catalogue" or "client").
    """
    overrides = ((config or {}).get("overrides", {}) or {}).get("lifecycle", {}) or {}
    entries = {s["id"]: {**s, "origin": "catalogue"} for s in catalog.lifecycle_statements()}
    for statement in overrides.get("statements", []):
        entries[statement["id"]] = {**statement, "origin": "client"}
    for statement_id in overrides.get("drop", []):
        entries.pop(statement_id, None)
    unknown = set(overrides.get("weights", {})) - set(entries)
    if unknown:
        raise ValueError(f"client.toml [overrides.lifecycle] weights name unknown statements: {sorted(unknown)}")
    rows = []
    for statement_id, entry in entries.items():
        weight = float(overrides.get("weights", {}).get(statement_id, entry.get("weight", 1.0)))
        rows.append({"id": statement_id, "stage": entry.get("stage", ""), "axis": entry.get("axis", ""),
                     "weight": weight, "text": catalog.label(entry, language, "text"), "origin": entry["origin"]})
    return pd.DataFrame(rows).set_index("id")


RULES = ("respondents", "stages", "stage_respondents", "signal", "chance", "margin", "stability")
"""The evidence rules in the order they are checked; the first one that fails gives the reason."""


def settings(config: dict[str, Any] | None = None) -> dict[str, Any]:
    """The scoring settings and evidence thresholds: the catalogue's ``[scoring]``, with a client's overrides.

    ``client.toml`` may override any of them under ``[overrides.lifecycle.scoring]``.
    """
    values = dict(catalog.load("lifecycle")["scoring"])
    overrides = ((config or {}).get("overrides", {}) or {}).get("lifecycle", {}) or {}
    values.update(overrides.get("scoring", {}) or {})
    return values


def _text(key: str, language: str, **values: Any) -> str:
    """A sentence of the catalogue's ``[insufficient]`` table in ``language``, filled in."""
    return catalog.label(catalog.load("lifecycle")["insufficient"], language, key).format(**values)


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


@dataclass(frozen=True)
class LifecycleResult:
    """The lifecycle diagnosis.

    Attributes
    ----------
    verdict : str
        ``"stage"``, ``"transition"``, ``"ambiguous"`` or ``"insufficient"`` (the answers cannot carry a
        placement; ``reason`` says why and no stage is named).
    stage, runner_up : str
        The most likely stage and the second (catalogue keys). With an ``"insufficient"`` verdict they are
        only the leading stages of the scores, not a placement ("" when no stage could be scored).
    margin : float
        Lead of the top stage over the runner-up, in points (0–100 scale).
    signal : float
        Lead of the top stage over the median stage, in points.
    stability : float
        Share of resamples (of respondents and, within each stage, of statements) in which the same stage
        comes first.
    scores : DataFrame
        Per stage: ``name``, ``order``, ``score`` (0–100), ``low``/``high``
        (percentile interval over resamples), ``wins`` (share of resamples won),
        ``respondents`` scored, ``covered`` (scored by enough respondents to be compared).
    by_role : DataFrame
        Mean stage score per role (rows roles, columns stages, 0–100).
    respondents : DataFrame
        Each respondent's role, own top stage, whether they straight-lined, and stage scores.
    evidence : DataFrame
        The statements behind the top two stages: mean answer and contribution.
    agreement : float
        Kendall's W of the respondents' stage rankings (0 none, 1 full; NaN when undefined).
    flexibility, control : float
        Mean agreement (0–100) with the flexibility and control cross-check items.
    n_respondents : int
        Respondents scored (straight-liners not counted).
    language : str
        Language of names and texts.
    reason : str
        With an ``"insufficient"`` verdict, the one-sentence reason in ``language``; "" otherwise.
    rules : DataFrame
        The evidence rules, in the order checked: ``value``, ``threshold``, ``passed`` (NA when the rule
        could not be evaluated) and ``reason`` (the sentence when it failed).
    straight_liners : tuple of str
        Respondents who answered every statement alike, or nearly; set aside from every figure.
    support : float
        Share of resamples in which the first stage is one the verdict names (the top stage, or either of
        the two stages of a transition or an ambiguous verdict).
    p_value : float
        Share of within-respondent shuffles of the answers whose top stage stands out over the median
        stage at least as much as the real answers' (permutation test of the signal).
    """

    verdict: str
    stage: str
    runner_up: str
    margin: float
    signal: float
    stability: float
    scores: pd.DataFrame
    by_role: pd.DataFrame
    respondents: pd.DataFrame
    evidence: pd.DataFrame
    agreement: float
    flexibility: float
    control: float
    n_respondents: int
    language: str = "en"
    reason: str = ""
    rules: pd.DataFrame = field(default_factory=pd.DataFrame)
    straight_liners: tuple[str, ...] = ()
    support: float = float("nan")
    p_value: float = float("nan")

    @property
    def insufficient(self) -> bool:
        """True when the answers cannot carry a placement (see ``reason``)."""
        return self.verdict == "insufficient"

    def name(self, key: str | None = None) -> str:
        """The stage's name in the result's language (the top stage by default)."""
        return str(self.scores.loc[key or self.stage, "name"])

    @property
    def label(self) -> str:
        """The verdict in words: "Go-Go", "transition Go-Go → Adolescence", "ambiguous (…)", "insufficient evidence"."""
        if self.verdict == "insufficient":
            return _text("label", self.language)
        if self.verdict == "stage":
            return self.name()
        if self.verdict == "transition":
            first, second = sorted([self.stage, self.runner_up], key=lambda k: self.scores.loc[k, "order"])
            return f"transition {self.name(first)} → {self.name(second)}"
        return f"ambiguous (leaning {self.name()}, then {self.name(self.runner_up)})"

    def __str__(self) -> str:
        if self.verdict == "insufficient":
            return f"{self.label}: {self.reason}"
        return (f"{self.label} (margin {self.margin:.0f} points over {self.name(self.runner_up)}; "
                f"stable in {self.stability:.0%} of resamples; {self.n_respondents} respondents)")

    def mandate(self) -> pd.DataFrame:
        """The customer-service mandate and owner for the stage(s) the verdict names (none when insufficient)."""
        columns = ["name", "mandate", "owner", "source"]
        if self.verdict == "insufficient":
            return stages(self.language).iloc[0:0][columns]
        keys = [self.stage] if self.verdict == "stage" else [self.stage, self.runner_up]
        keys = sorted(keys, key=lambda key: self.scores.loc[key, "order"])
        return stages(self.language).loc[keys, columns]


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
    min_share = settings_["min_answered_share"]
    design = _design(answers, items)
    every = pd.DataFrame(_stage_scores(design, min_share), index=design.respondents,
                         columns=pd.Index(design.stages, name="stage"))
    every = every.dropna(how="all")
    straight = _straight_liners(every, _modal_share(design), settings_)
    straight_liners = tuple(str(r) for r in every.index[straight])
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

    # --- evidence rules
    scored_by = per_respondent.notna().sum()
    asked = design.membership.sum(axis=0) > 0
    needed = max(int(settings_["min_stage_respondents"]), math.ceil(settings_["min_stage_share"] * n))
    covered = (scored_by >= needed) & asked
    stages_needed = max(2, math.ceil(settings_["min_stages_share"] * int(asked.sum())))
    stage_table = stages(language)
    names = stage_table["name"]
    quoted = (lambda key: f"«{names[key]}»") if language == "ru" else (lambda key: str(names[key]))
    joined = f" {_text('and', language)} ".join(quoted(key) for key in named if key)
    thin = [key for key in named if key and not covered[key]]
    if n == 0:
        first = "straight_liners" if straight_liners else "no_answers"
        respondents_reason = _text(first, language, straight=len(straight_liners))
    elif straight_liners:
        respondents_reason = _text("respondents_straight", language, n=n, straight=len(straight_liners),
                                   min=settings_["min_respondents"])
    else:
        respondents_reason = _text("respondents", language, n=n, min=settings_["min_respondents"])
    evaluated = n > 0 and bool(top)  # the rules after the first two need a leading stage to judge
    lead_needed = settings_["clear_margin"] if kind == "stage" else settings_["min_margin"]

    def judged(passed: Any, sentence: Callable[[], str]) -> tuple[bool | None, str]:
        return (bool(passed), sentence()) if evaluated else (None, "")

    rows = [
        ("respondents", n, settings_["min_respondents"], n >= settings_["min_respondents"], respondents_reason),
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
    verdict = "insufficient" if reason else kind
    rules["reason"] = rules["reason"].where(rules["passed"].fillna(True).eq(False), "")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanpercentile(resampled, 2.5, axis=0), np.nanpercentile(resampled, 97.5, axis=0)
    scores = pd.DataFrame({
        "name": stage_table["name"], "order": stage_table["order"], "score": 100 * company,
        "low": 100 * pd.Series(low, index=design.stages), "high": 100 * pd.Series(high, index=design.stages),
        "wins": wins, "respondents": scored_by.reindex(design.stages, fill_value=0), "covered": covered,
    })

    roles = answers.drop_duplicates("respondent").set_index("respondent")["role"]
    by_role = (100 * per_respondent).groupby(roles.reindex(per_respondent.index)).mean()
    respondents = (100 * every).round(1)
    respondents.insert(0, "straight_liner", straight.astype(bool))
    respondents.insert(0, "top_stage", every.idxmax(axis=1) if len(every) else pd.Series(dtype=object))
    respondents.insert(0, "role", roles.reindex(every.index))

    used = answers[answers["respondent"].isin(counted)]
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
    return LifecycleResult(
        verdict=verdict, stage=top, runner_up=runner_up, margin=100 * margin, signal=100 * signal,
        stability=float(wins[top]) if top else float("nan"), scores=scores, by_role=by_role,
        respondents=respondents,
        evidence=evidence[["stage", "text", "weight", "mean_answer", "contribution", "origin"]],
        agreement=_kendall_w(per_respondent), flexibility=float(axis_mean.get("flexibility", np.nan)),
        control=float(axis_mean.get("control", np.nan)), n_respondents=n, language=language, reason=reason,
        rules=rules, straight_liners=straight_liners, support=support, p_value=p_value,
    )
