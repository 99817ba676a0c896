package bio.flow.executions;

import bio.flow.storage.Trees;
import bio.flow.access.AccessPolicy;
import bio.flow.access.Level;
import bio.flow.access.Resource;
import bio.flow.access.Shareable;
import bio.flow.access.Sharing;
import bio.flow.data.DataFiles;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Json;
import bio.flow.users.UserRef;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executions as their readers see them ({@code GET /executions/{id}}), and what is particular to executions when they
 * are shared, transferred and deleted ({@link Shareable}): outputs change hands with the run, and a delete takes the
 * outputs' bytes and the run directory with it, but never a run still going nor outputs that later runs read.
 *
 * <p>What a reader of an execution sees of the things it links to: its inputs (samples, filesets, data) are listed
 * only when the reader may read them; the others are left out and only counted ({@code inputs.hidden}), so that an
 * input shared with the run's owner alone is not revealed, not even by its id (a data parameter's file shows as null
 * in {@code data_params}). Its project is named only when the
 * reader may read the project. Outputs are all readable by whoever reads the run (the policy covers them); the sample
 * an output was traced to is named only when readable.
 */
public final class Executions implements Shareable<Executions.ExecutionDetail> {
    private static final Logger log = LoggerFactory.getLogger(Executions.class);
    /** The log lines {@code GET /executions/{id}} shows at most: the last ones; {@code logs_total} counts all. */
    public static final int MAX_LOGS = 1000;
    /**
     * The tasks and the outputs {@code GET /executions/{id}} shows at most (the first ones, in order; the
     * {@code _total}s count all): a run of thousands of samples would otherwise make one answer of tens of MB.
     */
    public static final int MAX_LISTED = 10_000;

    private final Jdbi jdbi;
    private final AccessPolicy policy;
    private final DataFiles dataFiles;
    private final Path workDir;

    public Executions(Jdbi jdbi, AccessPolicy policy, DataFiles dataFiles, Path workDir) {
        this.jdbi = jdbi;
        this.policy = policy;
        this.dataFiles = dataFiles;
        this.workDir = workDir;
    }

    public record Ref(long id, String name) {}

    public record LogLine(Instant timestamp, String process, String message) {}

    /** One task Nextflow ran; {@code duration} in seconds (null until it ends). */
    public record ProcessExecution(String process, String name, String status, Integer exit_code, Double duration, Instant started,
                                   Instant finished, String native_id) {}

    public record DataInput(long id, String filename, String param) {}

    public record Inputs(List<Ref> samples, List<Ref> filesets, List<DataInput> data, int hidden) {}

    public record Output(long id, String filename, long size, String data_type, String process, Ref sample) {}

    public record ExecutionDetail(long id, String name, String status, int progress, String pipeline, String pipeline_version,
                                  Long pipeline_id, Long pipeline_version_id, Instant created, Instant started, Instant finished,
                                  UserRef owner, Ref project, JsonNode params, JsonNode data_params, String error,
                                  List<LogLine> logs, long logs_total, List<ProcessExecution> process_executions,
                                  long process_executions_total, Inputs inputs, List<Output> outputs, long outputs_total,
                                  Level.Permissions permissions) {}

    public ExecutionDetail get(Optional<Caller> caller, long id) {
        return jdbi.withHandle(h -> detail(h, id, caller, policy.require(h, Resource.EXECUTION, id, caller, Level.READ)));
    }

    @Override
    public ExecutionDetail detail(Handle h, long id, Caller caller, int level) {
        return detail(h, id, Optional.of(caller), level);
    }

