-- Search statistics (issue 9, measured by bench/search on 1,000,000 samples and 3,000,000 data records).
-- The quick search (GET /search) ranks whole-word matches with a regular expression on lower(name). Without
-- statistics on that expression PostgreSQL guesses a tiny selectivity for it, reads every trigram match of the
-- query (125,000 samples or 330,000 files for "liver") and sorts them, instead of walking the (created DESC, id DESC)
-- index until the page is full: 0.8 s and 7.4 s against 3 ms and 5 ms. With statistics on lower(name) it tests the
-- expression against the sampled values and picks the plan that fits the query.
CREATE STATISTICS samples_lower_name ON (lower(name)) FROM samples;
CREATE STATISTICS projects_lower_name ON (lower(name)) FROM projects;
CREATE STATISTICS executions_lower_name ON (lower(name)) FROM executions;
CREATE STATISTICS data_lower_filename ON (lower(filename)) FROM data;
-- Statistics objects are filled by ANALYZE (autovacuum runs it only after enough changes): now, once.
ANALYZE samples, projects, executions, data;
-- The public projects' ids, read by every search's visibility condition (AccessPolicy: readable projects) without
-- visiting the projects' rows.
CREATE INDEX projects_public_ids ON projects (id) WHERE is_public;
