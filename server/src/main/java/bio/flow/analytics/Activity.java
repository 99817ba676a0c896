package bio.flow.analytics;

import bio.flow.access.Resource;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Handle;

/**
 * Records what happened in the activity log, on the handle of the transaction that made the change, so that an
 * entry exists exactly when its change was committed. Who may read an entry is decided when it is read
 * ({@link AnalyticsRoutes}), from the object it is about.
 */
public final class Activity {
    /** What happened; stored (and answered) as its lower-case name. */
    public enum Action {
        DATA_UPLOADED, SAMPLE_CREATED, PROJECT_CREATED, EXECUTION_STARTED, EXECUTION_COMPLETED, EXECUTION_FAILED, SHARED_WITH_YOU;

        String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private Activity() {}

    /** The actor did something to the object. */
    public static void record(Handle h, long actor, Action action, Resource kind, long objectId, String details) {
        recordAll(h, actor, action, kind, List.of(objectId), List.of(details));
    }

    /** The actor did the same thing to many objects (an annotation import creates thousands): one entry each, in one statement. */
    public static void recordAll(Handle h, long actor, Action action, Resource kind, List<Long> objectIds, List<String> details) {
        insert(h, actor, action, kind, objectIds, details, null, null);
    }

    /** The actor shared the object with a user ({@code holderColumn} user_id) or a group (group_id). */
    public static void shared(Handle h, long actor, Resource kind, long objectId, String holderColumn, long holder, String details) {
        boolean user = holderColumn.equals("user_id");
        insert(h, actor, Action.SHARED_WITH_YOU, kind, List.of(objectId), List.of(details), user ? holder : null, user ? null : holder);
    }

    /**
     * One entry per object, with the project the object is in (V35), and that project's last activity moved forward,
     * in one statement. The projects' rows are written in key order, so that two transactions recording activity in
     * the same projects lock them in the same order.
     */
    private static void insert(Handle h, long actor, Action action, Resource kind, List<Long> objectIds, List<String> details,
                               Long forUser, Long forGroup) {
        if (objectIds.isEmpty()) return;
        h.createUpdate("WITH entries AS (INSERT INTO activity (actor_id, action, object_kind, object_id, details, for_user_id, for_group_id, project_id) "
                        + "SELECT :actor, :action, :kind, x.object, x.details, CAST(:user AS BIGINT), CAST(:group AS BIGINT), "
                        + PROJECT_OF_OBJECT + " FROM unnest(:objects, :details) AS x(object, details) "
                        + "RETURNING project_id, at) "
                        + "INSERT INTO project_activity (project_id, last_at) "
                        + "SELECT project_id, max(at) FROM entries WHERE project_id IS NOT NULL GROUP BY project_id ORDER BY project_id "
                        + "ON CONFLICT (project_id) DO UPDATE SET last_at = GREATEST(project_activity.last_at, EXCLUDED.last_at)")
                .bind("actor", actor).bind("action", action.code()).bind("kind", kind.noun)
                .bindArray("objects", Long.class, objectIds).bindArray("details", String.class, details)
                .bind("user", forUser).bind("group", forGroup).execute();
    }

    /** SQL: the project that the object x.object of kind :kind is in (data: through its sample or the run that made it), or null. */
    private static final String PROJECT_OF_OBJECT = "CASE CAST(:kind AS TEXT) "
            + "WHEN 'project' THEN x.object "
            + "WHEN 'sample' THEN (SELECT s.project_id FROM samples s WHERE s.id = x.object) "
            + "WHEN 'data' THEN (SELECT coalesce(d.project_id, s.project_id, e.project_id) FROM data d "
            + "LEFT JOIN samples s ON s.id = d.sample_id LEFT JOIN executions e ON e.id = d.execution_id WHERE d.id = x.object) "
            + "WHEN 'execution' THEN (SELECT e.project_id FROM executions e WHERE e.id = x.object) END";
}
