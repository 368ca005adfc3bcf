"""`curbside users ...` and `curbside withdraw`, run as the operator runs them: the real command in
a subprocess against a real library folder.

The library is one synthetic Markdown note read by the real `files` reader; names and sentences
are invented and say nothing true about medicine.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from curbside.library import Library

from .support import copy_of, curbside, library_from_note

pytestmark = pytest.mark.slow  # runs the CLI in subprocesses

NOTE = """# Synthetic neuropathy guideline

## Pharmacological treatment

Examplamab 20 mg once daily is recommended as first-line therapy for synthetic neuropathy.
"""
SOURCE = "file:notes/neuropathy.md"
QUESTION = "What is the first-line treatment for synthetic neuropathy?"
PASSWORD = "synthetic-password-1"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, str]:
    """A library with one source and one composed article nobody has taken into care."""
    root = tmp_path_factory.mktemp("cli-users")
    lib, article_id = library_from_note(root, NOTE, QUESTION)
    lib.close()
    return root / "library", article_id


@pytest.fixture
def folder(template, tmp_path: Path) -> Path:
    return copy_of(template[0], tmp_path)


def refused(result: subprocess.CompletedProcess) -> str:
    """The one-line error of a refused command (exit 2, no traceback)."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def rows(folder: Path, sql: str, *args) -> list[tuple]:
    conn = sqlite3.connect(folder / "library.sqlite3")
    try:
        return [tuple(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


def add(folder: Path, name: str, role: str, *extra: str) -> str:
    result = curbside(folder, "users", "add", name, "--role", role, "--password-stdin", *extra, stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_first_admin_is_added_from_stdin_and_shown_its_token_once(folder: Path) -> None:
    result = curbside(
        folder,
        "users",
        "add",
        "synthetic-admin",
        "--role",
        "admin",
        "--full-name",
        "Dr A. Synthetic",
        "--password-stdin",
        stdin=PASSWORD + "\nignored second line\n",
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert token.startswith("cs_") and "\n" not in token  # stdout is the token alone, for scripts
    assert "shown this once" in result.stderr and "stores only its hash" in result.stderr
    [(role, full_name, token_hash, password_hash)] = rows(
        folder, "SELECT role, full_name, token_hash, password_hash FROM users WHERE name = 'synthetic-admin'"
    )
    assert (role, full_name) == ("admin", "Dr A. Synthetic")
    assert token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert password_hash.startswith("$argon2id$")
    assert rows(folder, "SELECT actor, action, target FROM audit_log") == [("operator", "add_user", "synthetic-admin")]
    lib = Library(folder, create=False)
    try:
        assert (
            lib.editorial.sign_in("synthetic-admin", PASSWORD)[0].role == "admin"
        )  # only the first line is the password
        assert lib.editorial.user_for_token(token).name == "synthetic-admin"
    finally:
        lib.close()


def test_the_prompted_password_must_be_typed_twice_alike(folder: Path) -> None:
    # Not a terminal, so the hidden prompt reads stdin: a mismatch is asked again, then accepted.
    typed = f"{PASSWORD}\nsomething-else-1\n{PASSWORD}\n{PASSWORD}\n"
    result = curbside(folder, "users", "add", "synthetic-reviewer", "--role", "reviewer", stdin=typed)
    assert result.returncode == 0, result.stderr
    assert "do not match" in result.stderr
    assert result.stdout.strip().startswith("cs_") and "\n" not in result.stdout.strip()  # prompts went to stderr
    lib = Library(folder, create=False)
    try:
        assert lib.editorial.sign_in("synthetic-reviewer", PASSWORD)[0].name == "synthetic-reviewer"
    finally:
        lib.close()


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["bad name", "--role", "author"], "", "User name 'bad name' is not usable"),
        (
            ["synthetic-user", "--role", "superuser"],
            "",
            "Unknown role 'superuser'; choose one of: author, reviewer, editor, admin.",
        ),
        (["synthetic-user", "--role", "author", "--password-stdin"], "short\n", "shorter than 10 characters"),
        (
            ["synthetic-user", "--role", "author", "--password-stdin"],
            "",
            "No password for synthetic-user on standard input",
        ),
    ],
)
def test_a_bad_account_is_refused_in_one_line(folder: Path, args: list[str], stdin: str, message: str) -> None:
    assert message in refused(curbside(folder, "users", "add", *args, stdin=stdin))
    assert rows(folder, "SELECT COUNT(*) FROM users") == [(0,)]
    assert rows(folder, "SELECT COUNT(*) FROM audit_log") == [(0,)]


def test_a_bad_name_is_refused_before_the_password_is_asked(folder: Path) -> None:
    result = curbside(folder, "users", "add", "x", "--role", "author", stdin="")
    assert "Password" not in result.stdout + result.stderr
    assert "User name 'x' is not usable" in refused(result)


def test_a_taken_name_is_refused(folder: Path) -> None:
    add(folder, "synthetic-editor", "editor")
    result = curbside(
        folder, "users", "add", "synthetic-editor", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert "A user named 'synthetic-editor' already exists" in refused(result)


def test_list_shows_the_accounts(folder: Path) -> None:
    assert "no accounts yet" in curbside(folder, "users", "list").stdout
    add(folder, "synthetic-editor", "editor", "--full-name", "Dr E. Synthetic")
    add(folder, "synthetic-author", "author")
    assert curbside(folder, "users", "disable", "synthetic-author").returncode == 0
    listed = json.loads(curbside(folder, "users", "list", "--json").stdout)
    assert [(u["name"], u["full_name"], u["role"], u["disabled"]) for u in listed] == [
        ("synthetic-author", "", "author", True),
        ("synthetic-editor", "Dr E. Synthetic", "editor", False),
    ]
    assert all(u["created_at"] for u in listed)
    table = curbside(folder, "users", "list").stdout
    assert "synthetic-editor" in table and "Dr E. Synthetic" in table and "yes" in table


def test_disable_enable_and_token(folder: Path) -> None:
    old = add(folder, "synthetic-reviewer", "reviewer")
    lib = Library(folder, create=False)
    try:
        lib.editorial.sign_in("synthetic-reviewer", PASSWORD)
    finally:
        lib.close()
    assert rows(folder, "SELECT COUNT(*) FROM sessions") == [(1,)]

    disabled = curbside(folder, "users", "disable", "synthetic-reviewer")
    assert disabled.returncode == 0 and "disabled synthetic-reviewer" in disabled.stdout
    assert rows(folder, "SELECT disabled FROM users") == [(1,)]
    assert rows(folder, "SELECT COUNT(*) FROM sessions") == [(0,)]
    assert curbside(folder, "users", "enable", "synthetic-reviewer").returncode == 0
    assert rows(folder, "SELECT disabled FROM users") == [(0,)]

    replaced = curbside(folder, "users", "token", "synthetic-reviewer")
    assert replaced.returncode == 0, replaced.stderr
    new = replaced.stdout.strip()
    assert new.startswith("cs_") and new != old and "shown this once" in replaced.stderr
    assert rows(folder, "SELECT token_hash FROM users") == [(hashlib.sha256(new.encode()).hexdigest(),)]
    assert rows(folder, "SELECT actor, action FROM audit_log ORDER BY seq") == [
        ("operator", "add_user"),
        ("synthetic-reviewer", "sign_in"),
        ("operator", "disable_user"),
        ("operator", "enable_user"),
        ("operator", "replace_token"),
    ]


@pytest.mark.parametrize("command", ["disable", "enable", "token"])
def test_an_unknown_account_is_named(folder: Path, command: str) -> None:
    assert "No user named 'synthetic-nobody'" in refused(curbside(folder, "users", command, "synthetic-nobody"))


def test_a_missing_library_is_refused_before_any_prompt(tmp_path: Path) -> None:
    result = curbside(tmp_path / "nowhere", "users", "add", "synthetic-admin", "--role", "admin")
    assert "No curbside library at" in refused(result)
    assert not (tmp_path / "nowhere").exists()


def test_withdraw_flags_the_articles_in_care_that_cite_the_source(folder: Path, template) -> None:
    article_id = template[1]
    lib = Library(folder, create=False)
    try:
        author, _ = lib.editorial.add_user("synthetic-author", "author", PASSWORD)
        lib.editorial.act(author, article_id, "save")
    finally:
        lib.close()
    result = curbside(folder, "withdraw", SOURCE, "--reason", "Synthetic reason: superseded by a newer note.")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"withdrew {SOURCE}", f"flagged for re-review (1): {article_id}"]
    assert rows(folder, "SELECT needs_rereview FROM articles WHERE id = ?", article_id) == [(1,)]
    [(actor, detail)] = rows(folder, "SELECT actor, detail FROM audit_log WHERE action = 'withdraw_source'")
    assert actor == "operator" and json.loads(detail)["reason"] == "Synthetic reason: superseded by a newer note."
    assert curbside(folder, "audit", "verify").returncode == 0

    again = curbside(folder, "withdraw", SOURCE, "--reason", "Synthetic reason.")
    assert f"Source '{SOURCE}' is already withdrawn" in refused(again)


def test_withdraw_with_nothing_in_care_flags_nothing(folder: Path) -> None:
    result = curbside(folder, "withdraw", SOURCE, "--reason", "Synthetic reason.")
    assert result.returncode == 0, result.stderr
    assert "nothing flagged" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["file:notes/none.md", "--reason", "Synthetic reason."], "No source 'file:notes/none.md' in this library"),
        ([SOURCE, "--reason", "   "], "needs a reason"),
    ],
)
def test_withdraw_refusals(folder: Path, args: list[str], message: str) -> None:
    assert message in refused(curbside(folder, "withdraw", *args))
    assert rows(folder, "SELECT COUNT(*) FROM audit_log") == [(0,)]
