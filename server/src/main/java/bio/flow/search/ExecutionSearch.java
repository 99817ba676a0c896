package bio.flow.search;

import bio.flow.access.AccessPolicy;
import bio.flow.executions.ExecutionListing;
import bio.flow.executions.ExecutionListing.ExecutionItem;
import bio.flow.http.Caller;
import bio.flow.http.Filters;
import bio.flow.http.Paging;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * {@code GET /executions/search}: the executions the caller may read ({@link AccessPolicy#executionVisible}), newest
 * first, narrowed by any of its filters together. Status and pipeline are read and matched as
 * {@code GET /executions/owned} does ({@link ExecutionListing.Filters}).
 */
public final class ExecutionSearch {
    /** The order of the results, newest first (the (created DESC, id DESC) index reads them so). */
    private static final String NEWEST_FIRST = "e.created DESC, e.id DESC";
    static final List<String> PARAMS = List.of("filter", "pipeline", "status", "created_after", "created_before", "sample");

    public record ExecutionResults(long count, boolean count_capped, int page, List<ExecutionItem> executions) {}

    private ExecutionSearch() {}

    record Filter(Optional<String> text, ExecutionListing.Filters listing, Optional<Long> sample, SearchParams.Created created) {
        static Filter from(Context ctx) {
            return new Filter(Filters.text(ctx), ExecutionListing.Filters.from(ctx), SearchParams.id(ctx, "sample"), SearchParams.Created.from(ctx));
        }

        /**
         * SQL conditions on the execution row {@code e}. A sample filter names one the caller may read, else it
         * matches nothing (as one that does not exist), as {@code GET /samples/{id}/executions} answers 404 for it.
         */
        String sql(Trigrams trigrams) {
            List<String> where = new ArrayList<>(listing.sql("e"));
            text.ifPresent(t -> where.add(Filters.textMatches(trigrams, t, SearchKey.EXECUTION_NAME.of("e"))));
            // = ANY (ARRAY(...)): the sample's runs are read once (execution_samples_sample), then by primary key
            sample.ifPresent(s -> where.add("e.id = ANY (ARRAY(SELECT es.execution_id FROM execution_samples es WHERE es.sample_id = "
                    + AccessPolicy.visibleSampleId(":sample") + "))"));
            where.add(AccessPolicy.executionVisible("e"));
            return String.join(" AND ", where) + created.sql("e.created");
        }

        Query bind(Query q, Optional<Caller> caller) {
            listing.bind(AccessPolicy.bindCaller(q, caller));
            text.ifPresent(t -> q.bind("text", t));
            sample.ifPresent(s -> q.bind("sample", s));
            return created.bind(q);
        }
    }

    /** One page of the matching executions, newest first, and their capped count ({@link SearchListing#read}). */
    static ExecutionResults search(Handle h, Optional<Caller> caller, Paging paging, Filter filter, Trigrams trigrams) {
        String matches = "SELECT e.id FROM executions e WHERE " + filter.sql(trigrams);
        return SearchListing.read(h, paging, matches, NEWEST_FIRST, ExecutionListing::items,
                q -> filter.bind(q, caller), ExecutionListing.ROW, ExecutionResults::new);
    }
}
