"""The report's chapter on NPS, CSAT, CSI and CES (cxlib.chapters.nps).

Built on the demo, the two cases (Tea Leaf in English, the Volga bank in
Russian), a demo survey without its NPS column, a demo without customers.csv,
a survey with comments only, a monthly demo (more periods than a table
shows) and a demo with hostile strings in every client-controlled text. Every
text is checked for code words and the Russian one for its share of Russian
words; the figures shown are checked against pandas and statsmodels on the raw
CSV files; the claims shown are exactly the significant ones of the family.
"""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

import cxlib
import cxlib.diagnosis
from cxlib.chapters import MAX_COLUMNS, Chapter, Figure, Paragraph, Table
from cxlib.chapters import nps as chapter_nps
from cxlib.wording import Numbers

KIT_ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"demo": KIT_ROOT / "data" / "demo", "tea_leaf": KIT_ROOT / "data" / "cases" / "tea_leaf",
           "volga_bank": KIT_ROOT / "data" / "cases" / "volga_bank"}
ACRONYMS = {"NPS", "CSAT", "CSI", "CES"}
CODE_WORDS = re.compile(r"\b(nan|NaN|None(?! of)|True|False|NA|null|inf)\b|\d[eE][+-]?\d|\(all\)|period-on-period"
                        r"|first-to-last|p_adjusted|value tier|\w+_\w+|\d{4}-Q\d|\.csv\b|cxlib")


@cache
def built(name: str) -> tuple:
    client = cxlib.load_client(FOLDERS[name])
    result = cxlib.diagnosis.diagnose(client)
    return client, result, chapter_nps.build(client, result)


def build_folder(folder: Path) -> tuple:
    client = cxlib.load_client(folder)
    result = cxlib.diagnosis.diagnose(client)
    return client, result, chapter_nps.build(client, result)


@pytest.fixture(scope="module")
def no_nps(tmp_path_factory) -> tuple:
    """The demo with the NPS column dropped from survey.csv."""
    folder = Path(shutil.copytree(FOLDERS["demo"], tmp_path_factory.mktemp("no_nps") / "demo"))
    survey = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    survey.drop(columns="nps").to_csv(folder / "survey.csv", index=False)
    return build_folder(folder)


@pytest.fixture(scope="module")
def no_customers(tmp_path_factory) -> tuple:
    """The demo without customers.csv: no loyalty, everything else as before."""
    folder = Path(shutil.copytree(FOLDERS["demo"], tmp_path_factory.mktemp("no_customers") / "demo"))
    (folder / "customers.csv").unlink()
    return build_folder(folder)


@pytest.fixture(scope="module")
def monthly(tmp_path_factory) -> tuple:
    """The demo read by month: twelve periods, more than a table shows."""
    folder = Path(shutil.copytree(FOLDERS["demo"], tmp_path_factory.mktemp("monthly") / "demo"))
    toml = folder / "client.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('frequency = "quarter"', 'frequency = "month"'),
                    encoding="utf-8")
    return build_folder(folder)


def texts(chapter: Chapter) -> list[str]:
    """Every text a reader sees in the chapter (figures by their alt text and caption)."""
    found = [chapter.title, chapter.lead, chapter.unavailable]
    for section in chapter.sections:
        found.append(section.heading)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                found.append(block.text)
            elif isinstance(block, Table):
                found += [block.caption, block.empty, *(c.label for c in block.columns)]
                found += [cell for row in block.rows for cell in row]
            elif isinstance(block, Figure):
                found += [block.alt, block.caption]
            else:
                found += list(block.items)
    return [text for text in found if text]


def plain(text: str) -> str:
    """A text as read: no-break spaces as spaces, word joiners gone."""
    return text.replace("\xa0", " ").replace("\u2060", "")


def section(chapter: Chapter, starts: str):
    return next(s for s in chapter.sections if s.heading.startswith(starts))


def tables(part) -> list[Table]:
    return [block for block in part.blocks if isinstance(block, Table)]


def figures(chapter: Chapter) -> list[Figure]:
    return [block for s in chapter.sections for block in s.blocks if isinstance(block, Figure)]


