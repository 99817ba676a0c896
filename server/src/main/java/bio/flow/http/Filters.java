package bio.flow.http;

import bio.flow.search.SearchKey;
import bio.flow.search.SearchText;
import bio.flow.search.Trigrams;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * The query-string filters that listings and searches share: {@code filter} (text) and {@code organism}, read and
 * matched here only, so that {@code GET /samples/owned?filter=} and {@code GET /samples/search?filter=} agree.
 */
public final class Filters {
    private Filters() {}

    /** The {@code filter} text, bound as {@code :text} for {@link #textMatches}; empty when absent or blank. */
    public static Optional<String> text(Context ctx) {
        String raw = ctx.queryParam("filter");
        if (raw == null || raw.isBlank()) return Optional.empty();
        if (raw.length() > SearchText.MAX_LENGTH) throw ApiException.invalid("filter", "must be at most " + SearchText.MAX_LENGTH + " characters");
        return Optional.of(raw.strip());
    }

    /**
     * SQL condition: one of the names whose search keys are given (stored key columns, e.g. {@code s.name_key})
     * matches the {@code :text} filter, which is {@code text}: it contains the filter's letters and digits in that
     * order, whatever their case and the spaces and punctuation between them ({@link SearchText}). The trigram index
     * of each column is asked for the text's trigrams that are rare there ({@link Trigrams}).
     */
    public static String textMatches(Trigrams trigrams, String text, SearchKey.Column... columns) {
        StringBuilder sql = new StringBuilder("(");
        for (int i = 0; i < columns.length; i++) {
            if (i > 0) sql.append(" OR ");
            sql.append(SearchText.contains(columns[i].sql(), "text", trigrams.lookups(columns[i].key(), text)));
        }
        return sql.append(")").toString();
    }

    /** The {@code organism} filter (an organism's id), bound as {@code :organism}; empty when absent or blank. */
    public static Optional<String> organism(Context ctx) {
        String raw = ctx.queryParam("organism");
        return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(raw.strip().toLowerCase(java.util.Locale.ROOT));
    }
}
