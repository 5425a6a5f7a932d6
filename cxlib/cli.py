"""The ``cxkit`` command line (also ``python -m cxlib``).

``cxkit run CLIENT_DIR [--out DIR]``
    Validate the client folder, execute every chapter notebook on it with
    papermill, and write the executed notebooks and ``report.html``.
``cxkit check CLIENT_DIR``
    Validate a client folder and list every problem, without running notebooks.
``cxkit export-comments CLIENT_DIR --out FILE [--pseudonymise]``
    Write the survey comments to a CSV that is safe to share and to open in Excel.
``cxkit aggregate SURVEY --out DIR``
    Turn a survey file of any size (CSV or Parquet) into ``survey_counts.csv`` with DuckDB.
``cxkit new-client DIR``
    Start a client folder from ``data/template``.
``cxkit exercises [--out DIR | --to DIR]``
    Write the student copies of the chapter notebooks (solutions replaced by stubs) to ``notebooks/exercises``;
    ``--to`` writes a student's own workspace outside the repository (the copies and the data they load).
``cxkit grade DIR [--out DIR] [--language en|ru]``
    Run every student's notebooks in DIR (one subfolder or notebook per student); write ``grades.csv`` and
    ``grades.html``.
``cxkit refresh [NOTEBOOK ...]``
    Re-execute notebooks in place on the demo, so their committed outputs are current.
``cxkit demo [DIR]``
    Rewrite the demo company (the same as ``python -m cxlib.demo``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path

from cxlib.client.cache import _process_alive


def _kit_root() -> Path:
    """Where the notebooks and data live: this repository, or ``<prefix>/share/cxkit`` of an installed wheel."""
    checkout = Path(__file__).resolve().parents[1]
    installed = Path(sys.prefix) / "share" / "cxkit"
    return checkout if (checkout / "notebooks").is_dir() or not installed.is_dir() else installed


KIT_ROOT = _kit_root()
NOTEBOOKS = KIT_ROOT / "notebooks"
TEMPLATE_CLIENT = KIT_ROOT / "data" / "template"
# The client reads the diagnosis first, then the chapters behind it; the
# start-here notebook is for learners, not for the client.
# ipykernel logs a transport warning on every start and, now and then, a
# shutdown interrupt; neither concerns the user, and cell errors surface anyway.
QUIET_KERNEL = ["--IPKernelApp.log_level=CRITICAL"]
# A chapter that has nothing to work on without a file is left out of the run, and the report says so.
CHAPTER_NEEDS = {"01_lifecycle_stage": ("lifecycle", "lifecycle.csv"),
                 "03_customer_journey": ("journey", "journey.csv")}
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


def printable(text: object) -> str:
    """Text safe for a terminal: control and bidirectional-override characters from a client's files shown as
    escapes (``\\x1b``), so a client name cannot move the cursor, recolour or hide what the kit prints.

    Examples
    --------
    >>> printable("Acme\\x1b[2J Ltd\\u202e")
    'Acme\\\\x1b[2J Ltd\\\\u202e'
    """
    return "".join(ch if ch in "\n\t" or not _hidden(ch) else ch.encode("unicode_escape").decode("ascii")
                   for ch in str(text))


def _hidden(ch: str) -> bool:
    import unicodedata

    return unicodedata.category(ch) in ("Cc", "Cf")


def say(*parts: object, file=None) -> None:
    """``print`` for everything the command line shows: client text made :func:`printable` first."""
    print(*(printable(part) for part in parts), file=file)


class RunFailed(RuntimeError):
    """A notebook failed during ``cxkit run``; the message names notebook, cell and error."""


def chapter_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The numbered chapter notebooks in ``folder``, in order."""
    return sorted(path for path in folder.glob("[0-9][0-9]_*.ipynb"))


def _say_how_read(client, echo) -> None:
    """How each file was read, and what the loader decided on the client's behalf."""
    for source in client.sources:
        echo(f"  {source}")
    for note in client.notes:
        echo(f"  note: {note}")


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