def row_of(table: Table, first: str, column: int = 0) -> list[str]:
    return next(row for row in table.rows if plain(row[column]) == first)


def nps_of(scores: pd.Series) -> tuple[float, int]:
    """NPS and n from raw 0–10 answers: share of 9–10 minus share of 0–6."""
    scores = pd.to_numeric(scores, errors="coerce").dropna()
    return 100 * ((scores >= 9).mean() - (scores <= 6).mean()), len(scores)


@cache
def raw_survey(name: str) -> pd.DataFrame:
    """survey.csv as written, with the calendar quarter of each answer as ``2025-Q4``."""
    survey = pd.read_csv(FOLDERS[name] / "survey.csv", dtype=str, keep_default_na=False)
    survey["quarter"] = pd.PeriodIndex(pd.to_datetime(survey["date"]), freq="Q").strftime("%Y-Q%q")
    return survey


def all_clients(no_nps, no_customers) -> dict[str, tuple]:
    return {**{name: built(name) for name in FOLDERS}, "no_nps": no_nps, "no_customers": no_customers}


# --------------------------------------------------------------------------- every client: shape and words


@pytest.mark.parametrize("name", [*FOLDERS, "no_nps", "no_customers"])
def test_no_code_words_nan_or_e_notation(name, no_nps, no_customers):
    _, _, chapter = all_clients(no_nps, no_customers)[name]
    assert chapter.key == "nps" and not chapter.unavailable and chapter.lead
    for text in texts(chapter):
        assert not CODE_WORDS.search(plain(text)), text


@pytest.mark.parametrize("name", [*FOLDERS, "no_nps", "no_customers"])
def test_tables_are_for_people(name, no_nps, no_customers):
    _, _, chapter = all_clients(no_nps, no_customers)[name]
    for part in chapter.sections:
        for table in tables(part):
            assert len(table.columns) <= MAX_COLUMNS
            assert table.rows or table.empty, f"{part.heading}: an empty table must say why"
            for row in table.rows:
                assert all(isinstance(cell, str) and cell.strip() for cell in row), row
                for cell, column in zip(row, table.columns):
                    if column.numeric:
                        assert re.search(r"\d|–", cell), (column.label, cell)


@pytest.mark.parametrize("name", [*FOLDERS, "no_nps"])
def test_figures_are_pngs_with_words(name, no_nps):
    chapter = (no_nps if name == "no_nps" else built(name))[2]
    shown = figures(chapter)
    assert shown and all(f.uri.startswith("data:image/png;base64,") and f.alt and f.caption for f in shown)


def test_russian_is_russian():
    _, _, chapter = built("volga_bank")
    words = [w for text in texts(chapter) for w in re.findall(r"[^\W\d_]+", plain(text)) if w not in ACRONYMS]
    cyrillic = [w for w in words if re.search(r"[а-яё]", w, re.IGNORECASE)]
    assert len(cyrillic) / len(words) >= 0.95, sorted({w for w in words if w not in cyrillic})
    assert chapter.title.startswith("Показатели клиентов")


def test_russian_numbers_use_the_locale():
    _, _, chapter = built("volga_bank")
    by_period = tables(section(chapter, "CES"))[0]
    assert all("," in row[1] and "." not in row[1] for row in by_period.rows)  # decimal comma
    assert any("\xa0" in row[2] for row in by_period.rows)                       # 1 427, no-break space


# --------------------------------------------------------------------------- figures against the raw files


def test_nps_by_period_equals_pandas_and_the_adjusted_wald_interval():
    _, _, chapter = built("demo")
    survey = raw_survey("demo")
    by_period = tables(section(chapter, "NPS"))[0]
    numbers = Numbers("en")
    for quarter, part in survey.groupby("quarter"):
        value, n = nps_of(part["nps"])
        row = row_of(by_period, numbers.period(quarter).replace("\xa0", " "))
        assert plain(row[1]).startswith(numbers.number(value) + " (") and row[2] == numbers.number(n)
    # the interval of the last quarter, by hand: add ¾ promoter, 1½ passives, ¾ detractor (Rocks 2016)
    scores = pd.to_numeric(survey.loc[survey["quarter"] == "2025-Q4", "nps"])
    p, d, n = (scores >= 9).sum() + 0.75, (scores <= 6).sum() + 0.75, len(scores) + 3
    centre = (p - d) / n
    se = np.sqrt(((p + d) / n - centre**2) / n)
    low, high = 100 * (centre - 1.959964 * se), 100 * (centre + 1.959964 * se)
    assert plain(row_of(by_period, "Q4 2025")[1]) == f"24 ({round(low)}–{round(high)})"


