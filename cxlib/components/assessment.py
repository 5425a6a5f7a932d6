"""The four components scored: questionnaire, respondent scores, manager–staff gaps as claims and the
weakest component under the evidence rules. The conventions are the package's (:mod:`cxlib.components`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from cxlib import catalog
from cxlib.claims import COLUMNS
from cxlib.components.differences import mean_interval, paired, welch
from cxlib.wording import Numbers

SOURCE = "components"
KIND = "role difference"
METHOD = "Welch t (respondent means)"
GROUPS = ("managers", "staff", "all")
RULES = ("respondents", "roles", "coverage", "lead", "separation")
"""The evidence rules for naming the weakest component, in the order they are checked."""


def _catalogue() -> dict[str, Any]:
    return catalog.load("components")


def _text(table: str, key: str, language: str, **values: Any) -> str:
    """A sentence of the catalogue's ``[texts]`` or ``[insufficient]`` table in ``language``, filled in."""
    return catalog.label(_catalogue()[table], language, key).format(**values)


def components(language: str = "en") -> pd.DataFrame:
    """The four components in the method's order: ``order``, ``name`` and ``about`` in ``language``."""
    rows = [{"component": c["key"], "order": c["order"], "name": catalog.label(c, language),
             "about": catalog.label(c, language, "about")} for c in _catalogue()["components"]]
    return pd.DataFrame(rows).sort_values("order").set_index("component")


@cache
def _names(language: str) -> dict[str, str]:
    """Component key to name in ``language``, in the method's order."""
    return components(language)["name"].to_dict()


def questionnaire(language: str = "en") -> pd.DataFrame:
    """The statements, indexed by id: ``component``, ``text`` in ``language`` and the ``source`` article."""
    rows = [{"id": s["id"], "component": s["component"], "text": catalog.label(s, language, "text"),
             "source": s["source"]} for s in _catalogue()["statements"]]
    return pd.DataFrame(rows).set_index("id")


def settings(config: dict[str, Any] | None = None) -> dict[str, Any]:
    """The catalogue's ``[scoring]`` thresholds, with a client's ``[overrides.components.scoring]`` applied."""
    values = dict(_catalogue()["scoring"])
    overrides = ((config or {}).get("overrides", {}) or {}).get("components", {}) or {}
    values.update(overrides.get("scoring", {}) or {})
    return values


def respondent_scores(answers: pd.DataFrame, config: dict[str, Any] | None = None) -> pd.DataFrame:
    """One row per respondent: role, group, share of statements answered, set aside or not, component scores.

    A component score is the mean of the respondent's answers (1–5) to its statements, NaN when they answered
    fewer than ``min_component_share`` of them; a repeated answer to a statement counts as its mean. A respondent
    who answered fewer than ``min_answered_share`` of all statements is ``set_aside`` (kept in the table, left out
    of every figure). ``group`` is "managers" (owner or manager) or "staff"; another role counts in no group.
    """
    settings_ = settings(config)
    items = questionnaire()
    rows = answers[answers["statement_id"].astype(str).isin(items.index)]
    value = pd.to_numeric(rows["answer"], errors="coerce").astype(float)
    matrix = (value.groupby([rows["respondent"].astype(str), rows["statement_id"].astype(str)]).mean()
              .unstack().reindex(columns=items.index))
    matrix.index.name = "respondent"
    role = (rows["role"].astype(str).str.strip().str.lower().groupby(rows["respondent"].astype(str)).first()
            .reindex(matrix.index))  # a respondent's first row gives their role, as in the lifecycle file
    table = pd.DataFrame({"role": role, "group": role.map(_catalogue()["roles"]),
                          "answered": matrix.notna().sum(axis=1) / len(items)}, index=matrix.index)
    table["set_aside"] = table["answered"] < settings_["min_answered_share"] - 1e-12
    for key in _names("en"):
        part = matrix[items.index[items["component"] == key]]
        enough = part.notna().mean(axis=1) >= settings_["min_component_share"] - 1e-12
        table[key] = part.mean(axis=1).where(enough)
    return table


