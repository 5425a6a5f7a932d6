"""The report's balanced-scorecard chapter (cxlib/chapters/scorecard.py), built from the diagnosis results.

Built on the demo, both cases (Tea Leaf in English, the Volga bank in
Russian) and copies of the demo and the Volga bank without scorecard.csv
(the kit then derives what it can from the survey, customers and visits).
Checked: no missing-value words, code names or e-notation anywhere; tables
of at most seven columns of strings; the Russian chapter in Russian; the
lagging and leading lists agree with the tables and keep "behind target" as
its own words; a trend is called significant only when the family of claims
flags it; and values, n and the delivery gap equal pandas and statsmodels
on the raw CSV files.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import tomllib
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

import cxlib
import cxlib.diagnosis
from cxlib.chapters import MAX_COLUMNS, Chapter
from cxlib.chapters import scorecard as chapter

KIT_ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"demo": KIT_ROOT / "data" / "demo", "tea_leaf": KIT_ROOT / "data" / "cases" / "tea_leaf",
           "volga_bank": KIT_ROOT / "data" / "cases" / "volga_bank"}
ACRONYMS = {"NPS", "CSAT", "CSI", "CES", "SLA", "eNPS"}
CODE_WORDS = re.compile(r"\b(nan|NaN|None|True|False|NA|NaT|null|EUR|RUB)\b|\d[eE][+-]?\d|\w+_\w+|\d{4}-Q\d|<NA>"
                        r"|\.csv")


@cache
def built(folder: str) -> tuple:
    """The client, its diagnosis and the chapter, once per folder."""
    client = cxlib.load_client(folder)
    result = cxlib.diagnosis.diagnose(client)
    return client, result, chapter.build(client, result)


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> dict[str, str]:
    """Copies of the demo and the Volga bank without scorecard.csv, and a client with a one-column survey only."""
    root = tmp_path_factory.mktemp("scorecard_chapter")
    made = {}
    for name, source in (("no_file", "demo"), ("no_file_ru", "volga_bank")):
        folder = Path(shutil.copytree(FOLDERS[source], root / name))
        (folder / "scorecard.csv").unlink()
        made[name] = str(folder)
    solo = root / "survey_only"  # client.toml and one NPS column: one period, no other file
    solo.mkdir()
    (solo / "client.toml").write_text('name = "Solo Survey"\nlanguage = "en"\n', encoding="utf-8")
    (solo / "survey.csv").write_text("nps\n" + "\n".join(str((7 * i) % 11) for i in range(120)) + "\n",
                                     encoding="utf-8")
    made["survey_only"] = str(solo)
    return made


def every_folder(variants) -> dict[str, str]:
    return {**{name: str(path) for name, path in FOLDERS.items()}, **variants}


def texts_of(built_chapter: Chapter) -> list[str]:
    return built_chapter.texts()


def tables_of(built_chapter: Chapter) -> list:
    return built_chapter.tables()


def metric_rows(built_chapter: Chapter) -> dict[str, list[str]]:
    """Every metric row of the level tables (latest period), by the metric's name."""
    levels = [part for part in built_chapter.sections if part.heading.endswith(" level") or "Уровень «" in part.heading]
    return {row[0]: row for part in levels for block in part.blocks if block.kind == "table" for row in block.rows}


def trend_rows(built_chapter: Chapter) -> dict[str, list[str]]:
    """The rows of the table of changes over time, by the metric's name."""
    headings = ("Changes over time", "Изменения во времени")
    part = next(part for part in built_chapter.sections if part.heading in headings)
    return {row[0]: row for block in part.blocks if block.kind == "table" for row in block.rows}


def section(built_chapter: Chapter, heading: str):
    return next(part for part in built_chapter.sections if part.heading == heading)


def plain(text: str) -> str:
    """Spaces for no-break spaces, a hyphen-minus for the true minus, no word joiners."""
    return text.replace("\u00a0", " ").replace("\u2212", "-").replace("\u2060", "")


# --------------------------------------------------------------------------- every client


@pytest.mark.parametrize("name", [*FOLDERS, "no_file", "no_file_ru", "survey_only"])
def test_text_has_no_missing_values_code_names_or_e_notation(name, variants):
    _, _, made = built(every_folder(variants)[name])
    assert made.sections and not made.unavailable
    for text in texts_of(made):
        assert not CODE_WORDS.search(text), text


