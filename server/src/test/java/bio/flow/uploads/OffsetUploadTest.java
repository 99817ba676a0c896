package bio.flow.uploads;

import static bio.flow.testing.Answers.assertInvalid;
import static bio.flow.testing.Answers.assertStatus;
import static bio.flow.uploads.UploadForms.md5;
import static bio.flow.uploads.UploadForms.split;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.storage.LocalStorage;
import bio.flow.storage.Storage;
import bio.flow.storage.StorageKey;
import bio.flow.testing.Api;
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
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * POST /upload in the offset protocol of the official Python client (blob, filename, expected_file_size, is_last,
 * data), over real HTTP with hand-built multipart bodies.
 */
class OffsetUploadTest {
    private static final TestServer server = TestServer.shared();

    @Test
    void chunksAtTheirOffsetsMakeOneRecordUnderTheIdOfTheFirstAnswer() throws Exception {
        Account owner = Users.signUp(server, "off");
        byte[] file = fastq(150);
        List<byte[]> chunks = split(file, 1000);
        assertThat(chunks.size()).isGreaterThan(3);
        Map<String, Object> md5 = Map.of("md5", md5(file));

        JsonNode first = ok(piece(owner, null, "reads.fastq", 0, false, chunks.get(0), md5));
        String id = first.path("id").asText();
        assertThat(first.path("id").isTextual()).isTrue();
        assertThat(first.path("data_id").asText()).isEqualTo(id);
        assertThat(first.has("data")).isFalse();
        JsonNode last = null;
        long offset = chunks.get(0).length;
        for (int c = 1; c < chunks.size(); c++) {
            boolean isLast = c == chunks.size() - 1;
            JsonNode answer = ok(piece(owner, id, "reads.fastq", offset, isLast, chunks.get(c), md5));
            assertThat(answer.path("id").asText()).isEqualTo(id);
            assertThat(answer.path("data_id").asText()).isEqualTo(id);
            if (c == 1) {
                // Sent again (its answer was lost): the same answer, nothing appended.
                assertThat(ok(piece(owner, id, "reads.fastq", offset, false, chunks.get(c), md5))).isEqualTo(answer);
            }
            offset += chunks.get(c).length;
            last = answer;
        }
        JsonNode data = last.path("data");
        assertThat(data.path("id").asText()).isEqualTo(id);
        assertThat(data.path("size").asLong()).isEqualTo(file.length);
        assertThat(data.path("md5").asText()).isEqualTo(md5(file));
        assertThat(data.path("data_type").asText()).isEqualTo("FASTQ");
        assertThat(data.path("filename").asText()).isEqualTo("reads.fastq");
        assertThat(stored(server, StorageKey.of("data", Long.parseLong(id)))).isEqualTo(file);
        assertThat(owner.api().get("/data/" + id).json().path("md5").asText()).isEqualTo(md5(file));

        // The last chunk sent again: the same answer, no second record, no bytes left of the upload.
        byte[] lastChunk = chunks.get(chunks.size() - 1);
        assertThat(ok(piece(owner, id, "reads.fastq", file.length - lastChunk.length, true, lastChunk, md5))).isEqualTo(last);
        assertThat(server.queryLong("SELECT count(*) FROM data WHERE owner_id = (SELECT id FROM users WHERE username = '"
                + owner.username() + "')")).isEqualTo(1);
        assertThat(server.queryLong("SELECT size FROM data WHERE id = " + id)).isEqualTo(file.length);
        assertThat(uploadFiles(server, id)).isEmpty();
        // Any other chunk after completion is a mistake.
        assertInvalid(piece(owner, id, "reads.fastq", 0, false, chunks.get(0), md5), "expected_file_size");
    }

    @Test
    void anEmptyFileIsOneEmptyChunk() {
        Account owner = Users.signUp(server, "off");
        JsonNode answer = ok(piece(owner, null, "empty.txt", 0, true, new byte[0], Map.of()));
        assertThat(answer.path("data").path("size").asLong()).isZero();
        assertThat(answer.path("data").path("id").asText()).isEqualTo(answer.path("id").asText());
        assertThat(ok(piece(owner, answer.path("id").asText(), "empty.txt", 0, true, new byte[0], Map.of()))).isEqualTo(answer);
    }

