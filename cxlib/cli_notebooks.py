"""The chapter notebooks: where they are, and executing them with papermill or nbclient.

Each notebook runs in its own kernel; a kernel that fails to start is started once more, and an executed
notebook is written the same way every time (no run times, paths or random ids), so its diff shows only what
changed.
"""

from __future__ import annotations

import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from cxlib.cli_terminal import say


def _kit_root() -> Path:
    """Where the notebooks and data live: this repository, or ``<prefix>/share/cxkit`` of an installed wheel."""
    checkout = Path(__file__).resolve().parents[1]
    installed = Path(sys.prefix) / "share" / "cxkit"
    return checkout if (checkout / "notebooks").is_dir() or not installed.is_dir() else installed


KIT_ROOT = _kit_root()
NOTEBOOKS = KIT_ROOT / "notebooks"
TEMPLATE_CLIENT = KIT_ROOT / "data" / "template"
# ipykernel logs a transport warning on every start and, now and then, a
# shutdown interrupt; neither concerns the user, and cell errors surface anyway.
QUIET_KERNEL = ["--IPKernelApp.log_level=CRITICAL"]
# A chapter that has nothing to work on without a file is left out of the run, and the report says so.
CHAPTER_NEEDS = {"01_lifecycle_stage": ("lifecycle", "lifecycle.csv"),
                 "03_customer_journey": ("journey", "journey.csv")}
# The client reads the diagnosis first, then the chapters behind it; the
# start-here notebook is for learners, not for the client.
REPORT_ORDER = ["06_diagnosis_report", "01_lifecycle_stage", "02_scorecard", "03_customer_journey",
                "04_nps_csi_statistics", "05_customer_voice"]


KERNEL_ATTEMPTS = 2
KERNEL_TROUBLE = ("kernel died", "kernel_info", "address already in use", "zmq", "dead kernel", "timed out waiting",
                  "didn't respond", "did not respond")
# a loaded 2-core machine starts a kernel slowly; nbclient's default of 60 s was seen to fail
KERNEL_START_SECONDS = 180


def _kernel_trouble(error: BaseException) -> bool:
    """Whether an error is the kernel failing to start or answer, rather than the notebook's own."""
    text = f"{type(error).__name__} {error}".lower()
    return any(word in text for word in KERNEL_TROUBLE)

class RunFailed(RuntimeError):
    """A notebook failed during ``cxkit run``; the message names notebook, cell and error."""


def chapter_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The numbered chapter notebooks in ``folder``, in order."""
    return sorted(path for path in folder.glob("[0-9][0-9]_*.ipynb"))

def execute_notebook(notebook: Path, out: Path, client_dir: Path) -> float:
    """Execute one notebook, without its exercises, on a client folder with papermill; return the seconds it took.

    Raises
    ------
    RunFailed
        Naming the notebook, the cell and the error when a cell fails.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from cxlib.exercises import without_exercises

    started = time.perf_counter()
    source = without_exercises(nbformat.read(str(notebook), as_version=4))
    try:
        for attempt in range(KERNEL_ATTEMPTS):
            try:
                papermill.execute_notebook(
                    source, str(out), parameters={"client_dir": str(client_dir)}, cwd=str(notebook.parent),
                    progress_bar=False, log_output=False, kernel_name="python3", extra_arguments=QUIET_KERNEL,
                    start_timeout=KERNEL_START_SECONDS,
                )
                break
            except PapermillExecutionError:
                raise
            except Exception as error:  # a kernel that died at start or lost its port: once more, with fresh ports
                if not _kernel_trouble(error):
                    raise
                if attempt + 1 == KERNEL_ATTEMPTS:
                    raise RunFailed(f"{notebook.name} could not start its Python kernel ({type(error).__name__}: "
                                    f"{error}); run again, and if it persists check that ipykernel is installed "
                                    f"in this environment") from error
    except PapermillExecutionError as error:
        _normalise(out)
        raise RunFailed(
            f"{notebook.name} failed in cell {error.exec_count} ({error.ename}: "
            f"{error.evalue.splitlines()[0] if error.evalue else ''}): fix the client's data it points to, or "
            f"report it with that notebook"
        ) from error
    _normalise(out)
    return time.perf_counter() - started


PAPERMILL_RUN_FIELDS = ("start_time", "end_time", "duration", "exception", "input_path", "output_path", "environment")


def _normalise(path: Path) -> None:
    """The same inputs give the same bytes: papermill's times and paths and the injected cell's random id go."""
    import nbformat

    if not path.is_file():
        return
    notebook = nbformat.read(str(path), as_version=4)
    for key in PAPERMILL_RUN_FIELDS:
        notebook.metadata.get("papermill", {}).pop(key, None)
    for cell in notebook.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = _coalesced(cell.outputs)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
    nbformat.write(notebook, str(path))


def _coalesced(outputs: list) -> list:
    """Consecutive prints to one stream as one output: how a kernel happened to flush them varies run to run."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream" and previous.get("name") == output.get("name")):
            previous["text"] = "".join(previous["text"]) + "".join(output["text"])
        else:
            merged.append(output)
    return merged


def _execute_all(notebooks: list[Path], out: Path, client_dir: Path, workers: int, echo) -> list[str]:
    """Execute every notebook, carrying on past a failure; return one line per failed notebook."""
    failures = []
    # Processes, not threads: papermill changes the working directory, which
    # is shared by every thread of a process.
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_leave_ctrl_c_to_the_run)
    try:
        futures = {pool.submit(execute_notebook, nb, out / nb.name, client_dir): nb for nb in notebooks}
        for done, future in enumerate(as_completed(futures), start=1):
            try:
                seconds = future.result()
            except RunFailed as error:
                failures.append(str(error))
                echo(f"  [{done}/{len(notebooks)}] {futures[future].name} failed")
                continue
            except Exception as error:  # a kernel that died, a broken notebook file: still one line per notebook
                failures.append(f"{futures[future].name} could not run ({type(error).__name__}: {error})")
                echo(f"  [{done}/{len(notebooks)}] {futures[future].name} failed")
                continue
            echo(f"  [{done}/{len(notebooks)}] {futures[future].name} ({seconds:.1f} s)")
    except KeyboardInterrupt:  # Ctrl-C: start no other notebook; those running end with their kernels
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return failures


def _leave_ctrl_c_to_the_run() -> None:
    """Workers ignore Ctrl-C: the run itself stops them, after each has shut its kernel down (no orphan kernels)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

def refresh_notebooks(paths: list[Path] | None = None, echo=say) -> None:
    """Re-execute notebooks in place on their default parameters (the demo).

    This is how the committed outputs, which nbval compares against, are made:
    after editing a notebook or cxlib, refresh and review the diff.
    """
    import nbformat
    from nbclient import NotebookClient

    for path in paths or chapter_notebooks():
        path = Path(path)
        notebook = nbformat.read(str(path), as_version=4)
        started = time.perf_counter()
        NotebookClient(notebook, timeout=600, kernel_name="python3", record_timing=False, extra_arguments=QUIET_KERNEL,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        nbformat.write(notebook, str(path))
        echo(f"  refreshed {path} ({time.perf_counter() - started:.1f} s)")
