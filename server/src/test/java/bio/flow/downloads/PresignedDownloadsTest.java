package bio.flow.downloads;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.http.ContentDisposition;
import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.S3Server;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * FLOW_S3_PRESIGNED_DOWNLOADS over HTTP, on s3proxy: a reader of a file is sent (307) to a presigned URL of the bucket that
 * serves its exact bytes, name and type, and ranges of them, until it expires; anyone else gets the 404 of before and no
 * URL; what Flow makes or validates itself (HEAD, conditional requests, on-the-fly formats, bulk archives) is still sent
 * by Flow. The URL is the endpoint's, path-style, or FLOW_S3_PUBLIC_ENDPOINT's.
 */
class PresignedDownloadsTest {
    private static final S3Server s3 = S3Server.shared();
    private static final String bucket = s3.bucket("presign");
    /** A short life, for the expiry test, still long enough to follow a redirect at once on a busy machine. */
    private static final int SECONDS = 4;
    private static final TestServer server = TestServer.start(settings(Map.of("FLOW_S3_PRESIGN_SECONDS", Integer.toString(SECONDS))));
    /** The address clients reach s3proxy at, as a deployment behind another name would have it: the same server under another host name. */
    private static final URI publicEndpoint = URI.create("http://localhost:" + s3.endpoint().getPort());
    private static final HttpClient outside = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static Map<String, String> settings(Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(s3.storageSettings(bucket));
        settings.put("FLOW_S3_PRESIGNED_DOWNLOADS", "true");
        settings.putAll(more);
        return settings;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Api.Res get(Api api, String path, String... headers) {
        Map<String, String> h = new HashMap<>();
        for (int i = 0; i < headers.length; i += 2) h.put(headers[i], headers[i + 1]);
        return api.send("GET", path, null, h);
    }

    /** The 307 to the bucket, checked: no body, not to be cached, a URL of the endpoint's bucket (path-style). */
    private static URI redirect(Api.Res r, URI endpoint) {
        assertThat(r.status()).as(r.toString()).isEqualTo(307);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.body()).isEmpty();
        URI location = URI.create(r.header("Location"));
        assertThat(location.toString()).startsWith(endpoint + "/" + bucket + "/data/");
        assertThat(location.getRawQuery()).contains("X-Amz-Signature=");
        return location;
    }

