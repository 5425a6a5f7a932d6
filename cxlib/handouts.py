"""Printable handouts for a course, written from the catalogue: questionnaires, a survey sheet, formulas, glossary.

``python -m cxlib.handouts [--out DIR]`` writes Markdown files to ``docs/handouts/`` (one per handout and
language): the lifecycle questionnaire (the statements of ``cxlib/catalog/lifecycle.toml``, answer boxes 1–5),
the four-components questionnaire (``components.toml``), the one-sheet customer survey the own-company activity
collects twenty of, the formula sheet, and a glossary in English and Russian (the stages, components, scorecard
levels and metrics of the catalogues, and the course's own words). The handouts' headings and the formula sheet
are in ``docs/handouts/handouts.toml``. The files are committed; a test checks they equal what this writes.

The questionnaire lists the statements in an order that mixes the stages (a fixed round-robin over the stages),
so a respondent does not answer stage by stage; the code column is what data entry needs.

Examples
--------
>>> pages = render()
>>> sorted(pages)[:2]
['components_questionnaire_en.md', 'components_questionnaire_ru.md']
>>> "| 1 | 2 | 3 | 4 | 5 |" in pages["lifecycle_questionnaire_en.md"]
True
"""

from __future__ import annotations

import argparse
import tomllib
from itertools import zip_longest
from pathlib import Path
from typing import Any

from cxlib import catalog
from cxlib.scales import answer_scale

KIT_ROOT = Path(__file__).resolve().parents[1]
OUT = KIT_ROOT / "docs" / "handouts"
SOURCE = OUT / "handouts.toml"
LANGUAGES = ("en", "ru")
BOX = "☐"


def _words(language: str) -> dict[str, str]:
    """The handouts' own texts in one language (English where Russian is missing)."""
    with open(SOURCE, "rb") as handle:
        words = tomllib.load(handle)["words"]
    keys = {k.rsplit("_", 1)[0] for k in words}
    return {k: words.get(f"{k}_{language}") or words[f"{k}_en"] for k in keys}


def _source() -> dict[str, Any]:
    with open(SOURCE, "rb") as handle:
        return tomllib.load(handle)


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _header(title: str, words: dict[str, str], fields: tuple[str, ...]) -> list[str]:
    lines = [f"# {title}", ""]
    lines += [f"**{words[f]}:** ______________________________  " if f != "role" else f"**{words[f]}**  "
              for f in fields]
    return lines + [""]


def _boxes(statements: list[tuple[str, str]], words: dict[str, str], n_boxes: int = 5) -> list[str]:
    """A table of numbered statements with tick boxes 1…n and the code for data entry."""
    scale = " | ".join(str(i) for i in range(1, n_boxes + 1))
    lines = [f"| {words['number']} | {words['statement']} | {scale} | {words['code']} |",
             "|---:|---|" + ":-:|" * n_boxes + "---|"]
    for i, (code, text) in enumerate(statements, start=1):
        lines.append(f"| {i} | {_cell(text)} | " + " | ".join([BOX] * n_boxes) + f" | {code} |")
    return lines


def _mixed(statements: list[dict[str, Any]], group: str) -> list[dict[str, Any]]:
    """The statements round-robin over their groups (stage or component), in the catalogue's order within each."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for statement in statements:
        groups.setdefault(str(statement.get(group, "")), []).append(statement)
    return [s for row in zip_longest(*groups.values()) for s in row if s is not None]


def lifecycle_questionnaire(language: str) -> str:
    """The lifecycle questionnaire: every statement of ``lifecycle.toml`` with boxes 1–5."""
    words = _words(language)
    statements = _mixed(catalog.lifecycle_statements(), "stage")
    columns = ", ".join(c["name"] for c in catalog.contract()["lifecycle"]["columns"])
    lines = _header(words["lifecycle_title"], words, ("company", "respondent", "role", "date"))
    lines += [words["scale"], ""]
    lines += _boxes([(s["id"], catalog.label(s, language, "text")) for s in statements], words)
    lines += ["", f"*{words['entry'].format(file='lifecycle.csv', columns=columns)}*", "", f"*{words['print']}*", ""]
    return "\n".join(lines)


def components_questionnaire(language: str) -> str:
    """The four-components questionnaire: every statement of ``components.toml`` with boxes 1–5."""
    words = _words(language)
    source = catalog.load("components")
    statements = _mixed(source["statements"], "component")
    columns = ", ".join(c["name"] for c in catalog.contract()["components"]["columns"])
    lines = _header(words["components_title"], words, ("company", "respondent", "role", "date"))
    lines += [words["scale"], ""]
    lines += _boxes([(s["id"], catalog.label(s, language, "text")) for s in statements], words)
    lines += ["", f"*{words['entry'].format(file='components.csv', columns=columns)}*", "", f"*{words['print']}*",
              ""]
    return "\n".join(lines)


def survey_sheet(language: str) -> str:
    """One customer's answers on one sheet: channel, NPS 0–10, satisfaction 1–5, effort 1–7, a comment."""
    words = _words(language)
    def scale(low: int, high: int) -> list[str]:
        return ["| " + " | ".join(str(i) for i in range(low, high + 1)) + " |",
                "|" + ":-:|" * (high - low + 1), "| " + " | ".join([BOX] * (high - low + 1)) + " |", ""]

    lines = _header(words["survey_title"], words, ("company", "date"))
    lines += [words["survey_intro"], "", f"**1. {words['q_channel']}** ______________________________", ""]
    lines += [f"**2. {words['q_nps']}** (`nps`)", ""] + scale(*answer_scale("nps"))
    lines += [f"**3. {words['q_csi']}** (`csi`)", ""] + scale(*answer_scale("csi"))
    lines += [f"**4. {words['q_ces']}** (`ces`)", ""] + scale(*answer_scale("ces"))
    lines += [f"**5. {words['q_comment']}** (`comment`)", "", "_" * 70, "", "_" * 70, "", f"*{words['print']}*", ""]
    return "\n".join(lines)


