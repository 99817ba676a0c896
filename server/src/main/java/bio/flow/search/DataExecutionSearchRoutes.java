package bio.flow.search;

import bio.flow.auth.Authenticator;
import bio.flow.http.Caller;
import bio.flow.http.Paging;
import bio.flow.vocabularies.Vocabularies;
import io.javalin.http.Context;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /data/search} ({@link DataSearch}) and {@code GET /executions/search} ({@link ExecutionSearch}), for
 * anyone: anonymous callers find what public projects hold.
 */
public final class DataExecutionSearchRoutes {
    private final Authenticator authenticator;
    private final Jdbi jdbi;
    private final Vocabularies vocabularies;
    private final Trigrams trigrams;

    public DataExecutionSearchRoutes(Authenticator authenticator, Jdbi jdbi, Vocabularies vocabularies, Trigrams trigrams) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
        this.vocabularies = vocabularies;
        this.trigrams = trigrams;
    }

    public void data(Context ctx) {
        Optional<Caller> caller = authenticator.optional(ctx);
        SearchParams.allowOnly(ctx, DataSearch.PARAMS);
        Paging paging = SearchParams.paging(ctx);
        ctx.json(SearchListing.run(jdbi, h -> DataSearch.search(h, caller, paging, DataSearch.filter(ctx, h, vocabularies), trigrams)));
    }

    public void executions(Context ctx) {
        Optional<Caller> caller = authenticator.optional(ctx);
        SearchParams.allowOnly(ctx, ExecutionSearch.PARAMS);
        Paging paging = SearchParams.paging(ctx);
        ExecutionSearch.Filter filter = ExecutionSearch.Filter.from(ctx);
        ctx.json(SearchListing.run(jdbi, h -> ExecutionSearch.search(h, caller, paging, filter, trigrams)));
    }
}
