"""Ship what runs: the built wheel carries the notebooks, the template and the demo, and runs from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_runs_the_demo_from_another_folder(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "-w", str(wheels), str(KIT_ROOT)], check=True)
    [wheel] = wheels.glob("cxlib-*.whl")
    target = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
    python = target / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # the kit's dependencies come from the test environment; the kit itself only from the wheel
    Path(site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)], check=True)
    share = target / "share" / "cxkit"
    assert sorted(p.name for p in (share / "notebooks").glob("0*.ipynb"))[:2] == ["00_start_here.ipynb",
                                                                                  "01_lifecycle_stage.ipynb"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PATH": f"{target / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")  # nbconvert's templates, with its package
    result = subprocess.run([target / "bin" / "cxkit", "run", str(share / "data" / "demo"), "--out", "out",
                             "--workers", "2"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "out" / "report.html").is_file()
    assert "Motorline Service" in (elsewhere / "out" / "report.html").read_text(encoding="utf-8")
    new = subprocess.run([target / "bin" / "cxkit", "new-client", "acme"], cwd=elsewhere, env=env,
                         capture_output=True, text=True)
    assert new.returncode == 0 and (elsewhere / "acme" / "client.toml").is_file()
