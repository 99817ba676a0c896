package bio.flow.executions;

import bio.flow.access.AccessPolicy;
import bio.flow.access.Level;
import bio.flow.access.Resource;
import bio.flow.executions.RunInputs.SampleInput;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Check;
import bio.flow.http.Json;
import bio.flow.pipelines.PipelineVersions;
import bio.flow.pipelines.RunnableVersion;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementException;
import org.postgresql.util.PSQLException;

/**
 * Submitting a run of a pipeline version ({@code POST /pipelines/versions/{id}/run}): the checks, in this order,
 * then the execution and what it reads recorded in one transaction, as {@code pending} for the engine's workers.
 * <ol>
 *   <li>The caller may run pipelines ({@code can_run_pipelines}; admins have every right): else 403.</li>
 *   <li>The version exists (else 404) and is not retired (else 400: it can no longer be run; its executions stay).</li>
 *   <li>The name, when given, is 1 to 200 characters; by default "{@code <pipeline> <version>}".</li>
 *   <li>{@code parameters} and {@code data_params} fit the version ({@link PipelineVersions#checkParameters}): 400
 *       naming the parameter. A parameter given as null is left out.</li>
 *   <li>Every sample, fileset (through its sample) and data id given may be read by the caller: else 404 naming
 *       each, as for one that does not exist. A data parameter's file must be ready (else 409).</li>
 *   <li>The project, when given, may be changed by the caller (attaching a run is a change to the project): 404
 *       when they may not read it, 403 when they may only read it.</li>
 *   <li>At least one sample or fileset: both input styles hand the pipeline samples (a pipeline taking only data
 *       parameters would need an input style of its own). Each sample and fileset has reads
 *       ({@link RunInputs}: ready data with a read number, or FASTQ), which pair up; for a {@code reads_glob}
 *       version, all compressed or none, since one glob names them. Else 400 naming it.</li>
 * </ol>
 * The run records the samples and filesets given, and in {@code execution_data} every file it will read: the reads
 * (as they are now: reads added to a sample later are not this run's) and each data parameter's file, with the
 * parameter's name.
 */
public final class Submissions {
    private static final int MAX_IDS = 10_000;
    private static final int MAX_NAME = 200;

    private final Jdbi jdbi;
    private final AccessPolicy policy;
    private final Runnable wake;

    /** @param wake tells the engine's workers that a run is waiting (they also poll, so a no-op only delays it) */
    public Submissions(Jdbi jdbi, AccessPolicy policy, Runnable wake) {
        this.jdbi = jdbi;
        this.policy = policy;
        this.wake = wake;
    }

    public record RunRequest(String name, List<Long> samples, List<Long> filesets, Map<String, Object> parameters,
                             Map<String, Object> data_params, Long project) {}

    public record Submitted(long id, String name, String status, Instant created) {}

