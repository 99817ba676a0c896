package bio.flow.uploads;

import static bio.flow.testing.Answers.assertConflict;
import static bio.flow.testing.Answers.assertInvalid;
import static bio.flow.testing.Answers.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.access.Level;
import bio.flow.storage.LocalStorage;
import bio.flow.storage.StorageKey;
import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Multipart;
import bio.flow.testing.Parallel;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** POST /upload/sample (plain and chunked), GET /filesets/{id} and /filesets/{id}/executions, over real HTTP. */
class SampleReadsTest {
    private static final TestServer server = TestServer.shared();
    private static final byte[] READS = fastq(50);

    @Test
    void readsOneAndTwoMakeAPairedFilesetShownByTheFilesetAndTheData() {
        Account owner = Users.signUp(server, "reads");
        long sample = Fixtures.sample(owner, Fixtures.project(owner, "reads", false), "S1");

        Api.Res r1 = plain(owner, sample, "1", null, "s_R1.fastq", READS);
        assertThat(r1.status()).as(r1.toString()).isEqualTo(200);
        JsonNode d1 = r1.json().path("data");
        long fileset = d1.path("fileset").path("id").asLong();
        assertThat(d1.path("fileset").path("name").asText()).isEqualTo("Single-end reads");
        assertThat(d1.path("read_number").asInt()).isEqualTo(1);
        assertThat(d1.path("sample").path("id").asLong()).isEqualTo(sample);
        assertThat(owner.api().get("/filesets/" + fileset).json().path("name").asText()).isEqualTo("Single-end reads");

        // Read 2 in three chunks, the last first.
        List<byte[]> chunks = split(READS, 700);
        String fileId = "r2-" + UUID.randomUUID();
        Api.Res last = null;
        for (int c : new int[] {2, 0, 1}) {
            last = chunk(owner, sample, "2", null, fileId, "s_R2.fastq", c, 3, chunks.get(c));
            assertThat(last.status()).as(last.toString()).isEqualTo(200);
        }
        JsonNode d2 = last.json().path("data");
        assertThat(d2.path("fileset").path("id").asLong()).isEqualTo(fileset);
        assertThat(d2.path("size").asLong()).isEqualTo(READS.length);

        Api.Res f = owner.api().get("/filesets/" + fileset);
        assertThat(f.status()).isEqualTo(200);
        assertThat(f.json().path("name").asText()).isEqualTo("Paired-end reads");
        assertThat(f.json().path("sample").path("id").asLong()).isEqualTo(sample);
        assertThat(f.json().path("sample").path("name").asText()).isEqualTo("S1");
        JsonNode files = f.json().path("files");
        assertThat(files).hasSize(2);
        assertThat(files.get(0).path("id").asLong()).isEqualTo(d1.path("id").asLong());
        assertThat(files.get(0).path("filename").asText()).isEqualTo("s_R1.fastq");
        assertThat(files.get(0).path("read_number").asInt()).isEqualTo(1);
        assertThat(files.get(1).path("read_number").asInt()).isEqualTo(2);
        assertThat(files.get(1).path("filename").asText()).isEqualTo("s_R2.fastq");

        JsonNode again = owner.api().get("/data/" + d1.path("id").asLong()).json();
        assertThat(again.path("fileset").path("id").asLong()).isEqualTo(fileset);
        assertThat(again.path("fileset").path("name").asText()).isEqualTo("Paired-end reads");

        Api.Res executions = owner.api().get("/filesets/" + fileset + "/executions");
        assertThat(executions.status()).isEqualTo(200);
        assertThat(executions.json().path("executions")).isEmpty();

        // The name stays current: deleting read 2 leaves single-end reads, and read 2 may then come again.
        assertThat(owner.api().post("/data/" + d2.path("id").asLong() + "/delete").status()).isEqualTo(200);
        Api.Res single = owner.api().get("/filesets/" + fileset);
        assertThat(single.json().path("name").asText()).isEqualTo("Single-end reads");
        assertThat(single.json().path("files")).hasSize(1);
        Api.Res r2 = plain(owner, sample, "2", null, "s_R2.fastq", READS);
        assertThat(r2.status()).as(r2.toString()).isEqualTo(200);
        assertThat(r2.json().path("data").path("fileset").path("name").asText()).isEqualTo("Paired-end reads");
    }

