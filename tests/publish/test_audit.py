"""The audit log is a hash chain: editing, deleting or replacing any entry is caught, and
`curbside audit verify` names the broken entry.

The library is one synthetic Markdown note read by the real `files` reader; its drug and condition
names are invented and say nothing true about medicine. The actions are real ones taken through
`library.editorial`; the tampering is done with sqlite3 directly, as someone with the file would.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from curbside.library import Library
from curbside.publish import audit
from curbside.publish.edits import ArticleEdits, ClaimEdit

from .support import copy_of, curbside, library_from_note

pytestmark = pytest.mark.slow  # builds and tampers with real libraries, ~18 s

NOTE = """# Synthetic neuropathy guideline

## Pharmacological treatment

Examplamab 20 mg once daily is recommended as first-line therapy for synthetic neuropathy.

## Monitoring

Monitor renal function every 3 months in patients with synthetic neuropathy taking examplamab.
"""
QUESTION = "What is the first-line treatment for synthetic neuropathy?"
PASSWORD = "synthetic-password-1"
REWORDING = "Check renal function every 3 months in patients with synthetic neuropathy taking examplamab."
# What the module's library holds, in order; the tests below tamper with these entry numbers.
ACTIONS = [
    "add_user",
    "add_user",
    "add_user",
    "add_user",
    "save",
    "submit",
    "start_review",
    "comment",
    "request_changes",
    "edit",
    "submit",
    "start_review",
    "approve",
]


def _monitoring_address(record) -> str:
    from curbside.publish.edits import claim_addresses

    return next(
        address for address, _, claim in claim_addresses(record.article) if claim.text.startswith("Monitor renal")
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A library folder whose audit log holds ACTIONS: four accounts and one article's review."""
    root = tmp_path_factory.mktemp("audit")
    lib, article_id = library_from_note(root, NOTE, QUESTION)
    try:
        ed = lib.editorial
        ed.add_user("synthetic-admin", "admin", PASSWORD)
        author, _ = ed.add_user("synthetic-author", "author", PASSWORD)
        reviewer, _ = ed.add_user("synthetic-reviewer", "reviewer", PASSWORD)
        ed.add_user("synthetic-editor", "editor", PASSWORD)
        ed.act(author, article_id, "save")
        ed.act(author, article_id, "submit")
        ed.act(reviewer, article_id, "start_review")
        ed.comment(reviewer, article_id, "Synthetic comment: word the monitoring advice more plainly.")
        ed.act(reviewer, article_id, "request_changes", reason="Synthetic reason: plainer monitoring wording.")
        record = lib.answers.article(article_id, newest=True)
        ed.edit(
            author,
            article_id,
            ArticleEdits(
                claims=[ClaimEdit(_monitoring_address(record), text=REWORDING)], note="Plainer monitoring wording."
            ),
        )
        ed.act(author, article_id, "submit")
        ed.act(reviewer, article_id, "start_review")  # a resubmitted article is taken for review again
        ed.act(reviewer, article_id, "approve")
        assert [row[0] for row in lib.db.connection().execute("SELECT action FROM audit_log ORDER BY seq")] == ACTIONS
    finally:
        lib.close()
    return root / "library"


@pytest.fixture
def folder(template: Path, tmp_path: Path) -> Path:
    return copy_of(template, tmp_path)


def tamper(folder: Path, sql: str, *args) -> None:
    conn = sqlite3.connect(folder / "library.sqlite3")
    try:
        with conn:
            assert conn.execute(sql, args).rowcount == 1
    finally:
        conn.close()


def verify_problems(folder: Path) -> list[str]:
    result = curbside(folder, "audit", "verify")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout.splitlines()


# -- the real CLI on a tampered database --------------------------------------------------------


def test_an_intact_log_verifies(folder: Path) -> None:
    result = curbside(folder, "audit", "verify")
    assert (result.returncode, result.stdout.strip()) == (0, f"audit log intact: {len(ACTIONS)} entries")


