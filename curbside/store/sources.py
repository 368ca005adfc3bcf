"""Reading and writing sources and their passages (and keeping the FTS index in step)."""

from __future__ import annotations

import json
import math
import re
import sqlite3
import threading
from datetime import datetime, timezone
from functools import lru_cache

from ..model import Document, Passage, Source


def passage_id(source_id: str, version: int, order: int) -> str:
    return f"{source_id}@{version}#{order}"


def current_version(conn: sqlite3.Connection, source_id: str) -> tuple[int, int, str] | None:
    """(pk, version, content_hash) of the current version of a source, if it has one."""
    row = conn.execute(
        "SELECT pk, version, content_hash FROM sources WHERE id = ? AND status = 'current'", (source_id,)
    ).fetchone()
    return (row["pk"], row["version"], row["content_hash"]) if row else None


def latest_version(conn: sqlite3.Connection, source_id: str) -> int:
    row = conn.execute("SELECT MAX(version) FROM sources WHERE id = ?", (source_id,)).fetchone()
    return row[0] or 0


def insert_document(conn: sqlite3.Connection, doc: Document, version: int) -> int:
    """Store a source version with its passages and index them; returns the passage count."""
    s = doc.source
    cur = conn.execute(
        """INSERT INTO sources (id, version, kind, origin, title, developer, year, date, url, licence,
                                identifiers, conditions, metadata, content_hash, status, ingested_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'current', ?)""",
        (
            s.id,
            version,
            s.kind,
            s.origin,
            s.title,
            s.developer,
            s.year,
            s.date,
            s.url,
            s.licence,
            json.dumps(s.identifiers, sort_keys=True),
            json.dumps(s.conditions),
            json.dumps(s.metadata, sort_keys=True),
            s.content_hash,
            datetime.now(timezone.utc).isoformat(timespec="seconds"),
        ),
    )
    source_pk = cur.lastrowid
    for p in doc.passages:
        pcur = conn.execute(
            """INSERT INTO passages (id, source_pk, ord, section, text, start_char, end_char, grade)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (passage_id(s.id, version, p.order), source_pk, p.order, p.section, p.text, p.start, p.end, p.grade),
        )
        conn.execute(
            "INSERT INTO passages_fts (rowid, title, section, text) VALUES (?, ?, ?, ?)",
            (pcur.lastrowid, s.title, p.section, p.text),
        )
    return len(doc.passages)


def supersede(conn: sqlite3.Connection, source_pk: int, status: str = "superseded") -> None:
    """Take a source version out of search; its passages stay readable for old citations."""
    conn.execute("DELETE FROM passages_fts WHERE rowid IN (SELECT pk FROM passages WHERE source_pk = ?)", (source_pk,))
    conn.execute(
        "DELETE FROM embeddings WHERE passage_pk IN (SELECT pk FROM passages WHERE source_pk = ?)", (source_pk,)
    )
    conn.execute("UPDATE sources SET status = ? WHERE pk = ?", (status, source_pk))


def row_to_source(row: sqlite3.Row) -> Source:
    return Source(
        id=row["id"],
        kind=row["kind"],
        title=row["title"],
        origin=row["origin"],
        developer=row["developer"],
        year=row["year"],
        date=row["date"],
        identifiers=json.loads(row["identifiers"]),
        url=row["url"],
        licence=row["licence"],
        conditions=json.loads(row["conditions"]),
        metadata=json.loads(row["metadata"]),
        content_hash=row["content_hash"],
        version=row["version"],
        status=row["status"],
    )


def row_to_passage(row: sqlite3.Row, source_id: str) -> Passage:
    return Passage(
        source_id=source_id,
        order=row["ord"],
        section=row["section"],
        text=row["text"],
        start=row["start_char"],
        end=row["end_char"],
        grade=row["grade"],
        id=row["id"],
    )


def get_source(conn: sqlite3.Connection, source_id: str, version: int | None = None) -> tuple[int, Source] | None:
    if version is None:
        row = conn.execute(
            "SELECT * FROM sources WHERE id = ? ORDER BY status = 'current' DESC, version DESC LIMIT 1", (source_id,)
        ).fetchone()
    else:
        row = conn.execute("SELECT * FROM sources WHERE id = ? AND version = ?", (source_id, version)).fetchone()
    return (row["pk"], row_to_source(row)) if row else None


def passages_of(conn: sqlite3.Connection, source_pk: int, source_id: str) -> list[Passage]:
    rows = conn.execute("SELECT * FROM passages WHERE source_pk = ? ORDER BY ord", (source_pk,)).fetchall()
    return [row_to_passage(r, source_id) for r in rows]


def get_passage(conn: sqlite3.Connection, pid: str) -> tuple[Passage, Source] | None:
    row = conn.execute(
        """SELECT p.*, s.pk AS spk FROM passages p JOIN sources s ON s.pk = p.source_pk WHERE p.id = ?""", (pid,)
    ).fetchone()
    if row is None:
        return None
    src = row_to_source(conn.execute("SELECT * FROM sources WHERE pk = ?", (row["spk"],)).fetchone())
    return row_to_passage(row, src.id), src


def passages_by_pk(conn: sqlite3.Connection, pks: list[int]) -> dict[int, tuple[Passage, Source]]:
    """Passages and their sources for a list of passage rowids (one query each way)."""
    if not pks:
        return {}
    marks = ",".join("?" * len(pks))
    rows = conn.execute(f"SELECT * FROM passages WHERE pk IN ({marks})", pks).fetchall()
    source_pks = sorted({r["source_pk"] for r in rows})
    smarks = ",".join("?" * len(source_pks))
    sources = {
        r["pk"]: row_to_source(r)
        for r in conn.execute(f"SELECT * FROM sources WHERE pk IN ({smarks})", source_pks).fetchall()
    }
    out = {}
    for r in rows:
        src = sources[r["source_pk"]]
        out[r["pk"]] = (row_to_passage(r, src.id), src)
    return out


def list_sources(conn: sqlite3.Connection, kind: str | None = None, include_old: bool = False) -> list[Source]:
    query = "SELECT * FROM sources WHERE 1=1"
    args: list = []
    if not include_old:
        query += " AND status = 'current'"
    if kind:
        query += " AND kind = ?"
        args.append(kind)
    query += " ORDER BY id, version"
    return [row_to_source(r) for r in conn.execute(query, args).fetchall()]


def counts(conn: sqlite3.Connection) -> dict:
    """Current sources and their passages by kind, plus totals."""
    sources = {
        r["kind"]: r["n"]
        for r in conn.execute(
            "SELECT kind, COUNT(*) AS n FROM sources WHERE status = 'current' GROUP BY kind ORDER BY kind"
        )
    }
    passages = {
        r["kind"]: r["n"]
        for r in conn.execute(
            """SELECT s.kind, COUNT(*) AS n FROM passages p JOIN sources s ON s.pk = p.source_pk
               WHERE s.status = 'current' GROUP BY s.kind ORDER BY s.kind"""
        )
    }
    old = conn.execute("SELECT COUNT(*) FROM sources WHERE status != 'current'").fetchone()[0]
    embedded = conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
    return {
        "sources": sources,
        "passages": passages,
        "sources_total": sum(sources.values()),
        "passages_total": sum(passages.values()),
        "source_versions_superseded": old,
        "passages_embedded": embedded,
    }


def page_sources(
    conn: sqlite3.Connection, *, kind: str = "", text: str = "", limit: int = 50, offset: int = 0
) -> tuple[int, list[Source]]:
    """(total, one page) of current sources, optionally of one kind and with `text` in the title."""
    where, args = ["status = 'current'"], []
    if kind:
        where.append("kind = ?")
        args.append(kind)
    if text:
        where.append("title LIKE ? ESCAPE '\\'")
        args.append("%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    clause = " AND ".join(where)
    total = conn.execute(f"SELECT COUNT(*) FROM sources WHERE {clause}", args).fetchone()[0]
    rows = conn.execute(
        f"SELECT * FROM sources WHERE {clause} ORDER BY title, id LIMIT ? OFFSET ?", args + [limit, offset]
    ).fetchall()
    return total, [row_to_source(r) for r in rows]


def versions_of(conn: sqlite3.Connection, source_id: str) -> list[tuple[int, str, str]]:
    """(version, status, ingested_at) of every stored version of a source, newest first."""
    rows = conn.execute(
        "SELECT version, status, ingested_at FROM sources WHERE id = ? ORDER BY version DESC", (source_id,)
    ).fetchall()
    return [(r["version"], r["status"], r["ingested_at"]) for r in rows]


def latest_status(conn: sqlite3.Connection, source_id: str) -> str | None:
    """The status of a source's newest version (current, superseded, withdrawn); None if unknown."""
    row = conn.execute("SELECT status FROM sources WHERE id = ? ORDER BY version DESC LIMIT 1", (source_id,)).fetchone()
    return row["status"] if row else None


def current_passages_of_sources(conn: sqlite3.Connection, source_ids: list[str]) -> dict[int, tuple[Passage, Source]]:
    """Every passage of the current version of each source, by passage rowid."""
    if not source_ids:
        return {}
    marks = ",".join("?" * len(source_ids))
    source_rows = conn.execute(
        f"SELECT * FROM sources WHERE id IN ({marks}) AND status = 'current'", source_ids
    ).fetchall()
    out: dict[int, tuple[Passage, Source]] = {}
    for row in source_rows:
        source = row_to_source(row)
        for r in conn.execute("SELECT * FROM passages WHERE source_pk = ? ORDER BY ord", (row["pk"],)).fetchall():
            out[r["pk"]] = (row_to_passage(r, source.id), source)
    return out


def mentions(conn: sqlite3.Connection, word: str) -> bool:
    """Whether any passage of a current source holds `word` (title, heading or text)."""
    words = re.findall(r"[^\W_]+", word.lower())
    if not words:
        return True
    phrase = '"' + " ".join(words) + '"'
    return (
        conn.execute("SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? LIMIT 1", (phrase,)).fetchone() is not None
    )


def current_headings(conn: sqlite3.Connection) -> list[str]:
    """Every distinct heading of a current passage: its section, or its source's title when it has none."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT CASE WHEN p.section != '' THEN p.section ELSE s.title END "
            "FROM passages p JOIN sources s ON s.pk = p.source_pk WHERE s.status = 'current'"
        )
    ]


def fts_fingerprint(conn: sqlite3.Connection) -> list[int]:
    """What the full-text index holds, cheaply: its row count and largest row id."""
    count, largest = conn.execute("SELECT count(*), coalesce(max(rowid), 0) FROM passages_fts").fetchone()
    return [int(count), int(largest)]


def stem_shares(conn: sqlite3.Connection, min_share: float) -> dict[str, float]:
    """The full-text index's terms (Porter stems, as it stores them) that occur in at least
    `min_share` of all passages, with the share they occur in. One scan of the index's
    vocabulary (about 0.25 s at 100,000 passages)."""
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.passages_fts_terms USING fts5vocab(main, passages_fts, row)")
    (total,) = conn.execute("SELECT count(*) FROM passages_fts").fetchone()
    floor = max(1, math.ceil(min_share * total))
    rows = conn.execute("SELECT term, doc FROM temp.passages_fts_terms WHERE doc >= ?", (floor,))
    return {term: doc / total for term, doc in rows}


# The tokenizer passages_fts was created with (schema migration 1); stems() must use the same.
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"
_STEMMER = threading.local()


@lru_cache(maxsize=65536)
def stems(word: str) -> tuple[str, ...]:
    """The terms the full-text index makes of `word` (its tokenizer's Porter stems), read from a
    private in-memory FTS5 table with the same tokenizer: SQLite's stemmer is the one that must
    agree with the index. Kept per word: three statements each time were a tenth of a search on
    the demo library (bench/retrieval.py --demo-library)."""
    conn = getattr(_STEMMER, "conn", None)
    if conn is None:
        conn = sqlite3.connect(":memory:")
        conn.execute(f"CREATE VIRTUAL TABLE words USING fts5(word, tokenize = {FTS_TOKENIZER!r})")
        conn.execute("CREATE VIRTUAL TABLE word_terms USING fts5vocab(words, instance)")
        _STEMMER.conn = conn
    conn.execute("DELETE FROM words")
    conn.execute("INSERT INTO words (word) VALUES (?)", (word,))
    return tuple(r[0] for r in conn.execute("SELECT term FROM word_terms ORDER BY offset"))


def bm25_matches(
    conn: sqlite3.Connection, query: str, weights: tuple[float, float, float], limit: int
) -> list[tuple[int, float]]:
    """(passage pk, score) of the passages matching an FTS5 query, best first; the score is BM25
    with the given title, section and text weights, negated so that higher is better."""
    rows = conn.execute(
        "SELECT rowid, -bm25(passages_fts, ?, ?, ?) AS score FROM passages_fts WHERE passages_fts MATCH ? "
        "ORDER BY score DESC, rowid LIMIT ?",
        (*weights, query, limit),
    ).fetchall()
    return [(r[0], r[1]) for r in rows]
