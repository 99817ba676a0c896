package bio.flow.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** {@code ./flow serve} or {@code ./flow worker} as a separate process, as an operator runs it: for the *IT tests (after packaging). */
public record FlowProcess(Process process, List<String> output, int port) {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Ports handed out by {@link #freePort()}: each is bound only later, by another process. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /**
     * A port free now and not handed out before by this JVM: a test picks its database's port and then its server's
     * before either process binds, and the kernel may well offer the same free port twice (CI once saw a server's
     * embedded PostgreSQL take the HTTP port chosen for it).
     */
    public static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (HANDED_OUT.add(s.getLocalPort())) return s.getLocalPort();
            }
        }
    }

    /** Starts {@code ./flow serve} on the data directory, with these settings and the umask given (e.g. "022"). */
    public static FlowProcess launch(Path dataDir, Map<String, String> settings, String umask) throws IOException {
        return launch("serve", dataDir, settings, umask);
    }

    /** Starts {@code ./flow worker} (no HTTP: its port is unused) on the data directory, with these settings. */
    public static FlowProcess worker(Path dataDir, Map<String, String> settings) throws IOException {
        return launch("worker", dataDir, settings, "022");
    }

    private static FlowProcess launch(String command, Path dataDir, Map<String, String> settings, String umask) throws IOException {
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "umask \"$1\" && exec \"$2\" \"$3\"", "sh", umask,
                REPO.resolve("flow").toString(), command).redirectErrorStream(true);
        pb.environment().put("FLOW_DATA_DIR", dataDir.toString());
        pb.environment().put("FLOW_PORT", Integer.toString(port));
        pb.environment().put("FLOW_HOST", "127.0.0.1");
        pb.environment().putAll(settings);
        Process p = pb.start();
        List<String> output = new CopyOnWriteArrayList<>();
        CompletableFuture.runAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) output.add(line);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        return new FlowProcess(p, output, port);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** A client of this server, whose exchanges are checked against openapi.yaml like those of {@link TestServer#client()}. */
    public Api client() {
        return new Api(url());
    }

    public void awaitPong() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new AssertionError("server died: " + output);
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/ping")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().equals("pong")) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no pong within 120 s: " + output);
    }

    /** Waits (up to 10 s) for a line of output containing {@code text}: output can trail the first answers. */
    public void awaitOutput(String text) throws InterruptedException {
        for (int i = 0; i < 100 && output.stream().noneMatch(l -> l.contains(text)); i++) Thread.sleep(100);
        if (output.stream().noneMatch(l -> l.contains(text))) throw new AssertionError("no line with '" + text + "' in: " + output);
    }

    public HttpResponse<String> post(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits for the process to end by itself; true when it did within the time. */
    public boolean awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** SIGTERM, as Ctrl-C or a service manager stops Flow, and waits for the process to end. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The output so far, once the reader has caught up with an ended process. */
    public String text() throws InterruptedException {
        Thread.sleep(200);
        return String.join("\n", output);
    }
}