def _group_scores(used: pd.DataFrame, names: dict[str, str], level: float, scale: tuple[float, float],
                  language: str) -> pd.DataFrame:
    """Mean score, clipped t interval and n per component and group (managers, staff, all)."""
    rows = []
    for key, name in names.items():
        for group in GROUPS:
            part = used if group == "all" else used[used["group"] == group]
            mean, low, high, n, se = mean_interval(part[key], level)
            # the true mean lies on the answer scale, so cutting the interval there loses no coverage
            rows.append({"component": key, "name": name, "group": group,
                         "group_name": _text("groups", group, language), "score": mean,
                         "low": max(low, scale[0]) if n > 1 else math.nan,
                         "high": min(high, scale[1]) if n > 1 else math.nan, "n": n, "se": se})
    return pd.DataFrame(rows)


def gap_claims(used: pd.DataFrame, config: dict[str, Any] | None = None, language: str = "en",
               level: float = 0.95) -> tuple[pd.DataFrame, list[str]]:
    """The manager–staff gap of every component that can be tested, as rows of the report's family of claims.

    ``used`` is :func:`respondent_scores` without the respondents set aside; ``config`` gives the client's
    ``[overrides.components.scoring]``; intervals are at ``level``.

    Returns
    -------
    claims : DataFrame
        Rows in :data:`cxlib.claims.COLUMNS`: ``source`` "components", ``metric`` the component key, ``by`` "role",
        ``group`` the component's name, ``kind`` "role difference", ``from`` "staff", ``to`` "managers",
        ``value_from``/``value_to`` and ``n_from``/``n_to`` the two means and respondents, ``diff`` managers − staff
        (answer points), ``p`` Welch's (unadjusted), ``worse`` True when managers rate the component higher.
    notes : list of str
        One sentence for each component whose gap is not tested, and why.
    """
    settings_ = settings(config)
    minimum = int(settings_["min_role_respondents"])
    rows, notes = [], []
    for key, name in _names(language).items():
        managers = used.loc[used["group"] == "managers", key]
        staff = used.loc[used["group"] == "staff", key]
        n_m, n_s = int(managers.notna().sum()), int(staff.notna().sum())
        if min(n_m, n_s) < minimum:
            notes.append(_text("texts", "gap_untested", language, name=name, min=minimum, managers=n_m, staff=n_s))
            continue
        test = welch(managers, staff, level)
        if math.isnan(test.p_value):
            notes.append(_text("texts", "gap_flat", language, name=name))
            continue
        rows.append({"source": SOURCE, "metric": key, "by": "role", "group": name, "kind": KIND, "from": "staff",
                     "to": "managers", "value_from": float(staff.mean()), "value_to": float(managers.mean()),
                     "n_from": n_s, "n_to": n_m, "diff": test.diff, "low": test.low, "high": test.high,
                     "p_own": test.p_value, "p": test.p_value, "worse": bool(test.diff > 0),
                     "unit": "mean {}–{}".format(*settings_["scale"]), "method": METHOD})
    return pd.DataFrame(rows).reindex(columns=COLUMNS), notes


def _rules_table(rows: list[tuple[str, float, float, bool | None, str]]) -> tuple[pd.DataFrame, str]:
    """The rules as a table (rules after the first failure are not checked: ``passed`` NA) and that failure's reason."""
    checked, reason = [], ""
    for rule, value, threshold, passed, sentence in rows:
        if reason:
            checked.append((rule, math.nan, threshold, None, ""))
            continue
        checked.append((rule, value, threshold, passed, "" if passed else sentence))
        reason = "" if passed else sentence
    table = pd.DataFrame(checked, columns=["rule", "value", "threshold", "passed", "reason"]).set_index("rule")
    table["passed"] = table["passed"].astype("boolean")
    return table, reason


