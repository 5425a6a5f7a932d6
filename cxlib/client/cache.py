"""The run's cache of a validated client, so that every notebook's kernel need not read the files again."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cxlib.client import Client

CACHE_VARIABLE = "CXKIT_CLIENT_CACHE"


def _fingerprint(folder: Path) -> tuple:
    """What a cached client must match: the folder, each file's name, size and modification time."""
    files = tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file())
    return str(folder.resolve()), files


def save_cache(client: Client, path: str | Path) -> Path:
    """Store a validated client so that :func:`load_client` in other processes can skip reading the files.

    ``cxkit run`` validates the client once, saves it here and points the
    notebooks' kernels at it through the ``CXKIT_CLIENT_CACHE`` variable; the
    cache is used only while every file is unchanged, and removed after the run.
    """
    path = Path(path)
    with open(path, "wb") as handle:
        pickle.dump((_fingerprint(client.path), client), handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _cached(folder: Path) -> Client | None:
    cache = os.environ.get(CACHE_VARIABLE)
    if not cache or not Path(cache).is_file():
        return None
    with open(cache, "rb") as handle:  # written by this kit's own run, never by a client
        fingerprint, client = pickle.load(handle)
    return client if fingerprint == _fingerprint(folder) else None


