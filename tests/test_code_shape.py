"""The code keeps the shape the guide asks for: no module over ~400 lines, no function over ~60.

Read as syntax, so a new module or function is held to it the day it is written. A function's
docstring does not count against it (a numpydoc docstring with an example is long, and welcome).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cxlib"
MODULE_LINES = 400
FUNCTION_LINES = 60


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _long_functions(source: str, limit: int) -> list[tuple[str, int]]:
    """Functions whose lines, less their docstring, exceed ``limit``: (name, lines)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        lines = node.end_lineno - node.lineno + 1
        docstring = ast.get_docstring(node, clean=False)
        if docstring is not None:
            first = node.body[0]
            lines -= first.end_lineno - first.lineno + 1
        if lines > limit:
            found.append((node.name, lines))
    return found


@pytest.mark.parametrize("module", _modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_module_and_its_functions_are_short(module: Path) -> None:
    source = module.read_text(encoding="utf-8")
    lines = source.count("\n")
    assert lines <= MODULE_LINES, f"{module.name} has {lines} lines; split it by what its parts do"
    assert not _long_functions(source, FUNCTION_LINES), f"{module.name}: functions too long (name, lines)"


def test_the_rule_catches_a_long_function_but_not_a_long_docstring() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(61))
    long_code = f"def f():\n{body}\n"
    long_docstring = 'def g():\n    """' + "\n    words" * 100 + '\n    """\n    return 1\n'
    assert _long_functions(long_code, FUNCTION_LINES) == [("f", 62)]
    assert _long_functions(long_docstring, FUNCTION_LINES) == []
