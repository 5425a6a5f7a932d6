"""The report's lifecycle chapter (cxlib/chapters/lifecycle.py), built from the diagnosis results.

Built on the demo, both cases (Tea Leaf in English, the Volga bank in
Russian), copies of the demo and the Volga bank without lifecycle.csv, and three copies whose
answers give the other verdicts: a transition (a stricter clear margin), an
ambiguous pair of distant stages, and too few respondents. Checked: no
missing-value words, code names or e-notation anywhere; tables of at most
seven columns of strings; the Russian chapter in Russian; no stage, mandate
or highlighted stage where the kit reached no verdict; and the stage scores, margin and
respondents equal a computation with pandas on the raw lifecycle.csv.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

import cxlib
import cxlib.diagnosis
from cxlib.chapters import MAX_COLUMNS, Chapter
from cxlib.chapters import lifecycle as chapter

KIT_ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"demo": KIT_ROOT / "data" / "demo", "tea_leaf": KIT_ROOT / "data" / "cases" / "tea_leaf",
           "volga_bank": KIT_ROOT / "data" / "cases" / "volga_bank"}
ACRONYMS = {"NPS", "CSAT", "CSI", "CES"}
CODE_WORDS = re.compile(r"\b(nan|NaN|None|True|False|NA|NaT|null)\b|\d[eE][+-]?\d|\w+_\w+|\d{4}-Q\d|<NA>")
STAGES = tomllib.loads((KIT_ROOT / "cxlib" / "catalog" / "lifecycle.toml").read_text(encoding="utf-8"))["stages"]


@cache
def built(folder: str) -> tuple:
    """The client, its diagnosis and the chapter, once per folder."""
    client = cxlib.load_client(folder)
    result = cxlib.diagnosis.diagnose(client)
    return client, result, chapter.build(client, result)


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> dict[str, str]:
    """Client folders beside the three shipped ones: no lifecycle.csv, and answers giving the other verdicts."""
    root = tmp_path_factory.mktemp("lifecycle_chapter")
    made = {}
    for name, source in (("no_file", "demo"), ("no_file_ru", "volga_bank"), ("transition", "demo"),
                         ("ambiguous", "volga_bank"), ("few", "volga_bank")):
        folder = Path(shutil.copytree(FOLDERS[source], root / name))
        answers = pd.read_csv(folder / "lifecycle.csv", dtype=str, keep_default_na=False)
        if name.startswith("no_file"):
            (folder / "lifecycle.csv").unlink()
        if name in ("transition", "ambiguous"):  # a single stage now needs a lead of 40 points
            with open(folder / "client.toml", "a", encoding="utf-8") as handle:
                handle.write("\n[overrides.lifecycle.scoring]\nclear_margin = 0.4\n")
        if name == "ambiguous":  # without Stability, Aristocracy's runner-up is Bureaucracy, two stages away
            answers[~answers["statement_id"].str.startswith("ST")].to_csv(folder / "lifecycle.csv", index=False)
        if name == "few":
            answers[answers["respondent"].isin(["P01", "P02"])].to_csv(folder / "lifecycle.csv", index=False)
        made[name] = str(folder)
    return made


def every_folder(variants) -> dict[str, str]:
    return {**{name: str(path) for name, path in FOLDERS.items()}, **variants}


def texts_of(built_chapter: Chapter) -> list[str]:
    return built_chapter.texts()


def tables_of(built_chapter: Chapter) -> list:
    return built_chapter.tables()


def table_named(built_chapter: Chapter, first_column: str):
    return next(table for table in tables_of(built_chapter) if table.columns[0].label == first_column)


def number(cell: str) -> float:
    """The leading number of a cell written for either locale: ``85 (75–92)`` → 85, ``−3`` → −3."""
    match = re.match(r"[−-]?[\d\u00a0 ,.]+", cell.replace("\u2212", "-"))
    return float(match.group().replace("\u00a0", "").replace(" ", "").replace(",", "."))


def raw_scores(folder: str) -> pd.Series:
    """Stage scores 0–100 with pandas on the raw file: a respondent's mean agreement per stage (half the stage's
    statements answered at least), then the mean over respondents. Every catalogue weight is 1."""
    answers = pd.read_csv(Path(folder) / "lifecycle.csv")
    stage_of = {}
    statements = tomllib.loads((KIT_ROOT / "cxlib" / "catalog" / "lifecycle.toml").read_text(encoding="utf-8"))
    for statement in statements["statements"]:
        if "stage" in statement:
            stage_of[statement["id"]] = statement["stage"]
    answers["stage"] = answers["statement_id"].map(stage_of)
    answers = answers.dropna(subset=["stage", "answer"])
    answers["agreement"] = (answers["answer"] - 1) / 4
    per_statement = answers.groupby(["respondent", "stage", "statement_id"])["agreement"].mean().reset_index()
    size = pd.Series(stage_of).value_counts()
    per_stage = per_statement.groupby(["respondent", "stage"]).agg(score=("agreement", "mean"),
                                                                  answered=("agreement", "size")).reset_index()
    per_stage = per_stage[per_stage["answered"] >= 0.5 * per_stage["stage"].map(size)]
    return 100 * per_stage.groupby("stage")["score"].mean()


# --------------------------------------------------------------------------- every client


@pytest.mark.parametrize("name", [*FOLDERS, "no_file", "no_file_ru", "transition", "ambiguous", "few"])
def test_text_has_no_missing_values_code_names_or_e_notation(name, variants):
    _, _, made = built(every_folder(variants)[name])
    for text in texts_of(made):
        assert not CODE_WORDS.search(text), text


@pytest.mark.parametrize("name", [*FOLDERS, "transition", "ambiguous", "few"])
def test_tables_are_small_and_all_strings(name, variants):
    _, _, made = built(every_folder(variants)[name])
    assert tables_of(made)
    for table in tables_of(made):
        assert len(table.columns) <= MAX_COLUMNS
        assert all(isinstance(cell, str) and cell for row in table.rows for cell in row)


@pytest.mark.parametrize("name", ["volga_bank", "ambiguous", "few", "no_file_ru"])
def test_russian_chapter_is_russian(name, variants):
    client, _, made = built(every_folder(variants)[name])
    proper = set(re.findall(r"[^\W\d_]+", client.name))
    words = [w for text in texts_of(made) for w in re.findall(r"[^\W\d_]+", text)
             if w not in ACRONYMS and w not in proper]
    cyrillic = [w for w in words if re.fullmatch(r"[а-яё]+", w, re.IGNORECASE)]
    assert len(cyrillic) >= 0.95 * len(words), sorted(set(words) - set(cyrillic))
    assert not any(re.search(r"\d\.\d", text) for text in texts_of(made)), "a decimal comma in Russian"


@pytest.mark.parametrize("name", ["no_file", "no_file_ru"])
def test_without_the_file_the_chapter_says_why_in_one_sentence(name, variants):
    client, result, made = built(every_folder(variants)[name])
    assert result.lifecycle is None and not made.sections
    assert client.lacks("lifecycle") and ".csv" not in made.unavailable
    assert made.unavailable.startswith("Анкета" if client.language == "ru" else "The lifecycle questionnaire")
    assert made.title == ("Стадия жизненного цикла" if client.language == "ru" else "Lifecycle stage")


# --------------------------------------------------------------------------- what the chapter says


@pytest.mark.parametrize("name", list(FOLDERS))
def test_scores_margin_and_respondents_equal_pandas_on_the_raw_file(name):
    client, _result, made = built(str(FOLDERS[name]))
    expected = raw_scores(str(FOLDERS[name])).sort_values(ascending=False)
    names = {stage["key"]: stage[f"name_{client.language}"] for stage in STAGES}
    scores = table_named(made, "Стадия" if client.language == "ru" else "Stage")
    shown = {row[0]: number(row[1]) for row in scores.rows}
    assert list(shown) == [names[key] for key in expected.index[:len(shown)]]
    for key in expected.index[:len(shown)]:
        assert shown[names[key]] == round(expected[key])
    margin = expected.iloc[0] - expected.iloc[1]
    assert re.search(rf"\b{round(margin)}\u00a0(points|балл)", made.lead), made.lead
    assert names[expected.index[0]] in made.lead and names[expected.index[1]] in made.lead
    roles = pd.read_csv(FOLDERS[name] / "lifecycle.csv").drop_duplicates("respondent")["role"].value_counts()
    by_role = table_named(made, "Роль" if client.language == "ru" else "Role")
    assert sorted(int(re.search(r"\((\d+)\)", row[0]).group(1)) for row in by_role.rows) == sorted(roles.tolist())


def test_verdict_is_the_stage_with_its_mandate_and_owner_in_the_clients_language():
    _client, result, made = built(str(FOLDERS["volga_bank"]))
    stage = next(s for s in STAGES if s["key"] == result.lifecycle.stage)
    assert f"«{stage['name_ru']}»" in made.lead
    mandate = " ".join(item for section in made.sections for block in section.blocks if block.kind == "bullets"
                       for item in block.items)
    assert stage["owner_ru"][1:].rstrip(".") in mandate and stage["mandate_ru"][1:].rstrip(".") in mandate


def test_transition_names_both_stages_in_order_with_both_mandates(variants):
    _, result, made = built(variants["transition"])
    assert result.lifecycle.verdict == "transition"
    assert re.search(r"from the Go-Go stage .* to Adolescence", made.lead), made.lead
    assert sum(text.startswith("At the ") for text in texts_of(made)) == 2
    assert any("40\u00a0points" in text for text in texts_of(made)), "the stricter margin the verdict used"


def test_ambiguous_says_it_does_not_settle(variants):
    _, result, made = built(variants["ambiguous"])
    assert result.lifecycle.verdict == "ambiguous"
    assert "«Аристократия»" in made.lead and "«Бюрократия»" in made.lead and "не позволяют выбрать" in made.lead


def test_insufficient_evidence_names_no_stage_or_mandate_and_highlights_none(variants):
    _client, result, made = built(variants["few"])
    assert result.lifecycle.insufficient
    named = {stage["name_ru"] for stage in STAGES}
    assert not any(name in made.lead for name in named), made.lead
    assert result.lifecycle.reason in texts_of(made)
    chart = next(block for section in made.sections for block in section.blocks if block.kind == "figure")
    assert "ни одна стадия не выделена" in chart.alt and "Ни одна стадия не выделена" in chart.caption
    assert not any(text.startswith(("Задача:", "Ответственный:")) for text in texts_of(made))
    assert "не позволяют определить стадию" in table_named(made, "Стадия").caption


def test_roles_are_described_and_not_called_different():
    _, _, made = built(str(FOLDERS["demo"]))
    shown = " ".join(texts_of(made))
    assert "described, not tested" in shown
    assert "Go-Go scores highest with staff (92) and lowest with the owner (60)." in shown
    assert not re.search(r"significant", shown, re.IGNORECASE)


def test_every_text_has_both_languages_with_the_same_placeholders():
    texts = cxlib.catalog.load("chapters/lifecycle")["texts"]
    english = {key[:-3] for key in texts if key.endswith("_en")}
    russian = {key[:-3] for key in texts if key.endswith("_ru")}
    assert english == russian - {key for key in russian if key.rsplit("_", 1)[-1] in ("few", "many")}
    for key in english:
        fields = [set(re.findall(r"{(\w+)}", texts[f"{key}_{language}"])) for language in ("en", "ru")]
        assert fields[0] == fields[1], key
