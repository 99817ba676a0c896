package bio.flow.annotation;

import static bio.flow.testing.Answers.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Multipart;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.junit.jupiter.api.Test;

/**
 * POST /upload/annotation over real HTTP with templates downloaded from the server and filled in by a program (POI):
 * a dry run writes nothing, a clean sheet creates (then updates) samples and links their uploaded reads, and every
 * problem comes back with its sheet, row and column while nothing is written; bad uploads are 400, 413 and 415.
 */
class AnnotationImportTest {
    private static final TestServer server = TestServer.shared();
    private static final byte[] FASTQ = "@r1\nACGT\n+\nIIII\n".getBytes(StandardCharsets.UTF_8);

    private static byte[] filled(Account user, List<List<Object>> rows) {
        return Filled.template(user, "sample", rows);
    }

    private static Api.Res post(Account user, byte[] workbook, boolean dryRun) {
        return Filled.post(user, workbook, dryRun);
    }

    /** A sample row: name, project, organism, sample type, source, target, condition, replicate group, read 1, read 2, lane. */
    private static List<Object> row(Object... values) {
        return Filled.row(values);
    }

    private static long owned(Account user) {
        return user.api().get("/samples/owned").json().path("count").asLong();
    }

    @Test
    void aDryRunWritesNothingAndACleanSheetCreatesThenUpdatesSamplesAndLinksTheirReads() throws IOException {
        Account user = Users.signUp(server, "annimp");
        long project = Fixtures.project(user, "Imported", false);
        long a1 = Fixtures.upload(user, "a_R1.fastq", FASTQ, Map.of());
        long a2 = Fixtures.upload(user, "a_R2.fastq", FASTQ, Map.of());
        long b1 = Fixtures.upload(user, "b_R1.fastq.gz", gzip(), Map.of());
        byte[] workbook = filled(user, List.of(
                row("Sample A", "Imported (#" + project + ")", "Human", "rna", null, null, "control", "grp", "a_R1.fastq", "a_R2.fastq", 1),
                row("Sample B", null, "mouse", null, null, null, null, null, "b_R1.fastq.gz", null, null)));

        Api.Res dry = post(user, workbook, true);
        assertThat(dry.status()).as(dry.toString()).isEqualTo(200);
        assertThat(dry.json().path("dry_run").asBoolean()).isTrue();
        assertThat(dry.json().path("samples")).hasSize(2);
        assertThat(dry.json().path("samples").get(0).path("id").isNull()).isTrue();
        assertThat(dry.json().path("reads")).hasSize(3);
        assertThat(owned(user)).as("a dry run writes nothing").isZero();
        assertThat(user.api().get("/data/" + a1).json().path("sample").isNull()).isTrue();

        Api.Res done = post(user, workbook, false);
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(done.json().path("dry_run").asBoolean()).isFalse();
        long sampleA = done.json().path("samples").get(0).path("id").asLong();
        long sampleB = done.json().path("samples").get(1).path("id").asLong();
        assertThat(done.json().path("samples").get(0).path("created").asBoolean()).isTrue();
        JsonNode a = user.api().get("/samples/" + sampleA).json();
        assertThat(a.path("organism").asText()).isEqualTo("human");
        assertThat(a.path("sample_type").asText()).isEqualTo("RNA");
        assertThat(a.path("condition").asText()).isEqualTo("control");
        assertThat(a.path("project").path("id").asLong()).isEqualTo(project);
        JsonNode read1 = user.api().get("/data/" + a1).json();
        assertThat(read1.path("sample").path("id").asLong()).isEqualTo(sampleA);
        assertThat(read1.path("read_number").asInt()).isEqualTo(1);
        assertThat(read1.path("lane").asInt()).isEqualTo(1);
        assertThat(read1.path("fileset").path("name").asText()).isEqualTo("Paired-end reads");
        assertThat(user.api().get("/data/" + a2).json().path("read_number").asInt()).isEqualTo(2);
        JsonNode b = user.api().get("/data/" + b1).json();
        assertThat(b.path("sample").path("id").asLong()).isEqualTo(sampleB);
        assertThat(b.path("fileset").path("name").asText()).isEqualTo("Single-end reads");

        // The same sheet again, with another sample type: the same samples, updated; the reads stay theirs.
        byte[] again = filled(user, List.of(
                row("Sample A", "Imported (#" + project + ")", "human", "DNA", null, null, "control", "grp", "a_R1.fastq", "a_R2.fastq", 1)));
        Api.Res updated = post(user, again, false);
        assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
        assertThat(updated.json().path("samples").get(0).path("id").asLong()).isEqualTo(sampleA);
        assertThat(updated.json().path("samples").get(0).path("created").asBoolean()).isFalse();
        assertThat(user.api().get("/samples/" + sampleA).json().path("sample_type").asText()).isEqualTo("DNA");
        assertThat(owned(user)).isEqualTo(2);
    }