    @Test
    void aChunkAtAnotherOffsetIs400NamingTheExpectedOne() {
        Account owner = Users.signUp(server, "off");
        byte[] file = fastq(120);
        List<byte[]> chunks = split(file, 1000);
        String id = ok(piece(owner, null, "r.fq", 0, false, chunks.get(0), Map.of())).path("id").asText();
        ok(piece(owner, id, "r.fq", 1000, false, chunks.get(1), Map.of()));

        Api.Res past = piece(owner, id, "r.fq", 3000, false, chunks.get(2), Map.of());
        assertInvalid(past, "expected_file_size");
        assertThat(past.json().at("/error/message").asText()).contains("expected_file_size=2000").contains("not 3000");
        // A chunk that ends before the bytes held (an older one) is no repeat either.
        assertInvalid(piece(owner, id, "r.fq", 0, false, chunks.get(0), Map.of()), "expected_file_size");
        // A new upload starts at 0.
        Api.Res fresh = piece(owner, null, "r.fq", 1000, false, chunks.get(1), Map.of());
        assertInvalid(fresh, "expected_file_size");
        assertThat(fresh.json().at("/error/message").asText()).contains("expected_file_size=0");
        // The upload goes on where it was.
        JsonNode done = ok(piece(owner, id, "r.fq", 2000, true, Arrays.copyOfRange(file, 2000, file.length), Map.of()));
        assertThat(done.path("data").path("md5").asText()).isEqualTo(md5(file));
    }

    @Test
    void anUnknownOrAnotherUsersUploadIs400AndTheSame() {
        Account alice = Users.signUp(server, "off");
        Account bob = Users.signUp(server, "off");
        byte[] file = fastq(30);
        List<byte[]> chunks = split(file, 500);
        String id = ok(piece(alice, null, "a.fq", 0, false, chunks.get(0), Map.of())).path("id").asText();

        Api.Res foreign = piece(bob, id, "a.fq", 500, false, chunks.get(1), Map.of());
        assertInvalid(foreign, "data");
        String unknownId = Long.toString(Long.parseLong(id) + 1_000_000);
        Api.Res unknown = piece(bob, unknownId, "a.fq", 500, false, chunks.get(1), Map.of());
        assertInvalid(unknown, "data");
        assertThat(foreign.json().at("/error/message").asText().replace(id, "X"))
                .isEqualTo(unknown.json().at("/error/message").asText().replace(unknownId, "X"));
        assertInvalid(piece(bob, "not-an-id", "a.fq", 500, false, chunks.get(1), Map.of()), "data");
        // Alice's upload was not touched.
        long offset = 500;
        JsonNode last = null;
        for (int c = 1; c < chunks.size(); c++) {
            last = ok(piece(alice, id, "a.fq", offset, c == chunks.size() - 1, chunks.get(c), Map.of()));
            offset += chunks.get(c).length;
        }
        assertThat(last.path("data").path("md5").asText()).isEqualTo(md5(file));
    }

    @Test
    void anMd5MismatchOrContentThatContradictsItsNameKeepsNothing() throws Exception {
        Account owner = Users.signUp(server, "off");
        byte[] file = fastq(40);
        List<byte[]> chunks = split(file, 1000);
        long uploads = server.queryLong("SELECT count(*) FROM uploads");
        long data = server.queryLong("SELECT count(*) FROM data");
        Map<String, Object> wrong = Map.of("md5", "0".repeat(32));
        String id = ok(piece(owner, null, "r.fq", 0, false, chunks.get(0), wrong)).path("id").asText();
        String uuid = server.jdbi().withHandle(h -> h.createQuery("SELECT id::text FROM uploads WHERE record_id = " + id)
                .mapTo(String.class).one());
        Api.Res refused = piece(owner, id, "r.fq", 1000, true, chunks.get(1), wrong);
        assertInvalid(refused, "md5");
        try (Stream<Storage.Entry> files = storage(server).list("uploads")) {
            assertThat(files.map(e -> e.key().toString()).filter(k -> k.contains(uuid))).isEmpty();
        }
        assertThat(storage(server).exists(StorageKey.of("data", Long.parseLong(id)))).isFalse();
        assertThat(server.queryLong("SELECT count(*) FROM uploads")).isEqualTo(uploads);
        assertThat(server.queryLong("SELECT count(*) FROM data")).isEqualTo(data);
        // The upload is gone: sending to it again is an unknown upload.
        assertInvalid(piece(owner, id, "r.fq", 1000, true, chunks.get(1), wrong), "data");

        // A .gz that is not gzip, refused at the first chunk.
        assertInvalid(piece(owner, null, "r.fq.gz", 0, false, chunks.get(0), Map.of()), "file");
        assertThat(server.queryLong("SELECT count(*) FROM uploads")).isEqualTo(uploads);
    }

