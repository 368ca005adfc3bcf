"""Accounts: what is stored (argon2 hashes, sha256 of tokens and sessions, never a secret itself),
sign-in throttling, disabled accounts, and the messages that refuse a bad name, role or password.

Every account is synthetic. Time is simulated by moving the stored timestamps back with SQL.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest

from curbside.errors import ConflictError, InputError, NotFoundError, PermissionDenied, SignInRequired, TooManyAttempts
from curbside.library import Library
from curbside.publish import users

pytestmark = pytest.mark.slow  # argon2 hashing and lockout timing, ~27 s

PASSWORD = "synthetic-password-1"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _minutes_ago(minutes: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(minutes=minutes)).isoformat(timespec="seconds")


def _fail(library: Library, name: str, times: int, address: str = "") -> None:
    for _ in range(times):
        with pytest.raises(SignInRequired, match="Wrong user name or password"):
            library.editorial.sign_in(name, "not-the-password", address)


@pytest.fixture
def reviewer(library: Library):
    user, token = library.editorial.add_user("synthetic-reviewer", "reviewer", PASSWORD, "Dr Synthetic Reviewer")
    return user, token


def test_the_password_is_stored_only_as_an_argon2id_hash(library: Library, reviewer) -> None:
    row = library.db.connection().execute("SELECT * FROM users WHERE name = 'synthetic-reviewer'").fetchone()
    assert row["password_hash"].startswith("$argon2id$")
    assert not any(PASSWORD in str(value) for value in tuple(row))


def test_the_api_token_is_stored_only_as_its_sha256(library: Library, reviewer) -> None:
    user, token = reviewer
    assert token.startswith("cs_") and len(token) > 40
    row = library.db.connection().execute("SELECT * FROM users WHERE id = ?", (user.id,)).fetchone()
    assert row["token_hash"] == _sha256(token)
    assert not any(token in str(value) for value in tuple(row))
    assert library.editorial.user_for_token(token).name == "synthetic-reviewer"


def test_a_replaced_token_stops_working(library: Library, reviewer) -> None:
    user, old = reviewer
    new = library.editorial.replace_token(user.name)
    assert new != old
    assert library.editorial.user_for_token(new).id == user.id
    with pytest.raises(SignInRequired, match="API token is not valid"):
        library.editorial.user_for_token(old)


def test_signing_in_starts_a_session_stored_as_a_hash(library: Library, reviewer) -> None:
    user, session_id, csrf = library.editorial.sign_in("synthetic-reviewer", PASSWORD, "192.0.2.1")
    assert user.name == "synthetic-reviewer" and session_id and csrf
    row = library.db.connection().execute("SELECT * FROM sessions").fetchone()
    assert row["id_hash"] == _sha256(session_id) and row["user_id"] == user.id
    found, found_csrf = library.editorial.session(session_id)
    assert (found.id, found_csrf) == (user.id, csrf)
    library.editorial.sign_out(session_id)
    assert library.editorial.session(session_id) is None


def test_an_expired_session_ends(library: Library, reviewer) -> None:
    _, session_id, _ = library.editorial.sign_in("synthetic-reviewer", PASSWORD)
    with library.db.transaction() as conn:
        conn.execute("UPDATE sessions SET expires_at = ?", (_minutes_ago(1),))
    assert library.editorial.session(session_id) is None


def test_a_wrong_password_is_refused_and_recorded(library: Library, reviewer) -> None:
    _fail(library, "synthetic-reviewer", 1, "192.0.2.1")
    rows = library.db.connection().execute("SELECT name, address FROM login_failures").fetchall()
    assert [tuple(r) for r in rows] == [("synthetic-reviewer", "192.0.2.1")]


def test_an_unknown_name_is_refused_like_a_wrong_password(library: Library, reviewer) -> None:
    _fail(library, "synthetic-nobody", 1)
    assert library.db.connection().execute("SELECT name FROM login_failures").fetchone()[0] == "synthetic-nobody"


def test_an_empty_name_or_password_asks_for_both(library: Library) -> None:
    for name, password in (("", PASSWORD), ("synthetic-reviewer", ""), ("  ", PASSWORD)):
        with pytest.raises(InputError, match="Enter both your user name and your password"):
            library.editorial.sign_in(name, password)


def test_five_failures_lock_the_name_even_with_the_right_password_until_the_window_passes(
    library: Library, reviewer
) -> None:
    _fail(library, "synthetic-reviewer", users.MAX_FAILURES_PER_NAME)
    with pytest.raises(TooManyAttempts, match="Too many failed sign-ins for 'synthetic-reviewer'"):
        library.editorial.sign_in("synthetic-reviewer", PASSWORD)
    # The failures stay where they were: a refused attempt while locked is not one more.
    assert (
        library.db.connection().execute("SELECT COUNT(*) FROM login_failures").fetchone()[0]
        == users.MAX_FAILURES_PER_NAME
    )
    # Other names are not locked by someone guessing this one.
    library.editorial.add_user("synthetic-editor", "editor", PASSWORD)
    assert library.editorial.sign_in("synthetic-editor", PASSWORD)[0].name == "synthetic-editor"

    window = int(users.FAILURE_WINDOW.total_seconds() // 60)
    with library.db.transaction() as conn:
        conn.execute("UPDATE login_failures SET at = ?", (_minutes_ago(window + 1),))
    user, _, _ = library.editorial.sign_in("synthetic-reviewer", PASSWORD)
    assert user.name == "synthetic-reviewer"
    assert library.db.connection().execute("SELECT COUNT(*) FROM login_failures").fetchone()[0] == 0


def test_four_failures_do_not_lock_and_a_success_clears_them(library: Library, reviewer) -> None:
    _fail(library, "synthetic-reviewer", users.MAX_FAILURES_PER_NAME - 1)
    library.editorial.sign_in("synthetic-reviewer", PASSWORD)
    assert (
        library.db.connection()
        .execute("SELECT COUNT(*) FROM login_failures WHERE name = 'synthetic-reviewer'")
        .fetchone()[0]
        == 0
    )
    _fail(library, "synthetic-reviewer", users.MAX_FAILURES_PER_NAME - 1)
    library.editorial.sign_in("synthetic-reviewer", PASSWORD)  # counting starts again after a success


def test_many_failures_from_one_address_lock_that_address(library: Library, reviewer) -> None:
    # Spread over many names so no single name is locked: only the address count can stop it.
    for number in range(users.MAX_FAILURES_PER_ADDRESS):
        _fail(library, f"synthetic-guess-{number}", 1, "198.51.100.7")
    with pytest.raises(TooManyAttempts):
        library.editorial.sign_in("synthetic-reviewer", PASSWORD, "198.51.100.7")
    assert library.editorial.sign_in("synthetic-reviewer", PASSWORD, "198.51.100.8")[0].name == "synthetic-reviewer"


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(library: Library, reviewer) -> None:
    user, token = reviewer
    _, session_id, _ = library.editorial.sign_in(user.name, PASSWORD)
    assert library.editorial.set_disabled(user.name).disabled
    assert library.editorial.session(session_id) is None
    assert (
        library.db.connection().execute("SELECT COUNT(*) FROM sessions WHERE user_id = ?", (user.id,)).fetchone()[0]
        == 0
    )
    with pytest.raises(SignInRequired):
        library.editorial.sign_in(user.name, PASSWORD)
    with pytest.raises(SignInRequired, match="disabled"):
        library.editorial.user_for_token(token)
    library.editorial.set_disabled(user.name, False)
    assert library.editorial.sign_in(user.name, PASSWORD)[0].name == user.name
    assert library.editorial.user_for_token(token).name == user.name


@pytest.mark.parametrize("name", ["x", "-leading-dash", "has space", "a" * 41, "naïve", "", "semi;colon"])
def test_unusable_names_are_refused_with_the_rule(library: Library, name: str) -> None:
    with pytest.raises(InputError, match="is not usable; use 2-40 letters, digits, dots, dashes or underscores"):
        library.editorial.add_user(name, "author", PASSWORD)
    assert library.editorial.users() == []


@pytest.mark.parametrize("name", ["ab", "dr.synthetic", "synthetic_user-2", "a" * 40])
def test_usable_names(library: Library, name: str) -> None:
    assert library.editorial.add_user(name, "author", PASSWORD)[0].name == name


@pytest.mark.parametrize("role", ["reader", "superuser", "Admin", ""])
def test_unknown_roles_are_refused_naming_the_choices(library: Library, role: str) -> None:
    with pytest.raises(InputError, match=r"Unknown role .*; choose one of: author, reviewer, editor, admin\."):
        library.editorial.add_user("synthetic-user", role, PASSWORD)


def test_a_short_password_is_refused_naming_the_minimum(library: Library) -> None:
    with pytest.raises(InputError, match=f"shorter than {users.MIN_PASSWORD} characters"):
        library.editorial.add_user("synthetic-user", "author", "x" * (users.MIN_PASSWORD - 1))
    assert library.editorial.add_user("synthetic-user", "author", "x" * users.MIN_PASSWORD)[0].role == "author"


def test_a_taken_name_is_refused(library: Library, reviewer) -> None:
    with pytest.raises(InputError, match="A user named 'synthetic-reviewer' already exists"):
        library.editorial.add_user("synthetic-reviewer", "editor", PASSWORD)


def test_the_full_name_is_tidied_and_labels_the_user(library: Library) -> None:
    user, _ = library.editorial.add_user("synthetic-editor", "editor", PASSWORD, "  Dr   A.\tSynthetic  ")
    assert user.full_name == "Dr A. Synthetic" and user.label == "Dr A. Synthetic (editor)"


def test_only_an_admin_manages_accounts_and_not_their_own_disabling(library: Library, reviewer) -> None:
    user, _ = reviewer
    admin, _ = library.editorial.add_user("synthetic-admin", "admin", PASSWORD)
    with pytest.raises(PermissionDenied, match=r"Your role \(reviewer\) cannot manage accounts"):
        library.editorial.add_user("synthetic-other", "author", PASSWORD, actor=user)
    with pytest.raises(ConflictError, match="You cannot disable your own account"):
        library.editorial.set_disabled("synthetic-admin", actor=admin)
    library.editorial.set_disabled(user.name, actor=admin)
    entry = library.db.connection().execute("SELECT actor, action, target FROM audit_log ORDER BY seq DESC").fetchone()
    assert tuple(entry) == ("synthetic-admin", "disable_user", user.name)


def test_an_unknown_account_is_named(library: Library) -> None:
    for change in (
        lambda: library.editorial.set_disabled("synthetic-nobody"),
        lambda: library.editorial.replace_token("synthetic-nobody"),
    ):
        with pytest.raises(
            NotFoundError, match="No user named 'synthetic-nobody'; list accounts with `curbside users list`"
        ):
            change()


def test_every_account_change_is_audited_and_the_chain_verifies(library: Library, reviewer) -> None:
    user, _ = reviewer
    library.editorial.replace_token(user.name)
    library.editorial.set_disabled(user.name)
    library.editorial.set_disabled(user.name, False)
    rows = library.db.connection().execute("SELECT actor, action, target FROM audit_log ORDER BY seq").fetchall()
    assert [tuple(r) for r in rows] == [
        ("operator", action, user.name) for action in ("add_user", "replace_token", "disable_user", "enable_user")
    ]
    assert library.editorial.verify_audit() == []


def test_nobody_signed_in_is_never_the_operator(tmp_path) -> None:
    """Account management from the command line needs no account (OPERATOR); a caller with no
    account (None, as an anonymous web request arrives) is refused, not taken for the operator."""
    from curbside.errors import SignInRequired
    from curbside.library import Library
    from curbside.publish.editorial import OPERATOR

    lib = Library(tmp_path / "library")
    try:
        lib.editorial.add_user("synthetic-admin", "admin", "synthetic-password-1", actor=OPERATOR)
        for call in (
            lambda: lib.editorial.add_user("intruder", "admin", "synthetic-password-1", actor=None),
            lambda: lib.editorial.users(actor=None),
            lambda: lib.editorial.set_disabled("synthetic-admin", True, actor=None),
            lambda: lib.editorial.replace_token("synthetic-admin", actor=None),
        ):
            with pytest.raises(SignInRequired):
                call()
        assert [user.name for user in lib.editorial.users()] == ["synthetic-admin"]
    finally:
        lib.close()
