package bio.flow.http;

import io.javalin.http.Context;

/**
 * The page a listing asks for: {@code limit} rows (1..100, default 20) starting at row {@code offset}
 * (default 0). For compatibility the API also takes {@code count} (the same as limit) and a 1-based
 * {@code page}, which becomes {@code offset = (page - 1) * limit}; an explicit limit or offset wins over
 * its alias. A value that is not a whole number in range is a 400 naming the parameter: a limit above
 * 100 is refused rather than silently capped.
 *
 * <p>Listings bind {@link #limit} and {@link #offset} straight into their SQL ({@code LIMIT :limit OFFSET :offset}).
 */
public record Paging(int limit, int offset) {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    public Paging {
        if (limit < 1 || limit > MAX_LIMIT) throw ApiException.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        if (offset < 0) throw ApiException.invalid("offset", "must be 0 or more");
    }

    /** Reads limit/offset (or count/page) from the query string. */
    public static Paging from(Context ctx) {
        Integer limit = parse(ctx, "limit");
        String limitField = "limit";
        if (limit == null) {
            limit = parse(ctx, "count");
            limitField = "count";
        }
        if (limit == null) {
            limit = DEFAULT_LIMIT;
        } else if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.invalid(limitField, "must be between 1 and " + MAX_LIMIT);
        }

        Integer offset = parse(ctx, "offset");
        if (offset != null) {
            if (offset < 0) throw ApiException.invalid("offset", "must be 0 or more");
        } else {
            Integer page = parse(ctx, "page");
            if (page == null) {
                offset = 0;
            } else {
                if (page < 1) throw ApiException.invalid("page", "must be 1 or more (pages are numbered from 1)");
                long start = (long) (page - 1) * limit;
                if (start > Integer.MAX_VALUE) throw ApiException.invalid("page", "is too large");
                offset = (int) start;
            }
        }
        return new Paging(limit, offset);
    }

    /** The 1-based page this offset falls on, for answers that report a page number. */
    public int page() {
        return offset / limit + 1;
    }

    private static Integer parse(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null) return null;
        try {
            return Integer.valueOf(raw);
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, raw.matches("[+-]?\\d+") ? "is out of range" : "must be a whole number");
        }
    }
}
