"""The report's customer-journey chapter (cxlib.chapters.journey), built from the diagnosis results.

Checked on the demo, the two cases (Tea Leaf in English, Volga bank in Russian), a copy of the demo without
journey.csv, a copy with blank counts and a missing stage, and a copy whose survey came as counts only: the chapter
says what it cannot show, writes no code words, keeps its tables to seven columns, is Russian in Russian, and its
numbers equal the ones pandas, statsmodels and scipy compute from the raw CSV files.
"""

from __future__ import annotations

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
from cxlib import catalog
from cxlib.chapters import MAX_COLUMNS, Bullets, Figure, Paragraph, Table
from cxlib.chapters import journey as chapter
from cxlib.report import render_report, visible_text_of
from cxlib.wording import Numbers

KIT_ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"demo": KIT_ROOT / "data" / "demo", "tea_leaf": KIT_ROOT / "data" / "cases" / "tea_leaf",
           "volga_bank": KIT_ROOT / "data" / "cases" / "volga_bank"}
ACRONYMS = {"NPS", "CSAT", "CSI", "CES"}
OF = {"en": "of", "ru": "из"}  # "39% of 7,272", "57 % из 21 000"
CODE_WORDS = re.compile(r"\b(nan|NaN|None|True|False|null|inf)\b|\d[eE][+-]?\d|\w+_\w+|\.csv|\(visit\)|n/a")