def test_cli_actions_extend_the_chain_and_it_still_verifies(folder: Path) -> None:
    added = curbside(
        folder, "users", "add", "synthetic-late", "--role", "reviewer", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert added.returncode == 0, added.stderr
    assert curbside(folder, "users", "disable", "synthetic-late").returncode == 0
    result = curbside(folder, "audit", "verify")
    assert (result.returncode, result.stdout.strip()) == (0, f"audit log intact: {len(ACTIONS) + 2} entries")


def test_editing_an_entrys_detail_names_that_entry(folder: Path) -> None:
    tamper(
        folder,
        "UPDATE audit_log SET detail = ? WHERE seq = 9",
        json.dumps({"from": "under review", "to": "approved", "version": 1}),
    )
    problems = verify_problems(folder)
    assert len(problems) == 1
    assert problems[0].startswith("entry 9 (request_changes ") and "was edited" in problems[0]


def test_editing_an_entrys_actor_names_that_entry(folder: Path) -> None:
    tamper(folder, "UPDATE audit_log SET actor = 'synthetic-editor' WHERE seq = 13")
    problems = verify_problems(folder)
    assert len(problems) == 1
    assert (
        problems[0].startswith("entry 13 (approve ")
        and "by synthetic-editor" in problems[0]
        and "was edited" in problems[0]
    )


def test_an_edit_with_its_hash_recomputed_breaks_the_next_entrys_link(folder: Path) -> None:
    # A forger who knows the hash recomputes the edited entry's own hash; the next entry still
    # holds the old one.
    conn = sqlite3.connect(folder / "library.sqlite3")
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM audit_log WHERE seq = 6").fetchone()
        forged = entry_hash_of(row, actor="synthetic-editor")
        with conn:
            conn.execute("UPDATE audit_log SET actor = 'synthetic-editor', hash = ? WHERE seq = 6", (forged,))
    finally:
        conn.close()
    assert verify_problems(folder) == ["entry 7 does not follow entry 6: its link to the previous hash is broken."]


def test_deleting_a_middle_entry_names_the_gap(folder: Path) -> None:
    tamper(folder, "DELETE FROM audit_log WHERE seq = 5")
    assert verify_problems(folder) == ["entry 5 deleted: the log jumps from entry 4 to entry 6."]


def test_deleting_the_newest_entry_is_caught_by_the_head_file(folder: Path) -> None:
    tamper(folder, "DELETE FROM audit_log WHERE seq = 13")
    problems = verify_problems(folder)
    assert len(problems) == 1
    assert problems[0].startswith("entry 13 deleted") and audit.HEAD_FILE in problems[0]


def test_replacing_the_newest_entry_with_a_valid_one_is_caught_by_the_head_file(folder: Path) -> None:
    # The forged newest entry links correctly and hashes correctly; only audit.head knows it changed.
    conn = sqlite3.connect(folder / "library.sqlite3")
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM audit_log WHERE seq = 13").fetchone()
        detail = json.dumps({"from": "under review", "to": "changes requested", "version": 2}, sort_keys=True)
        forged = entry_hash_of(row, action="request_changes", detail=detail)
        with conn:
            conn.execute(
                "UPDATE audit_log SET action = 'request_changes', detail = ?, hash = ? WHERE seq = 13", (detail, forged)
            )
    finally:
        conn.close()
    problems = verify_problems(folder)
    assert len(problems) == 1 and problems[0].startswith(f"entry 13 does not match {audit.HEAD_FILE}")


def test_deleting_the_newest_entry_and_appending_in_its_place_is_caught(folder: Path) -> None:
    # The chain is valid again after the next action, but audit.head still holds entry 13's old hash.
    tamper(folder, "DELETE FROM audit_log WHERE seq = 13")
    added = curbside(
        folder, "users", "add", "synthetic-late", "--role", "reviewer", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert added.returncode == 0, added.stderr
    problems = verify_problems(folder)
    assert len(problems) == 1 and problems[0].startswith(f"entry 13 does not match {audit.HEAD_FILE}")


def test_a_missing_head_file_is_reported(folder: Path) -> None:
    (folder / audit.HEAD_FILE).unlink()
    problems = verify_problems(folder)
    assert len(problems) == 1 and audit.HEAD_FILE in problems[0] and "missing" in problems[0]


def test_every_break_is_listed_each_on_its_own_line(folder: Path) -> None:
    tamper(folder, "UPDATE audit_log SET target = 'someone-else' WHERE seq = 2")
    tamper(folder, "DELETE FROM audit_log WHERE seq = 8")
    problems = verify_problems(folder)
    assert len(problems) == 2
    assert problems[0].startswith("entry 2 (add_user someone-else ")
    assert problems[1] == "entry 8 deleted: the log jumps from entry 7 to entry 9."


def test_audit_show_lists_newest_first_and_filters_by_target(folder: Path) -> None:
    shown = curbside(folder, "audit", "show", "--target", "synthetic-author", "--json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["total"] == 1 and [e["action"] for e in data["entries"]] == ["add_user"]
    newest = curbside(folder, "audit", "show", "--limit", "2")
    assert newest.returncode == 0, newest.stderr
    lines = newest.stdout.splitlines()
    assert lines[0].startswith("#13 ") and " approve " in lines[0]
    assert lines[1].startswith("#12 ") and " start_review " in lines[1]
    assert lines[2] == f"... {len(ACTIONS) - 2} older (use --limit)"


def entry_hash_of(row: sqlite3.Row, **changed) -> str:
    fields = {
        key: row[key]
        for key in ("seq", "at", "actor", "action", "target", "before_hash", "after_hash", "detail", "prev_hash")
    }
    fields.update(changed)
    return audit.entry_hash(**fields)


# -- audit.verify on its own --------------------------------------------------------------------


def _append(library: Library, count: int) -> None:
    for number in range(count):
        with library.db.transaction() as conn:
            audit.append(conn, "synthetic-actor", "comment", f"article-{number}", detail={"n": number})
    audit.write_head(library.db.connection(), library.path)


def test_an_empty_log_is_intact_even_without_a_head_file(library: Library) -> None:
    assert audit.verify(library.db.connection(), library.path) == []
    assert not (library.path / audit.HEAD_FILE).exists()


def test_appended_entries_chain_from_genesis(library: Library) -> None:
    _append(library, 3)
    conn = library.db.connection()
    rows = conn.execute("SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq").fetchall()
    assert [r["seq"] for r in rows] == [1, 2, 3]
    assert rows[0]["prev_hash"] == audit.GENESIS
    assert [r["prev_hash"] for r in rows[1:]] == [r["hash"] for r in rows[:-1]]
    assert audit.verify(conn, library.path) == []
    assert (library.path / audit.HEAD_FILE).read_text(encoding="utf-8") == f"3 {rows[-1]['hash']}\n"


def test_entries_are_newest_first_with_the_total(library: Library) -> None:
    _append(library, 4)
    total, page = audit.entries(library.db.connection(), limit=2, offset=1)
    assert total == 4 and [e.seq for e in page] == [3, 2]
    assert page[0].detail == {"n": 2}
    total, page = audit.entries(library.db.connection(), target="article-0")
    assert total == 1 and [e.seq for e in page] == [1]


def test_verify_without_a_folder_checks_only_the_chain(library: Library) -> None:
    _append(library, 3)
    conn = library.db.connection()
    with library.db.transaction() as writing:
        writing.execute("DELETE FROM audit_log WHERE seq = 3")
    assert audit.verify(conn) == []  # a shorter valid chain: only the head file can tell
    assert len(audit.verify(conn, library.path)) == 1


def test_renumbered_entries_are_reported_as_deleted(library: Library) -> None:
    _append(library, 5)
    with library.db.transaction() as writing:
        writing.execute("DELETE FROM audit_log WHERE seq IN (2, 3)")
    problems = audit.verify(library.db.connection(), library.path)
    assert problems == ["entries 2-3 deleted: the log jumps from entry 1 to entry 4."]


def test_an_unreadable_head_file_is_reported(library: Library) -> None:
    _append(library, 2)
    (library.path / audit.HEAD_FILE).write_text("not a head\n", encoding="utf-8")
    problems = audit.verify(library.db.connection(), library.path)
    assert len(problems) == 1 and "not a valid chain head" in problems[0]


def test_a_head_behind_the_log_is_not_a_break(library: Library) -> None:
    # A crash between a commit and writing audit.head leaves the head one entry behind; the chain
    # itself proves the newer entry, so this is not reported.
    _append(library, 2)
    with library.db.transaction() as writing:
        audit.append(writing, "synthetic-actor", "comment", "article-late")
    assert audit.verify(library.db.connection(), library.path) == []


def test_an_unreadable_detail_is_shown_not_raised(library: Library) -> None:
    _append(library, 1)
    with library.db.transaction() as writing:
        writing.execute("UPDATE audit_log SET detail = 'not json' WHERE seq = 1")
    _, page = audit.entries(library.db.connection())
    assert page[0].detail == {"unreadable": "not json"}
    assert audit.verify(library.db.connection(), library.path)[0].startswith("entry 1 (comment article-0 ")