def _refuse_out(out: Path, client_dir: Path) -> None:
    """The kit never writes into a client's folder: an output there could replace the client's own files."""
    if out == client_dir or client_dir in out.parents:
        raise ValueError(f"the output folder {out} is inside the client folder {client_dir}; the kit never writes "
                         f"there: choose another --out")
    if out.exists() and not out.is_dir():
        raise ValueError(f"the output folder {out} is a file; choose a folder")


@contextmanager
def _locked(out: Path):
    """Hold ``.<out>.lock`` beside the output folder for the run; a second run into the same folder is refused."""
    lock = out.parent / f".{out.name}.lock"
    for _ in range(2):
        try:
            handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            break
        except FileExistsError:
            owner = lock.read_text(encoding="utf-8").strip() if lock.is_file() else ""
            if owner.isdigit() and _process_alive(int(owner)):
                raise ValueError(f"another cxkit run (process {owner}) is writing {out}; wait for it to finish or "
                                 f"choose another --out") from None
            lock.unlink(missing_ok=True)  # left by a run that was killed: so are its half-written folders
            for stale in [*out.parent.glob(f".{out.name}.partial-*"), *out.parent.glob(f".{out.name}.old-*")]:
                shutil.rmtree(stale, ignore_errors=True)
    else:
        raise ValueError(f"cannot take the lock {lock}; remove it if no cxkit run is writing {out}")
    try:
        os.write(handle, str(os.getpid()).encode())
        os.close(handle)
        yield
    finally:
        lock.unlink(missing_ok=True)


def _publish(staging: Path, out: Path) -> None:
    """Put a finished run in place of the output folder in two renames, so no reader sees half of each."""
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(out)


def _terminate_as_exit(signum, frame):  # noqa: ARG001 - signal handler signature
    raise SystemExit(128 + signum)  # so that every finally block runs: the cache and the partial output go


def run(client_dir: str | Path, out_dir: str | Path | None = None, notebooks_dir: str | Path = NOTEBOOKS,
        workers: int | None = None, echo=say) -> Path:
    """Run the whole diagnosis of a client folder and write the report.

    The executed notebooks and the report are written to a hidden sibling of
    the output folder and moved into place only when every notebook ran, under
    a lock that refuses a second run into the same folder. A failed run leaves
    its notebooks in ``<out>-failed`` and the output folder as it was.

    Parameters
    ----------
    client_dir : path
        The client folder.
    out_dir : path, optional
        Where the executed notebooks and ``report.html`` go; default
        ``reports/<client folder name>`` under the current directory. Never
        inside the client folder.
    notebooks_dir : path
        The chapter notebooks.
    workers : int, optional
        Notebooks executed at once; default: the number of CPU cores, at most 4.

    Returns
    -------
    Path
        The report file.
    """
    from cxlib.client import load_client

    client_dir = Path(client_dir).resolve()
    client = load_client(client_dir)  # a DataError here costs no kernel start
    out = (Path(out_dir) if out_dir else Path("reports") / client_dir.name).resolve()
    _refuse_out(out, client_dir)
    notebooks = chapter_notebooks(Path(notebooks_dir))
    if not notebooks:
        raise ValueError(f"no chapter notebooks (NN_*.ipynb) found in {notebooks_dir}: the kit is installed without "
                         f"them")
    out.parent.mkdir(parents=True, exist_ok=True)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate_as_exit)
    with _locked(out):
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
        try:
            _run_into(client, client_dir, staging, notebooks, workers, echo)
            _publish(staging, out)
        except RunFailed as error:
            failed = out.with_name(f"{out.name}-failed")
            shutil.rmtree(failed, ignore_errors=True)
            staging.rename(failed)
            raise RunFailed(f"{error}\n  the executed notebooks, each error in place, are in {failed}; "
                            f"{out} was left as it was") from error
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    echo(f"  report:             {out / 'report.html'}")
    echo(f"  executed notebooks: {out}")
    return out / "report.html"


