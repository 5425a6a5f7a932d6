"""What each ``cxkit`` subcommand does, one function per subcommand (:data:`COMMANDS`), given its parsed arguments."""

from __future__ import annotations

import argparse
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from cxlib.cli_notebooks import NOTEBOOKS, TEMPLATE_CLIENT, refresh_notebooks
from cxlib.cli_run import run
from cxlib.cli_terminal import _say_how_read, say


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



def new_client(folder: str | Path, template: Path = TEMPLATE_CLIENT) -> Path:
    """Copy the client template into a new folder (which must not exist yet)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} already exists and is not empty; choose a new folder")
    shutil.copytree(template, folder, dirs_exist_ok=True)
    return folder



def _run_command(args: argparse.Namespace) -> None:
    run(args.client_dir, args.out, args.notebooks, args.workers)


def _new_client_command(args: argparse.Namespace) -> None:
    folder = new_client(args.folder)
    say(f"cxkit: new client folder {folder}; fill in client.toml and the CSV files, then: cxkit run {folder}")


def _check_command(args: argparse.Namespace) -> None:
    check(args.client_dir)


def _export_comments_command(args: argparse.Namespace) -> None:
    from cxlib.client import load_client
    from cxlib.privacy import export_comments

    if Path(args.client_dir).resolve() in Path(args.out).resolve().parents:
        raise ValueError(f"{args.out} is inside the client folder; the kit never writes there: choose "
                         f"another --out")
    path = export_comments(load_client(args.client_dir).survey, args.out, pseudonymise_ids=args.pseudonymise)
    ids = "pseudonymised" if args.pseudonymise else "as given, unless an id is itself a contact detail"
    say(f"cxkit: comments written to {path} (contact details masked in every column, customer ids {ids};"
        " safe to open in a spreadsheet)")


def _aggregate_command(args: argparse.Namespace) -> None:
    from cxlib.aggregate import aggregate

    started = time.perf_counter()
    path = aggregate(args.survey, args.out, frequency=args.frequency)
    say(f"cxkit: {path} written in {time.perf_counter() - started:.1f} s")


def _exercises_command(args: argparse.Namespace) -> None:
    from cxlib.exercises import write_exercises, write_workspace

    written = write_workspace(NOTEBOOKS, Path(args.to)) if args.to else write_exercises(NOTEBOOKS, Path(args.out))
    for path in written:
        say(f"cxkit: student copy {path}")


def _grade_command(args: argparse.Namespace) -> None:
    from cxlib.grade import write_gradebook

    for path in write_gradebook(Path(args.folder), args.out and Path(args.out), args.language):
        say(f"cxkit: {path}")


def _refresh_command(args: argparse.Namespace) -> None:
    refresh_notebooks(args.notebooks)


def _demo_command(args: argparse.Namespace) -> None:
    from cxlib.demo import write_demo

    say(f"cxkit: demo company written to {write_demo(args.folder)}")


#: Each subcommand's implementation, by the name typed after ``cxkit``.
COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "run": _run_command, "new-client": _new_client_command, "check": _check_command,
    "export-comments": _export_comments_command, "aggregate": _aggregate_command, "exercises": _exercises_command,
    "grade": _grade_command, "refresh": _refresh_command, "demo": _demo_command,
}