    private ExecutionDetail detail(Handle h, long id, Optional<Caller> caller, int level) {
        return AccessPolicy.bindCaller(h.createQuery("SELECT e.*, e.params::text AS params_text, e.data_params::text AS data_params_text, "
                        + "v.pipeline_id, u.username, p.name AS project_name, CASE WHEN p.id IS NULL THEN false ELSE "
                        + AccessPolicy.projectReadable("p") + " END AS project_readable, "
                        + "(SELECT count(*) FROM execution_logs l WHERE l.execution_id = e.id) AS logs_total, "
                        + "(SELECT count(*) FROM process_executions x WHERE x.execution_id = e.id) AS processes_total, "
                        + "(SELECT count(*) FROM data d WHERE d.execution_id = e.id) AS outputs_total "
                        + "FROM executions e JOIN users u ON u.id = e.owner_id LEFT JOIN pipeline_versions v ON v.id = e.pipeline_version_id "
                        + "LEFT JOIN projects p ON p.id = e.project_id WHERE e.id = :id"), caller)
                .bind("id", id)
                .map((rs, ctx) -> new ExecutionDetail(rs.getLong("id"), rs.getString("name"), rs.getString("status"), rs.getInt("progress"),
                        rs.getString("pipeline"), rs.getString("pipeline_version"), (Long) rs.getObject("pipeline_id"),
                        (Long) rs.getObject("pipeline_version_id"), ExecutionListing.instant(rs, "created"),
                        ExecutionListing.instant(rs, "started"), ExecutionListing.instant(rs, "finished"),
                        new UserRef(rs.getLong("owner_id"), rs.getString("username")),
                        rs.getBoolean("project_readable") ? new Ref(rs.getLong("project_id"), rs.getString("project_name")) : null,
                        json(rs.getString("params_text")), dataParams(h, rs.getString("data_params_text"), caller),
                        rs.getString("error"), logs(h, id), rs.getLong("logs_total"), processes(h, id), rs.getLong("processes_total"),
                        inputs(h, id, caller), outputs(h, id, caller), rs.getLong("outputs_total"), Level.Permissions.of(level)))
                .one();
    }

