-- The data types: a vocabulary managed by admins, named by a short uppercase identifier (FASTQ) that data
-- records refer to. The built-in ones are the types the server itself assigns when it detects a file's type,
-- so they cannot be deleted. Compression (none, gzip, bgzf) is not a type: .gz and .bgz are never listed as
-- extensions.

CREATE TABLE data_types (
    identifier  TEXT PRIMARY KEY CHECK (identifier ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
    name        TEXT        NOT NULL,
    description TEXT        NOT NULL DEFAULT '',
    built_in    BOOLEAN     NOT NULL DEFAULT FALSE,
    created     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX data_types_name ON data_types (lower(name));

-- The file extensions that suggest a type; an extension suggests at most one type.
CREATE TABLE data_type_extensions (
    extension TEXT PRIMARY KEY CHECK (length(extension) <= 20 AND extension ~ '^(\.[a-z0-9][a-z0-9_+-]*)+$'
                                      AND extension !~ '\.b?gz$'),
    data_type TEXT NOT NULL REFERENCES data_types (identifier) ON DELETE CASCADE
);
CREATE INDEX data_type_extensions_type ON data_type_extensions (data_type);

INSERT INTO data_types (identifier, name, description, built_in) VALUES
    ('FASTQ', 'FASTQ', 'Sequencing reads with per-base quality scores', TRUE),
    ('FASTA', 'FASTA', 'Sequences without qualities: genomes, transcripts, proteins', TRUE),
    ('BAM', 'BAM', 'Binary alignment map', TRUE),
    ('SAM', 'SAM', 'Sequence alignment map (text)', TRUE),
    ('CRAM', 'CRAM', 'Reference-compressed alignment map', TRUE),
    ('VCF', 'VCF', 'Variant call format', TRUE),
    ('BED', 'BED', 'Genomic intervals (browser extensible data)', TRUE),
    ('GTF', 'GTF', 'Gene transfer format annotation', TRUE),
    ('GFF', 'GFF', 'General feature format annotation', TRUE),
    ('CSV', 'CSV', 'Comma-separated values', TRUE),
    ('TSV', 'TSV', 'Tab-separated values', TRUE),
    ('TEXT', 'Plain text', 'Plain text of no known format', TRUE),
    ('OTHER', 'Other', 'Binary data of no known format', TRUE);
INSERT INTO data_type_extensions (extension, data_type) VALUES
    ('.fastq', 'FASTQ'), ('.fq', 'FASTQ'),
    ('.fasta', 'FASTA'), ('.fa', 'FASTA'), ('.fna', 'FASTA'), ('.faa', 'FASTA'),
    ('.bam', 'BAM'), ('.sam', 'SAM'), ('.cram', 'CRAM'), ('.vcf', 'VCF'), ('.bed', 'BED'),
    ('.gtf', 'GTF'), ('.gff', 'GFF'), ('.gff3', 'GFF'),
    ('.csv', 'CSV'), ('.tsv', 'TSV'), ('.tab', 'TSV'),
    ('.txt', 'TEXT');

-- data.data_type now names a data type. Values written before this (there should be none) are kept when they
-- name a type in any case ('fastq' becomes 'FASTQ'); any other value becomes NULL, "type not recorded", rather
-- than OTHER, which would claim the bytes are binary of no known format.
UPDATE data d SET data_type = (SELECT t.identifier FROM data_types t WHERE t.identifier = upper(btrim(d.data_type)))
    WHERE data_type IS NOT NULL;
ALTER TABLE data ADD CONSTRAINT data_data_type_fkey FOREIGN KEY (data_type) REFERENCES data_types (identifier);
-- For the count that refuses to delete a type in use, and for listing data by type.
CREATE INDEX data_data_type ON data (data_type);