@pytest.mark.parametrize("name", [*FOLDERS, "no_file", "no_file_ru", "survey_only"])
def test_tables_are_small_and_all_strings(name, variants):
    _, _, made = built(every_folder(variants)[name])
    for table in tables_of(made):
        assert len(table.columns) <= MAX_COLUMNS
        assert all(isinstance(cell, str) and cell for row in table.rows for cell in row)
        assert table.rows or table.empty


@pytest.mark.parametrize("name", ["volga_bank", "no_file_ru"])
def test_russian_chapter_is_russian(name, variants):
    client, _, made = built(every_folder(variants)[name])
    proper = set(re.findall(r"[^\W\d_]+", client.name))
    words = [w for text in texts_of(made) for w in re.findall(r"[^\W\d_]+", text)
             if w not in ACRONYMS and w not in proper]
    cyrillic = [w for w in words if re.fullmatch(r"[а-яё]+", w, re.IGNORECASE)]
    assert len(cyrillic) >= 0.95 * len(words), sorted(set(words) - set(cyrillic))
    assert not any(re.search(r"\d\.\d", text) for text in texts_of(made)), "a decimal comma in Russian"


@pytest.mark.parametrize("name", ["no_file", "no_file_ru"])
def test_without_scorecard_csv_only_derived_metrics_and_a_sentence_saying_so(name, variants):
    client, result, made = built(every_folder(variants)[name])
    assert client.lacks("scorecard")
    shown = " ".join(texts_of(made))
    assert ("Собственные показатели компании" if client.language == "ru" else "own scorecard figures") in shown
    names = set(result.scorecard.latest["name"])
    assert names <= {"Churn rate", "Repeat-purchase rate", "Revenue per customer", "NPS", "CSI (mean satisfaction)",
                     "CSAT (share satisfied)", "Mystery-shopping score", "Отток клиентов", "Доля повторных покупок",
                     "Выручка на клиента", "CSI (средняя удовлетворённость)", "CSAT (доля довольных)",
                     "Оценка тайного покупателя",
                     # derived from contacts.csv where the client supplied one (the demo)
                     "First-contact resolution", "Resolution time", "Решение с первого обращения", "Время решения"}
    assert len(metric_rows(made)) == len(names)


# --------------------------------------------------------------------------- what the chapter says


def test_values_targets_and_n_equal_pandas_on_the_raw_files():
    _, _, made = built(str(FOLDERS["demo"]))
    rows = metric_rows(made)
    card = pd.read_csv(FOLDERS["demo"] / "scorecard.csv")
    churn = card[(card["metric"] == "churn_rate") & (card["period"] == "2025-Q4")].iloc[0]
    assert rows["Churn rate"][1] == f"{churn['value']:.1f}%"
    assert rows["Churn rate"][3] == f"≤\u00a0{churn['target']:.0f}%"
    assert rows["Churn rate"][4] == "behind target" and churn["value"] > churn["target"]
    survey = pd.read_csv(FOLDERS["demo"] / "survey.csv")
    latest = survey[pd.PeriodIndex(pd.to_datetime(survey["date"]), freq="Q").astype(str) == "2025Q4"]["nps"].dropna()
    nps = 100 * ((latest >= 9).mean() - (latest <= 6).mean())
    assert plain(rows["NPS"][1]).startswith(f"{nps:.0f} (") and rows["NPS"][2] == str(len(latest))


def test_delivery_gap_equals_a_wilson_interval_on_the_raw_survey():
    _, result, made = built(str(FOLDERS["demo"]))
    survey = pd.read_csv(FOLDERS["demo"] / "survey.csv")
    answers = survey["csi"].dropna()
    very = int((answers == 5).sum())
    low, high = proportion_confint(very, len(answers), method="wilson")
    text = plain(" ".join(block.text for block in section(made, "What managers believe and what customers say").blocks))
    assert f"{100 * very / len(answers):.0f}% ({100 * low:.0f}–{100 * high:.0f}) of customers' answers (2,321)" in text
    claim = result.changes[(result.changes["source"] == "scorecard") & (result.changes["kind"] == "difference")]
    assert bool(claim["significant"].iloc[0]) and "is significant" in text


def test_a_gap_the_family_does_not_support_is_not_called_a_difference():
    _, _result, made = built(str(FOLDERS["tea_leaf"]))
    text = " ".join(block.text for block in section(made, "What managers believe and what customers say").blocks)
    assert "is not significant" in text and "the data do not show" in text


