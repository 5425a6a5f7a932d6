"""The free-text checks read meaning: gamed answers fail, natural right answers pass, in both languages, on every case.

The figures in the answers are computed here from the client's data with pandas (channel NPS by
period, the announced share of delays), not typed: the data can be regenerated and the table holds.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import cxlib
from cxlib import catalog, check, rubric
from cxlib.check import answer

KIT_ROOT = Path(__file__).resolve().parents[1]
CASES = {"demo": KIT_ROOT / "data" / "demo", "tea_leaf": KIT_ROOT / "data" / "cases" / "tea_leaf",
         "volga_bank": KIT_ROOT / "data" / "cases" / "volga_bank"}


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    client = cxlib.load_client(CASES[request.param])
    return request.param, client, facts(client)


@pytest.fixture(autouse=True)
def fresh_tries():
    check.forget_tries()  # three wrong answers in a row would add the model answer to the message


def names(key: str) -> dict[str, str]:
    entry = catalog.load("summary")["groups"].get(key, {})
    return {"en": entry.get("name_en", key.replace("_", " ")), "ru": entry.get("name_ru", key.replace("_", " "))}


def facts(client) -> dict:
    """The last period's channel changes by hand, the significance from the report's test, the delays' share."""
    answers = client.answers.dropna(subset=["nps"])
    last, before = client.periods[-1], client.periods[-2]
    def nps(frame: pd.DataFrame) -> float:
        return 100 * float((frame["nps"] >= 9).mean() - (frame["nps"] <= 6).mean())

    diffs = {channel: nps(group[group["period"] == last]) - nps(group[group["period"] == before])
             for channel, group in answers.groupby("channel", observed=True)}
    tested = cxlib.changes(client.answers, "nps", within="channel")
    significant = set(tested[(tested["to"] == last) & tested["significant"]]["channel"])
    delays = client.journey.groupby("touchpoint")[["delays", "delays_announced"]].sum()
    worst = delays["delays"].idxmax()
    changed = max(significant, key=lambda c: abs(diffs[c])) if significant else None
    largest = max(diffs, key=lambda c: abs(diffs[c]))
    return {"diffs": diffs, "changed": changed, "largest": largest, "touchpoint": worst,
            "share": 100 * delays.loc[worst, "delays_announced"] / delays.loc[worst, "delays"]}


def sentence_answers(f: dict) -> tuple[list[str], list[str]]:
    """Right and gamed answers to 04.5 for a client's facts."""
    if f["changed"]:
        channel, diff = f["changed"], f["diffs"][f["changed"]]
        en, ru, size = names(channel)["en"], names(channel)["ru"], f"{abs(diff):.0f}"
        verb, wrong_verb = ("fell", "rose") if diff < 0 else ("rose", "fell")
        verb_ru, wrong_ru = ("снизился", "вырос") if diff < 0 else ("вырос", "снизился")
        right = [(f"NPS in the {en} channel {verb} by about {size} points in the last quarter, a real change "
                  f"(significant after Holm's correction); the company-wide change is within noise."),
                 (f"The {en} channel's NPS {'dropped' if diff < 0 else 'jumped'} {size} points in Q4 "
                  f"(Holm-adjusted p < 0.001)"),
                 f"{en.capitalize()} NPS {verb} {size} points; nonetheless it is no fluke: the test says it is real.",
                 f"NPS в канале «{ru}» {verb_ru} на {size} п. в 4 кв. 2025 — это значимое изменение, не шум.",
                 f"{ru.capitalize()}: NPS {verb_ru} на {size} пунктов, изменение статистически значимо.",
                 f"{en.capitalize()}: {'−' if diff < 0 else '+'}{size} points, not a fluke (significant after Holm)."]
        gamed = [f"{en.capitalize()} NPS {wrong_verb} by {size} points in Q4, but it is only noise",
                 f"{en.capitalize()}: {'+' if diff < 0 else '−'}{size} points, significant.",
                 f"{en} real significant test noise chance",
                 f"{en.capitalize()} NPS {verb} in 2025, a real change.",
                 f"{en.capitalize()} NPS {verb} by {size} points, but it is not real.",
                 f"{en.capitalize()} NPS {verb} by {abs(diff) + 20:.0f} points, a real change.",
                 f"{en.capitalize()} NPS {verb} by {size} points; the test says it is real, yet it is just chance.",
                 f"NPS в канале «{ru}» {verb_ru} на {size} п., но это не значимо.",
                 f"NPS в канале «{ru}» {wrong_ru} на {size} п., изменение значимо.",
                 "No channel changed significantly in the last quarter.",
                 f"{en.capitalize()} NPS {verb} by " + " ".join(str(n) for n in range(1, 60)) + " points, real.",
                 "NPS fell a lot."]
        return right, gamed
    largest = f["largest"]
    diff = f["diffs"][largest]
    en, ru, size = names(largest)["en"], names(largest)["ru"], f"{abs(diff):.0f}"
    right = [(f"No channel's NPS changed significantly in the last quarter: even the {en} channel's move of "
              f"{size} points is within noise."),
             "None of the channels changed significantly in Q4 2025; what moved is chance.",
             "All channels' changes in Q4 are within noise.",
             f"Ни в одном канале NPS в 4 кв. 2025 значимо не изменился: движение в канале «{ru}» на {size} п. — шум.",
             "Ни один канал не показал значимого изменения NPS, это случайные колебания."]
    gamed = [f"NPS in the {en} channel moved {size} points in Q4, a real change (p < 0.001).",
             f"{en} real significant test noise chance",
             f"No channel changed significantly, but the {en} channel's change is real.",
             f"В канале «{ru}» NPS изменился на {size} п., это значимо.",
             "NPS is fine."]
    return right, gamed


