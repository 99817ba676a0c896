package bio.flow.executions;

import bio.flow.access.AccessPolicy;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Listing;
import bio.flow.http.Paging;
import bio.flow.users.UserRef;
import io.javalin.http.Context;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Listing executions: the caller's own and those shared with them ({@code GET /executions/owned}, {@code /shared}),
 * and the executions under another resource ({@code GET /projects/<id>/executions}, {@code /samples/<id>/executions},
 * {@code /filesets/<id>/executions}, {@code /data/<id>/downstream}). Callers of the latter check read access to that
 * resource first; an execution on it is listed only when the caller may read the execution too
 * ({@link AccessPolicy#executionReadable}): reading a sample does not open the runs others made of it.
 */
public final class ExecutionListing {
    /** The states an execution moves through, the values of the {@code status} filter. */
    public static final List<String> STATUSES = List.of("pending", "running", "completed", "failed", "canceled");
    /** The most executions the unpaged lists (a fileset's, a data file's downstream) show: the newest. */
    public static final int MAX_UNPAGED = 1000;

    private ExecutionListing() {}

    public record ExecutionItem(long id, String name, String pipeline, String pipeline_version, String status, int progress,
                                Instant created, Instant started, Instant finished, UserRef owner) {}

    public record ExecutionList(long count, int page, List<ExecutionItem> executions) {}

    /** An execution that used a fileset or data file. */
    public record UsedBy(long id, String name, String pipeline, String status) {}

    public record UsedByList(List<UsedBy> executions) {}

    /** Which of the caller's executions {@link #ofCaller} lists. */
    public enum Scope { OWNED, SHARED }

    /**
     * The filters of {@code GET /executions/owned}, {@code /shared} and {@code /search}: a status
     * ({@link #STATUSES}), a pipeline id (any of its versions).
     */
    public record Filters(Optional<String> status, Optional<Long> pipeline) {
        public static Filters from(Context ctx) {
            String status = ctx.queryParam("status");
            if (status != null && !STATUSES.contains(status)) {
                throw ApiException.invalid("status: must be one of " + String.join(", ", STATUSES),
                        java.util.Map.of("field", "status", "allowed", STATUSES));
            }
            String pipeline = ctx.queryParam("pipeline");
            if (pipeline != null && !pipeline.matches("[1-9]\\d{0,17}")) throw ApiException.invalid("pipeline", "must be a pipeline's id (a whole number)");
            return new Filters(Optional.ofNullable(status), Optional.ofNullable(pipeline).map(Long::parseLong));
        }

        /** SQL conditions on the execution row {@code e}, bound as :status and :pipeline ({@link #bind}); empty for none. */
        public List<String> sql(String e) {
            List<String> where = new ArrayList<>();
            status.ifPresent(s -> where.add(e + ".status = :status"));
            pipeline.ifPresent(p -> where.add(e + ".pipeline_version_id IN (SELECT id FROM pipeline_versions WHERE pipeline_id = :pipeline)"));
            return where;
        }

        public <S extends SqlStatement<S>> S bind(S q) {
            status.ifPresent(s -> q.bind("status", s));
            pipeline.ifPresent(p -> q.bind("pipeline", p));
            return q;
        }
    }

    /** SQL: the execution items ({@link #ROW}) whose ids {@code idsSql} selects (a page of them), newest first. */
    public static String items(String idsSql) {
        return "SELECT e.id, e.name, e.pipeline, e.pipeline_version, e.status, e.progress, e.created, e.started, e.finished, "
                + "e.owner_id, u.username FROM executions e JOIN users u ON u.id = e.owner_id "
                + "WHERE e.id IN (" + idsSql + ") ORDER BY e.created DESC, e.id DESC";
    }

    /** Reads a row of {@link #items}. */
    public static final RowMapper<ExecutionItem> ROW = (rs, ctx) -> item(rs);

    /**
     * The caller's own executions, or those shared with them ({@link AccessPolicy#SHARED_EXECUTION_KEYS}), newest
     * first, filtered. Counts and pages over the keys (id, created), then reads the page's rows.
     */
    public static ExecutionList ofCaller(Handle h, Caller caller, Scope scope, Paging paging, Filters filters) {
        String keys = scope == Scope.OWNED ? "SELECT e.id, e.created FROM executions e WHERE e.owner_id = :caller" : AccessPolicy.SHARED_EXECUTION_KEYS;
        List<String> where = filters.sql("f");
        String from = "(" + keys + ") k" + (where.isEmpty() ? "" : " JOIN executions f ON f.id = k.id AND " + String.join(" AND ", where));
        return Listing.read(h, paging, "SELECT count(*) FROM " + from,
                items("SELECT k.id FROM " + from + " ORDER BY k.created DESC, k.id DESC " + paging.sql()),
                q -> filters.bind(AccessPolicy.bindCaller(q, Optional.of(caller))), ROW, ExecutionList::new);
    }

    /** The executions attached to the project that the caller may read. */
    public static ExecutionList ofProject(Handle h, Optional<Caller> caller, long projectId, Paging paging) {
        return under(h, caller, "e.project_id = :id", projectId, paging);
    }

    /** The executions that took the sample as input that the caller may read. */
    public static ExecutionList ofSample(Handle h, Optional<Caller> caller, long sampleId, Paging paging) {
        return under(h, caller, "e.id IN (SELECT execution_id FROM execution_samples WHERE sample_id = :id)", sampleId, paging);
    }

    /** The executions that took the fileset as input that the caller may read, newest first (at most {@link #MAX_UNPAGED}). */
    public static UsedByList ofFileset(Handle h, Optional<Caller> caller, long filesetId) {
        return usedBy(h, caller, "e.id IN (SELECT execution_id FROM execution_filesets WHERE fileset_id = :id)", filesetId);
    }

    /** The executions that read the data file that the caller may read, newest first (at most {@link #MAX_UNPAGED}). */
    public static UsedByList ofData(Handle h, Optional<Caller> caller, long dataId) {
        return usedBy(h, caller, "e.id IN (SELECT execution_id FROM execution_data WHERE data_id = :id)", dataId);
    }

    private static ExecutionList under(Handle h, Optional<Caller> caller, String condition, long id, Paging paging) {
        String where = condition + " AND " + AccessPolicy.executionReadable("e", "p");
        String from = " FROM executions e LEFT JOIN projects p ON p.id = e.project_id WHERE " + where;
        return Listing.read(h, paging, "SELECT count(*)" + from,
                items("SELECT e.id" + from + " ORDER BY e.created DESC, e.id DESC " + paging.sql()),
                q -> bind(q, caller, id), ROW, ExecutionList::new);
    }

    private static UsedByList usedBy(Handle h, Optional<Caller> caller, String condition, long id) {
        return new UsedByList(bind(h.createQuery("SELECT e.id, e.name, e.pipeline, e.status FROM executions e "
                        + "LEFT JOIN projects p ON p.id = e.project_id WHERE " + condition + " AND " + AccessPolicy.executionReadable("e", "p")
                        + " ORDER BY e.created DESC, e.id DESC LIMIT " + MAX_UNPAGED), caller, id)
                .map((rs, ctx) -> new UsedBy(rs.getLong("id"), rs.getString("name"), rs.getString("pipeline"), rs.getString("status")))
                .list());
    }

    private static Query bind(Query q, Optional<Caller> caller, long id) {
        return AccessPolicy.bindCaller(q, caller).bind("id", id);
    }

    private static ExecutionItem item(ResultSet rs) throws SQLException {
        return new ExecutionItem(rs.getLong("id"), rs.getString("name"), rs.getString("pipeline"), rs.getString("pipeline_version"),
                rs.getString("status"), rs.getInt("progress"), instant(rs, "created"), instant(rs, "started"), instant(rs, "finished"),
                new UserRef(rs.getLong("owner_id"), rs.getString("username")));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
