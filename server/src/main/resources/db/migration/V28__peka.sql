-- PEKA (positionally enriched k-mer analysis) results, loaded by `flow peka import DIR` (bio.flow.peka.PekaImport)
-- and read by the public /peka/... routes. An import replaces everything of the entities it names, so importing
-- the same folder twice leaves the same rows.

-- The proteins (and other entities) that results are about; a name is unique whatever its case, because the
-- result files and the routes name an entity by it.
CREATE TABLE peka_entities (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name    TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    gene    TEXT NOT NULL,
    species TEXT NOT NULL,
    type    TEXT NOT NULL
);
CREATE UNIQUE INDEX peka_entities_name ON peka_entities (lower(name));

-- One row of a <entity>_<k>mer_distribution_<region>.tsv: a k-mer's PEKA statistics in one region, and its
-- relative occurrence at positions -48..50 around the crosslinks (99 values, NULL where PEKA wrote nan).
-- K-mers are stored in the RNA alphabet (T written as U).
CREATE TABLE peka_kmer_scores (
    entity_id  BIGINT NOT NULL REFERENCES peka_entities (id) ON DELETE CASCADE,
    region     TEXT NOT NULL,
    kmer       TEXT NOT NULL CHECK (kmer ~ '^[ACGU]+$'),
    mtxn       DOUBLE PRECISION,
    prtxn      DOUBLE PRECISION,
    artxn      DOUBLE PRECISION,
    aroxn      DOUBLE PRECISION,
    etxn       DOUBLE PRECISION,
    peka_score DOUBLE PRECISION,
    p_value    DOUBLE PRECISION,
    positions  REAL[] NOT NULL CHECK (cardinality(positions) = 99),
    PRIMARY KEY (entity_id, region, kmer)
);
-- GET /peka/motif: the rows of one k-mer across entities.
CREATE INDEX peka_kmer_scores_kmer ON peka_kmer_scores (kmer);

-- Motif occurrences from an entity's BED file (<entity>.bed): half-open [start_pos, end_pos) as in BED.
CREATE TABLE peka_motif_lines (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id  BIGINT NOT NULL REFERENCES peka_entities (id) ON DELETE CASCADE,
    chromosome TEXT NOT NULL,
    start_pos  BIGINT NOT NULL CHECK (start_pos >= 0),
    end_pos    BIGINT NOT NULL CHECK (end_pos > start_pos),
    motif      TEXT NOT NULL,
    score      DOUBLE PRECISION,
    strand     TEXT NOT NULL CHECK (strand IN ('+', '-', '.'))
);
-- GET /peka/motif/lines: an entity's lines in genome order, optionally within one region.
CREATE INDEX peka_motif_lines_entity ON peka_motif_lines (entity_id, chromosome, start_pos);
