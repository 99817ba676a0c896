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
-- The public projects' ids, read by every search's visibility condition (AccessPolicy: readable projects) without
-- visiting the projects' rows.
CREATE INDEX projects_public_ids ON projects (id) WHERE is_public;
-- The quick search's exact and prefix ranks (search_key(name) = :key, LIKE :key || '%'): a btree on the key answers
-- them by a range lookup. The trigram indexes of V21 serve them too, but read every name holding the key's trigrams
-- and test each: 11 ms on 1,000,000 samples and 27 ms on 3,000,000 files for a sample's name, against 0.2 and 0.5 ms.
CREATE INDEX samples_key_prefix ON samples (search_key(name) text_pattern_ops);
CREATE INDEX data_key_prefix ON data (search_key(filename) text_pattern_ops) WHERE status = 'ready';
-- Statistics objects and expression indexes are filled by ANALYZE (autovacuum runs it only after enough changes): now.
ANALYZE samples, projects, executions, data;
