"""What each heading of the library asks about, read once at ingest and kept beside the library.

The reranker scores a hit by whether its heading (its section, else its source's title) speaks
to the question's intent, read by the detector that reads questions (`detect_intent`): about
0.1 ms a heading, 60 headings a search. A process keeps what it has read, but a new one (a cold
`curbside ask`, each serve worker, the search bench) pays for every heading it meets first:
about 6 ms of a 30 ms search on the demo library (bench/retrieval.py --demo-library).

`write` reads every current heading after an ingest (about 5 s for the demo library's 45,000)
into `index/heading-intents.json`, stamped with the full-text index's fingerprint and a digest of
the detector's code, and `read` gives them back only while both still match: a changed library
or a changed detector is read heading by heading again, as before, until the next ingest writes
the file anew. The file is a memo of a pure function of the heading's text, never the record.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import sqlite3
from functools import lru_cache
from pathlib import Path

from ..index.vector_file import FOLDER, replace_file
from ..language import words
from ..store import sources as store
from . import understand

_NAME = "heading-intents.json"


@lru_cache(maxsize=1)
def _detector_digest() -> str:
    """Changes whenever the code or the cue patterns that read an intent change."""
    cues = repr([(intent, weight, pattern.pattern) for intent, weight, pattern in words.INTENT_CUES])
    return hashlib.sha256((inspect.getsource(understand) + cues).encode("utf-8")).hexdigest()[:16]


def _stamp(conn: sqlite3.Connection) -> list:
    return [*store.fts_fingerprint(conn), _detector_digest()]


def write(conn: sqlite3.Connection, library_folder: Path) -> int:
    """Read every current heading's intent into the file unless it is up to date; how many were read."""
    folder = Path(library_folder) / FOLDER
    stamp = _stamp(conn)
    if _saved(folder, stamp) is not None:
        return 0
    intents = {heading: understand.detect_intent(heading)[0] for heading in store.current_headings(conn)}
    body = json.dumps({"fingerprint": stamp, "intents": intents}, ensure_ascii=False).encode("utf-8")
    try:
        folder.mkdir(exist_ok=True)
        replace_file(folder, _NAME, lambda handle: handle.write(body))
    except OSError:
        return 0  # a read-only library folder: headings are read as searches meet them
    return len(intents)


def read(conn: sqlite3.Connection, library_folder: Path) -> dict[str, str]:
    """Each current heading's intent, or nothing when the file is missing or out of date."""
    return _saved(Path(library_folder) / FOLDER, _stamp(conn)) or {}


def _saved(folder: Path, stamp: list) -> dict[str, str] | None:
    try:
        saved = json.loads((folder / _NAME).read_text(encoding="utf-8"))
        if saved.get("fingerprint") == stamp:
            return {str(heading): str(intent) for heading, intent in saved["intents"].items()}
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        pass
    return None
