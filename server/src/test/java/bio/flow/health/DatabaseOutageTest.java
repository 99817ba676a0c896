package bio.flow.health;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When PostgreSQL goes away under a running server: health says so, and failures are clean 500s. */
class DatabaseOutageTest {

    @Test
    void unhealthyAnd500WithRequestIdButNoInternals() throws Exception {
        TestServer server = TestServer.start(Map.of());
        try {
            Users.Account a = Users.signUp(server, "outage");
            long pid = Long.parseLong(Files.readAllLines(server.dataDir().resolve("postgres/postmaster.pid")).get(0).trim());
            // SIGINT: PostgreSQL's fast shutdown, which does not wait for the server's pooled connections.
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor();
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());

            Api.Res health = server.client().get("/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().path("status").asText()).isEqualTo("unhealthy");
            assertThat(health.json().path("services").path("database").path("status").asText()).isEqualTo("unhealthy");

            Api.Res me = a.api().get("/me");
            assertThat(me.status()).isEqualTo(500);
            assertThat(me.errorCode()).isEqualTo("INTERNAL_ERROR");
            String requestId = me.json().path("error").path("details").path("request_id").asText();
            assertThat(requestId).isEqualTo(me.header("X-Request-Id"));
            assertThat(me.text()).doesNotContainIgnoringCase("sql").doesNotContain("Exception").doesNotContain("at bio.");
        } finally {
            server.close();
        }
    }
}
