"""Hostile text in every field a client controls stays text: in report.html, report.pdf, the notebooks and exports.

The corpus (``tests/fixtures/hostile/strings.json``, 80 strings: HTML and
script injection, markdown links and images, spreadsheet formulas, template
and format-string syntax, TeX that matplotlib would parse, terminal escapes,
bidirectional overrides, zero-width characters, words that look like missing
values) is planted by ``tests/support/hostile.py`` into the client's name,
labels, reason-code labels, channels, segments, touchpoints, reason codes,
customer ids, comments, scorecard and mystery-shopping fields of the demo
(English) and of the Volga bank (Russian). Each output is then read as the
program that opens it would: the HTML with an HTML parser (only the tags and
attributes the kit's template writes may appear), the PDF with pypdf (no
action, script, link or embedded file), the executed notebooks' rich outputs,
and the comment export's cells. The browser check of the same report with its
Content-Security-Policy removed is in ``tests/test_report_browser.py``.
"""

from __future__ import annotations

import csv
import re
import sys
import warnings
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cxlib  # noqa: E402
import cxlib.cli  # noqa: E402
from cxlib.diagnosis import diagnose  # noqa: E402
from cxlib.privacy import FORMULA_START, export_comments  # noqa: E402
from cxlib.report import visible_text_of, write_report  # noqa: E402

from support.hostile import plant, plantable, strings  # noqa: E402

KIT_ROOT = Path(__file__).resolve().parents[1]
SOURCES = {"demo": KIT_ROOT / "data" / "demo", "volga_bank": KIT_ROOT / "data" / "cases" / "volga_bank"}
# Everything the report template writes; a tag or attribute outside these came from the client's text.
TEMPLATE_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "section", "nav",
                 "ol", "ul", "li", "a", "div", "span", "table", "caption", "thead", "tbody", "tr", "th", "td",
                 "figure", "img", "figcaption"}
TEMPLATE_ATTRIBUTES = {"lang", "charset", "http-equiv", "content", "name", "class", "id", "href", "src", "alt",
                       "title"}


class Markup(HTMLParser):
    """The elements of a page, as a browser's parser would build them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Markup()
    parser.feed(page)
    return parser.elements


@cache
def planted(name: str, root: Path) -> tuple[Path, dict]:
    folder = root / name
    return folder, plant(SOURCES[name], folder)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    """Each planted client's report.html and report.pdf, written as `cxkit run` writes them."""
    root = tmp_path_factory.mktemp("hostile")
    written = {}
    for name in SOURCES:
        folder, _ = planted(name, root)
        client = cxlib.load_client(folder)
        out = root / f"{name}-report"
        out.mkdir()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            report = write_report(client, diagnose(client), out / "report.html")
        written[name] = (report, client, [str(w.message) for w in caught])
    return written


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_charts_draw_client_text_literally(reports, name):
    """No control character reaches a chart (a missing glyph), and ``$…$`` is drawn as written, not as TeX."""
    messages = reports[name][2]
    assert not [m for m in messages if "missing from font" in m or "mathtext" in m.lower()], messages[:3]


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_report_holds_no_control_or_bidi_override_character(reports, name):
    page = reports[name][0].read_text(encoding="utf-8")
    assert not UNSHOWABLE.search(page), repr(UNSHOWABLE.search(page).group(0))


def test_the_corpus_is_large_and_every_string_is_planted():
    assert len(strings()) >= 73 and len(plantable()) >= len(strings()) - 1


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_report_html_holds_only_the_templates_markup(reports, name):
    page = reports[name][0].read_text(encoding="utf-8")
    found = elements(page)
    assert {tag for tag, _ in found} <= TEMPLATE_TAGS, {tag for tag, _ in found} - TEMPLATE_TAGS
    for tag, attributes in found:
        assert set(attributes) <= TEMPLATE_ATTRIBUTES, (tag, attributes)
        if tag == "a":
            assert str(attributes.get("href", "")).startswith("#chapter-"), attributes
        if tag == "img":
            assert str(attributes.get("src", "")).startswith("data:image/png;base64,"), attributes["src"][:60]
        if tag == "meta":
            assert set(attributes) <= {"charset", "http-equiv", "content", "name"}
    assert [tag for tag, _ in found].count("style") == 1 and [tag for tag, _ in found].count("title") == 1


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_the_clients_name_is_shown_exactly_as_written(reports, name):
    page, client, _ = reports[name]
    text = page.read_text(encoding="utf-8")
    title = text[text.index("<title>") + 7:text.index("</title>")]
    assert visible_text_of(title) == " ".join(client.name.split()) == " ".join(strings()[0].split())
    assert strings()[0] in visible_text_of(text.split("<body", 1)[1])


def pdf_objects(path: Path) -> list:
    import pypdf

    reader = pypdf.PdfReader(str(path))
    found = [reader.trailer["/Root"].get_object()]
    for page in reader.pages:
        found.append(page)
        found.extend(annotation.get_object() for annotation in page.get("/Annots", []) or [])
    return found


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_report_pdf_has_no_action_script_link_or_attachment(reports, name):
    pdf = reports[name][0].with_suffix(".pdf")
    raw = pdf.read_bytes()
    assert raw.startswith(b"%PDF-")
    for marker in (b"/JavaScript", b"/JS ", b"/Launch", b"/EmbeddedFile", b"/SubmitForm", b"/ImportData"):
        assert marker not in raw, marker
    for item in pdf_objects(pdf):
        action = item.get("/A")
        if action is not None:
            target = action.get_object()
            assert target.get("/S") in ("/GoTo", None) and "/URI" not in target, target


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> Path:
    """The planted demo run through `cxkit run`: its executed notebooks."""
    root = tmp_path_factory.mktemp("hostile-run")
    folder, _ = planted("demo", root)
    cxlib.cli.run(folder, root / "out", echo=lambda *_: None)
    return root / "out"


UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ACTIVE_TAGS = {"script", "iframe", "object", "embed", "base", "meta", "link", "form", "svg", "math", "img", "input",
               "details", "body", "title", "textarea"}


def test_executed_notebooks_hold_no_live_markup(executed):
    notebooks = sorted(executed.glob("*.ipynb"))
    assert len(notebooks) >= 6
    for path in notebooks:
        for cell in nbformat.read(str(path), as_version=4).cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                assert "application/javascript" not in data and "image/svg+xml" not in data, path.name
                for mime in ("text/html", "text/markdown"):
                    for tag, attributes in elements(data.get(mime, "")):
                        assert tag not in ACTIVE_TAGS, (path.name, mime, tag)
                        assert not any(key.startswith("on") for key in attributes), (path.name, tag, attributes)
                        assert not str(attributes.get("href", "#")).lower().startswith(("javascript:", "http")), tag


def test_the_report_of_the_run_is_inert_too(executed):
    assert {tag for tag, _ in elements((executed / "report.html").read_text(encoding="utf-8"))} <= TEMPLATE_TAGS


def test_exported_comments_are_inert_in_a_spreadsheet(tmp_path):
    folder, _ = planted("demo", tmp_path)
    client = cxlib.load_client(folder)
    path = export_comments(client.survey, tmp_path / "comments.csv", key="a test key")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) > 100
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]
    assert any(cell.startswith("'=") for cell in cells), "the formulas planted in comments are there, defused"
