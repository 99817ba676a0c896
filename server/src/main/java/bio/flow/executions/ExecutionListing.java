package bio.flow.executions;

import bio.flow.http.Listing;
import bio.flow.http.Paging;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Listing executions as the listing endpoints show them ({@code GET /projects/<id>/executions},
 * {@code /samples/<id>/executions}). Callers check read access first: the executions attached to a
 * readable project, or run on a readable sample, are listed with it.
 */
public final class ExecutionListing {
    private ExecutionListing() {}

    public record ExecutionItem(long id, String name, String pipeline, String pipeline_version, String status, Instant created) {}

    public record ExecutionList(long count, int page, List<ExecutionItem> executions) {}

    public static ExecutionList ofProject(Handle h, long projectId, Paging paging) {
        return list(h, "e.project_id = :id", projectId, paging);
    }

    /** The executions that took the sample as input. */
    public static ExecutionList ofSample(Handle h, long sampleId, Paging paging) {
        return list(h, "e.id IN (SELECT execution_id FROM execution_samples WHERE sample_id = :id)", sampleId, paging);
    }

    private static ExecutionList list(Handle h, String condition, long id, Paging paging) {
        return Listing.read(h, paging, "SELECT count(*) FROM executions e WHERE " + condition,
                "SELECT e.id, e.name, e.pipeline, e.pipeline_version, e.status, e.created FROM executions e WHERE " + condition
                        + " ORDER BY e.created DESC, e.id DESC " + paging.sql(),
                q -> q.bind("id", id),
                (rs, ctx) -> new ExecutionItem(rs.getLong("id"), rs.getString("name"), rs.getString("pipeline"),
                        rs.getString("pipeline_version"), rs.getString("status"),
                        rs.getObject("created", java.time.OffsetDateTime.class).toInstant()),
                ExecutionList::new);
    }
}
