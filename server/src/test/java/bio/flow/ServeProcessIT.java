package bio.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./flow serve} as an operator runs it: a separate process, stopped with SIGTERM or killed outright,
 * started again on the same data directory. Runs after the jar is packaged (failsafe).
 */
class ServeProcessIT {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private final HttpClient http = HttpClient.newHttpClient();

    record Server(Process process, List<String> output, int port) {
        String url() { return "http://127.0.0.1:" + port; }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) { return s.getLocalPort(); }
    }

    private Server launch(Path dataDir, int port) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(REPO.resolve("flow").toString(), "serve").redirectErrorStream(true);
        pb.environment().put("FLOW_DATA_DIR", dataDir.toString());
        pb.environment().put("FLOW_PORT", Integer.toString(port));
        pb.environment().put("FLOW_HOST", "127.0.0.1");
        Process p = pb.start();
        List<String> output = new CopyOnWriteArrayList<>();
        CompletableFuture.runAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) output.add(line);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        return new Server(p, output, port);
    }

    private void awaitPong(Server s) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertThat(s.process().isAlive()).as("server died: %s", s.output()).isTrue();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/ping")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().equals("pong")) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no pong within 120 s: " + s.output());
    }

    private HttpResponse<String> post(Server s, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(s.url() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The server's PostgreSQL: pg_ctl daemonises it, so it is found through its pid file, not as a child. */
    private static List<ProcessHandle> postgresOf(Path dataDir) throws IOException {
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());
        return ProcessHandle.of(pid).stream().toList();
    }

    @Test
    void stopsCleanlyOnSigtermAndKeepsItsData(@TempDir Path dir) throws Exception {
        Server s = launch(dir, freePort());
        awaitPong(s);
        assertThat(s.output()).anyMatch(l -> l.contains("Flow is listening on http://localhost:" + s.port()));
        assertThat(post(s, "/signup", "{\"username\":\"keeper\",\"email\":\"k@example.org\",\"password\":\"long-password-1\"}").statusCode()).isEqualTo(201);
        List<ProcessHandle> pg = postgresOf(dir);
        assertThat(pg).isNotEmpty();

        s.process().destroy(); // SIGTERM
        assertThat(s.process().waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
        assertThat(s.process().exitValue()).isIn(0, 143);
        for (ProcessHandle p : pg) p.onExit().get(10, TimeUnit.SECONDS);
        assertThat(Files.exists(dir.resolve("postgres/postmaster.pid"))).as("PostgreSQL stopped").isFalse();

        Server again = launch(dir, freePort());
        try {
            awaitPong(again);
            assertThat(post(again, "/login", "{\"username\":\"keeper\",\"password\":\"long-password-1\"}").statusCode()).isEqualTo(200);
        } finally {
            again.process().destroy();
            again.process().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void secondServerOnTheSameDataDirectoryRefusesToStart(@TempDir Path dir) throws Exception {
        Server first = launch(dir, freePort());
        try {
            awaitPong(first);
            Server second = launch(dir, freePort());
            assertThat(second.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(second.process().exitValue()).isEqualTo(1);
            Thread.sleep(200);
            assertThat(String.join("\n", second.output())).contains("another Flow server is already running on data directory");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(first.url() + "/ping")).build(), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("pong");
        } finally {
            first.process().destroy();
            first.process().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void startsAgainAfterBeingKilledOutright(@TempDir Path dir) throws Exception {
        Server s = launch(dir, freePort());
        awaitPong(s);
        assertThat(post(s, "/signup", "{\"username\":\"survivor\",\"email\":\"s@example.org\",\"password\":\"long-password-1\"}").statusCode()).isEqualTo(201);
        List<ProcessHandle> orphans = postgresOf(dir);
        // kill -9 the JVM (the ./flow script exec'd into it): its PostgreSQL is left running, holding the data.
        s.process().destroyForcibly();
        s.process().waitFor(10, TimeUnit.SECONDS);
        assertThat(orphans).anyMatch(ProcessHandle::isAlive);

        Server again = launch(dir, freePort());
        try {
            awaitPong(again);
            assertThat(post(again, "/login", "{\"username\":\"survivor\",\"password\":\"long-password-1\"}").statusCode()).isEqualTo(200);
            assertThat(orphans).noneMatch(ProcessHandle::isAlive);
        } finally {
            again.process().destroy();
            again.process().waitFor(30, TimeUnit.SECONDS);
            orphans.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
