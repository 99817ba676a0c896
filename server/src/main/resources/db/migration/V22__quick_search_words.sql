-- Quick search (GET /search) ranks a name in which the query is a run of whole words ("seq sample" in "RNA-seq
-- Sample 1") above one that merely contains it ("ample"). search_word_runs(name) lists the search keys (V21) of the
-- runs of consecutive words of a name that do not start with its first word (those are prefixes, ranked above),
-- words being what search_key keeps between ASCII spaces and punctuation, runs of at most 8 words. It is computed
-- only on the few newest names that contain the query (QuickSearch.WORD_CANDIDATES), so no index holds it: a GIN
-- index on it cost minutes of migration and a slower write on every data row, to rank names the quick search
-- would not read anyway.
CREATE FUNCTION search_word_runs(text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
    SELECT coalesce(array_agg(DISTINCT array_to_string(a.w[i:j], '')), '{}')
    FROM (SELECT array_remove(regexp_split_to_array(lower($1), '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+'), '') AS w) a,
         generate_series(2, cardinality(a.w)) i, generate_series(i, least(cardinality(a.w), i + 7)) j
$$;
