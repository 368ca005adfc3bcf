"""A retracted article is never shown to readers as approved again until a reviewer approves a
version again (issue 12, item 1): not after it is reopened, not in the listing, not by /api/ask's
saved-answer path, and not in a library whose reopened articles were stored before the fix.
Synthetic notes (see test_evidence.py): invented drugs, nothing true about medicine."""

from __future__ import annotations

from pathlib import Path

from curbside.library import Library
from curbside.store.schema import MIGRATIONS

from .test_evidence import CLAIMED_QUESTION, _write_notes

PASSWORD = "synthetic-password-1"
REASON = "Synthetic reason for the test."


def _approved_article(tmp_path: Path):
    lib = Library(tmp_path / "library")
    lib.ingest("files", _write_notes(tmp_path / "notes"), embed=False)
    ed = lib.editorial
    people = {role: ed.add_user(f"synthetic-{role}", role, PASSWORD)[0] for role in ("author", "reviewer", "editor")}
    article_id = lib.answers.answer([CLAIMED_QUESTION]).id
    for role, action in (
        ("author", "save"),
        ("author", "submit"),
        ("reviewer", "start_review"),
        ("reviewer", "approve"),
    ):
        ed.act(people[role], article_id, action)
    assert lib.answers.article(article_id).status == "approved"
    return lib, people, article_id


def _readers_see(lib: Library, article_id: str) -> dict:
    record = lib.answers.article(article_id)
    _, approved = lib.answers.listing(status="approved")
    return {
        "status": record.status,
        "reviewed_by": record.reviewed_by,
        "listed_as_approved": article_id in {item.id for item in approved},
        "facet_approved": dict(lib.answers.facets()["status"]).get("approved", 0),
        "asked": lib.answers.answer([CLAIMED_QUESTION]).status,
    }


def test_a_reopened_article_is_a_draft_to_readers_until_approved_again(tmp_path: Path) -> None:
    lib, people, article_id = _approved_article(tmp_path)
    ed = lib.editorial
    try:
        ed.act(people["editor"], article_id, "retract", reason=REASON)
        retracted = _readers_see(lib, article_id)
        assert retracted == {
            "status": "retracted",
            "reviewed_by": "",
            "listed_as_approved": False,
            "facet_approved": 0,
            "asked": "retracted",
        }

        ed.act(people["editor"], article_id, "reopen", reason=REASON)
        assert _readers_see(lib, article_id) == {
            "status": "draft",
            "reviewed_by": "",
            "listed_as_approved": False,
            "facet_approved": 0,
            "asked": "draft",
        }
        assert not any(version.published for version in ed.history(article_id))

        # Through review again: submitted and under review are not approved either, approval is.
        ed.act(people["author"], article_id, "submit")
        ed.act(people["reviewer"], article_id, "start_review")
        assert _readers_see(lib, article_id)["status"] == "under review"
        ed.act(people["reviewer"], article_id, "approve")
        again = _readers_see(lib, article_id)
        assert again["status"] == "approved" and again["listed_as_approved"] and again["reviewed_by"]
        assert ed.verify_audit() == []
    finally:
        lib.close()


def test_opening_a_library_unpublishes_articles_reopened_before_the_fix(tmp_path: Path) -> None:
    """A library written by the old code: the reopened article still carries its published_version."""
    lib, people, article_id = _approved_article(tmp_path)
    other_approved = None
    try:
        lib.editorial.act(people["editor"], article_id, "retract", reason=REASON)
        lib.editorial.act(people["editor"], article_id, "reopen", reason=REASON)
        conn = lib.db.connection()
        conn.execute("UPDATE articles SET published_version = 1 WHERE id = ?", (article_id,))  # as the old code left it
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
        other_approved = (
            conn.execute("SELECT COUNT(*) FROM articles WHERE published_version IS NOT NULL").fetchone()[0] - 1
        )
    finally:
        lib.close()
    reopened = Library(tmp_path / "library", create=False)
    try:
        assert reopened.db.connection().execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert _readers_see(reopened, article_id)["status"] == "draft"
        still = (
            reopened.db.connection()
            .execute("SELECT COUNT(*) FROM articles WHERE published_version IS NOT NULL")
            .fetchone()[0]
        )
        assert still == other_approved
    finally:
        reopened.close()
