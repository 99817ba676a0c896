-- Data records as uploads create them, their grants, and the state of uploads in progress. A data row is
-- inserted only once its bytes are complete and stored under data/<id>, in the transaction that moves them
-- there, so that no record is ever visible without all of its bytes.

ALTER TABLE data
    -- How the bytes are compressed, apart from what they hold (data_type).
    ADD COLUMN compression TEXT NOT NULL DEFAULT 'none' CHECK (compression IN ('none', 'gzip', 'bgzf')),
    -- 'ready' for uploads; imports will add states of their own.
    ADD COLUMN status      TEXT NOT NULL DEFAULT 'ready',
    -- Data attached to a project without a sample; data in a sample reaches its project through the sample.
    ADD COLUMN project_id  BIGINT REFERENCES projects (id) ON DELETE CASCADE,
    -- The sequencing lane of a sample's reads, when known.
    ADD COLUMN lane        INTEGER CHECK (lane >= 1),
    ADD CONSTRAINT data_one_container CHECK (sample_id IS NULL OR project_id IS NULL);
CREATE INDEX data_project ON data (project_id, created DESC, id DESC) WHERE project_id IS NOT NULL;
CREATE INDEX data_owner ON data (owner_id, created DESC, id DESC);

CREATE TABLE data_grants (
    data_id    BIGINT   NOT NULL REFERENCES data (id) ON DELETE CASCADE,
    user_id    BIGINT   REFERENCES users (id) ON DELETE CASCADE,
    group_id   BIGINT   REFERENCES groups (id) ON DELETE CASCADE,
    permission SMALLINT NOT NULL CHECK (permission BETWEEN 1 AND 3),
    CHECK ((user_id IS NULL) <> (group_id IS NULL))
);
CREATE UNIQUE INDEX data_grants_user ON data_grants (user_id, data_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX data_grants_group ON data_grants (group_id, data_id) WHERE group_id IS NOT NULL;
CREATE INDEX data_grants_data ON data_grants (data_id);

-- A chunked upload (POST /upload): what its chunks said about the file, and where it is. Its bytes are in
-- storage under uploads/<id> (the part, and the last chunk apart while the chunk size is unknown).
CREATE TABLE uploads (
    id           UUID        PRIMARY KEY,
    owner_id     BIGINT      NOT NULL REFERENCES users (id),
    -- The client's name for the upload, unique per owner: two users may pick the same one.
    file_id      TEXT        NOT NULL,
    filename     TEXT        NOT NULL,
    total_chunks INTEGER     NOT NULL CHECK (total_chunks >= 1),
    -- The size of every chunk but the last, known from the first such chunk received.
    chunk_size   BIGINT      CHECK (chunk_size > 0),
    -- The type the client declared (canonical identifier), if any; what detection said of chunk 0.
    data_type     TEXT       REFERENCES data_types (identifier),
    detected_type TEXT       REFERENCES data_types (identifier),
    compression   TEXT       CHECK (compression IN ('none', 'gzip', 'bgzf')),
    sample_id    BIGINT      REFERENCES samples (id) ON DELETE CASCADE,
    project_id   BIGINT      REFERENCES projects (id) ON DELETE CASCADE,
    md5          TEXT        CHECK (md5 ~ '^[0-9a-f]{32}$'),
    -- receiving; completing (one request assembles the file); complete (data_id is the record).
    status       TEXT        NOT NULL DEFAULT 'receiving' CHECK (status IN ('receiving', 'completing', 'complete')),
    data_id      BIGINT      REFERENCES data (id) ON DELETE CASCADE,
    created      TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX uploads_owner_file ON uploads (owner_id, file_id);
CREATE INDEX uploads_expires ON uploads (expires_at);

CREATE TABLE upload_chunks (
    upload_id  UUID    NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    chunk      INTEGER NOT NULL CHECK (chunk >= 0),
    -- Where the chunk is in the part; null for a last chunk kept apart until the chunk size is known.
    "offset"   BIGINT  CHECK ("offset" >= 0),
    size       BIGINT  NOT NULL CHECK (size >= 0),
    md5        TEXT    NOT NULL,
    PRIMARY KEY (upload_id, chunk)
);
