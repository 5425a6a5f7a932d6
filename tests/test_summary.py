"""The executive summary: the first page of the report, built from the diagnosis results.

Checked on the demo, the two cases (Tea Leaf in English, Volga bank in
Russian) and a client who supplied only a survey with one NPS column: the
fragment is ``<section id="summary">``, a tile for each metric the survey
supplies, at most five findings that say no more than the family of claims,
numbers written for the client's locale, and no code words. Then the report:
the summary comes right after the cover, before the contents and the chapters.
"""

from __future__ import annotations

import dataclasses
import html
import re
from functools import cache
from pathlib import Path

import pytest

import cxlib
import cxlib.diagnosis
from cxlib.report import visible_text_of
from cxlib.summary import Numbers, build_summary, render_summary

KIT_ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"demo": KIT_ROOT / "data" / "demo", "tea_leaf": KIT_ROOT / "data" / "cases" / "tea_leaf",
           "volga_bank": KIT_ROOT / "data" / "cases" / "volga_bank"}
ACRONYMS = {"NPS", "CSAT", "CSI", "CES"}
CODE_WORDS = re.compile(r"\b(nan|NaN|None|True|False|NA|null)\b|\d[eE][+-]?\d|\(all\)|period-on-period|first-to-last"
                        r"|p_adjusted|\w+_\w+|\d{4}-Q\d")


@cache
def diagnosed(name: str):
    client = cxlib.load_client(FOLDERS[name])
    return client, cxlib.diagnosis.diagnose(client)


@cache
def summary_html(name: str) -> str:
    return render_summary(*diagnosed(name))


@pytest.fixture(scope="module")
def survey_only(tmp_path_factory) -> tuple:
    """A client who sent client.toml and a survey.csv with one column, nps: one period, no other file."""
    folder = tmp_path_factory.mktemp("survey_only")
    (folder / "client.toml").write_text('name = "Solo Survey"\nlanguage = "en"\n', encoding="utf-8")
    scores = [(7 * i) % 11 for i in range(120)]
    (folder / "survey.csv").write_text("nps\n" + "\n".join(map(str, scores)) + "\n", encoding="utf-8")
    client = cxlib.load_client(folder)
    result = cxlib.diagnosis.diagnose(client)
    return client, result, render_summary(client, result)


def text_of(fragment: str) -> str:
    """What a reader sees, with no-break spaces and word joiners read as a space and nothing."""
    return visible_text_of(fragment).replace("\xa0", " ").replace("\u2060", "")


def tile_names(fragment: str) -> list[str]:
    return [html.unescape(name) for name in re.findall(r'<span class="cx-tile-name">(.*?)</span>', fragment)]


def findings(fragment: str) -> list[str]:
    block = re.search(r'<ul class="cx-findings">(.*?)</ul>', fragment, re.S)
    return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)] if block else []


def all_fragments(survey_only) -> dict[str, str]:
    return {**{name: summary_html(name) for name in FOLDERS}, "survey_only": survey_only[2]}


# --------------------------------------------------------------------------- the fragment, on every client


@pytest.mark.parametrize("name", [*FOLDERS, "survey_only"])
def test_fragment_is_one_section_with_id_summary(name, survey_only):
    fragment = all_fragments(survey_only)[name]
    assert fragment.startswith('<section id="summary"') and fragment.endswith("</section>")
    assert fragment.count('id="summary"') == 1
    assert not re.search(r"\n\s*\n", fragment), "a blank line would end the fragment's HTML block in markdown"


@pytest.mark.parametrize("name", [*FOLDERS, "survey_only"])
def test_a_tile_for_each_metric_the_survey_supplies(name, survey_only):
    client = survey_only[0] if name == "survey_only" else diagnosed(name)[0]
    names = tile_names(all_fragments(survey_only)[name])
    supplied = [cxlib.diagnosis.METRIC_NAMES[m] for m in client.metrics]
    assert names[:len(supplied)] == supplied
    assert len(names) <= 6
    if name != "survey_only":
        assert 4 <= len(names), names


@pytest.mark.parametrize("name", [*FOLDERS, "survey_only"])
def test_findings_are_few(name, survey_only):
    found = findings(all_fragments(survey_only)[name])
    assert len(found) <= 5
    if name != "survey_only":
        assert len(found) >= 3, found


@pytest.mark.parametrize("name", [*FOLDERS, "survey_only"])
def test_no_missing_value_words_code_names_or_e_notation(name, survey_only):
    shown = text_of(all_fragments(survey_only)[name])
    assert not CODE_WORDS.findall(shown), CODE_WORDS.findall(shown)


