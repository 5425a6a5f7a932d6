"""The gradebook on three filled copies of chapter 01: one right, one wrong, one empty."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from cxlib import grade
from cxlib.exercises import STUB, write_workspace

KIT_ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "01_lifecycle_stage.ipynb"
EXERCISES = ["01.1", "01.2", "01.3", "01.4", "01.q1", "01.q2"]


def _student(folder: Path, template: Path, notebook: nbformat.NotebookNode) -> None:
    folder.mkdir()
    shutil.copytree(template / "data" / "demo", folder / "data" / "demo")
    nbformat.write(notebook, str(folder / CHAPTER))


@pytest.fixture(scope="module")
def classroom(tmp_path_factory) -> Path:
    template = tmp_path_factory.mktemp("workspace")
    write_workspace(KIT_ROOT / "notebooks", template)
    room = tmp_path_factory.mktemp("class")
    master = nbformat.read(str(KIT_ROOT / "notebooks" / CHAPTER), as_version=4)
    for cell in master.cells:  # the master with its solutions, as a student who solved everything would have it
        if cell.cell_type == "code":
            cell.source = re.sub(r'client_dir = "[^"]*"', 'client_dir = "data/demo"', cell.source)
            cell.outputs, cell.execution_count = [], None
    empty = nbformat.read(str(template / CHAPTER), as_version=4)
    wrong = nbformat.read(str(template / CHAPTER), as_version=4)
    for cell in wrong.cells:
        cell.source = cell.source.replace(STUB, '"zzz"')
    _student(room / "ana", template, master)
    _student(room / "ben", template, wrong)
    _student(room / "cem", template, empty)
    return room


def test_three_students_give_the_expected_csv(classroom, tmp_path):
    csv_path, page = grade.write_gradebook(classroom, tmp_path)
    expected = ["student,exercise,result"] + [f"{student},{e},{result}" for student, result in
                                              (("ana", "correct"), ("ben", "wrong"), ("cem", "not solved"))
                                              for e in EXERCISES]
    assert csv_path.read_text(encoding="utf-8").splitlines() == expected
    text = page.read_text(encoding="utf-8")
    assert "<td>6 / 6</td>" in text and "<td>0 / 6</td>" in text
    assert not (classroom / "ana" / "grades.csv").exists()  # the students' folders are left as they were


def test_the_summary_escapes_everything():
    rows = [{"student": "<script>alert(1)</script>", "exercise": "01.1&", "result": "correct"}]
    page = grade.summary_html(rows, "ru")
    assert "<script>" not in page and "&lt;script&gt;" in page and "01.1&amp;" in page and "верно" in page


def test_students_are_subfolders_or_files(tmp_path):
    (tmp_path / "zoe").mkdir()
    (tmp_path / "zoe" / CHAPTER).write_text("{}", encoding="utf-8")
    (tmp_path / "zoe" / "data" / "demo").mkdir(parents=True)
    (tmp_path / "zoe" / "data" / "demo" / "x.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / "adam.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / "grades.csv").write_text("", encoding="utf-8")
    assert {k: [p.name for p in v] for k, v in grade.students(tmp_path).items()} == {"adam": ["adam.ipynb"],
                                                                                      "zoe": [CHAPTER]}