def _pairwise(used: pd.DataFrame, weakest: str, others: list[str], level: float) -> pd.DataFrame:
    """Each of ``others`` against the weakest: paired difference (other − weakest), stratified by role."""
    tests = {key: paired(used[key], used[weakest], used["group"], level) for key in others}
    rows = [(key, t.diff, t.low, t.high, t.n_a, t.p_value) for key, t in tests.items()]
    return pd.DataFrame(rows, columns=["component", "diff", "low", "high", "n", "p"]).set_index("component")


def _weakest(used: pd.DataFrame, set_aside: int, settings_: dict[str, Any],
             language: str) -> tuple[str, pd.DataFrame, str, pd.DataFrame]:
    """The weakest component and the evidence rules: ``(weakest, rules, reason, pairwise)``.

    The weakest is the component with the lowest mean over all usable respondents; ``reason`` is empty when every
    rule holds. The paired tests run at ``alpha`` / (number of component pairs), Bonferroni over every pair, so that
    choosing the lowest after seeing the data cannot raise the chance of a false verdict above ``alpha``.
    """
    names = {**_names(language), "": ""}
    number = Numbers(language)
    keys = list(_names(language))
    n = len(used)
    n_m, n_s = int((used["group"] == "managers").sum()), int((used["group"] == "staff").sum())
    ranked = used[keys].mean().dropna().sort_values(kind="stable")
    weakest = str(ranked.index[0]) if len(ranked) else ""
    scored = used[keys].notna().sum()
    thin = str((scored / max(n, 1)).idxmin())
    pairs = len(keys) * (len(keys) - 1) / 2
    cut = settings_["alpha"] / pairs
    pairwise = _pairwise(used, weakest, [key for key in keys if weakest and key != weakest], 1 - cut)
    lead = float(ranked.iloc[1] - ranked.iloc[0]) if len(ranked) > 1 else math.nan
    runner_up = str(ranked.index[1]) if len(ranked) > 1 else ""
    separated = pairwise["p"].lt(cut) & pairwise["diff"].gt(0)
    hardest = str(pairwise["p"].fillna(np.inf).idxmax()) if len(pairwise) else ""
    worst = float(pairwise["p"].max()) if len(pairwise) else math.nan
    first = _text("insufficient", "no_answers" if n == 0 else "respondents_set_aside" if set_aside else "respondents",
                  language, n=n, set_aside=set_aside, min=settings_["min_respondents"])
    minimum = settings_["min_role_respondents"]
    needed = math.ceil(settings_["min_coverage"] * n - 1e-9)
    rows = [
        ("respondents", n, settings_["min_respondents"], n >= settings_["min_respondents"], first),
        ("roles", min(n_m, n_s), minimum, min(n_m, n_s) >= minimum,
         _text("insufficient", "roles", language, managers=n_m, staff=n_s, min=minimum)),
        ("coverage", float(scored.min() / max(n, 1)), settings_["min_coverage"], bool(scored.min() >= needed),
         _text("insufficient", "coverage", language, name=names[thin], k=int(scored[thin]), n=n, min=needed)),
        ("lead", lead, settings_["min_lead"], bool(lead >= settings_["min_lead"] - 1e-12),
         _text("insufficient", "lead", language, name=names[weakest], next=names[runner_up],
               lead=number.number(lead, 2), min=number.number(settings_["min_lead"], 2))),
        ("separation", worst, cut, bool(len(pairwise) and separated.all()),
         _text("insufficient", "separation", language, name=names[weakest], other=names[hardest],
               p=number.p_value(worst), max=number.number(cut, 4))),
    ]
    rules, reason = _rules_table(rows)
    return weakest, rules, reason, pairwise


