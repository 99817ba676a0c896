-- Fills a fresh Flow database for the listings benchmark (bench/listings/run.sh):
--   1,000 users, 200 groups, 10,000 projects (~10% public), 1,000,000 samples, and grants spread among them.
--
--   psql -v seed=lb0001 -f bench/listings/fill.sql ...
--
-- :seed is a user signed up through the API (POST /signup); the 999 other users get a copy of its
-- password hash, so they all log in with the seed's password. The bench users are named lb0001..lb1000
-- (lb0001 is the seed). Everything is deterministic (setseed) apart from the ids the database hands out.
--
-- Shape, per user on average:
--   10 projects (random owner), ~1,000 samples owned;
--   member of 3 groups (role: 90% member, 5% group admin, 5% invited = no access);
--   5 direct project grants, and 3 groups x 5 project grants  -> ~20 projects shared with them;
--   20 direct sample grants, and 3 groups x 20 sample grants;
--   ~100 samples that others put into their projects (10% of a project's samples belong to someone else).
-- So "shared with me" is ~2,200 samples and ~20 projects for a typical user.
--
-- Rows are inserted in order of creation time, as a live server would have written them (ids and the
-- heap's physical order both follow `created`).
--
-- Refuses to run unless the seed is the only user and there are no projects or samples yet.

\set ON_ERROR_STOP on
\timing on

DO $$
BEGIN
    IF (SELECT count(*) FROM users) <> 1 OR EXISTS (SELECT 1 FROM projects) OR EXISTS (SELECT 1 FROM samples)
       OR EXISTS (SELECT 1 FROM groups) THEN
        RAISE EXCEPTION 'fill.sql wants a fresh database holding only the seed user';
    END IF;
END $$;

SELECT setseed(0.4242);

-- The embedded PostgreSQL runs with synchronous_commit = off; a VACUUM straight after an asynchronous commit
-- marks almost no page all-visible (no index-only scans then), so this session commits synchronously.
SET synchronous_commit = on;
SET maintenance_work_mem = '512MB';
SET work_mem = '256MB';

BEGIN;

-- ---- users ----
INSERT INTO users (username, email, password_hash, first_name, last_name, created)
SELECT 'lb' || lpad(n::text, 4, '0'), 'lb' || lpad(n::text, 4, '0') || '@bench.invalid',
       (SELECT password_hash FROM users WHERE lower(username) = lower(:'seed')),
       'Bench', 'User ' || n, now() - interval '4 years'
FROM generate_series(2, 1000) n;
UPDATE users SET username = 'lb0001' WHERE lower(username) = lower(:'seed') AND :'seed' <> 'lb0001';

CREATE TEMP TABLE bu AS
SELECT substr(username, 3)::int AS n, id FROM users WHERE username ~ '^lb[0-9]{4}$';
CREATE UNIQUE INDEX ON bu (n);

-- ---- groups: 200, and each user in 3 of them ----
INSERT INTO groups (name, slug, description, created)
SELECT 'Bench group ' || n, 'lb-group-' || n, 'benchmark group', now() - interval '4 years'
FROM generate_series(1, 200) n;

CREATE TEMP TABLE bg AS SELECT substr(slug, 10)::int AS n, id FROM groups WHERE slug ~ '^lb-group-[0-9]+$';
CREATE UNIQUE INDEX ON bg (n);

INSERT INTO group_members (group_id, user_id, role)
SELECT bg.id, bu.id, CASE WHEN r < 0.90 THEN 2 WHEN r < 0.95 THEN 3 ELSE 1 END
FROM (SELECT u, ((u * 7 + k * 67) % 200) + 1 AS g, random() AS r
      FROM generate_series(1, 1000) u, generate_series(0, 2) k) m
JOIN bu ON bu.n = m.u JOIN bg ON bg.n = m.g;

-- ---- projects: 10,000, random owners, ~10% public, created over the last 3 years ----
CREATE TEMP TABLE vocab AS
SELECT (SELECT array_agg(id ORDER BY id) FROM organisms) AS organisms,
       (SELECT array_agg(id ORDER BY id) FROM sample_types) AS types,
       (SELECT array_agg(id ORDER BY id) FROM sample_sources) AS sources,
       (SELECT array_agg(id ORDER BY id) FROM purification_targets) AS targets;

CREATE TEMP TABLE pp AS
SELECT n, 1 + floor(random() * 1000)::int AS owner_n, random() < 0.10 AS is_public,
       1 + floor(random() * 12)::int AS organism_i,
       now() - random() * interval '3 years' AS created
FROM generate_series(1, 10000) n;

INSERT INTO projects (name, description, organism_id, is_public, owner_id, created)
SELECT 'Bench project ' || pp.n, 'Project ' || pp.n || ' of the listings benchmark', v.organisms[pp.organism_i],
       pp.is_public, bu.id, pp.created
FROM pp JOIN bu ON bu.n = pp.owner_n CROSS JOIN vocab v
ORDER BY pp.created, pp.n;

CREATE TEMP TABLE bp AS
SELECT substr(name, 15)::int AS n, id, owner_id, created, organism_id FROM projects WHERE name ~ '^Bench project [0-9]+$';
CREATE UNIQUE INDEX ON bp (n);
ANALYZE bu; ANALYZE bg; ANALYZE bp;

-- ---- samples: 1,000,000; 98% in a project (uniform, ~100 each), 90% of those owned by the project's owner ----
-- Building the indexes afterwards is several times faster than maintaining them row by row (the trigram GIN
-- index above all): drop samples' indexes, except those behind constraints, and create them again from their
-- saved definitions, whatever the migrations made them.
CREATE TEMP TABLE saved_indexes AS
SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = current_schema() AND i.tablename = 'samples'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I', i.indexname)::regclass);
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT indexname FROM saved_indexes LOOP EXECUTE format('DROP INDEX %I', r.indexname); END LOOP;
END $$;

INSERT INTO samples (name, project_id, owner_id, organism_id, sample_type_id, source_id, purification_target_id,
                     condition, replicate_group, metadata, created)
SELECT 'S' || lpad(g.n::text, 7, '0') || '_' || (ARRAY['liver', 'brain', 'heart', 'kidney', 'lung', 'blood', 'skin', 'hela'])[1 + g.n % 8],
       bp.id,
       CASE WHEN bp.id IS NOT NULL AND g.r_owner < 0.90 THEN bp.owner_id ELSE bu.id END,
       coalesce(bp.organism_id, v.organisms[1 + g.n % 12]),
       v.types[1 + g.n % 5], v.sources[1 + g.n % 7], v.targets[1 + g.n % 7],
       (ARRAY['control', 'treated', 'knockdown', ''])[1 + g.n % 4], 'rep' || (1 + g.n % 3),
       jsonb_build_object('batch', (g.n % 50)::text),
       coalesce(bp.created, now() - interval '3 years') + g.r_time * (now() - coalesce(bp.created, now() - interval '3 years'))
FROM (SELECT n, CASE WHEN random() < 0.98 THEN 1 + floor(random() * 10000)::int END AS pn,
             1 + floor(random() * 1000)::int AS un, random() AS r_owner, random() AS r_time
      FROM generate_series(1, 1000000) n) g
LEFT JOIN bp ON bp.n = g.pn
JOIN bu ON bu.n = g.un
CROSS JOIN vocab v
ORDER BY 11;

DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT indexdef FROM saved_indexes LOOP EXECUTE r.indexdef; END LOOP;
END $$;

-- ---- project grants: 5 per user (to projects they do not own), 5 per group ----
INSERT INTO project_grants (project_id, user_id, permission)
SELECT DISTINCT ON (bu.id, bp.id) bp.id, bu.id, 1 + floor(random() * 3)::int
FROM (SELECT u, 1 + floor(random() * 10000)::int AS pn FROM generate_series(1, 1000) u, generate_series(1, 5) k) x
JOIN bu ON bu.n = x.u JOIN bp ON bp.n = x.pn
WHERE bp.owner_id <> bu.id;

INSERT INTO project_grants (project_id, group_id, permission)
SELECT DISTINCT ON (bg.id, bp.id) bp.id, bg.id, 1 + floor(random() * 3)::int
FROM (SELECT g, 1 + floor(random() * 10000)::int AS pn FROM generate_series(1, 200) g, generate_series(1, 5) k) x
JOIN bg ON bg.n = x.g JOIN bp ON bp.n = x.pn;

-- ---- sample grants: 20 per user (to samples they do not own), 20 per group ----
CREATE TEMP TABLE sid AS SELECT min(id) AS lo, max(id) AS hi FROM samples;

INSERT INTO sample_grants (sample_id, user_id, permission)
SELECT DISTINCT ON (bu.id, s.id) s.id, bu.id, 1 + floor(random() * 3)::int
FROM (SELECT u, random() AS r FROM generate_series(1, 1000) u, generate_series(1, 20) k) x
CROSS JOIN sid
JOIN bu ON bu.n = x.u
JOIN samples s ON s.id = sid.lo + floor(x.r * (sid.hi - sid.lo + 1))::bigint
WHERE s.owner_id <> bu.id;

INSERT INTO sample_grants (sample_id, group_id, permission)
SELECT DISTINCT ON (bg.id, s.id) s.id, bg.id, 1 + floor(random() * 3)::int
FROM (SELECT g, random() AS r FROM generate_series(1, 200) g, generate_series(1, 20) k) x
CROSS JOIN sid
JOIN bg ON bg.n = x.g
JOIN samples s ON s.id = sid.lo + floor(x.r * (sid.hi - sid.lo + 1))::bigint;

COMMIT;

-- Sets the visibility map too (index-only scans), as autovacuum would have done on a live server.
VACUUM (ANALYZE) users, groups, group_members, projects, samples, project_grants, sample_grants;

SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM groups) AS groups,
       (SELECT count(*) FROM group_members) AS memberships, (SELECT count(*) FROM projects) AS projects,
       (SELECT count(*) FROM projects WHERE is_public) AS public_projects, (SELECT count(*) FROM samples) AS samples,
       (SELECT count(*) FROM project_grants) AS project_grants, (SELECT count(*) FROM sample_grants) AS sample_grants;