    @Test
    void overTheLimitIs413AndKeepsNothing() throws Exception {
        try (TestServer small = TestServer.start(Map.of("FLOW_MAX_UPLOAD_BYTES", "1000", "FLOW_MAX_CHUNK_BYTES", "4096"))) {
            Account owner = Users.signUp(small, "big");
            byte[] file = fastq(40);
            String id = ok(piece(small, owner, null, "big.fq", 0, false, Arrays.copyOf(file, 600), Map.of())).path("id").asText();
            assertStatus(piece(small, owner, id, "big.fq", 600, false, Arrays.copyOfRange(file, 600, 1200), Map.of()), 413, "PAYLOAD_TOO_LARGE");
            assertInvalid(piece(small, owner, id, "big.fq", 600, false, Arrays.copyOfRange(file, 600, 700), Map.of()), "data");
            // A declared offset past the limit, on a new upload and on one in progress.
            assertStatus(piece(small, owner, null, "big.fq", 5000, false, new byte[10], Map.of()), 413, "PAYLOAD_TOO_LARGE");
            String other = ok(piece(small, owner, null, "big.fq", 0, false, Arrays.copyOf(file, 100), Map.of())).path("id").asText();
            assertStatus(piece(small, owner, other, "big.fq", 5000, false, new byte[10], Map.of()), 413, "PAYLOAD_TOO_LARGE");
            assertThat(small.queryLong("SELECT count(*) FROM uploads")).isZero();
            assertThat(small.queryLong("SELECT count(*) FROM data")).isZero();
            try (Stream<Storage.Entry> files = storage(small).list("uploads")) {
                assertThat(files).isEmpty();
            }
            // Up to the limit it works.
            String fits = ok(piece(small, owner, null, "ok.fq", 0, false, Arrays.copyOf(file, 600), Map.of())).path("id").asText();
            assertThat(ok(piece(small, owner, fits, "ok.fq", 600, true, Arrays.copyOfRange(file, 600, 1000), Map.of()))
                    .path("data").path("size").asLong()).isEqualTo(1000);
        }
    }

    @Test
    void fieldsOfBothProtocolsAre400() {
        Account owner = Users.signUp(server, "off");
        byte[] bytes = fastq(2);
        Api.Res blobWithChunk = new Multipart().field("filename", "r.fq").field("expected_file_size", 0).field("is_last", "true")
                .field("data", "").field("chunk", 0).file("blob", bytes).post(owner.api(), "/upload");
        assertInvalid(blobWithChunk, "chunk");
        Api.Res fileWithOffset = new Multipart().field("file_id", "x1").field("filename", "r.fq").field("chunk", 0).field("total_chunks", 1)
                .field("expected_file_size", 0).file("file", bytes).post(owner.api(), "/upload");
        assertInvalid(fileWithOffset, "file");
        Api.Res blobOnly = new Multipart().field("file_id", "x2").field("filename", "r.fq").field("chunk", 0).field("total_chunks", 1)
                .file("blob", bytes).post(owner.api(), "/upload");
        assertInvalid(blobOnly, "chunk");
        // is_last is true or false; expected_file_size a whole number from 0.
        assertInvalid(new Multipart().field("filename", "r.fq").field("expected_file_size", 0).field("is_last", "yes").file("blob", bytes)
                .post(owner.api(), "/upload"), "is_last");
        assertInvalid(new Multipart().field("filename", "r.fq").field("expected_file_size", -1).field("is_last", "true").file("blob", bytes)
                .post(owner.api(), "/upload"), "expected_file_size");
        assertThat(server.queryLong("SELECT count(*) FROM uploads WHERE file_id IN ('x1', 'x2')")).isZero();
    }

