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
    # 2: the vocabulary: MeSH descriptors and topics named by sources' own metadata, with the
    #    lookup forms (lowercase, inverted, singular/plural, synonyms) questions are matched against
    """
    CREATE TABLE vocabulary_concepts (
        id            TEXT PRIMARY KEY,           -- MeSH descriptor id (D003924) or topic:<key>
        name          TEXT NOT NULL,              -- preferred name as published
        category      TEXT NOT NULL,              -- condition, drug, procedure, anatomy ... (MeSH tree)
        tree_numbers  TEXT NOT NULL DEFAULT '',   -- space-separated MeSH tree numbers
        origin        TEXT NOT NULL               -- mesh | library
    );

    CREATE TABLE vocabulary_forms (
        form        TEXT NOT NULL,                -- lookup key: folded words joined by one space
        concept_id  TEXT NOT NULL,
        kind        TEXT NOT NULL,                -- name, inverted, variant, focus, synonym
        text        TEXT NOT NULL,                -- the form as written at its origin
        origin      TEXT NOT NULL,
        PRIMARY KEY (form, concept_id, origin)
    );
    CREATE INDEX vocabulary_forms_concept ON vocabulary_forms (concept_id);
    """,
    # 3: saved articles (every change a new version) and conversation threads
    """
    CREATE TABLE articles (
        id              TEXT PRIMARY KEY,          -- a<12 hex>: hash of audience + the thread's questions
        question        TEXT NOT NULL,
        context         TEXT NOT NULL DEFAULT '[]', -- JSON list: the earlier questions it follows up
        audience        TEXT NOT NULL,
        status          TEXT NOT NULL DEFAULT 'draft',
        kind            TEXT NOT NULL,
        intent          TEXT NOT NULL DEFAULT '',
        condition       TEXT NOT NULL DEFAULT '',
        title           TEXT NOT NULL,
        version         INTEGER NOT NULL,          -- the latest version
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
    );
    CREATE INDEX articles_listing ON articles (status, updated_at);

    CREATE TABLE article_versions (
        article_id          TEXT NOT NULL REFERENCES articles (id),
        version             INTEGER NOT NULL,
        body                TEXT NOT NULL,         -- the Article as JSON
        content_hash        TEXT NOT NULL,
        library_generation  TEXT NOT NULL,         -- the library state it was composed from
        created_at          TEXT NOT NULL,
        PRIMARY KEY (article_id, version)
    );

    CREATE TABLE threads (
        id          TEXT PRIMARY KEY,
        audience    TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );

    CREATE TABLE thread_turns (
        thread_id   TEXT NOT NULL REFERENCES threads (id),
        turn        INTEGER NOT NULL,
        question    TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        PRIMARY KEY (thread_id, turn)
    );
    """,
]
