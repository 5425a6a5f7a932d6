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

The subcommands live in modules named for what they do: :mod:`cxlib.cli_parser`
(the arguments), :mod:`cxlib.cli_commands` (one function per subcommand),
:mod:`cxlib.cli_run` (``cxkit run``), :mod:`cxlib.cli_notebooks` (finding and
executing the notebooks) and :mod:`cxlib.cli_terminal` (what is printed); their
names are importable from here.
"""

from __future__ import annotations

import signal
import sys

from cxlib.cli_commands import (  # noqa: F401 - the subcommands' implementations stay importable from here
    COMMANDS,
    _aggregate_command,
    _check_command,
    _demo_command,
    _exercises_command,
    _export_comments_command,
    _grade_command,
    _new_client_command,
    _refresh_command,
    _run_command,
    check,
    new_client,
)
from cxlib.cli_notebooks import (  # noqa: F401 - the private helpers stay importable from here
    CHAPTER_NEEDS,
    KERNEL_ATTEMPTS,
    KERNEL_START_SECONDS,
    KERNEL_TROUBLE,
    KIT_ROOT,
    NOTEBOOKS,
    PAPERMILL_RUN_FIELDS,
    QUIET_KERNEL,
    REPORT_ORDER,
    TEMPLATE_CLIENT,
    RunFailed,
    _coalesced,
    _execute_all,
    _kernel_trouble,
    _kit_root,
    _leave_ctrl_c_to_the_run,
    _normalise,
    chapter_notebooks,
    execute_notebook,
    refresh_notebooks,
)
from cxlib.cli_parser import build_parser
from cxlib.cli_run import _locked, _publish, _refuse_out, _run_into, _terminate_as_exit, run  # noqa: F401
from cxlib.cli_terminal import _hidden, _say_how_read, printable, say  # noqa: F401

__all__ = [
    "CHAPTER_NEEDS", "COMMANDS", "KERNEL_ATTEMPTS", "KERNEL_START_SECONDS", "KERNEL_TROUBLE", "KIT_ROOT", "NOTEBOOKS",
    "PAPERMILL_RUN_FIELDS", "QUIET_KERNEL", "REPORT_ORDER", "TEMPLATE_CLIENT", "RunFailed", "build_parser",
    "chapter_notebooks", "check", "execute_notebook", "main", "new_client", "printable", "refresh_notebooks", "run",
    "say",
]


def main(argv: list[str] | None = None) -> int:
    """Run the subcommand ``argv`` names (default: the command line's); return the exit status.

    A problem the kit can explain (the client's data, a failed notebook, a folder it will not write) is said in
    one message and gives 1; Ctrl-C gives 130 with nothing written.
    """
    from cxlib.client import DataError

    args = build_parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
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
