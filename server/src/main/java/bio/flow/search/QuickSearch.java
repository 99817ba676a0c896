package bio.flow.search;

import bio.flow.access.AccessPolicy;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

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
 * Each rank is read by one statement with LIMIT, ranks in order until {@code limit} results are found, so that an
 * unselective query never ranks all its matches. Exact and prefix matches are read through the keys' btree indexes
 * (V26), the others through the keys' trigram indexes or, for a text that many names contain, the (created DESC,
 * id DESC) index. The word and substring ranks are read together, among the newest {@link #WORD_CANDIDATES} times
 * {@code limit} names that contain the query: a name where the query is a whole word but that is older than those is
 * not ranked (ranking all of them would read every name that contains a common text). The ranks divide the matches
 * between them, so a kind with fewer
 * results than {@code limit} has as many matches as results; otherwise its matches are counted up to
 * {@link SearchParams#MAX_RESULTS}. {@code total_count} is the sum of the counts of the four kinds.
 */
public final class QuickSearch {
    public static final int DEFAULT_LIMIT = 10;
    public static final int MAX_LIMIT = 100;

    /** The index of the word rank in {@link Kind#ranks}: the word and substring ranks, read by one statement. */
    private static final int WORD_RANK = 2;
    /** How many names containing the query, per result asked for, the word and substring ranks are chosen among. */
    private static final int WORD_CANDIDATES = 10;

    /** One result: what the reference answers for every kind. */
    public record Result(long id, String name, String type, String url) {}

    public record Results(List<Result> samples, List<Result> projects, List<Result> executions, List<Result> data) {}

    /** The matches of each kind, counted up to {@link SearchParams#MAX_RESULTS}. */
    public record Counts(long samples, long projects, long executions, long data) {}

    public record Answer(Results results, long total_count, String query, Counts counts, boolean count_capped) {}

    /** A kind of result: its table (aliased {@code x}), name column, description column if any, and visibility. */
    private enum Kind {
        SAMPLE("samples", "x.name", null, AccessPolicy.sampleVisible("x"), "sample", "/samples/"),
        PROJECT("projects", "x.name", "x.description", AccessPolicy.projectVisible("x"), "project", "/projects/"),
        EXECUTION("executions", "x.name", null, AccessPolicy.executionVisible("x"), "execution", "/executions/"),
        DATA("data", "x.filename", null, "x.status = 'ready' AND " + AccessPolicy.dataVisible("x"), "data", "/data/");

        final String table, name, description, visible, type, url;

        Kind(String table, String name, String description, String visible, String type, String url) {
            this.table = table;
            this.name = name;
            this.description = description;
            this.visible = visible;
            this.type = type;
            this.url = url;
        }

        /** SQL conditions of the ranks, in order; each excludes the ranks before it. :key is the query's key. */
        List<String> ranks() {
            String key = "search_key(" + name + ")";
            String contains = key + " LIKE '%' || :key || '%'";
            String prefix = key + " LIKE :key || '%'";
            List<String> ranks = new ArrayList<>(List.of(
                    key + " = :key",
                    prefix + " AND " + key + " <> :key",
                    // the word and substring ranks, read together: see WORD_RANK
                    contains + " AND NOT " + prefix));
            if (description != null) ranks.add("search_key(" + description + ") LIKE '%' || :key || '%' AND NOT " + contains);
            return ranks;
        }

        /** SQL condition: a result of any rank. */
        String matches() {
            String name = "search_key(" + this.name + ") LIKE '%' || :key || '%'";
            return description == null ? name : "(" + name + " OR search_key(" + description + ") LIKE '%' || :key || '%')";
        }
    }

    private final Jdbi jdbi;

    public QuickSearch(Jdbi jdbi) {
        this.jdbi = jdbi;
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
        return SearchListing.run(jdbi, h -> {
            String key = h.createQuery("SELECT search_key(:q)").bind("q", query).mapTo(String.class).one();
            List<List<Result>> found = new ArrayList<>();
            long[] counts = new long[Kind.values().length];
            boolean capped = false;
            for (Kind kind : Kind.values()) {
                List<Result> results = new ArrayList<>();
                List<String> ranks = kind.ranks();
                for (int rank = 0; rank < ranks.size() && results.size() < limit; rank++) {
                    String sql = "SELECT x.id, " + kind.name + " AS name FROM " + kind.table + " x WHERE " + ranks.get(rank) + " AND "
                            + kind.visible + " ORDER BY x.created DESC, x.id DESC LIMIT " + (limit - results.size());
                    if (rank == WORD_RANK) {
                        // The word and substring ranks among the newest WORD_CANDIDATES * limit names that contain the
                        // query (and do not start with it): whole words first. Ranking all of them would read every
                        // name that contains a common text (125,000 samples and 375,000 files hold "liver"), and
                        // each rank alone reads them all when it finds fewer than limit.
                        sql = "SELECT id, name FROM (SELECT x.id, " + kind.name + " AS name, x.created, search_word_runs(" + kind.name
                                + ") @> ARRAY[CAST(:key AS text)] AS word FROM " + kind.table + " x WHERE " + ranks.get(rank) + " AND "
                                + kind.visible + " ORDER BY x.created DESC, x.id DESC LIMIT " + WORD_CANDIDATES * limit
                                + ") c ORDER BY word DESC, created DESC, id DESC LIMIT " + (limit - results.size());
                    }
                    results.addAll(AccessPolicy.bindCaller(h.createQuery(sql), caller)
                            .bind("key", key)
                            .map((rs, c) -> new Result(rs.getLong("id"), rs.getString("name"), kind.type, kind.url + rs.getLong("id") + "/"))
                            .list());
                }
                long count = results.size() < limit ? results.size() : count(h, kind, caller, key);
                capped |= count > SearchParams.MAX_RESULTS;
                counts[kind.ordinal()] = Math.min(count, SearchParams.MAX_RESULTS);
                found.add(results);
            }
            return new Answer(new Results(found.get(0), found.get(1), found.get(2), found.get(3)),
                    counts[0] + counts[1] + counts[2] + counts[3], query,
                    new Counts(counts[0], counts[1], counts[2], counts[3]), capped);
        });
    }

    /** The kind's matches, counted up to one more than {@link SearchParams#MAX_RESULTS}. */
    private static long count(Handle h, Kind kind, Optional<Caller> caller, String key) {
        return AccessPolicy.bindCaller(h.createQuery("SELECT count(*) FROM (SELECT 1 FROM " + kind.table + " x WHERE " + kind.matches()
                        + " AND " + kind.visible + " LIMIT " + (SearchParams.MAX_RESULTS + 1) + ") m"), caller)
                .bind("key", key).mapTo(Long.class).one();
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
