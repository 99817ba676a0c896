package bio.flow.data;

import bio.flow.access.AccessPolicy;
import bio.flow.access.Resource;
import bio.flow.auth.Authenticator;
import bio.flow.executions.ExecutionListing;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.PathIds;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /filesets/{id}} and {@code /filesets/{id}/executions}. A fileset is a sample's reads (made by
 * {@code POST /upload/sample}); whoever may read the sample may read it, and to anyone else it does not exist.
 */
public final class Filesets {
    private final Authenticator authenticator;
    private final Jdbi jdbi;
    private final AccessPolicy policy;

    public Filesets(Authenticator authenticator, Jdbi jdbi, AccessPolicy policy) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
        this.policy = policy;
    }

    public record FileRef(long id, String filename, int read_number, Integer lane) {}

    public record Fileset(long id, String name, DataFiles.Ref sample, List<FileRef> files) {}

    public void get(Context ctx) {
        Optional<Caller> caller = authenticator.optional(ctx);
        long id = PathIds.of(ctx, "id", "fileset");
        ctx.json(jdbi.withHandle(h -> {
            Fileset f = readable(h, id, caller);
            List<FileRef> files = h.createQuery("SELECT id, filename, read_number, lane FROM data "
                            + "WHERE fileset_id = :id AND status = 'ready' ORDER BY read_number, lane NULLS FIRST, id")
                    .bind("id", id)
                    .map((rs, c) -> new FileRef(rs.getLong("id"), rs.getString("filename"), rs.getInt("read_number"),
                            (Integer) rs.getObject("lane", Integer.class)))
                    .list();
            return new Fileset(f.id(), f.name(), f.sample(), files);
        }));
    }

    /** The executions that took the fileset as input, those the caller may read ({@link ExecutionListing#ofFileset}). */
    public void executions(Context ctx) {
        Optional<Caller> caller = authenticator.optional(ctx);
        long id = PathIds.of(ctx, "id", "fileset");
        ctx.json(jdbi.withHandle(h -> {
            readable(h, id, caller);
            return ExecutionListing.ofFileset(h, caller, id);
        }));
    }

    /** The fileset (without files) when the caller may read its sample; 404 otherwise. */
    private Fileset readable(Handle h, long id, Optional<Caller> caller) {
        Fileset f = h.createQuery("SELECT f.id, f.name, s.id AS sample_id, s.name AS sample_name FROM filesets f "
                        + "JOIN samples s ON s.id = f.sample_id WHERE f.id = :id")
                .bind("id", id)
                .map((rs, c) -> new Fileset(rs.getLong("id"), rs.getString("name"),
                        new DataFiles.Ref(rs.getLong("sample_id"), rs.getString("sample_name")), List.of()))
                .findOne().orElseThrow(() -> ApiException.notFound("fileset " + id));
        if (!policy.readable(h, Resource.SAMPLE, f.sample().id(), caller)) {
            throw ApiException.notFound("fileset " + id);
        }
        return f;
    }
}
