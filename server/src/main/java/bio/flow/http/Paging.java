package bio.flow.http;

import io.javalin.http.Context;

/**
 * The page a listing asks for: {@code limit} rows (1..100, default 20) starting at row {@code offset}
 * (0..1,000,000,000, default 0). For compatibility the API also takes {@code count} (the same as limit) and a
 * 1-based {@code page} (1..10,000,000), which stands for {@code offset = (page - 1) * limit}. Every one of the
 * four given is checked, whichever else is given; a parameter and its alias may both be given only when they
 * agree (limit = count; offset = (page - 1) * limit), else it is a 400. A value that is not a whole number in
 * range is a 400 naming the parameter: a limit above 100 is refused rather than silently capped.
 *
 * <p>Listings ({@link Listing}) write the page into their SQL with {@link #sql}.
 */
public record Paging(int limit, int offset) {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;
    /** Caps that keep every offset, also (page - 1) * limit, far inside an int; openapi.yaml states them. */
    public static final int MAX_OFFSET = 1_000_000_000;
    public static final int MAX_PAGE = 10_000_000;

    public Paging {
        if (limit < 1 || limit > MAX_LIMIT) throw ApiException.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        if (offset < 0 || offset > MAX_OFFSET) throw ApiException.invalid("offset", "must be between 0 and " + MAX_OFFSET);
    }

    /** Reads limit/offset (or count/page) from the query string. */
    public static Paging from(Context ctx) {
        Integer limit = parse(ctx, "limit", 1, MAX_LIMIT);
        Integer count = parse(ctx, "count", 1, MAX_LIMIT);
        Integer offset = parse(ctx, "offset", 0, MAX_OFFSET);
        Integer page = parse(ctx, "page", 1, MAX_PAGE);
        if (limit != null && count != null && !limit.equals(count)) {
            throw ApiException.invalid("count", "is an alias of limit and must not differ from it (limit=" + limit + ", count=" + count + ")");
        }
        int size = limit != null ? limit : count != null ? count : DEFAULT_LIMIT;
        Integer fromPage = page == null ? null : (page - 1) * size;
        if (offset != null && fromPage != null && !offset.equals(fromPage)) {
            throw ApiException.invalid("page", "disagrees with offset (page " + page + " of " + size + " starts at offset " + fromPage + ", not " + offset + ")");
        }
        int start = offset != null ? offset : fromPage != null ? fromPage : 0;
        return new Paging(size, start);
    }

    /**
     * {@code LIMIT n OFFSET m}, for the SQL of a listing. Written into the SQL rather than bound as parameters (the
     * constructor checked they are whole numbers in range): with LIMIT as a parameter, inside IN (...) or a subquery,
     * PostgreSQL never settles on a generic plan and plans the statement again on every execution.
     */
    public String sql() {
        return "LIMIT " + limit + " OFFSET " + offset;
    }

    /** The 1-based page this offset falls on, for answers that report a page number. */
    public int page() {
        return offset / limit + 1;
    }

    /** The parameter as a whole number between min and max; null when absent. */
    private static Integer parse(Context ctx, String name, int min, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null) return null;
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            if (!raw.matches("[+-]?\\d+")) throw ApiException.invalid(name, "must be a whole number");
            value = raw.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        if (value < min || value > max) {
            throw ApiException.invalid(name, name.equals("page") && value < 1 ? "must be 1 or more (pages are numbered from 1)"
                    : "must be between " + min + " and " + max);
        }
        return (int) value;
    }
}
