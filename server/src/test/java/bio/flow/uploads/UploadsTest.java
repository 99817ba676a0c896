package bio.flow.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.storage.LocalStorage;
import bio.flow.storage.Storage;
import bio.flow.storage.StorageKey;
import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Multipart;
import bio.flow.testing.Parallel;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** POST /upload, GET /upload/{file_id} and GET /data/{id}, over real HTTP with hand-built multipart bodies. */
class UploadsTest {
    private static final TestServer server = TestServer.shared();

    // ---- chunks: order, repeats, concurrency, completion ----

    @Test
    void chunksInAnyOrderRepeatedAndAtOnceMakeOneCompleteRecord() throws Exception {
        Account owner = Users.signUp(server, "up");
        byte[] file = fastq(200); // several KB
        List<byte[]> chunks = split(file, 1000);
        int total = chunks.size();
        String id = fileId();
        // The last chunk first (its place is not known yet), then the middle, then chunk 0, and chunk 2 again.
        assertThat(send(owner, id, "reads.fastq", total - 1, chunks, Map.of()).status()).isEqualTo(200);
        assertThat(send(owner, id, "reads.fastq", 2, chunks, Map.of()).status()).isEqualTo(200);
        Api.Res first = send(owner, id, "reads.fastq", 0, chunks, Map.of());
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().has("data")).isFalse();
        assertThat(first.json().path("status").asText()).isEqualTo("success");
        assertThat(first.json().path("file_id").asText()).isEqualTo(id);
        assertThat(send(owner, id, "reads.fastq", 2, chunks, Map.of()).status()).isEqualTo(200);
        assertThat(owner.api().get("/upload/" + id).json().path("received").toString()).isEqualTo("[0,2," + (total - 1) + "]");

        // The rest at once, each twice.
        List<Callable<Api.Res>> calls = new ArrayList<>();
        for (int c = 1; c < total - 1; c++) {
            if (c == 2) continue;
            int n = c;
            calls.add(() -> send(owner, id, "reads.fastq", n, chunks, Map.of()));
            calls.add(() -> send(owner, id, "reads.fastq", n, chunks, Map.of()));
        }
        List<Api.Res> answers = Parallel.run(calls);
        assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
        List<JsonNode> completed = answers.stream().map(Api.Res::json).filter(j -> j.has("data")).map(j -> j.path("data")).toList();
        assertThat(completed).isNotEmpty();
        JsonNode data = completed.get(0);
        assertThat(completed).allSatisfy(d -> assertThat(d.path("id").asLong()).isEqualTo(data.path("id").asLong()));
        assertThat(data.path("filename").asText()).isEqualTo("reads.fastq");
        assertThat(data.path("size").asLong()).isEqualTo(file.length);
        assertThat(data.path("md5").asText()).isEqualTo(md5(file));
        assertThat(data.path("data_type").asText()).isEqualTo("FASTQ");
        assertThat(data.path("compression").asText()).isEqualTo("none");
        assertThat(data.path("status").asText()).isEqualTo("ready");
        assertThat(data.path("owner").path("username").asText()).isEqualTo(owner.username());

