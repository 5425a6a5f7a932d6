"""pyproject.toml (pip) and environment.yml (conda) name the same packages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parents[1]
DESIGN_CARD = {"jupyterlab", "pandas", "matplotlib", "seaborn", "scipy", "nbval"}


def pip_requirements() -> dict[str, str]:
    project = tomllib.loads((KIT_ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return dict(split(r) for r in requirements)


def conda_requirements() -> tuple[dict[str, str], list[str]]:
    conda, pip, in_pip = {}, [], False
    text = (KIT_ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        stripped = line.split("#", 1)[0].rstrip()
        if stripped.strip() == "- pip:":
            in_pip = True
        elif re.match(r"^ {6}- ", stripped) and in_pip:
            pip.append(stripped.strip()[2:])
        elif re.match(r"^ {2}- ", stripped):
            in_pip = False
            name, spec = split(stripped.strip()[2:])
            conda[name] = spec
    return conda, pip


def split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^([A-Za-z0-9_.\-]+)(.*)$", requirement.strip()).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_same_packages_and_versions():
    conda, _ = conda_requirements()
    conda.pop("python")
    conda.pop("pip")
    assert conda == pip_requirements()


def test_conda_installs_the_kit_itself_with_pip():
    _, pip = conda_requirements()
    assert pip == ["-e ."]


def test_python_versions_agree():
    conda, _ = conda_requirements()
    requires = tomllib.loads((KIT_ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert conda["python"] == requires


def test_design_card_packages_are_all_named():
    assert DESIGN_CARD <= set(pip_requirements())
