package bio.flow.downloads;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.storage.LocalStorage;
import bio.flow.storage.StorageKey;
import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** GET /downloads/{data_id}/{filename}: headers, ranges, conditional requests, formats and who may download. */
class DownloadsTest {
    private static final TestServer server = TestServer.shared();

    /** A text file of {@code n} numbered lines. */
    static byte[] text(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) s.append("line ").append(i).append('\n');
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    private static Api.Res get(Api api, String path, String... headers) {
        Map<String, String> h = new java.util.HashMap<>();
        for (int i = 0; i < headers.length; i += 2) h.put(headers[i], headers[i + 1]);
        return api.send("GET", path, null, h);
    }

    @Test
    void theWholeFileWithItsLengthValidatorsAndName() throws Exception {
        Account alice = Users.signUp(server, "alice");
        byte[] bytes = text(2000);
        long id = Fixtures.upload(alice, "notes é.txt", bytes, Map.of());

        Api.Res r = get(alice.api(), "/downloads/" + id + "/notes.txt");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(bytes);
        assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(bytes.length));
        assertThat(r.header("ETag")).isEqualTo('"' + md5(bytes) + '"');
        assertThat(r.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(r.header("Content-Type")).startsWith("application/octet-stream");
        ZonedDateTime modified = ZonedDateTime.parse(r.header("Last-Modified"), DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(modified.toInstant()).isBeforeOrEqualTo(java.time.Instant.now());
        // the name in the path is the client's; the attachment is named as the record is
        assertThat(r.header("Content-Disposition")).isEqualTo("attachment; filename=\"notes _.txt\"; filename*=UTF-8''notes%20%C3%A9.txt");
        assertThat(get(alice.api(), "/downloads/" + id + "/anything-else.bin").body()).isEqualTo(bytes);
    }

    @Test
    void headAnswersWhatGetWouldWithoutTheBytes() throws Exception {
        Account alice = Users.signUp(server, "alice");
        byte[] bytes = text(2000);
        long id = Fixtures.upload(alice, "h.txt", bytes, Map.of());
        String path = "/downloads/" + id + "/h.txt";

        Api.Res get = get(alice.api(), path);
        Api.Res head = alice.api().send("HEAD", path, null, Map.of());
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        for (String h : List.of("Content-Length", "ETag", "Last-Modified", "Accept-Ranges", "Content-Disposition")) {
            assertThat(head.header(h)).as(h).isEqualTo(get.header(h));
        }
        Api.Res part = alice.api().send("HEAD", path, null, Map.of("Range", "bytes=10-19"));
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.header("Content-Range")).isEqualTo("bytes 10-19/" + bytes.length);
        assertThat(part.header("Content-Length")).isEqualTo("10");
        assertThat(alice.api().send("HEAD", path, null, Map.of("If-None-Match", get.header("ETag"))).status()).isEqualTo(304);
        // not readable, or not there: the same 404 as GET
        Account stranger = Users.signUp(server, "stranger");
        assertThat(stranger.api().send("HEAD", path, null, Map.of()).status()).isEqualTo(404);
        assertThat(server.client().send("HEAD", "/downloads/999999999/x", null, Map.of()).status()).isEqualTo(404);
    }

    @Test
    void singleRangesAndUnsatisfiableOnes() {
        Account alice = Users.signUp(server, "alice");
        byte[] bytes = text(2000);
        int size = bytes.length;
        long id = Fixtures.upload(alice, "r.txt", bytes, Map.of());
        String path = "/downloads/" + id + "/r.txt";

        Api.Res first = get(alice.api(), path, "Range", "bytes=0-99");
        assertThat(first.status()).isEqualTo(206);
        assertThat(first.body()).isEqualTo(Arrays.copyOfRange(bytes, 0, 100));
        assertThat(first.header("Content-Range")).isEqualTo("bytes 0-99/" + size);
        assertThat(first.header("Content-Length")).isEqualTo("100");

        Api.Res suffix = get(alice.api(), path, "Range", "bytes=-10");
        assertThat(suffix.status()).isEqualTo(206);
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(bytes, size - 10, size));
        assertThat(suffix.header("Content-Range")).isEqualTo("bytes " + (size - 10) + "-" + (size - 1) + "/" + size);

        Api.Res open = get(alice.api(), path, "Range", "bytes=1000-");
        assertThat(open.status()).isEqualTo(206);
        assertThat(open.body()).isEqualTo(Arrays.copyOfRange(bytes, 1000, size));

        Api.Res pastTheEnd = get(alice.api(), path, "Range", "bytes=0-" + (size * 2));
        assertThat(pastTheEnd.status()).isEqualTo(206);
        assertThat(pastTheEnd.body()).isEqualTo(bytes);