        long dataId = data.path("id").asLong();
        assertThat(stored(StorageKey.of("data", dataId))).isEqualTo(file);
        assertThat(server.queryLong("SELECT count(*) FROM data WHERE id = " + dataId)).isEqualTo(1);
        // A chunk repeated after completion answers the record again, and nothing of the upload is left in storage.
        Api.Res again = send(owner, id, "reads.fastq", 0, chunks, Map.of());
        assertThat(again.json().path("data").path("id").asLong()).isEqualTo(dataId);
        JsonNode progress = owner.api().get("/upload/" + id).json();
        assertThat(progress.path("status").asText()).isEqualTo("complete");
        assertThat(progress.path("data_id").asLong()).isEqualTo(dataId);
        assertThat(uploadFilesOf(id)).isEmpty();
        assertThat(owner.api().get("/data/" + dataId).json().path("md5").asText()).isEqualTo(md5(file));
    }

    @Test
    void severalUploadsOfOneUserRunAtOnce() throws Exception {
        Account owner = Users.signUp(server, "up");
        List<byte[]> files = List.of(fastq(50), fastq(80), fastq(120));
        List<Callable<JsonNode>> calls = new ArrayList<>();
        for (byte[] file : files) {
            calls.add(() -> {
                String id = fileId();
                List<byte[]> chunks = split(file, 700);
                JsonNode last = null;
                for (int c = chunks.size() - 1; c >= 0; c--) last = send(owner, id, "f.fq", c, chunks, Map.of()).json();
                return last.path("data");
            });
        }
        List<JsonNode> data = Parallel.run(calls);
        for (int i = 0; i < files.size(); i++) {
            assertThat(data.get(i).path("md5").asText()).isEqualTo(md5(files.get(i)));
            assertThat(stored(StorageKey.of("data", data.get(i).path("id").asLong()))).isEqualTo(files.get(i));
        }
    }

    @Test
    void aFileOfOneChunkAndAnEmptyFile() {
        Account owner = Users.signUp(server, "up");
        byte[] csv = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
        JsonNode data = send(owner, fileId(), "table.csv", 0, List.of(csv), Map.of()).json().path("data");
        assertThat(data.path("data_type").asText()).isEqualTo("CSV");
        assertThat(data.path("size").asLong()).isEqualTo(csv.length);
        JsonNode empty = send(owner, fileId(), "empty.txt", 0, List.of(new byte[0]), Map.of()).json().path("data");
        assertThat(empty.path("size").asLong()).isZero();
        assertThat(empty.path("md5").asText()).isEqualTo(md5(new byte[0]));
    }

    // ---- md5, content, names, numbers ----

    @Test
    void aMatchingMd5IsAcceptedAndAMismatchDiscardsTheUpload() throws Exception {
        Account owner = Users.signUp(server, "up");
        byte[] file = fastq(40);
        List<byte[]> chunks = split(file, 1000);
        JsonNode ok = upload(owner, fileId(), "ok.fastq", chunks, Map.of("md5", md5(file).toUpperCase()));
        assertThat(ok.path("data").path("md5").asText()).isEqualTo(md5(file));

        Snapshot before = snapshot();
        String id = fileId();
        String wrong = "0".repeat(32);
        for (int c = 0; c < chunks.size() - 1; c++) assertThat(send(owner, id, "bad.fastq", c, chunks, Map.of("md5", wrong)).status()).isEqualTo(200);
        Api.Res last = send(owner, id, "bad.fastq", chunks.size() - 1, chunks, Map.of("md5", wrong));
        assertThat(last.status()).isEqualTo(400);
        assertThat(last.json().at("/error/details/field").asText()).isEqualTo("md5");
        assertThat(last.json().at("/error/message").asText()).contains(md5(file));
        assertThat(owner.api().get("/upload/" + id).status()).isEqualTo(404);
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aGzipNameOnContentThatIsNotGzipIsRefusedAndNothingKept() throws Exception {
        Account owner = Users.signUp(server, "up");
        Snapshot before = snapshot();
        String id = fileId();
        List<byte[]> chunks = split(fastq(30), 500);
        assertThat(send(owner, id, "reads.fastq.gz", 1, chunks, Map.of()).status()).isEqualTo(200);
        Api.Res r = send(owner, id, "reads.fastq.gz", 0, chunks, Map.of());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/message").asText()).contains("not gzip");
        assertThat(owner.api().get("/upload/" + id).status()).isEqualTo(404);
        assertThat(snapshot()).isEqualTo(before);
        // A declared type is checked against the content too.
        Api.Res declared = send(owner, fileId(), "x.txt", 0, List.of("hello\n".getBytes(StandardCharsets.UTF_8)), Map.of("data_type", "fastq"));
        assertThat(declared.status()).isEqualTo(400);
        assertThat(declared.json().at("/error/details/field").asText()).isEqualTo("data_type");
        assertThat(send(owner, fileId(), "x.txt", 0, List.of("x".getBytes(StandardCharsets.UTF_8)), Map.of("data_type", "NOPE")).status()).isEqualTo(400);
    }

    @Test
    void filenamesWithSeparatorsTraversalOrControlCharactersAreRefused() throws Exception {
        Account owner = Users.signUp(server, "up");
        Snapshot before = snapshot();
        for (String name : List.of("../../etc/passwd", "a/b.txt", "a\\b.txt", "..", "bell\u0007.txt", "line\nbreak.txt", "x".repeat(256))) {
            Api.Res r = send(owner, fileId(), name, 0, List.of("hi\n".getBytes(StandardCharsets.UTF_8)), Map.of());
            assertThat(r.status()).as(name).isEqualTo(400);
            assertThat(r.json().at("/error/details/field").asText()).as(name).isEqualTo("filename");
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void wrongChunkNumbersCountsAndSizesAre400sThatLeaveTheUploadAsItWas() {
        Account owner = Users.signUp(server, "up");
        String id = fileId();
        List<byte[]> chunks = split(fastq(100), 1000);
        int total = chunks.size();
        assertThat(total).isGreaterThan(2);
        assertThat(send(owner, id, "r.fq", 0, chunks, Map.of()).status()).isEqualTo(200);
        Map<String, Multipart> wrong = new LinkedHashMap<>();
        wrong.put("chunk", form(id, "r.fq", total, total, chunks.get(1)));
        wrong.put("chunk ", form(id, "r.fq", -1, total, chunks.get(1)));
        wrong.put("total_chunks", form(id, "r.fq", 1, total + 1, chunks.get(1)));
        wrong.put("total_chunks ", form(id, "r.fq", 0, 0, chunks.get(1)));
        wrong.put("filename", form(id, "other.fq", 1, total, chunks.get(1)));
        wrong.put("file", form(id, "r.fq", 1, total, Arrays.copyOf(chunks.get(1), 999))); // not the chunk size
        wrong.put("chunk  ", form(id, "r.fq", 0, total, Arrays.copyOf(chunks.get(0), 10))); // chunk 0 again, other size
        wrong.put("file ", form(id, "r.fq", total - 1, total, new byte[1001])); // a last chunk larger than the others
        for (Map.Entry<String, Multipart> w : wrong.entrySet()) {
            Api.Res r = w.getValue().post(owner.api(), "/upload");
            assertThat(r.status()).as(w.getKey() + ": " + r).isEqualTo(400);
            assertThat(r.json().at("/error/details/field").asText()).isEqualTo(w.getKey().strip());
        }
        Api.Res notANumber = new Multipart().field("file_id", id).field("filename", "r.fq").field("chunk", "one")
                .field("total_chunks", total).file("file", chunks.get(1)).post(owner.api(), "/upload");
        assertThat(notANumber.json().at("/error/details/field").asText()).isEqualTo("chunk");
        Api.Res noFile = new Multipart().field("file_id", id).field("filename", "r.fq").field("chunk", 1)
                .field("total_chunks", total).post(owner.api(), "/upload");
        assertThat(noFile.json().at("/error/details/field").asText()).isEqualTo("file");
        assertThat(owner.api().get("/upload/" + id).json().path("received").toString()).isEqualTo("[0]");
        // The upload goes on.
        JsonNode done = null;
        for (int c = 1; c < total; c++) done = send(owner, id, "r.fq", c, chunks, Map.of()).json();
        assertThat(done.path("data").path("size").asLong()).isEqualTo(chunks.stream().mapToLong(b -> b.length).sum());
    }

    @Test
    void anUploadNeedsMultipartAndASignedInCaller() {
        Account owner = Users.signUp(server, "up");
        Api.Res json = owner.api().post("/upload", Map.of("file_id", "x"));
        assertThat(json.status()).isEqualTo(415);
        Multipart m = form(fileId(), "a.txt", 0, 1, "a\n".getBytes(StandardCharsets.UTF_8));
        assertThat(m.post(server.client(), "/upload").status()).isEqualTo(401);
        // multipart/form-data is refused on other paths
        assertThat(m.post(owner.api(), "/samples/new").status()).isEqualTo(415);
    }

    // ---- where data may go, and who reads it ----

    @Test
    void uploadingIntoASampleTakesEditLevelOnIt() throws Exception {
        Account alice = Users.signUp(server, "alice");
        Account bob = Users.signUp(server, "bob");
        long project = Fixtures.project(alice, "p", false);
        long sample = Fixtures.sample(alice, project, "s1");
        byte[] reads = fastq(5);
        Snapshot before = snapshot();
        assertThat(send(bob, fileId(), "r.fq", 0, List.of(reads), Map.of("sample_id", sample)).status()).isEqualTo(404);
        assertThat(send(bob, fileId(), "r.fq", 0, List.of(reads), Map.of("project_id", project)).status()).isEqualTo(404);
        Fixtures.shareWithUser(alice, "samples", sample, bob, 1);
        assertThat(send(bob, fileId(), "r.fq", 0, List.of(reads), Map.of("sample_id", sample)).status()).isEqualTo(403);
        assertThat(snapshot()).isEqualTo(before);
        Fixtures.shareWithUser(alice, "samples", sample, bob, 2);
        JsonNode data = send(bob, fileId(), "r.fq", 0, List.of(reads), Map.of("sample_id", sample)).json().path("data");
        assertThat(data.path("sample").path("id").asLong()).isEqualTo(sample);
        assertThat(data.path("owner").path("username").asText()).isEqualTo(bob.username());
        // The sample's owner reads (and may share) what bob put into her sample.
        JsonNode seen = alice.api().get("/data/" + data.path("id").asLong()).json();
        assertThat(seen.path("permissions").path("can_share").asBoolean()).isTrue();
        assertThat(seen.path("permissions").path("can_delete").asBoolean()).isFalse();
        // A sample of another project is refused.
        long other = Fixtures.project(alice, "q", false);
        assertThat(send(alice, fileId(), "r.fq", 0, List.of(reads), Map.of("sample_id", sample, "project_id", other)).status()).isEqualTo(400);
        JsonNode attached = send(alice, fileId(), "r.fq", 0, List.of(reads), Map.of("project_id", other)).json().path("data");
        assertThat(attached.path("project").path("id").asLong()).isEqualTo(other);
        assertThat(attached.path("sample").isNull()).isTrue();
        assertThat(Fixtures.ids(alice.api().get("/projects/" + other + "/data").json().path("data")))
                .containsExactly(attached.path("id").asLong());
    }

    @Test
    void dataIsReadByItsOwnerThroughItsSampleAndProjectAndByAdminsOnly() {
        Account alice = Users.signUp(server, "alice");
        Account stranger = Users.signUp(server, "stranger");
        Account reader = Users.signUp(server, "reader");
        long privateProject = Fixtures.project(alice, "private", false);
        long sample = Fixtures.sample(alice, privateProject, "s");
        long publicProject = Fixtures.project(alice, "public", true);
        long publicSample = Fixtures.sample(alice, publicProject, "ps");
        long privateData = send(alice, fileId(), "a.fq", 0, List.of(fastq(3)), Map.of("sample_id", sample)).json().path("data").path("id").asLong();
        long publicData = send(alice, fileId(), "b.fq", 0, List.of(fastq(3)), Map.of("sample_id", publicSample)).json().path("data").path("id").asLong();

        JsonNode own = alice.api().get("/data/" + privateData).json();
        assertThat(own.path("permissions").path("can_delete").asBoolean()).isTrue();
        assertThat(own.path("sample").path("name").asText()).isEqualTo("s");
        assertThat(stranger.api().get("/data/" + privateData).status()).isEqualTo(404);
        assertThat(server.client().get("/data/" + privateData).status()).isEqualTo(404);
        assertThat(stranger.api().get("/data/999999999").status()).isEqualTo(404);

        Fixtures.shareWithUser(alice, "samples", sample, reader, 1);
        JsonNode read = reader.api().get("/data/" + privateData).json();
        assertThat(read.path("permissions").path("can_edit").asBoolean()).isFalse();
        assertThat(read.path("sample").path("id").asLong()).isEqualTo(sample);

        Fixtures.shareWithUser(alice, "projects", privateProject, stranger, 2);
        assertThat(stranger.api().get("/data/" + privateData).json().path("permissions").path("can_edit").asBoolean()).isTrue();

        Api.Res anonymous = server.client().get("/data/" + publicData);
        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.json().path("permissions").path("can_edit").asBoolean()).isFalse();

        Account admin = Users.admin(server);
        assertThat(admin.api().get("/data/" + privateData).json().path("permissions").path("can_delete").asBoolean()).isTrue();
    }

    @Test
    void onlyTheUploaderSeesAnUpload() {
        Account owner = Users.signUp(server, "up");
        Account stranger = Users.signUp(server, "stranger");
        String id = fileId();
        List<byte[]> chunks = split(fastq(100), 1000);
        send(owner, id, "r.fq", 1, chunks, Map.of());
        JsonNode progress = owner.api().get("/upload/" + id).json();
        assertThat(progress.path("received").toString()).isEqualTo("[1]");
        assertThat(progress.path("chunk_size").asLong()).isEqualTo(1000);
        assertThat(progress.path("status").asText()).isEqualTo("receiving");
        assertThat(stranger.api().get("/upload/" + id).status()).isEqualTo(404);
        assertThat(server.client().get("/upload/" + id).status()).isEqualTo(401);
        // The same file_id names the stranger's own upload, apart from the owner's.
        assertThat(send(stranger, id, "other.fq", 0, List.of(fastq(2)), Map.of()).json().has("data")).isTrue();
        assertThat(owner.api().get("/upload/" + id).json().path("received").toString()).isEqualTo("[1]");
    }

    // ---- limits ----

    @Test
    void aFileOverTheLimitIs413AndNothingIsKept() throws Exception {
        try (TestServer small = TestServer.start(Map.of("FLOW_MAX_UPLOAD_BYTES", "1000", "FLOW_MAX_CHUNK_BYTES", "4096"))) {
            Account owner = Users.signUp(small, "big");
            byte[] file = fastq(40);
            // Declared: 3 chunks of 600 bytes are at least 1201 bytes.
            List<byte[]> chunks = split(file, 600);
            String id = fileId();
            Api.Res declared = form(id, "big.fq", 0, 3, chunks.get(0)).post(owner.api(), "/upload");
            assertThat(declared.status()).isEqualTo(413);
            assertThat(declared.errorCode()).isEqualTo("PAYLOAD_TOO_LARGE");
            assertThat(owner.api().get("/upload/" + id).status()).isEqualTo(404);
            // One chunk larger than the file limit.
            assertThat(form(fileId(), "big.fq", 0, 1, Arrays.copyOf(file, 1500)).post(owner.api(), "/upload").status()).isEqualTo(413);
            // A chunk larger than FLOW_MAX_CHUNK_BYTES: the limit in the details, for the client to send chunks that fit.
            Api.Res chunk = form(fileId(), "big.fq", 0, 1, new byte[5000]).post(owner.api(), "/upload");
            assertThat(chunk.status()).isEqualTo(413);
            assertThat(chunk.json().path("error").path("details").path("max_chunk_bytes").asLong()).isEqualTo(4096);
            assertThat(files(small, "uploads")).isEmpty();
            assertThat(files(small, "data")).isEmpty();
            assertThat(small.queryLong("SELECT count(*) FROM uploads")).isZero();
            // Under the limit it works.
            assertThat(form(fileId(), "ok.fq", 0, 1, Arrays.copyOf(file, 900)).post(owner.api(), "/upload").json().path("data").path("size").asLong())
                    .isEqualTo(900);
        }
    }

    @Test
    void spooledPartsStayInFlowsOwnFolderAndAreRemoved() throws Exception {
        Account owner = Users.signUp(server, "up");
        byte[] big = fastq(2000); // well over the in-memory part size: spooled
        assertThat(big.length).isGreaterThan(UploadRoutes.IN_MEMORY);
        assertThat(send(owner, fileId(), "big.fq", 0, List.of(big), Map.of()).json().path("data").path("size").asLong()).isEqualTo(big.length);
        Path spool = server.dataDir().resolve("upload-spool");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(spool))).isEqualTo("rwx------");
        try (Stream<Path> left = Files.list(spool)) {
            assertThat(left.toList()).isEmpty();
        }
    }

    // ---- expiry ----

    @Test
    void housekeepingRemovesExpiredUploadsAndBytesNoUploadNames() throws Exception {
        Account owner = Users.signUp(server, "up");
        List<byte[]> chunks = split(fastq(100), 1000);
        String expired = fileId();
        String live = fileId();
        send(owner, expired, "r.fq", 0, chunks, Map.of());
        send(owner, live, "r.fq", 0, chunks, Map.of());
        Set<String> expiredFiles = uploadFilesOf(expired);
        assertThat(expiredFiles).isNotEmpty();
        server.sql("UPDATE uploads SET expires_at = now() - interval '1 second' WHERE file_id = '" + expired + "'");
        // Bytes that no upload names (a crash between removing a row and its bytes), older than an upload lives.
        StorageKey orphan = StorageKey.of("uploads", UUID.randomUUID()).child("part");
        storage(server).writeAt(orphan, 0, new java.io.ByteArrayInputStream(new byte[10]), 10);
        Path orphanFile = server.dataDir().resolve("files/uploads").resolve(orphan.shard()).resolve(orphan.id() + ".d/part");
        Files.setLastModifiedTime(orphanFile, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofHours(25))));

        server.housekeep();

        assertThat(owner.api().get("/upload/" + expired).status()).isEqualTo(404);
        assertThat(files(server, "uploads")).doesNotContainAnyElementsOf(expiredFiles);
        assertThat(storage(server).exists(orphan)).isFalse();
        assertThat(owner.api().get("/upload/" + live).json().path("received").toString()).isEqualTo("[0]");
        assertThat(uploadFilesOf(live)).isNotEmpty();
    }

    /** Bytes under data/ that no record names (a crash after a delete committed) go; a record's bytes never do. */
    @Test
    void housekeepingRemovesOldDataBytesThatNoRecordNamesAndAbandonedWrites() throws Exception {
        Account owner = Users.signUp(server, "up");
        long kept = Fixtures.data(owner, null);
        StorageKey orphan = StorageKey.of("data", Long.MAX_VALUE - 7);
        StorageKey young = StorageKey.of("data", Long.MAX_VALUE - 8);
        storage(server).write(orphan, new java.io.ByteArrayInputStream(new byte[10]), 10);
        storage(server).write(young, new java.io.ByteArrayInputStream(new byte[10]), 10);
        for (StorageKey k : List.of(orphan, StorageKey.of("data", kept))) {
            Path file = server.dataDir().resolve("files/data").resolve(k.shard()).resolve(k.id());
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofHours(2))));
        }

        // what a crash cut off in the middle of a write, an hour ago, and a write going on now
        Path writes = server.dataDir().resolve("files/.tmp");
        Path abandoned = Files.write(writes.resolve("abandoned.tmp"), new byte[10]);
        Path writing = Files.write(writes.resolve("writing.tmp"), new byte[10]);
        Files.setLastModifiedTime(abandoned, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofHours(2))));

        server.housekeep();

        assertThat(abandoned).as("an abandoned write").doesNotExist();
        assertThat(writing).as("a write going on").exists();
        Files.delete(writing);
        assertThat(storage(server).exists(orphan)).as("old bytes no record names").isFalse();
        assertThat(storage(server).exists(young)).as("young bytes: a record may be on its way").isTrue();
        assertThat(storage(server).exists(StorageKey.of("data", kept))).as("a record's bytes").isTrue();
        assertThat(owner.api().get("/data/" + kept).status()).isEqualTo(200);
        storage(server).delete(young);
    }

    // ---- helpers ----

    private static String fileId() {
        return UUID.randomUUID().toString();
    }

    private static Multipart form(String fileId, String filename, int chunk, int total, byte[] bytes) {
        return new Multipart().field("file_id", fileId).field("filename", filename).field("chunk", chunk).field("total_chunks", total)
                .file("file", bytes);
    }

    private static Api.Res send(Account who, String fileId, String filename, int chunk, List<byte[]> chunks, Map<String, Object> extra) {
        Multipart m = new Multipart().field("file_id", fileId).field("filename", filename).field("chunk", chunk)
                .field("total_chunks", chunks.size());
        extra.forEach(m::field);
        return m.file("file", chunks.get(chunk)).post(who.api(), "/upload");
    }

    /** Sends every chunk in order; the last answer. */
    private static JsonNode upload(Account who, String fileId, String filename, List<byte[]> chunks, Map<String, Object> extra) {
        JsonNode last = null;
        for (int c = 0; c < chunks.size(); c++) {
            Api.Res r = send(who, fileId, filename, c, chunks, extra);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            last = r.json();
        }
        return last;
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

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Storage storage(TestServer s) {
        return new LocalStorage(s.dataDir().resolve("files"));
    }

    private static byte[] stored(StorageKey key) throws IOException {
        try (InputStream in = storage(server).read(key)) {
            return in.readAllBytes();
        }
    }

    private static Set<String> files(TestServer s, String kind) throws IOException {
        try (Stream<Storage.Entry> entries = storage(s).list(kind)) {
            return entries.map(e -> e.key().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** The files of an upload that has the client's file_id (any owner). */
    private static Set<String> uploadFilesOf(String fileId) throws IOException {
        List<String> ids = server.jdbi().withHandle(h -> h.createQuery("SELECT id::text FROM uploads WHERE file_id = :f")
                .bind("f", fileId).mapTo(String.class).list());
        return files(server, "uploads").stream().filter(k -> ids.stream().anyMatch(k::contains)).collect(Collectors.toSet());
    }

    /** What storage and the database hold of uploads and data: equal before and after a refused upload. */
    private record Snapshot(Set<String> uploadFiles, Set<String> dataFiles, long uploads, long data) {}

    private static Snapshot snapshot() throws IOException {
        return new Snapshot(files(server, "uploads"), files(server, "data"), server.queryLong("SELECT count(*) FROM uploads"),
                server.queryLong("SELECT count(*) FROM data"));
    }
}