    @Test
    void anImportRecordsTheCreationOfEachNewSampleInTheActivityLog() throws IOException {
        Account user = Users.signUp(server, "annimp");
        for (int i = 1; i <= 3; i++) Fixtures.upload(user, "l" + i + "_R1.fastq", FASTQ, Map.of());
        byte[] sheet = filled(user, List.of(
                row("Logged 1", null, "human", null, null, null, null, null, "l1_R1.fastq", null, null),
                row("Logged 2", null, "mouse", null, null, null, null, null, "l2_R1.fastq", null, null),
                row("Logged 3", null, "rat", null, null, null, null, null, "l3_R1.fastq", null, null)));
        Api.Res done = post(user, sheet, false);
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        List<String> expected = new ArrayList<>();
        done.json().path("samples").forEach(s -> expected.add("sample_created " + s.path("id").asLong() + " Sample " + s.path("name").asText() + " created"));
        assertThat(expected).hasSize(3);
        assertThat(sampleCreations(user)).containsExactlyInAnyOrderElementsOf(expected);
        // the same sheet again updates the three samples: nothing created, nothing logged
        assertThat(post(user, sheet, false).status()).isEqualTo(200);
        assertThat(sampleCreations(user)).hasSize(3);
    }

    private static List<String> sampleCreations(Account user) {
        List<String> out = new ArrayList<>();
        user.api().get("/analytics").json().path("recent_activity").forEach(e -> {
            if (e.path("action").asText().equals("sample_created")) {
                out.add("sample_created " + e.path("object_id").asLong() + " " + e.path("details").asText());
            }
        });
        return out;
    }

    @Test
    void aReadThatAnExistingSampleHoldsAlreadyIsAProblemOfItsRow() throws IOException {
        Account user = Users.signUp(server, "annimp");
        long x1 = Fixtures.upload(user, "x_R1.fastq", FASTQ, Map.of());
        long x2 = Fixtures.upload(user, "x_R2.fastq", FASTQ, Map.of());
        Fixtures.upload(user, "y_R1.fastq", FASTQ, Map.of());
        Fixtures.upload(user, "z_R1.fastq", FASTQ, Map.of());
        assertThat(post(user, filled(user, List.of(
                row("Held", null, "human", null, null, null, null, null, "x_R1.fastq", null, 1),
                row("Held", null, "human", null, null, null, null, null, "x_R2.fastq", null, 2))), false).status()).isEqualTo(200);

        // lane 1's read 1 is x_R1's; lane 2's read 1 is free (x_R2 is read 1 of lane 2 itself, named again: no problem)
        byte[] sheet = filled(user, List.of(
                row("Held", null, "human", null, null, null, null, null, "x_R2.fastq", null, 2),
                row("Held", null, "human", null, null, null, null, null, "y_R1.fastq", "z_R1.fastq", 1)));
        for (boolean dryRun : new boolean[] {true, false}) {
            Api.Res r = post(user, sheet, dryRun);
            assertStatus(r, 400, "VALIDATION_ERROR");
            JsonNode problems = r.json().path("error").path("details").path("problems");
            assertThat(problems).hasSize(1);
            assertThat(problems.get(0).path("row").asInt()).isEqualTo(3);
            assertThat(problems.get(0).path("column").asText()).isEqualTo("I");
            assertThat(problems.get(0).path("message").asText())
                    .isEqualTo("sample 'Held' already has read 1 of lane 1 (data " + x1 + "); delete that file first to replace it");
        }
        assertThat(user.api().get("/data/" + x2).json().path("lane").asInt()).isEqualTo(2);
    }

