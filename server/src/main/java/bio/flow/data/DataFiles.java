package bio.flow.data;

import bio.flow.access.AccessPolicy;
import bio.flow.access.Level;
import bio.flow.access.Resource;
import bio.flow.access.Shareable;
import bio.flow.http.Caller;
import bio.flow.storage.Storage;
import bio.flow.storage.StorageKey;
import bio.flow.users.UserRef;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data records: one file's metadata, as {@code GET /data/{id}} shows it to a caller who may read it, and what is
 * particular to data when it is shared, transferred and deleted ({@link Shareable}): deleting removes its bytes
 * once the record is gone.
 */
public final class DataFiles implements Shareable<DataFiles.DataDetail> {
    private static final Logger log = LoggerFactory.getLogger(DataFiles.class);

    private final Jdbi jdbi;
    private final AccessPolicy policy;
    private final Storage storage;

    public DataFiles(Jdbi jdbi, AccessPolicy policy, Storage storage) {
        this.jdbi = jdbi;
        this.policy = policy;
        this.storage = storage;
    }

    /** A sample, project or fileset the data belongs to. */
    public record Ref(long id, String name) {}

    public record DataDetail(long id, String filename, long size, String data_type, String compression, String md5, Instant created,
                             UserRef owner, Ref sample, Ref project, Ref fileset, Integer read_number, Integer lane, String status,
                             ImportProgress progress, String reason, Integrity integrity, Ref execution, String process,
                             Level.Permissions permissions) {}

    /**
     * What storage verification found of the record's bytes: {@code ok} (not marked: good when last verified, or not
     * verified yet), {@code missing} or {@code corrupt} with the reason and since when; and when it was last verified.
     */
    public record Integrity(String status, String reason, Instant marked, Instant verified) {}

    /** How far an import is: bytes stored so far, of {@code total} when the source said how many (else null). */
    public record ImportProgress(long bytes, Long total) {}

    public DataDetail get(Optional<Caller> caller, long id) {
        return jdbi.withHandle(h -> detail(h, id, caller, policy.require(h, Resource.DATA, id, caller, Level.READ)));
    }

    /**
     * The record as a caller with {@code level} on it sees it. Its sample and project are named only when the
     * caller may read them: data may be shared on its own, out of a private sample. So is the execution that made it
     * (with the process that published it), only when the caller may read that run.
     */
    public DataDetail detail(Handle h, long id, Optional<Caller> caller, int level) {
        return h.createQuery("SELECT d.*, u.username, s.name AS sample_name, p.name AS project_name, f.name AS fileset_name, "
                        + "i.bytes AS import_bytes, i.total AS import_total, i.reason AS import_reason, e.name AS execution_name "
                        + "FROM data d JOIN users u ON u.id = d.owner_id LEFT JOIN samples s ON s.id = d.sample_id "
                        + "LEFT JOIN projects p ON p.id = d.project_id LEFT JOIN filesets f ON f.id = d.fileset_id "
                        + "LEFT JOIN data_imports i ON i.data_id = d.id LEFT JOIN executions e ON e.id = d.execution_id WHERE d.id = :id")
                .bind("id", id)
                .map((rs, ctx) -> {
                    Long sampleId = (Long) rs.getObject("sample_id");
                    Long projectId = (Long) rs.getObject("project_id");
                    Long filesetId = (Long) rs.getObject("fileset_id");
                    String status = rs.getString("status");
                    boolean sampleReadable = sampleId != null && policy.readable(h, Resource.SAMPLE, sampleId, caller);
                    Long executionId = (Long) rs.getObject("execution_id");
                    boolean executionReadable = executionId != null && policy.readable(h, Resource.EXECUTION, executionId, caller);
                    return new DataDetail(rs.getLong("id"), rs.getString("filename"), rs.getLong("size"), rs.getString("data_type"),
                            rs.getString("compression"), rs.getString("md5"), rs.getObject("created", OffsetDateTime.class).toInstant(),
                            new UserRef(rs.getLong("owner_id"), rs.getString("username")),
                            sampleReadable ? new Ref(sampleId, rs.getString("sample_name")) : null,
                            projectId != null && policy.readable(h, Resource.PROJECT, projectId, caller) ? new Ref(projectId, rs.getString("project_name")) : null,
                            filesetId != null && sampleReadable ? new Ref(filesetId, rs.getString("fileset_name")) : null,
                            (Integer) rs.getObject("read_number", Integer.class), (Integer) rs.getObject("lane"),
                            status,
                            status.equals("importing") ? new ImportProgress(rs.getLong("import_bytes"), (Long) rs.getObject("import_total")) : null,
                            status.equals("failed") ? rs.getString("import_reason") : null,
                            integrity(rs), executionReadable ? new Ref(executionId, rs.getString("execution_name")) : null,
                            executionReadable ? rs.getString("execution_process") : null, Level.Permissions.of(level));
                })
                .one();
    }

