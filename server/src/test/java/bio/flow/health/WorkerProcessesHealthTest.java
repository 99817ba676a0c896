package bio.flow.health;

import static bio.flow.testing.TestPipelines.awaitStatus;
import static bio.flow.testing.TestPipelines.execution;
import static bio.flow.testing.TestPipelines.folder;
import static bio.flow.testing.TestPipelines.version;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /health counts the processes that run executions on every host sharing the database, and is degraded while
 * executions wait with none alive: a server that runs no executions (FLOW_WORKERS=0) beside a worker that comes
 * and goes.
 */
class WorkerProcessesHealthTest {
    private static TestServer api;

    @BeforeAll
    static void start() {
        api = TestServer.start(Map.of("FLOW_WORKERS", "0"));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static JsonNode health() {
        return api.client().get("/health").json();
    }

    @Test
    void executionsWaitingWithNoWorkerAliveDegradeHealthUntilOneRunsThem() throws Exception {
        JsonNode idle = health();
        assertThat(idle.at("/services/executions/status").asText()).isEqualTo("healthy");
        assertThat(idle.at("/services/executions/worker_processes").asLong()).isZero();
        assertThat(idle.at("/services/executions/slots").asLong()).isZero();

        long owner = Users.signUp(api, "healthrunner").id();
        long waiting = execution(api, owner, version(api, folder("engine-test")), "{\"tasks\": 1}");
        JsonNode stuck = health();
        assertThat(stuck.path("status").asText()).isEqualTo("degraded");
        assertThat(stuck.at("/services/executions/status").asText()).isEqualTo("degraded");
        assertThat(stuck.at("/queue/pending").asLong()).isEqualTo(1);

        // A second process with two workers on the same database and storage: counted from its first renewal, and
        // it runs the execution.
        Map<String, String> shared = new HashMap<>(api.sharedSettings());
        shared.put("FLOW_WORKERS", "2");
        TestServer worker = TestServer.start(shared);
        try {
            awaitStatus(api, waiting, "completed", Duration.ofSeconds(90));
            JsonNode running = health();
            assertThat(running.at("/services/executions/status").asText()).isEqualTo("healthy");
            assertThat(running.at("/services/executions/worker_processes").asLong()).isEqualTo(1);
            assertThat(running.at("/services/executions/slots").asLong()).isEqualTo(2);
            assertThat(running.at("/workers/max").asLong()).as("this server's own workers").isZero();
        } finally {
            worker.close();
        }
        // Stopped, it says so at once.
        assertThat(health().at("/services/executions/worker_processes").asLong()).isZero();

        // A process gone without saying (killed) is counted until a lease after its last renewal, then no more.
        api.sql("INSERT INTO worker_processes (worker, slots, seen_until) VALUES ('elsewhere/1/a', 4, now() + interval '1 hour'), "
                + "('elsewhere/2/b', 8, now() - interval '1 second')");
        JsonNode partly = health();
        assertThat(partly.at("/services/executions/worker_processes").asLong()).isEqualTo(1);
        assertThat(partly.at("/services/executions/slots").asLong()).isEqualTo(4);
        api.sql("DELETE FROM worker_processes");
    }
}