    /** Follows a redirect as a client does, without Flow's token (S3 takes no other authorization than the URL's). */
    private static HttpResponse<byte[]> follow(URI location, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(location).timeout(Duration.ofSeconds(30)).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return outside.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + (i >> 8));
        return b;
    }

    @Test
    void everyReaderIsSentToAPresignedUrlThatServesTheExactBytesWithTheFilesNameAndType() throws Exception {
        Account owner = Users.signUp(server, "psowner");
        Account reader = Users.signUp(server, "psreader");
        Account editor = Users.signUp(server, "pseditor");
        Account projectReader = Users.signUp(server, "psproject");
        long project = Fixtures.project(owner, "presigned", false);
        long sample = Fixtures.sample(owner, project, "s");
        byte[] file = bytes(300_000);
        String name = "reads é 1.bin";
        long id = Fixtures.upload(owner, name, file, Map.of("sample_id", sample));
        Fixtures.shareWithUser(owner, "data", id, reader, 1);
        Fixtures.shareWithUser(owner, "data", id, editor, 2);
        Fixtures.shareWithUser(owner, "projects", project, projectReader, 1);

        for (Account who : List.of(owner, reader, editor, projectReader, Users.admin(server))) {
            for (String path : List.of("/downloads/" + id + "/reads.bin", "/data/" + id + "/contents?download=true")) {
                HttpResponse<byte[]> answer = follow(redirect(get(who.api(), path), s3.endpoint()));
                assertThat(answer.statusCode()).as(who.username() + " " + path).isEqualTo(200);
                assertThat(answer.body()).isEqualTo(file);
                assertThat(answer.headers().firstValue("Content-Disposition")).hasValue(ContentDisposition.attachment(name));
                assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
                assertThat(answer.headers().firstValue("Content-Length")).hasValue(Integer.toString(file.length));
            }
        }

        // a file of a public project: anyone, signed in or not
        long open = Fixtures.upload(owner, "open.txt", "public bytes\n".getBytes(StandardCharsets.UTF_8),
                Map.of("sample_id", Fixtures.sample(owner, Fixtures.project(owner, "open", true), "p")));
        assertThat(follow(redirect(get(server.client(), "/downloads/" + open + "/open.txt"), s3.endpoint())).body())
                .isEqualTo("public bytes\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void whoMayNotReadGetsTheSame404AsForNothingAndNoUrl() {
        Account owner = Users.signUp(server, "psowner");
        Account stranger = Users.signUp(server, "psstranger");
        long id = Fixtures.upload(owner, "secret.txt", "secret\n".getBytes(StandardCharsets.UTF_8), Map.of());
        for (String path : List.of("/downloads/%d/secret.txt", "/data/%d/contents?download=true")) {
            Api.Res strangers = get(stranger.api(), path.formatted(id));
            Api.Res anonymous = get(server.client(), path.formatted(id));
            Api.Res nothing = get(owner.api(), path.formatted(999_999_999L));
            for (Api.Res r : List.of(strangers, anonymous, nothing)) {
                assertThat(r.status()).as(path + ": " + r).isEqualTo(404);
                assertThat(r.errorCode()).isEqualTo("NOT_FOUND");
                assertThat(r.header("Location")).isNull();
                assertThat(r.text()).doesNotContain(bucket).doesNotContain("X-Amz");
            }
            assertThat(strangers.json().path("error").path("message").asText().replace(Long.toString(id), "N"))
                    .isEqualTo(nothing.json().path("error").path("message").asText().replace("999999999", "N"));
            Api.Res badToken = get(server.client().as("not-a-token"), path.formatted(id));
            assertThat(badToken.status()).isEqualTo(401);
            assertThat(badToken.header("Location")).isNull();
        }
    }

    @Test
    void theBucketServesARangeItself() throws Exception {
        Account owner = Users.signUp(server, "psrange");
        byte[] file = bytes(200_000);
        long id = Fixtures.upload(owner, "ranged.bin", file, Map.of());
        URI location = redirect(get(owner.api(), "/downloads/" + id + "/ranged.bin", "Range", "bytes=1000-1999"), s3.endpoint());

        HttpResponse<byte[]> part = follow(location, "Range", "bytes=1000-1999");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 1000-1999/" + file.length);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(file, 1000, 2000));
        HttpResponse<byte[]> tail = follow(location, "Range", "bytes=-10");
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(file, file.length - 10, file.length));
    }

    @Test
    void aUrlStopsWorkingWhenItExpiresAndTheNextRequestGetsAFreshOne() throws Exception {
        Account owner = Users.signUp(server, "psexpiry");
        byte[] file = bytes(10_000);
        long id = Fixtures.upload(owner, "expiring.bin", file, Map.of());
        URI location = redirect(get(owner.api(), "/downloads/" + id + "/expiring.bin"), s3.endpoint());
        assertThat(location.getRawQuery()).contains("X-Amz-Expires=" + SECONDS);
        assertThat(follow(location).body()).isEqualTo(file);

        Thread.sleep((SECONDS + 2) * 1000L); // past the expiry, whatever part of its first second the URL was signed in
        HttpResponse<byte[]> expired = follow(location);
        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(new String(expired.body(), StandardCharsets.UTF_8)).contains("AccessDenied");

        URI fresh = redirect(get(owner.api(), "/downloads/" + id + "/expiring.bin"), s3.endpoint());
        assertThat(fresh).isNotEqualTo(location);
        assertThat(follow(fresh).body()).isEqualTo(file);
    }

    @Test
    void whatFlowMakesOrValidatesItselfIsStillSentByFlow() throws Exception {
        Account owner = Users.signUp(server, "psflow");
        byte[] file = DownloadsTest.text(3000);
        String etag = '"' + DownloadsTest.md5(file) + '"';
        long id = Fixtures.upload(owner, "lines.txt", file, Map.of());
        String path = "/downloads/" + id + "/lines.txt";

        // HEAD: a presigned GET URL is signed for GET alone, and a HEAD costs Flow no bytes
        Api.Res head = owner.api().send("HEAD", path, null, Map.of());
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Location")).isNull();
        assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(file.length));
        assertThat(head.header("ETag")).isEqualTo(etag);

        // conditional requests: Flow's validators, judged by Flow
        Api.Res notModified = get(owner.api(), path, "If-None-Match", etag);
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.header("Location")).isNull();
        Api.Res resumed = get(owner.api(), path, "Range", "bytes=10-19", "If-Range", etag);
        assertThat(resumed.status()).isEqualTo(206);
        assertThat(resumed.body()).isEqualTo(Arrays.copyOfRange(file, 10, 20));
        assertThat(get(owner.api(), path, "If-Match", "\"other\"").status()).isEqualTo(412);

        // content made on the fly
        Api.Res gz = get(owner.api(), path + "?format=gz");
        assertThat(gz.status()).isEqualTo(200);
        assertThat(gz.header("Location")).isNull();
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(file);
        }
        // the stored bytes in the format asked for: the bucket's
        assertThat(follow(redirect(get(owner.api(), path + "?format=raw"), s3.endpoint())).body()).isEqualTo(file);

        // a bulk archive, built by Flow
        Api.Res started = owner.api().post("/downloads", Map.of("data", List.of(id)));
        assertThat(started.status()).isEqualTo(202);
        long job = started.json().path("id").asLong();
        awaitCompleted(owner, job);
        Api.Res zip = get(owner.api(), "/downloads/" + job);
        assertThat(zip.status()).isEqualTo(200);
        assertThat(zip.header("Location")).isNull();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()), StandardCharsets.UTF_8)) {
            assertThat(in.getNextEntry().getName()).isEqualTo("lines.txt");
            assertThat(in.readAllBytes()).isEqualTo(file);
        }
    }

    @Test
    void aPublicEndpointNamesWhereClientsReachTheBucket() throws Exception {
        try (TestServer behind = TestServer.start(settings(Map.of("FLOW_S3_PUBLIC_ENDPOINT", publicEndpoint.toString())))) {
            Account owner = Users.signUp(behind, "pspublic");
            byte[] file = bytes(50_000);
            long id = Fixtures.upload(owner, "far.bin", file, Map.of());
            URI location = redirect(get(owner.api(), "/downloads/" + id + "/far.bin"), publicEndpoint);
            assertThat(location.getHost()).isEqualTo("localhost");
            HttpResponse<byte[]> answer = follow(location);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(file);
        }
    }

    private static void awaitCompleted(Account who, long job) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            JsonNode j = who.api().get("/downloads/status?id=" + job).json();
            String status = j.path("status").asText();
            if (status.equals("completed")) return;
            if (status.equals("failed") || System.nanoTime() > deadline) throw new AssertionError("job " + job + ": " + j);
            Thread.sleep(50);
        }
    }
}
