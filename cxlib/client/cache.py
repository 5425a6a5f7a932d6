"""The run's cache of a validated client, so that every notebook's kernel need not read the files again.

``cxkit run`` validates the client once and writes its tables here; each
kernel finds the cache through ``CXKIT_CLIENT_CACHE`` and uses it only when
the client folder's files still have the same content (a SHA-256 of each
file). The format holds data only, never code: NumPy arrays read with
``allow_pickle=False`` (text as UTF-8 bytes plus offsets) and JSON. The cache
lives in a private temporary folder (mode 0700, owned by the user running
the kit, checked before reading), never in the output folder handed to the
client, and ``cxkit run`` deletes it on every exit path it controls.

Examples
--------
>>> folder = write_cache(client)                      # doctest: +SKIP
>>> read_cache(folder, client.path).name              # doctest: +SKIP
'Motorline Service'
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from cxlib.client import Client

CACHE_VARIABLE = "CXKIT_CLIENT_CACHE"
CHUNK = 1 << 20


def fingerprint(folder: Path) -> dict[str, str]:
    """The content of a client folder: each file's name and the SHA-256 of its bytes."""
    digests = {}
    for path in sorted(p for p in Path(folder).iterdir() if p.is_file()):
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while block := handle.read(CHUNK):
                digest.update(block)
        digests[path.name] = digest.hexdigest()
    return digests


def _column_arrays(series: pd.Series) -> tuple[str, dict[str, np.ndarray]]:
    """A column as plain arrays (no Python objects) and the kind that says how to rebuild it."""
    dtype = str(series.dtype)
    if dtype in ("Int64", "boolean"):
        blank = 0 if dtype == "Int64" else False  # a blank yes/no (contacts.csv) fills with False, not 0
        return dtype, {"values": series.fillna(blank).to_numpy(dtype="int64" if dtype == "Int64" else "bool"),
                       "mask": series.isna().to_numpy()}
    if series.dtype.kind in "iufbM":
        return dtype, {"values": series.to_numpy()}
    encoded = [str(value).encode("utf-8") for value in series.fillna("")]
    offsets = np.cumsum([0] + [len(value) for value in encoded], dtype=np.int64)
    return "str", {"bytes": np.frombuffer(b"".join(encoded), dtype=np.uint8), "offsets": offsets}


def _column(kind: str, arrays: dict[str, np.ndarray], index: pd.Index) -> pd.Series:
    if kind in ("Int64", "boolean"):
        return pd.Series(pd.arrays.IntegerArray(arrays["values"], arrays["mask"]) if kind == "Int64"
                         else pd.arrays.BooleanArray(arrays["values"], arrays["mask"]), index=index)
    if kind == "str":
        data, offsets = arrays["bytes"].tobytes(), arrays["offsets"]
        texts = [data[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(len(offsets) - 1)]
        return pd.Series(texts, index=index, dtype="str")
    return pd.Series(arrays["values"], index=index, dtype=kind)


CACHE_PREFIX = "cxkit-cache-"


def write_cache(client: Client) -> Path:
    """Write a validated client to a new private temporary folder; return the folder.

    The folder's name carries this process's id, so that the next run can remove what a killed run left.
    """
    sweep_stale_caches()
    folder = Path(tempfile.mkdtemp(prefix=f"{CACHE_PREFIX}{os.getpid()}-"))  # mode 0700, owned by this user
    layout: dict[str, Any] = {}
    for key, table in client.tables.items():
        arrays = {"index": table.index.to_numpy(dtype=np.int64)}
        columns = []
        for position, name in enumerate(table.columns):
            kind, parts = _column_arrays(table[name])
            columns.append({"name": name, "kind": kind})
            arrays.update({f"{position}.{part}": values for part, values in parts.items()})
        np.savez(folder / f"{key}.npz", **arrays)
        layout[key] = {"index": table.index.name, "columns": columns}
    meta = {"path": str(Path(client.path).resolve()), "fingerprint": fingerprint(client.path), "config": client.config,
            "sources": [vars(source) for source in client.sources], "notes": client.notes,
            "csat_source": client.csat_source, "layout": layout}
    (folder / "client.json").write_text(json.dumps(meta, ensure_ascii=False, default=str), encoding="utf-8")
    return folder


def _private(folder: Path) -> bool:
    """Whether only this user can have written the folder: ours, and no one else may write or enter it."""
    info = folder.lstat()
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH | stat.S_IXGRP | stat.S_IXOTH))


def read_cache(folder: Path, client_folder: Path) -> Client | None:
    """The cached client, when the cache is private and the client folder's files are unchanged; else None."""
    from cxlib.client import Client, SourceInfo

    folder = Path(folder)
    if not folder.is_dir() or not _private(folder):
        return None
    meta = json.loads((folder / "client.json").read_text(encoding="utf-8"))
    if meta["path"] != str(Path(client_folder).resolve()) or meta["fingerprint"] != fingerprint(client_folder):
        return None
    tables = {}
    for key, shape in meta["layout"].items():
        columns = shape["columns"]
        with np.load(folder / f"{key}.npz", allow_pickle=False) as arrays:
            index = pd.Index(arrays["index"], name=shape["index"])
            parts = {}
            for position, column in enumerate(columns):
                names = [n for n in arrays.files if n.startswith(f"{position}.")]
                parts[column["name"]] = _column(column["kind"], {n.split(".", 1)[1]: arrays[n] for n in names}, index)
            tables[key] = pd.DataFrame(parts, index=index)
    sources = [SourceInfo(**source) for source in meta["sources"]]
    return Client(Path(meta["path"]), meta["config"], tables, sources, meta["notes"], meta["csat_source"])


def remove_cache(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def sweep_stale_caches(root: str | Path | None = None) -> list[Path]:
    """Remove this user's caches whose run has ended without removing them (a killed run); return them.

    A SIGKILL leaves no chance to clean up, so the client's raw data would stay in the temporary folder until the
    next run; a cache is stale when the process named in its folder no longer exists.
    """
    removed = []
    for folder in Path(root or tempfile.gettempdir()).glob(f"{CACHE_PREFIX}*-*"):
        owner = folder.name[len(CACHE_PREFIX):].split("-", 1)[0]
        if owner.isdigit() and _private(folder) and not _process_alive(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _cached(folder: Path) -> Client | None:
    cache = os.environ.get(CACHE_VARIABLE)
    return read_cache(Path(cache), folder) if cache else None
