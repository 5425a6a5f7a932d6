"""The report's key-driver chapter (cxlib.chapters.drivers), read as a reader and checked as an auditor.

Built on the demo (English) and the Volga bank (Russian), within a family that holds the driver claims (as the
diagnosis will), within one that does not, and on copies without rating columns. Numbers are checked against an
independent computation on the raw CSV: pandas for the complete answers and the top box, the paper's SVD
construction of Johnson's weights, numpy's least squares for R², statsmodels for the Wilson intervals.
"""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

import cxlib
import cxlib.diagnosis
from cxlib import claims
from cxlib.chapters import MAX_COLUMNS, Chapter
from cxlib.chapters import drivers as chapter_drivers
from cxlib.claims import COLUMNS
from cxlib.driver_claims import driver_claims
from cxlib.wording import Numbers, Words

KIT_ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"demo": KIT_ROOT / "data" / "demo", "volga_bank": KIT_ROOT / "data" / "cases" / "volga_bank"}
CODE_WORDS = re.compile(r"\b(nan|NaN|None|True|False|NA|NaT|null)\b|<NA>|\d[eE][+-]?\d|\w+_\w+")


@cache
def diagnosed(name: str) -> tuple:
    client = cxlib.load_client(FOLDERS[name])
    return client, cxlib.diagnosis.diagnose(client)


@cache
def built(name: str, wired: bool = True) -> tuple:
    """The chapter within the family the diagnosis will hold (its claims plus the drivers'), or without them."""
    client, result = diagnosed(name)
    others = result.changes[result.changes["source"] != "drivers"].reindex(columns=COLUMNS)
    family = claims.adjust(pd.concat([others, driver_claims(client)], ignore_index=True)) if wired else \
        claims.adjust(others)
    return client, family, chapter_drivers.build(client, SimpleNamespace(changes=family, metrics=result.metrics))


