"""Self-checking exercises: say "correct", or what is wrong, or "not solved yet", and then why.

A check cell in a chapter notebook calls :func:`answer` (or :func:`exercise`, the same) with the
exercise's id, the student's answer and the client. How each answer is checked lives in
``cxlib/catalog/exercises.toml``; answers that depend on the data are derived here from the
client, so every exercise works on every case of the library. Sentences are read by
:mod:`cxlib.rubric` for what they claim. After a correct answer, or after the catalogue's number
of tries in this Python session, the verdict adds the model answer and the explanation; asking
without an answer never shows them.

Examples
--------
>>> answer("04.1", 10).status
'correct'
>>> answer("04.1", ...)
04.1: not solved yet (replace ... with your answer)
>>> answer("03.2", "0.2411").message.splitlines()[0]
'correct (read 0.2411 as a share, 24.11%)'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cxlib import catalog, rubric
from cxlib.wording import Numbers, Words

NOT_SOLVED = "not solved yet"
MIMETYPE = "application/vnd.cxkit.verdict+json"
_TRIES: dict[str, int] = {}  # wrong answers per exercise in this session: after enough, the model answer shows


def forget_tries() -> None:
    """Start counting tries afresh, as a new Python session would."""
    _TRIES.clear()


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: ``status`` is "correct", "wrong", "not solved yet" or "not available"."""

    exercise: str
    status: str
    message: str

    def __repr__(self) -> str:
        return f"{self.exercise}: {self.message}"

    __str__ = __repr__

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        # the gradebook reads the status here, whatever the language of the message
        return {"text/plain": repr(self), MIMETYPE: {"exercise": self.exercise, "status": self.status}}

    @property
    def correct(self) -> bool:
        return self.status == "correct"


def _entry(exercise_id: str) -> dict[str, Any]:
    for entry in catalog.load("exercises")["exercises"]:
        if entry["id"] == exercise_id:
            return entry
    raise KeyError(f"no exercise {exercise_id!r} in cxlib/catalog/exercises.toml")


# --------------------------------------------------------------------------- answers derived from the data


def _lifecycle(client):
    from cxlib import lifecycle

    return lifecycle.diagnose(client.lifecycle, client.config, language=client.language)


_DIAGNOSES: dict[int, tuple[Any, Any]] = {}


def _diagnosis(client):
    """The diagnosis of a client, once per client object in a session (checks ask for it several times)."""
    from cxlib.diagnosis import diagnose

    kept = _DIAGNOSES.get(id(client))
    if kept is None or kept[0] is not client:
        kept = _DIAGNOSES[id(client)] = (client, diagnose(client))
    return kept[1]


def lifecycle_margin(client) -> float:
    return _lifecycle(client).margin


OWNER_OPTIONS = {"courtship": "a", "infancy": "a", "gogo": "b", "adolescence": "c", "prime": "d", "stability": "d",
                 "aristocracy": "d", "recrimination": "d", "bureaucracy": "e", "death": "e"}


def stage_owner_option(client) -> list[str]:
    return [OWNER_OPTIONS[_lifecycle(client).stage]]


def worst_financial_metric(client) -> list[str]:
    """The financial metrics behind target, the furthest first; the two furthest are both accepted."""
    from cxlib import scorecard

    result = scorecard.assess(client.scorecard, client.answers, client.customers, client.config,
                              language=client.language)
    behind = result.latest[(result.latest["level"] == "financial") & (result.latest["status"] == "behind")]
    shortfall = ((behind["value"] - behind["target"]) / behind["target"]).abs()
    ranked = list(shortfall.sort_values(ascending=False).index)
    return ranked[:2] + [behind.loc[key, "name"].lower() for key in ranked[:2]] if ranked else ["none"]


def delivery_gap_points(client) -> float:
    from cxlib import scorecard

    result = scorecard.assess(client.scorecard, client.answers, client.customers, client.config)
    return scorecard.delivery_gap(result.table, client.answers).diff


def top_pain_point(client) -> list[str]:
    from cxlib import journey

    measured = journey.touchpoints(client.journey, language=client.language)
    links = journey.survey_links(client.survey) if client.has_rows else None
    top = journey.priorities(measured, links).iloc[0]
    return [top["touchpoint"], top["name"]]


def company_change_real(client) -> list[str]:
    from cxlib.survey import changes

    return ["real"] if changes(client.answers, "nps").iloc[-1]["significant"] else ["noise"]


def group_names(key: str) -> list[str]:
    """A channel's code and its names in English and Russian (``cxlib/catalog/summary.toml`` [groups])."""
    names = catalog.load("summary")["groups"].get(key, {})
    return list(dict.fromkeys([key.replace("_", " "), *(names.get(f"name_{lang}", "") for lang in ("en", "ru"))]))


def _group_name(key: str, language: str) -> str:
    names = catalog.load("summary")["groups"].get(key, {})
    return names.get(f"name_{language}") or names.get("name_en") or key.replace("_", " ")


