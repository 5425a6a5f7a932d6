"""Self-checking exercises: say "correct", or what is wrong, or "not solved yet".

A check cell in a chapter notebook calls :func:`answer` with the exercise's id,
the student's answer and the client. How each answer is checked lives in
``cxlib/catalog/exercises.toml``; answers that depend on the data are derived
here from the client, so every exercise works on every case of the library.

Examples
--------
>>> answer("04.1", 10)
04.1: correct
>>> answer("04.1", ...)
04.1: not solved yet (replace ... with your answer)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from cxlib import catalog

NOT_SOLVED = "not solved yet"


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: ``status`` is "correct", "wrong" or "not solved yet"."""

    exercise: str
    status: str
    message: str

    def __repr__(self) -> str:
        return f"{self.exercise}: {self.message}"

    __str__ = __repr__

    @property
    def correct(self) -> bool:
        return self.status == "correct"


def exercise(exercise_id: str) -> dict[str, Any]:
    """The catalogue entry of one exercise."""
    for entry in catalog.load("exercises")["exercises"]:
        if entry["id"] == exercise_id:
            return entry
    raise KeyError(f"no exercise {exercise_id!r} in cxlib/catalog/exercises.toml")


# --------------------------------------------------------------------------- answers derived from the data


def _lifecycle(client):
    from cxlib import lifecycle

    return lifecycle.diagnose(client.lifecycle, client.config, language=client.language)


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

    last = changes(client.answers, "nps").iloc[-1]
    return ["real"] if last["significant"] else ["noise"]


def _changed_channels(client) -> list[str]:
    from cxlib.survey import changes

    table = changes(client.answers, "nps", within="channel")
    last = table[(table["to"] == client.periods[-1]) & table["significant"]]
    return list(last["channel"])


def changed_channel(client) -> list[str]:
    return _changed_channels(client) or ["none"]


def sample_size_45_35_20(client) -> float:
    from cxlib.metrics import nps_sample_size

    return nps_sample_size(5, (0.45, 0.35, 0.20))


def second_recommendation_chapter(client) -> list[str]:
    from cxlib.diagnosis import diagnose

    chapter = diagnose(client).recommendations.iloc[1]["chapter"]
    return [chapter, chapter.lstrip("0")]


def _top_complaint(client) -> dict[str, Any] | None:
    """The topic the lowest group writes about most often compared with the highest, as a claim of the family."""
    from cxlib import voice
    from cxlib.diagnosis import diagnose
    from cxlib.topic_claims import critics_topic

    top = critics_topic(diagnose(client).changes)
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


REAL_WORDS = ["significant", "real", "test", "noise", "chance", "значим", "случайн", "тест", "реальн"]


def nps_sentence_rubric(client) -> list[tuple[str, list[str]]]:
    channels = _changed_channels(client)
    named = channels if channels else ["no channel", "none", "ни в одном", "нет"]
    return [("names the channel that changed (or says none did)", [c.lower() for c in named]),
            ("says whether a test shows the change is real", REAL_WORDS)]


def lead_recommendation_rubric(client) -> list[tuple[str, list[str]]]:
    stage = next(s for s in catalog.lifecycle_stages() if s["key"] == _lifecycle(client).stage)
    words = list(stage["mandate_keywords"]) + [w for w in top_pain_point(client)[0].lower().split() if len(w) > 3]
    return [("names the action: the stage's mandate or the top pain point", words),
            ("backs it with a number from the evidence", [r"\d"])]


COMPUTE: dict[str, Callable] = {f.__name__: f for f in (
    lifecycle_margin, stage_owner_option, worst_financial_metric, delivery_gap_points, top_pain_point,
    company_change_real, changed_channel, sample_size_45_35_20, nps_sentence_rubric, lead_recommendation_rubric,
    second_recommendation_chapter, top_complaint_topic, top_complaint_stage, commented_share)}


# --------------------------------------------------------------------------- checking


def _normal(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().lower().strip(".()")


def answer(exercise_id: str, value: Any, client: Any = None) -> Verdict:
    """Check a student's answer and say "correct", what is wrong, or "not solved yet".

    Parameters
    ----------
    exercise_id : str
        As in the notebook, e.g. ``"04.1"``.
    value : Any
        The student's answer; ``...`` (the stub in the student notebooks) means not solved yet.
    client : Client, optional
        The client the notebook runs on, for answers derived from its data.
    """
    spec = exercise(exercise_id)
    if value is ... or value is None or (isinstance(value, str) and not value.strip()):
        return Verdict(exercise_id, NOT_SOLVED, f"{NOT_SOLVED} (replace ... with your answer)")
    try:
        derived = COMPUTE[spec["compute"]](client) if "compute" in spec else None
    except (ValueError, KeyError, IndexError, AttributeError) as error:
        return Verdict(exercise_id, "not available", f"not available for this client: its data lacks what the "
                                                     f"exercise needs ({error})")
    hint = spec.get("hint", "")
    if spec["kind"] == "number":
        expected = derived if derived is not None else spec["expected"]
        try:
            number = float(value.replace(",", ".")) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            return Verdict(exercise_id, "wrong", f"expected a number, got {value!r}")
        if abs(number - float(expected)) <= spec.get("tolerance", 0):
            return Verdict(exercise_id, "correct", "correct")
        return Verdict(exercise_id, "wrong", f"not quite: {number:g} is off. Hint: {hint}")
    if spec["kind"] == "choice":
        accepted = [_normal(a) for a in (derived if derived is not None else spec["accepted"])]
        if _normal(value) in accepted:
            return Verdict(exercise_id, "correct", "correct")
        return Verdict(exercise_id, "wrong", f"not this one: {value!r}. Hint: {hint}")
    rubric = derived if derived is not None else [(point["name"], point["keywords"]) for point in spec["rubric"]]
    text = str(value).lower()
    def found(keyword: str) -> bool:
        if keyword.startswith("\\"):
            return re.search(keyword, text) is not None
        # a short keyword must stand as a word ("нет" is not the end of "интернет")
        return re.search(rf"(?<!\w){re.escape(keyword)}", text) is not None if len(keyword) <= 4 else keyword in text

    missing = [name for name, keywords in rubric if not any(found(k) for k in keywords)]
    if not missing:
        return Verdict(exercise_id, "correct", "correct (every point of the rubric is there; your trainer reads the rest)")
    return Verdict(exercise_id, "wrong", "not yet: missing " + "; ".join(missing) + f". Hint: {hint}")