def svd_shares(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Johnson's weights as the paper builds them (orthogonal Z nearest to X by SVD), as % of their sum."""
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    y = (y - y.mean()) / y.std()
    u, _, vt = np.linalg.svd(x, full_matrices=False)
    z = u @ vt * np.sqrt(len(x))
    beta = np.linalg.lstsq(z, y, rcond=None)[0]
    weights = (np.linalg.lstsq(z, x, rcond=None)[0] ** 2).T @ beta**2
    return 100 * weights / weights.sum()


def raw_ratings(folder: Path) -> tuple[pd.DataFrame, list[str]]:
    """The survey's ratings (1–5; blank or 0 is no rating) and NPS, read from the CSV by pandas alone."""
    raw = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    columns = [c for c in raw.columns if c.startswith("rating_")]
    values = raw[columns + ["nps"]].apply(pd.to_numeric, errors="coerce")
    values[columns] = values[columns].where((values[columns] >= 1) & (values[columns] <= 5))
    return values, columns


def first_number(cell: str) -> str:
    return cell.split(" ")[0]


def test_demo_numbers_match_an_independent_computation():
    client, _, chapter = built("demo")
    values, columns = raw_ratings(FOLDERS["demo"])
    complete = values.dropna()
    shares = dict(zip(columns, svd_shares(complete[columns].to_numpy(), complete["nps"].to_numpy())))
    names = client.ratings.set_index("column")["name"]
    numbers = Numbers("en")
    (table,) = chapter.tables()
    assert len(table.rows) == len(columns) and len(table.columns) <= MAX_COLUMNS
    for row in table.rows:
        column = names[names == row[0]].index[0]
        assert first_number(row[2]) == numbers.number(shares[column])
        rated = values[column].dropna()
        top = int((rated >= 4).sum())
        low, high = proportion_confint(top, len(rated), method="wilson")
        assert row[3] == f"{numbers.number(100 * top / len(rated))} {numbers.interval(100 * low, 100 * high)}"
        assert row[4] == numbers.number(len(rated))
    assert [float(first_number(row[2])) for row in table.rows] == sorted(
        (float(first_number(row[2])) for row in table.rows), reverse=True)
    design = np.column_stack([np.ones(len(complete)), complete[columns].to_numpy()])
    residual = complete["nps"].to_numpy() - design @ np.linalg.lstsq(design, complete["nps"].to_numpy(), rcond=None)[0]
    r2 = 1 - residual @ residual / ((complete["nps"] - complete["nps"].mean()) ** 2).sum()
    explained = chapter.sections[0].blocks[2].text
    assert f"explain {numbers.percent(100 * r2)} (" in explained
    assert f"on {numbers.number(len(complete))} answers" in explained
    assert f"{numbers.number(len(values) - len(complete))} other answers" in explained


def test_demo_states_communication_as_the_one_key_driver_of_the_family():
    _, family, chapter = built("demo")
    verdict = chapter.sections[0].blocks[1].text
    assert verdict.startswith("Keeping me informed is the key driver of NPS")
    assert f"({family.attrs['tested']} in all)" in verdict and "equal share of 20%" in verdict
    significant = family[(family["source"] == "drivers") & family["significant"]]
    assert significant["group"].tolist() == ["rating_communication"]
    (table,) = chapter.tables()
    assert [row[-1] for row in table.rows] == ["yes", "no", "no", "no", "no"]
    assert table.rows[0][1] == "Repair status updates"
    assert chapter.sections[0].blocks[0].kind == "figure" and chapter.sections[0].blocks[0].alt


def test_without_the_familys_driver_claims_no_attribute_is_called_a_key_driver():
    _, _, chapter = built("demo", wired=False)
    words = Words("chapters/drivers", "en")
    assert chapter.sections[0].blocks[1].text == words("untested")
    assert {row[-1] for row in chapter.tables()[0].rows} == {words("key_untested")}
    assert "key driver of" not in " ".join(chapter.texts())


def test_when_no_claim_survives_the_family_the_chapter_says_none_stands_out():
    client, family, _ = built("demo")
    none = family.assign(significant=family["significant"] & (family["source"] != "drivers"))
    none.attrs = family.attrs
    chapter = chapter_drivers.build(client, SimpleNamespace(changes=none, metrics=diagnosed("demo")[1].metrics))
    assert chapter.sections[0].blocks[1].text.startswith("No attribute stands out")
    assert {row[-1] for row in chapter.tables()[0].rows} == {"no"}


@pytest.mark.parametrize("name", ["demo", "volga_bank"])
def test_every_text_reads_as_words_in_the_clients_language(name):
    client, _, chapter = built(name)
    assert isinstance(chapter, Chapter) and not chapter.unavailable and chapter.sections
    for text in chapter.texts():
        assert not CODE_WORDS.search(text), text
    for table in chapter.tables():
        assert table.rows and all(all(cell.strip() for cell in row) for row in table.rows)
    if client.language == "ru":
        prose = [b.text for b in chapter.sections[0].blocks if b.kind == "paragraph"] + [chapter.title, chapter.lead]
        assert all(re.search("[а-яё]", text, re.IGNORECASE) for text in prose)
        assert not any(re.search(r"\b(the|of|and|share)\b", text) for text in prose)
        assert chapter.sections[0].blocks[1].text.startswith("Ключевой фактор NPS — «Отношение сотрудников»")
        complete = raw_ratings(FOLDERS[name])[0].dropna()
        assert f"по {Numbers('ru').number(len(complete))} ответам" in chapter.sections[0].blocks[2].text


@pytest.fixture(scope="module")
def unrated(tmp_path_factory) -> dict[str, Path]:
    """Copies of the demo and the Volga bank whose surveys rate nothing (client.toml still names the ratings)."""
    copies = {}
    for name, folder in FOLDERS.items():
        target = tmp_path_factory.mktemp(name) / name
        shutil.copytree(folder, target)
        survey = pd.read_csv(target / "survey.csv", dtype=str, keep_default_na=False)
        survey.drop(columns=[c for c in survey if c.startswith("rating_")]).to_csv(target / "survey.csv", index=False)
        copies[name] = target
    return copies


@pytest.mark.parametrize("name", ["demo", "volga_bank"])
def test_without_ratings_one_sentence(unrated, name):
    client = cxlib.load_client(unrated[name])
    chapter = chapter_drivers.build(client, SimpleNamespace(changes=None, metrics=None))
    expected = Words("drivers", client.language)("no_drivers", outcome="NPS")
    assert chapter.unavailable == expected and not chapter.sections and not chapter.tables()
    assert chapter.unavailable.count(".") == 1
    assert driver_claims(client).empty and driver_claims(client).attrs["why"] == expected


def test_the_diagnosis_own_table_is_used_when_it_has_one():
    client, family, chapter = built("demo")
    table = cxlib.drivers.key_drivers(client, "nps", replicates=200, seed=5)
    reused = chapter_drivers.build(client, SimpleNamespace(changes=family, metrics=None, drivers=table))
    first = reused.tables()[0].rows[0]
    row = table.iloc[0]
    numbers = Numbers("en")
    assert first[2] == f"{numbers.number(row['share'])} {numbers.interval(row['share_low'], row['share_high'])}"
    assert reused.sections[0].blocks[1].text.split(":")[0] == chapter.sections[0].blocks[1].text.split(":")[0]


@pytest.mark.parametrize("shape, key", [("counts_only", "counts_only"), ("only_ces", "no_outcome")])
def test_counts_or_no_outcome_is_one_sentence(tmp_path, shape, key):
    from support import shapes

    client = cxlib.load_client(shapes.make(shape, tmp_path / shape))
    chapter = chapter_drivers.build(client, SimpleNamespace(changes=None, metrics=None))
    assert chapter.unavailable and not chapter.sections and chapter.unavailable.count(".") == 1
    assert chapter.unavailable == driver_claims(client).attrs["why"]
    assert chapter.unavailable.startswith(Words("drivers", "en")(key, outcome="X").split(" ")[0])
