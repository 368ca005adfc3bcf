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


def latest(conn: sqlite3.Connection, article_id: str) -> tuple[ArticleRecord, str, str] | None:
    """(record, content hash, library generation) of an article's latest version."""
    row = conn.execute(
        """SELECT a.*, v.body, v.content_hash, v.library_generation FROM articles a
           JOIN article_versions v ON v.article_id = a.id AND v.version = a.version WHERE a.id = ?""",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    return _record(row, row["body"]), row["content_hash"], row["library_generation"]


def version(conn: sqlite3.Connection, article_id: str, number: int) -> ArticleRecord | None:
    row = conn.execute(
        """SELECT a.*, v.body, v.version AS shown_version, v.created_at AS version_created FROM articles a
           JOIN article_versions v ON v.article_id = a.id WHERE a.id = ? AND v.version = ?""",
        (article_id, number),
    ).fetchone()
    if row is None:
        return None
    record = _record(row, row["body"])
    record.version, record.updated_at = row["shown_version"], row["version_created"]
    return record


def save(conn: sqlite3.Connection, article_id: str, context: list[str], article: Article, content_hash: str,
         generation: str) -> None:
    """Insert the article, or add a version to it; call inside a transaction."""
    stamp = now()
    body = json.dumps(article.to_dict(), sort_keys=True, ensure_ascii=False)
    row = conn.execute("SELECT version FROM articles WHERE id = ?", (article_id,)).fetchone()
    number = (row["version"] + 1) if row else 1
    if row is None:
        conn.execute(
            """INSERT INTO articles (id, question, context, audience, status, kind, intent, condition, title,
                                     version, created_at, updated_at)
               VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?, 1, ?, ?)""",
            (article_id, article.question, json.dumps(context), article.audience, article.kind, article.intent,
             article.condition, article.title, stamp, stamp),
        )
    else:
        conn.execute(
            """UPDATE articles SET version = ?, kind = ?, intent = ?, condition = ?, title = ?, updated_at = ?
               WHERE id = ?""",
            (number, article.kind, article.intent, article.condition, article.title, stamp, article_id),
        )
    conn.execute(
        """INSERT INTO article_versions (article_id, version, body, content_hash, library_generation, created_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (article_id, number, body, content_hash, generation, stamp),
    )


def mark_generation(conn: sqlite3.Connection, article_id: str, generation: str) -> None:
    """Record that the latest version was re-checked against a newer library and is unchanged."""
    conn.execute(
        """UPDATE article_versions SET library_generation = ?
           WHERE article_id = ? AND version = (SELECT version FROM articles WHERE id = ?)""",
        (generation, article_id, article_id),
    )


def listing(conn: sqlite3.Connection, *, text: str = "", topic: str = "", intent: str = "", status: str = "",
            kinds: tuple[str, ...] = ("article",), limit: int = 50, offset: int = 0) -> tuple[int, list[ArticleSummary]]:
    """(total, one page) of saved articles matching every given filter, newest first."""
    where, args = [f"kind IN ({', '.join('?' * len(kinds))})"], list(kinds)
    if text:
        where.append("(title LIKE ? ESCAPE '\\' OR question LIKE ? ESCAPE '\\' OR condition LIKE ? ESCAPE '\\')")
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        args += [pattern] * 3
    for column, value in (("condition", topic), ("intent", intent), ("status", status)):
        if value:
            where.append(f"{column} = ?")
            args.append(value)
    clause = " AND ".join(where)
    total = conn.execute(f"SELECT COUNT(*) FROM articles WHERE {clause}", args).fetchone()[0]
    rows = conn.execute(
        f"""SELECT id, title, question, audience, status, kind, intent, condition, updated_at FROM articles
            WHERE {clause} ORDER BY updated_at DESC, id LIMIT ? OFFSET ?""",
        args + [limit, offset],
    ).fetchall()
    return total, [ArticleSummary(**dict(r)) for r in rows]


def facets(conn: sqlite3.Connection) -> dict[str, list[tuple[str, int]]]:
    """The topics, question types and statuses saved articles have, with counts, for filters."""
    result = {}
    for column in ("condition", "intent", "status"):
        rows = conn.execute(
            f"SELECT {column} AS value, COUNT(*) AS n FROM articles WHERE kind = 'article' AND {column} != '' "
            f"GROUP BY {column} ORDER BY n DESC, value LIMIT 100"
        ).fetchall()
        result[column] = [(r["value"], r["n"]) for r in rows]
    return result


# -- threads -----------------------------------------------------------------------------------

def create_thread(conn: sqlite3.Connection, thread_id: str, audience: str, question: str) -> None:
    stamp = now()
    conn.execute("INSERT INTO threads (id, audience, created_at) VALUES (?, ?, ?)", (thread_id, audience, stamp))
    conn.execute("INSERT INTO thread_turns (thread_id, turn, question, created_at) VALUES (?, 1, ?, ?)",
                 (thread_id, question, stamp))


def add_turn(conn: sqlite3.Connection, thread_id: str, question: str) -> int:
    row = conn.execute("SELECT COALESCE(MAX(turn), 0) FROM thread_turns WHERE thread_id = ?", (thread_id,)).fetchone()
    turn = row[0] + 1
    conn.execute("INSERT INTO thread_turns (thread_id, turn, question, created_at) VALUES (?, ?, ?, ?)",
                 (thread_id, turn, question, now()))
    return turn


def get_thread(conn: sqlite3.Connection, thread_id: str) -> Thread | None:
    row = conn.execute("SELECT * FROM threads WHERE id = ?", (thread_id,)).fetchone()
    if row is None:
        return None
    turns = conn.execute("SELECT turn, question, created_at FROM thread_turns WHERE thread_id = ? ORDER BY turn",
                         (thread_id,)).fetchall()
    return Thread(id=row["id"], audience=row["audience"], created_at=row["created_at"],
                  turns=[ThreadTurn(**dict(t)) for t in turns])


def _record(row: sqlite3.Row, body: str) -> ArticleRecord:
    article = article_from_dict(json.loads(body))
    article.status = row["status"]  # the workflow's status, not the one frozen in the body
    return ArticleRecord(
        id=row["id"], question=row["question"], audience=row["audience"], status=row["status"],
        version=row["version"], created_at=row["created_at"], updated_at=row["updated_at"], article=article,
        context=json.loads(row["context"]),
    )


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {"articles": conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0],
            "threads": conn.execute("SELECT COUNT(*) FROM threads").fetchone()[0]}