    /** {@code {"param": data_id}}, with null for the files the caller may not read: which file it was is not revealed. */
    private JsonNode dataParams(Handle h, String text, Optional<Caller> caller) {
        com.fasterxml.jackson.databind.node.ObjectNode params = (com.fasterxml.jackson.databind.node.ObjectNode) json(text);
        List<Long> ids = new ArrayList<>();
        params.forEach(v -> { if (v.canConvertToLong()) ids.add(v.asLong()); });
        Set<Long> readable = policy.readable(h, Resource.DATA, ids, caller);
        params.fields().forEachRemaining(e -> {
            if (!e.getValue().canConvertToLong() || !readable.contains(e.getValue().asLong())) e.setValue(com.fasterxml.jackson.databind.node.NullNode.getInstance());
        });
        return params;
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The last {@link #MAX_LOGS} lines, oldest first. */
    private static List<LogLine> logs(Handle h, long id) {
        return h.createQuery("SELECT * FROM (SELECT id, time, process, message FROM execution_logs WHERE execution_id = :id "
                        + "ORDER BY id DESC LIMIT " + MAX_LOGS + ") l ORDER BY id")
                .bind("id", id)
                .map((rs, ctx) -> new LogLine(ExecutionListing.instant(rs, "time"), rs.getString("process"), rs.getString("message")))
                .list();
    }

    /** The first {@link #MAX_LISTED} tasks of every launch (a resumed run is a new launch), in the order Nextflow numbered them. */
    private static List<ProcessExecution> processes(Handle h, long id) {
        return h.createQuery("SELECT * FROM process_executions WHERE execution_id = :id ORDER BY launch, task_id LIMIT " + MAX_LISTED)
                .bind("id", id)
                .map((rs, ctx) -> {
                    Long ms = (Long) rs.getObject("duration_ms");
                    return new ProcessExecution(rs.getString("process"), rs.getString("name"), rs.getString("status"),
                            (Integer) rs.getObject("exit_code"), ms == null ? null : ms / 1000.0, ExecutionListing.instant(rs, "started"),
                            ExecutionListing.instant(rs, "finished"), rs.getString("native_id"));
                })
                .list();
    }

    /** The inputs the caller may read; the others only counted (see the class comment). */
    private Inputs inputs(Handle h, long id, Optional<Caller> caller) {
        List<Ref> samples = h.createQuery("SELECT s.id, s.name FROM execution_samples x JOIN samples s ON s.id = x.sample_id "
                        + "WHERE x.execution_id = :id ORDER BY s.id")
                .bind("id", id).map((rs, ctx) -> new Ref(rs.getLong("id"), rs.getString("name"))).list();
        // A fileset is readable with its sample.
        List<long[]> filesetSamples = new ArrayList<>();
        List<Ref> filesets = h.createQuery("SELECT f.id, f.name, f.sample_id FROM execution_filesets x JOIN filesets f ON f.id = x.fileset_id "
                        + "WHERE x.execution_id = :id ORDER BY f.id")
                .bind("id", id).map((rs, ctx) -> {
                    filesetSamples.add(new long[] {rs.getLong("id"), rs.getLong("sample_id")});
                    return new Ref(rs.getLong("id"), rs.getString("name"));
                }).list();
        List<DataInput> data = h.createQuery("SELECT d.id, d.filename, x.param FROM execution_data x JOIN data d ON d.id = x.data_id "
                        + "WHERE x.execution_id = :id ORDER BY d.id")
                .bind("id", id).map((rs, ctx) -> new DataInput(rs.getLong("id"), rs.getString("filename"), rs.getString("param"))).list();

        Set<Long> readableSamples = policy.readable(h, Resource.SAMPLE,
                java.util.stream.Stream.concat(samples.stream().map(Ref::id), filesetSamples.stream().map(f -> f[1])).toList(), caller);
        Set<Long> readableData = policy.readable(h, Resource.DATA, data.stream().map(DataInput::id).toList(), caller);
        Map<Long, Long> sampleOfFileset = new java.util.HashMap<>();
        filesetSamples.forEach(f -> sampleOfFileset.put(f[0], f[1]));
        List<Ref> shownSamples = samples.stream().filter(s -> readableSamples.contains(s.id())).toList();
        List<Ref> shownFilesets = filesets.stream().filter(f -> readableSamples.contains(sampleOfFileset.get(f.id()))).toList();
        List<DataInput> shownData = data.stream().filter(d -> readableData.contains(d.id())).toList();
        int hidden = samples.size() - shownSamples.size() + filesets.size() - shownFilesets.size() + data.size() - shownData.size();
        return new Inputs(shownSamples, shownFilesets, shownData, hidden);
    }

    /** The data the run made, each with the process that published it and the input sample it was traced to (when readable). */
    private List<Output> outputs(Handle h, long id, Optional<Caller> caller) {
        return AccessPolicy.bindCaller(h.createQuery("SELECT d.id, d.filename, d.size, d.data_type, d.execution_process, "
                        + "CASE WHEN " + AccessPolicy.sampleReadable("s", "sp") + " THEN s.id END AS sample_id, s.name AS sample_name "
                        + "FROM data d LEFT JOIN samples s ON s.id = d.source_sample_id LEFT JOIN projects sp ON sp.id = s.project_id "
                        + "WHERE d.execution_id = :id ORDER BY d.filename, d.id LIMIT " + MAX_LISTED), caller)
                .bind("id", id)
                .map((rs, ctx) -> new Output(rs.getLong("id"), rs.getString("filename"), rs.getLong("size"), rs.getString("data_type"),
                        rs.getString("execution_process"),
                        rs.getObject("sample_id") == null ? null : new Ref(rs.getLong("sample_id"), rs.getString("sample_name"))))
                .list();
    }

    /** The outputs change hands with the run, as a project's samples do: they are what the run was. */
    @Override
    public void transferred(Handle h, long id, Sharing.Transfer t) {
        h.createUpdate("UPDATE data SET owner_id = :new WHERE execution_id = :id AND owner_id = :old")
                .bind("new", t.newOwner()).bind("old", t.oldOwner()).bind("id", id).execute();
    }

    @Override
    public String deletedMessage(long id) {
        return "execution " + id + " and its outputs were deleted";
    }

    /**
     * Refuses (409, nothing deleted) when one of the executions is pending or running (cancel it first), or when
     * another execution read one of their outputs (that run's inputs would vanish under it: {@code details.used}
     * names each output and the executions that read it). Else the outputs' bytes and the run directories go once
     * the delete has committed. The executions are locked first, so that no worker claims one in between; then
     * their outputs (FOR UPDATE), so that no run is submitted on one between the check and the delete (a
     * submission locks its input files FOR KEY SHARE, and one that comes after finds them gone: 404). Outputs
     * that were handed to another user (see {@link #transferred}: data transferred on its own keeps its new owner)
     * are no longer the execution's to delete: they are detached from it first and stay, as plain data of their
     * owner (the process that published them is kept; it is shown only with a readable execution).
     */
    @Override
    public Runnable deleting(Handle h, Collection<Long> ids) {
        List<Map<String, Object>> active = h.createQuery("SELECT id, status FROM executions WHERE id = ANY(:ids) ORDER BY id FOR UPDATE")
                .bindArray("ids", Long.class, ids)
                .map((rs, ctx) -> Map.<String, Object>of("id", rs.getLong("id"), "status", rs.getString("status")))
                .filter(e -> e.get("status").equals("pending") || e.get("status").equals("running"))
                .list();
        if (!active.isEmpty()) {
            throw ApiException.conflict(active.stream().map(e -> "execution " + e.get("id") + " is " + e.get("status"))
                            .reduce((a, b) -> a + ", " + b).orElseThrow() + ": cancel it first",
                    Map.of("executions", active));
        }
        h.createQuery("SELECT id FROM data WHERE execution_id = ANY(:ids) ORDER BY id FOR UPDATE")
                .bindArray("ids", Long.class, ids).mapTo(Long.class).list();
        h.createUpdate("UPDATE data d SET execution_id = NULL, execution_path = NULL FROM executions e "
                        + "WHERE e.id = d.execution_id AND d.execution_id = ANY(:ids) AND d.owner_id <> e.owner_id")
                .bindArray("ids", Long.class, ids).execute();
        List<Map<String, Object>> used = h.createQuery("SELECT d.id, d.filename, array_agg(DISTINCT x.execution_id ORDER BY x.execution_id) AS used_by "
                        + "FROM data d JOIN execution_data x ON x.data_id = d.id "
                        + "WHERE d.execution_id = ANY(:ids) AND NOT x.execution_id = ANY(:ids) GROUP BY d.id, d.filename ORDER BY d.id")
                .bindArray("ids", Long.class, ids)
                .map((rs, ctx) -> Map.<String, Object>of("id", rs.getLong("id"), "filename", rs.getString("filename"),
                        "executions", List.of((Long[]) rs.getArray("used_by").getArray())))
                .list();
        if (!used.isEmpty()) {
            throw ApiException.conflict("outputs were used as inputs by later executions, which would lose them: "
                            + used.stream().map(u -> "data " + u.get("id") + " (" + u.get("filename") + ") by execution "
                                    + ((List<?>) u.get("executions")).stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElseThrow())
                            .reduce((a, b) -> a + "; " + b).orElseThrow(),
                    Map.of("used", used));
        }
        Runnable bytes = dataFiles.bytesGoingWith(h, Resource.EXECUTION, ids);
        List<Long> runs = List.copyOf(ids);
        return () -> {
            bytes.run();
            for (long id : runs) removeTree(RunDirectory.of(workDir, id).root());
        };
    }

    /** Removes a run directory; what cannot be removed is logged and left. */
    private static void removeTree(Path root) {
        try {
            Trees.delete(root);
        } catch (IOException e) {
            log.warn("could not remove the run directory {} of a deleted execution: {}", root, e.toString());
        }
    }

    /** The run directory of an execution the caller may read (404 otherwise). */
    public RunDirectory runDirectory(Optional<Caller> caller, long id) {
        policy.require(Resource.EXECUTION, id, caller, Level.READ);
        return RunDirectory.of(workDir, id);
    }
}
