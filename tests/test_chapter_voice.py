"""The report's voice chapter (cxlib.chapters.voice): comments into topics, checked as a reader and as an auditor.

Built on the demo (English, with Russian comments among the English ones), Tea Leaf (English), the Volga bank
(Russian), and on copies of the demo without the comment column, with comments but no score, and with contact
details planted in the comments. Each text is checked for code words and missing values, each table for its
width, the Russian chapter for its language (the customers' quotes aside: they stay as written), and at least one
number of every table against an independent computation: pandas on the raw CSV, statsmodels for the Wilson
intervals, the z-tests and Holm's correction.
"""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

import cxlib
import cxlib.diagnosis
from cxlib import voice
from cxlib.chapters import MAX_COLUMNS, Chapter, Table
from cxlib.chapters import voice as chapter_voice
from cxlib.wording import Words

KIT_ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"demo": KIT_ROOT / "data" / "demo", "tea_leaf": KIT_ROOT / "data" / "cases" / "tea_leaf",
           "volga_bank": KIT_ROOT / "data" / "cases" / "volga_bank"}
ACRONYMS = {"NPS", "CSAT", "CSI", "CES"}
CODE_WORDS = re.compile(r"\b(nan|NaN|None|True|False|NA|NaT|null)\b|<NA>|\d[eE][+-]?\d|\w+_\w+|\d{4}-Q\d")


@cache
def built(name: str) -> tuple:
    client = cxlib.load_client(FOLDERS[name])
    return client, chapter_voice.build(client, cxlib.diagnosis.diagnose(client))


def build_folder(folder: Path) -> tuple:
    client = cxlib.load_client(folder)
    return client, chapter_voice.build(client, cxlib.diagnosis.diagnose(client))


def raw_survey(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)


def tables(chapter: Chapter) -> list[Table]:
    return [block for section in chapter.sections for block in section.blocks if block.kind == "table"]


def table_under(chapter: Chapter, heading: str) -> Table:
    section = next(s for s in chapter.sections if s.heading == heading)
    return next(block for block in section.blocks if block.kind == "table")


def quote_table(chapter: Chapter, language: str) -> Table:
    label = Words("chapters/voice", language)("quote_column")
    return next(t for t in tables(chapter) if t.columns[-1].label == label)


def texts(chapter: Chapter, language: str, *, quotes: bool = True) -> list[str]:
    """Every string the reader sees; without the customers' quotes when ``quotes`` is false."""
    found = chapter.texts()
    if quotes or not chapter.sections:
        return found
    said = {row[-1] for row in quote_table(chapter, language).rows}
    return [text for text in found if text not in said]


def unquote(cell: str) -> str:
    return cell.strip("“”«»")


@pytest.fixture(scope="module")
def without_comments(tmp_path_factory) -> tuple:
    folder = Path(shutil.copytree(FOLDERS["demo"], tmp_path_factory.mktemp("voice") / "no_comment"))
    raw_survey(folder).drop(columns=["comment"]).to_csv(folder / "survey.csv", index=False)
    return build_folder(folder)


@pytest.fixture(scope="module")
def without_scores(tmp_path_factory) -> tuple:
    folder = Path(shutil.copytree(FOLDERS["demo"], tmp_path_factory.mktemp("voice") / "comments_only"))
    raw_survey(folder)[["response_id", "date", "comment"]].to_csv(folder / "survey.csv", index=False)
    return build_folder(folder)


# --------------------------------------------------------------------------- every client


@pytest.mark.parametrize("name", FOLDERS)
def test_no_code_words_missing_values_or_e_notation(name):
    client, chapter = built(name)
    shown = " ".join(texts(chapter, client.language, quotes=False))
    assert not CODE_WORDS.findall(shown), CODE_WORDS.findall(shown)
    assert "–" not in {chapter.title, chapter.lead}


@pytest.mark.parametrize("name", FOLDERS)
def test_tables_are_for_people(name):
    _client, chapter = built(name)
    assert not chapter.unavailable and len(chapter.sections) >= 3
    for table in tables(chapter):
        assert len(table.columns) <= MAX_COLUMNS
        assert table.rows or table.empty
        assert all(isinstance(cell, str) and cell.strip() for row in table.rows for cell in row)


@pytest.mark.parametrize("name", FOLDERS)
def test_a_chart_of_the_two_groups_is_shown(name):
    _, chapter = built(name)
    figures = [b for s in chapter.sections for b in s.blocks if b.kind == "figure"]
    assert len(figures) == 1 and figures[0].uri.startswith("data:image/png;base64,") and figures[0].alt


def test_russian_chapter_is_russian_apart_from_the_quotes():
    _client, chapter = built("volga_bank")
    shown = " ".join(texts(chapter, "ru", quotes=False))
    words = [w for w in re.findall(r"[^\W\d_]+", shown) if w not in ACRONYMS]
    cyrillic = [w for w in words if re.fullmatch(r"[а-яё]+", w, re.IGNORECASE)]
    assert len(cyrillic) >= 0.95 * len(words), sorted(set(words) - set(cyrillic))
    assert re.search(r"\d,\d", shown) and not re.search(r"\d\.\d", shown), "decimal commas"
    assert "<\u00a00,001" in shown  # a no-break space: "<" never ends a line


