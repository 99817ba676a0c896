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
        ctx.json(jdbi.inTransaction(h -> new Analytics(userStats(h, caller), groupStats(h, caller, today), recent(h, caller))));
    }

    /** What the caller owns; data counts when ready, and "uploaded" is data not made by an execution. */
    private static UserStats userStats(Handle h, Caller caller) {
        return h.createQuery("SELECT (SELECT count(*) FROM samples WHERE owner_id = :caller), "
                        + "(SELECT count(*) FROM projects WHERE owner_id = :caller), "
                        + "(SELECT count(*) FROM executions WHERE owner_id = :caller), "
                        + "(SELECT coalesce(sum(size), 0) FROM data WHERE owner_id = :caller AND status = 'ready'), "
                        + "(SELECT count(*) FROM executions WHERE owner_id = :caller AND created >= now() - interval '30 days'), "
                        + "(SELECT coalesce(sum(size), 0) FROM data WHERE owner_id = :caller AND status = 'ready' AND execution_id IS NULL "
                        + "AND created >= now() - interval '30 days')")
                .bind("caller", caller.id())
                .map((rs, c) -> new UserStats(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4) / BYTES_PER_GB,
                        rs.getLong(5), rs.getLong(6) / BYTES_PER_GB))
                .one();
    }

    /**
     * By slug, the groups the caller is a member of (invited users are not yet): the samples and executions their
     * members own (counts only), and how many members were active in the last 30 days.
     */
    private static Map<String, GroupStats> groupStats(Handle h, Caller caller, LocalDate today) {
        String members = "SELECT m.user_id FROM group_members m WHERE m.group_id = g.id AND m.role >= 2";
        Map<String, GroupStats> stats = new LinkedHashMap<>();
        h.createQuery("SELECT g.slug, (SELECT count(*) FROM samples WHERE owner_id IN (" + members + ")), "
                        + "(SELECT count(*) FROM executions WHERE owner_id IN (" + members + ")), "
                        + "(SELECT count(DISTINCT a.user_id) FROM user_activity_days a WHERE a.user_id IN (" + members + ") "
                        + "AND a.day > CAST(:today AS date) - 30) "
                        + "FROM groups g WHERE g.id = ANY (ARRAY(" + AccessPolicy.CALLER_GROUPS + ")) ORDER BY g.slug")
                .bind("caller", caller.id()).bind("today", today)
                .map((rs, c) -> Map.entry(rs.getString(1), new GroupStats(rs.getLong(2), rs.getLong(3), rs.getLong(4))))
                .forEach(e -> stats.put(e.getKey(), e.getValue()));
        return stats;
    }

    /**
     * The latest entries about things the caller may read now (the access policy decides, so that activity on a
     * private object is never shown to a stranger, and a deleted object's entries go with it); an entry addressed to
     * someone (something shared with them) only to them, or to the members of the group it was shared with (but the
     * one who shared it).
     */
    private static List<Entry> recent(Handle h, Caller caller) {
        return AccessPolicy.bindCaller(h.createQuery("SELECT a.at, a.action, a.details, a.object_kind, a.object_id, u.username FROM activity a "
                                + "LEFT JOIN users u ON u.id = a.actor_id "
                                + "LEFT JOIN projects p ON a.object_kind = 'project' AND p.id = a.object_id "
                                + "LEFT JOIN samples s ON a.object_kind = 'sample' AND s.id = a.object_id "
                                + "LEFT JOIN data d ON a.object_kind = 'data' AND d.id = a.object_id "
                                + "LEFT JOIN executions e ON a.object_kind = 'execution' AND e.id = a.object_id "
                                + "WHERE (a.for_user_id IS NULL AND a.for_group_id IS NULL OR a.for_user_id = :caller "
                                + "OR a.for_group_id = ANY (ARRAY(" + AccessPolicy.CALLER_GROUPS + ")) AND a.actor_id IS DISTINCT FROM :caller) "
                                + "AND (p.id IS NOT NULL AND " + AccessPolicy.projectVisible("p")
                                + " OR s.id IS NOT NULL AND " + AccessPolicy.sampleVisible("s")
                                + " OR d.id IS NOT NULL AND " + AccessPolicy.dataVisible("d")
                                + " OR e.id IS NOT NULL AND " + AccessPolicy.executionVisible("e") + ") "
                                + "ORDER BY a.at DESC, a.id DESC LIMIT " + RECENT), Optional.of(caller))
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
