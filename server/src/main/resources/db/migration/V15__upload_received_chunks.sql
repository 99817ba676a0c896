-- How many chunks an upload of the chunk protocol has recorded, counted as each is recorded (under the upload's
-- row lock), so that recording a chunk does not count all of the upload's chunks again: 50,000 chunks would
-- otherwise cost their square.
ALTER TABLE uploads ADD COLUMN received INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0);
UPDATE uploads u SET received = (SELECT count(*) FROM upload_chunks c WHERE c.upload_id = u.id);
