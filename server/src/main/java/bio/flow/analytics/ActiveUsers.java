package bio.flow.analytics;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Records the days (UTC) on which each user made an authenticated request, for GET /dau and the groups'
 * {@code active_users}. The users already recorded today are kept in memory, so that only a user's first request of
 * the day (on this server) writes; the INSERT ignores a row another server process wrote first.
 */
public final class ActiveUsers {
    private record Day(LocalDate date, Set<Long> recorded) {}

    private final Jdbi jdbi;
    private volatile Day today = new Day(LocalDate.MIN, Set.of());

    public ActiveUsers(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Today, as analytics counts days: in UTC, whatever the server's or the database's time zone. */
    static LocalDate today() {
        return LocalDate.now(ZoneOffset.UTC);
    }

    /** The user made a request now. */
    public void seen(long userId) {
        Day day = day(today());
        if (!day.recorded().add(userId)) return;
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO user_activity_days (day, user_id) VALUES (:day, :user) ON CONFLICT DO NOTHING")
                    .bind("day", day.date()).bind("user", userId).execute());
        } catch (RuntimeException e) {
            day.recorded().remove(userId); // not recorded: the next request tries again
            throw e;
        }
    }

    /** Today's set, a new empty one when the date has changed since the last request. */
    private Day day(LocalDate date) {
        Day day = today;
        if (day.date().equals(date)) return day;
        synchronized (this) {
            if (!today.date().equals(date)) today = new Day(date, ConcurrentHashMap.newKeySet());
            return today;
        }
    }
}
