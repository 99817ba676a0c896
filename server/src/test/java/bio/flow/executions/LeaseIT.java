package bio.flow.executions;

import static bio.flow.testing.TestPipelines.awaitStatus;
import static bio.flow.testing.TestPipelines.awaitTask;
import static bio.flow.testing.TestPipelines.execution;
import static bio.flow.testing.TestPipelines.folder;
import static bio.flow.testing.TestPipelines.version;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.FlowProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases across hosts, with real processes: an API server (FLOW_WORKERS=0, its embedded PostgreSQL shared over TCP) and
 * two {@code ./flow worker} processes named as two hosts (FLOW_WORKER_HOST), each with its own data directory, sharing
 * the work and storage directories. The worker of "host-a" is killed with SIGKILL while a task runs; its Nextflow,
 * which it can no longer tell anything, stops itself at half the lease; the worker of "host-b" takes the run over once
 * the lease has passed, resumes it (finished tasks reused) and completes it, once. Runs after packaging (failsafe).
 */
class LeaseIT {
    private static final int LEASE_SECONDS = 12;

    @Test
    void aKilledWorkersRunIsTakenOverByAWorkerOfAnotherHostOnceItsLeaseHasPassed(@TempDir Path dir) throws Exception {
        int dbPort = FlowProcess.freePort();
        Path work = Files.createDirectories(dir.resolve("shared/work"));
        Path storage = Files.createDirectories(dir.resolve("shared/storage"));
        Map<String, String> shared = Map.of("FLOW_WORK_DIR", work.toString(), "FLOW_STORAGE_DIR", storage.toString(),
                "FLOW_WORKER_LEASE_SECONDS", Integer.toString(LEASE_SECONDS));
        Map<String, String> apiSettings = new HashMap<>(shared);
        apiSettings.putAll(Map.of("FLOW_EMBEDDED_DB_PORT", Integer.toString(dbPort), "FLOW_WORKERS", "0"));
        FlowProcess api = FlowProcess.launch(dir.resolve("api"), apiSettings, "022");
        FlowProcess a = null;
        FlowProcess b = null;
        ProcessHandle nextflowOfA = null;
        try {
            api.awaitPong();
            Jdbi db = Jdbi.create("jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres", "postgres",
                    Files.readString(dir.resolve("api/db-password")).strip());
            Map<String, String> workerSettings = new HashMap<>(shared);
            workerSettings.putAll(Map.of("FLOW_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres",
                    "FLOW_DATABASE_PASSWORD", Files.readString(dir.resolve("api/db-password")).strip(), "FLOW_WORKERS", "1"));
            assertThat(api.post("/signup", "{\"username\":\"leaser\",\"email\":\"l@example.org\",\"password\":\"long-password-1\"}").statusCode())
                    .isEqualTo(201);
            long owner = db.withHandle(h -> h.createQuery("SELECT id FROM users WHERE username = 'leaser'").mapTo(Long.class).one());
            long id = execution(db, owner, version(db, folder("engine-test")), "{\"tasks\": 2, \"sleep\": 15}");

            a = FlowProcess.worker(dir.resolve("a"), with(workerSettings, "FLOW_WORKER_HOST", "host-a"));
            awaitTask(db, id, "WAIT", "running");
            assertThat(column(db, "worker", id)).startsWith("host-a/");
            nextflowOfA = ProcessHandle.of(Long.parseLong(column(db, "pid", id))).orElseThrow();
            a.process().destroyForcibly(); // kill -9 of the worker's JVM: its Nextflow is not its child any more
            a.process().waitFor(10, TimeUnit.SECONDS);
            assertThat(nextflowOfA.isAlive()).isTrue();

            b = FlowProcess.worker(dir.resolve("b"), with(workerSettings, "FLOW_WORKER_HOST", "host-b"));
            // Host A's Nextflow stops itself within half a lease after its worker's last renewal, and its plugin's grace.
            Instant stopped = null;
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LEASE_SECONDS / 2 + 12); System.nanoTime() < deadline; ) {
                if (!nextflowOfA.isAlive()) {
                    stopped = Instant.now();
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(stopped).as("host A's Nextflow stopped by itself").isNotNull();
            awaitStatus(db, id, "completed", Duration.ofSeconds(LEASE_SECONDS + 60));

            assertThat(column(db, "worker", id)).startsWith("host-b/");
            assertThat(column(db, "resumes", id)).isEqualTo("1");
            List<String> messages = messages(db, id);
            assertThat(messages).contains("The worker running Nextflow stopped renewing its lease: Nextflow stops itself, and another worker resumes the run");
            assertThat(messages).anyMatch(m -> m.startsWith("Nextflow stopped with the worker running it: starting it again with -resume (1 of at most 3, worker host-b/"));
            // Never two Nextflows on the run: host B's began after host A's had ended.
            Instant resumed = db.withHandle(h -> h.createQuery("SELECT time FROM execution_logs WHERE execution_id = :id AND message LIKE 'Nextflow % resumed the run%'")
                    .bind("id", id).mapTo(Instant.class).one());
            assertThat(resumed).isAfter(stopped.minusMillis(200));
            // The resumed launch reused both GREET tasks and ran WAIT again; host A's WAIT never completed.
            assertThat(tasks(db, id, 1)).containsExactlyInAnyOrder("GREET (1) cached", "GREET (2) cached", "WAIT completed");
            assertThat(tasks(db, id, 0)).contains("GREET (1) completed", "GREET (2) completed").doesNotContain("WAIT completed");
            // Its outputs, collected once.
            List<String> outputs = db.withHandle(h -> h.createQuery("SELECT filename FROM data WHERE execution_id = :id ORDER BY filename")
                    .bind("id", id).mapTo(String.class).list());
            assertThat(outputs).containsExactly("greeting_1.txt", "greeting_2.txt", "waited.txt");
            assertThat(Files.readAllLines(work.resolve(id + "/results/waited.txt"))).containsExactlyInAnyOrder("hello 1", "hello 2");
        } finally {
            if (b != null) b.stop();
            if (a != null && a.process().isAlive()) a.process().destroyForcibly();
            if (nextflowOfA != null) nextflowOfA.descendants().forEach(ProcessHandle::destroyForcibly);
            if (nextflowOfA != null) nextflowOfA.destroyForcibly();
            api.stop();
        }
    }

    private static Map<String, String> with(Map<String, String> settings, String key, String value) {
        Map<String, String> out = new HashMap<>(settings);
        out.put(key, value);
        return out;
    }

    private static String column(Jdbi db, String column, long execution) {
        return db.withHandle(h -> h.createQuery("SELECT " + column + "::text FROM executions WHERE id = :id").bind("id", execution)
                .mapTo(String.class).one());
    }

    private static List<String> messages(Jdbi db, long execution) {
        return db.withHandle(h -> h.createQuery("SELECT message FROM execution_logs WHERE execution_id = :id ORDER BY id")
                .bind("id", execution).mapTo(String.class).list());
    }

    private static List<String> tasks(Jdbi db, long execution, int launch) {
        return db.withHandle(h -> h.createQuery("SELECT name || ' ' || status FROM process_executions WHERE execution_id = :id AND launch = :launch")
                .bind("id", execution).bind("launch", launch).mapTo(String.class).list());
    }
}
