"""Run a reader into the store: idempotent, versioned, one transaction per batch.

A document whose content hash matches the current version is left alone; a changed one
becomes a new version and the old one is superseded, and the articles in editorial care that
cite the old one are flagged for re-review in the same transaction. Because each batch commits
whole or not at all and the outcome for a document depends only on what is already stored, a
run killed at any moment and run again ends with exactly the library an uninterrupted run makes
(flags included).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from datetime import datetime, timezone

from ..model import Document, IngestReport, Skipped
from ..store import sources as store
from ..store.database import Database
from ..store.ingest_runs import record_ingest_run

# How many skipped inputs an ingest report lists by name (the rest are only counted).
SKIPPED_EXAMPLES = 20
# (conn, source id, old version, new version) -> ids of the articles flagged for re-review
FlagChange = Callable[[object, str, int, int | None], list[str]]


def content_hash(doc: Document) -> str:
    """A hash of everything a reader says about a document, so any change makes a new version."""
    source = asdict(doc.source)
    for volatile in ("content_hash", "version", "status"):
        source.pop(volatile)
    payload = {"source": source, "passages": [asdict(p) | {"id": ""} for p in doc.passages]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _batches(items: Iterable[Document | Skipped], size: int) -> Iterator[list[Document | Skipped]]:
    batch: list[Document | Skipped] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest(
    db: Database,
    items: Iterable[Document | Skipped],
    report: IngestReport,
    *,
    batch_size: int = 200,
    on_item: Callable[[], None] | None = None,
    after_batch: Callable[[], int] | None = None,
    on_flagged: Callable[[list[str]], None] | None = None,
    flag_change: FlagChange | None = None,
) -> IngestReport:
    """Write reader output to the store; `after_batch` (e.g. embedding) runs after each commit, and
    `on_flagged` gets the ids of the articles each committed batch flagged for re-review.

    `flag_change(conn, source_id, old_version, new_version)` flags the articles citing a source that
    changed; Library hands in the editorial one (publish.evidence.flag_source_change), which this
    stage cannot import (publish stands on ingest). Without it nothing is flagged."""
    started = time.perf_counter()
    reasons: Counter[str] = Counter(report.skip_reasons)
    for batch in _batches(items, batch_size):
        outcome = Counter()
        flagged: list[str] = []
        with db.transaction() as conn:
            seen_in_batch: set[str] = set()
            for item in batch:
                if isinstance(item, Skipped):
                    outcome["skipped"] += 1
                    reasons[item.reason] += 1
                    if len(report.skipped_examples) < SKIPPED_EXAMPLES:
                        report.skipped_examples.append(item)
                    continue
                if not item.passages:
                    outcome["skipped"] += 1
                    reasons["no readable text"] += 1
                    continue
                if item.source.id in seen_in_batch:
                    # The same id twice in one input: keep the first, as a re-run would.
                    outcome["skipped"] += 1
                    reasons["duplicate of an earlier record in this input"] += 1
                    continue
                seen_in_batch.add(item.source.id)
                result, written, flags = _store_one(conn, item, flag_change)
                flagged += flags
                outcome[result] += 1
                outcome["passages"] += written
            report.added += outcome["added"]
            report.updated += outcome["updated"]
            report.unchanged += outcome["unchanged"]
            report.skipped += outcome["skipped"]
        report.passages_added += outcome["passages"]
        if on_flagged and flagged:
            on_flagged(flagged)
        if on_item:
            for _ in batch:
                on_item()
        if after_batch:
            report.embedded += after_batch()
    report.skip_reasons = dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
    report.seconds = round(time.perf_counter() - started, 2)
    with db.transaction() as conn:
        record_ingest_run(
            conn,
            report.reader,
            report.path,
            datetime.now(timezone.utc).isoformat(timespec="seconds"),
            json.dumps(report.to_dict(), default=str),
        )
    return report


def _store_one(conn, doc: Document, flag_change: FlagChange | None) -> tuple[str, int, list[str]]:
    """Store one document if it is new or changed: (outcome, passages written, articles flagged)."""
    doc.source.content_hash = content_hash(doc)
    existing = store.current_version(conn, doc.source.id)
    if existing is not None and existing[2] == doc.source.content_hash:
        return "unchanged", 0, []
    version = store.latest_version(conn, doc.source.id) + 1
    flagged: list[str] = []
    if existing is not None:
        store.supersede(conn, existing[0])
        # Same transaction as the supersede: a new version never exists without its flags.
        if flag_change is not None:
            flagged = flag_change(conn, doc.source.id, existing[1], version)
    doc.source.version = version
    written = store.insert_document(conn, doc, version)
    return ("updated" if existing is not None else "added"), written, flagged
