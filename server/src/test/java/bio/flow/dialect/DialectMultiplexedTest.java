package bio.flow.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * {@code flowbio samples upload-multiplexed} against Flow, exactly as the client sends it (flowbio-client-dialect.md
 * E11, E12): the sheet in 1,000,000-byte pieces (again with {@code ignore_warnings=true} after warnings), then read 1,
 * then read 2 with {@code reads1}; then the samples the server makes, read back through the API.
 */
class DialectMultiplexedTest {
    private static final TestServer server = TestServer.shared();
    private static final String HEADER = "Sample name,Barcode,Barcode position,Reads 1 file,Reads 2 file,Sample type,Organism,Condition,strandedness\n";

    /** One FASTQ record; {@code index} goes in the header's comment when not null. */
    private static String record(String name, String index, String seq) {
        return "@" + name + (index == null ? "" : " 1:N:0:" + index) + "\n" + seq + "\n+\n" + "I".repeat(seq.length()) + "\n";
    }

    static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String gunzip(byte[] bytes) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The sheet as the client sends it: once, and when answered with warnings, again from 0 with ignore_warnings=true. */
    static FlowbioClient.Res sendSheet(FlowbioClient c, String filename, byte[] sheet) {
        List<FlowbioClient.Res> first = c.uploadFile("/upload/annotation", filename, sheet, List.of());
        FlowbioClient.Res last = first.get(first.size() - 1);
        if (last.status() != 400 || !last.json().has("warnings")) return last;
        List<FlowbioClient.Res> again = c.uploadFile("/upload/annotation", filename, sheet, List.of(Map.entry("ignore_warnings", true)));
        return again.get(again.size() - 1);
    }

    static FlowbioClient.Res sendReads(FlowbioClient c, String filename, byte[] reads, String reads1) {
        List<FlowbioClient.Res> answers = c.uploadFile("/upload/multiplexed", filename, reads,
                reads1 == null ? List.of() : List.of(Map.entry("reads1", reads1)));
        return answers.get(answers.size() - 1);
    }