def _run_into(client, client_dir: Path, staging: Path, notebooks: list[Path], workers: int | None, echo) -> None:
    """Execute the notebooks into ``staging``, write the report there, then move it into place."""
    from cxlib.client.cache import CACHE_VARIABLE, remove_cache, write_cache
    from cxlib.diagnosis import diagnose
    from cxlib.report import write_report

    left_out = [(nb, CHAPTER_NEEDS[nb.stem][1]) for nb in notebooks
                if nb.stem in CHAPTER_NEEDS and not len(client.tables[CHAPTER_NEEDS[nb.stem][0]])]
    notebooks = [nb for nb in notebooks if nb not in dict(left_out)]
    echo(f"cxkit: diagnosing {client.name} ({client_dir}) with {len(notebooks)} notebooks")
    _say_how_read(client, echo)
    for notebook, file in left_out:
        echo(f"  left out: {notebook.stem} ({file} not supplied)")
    started = time.perf_counter()
    # Every notebook loads the client; read and validate it once and let the kernels take it from a cache.
    cache = write_cache(client)
    previous = os.environ.get(CACHE_VARIABLE)
    os.environ[CACHE_VARIABLE] = str(cache)
    try:
        failures = _execute_all(notebooks, staging, client_dir, workers or min(4, os.cpu_count() or 1), echo)
    finally:
        remove_cache(cache)
        if previous is None:
            os.environ.pop(CACHE_VARIABLE, None)
        else:
            os.environ[CACHE_VARIABLE] = previous
    if failures:
        raise RunFailed(f"{len(failures)} of {len(notebooks)} notebooks failed, so no report was written:\n"
                        + "\n".join(f"  - {failure}" for failure in failures))
    # The report is built from the results, not from the notebooks: chapters without their file say so themselves.
    write_report(client, diagnose(client), staging / "report.html")
    echo(f"cxkit: done in {time.perf_counter() - started:.1f} s")


def check(client_dir: str | Path, echo=say) -> None:
    """Validate a client folder and say how each file was read; raise :class:`cxlib.DataError` listing every problem."""
    from cxlib.client import load_client

    client = load_client(client_dir)
    echo(f"cxkit: {client.name}: every file is valid")
    _say_how_read(client, echo)
    summary = client.summary()
    for table, row in summary.iterrows():
        derived = table == "survey_counts" and row["rows"] and not row["supplied"]
        state = "" if row["supplied"] else "  (derived from survey.csv)" if derived else "  (not supplied)"
        echo(f"  {row['file']:<22} {row['rows']:>7} rows{state}")


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


