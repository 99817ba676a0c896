-- The pipeline registry: categories, pipelines and their versions, as admins register them (and as Flow
-- registers the pipelines it ships at start). A version is pinned to one directory on the server: the
-- directory it was registered from, or Flow's own checkout of a git source at the revision asked for.

CREATE TABLE pipeline_categories (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name    TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX pipeline_categories_name ON pipeline_categories (lower(name));

CREATE TABLE pipelines (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description TEXT        NOT NULL DEFAULT '',
    category_id BIGINT      NOT NULL REFERENCES pipeline_categories (id),
    created     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX pipelines_name ON pipelines (lower(name));
CREATE INDEX pipelines_category ON pipelines (category_id);

-- Pipelines whose outputs this one takes as inputs (declared when a version is registered).
CREATE TABLE pipeline_upstream (
    pipeline_id BIGINT NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    upstream_id BIGINT NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    PRIMARY KEY (pipeline_id, upstream_id),
    CHECK (pipeline_id <> upstream_id)
);

CREATE TABLE pipeline_versions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pipeline_id  BIGINT      NOT NULL REFERENCES pipelines (id),
    version      TEXT        NOT NULL CHECK (length(version) BETWEEN 1 AND 100),
    -- What the admin gave: an absolute directory on the server, or a git URL.
    source       TEXT        NOT NULL,
    -- For a git source, the commit the checkout is pinned to.
    revision     TEXT,
    -- Where the pipeline's files are: the source directory, or the pinned checkout under the data directory.
    directory    TEXT        NOT NULL,
    main_script  TEXT        NOT NULL DEFAULT 'main.nf',
    -- How samples reach the pipeline: an nf-core samplesheet, or staged reads and a glob.
    input_style  TEXT        NOT NULL CHECK (input_style IN ('samplesheet', 'reads_glob')),
    input_param  TEXT        NOT NULL,
    outdir_param TEXT        NOT NULL DEFAULT 'outdir',
    profiles     TEXT[]      NOT NULL DEFAULT '{}',
    -- Extra Nextflow configuration text passed with -c for every run of this version.
    config       TEXT        NOT NULL DEFAULT '',
    -- The parameters users may set, as read from nextflow_schema.json when the version was registered:
    -- a JSON array of {name, type, choices?, default?, description, required, hidden, data}.
    parameters   JSONB       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(parameters) = 'array'),
    is_latest    BOOLEAN     NOT NULL DEFAULT FALSE,
    -- A retired version cannot be run; its executions stay readable.
    retired      BOOLEAN     NOT NULL DEFAULT FALSE,
    created      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX pipeline_versions_version ON pipeline_versions (pipeline_id, version);
CREATE UNIQUE INDEX pipeline_versions_latest ON pipeline_versions (pipeline_id) WHERE is_latest;
