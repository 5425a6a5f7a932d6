"""The student copies give no answer away: no derived answer of the demo or of a case in their prose or outputs.

For every exercise whose answer is derived from the data (``compute`` in ``cxlib/catalog/exercises.toml``) the
answer is computed on the demo and on each case, as :mod:`cxlib.check` computes it; a number is looked for as
written in English and in Russian (``28``, ``28.3``, ``28,3``), a name (a channel, a touchpoint, a topic, an
option's text) as a whole phrase, in any case. The question itself may name its options: a choice's option texts
are not looked for in the cell that asks it; and a question's numbers are its givens ("45% promoters"), so no
number is looked for in a question cell.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import nbformat
import pytest

from cxlib import catalog, check, load_client, rubric
from cxlib.exercises import (
    TEACHING,
    interpret_placeholder,
    student_notebook,
    without_exercises,
)

KIT_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = KIT_ROOT / "notebooks"
MASTERS = sorted(NOTEBOOKS.glob("0[0-6]_*.ipynb"))
STUDENTS = sorted((NOTEBOOKS / "exercises").glob("*.ipynb"))
CLIENTS = {"demo": KIT_ROOT / "data" / "demo", **{p.name: p for p in sorted((KIT_ROOT / "data" / "cases").glob("*"))
                                                  if (p / "client.toml").is_file()}}
# Words an answer may be that say nothing of a client ("none", "noise"): not looked for.
NOT_NAMES = {"none", "no channel", "ни один", "noise", "real"}
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _course_words() -> set[str]:
    """The journey's five stages and the four components are the course's vocabulary, taught in every chapter:
    not looked for as answers (the sentence that would leak them, "the demo lacks a policy", is a teaching cell)."""
    stages = catalog.journey_stages()
    words = {w for s in stages for w in (s["key"], catalog.label(s, "en"), catalog.label(s, "ru"))}
    words |= {c[k] for c in catalog.load("components")["components"] for k in ("key", "name_en", "name_ru")}
    return {w.lower() for w in words}


def _number_forms(value: float) -> set[str]:
    """A number as a text may write it: rounded to a whole, or to one decimal with a point or a comma."""
    whole, tenth = f"{value:.0f}", f"{value:.1f}"
    return {whole, tenth, tenth.replace(".", ",")} - {f"{round(value)}.0", f"{round(value)},0"}


def _number_pattern(value: float) -> re.Pattern:
    forms = "|".join(re.escape(f) for f in sorted(_number_forms(abs(value)), key=len, reverse=True))
    return re.compile(rf"(?<![\d.,])(?:{forms})(?![.,]?\d)")


def _name_pattern(name: str) -> re.Pattern:
    """A name as a whole phrase, in any case, its words apart by spaces, hyphens or underscores."""
    words = r"[\s_\-]+".join(re.escape(w) for w in re.split(r"[\s_\-]+", name.strip()))
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def _answers_of(entry: dict, derived, demo: bool) -> list[tuple[str, re.Pattern]]:
    """What the derived answer of one exercise looks like in a text: (what it is, its pattern).

    The prose describes the demo, so a one-word name ("delivery", "staff") is looked for only when it is the demo's
    answer: as a case's answer it is a common word of the subject, and the prose uses it in its ordinary sense.
    """
    if isinstance(derived, (int, float)):
        return [(f"{derived:g}", _number_pattern(float(derived)))]
    if isinstance(derived, list):
        names = [str(n) for n in derived if len(str(n)) > 1 and not str(n).isdigit() and str(n) not in NOT_NAMES]
        options = entry.get("options", {})  # a letter stands for its option's text ("b": "a dedicated … department")
        names += [text for letter in derived if len(letter) == 1 and letter in options for text in options[letter]]
        names = [n for n in names
                 if n.lower() not in _course_words() and (demo or len(n.replace("_", " ").split()) > 1)]
        return [(n, _name_pattern(n)) for n in dict.fromkeys(names)]
    if isinstance(derived, rubric.Claim):  # the channels that changed for real, and by how much
        real = [s for s in derived.subjects if s.stance == "real" and s.key not in ("company", "none")]
        found = [(t, _name_pattern(t)) for s in real for t in s.terms]
        return found + [(f"{abs(s.size):.1f}", _number_pattern(s.size)) for s in real if s.size is not None]
    return []  # a recommendation's rubric: its names are the pain points 03.3 already looks for


@cache
def derived_answers() -> tuple[tuple[str, str, str, re.Pattern], ...]:
    """(client, exercise id, the answer as written, its pattern) for every derived answer of every client."""
    found = []
    for name, folder in CLIENTS.items():
        client = load_client(folder)
        for entry in catalog.load("exercises")["exercises"]:
            if "compute" not in entry:
                continue
            try:
                derived = check.COMPUTE[entry["compute"]](client)
            except (ValueError, KeyError, IndexError, AttributeError, TypeError):
                continue  # "not available" for this client: nothing to give away
            found += [(name, entry["id"], text, pattern)
                      for text, pattern in _answers_of(entry, derived, name == "demo")]
    return tuple(found)


def _texts(notebook: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(cell id, text) for every cell's source and every output a reader sees."""
    texts = []
    for cell in notebook.cells:
        texts.append((cell.get("id", "?"), cell.source))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts.append((cell.get("id", "?"), "".join(output.get("text", "")) + "".join(
                "".join(data.get(kind, "")) for kind in ("text/plain", "text/markdown", "text/html"))))
    return texts