def test_derived_money_is_in_the_clients_currency():
    _, _, made = built(str(FOLDERS["volga_bank"]))
    customers = pd.read_csv(FOLDERS["volga_bank"] / "customers.csv")
    value = plain(metric_rows(made)["Выручка на клиента"][1])
    assert value.startswith(f"{customers['revenue_12m'].mean():,.0f} ₽".replace(",", " ")), value


@pytest.mark.parametrize("name", list(FOLDERS))
def test_lagging_and_leading_lists_agree_with_the_catalogue_and_name_behind_target_as_such(name):
    client, result, made = built(str(FOLDERS[name]))
    kinds = tomllib.loads((KIT_ROOT / "cxlib" / "catalog" / "chapters" / "scorecard.toml").read_text("utf-8"))
    latest = result.scorecard.latest
    heading = "Запаздывающие и опережающие показатели" if client.language == "ru" else "Lagging and leading indicators"
    items = next(block.items for block in section(made, heading).blocks if block.kind == "bullets")
    among = "Из них отстают от цели: " if client.language == "ru" else "Behind target among them: "
    for position, kind in enumerate(("lagging", "leading")):
        mine = [m for m, row in latest.iterrows()
                if kinds["indicators"].get(m, kinds["indicator_levels"][row["level"]]) == kind]
        behind = [m for m in mine if latest.loc[m, "status"] == "behind"]
        listed, _, behind_listed = items[position].partition(among)
        assert all(latest.loc[m, "name"].lower() in listed.lower() for m in mine)
        assert all(latest.loc[m, "name"].lower() in behind_listed.lower() for m in behind)
        assert bool(behind) == bool(behind_listed), items[position]
        for metric in mine:  # on target, undecided or without a target: never listed as behind
            name = latest.loc[metric, "name"].lower()
            if metric not in behind and not any(name in latest.loc[b, "name"].lower() for b in behind):
                assert name not in behind_listed.lower(), (name, behind_listed)


def test_trends_are_claims_only_where_the_family_flags_them():
    _, result, made = built(str(FOLDERS["demo"]))
    rows = trend_rows(made)
    assert not any("significant)" in row[-1] for row in rows.values())
    assert result.scorecard.latest.loc["churn_rate", "worsening"], "the kit's descriptive flag, not a claim"
    assert rows["Churn rate"] == ["Churn rate", "19.5%", "25.1%", "–", "not tested"]
    assert rows["NPS"][-1] == "not significant"
    trends = result.scorecard.trends.copy()
    trends.loc["nps", ["worsening", "p_adjusted"]] = [True, 0.01]
    flagged = dataclasses.replace(result, scorecard=dataclasses.replace(result.scorecard, trends=trends))
    made = chapter.build(cxlib.load_client(FOLDERS["demo"]), flagged)
    assert trend_rows(made)["NPS"][-1] == "worse (significant)"
    blocks = section(made, "Changes over time").blocks
    claim = plain(" ".join(block.text for block in blocks if block.kind == "paragraph"))
    assert claim.startswith("NPS: the fitted trend rose by 1 over Q1 2025–Q4 2025 (95% interval: -36 to 38)"), claim


def test_lead_states_the_count_behind_and_the_weakest_level():
    _, result, made = built(str(FOLDERS["demo"]))
    latest = result.scorecard.latest
    judged = latest["status"].isin(["met", "behind", "insufficient data"]).sum()
    behind = (latest["status"] == "behind").sum()
    assert made.lead.startswith(f"{behind} of the {judged} metrics that have a target are behind it")
    _, _, russian = built(str(FOLDERS["volga_bank"]))
    assert russian.lead.startswith("Цели не достигнуты по 10 из 14 показателей")


def test_every_text_has_both_languages_with_the_same_placeholders():
    texts = cxlib.catalog.load("chapters/scorecard")["texts"]
    english = {key[:-3] for key in texts if key.endswith("_en")}
    russian = {key[:-3] for key in texts if key.endswith("_ru")}
    assert english == russian
    for key in english:
        fields = [set(re.findall(r"{(\w+)}", texts[f"{key}_{language}"])) for language in ("en", "ru")]
        assert fields[0] == fields[1], key
    kinds = cxlib.catalog.load("chapters/scorecard")
    catalogued = {metric["key"] for metric in cxlib.catalog.load("scorecard")["metrics"]}
    assert set(kinds["indicators"]) == catalogued and set(kinds["indicators"].values()) <= {"lagging", "leading", ""}
