package bio.flow.search;

import java.util.regex.Pattern;

/**
 * How Flow matches text: on search keys, a name in lower case without ASCII spaces and punctuation, so that
 * {@code rna-seq}, {@code RNA seq} and {@code rnaseq} all find "RNA-seq Sample 1". The key is computed by the SQL
 * function {@code search_key} (migration V21), for the names and for the query alike (the names' keys are stored
 * beside them, V43: {@code name_key}, {@code filename_key}, {@code description_key}); this class only tells
 * whether a query has anything left to match once those characters are gone (the same ASCII ranges as V21).
 */
public final class SearchText {
    /** What search_key removes: every ASCII character but letters and digits. */
    private static final Pattern REMOVED = Pattern.compile("[\\x00-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]+");
    /** The longest query text taken, in characters. */
    public static final int MAX_LENGTH = 200;

    private SearchText() {}

    /** Whether the text has a character search_key keeps: without one, a query matches nothing. */
    public static boolean hasTerms(String text) {
        return !REMOVED.matcher(text).replaceAll("").isEmpty();
    }

    /** How many characters of the text search_key keeps (its letters and digits, and any non-ASCII character). */
    public static int termLength(String text) {
        String kept = REMOVED.matcher(text).replaceAll("");
        return kept.codePointCount(0, kept.length());
    }

    /**
     * SQL condition: the search key {@code key} (a column storing one, V43, or {@code search_key(...)} of a name)
     * contains the search key of the text bound as {@code :param}; false for a text with nothing to match (so that an
     * empty query finds nothing rather than everything). A trigram index on the key serves it: with custom plans the
     * pattern is a constant.
     */
    public static String contains(String key, String param) {
        return "(search_key(:" + param + ") <> '' AND " + key + " LIKE '%' || search_key(:" + param + ") || '%')";
    }
}
