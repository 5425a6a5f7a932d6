"""The printable handouts: written from the catalogue, committed as written, complete."""

from __future__ import annotations

import re

import pytest

from cxlib import catalog, handouts

PAGES = handouts.render()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_committed_handouts_equal_what_the_generator_writes(name):
    committed = handouts.OUT / name
    assert committed.is_file(), f"{name} is missing: run `python -m cxlib.handouts`"
    assert committed.read_text(encoding="utf-8") == PAGES[name], f"{name} is stale: run `python -m cxlib.handouts`"


def test_no_handout_in_the_folder_is_left_over_from_an_older_generator():
    assert {p.name for p in handouts.OUT.glob("*.md")} == set(PAGES)


@pytest.mark.parametrize("language", handouts.LANGUAGES)
def test_the_lifecycle_questionnaire_holds_every_statement_once_with_five_boxes(language):
    page = PAGES[f"lifecycle_questionnaire_{language}.md"]
    statements = catalog.lifecycle_statements()
    rows = [line for line in page.splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(rows) == len(statements)
    for statement in statements:
        row = next(r for r in rows if r.endswith(f"| {statement['id']} |"))
        assert statement[f"text_{language}"].replace("|", "\\|") in row
        assert row.count(handouts.BOX) == 5
    stages_of_first = [next(s["stage"] for s in statements if rows[i].endswith(f"| {s['id']} |")) for i in range(3)]
    assert len(set(stages_of_first)) == 3  # mixed: not stage by stage


@pytest.mark.parametrize("language", handouts.LANGUAGES)
def test_the_components_questionnaire_holds_every_statement(language):
    page = PAGES[f"components_questionnaire_{language}.md"]
    for statement in catalog.load("components")["statements"]:
        assert f"| {statement['id']} |" in page and statement[f"text_{language}"] in page


def test_the_formula_sheet_has_each_formula_with_a_reference_in_both_languages():
    for language in handouts.LANGUAGES:
        page = PAGES[f"formula_sheet_{language}.md"]
        rows = [line for line in page.splitlines() if line.startswith("| **")]
        for needed in ("NPS", "CSAT", "CSI", "CES", "Wilson", "Holm", "Laney", "Johnson", "Rocks"):
            assert needed in page, (language, needed)
        assert len(rows) == 9 and all(re.search(r"\(\d{4}\)", row) for row in rows), rows


def test_the_glossary_names_every_stage_component_level_and_metric_in_both_languages():
    for language in handouts.LANGUAGES:
        page = PAGES[f"glossary_{language}.md"]
        entries = [*catalog.lifecycle_stages(), *catalog.journey_stages(), *catalog.load("components")["components"],
                   *catalog.load("scorecard")["levels"], *catalog.load("scorecard")["metrics"]]
        for entry in entries:
            assert f"| {entry['name_en']} | {entry['name_ru']} |" in page, entry["name_en"]


def test_the_russian_pages_are_in_russian():
    for name, page in PAGES.items():
        if name.endswith("_ru.md"):
            title = page.splitlines()[0]
            assert re.search("[а-яА-Я]", title), title