    @Test
    void lanesAreFilesOfTheirOwnOrderedByReadThenLane() {
        Account owner = Users.signUp(server, "lanes");
        long sample = Fixtures.sample(owner, Fixtures.project(owner, "lanes", false), "S");
        long fileset = plain(owner, sample, "2", "2", "L2_R2.fastq", READS).json().path("data").path("fileset").path("id").asLong();
        assertThat(plain(owner, sample, "1", "2", "L2_R1.fastq", READS).status()).isEqualTo(200);
        Api.Res l1 = plain(owner, sample, "1", "1", "L1_R1.fastq", READS);
        assertThat(l1.status()).isEqualTo(200);
        assertThat(l1.json().path("data").path("lane").asInt()).isEqualTo(1);
        assertConflict(plain(owner, sample, "1", "1", "again.fastq", READS), "read_number");

        JsonNode files = owner.api().get("/filesets/" + fileset).json().path("files");
        assertThat(files.findValuesAsText("filename")).containsExactly("L1_R1.fastq", "L2_R1.fastq", "L2_R2.fastq");
        assertThat(files.get(0).path("lane").asInt()).isEqualTo(1);
        assertThat(server.queryLong("SELECT count(*) FROM filesets WHERE sample_id = " + sample)).isEqualTo(1);
    }

    @Test
    void aReadTheSampleHasIsAConflictAtTheFirstChunkAndKeepsNothing() {
        Account owner = Users.signUp(server, "dup");
        long sample = Fixtures.sample(owner, Fixtures.project(owner, "dup", false), "S");
        assertThat(plain(owner, sample, "1", null, "R1.fastq", READS).status()).isEqualTo(200);
        assertConflict(plain(owner, sample, "1", null, "R1-again.fastq", READS), "read_number");
        String fileId = "dup-" + UUID.randomUUID();
        assertConflict(chunk(owner, sample, "1", null, fileId, "R1.fastq", 0, 2, Arrays.copyOf(READS, 600)), "read_number");
        assertThat(owner.api().get("/upload/" + fileId).status()).isEqualTo(404);
        assertThat(server.queryLong("SELECT count(*) FROM data WHERE sample_id = " + sample)).isEqualTo(1);
    }

    @Test
    void ofTwoUploadsOfTheSameReadAtOnceOnlyOneLands() throws Exception {
        Account owner = Users.signUp(server, "race");
        long sample = Fixtures.sample(owner, Fixtures.project(owner, "race", false), "S");
        List<byte[]> chunks = split(READS, 700);
        String a = "a-" + UUID.randomUUID();
        String b = "b-" + UUID.randomUUID();
        // Both pass the first chunk's check (neither read exists yet); only completion, under the sample's lock, can tell.
        for (String id : List.of(a, b)) {
            for (int c = 0; c < 2; c++) assertThat(chunk(owner, sample, "1", null, id, "R1.fastq", c, 3, chunks.get(c)).status()).isEqualTo(200);
        }
        List<Callable<Api.Res>> calls = List.of(() -> chunk(owner, sample, "1", null, a, "R1.fastq", 2, 3, chunks.get(2)),
                () -> chunk(owner, sample, "1", null, b, "R1.fastq", 2, 3, chunks.get(2)));
        List<Api.Res> answers = Parallel.run(calls);
        assertThat(answers.stream().filter(r -> r.status() == 200 && r.json().has("data")).count()).as(answers.toString()).isEqualTo(1);
        Api.Res refused = answers.stream().filter(r -> r.status() != 200).findFirst().orElseThrow();
        assertConflict(refused, "read_number");
        assertThat(server.queryLong("SELECT count(*) FROM data WHERE sample_id = " + sample)).isEqualTo(1);
        assertThat(server.queryLong("SELECT count(*) FROM uploads WHERE file_id IN ('" + a + "', '" + b + "')")).isEqualTo(1);
    }

