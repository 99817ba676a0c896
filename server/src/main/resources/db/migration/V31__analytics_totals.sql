-- GET /analytics without counting a heavy user's objects on every request (bench/analytics: 99,000 samples and
-- 345,000 data records of one owner took ~230 ms a request to count and sum, 81,590 uploads of the last 30 days 15 ms).

-- What each user owns, kept by the triggers below in the transaction of every change: samples, projects, executions,
-- and the bytes of their data that is ready. A user with no row owns nothing.
CREATE TABLE user_totals (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    samples    BIGINT NOT NULL DEFAULT 0,
    projects   BIGINT NOT NULL DEFAULT 0,
    executions BIGINT NOT NULL DEFAULT 0,
    data_bytes BIGINT NOT NULL DEFAULT 0
);

-- The same per day (UTC) of the objects' creation, for "the last 30 days": the executions a user owns, and the bytes
-- of their ready data not made by an execution (uploaded or imported). A day with no row has none.
CREATE TABLE user_days (
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day            DATE   NOT NULL,
    executions     BIGINT NOT NULL DEFAULT 0,
    uploaded_bytes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day)
);

-- Adds a statement's change to a total: TG_ARGV[0] the table (user_totals, user_days), [1] its column, [2] how much a
-- changed row counts (an SQL expression on it). Statement-level, from the transition tables, so that a bulk insert or
-- a cascading delete writes each total once; in key order, so that two transactions changing the same owners lock
-- their rows in the same order. A total that does not change is not written.
CREATE FUNCTION user_totals_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    target text := TG_ARGV[0];
    col    text := TG_ARGV[1];
    amount text := TG_ARGV[2];
    keys   text := CASE target WHEN 'user_days' THEN 'user_id, day' ELSE 'user_id' END;
    ofrow  text := CASE target WHEN 'user_days' THEN 'owner_id AS user_id, CAST(created AT TIME ZONE ''UTC'' AS date) AS day'
                   ELSE 'owner_id AS user_id' END;
    rows   text := CASE TG_OP
        WHEN 'INSERT' THEN format('SELECT %s, %s AS n FROM new_rows', ofrow, amount)
        WHEN 'DELETE' THEN format('SELECT %s, -(%s) AS n FROM old_rows', ofrow, amount)
        ELSE format('SELECT %1$s, %2$s AS n FROM new_rows UNION ALL SELECT %1$s, -(%2$s) FROM old_rows', ofrow, amount) END;
BEGIN
    EXECUTE format('INSERT INTO %1$I AS t (%2$s, %3$I) SELECT %2$s, sum(n)::bigint FROM (%4$s) c GROUP BY %2$s HAVING sum(n) <> 0 '
                   'ORDER BY %2$s ON CONFLICT (%2$s) DO UPDATE SET %3$I = t.%3$I + EXCLUDED.%3$I', target, keys, col, rows);
    RETURN NULL;
END $$;

-- Data counts while it is ready; "uploaded" is data not made by an execution.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES
            ('samples', 'samples_totals', 'user_totals', 'samples', '1'),
            ('projects', 'projects_totals', 'user_totals', 'projects', '1'),
            ('executions', 'executions_totals', 'user_totals', 'executions', '1'),
            ('executions', 'executions_days', 'user_days', 'executions', '1'),
            ('data', 'data_totals', 'user_totals', 'data_bytes', 'CASE WHEN status = ''ready'' THEN size ELSE 0 END'),
            ('data', 'data_days', 'user_days', 'uploaded_bytes', 'CASE WHEN status = ''ready'' AND execution_id IS NULL THEN size ELSE 0 END'))
            v (tab, name, target, col, amount) LOOP
        EXECUTE format('CREATE TRIGGER %2$s_insert AFTER INSERT ON %1$I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION user_totals_change(%3$L, %4$L, %5$L)', t.tab, t.name, t.target, t.col, t.amount);
        EXECUTE format('CREATE TRIGGER %2$s_update AFTER UPDATE ON %1$I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION user_totals_change(%3$L, %4$L, %5$L)', t.tab, t.name, t.target, t.col, t.amount);
        EXECUTE format('CREATE TRIGGER %2$s_delete AFTER DELETE ON %1$I REFERENCING OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION user_totals_change(%3$L, %4$L, %5$L)', t.tab, t.name, t.target, t.col, t.amount);
    END LOOP;
END $$;

-- Computes both tables again from the rows (by the rules of the triggers' amounts above): here for the rows that
-- exist, and for bulk fills that bypass the triggers (bench/search/fill-more.sql runs with session_replication_role
-- = replica).
CREATE FUNCTION user_totals_rebuild() RETURNS void LANGUAGE sql AS $$
DELETE FROM user_totals;
DELETE FROM user_days;
INSERT INTO user_totals (user_id, samples, projects, executions, data_bytes)
SELECT u.id, coalesce(s.n, 0), coalesce(p.n, 0), coalesce(e.n, 0), coalesce(d.n, 0)
FROM users u
LEFT JOIN (SELECT owner_id, count(*) AS n FROM samples GROUP BY owner_id) s ON s.owner_id = u.id
LEFT JOIN (SELECT owner_id, count(*) AS n FROM projects GROUP BY owner_id) p ON p.owner_id = u.id
LEFT JOIN (SELECT owner_id, count(*) AS n FROM executions GROUP BY owner_id) e ON e.owner_id = u.id
LEFT JOIN (SELECT owner_id, sum(size)::bigint AS n FROM data WHERE status = 'ready' GROUP BY owner_id) d ON d.owner_id = u.id
WHERE s.n IS NOT NULL OR p.n IS NOT NULL OR e.n IS NOT NULL OR d.n IS NOT NULL;

INSERT INTO user_days (user_id, day, executions, uploaded_bytes)
SELECT user_id, day, sum(executions)::bigint, sum(uploaded_bytes)::bigint
FROM (SELECT owner_id AS user_id, CAST(created AT TIME ZONE 'UTC' AS date) AS day, 1 AS executions, 0 AS uploaded_bytes FROM executions
      UNION ALL
      SELECT owner_id, CAST(created AT TIME ZONE 'UTC' AS date), 0, size FROM data WHERE status = 'ready' AND execution_id IS NULL) c
GROUP BY user_id, day;
$$;

SELECT user_totals_rebuild();

-- The recent activity's bounded reads (AnalyticsRoutes.recent): what the caller did, what was shared with them or
-- with their groups, newest first.
CREATE INDEX activity_actor ON activity (actor_id, at DESC, id DESC);
CREATE INDEX activity_for_user ON activity (for_user_id, at DESC, id DESC) WHERE for_user_id IS NOT NULL;
CREATE INDEX activity_for_group ON activity (for_group_id, at DESC, id DESC) WHERE for_group_id IS NOT NULL;
