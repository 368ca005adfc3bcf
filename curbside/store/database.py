"""The one place that opens SQLite connections, applies migrations and runs transactions.

WAL mode lets readers (web requests, search) run while an ingest writes. Every write goes
through `transaction()`, which takes the write lock up front (BEGIN IMMEDIATE) so a batch
either lands whole or not at all, even under `kill -9`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import LibraryError
from .schema import MIGRATIONS

DB_FILENAME = "library.sqlite3"


class Database:
    def __init__(self, folder: Path, *, create: bool = True):
        self.path = folder / DB_FILENAME
        if not self.path.exists():
            if not create:
                raise LibraryError(
                    f"No curbside library at {folder}; create one with `curbside ingest starter --library {folder}`."
                )
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LibraryError(
                    f"Cannot create the library folder {folder} ({exc.strerror}); choose a writable --library path."
                ) from None
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._migrate()

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (sqlite3 connections must not cross threads)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
            except sqlite3.OperationalError as exc:
                raise LibraryError(
                    f"Cannot open {self.path} ({exc}); check the --library path and its permissions."
                ) from None
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write; commits on success, rolls back on any exception."""
        conn = self.connection()
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _migrate(self) -> None:
        conn = self.connection()
        try:
            current = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError:
            raise LibraryError(
                f"{self.path} is not a curbside library database; point --library at another folder."
            ) from None
        if current > len(MIGRATIONS):
            raise LibraryError(
                f"The library at {self.path.parent} was made by a newer curbside (schema {current}); upgrade curbside to open it."
            )
        for number in range(current, len(MIGRATIONS)):
            with self.transaction() as tx:
                for statement in _statements(MIGRATIONS[number]):
                    tx.execute(statement)
                tx.execute(f"PRAGMA user_version = {number + 1}")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements (executescript would commit mid-way)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()
