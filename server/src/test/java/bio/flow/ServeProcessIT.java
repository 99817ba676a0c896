package bio.flow;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.FlowProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./flow serve} as an operator runs it: a separate process, stopped with SIGTERM or killed outright,
 * started again on the same data directory. Runs after the jar is packaged (failsafe).
 */
class ServeProcessIT {
    private final HttpClient http = HttpClient.newHttpClient();

    private static FlowProcess launch(Path dataDir) throws IOException {
        return FlowProcess.launch(dataDir, Map.of(), "022");
    }

    /** The server's PostgreSQL: pg_ctl daemonises it, so it is found through its pid file, not as a child. */
    private static List<ProcessHandle> postgresOf(Path dataDir) throws IOException {
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());
        return ProcessHandle.of(pid).stream().toList();
    }

    @Test
    void stopsCleanlyOnSigtermAndKeepsItsData(@TempDir Path dir) throws Exception {
        FlowProcess s = launch(dir);
        s.awaitPong();
        // Main prints this once App.start returned, which can be just after the first pong.
        s.awaitOutput("Flow is listening on http://localhost:" + s.port());
        assertThat(s.post("/signup", "{\"username\":\"keeper\",\"email\":\"k@example.org\",\"password\":\"long-password-1\"}").statusCode()).isEqualTo(201);
        List<ProcessHandle> pg = postgresOf(dir);
        assertThat(pg).isNotEmpty();

        s.process().destroy(); // SIGTERM
        assertThat(s.process().waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
        assertThat(s.process().exitValue()).isIn(0, 143);
        for (ProcessHandle p : pg) p.onExit().get(10, TimeUnit.SECONDS);
        assertThat(Files.exists(dir.resolve("postgres/postmaster.pid"))).as("PostgreSQL stopped").isFalse();

        FlowProcess again = launch(dir);
        try {
            again.awaitPong();
            assertThat(again.post("/login", "{\"username\":\"keeper\",\"password\":\"long-password-1\"}").statusCode()).isEqualTo(200);
        } finally {
            again.process().destroy();
            again.process().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void secondServerOnTheSameDataDirectoryRefusesToStart(@TempDir Path dir) throws Exception {
        FlowProcess first = launch(dir);
        try {
            first.awaitPong();
            FlowProcess second = launch(dir);
            assertThat(second.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(second.process().exitValue()).isEqualTo(1);
            assertThat(second.text()).contains("another Flow server is already running on data directory");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(first.url() + "/ping")).build(), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("pong");
        } finally {
            first.process().destroy();
            first.process().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void startsAgainAfterBeingKilledOutright(@TempDir Path dir) throws Exception {
        FlowProcess s = launch(dir);
        s.awaitPong();
        assertThat(s.post("/signup", "{\"username\":\"survivor\",\"email\":\"s@example.org\",\"password\":\"long-password-1\"}").statusCode()).isEqualTo(201);
        List<ProcessHandle> orphans = postgresOf(dir);
        // kill -9 the JVM (the ./flow script exec'd into it): its PostgreSQL is left running, holding the data.
        s.process().destroyForcibly();
        s.process().waitFor(10, TimeUnit.SECONDS);
        assertThat(orphans).anyMatch(ProcessHandle::isAlive);

        FlowProcess again = launch(dir);
        try {
            again.awaitPong();
            assertThat(again.post("/login", "{\"username\":\"survivor\",\"password\":\"long-password-1\"}").statusCode()).isEqualTo(200);
            assertThat(orphans).noneMatch(ProcessHandle::isAlive);
        } finally {
            again.process().destroy();
            again.process().waitFor(30, TimeUnit.SECONDS);
            orphans.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
