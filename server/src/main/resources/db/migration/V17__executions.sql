-- Executions of pipeline versions: the queue they wait in, what they took as input, the tasks Nextflow ran,
-- their log, and the data they produced. V3 created the minimal executions table that projects and samples list.

ALTER TABLE executions
    ADD COLUMN pipeline_version_id BIGINT REFERENCES pipeline_versions (id),
    -- The parameters as the caller gave them and as checked against the version's schema.
    ADD COLUMN params           JSONB    NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
    -- {"param": data_id}: parameters filled with the path of a data file.
    ADD COLUMN data_params      JSONB    NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(data_params) = 'object'),
    ADD COLUMN progress         SMALLINT NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    ADD COLUMN cancel_requested BOOLEAN  NOT NULL DEFAULT FALSE,
    -- The worker running it (host and process), the Nextflow JVM's pid, and when that worker last said it lives.
    ADD COLUMN worker           TEXT,
    ADD COLUMN pid              BIGINT,
    ADD COLUMN heartbeat        TIMESTAMPTZ,
    -- How many times it was started again with -resume after its worker died.
    ADD COLUMN resumes          INTEGER  NOT NULL DEFAULT 0,
    -- Why it failed (or was canceled), in words for the user.
    ADD COLUMN error            TEXT,
    -- How far into the run's event file the worker has read.
    ADD COLUMN events_read      BIGINT   NOT NULL DEFAULT 0,
    ADD CONSTRAINT executions_status CHECK (status IN ('pending', 'running', 'completed', 'failed', 'canceled'));
CREATE INDEX executions_owner ON executions (owner_id, created DESC, id DESC);
CREATE INDEX executions_pending ON executions (created, id) WHERE status = 'pending';
CREATE INDEX executions_running ON executions (id) WHERE status = 'running';

CREATE TABLE execution_grants (
    execution_id BIGINT   NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    user_id      BIGINT   REFERENCES users (id) ON DELETE CASCADE,
    group_id     BIGINT   REFERENCES groups (id) ON DELETE CASCADE,
    permission   SMALLINT NOT NULL CHECK (permission BETWEEN 1 AND 3),
    CHECK ((user_id IS NULL) <> (group_id IS NULL))
);
CREATE UNIQUE INDEX execution_grants_user ON execution_grants (user_id, execution_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX execution_grants_group ON execution_grants (group_id, execution_id) WHERE group_id IS NOT NULL;
CREATE INDEX execution_grants_execution ON execution_grants (execution_id);

-- Inputs besides samples (execution_samples, V3): filesets, and every data file the run read (a sample's
-- reads, a fileset's files, a data parameter's file; param names the parameter for the latter).
CREATE TABLE execution_filesets (
    execution_id BIGINT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    fileset_id   BIGINT NOT NULL REFERENCES filesets (id) ON DELETE CASCADE,
    PRIMARY KEY (execution_id, fileset_id)
);
CREATE INDEX execution_filesets_fileset ON execution_filesets (fileset_id, execution_id);

CREATE TABLE execution_data (
    execution_id BIGINT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    data_id      BIGINT NOT NULL REFERENCES data (id) ON DELETE CASCADE,
    param        TEXT,
    PRIMARY KEY (execution_id, data_id)
);
CREATE INDEX execution_data_data ON execution_data (data_id, execution_id);

-- The tasks Nextflow ran, one row per task of a launch, as the plugin and the trace file report them.
CREATE TABLE process_executions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    execution_id BIGINT      NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    -- Nextflow's task id within the launch (a resumed run is a new launch: launch counts them).
    launch       INTEGER     NOT NULL DEFAULT 0,
    task_id      INTEGER     NOT NULL,
    process      TEXT        NOT NULL,
    name         TEXT        NOT NULL,
    -- submitted, running, completed, failed, aborted, cached
    status       TEXT        NOT NULL,
    exit_code    INTEGER,
    native_id    TEXT,
    hash         TEXT,
    workdir      TEXT,
    started      TIMESTAMPTZ,
    finished     TIMESTAMPTZ,
    duration_ms  BIGINT,
    UNIQUE (execution_id, launch, task_id)
);

CREATE TABLE execution_logs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    execution_id BIGINT      NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    time         TIMESTAMPTZ NOT NULL DEFAULT now(),
    process      TEXT,
    message      TEXT        NOT NULL
);
CREATE INDEX execution_logs_execution ON execution_logs (execution_id, id);

-- Outputs: data made by an execution (owned by its owner), the process that published it, and the input
-- sample it was traced to (a link, not containment: the output does not enter another user's sample).
ALTER TABLE data
    ADD COLUMN execution_id      BIGINT REFERENCES executions (id) ON DELETE CASCADE,
    ADD COLUMN execution_process TEXT,
    ADD COLUMN source_sample_id  BIGINT REFERENCES samples (id) ON DELETE SET NULL;
CREATE INDEX data_execution ON data (execution_id) WHERE execution_id IS NOT NULL;
CREATE INDEX data_source_sample ON data (source_sample_id) WHERE source_sample_id IS NOT NULL;
