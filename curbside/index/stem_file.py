"""The full-text index's frequent stems as a file beside the library, read at once by every process.

Finding the stems in at least a given share of the passages (and that share) scans the index's
vocabulary: about 0.25 s on the demo library, paid by each new process on its first search (a
cold `curbside ask`, each serve worker). The answer is written once to `index/stem-shares.json`
with the fingerprint of the full-text index it was read from (its row count and largest row id)
and the share asked for; a process that finds another fingerprint reads the index again and
rewrites the file. The file is written to a temporary name and renamed into place; an unwritable
folder only costs the time.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ..store import sources as store
from .vector_file import FOLDER, replace_file

_NAME = "stem-shares.json"
_OLD_NAME = "common-stems.json"  # the set of frequent stems alone, written before their shares were kept


def stem_shares(conn: sqlite3.Connection, library_folder: Path, min_share: float) -> dict[str, float]:
    """Each stem in at least `min_share` of the passages, with the share it is in."""
    folder = Path(library_folder) / FOLDER
    stamp = [*store.fts_fingerprint(conn), min_share]
    try:
        saved = json.loads((folder / _NAME).read_text(encoding="utf-8"))
        if saved.get("fingerprint") == stamp:
            return {str(stem): float(share) for stem, share in saved["shares"].items()}
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        pass
    found = store.stem_shares(conn, min_share)
    body = json.dumps({"fingerprint": stamp, "shares": dict(sorted(found.items()))}).encode("utf-8")
    try:
        folder.mkdir(exist_ok=True)
        replace_file(folder, _NAME, lambda handle: handle.write(body))
        (folder / _OLD_NAME).unlink(missing_ok=True)
    except OSError:
        pass  # a read-only library folder: the stems are read from the index each time
    return found
