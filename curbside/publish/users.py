"""Accounts, passwords, API tokens, sign-in throttling and sessions.

Passwords are hashed with argon2id (argon2-cffi); API tokens and session ids are random and only
their sha256 is stored, so a copy of the database lets nobody sign in.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import InputError, NotFoundError, SignInRequired, TooManyAttempts
from ..model import User
from ..store import sign_in as sign_in_store
from ..store import users as store
from .roles import ROLES

MIN_PASSWORD = 10
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,39}")
# Throttling: this many failed sign-ins for one account (from anywhere), or from one client address
# (for any names), within the window locks that account, or that address only, out until the
# oldest failure leaves the window. The address is the real client's (web/auth.py client_address).
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = timedelta(minutes=15)

_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token() -> str:
    return "cs_" + secrets.token_urlsafe(32)


def _user(row: sqlite3.Row) -> User:
    return User(
        id=row["id"],
        name=row["name"],
        full_name=row["full_name"],
        role=row["role"],
        disabled=bool(row["disabled"]),
        created_at=row["created_at"],
    )


def check_new_account(name: str, role: str, password: str) -> None:
    if not NAME_PATTERN.fullmatch(name or ""):
        raise InputError(
            f"User name {name!r} is not usable; use 2-40 letters, digits, dots, dashes or underscores, starting with a letter or digit."
        )
    if role not in ROLES:
        raise InputError(f"Unknown role {role!r}; choose one of: {', '.join(ROLES)}.")
    if len(password or "") < MIN_PASSWORD:
        raise InputError(f"The password for {name} is shorter than {MIN_PASSWORD} characters; choose a longer one.")


def add(conn: sqlite3.Connection, name: str, role: str, password: str, full_name: str = "") -> tuple[User, str]:
    """Create an account; returns it and its API token (shown once, stored only as a hash)."""
    check_new_account(name, role, password)
    if store.user_name_taken(conn, name):
        raise InputError(f"A user named {name!r} already exists; choose another name or disable the old account.")
    token = new_token()
    user_id = store.insert_user(
        conn,
        name,
        " ".join((full_name or "").split())[:120],
        role,
        _hasher.hash(password),
        digest(token),
        _stamp(_now()),
    )
    return get(conn, user_id), token


def get(conn: sqlite3.Connection, user_id: int) -> User:
    row = store.find_user_by_id(conn, user_id)
    if row is None:
        raise NotFoundError(f"No user with id {user_id}; list accounts with `curbside users list`.")
    return _user(row)


def by_name(conn: sqlite3.Connection, name: str) -> User:
    row = store.find_user_by_name(conn, name)
    if row is None:
        raise NotFoundError(f"No user named {name!r}; list accounts with `curbside users list`.")
    return _user(row)


def listing(conn: sqlite3.Connection) -> list[User]:
    return [_user(row) for row in store.all_users(conn)]


def set_disabled(conn: sqlite3.Connection, name: str, disabled: bool = True) -> User:
    user = by_name(conn, name)
    store.set_user_disabled(conn, user.id, disabled)
    if disabled:
        sign_in_store.delete_sessions_of_user(conn, user.id)  # signed-in browsers are signed out
    return by_name(conn, name)


def replace_token(conn: sqlite3.Connection, name: str) -> str:
    user = by_name(conn, name)
    token = new_token()
    store.set_token_hash(conn, user.id, digest(token))
    return token


def from_token(conn: sqlite3.Connection, token: str) -> User:
    row = store.find_user_by_token_hash(conn, digest(token))
    if row is None or row["disabled"]:
        raise SignInRequired(
            "The API token is not valid (unknown, replaced or its account disabled); ask an admin for a new one with `curbside users token NAME`."
        )
    return _user(row)


# -- signing in ----------------------------------------------------------------------------------


def authenticate(conn: sqlite3.Connection, name: str, password: str, address: str = "") -> User | None:
    """The account if the password is right, else None. Every failure is recorded and counts toward
    a lock-out, so the caller commits before telling the user (raising would roll the record back)."""
    _refuse_if_locked(conn, name, address)
    row = store.find_user_by_name(conn, name)
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password or "")
        ok = row is not None and not row["disabled"]
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        sign_in_store.record_login_failure(conn, name, address, _stamp(_now()))
        return None
    sign_in_store.clear_login_failures(conn, name)
    if _hasher.check_needs_rehash(row["password_hash"]):
        store.set_password_hash(conn, row["id"], _hasher.hash(password))
    return _user(row)


def _refuse_if_locked(conn: sqlite3.Connection, name: str, address: str) -> None:
    since = _stamp(_now() - FAILURE_WINDOW)
    sign_in_store.forget_login_failures_before(conn, since)
    by_name_count = sign_in_store.count_login_failures_for_name(conn, name, since)
    by_address = sign_in_store.count_login_failures_from_address(conn, address, since)
    minutes = int(FAILURE_WINDOW.total_seconds() // 60)
    if by_name_count >= MAX_FAILURES_PER_NAME:
        raise TooManyAttempts(
            f"Too many failed sign-ins for {name!r}; wait {minutes} minutes before trying again, or ask an admin to check the account."
        )
    if by_address >= MAX_FAILURES_PER_ADDRESS:
        # Only this client address is held back; the same accounts still sign in from elsewhere.
        raise TooManyAttempts(
            f"Too many failed sign-ins from your address ({address}); wait {minutes} minutes before trying again."
        )


# -- sessions ----------------------------------------------------------------------------------


def start_session(conn: sqlite3.Connection, user: User, hours: int) -> tuple[str, str]:
    """A new session for `user`: (session id for the signed cookie, its CSRF token)."""
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now()
    sign_in_store.delete_sessions_expired_before(conn, _stamp(now))
    sign_in_store.insert_session(
        conn, digest(session_id), user.id, csrf, _stamp(now), _stamp(now + timedelta(hours=hours))
    )
    return session_id, csrf


def session_user(conn: sqlite3.Connection, session_id: str) -> tuple[User, str] | None:
    """(user, CSRF token) of a live session of an enabled account, else None."""
    row = sign_in_store.find_live_session(conn, digest(session_id), _stamp(_now()))
    return (_user(row), row["csrf"]) if row else None


def end_session(conn: sqlite3.Connection, session_id: str) -> None:
    sign_in_store.delete_session(conn, digest(session_id))