        Api.Res unsatisfiable = get(alice.api(), path, "Range", "bytes=" + size + "-");
        assertThat(unsatisfiable.status()).isEqualTo(416);
        assertThat(unsatisfiable.header("Content-Range")).isEqualTo("bytes */" + size);
        assertThat(unsatisfiable.errorCode()).isEqualTo("RANGE_NOT_SATISFIABLE");
        assertThat(get(alice.api(), path, "Range", "bytes=-0").status()).isEqualTo(416);

        // malformed, reversed, another unit, several ranges: the whole file
        for (String range : List.of("bytes=abc", "bytes=5-2", "items=0-1", "bytes=0-1,5-6", "bytes=-")) {
            Api.Res whole = get(alice.api(), path, "Range", range);
            assertThat(whole.status()).as(range).isEqualTo(200);
            assertThat(whole.body()).as(range).isEqualTo(bytes);
        }
    }

    @Test
    void conditionalRequests() throws Exception {
        Account alice = Users.signUp(server, "alice");
        byte[] bytes = text(100);
        long id = Fixtures.upload(alice, "c.txt", bytes, Map.of());
        String path = "/downloads/" + id + "/c.txt";
        Api.Res plain = get(alice.api(), path);
        String etag = plain.header("ETag");
        String modified = plain.header("Last-Modified");
        String longAgo = "Sun, 06 Nov 1994 08:49:37 GMT";

        Api.Res cached = get(alice.api(), path, "If-None-Match", etag);
        assertThat(cached.status()).isEqualTo(304);
        assertThat(cached.body()).isEmpty();
        assertThat(cached.header("ETag")).isEqualTo(etag);
        assertThat(get(alice.api(), path, "If-None-Match", "\"other\", " + etag).status()).isEqualTo(304);
        assertThat(get(alice.api(), path, "If-None-Match", "W/" + etag).status()).isEqualTo(304);
        assertThat(get(alice.api(), path, "If-None-Match", "\"other\"").status()).isEqualTo(200);
        assertThat(get(alice.api(), path, "If-Modified-Since", modified).status()).isEqualTo(304);
        assertThat(get(alice.api(), path, "If-Modified-Since", longAgo).status()).isEqualTo(200);
        // If-None-Match wins over If-Modified-Since
        assertThat(get(alice.api(), path, "If-None-Match", "\"other\"", "If-Modified-Since", modified).status()).isEqualTo(200);

        assertThat(get(alice.api(), path, "If-Match", etag).status()).isEqualTo(200);
        Api.Res failed = get(alice.api(), path, "If-Match", "\"other\"");
        assertThat(failed.status()).isEqualTo(412);
        assertThat(failed.errorCode()).isEqualTo("PRECONDITION_FAILED");
        assertThat(get(alice.api(), path, "If-Unmodified-Since", longAgo).status()).isEqualTo(412);
        assertThat(get(alice.api(), path, "If-Unmodified-Since", modified).status()).isEqualTo(200);

        assertThat(get(alice.api(), path, "Range", "bytes=0-9", "If-Range", etag).status()).isEqualTo(206);
        assertThat(get(alice.api(), path, "Range", "bytes=0-9", "If-Range", modified).status()).isEqualTo(206);
        Api.Res stale = get(alice.api(), path, "Range", "bytes=0-9", "If-Range", "\"other\"");
        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.body()).isEqualTo(bytes);
        assertThat(get(alice.api(), path, "Range", "bytes=0-9", "If-Range", longAgo).status()).isEqualTo(200);
    }

    @Test
    void formatsCompressAndDecompressOnTheFly() throws Exception {
        Account alice = Users.signUp(server, "alice");
        byte[] bytes = text(5000);
        long plain = Fixtures.upload(alice, "p.txt", bytes, Map.of());
        byte[] gzipped = gzip(bytes);
        long compressed = Fixtures.upload(alice, "z.txt.gz", gzipped, Map.of());

        Api.Res gz = get(alice.api(), "/downloads/" + plain + "/p.txt?format=gz");
        assertThat(gz.status()).isEqualTo(200);
        assertThat(gunzip(gz.body())).isEqualTo(bytes);
        assertThat(gz.header("Content-Type")).startsWith("application/gzip");
        assertThat(gz.header("ETag")).isNull();
        assertThat(gz.header("Content-Length")).isNull();
        assertThat(gz.header("Content-Disposition")).contains("filename=\"p.txt.gz\"");
        // ranges are not for content made on the fly
        assertThat(get(alice.api(), "/downloads/" + plain + "/p.txt?format=gz", "Range", "bytes=0-9").status()).isEqualTo(200);

        Api.Res raw = get(alice.api(), "/downloads/" + compressed + "/z.txt.gz?format=raw");
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.body()).isEqualTo(bytes);
        assertThat(raw.header("Content-Disposition")).contains("filename=\"z.txt\"");

        // already in the format asked for: the stored bytes, with everything of a stored file
        Api.Res storedGz = get(alice.api(), "/downloads/" + compressed + "/z.txt.gz?format=gz", "Range", "bytes=0-1");
        assertThat(storedGz.status()).isEqualTo(206);
        assertThat(storedGz.body()).isEqualTo(Arrays.copyOfRange(gzipped, 0, 2));
        assertThat(get(alice.api(), "/downloads/" + plain + "/p.txt?format=raw").header("ETag")).isEqualTo('"' + md5(bytes) + '"');

        Api.Res unknown = get(alice.api(), "/downloads/" + plain + "/p.txt?format=zip");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("error").path("details").path("supported").toString()).isEqualTo("[\"gz\",\"raw\"]");
    }

    @Test
    void corruptGzipIsAConflictBeforeAnythingIsSent() throws Exception {
        Account alice = Users.signUp(server, "alice");
        byte[] gzipped = gzip(text(100));
        long id = Fixtures.upload(alice, "bad.txt.gz", gzipped, Map.of());
        byte[] bad = gzipped.clone();
        Arrays.fill(bad, 0, 4, (byte) 0);
        LocalStorage storage = new LocalStorage(server.dataDir().resolve("files"));
        storage.write(StorageKey.of("data", id), new ByteArrayInputStream(bad), Long.MAX_VALUE);
        Api.Res r = get(alice.api(), "/downloads/" + id + "/bad.txt.gz?format=raw");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().path("error").path("details").path("compression").asText()).isEqualTo("gzip");
    }

    /** The one decision of DataContents: not ready, missing bytes, bytes of another size (truncated) are 409. */
    @Test
    void bytesThatCannotBeServedAreAConflict() throws Exception {
        Account alice = Users.signUp(server, "alice");
        LocalStorage storage = new LocalStorage(server.dataDir().resolve("files"));
        long importing = Fixtures.data(alice, null);
        server.sql("UPDATE data SET status = 'importing' WHERE id = " + importing);
        Api.Res notReady = get(alice.api(), "/downloads/" + importing + "/x");
        assertThat(notReady.status()).isEqualTo(409);
        assertThat(notReady.json().path("error").path("details").path("status").asText()).isEqualTo("importing");

        long missing = Fixtures.data(alice, null);
        storage.delete(StorageKey.of("data", missing));
        assertThat(get(alice.api(), "/downloads/" + missing + "/x").status()).isEqualTo(409);

        long truncated = Fixtures.upload(alice, "t.txt", text(100), Map.of());
        storage.write(StorageKey.of("data", truncated), new ByteArrayInputStream(text(10)), Long.MAX_VALUE);
        Api.Res corrupt = get(alice.api(), "/downloads/" + truncated + "/t.txt", "Range", "bytes=0-1");
        assertThat(corrupt.status()).isEqualTo(409);
        assertThat(corrupt.text()).contains("corrupt");
        assertThat(alice.api().get("/data/" + truncated + "/contents?download=true").status()).isEqualTo(409);
    }

    @Test
    void whoMayDownload() {
        Account alice = Users.signUp(server, "alice");
        Account granted = Users.signUp(server, "granted");
        Account grouped = Users.signUp(server, "grouped");
        Account projectReader = Users.signUp(server, "preader");
        Account stranger = Users.signUp(server, "stranger");
        long project = Fixtures.project(alice, "private", false);
        long sample = Fixtures.sample(alice, project, "s");
        long data = Fixtures.data(alice, sample);
        Fixtures.shareWithUser(alice, "data", data, granted, 1);
        Fixtures.shareWithGroup(alice, "data", data, Fixtures.group(alice, List.of(grouped), List.of()), 1);
        Fixtures.shareWithUser(alice, "projects", project, projectReader, 1);
        long publicData = Fixtures.data(alice, Fixtures.sample(alice, Fixtures.project(alice, "public", true), "ps"));
        String path = "/downloads/" + data + "/reads.fastq";

        for (Account reader : List.of(alice, granted, grouped, projectReader)) {
            assertThat(get(reader.api(), path).status()).as(reader.username()).isEqualTo(200);
        }
        assertThat(get(Users.admin(server).api(), path).status()).isEqualTo(200);
        Api.Res strangers = get(stranger.api(), path);
        Api.Res anonymous = get(server.client(), path);
        Api.Res nonexistent = get(alice.api(), "/downloads/999999999/reads.fastq");
        for (Api.Res r : List.of(strangers, anonymous, nonexistent)) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.errorCode()).isEqualTo("NOT_FOUND");
        }
        assertThat(get(server.client(), "/downloads/not-a-number/reads.fastq").status()).isEqualTo(404);
        assertThat(get(server.client(), "/downloads/" + publicData + "/reads.fastq").status()).isEqualTo(200);
        assertThat(get(stranger.api(), "/downloads/" + publicData + "/reads.fastq").status()).isEqualTo(200);
        assertThat(get(server.client().as("not-a-token"), path).status()).isEqualTo(401);
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }
}
