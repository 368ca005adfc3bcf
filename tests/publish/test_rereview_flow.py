"""Re-review end to end through the workflow service: an approved article whose cited source gets
a new version is flagged publicly and queued for editors; an editor sends it back and re-composes
it from the library as it is now; a reviewer's approval publishes the new version and clears the
flag. Synthetic notes (see test_evidence.py): invented drugs, nothing true about medicine."""

from __future__ import annotations

from pathlib import Path

import pytest

from curbside.errors import ConflictError, PermissionDenied
from curbside.library import Library

from .test_evidence import CLAIMED_QUESTION, EDITED_NOTE, NEUROPATHY, _write_notes

pytestmark = pytest.mark.slow  # ingests and re-ingests real libraries

PASSWORD = "synthetic-password-1"


def test_changed_source_flags_approved_article_and_recomposing_plus_approval_resolves_it(tmp_path: Path) -> None:
    lib = Library(tmp_path / "library")
    notes = _write_notes(tmp_path / "notes")
    lib.ingest("files", notes)
    ed = lib.editorial
    author, _ = ed.add_user("ada", "author", PASSWORD, "Ada Example")
    reviewer, _ = ed.add_user("rex", "reviewer", PASSWORD, "Rex Example")
    editor, _ = ed.add_user("eve", "editor", PASSWORD, "Eve Example")
    try:
        article_id = lib.answers.answer([CLAIMED_QUESTION]).id
        for user, action in ((author, "save"), (author, "submit"), (reviewer, "start_review"), (reviewer, "approve")):
            ed.act(user, article_id, action)
        assert lib.answers.article(article_id).reviewed_by == "Rex Example (reviewer)"

        _write_notes(notes, EDITED_NOTE)
        lib.ingest("files", notes, embed=False)

        public = lib.answers.article(article_id)
        assert public.status == "approved" and public.needs_rereview  # still published, marked for readers
        queued = ed.queue(editor)["Needs re-review: evidence changed"]
        assert [summary.id for summary in queued] == [article_id]
        (change,) = ed.review_state(editor, article_id).evidence_changes
        assert (change.source_id, change.cited_version, change.new_version) == (NEUROPATHY, 1, 2)
        assert any(kind == "added" and "twice" in text for passage in change.passages for kind, text in passage.diff)

        with pytest.raises(PermissionDenied):
            ed.recompose(reviewer, article_id)  # reviewers judge; they do not write
        with pytest.raises(ConflictError):
            ed.recompose(editor, article_id)  # an approved article is sent back before it changes
        ed.act(editor, article_id, "rereview", reason="A cited guideline has a new version.")
        recomposed = ed.recompose(editor, article_id)
        assert recomposed.version == 2 and recomposed.edited_by == "Eve Example (editor)"
        assert {(r.source_id, r.source_version) for r in recomposed.article.references} == {(NEUROPATHY, 2)}
        assert "twice daily" in " ".join(claim.text for claim in recomposed.article.all_claims())
        assert lib.answers.article(article_id).version == 1  # readers keep the approved text meanwhile

        ed.act(reviewer, article_id, "start_review")
        ed.act(reviewer, article_id, "approve", reason="Checked against the new guideline version.")
        public = lib.answers.article(article_id)
        assert (public.version, public.status, public.needs_rereview) == (2, "approved", False)
        assert ed.review_state(editor, article_id).evidence_changes == []
        assert ed.verify_audit() == []
    finally:
        lib.close()


def test_library_listing_shows_readers_a_published_article_as_approved_while_its_revision_is_reviewed(
    tmp_path: Path,
) -> None:
    lib = Library(tmp_path / "library")
    lib.ingest("files", _write_notes(tmp_path / "notes"))
    ed = lib.editorial
    author, _ = ed.add_user("ada", "author", PASSWORD)
    reviewer, _ = ed.add_user("rex", "reviewer", PASSWORD)
    editor, _ = ed.add_user("eve", "editor", PASSWORD)
    try:
        article_id = lib.answers.answer([CLAIMED_QUESTION]).id
        for user, action in ((author, "save"), (author, "submit"), (reviewer, "start_review"), (reviewer, "approve")):
            ed.act(user, article_id, action)
        ed.act(editor, article_id, "rereview", reason="Synthetic: a second look.")
        _, items = lib.answers.listing(status="approved")
        assert [(item.id, item.status) for item in items] == [(article_id, "approved")]
        assert ("approved", 1) in lib.answers.facets()["status"]
        assert [s.id for s in ed.queue(reviewer)["Waiting for a reviewer"]] == [article_id]  # staff see the real state
    finally:
        lib.close()
