"""Reading and writing saved articles, their versions, and conversation threads."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone

from ..model import Article, ArticleRecord, ArticleSummary, Thread, ThreadTurn, article_from_dict


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def library_generation(conn: sqlite3.Connection) -> str:
    """A token that changes whenever what an answer is composed from changes: a source added,
    superseded or withdrawn, vectors computed, the vocabulary reloaded. Every part is an indexed
    MAX or COUNT, so reading it costs a few milliseconds on a 100k-passage library."""
    newest_source = conn.execute("SELECT MAX(pk) FROM sources").fetchone()[0] or 0
    current = conn.execute("SELECT COUNT(*) FROM sources WHERE status = 'current'").fetchone()[0]
    vectors = conn.execute("SELECT MAX(passage_pk) FROM embeddings").fetchone()[0] or 0
    vocabulary = conn.execute("SELECT MAX(rowid) FROM vocabulary_forms").fetchone()[0] or 0
    return f"s{newest_source}.c{current}.e{vectors}.v{vocabulary}"


_RECORD_SQL = """SELECT a.*, v.body, v.version AS shown_version, v.created_at AS version_created, v.content_hash,
                         v.library_generation, v.note, e.full_name AS editor_name, e.name AS editor_login,
                         e.role AS editor_role, w.full_name AS author_name, w.name AS author_login, w.role AS author_role
                  FROM articles a JOIN article_versions v ON v.article_id = a.id
                  LEFT JOIN users e ON e.id = v.editor_id LEFT JOIN users w ON w.id = a.author_id"""


def latest(conn: sqlite3.Connection, article_id: str) -> tuple[ArticleRecord, str, str] | None:
    """(record, content hash, library generation) of an article's latest version."""
    row = conn.execute(f"{_RECORD_SQL} WHERE a.id = ? AND v.version = a.version", (article_id,)).fetchone()
    if row is None:
        return None
    return _record(conn, row), row["content_hash"], row["library_generation"]


def version(conn: sqlite3.Connection, article_id: str, number: int) -> ArticleRecord | None:
    row = conn.execute(f"{_RECORD_SQL} WHERE a.id = ? AND v.version = ?", (article_id, number)).fetchone()
    return _record(conn, row) if row else None


