"""The report's voice chapter (placeholder until it is written)."""

from __future__ import annotations

from typing import Any

from cxlib.chapters import Chapter


def build(client: Any, result: Any) -> Chapter:
    return Chapter(key="voice", title="voice", unavailable="…")
