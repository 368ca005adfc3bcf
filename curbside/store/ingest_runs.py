"""Writing the record of each ingest run: its reader, path, start time and report."""

from __future__ import annotations

import sqlite3


def record_ingest_run(conn: sqlite3.Connection, reader: str, path: str, started_at: str, report: str) -> None:
    """`report` is the run's IngestReport as JSON."""
    conn.execute(
        "INSERT INTO ingest_runs (reader, path, started_at, report) VALUES (?, ?, ?, ?)",
        (reader, path, started_at, report),
    )
