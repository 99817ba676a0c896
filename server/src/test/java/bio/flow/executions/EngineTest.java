package bio.flow.executions;

import static bio.flow.testing.TestPipelines.awaitStatus;
import static bio.flow.testing.TestPipelines.awaitTask;
import static bio.flow.testing.TestPipelines.execution;
import static bio.flow.testing.TestPipelines.folder;
import static bio.flow.testing.TestPipelines.status;
import static bio.flow.testing.TestPipelines.version;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Executions on real Nextflow: the worker claims them, follows their tasks live, and finishes them. */
class EngineTest {
    private final TestServer server = TestServer.shared();

    private record Task(String process, String name, String status, Integer exit, String nativeId, Long durationMs, boolean started) {}

    private List<Task> tasks(long execution) {
        return server.jdbi().withHandle(h -> h.createQuery("SELECT process, name, status, exit_code, native_id, duration_ms, started IS NOT NULL "
                        + "FROM process_executions WHERE execution_id = :id ORDER BY name")
                .bind("id", execution)
                .map((rs, ctx) -> new Task(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, Integer.class),
                        rs.getString(5), rs.getObject(6, Long.class), rs.getBoolean(7)))
                .list());
    }

    private List<String> logs(long execution) {
        return server.jdbi().withHandle(h -> h.createQuery("SELECT message FROM execution_logs WHERE execution_id = :id ORDER BY id")
                .bind("id", execution).mapTo(String.class).list());
    }

    private String error(long execution) {
        return server.jdbi().withHandle(h -> h.createQuery("SELECT error FROM executions WHERE id = :id").bind("id", execution).mapTo(String.class).one());
    }

    @Test
    void runsAPipelineFollowingItsTasksToCompletion() throws Exception {
        Users.Account owner = Users.signUp(server, "runner");
        long id = execution(server, owner.id(), version(server, folder("engine-test")), "{\"tasks\": 2, \"sleep\": 1}");
        // Progress as the API would show it over the run: it never goes back, and is 100 only once completed.
        List<Integer> seen = new ArrayList<>();
        // When each task was first seen completed here, to compare with when Nextflow saw it complete.
        Map<String, java.time.Instant> seenCompleted = new java.util.HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String status = "pending";
        while (System.nanoTime() < deadline && !List.of("completed", "failed", "canceled").contains(status)) {
            record State(String status, int progress) {}
            State s = server.jdbi().withHandle(h -> h.createQuery("SELECT status, progress FROM executions WHERE id = :id").bind("id", id)
                    .map((rs, ctx) -> new State(rs.getString(1), rs.getInt(2))).one());
            status = s.status();
            if (!status.equals("completed")) assertThat(s.progress()).as("progress before the end").isLessThan(100);
            seen.add(s.progress());
            java.time.Instant now = java.time.Instant.now();
            server.jdbi().withHandle(h -> h.createQuery("SELECT name FROM process_executions WHERE execution_id = :id AND status = 'completed'")
                    .bind("id", id).mapTo(String.class).list()).forEach(name -> seenCompleted.putIfAbsent(name, now));
            Thread.sleep(100);
        }
        assertThat(status).as("logs: " + logs(id)).isEqualTo("completed");
        assertThat(seen).isSorted();
        assertThat(seen).anyMatch(p -> p > 0 && p < 100);
        assertThat(server.queryLong("SELECT progress FROM executions WHERE id = " + id)).isEqualTo(100);

        assertThat(tasks(id)).extracting(Task::name).containsExactly("GREET (1)", "GREET (2)", "WAIT"); // a single task has no index
        // Live: each task shows as completed within 2 s of Nextflow seeing it complete.
        Map<String, java.time.Instant> finished = server.jdbi().withHandle(h -> h.createQuery("SELECT name, finished FROM process_executions WHERE execution_id = :id")
                .bind("id", id).map((rs, ctx) -> Map.entry(rs.getString(1), rs.getTimestamp(2).toInstant()))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        for (String name : List.of("GREET (1)", "GREET (2)")) {
            assertThat(Duration.between(finished.get(name), seenCompleted.get(name))).as(name + " shown after").isLessThan(Duration.ofSeconds(2));
        }
        assertThat(tasks(id)).allSatisfy(t -> {
            assertThat(t.status()).isEqualTo("completed");
            assertThat(t.exit()).isZero();
            assertThat(t.nativeId()).matches("\\d+");
            assertThat(t.durationMs()).isNotNull();
            assertThat(t.started()).isTrue();
        });
        assertThat(logs(id)).contains("Task submitted: GREET (1)", "Task completed: WAIT (exit code 0)", "Execution completed");

        RunDirectory dir = RunDirectory.of(server.dataDir().resolve("runs"), id);
        JsonNode params = bio.flow.http.Json.MAPPER.readTree(dir.params().toFile());
        assertThat(params.path("tasks").asInt()).isEqualTo(2);
        assertThat(params.path("outdir").asText()).isEqualTo(dir.results().toString());
        assertThat(dir.results().resolve("waited.txt")).satisfiesAnyOf(
                p -> assertThat(p).hasContent("hello 1\nhello 2"), p -> assertThat(p).hasContent("hello 2\nhello 1"));
        assertThat(dir.nextflowLog()).isRegularFile();
        assertThat(dir.trace(0)).isRegularFile();
        assertThat(server.queryLong("SELECT events_read FROM executions WHERE id = " + id)).isEqualTo(Files.size(dir.events()));
        assertThat(server.queryLong("SELECT count(*) FROM executions WHERE id = " + id + " AND started IS NOT NULL AND finished IS NOT NULL")).isOne();
    }

    @Test
    void aFailingTaskFailsTheExecutionWithItsProcessExitCodeAndStandardError() throws Exception {
        Users.Account owner = Users.signUp(server, "failer");
        long id = execution(server, owner.id(), version(server, folder("engine-test")), "{\"tasks\": 1, \"fail\": true}");
        awaitStatus(server, id, "failed", Duration.ofSeconds(90));
        assertThat(error(id)).contains("Process BREAK failed: task BREAK exited with code 3", "BREAK could not go on");
        assertThat(tasks(id)).filteredOn(t -> t.process().equals("BREAK")).singleElement()
                .satisfies(t -> {
                    assertThat(t.status()).isEqualTo("failed");
                    assertThat(t.exit()).isEqualTo(3);
                });
        assertThat(logs(id)).anyMatch(l -> l.equals("Task failed: BREAK with exit code 3"))
                .anyMatch(l -> l.startsWith("Standard error of BREAK (end)") && l.contains("BREAK could not go on: the input is wrong"));
        assertThat(server.queryLong("SELECT progress FROM executions WHERE id = " + id)).isLessThan(100);
    }

    @Test
    void aPipelineWhoseDirectoryIsGoneFailsWithTheReason() throws Exception {
        Users.Account owner = Users.signUp(server, "orphan");
        Path gone = Files.createTempDirectory("flow-gone-pipeline");
        long version = version(server, gone);
        Files.delete(gone);
        long id = execution(server, owner.id(), version, "{}");
        awaitStatus(server, id, "failed", Duration.ofSeconds(30));
        assertThat(error(id)).contains("no longer exists on the server")
                .doesNotContain(gone.toString()); // a server path, hidden from non-admins: in the server's log only
        assertThat(logs(id)).anyMatch(l -> l.startsWith("Execution failed: ") && l.contains("no longer exists"))
                .noneMatch(l -> l.contains(gone.toString()));
    }

    @Test
    void eachRunIsConfiguredByTheOperatorsSettingsThenByItsVersion() throws Exception {
        Path operatorConfig = Files.createTempFile("flow-nextflow", ".config");
        Files.writeString(operatorConfig, "process.beforeScript = 'echo from-operator > operator.txt'\n");
        try (TestServer configured = TestServer.start(Map.of("FLOW_NEXTFLOW_CONFIG", operatorConfig.toString(),
                "FLOW_NEXTFLOW_EXECUTOR", "local"))) {
            Users.Account owner = Users.signUp(configured, "configured");
            long version = version(configured.jdbi(), folder("engine-test"), "process.afterScript = 'echo from-version > version.txt'");
            long id = execution(configured, owner.id(), version, "{\"tasks\": 1}");
            awaitStatus(configured, id, "completed", Duration.ofSeconds(90));
            RunDirectory dir = RunDirectory.of(configured.dataDir().resolve("runs"), id);
            assertThat(dir.config()).content().contains("process.executor = 'local'", "from-operator", "from-version");
            String workdir = configured.jdbi().withHandle(h -> h.createQuery("SELECT workdir FROM process_executions WHERE execution_id = :id AND name = 'GREET (1)'")
                    .bind("id", id).mapTo(String.class).one());
            assertThat(Path.of(workdir, "operator.txt")).hasContent("from-operator");
            assertThat(Path.of(workdir, "version.txt")).hasContent("from-version");
        } finally {
            Files.delete(operatorConfig);
        }
    }

    @Test
    void healthShowsTheQueueTheWorkersAndTheNextflowVersion() {
        JsonNode health = server.client().get("/health").json();
        assertThat(health.at("/nextflow/version").asText()).isEqualTo("24.10.0");
        assertThat(health.at("/workers/max").asInt()).isEqualTo(2);
        assertThat(health.at("/workers/active").asInt()).isBetween(0, 2);
        assertThat(health.at("/queue/pending").isIntegralNumber()).isTrue();
        assertThat(health.at("/queue/running").isIntegralNumber()).isTrue();
    }

    @Test
    void cancelStopsAPendingExecutionAtOnceAndARunningOneWithAllItsProcesses() throws Exception {
        try (TestServer one = TestServer.start(Map.of("FLOW_WORKERS", "1"))) {
            Users.Account owner = Users.signUp(one, "canceler");
            long version = version(one, folder("engine-test"));
            long running = execution(one, owner.id(), version, "{\"tasks\": 1, \"sleep\": 120}");
            awaitTask(one.jdbi(), running, "WAIT", "running");
            long waiting = execution(one, owner.id(), version, "{}");
            Thread.sleep(1200); // more than a poll of the queue: one runs at a time, so it waits
            assertThat(status(one, waiting)).isEqualTo("pending");
            assertThat(one.client().get("/health").json().at("/queue/pending").asInt()).isEqualTo(1);
            assertThat(one.client().get("/health").json().at("/workers/active").asInt()).isEqualTo(1);

            Api stranger = Users.signUp(one, "stranger").api();
            assertThat(stranger.post("/executions/" + waiting + "/cancel").status()).isEqualTo(404);

            Api.Res r = owner.api().post("/executions/" + waiting + "/cancel");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("message").asText()).isEqualTo("Execution cancellation requested");
            assertThat(status(one, waiting)).isEqualTo("canceled");
            assertThat(owner.api().post("/executions/" + waiting + "/cancel").status()).isEqualTo(409);

            long nextflowPid = one.queryLong("SELECT pid FROM executions WHERE id = " + running);
            List<Long> taskPids = one.jdbi().withHandle(h -> h.createQuery("SELECT native_id::bigint FROM process_executions "
                    + "WHERE execution_id = :id AND native_id IS NOT NULL").bind("id", running).mapTo(Long.class).list());
            List<ProcessHandle> family = ProcessHandle.of(nextflowPid).stream()
                    .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants())).toList();
            assertThat(family).hasSizeGreaterThan(2); // Nextflow, the task's bash, its sleep
            long asked = System.nanoTime();
            assertThat(owner.api().post("/executions/" + running + "/cancel").status()).isEqualTo(200);
            awaitStatus(one, running, "canceled", Duration.ofSeconds(10));
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(10));
            assertThat(family).noneMatch(ProcessHandle::isAlive);
            assertThat(taskPids).isNotEmpty().allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
            assertThat(owner.api().post("/executions/" + running + "/cancel").status()).isEqualTo(409);
            assertThat(one.queryLong("SELECT count(*) FROM execution_logs WHERE execution_id = " + running
                    + " AND message = 'Execution canceled'")).isOne();
        }
    }
}
