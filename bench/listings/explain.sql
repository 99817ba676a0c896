-- EXPLAIN (ANALYZE, BUFFERS) of the SQL each benchmarked endpoint runs, copied from the Java code
-- (bio/flow/samples/Samples.java, bio/flow/projects/Projects.java, bio/flow/access/AccessPolicy.java,
-- bio/flow/auth/Authenticator.java), with the AccessPolicy fragments expanded.
--
--   psql -v caller=<user id> -v sample=<a sample id the caller may read> -v offset=500 -f bench/listings/explain.sql
--
-- The server runs these through pgjdbc as prepared statements with bind parameters ($1...). After five
-- executions on one connection pgjdbc switches to a named server-side statement, and PostgreSQL may then
-- use a generic plan (one that does not know the parameters' values). So each statement is PREPAREd with
-- the same parameter types pgjdbc sends (caller bigint, admin boolean, limit/offset integer) and explained
-- twice: with plan_cache_mode = force_custom_plan (what the first executions get) and force_generic_plan
-- (what a connection may settle on). Default plan_cache_mode = auto picks generic once its estimated cost
-- is not much above the custom plans' average.
--
-- Keep this in step with the Java code when the listing SQL changes.

\set ON_ERROR_STOP on
\pset pager off
\if :{?offset}
\else
\set offset 500
\endif

-- every request: the authenticated caller
PREPARE auth_user(bigint) AS
SELECT id, username, is_admin, can_run_pipelines FROM users WHERE id = $1;

-- GET /samples/owned  (Samples.list, Scope.OWNED)
PREPARE samples_owned_count(bigint, boolean) AS
SELECT count(*) FROM samples s WHERE s.owner_id = $1;
PREPARE samples_owned_page(bigint, boolean, int, int) AS
SELECT s.id, s.name, s.organism_id, st.name AS sample_type, s.created, p.id AS project_id, p.name AS project_name,
       u.id AS owner_id, u.username AS owner_username
FROM samples s LEFT JOIN projects p ON p.id = s.project_id LEFT JOIN sample_types st ON st.id = s.sample_type_id
JOIN users u ON u.id = s.owner_id
WHERE s.owner_id = $1
ORDER BY s.created DESC, s.id DESC LIMIT $3 OFFSET $4;

-- GET /samples/shared  (Samples.list, Scope.SHARED: AccessPolicy.sampleSharedWithCaller("s"))
PREPARE samples_shared_count(bigint, boolean) AS
SELECT count(*) FROM samples s WHERE s.owner_id <> $1 AND (
    s.project_id IN (SELECT id FROM projects WHERE owner_id = $1)
 OR s.project_id IN (SELECT g.project_id FROM project_grants g WHERE (g.user_id = $1 OR g.group_id IN (SELECT group_id FROM group_members WHERE user_id = $1 AND role >= 2)))
 OR s.id IN (SELECT g.sample_id FROM sample_grants g WHERE (g.user_id = $1 OR g.group_id IN (SELECT group_id FROM group_members WHERE user_id = $1 AND role >= 2))));
PREPARE samples_shared_page(bigint, boolean, int, int) AS
SELECT s.id, s.name, s.organism_id, st.name AS sample_type, s.created, p.id AS project_id, p.name AS project_name,
       u.id AS owner_id, u.username AS owner_username
FROM samples s LEFT JOIN projects p ON p.id = s.project_id LEFT JOIN sample_types st ON st.id = s.sample_type_id
JOIN users u ON u.id = s.owner_id
WHERE s.owner_id <> $1 AND (
    s.project_id IN (SELECT id FROM projects WHERE owner_id = $1)
 OR s.project_id IN (SELECT g.project_id FROM project_grants g WHERE (g.user_id = $1 OR g.group_id IN (SELECT group_id FROM group_members WHERE user_id = $1 AND role >= 2)))
 OR s.id IN (SELECT g.sample_id FROM sample_grants g WHERE (g.user_id = $1 OR g.group_id IN (SELECT group_id FROM group_members WHERE user_id = $1 AND role >= 2))))
ORDER BY s.created DESC, s.id DESC LIMIT $3 OFFSET $4;

-- GET /projects/owned, /projects/shared, /projects/public  (Projects.list)
PREPARE projects_owned_count(bigint, boolean) AS
SELECT count(*) FROM projects p WHERE p.owner_id = $1;
PREPARE projects_owned_page(bigint, boolean, int, int) AS
SELECT p.id, p.name, p.description, p.organism_id, p.is_public, p.created, u.id AS owner_id, u.username AS owner_username,
       (SELECT count(*) FROM samples s WHERE s.project_id = p.id) AS sample_count
FROM projects p JOIN users u ON u.id = p.owner_id
WHERE p.owner_id = $1
ORDER BY p.created DESC, p.id DESC LIMIT $3 OFFSET $4;

PREPARE projects_shared_count(bigint, boolean) AS
SELECT count(*) FROM projects p WHERE p.owner_id <> $1 AND p.id IN (SELECT g.project_id FROM project_grants g
    WHERE (g.user_id = $1 OR g.group_id IN (SELECT group_id FROM group_members WHERE user_id = $1 AND role >= 2)));
PREPARE projects_shared_page(bigint, boolean, int, int) AS
SELECT p.id, p.name, p.description, p.organism_id, p.is_public, p.created, u.id AS owner_id, u.username AS owner_username,
       (SELECT count(*) FROM samples s WHERE s.project_id = p.id) AS sample_count
FROM projects p JOIN users u ON u.id = p.owner_id
WHERE p.owner_id <> $1 AND p.id IN (SELECT g.project_id FROM project_grants g
    WHERE (g.user_id = $1 OR g.group_id IN (SELECT group_id FROM group_members WHERE user_id = $1 AND role >= 2)))
ORDER BY p.created DESC, p.id DESC LIMIT $3 OFFSET $4;

PREPARE projects_public_count AS
SELECT count(*) FROM projects p WHERE p.is_public;
PREPARE projects_public_page(int, int) AS
SELECT p.id, p.name, p.description, p.organism_id, p.is_public, p.created, u.id AS owner_id, u.username AS owner_username,
       (SELECT count(*) FROM samples s WHERE s.project_id = p.id) AS sample_count
FROM projects p JOIN users u ON u.id = p.owner_id
WHERE p.is_public
ORDER BY p.created DESC, p.id DESC LIMIT $1 OFFSET $2;

-- GET /samples/{id}: AccessPolicy.level(SAMPLE) then Samples.detail
PREPARE sample_level(bigint, boolean, bigint) AS
SELECT CASE WHEN $2 OR s.owner_id = $1 OR p.owner_id IS NOT DISTINCT FROM $1 THEN 4 ELSE GREATEST(
    (SELECT coalesce(max(g.permission), 0) FROM sample_grants g WHERE g.sample_id = s.id AND (g.user_id = $1 OR g.group_id IN (SELECT group_id FROM group_members WHERE user_id = $1 AND role >= 2))),
    (SELECT coalesce(max(g.permission), 0) FROM project_grants g WHERE g.project_id = s.project_id AND (g.user_id = $1 OR g.group_id IN (SELECT group_id FROM group_members WHERE user_id = $1 AND role >= 2))),
    CASE WHEN p.is_public THEN 1 ELSE 0 END) END
FROM samples s LEFT JOIN projects p ON p.id = s.project_id WHERE s.id = $3;
PREPARE sample_detail(bigint) AS
SELECT s.id, s.name, s.organism_id, st.name AS sample_type, s.created, p.id AS project_id, p.name AS project_name,
       u.id AS owner_id, u.username AS owner_username, src.name AS source, pt.name AS purification_target, s.condition,
       s.replicate_group, s.metadata::text AS metadata
FROM samples s LEFT JOIN projects p ON p.id = s.project_id LEFT JOIN sample_types st ON st.id = s.sample_type_id
JOIN users u ON u.id = s.owner_id
LEFT JOIN sample_sources src ON src.id = s.source_id
LEFT JOIN purification_targets pt ON pt.id = s.purification_target_id WHERE s.id = $1;

\echo '================ caller' :caller ', sample' :sample ', public offset' :offset '================'

\set E 'EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)'

\o /dev/null
-- warm the caches, so that both plans below see the same cache state
EXECUTE samples_shared_count(:caller, false);
EXECUTE samples_shared_page(:caller, false, 20, 0);
\o

SET plan_cache_mode = force_custom_plan;
\echo '######## plan_cache_mode = force_custom_plan'
\ir explain-each.sql
SET plan_cache_mode = force_generic_plan;
\echo '######## plan_cache_mode = force_generic_plan'
\ir explain-each.sql
RESET plan_cache_mode;
