"""The chapters of the client's report, built from results rather than from notebook cells.

Each chapter module (``lifecycle``, ``scorecard``, ``journey``, ``nps``,
``voice``) has one function, ``build(client, result) -> Chapter``, that turns
the client's data and its :class:`cxlib.diagnosis.Diagnosis` into words,
tables and charts already formatted for the client's language. The report
template (``cxlib/templates/report_page.html.j2``) lays them out; nothing here
writes HTML, so escaping is the template's alone (autoescape on).

The notebooks stay the analyst's and the student's view: both they and these
builders call the same ``cxlib`` functions.

Every word comes from ``cxlib/catalog/chapters/<chapter>.toml`` in English and
Russian (:class:`cxlib.wording.Words`); numbers are written by
:class:`cxlib.wording.Numbers`.

Examples
--------
>>> table = Table([Column("Touchpoint"), Column("Score", numeric=True)], [["Phone", "72"]])
>>> table.columns[1].numeric, table.kind
(True, 'table')
"""

from __future__ import annotations

import base64
import importlib
import io
from dataclasses import dataclass, field
from typing import Any, ClassVar

# Reading order after the summary. Each name is a module of this package with ``build(client, result)``.
CHAPTERS = ("lifecycle", "scorecard", "journey", "nps", "drivers", "voice")
MAX_COLUMNS = 7  # a table a person reads at a glance; tests hold every chapter to it
FIGURE_DPI = 120


@dataclass
class Column:
    """A table column: its header in the client's language; numbers are right-aligned."""

    label: str
    numeric: bool = False


@dataclass
class Paragraph:
    """Prose: one or more sentences, plain text (escaped by the template)."""

    text: str
    small: bool = False
    kind: ClassVar[str] = "paragraph"


@dataclass
class Bullets:
    """A short list of sentences."""

    items: list[str]
    ordered: bool = False
    kind: ClassVar[str] = "bullets"


@dataclass
class Table:
    """A table for people: every cell already a formatted string, at most :data:`MAX_COLUMNS` columns.

    A table with no rows is never shown: give ``empty`` the one sentence that says why.
    """

    columns: list[Column]
    rows: list[list[str]]
    caption: str = ""
    empty: str = ""
    kind: ClassVar[str] = "table"

    def __post_init__(self) -> None:
        if len(self.columns) > MAX_COLUMNS:
            raise ValueError(f"a report table has at most {MAX_COLUMNS} columns, not {len(self.columns)}")
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"row {row!r} has {len(row)} cells for {len(self.columns)} columns")


@dataclass
class Figure:
    """A chart as a ``data:`` PNG (:func:`figure`), with a text alternative and a caption."""

    uri: str
    alt: str
    caption: str = ""
    kind: ClassVar[str] = "figure"


@dataclass
class Section:
    """A part of a chapter under its own heading: paragraphs, lists, tables and charts in reading order."""

    heading: str
    blocks: list[Any] = field(default_factory=list)


@dataclass
class Chapter:
    """One chapter of the report.

    ``unavailable`` is the one sentence said instead of the chapter when the client's data cannot support it
    (``sections`` is then empty).
    """

    key: str
    title: str
    lead: str = ""
    sections: list[Section] = field(default_factory=list)
    unavailable: str = ""

    def texts(self) -> list[str]:
        """Every string a reader sees in the chapter, in reading order (for checks of language and residue)."""
        found = [self.title, self.lead, self.unavailable]
        for section in self.sections:
            found.append(section.heading)
            for block in section.blocks:
                if block.kind == "paragraph":
                    found.append(block.text)
                elif block.kind == "bullets":
                    found += block.items
                elif block.kind == "table":
                    found += [column.label for column in block.columns] + [block.caption, block.empty]
                    found += [cell for row in block.rows for cell in row]
                elif block.kind == "figure":
                    found += [block.alt, block.caption]
        return [text for text in found if text]

    def tables(self) -> list[Table]:
        """The chapter's tables, in reading order."""
        return [block for section in self.sections for block in section.blocks if block.kind == "table"]


def figure(fig: Any, alt: str, caption: str = "") -> Figure:
    """A matplotlib figure as a :class:`Figure`: PNG bytes without a timestamp (the same data give the same bytes).

    The figure is closed afterwards.
    """
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return Figure(uri=uri, alt=alt, caption=caption)


def build_chapters(client: Any, result: Any, chapters: tuple[str, ...] = CHAPTERS) -> list[Chapter]:
    """Every chapter of the report for this client, in reading order.

    Parameters
    ----------
    client : Client
        From :func:`cxlib.load_client`.
    result : Diagnosis
        From :func:`cxlib.diagnosis.diagnose` on that client.
    chapters : tuple of str
        Chapter modules to build, in order.
    """
    built = []
    for key in chapters:
        module = importlib.import_module(f"cxlib.chapters.{key}")
        built.append(module.build(client, result))
    return built
