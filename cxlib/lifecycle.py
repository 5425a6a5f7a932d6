"""Placing a company on Adizes' lifecycle curve from a questionnaire, transparently.

Several people at the client (the owner, managers, front-line staff) rate
statements tied to the ten stages from 1 (disagree) to 5 (agree). Each
answer becomes 0…1; a respondent's stage score is the weighted mean of their
answers to that stage's statements; the company's score is the mean over
respondents. The verdict names the most likely stage, the runner-up and the
margin between them, and says "transition" or "ambiguous" when the data do not
support a single stage. Resampling respondents shows how stable the verdict is.

Everything the scoring uses (statements, stages, weights, thresholds) is in
``cxlib/catalog/lifecycle.toml``; a consultant overrides it from
``client.toml`` under ``[overrides.lifecycle]``.

Examples
--------
>>> import cxlib
>>> client = cxlib.load_client("data/demo")                                      # doctest: +SKIP
>>> result = cxlib.lifecycle.diagnose(client.lifecycle, client.config)          # doctest: +SKIP
>>> print(result)                                                                # doctest: +SKIP
Go-Go (margin 21 points over Adolescence; stable in 100% of resamples; 10 respondents)
"""

from __future__ import annotations

from dataclasses import dataclass
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


def _respondent_scores(answers: pd.DataFrame, items: pd.DataFrame, min_answered: float) -> pd.DataFrame:
    """Stage scores (0..1) per respondent: rows respondents, columns stages; NaN where too few answers."""
    staged = items[items["stage"] != ""]
    merged = answers.merge(staged[["stage", "weight"]], left_on="statement_id", right_index=True, how="inner")
    merged = merged.assign(agreement=(merged["answer"].astype(float) - 1) / 4)
    answered = merged[merged["agreement"].notna()]
    weighted = (answered["agreement"] * answered["weight"]).groupby([answered["respondent"], answered["stage"]]).sum()
    weights = answered["weight"].groupby([answered["respondent"], answered["stage"]]).sum()
    scores = (weighted / weights).unstack("stage")
    coverage = answered.groupby(["respondent", "stage"]).size().unstack("stage") / staged.groupby("stage").size()
    order = [s["key"] for s in catalog.lifecycle_stages()]
    return scores.where(coverage >= min_answered).reindex(columns=order)


def _verdict(company: pd.Series, settings: dict[str, Any]) -> tuple[str, str, str, float, float]:
    ranked = company.dropna().sort_values(ascending=False)
    top, runner_up = ranked.index[0], ranked.index[1]
    margin = float(ranked.iloc[0] - ranked.iloc[1])
    signal = float(ranked.iloc[0] - ranked.median())
    order = {s["key"]: s["order"] for s in catalog.lifecycle_stages()}
    if signal < settings["min_signal"]:
        kind = "ambiguous"
    elif margin >= settings["clear_margin"]:
        kind = "stage"
    elif abs(order[top] - order[runner_up]) == 1:
        kind = "transition"
    else:
        kind = "ambiguous"
    return kind, top, runner_up, margin, signal


def _kendall_w(scores: pd.DataFrame) -> float:
    """Kendall's coefficient of concordance of the respondents' stage rankings (ties corrected)."""
    complete = scores.dropna(axis=1)
    m, n = complete.shape
    if m < 2 or n < 2:
        return float("nan")
    ranks = complete.rank(axis=1)
    totals = ranks.sum(axis=0)
    spread = float(((totals - totals.mean()) ** 2).sum())
    ties = sum(float((counts**3 - counts).sum()) for counts in
               (row.value_counts().to_numpy() for _, row in complete.iterrows()))
    return 12 * spread / (m**2 * (n**3 - n) - m * ties)


