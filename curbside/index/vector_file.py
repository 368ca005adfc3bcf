"""The stored vectors as files beside the library, memory-mapped by every process that searches.

Read from SQLite, the 85k x 384 float32 matrix of the demo library takes about 0.26 s to load and
its own 130 MB in each `curbside serve` worker. Written once to `index/` in the library folder
as .npy files and opened with `mmap_mode="r"`, it loads at once and its pages are the operating
system's file cache, shared by every worker (bench/load.py reports each worker's resident and
proportional memory).

The files are a copy, never the record: they carry the fingerprint of the `embeddings` table
they were made from (how many vectors, the sum of their passage keys, the models), and a process
that finds another fingerprint in the database rebuilds them. They are written to temporary names
and renamed into place, the fingerprint last, so a reader never maps half a file; a process that
had the old files mapped keeps reading them until it reloads. A folder that cannot be written
only costs the sharing: the matrix is then read from SQLite as before.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path

import numpy as np

from ..store import embeddings

FOLDER = "index"  # files derived from the database, beside it in the library folder
_MATRIX, _KEYS, _STAMP = "matrix.npy", "pks.npy", "fingerprint.json"


def load(conn: sqlite3.Connection, library_folder: Path) -> tuple[np.ndarray, np.ndarray]:
    """(pks, matrix) of the stored vectors: memory-mapped from the files when they match the
    database, else read from the database and the files written for the next process."""
    folder = Path(library_folder) / FOLDER
    stamp = embeddings.fingerprint(conn)
    mapped = _mapped(folder, stamp)
    if mapped is not None:
        return mapped
    pks, matrix = embeddings.load_matrix(conn)
    if len(pks):
        try:
            _write(folder, stamp, pks, matrix)
        except OSError:
            return pks, matrix  # a read-only library folder: no sharing, same answers
        mapped = _mapped(folder, stamp)
        if mapped is not None:
            return mapped
    return pks, matrix


def _mapped(folder: Path, stamp: list) -> tuple[np.ndarray, np.ndarray] | None:
    try:
        if json.loads((folder / _STAMP).read_text(encoding="utf-8")) != stamp:
            return None
        pks = np.load(folder / _KEYS)
        matrix = np.load(folder / _MATRIX, mmap_mode="r")
    except (OSError, ValueError):
        return None
    if matrix.ndim != 2 or len(pks) != len(matrix) or len(pks) != stamp[0] or matrix.dtype != np.float32:
        return None
    return pks, matrix


def _write(folder: Path, stamp: list, pks: np.ndarray, matrix: np.ndarray) -> None:
    folder.mkdir(exist_ok=True)
    for name, array in ((_KEYS, pks), (_MATRIX, matrix)):
        replace_file(folder, name, lambda handle, a=array: np.save(handle, np.ascontiguousarray(a)))
    replace_file(folder, _STAMP, lambda handle: handle.write(json.dumps(stamp).encode("utf-8")))


def replace_file(folder: Path, name: str, write) -> None:
    """Write to a temporary file in `folder`, then rename it over `name` (atomic on one file system)."""
    handle = tempfile.NamedTemporaryFile(dir=folder, prefix=f".{name}.", delete=False)
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, folder / name)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
