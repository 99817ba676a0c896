package bio.flow.search;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
    /** What {@link #contains} writes into a statement as a trigram to look up. */
    private static final Pattern TRIGRAM = Pattern.compile("[a-z0-9]{3}");
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
        return contains(key, param, List.of());
    }

    /**
     * {@link #contains(String, String)}, the trigram index asked for {@code lookups} only (some of the text's
     * trigrams, {@link Trigrams#lookups}; none: the whole text), each row it finds then tested for the whole key.
     */
    public static String contains(String key, String param, List<String> lookups) {
        String text = "search_key(:" + param + ")";
        if (lookups.isEmpty()) return "(" + text + " <> '' AND " + key + " LIKE '%' || " + text + " || '%')";
        StringBuilder sql = new StringBuilder("(");
        for (String trigram : lookups) {
            // written into the statement (a custom plan sees constants anyway): three ASCII letters or digits only
            if (!TRIGRAM.matcher(trigram).matches()) throw new IllegalArgumentException("not a trigram of a search key: " + trigram);
            sql.append(key).append(" LIKE '%").append(trigram).append("%' AND ");
        }
        // strpos, not LIKE: a LIKE would be handed to the index too, with all the text's trigrams
        return sql.append("strpos(").append(key).append(", ").append(text).append(") > 0)").toString();
    }

    /**
     * {@link #contains(String, String, List)} with the trigrams bound rather than written in: the index is asked for
     * the patterns ({@link #lookupPattern}) bound to the parameters named {@code lookups}, so that the statement's
     * text does not depend on the text searched and one plan can serve them all; {@code query} is the SQL of the
     * text's search key. At least one lookup.
     */
    public static String containsBound(String key, String query, List<String> lookups) {
        if (lookups.isEmpty()) throw new IllegalArgumentException("a bound lookup needs at least one trigram");
        StringBuilder sql = new StringBuilder("(");
        for (String lookup : lookups) sql.append(key).append(" LIKE :").append(lookup).append(" AND ");
        return sql.append("strpos(").append(key).append(", ").append(query).append(") > 0)").toString();
    }

    /**
     * The text's search key as {@code search_key} computes it, when Java can tell: the text's characters that are
     * kept are all ASCII (letters in lower case and digits); empty otherwise (PostgreSQL's lower case of other
     * characters depends on its locale).
     */
    public static Optional<String> asciiKey(String text) {
        String kept = REMOVED.matcher(text).replaceAll("");
        for (int i = 0; i < kept.length(); i++) {
            if (kept.charAt(i) >= 0x80) return Optional.empty();
        }
        return Optional.of(kept.toLowerCase(Locale.ROOT));
    }

    /**
     * The least string greater than every string that starts with the ASCII search key {@code key} (not empty), in
     * code point and byte order alike: the key with its last character the next one ({@code liver} -> {@code lives}).
     */
    public static String prefixEnd(String key) {
        return key.substring(0, key.length() - 1) + (char) (key.charAt(key.length() - 1) + 1);
    }

    /** The LIKE pattern that asks a trigram index for the trigram: {@code %abc%}. */
    public static String lookupPattern(String trigram) {
        return "%" + trigram + "%";
    }
}
