"""Reading and writing evidence changes: the re-review flags set when a cited source changes
(the rules about them are in publish/evidence.py)."""

from __future__ import annotations

import sqlite3

# Articles someone has taken into editorial care: everything `saved._recomposable` would not
# re-compose by itself. Unclaimed drafts follow the library on their next view, so are not flagged.
_IN_CARE = """(a.author_id IS NOT NULL OR a.status != 'draft' OR a.published_version IS NOT NULL
               OR EXISTS (SELECT 1 FROM article_versions v WHERE v.article_id = a.id AND v.version = a.version
                                                            AND v.editor_id IS NOT NULL))"""

# (article id, cited version) of the articles in care whose latest or published version cites the
# source at a version up to the given one. One lookup on the article_citations (source_id,
# source_version) index: with no citing article it finds nothing at once, so re-ingesting an
# uncited library pays nothing more.
CITING_ARTICLES = f"""
    SELECT DISTINCT a.id, c.source_version AS cited FROM article_citations c JOIN articles a ON a.id = c.article_id
    WHERE c.source_id = ? AND c.source_version <= ?
      AND (c.version = a.version OR c.version = a.published_version) AND {_IN_CARE}
    ORDER BY a.id, c.source_version"""


def citing_articles(conn: sqlite3.Connection, source_id: str, cited_version: int) -> list[sqlite3.Row]:
    return conn.execute(CITING_ARTICLES, (source_id, cited_version)).fetchall()


def open_change_exists(
    conn: sqlite3.Connection, article_id: str, source_id: str, cited_version: int, new_version: int | None, change: str
) -> bool:
    return (
        conn.execute(
            """SELECT 1 FROM evidence_changes WHERE article_id = ? AND source_id = ? AND cited_version = ?
           AND new_version IS ? AND change = ? AND resolved_at IS NULL""",
            (article_id, source_id, cited_version, new_version, change),
        ).fetchone()
        is not None
    )


def insert_evidence_change(
    conn: sqlite3.Connection,
    article_id: str,
    source_id: str,
    cited_version: int,
    new_version: int | None,
    change: str,
    detected_at: str,
) -> int:
    """Record one change; returns its id."""
    cur = conn.execute(
        """INSERT INTO evidence_changes (article_id, source_id, cited_version, new_version, change, detected_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (article_id, source_id, cited_version, new_version, change, detected_at),
    )
    return cur.lastrowid


def mark_needs_rereview(conn: sqlite3.Connection, article_id: str) -> None:
    conn.execute("UPDATE articles SET needs_rereview = 1 WHERE id = ?", (article_id,))


def clear_needs_rereview(conn: sqlite3.Connection, article_id: str) -> None:
    conn.execute("UPDATE articles SET needs_rereview = 0 WHERE id = ? AND needs_rereview != 0", (article_id,))


def open_changes_of(conn: sqlite3.Connection, article_id: str) -> list[sqlite3.Row]:
    """The article's unresolved changes, oldest first."""
    return conn.execute(
        "SELECT * FROM evidence_changes WHERE article_id = ? AND resolved_at IS NULL ORDER BY detected_at, id",
        (article_id,),
    ).fetchall()


def articles_awaiting_rereview(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """`id`, `title` and `status` of every article with an open change, the one waiting longest first."""
    return conn.execute(
        """SELECT a.id, a.title, a.status FROM evidence_changes e JOIN articles a ON a.id = e.article_id
           WHERE e.resolved_at IS NULL GROUP BY a.id ORDER BY MIN(e.detected_at), MIN(e.id)"""
    ).fetchall()


def open_change_ids(conn: sqlite3.Connection, article_id: str) -> list[int]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM evidence_changes WHERE article_id = ? AND resolved_at IS NULL ORDER BY id", (article_id,)
        )
    ]


def resolve_open_changes(conn: sqlite3.Connection, article_id: str, resolved_at: str) -> None:
    conn.execute(
        "UPDATE evidence_changes SET resolved_at = ? WHERE article_id = ? AND resolved_at IS NULL",
        (resolved_at, article_id),
    )


def cited_version_bodies(conn: sqlite3.Connection, article_id: str) -> list[sqlite3.Row]:
    """The `body` of the article's latest and published versions (one row when they are the same)."""
    return conn.execute(
        """SELECT v.body FROM article_versions v JOIN articles a ON a.id = v.article_id
           WHERE a.id = ? AND (v.version = a.version OR v.version = a.published_version)""",
        (article_id,),
    ).fetchall()