    public Submitted submit(Caller caller, long versionId, RunRequest r) {
        if (!caller.canRunPipelines() && !caller.isAdmin()) throw ApiException.forbidden("your account may not run pipelines");
        List<Long> sampleIds = ids("samples", r.samples());
        List<Long> filesetIds = ids("filesets", r.filesets());
        Optional<Caller> who = Optional.of(caller);
        Submitted submitted = jdbi.inTransaction(h -> {
            RunnableVersion v = PipelineVersions.runnable(h, versionId).orElseThrow(() -> ApiException.notFound("pipeline version " + versionId));
            if (v.retired()) {
                throw ApiException.invalid(v.pipeline() + " " + v.version() + " is retired: it can no longer be run", Map.of("version_id", versionId));
            }
            String name = r.name() == null ? defaultName(v) : Check.text("name", r.name(), 1, MAX_NAME);
            Map<String, Object> params = PipelineVersions.checkParameters(v, withoutNulls(r.parameters()), r.data_params());
            Map<String, Long> dataParams = new LinkedHashMap<>();
            if (r.data_params() != null) r.data_params().forEach((param, id) -> dataParams.put(param, ((Number) id).longValue()));

            Map<Long, Long> filesetSamples = new LinkedHashMap<>();
            h.createQuery("SELECT id, sample_id FROM filesets WHERE id = ANY(:ids)").bindArray("ids", Long.class, filesetIds)
                    .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getLong(2))).forEach(e -> filesetSamples.put(e.getKey(), e.getValue()));
            Set<Long> readableSamples = policy.readable(h, Resource.SAMPLE, union(sampleIds, filesetSamples.values()), who);
            Set<Long> readableData = policy.readable(h, Resource.DATA, new HashSet<>(dataParams.values()), who);
            List<String> unreadable = new ArrayList<>();
            sampleIds.stream().filter(id -> !readableSamples.contains(id)).forEach(id -> unreadable.add("sample " + id));
            filesetIds.stream().filter(id -> !readableSamples.contains(filesetSamples.get(id))).forEach(id -> unreadable.add("fileset " + id));
            new LinkedHashSet<>(dataParams.values()).stream().filter(id -> !readableData.contains(id)).forEach(id -> unreadable.add("data " + id));
            if (!unreadable.isEmpty()) throw ApiException.notFound(String.join(", ", unreadable));
            dataParams.forEach((param, id) -> {
                String status = h.createQuery("SELECT status FROM data WHERE id = :id").bind("id", id).mapTo(String.class).one();
                if (!status.equals("ready")) {
                    throw ApiException.conflict("data " + id + " (data_params." + param + ") is not ready (its status is " + status + ")",
                            Map.of("status", status, "parameter", param));
                }
            });
            if (r.project() != null) policy.require(h, Resource.PROJECT, r.project(), who, Level.EDIT);

            if (sampleIds.isEmpty() && filesetIds.isEmpty()) {
                throw ApiException.invalid("samples", "give at least one sample or fileset: " + v.pipeline() + " reads samples");
            }
            List<SampleInput> inputs = inputs(h, v, sampleIds, filesetIds);
            lockInputs(h, dataParams, inputs);

            var row = h.createQuery("INSERT INTO executions (name, status, pipeline, pipeline_version, pipeline_version_id, params, "
                            + "data_params, project_id, owner_id) VALUES (:name, 'pending', :pipeline, :version, :version_id, "
                            + "CAST(:params AS jsonb), CAST(:data_params AS jsonb), :project, :owner) RETURNING id, created")
                    .bind("name", name).bind("pipeline", v.pipeline()).bind("version", v.version()).bind("version_id", v.id())
                    .bind("params", json(params)).bind("data_params", json(dataParams)).bind("project", r.project())
                    .bind("owner", caller.id())
                    .map((rs, ctx) -> new Submitted(rs.getLong("id"), name, "pending", rs.getObject("created", OffsetDateTime.class).toInstant()))
                    .one();
            long id = row.id();
            try {
                h.createUpdate("INSERT INTO execution_samples (execution_id, sample_id) SELECT :e, unnest(:ids)")
                        .bind("e", id).bindArray("ids", Long.class, sampleIds).execute();
                h.createUpdate("INSERT INTO execution_filesets (execution_id, fileset_id) SELECT :e, unnest(:ids)")
                        .bind("e", id).bindArray("ids", Long.class, filesetIds).execute();
            } catch (StatementException e) {
                // The samples and filesets are not locked (their files are): one deleted since it was read is a 404.
                if (e.getCause() instanceof PSQLException p && "23503".equals(p.getSQLState())) throw ApiException.notFound(missingInput(p));
                throw e;
            }
            // A file named by two parameters, or both a read and a parameter's file, is recorded once, by the first.
            var data = h.prepareBatch("INSERT INTO execution_data (execution_id, data_id, param) VALUES (:e, :data, :param) ON CONFLICT DO NOTHING");
            dataParams.forEach((param, dataId) -> data.bind("e", id).bind("data", dataId).bind("param", param).add());
            reads(inputs).forEach(read -> data.bind("e", id).bind("data", read).bind("param", (String) null).add());
            data.execute(); // its files are locked (lockInputs)
            return row;
        });
        wake.run();
        return submitted;
    }

    /** The run's samples with their reads, each sample and fileset given having some, or a 400 naming it. */
    private static List<SampleInput> inputs(Handle h, RunnableVersion v, List<Long> sampleIds, List<Long> filesetIds) {
        List<SampleInput> inputs;
        try {
            inputs = RunInputs.of(h, "d.status = 'ready' AND (d.sample_id = ANY(:samples) OR d.fileset_id = ANY(:filesets))",
                    q -> q.bindArray("samples", Long.class, sampleIds).bindArray("filesets", Long.class, filesetIds));
        } catch (RunInputs.Unpairable e) {
            throw ApiException.invalid("samples", e.getMessage());
        }
        Set<Long> withReads = new HashSet<>();
        inputs.forEach(s -> withReads.add(s.sampleId()));
        for (long id : sampleIds) {
            if (!withReads.contains(id)) {
                String name = h.createQuery("SELECT name FROM samples WHERE id = :id").bind("id", id).mapTo(String.class).one();
                throw ApiException.invalid("samples", "sample " + name + " (" + id + ") has no reads: upload its FASTQ files first");
            }
        }
        if (!filesetIds.isEmpty()) {
            List<Long> empty = h.createQuery("SELECT f.id FROM filesets f WHERE f.id = ANY(:ids) AND NOT EXISTS (SELECT 1 FROM data d "
                            + "WHERE d.fileset_id = f.id AND d.status = 'ready' AND " + RunInputs.IS_READ + ") ORDER BY f.id")
                    .bindArray("ids", Long.class, filesetIds).mapTo(Long.class).list();
            if (!empty.isEmpty()) throw ApiException.invalid("filesets", "fileset " + empty.get(0) + " has no reads");
        }
        if (v.inputStyle().equals("reads_glob")) {
            Set<String> extensions = new LinkedHashSet<>();
            inputs.forEach(s -> s.pairs().forEach(p -> {
                extensions.add(RunInputs.extension(p.r1().file()));
                if (p.r2() != null) extensions.add(RunInputs.extension(p.r2().file()));
            }));
            if (extensions.size() > 1) {
                throw ApiException.invalid("samples", v.pipeline() + " takes its reads through one file pattern, so they must all be "
                        + "of one kind; these reads are " + String.join(" and ", extensions));
            }
        }
        return inputs;
    }

    /**
     * Locks the files the run will read (FOR KEY SHARE: they may still change, not go) until the run is recorded:
     * deleting an execution locks its outputs FOR UPDATE before it looks for runs that read them, so a run and the
     * delete of the execution that made its input happen one after the other, never interleaved. A file deleted
     * since it was read is a 404 naming it.
     */
    private static void lockInputs(Handle h, Map<String, Long> dataParams, List<SampleInput> inputs) {
        Set<Long> ids = new LinkedHashSet<>(dataParams.values());
        ids.addAll(reads(inputs));
        Set<Long> locked = new HashSet<>(h.createQuery("SELECT id FROM data WHERE id = ANY(:ids) ORDER BY id FOR KEY SHARE")
                .bindArray("ids", Long.class, ids).mapTo(Long.class).list());
        List<String> gone = ids.stream().filter(id -> !locked.contains(id)).map(id -> "data " + id).toList();
        if (!gone.isEmpty()) throw ApiException.notFound(String.join(", ", gone));
    }

    /** The ids of the read files of the run's samples, in their order. */
    private static List<Long> reads(List<SampleInput> inputs) {
        List<Long> ids = new ArrayList<>();
        for (SampleInput s : inputs) {
            for (RunInputs.Pair p : s.pairs()) {
                ids.add(p.r1().file().id());
                if (p.r2() != null) ids.add(p.r2().file().id());
            }
        }
        return ids;
    }

    /** The input a foreign-key violation names ("sample 5"), from PostgreSQL's detail "Key (sample_id)=(5) is not present...". */
    private static String missingInput(PSQLException p) {
        String detail = p.getServerErrorMessage() == null ? null : p.getServerErrorMessage().getDetail();
        Matcher m = detail == null ? null : Pattern.compile("Key \\((\\w+?)(?:_id)?\\)=\\((\\d+)\\)").matcher(detail);
        return m != null && m.find() ? m.group(1) + " " + m.group(2) : "an input of the run";
    }

    /** The parameters given a value: one given as null is left out, so that the pipeline's default applies. */
    private static Map<String, Object> withoutNulls(Map<String, Object> parameters) {
        if (parameters == null) return null;
        Map<String, Object> out = new LinkedHashMap<>(parameters);
        out.values().removeIf(java.util.Objects::isNull);
        return out;
    }

    private static String defaultName(RunnableVersion v) {
        String name = v.pipeline() + " " + v.version();
        return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
    }

    private static List<Long> ids(String field, List<Long> ids) {
        if (ids == null) return List.of();
        if (ids.contains(null)) throw ApiException.invalid(field, "ids must be whole numbers, not null");
        if (ids.size() > MAX_IDS) throw ApiException.invalid(field, "at most " + MAX_IDS + " ids at once");
        return List.copyOf(new LinkedHashSet<>(ids));
    }

    private static Set<Long> union(List<Long> a, java.util.Collection<Long> b) {
        Set<Long> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("parameters that came from JSON are JSON", e);
        }
    }
}
