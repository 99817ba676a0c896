package bio.flow.search;

import bio.flow.access.AccessPolicy;
import bio.flow.data.DataListing;
import bio.flow.data.DataListing.DataItem;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Filters;
import bio.flow.http.Paging;
import bio.flow.vocabularies.Vocabularies;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * {@code GET /data/search}: the ready data files the caller may read ({@link AccessPolicy#dataVisible}), newest first,
 * narrowed by any of its filters together. Imports in progress and failed ones are never listed (as in the listings).
 */
public final class DataSearch {
    /** The order of the results, newest first (the (created DESC, id DESC) index reads them so). */
    private static final String NEWEST_FIRST = "d.created DESC, d.id DESC";
    static final List<String> PARAMS = List.of("filter", "pattern", "data_type", "size_min", "size_max", "sample", "project",
            "created_after", "created_before");

    public record DataResults(long count, boolean count_capped, int page, List<DataItem> data) {}

    private DataSearch() {}

    /**
     * The filters of the request. The data type is given as stored ({@code FASTQ}; any case), and one Flow does not
     * know is a 400 rather than an empty answer, as a misspelt type would otherwise look like "no such files".
     */
    static Filter filter(Context ctx, Handle h, Vocabularies vocabularies) {
        Optional<Long> sizeMin = SearchParams.size(ctx, "size_min");
        Optional<Long> sizeMax = SearchParams.size(ctx, "size_max");
        if (sizeMin.isPresent() && sizeMax.isPresent() && sizeMin.get() > sizeMax.get()) {
            throw ApiException.invalid("size_min", "must not be larger than size_max");
        }
        String type = SearchParams.param(ctx, "data_type");
        return new Filter(Filters.text(ctx), SearchParams.filePattern(ctx, "pattern"),
                Optional.ofNullable(type).map(t -> vocabularies.dataTypeId(h, t)), sizeMin, sizeMax,
                SearchParams.id(ctx, "sample"), SearchParams.id(ctx, "project"), SearchParams.Created.from(ctx));
    }

    record Filter(Optional<String> text, Optional<SearchParams.FilePattern> pattern, Optional<String> dataType, Optional<Long> sizeMin,
                  Optional<Long> sizeMax, Optional<Long> sample, Optional<Long> project, SearchParams.Created created) {
        /**
         * SQL conditions on the data row {@code d}. A sample or project filter names one the caller may read, else
         * it matches nothing (as one that does not exist): the files a caller may read in a private sample must not
         * tell which sample they are in. A project's data are those of its samples and those attached to it, as
         * {@code GET /projects/{id}/data} lists them.
         */
        String sql(Trigrams trigrams) {
            List<String> where = new ArrayList<>(List.of("d.status = 'ready'"));
            text.ifPresent(t -> where.add(Filters.textMatches(trigrams, t, SearchKey.DATA_FILENAME.of("d"))));
            pattern.ifPresent(p -> where.add(p.sql("d.filename", "d.filename_key", "pattern")));
            dataType.ifPresent(t -> where.add("d.data_type = :data_type"));
            sizeMin.ifPresent(s -> where.add("d.size >= :size_min"));
            sizeMax.ifPresent(s -> where.add("d.size <= :size_max"));
            sample.ifPresent(s -> where.add(AccessPolicy.dataOfVisibleSample("d", ":sample")));
            project.ifPresent(p -> where.add(AccessPolicy.dataInVisibleProject("d", ":project")));
            // the data of a sample or project the caller may read are readable: without those, each row is tested
            if (sample.isEmpty() && project.isEmpty()) where.add(AccessPolicy.dataVisible("d"));
            return String.join(" AND ", where) + created.sql("d.created");
        }

        Query bind(Query q, Optional<Caller> caller) {
            AccessPolicy.bindCaller(q, caller);
            text.ifPresent(t -> q.bind("text", t));
            pattern.ifPresent(p -> p.bind(q, "pattern"));
            dataType.ifPresent(t -> q.bind("data_type", t));
            sizeMin.ifPresent(s -> q.bind("size_min", s));
            sizeMax.ifPresent(s -> q.bind("size_max", s));
            sample.ifPresent(s -> q.bind("sample", s));
            project.ifPresent(p -> q.bind("project", p));
            return created.bind(q);
        }
    }

    /** One page of the matching files, newest first, and their capped count ({@link SearchListing#read}). */
    static DataResults search(Handle h, Optional<Caller> caller, Paging paging, Filter filter, Trigrams trigrams) {
        String matches = "SELECT d.id FROM data d WHERE " + filter.sql(trigrams);
        return SearchListing.read(h, paging, matches, NEWEST_FIRST, DataListing::items,
                q -> filter.bind(q, caller), DataListing.ROW, DataResults::new);
    }
}