def formula_sheet(language: str) -> str:
    """One line per formula, with the reference the kit's code cites."""
    words = _words(language)
    lines = [f"# {words['formulas_title']}", "", f"| | {words['formula']} | {words['reference']} |", "|---|---|---|"]
    for entry in _source()["formulas"]:
        lines.append(f"| **{_cell(catalog.label(entry, language))}**"
                     f" | {_cell(catalog.label(entry, language, 'formula'))}"
                     f" | {_cell(entry['reference'])} |")
    return "\n".join(lines + ["", f"*{words['print']}*", ""])


def glossary_entries() -> list[tuple[str, str, str, str, str]]:
    """(kind, English term, Russian term, meaning in English, meaning in Russian) for every term of the course."""
    rows = []
    for stage in catalog.lifecycle_stages():
        rows.append(("lifecycle", stage["name_en"], stage["name_ru"], stage["mandate_en"], stage["mandate_ru"]))
    for stage in catalog.journey_stages():
        rows.append(("journey", stage["name_en"], stage["name_ru"], "", ""))
    for component in catalog.load("components")["components"]:
        rows.append(("component", component["name_en"], component["name_ru"], component["about_en"],
                     component["about_ru"]))
    scorecard = catalog.load("scorecard")
    for level in scorecard["levels"]:
        rows.append(("level", level["name_en"], level["name_ru"], level["covers_en"], level["covers_ru"]))
    for metric in scorecard["metrics"]:
        rows.append(("metric", metric["name_en"], metric["name_ru"], metric.get("definition", ""), ""))
    for term in _source()["terms"]:
        rows.append(("word", term["en"], term["ru"], term["meaning_en"], term["meaning_ru"]))
    return rows


def glossary(language: str) -> str:
    """The glossary, English and Russian terms side by side, grouped by kind, meanings in ``language``."""
    words = _words(language)
    lines = [f"# {words['glossary_title']}", ""]
    entries = glossary_entries()
    header = f"| {_words('en')['term']} | {_words('ru')['term']} | {words['meaning']} |"
    for kind in dict.fromkeys(kind for kind, *_ in entries):
        lines += [f"## {words[f'kind_{kind}']}", "", header, "|---|---|---|"]
        for _, en, ru, meaning_en, meaning_ru in (row for row in entries if row[0] == kind):
            meaning = (meaning_ru or meaning_en) if language == "ru" else meaning_en
            lines.append(f"| {_cell(en)} | {_cell(ru)} | {_cell(meaning)} |")
        lines.append("")
    return "\n".join(lines + [f"*{words['print']}*", ""])


HANDOUTS = {"lifecycle_questionnaire": lifecycle_questionnaire, "components_questionnaire": components_questionnaire,
            "survey_sheet": survey_sheet, "formula_sheet": formula_sheet, "glossary": glossary}


def render() -> dict[str, str]:
    """Every handout in every language, as file name → Markdown text."""
    return {f"{name}_{language}.md": make(language) for name, make in HANDOUTS.items() for language in LANGUAGES}


def write(out: Path = OUT) -> list[Path]:
    """Write every handout to ``out``; return the files written.

    Examples
    --------
    >>> write(Path("/tmp/handouts"))[0].name                       # doctest: +SKIP
    'lifecycle_questionnaire_en.md'
    """
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render().items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m cxlib.handouts", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(OUT), help="where the handouts go (default: docs/handouts)")
    args = parser.parse_args(argv)
    for path in write(Path(args.out)):
        print(path)


if __name__ == "__main__":
    main()
