"""Reading and writing the audit log's rows (the hash chain and its checks are in publish/audit.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator


def newest_audit_entry(conn: sqlite3.Connection) -> sqlite3.Row | None:
    """`seq` and `hash` of the newest entry, None while the log is empty."""
    return conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()


def append_audit_entry(
    conn: sqlite3.Connection,
    seq: int,
    at: str,
    actor: str,
    action: str,
    target: str,
    before_hash: str,
    after_hash: str,
    detail: str,
    prev_hash: str,
    entry_hash: str,
) -> None:
    conn.execute(
        """INSERT INTO audit_log (seq, at, actor, action, target, before_hash, after_hash, detail, prev_hash, hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (seq, at, actor, action, target, before_hash, after_hash, detail, prev_hash, entry_hash),
    )


def audit_page(conn: sqlite3.Connection, target: str, limit: int, offset: int) -> tuple[int, sqlite3.Cursor]:
    """(total, one page of rows newest first), of every entry or only those about `target` when given."""
    where, args = ("WHERE target = ?", [target]) if target else ("", [])
    total = conn.execute(f"SELECT COUNT(*) FROM audit_log {where}", args).fetchone()[0]
    rows = conn.execute(f"SELECT * FROM audit_log {where} ORDER BY seq DESC LIMIT ? OFFSET ?", args + [limit, offset])
    return total, rows


def all_audit_entries(conn: sqlite3.Connection) -> Iterator[sqlite3.Row]:
    """Every entry, oldest first, read as the caller goes (the log can be long)."""
    return conn.execute("SELECT * FROM audit_log ORDER BY seq")


def audit_hash_at(conn: sqlite3.Connection, seq: int) -> str | None:
    row = conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq,)).fetchone()
    return row["hash"] if row else None