def recommendation_answers(f: dict, client) -> tuple[list[str], list[str]]:
    """Right and gamed answers to 06.2: the worst-announced touchpoint's share, computed above."""
    share, touchpoint = f"{f['share']:.0f}", f["touchpoint"]
    right = [(f"Announce every delay at {touchpoint} before the customer asks: only {share}% of delays are "
              f"announced in advance.")]
    if client.language == "ru":
        right = [f"Сообщать о каждой задержке в точке «{name}» заранее: сейчас объявлено лишь {share}% задержек."
                 for name in _touchpoint_names(client, touchpoint)]
    right.append(f"Close the gap at {touchpoint}: only {share}% of delays are announced in advance.")
    gamed = [f"Cut the customer-service department's budget by {share}% and close {touchpoint}.",
             f"Reduce the number of staff by {share}% and announce delays at {touchpoint}.",
             f"Close the booking line and announce delays at {touchpoint}: only {share}% are announced.",
             f"Закрыть отделения и сообщать о задержках в точке «{touchpoint}»: объявлено лишь {share}%.",
             "Сократить персонал на 30%", "Customers 1.", f"Be nicer to customers: {share}% matters.",
             f"Announce every delay at {touchpoint} before the customer asks.",
             f"Announce every delay at {touchpoint} in 2025."]
    return right, gamed


def _touchpoint_names(client, touchpoint: str) -> list[str]:
    from cxlib import journey

    measured = journey.touchpoints(client.journey, language=client.language)
    return [str(n) for n in measured.loc[measured["touchpoint"] == touchpoint, "name"].unique()] or [touchpoint]


def test_sentence_on_nps(case):
    name, client, f = case
    right, gamed = sentence_answers(f)
    for text in right:
        assert answer("04.5", text, client).correct, (name, text, answer("04.5", text, client))
    for text in gamed:
        check.forget_tries()
        verdict = answer("04.5", text, client)
        assert verdict.status == "wrong", (name, text, verdict)
        assert "Hint:" in verdict.message or "Подсказка:" in verdict.message


def test_lead_recommendation(case):
    name, client, f = case
    right, gamed = recommendation_answers(f, client)
    stage_words = {"demo": "Create a customer-service department that owns booking and delay updates",
                   "tea_leaf": "Stay flexible and adapt the service to each customer",
                   "volga_bank": "Наладить персонализацию через обратную связь"}
    right.append(f"{stage_words[name]}: only {f['share']:.0f}% of delays are announced in advance.")
    if name == "demo":  # Russian on an English client: the words are read in either language
        right.append(f"Создать отдел клиентского сервиса: заранее объявлено лишь {f['share']:.0f}% задержек.")
    for text in right:
        assert answer("06.2", text, client).correct, (name, text, answer("06.2", text, client))
    for text in gamed:
        check.forget_tries()
        assert answer("06.2", text, client).status == "wrong", (name, text, answer("06.2", text, client))