    /**
     * The ids among {@code ids} whose bytes under {@code data/<id>} belong to something: a data record, or an upload
     * whose reserved record id it is (a completion a stop interrupted may have moved its bytes there). The one rule
     * for what is an orphan, used by the housekeeping that removes orphans and the verification that reports them.
     */
    public static Set<Long> claimedIds(Handle h, Collection<Long> ids) {
        return new HashSet<>(h.createQuery("SELECT id FROM data WHERE id = ANY(:ids) "
                        + "UNION ALL SELECT record_id FROM uploads WHERE record_id = ANY(:ids)")
                .bindArray("ids", Long.class, ids).mapTo(Long.class).list());
    }

    private static Integrity integrity(ResultSet rs) throws SQLException {
        String marked = rs.getString("integrity");
        return new Integrity(marked == null ? "ok" : marked, rs.getString("integrity_reason"), instant(rs, "integrity_marked"), instant(rs, "verified"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    @Override
    public DataDetail detail(Handle h, long id, Caller caller, int level) {
        return detail(h, id, Optional.of(caller), level);
    }

    @Override
    public String deletedMessage(long id) {
        return "data " + id + " was deleted";
    }

    @Override
    public Runnable deleting(Handle h, Collection<Long> ids) {
        return bytesGoingWith(h, Resource.DATA, ids);
    }

    /**
     * Called in a transaction that is about to delete these projects, samples, data or executions (whose data the database's
     * cascades delete too): the removal of those data's stored bytes, to run once the delete has committed. The
     * bytes go after the records: a failure leaves files no record names, never a record without its bytes.
     */
    public Runnable bytesGoingWith(Handle h, Resource deleted, Collection<Long> ids) {
        String which = switch (deleted) {
            case DATA -> "SELECT id FROM data WHERE id = ANY(:ids)";
            case EXECUTION -> "SELECT id FROM data WHERE execution_id = ANY(:ids)";
            case SAMPLE -> "SELECT id FROM data WHERE sample_id = ANY(:ids) "
                    + "OR fileset_id IN (SELECT id FROM filesets WHERE sample_id = ANY(:ids))";
            case PROJECT -> "SELECT id FROM data WHERE project_id = ANY(:ids) OR sample_id IN (SELECT id FROM samples WHERE project_id = ANY(:ids)) "
                    + "OR fileset_id IN (SELECT f.id FROM filesets f JOIN samples s ON s.id = f.sample_id WHERE s.project_id = ANY(:ids))";
        };
        List<Long> dataIds = h.createQuery(which).bindArray("ids", Long.class, ids).mapTo(Long.class).list();
        return () -> {
            for (long id : dataIds) {
                try {
                    storage.delete(StorageKey.of("data", id));
                } catch (IOException e) {
                    log.warn("could not remove the bytes of deleted data {}: {}", id, e.toString());
                }
            }
        };
    }
}
