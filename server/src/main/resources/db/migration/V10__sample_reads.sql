-- Reads uploaded to a sample (POST /upload/sample): the upload remembers which read (1 or 2) and lane it is,
-- so that completing it puts the record into the sample's fileset.
ALTER TABLE uploads
    ADD COLUMN read_number SMALLINT CHECK (read_number IN (1, 2)),
    ADD COLUMN lane        INTEGER  CHECK (lane >= 1),
    ADD CONSTRAINT uploads_read_in_sample CHECK (read_number IS NULL OR sample_id IS NOT NULL);

-- One file per read number and lane in a fileset: the last guard, under the sample lock that completion takes.
CREATE UNIQUE INDEX data_fileset_read ON data (fileset_id, read_number, COALESCE(lane, 0))
    WHERE fileset_id IS NOT NULL AND read_number IS NOT NULL;

-- A fileset's name says what it holds, kept current whatever adds, moves or removes its files: "Paired-end
-- reads" once it holds reads 1 and 2, "Single-end reads" otherwise.
CREATE FUNCTION name_fileset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE filesets f SET name = CASE WHEN (SELECT count(DISTINCT read_number) FROM data WHERE fileset_id = f.id) = 2
                                      THEN 'Paired-end reads' ELSE 'Single-end reads' END
    WHERE f.id IN (SELECT fileset_id FROM changed WHERE fileset_id IS NOT NULL);
    RETURN NULL;
END $$;
CREATE TRIGGER data_inserted_names_fileset AFTER INSERT ON data
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION name_fileset();
CREATE TRIGGER data_deleted_names_fileset AFTER DELETE ON data
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION name_fileset();
