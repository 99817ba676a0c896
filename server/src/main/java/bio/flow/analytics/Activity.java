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

    private static void insert(Handle h, long actor, Action action, Resource kind, List<Long> objectIds, List<String> details,
                               Long forUser, Long forGroup) {
        if (objectIds.isEmpty()) return;
        h.createUpdate("INSERT INTO activity (actor_id, action, object_kind, object_id, details, for_user_id, for_group_id) "
                        + "SELECT :actor, :action, :kind, x.object, x.details, CAST(:user AS BIGINT), CAST(:group AS BIGINT) "
                        + "FROM unnest(:objects, :details) AS x(object, details)")
                .bind("actor", actor).bind("action", action.code()).bind("kind", kind.noun)
                .bindArray("objects", Long.class, objectIds).bindArray("details", String.class, details)
                .bind("user", forUser).bind("group", forGroup).execute();
    }
}
