package bio.flow.data;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.storage.LocalStorage;
import bio.flow.storage.StorageKey;
import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TempDirs;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * POST /data/import from an HTTP origin, an S3 server (s3proxy, in this JVM) and the server's import roots, all
 * over real HTTP: the record is importing, then ready with the right bytes, md5, size and type, or failed with a
 * reason and no bytes.
 */
class ImportTest {
    private static final long MAX_BYTES = 1_000_000;
    private static final String S3_KEY_ID = "import-test-key";
    private static final String S3_SECRET = "import-test-secret";

    private static HttpServer origin;
    /** What the origin serves: path → handler. */
    private static final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private static S3Proxy s3;
    private static BlobStore blobs;
    private static Path root;
    private static Path outside;
    private static TestServer server;

    interface Handler {
        void handle(HttpExchange exchange) throws Exception;
    }

    @BeforeAll
    static void start() throws Exception {
        origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/", exchange -> {
            try {
                Handler h = routes.get(exchange.getRequestURI().getPath());
                if (h == null) exchange.sendResponseHeaders(404, -1);
                else h.handle(exchange);
            } catch (Exception e) {
                // the importing side hung up, or a test released a blocked answer late: nothing to report
            } finally {
                exchange.close();
            }
        });
        origin.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        origin.start();

        BlobStoreContext context = ContextBuilder.newBuilder("transient").credentials(S3_KEY_ID, S3_SECRET).build(BlobStoreContext.class);
        blobs = context.getBlobStore();
        blobs.createContainerInLocation(null, "lab-bucket");
        s3 = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, S3_KEY_ID, S3_SECRET).build();
        s3.start();
        while (!s3.getState().equals("STARTED")) Thread.sleep(10);

        root = Files.createTempDirectory("flow-import-root-").toRealPath();
        outside = Files.createTempDirectory("flow-import-outside-").toRealPath();
        server = TestServer.start(settings());
    }

    private static Map<String, String> settings() {
        Map<String, String> s = new HashMap<>();
        s.put("FLOW_MAX_UPLOAD_BYTES", Long.toString(MAX_BYTES));
        s.put("FLOW_IMPORT_ROOTS", root.toString());
        s.put("FLOW_IMPORT_READ_TIMEOUT_SECONDS", "2");
        s.put("FLOW_S3_IMPORT_ENDPOINT", "http://127.0.0.1:" + s3.getPort());
        s.put("FLOW_S3_IMPORT_REGION", "us-east-1");
        s.put("FLOW_S3_IMPORT_ACCESS_KEY_ID", S3_KEY_ID);
        s.put("FLOW_S3_IMPORT_SECRET_ACCESS_KEY", S3_SECRET);
        s.put("FLOW_S3_IMPORT_PATH_STYLE", "true");
        return s;
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        origin.stop(0);
        s3.stop();
        TempDirs.delete(root);
        TempDirs.delete(outside);
    }

    // ---- url ----------------------------------------------------------------------------------------------------

    @Test
    void urlImportFollowsRedirectsAndStoresTheBytesWithTheirMd5SizeAndType() {
        Account alice = Users.signUp(server, "alice");
        long sample = Fixtures.sample(alice, Fixtures.project(alice, "p", false), "s");
        byte[] reads = fastq(300);
        String path = "/files/" + Users.uniqueName("r") + "/reads.fastq";
        serve(path, reads);
        routes.put("/hop1" + path, ex -> redirect(ex, "/hop2" + path));
        routes.put("/hop2" + path, ex -> redirect(ex, "http://127.0.0.1:" + origin.getAddress().getPort() + path));

        Api.Res started = alice.api().post("/data/import", Map.of("source", "url", "path", originUrl("/hop1" + path), "sample_id", sample));
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        assertThat(started.json().path("status").asText()).isEqualTo("importing");
        assertThat(started.json().path("filename").asText()).isEqualTo("reads.fastq");
        assertThat(started.json().at("/progress/bytes").asLong()).isZero();
        long id = started.json().path("id").asLong();

        JsonNode done = awaitEnd(alice, id);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("ready");
        assertThat(done.path("size").asLong()).isEqualTo(reads.length);
        assertThat(done.path("md5").asText()).isEqualTo(md5(reads));
        assertThat(done.path("data_type").asText()).isEqualTo("FASTQ");
        assertThat(done.path("progress").isNull()).isTrue();
        assertThat(done.path("reason").isNull()).isTrue();
        assertThat(done.at("/sample/id").asLong()).isEqualTo(sample);
        Api.Res contents = alice.api().get("/data/" + id + "/contents?download=true");
        assertThat(contents.body()).isEqualTo(reads);
        assertThat(Fixtures.ids(alice.api().get("/samples/" + sample + "/data").json().path("data"))).contains(id);
    }

    @Test
    void theFilenameFieldNamesTheRecordAndADeclaredTypeIsCheckedAgainstTheContent() {
        Account alice = Users.signUp(server, "alice");
        String path = "/" + Users.uniqueName("plain") + "/download";
        serve(path, "just some words\nand more\n".getBytes(StandardCharsets.UTF_8));

        long named = start(alice, Map.of("source", "url", "path", originUrl(path), "filename", "notes.txt"));
        JsonNode done = awaitEnd(alice, named);
        assertThat(done.path("filename").asText()).isEqualTo("notes.txt");
        assertThat(done.path("data_type").asText()).isEqualTo("TEXT");

        long declared = start(alice, Map.of("source", "url", "path", originUrl(path), "filename", "reads.fq", "data_type", "fastq"));
        JsonNode refused = awaitEnd(alice, declared);
        assertThat(refused.path("status").asText()).isEqualTo("failed");
        assertThat(refused.path("reason").asText()).contains("FASTQ");
        assertThat(storedBytes(declared)).isFalse();

        Api.Res badName = alice.api().post("/data/import", Map.of("source", "url", "path", originUrl(path), "filename", "../x"));
        assertThat(badName.status()).isEqualTo(400);
        Api.Res noName = alice.api().post("/data/import", Map.of("source", "url", "path", originUrl("/")));
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.json().at("/error/details/field").asText()).isEqualTo("filename");
    }

    @Test
    void redirectsAreFollowedABoundedNumberOfTimes() {
        Account alice = Users.signUp(server, "alice");
        String loop = "/" + Users.uniqueName("loop");
        AtomicInteger hops = new AtomicInteger();
        routes.put(loop, ex -> {
            hops.incrementAndGet();
            redirect(ex, loop);
        });
        JsonNode failed = awaitEnd(alice, start(alice, Map.of("source", "url", "path", originUrl(loop), "filename", "x.txt")));
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("reason").asText()).contains("more than 5 redirects");
        assertThat(hops.get()).isEqualTo(6); // the first request and five redirects
    }

    @Test
    void anOriginErrorFailsTheImportWithItsReasonAndTheRecordIsNeitherListedNorRead() {
        Account alice = Users.signUp(server, "alice");
        long project = Fixtures.project(alice, "p", false);
        long id = start(alice, Map.of("source", "url", "path", originUrl("/" + Users.uniqueName("missing") + "/r.fastq"), "project_id", project));
        JsonNode failed = awaitEnd(alice, id);
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("reason").asText()).contains("404");
        assertThat(failed.path("progress").isNull()).isTrue();
        assertThat(storedBytes(id)).isFalse();
        assertThat(Fixtures.ids(alice.api().get("/data/owned").json().path("data"))).doesNotContain(id);
        assertThat(Fixtures.ids(alice.api().get("/projects/" + project + "/data").json().path("data"))).doesNotContain(id);
        assertThat(alice.api().get("/data/" + id + "/contents").status()).isEqualTo(409);
        // the owner removes it like any record
        assertThat(alice.api().post("/data/" + id + "/delete").status()).isEqualTo(200);
    }

    @Test
    void aFileOverTheLimitFailsWhetherItsLengthIsKnownOrNot() {
        Account alice = Users.signUp(server, "alice");
        byte[] big = new byte[(int) MAX_BYTES + 1];
        String declared = "/" + Users.uniqueName("big") + "/big.bin";
        serve(declared, big);
        String chunked = "/" + Users.uniqueName("big") + "/big.bin";
        routes.put(chunked, ex -> {
            ex.sendResponseHeaders(200, 0); // no length: chunked
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 20; i++) out.write(new byte[(int) MAX_BYTES / 10]);
            }
        });
        for (String path : List.of(declared, chunked)) {
            long id = start(alice, Map.of("source", "url", "path", originUrl(path)));
            JsonNode failed = awaitEnd(alice, id);
            assertThat(failed.path("status").asText()).as(path).isEqualTo("failed");
            assertThat(failed.path("reason").asText()).contains("larger than the " + MAX_BYTES + " bytes");
            assertThat(storedBytes(id)).isFalse();
        }
        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void aSourceThatStopsSendingFailsAfterTheReadTimeout() {
        Account alice = Users.signUp(server, "alice");
        CountDownLatch never = new CountDownLatch(1);
        String path = "/" + Users.uniqueName("hung") + "/r.txt";
        routes.put(path, ex -> {
            ex.sendResponseHeaders(200, 1000);
            ex.getResponseBody().write("some text\n".getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            never.await(30, TimeUnit.SECONDS);
        });
        JsonNode failed = awaitEnd(alice, start(alice, Map.of("source", "url", "path", originUrl(path))));
        never.countDown();
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("reason").asText()).containsIgnoringCase("timed out");
    }

    @Test
    void malformedSourcesAndPathsAre400() {
        Account alice = Users.signUp(server, "alice");
        List<Map<String, Object>> bad = List.of(
                Map.of("source", "gopher", "path", "http://example.org/x"),
                Map.of("path", "http://example.org/x"),
                Map.of("source", "url"),
                Map.of("source", "url", "path", "file:///etc/passwd"),
                Map.of("source", "url", "path", "jar:file:///x.jar!/a"),
                Map.of("source", "url", "path", "http://exa mple.org/x"),
                Map.of("source", "url", "path", "http:///x"),
                Map.of("source", "url", "path", "relative/path"),
                Map.of("source", "s3", "path", "https://bucket/key"),
                Map.of("source", "s3", "path", "s3://bucket"),
                Map.of("source", "s3", "path", "s3://bucket/"),
                Map.of("source", "s3", "path", "s3://Bad_Bucket/key"),
                Map.of("source", "url", "path", "http://example.org/x.fastq", "data_type", "NOPE"));
        for (Map<String, Object> body : bad) {
            Api.Res r = alice.api().post("/data/import", body);
            assertThat(r.status()).as(body + " → " + r).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("VALIDATION_ERROR");
        }
        assertThat(server.client().post("/data/import", Map.of("source", "url", "path", "http://example.org/x")).status()).isEqualTo(401);
    }

    @Test
    void onlyThoseWhoMayEditASampleImportIntoIt() {
        Account alice = Users.signUp(server, "alice");
        Account reader = Users.signUp(server, "reader");
        Account stranger = Users.signUp(server, "stranger");
        long sample = Fixtures.sample(alice, Fixtures.project(alice, "p", false), "s");
        Fixtures.shareWithUser(alice, "samples", sample, reader, 1);
        Map<String, Object> body = Map.of("source", "url", "path", originUrl("/anything.txt"), "sample_id", sample);
        long before = server.queryLong("SELECT count(*) FROM data");
        assertThat(stranger.api().post("/data/import", body).status()).isEqualTo(404);
        assertThat(reader.api().post("/data/import", body).status()).isEqualTo(403);
        assertThat(server.queryLong("SELECT count(*) FROM data")).isEqualTo(before);
    }

    @Test
    void deletingARecordWhileItImportsKeepsNoBytes() throws Exception {
        Account alice = Users.signUp(server, "alice");
        CountDownLatch release = new CountDownLatch(1);
        byte[] text = "line of text\n".repeat(20_000).getBytes(StandardCharsets.UTF_8); // 260 KB: past detection's 64 KiB
        String path = "/" + Users.uniqueName("slow") + "/slow.txt";
        routes.put(path, ex -> {
            ex.sendResponseHeaders(200, text.length);
            OutputStream out = ex.getResponseBody();
            out.write(text, 0, 200_000);
            out.flush();
            release.await(30, TimeUnit.SECONDS);
            out.write(text, 200_000, text.length - 200_000);
        });
        long id = start(alice, Map.of("source", "url", "path", originUrl(path)));
        awaitTrue(() -> !temporaryFiles().isEmpty()); // its bytes are being written
        assertThat(alice.api().post("/data/" + id + "/delete").status()).isEqualTo(200);
        release.countDown();
        awaitTrue(() -> temporaryFiles().isEmpty() && !storedBytes(id));
        assertThat(alice.api().get("/data/" + id).status()).isEqualTo(404);
    }

    // ---- s3 -----------------------------------------------------------------------------------------------------

    @Test
    void s3ImportReadsTheObjectFromTheConfiguredService() {
        Account alice = Users.signUp(server, "alice");
        byte[] reads = fastq(50);
        String key = "runs/" + Users.uniqueName("run") + "/r1.fastq";
        blobs.putBlob("lab-bucket", blobs.blobBuilder(key).payload(reads).contentLength(reads.length).build());

        long id = start(alice, Map.of("source", "s3", "path", "s3://lab-bucket/" + key));
        JsonNode done = awaitEnd(alice, id);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("ready");
        assertThat(done.path("filename").asText()).isEqualTo("r1.fastq");
        assertThat(done.path("md5").asText()).isEqualTo(md5(reads));
        assertThat(done.path("size").asLong()).isEqualTo(reads.length);
        assertThat(done.path("data_type").asText()).isEqualTo("FASTQ");
        assertThat(alice.api().get("/data/" + id + "/contents?download=true").body()).isEqualTo(reads);

        JsonNode missing = awaitEnd(alice, start(alice, Map.of("source", "s3", "path", "s3://lab-bucket/no/such.fastq")));
        assertThat(missing.path("status").asText()).isEqualTo("failed");
        assertThat(missing.path("reason").asText()).contains("404");
    }

    // ---- server -------------------------------------------------------------------------------------------------

    @Test
    void serverImportReadsOnlyUnderTheRootsAndRefusesLinksOutOfThem() throws IOException {
        Account alice = Users.signUp(server, "alice");
        Path run = Files.createDirectories(root.resolve(Users.uniqueName("run")));
        byte[] reads = fastq(20);
        Path file = Files.write(run.resolve("r2.fastq"), reads);
        Path secret = Files.writeString(outside.resolve("secret.txt"), "not for imports\n");
        Files.createSymbolicLink(run.resolve("link.txt"), secret);
        Files.createSymbolicLink(run.resolve("out"), outside);

        long id = start(alice, Map.of("source", "server", "path", file.toString()));
        JsonNode done = awaitEnd(alice, id);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("ready");
        assertThat(done.path("md5").asText()).isEqualTo(md5(reads));

        Map<String, Integer> refused = Map.of(
                secret.toString(), 403,
                run.resolve("link.txt").toString(), 403,
                run.resolve("out/secret.txt").toString(), 403,
                run + "/../" + run.getFileName() + "/r2.fastq", 400,
                run + "/./r2.fastq", 400,
                "r2.fastq", 400,
                run.toString(), 400,
                run.resolve("nothing.fastq").toString(), 404);
        refused.forEach((path, status) -> {
            Api.Res r = alice.api().post("/data/import", Map.of("source", "server", "path", path));
            assertThat(r.status()).as(path + " → " + r).isEqualTo(status);
        });
    }

    // ---- private addresses and restarts (servers of their own) ----------------------------------------------

    @Test
    void privateAddressesAreRefusedWhenConfigured() {
        String path = "/" + Users.uniqueName("private") + "/r.txt";
        serve(path, "hello\n".getBytes(StandardCharsets.UTF_8));
        try (TestServer strict = TestServer.start(Map.of("FLOW_IMPORT_REFUSE_PRIVATE_ADDRESSES", "true"))) {
            Account alice = Users.signUp(strict, "alice");
            for (String host : List.of("127.0.0.1", "localhost", "[::1]")) {
                String url = "http://" + host + ":" + origin.getAddress().getPort() + path;
                JsonNode failed = awaitEnd(alice, start(alice, Map.of("source", "url", "path", url)));
                assertThat(failed.path("status").asText()).as(url).isEqualTo("failed");
                assertThat(failed.path("reason").asText()).contains("private or local address");
            }
        }
    }

    @Test
    void anImportInterruptedByAStopStartsAgainAtTheNextStart() throws Exception {
        byte[] reads = fastq(2000);
        String path = "/" + Users.uniqueName("restart") + "/reads.fastq";
        AtomicInteger requests = new AtomicInteger();
        CountDownLatch firstHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        routes.put(path, ex -> {
            ex.sendResponseHeaders(200, reads.length);
            OutputStream out = ex.getResponseBody();
            if (requests.incrementAndGet() == 1) { // the first answer stops halfway, until the server is gone
                out.write(reads, 0, reads.length / 2);
                out.flush();
                firstHeld.countDown();
                release.await(30, TimeUnit.SECONDS);
                return;
            }
            out.write(reads);
        });
        Path dir = Files.createTempDirectory("flow-import-restart-");
        try {
            long id;
            String token;
            try (TestServer first = TestServer.start(dir, Map.of())) {
                Account alice = Users.signUp(first, "alice");
                token = alice.token();
                id = start(alice, Map.of("source", "url", "path", originUrl(path)));
                assertThat(firstHeld.await(20, TimeUnit.SECONDS)).isTrue();
                assertThat(alice.api().get("/data/" + id).json().path("status").asText()).isEqualTo("importing");
            }
            try (TestServer second = TestServer.start(dir, Map.of())) {
                JsonNode done = awaitEnd(second.client().as(token), id);
                assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("ready");
                assertThat(done.path("md5").asText()).isEqualTo(md5(reads));
                assertThat(done.path("size").asLong()).isEqualTo(reads.length);
            }
            assertThat(requests.get()).isEqualTo(2);
        } finally {
            release.countDown();
            TempDirs.delete(dir);
        }
    }

    /** Storage on a 4 MiB tmpfs the test mounts (needs root, as in CI's container; skipped elsewhere). */
    @Test
    void aFullDiskFailsTheImportAndKeepsNothing() throws Exception {
        Path file = Files.write(root.resolve(Users.uniqueName("big") + ".bin"), new byte[8 << 20]);
        Path dataDir = Files.createTempDirectory("flow-import-full-");
        Path files = Files.createDirectory(dataDir.resolve("files"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", files.toString())
                .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes());
        if (mount.waitFor() != 0) TempDirs.delete(dataDir);
        Assumptions.assumeTrue(mount.exitValue() == 0, "skipped: cannot mount a small tmpfs to fill up (needs root): " + output.strip());
        try (TestServer full = TestServer.start(dataDir, Map.of("FLOW_IMPORT_ROOTS", root.toString()))) {
            Account alice = Users.signUp(full, "alice");
            JsonNode failed = awaitEnd(alice, start(alice, Map.of("source", "server", "path", file.toString())));
            assertThat(failed.path("status").asText()).isEqualTo("failed");
            assertThat(failed.path("reason").asText()).contains("storage is full");
            try (Stream<Path> left = Files.walk(files)) {
                assertThat(left.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("health-")).toList()).isEmpty();
            }
        } finally {
            new ProcessBuilder("umount", files.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            TempDirs.delete(dataDir);
            Files.delete(file);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static String originUrl(String path) {
        return "http://127.0.0.1:" + origin.getAddress().getPort() + path;
    }

    private static void serve(String path, byte[] bytes) {
        routes.put(path, ex -> {
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
        });
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.sendResponseHeaders(302, -1);
    }

    private static long start(Account who, Map<String, Object> body) {
        Api.Res r = who.api().post("/data/import", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().path("id").asLong();
    }

    private static JsonNode awaitEnd(Account who, long id) {
        return awaitEnd(who.api(), id);
    }

    /** Polls GET /data/{id} until the import is no longer importing. */
    private static JsonNode awaitEnd(Api api, long id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Api.Res r = api.get("/data/" + id);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            if (!r.json().path("status").asText().equals("importing")) return r.json();
            if (System.nanoTime() > deadline) throw new AssertionError("still importing after 30 s: " + r);
            pause();
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not so after 30 s");
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean storedBytes(long id) {
        return new LocalStorage(server.dataDir().resolve("files")).exists(StorageKey.of("data", id));
    }

    /** Writes in progress in the storage (its temporary folder), but not its health probes. */
    private static List<Path> temporaryFiles() {
        try (Stream<Path> files = Files.list(server.dataDir().resolve("files").resolve(".tmp"))) {
            return files.filter(p -> !p.getFileName().toString().startsWith("health-")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] fastq(int records) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < records; i++) b.append("@read").append(i).append("\nACGTACGTAC\n+\nIIIIIIIIII\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
