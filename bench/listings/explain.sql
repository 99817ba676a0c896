-- EXPLAIN (ANALYZE, BUFFERS) of the SQL each benchmarked endpoint runs, copied from the Java code
-- (bio/flow/access/AccessPolicy.java, bio/flow/samples/Samples.java, bio/flow/projects/Projects.java,
-- bio/flow/auth/Authenticator.java) as of commit 71259fa, fragment by fragment: the psql variables below are
-- AccessPolicy's constants and methods, the PREPAREd statements are what Samples.listKeys, Projects.list,
-- AccessPolicy.level and Samples.detail put together. Keep it in step with the Java code.
--
--   psql -v caller=<user id> -v sample=<a sample id the caller may read> -v offset=500 [-v previous=1] -f explain.sql
--
-- -v previous=1 explains the SQL from before 71259fa instead (commit 655e7ef: the listings README.md's
-- "before" column), for benchmarking such a checkout with FLOW_REPO.
--
-- The server runs these through pgjdbc as prepared statements with bind parameters. After five executions on
-- one connection pgjdbc switches to a named server-side statement, and PostgreSQL may then settle on a generic
-- plan (one made without the parameters' values). So each statement is PREPAREd with the parameter types pgjdbc
-- sends ($1 caller bigint, $2 admin boolean, $3 limit int, $4 offset int; LIMIT and OFFSET are literals in the
-- current code) and explained twice: with plan_cache_mode = force_custom_plan and force_generic_plan. (Which one
-- the server gets under the default, auto, shows in pg_stat_statements: plans = calls means it re-plans every
-- time; see README.md.)

\set ON_ERROR_STOP on
\pset pager off
\if :{?previous}
\set current false
\else
\set current true
\endif
\if :{?offset}
\else
\set offset 500
\endif

-- ---- AccessPolicy fragments, with :caller = $1 and :admin = $2 ----
\set CALLER_GROUPS 'SELECT group_id FROM group_members WHERE user_id = $1 AND role >= 2'
\if :current
\set GRANT_HELD '(g.user_id = $1 OR g.group_id = ANY (ARRAY(' :CALLER_GROUPS ')))'
\set PROJECT_SHARED 'p.owner_id <> $1 AND p.id = ANY (ARRAY(SELECT g.project_id FROM project_grants g WHERE ' :GRANT_HELD '))'
\else
\set GRANT_HELD '(g.user_id = $1 OR g.group_id IN (' :CALLER_GROUPS '))'
\set PROJECT_SHARED 'p.owner_id <> $1 AND p.id IN (SELECT g.project_id FROM project_grants g WHERE ' :GRANT_HELD ')'
\endif
\set PROJECT_READABLE '($2 OR p.is_public OR p.owner_id = $1 OR p.id IN (SELECT g.project_id FROM project_grants g WHERE ' :GRANT_HELD '))'
\set SAMPLE_SHARED 's.owner_id <> $1 AND (s.project_id IN (SELECT id FROM projects WHERE owner_id = $1) OR s.project_id IN (SELECT g.project_id FROM project_grants g WHERE ' :GRANT_HELD ') OR s.id IN (SELECT g.sample_id FROM sample_grants g WHERE ' :GRANT_HELD '))'
-- AccessPolicy.SHARED_SAMPLE_KEYS (current); SAMPLE_SHARED above is the previous sampleSharedWithCaller
\set SHARED_SAMPLE_KEYS 'SELECT s.id, s.created FROM samples s WHERE s.owner_id <> $1 AND s.project_id = ANY (ARRAY(SELECT id FROM projects WHERE owner_id = $1 UNION SELECT g.project_id FROM project_grants g WHERE ' :GRANT_HELD ')) UNION SELECT s.id, s.created FROM samples s WHERE s.owner_id <> $1 AND s.id = ANY (ARRAY(SELECT g.sample_id FROM sample_grants g WHERE ' :GRANT_HELD '))'
\set SAMPLE_LEVEL 'CASE WHEN $2 OR s.owner_id = $1 THEN 4 ELSE GREATEST(CASE WHEN p.owner_id = $1 THEN 3 ELSE 0 END, (SELECT coalesce(max(g.permission), 0) FROM sample_grants g WHERE g.sample_id = s.id AND ' :GRANT_HELD '), (SELECT coalesce(max(g.permission), 0) FROM project_grants g WHERE g.project_id = s.project_id AND ' :GRANT_HELD '), CASE WHEN p.is_public THEN 1 ELSE 0 END) END'

-- ---- Samples and Projects constants ----
\set SAMPLES_FROM 'FROM samples s LEFT JOIN projects p ON p.id = s.project_id LEFT JOIN sample_types st ON st.id = s.sample_type_id JOIN users u ON u.id = s.owner_id'
\set SAMPLE_ITEM_COLUMNS 's.id, s.name, s.organism_id, st.name AS sample_type, s.created, CASE WHEN ' :PROJECT_READABLE ' THEN p.id END AS project_id, p.name AS project_name, u.id AS owner_id, u.username AS owner_username'
\set PROJECT_COLUMNS 'p.id, p.name, p.description, p.organism_id, p.is_public, p.created, u.id AS owner_id, u.username AS owner_username, (SELECT count(*) FROM samples s WHERE s.project_id = p.id) AS sample_count'

-- every request: the authenticated caller (Authenticator)
PREPARE auth_user(bigint) AS
SELECT id, username, is_admin, can_run_pipelines FROM users WHERE id = $1;

\if :current
-- GET /samples/owned and /samples/shared: Samples.listKeys (count, then the page over the keys alone)
PREPARE samples_owned_count(bigint, boolean) AS
SELECT count(*) FROM (SELECT s.id, s.created FROM samples s WHERE s.owner_id = $1) k;
PREPARE samples_owned_page(bigint, boolean) AS
SELECT :SAMPLE_ITEM_COLUMNS :SAMPLES_FROM WHERE s.id IN (SELECT k.id FROM (SELECT s.id, s.created FROM samples s WHERE s.owner_id = $1) k
    ORDER BY k.created DESC, k.id DESC LIMIT 20 OFFSET 0) ORDER BY s.created DESC, s.id DESC;
PREPARE samples_shared_count(bigint, boolean) AS
SELECT count(*) FROM (:SHARED_SAMPLE_KEYS) k;
PREPARE samples_shared_page(bigint, boolean) AS
SELECT :SAMPLE_ITEM_COLUMNS :SAMPLES_FROM WHERE s.id IN (SELECT k.id FROM (:SHARED_SAMPLE_KEYS) k
    ORDER BY k.created DESC, k.id DESC LIMIT 20 OFFSET 0) ORDER BY s.created DESC, s.id DESC;
-- GET /projects/...: Projects.list, the page's sample_count after LIMIT/OFFSET, both written into the SQL
PREPARE projects_owned_page(bigint, boolean) AS
SELECT :PROJECT_COLUMNS FROM (SELECT p.* FROM projects p WHERE p.owner_id = $1 ORDER BY p.created DESC, p.id DESC LIMIT 20 OFFSET 0) p
JOIN users u ON u.id = p.owner_id ORDER BY p.created DESC, p.id DESC;
PREPARE projects_shared_page(bigint, boolean) AS
SELECT :PROJECT_COLUMNS FROM (SELECT p.* FROM projects p WHERE :PROJECT_SHARED ORDER BY p.created DESC, p.id DESC LIMIT 20 OFFSET 0) p
JOIN users u ON u.id = p.owner_id ORDER BY p.created DESC, p.id DESC;
PREPARE projects_public_page(bigint, boolean) AS
SELECT :PROJECT_COLUMNS FROM (SELECT p.* FROM projects p WHERE p.is_public ORDER BY p.created DESC, p.id DESC LIMIT 20 OFFSET 0) p
JOIN users u ON u.id = p.owner_id ORDER BY p.created DESC, p.id DESC;
PREPARE projects_public_mid(bigint, boolean) AS
SELECT :PROJECT_COLUMNS FROM (SELECT p.* FROM projects p WHERE p.is_public ORDER BY p.created DESC, p.id DESC LIMIT 20 OFFSET :offset) p
JOIN users u ON u.id = p.owner_id ORDER BY p.created DESC, p.id DESC;
\else
-- previous: GET /samples/owned and /samples/shared: Samples.list
PREPARE samples_owned_count(bigint, boolean) AS
SELECT count(*) FROM samples s WHERE s.owner_id = $1;
PREPARE samples_owned_page(bigint, boolean, int, int) AS
SELECT :SAMPLE_ITEM_COLUMNS :SAMPLES_FROM WHERE s.owner_id = $1 ORDER BY s.created DESC, s.id DESC LIMIT $3 OFFSET $4;
PREPARE samples_shared_count(bigint, boolean) AS
SELECT count(*) FROM samples s WHERE :SAMPLE_SHARED;
PREPARE samples_shared_page(bigint, boolean, int, int) AS
SELECT :SAMPLE_ITEM_COLUMNS :SAMPLES_FROM WHERE :SAMPLE_SHARED ORDER BY s.created DESC, s.id DESC LIMIT $3 OFFSET $4;
-- previous: GET /projects/...: Projects.list
PREPARE projects_owned_page(bigint, boolean, int, int) AS
SELECT :PROJECT_COLUMNS FROM projects p JOIN users u ON u.id = p.owner_id WHERE p.owner_id = $1
ORDER BY p.created DESC, p.id DESC LIMIT $3 OFFSET $4;
PREPARE projects_shared_page(bigint, boolean, int, int) AS
SELECT :PROJECT_COLUMNS FROM projects p JOIN users u ON u.id = p.owner_id WHERE :PROJECT_SHARED
ORDER BY p.created DESC, p.id DESC LIMIT $3 OFFSET $4;
PREPARE projects_public_page(bigint, boolean, int, int) AS
SELECT :PROJECT_COLUMNS FROM projects p JOIN users u ON u.id = p.owner_id WHERE p.is_public
ORDER BY p.created DESC, p.id DESC LIMIT $3 OFFSET $4;
\endif
PREPARE projects_owned_count(bigint, boolean) AS
SELECT count(*) FROM projects p WHERE p.owner_id = $1;
PREPARE projects_shared_count(bigint, boolean) AS
SELECT count(*) FROM projects p WHERE :PROJECT_SHARED;
PREPARE projects_public_count AS
SELECT count(*) FROM projects p WHERE p.is_public;

-- GET /samples/{id}: AccessPolicy.level(SAMPLE), then Samples.detail
PREPARE sample_level(bigint, boolean, bigint) AS
SELECT :SAMPLE_LEVEL FROM samples s LEFT JOIN projects p ON p.id = s.project_id WHERE s.id = $3;
PREPARE sample_detail(bigint, boolean, bigint) AS
SELECT :SAMPLE_ITEM_COLUMNS, src.name AS source, pt.name AS purification_target, s.condition, s.replicate_group,
       s.metadata::text AS metadata :SAMPLES_FROM
LEFT JOIN sample_sources src ON src.id = s.source_id LEFT JOIN purification_targets pt ON pt.id = s.purification_target_id
WHERE s.id = $3;

\if :current
\echo '================ SQL of the current code (71259fa) ================'
\else
\echo '================ SQL before 71259fa (-v previous=1) ================'
\endif
\echo '================ caller' :caller ', sample' :sample ', public offset' :offset '================'

\set E 'EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)'

-- warm the caches, so that both plan modes below see the same cache state
\o /dev/null
\if :current
EXECUTE samples_shared_count(:caller, false);
EXECUTE samples_shared_page(:caller, false);
\else
EXECUTE samples_shared_count(:caller, false);
EXECUTE samples_shared_page(:caller, false, 20, 0);
\endif
\o

SET plan_cache_mode = force_custom_plan;
\echo '######## plan_cache_mode = force_custom_plan'
\ir explain-each.sql
SET plan_cache_mode = force_generic_plan;
\echo '######## plan_cache_mode = force_generic_plan'
\ir explain-each.sql
RESET plan_cache_mode;
