"""Reading and writing the review workflow: articles' editorial state, reviewer assignments,
decisions and comments (the rules about them are in publish/editorial.py)."""

from __future__ import annotations

import sqlite3

from ..model import ArticleSummary


def article_row(conn: sqlite3.Connection, article_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()


def update_article(conn: sqlite3.Connection, article_id: str, updates: dict, updated_at: str) -> None:
    """Set the named columns (names come from the caller's code, never from input) and updated_at."""
    assignments = ", ".join(f"{column} = ?" for column in updates)
    conn.execute(
        f"UPDATE articles SET {assignments}, updated_at = ? WHERE id = ?", [*updates.values(), updated_at, article_id]
    )


def set_article_status(conn: sqlite3.Connection, article_id: str, status: str, updated_at: str) -> None:
    conn.execute("UPDATE articles SET status = ?, updated_at = ? WHERE id = ?", (status, updated_at, article_id))


def made_version(conn: sqlite3.Connection, article_id: str, user_id: int, version: int) -> bool:
    """Whether this user made (edited) this version of the article."""
    found = conn.execute(
        "SELECT 1 FROM article_versions WHERE article_id = ? AND editor_id = ? AND version = ?",
        (article_id, user_id, version),
    ).fetchone()
    return found is not None


def version_generation(conn: sqlite3.Connection, article_id: str, version: int) -> str:
    """The library generation a version was composed from."""
    return conn.execute(
        "SELECT library_generation FROM article_versions WHERE article_id = ? AND version = ?", (article_id, version)
    ).fetchone()[0]


def is_assigned(conn: sqlite3.Connection, article_id: str, user_id: int) -> bool:
    found = conn.execute(
        "SELECT 1 FROM review_assignments WHERE article_id = ? AND user_id = ?", (article_id, user_id)
    ).fetchone()
    return found is not None


def assign_reviewer(conn: sqlite3.Connection, article_id: str, user_id: int, assigned_by: int, created_at: str) -> None:
    """Assign once; assigning the same reviewer again changes nothing."""
    conn.execute(
        """INSERT OR IGNORE INTO review_assignments (article_id, user_id, assigned_by, created_at)
                    VALUES (?, ?, ?, ?)""",
        (article_id, user_id, assigned_by, created_at),
    )


def assigned_reviewer_names(conn: sqlite3.Connection, article_id: str) -> list[str]:
    return [
        r["name"]
        for r in conn.execute(
            """SELECT u.name FROM review_assignments a JOIN users u ON u.id = a.user_id WHERE a.article_id = ?
           ORDER BY a.created_at""",
            (article_id,),
        )
    ]


def approver_names(conn: sqlite3.Connection, article_id: str, version: int, review_round: int) -> list[str]:
    """Who approved this version in this review round."""
    rows = conn.execute(
        """SELECT DISTINCT u.name FROM review_decisions d JOIN users u ON u.id = d.user_id
           WHERE d.article_id = ? AND d.version = ? AND d.round = ? AND d.decision = 'approve'""",
        (article_id, version, review_round),
    ).fetchall()
    return [r["name"] for r in rows]


def insert_review_decision(
    conn: sqlite3.Connection,
    article_id: str,
    version: int,
    review_round: int,
    user_id: int,
    decision: str,
    reason: str,
    created_at: str,
) -> None:
    conn.execute(
        """INSERT INTO review_decisions (article_id, version, round, user_id, decision, reason, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (article_id, version, review_round, user_id, decision, reason, created_at),
    )


def decision_rows(conn: sqlite3.Connection, article_id: str) -> list[sqlite3.Row]:
    """Every decision on the article, oldest first, with its reviewer's name, full name and role."""
    return conn.execute(
        """SELECT d.*, u.name, u.full_name, u.role FROM review_decisions d JOIN users u ON u.id = d.user_id
           WHERE d.article_id = ? ORDER BY d.id""",
        (article_id,),
    ).fetchall()


def approval_rows(conn: sqlite3.Connection, article_id: str) -> list[sqlite3.Row]:
    """Every approval of any version of the article, oldest first, with its reviewer."""
    return conn.execute(
        """SELECT d.version, u.name, u.full_name, u.role FROM review_decisions d JOIN users u ON u.id = d.user_id
           WHERE d.article_id = ? AND d.decision = 'approve' ORDER BY d.id""",
        (article_id,),
    ).fetchall()


def version_rows(conn: sqlite3.Connection, article_id: str) -> list[sqlite3.Row]:
    """Every version of the article, newest first, with who made it (no name: composed by curbside)."""
    return conn.execute(
        """SELECT v.version, v.created_at, v.note, u.name, u.full_name, u.role FROM article_versions v
           LEFT JOIN users u ON u.id = v.editor_id WHERE v.article_id = ? ORDER BY v.version DESC""",
        (article_id,),
    ).fetchall()


def insert_review_comment(
    conn: sqlite3.Connection, article_id: str, version: int, user_id: int, anchor: str, body: str, created_at: str
) -> int:
    """Add a comment; returns its id."""
    cursor = conn.execute(
        """INSERT INTO review_comments (article_id, version, user_id, anchor, body, created_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (article_id, version, user_id, anchor, body, created_at),
    )
    return cursor.lastrowid


def comment_rows(conn: sqlite3.Connection, article_id: str) -> list[sqlite3.Row]:
    """Every comment on the article, oldest first, with its author's name, full name and role."""
    return conn.execute(
        """SELECT c.*, u.name, u.full_name, u.role FROM review_comments c JOIN users u ON u.id = c.user_id
           WHERE c.article_id = ? ORDER BY c.id""",
        (article_id,),
    ).fetchall()


# -- the review queue: each part of it, newest change first --------------------------------------------


def _summaries(conn: sqlite3.Connection, where: str, *args) -> list[ArticleSummary]:
    rows = conn.execute(
        f"""SELECT id, title, question, audience, status, kind, intent, condition, updated_at FROM articles
            WHERE {where} ORDER BY updated_at DESC LIMIT 200""",
        args,
    ).fetchall()
    return [ArticleSummary(**dict(r)) for r in rows]


def submitted(conn: sqlite3.Connection) -> list[ArticleSummary]:
    return _summaries(conn, "status = 'submitted'")


def under_review_assigned_to(conn: sqlite3.Connection, user_id: int) -> list[ArticleSummary]:
    return _summaries(
        conn, "status = 'under review' AND id IN (SELECT article_id FROM review_assignments WHERE user_id = ?)", user_id
    )


def under_review(conn: sqlite3.Connection) -> list[ArticleSummary]:
    return _summaries(conn, "status = 'under review'")


def needing_rereview(conn: sqlite3.Connection) -> list[ArticleSummary]:
    return _summaries(conn, "needs_rereview = 1")


def changes_requested_or_revised(conn: sqlite3.Connection) -> list[ArticleSummary]:
    return _summaries(conn, "status IN ('changes requested', 'revised')")


def changes_requested_of_author(conn: sqlite3.Connection, author_id: int) -> list[ArticleSummary]:
    return _summaries(conn, "status IN ('changes requested') AND author_id = ?", author_id)


def assigned_to(conn: sqlite3.Connection, user_id: int) -> list[ArticleSummary]:
    return _summaries(conn, "id IN (SELECT article_id FROM review_assignments WHERE user_id = ?)", user_id)


def authored_by(conn: sqlite3.Connection, user_id: int) -> list[ArticleSummary]:
    return _summaries(conn, "author_id = ?", user_id)
