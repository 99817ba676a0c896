-- Imports (POST /data/import): the data record exists from the start, with status 'importing', so that its owner
-- can follow it (GET /data/{id}); it becomes 'ready' in the statement that records its size and md5, once its
-- bytes are stored under data/<id>, or 'failed' with the reason (and no bytes). Listings show ready data only.
-- An import's own state is here, in PostgreSQL, so that one interrupted by a restart starts again by itself.
CREATE TABLE data_imports (
    data_id     BIGINT      PRIMARY KEY REFERENCES data (id) ON DELETE CASCADE,
    -- url, s3 or server, and what the caller named there (a URL, s3://bucket/key, a path under a root).
    source      TEXT        NOT NULL CHECK (source IN ('url', 's3', 'server')),
    path        TEXT        NOT NULL,
    -- The type the caller declared (canonical identifier), if any; detection checks the content against it.
    data_type   TEXT        REFERENCES data_types (identifier),
    -- Bytes stored so far, and the whole size when the source said it.
    bytes       BIGINT      NOT NULL DEFAULT 0 CHECK (bytes >= 0),
    total       BIGINT      CHECK (total >= 0),
    -- Why a failed import failed.
    reason      TEXT,
    -- How many times it was started (a restart starts it again).
    attempts    INTEGER     NOT NULL DEFAULT 0,
    created     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX data_importing ON data (id) WHERE status = 'importing';
