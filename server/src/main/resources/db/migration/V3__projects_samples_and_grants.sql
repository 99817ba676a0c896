-- Projects, samples, the vocabularies that describe samples, and the grants that share them.
-- Data, filesets and executions appear here in the shape that projects and samples need to list and
-- delete them; the features that create them extend these tables.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- ---- vocabularies (managed by admins) ----

CREATE TABLE organisms (
    id      TEXT PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,49}$'),
    name    TEXT NOT NULL,
    created TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organisms_name ON organisms (lower(name));
INSERT INTO organisms (id, name) VALUES
    ('human', 'Homo sapiens'), ('mouse', 'Mus musculus'), ('rat', 'Rattus norvegicus'),
    ('zebrafish', 'Danio rerio'), ('fly', 'Drosophila melanogaster'), ('worm', 'Caenorhabditis elegans'),
    ('yeast', 'Saccharomyces cerevisiae'), ('arabidopsis', 'Arabidopsis thaliana'), ('ecoli', 'Escherichia coli'),
    ('chicken', 'Gallus gallus'), ('xenopus', 'Xenopus tropicalis'), ('macaque', 'Macaca mulatta');

CREATE TABLE sample_sources (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name    TEXT NOT NULL,
    created TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sample_sources_name ON sample_sources (lower(name));
INSERT INTO sample_sources (name) VALUES
    ('Cell Line'), ('Tissue'), ('Blood'), ('Primary Cells'), ('Organoid'), ('Whole Organism'), ('Stem Cells');

CREATE TABLE purification_targets (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name    TEXT NOT NULL,
    created TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX purification_targets_name ON purification_targets (lower(name));
INSERT INTO purification_targets (name) VALUES
    ('Total RNA'), ('mRNA'), ('Genomic DNA'), ('Small RNA'), ('Nuclear RNA'), ('Chromatin'), ('Protein');

CREATE TABLE sample_types (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sample_types_name ON sample_types (lower(name));
INSERT INTO sample_types (name, description) VALUES
    ('RNA', 'RNA sequencing libraries'), ('DNA', 'DNA sequencing libraries'), ('Protein', 'Protein-bound RNA or DNA (CLIP, ChIP)'),
    ('Chromatin', 'Chromatin accessibility (ATAC, DNase)'), ('Single cell', 'Single-cell libraries');

-- ---- projects and samples ----

CREATE TABLE projects (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT        NOT NULL,
    description TEXT        NOT NULL DEFAULT '',
    organism_id TEXT        REFERENCES organisms (id) ON UPDATE CASCADE,
    is_public   BOOLEAN     NOT NULL DEFAULT FALSE,
    owner_id    BIGINT      NOT NULL REFERENCES users (id),
    created     TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Listings are newest first, with id as the tie-break; each listing has an index in that order.
CREATE INDEX projects_owner ON projects (owner_id, created DESC, id DESC);
CREATE INDEX projects_public ON projects (created DESC, id DESC) WHERE is_public;
CREATE INDEX projects_name_trgm ON projects USING gin (name gin_trgm_ops);

CREATE TABLE samples (
    id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                   TEXT        NOT NULL,
    project_id             BIGINT      REFERENCES projects (id) ON DELETE CASCADE,
    owner_id               BIGINT      NOT NULL REFERENCES users (id),
    organism_id            TEXT        REFERENCES organisms (id) ON UPDATE CASCADE,
    sample_type_id         BIGINT      REFERENCES sample_types (id),
    source_id              BIGINT      REFERENCES sample_sources (id),
    purification_target_id BIGINT      REFERENCES purification_targets (id),
    condition              TEXT        NOT NULL DEFAULT '',
    replicate_group        TEXT        NOT NULL DEFAULT '',
    metadata               JSONB       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    created                TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX samples_owner ON samples (owner_id, created DESC, id DESC);
CREATE INDEX samples_project ON samples (project_id, created DESC, id DESC);
CREATE INDEX samples_name_trgm ON samples USING gin (name gin_trgm_ops);

-- ---- grants: permission 1 read, 2 edit, 3 share; to one user or one group ----

CREATE TABLE project_grants (
    project_id BIGINT   NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    BIGINT   REFERENCES users (id) ON DELETE CASCADE,
    group_id   BIGINT   REFERENCES groups (id) ON DELETE CASCADE,
    permission SMALLINT NOT NULL CHECK (permission BETWEEN 1 AND 3),
    CHECK ((user_id IS NULL) <> (group_id IS NULL))
);
CREATE UNIQUE INDEX project_grants_user ON project_grants (user_id, project_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX project_grants_group ON project_grants (group_id, project_id) WHERE group_id IS NOT NULL;
CREATE INDEX project_grants_project ON project_grants (project_id);

CREATE TABLE sample_grants (
    sample_id  BIGINT   NOT NULL REFERENCES samples (id) ON DELETE CASCADE,
    user_id    BIGINT   REFERENCES users (id) ON DELETE CASCADE,
    group_id   BIGINT   REFERENCES groups (id) ON DELETE CASCADE,
    permission SMALLINT NOT NULL CHECK (permission BETWEEN 1 AND 3),
    CHECK ((user_id IS NULL) <> (group_id IS NULL))
);
CREATE UNIQUE INDEX sample_grants_user ON sample_grants (user_id, sample_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX sample_grants_group ON sample_grants (group_id, sample_id) WHERE group_id IS NOT NULL;
CREATE INDEX sample_grants_sample ON sample_grants (sample_id);

-- ---- what belongs to samples and projects (created by later features) ----

CREATE TABLE filesets (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name      TEXT        NOT NULL,
    sample_id BIGINT      NOT NULL REFERENCES samples (id) ON DELETE CASCADE,
    created   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX filesets_sample ON filesets (sample_id);

CREATE TABLE data (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    filename    TEXT        NOT NULL,
    size        BIGINT      NOT NULL DEFAULT 0,
    data_type   TEXT,
    md5         TEXT,
    sample_id   BIGINT      REFERENCES samples (id) ON DELETE CASCADE,
    fileset_id  BIGINT      REFERENCES filesets (id) ON DELETE CASCADE,
    read_number SMALLINT,
    owner_id    BIGINT      NOT NULL REFERENCES users (id),
    created     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX data_sample ON data (sample_id, created DESC, id DESC);
CREATE INDEX data_fileset ON data (fileset_id);

CREATE TABLE executions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            TEXT        NOT NULL,
    status          TEXT        NOT NULL DEFAULT 'pending',
    pipeline        TEXT        NOT NULL DEFAULT '',
    pipeline_version TEXT       NOT NULL DEFAULT '',
    -- An execution outlives the project it was attached to: its results may be used elsewhere.
    project_id      BIGINT      REFERENCES projects (id) ON DELETE SET NULL,
    owner_id        BIGINT      NOT NULL REFERENCES users (id),
    created         TIMESTAMPTZ NOT NULL DEFAULT now(),
    started         TIMESTAMPTZ,
    finished        TIMESTAMPTZ
);
CREATE INDEX executions_project ON executions (project_id, created DESC, id DESC);

CREATE TABLE execution_samples (
    execution_id BIGINT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    sample_id    BIGINT NOT NULL REFERENCES samples (id) ON DELETE CASCADE,
    PRIMARY KEY (execution_id, sample_id)
);
CREATE INDEX execution_samples_sample ON execution_samples (sample_id, execution_id);
