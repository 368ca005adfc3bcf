"""Reading and writing accounts (the rules about them are in publish/users.py)."""

from __future__ import annotations

import sqlite3


def user_name_taken(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is not None


def insert_user(
    conn: sqlite3.Connection, name: str, full_name: str, role: str, password_hash: str, token_hash: str, created_at: str
) -> int:
    """Add an account; returns its id."""
    cursor = conn.execute(
        "INSERT INTO users (name, full_name, role, password_hash, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (name, full_name, role, password_hash, token_hash, created_at),
    )
    return cursor.lastrowid


def find_user_by_id(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()


def find_user_by_name(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()


def find_user_by_token_hash(conn: sqlite3.Connection, token_hash: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM users WHERE token_hash = ?", (token_hash,)).fetchone()


def all_users(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM users ORDER BY name").fetchall()


def set_user_disabled(conn: sqlite3.Connection, user_id: int, disabled: bool) -> None:
    conn.execute("UPDATE users SET disabled = ? WHERE id = ?", (int(disabled), user_id))


def set_token_hash(conn: sqlite3.Connection, user_id: int, token_hash: str) -> None:
    conn.execute("UPDATE users SET token_hash = ? WHERE id = ?", (token_hash, user_id))


def set_password_hash(conn: sqlite3.Connection, user_id: int, password_hash: str) -> None:
    conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))