def test_channel_table_equals_pandas_over_the_headline_period():
    client, result, chapter = built("demo")
    assert result.headline == ["2025-Q4"]
    survey = raw_survey("demo")
    groups = tables(section(chapter, "NPS"))[1]
    for channel, part in survey[survey["quarter"] == "2025-Q4"].groupby("channel"):
        value, n = nps_of(part["nps"])
        row = row_of(groups, client.label(channel), column=1)
        assert row[0] == "Channel" and plain(row[2]).startswith(Numbers("en").number(value) + " ")
        assert row[3] == str(n)


def test_russian_ces_by_period_equals_pandas():
    _, _, chapter = built("volga_bank")
    survey = raw_survey("volga_bank")
    by_period = tables(section(chapter, "CES"))[0]
    for quarter, part in survey.groupby("quarter"):
        ces = pd.to_numeric(part["ces"], errors="coerce").dropna()
        row = row_of(by_period, Numbers("ru").period(quarter).replace("\xa0", " "))
        assert plain(row[1]).startswith(f"{ces.mean():.2f}".replace(".", ",") + " (")
        assert plain(row[2]).replace(" ", "") == str(len(ces))


def test_claims_table_shows_exactly_the_significant_claims_with_raw_values():
    _, result, chapter = built("demo")
    claims = result.changes
    mine = claims[claims["source"].isin(["survey", "customers"]) & claims["p"].notna()]
    stated = mine[mine["significant"]]
    part = section(chapter, "Significant changes")
    table = tables(part)[0]
    assert len(table.rows) == len(stated) == 7  # the phone channel's Q4 fall and its year; May's dip and recovery
    survey = raw_survey("demo")
    phone = survey[survey["channel"] == "phone"]
    before, _ = nps_of(phone.loc[phone["quarter"] == "2025-Q3", "nps"])
    after, _ = nps_of(phone.loc[phone["quarter"] == "2025-Q4", "nps"])
    row = row_of(table, "Q3 2025 → Q4 2025", column=1)
    assert row[0] == "NPS, phone channel (worse)"
    assert plain(row[2]) == f"{round(before)} → −{round(-after)}"
    assert plain(row[3]).startswith(f"−{round(before - after)} (")
    assert re.fullmatch(r"< 0\.001|0\.0[0-4]\d", row[4])
    sentence = plain(part.blocks[-1].text)
    assert f"tests {int(claims['p'].notna().sum())} claims together" in sentence
    assert f"{len(mine)} of them concern these metrics" in sentence and "apart from the 7 in the table" in sentence


def test_russian_claims_name_the_group_in_the_clients_words():
    client, result, chapter = built("volga_bank")
    table = tables(section(chapter, "Значимые"))[0]
    stated = result.changes[result.changes["significant"] & (result.changes["source"] == "survey")]
    assert len(table.rows) == len(stated)
    assert any(f"канал «{client.label('branch')}»" in row[0] for row in table.rows)
    assert all(row[0].endswith(("(хуже)", "(лучше)")) for row in table.rows)


