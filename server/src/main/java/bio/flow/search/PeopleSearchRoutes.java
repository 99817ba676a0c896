package bio.flow.search;

import bio.flow.access.AccessPolicy;
import bio.flow.auth.Authenticator;
import bio.flow.auth.LoginThrottle;
import bio.flow.groups.GroupAccess;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Paging;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * GET /users/search and GET /groups/search: finding whom to share with, for signed-in users. They answer what
 * sharing needs (id, username or slug, display name) and never another user's email but to admins.
 *
 * <p>So that they cannot be used to list every account, a non-admin's text must have at least {@code minLength}
 * letters or digits (or be a whole email), an email matches only whole, and every search that reaches the
 * database counts towards {@code maxPerMinute} per account, both endpoints together, in the database
 * ({@link LoginThrottle#count}): past it, 429 with Retry-After.
 */
public final class PeopleSearchRoutes {
    /** The counter of the searches in login_failures (the throttles' table), keyed by account. */
    private static final String SCOPE = "people_search";
    /** The throttle's window: {@code maxPerMinute} searches in any minute. */
    public static final Duration WINDOW = Duration.ofMinutes(1);
    /** A whole email: something, one @, a domain with a dot; no spaces. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final Authenticator authenticator;
    private final Jdbi jdbi;
    private final LoginThrottle throttle;
    private final int maxPerMinute;
    private final int minLength;

    public PeopleSearchRoutes(Authenticator authenticator, Jdbi jdbi, LoginThrottle throttle, int maxPerMinute, int minLength) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
        this.throttle = throttle;
        this.maxPerMinute = maxPerMinute;
        this.minLength = minLength;
    }

    /**
     * email, is_admin and can_run_pipelines: only in an admin's answer (email then null when the account has none), so
     * that the admin pages can show a user's rights beside the search result.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record UserItem(long id, String username, String name, String email, Boolean is_admin, Boolean can_run_pipelines) {}

    record UserResults(List<UserItem> users) {}

    record GroupItem(long id, String slug, String name) {}

    record GroupResults(List<GroupItem> groups) {}

    /** A search asked for: the text (null: nothing to find), whether it is a whole email, and how many to answer. */
    private record Asked(String text, boolean email, int limit) {}

    /**
     * Users whose username or name contains the text (search keys: any case, any separators), or whose email is the
     * text when it is a whole email. Exact username (or the email) first, then usernames starting with it, then names
     * starting with it, then the rest; by username within each.
     */
    public void users(Context ctx) {
        Caller caller = authenticator.require(ctx);
        Asked asked = asked(ctx, caller, true);
        if (asked.text() == null) {
            ctx.json(new UserResults(List.of()));
            return;
        }
        String username = SearchText.contains("search_key(u.username)", "q");
        String name = SearchText.contains("search_key(u.first_name || u.last_name)", "q");
        List<UserItem> users = SearchListing.run(jdbi, h -> SearchListing.matching(h, "SELECT u.id, u.username, "
                        + "trim(u.first_name || ' ' || u.last_name) AS name, u.email, u.is_admin, u.can_run_pipelines FROM users u "
                        + "WHERE " + username + " OR " + name + " OR lower(u.email) = lower(:email) "
                        + "ORDER BY CASE WHEN lower(u.username) = lower(:q) OR lower(u.email) = lower(:email) THEN 0 "
                        + "WHEN search_key(u.username) LIKE search_key(:q) || '%' THEN 1 "
                        + "WHEN search_key(u.first_name || u.last_name) LIKE search_key(:q) || '%' THEN 2 ELSE 3 END, "
                        + "lower(u.username) LIMIT " + asked.limit())
                .bind("q", asked.text()).bind("email", asked.email() ? asked.text() : null)
                .map((rs, c) -> new UserItem(rs.getLong("id"), rs.getString("username"), rs.getString("name"),
                        caller.isAdmin() ? rs.getString("email") : null,
                        caller.isAdmin() ? rs.getBoolean("is_admin") : null,
                        caller.isAdmin() ? rs.getBoolean("can_run_pipelines") : null))
                .list());
        ctx.json(new UserResults(users));
    }

    /**
     * Groups the caller may see ({@link GroupAccess#canSeeSql}) whose name or slug contains the text. Exact slug or
     * name first, then those starting with it, then the rest; by name within each.
     */
    public void groups(Context ctx) {
        Caller caller = authenticator.require(ctx);
        Asked asked = asked(ctx, caller, false);
        if (asked.text() == null) {
            ctx.json(new GroupResults(List.of()));
            return;
        }
        List<GroupItem> groups = SearchListing.run(jdbi, h -> AccessPolicy.bindCaller(SearchListing.matching(h, "SELECT g.id, g.slug, g.name FROM groups g "
                        + "WHERE (" + SearchText.contains("search_key(g.name)", "q") + " OR " + SearchText.contains("search_key(g.slug)", "q") + ") AND "
                        + GroupAccess.canSeeSql("g") + " "
                        + "ORDER BY CASE WHEN search_key(g.slug) = search_key(:q) OR search_key(g.name) = search_key(:q) THEN 0 "
                        + "WHEN search_key(g.slug) LIKE search_key(:q) || '%' OR search_key(g.name) LIKE search_key(:q) || '%' THEN 1 "
                        + "ELSE 2 END, lower(g.name), g.id LIMIT " + asked.limit()), Optional.of(caller))
                .bind("q", asked.text())
                .map((rs, c) -> new GroupItem(rs.getLong("id"), rs.getString("slug"), rs.getString("name")))
                .list());
        ctx.json(new GroupResults(groups));
    }

    /**
     * Reads q and limit, refuses what may not be asked (400), and counts the search when it will reach the database
     * (429 past the limit). A blank text, or one without letters or digits, finds nothing and is not counted.
     */
    private Asked asked(Context ctx, Caller caller, boolean emails) {
        SearchParams.allowOnly(ctx, Set.of("q"));
        Paging paging = Paging.from(ctx);
        if (paging.offset() != 0) {
            throw ApiException.invalid("offset", "these searches answer their best matches only: make the text longer to find others");
        }
        String q = SearchParams.param(ctx, "q");
        if (q != null && q.length() > SearchText.MAX_LENGTH) {
            throw ApiException.invalid("q", "must be at most " + SearchText.MAX_LENGTH + " characters");
        }
        if (q == null || !SearchText.hasTerms(q)) return new Asked(null, false, paging.limit());
        boolean email = emails && EMAIL.matcher(q).matches();
        if (!caller.isAdmin() && !email && SearchText.termLength(q) < minLength) {
            throw ApiException.invalid("q", "must have at least " + minLength + " letters or digits"
                    + (emails ? " (or be a whole email)" : ""));
        }
        throttle.count(SCOPE, "user:" + caller.id(), maxPerMinute, WINDOW);
        return new Asked(q, email, paging.limit());
    }
}