@pytest.mark.parametrize("words, term, found", [
    ("nonetheless", "none", False), ("customers", "custom", False), ("персонал", "персонализация", False),
    ("персонализацию", "персонализация", True), ("phones", "phone", True), ("не значимо", "значимо", True),
    ("незначимо", "значимо", False), ("the company-wide fall", "company wide", True),
])
def test_terms_match_whole_words_and_russian_stems(words, term, found):
    assert bool(rubric.find(rubric.tokens(words), rubric.compile_terms([term]))) == found


@pytest.mark.parametrize("text, expected", [
    ("a real change", {"real"}), ("not real", {"noise"}), ("не значимо", {"noise"}),
    ("значимо не изменился", {"noise"}),
    ("no doubt a real change", {"real"}), ("within noise", {"noise"}), ("not just chance", {"real"}),
    ("p < 0.001", {"real"}), ("p = 0.30", {"noise"}), ("real, or noise", {"real", "noise"}), ("it moved", set()),
])
def test_stance_with_negation_and_p_values(text, expected):
    assert rubric.stance(text, rubric.vocabulary()) == expected


def test_years_quarters_and_p_values_are_not_answers():
    found = rubric.numbers("In Q4 2025 the 3rd channel fell 35.4 points (p < 0.001), 4 кв. 2025")
    assert [(n.value, n.year) for n in found] == [(2025.0, True), (35.4, False), (2025.0, True)]


def test_known_wrong_answer_gets_its_own_hint(case):
    _, client, _ = case
    verdict = answer("01.1", "c", client)
    assert verdict.status == "wrong" and ("Prime" in verdict.message or "Расцвет" in verdict.message)


def test_the_quoted_gamed_answers_fail_on_the_demo():
    demo = cxlib.load_client(CASES["demo"])
    for exercise_id, text in [("04.5", "Phone NPS rose by 35 points in Q4, but it is only noise"),
                              ("04.5", "phone real significant test noise chance"),
                              ("04.5", "Phone NPS fell in 2025: real."),
                              ("04.5", "Nonetheless the phone channel changed."),
                              ("06.2", "Cut the customer-service department's budget by 50% and close online booking"),
                              ("06.2", "Customers 1.")]:
        check.forget_tries()
        assert answer(exercise_id, text, demo).status == "wrong", (exercise_id, text)
    bank = cxlib.load_client(CASES["volga_bank"])
    assert answer("06.2", "Сократить персонал на 30%", bank).status == "wrong"


def test_right_answers_in_any_form(case):
    name, client, f = case
    from cxlib.diagnosis import diagnose

    chapter = diagnose(client).recommendations.iloc[1]["chapter"]
    forms = [("01.1", "Adolescence (b)"), ("01.1", "b) adolescence"), ("01.1", "Юность"), ("03.2", "24%"),
             ("03.2", "0.2411"), ("03.2", "24,1"), ("06.3", f"chapter {chapter}"), ("06.3", chapter.lstrip("0")),
             ("06.3", f"глава {chapter}")]
    if f["changed"]:
        forms += [("04.3", f"{f['changed']} channel"), ("04.3", f"The {names(f['changed'])['en']}"),
                  ("04.3", names(f["changed"])["ru"])]
    else:
        forms += [("04.3", "none"), ("04.3", "no channel"), ("04.3", "ни один")]
    for exercise_id, given in forms:
        verdict = answer(exercise_id, given, client)
        assert verdict.correct, (name, exercise_id, given, verdict)


def test_which_reading_was_used_is_said():
    assert "share" in answer("03.2", "0.2411").message.splitlines()[0]
    assert "percentage" in answer("03.2", "24.11%").message.splitlines()[0]
    assert answer("01.1", "Prime (b)").status == "wrong"  # the letter and the text disagree


def test_model_answer_only_after_success_or_three_tries():
    assert "Model answer" not in repr(check.exercise("04.3")) and "phone" not in repr(check.exercise("04.3"))
    assert "Model answer" in answer("04.1", 10).message
    first, second, third = (answer("04.1", 11).message for _ in range(3))
    assert "Model answer" not in first and "Model answer" not in second and "Model answer" in third
    assert "Why:" in third