@pytest.mark.parametrize("name", ["demo", "tea_leaf"])
def test_english_numbers_have_decimal_points(name):
    shown = text_of(summary_html(name))
    assert re.search(r"\d\.\d\d", shown) and not re.search(r"\d,\d\d(?!\d)", shown)


def test_russian_summary_is_russian_with_decimal_commas():
    client, _ = diagnosed("volga_bank")
    shown = text_of(summary_html("volga_bank"))
    proper = set(re.findall(r"[^\W\d_]+", client.name))
    words = [w for w in re.findall(r"[^\W\d_]+", shown) if w not in ACRONYMS and w not in proper]
    cyrillic = [w for w in words if re.fullmatch(r"[а-яё]+", w, re.I)]
    assert len(cyrillic) >= 0.95 * len(words), sorted(set(words) - set(cyrillic))
    assert re.search(r"\d,\d\d", shown), "a decimal comma"
    assert not re.search(r"\d\.\d", shown), "no decimal point"


def test_numbers_are_written_for_the_locale():
    assert Numbers("en").number(1500.25, 2) == "1,500.25"
    assert Numbers("ru").number(1500.25, 2) == "1\xa0500,25"
    assert Numbers("en").number(-0.2) == "0" and Numbers("en").number(-3.4) == "\u22123"
    assert Numbers("en").interval(17.37, 30.39) == "(17–30)"
    assert Numbers("ru").interval(3.756, 3.948, 2) == "(3,76–3,95)"
    assert Numbers("ru").interval(-7.0, 1.2) == "(от\xa0\u22127 до\xa01)"
    assert Numbers("en").interval(float("nan"), 3) == ""
    assert Numbers("en").period("2025-Q4") == "Q4\xa02025" and Numbers("ru").period("2025-Q2") == "2\xa0кв.\xa02025"
    assert Numbers("ru").period("2025-03") == "03.2025" and Numbers("en").period("H1 2025") == "H1 2025"


def test_every_text_has_both_languages_with_the_same_placeholders():
    texts = cxlib.catalog.load("summary")["texts"]
    english = {key[:-3] for key in texts if key.endswith("_en")}
    russian = {key[:-3] for key in texts if key.endswith("_ru")}
    plural_only_ru = {key for key in russian - english if key.rsplit("_", 1)[-1] in ("few", "many")}
    assert english == russian - plural_only_ru
    for key in english:
        fields = [set(re.findall(r"{(\w+)}", texts[f"{key}_{language}"])) for language in ("en", "ru")]
        assert fields[0] == fields[1] - {"from_prep"}, key  # Russian chooses between с and со
    for entry in cxlib.catalog.load("summary")["groups"].values():
        assert entry["name_en"] and re.fullmatch(r"[а-яё -]+", entry["name_ru"])


# --------------------------------------------------------------------------- what the summary says


def test_demo_names_may_s_dip_and_the_phone_channels_fall():
    """Planted: May's outage (a company-wide Q2 dip, recovered in Q3) and the phone channel's Q4 fall."""
    _, result = diagnosed("demo")
    changes = result.changes
    stated = changes[changes["significant"].fillna(False).astype(bool) & (changes["source"] == "survey")]
    assert set(stated["group"]) == {"phone", "(all)"}  # the demo as the tests know it
    found = findings(summary_html("demo"))
    # the company's sentence leads with the fall it has to act on, not the recovery after it, and names only the
    # metrics that moved in that same comparison
    company = [f for f in found if f.startswith("Company-wide")]
    assert company == ["Company-wide, NPS fell by 25 points from Q1 2025 to Q2 2025 (95% interval: 15 to 34). "
                       "Also significant there: CES (worse)."]
    phone = [f for f in found if "phone channel" in f]
    assert len(phone) == 1
    assert "NPS fell by 35 points from Q3 2025 to Q4 2025" in phone[0] and "95% interval: 20 to 50" in phone[0]
    shown = text_of(summary_html("demo"))
    assert "24 (17–30)" in shown
    assert shown.count("no significant change since Q3 2025") == 4  # the tiles compare the last two quarters
    assert "▲" not in shown and "▼" not in shown, "no company-wide change into Q4 is a claim, so no tile has a mark"


