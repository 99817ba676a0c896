-- The offset protocol of POST /upload (the official Python client): an upload named by the id of the data
-- record it becomes, whose pieces come in order, each at the byte offset of what the server already holds.
-- Both protocols share this table; an upload is of one of them.
ALTER TABLE uploads
    -- Only the chunk protocol names its uploads and counts its chunks.
    ALTER COLUMN file_id DROP NOT NULL,
    ALTER COLUMN total_chunks DROP NOT NULL,
    -- The id of the data record the file becomes, taken from data's identity when the upload starts, so that
    -- the offset protocol's answers name it from the first piece on; the record is inserted with it.
    ADD COLUMN record_id BIGINT UNIQUE,
    -- The offset protocol's bytes held: the part's bytes from 0 that committed pieces wrote. A piece written
    -- but not recorded (a crash) may have left more; they are not counted and are cut off at completion.
    ADD COLUMN held BIGINT CHECK (held >= 0),
    ADD CONSTRAINT uploads_one_protocol CHECK ((file_id IS NOT NULL AND total_chunks IS NOT NULL AND held IS NULL)
                                            OR (file_id IS NULL AND total_chunks IS NULL AND held IS NOT NULL));
UPDATE uploads SET record_id = nextval(pg_get_serial_sequence('data', 'id'));
ALTER TABLE uploads ALTER COLUMN record_id SET NOT NULL;