def _last_changes(client):
    from cxlib.survey import changes

    table = changes(client.answers, "nps", within="channel")
    return table[table["to"] == client.periods[-1]], changes(client.answers, "nps").iloc[-1]


def _answers(meaning: str) -> list[str]:
    """The accepted answers that mean "none" or "insufficient" (catalogue [words] answers_<meaning>)."""
    return list(catalog.load("exercises")["words"][f"answers_{meaning}"])


def changed_channel(client) -> list[str]:
    last, _ = _last_changes(client)
    changed = last[last["significant"]]
    return [name for key in changed["channel"] for name in group_names(key)] or _answers("none")


def sample_size_45_35_20(client) -> float:
    from cxlib.metrics import nps_sample_size

    return nps_sample_size(5, (0.45, 0.35, 0.20))


def second_recommendation_chapter(client) -> list[str]:
    return [_diagnosis(client).recommendations.iloc[1]["chapter"]]


def _top_complaint(client) -> dict[str, Any] | None:
    """The topic the lowest group writes about most often compared with the highest, as a claim of the family."""
    from cxlib import voice
    from cxlib.topic_claims import critics_topic

    top = critics_topic(_diagnosis(client).changes)
    if top is None:
        return None
    key = top["metric"]
    topics = {language: {t["key"]: t for t in voice.topics_for(client.config, language)} for language in ("en", "ru")}
    return {"key": key, "names": [topics[lang][key]["name"] for lang in ("en", "ru")],
            "stage": topics["en"][key]["stage"]}


def top_complaint_topic(client) -> list[str]:
    found = _top_complaint(client)
    return [found["key"], *found["names"]] if found else ["none"]


def top_complaint_stage(client) -> list[str]:
    found = _top_complaint(client)
    if not found:
        return ["none"]
    stage = next(s for s in catalog.journey_stages() if s["key"] == found["stage"])
    return [stage["key"], catalog.label(stage, "en"), catalog.label(stage, "ru")]


def commented_share(client) -> float:
    comments = client.survey["comment"].astype(object).where(client.survey["comment"].notna(), "")
    return 100 * float((comments.astype(str).str.strip() != "").mean())


def nps_sentence_rubric(client) -> rubric.Claim:
    """What a sentence on the last period's NPS must claim: the channel that changed (or none), its way and size."""
    last, company = _last_changes(client)
    vocab, words, numbers = rubric.vocabulary(), Words("exercises", client.language, "words"), Numbers(client.language)
    def subject(key, terms, row) -> rubric.Subject:
        return rubric.Subject(key, tuple(terms), "real" if row["significant"] else "noise",
                              "down" if row["diff"] < 0 else "up", float(row["diff"]))

    subjects = [subject(row["channel"], group_names(row["channel"]), row) for _, row in last.iterrows()]
    subjects.append(subject("company", vocab["company"], company))
    changed = last[last["significant"]].sort_values("diff", key=abs, ascending=False)
    shown = (changed if len(changed) else last.sort_values("diff", key=abs, ascending=False)).iloc[0]
    p = shown["p_holm"]
    model = {"channel": _group_name(shown["channel"], client.language),
             "verb": words("verb_down" if shown["diff"] < 0 else "verb_up"),
             "size": numbers.number(abs(shown["diff"])), "period": numbers.period(client.periods[-1]),
             "p": f"< {0.001}" if p < 0.001 else f"= {numbers.number(p, 3)}",
             "company": words("stance_real" if company["significant"] else "stance_noise"),
             "variant": "" if len(changed) else "_none"}
    if len(changed):
        subjects.append(rubric.Subject("none", tuple(vocab["nothing"])))
        return rubric.Claim(str(shown["channel"]), tuple(subjects), ("entity", "stance", "direction", "number"),
                            float(_entry("04.5")["tolerance"]), model)
    subjects.append(rubric.Subject("none", tuple(vocab["nothing"]), "noise"))
    return rubric.Claim("none", tuple(subjects), ("entity", "stance"), model=model)


def _unsupplied(client, need: str) -> None:
    """Raise the client's one sentence saying the file an exercise needs was not supplied."""
    if gap := client.lacks(need):
        raise ValueError(gap)


def repeat_contact_gap(client) -> float:
    """NPS points between customers with repeated contacts and customers without contacts (each counted once)."""
    from cxlib import contacts

    _unsupplied(client, "contacts")
    claims = contacts.history_claims(client.survey, client.contacts)
    row = claims[(claims["metric"] == "nps") & (claims["group"] == "repeated")]
    if row.empty:
        raise ValueError(contacts.gap("no_link", client.language))
    return float(row["diff"].iloc[0])