@cache
def built(folder: Path) -> tuple:
    """The client, its diagnosis and its journey chapter."""
    client = cxlib.load_client(folder)
    result = cxlib.diagnosis.diagnose(client)
    return client, result, chapter.build(client, result)


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> dict[str, Path]:
    """Copies of the demo: without journey.csv; with blanks, no awareness stage and no visits; counts only."""
    root = tmp_path_factory.mktemp("journey")
    missing = Path(shutil.copytree(FOLDERS["demo"], root / "no_journey"))
    (missing / "journey.csv").unlink()
    blanks = Path(shutil.copytree(FOLDERS["demo"], root / "blanks"))
    (blanks / "mystery_shopping.csv").unlink()
    table = pd.read_csv(blanks / "journey.csv", dtype=str, keep_default_na=False)
    table.loc[table["touchpoint"] == "online booking", "moved_on"] = ""   # purchase: a rate on part of its customers
    table.loc[table["touchpoint"] == "phone booking", "rated"] = ""       # its satisfied share unknown: not ranked
    table.loc[table["stage"] == "loyalty", "moved_on"] = ""               # the loyalty rate unknown
    table[table["stage"] != "awareness"].to_csv(blanks / "journey.csv", index=False)
    counts = Path(shutil.copytree(FOLDERS["volga_bank"], root / "counts_only"))
    cxlib.load_client(counts).counts.to_csv(counts / "survey_counts.csv", index=False)
    (counts / "survey.csv").unlink()
    unrated = Path(shutil.copytree(FOLDERS["tea_leaf"], root / "unrated"))  # no ratings: the detractors' rule
    survey = pd.read_csv(unrated / "survey.csv", dtype=str, keep_default_na=False)
    survey.drop(columns=[c for c in survey if c.startswith("rating_")]).to_csv(unrated / "survey.csv", index=False)
    kept, in_ratings = [], False
    for line in (unrated / "client.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            in_ratings = line.startswith("[ratings")
        if not in_ratings:
            kept.append(line)
    (unrated / "client.toml").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return {"no_journey": missing, "blanks": blanks, "counts_only": counts, "unrated": unrated}


def texts(built_chapter) -> list[str]:
    """Every string a reader (or a screen reader) gets from the chapter."""
    found = [built_chapter.title, built_chapter.lead, built_chapter.unavailable]
    for section in built_chapter.sections:
        found.append(section.heading)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                found.append(block.text)
            elif isinstance(block, Bullets):
                found += block.items
            elif isinstance(block, Table):
                found += [block.caption, block.empty, *(c.label for c in block.columns)]
                found += [cell for row in block.rows for cell in row]
            elif isinstance(block, Figure):
                found += [block.alt, block.caption]
    return [text for text in found if text]


def plain(text: str) -> str:
    """No-break spaces as spaces, word joiners removed: what a reader sees."""
    return text.replace("\xa0", " ").replace("\u2060", "")


def blocks_of(built_chapter, kind: type) -> list:
    return [block for section in built_chapter.sections for block in section.blocks if isinstance(block, kind)]


def pain_table(built_chapter) -> Table:
    return blocks_of(built_chapter, Table)[0]


def all_folders(variants) -> dict[str, Path]:
    return {**FOLDERS, **variants}


# --------------------------------------------------------------------------- on every client


@pytest.mark.parametrize("name", [*FOLDERS, "no_journey", "blanks", "counts_only"])
def test_no_code_words_missing_value_words_or_e_notation(name, variants):
    shown = [plain(text) for text in texts(built(all_folders(variants)[name])[2])]
    assert shown
    for text in shown:
        assert not CODE_WORDS.search(text), (CODE_WORDS.findall(text), text)


@pytest.mark.parametrize("name", [*FOLDERS, "blanks", "counts_only"])
def test_tables_are_for_people(name, variants):
    tables = blocks_of(built(all_folders(variants)[name])[2], Table)
    assert tables
    for table in tables:
        assert len(table.columns) <= MAX_COLUMNS
        assert table.rows or table.empty
        for row in table.rows:
            assert all(isinstance(cell, str) and cell.strip() for cell in row), row


@pytest.mark.parametrize("name", FOLDERS)
def test_three_sections_two_or_three_charts_and_a_one_sentence_lead(name):
    client, result, built_chapter = built(FOLDERS[name])
    assert built_chapter.key == "journey" and not built_chapter.unavailable
    # stages, pain points, mystery shopping; and support contacts where contacts.csv came (the demo's)
    assert len(built_chapter.sections) == 3 + (FOLDERS[name] / "contacts.csv").exists()
    figures = blocks_of(built_chapter, Figure)
    assert len(figures) == 3 and all(f.uri.startswith("data:image/png;base64,") and f.alt for f in figures)
    lead = plain(built_chapter.lead)
    assert lead.endswith(".") and lead.count(". ") == 0, lead
    leaders = result.pain_points.head(3)["touchpoint"]
    for code in leaders:
        assert chapter.touchpoint_words(client, code) in lead


def test_russian_chapter_is_russian_with_decimal_commas():
    client, _, built_chapter = built(FOLDERS["volga_bank"])
    shown = plain(" ".join(texts(built_chapter)))
    proper = set(re.findall(r"[^\W\d_]+", client.name))
    words = [w for w in re.findall(r"[^\W\d_]+", shown) if w not in ACRONYMS and w not in proper]
    cyrillic = [w for w in words if re.fullmatch(r"[а-яё]+", w, re.I)]
    assert len(cyrillic) >= 0.95 * len(words), sorted(set(words) - set(cyrillic))
    # p-values keep three decimals (p = 1,000) and months read 01.2025: neither is a thousands separator
    numbers = re.sub(r"p[^\d<]{0,30}(?:<\s*)?\d,\d{3}|\b\d{2}\.\d{4}\b", "", shown)
    assert re.search(r"\d \d{3}", numbers) and not re.search(r"\d[.,]\d{3}", numbers), "21 000, not 21,000"
    assert not re.search(r"\d\.\d", numbers), "no decimal point"
    assert "«Комиссии объяснены полностью»" in shown  # the case's checklist, in Russian


def test_catalogue_has_both_languages_with_the_same_placeholders():
    texts_ = catalog.load("chapters/journey")["texts"]
    english = {key[:-3] for key in texts_ if key.endswith("_en")}
    russian = {key[:-3] for key in texts_ if key.endswith("_ru")}
    assert english == russian - {key for key in russian if key.rsplit("_", 1)[-1] in ("few", "many")}
    for key in english:
        fields = [set(re.findall(r"{(\w+)}", texts_[f"{key}_{language}"])) for language in ("en", "ru")]
        assert fields[0] == fields[1], key


# --------------------------------------------------------------------------- the numbers, from the raw files


@pytest.mark.parametrize("name", FOLDERS)
def test_biggest_drop_equals_pandas_and_statsmodels_on_the_raw_file(name):
    client, _, built_chapter = built(FOLDERS[name])
    raw = pd.read_csv(FOLDERS[name] / "journey.csv")
    stages = raw.groupby("stage")[["reached", "moved_on"]].sum()
    rate = stages["moved_on"] / stages["reached"]
    worst = rate.idxmin()
    low, high = proportion_confint(stages.loc[worst, "moved_on"], stages.loc[worst, "reached"], method="wilson")
    numbers = Numbers(client.language)
    share = plain(f"{numbers.percent(100 * rate[worst])} {numbers.interval(100 * low, 100 * high)}")
    customers = plain(numbers.number(stages.loc[worst, "reached"]))
    stage = cxlib.journey.stage_names(client.language)[worst]
    sentence = plain(blocks_of(built_chapter, Paragraph)[1].text)
    assert stage in sentence and f"{share} {OF[client.language]} {customers}" in sentence, (share, sentence)


@pytest.mark.parametrize("name", FOLDERS)
def test_pain_table_equals_the_raw_files(name):
    """Satisfied shares from journey.csv; importance is the touchpoint's rated attribute's share of R² (the key
    drivers, placed at touchpoints by the raw client.toml), unknown where no attribute rates it."""
    client, result, built_chapter = built(FOLDERS[name])
    table = pain_table(built_chapter)
    numbers = Numbers(client.language)
    raw = pd.read_csv(FOLDERS[name] / "journey.csv").set_index("touchpoint")
    settings = tomllib.loads((FOLDERS[name] / "client.toml").read_text(encoding="utf-8"))["ratings"]
    placed = {entry["touchpoint"]: f"rating_{key}" for key, entry in settings.items()
              if isinstance(entry, dict) and "touchpoint" in entry}
    shares = result.drivers.set_index("driver")
    for row, code in zip(table.rows, result.pain_points["touchpoint"], strict=False):
        assert row[1] == chapter.touchpoint_words(client, code)[:1].upper() + chapter.touchpoint_words(client, code)[1:]
        satisfied, rated = raw.loc[code, "satisfied"], raw.loc[code, "rated"]
        low, high = proportion_confint(satisfied, rated, method="wilson")
        share = f"{numbers.percent(100 * satisfied / rated)} {numbers.interval(100 * low, 100 * high)}"
        assert plain(row[3]) == plain(f"{share} {OF[client.language]} {numbers.number(rated)}")
        if code not in placed:
            assert row[4] == "–", code
            continue
        driver = shares.loc[placed[code]]
        assert plain(row[4]) == plain(f"{numbers.percent(driver['share'])} "
                                      f"{numbers.interval(driver['share_low'], driver['share_high'])}"), code
    assert [row[0] for row in table.rows] == [str(r) for r in result.pain_points["rank"].head(len(table.rows))]


def test_without_ratings_importance_is_the_detractors_naming_the_touchpoint(variants):
    folder = variants["unrated"]
    client, result, built_chapter = built(folder)
    assert result.drivers is None
    table = pain_table(built_chapter)
    numbers = Numbers(client.language)
    survey = pd.read_csv(folder / "survey.csv")
    answered = survey["nps"].notna().sum()
    for row, code in zip(table.rows, result.pain_points["touchpoint"], strict=False):
        detractors = ((survey["touchpoint"] == code) & (survey["nps"] <= 6)).sum()
        low, high = proportion_confint(detractors, answered, method="wilson")
        assert plain(row[4]) == plain(f"{numbers.number(100 * detractors / answered)} "
                                      f"{numbers.interval(100 * low, 100 * high)}"), code
    assert [row[0] for row in table.rows] == [str(r) for r in result.pain_points["rank"].head(len(table.rows))]


def test_ranks_follow_the_priority_formula_recomputed_from_the_raw_file(variants):
    """priority = 100 × frequency × (severity + impact) / 2, as cxlib/catalog/journey.toml writes it (no ratings)."""
    client, _, built_chapter = built(variants["unrated"])
    raw = pd.read_csv(variants["unrated"] / "journey.csv")
    survey = pd.read_csv(variants["unrated"] / "survey.csv")
    named = survey[survey["touchpoint"].notna() & survey["nps"].notna()]
    # an answer counts for the touchpoint at the stage it names (Tea Leaf's survey puts support chat at experience)
    detractors = named.groupby(["stage", "touchpoint"])["nps"].apply(lambda s: (s <= 6).mean())
    keys = pd.Series(list(zip(raw["stage"], raw["touchpoint"], strict=True)))
    affected = (raw["reached"] * (1 - raw["satisfied"] / raw["rated"])).round()
    severity = (raw["high_effort"] / raw["rated"]
                + ((raw["expectation"] - raw["perception"]) / 4).clip(0, 1)) / 2
    impact = (1 - raw["moved_on"] / raw["reached"] + keys.map(detractors).fillna(0)) / 2
    priority = 100 * affected / affected.max() * (severity + impact) / 2
    order = raw.assign(priority=priority).sort_values("priority", ascending=False)["touchpoint"]
    names = [row[1].lower() for row in pain_table(built_chapter).rows]
    assert names == list(order)


@pytest.mark.parametrize("name", FOLDERS)
def test_mystery_shopping_equals_the_raw_file(name):
    client, _, built_chapter = built(FOLDERS[name])
    raw = pd.read_csv(FOLDERS[name] / "mystery_shopping.csv")
    visits = raw["visit_id"].nunique()
    critical = raw[raw["critical"].astype(str).str.lower() == "true"]
    knocked = critical.loc[critical["result"] == "fail", "visit_id"].nunique()
    numbers = Numbers(client.language)
    table = blocks_of(built_chapter, Table)[1]
    assert table.rows[-1][1] == numbers.number(visits) and table.rows[-1][3] == numbers.number(knocked)
    applicable = raw[raw["result"] != "na"].assign(points=lambda t: (t["result"] == "pass") * t["weight"])
    per_visit = applicable.groupby("visit_id").apply(lambda t: 100 * t["points"].sum() / t["weight"].sum(),
                                                     include_groups=False)
    per_visit[per_visit.index.isin(critical.loc[critical["result"] == "fail", "visit_id"])] = 0.0
    assert plain(table.rows[-1][2]).startswith(plain(numbers.number(per_visit.mean())) + " (")
    shown = plain(" ".join(texts(built_chapter)))
    for criterion, part in critical.groupby("criterion"):
        failed, applicable_visits = (part["result"] == "fail").sum(), (part["result"] != "na").sum()
        said = f"{numbers.number(failed)} {OF[client.language]} {numbers.number(applicable_visits)}"
        named = f"{chapter.criterion_words(client, criterion)}{'»' if client.language == 'ru' else '”'}"
        assert not failed or named in shown and plain(said) in shown, (named, said)


# --------------------------------------------------------------------------- what the data cannot show


def test_a_client_without_journey_gets_one_sentence(variants):
    client, result, built_chapter = built(variants["no_journey"])
    assert built_chapter.unavailable and not built_chapter.sections and not built_chapter.lead
    assert built_chapter.title == "Customer journey"
    page = visible_text_of(render_report(client, result, chapters=[built_chapter]))
    assert built_chapter.unavailable in page


def test_unknown_is_said_as_unknown_never_as_zero(variants):
    client, result, built_chapter = built(variants["blanks"])
    shown = plain(" ".join(texts(built_chapter)))
    assert "No touchpoint was measured at the Awareness stage." in shown
    assert "How many customers moved on is unknown at the Loyalty stage." in shown
    raw = pd.read_csv(variants["blanks"] / "journey.csv")
    purchase = raw[raw["stage"] == "purchase"]
    counted = purchase.loc[purchase["moved_on"].notna(), "reached"].sum()
    assert (f"At the Purchase stage the share is computed on {counted:,} of {purchase['reached'].sum():,} customers: "
            "whether customers moved on is unknown at online booking.") in shown
    assert "Loyalty unknown" in blocks_of(built_chapter, Figure)[0].alt
    assert "Not ranked, because how many customers they leave unsatisfied is unknown: phone booking." in shown
    assert "Phone booking" not in [row[1] for row in pain_table(built_chapter).rows]
    assert "No mystery-shopping visits were supplied." in shown


def test_a_counts_only_survey_says_why_importance_and_detractors_are_unknown(variants):
    _, _, built_chapter = built(variants["counts_only"])
    shown = plain(" ".join(texts(built_chapter)))
    assert "Важность измерить нельзя: опрос дан в виде подсчётов" in shown
    assert "Доля критиков неизвестна ни в одной точке контакта" in shown
    assert {row[4] for row in pain_table(built_chapter).rows} == {"–"}
    assert {row[5] for row in pain_table(built_chapter).rows} == {"–"}


def test_the_chapter_renders_escaped_in_the_report():
    client, result, built_chapter = built(FOLDERS["demo"])
    page = render_report(client, result, chapters=[built_chapter])
    seen = plain(visible_text_of(page))
    assert plain(built_chapter.lead) in seen and "Importance" in seen
    # the pain points and the mystery visits; the contact histories and the costliest topics
    assert page.count('<table class="cx-table">') == 4