@pytest.mark.parametrize("name", ["demo", "tea_leaf"])
def test_english_chapter_has_no_russian_apart_from_the_quotes(name):
    _, chapter = built(name)
    shown = " ".join(texts(chapter, "en", quotes=False))
    assert not re.search(r"[а-яё]", shown, re.IGNORECASE)


@pytest.mark.parametrize("name", FOLDERS)
def test_quotes_are_the_customers_own_words_from_critics(name):
    client, chapter = built(name)
    survey = raw_survey(FOLDERS[name])
    critics = set(survey.loc[pd.to_numeric(survey["nps"], errors="coerce") <= 6, "comment"].str.strip())
    quotes = [unquote(row[-1]) for row in quote_table(chapter, client.language).rows]
    assert quotes and all(q in critics for q in quotes), quotes  # as written: neither translated nor edited
    per_topic = pd.Series([row[0] for row in quote_table(chapter, client.language).rows]).value_counts()
    assert per_topic.max() <= chapter_voice.QUOTES and len(per_topic) <= chapter_voice.TOP_COMPLAINTS


def test_english_report_keeps_russian_comments_in_russian():
    _, chapter = built("demo")
    quotes = [row[-1] for row in quote_table(chapter, "en").rows]
    assert any(re.search(r"[а-яё]", q, re.IGNORECASE) for q in quotes)


# --------------------------------------------------------------------------- numbers against an independent count


@pytest.mark.parametrize("name", FOLDERS)
def test_lead_counts_comments_on_the_raw_csv(name):
    _client, chapter = built(name)
    survey = raw_survey(FOLDERS[name])
    comments = int((survey["comment"].str.strip() != "").sum())
    digits = [int(n.replace("\xa0", "").replace(",", "")) for n in re.findall(r"\d[\d\xa0,]*\d|\d", chapter.lead)]
    assert digits[:3] == [comments, len(survey), round(100 * comments / len(survey))]


@pytest.mark.parametrize("name", FOLDERS)
def test_topic_shares_match_a_wilson_interval_from_statsmodels(name):
    client, chapter = built(name)
    survey = raw_survey(FOLDERS[name])
    commented = survey[survey["comment"].str.strip() != ""]
    tagged = voice.tag(commented["comment"], language="auto", topics=voice.topics_for(client.config, client.language))
    table = table_under(chapter, Words("chapters/voice", client.language)("topics_heading"))
    names = {t["key"]: t["name"] for t in voice.topics_for(client.config, client.language)}
    top = tagged.sum().idxmax()
    row = next(r for r in table.rows if r[0] == names[top])
    mentions, n = int(tagged[top].sum()), len(tagged)
    low, high = proportion_confint(mentions, n, alpha=0.05, method="wilson")
    assert row[-1].replace(",", ".") == f"{100 * mentions / n:.0f} ({100 * low:.0f}–{100 * high:.0f})"
    detractors = int((pd.to_numeric(commented["nps"], errors="coerce") <= 6).sum())
    assert f"{detractors:,}".replace(",", "\xa0" if client.language == "ru" else ",") in table.caption


