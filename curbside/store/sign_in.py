"""Reading and writing failed sign-ins and browser sessions (the rules are in publish/users.py)."""

from __future__ import annotations

import sqlite3


def record_login_failure(conn: sqlite3.Connection, name: str, address: str, at: str) -> None:
    conn.execute("INSERT INTO login_failures (name, address, at) VALUES (?, ?, ?)", (name, address, at))


def clear_login_failures(conn: sqlite3.Connection, name: str) -> None:
    conn.execute("DELETE FROM login_failures WHERE name = ?", (name,))


def forget_login_failures_before(conn: sqlite3.Connection, since: str) -> None:
    conn.execute("DELETE FROM login_failures WHERE at < ?", (since,))


def count_login_failures_for_name(conn: sqlite3.Connection, name: str, since: str) -> int:
    return conn.execute("SELECT COUNT(*) FROM login_failures WHERE name = ? AND at >= ?", (name, since)).fetchone()[0]


def count_login_failures_from_address(conn: sqlite3.Connection, address: str, since: str) -> int:
    """Failures from one client address; an empty address (unknown client) never counts."""
    return conn.execute(
        "SELECT COUNT(*) FROM login_failures WHERE address = ? AND address != '' AND at >= ?", (address, since)
    ).fetchone()[0]


def delete_sessions_expired_before(conn: sqlite3.Connection, moment: str) -> None:
    conn.execute("DELETE FROM sessions WHERE expires_at < ?", (moment,))


def insert_session(
    conn: sqlite3.Connection, id_hash: str, user_id: int, csrf: str, created_at: str, expires_at: str
) -> None:
    conn.execute(
        "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        (id_hash, user_id, csrf, created_at, expires_at),
    )


def find_live_session(conn: sqlite3.Connection, id_hash: str, moment: str) -> sqlite3.Row | None:
    """The session's account row with its `csrf`, if the session is live at `moment` and the account enabled."""
    return conn.execute(
        """SELECT u.*, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id
           WHERE s.id_hash = ? AND s.expires_at >= ? AND u.disabled = 0""",
        (id_hash, moment),
    ).fetchone()


def delete_session(conn: sqlite3.Connection, id_hash: str) -> None:
    conn.execute("DELETE FROM sessions WHERE id_hash = ?", (id_hash,))


def delete_sessions_of_user(conn: sqlite3.Connection, user_id: int) -> None:
    conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