def new_client(folder: str | Path, template: Path = TEMPLATE_CLIENT) -> Path:
    """Copy the client template into a new folder (which must not exist yet)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} already exists and is not empty; choose a new folder")
    shutil.copytree(template, folder, dirs_exist_ok=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    from cxlib.client import DataError

    parser = argparse.ArgumentParser(prog="cxkit", description="The customer-service diagnosis kit.")
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="run every notebook on a client folder and write the report")
    run_parser.add_argument("client_dir")
    run_parser.add_argument("--out", help="output folder (default: reports/<client folder name>)")
    run_parser.add_argument("--notebooks", default=str(NOTEBOOKS), help="folder of the chapter notebooks")
    run_parser.add_argument("--workers", type=int, help="notebooks run at once (default: CPU cores, at most 4)")
    new_parser = commands.add_parser("new-client", help="start a client folder from the template")
    new_parser.add_argument("folder")
    check_parser = commands.add_parser("check", help="validate a client folder and list every problem")
    check_parser.add_argument("client_dir")
    export_parser = commands.add_parser("export-comments", help="write the comments to a CSV safe to share")
    export_parser.add_argument("client_dir")
    export_parser.add_argument("--out", required=True, help="the CSV file to write")
    export_parser.add_argument("--pseudonymise", action="store_true",
                               help="replace customer ids with keyed hashes (key in $CXKIT_PSEUDONYM_KEY)")
    aggregate_parser = commands.add_parser("aggregate", help="turn a survey file of any size into survey_counts.csv")
    aggregate_parser.add_argument("survey", help="survey.csv or survey.parquet, any size")
    aggregate_parser.add_argument("--out", required=True, help="the client folder to write survey_counts.csv into")
    aggregate_parser.add_argument("--frequency", default="quarter", choices=["month", "quarter", "year"])
    exercises_parser = commands.add_parser("exercises", help="write the student copies of the notebooks")
    exercises_parser.add_argument("--out", default=str(NOTEBOOKS / "exercises"))
    exercises_parser.add_argument("--to", help="a student's own workspace, outside the kit's folder")
    grade_parser = commands.add_parser("grade", help="run every student's notebooks and write the gradebook")
    grade_parser.add_argument("folder", help="one subfolder (or one notebook) per student")
    grade_parser.add_argument("--out", help="where grades.csv and grades.html go (default: the folder)")
    grade_parser.add_argument("--language", default="en", choices=["en", "ru"])
    refresh_parser = commands.add_parser("refresh", help="re-execute notebooks in place on the demo (authors)")
    refresh_parser.add_argument("notebooks", nargs="*", type=Path)
    demo_parser = commands.add_parser("demo", help="rewrite the demo company's files")
    demo_parser.add_argument("folder", nargs="?", default=str(KIT_ROOT / "data" / "demo"))
    args = parser.parse_args(argv)

    try:
        if args.command == "run":
            run(args.client_dir, args.out, args.notebooks, args.workers)
        elif args.command == "new-client":
            folder = new_client(args.folder)
            say(f"cxkit: new client folder {folder}; fill in client.toml and the CSV files, then: cxkit run {folder}")
        elif args.command == "check":
            check(args.client_dir)
        elif args.command == "export-comments":
            from cxlib.client import load_client
            from cxlib.privacy import export_comments

            if Path(args.client_dir).resolve() in Path(args.out).resolve().parents:
                raise ValueError(f"{args.out} is inside the client folder; the kit never writes there: choose "
                                 f"another --out")
            path = export_comments(load_client(args.client_dir).survey, args.out, pseudonymise_ids=args.pseudonymise)
            ids = "pseudonymised" if args.pseudonymise else "as given, unless an id is itself a contact detail"
            say(f"cxkit: comments written to {path} (contact details masked in every column, customer ids {ids};"
                " safe to open in a spreadsheet)")
        elif args.command == "aggregate":
            from cxlib.aggregate import aggregate

            started = time.perf_counter()
            path = aggregate(args.survey, args.out, frequency=args.frequency)
            say(f"cxkit: {path} written in {time.perf_counter() - started:.1f} s")
        elif args.command == "exercises":
            from cxlib.exercises import write_exercises, write_workspace

            written = write_workspace(NOTEBOOKS, Path(args.to)) if args.to else write_exercises(NOTEBOOKS,
                                                                                                 Path(args.out))
            for path in written:
                say(f"cxkit: student copy {path}")
        elif args.command == "grade":
            from cxlib.grade import write_gradebook

            for path in write_gradebook(Path(args.folder), args.out and Path(args.out), args.language):
                say(f"cxkit: {path}")
        elif args.command == "refresh":
            refresh_notebooks(args.notebooks)
        elif args.command == "demo":
            from cxlib.demo import write_demo

            say(f"cxkit: demo company written to {write_demo(args.folder)}")
    except DataError as error:
        say(f"cxkit: the client's files need fixing first.\n{error}", file=sys.stderr)
        return 1
    except (RunFailed, FileExistsError, ValueError) as error:
        say(f"cxkit: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # a read-only --out, a full disk: the kit's message, not a traceback
        say(f"cxkit: cannot write {error.filename or 'the output'}: {error.strerror or error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        say("cxkit: interrupted; nothing was written and the output folder was left as it was", file=sys.stderr)
        return 128 + signal.SIGINT
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
