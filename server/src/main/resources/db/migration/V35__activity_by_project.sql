-- Recent activity in the caller's own and shared projects, however busy the rest of the site (AnalyticsRoutes.recent):
-- each entry notes the project its object was in when it was written, and each project when its last entry was.

-- The project of the entry's object when the entry was written: a hint for choosing which entries to look at, not a
-- reference (who may read an entry is still decided by its object, and a sample moved since keeps its old entries
-- under its old project); so no foreign key, whose ON DELETE would rewrite a deleted project's whole history.
ALTER TABLE activity ADD COLUMN project_id BIGINT;

UPDATE activity a SET project_id = CASE a.object_kind
    WHEN 'project' THEN a.object_id
    WHEN 'sample' THEN (SELECT s.project_id FROM samples s WHERE s.id = a.object_id)
    WHEN 'data' THEN (SELECT coalesce(d.project_id, s.project_id, e.project_id) FROM data d
                      LEFT JOIN samples s ON s.id = d.sample_id LEFT JOIN executions e ON e.id = d.execution_id
                      WHERE d.id = a.object_id)
    WHEN 'execution' THEN (SELECT e.project_id FROM executions e WHERE e.id = a.object_id)
END;

CREATE INDEX activity_project ON activity (project_id, at DESC, id DESC) WHERE project_id IS NOT NULL;

-- When each project's newest entry was written, kept by Activity in the statement that writes the entries: the
-- caller's most recently active projects are then read from their keys, without a probe of each project's entries.
CREATE TABLE project_activity (
    project_id BIGINT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    last_at    TIMESTAMPTZ NOT NULL
);

INSERT INTO project_activity (project_id, last_at)
SELECT a.project_id, max(a.at) FROM activity a JOIN projects p ON p.id = a.project_id GROUP BY a.project_id;
