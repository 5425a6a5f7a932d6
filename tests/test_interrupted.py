"""Runs stopped half-way, and two runs at once, as a consultant's terminal would cause them.

Each test starts `cxkit run` as its own process group (as a shell starts a
command), waits until the first notebook has finished, then interrupts it:
Ctrl-C (SIGINT to the group), or SIGKILL to the group, which leaves no chance
to clean up. What must hold afterwards: the previous report is untouched; a
Ctrl-C leaves no half-written folder, no lock and no cache of the client's
raw data; after a SIGKILL, the next run removes what the killed one left and
succeeds. Two runs into one output folder: one writes it, the other is refused
and says why, and the report holds one client only.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

KIT_ROOT = Path(__file__).resolve().parents[1]
CXKIT = [sys.executable, "-m", "cxlib"]
OLD_REPORT = "the previous complete report"

pytestmark = pytest.mark.skipif(os.name != "posix", reason="process groups and signals as on Linux and macOS")


def start(client: Path, out: Path, temp: Path) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([*CXKIT, "run", str(client), "--out", str(out)], cwd=KIT_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def wait_for_first_notebook(process: subprocess.Popen, timeout: float = 300) -> list[str]:
    """Read the run's output until a notebook has finished ("[1/7] …"); the lines read."""
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if "[1/" in line:
            return lines
    process.kill()
    pytest.fail("the run never reached its first notebook:\n" + "\n".join(lines))


def leftovers(out: Path, temp: Path) -> list[str]:
    beside = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}")]
    caches = [p.name for p in temp.glob("cxkit-cache-*")]
    return sorted(beside + caches)


@pytest.fixture
def previous(tmp_path) -> tuple[Path, Path]:
    """An output folder holding an earlier report, and a private temporary folder for the run."""
    out = tmp_path / "reports" / "demo"
    out.mkdir(parents=True)
    (out / "report.html").write_text(OLD_REPORT)
    temp = tmp_path / "tmp"
    temp.mkdir()
    return out, temp


def test_ctrl_c_leaves_the_old_report_and_nothing_else(previous):
    out, temp = previous
    process = start(KIT_ROOT / "data" / "demo", out, temp)
    wait_for_first_notebook(process)
    os.killpg(process.pid, signal.SIGINT)
    rest, _ = process.communicate(timeout=120)
    assert process.returncode != 0, rest
    assert "Traceback" not in rest, rest
    assert (out / "report.html").read_text() == OLD_REPORT
    assert leftovers(out, temp) == []


def test_after_sigkill_the_next_run_cleans_up_and_succeeds(previous):
    out, temp = previous
    process = start(KIT_ROOT / "data" / "demo", out, temp)
    wait_for_first_notebook(process)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert (out / "report.html").read_text() == OLD_REPORT
    left = leftovers(out, temp)
    assert any(name.startswith(".demo.lock") for name in left), left  # what a SIGKILL cannot clean up
    again = start(KIT_ROOT / "data" / "demo", out, temp)
    output, _ = again.communicate(timeout=900)
    assert again.returncode == 0, output
    assert "Motorline Service" in (out / "report.html").read_text(encoding="utf-8")
    assert leftovers(out, temp) == [], "the killed run's lock, partial folder and raw-data cache are gone"


def test_two_runs_into_one_folder_one_writes_the_other_is_refused(previous):
    out, temp = previous
    first = start(KIT_ROOT / "data" / "demo", out, temp)
    wait_for_first_notebook(first)
    second = start(KIT_ROOT / "data" / "cases" / "tea_leaf", out, temp)
    refused, _ = second.communicate(timeout=300)
    written, _ = first.communicate(timeout=900)
    assert first.returncode == 0, written
    assert second.returncode != 0 and "another cxkit run" in refused, refused
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Motorline Service" in page and "Tea Leaf" not in page
    assert leftovers(out, temp) == []
