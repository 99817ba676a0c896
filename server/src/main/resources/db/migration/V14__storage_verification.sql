-- Integrity verification of stored data bytes (POST /admin/storage/verify, ./flow verify).

-- The mark a verification leaves on a record whose bytes it found missing or corrupt (null: not marked), why,
-- and since when; and when a verification last checked the record at all. Bytes of a marked record are never
-- served; a later verification that finds them good again clears the mark.
ALTER TABLE data
    ADD COLUMN integrity        TEXT CHECK (integrity IN ('missing', 'corrupt')),
    ADD COLUMN integrity_reason TEXT,
    ADD COLUMN integrity_marked TIMESTAMPTZ,
    ADD COLUMN verified         TIMESTAMPTZ,
    ADD CONSTRAINT data_integrity_explained CHECK ((integrity IS NULL) = (integrity_reason IS NULL) AND (integrity IS NULL) = (integrity_marked IS NULL));

-- One row per verification run, with what it found. missing and corrupt are [{"id": data id, "reason": ...}],
-- orphaned is ["data/123", ...]: storage keys that no record names.
CREATE TABLE storage_verifications (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- 'api' (POST /admin/storage/verify, by requested_by) or 'cli' (./flow verify).
    source        TEXT        NOT NULL CHECK (source IN ('api', 'cli')),
    requested_by  BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    -- interrupted: the server stopped (or crashed) during the run; failed: the run could not go on (error says why).
    status        TEXT        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'failed', 'interrupted')),
    started       TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished      TIMESTAMPTZ,
    max_mb_per_second INTEGER NOT NULL CHECK (max_mb_per_second >= 0),
    -- records to check (the ready data when the run started), records checked so far and their bytes
    total         INTEGER     NOT NULL DEFAULT 0,
    checked       INTEGER     NOT NULL DEFAULT 0,
    checked_bytes BIGINT      NOT NULL DEFAULT 0,
    missing       JSONB       NOT NULL DEFAULT '[]',
    corrupt       JSONB       NOT NULL DEFAULT '[]',
    orphaned      JSONB       NOT NULL DEFAULT '[]',
    error         TEXT
);
-- One run at a time, whoever starts it.
CREATE UNIQUE INDEX storage_verifications_one_running ON storage_verifications ((true)) WHERE status = 'running';
CREATE INDEX storage_verifications_started ON storage_verifications (started DESC, id DESC);