def published(conn: sqlite3.Connection, article_id: str) -> ArticleRecord | None:
    """What readers are shown: the latest approved version, else the latest version."""
    row = conn.execute("SELECT published_version FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        return None
    if row["published_version"]:
        record = version(conn, article_id, row["published_version"])
        if record.status != "retracted":
            # Readers see the approved text as approved, even while a revision of it is in review.
            record.status = record.article.status = "approved"
        return record
    found = latest(conn, article_id)
    return found[0] if found else None


def save(
    conn: sqlite3.Connection,
    article_id: str,
    context: list[str],
    article: Article,
    content_hash: str,
    generation: str,
    *,
    editor_id: int | None = None,
    note: str = "",
) -> int:
    """Insert the article, or add a version to it; returns the version number. Call inside a
    transaction. `editor_id` names the person who made this version (None: composed by curbside)."""
    stamp = now()
    body = json.dumps(article.to_dict(), sort_keys=True, ensure_ascii=False)
    row = conn.execute("SELECT version FROM articles WHERE id = ?", (article_id,)).fetchone()
    number = (row["version"] + 1) if row else 1
    if row is None:
        conn.execute(
            """INSERT INTO articles (id, question, context, audience, status, kind, intent, condition, title,
                                     version, created_at, updated_at)
               VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?, 1, ?, ?)""",
            (
                article_id,
                article.question,
                json.dumps(context),
                article.audience,
                article.kind,
                article.intent,
                article.condition,
                article.title,
                stamp,
                stamp,
            ),
        )
    else:
        conn.execute(
            """UPDATE articles SET version = ?, kind = ?, intent = ?, condition = ?, title = ?, updated_at = ?
               WHERE id = ?""",
            (number, article.kind, article.intent, article.condition, article.title, stamp, article_id),
        )
    conn.execute(
        """INSERT INTO article_versions (article_id, version, body, content_hash, library_generation, created_at,
                                         editor_id, note)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (article_id, number, body, content_hash, generation, stamp, editor_id, note),
    )
    # Which source versions this version cites: a re-ingested or withdrawn source finds its articles here.
    conn.executemany(
        "INSERT OR IGNORE INTO article_citations (article_id, version, source_id, source_version) VALUES (?, ?, ?, ?)",
        [(article_id, number, ref.source_id, ref.source_version) for ref in article.references],
    )
    return number


def mark_generation(conn: sqlite3.Connection, article_id: str, generation: str) -> None:
    """Record that the latest version was re-checked against a newer library and is unchanged."""
    conn.execute(
        """UPDATE article_versions SET library_generation = ?
           WHERE article_id = ? AND version = (SELECT version FROM articles WHERE id = ?)""",
        (generation, article_id, article_id),
    )


# What readers are told an article's status is: a published article stays "approved" while a
# revision of it is in review (they are shown the approved version); staff pages read `status`.
SHOWN_STATUS = "(CASE WHEN published_version IS NOT NULL AND status != 'retracted' THEN 'approved' ELSE status END)"


def listing(
    conn: sqlite3.Connection,
    *,
    text: str = "",
    topic: str = "",
    intent: str = "",
    status: str = "",
    kinds: tuple[str, ...] = ("article",),
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[ArticleSummary]]:
    """(total, one page) of saved articles matching every given filter, newest first."""
    where, args = [f"kind IN ({', '.join('?' * len(kinds))})"], list(kinds)
    if text:
        where.append("(title LIKE ? ESCAPE '\\' OR question LIKE ? ESCAPE '\\' OR condition LIKE ? ESCAPE '\\')")
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        args += [pattern] * 3
    for column, value in (("condition", topic), ("intent", intent), (SHOWN_STATUS, status)):
        if value:
            where.append(f"{column} = ?")
            args.append(value)
    clause = " AND ".join(where)
    total = conn.execute(f"SELECT COUNT(*) FROM articles WHERE {clause}", args).fetchone()[0]
    rows = conn.execute(
        f"""SELECT id, title, question, audience, {SHOWN_STATUS} AS status, kind, intent, condition, updated_at
            FROM articles WHERE {clause} ORDER BY updated_at DESC, id LIMIT ? OFFSET ?""",
        args + [limit, offset],
    ).fetchall()
    return total, [ArticleSummary(**dict(r)) for r in rows]


def facets(conn: sqlite3.Connection) -> dict[str, list[tuple[str, int]]]:
    """The topics, question types and statuses saved articles have, with counts, for filters."""
    result = {}
    for name, column in (("condition", "condition"), ("intent", "intent"), ("status", SHOWN_STATUS)):
        rows = conn.execute(
            f"SELECT {column} AS value, COUNT(*) AS n FROM articles WHERE kind = 'article' AND {column} != '' "
            f"GROUP BY value ORDER BY n DESC, value LIMIT 100"
        ).fetchall()
        result[name] = [(r["value"], r["n"]) for r in rows]
    return result


# -- threads -----------------------------------------------------------------------------------


def create_thread(conn: sqlite3.Connection, thread_id: str, audience: str, question: str) -> None:
    stamp = now()
    conn.execute("INSERT INTO threads (id, audience, created_at) VALUES (?, ?, ?)", (thread_id, audience, stamp))
    conn.execute(
        "INSERT INTO thread_turns (thread_id, turn, question, created_at) VALUES (?, 1, ?, ?)",
        (thread_id, question, stamp),
    )


def add_turn(conn: sqlite3.Connection, thread_id: str, question: str) -> int:
    row = conn.execute("SELECT COALESCE(MAX(turn), 0) FROM thread_turns WHERE thread_id = ?", (thread_id,)).fetchone()
    turn = row[0] + 1
    conn.execute(
        "INSERT INTO thread_turns (thread_id, turn, question, created_at) VALUES (?, ?, ?, ?)",
        (thread_id, turn, question, now()),
    )
    return turn


def get_thread(conn: sqlite3.Connection, thread_id: str) -> Thread | None:
    row = conn.execute("SELECT * FROM threads WHERE id = ?", (thread_id,)).fetchone()
    if row is None:
        return None
    turns = conn.execute(
        "SELECT turn, question, created_at FROM thread_turns WHERE thread_id = ? ORDER BY turn", (thread_id,)
    ).fetchall()
    return Thread(
        id=row["id"],
        audience=row["audience"],
        created_at=row["created_at"],
        turns=[ThreadTurn(**dict(t)) for t in turns],
    )


def _label(name: str | None, login: str | None, role: str | None) -> str:
    return f"{name or login} ({role})" if login else ""


def _record(conn: sqlite3.Connection, row: sqlite3.Row) -> ArticleRecord:
    article = article_from_dict(json.loads(row["body"]))
    shown = row["shown_version"]
    # Approved for readers only while something is published and not retracted: no version of a
    # retracted article is shown as approved, nor "Reviewed by".
    approved = (
        row["published_version"] is not None
        and row["status"] != "retracted"
        and shown <= row["published_version"]
        and _approvals(conn, row["id"], shown)
    )
    # The workflow's status belongs to the latest version; an older approved version shown to
    # readers is "approved", and any other older version is simply superseded by a newer one.
    if shown == row["version"]:
        status = row["status"]
    else:
        status = "approved" if approved else "superseded"
    if shown == row["published_version"] and row["status"] == "retracted":
        status = "retracted"
    article.status = status  # the workflow's status, not the one frozen in the body
    record = ArticleRecord(
        id=row["id"],
        question=row["question"],
        audience=row["audience"],
        status=status,
        version=shown,
        created_at=row["created_at"],
        updated_at=row["version_created"],
        article=article,
        context=json.loads(row["context"]),
        author=_label(row["author_name"], row["author_login"], row["author_role"]),
        edited_by=_label(row["editor_name"], row["editor_login"], row["editor_role"]),
        note=row["note"],
        published_version=row["published_version"],
        latest_version=row["version"],
        needs_rereview=bool(row["needs_rereview"]),
        status_note=row["status_note"],
        review_status=row["status"],
    )
    if approved:
        record.reviewed_by = ", ".join(label for label, _ in approved)
        record.reviewed_at = max(at for _, at in approved)
    return record


def _approvals(conn: sqlite3.Connection, article_id: str, number: int) -> list[tuple[str, str]]:
    """(reviewer label, date) of each approval of one version, in the round that approved it."""
    rows = conn.execute(
        """SELECT u.full_name, u.name, u.role, d.created_at FROM review_decisions d JOIN users u ON u.id = d.user_id
           WHERE d.article_id = ? AND d.version = ? AND d.decision = 'approve'
             AND d.round = (SELECT MAX(round) FROM review_decisions WHERE article_id = ? AND version = ? AND decision = 'approve')
           ORDER BY d.id""",
        (article_id, number, article_id, number),
    ).fetchall()
    return [(_label(r["full_name"], r["name"], r["role"]), r["created_at"]) for r in rows]


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        "articles": conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0],
        "threads": conn.execute("SELECT COUNT(*) FROM threads").fetchone()[0],
    }