def weighted_holm_by_hand(p: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Holm's weighted step-down (Holm 1979): order by p/w; the k-th adjusted p is the running maximum of
    p_(k)·(sum of the weights not yet rejected)/w_(k), capped at 1."""
    order = np.argsort(p / w, kind="stable")
    remaining, running, adjusted = w.sum(), 0.0, np.empty(len(p))
    for index in order:
        running = max(running, min(1.0, p[index] * remaining / w[index]))
        adjusted[index] = running
        remaining -= w[index]
    return adjusted


@pytest.mark.parametrize("name", FOLDERS)
def test_significant_topics_are_those_holm_rejects_over_the_reports_whole_family(name):
    """The topic tests join every other claim of the report: statsmodels' z-tests for the topics (topics no one
    mentions are no claim), the diagnosis' own p-values for the other claims, and statsmodels' Holm over them all."""
    client = cxlib.load_client(FOLDERS[name])
    result = cxlib.diagnosis.diagnose(client)
    chapter = chapter_voice.build(client, result)
    words = Words("chapters/voice", client.language)
    survey = raw_survey(FOLDERS[name])
    commented = survey[survey["comment"].str.strip() != ""]
    topics = voice.topics_for(client.config, client.language)
    tagged = voice.tag(commented["comment"], language="auto", topics=topics)
    nps = pd.to_numeric(commented["nps"], errors="coerce")
    critics, promoters = tagged[(nps <= 6).to_numpy()], tagged[(nps >= 9).to_numpy()]
    keys, p_values = [], []
    for key in tagged.columns:
        counts = np.array([critics[key].sum(), promoters[key].sum()])
        if tagged[key].sum():
            keys.append(key)
            p_values.append(proportions_ztest(counts, np.array([len(critics), len(promoters)]))[1])
    family_table = result.changes
    topics_in_family = family_table[family_table["source"] == "comments"].set_index("metric")
    assert list(topics_in_family.loc[keys, "p"]) == pytest.approx(p_values, rel=1e-9)
    tested = pd.to_numeric(family_table["p"], errors="coerce").notna().to_numpy()
    weights = cxlib.diagnosis._weights(family_table)  # the design: comparisons fixed in advance weigh more
    every = weighted_holm_by_hand(pd.to_numeric(family_table["p"], errors="coerce").to_numpy()[tested],
                                  weights[tested])
    by_claim = dict(zip(family_table["claim"][tested], every, strict=True))
    adjusted = [by_claim[topics_in_family.loc[key, "claim"]] for key in keys]
    others = family_table[tested & (family_table["source"] != "comments").to_numpy()]
    reject = [p < 0.05 for p in adjusted]
    names = {t["key"]: t["name"] for t in topics}
    expected = {names[key] for key, r in zip(keys, reject, strict=True) if r}
    table = table_under(chapter, words("differences_heading_nps_group"))
    assert {row[0] for row in table.rows} == expected
    shown = {row[0]: row[-1] for row in table.rows}
    for key, p in zip(keys, adjusted, strict=True):
        if names[key] in shown and p >= 0.001:
            assert shown[names[key]].replace(",", ".") == f"{p:.3f}"
    family = " ".join(b.text for s in chapter.sections for b in s.blocks if b.kind == "paragraph")
    size = f"{len(keys) + len(others):,}".replace(",", "\xa0" if client.language == "ru" else ",")
    assert re.search(rf"\b{len(keys)}\b", family) and size in family, "the comparisons and the family's size are said"


@pytest.mark.parametrize("name", FOLDERS)
def test_reason_table_counts_comments_per_reason_on_the_raw_csv(name):
    client, chapter = built(name)
    survey = raw_survey(FOLDERS[name])
    commented = survey[(survey["comment"].str.strip() != "") & (survey["reason_code"] != "")]
    counts = commented["reason_code"].value_counts()
    table = table_under(chapter, Words("chapters/voice", client.language)("reasons_heading"))
    labels = {client.label(code): code for code in counts.index}
    assert table.rows
    for row in table.rows:
        assert int(row[1].replace("\xa0", "").replace(",", "")) == counts[labels[row[0]]]


# --------------------------------------------------------------------------- other shapes of client


def test_without_a_comment_column_the_chapter_is_one_sentence(without_comments):
    client, chapter = without_comments
    assert chapter.unavailable == client.lacks("comment") and not chapter.sections
    assert chapter.unavailable.count(".") == 1 and chapter.title == "What customers say"


def test_without_scores_topics_are_shared_over_all_comments_and_nothing_is_compared(without_scores):
    _client, chapter = without_scores
    words = Words("chapters/voice", "en")
    table = table_under(chapter, words("topics_heading"))
    assert [c.label for c in table.columns] == [words("topic_column"), "All"]
    assert not [t for t in tables(chapter) if t.columns[-1].label == words("p_column")]
    assert any(b.kind == "paragraph" and b.text == words("no_groups") for s in chapter.sections for b in s.blocks)
    assert quote_table(chapter, "en").rows
    shown = " ".join(texts(chapter, "en", quotes=False))
    assert "significant" not in shown.replace("significantly", "")


@pytest.mark.parametrize("name", ["demo", "volga_bank"])
def test_contact_details_in_quoted_comments_are_masked(name, tmp_path):
    folder = Path(shutil.copytree(FOLDERS[name], tmp_path / name))
    survey = raw_survey(folder)
    planted = survey["comment"].str.strip() != ""
    survey.loc[planted, "comment"] = survey.loc[planted, "comment"] + " +7 912 345-67-89, ivan.petrov@example.ru"
    survey.to_csv(folder / "survey.csv", index=False)
    client, chapter = build_folder(folder)
    words = Words("chapters/voice", client.language)
    quotes = [row[-1] for row in quote_table(chapter, client.language).rows]
    assert quotes and all(words("masked_phone") in q and words("masked_email") in q for q in quotes)
    assert not any("345" in q or "@" in q or "petrov" in q for q in quotes)


def test_blank_comments_make_the_chapter_unavailable(tmp_path):
    folder = Path(shutil.copytree(FOLDERS["volga_bank"], tmp_path / "blank"))
    survey = raw_survey(folder)
    survey["comment"] = "  "
    survey.to_csv(folder / "survey.csv", index=False)
    client, chapter = build_folder(folder)
    assert chapter.unavailable == client.lacks("comment") and chapter.title == "Что говорят клиенты"
    assert re.search(r"[а-яё]", chapter.unavailable, re.IGNORECASE)


@pytest.mark.parametrize(("language", "count", "expected"), [
    ("en", 1, "For the one other topic"), ("en", 3, "For the other 3 topics"),
    ("ru", 1, "Ещё по 1 упомянутой теме"), ("ru", 21, "Ещё по 21 упомянутой теме"),
    ("ru", 3, "Ещё по 3 упомянутым темам"), ("ru", 11, "Ещё по 11 упомянутым темам")])
def test_counts_take_their_plural_form(language, count, expected):
    assert Words("chapters/voice", language).plural("others_same", count, n=str(count)).startswith(expected)
