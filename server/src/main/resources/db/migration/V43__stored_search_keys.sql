-- Search keys (V21's search_key) stored beside the names they are made of, and the search indexes moved onto them.
-- An unselective search (a text one name in eight contains, e.g. "liver") walks the newest rows until it has a page
-- of readable matches, and computed search_key (a regexp_replace) for every row it passed: 9,000 to 10,000 rows, ~2 us
-- each, most of such a search's time (bench/search: the quick search's samples statement 27 -> 9 ms). A stored key is
-- compared as it is. The columns are generated: nothing that writes a name has to know about them.
--
-- The old expression indexes are dropped first, so that adding the columns (which rewrites each table) does not build
-- them again only to drop them.
DROP INDEX samples_key_trgm;
DROP INDEX samples_key_prefix;
DROP INDEX projects_key_trgm;
DROP INDEX projects_description_key_trgm;
DROP INDEX executions_key_trgm;
DROP INDEX data_key_trgm;
DROP INDEX data_key_prefix;
DROP INDEX filesets_name_key_trgm;

ALTER TABLE samples ADD COLUMN name_key TEXT GENERATED ALWAYS AS (search_key(name)) STORED;
ALTER TABLE projects ADD COLUMN name_key TEXT GENERATED ALWAYS AS (search_key(name)) STORED,
                     ADD COLUMN description_key TEXT GENERATED ALWAYS AS (search_key(description)) STORED;
ALTER TABLE executions ADD COLUMN name_key TEXT GENERATED ALWAYS AS (search_key(name)) STORED;
ALTER TABLE data ADD COLUMN filename_key TEXT GENERATED ALWAYS AS (search_key(filename)) STORED;
ALTER TABLE filesets ADD COLUMN name_key TEXT GENERATED ALWAYS AS (search_key(name)) STORED;

-- Trigram indexes serve "contains" (LIKE '%key%'); btrees (text_pattern_ops) the quick search's exact and prefix
-- ranks by a range lookup (V26 measured why).
CREATE INDEX samples_name_key_trgm ON samples USING gin (name_key gin_trgm_ops);
CREATE INDEX samples_name_key_prefix ON samples (name_key text_pattern_ops);
CREATE INDEX projects_name_key_trgm ON projects USING gin (name_key gin_trgm_ops);
CREATE INDEX projects_description_key_trgm ON projects USING gin (description_key gin_trgm_ops);
CREATE INDEX executions_name_key_trgm ON executions USING gin (name_key gin_trgm_ops);
CREATE INDEX data_filename_key_trgm ON data USING gin (filename_key gin_trgm_ops);
CREATE INDEX data_filename_key_prefix ON data (filename_key text_pattern_ops) WHERE status = 'ready';
CREATE INDEX filesets_name_key_trgm ON filesets USING gin (name_key gin_trgm_ops);

-- The planner's estimates of how many names contain a text come from the columns' statistics: now, not when
-- autovacuum next gets to these tables.
ANALYZE samples, projects, executions, data, filesets;
