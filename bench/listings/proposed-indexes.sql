-- Proposed index change for the listings (bench/listings/README.md): samples_project gets owner_id as an
-- INCLUDE column, so that "samples of these projects not owned by the caller" (GET /samples/shared, with the SQL
-- change proposed there) is an index-only scan. Same key as before, so every other use of samples_project is
-- unchanged. Applied by run.sh with AFTER_SQL=bench/listings/proposed-indexes.sql.
--
-- As a migration: DROP INDEX samples_project; CREATE INDEX samples_project ON samples (project_id, created DESC, id DESC) INCLUDE (owner_id);
\set ON_ERROR_STOP on
\timing on
CREATE INDEX samples_project_new ON samples (project_id, created DESC, id DESC) INCLUDE (owner_id);
DROP INDEX samples_project;
ALTER INDEX samples_project_new RENAME TO samples_project;
VACUUM (ANALYZE) samples;
