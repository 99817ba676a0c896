-- Search indexes from bench/search (issue 9), measured on 1,000,000 samples and 3,000,000 data records.
-- The public projects' ids, read by every search's visibility condition (AccessPolicy: readable projects) without
-- visiting the projects' rows.
CREATE INDEX projects_public_ids ON projects (id) WHERE is_public;
-- The quick search's exact and prefix ranks (search_key(name) = :key, LIKE :key || '%'): a btree on the key answers
-- them by a range lookup. The trigram indexes of V21 serve them too, but read every name holding the key's trigrams
-- and test each: 11 ms on 1,000,000 samples and 27 ms on 3,000,000 files for a sample's name, against 0.2 and 0.5 ms.
CREATE INDEX samples_key_prefix ON samples (search_key(name) text_pattern_ops);
CREATE INDEX data_key_prefix ON data (search_key(filename) text_pattern_ops) WHERE status = 'ready';
-- Expression indexes get their statistics from ANALYZE (autovacuum runs it only after enough changes): now.
ANALYZE samples, data;
