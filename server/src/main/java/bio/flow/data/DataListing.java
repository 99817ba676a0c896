package bio.flow.data;

import bio.flow.access.AccessPolicy;
import bio.flow.http.Caller;
import bio.flow.http.Filters;
import bio.flow.http.Listing;
import bio.flow.http.Paging;
import bio.flow.search.SearchKey;
import bio.flow.search.Trigrams;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Listing data files, as the listing endpoints show them: {@code GET /samples/<id>/data}, {@code /projects/<id>/data}
 * (the data of the project's samples and the data attached to the project itself), whose callers check read access
 * to the sample or project first (the data of a readable sample or project is readable), and {@code GET /data/owned}
 * and {@code /data/shared}, which select what the caller may read with {@link AccessPolicy}'s SQL.
 */
public final class DataListing {
    private DataListing() {}

    public record DataItem(long id, String filename, long size, String data_type, Instant created, SampleRef sample) {}

    public record SampleRef(long id, String name) {}

    public record DataList(long count, int page, List<DataItem> data) {}

    /** Which of the caller's data {@link #ofCaller} lists. */
    public enum Scope { OWNED, SHARED }

    /** Reads a row of {@link #items}. */
    public static final RowMapper<DataItem> ROW = (rs, ctx) -> new DataItem(rs.getLong("id"), rs.getString("filename"),
            rs.getLong("size"), rs.getString("data_type"), rs.getObject("created", OffsetDateTime.class).toInstant(),
            rs.getObject("sample_id") == null ? null : new SampleRef(rs.getLong("sample_id"), rs.getString("sample_name")));

    public static DataList ofSample(Handle h, long sampleId, Paging paging) {
        return list(h, "d.sample_id = :id", sampleId, paging);
    }

    public static DataList ofProject(Handle h, long projectId, Paging paging) {
        return list(h, "(d.sample_id IN (SELECT id FROM samples WHERE project_id = :id) OR d.project_id = :id)", projectId, paging);
    }

    /** Ready data only, as {@link #ofCaller}: an import in progress, or failed, is seen through {@code GET /data/{id}}. */
    private static DataList list(Handle h, String condition, long id, Paging paging) {
        String where = "d.status = 'ready' AND " + condition;
        return Listing.read(h, paging, "SELECT count(*) FROM data d WHERE " + where,
                "SELECT d.id, d.filename, d.size, d.data_type, d.created, s.id AS sample_id, s.name AS sample_name "
                        + "FROM data d LEFT JOIN samples s ON s.id = d.sample_id WHERE " + where
                        + " ORDER BY d.created DESC, d.id DESC " + paging.sql(),
                q -> q.bind("id", id), ROW, DataList::new);
    }

    /**
     * SQL: the data items ({@link #ROW}) whose ids {@code idsSql} selects (a page of them), newest first. A file's
     * sample is named only when :caller may read it: data may be shared on its own out of a private sample.
     */
    public static String items(String idsSql) {
        return "SELECT d.id, d.filename, d.size, d.data_type, d.created, "
                + "CASE WHEN " + AccessPolicy.sampleReadable("s", "sp") + " THEN s.id END AS sample_id, s.name AS sample_name "
                + "FROM data d LEFT JOIN samples s ON s.id = d.sample_id LEFT JOIN projects sp ON sp.id = s.project_id "
                + "WHERE d.id IN (" + idsSql + ") ORDER BY d.created DESC, d.id DESC";
    }

    /**
     * The caller's own ready data, or the ready data shared with them ({@link AccessPolicy#SHARED_DATA_KEYS}), newest
     * first, whose filename matches the {@code text} filter ({@link Filters#textMatches}) when given. Counts and pages over the keys
     * (id, created) alone, then reads the page's rows ({@link #items}).
     */
    public static DataList ofCaller(Handle h, Caller caller, Scope scope, Paging paging, Optional<String> text, Trigrams trigrams) {
        String keys = scope == Scope.OWNED ? "SELECT d.id, d.created FROM data d WHERE d.owner_id = :caller AND d.status = 'ready'"
                : AccessPolicy.SHARED_DATA_KEYS;
        String from = "(" + keys + ") k" + (text.isPresent() ? " JOIN data f ON f.id = k.id AND " + Filters.textMatches(trigrams, text.get(), SearchKey.DATA_FILENAME.of("f")) : "");
        return Listing.read(h, paging, "SELECT count(*) FROM " + from,
                items("SELECT k.id FROM " + from + " ORDER BY k.created DESC, k.id DESC " + paging.sql()),
                q -> {
                    AccessPolicy.bindCaller(q, Optional.of(caller));
                    text.ifPresent(t -> q.bind("text", t));
                    return q;
                },
                ROW, DataList::new);
    }
}
