"""The client's report as a client reads it: summary first, every word in its language, tables for people, A4 PDF.

Built for the demo (English), Tea Leaf (English) and the Volga bank (Russian)
with :func:`cxlib.report.write_report`, the function `cxkit run` calls. The
browser's view of the same pages (computed styles, screenshots, no network)
is in ``tests/test_report_browser.py``; hostile text in every field is in
``tests/test_hostile.py``.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

import pytest

import cxlib
from cxlib.chapters import CHAPTERS
from cxlib.diagnosis import diagnose
from cxlib.report import visible_text_of, write_report

KIT_ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"demo": KIT_ROOT / "data" / "demo", "tea_leaf": KIT_ROOT / "data" / "cases" / "tea_leaf",
           "volga_bank": KIT_ROOT / "data" / "cases" / "volga_bank"}
CHAPTER_IDS = tuple(f"chapter-{key}" for key in CHAPTERS)
ACRONYMS = {"NPS", "CSAT", "CSI", "CES", "CX"}
E_NOTATION = re.compile(r"\b\d(?:[.,]\d+)?[eE][+-]?\d+\b")
CODE_WORDS = re.compile(r"\b(?:nan|NaN|null|p_holm|p_adjusted)\b|\w+_\w+|\.ipynb|\.toml|\.csv|cxlib")
MISSING_CELL = re.compile(r"<td[^>]*>\s*(?:nan|NaN|None|True|False|NaT|<NA>)\s*</td>")
A4_POINTS = (595, 842)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("reports")
    written = {}
    for name, folder in FOLDERS.items():
        client = cxlib.load_client(folder)
        (root / name).mkdir()
        written[name] = write_report(client, diagnose(client), root / name / "report.html")
    return written


@cache
def body_of(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("<body", 1)[1]


@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_summary_comes_first_then_contents_then_every_chapter_in_order(reports, name):
    body = body_of(reports[name])
    marks = [body.index('class="cx-cover"'), body.index('id="summary"'), body.index('class="cx-contents"')]
    marks += [body.index(f'id="{chapter}"') for chapter in CHAPTER_IDS]
    assert marks == sorted(marks)


@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_no_notebook_residue(reports, name):
    body = body_of(reports[name])
    text = visible_text_of(body)
    assert "<pre" not in body and "<code" not in body
    assert not E_NOTATION.search(text), E_NOTATION.search(text).group(0)
    assert "What you will learn" not in text and "Exercise" not in text
    found = CODE_WORDS.findall(text)
    assert not found, f"code words shown to the client: {sorted(set(found))[:10]}"
    assert not MISSING_CELL.search(body), MISSING_CELL.search(body).group(0)


@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_no_empty_tables_and_at_most_seven_columns(reports, name):
    body = body_of(reports[name])
    tables = re.findall(r"<table\b.*?</table>", body, flags=re.S)
    assert tables, "the chapters show their results as tables"
    for table in tables:
        assert "<td" in table, "a table with headers only"
        header = re.search(r"<thead>.*?</thead>", table, flags=re.S).group(0)
        assert len(re.findall(r"<th[ >]", header)) <= 7


def words_of(text: str) -> list[str]:
    return re.findall(r"[A-Za-zА-Яа-яЁё]{2,}", text)


def test_the_russian_report_is_in_russian_with_decimal_commas(reports):
    client = cxlib.load_client(FOLDERS["volga_bank"])
    text = visible_text_of(body_of(reports["volga_bank"]))
    proper = set(words_of(client.name))
    words = [w for w in words_of(text) if w not in ACRONYMS and w not in proper]
    latin = [w for w in words if re.fullmatch(r"[A-Za-z]+", w)]
    share = 1 - len(latin) / len(words)
    assert share >= 0.95, f"{share:.1%} Russian; English words: {sorted(set(latin))[:30]}"
    months = re.compile(r"(?<![\d.])(?:0[1-9]|1[0-2])\.\d{4}(?![\d.])")  # 03.2025: a month, as Russian writes it
    decimals_with_points = re.findall(r"(?<![\d.])\d+\.\d+(?![\d.])", months.sub(" ", text))
    assert not decimals_with_points, decimals_with_points[:10]


def test_english_reports_use_decimal_points(reports):
    text = visible_text_of(body_of(reports["demo"]))
    assert not re.search(r"\b\d+,\d{1,2}\b(?!\d)", text.replace(",000", "")), "no decimal commas in English"


def pdf_pages(path: Path) -> list:
    import pypdf

    return list(pypdf.PdfReader(str(path)).pages)


@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_the_pdf_is_a4_with_the_summary_on_page_one(reports, name):
    pages = pdf_pages(reports[name].with_suffix(".pdf"))
    assert len(pages) >= 1 + len(CHAPTER_IDS)
    for page in pages:
        assert tuple(round(float(v)) for v in page.mediabox[2:]) == A4_POINTS
    first = pages[0].extract_text()
    heading = "Главное" if name == "volga_bank" else "Summary"
    assert heading in first and ("NPS" in first or "CSAT" in first)


@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_each_chapter_starts_a_new_pdf_page(reports, name):
    titles = re.findall(r'<section class="cx-chapter" id="chapter-\w+">\s*<h2>(.*?)</h2>', body_of(reports[name]))
    assert len(titles) == len(CHAPTER_IDS)
    tops = [" ".join(page.extract_text().split())[:300] for page in pdf_pages(reports[name].with_suffix(".pdf"))]
    contents = next(i for i, top in enumerate(tops) if top.startswith(("Contents", "Содержание")))
    assert contents == 1, "the summary fills page 1 and the contents open page 2"
    for number, title in enumerate(titles):
        title = " ".join(visible_text_of(title).split())
        if number == 0:  # the first chapter follows the contents on their page
            assert title in tops[contents], f"{title!r} does not follow the contents"
        else:
            assert any(top.startswith(title) for top in tops), f"no page starts with {title!r}"


def test_the_pdf_fetches_nothing(tmp_path):
    """An image by address, even a local file, is not fetched: the report carries its images inside."""
    import matplotlib.pyplot as plt

    from cxlib.report import write_pdf

    fig = plt.figure(figsize=(1, 1))
    fig.savefig(tmp_path / "local.png")
    plt.close(fig)
    image = tmp_path / "local.png"
    page = (f'<html><body><p>x</p><img src="{image.as_uri()}"><img src="https://evil.example/x.png">'
            f'<link rel="stylesheet" href="{image.as_uri()}"></body></html>')
    pdf = write_pdf(page, tmp_path / "out.pdf")
    assert len(pdf_pages(pdf)[0].images) == 0, "no image was fetched into the PDF"
    embedded = f'<html><body><img src="data:image/png;base64,{base64.b64encode(image.read_bytes()).decode()}">'
    assert len(pdf_pages(write_pdf(embedded, tmp_path / "in.pdf"))[0].images) == 1, "data: images are printed"


def test_same_inputs_give_the_same_bytes(tmp_path):
    client = cxlib.load_client(FOLDERS["tea_leaf"])
    result = diagnose(client)
    first = write_report(client, result, tmp_path / "a.html")
    second = write_report(client, result, tmp_path / "b.html")
    assert first.read_bytes() == second.read_bytes()
    assert first.with_suffix(".pdf").read_bytes() == second.with_suffix(".pdf").read_bytes()