def weakest_component(client) -> list[str]:
    """The component the self-assessment names as weakest (its key and names), or "insufficient"."""
    from cxlib import components

    _unsupplied(client, "components")
    result = components.assess(client.components, client.config, language=client.language)
    if result.insufficient:
        return _answers("insufficient")
    names = [str(components.components(lang).loc[result.weakest, "name"]).lower() for lang in ("en", "ru")]
    return list(dict.fromkeys([result.weakest, *names]))


def top_key_driver(client) -> list[str]:
    """The rating the report's family states as the top key driver (column, attribute, name), or "none"."""
    from cxlib.driver_claims import SOURCE, driver_claims, key_drivers_of

    family = _diagnosis(client).changes
    if not (family["source"] == SOURCE).any():  # nothing weighed: say why, never "no key driver"
        raise ValueError(driver_claims(client).attrs.get("why") or Words("drivers", client.language)(
            "no_drivers", outcome="NPS"))
    stated = key_drivers_of(family)
    if stated.empty:
        return _answers("none")
    column = str(stated.iloc[0]["group"])
    rating = client.ratings.set_index("column").loc[column]
    return list(dict.fromkeys([column, column.removeprefix("rating_").replace("_", " "),
                               str(rating["attribute"]).replace("_", " "), str(rating["name"]).lower()]))


EVIDENCE_NUMBER = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:%|points?\b|п\.)")


def lead_recommendation_rubric(client) -> rubric.Action:
    """What a lead recommendation must hold: the stage's mandate or a top pain point, and a figure of the evidence."""
    from cxlib import journey

    stage = _lifecycle(client).stage
    measured = journey.touchpoints(client.journey, language=client.language)
    ranked = journey.priorities(measured, journey.survey_links(client.survey) if client.has_rows else None)
    names = [str(n) for n in ranked.head(3)["name"]] + [str(t) for t in ranked.head(3)["touchpoint"]]
    recommendations = _diagnosis(client).recommendations
    evidence = [float(n.replace(",", ".")) for text in recommendations["evidence"]
                for n in EVIDENCE_NUMBER.findall(str(text))]
    quoted = next((f"{r['recommendation']} {r['evidence']}" for _, r in recommendations.iterrows()
                   if r["chapter"] != "01" and "%" in str(r["evidence"])), "")
    model = {"mandate": str(recommendations.iloc[0]["recommendation"]), "evidence": quoted}
    actions = catalog.load("exercises")["mandates"][stage] + [n.lower() for n in names]
    return rubric.Action(tuple(actions), tuple(evidence), float(_entry("06.2")["tolerance"]), model)


COMPUTE: dict[str, Callable] = {f.__name__: f for f in (
    lifecycle_margin, stage_owner_option, worst_financial_metric, delivery_gap_points, top_pain_point,
    company_change_real, changed_channel, sample_size_45_35_20, nps_sentence_rubric, lead_recommendation_rubric,
    second_recommendation_chapter, top_complaint_topic, top_complaint_stage, commented_share,
    repeat_contact_gap, weakest_component, top_key_driver)}


# --------------------------------------------------------------------------- checking


def exercise(exercise_id: str, value: Any = ..., client: Any = None) -> Verdict:
    """The same as :func:`answer`; without an answer it says "not solved yet" and never shows the answer.

    Examples
    --------
    >>> exercise("04.3").status
    'not solved yet'
    """
    return answer(exercise_id, value, client)


def answer(exercise_id: str, value: Any = ..., client: Any = None) -> Verdict:
    """Check a student's answer and say "correct", what is wrong, or "not solved yet".

    Parameters
    ----------
    exercise_id : str
        As in the notebook, e.g. ``"04.1"``.
    value : Any
        The student's answer; ``...`` (the stub in the student notebooks) means not solved yet.
    client : Client, optional
        The client the notebook runs on, for answers derived from its data and for the language.

    Returns
    -------
    Verdict
        After a correct answer, or after the catalogue's ``tries`` wrong ones, its message ends with the
        model answer and the explanation.
    """
    from cxlib import judge

    spec = _entry(exercise_id)
    words = Words("exercises", getattr(client, "language", "en") or "en", "words")
    if value is ... or value is None or (isinstance(value, str) and not value.strip()):
        return Verdict(exercise_id, NOT_SOLVED, words("not_solved"))
    try:
        derived = COMPUTE[spec["compute"]](client) if "compute" in spec else None
    except (ValueError, KeyError, IndexError, AttributeError, TypeError) as error:
        return Verdict(exercise_id, "not available", words("not_available", error=error))
    ok, text = judge.judge(spec, value, derived, words)
    if not ok:
        _TRIES[exercise_id] = _TRIES.get(exercise_id, 0) + 1
        limit = int(catalog.load("exercises")["tries"])
        if _TRIES[exercise_id] < limit:
            return Verdict(exercise_id, "wrong", text + " " + words("tries_left", tries=_TRIES[exercise_id],
                                                                    limit=limit))
    return Verdict(exercise_id, "correct" if ok else "wrong",
                   text + "\n" + judge.model_answer(spec, derived, words))
