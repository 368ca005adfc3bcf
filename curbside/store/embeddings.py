"""Passage vectors in SQLite: the only SQL that reads or writes the `embeddings` table.

A vector is stored as its float32 little-endian bytes. Superseding a source deletes its
vectors (see sources.supersede), so this table only ever holds vectors of current passages.
"""

from __future__ import annotations

import sqlite3

import numpy as np

VECTOR_DTYPE = np.dtype("<f4")


def pending(
    conn: sqlite3.Connection, limit: int, skip_sections: tuple[str, ...] = (), after_pk: int = 0
) -> list[tuple[int, str, str, str]]:
    """(passage pk, source title, section, text) of current passages with no vector, by pk,
    from the first pk above `after_pk`.

    Passages whose section matches one of the `skip_sections` GLOB patterns are never embedded
    (they stay searchable by BM25); they are not pending either, so the embed loop ends.
    """
    skip = "".join(" AND p.section NOT GLOB ?" for _ in skip_sections)
    rows = conn.execute(
        f"""SELECT p.pk, s.title, p.section, p.text
           FROM passages p JOIN sources s ON s.pk = p.source_pk
           WHERE p.pk > ? AND s.status = 'current'
             AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.passage_pk = p.pk){skip}
           ORDER BY p.pk LIMIT ?""",
        (after_pk, *skip_sections, limit),
    ).fetchall()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def save(conn: sqlite3.Connection, rows: list[tuple[int, np.ndarray]], model_id: str) -> None:
    """Store one vector per passage pk, replacing any it had.

    A passage whose source was superseded after it was read from `pending` is skipped, so
    a vector computed from a stale read never outlives its source.
    """
    conn.executemany(
        """INSERT OR REPLACE INTO embeddings (passage_pk, model, vector)
           SELECT p.pk, ?, ? FROM passages p JOIN sources s ON s.pk = p.source_pk
           WHERE p.pk = ? AND s.status = 'current'""",
        [(model_id, np.asarray(vector, dtype=VECTOR_DTYPE).tobytes(), int(pk)) for pk, vector in rows],
    )


def load_matrix(conn: sqlite3.Connection) -> tuple[np.ndarray, np.ndarray]:
    """(pks int64 (n,), vectors float32 (n, d)) of every stored vector, in pk order."""
    pks: list[int] = []
    blobs: list[bytes] = []
    for pk, blob in conn.execute("SELECT passage_pk, vector FROM embeddings ORDER BY passage_pk"):
        pks.append(pk)
        blobs.append(blob)
    if not pks:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
    width = len(blobs[0]) // VECTOR_DTYPE.itemsize
    # One join and one frombuffer: far cheaper than an array per row at 100k rows, and no
    # second copy; the matrix is read-only, which suits an index built once and searched.
    matrix = np.frombuffer(b"".join(blobs), dtype=VECTOR_DTYPE).reshape(len(pks), width)
    return np.asarray(pks, dtype=np.int64), matrix.astype(np.float32, copy=False)


def fingerprint(conn: sqlite3.Connection) -> list:
    """What the stored vectors are, cheaply (one pass over the keys): how many, the sum of their
    passage keys, and the models that made them. A copy made from another state has another."""
    count_, key_sum, models = conn.execute(
        "SELECT count(*), total(passage_pk), group_concat(DISTINCT model) FROM embeddings"
    ).fetchone()
    return [int(count_), float(key_sum), sorted((models or "").split(","))]


def count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
