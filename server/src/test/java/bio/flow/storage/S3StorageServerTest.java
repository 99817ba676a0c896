package bio.flow.storage;

import static bio.flow.testing.PipelineRuns.latestVersion;
import static bio.flow.testing.PipelineRuns.output;
import static bio.flow.testing.PipelineRuns.text;
import static bio.flow.testing.PipelineRuns.uploadRead;
import static bio.flow.testing.PipelineRuns.waitUntilFinished;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.config.Config;
import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Multipart;
import bio.flow.testing.S3Server;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A server with FLOW_STORAGE=s3 (a bucket of s3proxy), over HTTP: uploads by both protocols, out of order and resumed,
 * a ranged download, a bulk archive, and a real Nextflow execution whose inputs are in the bucket and whose outputs
 * land there. Nothing is stored on the server's disk.
 */
class S3StorageServerTest {
    private static final S3Server s3 = S3Server.shared();
    private static final String bucket = s3.bucket("server");
    private static final TestServer server = TestServer.start(s3.storageSettings(bucket));
    private static final S3Client client = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.US_EAST_1)
            .endpointOverride(s3.endpoint()).forcePathStyle(true)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Server.KEY_ID, S3Server.SECRET)))
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The bucket's objects under a prefix (s3proxy's folders left out): name → size. */
    private static Map<String, Long> objects(String prefix) {
        Map<String, Long> found = new LinkedHashMap<>();
        for (S3Object o : client.listObjectsV2Paginator(l -> l.bucket(bucket).prefix(prefix)).contents()) {
            if (!o.key().endsWith("/")) found.put(o.key(), o.size());
        }
        return found;
    }

    private static byte[] object(StorageKey key) {
        return client.getObjectAsBytes(g -> g.bucket(bucket).key(S3Storage.object(key))).asByteArray();
    }

    private static void nothingOnTheServersDisk() {
        assertThat(server.dataDir().resolve("files").resolve("data")).doesNotExist();
        assertThat(server.dataDir().resolve("files").resolve("uploads")).doesNotExist();
    }

    @Test
    void chunksOutOfOrderAndResumedMakeOneObjectAndARangeOfItDownloads() throws Exception {
        Account owner = Users.signUp(server, "s3chunks");
        byte[] file = fastq(500_000); // 19 MB: chunks of 8 MiB (copied inside S3 at the end) and a last one of 2.7 MB
        List<byte[]> chunks = split(file, 8 << 20);
        assertThat(chunks).hasSize(3);
        String fileId = UUID.randomUUID().toString();

        assertThat(chunk(owner, fileId, 2, chunks).status()).isEqualTo(200); // the last first: kept apart until its offset is known
        assertThat(chunk(owner, fileId, 0, chunks).status()).isEqualTo(200);
        // the client stops and comes back: the server tells it what it has
        JsonNode progress = owner.api().get("/upload/" + fileId).json();
        assertThat(progress.path("received")).extracting(JsonNode::asInt).containsExactly(0, 2);
        assertThat(objects("uploads/")).isNotEmpty();
        assertThat(chunk(owner, fileId, 0, chunks).status()).isEqualTo(200); // sent again
        Api.Res done = chunk(owner, fileId, 1, chunks);
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        JsonNode data = done.json().path("data");
        assertThat(data.path("md5").asText()).isEqualTo(md5(file));
        assertThat(data.path("size").asLong()).isEqualTo(file.length);
        long id = data.path("id").asLong();

        assertThat(object(StorageKey.of("data", id))).isEqualTo(file);
        assertThat(objects("uploads/")).as("the pieces are gone").isEmpty();
        nothingOnTheServersDisk();

        Api.Res part = owner.api().send("GET", "/downloads/" + id + "/reads.fastq", null, Map.of("Range", "bytes=8388600-8388711"));
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.header("Content-Range")).isEqualTo("bytes 8388600-8388711/" + file.length);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(file, 8388600, 8388712));
        assertThat(owner.api().get("/data/" + id + "/contents?download=true").body()).isEqualTo(file);
    }

    @Test
    void theOffsetProtocolsPiecesInOrderAndOneSentAgain() throws Exception {
        Account owner = Users.signUp(server, "s3offset");
        byte[] file = fastq(70_000); // 2.7 MB in the official client's 1 MB pieces
        List<byte[]> pieces = split(file, 1_000_000);
        JsonNode first = ok(piece(owner, null, 0, false, pieces.get(0)));
        String id = first.path("id").asText();
        long offset = pieces.get(0).length;
        JsonNode last = null;
        for (int i = 1; i < pieces.size(); i++) {
            boolean isLast = i == pieces.size() - 1;
            JsonNode answer = ok(piece(owner, id, offset, isLast, pieces.get(i)));
            if (i == 1) assertThat(ok(piece(owner, id, offset, false, pieces.get(i)))).isEqualTo(answer); // its answer was lost
            offset += pieces.get(i).length;
            last = answer;
        }
        assertThat(last.path("data").path("md5").asText()).isEqualTo(md5(file));
        assertThat(object(StorageKey.of("data", Long.parseLong(id)))).isEqualTo(file);
        assertThat(objects("uploads/")).isEmpty();
        nothingOnTheServersDisk();
    }

    @Test
    void aBulkArchiveIsWrittenToTheBucketAndDownloaded() throws Exception {
        Account owner = Users.signUp(server, "s3archive");
        byte[] a = "@a\nACGT\n+\nIIII\n".getBytes(StandardCharsets.UTF_8);
        byte[] b = fastq(1000);
        long first = Fixtures.upload(owner, "a.fastq", a, Map.of());
        long second = Fixtures.upload(owner, "b.fastq", b, Map.of());

        Api.Res started = owner.api().post("/downloads", Map.of("data", List.of(first, second)));
        assertThat(started.status()).isEqualTo(202);
        long job = started.json().path("id").asLong();
        JsonNode status = awaitEnd(owner, job);
        assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("completed");
        assertThat(objects("archives/")).containsKey(S3Storage.object(StorageKey.of("archives", job)));

        Api.Res zip = owner.api().get("/downloads/" + job);
        assertThat(zip.status()).isEqualTo(200);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()), StandardCharsets.UTF_8)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) entries.put(e.getName(), in.readAllBytes());
        }
        assertThat(entries.get("a.fastq")).isEqualTo(a);
        assertThat(entries.get("b.fastq")).isEqualTo(b);
        Api.Res tail = owner.api().send("GET", "/downloads/" + job, null, Map.of("Range", "bytes=-22"));
        assertThat(tail.status()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(zip.body(), zip.body().length - 22, zip.body().length));
    }

    @Test
    void aPipelineReadsItsInputsFromTheBucketAndItsOutputsLandThere() throws Exception {
        Account owner = Users.signUp(server, "s3run");
        long project = Fixtures.project(owner, "S3 run", false);
        long sample = Fixtures.sample(owner, project, "s3-a");
        uploadRead(owner, sample, 1, null, "a_1.fq", "@r1\nACGTGG\n+\nIIIII#\n@r2\nAATT\n+\n!!55\n".getBytes(StandardCharsets.US_ASCII));
        long input = server.queryLong("SELECT id FROM data WHERE sample_id = " + sample);
        assertThat(objects("data/")).containsKey(S3Storage.object(StorageKey.of("data", input)));

        long version = latestVersion(owner.api(), "Quality Control", "FASTQ QC");
        Api.Res run = owner.api().post("/pipelines/versions/" + version + "/run", Map.of(
                "name", "s3 qc", "samples", List.of(sample), "filesets", List.of(), "parameters", Map.of("min_quality", 30)));
        assertThat(run.status()).as("run: %s", run).isBetween(200, 201);
        long execution = run.json().path("id").asLong();
        JsonNode done = waitUntilFinished(owner.api(), execution);
        assertThat(done.path("status").asText()).as("execution: %s", done).isEqualTo("completed");

        // the input was downloaded into the run directory, since S3 lends out no path
        assertThat(server.dataDir().resolve("runs").resolve(Long.toString(execution)).resolve("staged").resolve(Long.toString(input)))
                .hasContent("@r1\nACGTGG\n+\nIIIII#\n@r2\nAATT\n+\n!!55\n");
        JsonNode summary = output(done, "fastq_qc_summary.tsv");
        assertThat(text(owner.api(), summary)).contains("s3-a\t1\t");
        assertThat(new String(object(StorageKey.of("data", summary.path("id").asLong())), StandardCharsets.UTF_8)).isEqualTo(text(owner.api(), summary));
        nothingOnTheServersDisk();
    }

    @Test
    void withoutPresignedDownloadsFlowStreamsTheBytesItself() {
        Account owner = Users.signUp(server, "s3stream");
        byte[] file = fastq(100);
        long id = Fixtures.upload(owner, "reads.fastq", file, Map.of());
        for (String path : List.of("/downloads/" + id + "/reads.fastq", "/data/" + id + "/contents?download=true")) {
            Api.Res r = owner.api().get(path);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(r.header("Location")).isNull();
            assertThat(r.body()).isEqualTo(file);
        }
    }

    @Test
    void healthAsksTheBucket() {
        Api.Res health = server.client().get("/health");
        assertThat(health.json().path("services").path("storage").path("status").asText()).as(health.toString()).isEqualTo("healthy");
        // a bucket has no free space to tell: none is shown, and none makes the storage degraded
        assertThat(health.json().path("services").path("storage").has("available_gb")).isTrue();
        assertThat(health.json().path("services").path("storage").path("available_gb").isNull()).isTrue();
    }

    @Test
    void aWrongStorageSettingStopsTheStartWithWhatToFix() {
        assertThatThrownBy(() -> TestServer.start(Map.of("FLOW_STORAGE", "s3"))).isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("FLOW_STORAGE=s3 needs FLOW_S3_BUCKET");
        assertThatThrownBy(() -> TestServer.start(Map.of("FLOW_S3_BUCKET", bucket))).isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("FLOW_S3_BUCKET is set but FLOW_STORAGE is local");
        assertThatThrownBy(() -> TestServer.start(Map.of("FLOW_STORAGE", "gcs"))).isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("FLOW_STORAGE must be local or s3");
        Map<String, String> onlyKeyId = new HashMap<>(s3.storageSettings(bucket));
        onlyKeyId.remove("FLOW_S3_SECRET_ACCESS_KEY");
        assertThatThrownBy(() -> TestServer.start(onlyKeyId)).isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("are set together or not at all");
        Map<String, String> wrongSecret = new HashMap<>(s3.storageSettings(bucket));
        wrongSecret.put("FLOW_S3_SECRET_ACCESS_KEY", "not-the-secret");
        assertThatThrownBy(() -> TestServer.start(wrongSecret)).isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("bucket " + bucket + " at " + s3.endpoint() + " cannot be reached");
        Map<String, String> noBucket = new HashMap<>(s3.storageSettings("no-such-bucket"));
        assertThatThrownBy(() -> TestServer.start(noBucket)).isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("bucket no-such-bucket at " + s3.endpoint() + " cannot be reached");
    }

    // ---- helpers ----

    private static Api.Res chunk(Account who, String fileId, int chunk, List<byte[]> chunks) {
        return new Multipart().field("file_id", fileId).field("filename", "reads.fastq").field("chunk", chunk)
                .field("total_chunks", chunks.size()).file("file", chunks.get(chunk)).post(who.api(), "/upload");
    }

    private static Api.Res piece(Account who, String data, long offset, boolean last, byte[] bytes) {
        return new Multipart().field("filename", "reads.fastq").field("expected_file_size", offset).field("is_last", last)
                .field("data", data == null ? "" : data).file("blob", bytes).post(who.api(), "/upload");
    }

    private static JsonNode ok(Api.Res r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode awaitEnd(Account who, long job) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            JsonNode j = who.api().get("/downloads/status?id=" + job).json();
            String status = j.path("status").asText();
            if (status.equals("completed") || status.equals("failed")) return j;
            if (System.nanoTime() > deadline) throw new AssertionError("job " + job + " did not end: " + j);
            Thread.sleep(50);
        }
    }

    private static byte[] fastq(int records) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < records; i++) b.append("@read").append(i).append("\nACGTACGTAC\n+\nIIIIIIIIII\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<byte[]> split(byte[] file, int size) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < file.length; i += size) out.add(Arrays.copyOfRange(file, i, Math.min(file.length, i + size)));
        return out;
    }

    private static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }
}
