package bio.flow.executions;

import static bio.flow.testing.PipelineRuns.latestVersion;
import static bio.flow.testing.PipelineRuns.output;
import static bio.flow.testing.PipelineRuns.text;
import static bio.flow.testing.PipelineRuns.uploadRead;
import static bio.flow.testing.PipelineRuns.waitUntilFinished;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.FlowProcess;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test of Flow past one machine, with real processes: one external PostgreSQL (started here), shared
 * storage, work and pipelines directories, two API servers ({@code ./flow serve}, FLOW_WORKERS=0) and two
 * {@code ./flow worker} processes (two "hosts", two executions at once each). Requests go round-robin to the servers;
 * 40 executions of the shipped FASTQ QC pipeline are submitted, one worker is killed with SIGKILL while it runs some;
 * every execution completes exactly once with its own sample's statistics, and no task of a run ran while an earlier
 * launch of that run still had one going. Runs after packaging (failsafe); about 4 minutes here.
 */
class ClusterIT {
    private static final int EXECUTIONS = 40;
    private static final int LEASE_SECONDS = 12;

    @Test
    void twoServersAndTwoWorkersRunFortyExecutionsOnceEachThoughAWorkerIsKilled(@TempDir Path dir) throws Exception {
        int dbPort = FlowProcess.freePort();
        List<FlowProcess> processes = new ArrayList<>();
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(true)
                .setOverrideWorkingDirectory(Files.createDirectories(dir.resolve("pg-runtime")).toFile()).setPort(dbPort)
                .setServerConfig("max_connections", "200")
                // the binaries are on failsafe's class path twice (their jar and the shaded server jar): take the first
                .setPgBinaryResolver((system, architecture) -> ClusterIT.class.getResourceAsStream("/postgres-" + system.toLowerCase(java.util.Locale.ROOT) + "-" + architecture + ".txz"))
                .start()) {
            String url = "jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres";
            Map<String, String> shared = new HashMap<>(Map.of("FLOW_DATABASE_URL", url, "FLOW_DATABASE_USER", "postgres",
                    "FLOW_JWT_SECRET", "cluster-test-secret-cluster-test-secret-0123",
                    "FLOW_WORK_DIR", Files.createDirectories(dir.resolve("shared/work")).toString(),
                    "FLOW_STORAGE_DIR", Files.createDirectories(dir.resolve("shared/storage")).toString(),
                    "FLOW_PIPELINES_DIR", Files.createDirectories(dir.resolve("shared/pipelines")).toString(),
                    "FLOW_WORKER_LEASE_SECONDS", Integer.toString(LEASE_SECONDS), "FLOW_DATABASE_POOL_SIZE", "8"));
            // The servers one after the other: the first migrates the database and registers the shipped pipelines.
            FlowProcess api1 = FlowProcess.launch(dir.resolve("api1"), with(shared, Map.of("FLOW_WORKERS", "0")), "022");
            processes.add(api1);
            api1.awaitPong();
            FlowProcess api2 = FlowProcess.launch(dir.resolve("api2"), with(shared, Map.of("FLOW_WORKERS", "0")), "022");
            processes.add(api2);
            api2.awaitPong();
            FlowProcess w1 = FlowProcess.worker(dir.resolve("w1"), with(shared, Map.of("FLOW_WORKERS", "2", "FLOW_WORKER_HOST", "host-1")));
            processes.add(w1);
            FlowProcess w2 = FlowProcess.worker(dir.resolve("w2"), with(shared, Map.of("FLOW_WORKERS", "2", "FLOW_WORKER_HOST", "host-2")));
            processes.add(w2);
            Jdbi db = Jdbi.create(url, "postgres", "");

            Api signup = api1.client();
            Api.Res r = signup.post("/signup", Map.of("username", "clusterer", "email", "c@example.org", "password", Users.PASSWORD));
            assertThat(r.status()).isEqualTo(201);
            String token = r.json().path("access_token").asText();
            long userId = r.json().path("user").path("id").asLong();
            List<Users.Account> via = List.of(new Users.Account(userId, "clusterer", "c@example.org", api1.client().as(token)),
                    new Users.Account(userId, "clusterer", "c@example.org", api2.client().as(token)));
            long version = latestVersion(via.get(1).api(), "Quality Control", "FASTQ QC");
            long project = Fixtures.project(via.get(0), "Cluster", false);

            // Sample i has i + 1 reads of 6 bases: its summary says so, whichever worker ran it.
            List<Long> executions = new ArrayList<>();
            for (int i = 0; i < EXECUTIONS; i++) {
                Users.Account owner = via.get(i % 2);
                long sample = Fixtures.sample(owner, project, "s" + i);
                uploadRead(owner, sample, 1, null, "s" + i + "_1.fq", reads(i + 1).getBytes(StandardCharsets.US_ASCII));
                Api.Res run = owner.api().post("/pipelines/versions/" + version + "/run", Map.of(
                        "name", "cluster " + i, "samples", List.of(sample), "filesets", List.of(), "parameters", Map.of()));
                assertThat(run.status()).as("run: %s", run).isBetween(200, 201);
                executions.add(run.json().path("id").asLong());
            }

            // SIGKILL worker 1 once it runs two executions, one of them with a task going. (Asking for a task going in both at
            // the same 50 ms poll missed every moment on a loaded CI machine: these tasks last about a second.)
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!db.withHandle(h -> h.createQuery("SELECT count(*) >= 2 AND bool_or(EXISTS (SELECT 1 FROM process_executions p "
                    + "WHERE p.execution_id = e.id AND p.status = 'running')) FROM executions e "
                    + "WHERE e.status = 'running' AND e.worker LIKE 'host-1/%'").mapTo(Boolean.class).one())) {
                assertThat(System.nanoTime()).as("worker 1 runs two executions: %s", w1.output()).isLessThan(deadline);
                Thread.sleep(50);
            }
            List<Long> killedRuns = db.withHandle(h -> h.createQuery("SELECT id FROM executions WHERE status = 'running' AND worker LIKE 'host-1/%'")
                    .mapTo(Long.class).list());
            w1.process().destroyForcibly();
            w1.process().waitFor(10, TimeUnit.SECONDS);
            long killedAt = System.nanoTime();

