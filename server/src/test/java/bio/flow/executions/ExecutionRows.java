package bio.flow.executions;

import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users.Account;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Executions made for the read side's tests by inserting the rows the engine and the run route fill (executions,
 * execution_samples/filesets/data, process_executions, execution_logs), and outputs as data uploaded through the
 * API and then linked to the execution: these tests look at what a run left, not at running one (the engine's
 * own tests cover the real chain from submission to outputs).
 */
final class ExecutionRows {
    private ExecutionRows() {}

    /** A finished (completed) execution of {@code owner}, attached to {@code project} when not null. */
    static long completed(TestServer server, Account owner, Long project) {
        return insert(server, owner, "completed", project, null);
    }

    /** An execution in {@code status}; {@code versionId} links it to a pipeline version when not null. */
    static long insert(TestServer server, Account owner, String status, Long project, Long versionId) {
        boolean started = !status.equals("pending");
        boolean finished = started && !status.equals("running");
        return server.jdbi().withHandle(h -> h.createQuery("INSERT INTO executions (name, status, pipeline, pipeline_version, "
                        + "pipeline_version_id, project_id, owner_id, params, started, finished, progress) VALUES (:name, :status, 'FASTQ QC', "
                        + "'1.0', :version, :project, :owner, '{\"min_quality\": 20}', "
                        + (started ? "now()" : "NULL") + ", " + (finished ? "now()" : "NULL") + ", :progress) RETURNING id")
                .bind("name", "run of " + owner.username()).bind("status", status).bind("version", versionId)
                .bind("project", project).bind("owner", owner.id()).bind("progress", status.equals("completed") ? 100 : 0)
                .mapTo(Long.class).one());
    }

    /** A data file uploaded by the execution's owner, then made an output of the execution, published by {@code process}. */
    static long output(TestServer server, Account owner, long execution, String filename, String content, String process, Long sourceSample) {
        long id = Fixtures.upload(owner, filename, content.getBytes(StandardCharsets.UTF_8), Map.of());
        server.jdbi().useHandle(h -> h.createUpdate("UPDATE data SET execution_id = :e, execution_process = :p, source_sample_id = :s WHERE id = :id")
                .bind("e", execution).bind("p", process).bind("s", sourceSample).bind("id", id).execute());
        return id;
    }

    /** Records that the execution read the data file (for the parameter {@code param}, or null for a sample's file). */
    static void read(TestServer server, long execution, long data, String param) {
        server.jdbi().useHandle(h -> h.createUpdate("INSERT INTO execution_data (execution_id, data_id, param) VALUES (:e, :d, :p)")
                .bind("e", execution).bind("d", data).bind("p", param).execute());
    }

    static void sample(TestServer server, long execution, long sample) {
        server.sql("INSERT INTO execution_samples (execution_id, sample_id) VALUES (" + execution + ", " + sample + ")");
    }

    static void fileset(TestServer server, long execution, long fileset) {
        server.sql("INSERT INTO execution_filesets (execution_id, fileset_id) VALUES (" + execution + ", " + fileset + ")");
    }

    /** A pipeline (in a category of its own) with one version; answers {pipeline id, version id}. */
    static long[] pipeline(TestServer server, String name) {
        return server.jdbi().withHandle(h -> {
            long category = h.createQuery("INSERT INTO pipeline_categories (name) VALUES (:n) RETURNING id").bind("n", "cat " + name)
                    .mapTo(Long.class).one();
            long pipeline = h.createQuery("INSERT INTO pipelines (name, category_id) VALUES (:n, :c) RETURNING id").bind("n", name)
                    .bind("c", category).mapTo(Long.class).one();
            long version = h.createQuery("INSERT INTO pipeline_versions (pipeline_id, version, source, directory, input_style, input_param) "
                            + "VALUES (:p, '1.0', '/nowhere', '/nowhere', 'samplesheet', 'input') RETURNING id")
                    .bind("p", pipeline).mapTo(Long.class).one();
            return new long[] {pipeline, version};
        });
    }

    static Map<String, Object> share(Account with, int permission) {
        return Map.of("users", java.util.List.of(with.username()), "permission", permission);
    }
}
