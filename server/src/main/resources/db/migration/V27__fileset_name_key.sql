-- GET /filesets/search?filter= matches search_key(name) (V21) like the other searches. Without an index on that
-- expression PostgreSQL has no statistics for it and guesses that a handful of filesets match any text: for
-- "paired" (5 in 6 of 300,000 filesets in bench/search) it scanned and sorted every match, 450 ms, instead of
-- walking filesets_created until the page is full. The trigram index gives it both the statistics and a way to
-- find a rare name.
CREATE INDEX filesets_name_key_trgm ON filesets USING gin (search_key(name) gin_trgm_ops);
ANALYZE filesets;