def test_tea_leaf_states_no_change():
    found = findings(summary_html("tea_leaf"))
    assert any(f.startswith("No metric changed significantly between periods") for f in found), found
    assert "▲" not in summary_html("tea_leaf") and "▼" not in summary_html("tea_leaf")


def test_volga_states_the_company_fall_and_the_branch_channel_in_russian():
    found = findings(summary_html("volga_bank"))
    assert found[0].startswith("По компании в целом NPS снизился на 12 п. со 2 кв. 2025 по 3 кв. 2025"), found[0]
    assert any(f.startswith("В канале «отделение» NPS снизился на 28 п.") for f in found), found


def test_a_tile_marks_a_change_only_when_it_is_a_claim():
    client, result = diagnosed("demo")
    changes = result.changes.copy()
    company_nps = ((changes["source"] == "survey") & (changes["metric"] == "nps") & (changes["by"] == "")
                   & (changes["kind"] == "period-on-period") & (changes["to"] == client.periods[-1]))
    assert company_nps.sum() == 1
    changes.loc[company_nps, ["significant", "diff", "worse"]] = [True, -8.0, True]
    tiles = build_summary(client, dataclasses.replace(result, changes=changes)).tiles
    nps = next(tile for tile in tiles if tile.label == "NPS")
    assert (nps.mark, nps.tone, nps.change) == ("▼", "worse", "8\xa0points since Q3\xa02025") and not nps.steady
    others = [tile for tile in tiles if tile.label in ACRONYMS - {"NPS"}]
    assert all(not tile.mark and tile.steady for tile in others)


def test_top_recommendations_leave_the_mandate_to_the_verdict():
    client, result = diagnosed("volga_bank")
    summary = build_summary(client, result)
    assert summary.verdict.startswith("Волжский сберегательный банк находится на стадии «Аристократия»")
    assert "ответственный: отдел клиентского сервиса" in summary.verdict
    assert len(summary.recommendations) == 3
    assert summary.recommendations[0] == "Устранить трудности в точке «Проверка документов» (этап «Покупка»)."


@pytest.mark.parametrize("name", ["demo", "volga_bank"])
def test_every_lifecycle_verdict_reads_as_one_sentence(name):
    client, result = diagnosed(name)
    stage = result.lifecycle
    first, second = stage.name(), stage.name(stage.runner_up)
    for verdict in ("transition", "ambiguous"):
        changed = dataclasses.replace(result, lifecycle=dataclasses.replace(stage, verdict=verdict))
        sentence = build_summary(client, changed).verdict
        assert first in sentence and second in sentence and sentence.count(".") <= 2, sentence
    reason = "Only two people answered"
    insufficient = dataclasses.replace(stage, verdict="insufficient", reason=reason + ".")
    sentence = build_summary(client, dataclasses.replace(result, lifecycle=insufficient)).verdict
    assert sentence.endswith(": only two people answered.") and first not in sentence


def test_survey_only_client(survey_only):
    client, result, fragment = survey_only
    summary = build_summary(client, result)
    assert summary.verdict == client.lacks("lifecycle")
    assert [tile.label for tile in summary.tiles] == ["NPS"]
    assert summary.findings == [] and "The data supplied supports no finding" in text_of(fragment)
    assert summary.not_assessed.startswith("Not assessed for lack of data: the lifecycle stage")
    assert "changes over time" in summary.not_assessed and "CES" in summary.not_assessed


def test_a_survey_of_comments_alone_claims_no_figures_above(tmp_path):
    (tmp_path / "client.toml").write_text('name = "Words only"\nlanguage = "ru"\n', encoding="utf-8")
    (tmp_path / "survey.csv").write_text("response_id,comment\nr1,Долго ждал\nr2,Всё хорошо\n", encoding="utf-8")
    client = cxlib.load_client(tmp_path)
    summary = build_summary(client, cxlib.diagnosis.diagnose(client))
    assert summary.tiles == [] and summary.findings == []
    assert summary.words["findings_none"] == "Данные не позволяют сделать выводов."  # no "figures above" to go beyond


def test_client_text_is_escaped(demo_copy):
    toml = (demo_copy / "client.toml").read_text(encoding="utf-8")
    (demo_copy / "client.toml").write_text(toml.replace('"Motorline Service"', '"<img src=x onerror=alert(1)> & Co"'),
                                           encoding="utf-8")
    client = cxlib.load_client(demo_copy)
    fragment = render_summary(client, cxlib.diagnosis.diagnose(client))
    assert "<img" not in fragment and "&lt;img src=x onerror=alert(1)&gt; &amp; Co" in fragment

