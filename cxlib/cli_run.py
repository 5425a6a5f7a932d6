"""``cxkit run``: a client folder in, executed notebooks and the report out, never half of one.

The output is written to a hidden sibling under a lock and moved into place only when every notebook ran; a
failed run goes to ``<out>-failed``; Ctrl-C or SIGTERM leave the output folder as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from cxlib.cli_notebooks import CHAPTER_NEEDS, NOTEBOOKS, RunFailed, _execute_all, chapter_notebooks
from cxlib.cli_terminal import _say_how_read, say
from cxlib.client.cache import _process_alive


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
