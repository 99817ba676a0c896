package bio.flow.search;

import bio.flow.http.ApiException;
import bio.flow.http.Paging;
import java.sql.SQLException;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * How every search is run and answered: one place for the rules that bound a search's cost.
 * <ul>
 *   <li>Its queries are planned for the values given ({@code plan_cache_mode = force_custom_plan}): the same
 *       statement is selective for one text and matches half the table for another, and a generic plan would pick
 *       one way to read for both.</li>
 *   <li>Each statement is stopped after {@link #TIMEOUT}, which is a 503 asking for a narrower search.</li>
 *   <li>The count stops at {@link SearchParams#MAX_RESULTS} ({@code count_capped}); a page whose rows end before
 *       its limit gives the count without counting.</li>
 * </ul>
 */
public final class SearchListing {
    /** The longest a search statement may run. */
    static final String TIMEOUT = "10s";

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
                h.execute("SET TRANSACTION READ ONLY");
                h.createQuery("SELECT set_config('plan_cache_mode', 'force_custom_plan', true) AS plan, set_config('statement_timeout', :timeout, true) AS timeout")
                        .bind("timeout", TIMEOUT).mapToMap().one();
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
     * Reads one page of a search and its capped count.
     *
     * @param matchesSql selects the matching rows (any columns), unordered: counted up to the cap
     * @param pageSql    selects the page's rows in order, ending (or paging a subquery) with {@link Paging#sql}
     * @param bind       binds the parameters both share
     */
    public static <T, L> L read(Handle h, Paging paging, String matchesSql, String pageSql, UnaryOperator<Query> bind,
                                RowMapper<T> row, Answer<T, L> answer) {
        List<T> items = bind.apply(h.createQuery(pageSql)).map(row).list();
        long count;
        if (items.size() < paging.limit() && (!items.isEmpty() || paging.offset() == 0)) {
            count = paging.offset() + items.size(); // the last page: nothing follows it
        } else {
            count = bind.apply(h.createQuery("SELECT count(*) FROM (" + matchesSql + " LIMIT " + (SearchParams.MAX_RESULTS + 1) + ") m"))
                    .mapTo(Long.class).one();
        }
        boolean capped = count > SearchParams.MAX_RESULTS;
        return answer.of(capped ? SearchParams.MAX_RESULTS : count, capped, paging.page(), items);
    }
}
