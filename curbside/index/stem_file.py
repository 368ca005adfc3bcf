"""The full-text index's frequent stems as a file beside the library, read at once by every process.

Finding the stems in at least COMMON_TERM_SHARE of the passages scans the index's vocabulary:
about 0.25 s on the demo library, paid by each new process on its first search (a cold `curbside
ask`, each serve worker). The answer is written once to `index/common-stems.json` with the
fingerprint of the full-text index it was read from (its row count and largest row id) and the share asked
for; a process that finds another fingerprint reads the index again and rewrites the file. The file
is written to a temporary name and renamed into place; an unwritable folder only costs the time.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ..store import sources as store
from .vector_file import FOLDER, replace_file

_NAME = "common-stems.json"


def common_stems(conn: sqlite3.Connection, library_folder: Path, min_share: float) -> frozenset[str]:
    folder = Path(library_folder) / FOLDER
    stamp = [*store.fts_fingerprint(conn), min_share]
    try:
        saved = json.loads((folder / _NAME).read_text(encoding="utf-8"))
        if saved.get("fingerprint") == stamp:
            return frozenset(saved["stems"])
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        pass
    found = store.common_stems(conn, min_share)
    body = json.dumps({"fingerprint": stamp, "stems": sorted(found)}).encode("utf-8")
    try:
        folder.mkdir(exist_ok=True)
        replace_file(folder, _NAME, lambda handle: handle.write(body))
    except OSError:
        pass  # a read-only library folder: the stems are read from the index each time
    return found
