"""One source for each rule: a number the catalogue holds is not written again as a literal in the code.

The code is read as syntax (``ast``), not as text, so comments and docstrings may quote the numbers. Four rules:

* The NPS cut points (``catalog/scales.toml``): no comparison of a score with 6, 7, 8 or 9 and no slice of score
  counts at 7 or 9 outside :mod:`cxlib.scales`, which reads them; code calls ``nps_group_counts``/``nps_group``.
* The answer scales: no tuple ``(0, 10)`` (NPS), ``(1, 7)`` (the usual CES) or ``(1, 5)`` (CSI) as a default or a
  comparison outside :mod:`cxlib.scales`; code calls ``answer_scale``.
* The repeat buyer (``catalog/loyalty.toml``): no comparison of purchases with its minimum outside
  :mod:`cxlib.loyalty`, which reads it; code takes ``loyalty.REPEAT_MIN``.
* Every threshold, setting and cut point under a rule table of the catalogue (``[thresholds]``, ``[scoring]``,
  ``[settings]``, ...): no ``.get("<key>", <its value>)`` fallback and no parameter (or dataclass field)
  ``<key>=<its value>`` default, which would keep working, unseen, after the catalogue changes. The confidence
  ``level`` is exempt: every statistic takes it as scipy's functions take ``confidence_level``, and the report
  passes its own.

A failure names the file, line and rule; the fix is to read the catalogue (or ``cxlib.scales``) there.
"""

from __future__ import annotations

import ast
import tomllib
from collections import defaultdict
from pathlib import Path

from cxlib import loyalty, scales

CXLIB = Path(__file__).resolve().parents[1] / "cxlib"
RULE_TABLES = {"thresholds", "scoring", "settings", "priority", "headline", "claims", "status", "matching", "nps",
               "ces", "csi"}
EXEMPT_KEYS = {"level"}
CUT_POINTS = {scales.DETRACTOR_MAX, scales.DETRACTOR_MAX + 1, scales.PROMOTER_MIN - 1, scales.PROMOTER_MIN}
COUNT_SLICES = {scales.DETRACTOR_MAX + 1, scales.PROMOTER_MIN}
SCORE_WORDS = ("nps", "score", "latest", "recommend")
COUNT_RULES = {"purchases": {loyalty.REPEAT_MIN, loyalty.REPEAT_MIN - 1}}  # >= 2 or > 1: the same rule
SCALES = {scales.NPS_SCALE, scales.CSI_SCALE, scales.answer_scale("ces")}


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(CXLIB.rglob("*.py"))
            if path.name not in ("scales.py", "loyalty.py")]


def _number(node: ast.AST) -> float | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    return None


def _rule_values() -> dict[str, set[float]]:
    """Each key of a rule table anywhere in the catalogue, with the numbers it takes there."""
    found: dict[str, set[float]] = defaultdict(set)

    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, [*path, str(key)])
        elif type(value) in (int, float) and len(path) >= 2 and path[-2] in RULE_TABLES:
            found[path[-1]].add(value)

    for toml in sorted((CXLIB / "catalog").rglob("*.toml")):
        walk(tomllib.loads(toml.read_text(encoding="utf-8")), [])
    return {key: values for key, values in found.items() if key not in EXEMPT_KEYS}


def _where(path: Path, node: ast.AST, what: str) -> str:
    return f"{path.relative_to(CXLIB.parent)}:{node.lineno}: {what}"


def _cut_point_uses(path: Path, tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            text = ast.unparse(node).lower()
            if any(_number(o) in CUT_POINTS for o in operands) and any(w in text for w in SCORE_WORDS):
                found.append(_where(path, node, f"an NPS cut point in `{ast.unparse(node)}`"))
            for word, values in COUNT_RULES.items():
                if word in text and any(_number(o) in values for o in operands):
                    found.append(_where(path, node, f"the catalogue's minimum {word} in `{ast.unparse(node)}`"))
        elif isinstance(node, ast.Slice):
            if {_number(b) for b in (node.lower, node.upper) if b is not None} & COUNT_SLICES:
                found.append(_where(path, node, f"score counts sliced at a cut point `{ast.unparse(node)}`"))
    return found


def _scale_uses(path: Path, tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        defaults: list[ast.AST] = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            defaults = [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
        elif isinstance(node, ast.Compare):
            defaults = [node.left, *node.comparators]
        elif isinstance(node, ast.Call):
            defaults = [keyword.value for keyword in node.keywords if keyword.arg == "scale"]
        for value in defaults:
            if isinstance(value, ast.Tuple) and tuple(_number(e) for e in value.elts) in SCALES:
                found.append(_where(path, value, f"an answer scale written out `{ast.unparse(value)}`"))
    return found


def _default_uses(path: Path, tree: ast.Module, rules: dict[str, set[float]]) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and len(node.args) == 2 \
                and node.func.attr in ("get", "setdefault") and isinstance(node.args[0], ast.Constant):
            key, value = node.args[0].value, _number(node.args[1])
            if key in rules and value in rules[key]:
                found.append(_where(path, node, f"the catalogue's {key} = {value} as a fallback"))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = [*node.args.posonlyargs, *node.args.args]
            pairs = list(zip(arguments[len(arguments) - len(node.args.defaults):], node.args.defaults, strict=True))
            pairs += [(a, d) for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True) if d]
            for argument, default in pairs:
                if argument.arg in rules and _number(default) in rules[argument.arg]:
                    found.append(_where(path, default, f"the catalogue's {argument.arg} as a default"))
        elif isinstance(node, ast.ClassDef):  # a dataclass field's default is a parameter's default too
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) \
                        and statement.value is not None and statement.target.id in rules \
                        and _number(statement.value) in rules[statement.target.id]:
                    found.append(_where(path, statement, f"the catalogue's {statement.target.id} as a field default"))
    return found


def test_the_rules_are_read_from_the_catalogue_not_written_again():
    rules = _rule_values()
    assert {"repeat_window_days", "min_respondents", "typo_min_length", "detractor_max"} <= set(rules)
    found = []
    for path, tree in _modules():
        found += _cut_point_uses(path, tree) + _scale_uses(path, tree) + _default_uses(path, tree, rules)
    assert not found, "numbers the catalogue holds, written again in code:\n" + "\n".join(found)


def test_the_check_sees_what_it_should():
    """Each rule catches its own example, so a silent test cannot pass."""
    rules = {"typo_min_length": {6}, "min_answers": {30}}
    code = "d = (nps <= 6).sum()\np = counts[9:].sum()\nr = (customers['purchases_12m'] >= 2).sum()"
    caught = _cut_point_uses(Path(CXLIB / "x.py"), ast.parse(code))
    assert len(caught) == 3
    assert len(_scale_uses(Path(CXLIB / "x.py"), ast.parse("def f(scale=(1, 7)): pass"))) == 1
    code = ("a = settings.get('typo_min_length', 6)\ndef f(min_answers: int = 30): pass\nb = s.get('other', 6)\n"
            "class M:\n    typo_min_length: int = 6\n    other: int = 6")
    assert len(_default_uses(Path(CXLIB / "x.py"), ast.parse(code), rules)) == 3
