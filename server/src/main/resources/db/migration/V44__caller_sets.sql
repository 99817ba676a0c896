-- The sets a search's permission condition (bio.flow.access.AccessPolicy, *Visible) tests rows against: the projects a
-- caller may read, and the samples, executions, data and projects granted to the caller or the caller's groups. They
-- were subqueries written out in every condition, and a search statement has up to a dozen of them (each rank of the
-- quick search, a data row's sample and execution): PostgreSQL planned each anew for every statement, 2 to 11 ms of
-- planning a statement on the bench data, as much as running it. A PL/pgSQL function is planned once per database
-- session and is opaque to the statement's planner: the statement plans one function call.
--
-- What they say is AccessPolicy's, and must stay in step with it: a grant is held directly or through a group in which
-- the caller's role is at least 2 (AccessPolicy.CALLER_GROUPS); public projects are readable by everyone. The caller
-- 0 is anonymous (no account has that id). SearchVisibilityTest checks the conditions against the policy's levels.
CREATE FUNCTION caller_readable_projects(caller BIGINT) RETURNS SETOF BIGINT LANGUAGE plpgsql STABLE ROWS 2000 AS $$
BEGIN
    -- three arms rather than one OR: the public ones are an index-only scan of projects_public_ids (V26)
    RETURN QUERY SELECT id FROM projects WHERE is_public
        UNION SELECT id FROM projects WHERE owner_id = caller
        UNION SELECT g.project_id FROM project_grants g
              WHERE g.user_id = caller OR g.group_id = ANY (ARRAY(SELECT group_id FROM group_members WHERE user_id = caller AND role >= 2));
END $$;

CREATE FUNCTION caller_granted_projects(caller BIGINT) RETURNS SETOF BIGINT LANGUAGE plpgsql STABLE ROWS 100 AS $$
BEGIN
    RETURN QUERY SELECT g.project_id FROM project_grants g
        WHERE g.user_id = caller OR g.group_id = ANY (ARRAY(SELECT group_id FROM group_members WHERE user_id = caller AND role >= 2));
END $$;

CREATE FUNCTION caller_granted_samples(caller BIGINT) RETURNS SETOF BIGINT LANGUAGE plpgsql STABLE ROWS 100 AS $$
BEGIN
    RETURN QUERY SELECT g.sample_id FROM sample_grants g
        WHERE g.user_id = caller OR g.group_id = ANY (ARRAY(SELECT group_id FROM group_members WHERE user_id = caller AND role >= 2));
END $$;

CREATE FUNCTION caller_granted_executions(caller BIGINT) RETURNS SETOF BIGINT LANGUAGE plpgsql STABLE ROWS 100 AS $$
BEGIN
    RETURN QUERY SELECT g.execution_id FROM execution_grants g
        WHERE g.user_id = caller OR g.group_id = ANY (ARRAY(SELECT group_id FROM group_members WHERE user_id = caller AND role >= 2));
END $$;

CREATE FUNCTION caller_granted_data(caller BIGINT) RETURNS SETOF BIGINT LANGUAGE plpgsql STABLE ROWS 100 AS $$
BEGIN
    RETURN QUERY SELECT g.data_id FROM data_grants g
        WHERE g.user_id = caller OR g.group_id = ANY (ARRAY(SELECT group_id FROM group_members WHERE user_id = caller AND role >= 2));
END $$;
