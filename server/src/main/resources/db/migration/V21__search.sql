-- Search (issue 9). Names are matched on a search key: the name in lower case without ASCII spaces and
-- punctuation, so that "rna-seq", "RNA seq" and "rnaseq" all find "RNA-seq Sample 1". The characters removed are
-- spelled out as ASCII ranges rather than [[:punct:]], which depends on the database's locale, so that the Java
-- side (bio.flow.search.SearchText) can tell exactly when a query has nothing left to match.
CREATE FUNCTION search_key(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(regexp_replace($1, '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+', '', 'g')) $$;

-- Trigram indexes on the keys serve "contains" (LIKE '%key%'), prefix and exact matches alike. The listings'
-- filter now matches keys too (one shared piece of code, bio.flow.http.Filters), so the trigram indexes on the
-- raw names are replaced.
DROP INDEX samples_name_trgm;
DROP INDEX projects_name_trgm;
CREATE INDEX samples_key_trgm ON samples USING gin (search_key(name) gin_trgm_ops);
CREATE INDEX projects_key_trgm ON projects USING gin (search_key(name) gin_trgm_ops);
CREATE INDEX projects_description_key_trgm ON projects USING gin (search_key(description) gin_trgm_ops);
CREATE INDEX executions_key_trgm ON executions USING gin (search_key(name) gin_trgm_ops);
CREATE INDEX data_key_trgm ON data USING gin (search_key(filename) gin_trgm_ops);
-- File name patterns (data search's pattern=*.fastq.gz) are case-insensitive LIKE patterns on the name itself.
CREATE INDEX data_filename_trgm ON data USING gin (filename gin_trgm_ops);
-- metadata.<key>=value filters are containment (metadata @> '{"key": "value"}').
CREATE INDEX samples_metadata ON samples USING gin (metadata jsonb_path_ops);
-- Newest first over everything a caller may read, when no filter narrows the rows better.
CREATE INDEX samples_created ON samples (created DESC, id DESC);
CREATE INDEX projects_created ON projects (created DESC, id DESC);
CREATE INDEX executions_created ON executions (created DESC, id DESC);
CREATE INDEX data_created ON data (created DESC, id DESC) WHERE status = 'ready';
