"""The lifecycle diagnosis as a result: the verdict, its evidence, and the mandate it gives customer service."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cxlib.lifecycle_questionnaire import _text, stages


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
