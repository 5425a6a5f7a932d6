"""Fixtures shared by the unit tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

KIT_ROOT = Path(__file__).resolve().parents[1]
DEMO = KIT_ROOT / "data" / "demo"

SURVEY_HEADER = ("response_id,date,channel,segment,customer_id,nps,csi,ces,reason_code,comment,"
                 "contact_at,followed_up_at")


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A writable copy of the demo company."""
    return Path(shutil.copytree(DEMO, tmp_path / "demo"))


def write_client(folder: Path, survey_rows: list[str], header: str = SURVEY_HEADER,
                 toml: str = 'name = "Test Co"\n', encoding: str = "utf-8") -> Path:
    """A minimal client folder: client.toml and survey.csv only."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "client.toml").write_text(toml, encoding="utf-8")
    (folder / "survey.csv").write_bytes(("\n".join([header, *survey_rows]) + "\n").encode(encoding))
    return folder
