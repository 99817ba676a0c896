package bio.flow.search;

import bio.flow.access.AccessPolicy;
import bio.flow.http.ApiException;
import bio.flow.http.Paging;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.postgresql.PGStatement;

/**
 * How every search is run and answered: one place for the rules that bound a search's cost.
 * <ul>
 *   <li>The statements that find its matches ({@link #matching}) are planned for the values given each time they
 *       run: the same statement is selective for one text and matches half the table for another, and a generic
 *       plan picks one way to read for both (on the bench data, seconds for some). The statements that read a
 *       page's rows by id are the same whatever the search, and keep PostgreSQL's plan cache: planning them
 *       anew cost ~1 ms a search, as much as the rest of a selective search. A statement written so that it reads
 *       the same way whatever its values is planned once per connection ({@link #planOnce}).</li>
 *   <li>Each statement is stopped after {@link #TIMEOUT}, which is a 503 asking for a narrower search.</li>
 *   <li>The count looks {@link #COUNT_AHEAD} matches past the end of the page, at most up to
 *       {@link SearchParams#MAX_RESULTS}; beyond, it is that bound and {@code count_capped} is true.</li>
 * </ul>
 */
public final class SearchListing {
    /** The longest a search statement may run. */
    static final String TIMEOUT = "10s";

    /**
     * How many matches past the end of its page a search counts: enough for a pager's next five pages of 20. The
     * count has to test every match against the caller's permissions, and an unselective search has matches the
     * caller may not read in every file of the lab; counting them to a thousand cost 10 to 100 ms (bench/search),
     * which 20 searches at once on two cores cannot afford.
     */
    static final int COUNT_AHEAD = 100;

    /** Where a count that starts at a page ending at {@code end} stops. */
    static int countBound(int end) {
        return Math.min(SearchParams.MAX_RESULTS, end + COUNT_AHEAD);
    }

    private SearchListing() {}

    /** A search's answer made of its parts, e.g. {@code SampleResults::new}. */
    @FunctionalInterface
    public interface Answer<T, L> {
        L of(long count, boolean count_capped, int page, List<T> items);
    }

    /** Runs a search in a read-only transaction with the settings above. */
    public static <R> R run(Jdbi jdbi, HandleCallback<R, RuntimeException> search) {
        try {
            return jdbi.inTransaction(h -> {
                h.execute("SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = '" + TIMEOUT + "'");
                return search.withHandle(h);
            });
        } catch (JdbiException e) {
            if (e.getCause() instanceof SQLException s && "57014".equals(s.getSQLState())) {
                throw ApiException.busy("the search took too long: narrow it with more filters or a longer text", 1);
            }
            throw e;
        }
    }

    /**
     * A statement that finds a search's matches, planned for its values each time it runs. The PostgreSQL driver
     * sends it as an unnamed statement (prepare threshold 0), which the server plans with the values bound; a named
     * one would get a generic plan after five runs on a connection if its estimated cost looked no worse.
     */
    public static Query matching(Handle h, String sql) {
        return withPrepareThreshold(h, sql, 0);
    }

    /**
     * A statement whose plan does not depend on its values, planned once per connection: the driver names it from
     * its first run (prepare threshold 1, kept in its statement cache) and PostgreSQL keeps its generic plan
     * ({@code plan_cache_mode} for the rest of the transaction: it must be the transaction's last statement, or the
     * ones after it get generic plans too). Only for statements that read the same way whatever the values, such as
     * the quick search's when every part goes through rare trigrams ({@link QuickSearch.Statement}).
     */
    public static Query planOnce(Handle h, String sql) {
        h.execute("SET LOCAL plan_cache_mode = force_generic_plan");
        return withPrepareThreshold(h, sql, 1);
    }

    /** A statement that the driver prepares on the server from its {@code threshold}-th run (0: never). */
    private static Query withPrepareThreshold(Handle h, String sql, int threshold) {
        return h.createQuery(sql).addCustomizer(new StatementCustomizer() {
            @Override
            public void beforeExecution(PreparedStatement statement, StatementContext ctx) throws SQLException {
                statement.unwrap(PGStatement.class).setPrepareThreshold(threshold);
            }
        });
    }

    /**
     * Reads one page of a search and its bounded count, by two statements: the ids of the matches in the page's
     * order up to one past the count's bound (the page is among them), then the page's rows by id. One statement
     * finds the matches, so that a search is planned for its values once and reads its matches once: a page and a
     * count apart cost two plans of the permission conditions (2 to 3 ms each on the big dataset) and read the
     * page's matches twice.
     *
     * @param matchesSql selects the ids of the matching rows (first column), unordered; may use the permission
     *                   conditions of {@link AccessPolicy} (it is run after {@link AccessPolicy#CALLER_SETS})
     * @param order      the order of the results ({@code s.created DESC, s.id DESC}); an index should read them so,
     *                   so that an unselective search stops at the bound
     * @param pageSql    given SQL that selects the page's ids, selects the page's rows in {@code order}
     * @param bind       binds the parameters of both statements (the page's rows may use only some of them: Database
     *                   allows unused bindings)
     */
    public static <T, L> L read(Handle h, Paging paging, String matchesSql, String order, UnaryOperator<String> pageSql,
                                UnaryOperator<Query> bind, RowMapper<T> row, Answer<T, L> answer) {
        int bound = countBound(paging.offset() + paging.limit());
        List<Long> matches = bind.apply(matching(h, AccessPolicy.CALLER_SETS + matchesSql + " ORDER BY " + order + " LIMIT " + (bound + 1))).mapTo(Long.class).list();
        List<Long> page = matches.subList(Math.min(paging.offset(), matches.size()), Math.min(paging.offset() + paging.limit(), matches.size()));
        List<T> items = List.of();
        if (!page.isEmpty()) {
            items = bind.apply(h.createQuery(pageSql.apply("SELECT unnest(:page)"))).bindArray("page", Long.class, page).map(row).list();
        }
        return answer.of(Math.min(matches.size(), bound), matches.size() > bound, paging.page(), items);
    }
}
