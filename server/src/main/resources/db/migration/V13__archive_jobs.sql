-- Bulk download archives (POST /downloads): a job writes one ZIP of the files chosen when it was asked for.
-- Its bytes are in storage under archives/<id>, written whole or not at all; only a completed job is served.
CREATE TABLE archive_jobs (
    id           BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status       TEXT        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    progress     SMALLINT    NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    -- The bytes of the files it holds, and once completed the archive's own size and md5.
    total_bytes  BIGINT      NOT NULL,
    size         BIGINT,
    md5          TEXT,
    error        TEXT,
    created      TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at TIMESTAMPTZ,
    -- Set when the job ends (completed or failed); housekeeping then removes the row and the bytes.
    expires_at   TIMESTAMPTZ,
    -- Touched by the server running (or about to run) the job; a queued or running job whose heartbeat stopped
    -- (its server died) is started again by another server, or by this one when it starts.
    heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((status = 'completed') = (size IS NOT NULL))
);
CREATE INDEX archive_jobs_owner ON archive_jobs (owner_id, created DESC, id DESC);
CREATE INDEX archive_jobs_expires ON archive_jobs (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX archive_jobs_unfinished ON archive_jobs (heartbeat_at) WHERE status IN ('queued', 'running');

-- The files of a job, chosen (and checked readable) when it was asked for, at their paths in the archive.
-- data_id is not a foreign key: data deleted before the job reads it fails the job, which says which.
CREATE TABLE archive_files (
    job_id  BIGINT NOT NULL REFERENCES archive_jobs (id) ON DELETE CASCADE,
    path    TEXT   NOT NULL,
    data_id BIGINT NOT NULL,
    PRIMARY KEY (job_id, path)
);
