package bio.flow.analytics;

import bio.flow.access.AccessPolicy;
import bio.flow.auth.Authenticator;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /analytics}: the caller's own totals, their groups' and the recent activity they may see;
 * {@code GET /dau}: daily, weekly and monthly active users, for administrators. Days are UTC days.
 */
public final class AnalyticsRoutes {
    /** How many activity entries /analytics lists. */
    static final int RECENT = 20;
    private static final double BYTES_PER_GB = 1e9;

    private final Authenticator authenticator;
    private final Jdbi jdbi;

    public AnalyticsRoutes(Authenticator authenticator, Jdbi jdbi) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
    }

    public record UserStats(long total_samples, long total_projects, long total_executions, double total_data_gb,
                            long executions_last_30_days, double data_uploaded_last_30_days_gb) {}

    public record GroupStats(long total_samples, long total_executions, long active_users) {}

    /** user: who did it, null when their account is gone. */
    public record Entry(Instant timestamp, String action, String details, String object_type, long object_id, String user) {}

    public record Analytics(UserStats user_stats, Map<String, GroupStats> group_stats, List<Entry> recent_activity) {}

    public record Trends(Double dau_change_percent, Double wau_change_percent, Double mau_change_percent) {}

    public record Dau(LocalDate date, long daily_active_users, long weekly_active_users, long monthly_active_users,
                      long new_users_today, Trends trends) {}

    public void analytics(Context ctx) {
        Caller caller = authenticator.require(ctx);
        LocalDate today = ActiveUsers.today();
        ctx.json(jdbi.inTransaction(h -> {
            // Generic plans: the recent-activity statement carries the access policy's conditions and took longer to
            // plan (4-8 ms alone, 20 ms under load) than to run (1-2 ms, bench/analytics). Once the driver prepares a
            // statement on its connection (at its 5th use there), its one plan is reused whoever the caller.
            h.createQuery("SELECT set_config('plan_cache_mode', 'force_generic_plan', true)").mapTo(String.class).one();
            return new Analytics(userStats(h, caller, today), groupStats(h, caller, today), recent(h, caller));
        }));
    }

    /**
     * What the caller owns, and the executions and uploaded data (not made by an execution) of the last 30 days
     * (today and the 29 before, UTC), from the totals the database keeps (V31 user_totals, user_days: data counts
     * while it is ready).
     */
    static final String USER_STATS = "SELECT coalesce(t.samples, 0), coalesce(t.projects, 0), coalesce(t.executions, 0), coalesce(t.data_bytes, 0), "
            + "(SELECT coalesce(sum(executions), 0) FROM user_days WHERE user_id = c.id AND day > CAST(:today AS date) - 30), "
            + "(SELECT coalesce(sum(uploaded_bytes), 0) FROM user_days WHERE user_id = c.id AND day > CAST(:today AS date) - 30) "
            + "FROM (SELECT CAST(:caller AS bigint) AS id) c LEFT JOIN user_totals t ON t.user_id = c.id";

    private static UserStats userStats(Handle h, Caller caller, LocalDate today) {
        return h.createQuery(USER_STATS)
                .bind("caller", caller.id()).bind("today", today)
                .map((rs, c) -> new UserStats(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4) / BYTES_PER_GB,
                        rs.getLong(5), rs.getLong(6) / BYTES_PER_GB))
                .one();
    }

    /**
     * By slug, the groups the caller is a member of (invited users are not yet): the samples and executions their
     * members own (their totals), and how many members were active in the last 30 days.
     */
    static final String GROUP_STATS = "SELECT g.slug, coalesce(sum(t.samples), 0), coalesce(sum(t.executions), 0), "
            + "count(*) FILTER (WHERE EXISTS (SELECT 1 FROM user_activity_days a WHERE a.user_id = m.user_id AND a.day > CAST(:today AS date) - 30)) "
            + "FROM groups g JOIN group_members m ON m.group_id = g.id AND m.role >= 2 LEFT JOIN user_totals t ON t.user_id = m.user_id "
            + "WHERE g.id = ANY (ARRAY(" + AccessPolicy.CALLER_GROUPS + ")) GROUP BY g.id, g.slug ORDER BY g.slug";

    private static Map<String, GroupStats> groupStats(Handle h, Caller caller, LocalDate today) {
        Map<String, GroupStats> stats = new LinkedHashMap<>();
        h.createQuery(GROUP_STATS)
                .bind("caller", caller.id()).bind("today", today)
                .map((rs, c) -> Map.entry(rs.getString(1), new GroupStats(rs.getLong(2), rs.getLong(3), rs.getLong(4))))
                .forEach(e -> stats.put(e.getKey(), e.getValue()));
        return stats;
    }

    /** The newest entries of the whole log read by {@link #RECENT_SQL}: the bound of its read (see there). */
    static final int SITE_WINDOW = 200;

    /**
     * The latest entries about things the caller may read now (the access policy decides, so that activity on a
     * private object is never shown to a stranger, and a deleted object's entries go with it); an entry addressed to
     * someone (something shared with them) only to them, or to the members of the group it was shared with (but the
     * one who shared it).
     * <p>
     * Bounded: the candidates are the site's newest {@link #SITE_WINDOW} entries, the newest {@link #SITE_WINDOW}
     * of what the caller did, of what was shared with them and of what was shared with each of their groups (each an
     * index range, V31), and the newest {@link #RECENT} entries of each of the {@link #RECENT} projects the caller owns
     * or holds a grant on that were active last (V35: project_activity's keys, then an index range each; the newest
     * {@link #RECENT} entries of all those projects are among them). An entry older than those (someone else's work on
     * a public thing, or on a sample or run shared one by one, when more than SITE_WINDOW entries happened on the site
     * since) is not shown: without the bound, a caller who may read little of a large log (after someone's bulk
     * upload, say) had it read and checked entry by entry, newest first, until 20 readable ones: 270 ms alone,
     * seconds under load (bench/analytics). A product decision, documented in openapi.yaml.
     */
    static final String RECENT_SQL = AccessPolicy.CALLER_SETS + "SELECT a.at, a.action, a.details, a.object_kind, a.object_id, (SELECT username FROM users WHERE id = a.actor_id) "
            // the candidates newest first (OFFSET 0: sorted before the checks), so that the checks below stop at the 20th
            + "FROM (SELECT * FROM ((SELECT * FROM activity ORDER BY at DESC, id DESC LIMIT " + SITE_WINDOW + ") "
            + "UNION (SELECT * FROM activity WHERE actor_id = :caller ORDER BY at DESC, id DESC LIMIT " + SITE_WINDOW + ") "
            + "UNION (SELECT * FROM activity WHERE for_user_id = :caller ORDER BY at DESC, id DESC LIMIT " + SITE_WINDOW + ") "
            + "UNION (SELECT w.* FROM unnest(ARRAY(" + AccessPolicy.CALLER_GROUPS + ")) cg (id) CROSS JOIN LATERAL ("
            + "SELECT * FROM activity WHERE for_group_id = cg.id ORDER BY at DESC, id DESC LIMIT " + SITE_WINDOW + ") w) "
            + "UNION (SELECT w.* FROM (SELECT pa.project_id FROM project_activity pa WHERE pa.project_id = ANY (ARRAY("
            + AccessPolicy.CALLER_PROJECTS + ")) ORDER BY pa.last_at DESC LIMIT " + RECENT + ") cp CROSS JOIN LATERAL ("
            + "SELECT * FROM activity WHERE project_id = cp.project_id ORDER BY at DESC, id DESC LIMIT " + RECENT + ") w)) c "
            + "ORDER BY at DESC, id DESC OFFSET 0) a "
            + "WHERE (a.for_user_id IS NULL AND a.for_group_id IS NULL OR a.for_user_id = :caller "
            + "OR a.for_group_id = ANY (ARRAY(" + AccessPolicy.CALLER_GROUPS + ")) AND a.actor_id IS DISTINCT FROM :caller) "
            // each entry's object looked up by primary key (OFFSET 0 keeps each EXISTS a lookup, see AccessPolicy.dataVisible)
            + "AND CASE a.object_kind "
            + "WHEN 'project' THEN EXISTS (SELECT 1 FROM projects p WHERE p.id = a.object_id AND " + AccessPolicy.projectVisible("p") + " OFFSET 0) "
            + "WHEN 'sample' THEN " + AccessPolicy.sampleOfRowVisible("a.object_id") + " "
            + "WHEN 'data' THEN EXISTS (SELECT 1 FROM data d WHERE d.id = a.object_id AND " + AccessPolicy.dataVisible("d") + " OFFSET 0) "
            + "WHEN 'execution' THEN EXISTS (SELECT 1 FROM executions e WHERE e.id = a.object_id AND " + AccessPolicy.executionVisible("e") + " OFFSET 0) "
            + "END "
            + "LIMIT " + RECENT;

    private static List<Entry> recent(Handle h, Caller caller) {
        return AccessPolicy.bindCaller(h.createQuery(RECENT_SQL), Optional.of(caller))
                .map((rs, c) -> new Entry(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), rs.getString(6)))
                .list();
    }

    public void dau(Context ctx) {
        Caller caller = authenticator.require(ctx);
        if (!caller.isAdmin()) throw ApiException.forbidden("only administrators may see the active users");
        LocalDate today = ActiveUsers.today();
        ctx.json(jdbi.withHandle(h -> h.createQuery("SELECT "
                        + "count(*) FILTER (WHERE day = t.d), "
                        + "count(*) FILTER (WHERE day = t.d - 1), "
                        + "count(DISTINCT user_id) FILTER (WHERE day > t.d - 7), "
                        + "count(DISTINCT user_id) FILTER (WHERE day <= t.d - 7 AND day > t.d - 14), "
                        + "count(DISTINCT user_id) FILTER (WHERE day > t.d - 30), "
                        + "count(DISTINCT user_id) FILTER (WHERE day <= t.d - 30), "
                        + "(SELECT count(*) FROM users WHERE created >= CAST(t.d AS timestamp) AT TIME ZONE 'UTC') "
                        + "FROM (SELECT CAST(:today AS date) AS d) t "
                        + "LEFT JOIN user_activity_days ON day > t.d - 60 AND day <= t.d GROUP BY t.d")
                .bind("today", today)
                .map((rs, c) -> new Dau(today, rs.getLong(1), rs.getLong(3), rs.getLong(5), rs.getLong(7),
                        new Trends(change(rs.getLong(1), rs.getLong(2)), change(rs.getLong(3), rs.getLong(4)), change(rs.getLong(5), rs.getLong(6)))))
                .one()));
    }

    /** The change from {@code previous} to {@code current} in percent, to one decimal; null when there was nobody before. */
    static Double change(long current, long previous) {
        return previous == 0 ? null : Math.round((current - previous) * 1000.0 / previous) / 10.0;
    }
}