    @Test
    void severalUploadsOfOneUserAtOnceEachChunkSentTwiceAtOnce() throws Exception {
        Account owner = Users.signUp(server, "off");
        List<byte[]> files = List.of(fastq(50), fastq(90), fastq(130), fastq(170));
        List<Callable<JsonNode>> calls = new ArrayList<>();
        for (byte[] file : files) {
            calls.add(() -> {
                List<byte[]> chunks = split(file, 700);
                String id = null;
                JsonNode last = null;
                long offset = 0;
                for (int c = 0; c < chunks.size(); c++) {
                    boolean isLast = c == chunks.size() - 1;
                    if (id == null) {
                        id = ok(piece(owner, null, "f.fq", 0, isLast, chunks.get(c), Map.of())).path("id").asText();
                    } else {
                        // A retry while the first copy may still be in progress: both answer the same.
                        String upload = id;
                        long at = offset;
                        byte[] chunk = chunks.get(c);
                        List<Api.Res> both = Parallel.run(List.of(() -> piece(owner, upload, "f.fq", at, isLast, chunk, Map.of()),
                                () -> piece(owner, upload, "f.fq", at, isLast, chunk, Map.of())));
                        last = ok(both.get(0));
                        if (!isLast) assertThat(ok(both.get(1))).isEqualTo(last);
                        else assertThat(ok(both.get(1)).path("id").asText()).isEqualTo(id);
                    }
                    offset += chunks.get(c).length;
                }
                return last;
            });
        }
        List<JsonNode> answers = Parallel.run(calls);
        for (int i = 0; i < files.size(); i++) {
            JsonNode data = answers.get(i).path("data");
            if (data.isMissingNode()) data = owner.api().get("/data/" + answers.get(i).path("id").asText()).json();
            assertThat(data.path("md5").asText()).isEqualTo(md5(files.get(i)));
            assertThat(stored(server, StorageKey.of("data", data.path("id").asLong()))).isEqualTo(files.get(i));
        }
        assertThat(answers.stream().map(a -> a.path("id").asText()).distinct().count()).isEqualTo(files.size());
    }

