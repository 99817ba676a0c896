package bio.flow.search;

import bio.flow.http.ApiException;
import bio.flow.http.Paging;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Reading the filters of the search endpoints from the query string: each is checked here, and a bad one is a 400
 * naming the parameter. Absent or blank parameters are "no filter", but for whole numbers ({@link #id}, {@link #size}),
 * which must be numbers when given. The text filter and the organism are
 * {@link bio.flow.http.Filters}' (the same as the listings').
 */
public final class SearchParams {
    /**
     * How many results a search counts and pages through: the count stops there ({@code count_capped}), and a page
     * must end within them. Searches find things; a caller who wants more narrows the search. This bounds the work of
     * every search, anonymous ones included, whatever the offset asked for.
     */
    public static final int MAX_RESULTS = 1000;

    private SearchParams() {}

    /** The page asked for ({@link Paging}), which must end within the first {@link #MAX_RESULTS} results. */
    public static Paging paging(Context ctx) {
        Paging paging = Paging.from(ctx);
        if ((long) paging.offset() + paging.limit() > MAX_RESULTS) {
            throw ApiException.invalid("offset", "a search pages through its first " + MAX_RESULTS
                    + " results only (offset + limit must be at most " + MAX_RESULTS + "): narrow the search instead");
        }
        return paging;
    }

    /**
     * A time bound ({@code created_after}, {@code created_before}): an ISO date ({@code 2024-01-10}, midnight UTC
     * starting that day) or an ISO date and time with an offset ({@code 2024-01-10T10:00:00Z}).
     */
    public static Optional<Instant> time(Context ctx, String name) {
        String raw = param(ctx, name);
        if (raw == null) return Optional.empty();
        try {
            if (raw.length() == 10) return Optional.of(LocalDate.parse(raw).atStartOfDay(ZoneOffset.UTC).toInstant());
            return Optional.of(OffsetDateTime.parse(raw).toInstant());
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(name, "must be an ISO date (2024-01-10) or date and time with an offset (2024-01-10T10:00:00Z)");
        }
    }

    /** {@code created_after} and {@code created_before}; after must not be later than before. */
    public record Created(Optional<Instant> after, Optional<Instant> before) {
        public static Created from(Context ctx) {
            Created c = new Created(time(ctx, "created_after"), time(ctx, "created_before"));
            if (c.after.isPresent() && c.before.isPresent() && c.after.get().isAfter(c.before.get())) {
                throw ApiException.invalid("created_after", "must not be later than created_before");
            }
            return c;
        }

        /** SQL conditions on the column, bound as :created_after (inclusive) and :created_before (exclusive). */
        public String sql(String column) {
            return (after.isPresent() ? " AND " + column + " >= :created_after" : "") + (before.isPresent() ? " AND " + column + " < :created_before" : "");
        }

        public <S extends SqlStatement<S>> S bind(S q) {
            after.ifPresent(t -> q.bind("created_after", java.sql.Timestamp.from(t)));
            before.ifPresent(t -> q.bind("created_before", java.sql.Timestamp.from(t)));
            return q;
        }
    }

    /**
     * An id filter ({@code project}, {@code sample}, {@code pipeline}): a positive whole number. Given blank, it is a
     * 400 as for the other whole numbers (limit, offset), where openapi.yaml's integer refuses an empty value.
     */
    public static Optional<Long> id(Context ctx, String name) {
        String raw = number(ctx, name);
        if (raw == null) return Optional.empty();
        if (!raw.matches("[1-9]\\d{0,17}")) throw ApiException.invalid(name, "must be an id (a positive whole number)");
        return Optional.of(Long.parseLong(raw));
    }

    /** A size in bytes ({@code size_min}, {@code size_max}): a whole number, 0 or more (blank: 400, as for {@link #id}). */
    public static Optional<Long> size(Context ctx, String name) {
        String raw = number(ctx, name);
        if (raw == null) return Optional.empty();
        if (!raw.matches("\\d{1,18}")) throw ApiException.invalid(name, "must be a whole number of bytes, 0 or more");
        return Optional.of(Long.parseLong(raw));
    }

    /** A yes/no filter ({@code has_samples}, {@code has_data}): true or false. */
    public static Optional<Boolean> bool(Context ctx, String name) {
        String raw = param(ctx, name);
        if (raw == null) return Optional.empty();
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> Optional.of(true);
            case "false", "0", "no" -> Optional.of(false);
            default -> throw ApiException.invalid(name, "must be true or false");
        };
    }

    /**
     * A file name pattern ({@code pattern}): {@code *} stands for any characters and {@code ?} for one, the rest is
     * literal; matched on the whole name whatever the case ({@link FilePattern}).
     */
    public static Optional<FilePattern> filePattern(Context ctx, String name) {
        String raw = param(ctx, name);
        if (raw == null) return Optional.empty();
        if (raw.length() > SearchText.MAX_LENGTH) throw ApiException.invalid(name, "must be at most " + SearchText.MAX_LENGTH + " characters");
        StringBuilder like = new StringBuilder();
        List<String> runs = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        for (char c : raw.toCharArray()) {
            if (c == '*' || c == '?') {
                like.append(c == '*' ? '%' : '_');
                runs.add(run.toString());
                run.setLength(0);
                continue;
            }
            if (c == '%' || c == '_' || c == '\\') like.append('\\');
            like.append(c);
            run.append(c);
        }
        runs.add(run.toString());
        return Optional.of(new FilePattern(like.toString(), runs.stream().filter(SearchText::hasTerms).toList()));
    }

    /**
     * A file name pattern as ILIKE takes it ({@code like}, LIKE's own wildcards escaped), and its literal runs that
     * have search terms ({@code runs}, in order).
     *
     * <p>ILIKE lowercases every name it tests (~1.5 us a name here: a quarter of PostgreSQL's time in an unselective
     * pattern search on the bench data), so {@link #sql} tests two cheaper things first: the name's stored search key must contain the
     * keys of the literal runs in order (a matching name contains each run, and so its key each run's key), which
     * the key's trigram index can also serve; then a case-sensitive LIKE, which a name in the pattern's own case
     * passes without ILIKE (a name LIKE matches, ILIKE matches too).
     */
    public record FilePattern(String like, List<String> runs) {
        /** SQL condition: the column {@code name}, whose stored search key is {@code key}, matches :{@code param}. */
        public String sql(String name, String key, String param) {
            StringBuilder sql = new StringBuilder("(");
            if (!runs.isEmpty()) {
                sql.append(key).append(" LIKE '%'");
                for (int i = 0; i < runs.size(); i++) sql.append(" || search_key(:").append(param).append("_run").append(i).append(") || '%'");
                sql.append(" AND ");
            }
            return sql.append("(").append(name).append(" LIKE :").append(param).append(" OR ").append(name).append(" ILIKE :").append(param).append("))").toString();
        }

        /** Binds the parameters of {@link #sql}. */
        public <S extends SqlStatement<S>> S bind(S statement, String param) {
            statement.bind(param, like);
            for (int i = 0; i < runs.size(); i++) statement.bind(param + "_run" + i, runs.get(i));
            return statement;
        }
    }

    /** The query parameters every search takes: the page ({@link Paging}). */
    private static final Set<String> PAGING = Set.of("limit", "offset", "count", "page");

    /**
     * Refuses query parameters the search does not know (a 400 naming them and listing the known ones), so that a
     * misspelt filter is not silently ignored. {@code prefixes} admit families such as {@code metadata.<key>}.
     */
    public static void allowOnly(Context ctx, Collection<String> names, String... prefixes) {
        List<String> unknown = ctx.queryParamMap().keySet().stream()
                // A trailing or doubled & gives a parameter with no name: nothing was asked, so nothing to refuse.
                .filter(n -> !n.isEmpty() && !PAGING.contains(n) && !names.contains(n))
                .filter(n -> Arrays.stream(prefixes).noneMatch(n::startsWith))
                .sorted().toList();
        if (!unknown.isEmpty()) {
            List<String> known = new ArrayList<>(names);
            known.addAll(PAGING);
            for (String p : prefixes) known.add(p + "<key>");
            throw ApiException.invalid("unknown parameter" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + ": this search takes " + String.join(", ", known), Map.of("field", unknown.get(0), "unknown", unknown, "allowed", known));
        }
    }

    /** A whole-number parameter stripped; null when absent (blank is kept, for the caller to refuse). */
    private static String number(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        return raw == null ? null : raw.strip();
    }

    /** The parameter stripped; null when absent or blank. */
    public static String param(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        return raw == null || raw.isBlank() ? null : raw.strip();
    }
}
