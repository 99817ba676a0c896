package bio.flow.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Uploads through the /api dialect exactly as the client sends them (flowbio-client-dialect.md sections 6 and 7):
 * {@code data upload} (E9) and {@code samples upload} (E10), which creates the sample when its last file completes.
 */
class DialectUploadTest {
    private static final TestServer server = TestServer.shared();

    /** A FASTQ file of about {@code bytes} bytes, its reads named after {@code name}. */
    static byte[] fastq(String name, int bytes) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; s.length() < bytes; i++) s.append('@').append(name).append('.').append(i).append("\nACGTACGTAC\n+\nIIIIIIIIII\n");
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<Map.Entry<String, Object>> sampleFields(boolean lastSample, List<String> previous, String name, String type,
                                                                Map<String, Object> rest) {
        List<Map.Entry<String, Object>> f = new ArrayList<>();
        f.add(Map.entry("is_last_sample", lastSample));
        if (!previous.isEmpty()) f.add(Map.entry("previous_data", previous));
        f.add(Map.entry("sample_name", name));
        f.add(Map.entry("sample_type", type));
        rest.forEach((k, v) -> f.add(Map.entry(k, v)));
        return f;
    }

    private static long count(String sql) {
        return server.queryLong(sql);
    }

    @Test
    void dataUploadInMegabytePiecesAnswersStringIdsOnEveryPiece() {
        Account a = Users.signUp(server, "dup");
        FlowbioClient c = new FlowbioClient(server.baseUrl()).token(a.token());
        byte[] file = fastq("r", 2_500_000);
        List<FlowbioClient.Res> answers = c.uploadFile("/upload", "reads.fastq", file, List.of());
        assertThat(answers).hasSize(3).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        String id = answers.get(0).json().path("id").asText();
        for (FlowbioClient.Res r : answers) {
            assertThat(r.json().path("id").asText()).isEqualTo(id);
            assertThat(r.json().path("data_id").asText()).isEqualTo(id);
        }
        JsonNode data = answers.get(2).json().path("data");
        assertThat(data.path("size").asLong()).isEqualTo(file.length);
        assertThat(data.path("id").asText()).isEqualTo(id);
        assertThat(c.get("/data/" + id).json().path("size").asLong()).isEqualTo(file.length);

        // The offset protocol's mistakes are 400s the client reports: a wrong offset, someone else's upload.
        FlowbioClient.Res wrongOffset = c.multipart("/upload", List.of(Map.entry("filename", "x.fastq"), Map.entry("expected_file_size", 5),
                Map.entry("is_last", true), Map.entry("data", "")), "x.fastq", fastq("x", 10));
        assertThat(wrongOffset.status()).isEqualTo(400);
        assertThat(wrongOffset.json().path("details").path("field").asText()).isEqualTo("expected_file_size");
        FlowbioClient.Res anonymous = new FlowbioClient(server.baseUrl()).multipart("/upload", List.of(Map.entry("filename", "x.fastq"),
                Map.entry("expected_file_size", 0), Map.entry("is_last", true), Map.entry("data", "")), "x.fastq", fastq("x", 10));
        assertThat(anonymous.status()).isEqualTo(401);
    }

    /** The document's paired-end example: R1 of 1.5 MB (two pieces), then R2 of 0.4 MB naming R1 in previous_data. */
    @Test
    void pairedEndSampleIsCreatedWithItsReadsWhenTheLastFileCompletes() {
        Account a = Users.signUp(server, "dsample");
        long project = Fixtures.project(a, "Liver", false);
        FlowbioClient c = new FlowbioClient(server.baseUrl()).token(a.token());
        byte[] r1 = fastq("r1", 1_500_000);
        byte[] r2 = fastq("r2", 400_000);
        Map<String, Object> rest = new java.util.LinkedHashMap<>();
        rest.put("condition", "fasted");
        rest.put("source", server.client().get("/samples/sources").json().path("sources").get(0).path("name").asText());
        rest.put("strandedness", "reverse");
        rest.put("cell_type__annotation", "hepatocyte-like");
        rest.put("project", Long.toString(project));
        rest.put("organism", "human");

        List<FlowbioClient.Res> first = c.uploadFile("/upload/sample", "R1.fq", r1, sampleFields(false, List.of(), "liver_r1", "RNA", rest));
        assertThat(first).hasSize(2).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        String d1 = first.get(1).json().path("data_id").asText();
        assertThat(first.get(1).json().has("sample_id")).isFalse();
        assertThat(count("SELECT count(*) FROM samples WHERE name = 'liver_r1'")).isZero();

        List<FlowbioClient.Res> second = c.uploadFile("/upload/sample", "R2.fq", r2, sampleFields(true, List.of(d1), "liver_r1", "RNA", rest));
        assertThat(second).hasSize(1);
        JsonNode last = second.get(0).json();
        assertThat(second.get(0).status()).isEqualTo(200);
        String d2 = last.path("data_id").asText();
        String sampleId = last.path("sample_id").asText();
        assertThat(sampleId).isNotEmpty();

        JsonNode sample = c.get("/samples/" + sampleId).json();
        assertThat(sample.path("name").asText()).isEqualTo("liver_r1");
        assertThat(sample.path("sample_type").asText()).isEqualTo("RNA");
        assertThat(sample.path("organism").asText()).isEqualTo("human");
        assertThat(sample.path("project").path("id").asText()).isEqualTo(Long.toString(project));
        assertThat(sample.path("condition").asText()).isEqualTo("fasted");
        assertThat(sample.path("source").asText()).isEqualTo(rest.get("source"));
        assertThat(sample.path("metadata").path("strandedness").asText()).isEqualTo("reverse");
        assertThat(sample.path("metadata").path("cell_type__annotation").asText()).isEqualTo("hepatocyte-like");
        JsonNode r1Data = c.get("/data/" + d1).json();
        JsonNode r2Data = c.get("/data/" + d2).json();
        assertThat(r1Data.path("sample").path("id").asText()).isEqualTo(sampleId);
        assertThat(r1Data.path("read_number").asInt()).isEqualTo(1);
        assertThat(r2Data.path("read_number").asInt()).isEqualTo(2);
        assertThat(r1Data.path("fileset").path("id").asText()).isEqualTo(r2Data.path("fileset").path("id").asText()).isNotEmpty();
        assertThat(r1Data.path("size").asLong()).isEqualTo(r1.length);
        JsonNode fileset = c.get("/filesets/" + r1Data.path("fileset").path("id").asText()).json();
        assertThat(fileset.path("name").asText()).isEqualTo("Paired-end reads");

        // The last piece sent again (its answer lost): the same answer, no second sample or record.
        List<Map.Entry<String, Object>> again = new ArrayList<>(List.of(Map.entry("filename", "R2.fq"), Map.entry("expected_file_size", 0),
                Map.entry("is_last", true), Map.entry("data", d2)));
        again.addAll(sampleFields(true, List.of(d1), "liver_r1", "RNA", rest));
        FlowbioClient.Res resent = c.multipart("/upload/sample", again, "R2.fq", r2);
        assertThat(resent.status()).isEqualTo(200);
        assertThat(resent.json().path("sample_id").asText()).isEqualTo(sampleId);
        assertThat(resent.json().path("id").asText()).isEqualTo(d2);
        assertThat(count("SELECT count(*) FROM samples WHERE name = 'liver_r1' AND owner_id = " + a.id())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM data WHERE owner_id = " + a.id())).isEqualTo(2);
    }

    @Test
    void singleEndSampleInOnePiece() {
        Account a = Users.signUp(server, "dsingle");
        FlowbioClient c = new FlowbioClient(server.baseUrl()).token(a.token());
        List<FlowbioClient.Res> only = c.uploadFile("/upload/sample", "S.fq", fastq("s", 5000), sampleFields(true, List.of(), "single", "RNA", Map.of()));
        assertThat(only.get(0).status()).isEqualTo(200);
        String sampleId = only.get(0).json().path("sample_id").asText();
        JsonNode data = c.get("/data/" + only.get(0).json().path("id").asText()).json();
        assertThat(data.path("sample").path("id").asText()).isEqualTo(sampleId);
        assertThat(data.path("read_number").asInt()).isEqualTo(1);
        assertThat(c.get("/filesets/" + data.path("fileset").path("id").asText()).json().path("name").asText()).isEqualTo("Single-end reads");
    }

    /** Mistakes in the sample's fields are 400s at a file's first piece, before any of it is stored. */
    @Test
    void badSampleFieldsAreRefusedAtTheFirstPieceAndKeepNothing() {
        Account a = Users.signUp(server, "dbad");
        Account other = Users.signUp(server, "dother");
        FlowbioClient c = new FlowbioClient(server.baseUrl()).token(a.token());
        byte[] reads = fastq("b", 3000);

        assertRefused(c.uploadFile("/upload/sample", "B.fq", reads, sampleFields(true, List.of(), "bad", "No such type", Map.of())), "sample_type");
        assertRefused(c.uploadFile("/upload/sample", "B.fq", reads, sampleFields(true, List.of(), "bad", "RNA", Map.of("organism", "martian"))),
                "organism");
        assertRefused(c.uploadFile("/upload/sample", "B.fq", reads, sampleFields(true, List.of(), "", "RNA", Map.of())), "sample_name");
        assertRefused(c.uploadFile("/upload/sample", "B.fq", reads, sampleFields(true, List.of(), "bad", "RNA", Map.of("project", "x"))), "project");
        List<Map.Entry<String, Object>> noFlag = new ArrayList<>(sampleFields(true, List.of(), "bad", "RNA", Map.of()));
        noFlag.remove(0);
        assertRefused(c.uploadFile("/upload/sample", "B.fq", reads, noFlag), "is_last_sample");
        // Someone else's file, or one that does not exist, as an earlier read: the same 400.
        long theirs = Fixtures.data(other, null);
        assertRefused(c.uploadFile("/upload/sample", "B.fq", reads, sampleFields(true, List.of(Long.toString(theirs)), "bad", "RNA", Map.of())),
                "previous_data");
        assertRefused(c.uploadFile("/upload/sample", "B.fq", reads, sampleFields(true, List.of("999999999"), "bad", "RNA", Map.of())),
                "previous_data");
        // A third read file is one too many.
        String d1 = c.uploadFile("/upload/sample", "1.fq", reads, sampleFields(false, List.of(), "bad", "RNA", Map.of())).get(0).json()
                .path("id").asText();
        String d2 = c.uploadFile("/upload/sample", "2.fq", reads, sampleFields(false, List.of(d1), "bad", "RNA", Map.of())).get(0).json()
                .path("id").asText();
        assertRefused(c.uploadFile("/upload/sample", "3.fq", reads, sampleFields(true, List.of(d1, d2), "bad", "RNA", Map.of())), "previous_data");
        // A project the caller may only read, or may not read: the field is refused (as POST /samples/new does).
        long readOnly = Fixtures.project(other, "Theirs", false);
        Fixtures.shareWithUser(other, "projects", readOnly, a, 1);
        assertRefused(c.uploadFile("/upload/sample", "B.fq", reads, sampleFields(true, List.of(), "bad", "RNA",
                Map.of("project", Long.toString(readOnly)))), "project");
        long hidden = Fixtures.project(other, "Hidden", false);
        assertRefused(c.uploadFile("/upload/sample", "B.fq", reads, sampleFields(true, List.of(), "bad", "RNA",
                Map.of("project", Long.toString(hidden)))), "project");
        // Not reads: refused, discarded.
        assertRefused(c.uploadFile("/upload/sample", "notes.txt", "just some text\n".getBytes(StandardCharsets.UTF_8),
                sampleFields(true, List.of(), "bad", "RNA", Map.of())), "data_type");

        assertThat(count("SELECT count(*) FROM samples WHERE owner_id = " + a.id())).isZero();
        assertThat(count("SELECT count(*) FROM uploads WHERE owner_id = " + a.id() + " AND status <> 'complete'")).isZero();
        assertThat(count("SELECT count(*) FROM data WHERE owner_id = " + a.id())).isEqualTo(2); // the two earlier reads, loose
    }

    /** The last file fails when it completes (its earlier read was deleted meanwhile): no sample, no record of it. */
    @Test
    void aLastFileThatFailsLeavesNoSample() {
        Account a = Users.signUp(server, "dfail");
        FlowbioClient c = new FlowbioClient(server.baseUrl()).token(a.token());
        String d1 = c.uploadFile("/upload/sample", "R1.fq", fastq("f1", 2000), sampleFields(false, List.of(), "doomed", "RNA", Map.of()))
                .get(0).json().path("id").asText();
        byte[] r2 = fastq("f2", 1_200_000);
        List<Map.Entry<String, Object>> fields = sampleFields(true, List.of(d1), "doomed", "RNA", Map.of());
        List<Map.Entry<String, Object>> firstPiece = new ArrayList<>(List.of(Map.entry("filename", "R2.fq"), Map.entry("expected_file_size", 0),
                Map.entry("is_last", false), Map.entry("data", "")));
        firstPiece.addAll(fields);
        FlowbioClient.Res p0 = c.multipart("/upload/sample", firstPiece, "R2.fq", java.util.Arrays.copyOfRange(r2, 0, FlowbioClient.CHUNK_SIZE));
        assertThat(p0.status()).isEqualTo(200);
        String d2 = p0.json().path("id").asText();
        assertThat(a.api().post("/data/" + d1 + "/delete").status()).isEqualTo(200);

        List<Map.Entry<String, Object>> lastPiece = new ArrayList<>(List.of(Map.entry("filename", "R2.fq"),
                Map.entry("expected_file_size", FlowbioClient.CHUNK_SIZE), Map.entry("is_last", true), Map.entry("data", d2)));
        lastPiece.addAll(fields);
        FlowbioClient.Res p1 = c.multipart("/upload/sample", lastPiece, "R2.fq", java.util.Arrays.copyOfRange(r2, FlowbioClient.CHUNK_SIZE, r2.length));
        assertThat(p1.status()).isEqualTo(400);
        assertThat(p1.json().path("details").path("field").asText()).isEqualTo("previous_data");
        assertThat(count("SELECT count(*) FROM samples WHERE owner_id = " + a.id())).isZero();
        assertThat(count("SELECT count(*) FROM data WHERE owner_id = " + a.id())).isZero();
        assertThat(count("SELECT count(*) FROM uploads WHERE owner_id = " + a.id() + " AND status <> 'complete'")).isZero();
    }

    private static void assertRefused(List<FlowbioClient.Res> answers, String field) {
        assertThat(answers).hasSize(1);
        FlowbioClient.Res r = answers.get(0);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).isNotBlank();
        assertThat(r.json().path("details").path("field").asText()).as(r.toString()).isEqualTo(field);
    }
}