@dataclass(frozen=True)
class ComponentsResult:
    """The four components' self-assessment.

    Attributes
    ----------
    verdict : {"weakest", "insufficient"}
        ``"weakest"`` names the weakest component in ``weakest``; ``"insufficient"`` names none (``weakest`` is "")
        and ``reason`` says why in one sentence. ``lowest`` is the lowest-scoring component either way.
    scores : DataFrame
        One row per component and group (managers, staff, all): ``score`` (mean 1–5), ``low``/``high`` (t interval,
        cut to the answer scale), ``n`` (respondents who scored it), ``se``.
    gaps : DataFrame
        The manager–staff gaps as claims of the report's family (:func:`gap_claims`), unadjusted.
    pairwise : DataFrame
        Every other component against the lowest: paired difference, its interval at the Bonferroni level, n, p.
    respondents, rules : DataFrame
        :func:`respondent_scores`; the evidence rules in order (value, threshold, passed or NA if not checked, reason).
    notes, set_aside : tuple of str
        Sentences for gaps not tested and components nobody scored (none when nobody answered: ``reason`` says it);
        respondents who answered too few statements.
    n_respondents : int
        Respondents counted.
    """

    verdict: str
    weakest: str
    scores: pd.DataFrame
    gaps: pd.DataFrame
    pairwise: pd.DataFrame
    respondents: pd.DataFrame
    rules: pd.DataFrame
    reason: str = ""
    notes: tuple[str, ...] = ()
    set_aside: tuple[str, ...] = ()
    n_respondents: int = 0
    language: str = "en"
    level: float = 0.95
    lowest: str = ""

    @property
    def insufficient(self) -> bool:
        """True when the answers cannot name the weakest component (see ``reason``)."""
        return self.verdict == "insufficient"

    def name(self, key: str | None = None) -> str:
        """A component's name in the result's language (the weakest by default)."""
        return _names(self.language)[key or self.weakest]

    @property
    def label(self) -> str:
        """The verdict in words: "weakest component: Written customer policy", or "insufficient evidence"."""
        if self.insufficient:
            return _text("texts", "insufficient", self.language)
        return _text("texts", "label", self.language, name=self.name())

    def table(self, group: str = "all") -> pd.DataFrame:
        """One group's scores (``managers``, ``staff`` or ``all``), indexed by component."""
        return self.scores[self.scores["group"] == group].set_index("component")

    def __str__(self) -> str:
        if self.insufficient:
            return f"{self.label}: {self.reason}"
        row = self.table().loc[self.weakest]
        return f"{self.label} ({row['score']:.2f} of 5, {self.n_respondents} respondents)"


def assess(answers: pd.DataFrame, config: dict[str, Any] | None = None, *, language: str = "en",
           level: float = 0.95) -> ComponentsResult:
    """Score the four components, test the manager–staff gaps and name the weakest component, or say why not.

    Parameters
    ----------
    answers : DataFrame
        ``client.components``: respondent, role (owner, manager, staff), statement_id, answer (1–5, blank = don't
        know). Statements the catalogue does not hold are left out.
    config : dict, optional
        ``client.config``, for ``[overrides.components.scoring]``.
    language : {"en", "ru"}
        Language of component names and sentences.
    level : float
        Confidence level of the scores' and gaps' intervals.

    Returns
    -------
    ComponentsResult
    """
    settings_ = settings(config)
    per = respondent_scores(answers, config)
    used = per[~per["set_aside"]]
    names = _names(language)
    scores = _group_scores(used, names, level, tuple(settings_["scale"]), language)
    gaps, notes = gap_claims(used, config, language, level)
    notes += [_text("texts", "no_score", language, name=name) for key, name in names.items()
              if not used[key].notna().any()]
    notes = notes if len(used) else []  # with nobody to count, the verdict's one sentence says it all
    weakest, rules, reason, pairwise = _weakest(used, int(per["set_aside"].sum()), settings_, language)
    return ComponentsResult(
        verdict="insufficient" if reason else "weakest", weakest="" if reason else weakest, scores=scores,
        gaps=gaps, pairwise=pairwise, respondents=per, rules=rules, reason=reason, notes=tuple(notes),
        set_aside=tuple(per.index[per["set_aside"]]), n_respondents=len(used), language=language, level=level,
        lowest=weakest)
