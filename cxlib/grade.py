"""The gradebook: run every student's notebooks, read each check's verdict, write ``grades.csv`` and a summary.

``cxkit grade DIR`` takes a folder with one subfolder per student (a workspace written by
``cxkit exercises --to``, or any folder of notebooks) or one notebook file per student. Each
notebook runs top to bottom with the runner ``cxkit run`` uses (papermill, from the notebook's
own folder so its ``client_dir`` resolves), a failing cell does not stop the ones after it, and
the student's files are never changed. Each check cell's verdict is read from its output
(:data:`cxlib.check.MIMETYPE`, whatever the language of the message); a check that printed no
verdict is "not solved". The kit's notebooks make no network calls; during a run the proxies
point nowhere, so a student's cell that tries one fails at once instead of waiting. Students and
exercises come out sorted, so the same folder gives the same files.

Examples
--------
>>> result_of({"output_type": "execute_result", "data": {MIMETYPE: {"exercise": "04.1", "status": "wrong"}}})
'wrong'
"""

from __future__ import annotations

import csv
import html
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nbformat

from cxlib.check import MIMETYPE, NOT_SOLVED
from cxlib.wording import Words

CHECK = re.compile(r'cxlib\.check\.(?:answer|exercise)\(\s*"([^"]+)"')
RESULTS = {"correct": "correct", "wrong": "wrong", NOT_SOLVED: "not solved", "not available": "not solved"}
CELL_SECONDS = 300
NO_NETWORK = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "",
              "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "no_proxy": ""}


def students(folder: Path) -> dict[str, list[Path]]:
    """Each student's notebooks: a subfolder's chapter notebooks (its data left aside), or a notebook file."""
    found = {}
    for entry in sorted(Path(folder).iterdir()):
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_dir():
            notebooks = sorted(p for p in entry.rglob("*.ipynb")
                               if not {".ipynb_checkpoints", "data"} & set(p.relative_to(entry).parts))
            if notebooks:
                found[entry.name] = notebooks
        elif entry.suffix == ".ipynb":
            found[entry.stem] = [entry]
    return found


def result_of(output: dict[str, Any]) -> str | None:
    """The gradebook's result for one output of a check cell, or None when it holds no verdict."""
    verdict = output.get("data", {}).get(MIMETYPE)
    return RESULTS.get(verdict["status"]) if verdict else None


def verdicts(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """Exercise id → result for every check cell of an executed notebook (no verdict: "not solved")."""
    results = {}
    for cell in notebook.cells:
        match = CHECK.search(cell.source) if cell.cell_type == "code" else None
        if match:
            found = [r for r in (result_of(o) for o in cell.get("outputs", [])) if r]
            results[match.group(1)] = found[-1] if found else "not solved"
    return results


@contextmanager
def _offline() -> Iterator[None]:
    kept = {key: os.environ.get(key) for key in NO_NETWORK}
    os.environ.update(NO_NETWORK)
    try:
        yield
    finally:
        for key, value in kept.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_notebook(path: Path, scratch: Path) -> nbformat.NotebookNode:
    """Execute a copy of one student notebook from its own folder; every cell runs even after one fails."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from cxlib.cli import KERNEL_START_SECONDS, QUIET_KERNEL

    out = scratch / f"{len(list(scratch.iterdir()))}.ipynb"
    with _offline():
        try:
            papermill.execute_notebook(str(path), str(out), cwd=str(path.parent), progress_bar=False,
                                       log_output=False, kernel_name="python3", extra_arguments=QUIET_KERNEL,
                                       start_timeout=KERNEL_START_SECONDS, execution_timeout=CELL_SECONDS,
                                       allow_errors=True)
        except PapermillExecutionError:
            pass  # the cells after the failing one ran too; their verdicts count
    return nbformat.read(str(out), as_version=4)


def grade(folder: Path) -> list[dict[str, str]]:
    """Rows (student, exercise, result) for every student and every exercise any student's notebooks check."""
    table: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for student, notebooks in students(Path(folder)).items():
            table[student] = {}
            for path in notebooks:
                table[student].update(verdicts(run_notebook(path, Path(scratch))))
    exercises = sorted({e for results in table.values() for e in results})
    return [{"student": s, "exercise": e, "result": table[s].get(e, "not solved")}
            for s in sorted(table) for e in exercises]


def write_csv(rows: list[dict[str, str]], path: Path) -> Path:
    """``grades.csv``: one row per student and exercise."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["student", "exercise", "result"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def summary_html(rows: list[dict[str, str]], language: str = "en") -> str:
    """An exercise × student table of results, every name and value escaped, with each student's score."""
    words = Words("exercises", language, "words")
    students_ = sorted({r["student"] for r in rows})
    exercises = sorted({r["exercise"] for r in rows})
    result = {(r["student"], r["exercise"]): r["result"] for r in rows}
    def cell(text: str, tag: str = "td", css: str = "") -> str:
        return f"<{tag}{f' class={css!r}' if css else ''}>{html.escape(text)}</{tag}>"

    head = cell(words("grade_exercise"), "th") + "".join(cell(s, "th") for s in students_)
    body = ["<tr>" + cell(e, "th") + "".join(
        cell(words(f"grade_{result[(s, e)].replace(' ', '_')}"), css=result[(s, e)].replace(" ", "-"))
        for s in students_) + "</tr>" for e in exercises]
    scores = "<tr>" + cell(words("grade_score"), "th") + "".join(
        cell(f"{sum(result[(s, e)] == 'correct' for e in exercises)} / {len(exercises)}") for s in students_) + "</tr>"
    style = ("table{border-collapse:collapse;font-family:sans-serif}td,th{border:1px solid #ccc;padding:2px 8px}"
             ".correct{background:#d9f2d9}.wrong{background:#f9d6d5}.not-solved{color:#777}")
    return (f"<!DOCTYPE html>\n<html lang={language!r}><head><meta charset='utf-8'>"
            f"<title>{html.escape(words('grade_title'))}</title><style>{style}</style></head><body>"
            f"<h1>{html.escape(words('grade_title'))}</h1><table><thead><tr>{head}</tr></thead><tbody>"
            + "".join(body) + scores + "</tbody></table></body></html>\n")


def write_gradebook(folder: Path, out: Path | None = None, language: str = "en") -> tuple[Path, Path]:
    """Grade every student in ``folder``; write ``grades.csv`` and ``grades.html`` to ``out`` (default: ``folder``)."""
    out = Path(out) if out is not None else Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    rows = grade(Path(folder))
    page = out / "grades.html"
    page.write_text(summary_html(rows, language), encoding="utf-8")
    return write_csv(rows, out / "grades.csv"), page
