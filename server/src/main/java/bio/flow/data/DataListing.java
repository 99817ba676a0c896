package bio.flow.data;

import bio.flow.http.Listing;
import bio.flow.http.Paging;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Listing data files, as the listing endpoints show them ({@code GET /samples/<id>/data},
 * {@code /projects/<id>/data}: the data of the project's samples and the data attached to the project itself). Callers check read access to the sample or project first: the data of a
 * readable sample or project is readable.
 */
public final class DataListing {
    private DataListing() {}

    public record DataItem(long id, String filename, long size, String data_type, Instant created, SampleRef sample) {}

    public record SampleRef(long id, String name) {}

    public record DataList(long count, int page, List<DataItem> data) {}

    public static DataList ofSample(Handle h, long sampleId, Paging paging) {
        return list(h, "d.sample_id = :id", sampleId, paging);
    }

    public static DataList ofProject(Handle h, long projectId, Paging paging) {
        return list(h, "(d.sample_id IN (SELECT id FROM samples WHERE project_id = :id) OR d.project_id = :id)", projectId, paging);
    }

    private static DataList list(Handle h, String condition, long id, Paging paging) {
        return Listing.read(h, paging, "SELECT count(*) FROM data d WHERE " + condition,
                "SELECT d.id, d.filename, d.size, d.data_type, d.created, s.id AS sample_id, s.name AS sample_name "
                        + "FROM data d LEFT JOIN samples s ON s.id = d.sample_id WHERE " + condition
                        + " ORDER BY d.created DESC, d.id DESC " + paging.sql(),
                q -> q.bind("id", id),
                (rs, ctx) -> new DataItem(rs.getLong("id"), rs.getString("filename"), rs.getLong("size"), rs.getString("data_type"),
                        rs.getObject("created", java.time.OffsetDateTime.class).toInstant(),
                        rs.getObject("sample_id") == null ? null : new SampleRef(rs.getLong("sample_id"), rs.getString("sample_name"))),
                DataList::new);
    }
}
