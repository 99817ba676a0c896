package bio.flow.http;

import io.javalin.http.Context;
import java.util.Optional;

/** The query-string filters that listings share: {@code filter} (text) and {@code organism}. */
public final class Filters {
    private Filters() {}

    /** The {@code filter} text as an ILIKE pattern matching it anywhere, wildcards in it escaped; empty when absent. */
    public static Optional<String> text(Context ctx) {
        String raw = ctx.queryParam("filter");
        if (raw == null || raw.isBlank()) return Optional.empty();
        if (raw.length() > 200) throw ApiException.invalid("filter", "must be at most 200 characters");
        String escaped = raw.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return Optional.of("%" + escaped + "%");
    }

    public static Optional<String> organism(Context ctx) {
        String raw = ctx.queryParam("organism");
        return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(raw.strip().toLowerCase(java.util.Locale.ROOT));
    }
}
