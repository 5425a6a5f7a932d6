"""The client's HTML report, assembled from executed chapter notebooks.

The report is one self-contained HTML file: no code, charts embedded as
``data:`` images, no scripts, and a Content-Security-Policy that forbids
loading anything from the network. Cells meant for students (exercises,
checks, quizzes) carry the ``student`` tag and are left out.

Examples
--------
>>> from cxlib.report import write_report
>>> write_report(["reports/demo/06_diagnosis_report.ipynb"], "reports/demo/report.html",
...              title="Motorline Service")                               # doctest: +SKIP
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote
from typing import Iterable

import nbformat

TEMPLATE = Path(__file__).resolve().parent / "templates" / "report.html.j2"
# Cells with these tags never reach the client.
LEFT_OUT_TAGS = frozenset({"student", "check", "teaching", "parameters", "injected-parameters",
                           "papermill-error-cell-tag"})
CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"


def combine_notebooks(paths: Iterable[str | Path], cover: str | None = None, summary: str = "",
                      contents: str | None = None) -> nbformat.NotebookNode:
    """Join executed notebooks into one, leaving out cells tagged for students.

    Parameters
    ----------
    paths : iterable of path
        Executed notebooks, in the order the client should read them.
    cover : str, optional
        Markdown for a first cell. Escape anything the client supplied.
    summary : str
        The executive summary, an HTML fragment (:func:`cxlib.summary.render_summary`), put right after the cover
        as one raw HTML block: it must hold no blank line. The kit's own markup, escaped where it was built.
    contents : str, optional
        Markdown for the table of contents, after the summary.
    """
    combined = nbformat.v4.new_notebook()
    if cover:
        combined.cells.append(nbformat.v4.new_markdown_cell(cover))
    if summary:
        if re.search(r"\n\s*\n", summary):
            raise ValueError("the summary must hold no blank line: markdown would end its HTML block there")
        combined.cells.append(nbformat.v4.new_markdown_cell(summary, metadata={"tags": ["summary"]}))
    if contents:
        combined.cells.append(nbformat.v4.new_markdown_cell(contents))
    for path in paths:
        notebook = nbformat.read(str(path), as_version=4)
        combined.metadata.setdefault("kernelspec", notebook.metadata.get("kernelspec", {}))
        combined.metadata.setdefault("language_info", notebook.metadata.get("language_info", {}))
        for cell in notebook.cells:
            if LEFT_OUT_TAGS & set(cell.get("metadata", {}).get("tags", [])):
                continue
            combined.cells.append(cell)
    for number, cell in enumerate(combined.cells):
        cell.id = f"cell-{number}"  # the same inputs give the same bytes
    return combined


# What an output may contain once sanitised: tables, text formatting, headings; no scripts, styles or forms.
SAFE_TAGS = ["a", "abbr", "b", "blockquote", "br", "caption", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6",
             "hr", "i", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
             "thead", "tr", "ul"]
STYLE_BLOCK = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL | re.IGNORECASE)
SAFE_ATTRIBUTES = {"*": ["class", "title"], "a": ["href"], "th": ["colspan", "rowspan"], "td": ["colspan", "rowspan"]}


def render_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """Render a notebook as a code-free, offline, script-free HTML page.

    Outputs are sanitised with an allow-list (tables and text formatting
    survive, anything active is removed); markdown cells are the kit's own
    text. The page's Content-Security-Policy is the second line of defence.
    """
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    sanitizer = SanitizeHTML(tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES, strip=True)
    for cell in notebook.cells:  # outputs only: the exporter's own sanitiser would also escape rendered markdown
        if cell.cell_type == "code":
            for output in cell.outputs:
                if "text/html" in output.get("data", {}):
                    # pandas puts a <style> block before each table; stripping the tag alone would show the CSS as text
                    output["data"]["text/html"] = STYLE_BLOCK.sub("", output["data"]["text/html"])
            cell.outputs = sanitizer.sanitize_code_outputs(cell.outputs)
    exporter = HTMLExporter(template_file=str(TEMPLATE), exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    exporter.environment.globals["content_security_policy"] = CONTENT_SECURITY_POLICY
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return body


def chapter_title(path: str | Path) -> str:
    """The first level-1 heading of a notebook, e.g. "05 · The diagnosis"."""
    notebook = nbformat.read(str(path), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return Path(path).stem


def anchor(heading: str) -> str:
    """The id nbconvert gives a heading: spaces to dashes, then percent-encoded."""
    return quote(heading.strip().replace(" ", "-"), safe="?/:@!$&'()*+,;=")  # as nbconvert's header ids


MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def markdown_literal(text: str) -> str:
    """Client text as markdown that renders as exactly that text: HTML escaped, markdown syntax backslashed, and no
    ``://`` left for a linkifier, so a name such as ``[Acme](http://x)`` or ``![](http://x/p.png)`` stays words.

    Examples
    --------
    >>> markdown_literal("[Acme](http://evil.example)")
    '\\\\[Acme\\\\]\\\\(http:&#47;&#47;evil\\\\.example\\\\)'
    """
    escaped = html.escape(MARKDOWN_PUNCTUATION.sub(r"\\\1", text))  # entities made after: their '#' stays
    return escaped.replace("/", "&#47;")


def visible_text_of(page: str) -> str:
    """The words a reader sees on a page (tags, styles and scripts removed, entities decoded), for tests and checks."""
    page = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def write_report(paths: Iterable[str | Path], out: str | Path, title: str, subtitle: str = "",
                 contents_label: str = "Contents", summary: str = "") -> Path:
    """Write the client report from executed notebooks.

    The page reads: the cover (the client's name and the period), the
    executive summary, the contents, then the chapters.

    Parameters
    ----------
    paths : iterable of path
        Executed notebooks in reading order (the diagnosis first).
    out : path
        The HTML file to write.
    title, subtitle : str
        The client's name and the period covered; escaped here.
    contents_label : str
        The heading of the table of contents, in the client's language.
    summary : str
        The executive summary as an HTML fragment (:func:`cxlib.summary.render_summary`); none when empty.

    Returns
    -------
    Path
        The file written.
    """
    paths = list(paths)
    contents = "\n".join(f"{i}. [{html.escape(chapter_title(p))}](#{anchor(chapter_title(p))})"
                          for i, p in enumerate(paths, start=1))
    cover = f"# {markdown_literal(title)}\n\n{markdown_literal(subtitle)}"
    contents = f"**{markdown_literal(contents_label)}**\n\n{contents}"
    page = render_html(combine_notebooks(paths, cover, summary=summary, contents=contents), title)
    out = Path(out)
    out.write_text(page, encoding="utf-8")
    return out