    /** The sheet once demultiplexing ended (done or failed). */
    static JsonNode awaitEnd(FlowbioClient c, String sheet) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            JsonNode s = c.get("/upload/multiplexed/" + sheet).json();
            if (s.path("status").asText().equals("done") || s.path("status").asText().equals("failed")) return s;
            Thread.sleep(100);
        }
        throw new AssertionError("sheet " + sheet + " still not demultiplexed");
    }

    private static String download(FlowbioClient c, long dataId) {
        FlowbioClient.Res r = c.get("/downloads/" + dataId + "/x.fastq.gz");
        assertThat(r.status()).isEqualTo(200);
        return gunzip(r.body());
    }

    private static long count(String sql) {
        return server.queryLong(sql);
    }

    /** Paired-end reads with dual indexes in the headers: two barcodes get reads, a third none, some reads no barcode. */
    @Test
    void pairedEndIndexedReadsBecomeSamplesWithTheirReads() throws Exception {
        Account a = Users.signUp(server, "mplex");
        FlowbioClient c = new FlowbioClient(server.baseUrl()).token(a.token());
        String sheet = HEADER
                + "pe_a,ACGTACGT+GGTTAACC,index,pool_R1.fastq.gz,pool_R2.fastq.gz,RNA,human,ctrl,reverse\n"
                + "pe_b,TGCATGCA+CCAATTGG,,pool_R1.fastq.gz,pool_R2.fastq.gz,RNA,human,heat,forward\n"
                + "pe_c,GATCGATC+AACCGGTT,index,pool_R1.fastq.gz,pool_R2.fastq.gz,RNA,human,cold,\n";
        FlowbioClient.Res sheetAnswer = sendSheet(c, "pool.csv", utf8(sheet));
        assertThat(sheetAnswer.status()).as(sheetAnswer.toString()).isEqualTo(200);
        String sheetId = sheetAnswer.json().path("id").asText();
        assertThat(sheetAnswer.json().path("result").path("status").asText()).isEqualTo("waiting");

        StringBuilder r1 = new StringBuilder();
        StringBuilder r2 = new StringBuilder();
        StringBuilder a1 = new StringBuilder();
        StringBuilder a2 = new StringBuilder();
        StringBuilder b1 = new StringBuilder();
        StringBuilder undetermined1 = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            // 30 for a (one base off in every third: within a mismatch), 20 for b, 10 for none
            String index = i < 30 ? (i % 3 == 0 ? "ACGTACGA+GGTTAACC" : "ACGTACGT+GGTTAACC") : i < 50 ? "TGCATGCA+CCAATTGG" : "NNNNNNNN+NNNNNNNN";
            String x = record("read" + i, index, "ACGTTGCA".repeat(4) + "AC");
            String y = record("read" + i, index, "GGCCAATT".repeat(4) + "GA");
            r1.append(x);
            r2.append(y);
            if (i < 30) {
                a1.append(x);
                a2.append(y);
            } else if (i < 50) {
                b1.append(x);
            } else {
                undetermined1.append(x);
            }
        }
        FlowbioClient.Res read1 = sendReads(c, "pool_R1.fastq.gz", gzip(r1.toString()), null);
        assertThat(read1.status()).as(read1.toString()).isEqualTo(200);
        String read1Id = read1.json().path("id").asText();
        assertThat(c.get("/upload/multiplexed/" + sheetId).json().path("status").asText()).isEqualTo("waiting"); // read 2 still to come
        FlowbioClient.Res read2 = sendReads(c, "pool_R2.fastq.gz", gzip(r2.toString()), read1Id);
        assertThat(read2.status()).as(read2.toString()).isEqualTo(200);

        JsonNode done = awaitEnd(c, sheetId);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("done");
        JsonNode rows = done.path("rows");
        assertThat(rows.get(0).path("reads").asLong()).isEqualTo(30);
        assertThat(rows.get(1).path("reads").asLong()).isEqualTo(20);
        assertThat(rows.get(2).path("reads").asLong()).isZero();
        assertThat(rows.get(2).path("sample_id").isNull()).isTrue();
        assertThat(done.path("warnings").toString()).contains("GATCGATC+AACCGGTT").contains("matched no read");
        JsonNode input = done.path("inputs").get(0);
        assertThat(input.path("reads1_data_id").asText()).isEqualTo(read1Id);
        assertThat(input.path("reads2_data_id").asText()).isEqualTo(read2.json().path("id").asText());
        assertThat(input.path("undetermined_reads").asLong()).isEqualTo(10);
        assertThat(input.path("total_reads").asLong()).isEqualTo(60);
        assertThat(done.path("sample_ids")).hasSize(2);

        String sampleA = rows.get(0).path("sample_id").asText();
        JsonNode sample = c.get("/samples/" + sampleA).json();
        assertThat(sample.path("name").asText()).isEqualTo("pe_a");
        assertThat(sample.path("organism").asText()).isEqualTo("human");
        assertThat(sample.path("sample_type").asText()).isEqualTo("RNA");
        assertThat(sample.path("condition").asText()).isEqualTo("ctrl");
        assertThat(sample.path("metadata").path("strandedness").asText()).isEqualTo("reverse");
        long a1Id = count("SELECT id FROM data WHERE sample_id = " + sampleA + " AND read_number = 1");
        long a2Id = count("SELECT id FROM data WHERE sample_id = " + sampleA + " AND read_number = 2");
        assertThat(download(c, a1Id)).isEqualTo(a1.toString());
        assertThat(download(c, a2Id)).isEqualTo(a2.toString());
        JsonNode a1Data = c.get("/data/" + a1Id).json();
        assertThat(a1Data.path("filename").asText()).isEqualTo("pe_a_R1.fastq.gz");
        assertThat(c.get("/filesets/" + a1Data.path("fileset").path("id").asText()).json().path("name").asText()).isEqualTo("Paired-end reads");
        String sampleB = rows.get(1).path("sample_id").asText();
        assertThat(download(c, count("SELECT id FROM data WHERE sample_id = " + sampleB + " AND read_number = 1"))).isEqualTo(b1.toString());
        assertThat(download(c, input.path("undetermined_data_ids").get(0).asLong())).isEqualTo(undetermined1.toString());
        assertThat(count("SELECT count(*) FROM samples WHERE owner_id = " + a.id())).isEqualTo(2);
        // the inputs, 2 samples x 2 reads, the undetermined reads 1 and 2
        assertThat(count("SELECT count(*) FROM data WHERE owner_id = " + a.id())).isEqualTo(8);
    }

    /**
     * Single-end reads with inline barcodes (UMI then barcode), sent in several pieces; the sheet has warnings (barcodes
     * a mismatch apart, a sample name the user has), which the client accepts by sending it again.
     */
    @Test
    void inlineBarcodesAfterTheWarningsWereAccepted() throws Exception {
        Account a = Users.signUp(server, "minline");
        Fixtures.sample(a, Fixtures.project(a, "Old", false), "se_a");
        FlowbioClient c = new FlowbioClient(server.baseUrl()).token(a.token());
        String sheet = HEADER + "se_a,NNACGTAC,inline,lib.fq,,RNA,human,,\nse_b,NNACGTAA,inline,lib.fq,,RNA,human,,\n";
        List<FlowbioClient.Res> refused = c.uploadFile("/upload/annotation", "lib.csv", utf8(sheet), List.of());
        FlowbioClient.Res warned = refused.get(refused.size() - 1);
        assertThat(warned.status()).isEqualTo(400);
        assertThat(warned.json().has("error")).isFalse();
        assertThat(warned.json().path("warnings").toString()).contains("se_a").contains("ACGTAA");
        assertThat(warned.json().path("warnings").get(0).path("row").asInt()).isPositive();
        assertThat(count("SELECT count(*) FROM multiplexed_sheets WHERE owner_id = " + a.id())).isZero();

        FlowbioClient.Res accepted = sendSheet(c, "lib.csv", utf8(sheet));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
        String sheetId = accepted.json().path("id").asText();
        assertThat(accepted.json().path("result").path("warnings")).hasSize(warned.json().path("warnings").size());

        StringBuilder reads = new StringBuilder();
        StringBuilder expectedB = new StringBuilder();
        int n = 0;
        while (reads.length() < 2_300_000) { // three pieces
            boolean toA = n % 4 != 0;
            String umi = (n % 2 == 0 ? "GA" : "TC");
            String insert = "TTGGCCAATTGGCCAA".repeat(3);
            reads.append(record("r" + n, null, umi + (toA ? "ACGTAC" : "ACGTAA") + insert));
            if (!toA) expectedB.append("@r").append(n).append('_').append(umi).append('\n').append(insert).append("\n+\n")
                    .append("I".repeat(insert.length())).append('\n');
            n++;
        }
        List<FlowbioClient.Res> pieces = c.uploadFile("/upload/multiplexed", "lib.fq", utf8(reads.toString()), List.of());
        assertThat(pieces).hasSize(3).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        JsonNode done = awaitEnd(c, sheetId);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("done");
        long b = done.path("rows").get(1).path("reads").asLong();
        assertThat(b).isEqualTo(n / 4 + (n % 4 == 0 ? 0 : 1));
        assertThat(done.path("rows").get(0).path("reads").asLong()).isEqualTo(n - b);
        String sampleB = done.path("rows").get(1).path("sample_id").asText();
        assertThat(download(c, count("SELECT id FROM data WHERE sample_id = " + sampleB + " AND read_number = 1"))).isEqualTo(expectedB.toString());
        assertThat(count("SELECT count(*) FROM samples WHERE owner_id = " + a.id() + " AND name = 'se_a'")).isEqualTo(2);
    }

    /** A sheet with errors: every one answered at the top level as validation, nothing stored. */
    @Test
    void aSheetWithErrorsIsRefusedWhole() {
        Account a = Users.signUp(server, "mbad");
        Account other = Users.signUp(server, "mother");
        long hidden = Fixtures.project(other, "Hidden", false);
        FlowbioClient c = new FlowbioClient(server.baseUrl()).token(a.token());
        String sheet = "Sample name,Barcode,Barcode position,Reads 1 file,Reads 2 file,Sample type,Project\n"
                + "x1,,index,p1.fq,,RNA,\n" // no barcode
                + "x2,ACGX,index,p1.fq,,RNA,\n" // not a barcode
                + "x3,ACGTACGT,index,p1.fq,,RNA,\n"
                + "x3,TTTTGGGG,index,p1.fq,,RNA,\n" // the name twice
                + "x4,ACGTACGT,index,p1.fq,,RNA,\n" // the barcode twice in p1.fq
                + "x5,CCCCAAAA,inline,p1.fq,,RNA,\n" // another position in p1.fq
                + "x6,GGGGAAAA,index,p1.fq,p2.fq,RNA,\n" // another reads 2 for p1.fq
                + "x7,GGGGCCCC,index,p3.fq,,No such type,\n"
                + "x8,GGGGTTTT,index,p3.fq,,RNA," + hidden + "\n"
                + "x9,GGGGTTAA,sideways,p3.fq,,RNA,\n";
        List<FlowbioClient.Res> answers = c.uploadFile("/upload/annotation", "bad.csv", utf8(sheet), List.of(Map.entry("ignore_warnings", true)));
        FlowbioClient.Res r = answers.get(answers.size() - 1);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().has("error")).isFalse();
        JsonNode validation = r.json().path("validation");
        List<Integer> rows = new ArrayList<>();
        for (JsonNode v : validation) {
            assertThat(v.path("message").asText()).isNotBlank();
            rows.add(v.path("row").asInt());
        }
        assertThat(rows).contains(2, 3, 5, 6, 7, 8, 9, 10, 11);
        assertThat(validation.toString()).contains("Barcode: is required").contains("ACGX").contains("x3").contains("No such type")
                .contains("sideways");
        assertThat(count("SELECT count(*) FROM multiplexed_sheets WHERE owner_id = " + a.id())).isZero();
        assertThat(count("SELECT count(*) FROM annotation_uploads WHERE owner_id = " + a.id())).isZero();
        assertThat(count("SELECT count(*) FROM samples WHERE owner_id = " + a.id())).isZero();
    }

    /** Reads no waiting sheet names, a read 2 with a wrong read 1, a stranger asking for the sheet. */
    @Test
    void readsNoSheetExpectsAreRefusedAtTheirFirstPiece() throws Exception {
        Account a = Users.signUp(server, "mnosheet");
        Account stranger = Users.signUp(server, "mstranger");
        FlowbioClient c = new FlowbioClient(server.baseUrl()).token(a.token());
        byte[] reads = gzip(record("q1", "ACGTACGT", "ACGTACGTAC"));
        FlowbioClient.Res nobody = sendReads(c, "stray.fastq.gz", reads, null);
        assertThat(nobody.status()).isEqualTo(400);
        assertThat(nobody.json().path("details").path("field").asText()).isEqualTo("filename");
        assertThat(nobody.json().path("error").asText()).contains("no waiting multiplexed sheet");

        String sheetId = sendSheet(c, "s.csv", utf8(HEADER + "q_a,ACGTACGT,index,q_R1.fq.gz,q_R2.fq.gz,RNA,human,,\n")).json().path("id").asText();
        String read1 = sendReads(c, "q_R1.fq.gz", reads, null).json().path("id").asText();
        String unrelated = Long.toString(Fixtures.data(a, null));
        FlowbioClient.Res wrong = sendReads(c, "q_R2.fq.gz", reads, unrelated);
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().path("details").path("field").asText()).isEqualTo("reads1");
        FlowbioClient.Res misnamed = sendReads(c, "other_R2.fq.gz", reads, read1);
        assertThat(misnamed.status()).isEqualTo(400);
        assertThat(count("SELECT count(*) FROM uploads WHERE owner_id = " + a.id() + " AND status <> 'complete'")).isZero();

        // someone else's sheet is as unknown as one that does not exist; an admin sees it
        FlowbioClient.Res theirs = new FlowbioClient(server.baseUrl()).token(stranger.token()).get("/upload/multiplexed/" + sheetId);
        FlowbioClient.Res none = new FlowbioClient(server.baseUrl()).token(stranger.token()).get("/upload/multiplexed/999999999");
        assertThat(theirs.status()).isEqualTo(404);
        assertThat(none.status()).isEqualTo(404);
        assertThat(theirs.json().path("error").asText().replace(sheetId, "N")).isEqualTo(none.json().path("error").asText().replace("999999999", "N"));
        assertThat(Users.admin(server).api().get("/upload/multiplexed/" + sheetId).status()).isEqualTo(200);
        assertThat(c.get("/upload/multiplexed/" + sheetId).json().path("status").asText()).isEqualTo("waiting");
    }

    /** A FASTQ broken past its first 64 KiB (what upload checks): the sheet fails, and nothing is made. */
    @Test
    void aMalformedFastqFailsTheSheetAndLeavesNothing() throws Exception {
        Account a = Users.signUp(server, "mbroken");
        FlowbioClient c = new FlowbioClient(server.baseUrl()).token(a.token());
        String sheetId = sendSheet(c, "b.csv", utf8(HEADER + "b_a,ACGTACGT,index,broken.fastq,,RNA,human,,\n")).json().path("id").asText();
        StringBuilder reads = new StringBuilder();
        for (int i = 0; reads.length() < 100_000; i++) reads.append(record("b" + i, "ACGTACGT", "ACGTACGTACGTACGT"));
        reads.append("@bad 1:N:0:ACGTACGT\nACGTACGT\n+\nIII\n"); // quality shorter than the sequence
        FlowbioClient.Res up = sendReads(c, "broken.fastq", utf8(reads.toString()), null);
        assertThat(up.status()).as(up.toString()).isEqualTo(200);
        JsonNode failed = awaitEnd(c, sheetId);
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("message").asText()).contains("record");
        assertThat(failed.path("sample_ids")).isEmpty();
        assertThat(count("SELECT count(*) FROM samples WHERE owner_id = " + a.id())).isZero();
        assertThat(count("SELECT count(*) FROM data WHERE owner_id = " + a.id())).isEqualTo(1); // the input only
        assertThat(Files.exists(server.dataDir().resolve("demultiplexing").resolve(sheetId))).isFalse();
    }
}