@dataclass(frozen=True)
class LifecycleResult:
    """The lifecycle diagnosis.

    Attributes
    ----------
    verdict : str
        ``"stage"``, ``"transition"`` or ``"ambiguous"``.
    stage, runner_up : str
        The most likely stage and the second (catalogue keys).
    margin : float
        Lead of the top stage over the runner-up, in points (0–100 scale).
    signal : float
        Lead of the top stage over the median stage, in points.
    stability : float
        Share of respondent resamples in which the same stage comes first.
    scores : DataFrame
        Per stage: ``name``, ``order``, ``score`` (0–100), ``low``/``high``
        (percentile interval over resamples), ``wins`` (share of resamples won),
        ``respondents`` scored.
    by_role : DataFrame
        Mean stage score per role (rows roles, columns stages, 0–100).
    respondents : DataFrame
        Each respondent's role, own top stage, and stage scores.
    evidence : DataFrame
        The statements behind the top two stages: mean answer and contribution.
    agreement : float
        Kendall's W of the respondents' stage rankings (0 none, 1 full).
    flexibility, control : float
        Mean agreement (0–100) with the flexibility and control cross-check items.
    n_respondents : int
        Respondents scored.
    language : str
        Language of names and texts.
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

    def name(self, key: str | None = None) -> str:
        """The stage's name in the result's language (the top stage by default)."""
        return str(self.scores.loc[key or self.stage, "name"])

    @property
    def label(self) -> str:
        """The verdict in words: "Go-Go", "transition Go-Go → Adolescence" or "ambiguous (...)"."""
        if self.verdict == "stage":
            return self.name()
        if self.verdict == "transition":
            first, second = sorted([self.stage, self.runner_up], key=lambda k: self.scores.loc[k, "order"])
            return f"transition {self.name(first)} → {self.name(second)}"
        return f"ambiguous (leaning {self.name()}, then {self.name(self.runner_up)})"

    def __str__(self) -> str:
        return (f"{self.label} (margin {self.margin:.0f} points over {self.name(self.runner_up)}; "
                f"stable in {self.stability:.0%} of resamples; {self.n_respondents} respondents)")

    def mandate(self) -> pd.DataFrame:
        """The customer-service mandate and owner for the stage(s) the verdict names."""
        keys = [self.stage] if self.verdict == "stage" else [self.stage, self.runner_up]
        keys = sorted(keys, key=lambda key: self.scores.loc[key, "order"])
        return stages(self.language).loc[keys, ["name", "mandate", "owner", "source"]]


def diagnose(answers: pd.DataFrame, config: dict[str, Any] | None = None, *, language: str = "en") -> LifecycleResult:
    """Score the lifecycle questionnaire and place the company on the curve.

    Parameters
    ----------
    answers : DataFrame
        ``client.lifecycle``: respondent, role, statement_id, answer (1–5, blank = don't know).
    config : dict, optional
        ``client.config``, for ``[overrides.lifecycle]``.
    language : {"en", "ru"}
        Language of stage names and statement texts.

    Returns
    -------
    LifecycleResult
    """
    settings = dict(catalog.load("lifecycle")["scoring"])
    settings.update(((config or {}).get("overrides", {}) or {}).get("lifecycle", {}).get("scoring", {}))
    items = questionnaire(config, language)
    answers = answers[answers["statement_id"].isin(items.index)]
    per_respondent = _respondent_scores(answers, items, settings["min_answered_share"])
    per_respondent = per_respondent.dropna(how="all")
    if len(per_respondent) == 0:
        raise ValueError("no respondent answered enough statements to score any stage")
    company = per_respondent.mean()
    kind, top, runner_up, margin, signal = _verdict(company, settings)

    rng = np.random.default_rng(settings["seed"])
    picks = rng.integers(0, len(per_respondent), size=(settings["resamples"], len(per_respondent)))
    matrix = per_respondent.to_numpy()
    resampled = np.stack([np.nanmean(matrix[row], axis=0) for row in picks])
    resampled_filled = np.where(np.isnan(resampled), -np.inf, resampled)
    winners = pd.Series(per_respondent.columns[resampled_filled.argmax(axis=1)])
    wins = winners.value_counts(normalize=True).reindex(per_respondent.columns, fill_value=0.0)

    stage_table = stages(language)
    scores = pd.DataFrame({
        "name": stage_table["name"], "order": stage_table["order"], "score": 100 * company,
        "low": 100 * np.nanpercentile(resampled, 2.5, axis=0), "high": 100 * np.nanpercentile(resampled, 97.5, axis=0),
        "wins": wins, "respondents": per_respondent.notna().sum(),
    })

    roles = answers.drop_duplicates("respondent").set_index("respondent")["role"]
    by_role = (100 * per_respondent).groupby(roles.reindex(per_respondent.index)).mean()
    respondents = (100 * per_respondent).round(1)
    respondents.insert(0, "top_stage", per_respondent.idxmax(axis=1))
    respondents.insert(0, "role", roles.reindex(per_respondent.index))

    mean_answer = answers.groupby("statement_id")["answer"].mean()
    evidence = items[items["stage"].isin([top, runner_up])].copy()
    evidence["mean_answer"] = mean_answer.reindex(evidence.index).astype(float)
    stage_weight = evidence.groupby("stage")["weight"].transform("sum")
    evidence["contribution"] = 100 * evidence["weight"] * (evidence["mean_answer"] - 1) / 4 / stage_weight
    evidence["rank"] = evidence["stage"].map({top: 0, runner_up: 1})
    evidence = evidence.sort_values(["rank", "contribution"], ascending=[True, False])

    axis_items = items[items["axis"] != ""]
    axis_answers = answers.merge(axis_items[["axis"]], left_on="statement_id", right_index=True)
    axis_mean = 100 * (axis_answers.groupby("axis")["answer"].mean().astype(float) - 1) / 4
    return LifecycleResult(
        verdict=kind, stage=top, runner_up=runner_up, margin=100 * margin, signal=100 * signal,
        stability=float(wins[top]), scores=scores, by_role=by_role, respondents=respondents,
        evidence=evidence[["stage", "text", "weight", "mean_answer", "contribution", "origin"]],
        agreement=_kendall_w(per_respondent), flexibility=float(axis_mean.get("flexibility", np.nan)),
        control=float(axis_mean.get("control", np.nan)), n_respondents=len(per_respondent), language=language,
    )