            for (int i = 0; i < EXECUTIONS; i++) {
                Api api = via.get(i % 2).api();
                JsonNode done = waitUntilFinished(api, executions.get(i));
                assertThat(done.path("status").asText()).as("execution %d: %s", i, done).isEqualTo("completed");
                List<String> summary = text(api, output(done, "fastq_qc_summary.tsv")).lines().toList();
                assertThat(summary).hasSize(2);
                String[] row = summary.get(1).split("\t");
                assertThat(row[0]).isEqualTo("s" + i);
                assertThat(row[3]).as("reads of s%d", i).isEqualTo(Integer.toString(i + 1));
                assertThat(row[4]).as("bases of s%d", i).isEqualTo(Integer.toString(6 * (i + 1)));
            }
            System.out.printf("ClusterIT: all %d executions completed %.0f s after worker 1 was killed; taken over: %s%n", EXECUTIONS,
                    (System.nanoTime() - killedAt) / 1e9, killedRuns);

            for (long id : executions) {
                // completed once: one completion recorded, one set of outputs
                assertThat(count(db, "SELECT count(*) FROM execution_logs WHERE execution_id = :id AND message = 'Execution completed'", id)).isOne();
                assertThat(count(db, "SELECT count(*) - count(DISTINCT execution_path) FROM data WHERE execution_id = :id", id)).isZero();
                // no task of a later launch started before a task of an earlier launch had ended, nor an earlier one left running
                assertThat(count(db, "SELECT count(*) FROM process_executions a JOIN process_executions b ON b.execution_id = a.execution_id "
                        + "AND b.launch > a.launch AND b.status <> 'cached' WHERE a.execution_id = :id AND a.started IS NOT NULL "
                        + "AND (a.finished IS NULL OR b.started < a.finished)", id)).as("overlapping launches of %d", id).isZero();
            }
            // The killed worker's runs were finished by the other: resumed, or (a short run) ended by their Nextflow before
            // it would have stopped itself at half the lease; LeaseIT makes sure of a resume.
            for (long id : killedRuns) {
                assertThat(count(db, "SELECT resumes FROM executions WHERE id = :id", id)).as("resumes of %d", id).isBetween(0L, 1L);
                String worker = db.withHandle(h -> h.createQuery("SELECT worker FROM executions WHERE id = :id").bind("id", id).mapTo(String.class).one());
                assertThat(worker).startsWith("host-2/");
            }
            for (long id : killedRuns) {
                List<String> messages = db.withHandle(h -> h.createQuery("SELECT message FROM execution_logs WHERE execution_id = :id")
                        .bind("id", id).mapTo(String.class).list());
                assertThat(messages).as("log of %d", id).anyMatch(m -> m.equals("Another worker took the run over; Nextflow had ended meanwhile")
                        || m.startsWith("Nextflow stopped with the worker running it: starting it again with -resume (1 of at most 3, worker host-2/"));
            }
        } finally {
            for (FlowProcess p : processes) {
                if (p.process().isAlive()) p.stop();
            }
        }
    }

    private static long count(Jdbi db, String sql, long id) {
        return db.withHandle(h -> h.createQuery(sql).bind("id", id).mapTo(Long.class).one());
    }

    private static Map<String, String> with(Map<String, String> base, Map<String, String> more) {
        Map<String, String> out = new HashMap<>(base);
        out.putAll(more);
        return out;
    }

    private static String reads(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) b.append("@r").append(i).append("\nACGTAC\n+\nIIIIII\n");
        return b.toString();
    }
}
