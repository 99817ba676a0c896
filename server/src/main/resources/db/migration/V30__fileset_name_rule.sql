-- A fileset's name in one place (it was V10's trigger function, and a copy of its CASE in the annotation import,
-- because the triggers did not fire when an UPDATE moved a data record between filesets or changed its read).

-- The name of a fileset whose data hold this many distinct read numbers: "Paired-end reads" once it holds reads 1
-- and 2, "Single-end reads" otherwise (also when it is empty, as a new fileset is).
CREATE FUNCTION fileset_name(read_numbers BIGINT) RETURNS TEXT LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN read_numbers = 2 THEN 'Paired-end reads' ELSE 'Single-end reads' END;

ALTER TABLE filesets ALTER COLUMN name SET DEFAULT fileset_name(0);

-- Names the filesets of these ids after what they hold now.
CREATE FUNCTION name_filesets(ids BIGINT[]) RETURNS void LANGUAGE sql AS $$
    UPDATE filesets f SET name = fileset_name((SELECT count(DISTINCT read_number) FROM data WHERE fileset_id = f.id))
    WHERE f.id = ANY(ids)
$$;

-- V10's statement triggers on INSERT and DELETE, now through the one rule.
CREATE OR REPLACE FUNCTION name_fileset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM name_filesets(ARRAY(SELECT DISTINCT fileset_id FROM changed WHERE fileset_id IS NOT NULL));
    RETURN NULL;
END $$;

-- An UPDATE that moves data to another fileset or changes their read names the filesets they left and the ones
-- they joined. A trigger with transition tables cannot name columns (UPDATE OF ...), so it fires on every UPDATE
-- of data and picks the rows whose fileset or read changed; the others cost it a join of the updated rows only.
CREATE FUNCTION name_filesets_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM name_filesets(ARRAY(
        SELECT DISTINCT x.fileset_id
        FROM old_rows o JOIN new_rows n ON n.id = o.id,
             LATERAL (VALUES (o.fileset_id), (n.fileset_id)) AS x(fileset_id)
        WHERE (o.fileset_id IS DISTINCT FROM n.fileset_id OR o.read_number IS DISTINCT FROM n.read_number)
          AND x.fileset_id IS NOT NULL));
    RETURN NULL;
END $$;
CREATE TRIGGER data_updated_names_fileset AFTER UPDATE ON data
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION name_filesets_moved();
