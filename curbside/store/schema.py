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
    # 4: the editorial workflow: accounts, sessions, review, the citations an article version
    #    makes (to find what a changed source affects), evidence changes and the audit log
    """
    CREATE TABLE users (
        id              INTEGER PRIMARY KEY,
        name            TEXT NOT NULL UNIQUE COLLATE NOCASE,  -- the sign-in name
        full_name       TEXT NOT NULL DEFAULT '',             -- shown in "Reviewed by ..."
        role            TEXT NOT NULL,                        -- author, reviewer, editor, admin
        password_hash   TEXT NOT NULL,                        -- argon2id
        token_hash      TEXT NOT NULL UNIQUE,                 -- sha256 of the API token
        disabled        INTEGER NOT NULL DEFAULT 0,
        created_at      TEXT NOT NULL
    );

    CREATE TABLE sessions (
        id_hash     TEXT PRIMARY KEY,                         -- sha256 of the cookie's session id
        user_id     INTEGER NOT NULL REFERENCES users (id),
        csrf        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL
    );

    CREATE TABLE login_failures (
        name        TEXT NOT NULL COLLATE NOCASE,
        address     TEXT NOT NULL,
        at          TEXT NOT NULL
    );
    CREATE INDEX login_failures_name ON login_failures (name, at);

    ALTER TABLE articles ADD COLUMN author_id INTEGER REFERENCES users (id);  -- who saved it; NULL = nobody yet
    ALTER TABLE articles ADD COLUMN published_version INTEGER;                -- the latest approved version
    ALTER TABLE articles ADD COLUMN review_round INTEGER NOT NULL DEFAULT 0;   -- one more at each submission
    ALTER TABLE articles ADD COLUMN needs_rereview INTEGER NOT NULL DEFAULT 0; -- a cited source changed
    ALTER TABLE articles ADD COLUMN status_note TEXT NOT NULL DEFAULT '';      -- why it was retracted, shown to readers
    ALTER TABLE article_versions ADD COLUMN editor_id INTEGER REFERENCES users (id);  -- NULL = composed by curbside
    ALTER TABLE article_versions ADD COLUMN note TEXT NOT NULL DEFAULT '';

    CREATE TABLE article_citations (
        article_id      TEXT NOT NULL,
        version         INTEGER NOT NULL,
        source_id       TEXT NOT NULL,
        source_version  INTEGER NOT NULL,
        PRIMARY KEY (article_id, version, source_id, source_version)
    );
    CREATE INDEX article_citations_source ON article_citations (source_id, source_version);
    INSERT OR IGNORE INTO article_citations (article_id, version, source_id, source_version)
        SELECT v.article_id, v.version, json_extract(r.value, '$.source_id'), json_extract(r.value, '$.source_version')
        FROM article_versions v, json_each(v.body, '$.references') r;

    CREATE TABLE review_assignments (
        article_id  TEXT NOT NULL REFERENCES articles (id),
        user_id     INTEGER NOT NULL REFERENCES users (id),
        assigned_by INTEGER REFERENCES users (id),
        created_at  TEXT NOT NULL,
        PRIMARY KEY (article_id, user_id)
    );

    CREATE TABLE review_decisions (
        id          INTEGER PRIMARY KEY,
        article_id  TEXT NOT NULL REFERENCES articles (id),
        version     INTEGER NOT NULL,
        round       INTEGER NOT NULL,
        user_id     INTEGER NOT NULL REFERENCES users (id),
        decision    TEXT NOT NULL,                            -- approve, request_changes
        reason      TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL
    );
    CREATE INDEX review_decisions_article ON review_decisions (article_id, round);

    CREATE TABLE review_comments (
        id          INTEGER PRIMARY KEY,
        article_id  TEXT NOT NULL REFERENCES articles (id),
        version     INTEGER NOT NULL,
        user_id     INTEGER NOT NULL REFERENCES users (id),
        anchor      TEXT NOT NULL DEFAULT '',                 -- '' (the article), section:KEY or bullet:KEY/N
        body        TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    CREATE INDEX review_comments_article ON review_comments (article_id, id);

    CREATE TABLE evidence_changes (
        id              INTEGER PRIMARY KEY,
        article_id      TEXT NOT NULL REFERENCES articles (id),
        source_id       TEXT NOT NULL,
        cited_version   INTEGER NOT NULL,
        new_version     INTEGER,                              -- NULL when the source was withdrawn
        change          TEXT NOT NULL,                        -- new version, withdrawn
        detected_at     TEXT NOT NULL,
        resolved_at     TEXT
    );
    CREATE INDEX evidence_changes_open ON evidence_changes (article_id) WHERE resolved_at IS NULL;

    -- Append-only; each entry's hash covers its fields and the previous entry's hash.
    CREATE TABLE audit_log (
        seq          INTEGER PRIMARY KEY,
        at           TEXT NOT NULL,
        actor        TEXT NOT NULL,
        action       TEXT NOT NULL,
        target       TEXT NOT NULL,
        before_hash  TEXT NOT NULL DEFAULT '',
        after_hash   TEXT NOT NULL DEFAULT '',
        detail       TEXT NOT NULL DEFAULT '{}',
        prev_hash    TEXT NOT NULL,
        hash         TEXT NOT NULL
    );
    """,
    # 5: an article reopened after a retraction kept its published_version, so readers were shown it
    # as approved again; unpublish every article whose latest reopen came after its latest approval.
    """
    UPDATE articles SET published_version = NULL
    WHERE published_version IS NOT NULL AND status != 'retracted'
      AND (SELECT MAX(seq) FROM audit_log WHERE target = articles.id AND action = 'reopen')
          > COALESCE((SELECT MAX(seq) FROM audit_log WHERE target = articles.id AND action = 'approve'
                      AND json_extract(detail, '$.to') = 'approved'), 0);
    """,
]