    @Test
    void readNumberLaneAndSampleAreChecked() {
        Account owner = Users.signUp(server, "bad");
        long sample = Fixtures.sample(owner, Fixtures.project(owner, "bad", false), "S");
        assertInvalid(plain(owner, sample, "3", null, "R3.fastq", READS), "read_number");
        assertInvalid(plain(owner, sample, "x", null, "R.fastq", READS), "read_number");
        assertInvalid(plain(owner, sample, "1", "0", "R.fastq", READS), "lane");
        Api.Res noSample = new Multipart().field("read_number", 1).file("file", READS).post(owner.api(), "/upload/sample");
        assertInvalid(noSample, "sample_id");
        Api.Res viaUpload = new Multipart().field("file_id", "x-" + UUID.randomUUID()).field("chunk", 0).field("total_chunks", 1)
                .field("sample_id", sample).field("read_number", 1).field("filename", "R1.fastq").file("file", READS).post(owner.api(), "/upload");
        assertInvalid(viaUpload, "read_number");
        assertThat(server.queryLong("SELECT count(*) FROM data WHERE sample_id = " + sample)).isZero();
    }

    @Test
    void readsAreFastqAndAnythingElseKeepsNothing() {
        Account owner = Users.signUp(server, "type");
        long sample = Fixtures.sample(owner, Fixtures.project(owner, "type", false), "S");
        byte[] fasta = ">chr1\nACGT\n".getBytes(StandardCharsets.UTF_8);
        Api.Res detected = plain(owner, sample, "1", null, "genome.fa", fasta);
        assertInvalid(detected, "data_type");
        assertThat(detected.json().at("/error/message").asText()).contains("FASTQ");
        Api.Res declared = new Multipart().field("sample_id", sample).field("read_number", 1).field("data_type", "FASTA")
                .field("filename", "genome.fa").file("file", fasta).post(owner.api(), "/upload/sample");
        assertInvalid(declared, "data_type");
        assertThat(server.queryLong("SELECT count(*) FROM data WHERE sample_id = " + sample)).isZero();
        assertThat(server.queryLong("SELECT count(*) FROM uploads WHERE sample_id = " + sample)).isZero();
        assertThat(server.queryLong("SELECT count(*) FROM filesets WHERE sample_id = " + sample)).isZero();
    }

    @Test
    void uploadingNeedsEditOnTheSample() {
        Account owner = Users.signUp(server, "own");
        Account reader = Users.signUp(server, "rdr");
        Account editor = Users.signUp(server, "edt");
        Account stranger = Users.signUp(server, "str");
        long sample = Fixtures.sample(owner, Fixtures.project(owner, "perm", false), "S");
        Fixtures.shareWithUser(owner, "samples", sample, reader, Level.READ);
        Fixtures.shareWithUser(owner, "samples", sample, editor, Level.EDIT);
        assertStatus(plain(stranger, sample, "1", null, "R1.fastq", READS), 404, "NOT_FOUND");
        assertStatus(plain(reader, sample, "1", null, "R1.fastq", READS), 403, "FORBIDDEN");
        Api.Res edited = plain(editor, sample, "1", null, "R1.fastq", READS);
        assertThat(edited.status()).as(edited.toString()).isEqualTo(200);
        assertThat(server.queryLong("SELECT count(*) FROM data WHERE sample_id = " + sample)).isEqualTo(1);
    }

