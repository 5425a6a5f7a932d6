"""Student copies of the chapter notebooks: the solutions taken out, the notebook still runs top to bottom.

In the master notebooks a solution sits between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` (nbgrader's markers). The student copy replaces it with a
harmless stub, ``answer = ...  # your answer here`` for the last name the
solution assigns (the answer its check cell reads), so the check says "not
solved yet" instead of failing.
Prose that interprets the demo company's numbers (cells tagged ``teaching``) would
hand the student the answers ("28 points ahead"): in the copy its headings stay and
each paragraph becomes "Write your interpretation here" (English or Russian, by the
notebook's language, ``metadata.cxkit.language``, English by default).
Outputs are cleared. ``cxkit exercises`` writes the copies to
``notebooks/exercises/``; a test fails when the committed copies are stale.
``cxkit exercises --to DIR`` (:func:`write_workspace`) writes a student's own
workspace outside the repository: the copies and the data they load, so the
answers a student types never touch the committed copies.

Examples
--------
>>> print(strip_solutions("### BEGIN SOLUTION\\nnps_by_hand = 30 - 20\\n### END SOLUTION"))
nps_by_hand = ...  # your answer here
"""

from __future__ import annotations

import copy
import os
import re
import shutil
from pathlib import Path

import nbformat

SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)
ASSIGNED = re.compile(r"^([A-Za-z_]\w*)\s*=(?!=)", re.MULTILINE)
STUB = "...  # your answer here"
TEACHING = "teaching"  # the tag of prose interpreting the demo's numbers: replaced in student copies
EXERCISE = "student"  # the tag of exercises, checks and quizzes: left out of a client's run


def strip_solutions(source: str) -> str:
    """Replace every solution region of a cell's source with a stub for the answer it assigns."""
    def stub(match: re.Match) -> str:
        names = ASSIGNED.findall(match.group(1))  # the last name assigned is the answer; the rest are working
        return f"{names[-1]} = {STUB}" if names else "# your answer here"

    return SOLUTION.sub(stub, source).rstrip("\n")


def interpret_placeholder(language: str = "en") -> str:
    """The line that takes the place of the demo's interpretation in a student copy.

    Examples
    --------
    >>> interpret_placeholder("en")
    '*Write your interpretation here.*'
    """
    from cxlib.wording import Words

    return Words("exercises", language, "words")("interpret")


def without_interpretation(source: str, language: str = "en") -> str:
    """A ``teaching`` cell for the student: its headings kept, each run of prose between them a placeholder.

    Examples
    --------
    >>> print(without_interpretation("## What this means\\n\\n- Go-Go, 28 points ahead"))
    ## What this means
    <BLANKLINE>
    *Write your interpretation here.*
    """
    blocks: list[str] = []
    for line in source.splitlines():
        if line.startswith("#"):
            blocks.append(line)
        elif line.strip() and (not blocks or blocks[-1].startswith("#")):
            blocks.append(interpret_placeholder(language))
    return "\n\n".join(blocks)


def notebook_language(notebook: nbformat.NotebookNode) -> str:
    """The language of a notebook's prose: ``metadata.cxkit.language``, English when unset."""
    return str(notebook.metadata.get("cxkit", {}).get("language", "en"))


def student_notebook(master: nbformat.NotebookNode, client_dir: str = "../../data/demo") -> nbformat.NotebookNode:
    """The student copy of one master notebook (it lives one folder deeper, so the default client moves too).

    Solutions become stubs, the demo's interpretation (``teaching`` cells) a placeholder, outputs are cleared.
    """
    notebook = copy.deepcopy(master)
    language = notebook_language(master)
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and TEACHING in cell.metadata.get("tags", []):
            cell.source = without_interpretation(cell.source, language)
        if cell.cell_type != "code":
            continue
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = re.sub(r'client_dir = "[^"]*"', f'client_dir = "{client_dir}"', cell.source, count=1)
        cell.source = strip_solutions(cell.source) if "### BEGIN SOLUTION" in cell.source else cell.source
        cell.outputs = []
        cell.execution_count = None
    return notebook


TEACHING_HEADINGS = ("## Exercises", "## Quiz", "## What this means for the client")


def without_exercises(master: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook a client run executes: no teaching, and none of the demo's story.

    The exercise and quiz sections teach on the demo and hold the solutions;
    the prose between the cells interprets the demo company ("Motorline is
    growing faster…"), which would be false of any other client. A client's
    run keeps the code cells and the headings of the markdown cells only; the
    report's summary says what the client's own results mean.
    The exercises are left out by their tag and by their markers too, so a cell
    that holds a solution never reaches a client's run, whatever heading it sits under.
    """
    notebook = copy.deepcopy(master)
    kept, teaching = [], False
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            teaching = cell.source.startswith(TEACHING_HEADINGS)
        if teaching or EXERCISE in cell.metadata.get("tags", []) or "### BEGIN SOLUTION" in cell.source:
            continue
        if cell.cell_type == "markdown":
            headings = [line for line in cell.source.splitlines() if line.startswith("#")]
            if not headings:
                continue
            cell.source = "\n\n".join(headings)
        kept.append(cell)
    notebook.cells = kept
    return notebook


def write_exercises(notebooks: Path, out: Path, data: Path | None = None) -> list[Path]:
    """Write the student copy of every chapter notebook that has exercises; return the files written.

    ``data`` is the folder holding ``demo/`` that the copies load (by default the kit's ``data/``).
    """
    out.mkdir(parents=True, exist_ok=True)
    data = data if data is not None else notebooks.resolve().parent / "data"
    demo = Path(os.path.relpath(data.resolve() / "demo", out.resolve())).as_posix()
    written = []
    for path in sorted(notebooks.glob("[0-9][0-9]_*.ipynb")):
        master = nbformat.read(str(path), as_version=4)
        if not any("### BEGIN SOLUTION" in cell.source for cell in master.cells if cell.cell_type == "code"):
            continue
        target = out / path.name
        nbformat.write(student_notebook(master, demo), str(target))
        written.append(target)
    return written


WORKSPACE_DATA = ("demo", "cases")  # what the copies load: the demo, and the case library to practise on


def write_workspace(notebooks: Path, to: Path) -> list[Path]:
    """A student's own workspace in ``to``: the student copies and the data they load, outside the repository.

    The copies load ``data/demo`` beside them, so they run from ``to`` (or wherever the folder is moved).
    Nothing a student already wrote is overwritten.

    Raises
    ------
    ValueError
        When ``to`` lies inside the kit's repository (whose committed copies ``make test`` checks).
    FileExistsError
        When ``to`` already holds student notebooks.

    Examples
    --------
    >>> write_workspace(Path("notebooks"), Path("/tmp/my-cx-course"))     # doctest: +SKIP
    """
    kit = notebooks.resolve().parent
    to = Path(to).resolve()
    if to == kit or kit in to.parents:
        raise ValueError(f"{to} is inside the kit's folder, whose student copies the tests check: choose a folder "
                         f"outside it, e.g. ~/cx-course")
    taken = sorted(p.name for p in to.glob("[0-9][0-9]_*.ipynb")) if to.exists() else []
    if taken:
        raise FileExistsError(f"{to} already holds your notebooks ({', '.join(taken)}): nothing was overwritten; "
                              f"choose a new folder, or move the old one away first")
    for name in WORKSPACE_DATA:
        if name == "demo" or (kit / "data" / name).is_dir():  # an installed kit ships the demo, not the cases
            shutil.copytree(kit / "data" / name, to / "data" / name, dirs_exist_ok=True)
    return write_exercises(notebooks, to, to / "data")