def test_no_significant_claim_is_said_so_in_one_sentence():
    _, result, chapter = built("tea_leaf")
    on_these_metrics = result.changes[result.changes["source"].isin(["survey", "customers"])]
    assert not on_these_metrics["significant"].any()  # the comments' topics are the comments chapter's
    part = section(chapter, "Significant changes")
    assert not tables(part)[0].rows and tables(part)[0].empty
    assert "none of those shows a significant change" in part.blocks[-1].text
    assert chapter.lead.startswith("NPS stood at") and "none of the" in chapter.lead


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_survey_too_thin_to_compare_says_so_not_that_nothing_changed(tmp_path, language):
    """Twelve answers a quarter: every comparison is left untested (fewer than [claims] min_answers), and the
    claims section says that, never "no change is significant"."""
    survey = pd.read_csv(FOLDERS["demo"] / "survey.csv", dtype=str, keep_default_na=False)
    quarter = pd.PeriodIndex(pd.to_datetime(survey["date"]), freq="Q")
    survey.groupby(quarter).head(12).to_csv(tmp_path / "survey.csv", index=False)
    toml = (FOLDERS["demo"] / "client.toml").read_text(encoding="utf-8").replace('language = "en"',
                                                                                f'language = "{language}"')
    (tmp_path / "client.toml").write_text(toml, encoding="utf-8")
    client = cxlib.load_client(tmp_path)
    result = cxlib.diagnosis.diagnose(client)
    assert result.changes.loc[result.changes["source"] == "survey", "p"].isna().all()
    heading = {"en": "Significant changes", "ru": "Значимые изменения"}[language]
    built_chapter = chapter_nps.build(client, result)
    part = next(s for s in built_chapter.sections if s.heading.startswith(heading))
    said = " ".join(block.text for block in part.blocks)
    expected = {"en": "No change on these metrics could be tested", "ru": "Ни одно изменение по этим показателям"}
    assert said.startswith(expected[language]) and "30" in said
    lead = {"en": "no change over time could be tested, as no two periods", "ru": "ни в одной паре сравниваемых"}
    assert lead[language] in built_chapter.lead and "one period" not in built_chapter.lead


def test_loyalty_counts_equal_pandas():
    _, _, chapter = built("demo")
    survey = raw_survey("demo").assign(nps=lambda s: pd.to_numeric(s["nps"], errors="coerce"))
    customers = pd.read_csv(FOLDERS["demo"] / "customers.csv")
    answered = survey[(survey["customer_id"] != "") & survey["nps"].notna()]
    latest = answered.sort_values(["date", "response_id"]).groupby("customer_id").last().reset_index()
    joined = latest.merge(customers, on="customer_id")
    churned = joined["churned"].astype(str).str.lower().eq("true")
    hostages = int(((joined["purchases_12m"] >= 2) & ~churned & (joined["nps"] <= 6)).sum())
    table = tables(section(chapter, "Two sides of loyalty"))[0]
    assert row_of(table, "hostages")[2] == str(hostages)
    assert row_of(table, "hostages")[1] == "repeat buyer, detractor"


def test_closed_loop_equals_pandas_and_wilson():
    _, _, chapter = built("demo")
    survey = raw_survey("demo")
    low = survey[pd.to_numeric(survey["nps"], errors="coerce") <= 6]
    delay = (pd.to_datetime(low["followed_up_at"].replace("", None))
             - pd.to_datetime(low["contact_at"].replace("", None)))
    on_time = int((delay <= pd.Timedelta("1h")).sum())
    low_ci, high_ci = proportion_confint(on_time, len(low), method="wilson")
    text = plain(section(chapter, "Closed loop").blocks[0].text)
    assert f"Of {len(low)} low scores" in text and f", {on_time} were followed up within one hour" in text
    assert f"({round(100 * low_ci)}–{round(100 * high_ci)})" in text


# --------------------------------------------------------------------------- what the client lacks


def test_survey_without_nps_leads_with_the_headline_metric(no_nps):
    client, _, chapter = no_nps
    assert client.metrics[0] == "csat" and "NPS" not in chapter.title
    assert "NPS" not in chapter.lead and chapter.sections[0].heading.startswith("CSAT")
    # an intervals chart per metric, no composition without NPS, and the CSAT control chart
    assert len(figures(chapter)) == 4
    assert "NPS answers" in section(chapter, "Two sides").blocks[0].text
    assert "NPS answers" in section(chapter, "Closed loop").blocks[0].text


