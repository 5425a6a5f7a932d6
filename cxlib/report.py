"""The client's report: one self-contained HTML page and its A4 PDF, built from the diagnosis results.

The page reads: the cover (the client's name and the period), the executive
summary (:mod:`cxlib.summary`), the contents, then the chapters
(:mod:`cxlib.chapters`), every word in the client's language. It is rendered
from ``cxlib/templates/report_page.html.j2`` with autoescaping, so text the
client supplied (its name, period labels, comments, codes) is shown as text
and never becomes markup. It has no scripts, embeds its charts as ``data:``
PNGs, and carries a Content-Security-Policy that forbids loading anything:
the policy is a second line of defence, not the first.

The PDF is the same page printed by WeasyPrint: A4, the summary on page 1,
each chapter on a new page.

Examples
--------
>>> import cxlib
>>> from cxlib.report import write_report
>>> client = cxlib.load_client("data/demo")                                   # doctest: +SKIP
>>> write_report(client, cxlib.diagnosis.diagnose(client), "reports/demo/report.html")  # doctest: +SKIP
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "report_page.html.j2"
CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"


@cache
def _environment() -> Environment:
    from cxlib.wording import displayable

    # every value printed passes through `displayable` (then autoescaping): no control or bidi-override character
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True,
                       lstrip_blocks=True, undefined=StrictUndefined,
                       finalize=lambda value: value if isinstance(value, Markup) else displayable(value))


def cover_line(client: Any) -> str:
    """The cover's second line: what the report is and the periods it covers, in the client's language."""
    from cxlib.diagnosis import text
    from cxlib.wording import Numbers

    periods, numbers = client.periods, Numbers(client.language)
    if not periods:
        return ""
    return text("cover", client.language, first=numbers.period(periods[0]), last=numbers.period(periods[-1]))


def render_report(client: Any, result: Any, *, subtitle: str | None = None, left_out: str = "",
                  chapters: list | None = None) -> str:
    """The report page as HTML text.

    Parameters
    ----------
    client : Client
        From :func:`cxlib.load_client`.
    result : Diagnosis
        From :func:`cxlib.diagnosis.diagnose` on that client.
    subtitle : str, optional
        The cover's second line, plain text; by default :func:`cover_line`.
    left_out : str
        One sentence naming chapters left out for lack of a file, plain text.
    chapters : list of Chapter, optional
        Already built (:func:`cxlib.chapters.build_chapters`); built here when not given.
    """
    from cxlib.chapters import build_chapters
    from cxlib.diagnosis import text
    from cxlib.summary import render_summary

    if chapters is None:
        chapters = build_chapters(client, result)
    language = client.language
    subtitle = cover_line(client) if subtitle is None else subtitle
    page = _environment().get_template(TEMPLATE).render(
        language=language, title=client.name, subtitle=subtitle, left_out=left_out,
        contents_label=text("contents", language), summary=Markup(render_summary(client, result)),
        chapters=chapters, content_security_policy=CONTENT_SECURITY_POLICY)
    return "\n".join(line.rstrip() for line in page.splitlines()) + "\n"


def write_report(client: Any, result: Any, out: str | Path, *, subtitle: str | None = None, left_out: str = "",
                 pdf: bool = True) -> Path:
    """Write ``report.html`` (and, with ``pdf``, ``report.pdf`` beside it) for this client.

    Returns
    -------
    Path
        The HTML file written.
    """
    out = Path(out)
    page = render_report(client, result, subtitle=subtitle, left_out=left_out)
    out.write_text(page, encoding="utf-8")
    if pdf:
        write_pdf(page, out.with_suffix(".pdf"))
    return out


def write_pdf(page: str, out: str | Path) -> Path:
    """Print the report page to an A4 PDF with WeasyPrint (the page's print styles set the layout).

    Nothing is fetched while printing: the page holds its images as ``data:`` URIs, and any other address is
    refused by the fetcher given here.
    """
    import weasyprint
    import weasyprint.urls

    def data_only(url: str, *args: Any, **kwargs: Any) -> dict:  # WeasyPrint before URLFetcher (< 68)
        if url.startswith("data:"):
            return weasyprint.default_url_fetcher(url, *args, **kwargs)
        raise ValueError(f"the report fetches nothing: {url[:60]!r} refused")

    fetcher_class = getattr(weasyprint.urls, "URLFetcher", None)
    fetcher = fetcher_class(allowed_protocols={"data"}) if fetcher_class else data_only
    out = Path(out)
    document = weasyprint.HTML(string=page, url_fetcher=fetcher, base_url=None)
    out.write_bytes(document.write_pdf())
    return out


def visible_text_of(page: str) -> str:
    """The words a reader sees on a page (tags, styles and scripts removed, entities decoded), for tests and checks."""
    page = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
