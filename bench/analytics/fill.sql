-- Fills the activity log and the active days of the search benchmark's database (bench/listings/fill.sql, then
-- bench/search/fill-more.sql: 1,000 users, 200 groups, 10,000 projects, 1,000,000 samples, 3,000,000 data,
-- 100,000 executions, grants) as a live server would have written them (bench/analytics/run.sh runs it):
--   - one entry per project, sample and ready uploaded data record (execution_id IS NULL: what Uploads and Imports
--     record), by its owner at its `created`;
--   - per execution that ran: execution_started at `started`, and execution_completed / execution_failed at
--     `finished` (canceled and pending runs record no end, pending ones no start either);
--   - shared_with_you per grant (project, sample, data and execution grants, to a user or a group), by the object's
--     owner at a random moment between the object's creation and the fill's last entry (grants have no timestamp);
--   - user_activity_days: every bench user has an activity rate (most are occasional, a few daily) and is active on
--     each of the last 60 days with that probability.
-- The objects' `created` spread over the 3 years before the fill was made (2023-11-30 .. 2026-11-30). Entries are
-- inserted in order of time, so ids follow `at` as they do on a live server. Deterministic (setseed) but for ids.
--
--   psql -v admin=lb1000 -v heavy=lb0002 -f bench/analytics/fill.sql
-- admin: a bench user made a site admin (the admin caller); heavy: the search fill's heavy user (the burst, below).
--
-- Refuses a database whose activity log is not empty.

\set ON_ERROR_STOP on
\timing on

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM activity) OR NOT EXISTS (SELECT 1 FROM samples) THEN
        RAISE EXCEPTION 'bench/analytics/fill.sql wants the filled search benchmark database with an empty activity log';
    END IF;
END $$;

SELECT setseed(0.3131);
SET synchronous_commit = on;   -- see bench/listings/fill.sql: VACUUM then marks the pages all-visible
SET maintenance_work_mem = '512MB';
SET work_mem = '256MB';

UPDATE users SET is_admin = true WHERE username = :'admin';

-- A burst: the heavy user (:heavy) uploads 50,000 files into a new private project in the hour before the fill's last
-- entry (an import of a whole sequencing run, say). Its 50,000 entries are then the newest of the log, and only the
-- heavy user, admins and nobody else may read them: the case where a caller reads the log newest first looking for
-- entries they may read.
INSERT INTO projects (name, description, is_public, owner_id, created)
SELECT 'Bench burst project', 'A whole run uploaded at once', false, id, TIMESTAMPTZ '2026-12-01 02:00Z' FROM users WHERE username = :'heavy';
INSERT INTO data (filename, size, data_type, owner_id, created, status, project_id)
SELECT format('burst_%s.fastq.gz', i), 1000000000 + i, 'FASTQ', p.owner_id, p.created + i * INTERVAL '70 milliseconds', 'ready', p.id
FROM projects p CROSS JOIN generate_series(1, 50000) i WHERE p.name = 'Bench burst project';

-- The log as rows (at, actor, action, kind, object, details, for_user, for_group, project), then inserted in time
-- order; project: the object's project, as Activity notes it (V35).
CREATE TEMP TABLE fill_activity AS
SELECT p.created AS at, p.owner_id AS actor, 'project_created' AS action, 'project' AS kind, p.id AS object,
       'Project ' || p.name || ' created' AS details, NULL::bigint AS for_user, NULL::bigint AS for_group, p.id AS project
FROM projects p
UNION ALL
SELECT s.created, s.owner_id, 'sample_created', 'sample', s.id, 'Sample ' || s.name || ' created', NULL, NULL, s.project_id FROM samples s
UNION ALL
SELECT d.created, d.owner_id, 'data_uploaded', 'data', d.id, 'Uploaded ' || d.filename, NULL, NULL, coalesce(d.project_id, s.project_id)
FROM data d LEFT JOIN samples s ON s.id = d.sample_id WHERE d.status = 'ready' AND d.execution_id IS NULL
UNION ALL
SELECT e.started, e.owner_id, 'execution_started', 'execution', e.id, 'Execution ' || e.name || ' started', NULL, NULL, e.project_id
FROM executions e WHERE e.started IS NOT NULL
UNION ALL
SELECT e.finished, e.owner_id, 'execution_completed', 'execution', e.id, 'Execution ' || e.name || ' completed successfully', NULL, NULL, e.project_id
FROM executions e WHERE e.status = 'completed'
UNION ALL
SELECT e.finished, e.owner_id, 'execution_failed', 'execution', e.id, 'Execution ' || e.name || ' failed: Process ALIGN failed', NULL, NULL, e.project_id
FROM executions e WHERE e.status = 'failed';

-- Grants: the owner shared the object some time after creating it.
INSERT INTO fill_activity
SELECT o.created + (TIMESTAMPTZ '2026-12-01 00:00Z' - o.created) * random(), o.owner_id, 'shared_with_you', o.kind, o.id,
       u.username || ' shared ' || o.kind || ' ' || o.id || ' with you', o.user_id, o.group_id, o.project
FROM (SELECT 'project' AS kind, x.id, x.created, x.owner_id, g.user_id, g.group_id, x.id AS project FROM project_grants g JOIN projects x ON x.id = g.project_id
      UNION ALL SELECT 'sample', x.id, x.created, x.owner_id, g.user_id, g.group_id, x.project_id FROM sample_grants g JOIN samples x ON x.id = g.sample_id
      UNION ALL SELECT 'data', x.id, x.created, x.owner_id, g.user_id, g.group_id,
                       coalesce(x.project_id, (SELECT project_id FROM samples WHERE id = x.sample_id), (SELECT project_id FROM executions WHERE id = x.execution_id))
                FROM data_grants g JOIN data x ON x.id = g.data_id
      UNION ALL SELECT 'execution', x.id, x.created, x.owner_id, g.user_id, g.group_id, x.project_id FROM execution_grants g JOIN executions x ON x.id = g.execution_id) o
JOIN users u ON u.id = o.owner_id;

INSERT INTO activity (actor_id, action, object_kind, object_id, details, for_user_id, for_group_id, at, project_id)
SELECT actor, action, kind, object, details, for_user, for_group, at, project FROM fill_activity ORDER BY at;
INSERT INTO project_activity (project_id, last_at) SELECT project_id, max(at) FROM activity WHERE project_id IS NOT NULL GROUP BY project_id;

SELECT action, count(*) FROM activity GROUP BY action ORDER BY action;

-- Active days: per user a rate (70% occasional: 5%, 20% regular: 30%, 10% daily: 90%), over the last 60 days.
INSERT INTO user_activity_days (day, user_id)
SELECT day, id FROM (
    -- random() in the select list, per (user, day): in the WHERE of the join it would be pushed down to the users
    SELECT d.day, u.id, u.rate, random() AS r
    FROM (SELECT id, CASE WHEN r < 0.7 THEN 0.05 WHEN r < 0.9 THEN 0.3 ELSE 0.9 END AS rate
          FROM (SELECT id, random() AS r FROM users) x) u
    CROSS JOIN (SELECT CAST(now() AT TIME ZONE 'UTC' AS date) - i AS day FROM generate_series(0, 59) i) d
    OFFSET 0) ud
WHERE r < rate
ON CONFLICT DO NOTHING;

SELECT count(*) AS active_days, count(DISTINCT user_id) AS users FROM user_activity_days;

VACUUM (ANALYZE) activity, project_activity, user_activity_days, projects, data;
