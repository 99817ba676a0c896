package bio.flow.search;

import bio.flow.access.AccessPolicy;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * {@code GET /search?q=&limit=}: the samples, projects, executions and ready data whose names (a data file's file
 * name) or, for projects, descriptions match the query, {@code limit} of each kind, each readable by the caller.
 *
 * <p>Matching is on search keys ({@link SearchText}). Within a kind, results are ranked, newest first within a rank:
 * <ol>
 *   <li>exact: the name's key is the query's key;</li>
 *   <li>prefix: the name's key starts with the query's key;</li>
 *   <li>word: the query's key is the key of a run of up to 8 whole words of the name, words being the runs of
 *       characters that search keys keep ({@code seq sample} and {@code Sample} in "RNA-seq Sample 1", not
 *       {@code ample}): {@code search_word_runs} (V22);</li>
 *   <li>substring: the name's key contains the query's key anywhere else;</li>
 *   <li>description: the name does not match but the description's key contains the query's key (projects only:
 *       the other kinds have no description).</li>
 * </ol>
 * The four kinds are read by one statement ({@link #statement}) whose parts read each kind's matches, each part at
 * most {@link #CANDIDATES} times {@code limit} of them, so that an unselective query never ranks all its matches.
 * A name with trigrams that few names share ({@link Trigrams}) is found through them, all its matches at once, the
 * exact and prefix ones first; otherwise the ranks are read apart: exact and prefix matches through the stored keys'
 * btree indexes (V43), the others through the keys' trigram indexes or, for a text that many names contain, the
 * (created DESC, id DESC) index. Either way the word and substring ranks are read together: a name where the query
 * is a whole word but older than the newest names that contain it is not ranked (ranking them all would read every
 * name that contains a common text). The parts divide the matches between them, so the parts' matches are the
 * kind's matches, counted up to what one part reads ({@code count_capped} beyond).
 * {@code total_count} is the sum of the counts of the four kinds.
 */
public final class QuickSearch {
    public static final int DEFAULT_LIMIT = 10;
    public static final int MAX_LIMIT = 100;

    /**
     * How many matches of each rank a kind reads, per result asked for: the word and substring ranks are chosen among
     * that many of the newest names that contain the query, and the kind's matches are counted up to it.
     */
    private static final int CANDIDATES = 10;

    /** One result: what the reference answers for every kind. */
    public record Result(long id, String name, String type, String url) {}

    public record Results(List<Result> samples, List<Result> projects, List<Result> executions, List<Result> data) {}

    /** The matches of each kind, counted up to {@link #CANDIDATES} times {@code limit}. */
    public record Counts(long samples, long projects, long executions, long data) {}

    public record Answer(Results results, long total_count, String query, Counts counts, boolean count_capped) {}

    /** A match as the statement reads it: its kind, and the part of the statement that read it. */
    private record Match(Kind kind, Result result, int part) {}

    /**
     * A kind of result: its name column and stored search key (V43; the key's table is the kind's, aliased
     * {@code x}), description's search key if any, and visibility.
     */
    private enum Kind {
        SAMPLE("x.name", SearchKey.SAMPLE_NAME, null, AccessPolicy.sampleVisible("x"), "sample", "/samples/"),
        PROJECT("x.name", SearchKey.PROJECT_NAME, SearchKey.PROJECT_DESCRIPTION, AccessPolicy.projectVisible("x"), "project", "/projects/"),
        EXECUTION("x.name", SearchKey.EXECUTION_NAME, null, AccessPolicy.executionVisible("x"), "execution", "/executions/"),
        DATA("x.filename", SearchKey.DATA_FILENAME, null, "x.status = 'ready' AND " + AccessPolicy.dataVisible("x"), "data", "/data/");

        final String name, visible, type, url;
        final SearchKey nameKey, descriptionKey;

        Kind(String name, SearchKey nameKey, SearchKey descriptionKey, String visible, String type, String url) {
            this.name = name;
            this.nameKey = nameKey;
            this.descriptionKey = descriptionKey;
            this.visible = visible;
            this.type = type;
            this.url = url;
        }

        /**
         * SQL: the parts that read the kind's matches, each row with the kind ({@code kind}, its ordinal), its rank
         * ({@code rank}) and which part read it ({@code part}, 0 to 3). The query's key is {@code search_key(:q)};
         * each part reads at most {@code :read} rows.
         * <ul>
         *   <li>A name key with rare trigrams ({@link Trigrams#lookups}): one part (0) finds every name that contains
         *       the query through those trigrams (bound by {@code statement}), and reads {@code :read} of them: the
         *       exact, then the prefix, then the other matches, newest first within each. All of them are found
         *       first (the subquery's {@code OFFSET 0}): at most what the rarest trigram finds, and never a walk of
         *       the newest rows, which a generic plan (one for every text, {@link Statement#generic}) might choose.</li>
         *   <li>Otherwise, three parts read at most {@code :read} of each rank, the word and substring ranks sharing
         *       theirs: exact (0) and prefix (1) through the key's btree index, the others (2) through the trigram
         *       index or, when many names contain the query, by walking the newest rows; planned for the text.</li>
         *   <li>Projects' descriptions (3) likewise: through rare trigrams and all found first, or planned for the
         *       text.</li>
         * </ul>
         */
        void write(Writer statement, String q, Trigrams trigrams) {
            String query = "search_key(:q)";
            String key = nameKey.of("x").sql();
            List<String> parts = statement.parts;
            List<String> nameLookups = statement.bound(nameKey, trigrams.lookups(nameKey, q));
            if (!nameLookups.isEmpty()) {
                String exactOrPrefix = "CASE WHEN x.key = " + query + " THEN 0 WHEN starts_with(x.key, " + query + ") THEN 1";
                parts.add(allFound(0, exactOrPrefix + " WHEN search_word_runs(x.name) @> ARRAY[" + query + "] THEN 2 ELSE 3 END",
                        exactOrPrefix + " ELSE 2 END, ", SearchText.containsBound(key, "q", nameLookups)));
            } else {
                String prefix = key + " LIKE " + query + " || '%'";
                parts.add(part(0, "0", key + " = " + query));
                parts.add(part(1, "1", prefix + " AND " + key + " <> " + query));
                // whole words (rank 2) before substrings (3) among the newest names that contain the query
                parts.add(part(2, "CASE WHEN search_word_runs(" + name + ") @> ARRAY[" + query + "] THEN 2 ELSE 3 END",
                        SearchText.contains(key, "q") + " AND NOT " + prefix));
            }
            if (descriptionKey != null) {
                String description = descriptionKey.of("x").sql();
                String nameMisses = "strpos(" + key + ", " + query + ") = 0";
                List<String> descriptionLookups = statement.bound(descriptionKey, trigrams.lookups(descriptionKey, q));
                parts.add(descriptionLookups.isEmpty()
                        ? part(3, "4", SearchText.contains(description, "q") + " AND " + nameMisses)
                        : allFound(3, "4", "", SearchText.containsBound(description, "q", descriptionLookups) + " AND " + nameMisses));
            }
        }

        /** A part that reads the newest rows matching, walking the (created DESC, id DESC) index if the plan says so. */
        private String part(int part, String rank, String condition) {
            return "(SELECT " + ordinal() + " AS kind, x.id, " + name + " AS name, x.created, " + rank + " AS rank, " + part + " AS part FROM " + nameKey.table
                    + " x WHERE " + condition + " AND " + visible + " ORDER BY x.created DESC, x.id DESC LIMIT :read)";
        }

        /**
         * A part that finds every row matching (a bounded number: a rare trigram's), then reads {@code :read} of them
         * in the order {@code order} then newest first; {@code rank} and {@code order} see the row as {@code x.id},
         * {@code x.name}, {@code x.created} and {@code x.key} (its name's key).
         */
        private String allFound(int part, String rank, String order, String condition) {
            return "(SELECT " + ordinal() + " AS kind, x.id, x.name, x.created, " + rank + " AS rank, " + part + " AS part FROM (SELECT x.id, "
                    + name + " AS name, x.created, " + nameKey.of("x").sql() + " AS key FROM " + nameKey.table + " x WHERE " + condition
                    + " AND " + visible + " OFFSET 0) x ORDER BY " + order + "x.created DESC, x.id DESC LIMIT :read)";
        }
    }

    /**
     * The quick search's one statement for a text: its SQL, the trigram patterns it binds (parameter to pattern), and
     * whether it may be planned once for every text ({@code generic}: PostgreSQL's generic plan, kept by each
     * connection, instead of planning it for each text). Planning the statement cost as much as running it for a
     * rare name (13 parts, each with the permission conditions: 3-6 ms on the bench data). It is generic when every
     * part finds its rows through rare trigrams: a plan that does not know the text still reads them so, and the
     * statement's text is then the same for every text and limit (one plan per connection). A text with no rare
     * trigram in some kind is planned for its values ({@link SearchListing#matching}), as whether to walk the newest
     * rows depends on how many names contain it.
     */
    record Statement(String sql, Map<String, String> lookups, boolean generic) {}

    /**
     * The statement: every kind's matches, by kind, in rank order, newest first within a rank. One statement for the
     * four kinds, so that the caller's permission sets ({@link AccessPolicy#CALLER_SETS}) are made once for all the
     * parts (1-2 ms each time on the bench data).
     */
    static Statement statement(String q, Trigrams trigrams) {
        Writer statement = new Writer();
        for (Kind kind : Kind.values()) kind.write(statement, q, trigrams);
        String sql = AccessPolicy.CALLER_SETS + "SELECT kind, id, name, part FROM (" + String.join(" UNION ALL ", statement.parts)
                + ") m ORDER BY kind, rank, created DESC, id DESC";
        return new Statement(sql, Map.copyOf(statement.lookups), !statement.planForText);
    }

    /** The statement as the kinds write it: its parts, the trigram patterns they bind, whether one needs its own plan. */
    private static final class Writer {
        final List<String> parts = new ArrayList<>();
        final Map<String, String> lookups = new LinkedHashMap<>();
        boolean planForText;

        /**
         * Names the trigrams' patterns as parameters ({@code sample_name_0}, ...), and returns the names; no trigram
         * (the key is looked up whole) means a part that needs a plan for the text. There are always
         * {@link Trigrams#MAX_LOOKUPS} of them, the rarest repeated (a trigram index reads a repeated one once), so
         * that the statement planned once is one text: each connection keeps one plan, whatever the texts.
         */
        List<String> bound(SearchKey key, List<String> trigrams) {
            if (trigrams.isEmpty()) {
                planForText = true;
                return List.of();
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < Trigrams.MAX_LOOKUPS; i++) {
                String parameter = key.name().toLowerCase(Locale.ROOT) + "_" + i;
                lookups.put(parameter, SearchText.lookupPattern(i < trigrams.size() ? trigrams.get(i) : trigrams.get(0)));
                names.add(parameter);
            }
            return names;
        }
    }

    private final Jdbi jdbi;
    private final Trigrams trigrams;

    public QuickSearch(Jdbi jdbi, Trigrams trigrams) {
        this.jdbi = jdbi;
        this.trigrams = trigrams;
    }

    public Answer search(Context ctx, Optional<Caller> caller) {
        SearchParams.allowOnly(ctx, Set.of("q"));
        for (String paging : List.of("offset", "page", "count")) {
            if (ctx.queryParam(paging) != null) {
                throw ApiException.invalid(paging, "the quick search has no pages: limit is the number of results of each kind");
            }
        }
        int limit = limit(ctx);
        String query = ctx.queryParam("q") == null ? "" : ctx.queryParam("q");
        if (query.length() > SearchText.MAX_LENGTH) throw ApiException.invalid("q", "must be at most " + SearchText.MAX_LENGTH + " characters");
        if (query.indexOf('\0') >= 0) throw ApiException.invalid("q", "must not contain NUL characters");
        if (!SearchText.hasTerms(query)) {
            // nothing to match: an empty query finds nothing rather than everything
            return new Answer(new Results(List.of(), List.of(), List.of(), List.of()), 0, query, new Counts(0, 0, 0, 0), false);
        }
        int read = CANDIDATES * limit;
        Statement statement = statement(query, trigrams);
        return SearchListing.run(jdbi, h -> {
            Query select = statement.generic() ? SearchListing.planOnce(h, statement.sql()) : SearchListing.matching(h, statement.sql());
            Map<Kind, List<Match>> byKind = AccessPolicy.bindCaller(select, caller).bind("q", query).bind("read", read).bindMap(statement.lookups())
                    .map((rs, c) -> {
                        Kind kind = Kind.values()[rs.getInt("kind")];
                        return new Match(kind, new Result(rs.getLong("id"), rs.getString("name"), kind.type,
                                kind.url + rs.getLong("id") + "/"), rs.getInt("part"));
                    })
                    .collect(Collectors.groupingBy(Match::kind, () -> new EnumMap<>(Kind.class), Collectors.toList()));
            List<List<Result>> found = new ArrayList<>();
            long[] counts = new long[Kind.values().length];
            boolean capped = false;
            for (Kind kind : Kind.values()) {
                List<Match> matches = byKind.getOrDefault(kind, List.of());
                List<Result> results = matches.stream().limit(limit).map(Match::result).toList();
                // A part that read all it may has more matches: the count is then capped at what one part reads.
                boolean full = matches.stream().collect(Collectors.groupingBy(Match::part, Collectors.counting()))
                        .values().stream().anyMatch(n -> n == read);
                capped |= full;
                counts[kind.ordinal()] = full ? read : matches.size();
                found.add(results);
            }
            return new Answer(new Results(found.get(0), found.get(1), found.get(2), found.get(3)),
                    counts[0] + counts[1] + counts[2] + counts[3], query,
                    new Counts(counts[0], counts[1], counts[2], counts[3]), capped);
        });
    }

    /** {@code limit}: the results of each kind, 1 to {@link #MAX_LIMIT}, {@link #DEFAULT_LIMIT} when absent. */
    private static int limit(Context ctx) {
        String raw = ctx.queryParam("limit");
        if (raw == null) return DEFAULT_LIMIT;
        if (!raw.matches("\\d{1,3}") || Integer.parseInt(raw) < 1 || Integer.parseInt(raw) > MAX_LIMIT) {
            throw ApiException.invalid("limit", "must be a whole number between 1 and " + MAX_LIMIT + " (the results of each kind)");
        }
        return Integer.parseInt(raw);
    }
}
