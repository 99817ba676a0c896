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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./flow serve} killed with SIGKILL while two executions run. One's Nextflow lives on: the next start follows it
 * again. The other's Nextflow died too (as on a machine that went down): the next start resumes it with -resume, and the
 * tasks that had finished are reused (cached), not run again. Runs after packaging (failsafe).
 */
class RecoveryIT {
    @Test
    void executionsRunningWhenTheServerIsKilledCompleteAfterItStartsAgain(@TempDir Path dir) throws Exception {
        int dbPort = FlowProcess.freePort();
        // A lease long enough that the living Nextflow does not stop itself (half a lease) before the restart follows it
        Map<String, String> settings = Map.of("FLOW_EMBEDDED_DB_PORT", Integer.toString(dbPort), "FLOW_WORKER_LEASE_SECONDS", "120");
        FlowProcess first = FlowProcess.launch(dir, settings, "022");
        List<ProcessHandle> leftovers = new ArrayList<>();
        FlowProcess second = null;
        try {
            first.awaitPong();
            assertThat(first.post("/signup", "{\"username\":\"recoverer\",\"email\":\"r@example.org\",\"password\":\"long-password-1\"}").statusCode())
                    .isEqualTo(201);
            Jdbi db = Jdbi.create("jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres", "postgres",
                    Files.readString(dir.resolve("db-password")).strip());
            long owner = db.withHandle(h -> h.createQuery("SELECT id FROM users WHERE username = 'recoverer'").mapTo(Long.class).one());
            long version = version(db, folder("engine-test"));
            // long enough to outlast the restart of the server
            long lives = execution(db, owner, version, "{\"tasks\": 2, \"sleep\": 25}");
            long dies = execution(db, owner, version, "{\"tasks\": 2, \"sleep\": 6}");
            for (long id : List.of(lives, dies)) awaitTask(db, id, "WAIT", "running");

            ProcessHandle living = nextflowOf(db, lives);
            ProcessHandle dying = nextflowOf(db, dies);
            leftovers.addAll(family(living));
            first.process().destroyForcibly(); // kill -9 of the server's JVM (./flow exec'd into it)
            first.process().waitFor(10, TimeUnit.SECONDS);
            List<ProcessHandle> dead = family(dying);
            dead.forEach(ProcessHandle::destroyForcibly); // and of one Nextflow with its tasks
            for (ProcessHandle p : dead) p.onExit().get(10, TimeUnit.SECONDS);
            assertThat(living.isAlive()).isTrue();

            second = FlowProcess.launch(dir, settings, "022");
            second.awaitPong();
            awaitStatus(db, lives, "completed", Duration.ofSeconds(90));
            awaitStatus(db, dies, "completed", Duration.ofSeconds(90));

            assertThat(number(db, "resumes", lives)).isZero();
            assertThat(messages(db, lives)).contains("Flow's worker was restarted; it follows the running Nextflow again", "Execution completed");

            assertThat(number(db, "resumes", dies)).isOne();
            assertThat(messages(db, dies)).anyMatch(m -> m.startsWith("Nextflow stopped with the worker running it: starting it again with -resume"));
            // The second launch reused both GREET tasks and ran WAIT again (it had been killed).
            assertThat(tasks(db, dies, 1)).containsExactlyInAnyOrder("GREET (1) cached", "GREET (2) cached", "WAIT completed");
            assertThat(tasks(db, dies, 0)).contains("GREET (1) completed", "GREET (2) completed");
            assertThat(number(db, "progress", dies)).isEqualTo(100);
        } finally {
            if (second != null) second.stop();
            if (first.process().isAlive()) first.process().destroyForcibly();
            leftovers.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static int number(Jdbi db, String column, long execution) {
        return db.withHandle(h -> h.createQuery("SELECT " + column + " FROM executions WHERE id = :id").bind("id", execution).mapTo(Integer.class).one());
    }

    private static ProcessHandle nextflowOf(Jdbi db, long execution) {
        long pid = db.withHandle(h -> h.createQuery("SELECT pid FROM executions WHERE id = :id").bind("id", execution).mapTo(Long.class).one());
        return ProcessHandle.of(pid).orElseThrow();
    }

    private static List<ProcessHandle> family(ProcessHandle p) {
        return Stream.concat(Stream.of(p), p.descendants()).toList();
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