    /**
     * A stop of the server while it completed a file (status left completing under the claim of its process, the part
     * maybe already at its record's key): the server started again on the same host finds that process gone, gives
     * its claims up at once, and the file completes when a chunk comes again.
     */
    @Test
    void aCompletionThatAStopInterruptedCompletesWhenAChunkIsSentAgain() throws Exception {
        Path dir = Files.createTempDirectory("flow-offset-");
        byte[] file = fastq(80);
        List<byte[]> chunks = split(file, 1000);
        String offsetId;
        String fileId = "resume-" + System.nanoTime();
        Account owner;
        Map<String, String> host = Map.of("FLOW_WORKER_HOST", "offset-host");
        try (TestServer first = TestServer.start(dir, host)) {
            owner = Users.signUp(first, "off");
            // Offset protocol: every byte held, as if the last chunk had been recorded and completion begun.
            offsetId = ok(piece(first, owner, null, "r.fq", 0, false, chunks.get(0), Map.of())).path("id").asText();
            long offset = chunks.get(0).length;
            for (int c = 1; c < chunks.size(); c++) {
                ok(piece(first, owner, offsetId, "r.fq", offset, false, chunks.get(c), Map.of()));
                offset += chunks.get(c).length;
            }
            // Chunk protocol: every chunk recorded but one, which the row then does not count (total_chunks one less).
            for (int c = 0; c < chunks.size() - 1; c++) {
                assertThat(new Multipart().field("file_id", fileId).field("filename", "c.fq").field("chunk", c).field("total_chunks", chunks.size())
                        .file("file", chunks.get(c)).post(first.client().as(owner.api().token()), "/upload").status()).isEqualTo(200);
            }
            first.sql("UPDATE uploads SET total_chunks = total_chunks - 1 WHERE file_id = '" + fileId + "'");
            // claimed for an hour by a process of this host that is gone (no pid is that high)
            first.sql("UPDATE uploads SET status = 'completing', completer = 'offset-host/99999999/1', completion_until = now() + interval '1 hour'");
            // The offset upload's part was moved to its record's key, the record not committed yet, when it stopped;
            // long enough ago for the orphan sweep (which also runs at start) to look at it.
            String uuid = first.jdbi().withHandle(h -> h.createQuery("SELECT id::text FROM uploads WHERE record_id = " + offsetId)
                    .mapTo(String.class).one());
            StorageKey recordKey = StorageKey.of("data", Long.parseLong(offsetId));
            storage(first).move(StorageKey.of("uploads", UUID.fromString(uuid)).child("part"), recordKey);
            Files.setLastModifiedTime(first.dataDir().resolve("files/data").resolve(recordKey.shard()).resolve(recordKey.id()),
                    FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        }
        try (TestServer again = TestServer.start(dir, host)) {
            again.housekeep();
            Api api = again.client().as(owner.api().token());
            byte[] lastChunk = chunks.get(chunks.size() - 1);
            JsonNode done = ok(piece(api, offsetId, "r.fq", file.length - lastChunk.length, true, lastChunk, Map.of()));
            assertThat(done.path("data").path("md5").asText()).isEqualTo(md5(file));
            assertThat(stored(again, StorageKey.of("data", Long.parseLong(offsetId)))).isEqualTo(file);

            byte[] withoutLast = Arrays.copyOf(file, file.length - lastChunk.length);
            Api.Res chunk0 = new Multipart().field("file_id", fileId).field("filename", "c.fq").field("chunk", 0)
                    .field("total_chunks", chunks.size() - 1).file("file", chunks.get(0)).post(api, "/upload");
            assertThat(chunk0.status()).as(chunk0.toString()).isEqualTo(200);
            assertThat(chunk0.json().path("data").path("md5").asText()).isEqualTo(md5(withoutLast));
        } finally {
            bio.flow.testing.TempDirs.delete(dir);
        }
    }

    // ---- helpers ----

    private static Api.Res piece(Account who, String data, String filename, long offset, boolean last, byte[] bytes, Map<String, Object> extra) {
        return piece(who.api(), data, filename, offset, last, bytes, extra);
    }

    private static Api.Res piece(TestServer s, Account who, String data, String filename, long offset, boolean last, byte[] bytes,
                         Map<String, Object> extra) {
        return piece(s.client().as(who.api().token()), data, filename, offset, last, bytes, extra);
    }

    private static Api.Res piece(Api api, String data, String filename, long offset, boolean last, byte[] bytes, Map<String, Object> extra) {
        return UploadForms.piece(api, data, filename, offset, last, bytes, extra);
    }

    private static JsonNode ok(Api.Res r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private static byte[] fastq(int records) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < records; i++) b.append("@read").append(i).append("\nACGTACGTAC\n+\nIIIIIIIIII\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Storage storage(TestServer s) {
        return new LocalStorage(s.dataDir().resolve("files"));
    }

    private static byte[] stored(TestServer s, StorageKey key) throws IOException {
        try (InputStream in = storage(s).read(key)) {
            return in.readAllBytes();
        }
    }

    /** The stored files of the upload whose record id is {@code id}. */
    private static List<String> uploadFiles(TestServer s, String id) throws IOException {
        List<String> uuids = s.jdbi().withHandle(h -> h.createQuery("SELECT id::text FROM uploads WHERE record_id = " + Long.parseLong(id))
                .mapTo(String.class).list());
        try (Stream<Storage.Entry> files = storage(s).list("uploads")) {
            return files.map(e -> e.key().toString()).filter(k -> uuids.stream().anyMatch(k::contains)).toList();
        }
    }
}