    /** A fileset's name follows its files whatever moves them: V30's trigger on UPDATE names the one left and the one joined. */
    @Test
    void readsMovedBetweenFilesetsByAnUpdateRenameBothFilesets() throws IOException {
        Account user = Users.signUp(server, "annimp");
        long r1 = Fixtures.upload(user, "m_R1.fastq", FASTQ, Map.of());
        long r2 = Fixtures.upload(user, "m_R2.fastq", FASTQ, Map.of());
        Api.Res done = post(user, filled(user, List.of(
                row("Moved", null, "human", null, null, null, null, null, "m_R1.fastq", "m_R2.fastq", null))), false);
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        long sample = done.json().path("samples").get(0).path("id").asLong();
        long first = user.api().get("/data/" + r1).json().path("fileset").path("id").asLong();
        assertThat(name(user, first)).isEqualTo("Paired-end reads");
        long second = server.jdbi().withHandle(h -> h.createQuery("INSERT INTO filesets (sample_id) VALUES (:s) RETURNING id")
                .bind("s", sample).mapTo(Long.class).one());
        assertThat(name(user, second)).as("a new fileset holds no reads").isEqualTo("Single-end reads");

        server.sql("UPDATE data SET fileset_id = " + second + " WHERE id = " + r2);
        assertThat(name(user, first)).as("read 2 left it").isEqualTo("Single-end reads");
        assertThat(name(user, second)).isEqualTo("Single-end reads");
        server.sql("UPDATE data SET fileset_id = " + second + " WHERE id = " + r1);
        assertThat(name(user, first)).as("now empty").isEqualTo("Single-end reads");
        assertThat(name(user, second)).as("reads 1 and 2 joined it").isEqualTo("Paired-end reads");
        server.sql("UPDATE data SET read_number = 1, lane = 2 WHERE id = " + r2);
        assertThat(name(user, second)).as("two reads 1, of two lanes").isEqualTo("Single-end reads");
    }

    private static String name(Account user, long fileset) {
        return user.api().get("/filesets/" + fileset).json().path("name").asText();
    }

    @Test
    void everyProblemIsReportedWithSheetRowAndColumnAndNothingIsWritten() throws IOException {
        Account user = Users.signUp(server, "annimp");
        Account other = Users.signUp(server, "annimp");
        long notMine = Fixtures.project(other, "Not mine", false);
        Fixtures.upload(user, "ok_R1.fastq", FASTQ, Map.of());
        Fixtures.upload(user, "peaks.bed", "chr1\t1\t2\n".getBytes(StandardCharsets.UTF_8), Map.of());
        byte[] workbook = filled(user, List.of(
                row("Good", null, "human", null, null, null, null, null, "ok_R1.fastq", null, null),       // row 2: fine
                row("Bad organism", null, "martian", null, null, null, null, null, "missing.fastq", null, null), // row 3
                row(null, null, "human", null, null, null, null, null, "x.fastq", null, null),               // row 4: no name
                row("Formula", null, "human", null, null, null, "=1+1", null, "y.fastq", null, 0),          // row 5
                row("Lanes", String.valueOf(notMine), "human", null, null, null, null, null, "peaks.bed", null, 2), // row 6
                row("Lanes", String.valueOf(notMine), "human", null, null, null, null, null, "ok_R1.fastq", null, 2))); // row 7
        Api.Res r = post(user, workbook, false);
        assertStatus(r, 400, "VALIDATION_ERROR");
        List<String> problems = Filled.cells(r);
        assertThat(problems).contains("Samples!C3", "Samples!I3", "Samples!A4", "Samples!G5", "Samples!K5", "Samples!B6", "Samples!I6",
                "Samples!K7", "Samples!I7");
        assertThat(problems).as("row 2 is fine").noneMatch(p -> p.matches("Samples![A-Z]+2"));
        assertThat(r.json().path("error").path("details").path("problem_count").asInt()).isEqualTo(problems.size());
        assertThat(owned(user)).as("nothing written while a problem remains").isZero();
    }