QUESTION = re.compile(r"\s*\*\*(\d\d\.\w+) ")  # a cell asking an exercise starts "**04.4 (plan).**"


def leaks(notebook: nbformat.NotebookNode) -> list[str]:
    """Every derived answer found in a notebook, as 'exercise (client): "answer" in cell …'."""
    found = []
    for cell_id, text in _texts(notebook):
        asked = QUESTION.match(text)
        for client, exercise, answer, pattern in derived_answers():
            if asked and (asked.group(1) == exercise or NUMBER.fullmatch(answer)):
                continue  # the question names its own options, and gives its own numbers
            if pattern.search(text):
                found.append(f"{exercise} ({client}): {answer!r} in cell {cell_id}")
    return sorted(set(found))


@pytest.mark.parametrize("path", STUDENTS, ids=lambda p: p.stem)
def test_student_copies_give_no_derived_answer_away(path):
    found = leaks(nbformat.read(str(path), as_version=4))
    assert not found, f"{path.name} gives answers away: " + "; ".join(found)


def test_the_search_finds_a_planted_answer():
    """The search is not blind: the demo's margin and pain point written into prose are found, in either format."""
    margin = next(a for a in derived_answers() if a[:2] == ("demo", "01.3"))
    touchpoint = next(a for a in derived_answers() if a[:2] == ("demo", "03.3"))
    for text in (f"Go-Go, {float(margin[2]):.0f} points ahead", f"отрыв {float(margin[2]):.1f}".replace(".", ",")):
        assert margin[3].search(text), text
    assert touchpoint[3].search(f"customers struggle at {touchpoint[2].title()}.")
    assert not margin[3].search(f"{float(margin[2]) + 100:.0f} statements")


@pytest.mark.parametrize("path", MASTERS, ids=lambda p: p.stem)
def test_a_fresh_student_copy_gives_no_derived_answer_away(path):
    """The generator, not only the committed copies: the copy written now from the master is clean too."""
    assert not leaks(student_notebook(nbformat.read(str(path), as_version=4)))


@pytest.mark.parametrize("path", MASTERS, ids=lambda p: p.stem)
def test_interpretation_becomes_a_placeholder_in_the_student_copy(path):
    master = nbformat.read(str(path), as_version=4)
    copy = student_notebook(master)
    for before, after in zip(master.cells, copy.cells):
        assert before.get("id") == after.get("id")
        if TEACHING in before.metadata.get("tags", []):
            prose = [line for line in after.source.splitlines() if line.strip() and not line.startswith("#")]
            assert prose and set(prose) == {interpret_placeholder("en")}, after.source


@pytest.mark.parametrize("path", MASTERS, ids=lambda p: p.stem)
def test_a_client_run_holds_no_solution_no_exercise_and_no_interpretation(path):
    """What ``cxkit run`` executes (:func:`cxlib.exercises.without_exercises`): no solution, whatever the headings."""
    run = without_exercises(nbformat.read(str(path), as_version=4))
    for cell in run.cells:
        assert "### BEGIN SOLUTION" not in cell.source and "cxlib.check.answer" not in cell.source, cell.get("id")
        assert not {"student"} & set(cell.metadata.get("tags", [])), cell.get("id")
        if cell.cell_type == "markdown":
            assert all(line.startswith("#") for line in cell.source.splitlines() if line.strip()), cell.source


def test_russian_placeholder():
    assert interpret_placeholder("ru") != interpret_placeholder("en")
    assert "интерпретац" in interpret_placeholder("ru").lower()
