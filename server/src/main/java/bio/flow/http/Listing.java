package bio.flow.http;

import java.util.List;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * How every paged listing is read: the total over all pages, counted by one query, and the rows of the asked page,
 * read by another with the same bindings, answered as {@code {"count", "page", "<items>"}}.
 */
public final class Listing {
    private Listing() {}

    /** A listing's answer made of its parts, e.g. {@code DataList::new}. */
    @FunctionalInterface
    public interface Answer<T, L> {
        L of(long count, int page, List<T> items);
    }

    /**
     * @param countSql counts the rows of every page
     * @param pageSql  selects the page's rows, ending (or paging a subquery) with {@link Paging#sql}
     * @param bind     binds the parameters both queries share
     */
    public static <T, L> L read(Handle h, Paging paging, String countSql, String pageSql, UnaryOperator<Query> bind,
                                RowMapper<T> row, Answer<T, L> answer) {
        long count = bind.apply(h.createQuery(countSql)).mapTo(Long.class).one();
        List<T> items = bind.apply(h.createQuery(pageSql)).map(row).list();
        return answer.of(count, paging.page(), items);
    }
}
