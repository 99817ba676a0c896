-- Annotation sheets sent in pieces (POST /upload/annotation with the offset protocol of the flowbio client): the
-- bytes are held here (a sheet has at most 10 MiB) until the last piece, when the sheet is read and checked whole.
-- held is the offset the next piece must come at; a piece sent again (offset + length = held) changes nothing.
-- result is the answer the last piece got, kept (and the bytes dropped) so that a last piece sent again gets it again.
-- The id is also the id of the multiplexed sheet the upload becomes, so every piece's answer names one id.
CREATE SEQUENCE annotation_ids;
CREATE TABLE annotation_uploads (
    id              BIGINT      PRIMARY KEY DEFAULT nextval('annotation_ids'),
    owner_id        BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    filename        TEXT        NOT NULL,
    ignore_warnings BOOLEAN     NOT NULL,
    held            BIGINT      NOT NULL DEFAULT 0 CHECK (held >= 0),
    bytes           BYTEA,
    result          JSONB,
    created         TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at      TIMESTAMPTZ NOT NULL,
    CHECK ((result IS NULL) = (bytes IS NOT NULL))
);
CREATE INDEX annotation_uploads_expires ON annotation_uploads (expires_at);

-- A multiplexed sheet: the rows (one sample each) that split multiplexed reads by barcode. waiting: for its reads
-- (inputs); demultiplexing: a server holds it (holder, claimed_until: bio.flow.db.Claims) and splits them; done: its
-- samples are made (results);
-- failed: message says why, nothing was made.
CREATE TABLE multiplexed_sheets (
    id        BIGINT      PRIMARY KEY DEFAULT nextval('annotation_ids'),
    owner_id  BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    filename  TEXT        NOT NULL,
    status    TEXT        NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'demultiplexing', 'done', 'failed')),
    rows      JSONB       NOT NULL,
    warnings  JSONB       NOT NULL DEFAULT '[]',
    results   JSONB,
    message   TEXT,
    holder    TEXT        CHECK ((status = 'demultiplexing') = (holder IS NOT NULL)),
    claimed_until TIMESTAMPTZ CHECK ((holder IS NULL) = (claimed_until IS NULL)),
    created   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX multiplexed_sheets_owner ON multiplexed_sheets (owner_id, status);

-- The multiplexed read files a sheet names (its "Reads 1 file" and "Reads 2 file" columns): the data records they
-- became once uploaded, and the undetermined reads (no barcode matched) once demultiplexed.
CREATE TABLE multiplexed_inputs (
    sheet_id      BIGINT NOT NULL REFERENCES multiplexed_sheets (id) ON DELETE CASCADE,
    reads1_name   TEXT   NOT NULL,
    reads2_name   TEXT,
    reads1_data   BIGINT REFERENCES data (id) ON DELETE SET NULL,
    reads2_data   BIGINT REFERENCES data (id) ON DELETE SET NULL,
    undetermined1 BIGINT REFERENCES data (id) ON DELETE SET NULL,
    undetermined2 BIGINT REFERENCES data (id) ON DELETE SET NULL,
    undetermined_reads BIGINT,
    total_reads   BIGINT,
    PRIMARY KEY (sheet_id, reads1_name)
);
CREATE INDEX multiplexed_inputs_reads1 ON multiplexed_inputs (reads1_name);