def test_demo_without_customers_says_why_there_is_no_loyalty(no_customers):
    _, _, chapter = no_customers
    loyalty = section(chapter, "Two sides of loyalty")
    assert len(loyalty.blocks) == 1 and "customer file" in loyalty.blocks[0].text
    assert tables(section(chapter, "Significant changes"))[0].rows  # the phone channel's fall is still there


def test_survey_without_scores_is_unavailable(tmp_path):
    (tmp_path / "client.toml").write_text('name = "Words Only"\nlanguage = "ru"\n', encoding="utf-8")
    (tmp_path / "survey.csv").write_text("comment\nДолго ждали.\nВсё хорошо.\n", encoding="utf-8")
    _, _, chapter = build_folder(tmp_path)
    assert chapter.unavailable and not chapter.sections
    assert re.search(r"[а-я]", chapter.unavailable) and not CODE_WORDS.search(chapter.unavailable)


def test_undated_survey_says_no_period(tmp_path):
    (tmp_path / "client.toml").write_text('name = "Undated"\n', encoding="utf-8")
    (tmp_path / "survey.csv").write_text("nps,channel\n" + "\n".join(f"{i % 11},{'ab'[i % 2]}" for i in range(40)),
                                         encoding="utf-8")
    _, _, chapter = build_folder(tmp_path)
    assert chapter.lead.startswith("NPS stands at") and "no dates" in chapter.lead
    assert "cannot be tested" in section(chapter, "Significant changes").blocks[0].text


def test_many_periods_show_the_latest_and_say_so(monthly):
    client, _, chapter = monthly
    first = section(chapter, "NPS")
    assert len(client.periods) == 12
    assert any(isinstance(b, Paragraph) and "last 8 of 12 periods" in plain(b.text) for b in first.blocks)
    assert [row[0] for row in tables(first)[0].rows][-1] == "December 2025"
    assert len(tables(first)[0].rows) == chapter_nps.MAX_PERIODS


def test_hostile_client_texts_stay_text(tmp_path):
    from tests.support.hostile import plant

    placed = plant(FOLDERS["demo"], tmp_path / "hostile")
    client, _, chapter = build_folder(tmp_path / "hostile")
    groups = tables(section(chapter, "NPS"))[1]
    shown = {row[1] for row in groups.rows}
    assert {client.label(code) for code in placed["channels"].values()} <= shown


def test_question_not_asked_lately_says_so(tmp_path):
    folder = Path(shutil.copytree(FOLDERS["demo"], tmp_path / "demo"))
    survey = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    survey.loc[survey["date"] >= "2025-10-01", "ces"] = ""  # CES dropped from the last quarter's questionnaire
    survey.to_csv(folder / "survey.csv", index=False)
    _, _, chapter = build_folder(folder)
    ces = section(chapter, "CES")
    assert plain(ces.blocks[0].text).startswith("Q4 2025: no answers to this question.")
    by_period, groups = tables(ces)
    assert by_period.rows[-1] == ["Q4\xa02025", "–", "0"] and not groups.rows and "Q4" in groups.empty
    assert chapter.lead.startswith("In the phone channel, NPS fell")


def test_thin_latest_period_is_pooled_and_said_so(tmp_path):
    folder = Path(shutil.copytree(FOLDERS["demo"], tmp_path / "demo"))
    survey = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    last = survey["date"] >= "2025-10-01"
    pd.concat([survey[~last], survey[last].head(30)]).to_csv(folder / "survey.csv", index=False)
    _, result, chapter = build_folder(folder)
    assert result.headline == ["2025-Q3", "2025-Q4"]
    note = plain(section(chapter, "NPS").blocks[1].text)
    assert note == ("The latest period, Q4 2025, holds only 30 answers, so the figures for now pool "
                    "Q3 2025–Q4 2025 (630 answers).")
    value, n = nps_of(pd.concat([survey[survey["date"].between("2025-07-01", "2025-09-30")],
                                 survey[last].head(30)])["nps"])
    now = plain(section(chapter, "NPS").blocks[0].text)
    assert now.startswith(f"Q3 2025–Q4 2025: {round(value)} (") and f"{n} answers" in now, now
