-- Fills the rest of the search benchmark's database (bench/search/run.sh), on top of bench/listings/fill.sql
-- (1,000 users lb0001..lb1000, 200 groups, 10,000 projects, 1,000,000 samples, grants):
--   - one heavy user (:heavy, default lb0002) takes over ~1,100 projects and the ~100,000 samples their owners had
--     in them, so that searches can be measured as the owner of many objects;
--   - sample metadata: tissue, sequencer and donor keys on 30% of the samples (batch is on all, from fill.sql);
--   - 5 pipelines (the 2 Flow ships plus 3 retired bench ones) with 2 versions each for the bench ones;
--   - 100,000 executions (80% attached to a project, owned by its owner), statuses spread, execution_samples
--     links (1-8 samples of their project), 5 execution grants per user and per group;
--   - filesets on 30% of the samples (5 in 6 of them hold the sample's paired reads);
--   - 3,000,000 ready data records: <sample>_R1.fastq.gz and _R2.fastq.gz for every sample, a .bam for 30%, a
--     .bigwig for 10%; 300,000 files attached to projects (tables, references, peaks, variants, reports); 300,000
--     outputs of executions (.markdup.bam, _counts.tsv, MultiQC reports); 20 data grants per user and per group.
--
--   psql -v heavy=lb0002 -f bench/search/fill-more.sql ...
--
-- Rows are inserted in order of creation time, as a live server would have written them; samples are rewritten in
-- id order (CLUSTER on the primary key), which is their creation order, after the heavy user's takeover. The
-- bulk inserts run with session_replication_role = replica: no foreign-key checks and no triggers (the trigger on
-- data that names filesets is done here directly, as is V46's copy of a file's sample's project and owner onto it; the
-- owners' totals of V31 are computed again after the commit);
-- every reference is made from existing rows.
-- The server must run with FLOW_WORKERS=0 on this database: pending executions would otherwise be
-- picked up and run (their pipelines do not exist on disk).

\set ON_ERROR_STOP on
\timing on
\if :{?heavy}
\else
\set heavy lb0002
\endif

DO $$
BEGIN
    IF (SELECT count(*) FROM samples) <> 1000000 OR NOT EXISTS (SELECT 1 FROM users WHERE username = 'lb1000') THEN
        RAISE EXCEPTION 'fill-more.sql wants a database filled by bench/listings/fill.sql';
    END IF;
    IF EXISTS (SELECT 1 FROM data) OR EXISTS (SELECT 1 FROM executions) OR EXISTS (SELECT 1 FROM filesets) THEN
        RAISE EXCEPTION 'fill-more.sql wants a database without data, executions or filesets';
    END IF;
END $$;

SELECT setseed(0.2424);
SET synchronous_commit = on;   -- see fill.sql: VACUUM then marks the pages all-visible
SET maintenance_work_mem = '512MB';
SET work_mem = '256MB';

BEGIN;
SET LOCAL session_replication_role = replica;

CREATE TEMP TABLE bu AS SELECT substr(username, 3)::int AS n, id FROM users WHERE username ~ '^lb[0-9]{4}$';
CREATE UNIQUE INDEX ON bu (n);
CREATE TEMP TABLE bg AS SELECT substr(slug, 10)::int AS n, id FROM groups WHERE slug ~ '^lb-group-[0-9]+$';
CREATE UNIQUE INDEX ON bg (n);
CREATE TEMP TABLE heavy AS SELECT id FROM users WHERE username = :'heavy';

-- ---- the heavy user: ~1,100 projects (every 9th), and the samples their previous owners had in them ----
CREATE TEMP TABLE heavy_projects AS
SELECT p.id, p.owner_id AS old_owner FROM projects p
WHERE p.name ~ '^Bench project [0-9]+$' AND substr(p.name, 15)::int % 9 = 4;
UPDATE projects p SET owner_id = (SELECT id FROM heavy) FROM heavy_projects h WHERE p.id = h.id;

-- samples: the takeover and the metadata in one pass, with the indexes dropped (as fill.sql does), then rewritten in
-- id (= creation) order so that the updated rows are not all at the end of the heap
CREATE TEMP TABLE saved_indexes AS
SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = current_schema() AND i.tablename IN ('samples', 'data')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I', i.indexname)::regclass);
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT indexname FROM saved_indexes LOOP EXECUTE format('DROP INDEX %I', r.indexname); END LOOP;
END $$;

UPDATE samples s
SET owner_id = CASE WHEN x.old_owner = s.owner_id THEN (SELECT id FROM heavy) ELSE s.owner_id END,
    metadata = CASE WHEN s.id % 10 < 3 THEN s.metadata || jsonb_build_object(
                   'tissue', split_part(s.name, '_', 2),
                   'sequencer', (ARRAY['NovaSeq 6000', 'NextSeq 2000', 'HiSeq 4000', 'MiSeq'])[1 + (s.id / 10) % 4],
                   'donor', 'D' || lpad(((s.id * 7919) % 5000)::text, 4, '0'))
               ELSE s.metadata END
FROM (SELECT s.id, h.old_owner FROM samples s LEFT JOIN heavy_projects h ON h.id = s.project_id
      WHERE s.id % 10 < 3 OR h.id IS NOT NULL) x
WHERE s.id = x.id;

CLUSTER samples USING samples_pkey;
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT indexdef FROM saved_indexes WHERE tablename = 'samples' LOOP EXECUTE r.indexdef; END LOOP;
END $$;
ANALYZE samples; ANALYZE projects;

-- ---- pipelines: the two Flow ships (registered at start) and three retired bench pipelines ----
INSERT INTO pipeline_categories (name) SELECT 'Bench' WHERE NOT EXISTS (SELECT 1 FROM pipeline_categories WHERE name = 'Bench');
INSERT INTO pipelines (name, description, category_id)
SELECT n, n || ' (search benchmark; never run)', (SELECT id FROM pipeline_categories WHERE name = 'Bench')
FROM unnest(ARRAY['ChIP-seq', 'ATAC-seq', 'Variant calling']) n;
INSERT INTO pipeline_versions (pipeline_id, version, source, directory, input_style, input_param, retired)
SELECT p.id, v, '/nonexistent/bench-' || p.id, '/nonexistent/bench-' || p.id, 'samplesheet', 'input', TRUE
FROM pipelines p CROSS JOIN unnest(ARRAY['1.0.0', '2.1.0']) v
WHERE p.name IN ('ChIP-seq', 'ATAC-seq', 'Variant calling');
CREATE TEMP TABLE pv AS
SELECT row_number() OVER (ORDER BY v.id) AS i, v.id, p.name AS pipeline, v.version
FROM pipeline_versions v JOIN pipelines p ON p.id = v.pipeline_id;
CREATE TEMP TABLE pv_count AS SELECT count(*)::int AS n FROM pv;

-- ---- executions: 100,000 over 3 years; 80% attached to a random project and owned by its owner ----
CREATE TEMP TABLE bp AS SELECT row_number() OVER (ORDER BY id) AS n, id, owner_id, created, name FROM projects;
CREATE UNIQUE INDEX ON bp (n);
ANALYZE bp;

INSERT INTO executions (name, status, pipeline, pipeline_version, pipeline_version_id, project_id, owner_id, created,
                        started, finished, progress, error)
SELECT pv.pipeline || ' of ' || coalesce(bp.name, 'samples') || ' #' || g.n,
       c.status, pv.pipeline, pv.version, pv.id, bp.id, coalesce(bp.owner_id, bu.id), c.created,
       CASE WHEN c.status <> 'pending' THEN c.created + interval '1 minute' END,
       CASE WHEN c.status IN ('completed', 'failed', 'canceled') THEN c.created + interval '2 hours' END,
       CASE c.status WHEN 'completed' THEN 100 WHEN 'running' THEN 40 ELSE 0 END,
       CASE c.status WHEN 'failed' THEN 'process failed (bench)' WHEN 'canceled' THEN 'canceled by its owner' END
FROM (SELECT n, random() AS r, CASE WHEN random() < 0.80 THEN 1 + floor(random() * 10000)::int END AS pn,
             1 + floor(random() * 1000)::int AS un, 1 + floor(random() * (SELECT n FROM pv_count))::int AS vi,
             random() AS rt
      FROM generate_series(1, 100000) n) g
LEFT JOIN bp ON bp.n = g.pn
JOIN bu ON bu.n = g.un
JOIN pv ON pv.i = g.vi
CROSS JOIN LATERAL (SELECT
       CASE WHEN g.r < 0.70 THEN 'completed' WHEN g.r < 0.85 THEN 'failed' WHEN g.r < 0.93 THEN 'canceled'
            WHEN g.r < 0.97 THEN 'running' ELSE 'pending' END AS status,
       coalesce(bp.created, now() - interval '3 years') + g.rt * (now() - coalesce(bp.created, now() - interval '3 years')) AS created) c
ORDER BY c.created;

-- 1-8 samples of the execution's project (executions without a project: none)
INSERT INTO execution_samples (execution_id, sample_id)
SELECT e.id, s.id FROM executions e
CROSS JOIN LATERAL (SELECT s.id FROM samples s WHERE s.project_id = e.project_id ORDER BY s.created DESC, s.id DESC
                    OFFSET e.id % 40 LIMIT 1 + e.id % 8) s
WHERE e.project_id IS NOT NULL;

INSERT INTO execution_grants (execution_id, user_id, permission)
SELECT DISTINCT ON (bu.id, e.id) e.id, bu.id, 1 + floor(random() * 3)::int
FROM (SELECT u, random() AS r FROM generate_series(1, 1000) u, generate_series(1, 5) k) x
CROSS JOIN (SELECT min(id) AS lo, max(id) AS hi FROM executions) ei
JOIN bu ON bu.n = x.u
JOIN executions e ON e.id = ei.lo + floor(x.r * (ei.hi - ei.lo + 1))::bigint
WHERE e.owner_id <> bu.id;
INSERT INTO execution_grants (execution_id, group_id, permission)
SELECT DISTINCT ON (bg.id, e.id) e.id, bg.id, 1 + floor(random() * 3)::int
FROM (SELECT g, random() AS r FROM generate_series(1, 200) g, generate_series(1, 5) k) x
CROSS JOIN (SELECT min(id) AS lo, max(id) AS hi FROM executions) ei
JOIN bg ON bg.n = x.g
JOIN executions e ON e.id = ei.lo + floor(x.r * (ei.hi - ei.lo + 1))::bigint;

-- ---- filesets: 30% of the samples (id % 20 < 6); those with id % 20 < 5 hold the paired reads ----
INSERT INTO filesets (name, sample_id, created)
SELECT CASE WHEN s.id % 20 < 5 THEN 'Paired-end reads' ELSE 'Single-end reads' END, s.id, s.created + interval '1 minute'
FROM samples s WHERE s.id % 20 < 6 ORDER BY s.created, s.id;
CREATE TEMP TABLE fs AS SELECT sample_id, id FROM filesets;
CREATE UNIQUE INDEX ON fs (sample_id);
ANALYZE fs;

-- ---- data: 3,000,000 ready records, inserted in creation order ----
-- sizes: log-uniform between the bounds given (10^lo .. 10^hi bytes)
CREATE FUNCTION pg_temp.bench_size(lo float8, hi float8) RETURNS bigint LANGUAGE sql VOLATILE
    AS $$ SELECT floor(power(10, lo + random() * (hi - lo)))::bigint $$;

INSERT INTO data (filename, size, data_type, compression, md5, sample_id, sample_project_id, sample_owner_id, project_id,
                  fileset_id, read_number, owner_id, status, execution_id, execution_process, source_sample_id,
                  execution_path, created)
SELECT filename, size, data_type, compression, md5(filename || created), sample_id, sample_project_id, sample_owner_id,
       project_id, fileset_id, read_number, owner_id, 'ready', execution_id, execution_process, source_sample_id,
       execution_path, created
FROM (
    -- reads of every sample
    SELECT s.name || '_R' || r || '.fastq.gz' AS filename, pg_temp.bench_size(7, 10) AS size, 'FASTQ' AS data_type,
           'gzip' AS compression, s.id AS sample_id, s.project_id AS sample_project_id, s.owner_id AS sample_owner_id,
           NULL::bigint AS project_id,
           CASE WHEN s.id % 20 < 5 THEN fs.id END AS fileset_id, CASE WHEN s.id % 20 < 5 THEN r END::smallint AS read_number,
           s.owner_id, NULL::bigint AS execution_id, NULL AS execution_process, NULL::bigint AS source_sample_id,
           NULL AS execution_path, s.created + interval '1 minute' + r * interval '1 second' AS created
    FROM samples s CROSS JOIN generate_series(1, 2) r LEFT JOIN fs ON fs.sample_id = s.id
    UNION ALL
    -- an alignment for 30%, a coverage track for 10%
    SELECT s.name || x.suffix, pg_temp.bench_size(x.lo, x.hi), x.data_type, 'none', s.id, s.project_id, s.owner_id, NULL,
           NULL, NULL, s.owner_id,
           NULL, NULL, NULL, NULL, least(now(), s.created + x.after)
    FROM samples s
    JOIN (VALUES ('.bam', 'BAM', 8.0, 10.5, interval '2 days', 3), ('.bigwig', 'OTHER', 6.0, 8.5, interval '3 days', 1)) x
         (suffix, data_type, lo, hi, after, share) ON s.id % 10 < x.share
    UNION ALL
    -- 30 files attached to each project (owned by its owner, 10% by someone else)
    SELECT p.name || '_' || f.n || f.suffix, pg_temp.bench_size(f.lo, f.hi), f.data_type, f.compression, NULL, NULL, NULL,
           p.id, NULL,
           NULL, CASE WHEN random() < 0.9 THEN p.owner_id ELSE (SELECT id FROM bu WHERE n = 1 + (p.n * 31 + f.n) % 1000) END,
           NULL, NULL, NULL, NULL, p.created + random() * (now() - p.created)
    FROM bp p CROSS JOIN LATERAL (
        SELECT n, (ARRAY['_counts.tsv', '_genome.fa.gz', '_annotation.gtf', '_peaks.bed', '_variants.vcf.gz', '_report.txt',
                         '_samplesheet.csv', '_summary.tsv'])[1 + n % 8] AS suffix,
               (ARRAY['TSV', 'FASTA', 'GTF', 'BED', 'VCF', 'TEXT', 'CSV', 'TSV'])[1 + n % 8] AS data_type,
               CASE WHEN n % 8 IN (1, 4) THEN 'gzip' ELSE 'none' END AS compression,
               (ARRAY[3, 8, 7, 4, 6, 1, 2, 3])[1 + n % 8]::float8 AS lo, (ARRAY[7, 9.5, 9, 7, 9, 5, 4, 6])[1 + n % 8]::float8 AS hi
        FROM generate_series(1, 30) n) f
    UNION ALL
    -- 3 outputs of each execution, traced to its first sample (its name, or the run's name without samples)
    SELECT coalesce(fs0.name, 'run' || e.id) || o.suffix, pg_temp.bench_size(o.lo, o.hi), o.data_type, 'none', NULL, NULL,
           NULL, NULL, NULL, NULL, e.owner_id, e.id, o.process, fs0.id, o.process || '/' || coalesce(fs0.name, 'run' || e.id) || o.suffix,
           least(now(), e.created + o.after)
    FROM executions e
    LEFT JOIN LATERAL (SELECT s.id, s.name FROM execution_samples x JOIN samples s ON s.id = x.sample_id
                       WHERE x.execution_id = e.id ORDER BY s.id LIMIT 1) fs0 ON TRUE
    CROSS JOIN (VALUES ('.markdup.bam', 'BAM', 'MARKDUP', 8.0, 10.0, interval '1 hour'),
                       ('_counts.tsv', 'TSV', 'COUNT', 3.0, 7.0, interval '90 minutes'),
                       ('_multiqc_report.txt', 'TEXT', 'MULTIQC', 4.0, 6.0, interval '2 hours')) o
               (suffix, data_type, process, lo, hi, after)
) d
ORDER BY created;

DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT indexdef FROM saved_indexes WHERE tablename = 'data' LOOP EXECUTE r.indexdef; END LOOP;
END $$;

-- ---- data grants: 20 per user (to files they do not own), 20 per group ----
CREATE TEMP TABLE di AS SELECT min(id) AS lo, max(id) AS hi FROM data;
INSERT INTO data_grants (data_id, user_id, permission)
SELECT DISTINCT ON (bu.id, d.id) d.id, bu.id, 1 + floor(random() * 3)::int
FROM (SELECT u, random() AS r FROM generate_series(1, 1000) u, generate_series(1, 20) k) x
CROSS JOIN di JOIN bu ON bu.n = x.u
JOIN data d ON d.id = di.lo + floor(x.r * (di.hi - di.lo + 1))::bigint
WHERE d.owner_id <> bu.id;
INSERT INTO data_grants (data_id, group_id, permission)
SELECT DISTINCT ON (bg.id, d.id) d.id, bg.id, 1 + floor(random() * 3)::int
FROM (SELECT g, random() AS r FROM generate_series(1, 200) g, generate_series(1, 20) k) x
CROSS JOIN di JOIN bg ON bg.n = x.g
JOIN data d ON d.id = di.lo + floor(x.r * (di.hi - di.lo + 1))::bigint;

COMMIT;

SELECT user_totals_rebuild();   -- V31: the triggers that keep them did not run

VACUUM (ANALYZE) projects, samples, pipelines, pipeline_versions, executions, execution_samples, execution_grants,
                 filesets, data, data_grants, user_totals, user_days;

SELECT (SELECT count(*) FROM samples WHERE owner_id = (SELECT id FROM users WHERE username = :'heavy')) AS heavy_samples,
       (SELECT count(*) FROM data WHERE owner_id = (SELECT id FROM users WHERE username = :'heavy')) AS heavy_data,
       (SELECT count(*) FROM executions WHERE owner_id = (SELECT id FROM users WHERE username = :'heavy')) AS heavy_executions,
       (SELECT count(*) FROM executions) AS executions, (SELECT count(*) FROM execution_samples) AS execution_samples,
       (SELECT count(*) FROM execution_grants) AS execution_grants, (SELECT count(*) FROM filesets) AS filesets,
       (SELECT count(*) FROM data) AS data, (SELECT count(*) FROM data_grants) AS data_grants,
       pg_size_pretty(pg_database_size(current_database())) AS database;
