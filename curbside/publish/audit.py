"""The audit log: every editorial action appended to a hash chain.

Each entry's hash covers its own fields and the previous entry's hash, so editing an entry breaks
its hash and deleting one breaks the link of the next. Deleting the newest entries leaves a valid
but shorter chain; to catch that, the head (number and hash of the newest entry) is also written to
`audit.head` in the library folder after every commit, and `verify` checks the database still holds
that entry unchanged. (Someone who can rewrite both the database and that file can rewrite history;
keep a copy of `audit.head` elsewhere to guard against that.)
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..store import audit as store
from ..store.articles import now

GENESIS = "0" * 64
HEAD_FILE = "audit.head"
LOCK_FILE = "audit.lock"  # flocked while the head is compared and replaced


@dataclass
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    target: str
    before_hash: str
    after_hash: str
    detail: dict
    prev_hash: str
    hash: str


def entry_hash(
    seq: int,
    at: str,
    actor: str,
    action: str,
    target: str,
    before_hash: str,
    after_hash: str,
    detail: str,
    prev_hash: str,
) -> str:
    canonical = json.dumps(
        [seq, at, actor, action, target, before_hash, after_hash, detail, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append(
    conn: sqlite3.Connection,
    actor: str,
    action: str,
    target: str,
    *,
    before: str = "",
    after: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Add one entry; call inside the transaction that makes the change it records."""
    last = store.newest_audit_entry(conn)
    seq, prev = (last["seq"] + 1, last["hash"]) if last else (1, GENESIS)
    at, text = now(), json.dumps(detail or {}, sort_keys=True, ensure_ascii=False)
    digest = entry_hash(seq, at, actor, action, target, before, after, text, prev)
    store.append_audit_entry(conn, seq, at, actor, action, target, before, after, text, prev, digest)
    return AuditEntry(seq, at, actor, action, target, before, after, detail or {}, prev, digest)


def entries(
    conn: sqlite3.Connection, *, target: str = "", limit: int = 100, offset: int = 0
) -> tuple[int, list[AuditEntry]]:
    """(total, one page newest first), optionally for one target (an article id, a user name)."""
    total, rows = store.audit_page(conn, target, limit, offset)
    return total, [_entry(row) for row in rows]


def _entry(row: sqlite3.Row) -> AuditEntry:
    try:
        detail = json.loads(row["detail"])
    except ValueError:
        detail = {"unreadable": row["detail"]}
    return AuditEntry(
        row["seq"],
        row["at"],
        row["actor"],
        row["action"],
        row["target"],
        row["before_hash"],
        row["after_hash"],
        detail,
        row["prev_hash"],
        row["hash"],
    )


def verify(conn: sqlite3.Connection, folder: Path | None = None) -> list[str]:
    """Every break in the chain, one sentence each naming the entry; [] when the log is intact."""
    problems, expected_prev, expected_seq = [], GENESIS, 1
    count = 0
    for row in store.all_audit_entries(conn):
        seq = row["seq"]
        if seq != expected_seq:
            missing = f"entry {expected_seq}" if seq == expected_seq + 1 else f"entries {expected_seq}-{seq - 1}"
            problems.append(f"{missing} deleted: the log jumps from entry {expected_seq - 1} to entry {seq}.")
        elif row["prev_hash"] != expected_prev:
            problems.append(f"entry {seq} does not follow entry {seq - 1}: its link to the previous hash is broken.")
        recomputed = entry_hash(
            seq,
            row["at"],
            row["actor"],
            row["action"],
            row["target"],
            row["before_hash"],
            row["after_hash"],
            row["detail"],
            row["prev_hash"],
        )
        if recomputed != row["hash"]:
            problems.append(
                f"entry {seq} ({row['action']} {row['target']} by {row['actor']} at {row['at']}) was edited: "
                f"its content no longer matches its hash."
            )
        expected_prev, expected_seq = row["hash"], seq + 1
        count += 1
    if folder is not None:
        problems += _check_head(conn, folder, count, expected_seq - 1)
    return problems


def write_head(conn: sqlite3.Connection, folder: Path) -> None:
    """Record the chain's head outside the database (after the commit that extended it). The head
    only moves forward: were the newest entries deleted and new ones appended in their place, the
    entry at the recorded number would no longer carry the recorded hash."""
    row = store.newest_audit_entry(conn)
    if row is None:
        return
    path = folder / HEAD_FILE
    # Every worker process (and thread) writes the head after its own commit. The OS lock makes
    # read-compare-replace one step, so an older head never replaces a newer one; the temporary
    # file is this writer's own, so two writers never rename the same file.
    with open(folder / LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        recorded = _read_head(path)
        if recorded is not None and recorded[0] >= row["seq"]:
            return
        write_atomically(path, f"{row['seq']} {row['hash']}\n")


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` whole with `text`, through a temporary file no other writer uses, so the file
    is never half-written and concurrent writers never collide on one temporary name."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read_head(path: Path) -> tuple[int, str] | None:
    try:
        seq_text, head_hash = path.read_text(encoding="utf-8").split()
        return int(seq_text), head_hash
    except (OSError, ValueError):
        return None


def _check_head(conn: sqlite3.Connection, folder: Path, count: int, last_seq: int) -> list[str]:
    path = folder / HEAD_FILE
    if not path.exists():
        return [] if count == 0 else [f"{path} is missing; the newest entries cannot be checked against it."]
    recorded = _read_head(path)
    if recorded is None:
        return [f"{path} is not a valid chain head; it should hold the last entry's number and hash."]
    head_seq, head_hash = recorded
    if head_seq > last_seq:
        gone = f"entry {head_seq}" if head_seq == last_seq + 1 else f"entries {last_seq + 1}-{head_seq}"
        return [f"{gone} deleted: the log ends at entry {last_seq} but {HEAD_FILE} records entry {head_seq}."]
    if store.audit_hash_at(conn, head_seq) != head_hash:
        return [
            f"entry {head_seq} does not match {HEAD_FILE}: it was replaced (the newest entries deleted and others written in their place)."
        ]
    return []
