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
 *       {@code ample}): {@code search_is_word_run} (V47);</li>
 *   <li>substring: the name's key contains the query's key anywhere else;</li>
 *   <li>description: the name does not match but the description's key contains the query's key (projects only:
 *       the other kinds have no description).</li>
 * </ol>
 * The four kinds are read by one statement ({@link #statement}) whose parts read each kind's matches, so that an
 * unselective query never ranks all its matches: each part reads at most {@link #CANDIDATES} times {@code limit}
 * matches through an index, or {@link #WALKED_CANDIDATES} times {@code limit} by walking the newest rows. How each
 * key column is read depends on what {@link Trigrams}' sample says of the text ({@link Way}): through the text's rare
 * trigrams, all its matches at once, exact and prefix first; by walking the newest rows when many names hold the text
 * inside them (the few that are or start with it through the btree index, V43); or as PostgreSQL's estimates for the
 * text choose. The word and substring ranks are read together: a name where the query is a whole word but older
 * than the newest names that contain it is not ranked (ranking them all would read every name that contains a
 * common text). The parts divide the matches between them: a kind's count is the matches its parts read (at most
 * {@link #CANDIDATES} times {@code limit}), and {@code count_capped} says that a part read all it may.
 * {@code total_count} is the sum of the counts of the four kinds.
 */
public final class QuickSearch {
    public static final int DEFAULT_LIMIT = 10;
    public static final int MAX_LIMIT = 100;

    /**
     * How many matches a kind reads through its indexes (exact and prefix matches, or all its matches when found
     * through rare trigrams), per result asked for; the kind's matches are counted up to it.
     */
    private static final int CANDIDATES = 10;

    /**
     * How many of the newest names that contain the query (neither as the whole name nor at its start) a kind reads
     * when they are not all found at once (walked or planned for the text), per result asked for: the word rank is
     * put before the substring rank among them. Each one read costs a walk past the names that do not match or that
     * the caller may not read: for a text in 1 in 8 names, ~65 rows each for a caller who may read 12% of them
     * (bench/search), and a second per result cost a quick search for such a text ~30% of its throughput.
     */
    private static final int WALKED_CANDIDATES = 1;

    /**
     * The share of a kind's names, in {@link Trigrams}' sample, that must contain a text inside them for the kind's
     * matches to be read by walking the newest rows in a plan made once ({@link Way#WALK}): the walk then reads
     * about {@code 1 / share} rows per match the caller may read.
     */
    private static final double WALK_SHARE = 0.01;

    /**
     * The share of a kind's names, in the sample, that may be or start with a text whose matches are walked: those
     * are read through the btree index (V43) and sorted, at most this share of the rows.
     */
    private static final double LOOKUP_SHARE = 0.001;

    /** One result: what the reference answers for every kind. */
    public record Result(long id, String name, String type, String url) {}

    public record Results(List<Result> samples, List<Result> projects, List<Result> executions, List<Result> data) {}

    /** The matches of each kind, counted up to what its parts read and at most {@link #CANDIDATES} times {@code limit}. */
    public record Counts(long samples, long projects, long executions, long data) {}

    public record Answer(Results results, long total_count, String query, Counts counts, boolean count_capped) {}

    /** A match as the statement reads it: its kind, and the part of the statement that read it and how many it may. */
    private record Match(Kind kind, Result result, int part, int cap) {}

    /**
     * How a key column's matches are read, from what {@link Trigrams}' sample says of the text.
     * <ul>
     *   <li>{@code LOOKUP}: the text has rare trigrams, which find every row that holds it (at most what the rarest
     *       one finds, <= 1% of the rows).</li>
     *   <li>{@code WALK}: many names hold the text inside them and few are it or start with it: those few through
     *       the btree index, the others by walking the newest rows.</li>
     *   <li>{@code PLANNED}: neither (no sample, a text that is not ASCII, or in between): PostgreSQL's estimates
     *       for the text choose.</li>
     * </ul>
     */
    private enum Way { LOOKUP, WALK, PLANNED }

    /**
     * The statement's shape. The first two read the same way whatever the text, so they are planned once (PostgreSQL's
     * generic plan, kept by each connection: planning the statement for each text cost as much as running it, 3-6 ms
     * on the bench data) and their text is the same for every text and limit: one plan each per connection, where a
     * text per choice would let anyone fill every backend's plan cache.
     * <ul>
     *   <li>{@code LOOKUPS}: every column is looked up through rare trigrams (the common case for a name).</li>
     *   <li>{@code CHOSEN}: every column is looked up or walked, both ways written out for every column, each behind a
     *       parameter saying whether it is the one taken ({@code sample_name_lookup}, {@code sample_name_walk}):
     *       PostgreSQL skips a part whose condition is a false parameter before reading anything. Each part it
     *       holds costs a little to start and stop even when skipped, hence the leaner {@code LOOKUPS}.</li>
     *   <li>{@code PLANNED}: some column is planned for the text; the statement holds one way per column.</li>
     * </ul>
     */
    private enum Shape { LOOKUPS, CHOSEN, PLANNED }

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
         * ({@code rank}), which part read it ({@code part}, 0 to 3) and how many that part may read ({@code cap}):
         * {@code :read} through an index, {@code :walk} by walking the newest rows. The ways the statement reads
         * the kind's key columns ({@link Writer#reads}):
         * <ul>
         *   <li>Lookup: one part (0) finds every name that contains the query through its rare trigrams and reads
         *       the exact, then the prefix, then the other matches, newest first within each. All of them are found
         *       first (the subquery's {@code OFFSET 0}): at most what the rarest trigram finds, never a walk of the
         *       newest rows.</li>
         *   <li>Walk: the exact and prefix matches (0) through the key's btree index, all found first (few, the
         *       sample says), exact first; then the others (2) by walking the newest rows ({@code strpos}, which no
         *       index serves).</li>
         *   <li>Planned: three parts read the exact (0), prefix (1) and other (2) matches, through the btree or
         *       trigram index or by walking the newest rows, as the estimates for the text say.</li>
         *   <li>Projects' descriptions (3) likewise: through rare trigrams, all found first; walked; or planned.</li>
         * </ul>
         * Among the other matches, whole words (rank 2) come before substrings (3).
         */
        void write(Writer statement) {
            String query = statement.query;
            String key = nameKey.of("x").sql();
            List<String> parts = statement.parts;
            if (statement.reads(nameKey, Way.LOOKUP)) {
                String exactOrPrefix = "CASE WHEN x.key = " + query + " THEN 0 WHEN starts_with(x.key, " + query + ") THEN 1";
                parts.add(allFound(0, exactOrPrefix + wordOrSubstring("x.name", query), exactOrPrefix + " ELSE 2 END, ",
                        statement.when(nameKey, Way.LOOKUP) + SearchText.containsBound(key, query, lookups(nameKey)), ":read"));
            }
            if (statement.reads(nameKey, Way.WALK)) {
                String walk = statement.when(nameKey, Way.WALK);
                String exactFirst = "CASE WHEN x.key = " + query + " THEN 0 ELSE 1 END";
                parts.add(allFound(0, exactFirst, exactFirst + ", ", walk + key + " ~>=~ " + query + " AND " + key + " ~<~ :"
                        + parameter(nameKey, "prefix_end"), ":read"));
                parts.add(part(2, "CASE" + wordOrSubstring(name, query), walk + "strpos(" + key + ", " + query + ") > 1", ":walk"));
            }
            if (statement.reads(nameKey, Way.PLANNED)) {
                String prefix = key + " LIKE " + query + " || '%'";
                parts.add(part(0, "0", key + " = " + query, ":read"));
                parts.add(part(1, "1", prefix + " AND " + key + " <> " + query, ":read"));
                parts.add(part(2, "CASE" + wordOrSubstring(name, query), SearchText.contains(key, "q") + " AND NOT " + prefix, ":walk"));
            }
            if (descriptionKey != null) {
                String description = descriptionKey.of("x").sql();
                String nameMisses = " AND strpos(" + key + ", " + query + ") = 0";
                if (statement.reads(descriptionKey, Way.LOOKUP)) {
                    parts.add(allFound(3, "4", "", statement.when(descriptionKey, Way.LOOKUP)
                            + SearchText.containsBound(description, query, lookups(descriptionKey)) + nameMisses, ":read"));
                }
                if (statement.reads(descriptionKey, Way.WALK)) {
                    parts.add(part(3, "4", statement.when(descriptionKey, Way.WALK) + "strpos(" + description + ", " + query + ") > 0" + nameMisses, ":walk"));
                }
                if (statement.reads(descriptionKey, Way.PLANNED)) {
                    parts.add(part(3, "4", SearchText.contains(description, "q") + nameMisses, ":walk"));
                }
            }
        }

        /** SQL: the end of a CASE ranking the name {@code nameSql} holding the query as whole words (2) or not (3). */
        private static String wordOrSubstring(String nameSql, String query) {
            return " WHEN search_is_word_run(" + nameSql + ", " + query + ") THEN 2 ELSE 3 END";
        }

        /** The key columns the kind's matches are read from: its name's, and its description's if it has one. */
        List<SearchKey> columns() {
            return descriptionKey == null ? List.of(nameKey) : List.of(nameKey, descriptionKey);
        }

        /**
         * A part that reads the newest rows matching, at most {@code cap}, walking the (created DESC, id DESC) index
         * if the plan says so.
         */
        private String part(int part, String rank, String condition, String cap) {
            return "(SELECT " + ordinal() + " AS kind, x.id, " + name + " AS name, x.created, " + rank + " AS rank, " + part + " AS part, "
                    + cap + " AS cap FROM " + nameKey.table + " x WHERE " + condition + " AND " + visible
                    + " ORDER BY x.created DESC, x.id DESC LIMIT " + cap + ")";
        }

        /**
         * A part that finds every row matching (a bounded number), then reads {@code cap} of them in the order
         * {@code order} then newest first; {@code rank} and {@code order} see the row as {@code x.id},
         * {@code x.name}, {@code x.created} and {@code x.key} (its name's key).
         */
        private String allFound(int part, String rank, String order, String condition, String cap) {
            return "(SELECT " + ordinal() + " AS kind, x.id, x.name, x.created, " + rank + " AS rank, " + part + " AS part, " + cap
                    + " AS cap FROM (SELECT x.id, " + name + " AS name, x.created, " + nameKey.of("x").sql() + " AS key FROM "
                    + nameKey.table + " x WHERE " + condition + " AND " + visible + " OFFSET 0) x ORDER BY " + order
                    + "x.created DESC, x.id DESC LIMIT " + cap + ")";
        }
    }

    /**
     * The quick search's one statement for a text: its SQL, its parameters besides the caller, {@code q},
     * {@code read} and {@code walk} (trigram patterns, the ways chosen, prefix bounds), and whether it is planned
     * once for every text ({@code generic}, {@link Shape}).
     */
    record Statement(String sql, Map<String, Object> parameters, boolean generic) {}

    /** A trigram bound where a column's lookup is written but not the way taken. */
    private static final String NOT_LOOKED_UP = "zzz";

    /** The statements planned once, written once. */
    private static final Map<Shape, String> PLANNED_ONCE = Map.of(
            Shape.LOOKUPS, sql(new Writer(Shape.LOOKUPS, Map.of())),
            Shape.CHOSEN, sql(new Writer(Shape.CHOSEN, Map.of())));

    /**
     * The statement: every kind's matches, by kind, in rank order, newest first within a rank. One statement for the
     * four kinds, so that the caller's permission sets ({@link AccessPolicy#CALLER_SETS}) are made once for all the
     * parts (1-2 ms each time on the bench data).
     */
    static Statement statement(String q, Trigrams trigrams) {
        Optional<String> key = SearchText.asciiKey(q);
        Map<SearchKey, List<String>> lookups = new EnumMap<>(SearchKey.class);
        Map<SearchKey, Way> ways = new EnumMap<>(SearchKey.class);
        for (Kind kind : Kind.values()) {
            for (SearchKey column : kind.columns()) {
                lookups.put(column, trigrams.lookups(column, q));
                ways.put(column, way(column, lookups.get(column), key, trigrams, column == kind.nameKey));
            }
        }
        Shape shape = ways.values().stream().allMatch(Way.LOOKUP::equals) ? Shape.LOOKUPS
                : ways.containsValue(Way.PLANNED) ? Shape.PLANNED : Shape.CHOSEN;
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
            for (SearchKey column : kind.columns()) {
                Way way = ways.get(column);
                if (shape != Shape.PLANNED || way == Way.LOOKUP) {
                    // the trigrams' patterns, always MAX_LOOKUPS of them (the rarest repeated: an index reads a
                    // repeated one once), so that the text is the same whatever the text searched; any when the
                    // lookup is not the way taken
                    List<String> patterns = way == Way.LOOKUP ? lookups.get(column) : List.of(NOT_LOOKED_UP);
                    for (int i = 0; i < Trigrams.MAX_LOOKUPS; i++) {
                        parameters.put(parameter(column, String.valueOf(i)), SearchText.lookupPattern(patterns.get(i < patterns.size() ? i : 0)));
                    }
                }
                if (shape == Shape.CHOSEN) {
                    parameters.put(parameter(column, "lookup"), way == Way.LOOKUP);
                    parameters.put(parameter(column, "walk"), way == Way.WALK);
                    if (column == kind.nameKey) {
                        // the least key after those that start with the text's; any when the walk is not the way taken
                        parameters.put(parameter(column, "prefix_end"), way == Way.WALK ? SearchText.prefixEnd(key.orElseThrow()) : "");
                    }
                }
            }
        }
        String sql = shape == Shape.PLANNED ? sql(new Writer(shape, ways)) : PLANNED_ONCE.get(shape);
        return new Statement(sql, Map.copyOf(parameters), shape != Shape.PLANNED);
    }

    private static String sql(Writer statement) {
        for (Kind kind : Kind.values()) kind.write(statement);
        return AccessPolicy.CALLER_SETS + "SELECT kind, id, name, part, cap FROM (" + String.join(" UNION ALL ", statement.parts)
                + ") m ORDER BY kind, rank, created DESC, id DESC";
    }

    /**
     * How the text's matches in a key column are read ({@link Way}), given its rare trigrams there ({@code lookups});
     * {@code names}: the column is a name's, whose exact and prefix matches are read apart (a description's are not).
     */
    private static Way way(SearchKey column, List<String> lookups, Optional<String> key, Trigrams trigrams, boolean names) {
        if (!lookups.isEmpty()) return Way.LOOKUP;
        if (key.isEmpty() || key.get().isEmpty()) return Way.PLANNED;
        boolean fewStart = !names || trigrams.shareStartingWith(column, key.get()) <= LOOKUP_SHARE;
        return fewStart && trigrams.heldBy(column, key.get(), WALK_SHARE, names) ? Way.WALK : Way.PLANNED;
    }

    /** A parameter of the column's: {@code sample_name_walk}. */
    private static String parameter(SearchKey column, String what) {
        return column.name().toLowerCase(Locale.ROOT) + "_" + what;
    }

    /** SQL: the names of the parameters bound to the patterns of a column's trigram lookup. */
    private static List<String> lookups(SearchKey column) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < Trigrams.MAX_LOOKUPS; i++) names.add(parameter(column, String.valueOf(i)));
        return names;
    }

    /** The statement as the kinds write it: its shape, the ways of its columns if planned for the text, its parts. */
    private static final class Writer {
        final Shape shape;
        /** The SQL of the query's search key: computed once (an InitPlan) where the plan does not see the text. */
        final String query;
        final List<String> parts = new ArrayList<>();
        private final Map<SearchKey, Way> ways;

        Writer(Shape shape, Map<SearchKey, Way> ways) {
            this.shape = shape;
            this.query = shape == Shape.PLANNED ? "search_key(:q)" : "(SELECT search_key(:q))";
            this.ways = ways;
        }

        /**
         * Whether the statement reads the column {@code way}: the lookup only ({@code LOOKUPS}), both ways
         * ({@code CHOSEN}), or the column's way, a walk being planned for the text too ({@code PLANNED}: the
         * estimates for the text choose as well as the sample).
         */
        boolean reads(SearchKey column, Way way) {
            return switch (shape) {
                case LOOKUPS -> way == Way.LOOKUP;
                case CHOSEN -> way != Way.PLANNED;
                case PLANNED -> way == (ways.get(column) == Way.WALK ? Way.PLANNED : ways.get(column));
            };
        }

        /** SQL: the condition that the column is read {@code way} ({@code :sample_name_walk AND }) if the statement chooses. */
        String when(SearchKey column, Way way) {
            return shape == Shape.CHOSEN ? ":" + parameter(column, way.name().toLowerCase(Locale.ROOT)) + " AND " : "";
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
        Statement statement = statement(query, trigrams);
        return SearchListing.run(jdbi, h -> {
            Query select = statement.generic() ? SearchListing.planOnce(h, statement.sql()) : SearchListing.matching(h, statement.sql());
            Map<Kind, List<Match>> byKind = AccessPolicy.bindCaller(select, caller).bind("q", query)
                    .bind("read", CANDIDATES * limit).bind("walk", WALKED_CANDIDATES * limit).bindMap(statement.parameters())
                    .map((rs, c) -> {
                        Kind kind = Kind.values()[rs.getInt("kind")];
                        return new Match(kind, new Result(rs.getLong("id"), rs.getString("name"), kind.type,
                                kind.url + rs.getLong("id") + "/"), rs.getInt("part"), rs.getInt("cap"));
                    })
                    .collect(Collectors.groupingBy(Match::kind, () -> new EnumMap<>(Kind.class), Collectors.toList()));
            List<List<Result>> found = new ArrayList<>();
            long[] counts = new long[Kind.values().length];
            boolean capped = false;
            for (Kind kind : Kind.values()) {
                List<Match> matches = byKind.getOrDefault(kind, List.of());
                List<Result> results = matches.stream().limit(limit).map(Match::result).toList();
                // A part that read all it may has more matches: the count is then what was read (at most 10 x
                // limit), and capped.
                capped |= matches.stream().collect(Collectors.groupingBy(Match::part, Collectors.toList()))
                        .values().stream().anyMatch(read -> read.size() == read.get(0).cap());
                counts[kind.ordinal()] = Math.min(matches.size(), CANDIDATES * limit);
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
