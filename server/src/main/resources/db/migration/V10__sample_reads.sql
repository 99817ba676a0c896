-- Reads uploaded to a sample (POST /upload/sample): the upload remembers which read (1 or 2) and lane it is,
-- so that completing it puts the record into the sample's fileset.
ALTER TABLE uploads
    ADD COLUMN read_number SMALLINT CHECK (read_number IN (1, 2)),
    ADD COLUMN lane        INTEGER  CHECK (lane >= 1),
    ADD CONSTRAINT uploads_read_in_sample CHECK (read_number IS NULL OR sample_id IS NOT NULL);

-- One file per read number and lane in a fileset: the last guard, under the sample lock that completion takes.
CREATE UNIQUE INDEX data_fileset_read ON data (fileset_id, read_number, COALESCE(lane, 0))
    WHERE fileset_id IS NOT NULL AND read_number IS NOT NULL;
