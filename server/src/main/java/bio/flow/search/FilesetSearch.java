package bio.flow.search;

import bio.flow.access.AccessPolicy;
import bio.flow.auth.Authenticator;
import bio.flow.data.DataFiles;
import bio.flow.http.Caller;
import bio.flow.http.Filters;
import bio.flow.http.Paging;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /filesets/search}: the filesets (a sample's reads) the caller may read, which are those of the samples
 * they may read, narrowed by name, sample and whether they hold ready data, newest first.
 */
public final class FilesetSearch {
    /** The order of the results, newest first (the (created DESC, id DESC) index reads them so). */
    private static final String NEWEST_FIRST = "f.created DESC, f.id DESC";
    private static final Set<String> PARAMS = Set.of("filter", "sample", "has_data");
    /** SQL condition: the fileset {@code f} holds a ready file. */
    private static final String HAS_DATA = "EXISTS (SELECT 1 FROM data fd WHERE fd.fileset_id = f.id AND fd.status = 'ready')";

    private final Authenticator authenticator;
    private final Jdbi jdbi;
    private final Trigrams trigrams;

    public FilesetSearch(Authenticator authenticator, Jdbi jdbi, Trigrams trigrams) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
        this.trigrams = trigrams;
    }

    /** A fileset found: its sample, and how many ready files it holds. */
    public record FilesetItem(long id, String name, Instant created, DataFiles.Ref sample, long data_count) {}

    public record FilesetResults(long count, boolean count_capped, int page, List<FilesetItem> filesets) {}

    public void search(Context ctx) {
        SearchParams.allowOnly(ctx, PARAMS);
        Optional<Caller> caller = authenticator.optional(ctx);
        Paging paging = SearchParams.paging(ctx);
        Optional<String> text = Filters.text(ctx);
        Optional<Long> sample = SearchParams.id(ctx, "sample");
        Optional<Boolean> hasData = SearchParams.bool(ctx, "has_data");

        // A sample the caller may not read finds nothing, as one that does not exist: its filesets are not visible.
        List<String> where = new ArrayList<>(List.of(AccessPolicy.sampleOfRowVisible("f.sample_id")));
        text.ifPresent(t -> where.add(Filters.textMatches(trigrams, t, SearchKey.FILESET_NAME.of("f"))));
        sample.ifPresent(id -> where.add("f.sample_id = :sample"));
        hasData.ifPresent(has -> where.add((has ? "" : "NOT ") + HAS_DATA));
        String matches = "SELECT f.id FROM filesets f WHERE " + String.join(" AND ", where);

        ctx.json(SearchListing.run(jdbi, h -> SearchListing.read(h, paging, matches, NEWEST_FIRST,
                ids -> "SELECT f.id, f.name, f.created, s.id AS sample_id, s.name AS sample_name, "
                        + "(SELECT count(*) FROM data fd WHERE fd.fileset_id = f.id AND fd.status = 'ready') AS data_count "
                        + "FROM filesets f JOIN samples s ON s.id = f.sample_id WHERE f.id IN ("
                        + ids + ") ORDER BY " + NEWEST_FIRST,
                q -> {
                    AccessPolicy.bindCaller(q, caller);
                    text.ifPresent(t -> q.bind("text", t));
                    sample.ifPresent(id -> q.bind("sample", id));
                    return q;
                },
                (rs, c) -> new FilesetItem(rs.getLong("id"), rs.getString("name"), rs.getObject("created", OffsetDateTime.class).toInstant(),
                        new DataFiles.Ref(rs.getLong("sample_id"), rs.getString("sample_name")), rs.getLong("data_count")),
                FilesetResults::new)));
    }
}