    @Test
    void aFilesetIsReadableByItsSamplesReadersOnly() {
        Account owner = Users.signUp(server, "fsown");
        Account reader = Users.signUp(server, "fsrdr");
        Account stranger = Users.signUp(server, "fsstr");
        long sample = Fixtures.sample(owner, Fixtures.project(owner, "private", false), "S");
        Fixtures.shareWithUser(owner, "samples", sample, reader, Level.READ);
        long fileset = plain(owner, sample, "1", null, "R1.fastq", READS).json().path("data").path("fileset").path("id").asLong();
        assertThat(reader.api().get("/filesets/" + fileset).status()).isEqualTo(200);
        assertThat(reader.api().get("/filesets/" + fileset + "/executions").status()).isEqualTo(200);
        for (Api api : List.of(stranger.api(), server.client())) {
            assertStatus(api.get("/filesets/" + fileset), 404, "NOT_FOUND");
            assertStatus(api.get("/filesets/" + fileset + "/executions"), 404, "NOT_FOUND");
        }
        assertStatus(owner.api().get("/filesets/" + Long.MAX_VALUE), 404, "NOT_FOUND");
        assertStatus(owner.api().get("/filesets/abc"), 404, "NOT_FOUND");

        long publicSample = Fixtures.sample(owner, Fixtures.project(owner, "public", true), "P");
        long publicFileset = plain(owner, publicSample, "1", null, "R1.fastq", READS).json().path("data").path("fileset").path("id").asLong();
        Api.Res anonymous = server.client().get("/filesets/" + publicFileset);
        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.json().path("files")).hasSize(1);
        assertThat(server.client().get("/filesets/" + publicFileset + "/executions").status()).isEqualTo(200);
    }

    @Test
    void deletingTheSampleRemovesTheFilesetTheDataAndTheirBytes() throws Exception {
        Account owner = Users.signUp(server, "del");
        long sample = Fixtures.sample(owner, Fixtures.project(owner, "del", false), "S");
        JsonNode d1 = plain(owner, sample, "1", null, "R1.fastq", READS).json().path("data");
        JsonNode d2 = plain(owner, sample, "2", null, "R2.fastq", READS).json().path("data");
        long fileset = d1.path("fileset").path("id").asLong();
        LocalStorage storage = new LocalStorage(server.dataDir().resolve("files"));
        StorageKey k1 = StorageKey.of("data", d1.path("id").asLong());
        StorageKey k2 = StorageKey.of("data", d2.path("id").asLong());
        assertThat(storage.exists(k1) && storage.exists(k2)).isTrue();

        assertThat(owner.api().post("/samples/" + sample + "/delete").status()).isEqualTo(200);
        assertStatus(owner.api().get("/filesets/" + fileset), 404, "NOT_FOUND");
        assertStatus(owner.api().get("/data/" + d1.path("id").asLong()), 404, "NOT_FOUND");
        assertThat(server.queryLong("SELECT count(*) FROM filesets WHERE id = " + fileset)).isZero();
        assertThat(storage.exists(k1)).isFalse();
        assertThat(storage.exists(k2)).isFalse();
    }

    // ---- helpers ----

    private static Api.Res plain(Account who, long sample, String read, String lane, String filename, byte[] bytes) {
        Multipart m = new Multipart().field("sample_id", sample).field("read_number", read).field("filename", filename);
        if (lane != null) m.field("lane", lane);
        return m.file("file", bytes).post(who.api(), "/upload/sample");
    }

    private static Api.Res chunk(Account who, long sample, String read, String lane, String fileId, String filename, int chunk, int total,
                                 byte[] bytes) {
        Multipart m = new Multipart().field("sample_id", sample).field("read_number", read).field("filename", filename)
                .field("file_id", fileId).field("chunk", chunk).field("total_chunks", total);
        if (lane != null) m.field("lane", lane);
        return m.file("file", bytes).post(who.api(), "/upload/sample");
    }

    private static byte[] fastq(int records) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < records; i++) b.append("@read").append(i).append("\nACGTACGTAC\n+\nIIIIIIIIII\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<byte[]> split(byte[] file, int size) {
        List<byte[]> out = new java.util.ArrayList<>();
        for (int i = 0; i < file.length; i += size) out.add(Arrays.copyOfRange(file, i, Math.min(file.length, i + size)));
        return out;
    }
}
