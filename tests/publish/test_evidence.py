"""A cited source that changes or is withdrawn flags the articles in editorial care for re-review.

The library is made of small synthetic Markdown notes read by the real `files` reader; the drug
and condition names are invented and the sentences say nothing true about medicine.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from curbside.errors import ConflictError, InputError, NotFoundError
from curbside.ingest.readers import get_reader
from curbside.ingest.run import ingest
from curbside.library import Library
from curbside.model import Document, IngestReport, Passage, Source
from curbside.publish import audit, evidence
from curbside.store import evidence as evidence_store

pytestmark = pytest.mark.slow  # ingests and re-ingests real libraries

NEUROPATHY = "file:notes/neuropathy.md"
GOUT = "file:notes/gout.md"
NOTE = """# Synthetic neuropathy guideline

## Pharmacological treatment

Examplamab 20 mg once daily is recommended as first-line therapy for synthetic neuropathy.

If examplamab is ineffective after 4 weeks, switch to testoxetine 30 mg once daily.

## Monitoring

Monitor renal function every 3 months in patients with synthetic neuropathy taking examplamab.
"""
EDITED_NOTE = NOTE.replace("Examplamab 20 mg once daily", "Examplamab 20 mg twice daily")
CLAIMED_QUESTION = "What is the first-line treatment for synthetic neuropathy?"  # cites passages 0, 1, 2
DRAFT_QUESTION = "How is synthetic neuropathy monitored?"  # cites passage 2 only
GOUT_QUESTION = "What is the treatment for imaginary gout?"  # cites the other note


def _write_notes(folder: Path, neuropathy: str = NOTE) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "neuropathy.md").write_text(neuropathy, encoding="utf-8")
    (folder / "gout.md").write_text(
        "# Imaginary gout guideline\n\nFictolol 10 mg daily is recommended for imaginary gout flares.\n",
        encoding="utf-8",
    )
    return folder


def _take_into_care(lib: Library, article_id: str, how: str = "submitted") -> None:
    # The editorial workflow service is not ready yet, so editorial care is set by a direct UPDATE
    # of what the workflow will set: a status past draft, an author, or an approved version.
    with lib.db.transaction() as conn:
        if how == "submitted":
            conn.execute("UPDATE articles SET status = 'submitted' WHERE id = ?", (article_id,))
        elif how == "author":
            cur = conn.execute(
                """INSERT INTO users (name, role, password_hash, token_hash, created_at)
                   VALUES ('synthetic-author', 'author', 'not-a-hash', 'not-a-token', '2025-01-01T00:00:00+00:00')"""
            )
            conn.execute("UPDATE articles SET author_id = ? WHERE id = ?", (cur.lastrowid, article_id))
        elif how == "published":
            conn.execute(
                "UPDATE articles SET status = 'approved', published_version = version WHERE id = ?", (article_id,)
            )


class Setup:
    def __init__(self, lib: Library, notes: Path, claimed: str, draft: str, gout: str):
        self.lib, self.notes, self.claimed, self.draft, self.gout = lib, notes, claimed, draft, gout

    @property
    def conn(self) -> sqlite3.Connection:
        return self.lib.db.connection()

    def edit(self, text: str = EDITED_NOTE):
        _write_notes(self.notes, text)
        return self.lib.ingest("files", self.notes, embed=False)

    def rows(self, table: str) -> list[tuple]:
        return [tuple(r) for r in self.conn.execute(f"SELECT * FROM {table} ORDER BY 1")]

    def needs_rereview(self, article_id: str) -> int:
        return self.conn.execute("SELECT needs_rereview FROM articles WHERE id = ?", (article_id,)).fetchone()[0]


def _setup(tmp_path: Path, how: str = "submitted") -> Setup:
    lib = Library(tmp_path / "library")
    notes = _write_notes(tmp_path / "notes")
    assert lib.ingest("files", notes).added == 2
    claimed = lib.answers.answer([CLAIMED_QUESTION])
    draft = lib.answers.answer([DRAFT_QUESTION])
    gout = lib.answers.answer([GOUT_QUESTION])
    for record, source in ((claimed, NEUROPATHY), (draft, NEUROPATHY), (gout, GOUT)):
        assert [(r.source_id, r.source_version) for r in record.article.references] == [(source, 1)]
    _take_into_care(lib, claimed.id, how)
    _take_into_care(lib, gout.id)
    return Setup(lib, notes, claimed.id, draft.id, gout.id)


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    s = _setup(tmp_path)
    yield s
    s.lib.close()


@pytest.mark.parametrize("how", ["submitted", "author", "published"])
def test_new_version_of_a_cited_source_flags_the_article_in_care(tmp_path: Path, how: str) -> None:
    s = _setup(tmp_path, how)
    try:
        report = s.edit()
        assert (report.updated, report.unchanged) == (1, 1)
        assert s.needs_rereview(s.claimed) == 1
        assert s.lib.answers.article(s.claimed, newest=True).needs_rereview
        changes = s.conn.execute(
            "SELECT article_id, source_id, cited_version, new_version, change, resolved_at FROM evidence_changes"
        ).fetchall()
        assert [tuple(c) for c in changes] == [(s.claimed, NEUROPATHY, 1, 2, "new version", None)]
    finally:
        s.lib.close()


def test_open_changes_show_the_changed_words_of_each_cited_passage(setup: Setup) -> None:
    setup.edit()
    (change,) = evidence.open_changes(setup.conn, setup.claimed)
    assert (change.source_id, change.source_title, change.cited_version, change.new_version, change.change) == (
        NEUROPATHY,
        "Synthetic neuropathy guideline",
        1,
        2,
        "new version",
    )
    assert change.resolved_at is None and change.detected_at
    by_id = {p.passage_id: p for p in change.passages}
    assert sorted(by_id) == [f"{NEUROPATHY}@1#0", f"{NEUROPATHY}@1#1", f"{NEUROPATHY}@1#2"]
    edited = by_id[f"{NEUROPATHY}@1#0"]
    assert edited.changed and edited.new_passage_id == f"{NEUROPATHY}@2#0"
    assert [(kind, words.strip()) for kind, words in edited.diff] == [
        ("same", "Examplamab 20 mg"),
        ("removed", "once"),
        ("added", "twice"),
        ("same", "daily is recommended as first-line therapy for synthetic neuropathy."),
    ]
    assert (
        edited.new_text == "Examplamab 20 mg twice daily is recommended as first-line therapy for synthetic neuropathy."
    )
    untouched = by_id[f"{NEUROPATHY}@1#2"]
    assert not untouched.changed and untouched.new_passage_id == f"{NEUROPATHY}@2#2"


def test_queue_and_audit_list_the_flag(setup: Setup) -> None:
    setup.edit()
    queue = evidence.queue(setup.conn)
    assert [(aid, status) for aid, _, status, _ in queue] == [(setup.claimed, "submitted")]
    assert queue[0][1] and len(queue[0][3]) == 1
    total, entries = audit.entries(setup.conn, target=setup.claimed)
    assert total == 1 and entries[0].action == "flag_rereview" and entries[0].actor == "curbside"
    assert entries[0].detail | {"evidence_change": 0} == {
        "source_id": NEUROPATHY,
        "cited_version": 1,
        "new_version": 2,
        "change": "new version",
        "evidence_change": 0,
    }
    assert audit.verify(setup.conn, setup.lib.path) == []  # the ingest wrote the chain's head too


def test_unclaimed_draft_and_articles_citing_other_sources_are_not_flagged(setup: Setup) -> None:
    setup.edit()
    assert setup.needs_rereview(setup.draft) == 0 and setup.needs_rereview(setup.gout) == 0
    flagged = {r[0] for r in setup.conn.execute("SELECT article_id FROM evidence_changes")}
    assert flagged == {setup.claimed}


def test_unchanged_reingest_flags_nothing_and_a_rerun_does_not_duplicate(setup: Setup) -> None:
    assert setup.lib.ingest("files", setup.notes, embed=False).unchanged == 2
    assert setup.rows("evidence_changes") == [] and setup.rows("audit_log") == []
    assert not (setup.lib.path / audit.HEAD_FILE).exists()  # nothing appended, nothing written

    setup.edit()
    changes, log = setup.rows("evidence_changes"), setup.rows("audit_log")
    assert len(changes) == 1
    assert setup.edit().unchanged == 2
    assert setup.rows("evidence_changes") == changes and setup.rows("audit_log") == log


def test_flagging_the_same_change_twice_inserts_it_once(setup: Setup) -> None:
    setup.edit()
    with setup.lib.db.transaction() as conn:
        assert evidence.flag_source_change(conn, NEUROPATHY, 1, 2) == []
    assert len(setup.rows("evidence_changes")) == 1


def test_an_article_still_citing_an_older_version_sees_each_later_change(setup: Setup) -> None:
    setup.edit()
    setup.edit(EDITED_NOTE.replace("every 3 months", "every 6 months"))
    changes = evidence.open_changes(setup.conn, setup.claimed)
    assert [(c.cited_version, c.new_version) for c in changes] == [(1, 2), (1, 3)]
    latest = {p.passage_id: p for p in changes[1].passages}[f"{NEUROPATHY}@1#2"]
    changed = [(kind, words.strip()) for kind, words in latest.diff if kind != "same"]
    assert changed == [("removed", "3"), ("added", "6")]


def test_withdrawing_a_source_flags_its_articles(setup: Setup) -> None:
    assert setup.lib.withdraw_source(NEUROPATHY, "Synthetic test: its developer withdrew it.", actor="editor-x") == [
        setup.claimed
    ]
    assert setup.lib.source_versions(NEUROPATHY)[0][:2] == (1, "withdrawn")
    indexed = setup.conn.execute(
        """SELECT COUNT(*) FROM passages_fts f JOIN passages p ON p.pk = f.rowid JOIN sources s ON s.pk = p.source_pk
           WHERE s.id = ?""",
        (NEUROPATHY,),
    ).fetchone()[0]
    assert indexed == 0  # out of search; its passages stay readable for the citations
    assert setup.lib.passage(f"{NEUROPATHY}@1#0")[0].text.startswith("Examplamab")
    (change,) = evidence.open_changes(setup.conn, setup.claimed)
    assert (change.change, change.cited_version, change.new_version) == ("withdrawn", 1, None)
    for passage in change.passages:
        assert passage.new_passage_id == "" and passage.new_text == ""
        assert passage.diff == [("removed", passage.old_text)]
    _, entries = audit.entries(setup.conn)
    assert [(e.action, e.actor, e.target) for e in entries] == [
        ("withdraw_source", "editor-x", NEUROPATHY),
        ("flag_rereview", "curbside", setup.claimed),
    ]
    assert entries[0].detail["reason"] == "Synthetic test: its developer withdrew it."
    assert audit.verify(setup.conn, setup.lib.path) == []


def test_withdraw_refuses_unknown_repeated_and_unexplained(setup: Setup) -> None:
    with pytest.raises(NotFoundError, match="No source 'file:notes/missing.md'"):
        setup.lib.withdraw_source("file:notes/missing.md", "Synthetic reason.")
    with pytest.raises(InputError, match="needs a reason"):
        setup.lib.withdraw_source(NEUROPATHY, "   ")
    setup.lib.withdraw_source(NEUROPATHY, "Synthetic reason.")
    with pytest.raises(ConflictError, match="already withdrawn"):
        setup.lib.withdraw_source(NEUROPATHY, "Synthetic reason.")
    assert len(setup.rows("evidence_changes")) == 1


def test_resolve_clears_the_flag(setup: Setup) -> None:
    setup.edit()
    with setup.lib.db.transaction() as conn:
        assert evidence.resolve(conn, setup.claimed, "reviewer-x") == 1
    audit.write_head(setup.conn, setup.lib.path)
    assert setup.needs_rereview(setup.claimed) == 0
    assert evidence.open_changes(setup.conn, setup.claimed) == [] and evidence.queue(setup.conn) == []
    assert setup.conn.execute("SELECT resolved_at FROM evidence_changes").fetchone()[0]
    _, entries = audit.entries(setup.conn, target=setup.claimed)
    assert (entries[0].action, entries[0].actor) == ("resolve_rereview", "reviewer-x")
    assert audit.verify(setup.conn, setup.lib.path) == []
    with setup.lib.db.transaction() as conn:
        assert evidence.resolve(conn, setup.claimed, "reviewer-x") == 0  # nothing open: no entry
    assert audit.entries(setup.conn, target=setup.claimed)[0] == 2


def test_a_store_error_mid_batch_leaves_neither_the_new_version_nor_the_flag(setup: Setup) -> None:
    # The flag is written by _store_one inside the batch transaction, right after the supersede;
    # a later document of the same batch failing must roll both back together.
    _write_notes(setup.notes, EDITED_NOTE)
    edited = [d for d in get_reader("files").read(setup.notes, setup.lib.settings) if d.source.id == NEUROPATHY]
    broken = Document(
        Source(id="test:broken", kind="local", title="Synthetic broken note", origin="test"),
        [Passage("test:broken", 0, "Body", "One."), Passage("test:broken", 0, "Body", "Same order.")],
    )
    before = {t: setup.rows(t) for t in ("sources", "evidence_changes", "audit_log", "articles")}
    with pytest.raises(sqlite3.IntegrityError):
        ingest(
            setup.lib.db,
            iter(edited + [broken]),
            IngestReport(reader="test", path="-"),
            batch_size=5,
            flag_change=evidence.flag_source_change,
        )
    assert {t: setup.rows(t) for t in before} == before
    assert setup.needs_rereview(setup.claimed) == 0
    # Run again without the broken document: the new version and its flag land together.
    ingest(setup.lib.db, iter(edited), IngestReport(reader="test", path="-"), flag_change=evidence.flag_source_change)
    assert setup.lib.source(NEUROPATHY)[0].version == 2 and setup.needs_rereview(setup.claimed) == 1


def test_finding_citing_articles_uses_the_citation_index(setup: Setup) -> None:
    # Every re-ingested source asks this once; the index keeps it one lookup however many articles.
    plan = [
        r["detail"] for r in setup.conn.execute("EXPLAIN QUERY PLAN " + evidence_store.CITING_ARTICLES, (NEUROPATHY, 1))
    ]
    assert any("article_citations_source" in step for step in plan), plan
    assert not any(step.startswith("SCAN") for step in plan), plan
