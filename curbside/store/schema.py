"""The library's schema as an ordered list of migrations.

A library records the number of migrations applied (PRAGMA user_version); opening it
applies the rest, each in its own transaction. Never edit a released migration: append one.
"""

MIGRATIONS: list[str] = [
    # 1: sources, passages, full-text index, embeddings, ingest log
    """
    CREATE TABLE sources (
        pk            INTEGER PRIMARY KEY,
        id            TEXT NOT NULL,
        version       INTEGER NOT NULL,
        kind          TEXT NOT NULL,
        origin        TEXT NOT NULL,
        title         TEXT NOT NULL,
        developer     TEXT NOT NULL DEFAULT '',
        year          INTEGER,
        date          TEXT NOT NULL DEFAULT '',
        url           TEXT NOT NULL DEFAULT '',
        licence       TEXT NOT NULL DEFAULT '',
        identifiers   TEXT NOT NULL DEFAULT '{}',
        conditions    TEXT NOT NULL DEFAULT '[]',
        metadata      TEXT NOT NULL DEFAULT '{}',
        content_hash  TEXT NOT NULL,
        status        TEXT NOT NULL DEFAULT 'current',
        ingested_at   TEXT NOT NULL,
        UNIQUE (id, version)
    );
    CREATE INDEX sources_current ON sources (id) WHERE status = 'current';
    CREATE INDEX sources_kind ON sources (kind, status);

    CREATE TABLE passages (
        pk          INTEGER PRIMARY KEY,
        id          TEXT NOT NULL UNIQUE,
        source_pk   INTEGER NOT NULL REFERENCES sources (pk),
        ord         INTEGER NOT NULL,
        section     TEXT NOT NULL DEFAULT '',
        text        TEXT NOT NULL,
        start_char  INTEGER NOT NULL DEFAULT 0,
        end_char    INTEGER NOT NULL DEFAULT 0,
        grade       TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX passages_source ON passages (source_pk, ord);

    -- BM25 over the passages of current sources only; rowid = passages.pk.
    CREATE VIRTUAL TABLE passages_fts USING fts5 (
        title, section, text, tokenize = 'porter unicode61 remove_diacritics 2'
    );

    -- One vector per passage of a current source; float32 little-endian.
    CREATE TABLE embeddings (
        passage_pk  INTEGER PRIMARY KEY REFERENCES passages (pk),
        model       TEXT NOT NULL,
        vector      BLOB NOT NULL
    );

    CREATE TABLE ingest_runs (
        pk          INTEGER PRIMARY KEY,
        reader      TEXT NOT NULL,
        path        TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        report      TEXT NOT NULL
    );
    """,
]