    @Test
    void sheetsOfMoreThanTenThousandRowsAreRefused() throws IOException {
        Account user = Users.signUp(server, "annimp");
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i <= 10_000; i++) rows.add(row("S" + i, null, "human", null, null, null, null, null, "r" + i + ".fastq", null, null));
        Api.Res r = post(user, filled(user, rows), true);
        assertStatus(r, 400, "VALIDATION_ERROR");
        JsonNode problem = r.json().path("error").path("details").path("problems").get(0);
        assertThat(problem.path("row").asInt()).isEqualTo(10_002);
        assertThat(problem.path("message").asText()).contains("10000");
    }

    @Test
    void badUploadsAreRefused() throws IOException {
        Account user = Users.signUp(server, "annimp");
        assertStatus(post(user, "not a workbook".getBytes(StandardCharsets.UTF_8), false), 400, "VALIDATION_ERROR");
        byte[] corrupt = filled(user, List.of());
        corrupt = java.util.Arrays.copyOf(corrupt, corrupt.length / 2);
        assertStatus(post(user, corrupt, false), 400, "VALIDATION_ERROR");
        // a workbook that is not a template (no sheet Samples or Data), and one that has both
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        try (XSSFWorkbook wb = new XSSFWorkbook()) {
            wb.createSheet("Sheet1").createRow(0).createCell(0).setCellValue("hello");
            wb.write(other);
        }
        fileRefused(post(user, other.toByteArray(), false), "has no sheet 'Samples', 'Data' nor 'Multiplexed'");
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(filled(user, List.of())))) {
            wb.createSheet("data");
            wb.write(both);
        }
        fileRefused(post(user, both.toByteArray(), false), "has the sheets ['Samples', 'Data']: import one template at a time");
        assertStatus(new Multipart().field("dry_run", "true").post(user.api(), "/upload/annotation"), 400, "VALIDATION_ERROR");
        assertStatus(post(user, new byte[10 * 1024 * 1024 + 1], false), 413, "PAYLOAD_TOO_LARGE");
        assertStatus(user.api().post("/upload/annotation", Map.of("file", "x")), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertStatus(new Multipart().file("file", filled(user, List.of())).post(server.client(), "/upload/annotation"), 401, "UNAUTHORIZED");
    }

    /** A 400 that names the field {@code file}. */
    private static void fileRefused(Api.Res r, String message) {
        assertStatus(r, 400, "VALIDATION_ERROR");
        assertThat(r.json().path("error").path("details").path("field").asText()).as(r.toString()).isEqualTo("file");
        assertThat(r.json().path("error").path("message").asText()).contains(message);
    }

    @Test
    void filesThatAreNotWorkbooksAreRefusedNamingTheFile() throws IOException {
        Account user = Users.signUp(server, "annimp");
        ByteArrayOutputStream xls = new ByteArrayOutputStream();
        try (HSSFWorkbook wb = new HSSFWorkbook()) {
            wb.createSheet("Samples").createRow(0).createCell(0).setCellValue("Sample name *");
            wb.write(xls);
        }
        fileRefused(post(user, xls.toByteArray(), true), "not a zip archive");
        ByteArrayOutputStream docx = new ByteArrayOutputStream();
        try (XWPFDocument doc = new XWPFDocument()) {
            doc.createParagraph().createRun().setText("Samples");
            doc.write(docx);
        }
        fileRefused(post(user, docx.toByteArray(), true), "not a workbook");
        byte[] template = filled(user, List.of());
        fileRefused(post(user, RawXlsx.without(template, "xl/worksheets/sheet1.xml"), true), "it has no part xl/worksheets/sheet1.xml");
        byte[] corrupt = java.util.Arrays.copyOf(template, template.length / 2);
        fileRefused(post(user, corrupt, true), "is not a readable .xlsx workbook");
    }

    @Test
    void aBombIsRefusedAtTheReadersCapsAndTheServerGoesOn() throws IOException {
        Account user = Users.signUp(server, "annimp");
        // 200,000 rows x 30 columns under more than a million distinct shared strings: ~170 MB of XML
        byte[] bomb = RawXlsx.write("Samples", w -> {
            RawXlsx.sampleHeader(w);
            StringBuilder row = new StringBuilder();
            for (int r = 2; r <= 200_000; r++) {
                row.setLength(0);
                row.append("<row>");
                for (int c = 0; c < 30; c++) row.append("<c t=\"s\"><v>").append(c).append("</v></c>");
                w.append(row.append("</row>"));
            }
        }, w -> {
            for (int i = 0; i < 1_200_000; i++) w.write("<si><t>" + Integer.toHexString(i) + "</t></si>");
        });
        assertThat(bomb.length).isLessThan(10 * 1024 * 1024);
        fileRefused(post(user, bomb, true), "more than 1000000 shared strings");
        Fixtures.upload(user, "after_R1.fastq", FASTQ, Map.of());
        Api.Res after = post(user, filled(user, List.of(row("After", null, "human", null, null, null, null, null, "after_R1.fastq", null, null))), true);
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
    }

    private static byte[] gzip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(FASTQ);
        }
        return out.toByteArray();
    }
}
