"""The committed notebooks: executed, in order, error-free, and never checked vacuously."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

KIT_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((KIT_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHECK = "NBVAL_CHECK_OUTPUT"
EXPECTED = ["00_start_here", "01_lifecycle_stage", "02_scorecard", "03_customer_journey",
            "04_nps_csi_statistics", "05_customer_voice", "06_diagnosis_report"]


def code_cells(path: Path) -> list[dict]:
    return [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def test_the_chapters_are_all_there():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_executed_in_order_without_errors(path):
    cells = code_cells(path)
    counts = [c["execution_count"] for c in cells]
    assert None not in counts, f"{path.name}: unexecuted code cells; run `make notebooks`"
    assert counts == list(range(1, len(cells) + 1)), f"{path.name}: not run top to bottom once: {counts}"
    errors = [o for c in cells for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, f"{path.name}: holds an error output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_chart_cell_shows_its_chart(path):
    """A cell that draws with cxlib.plots holds a picture (a chart drawn once must not leave the next ones blank)."""
    drawing = [c for c in code_cells(path)
               if "plots." in source(c) and "import" not in source(c).split("plots.")[0][-20:]]
    blank = [source(c).splitlines()[0] for c in drawing
             if not any("image/png" in o.get("data", {}) for o in c["outputs"])]
    assert not blank, f"{path.name}: chart cells without a picture: {blank}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_checks_something(path):
    checked = [c for c in code_cells(path) if CHECK in source(c)]
    assert checked, f"{path.name}: no cell marked {CHECK}, so nbval would check nothing"
    empty = [source(c).splitlines()[1] for c in checked if not c["outputs"]]
    assert not empty, f"{path.name}: checked cells without output: {empty}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_skeleton(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    first = code_cells(path)[0]
    assert "parameters" in first["metadata"].get("tags", [])
    assert source(first).startswith('client_dir = "../data/demo"')
    assert notebook["cells"][0]["cell_type"] == "markdown"
    assert "## What this means for the client" in "".join(
        "".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")


def test_nbval_catches_a_changed_number(tmp_path):
    """Guard the guard: a tampered checked output must fail under the same options as `make test`."""
    copy = tmp_path / "notebooks"
    shutil.copytree(KIT_ROOT / "notebooks", copy)
    (tmp_path / "data").symlink_to(KIT_ROOT / "data")  # the notebooks' default client_dir is ../data/demo
    target = copy / "00_start_here.ipynb"
    notebook = json.loads(target.read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code" and CHECK in "".join(c["source"]))
    stream = next(o for o in cell["outputs"] if o["output_type"] == "stream")
    stream["text"] = "".join(stream["text"]).replace("2400 rows", "2401 rows")
    target.write_text(json.dumps(notebook), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env",
         "--nbval-sanitize-with", str(KIT_ROOT / "tests" / "nbval_sanitize.cfg"), str(target)],
        cwd=KIT_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "1 failed" in result.stdout
