"""The ``cxkit`` argument parser: one subparser per subcommand, with its arguments and help."""

from __future__ import annotations

import argparse
from pathlib import Path

from cxlib.cli_notebooks import KIT_ROOT, NOTEBOOKS


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``cxkit``'s command line; the subcommand's name is ``args.command``."""
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
    return parser
