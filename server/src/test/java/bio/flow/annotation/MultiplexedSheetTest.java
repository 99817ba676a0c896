package bio.flow.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Multipart;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

/**
 * The multiplexed sheet in the main API: its template, the sheet sent whole (.xlsx or .csv) or in pieces (numeric ids,
 * a re-sent piece answered alike), problems and warnings under {@code details}, a dry run.
 */
class MultiplexedSheetTest {
    private static final TestServer server = TestServer.shared();

    @Test
    void theTemplateHasTheMultiplexedSheetAndAFilledOneIsStored() throws Exception {
        Account user = Users.signUp(server, "mtpl");
        long project = Fixtures.project(user, "Pools", false);
        Api.Res template = user.api().get("/annotation/multiplexed");
        assertThat(template.status()).isEqualTo(200);
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(template.body()))) {
            assertThat(wb.getSheetName(0)).isEqualTo("Multiplexed");
            Row header = wb.getSheetAt(0).getRow(0);
            assertThat(header.getCell(0).getStringCellValue()).isEqualTo("Sample name *");
            assertThat(header.getCell(1).getStringCellValue()).isEqualTo("Barcode *");
            assertThat(header.getCell(3).getStringCellValue()).isEqualTo("Reads 1 file *");
        }
        byte[] filled = Filled.template(user, "multiplexed", List.of(
                Filled.row("t_a", "ACGTACGT", "index", "t_R1.fastq.gz", null, "RNA", "Pools (#" + project + ")", "human"),
                Filled.row("t_b", "TTGGCCAA", null, "t_R1.fastq.gz", null, "RNA", null, "human")));
        Api.Res dry = Filled.post(user, filled, true);
        assertThat(dry.status()).as(dry.toString()).isEqualTo(200);
        assertThat(dry.json().path("dry_run").asBoolean()).isTrue();
        assertThat(server.queryLong("SELECT count(*) FROM multiplexed_sheets WHERE owner_id = " + user.id())).isZero();

        Api.Res stored = Filled.post(user, filled, false);
        assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
        JsonNode sheet = stored.json();
        assertThat(sheet.path("id").isIntegralNumber()).isTrue();
        assertThat(sheet.path("status").asText()).isEqualTo("waiting");
        assertThat(sheet.path("rows")).hasSize(2);
        assertThat(sheet.path("rows").get(1).path("position").asText()).isEqualTo("index");
        assertThat(sheet.path("inputs").get(0).path("reads1").asText()).isEqualTo("t_R1.fastq.gz");
        assertThat(user.api().get("/upload/multiplexed/" + sheet.path("id").asLong()).json().path("rows")).hasSize(2);
    }

    @Test
    void problemsAndWarningsAreUnderDetails() {
        Account user = Users.signUp(server, "mdet");
        byte[] bad = "Sample name,Barcode,Reads 1 file\nd_a,ACGZ,d.fq\n".getBytes(StandardCharsets.UTF_8);
        Api.Res problems = new Multipart().file("file", "bad.csv", bad).post(user.api(), "/upload/annotation");
        assertThat(problems.status()).isEqualTo(400);
        assertThat(problems.errorCode()).isEqualTo("VALIDATION_ERROR");
        JsonNode v = problems.json().path("error").path("details").path("validation").get(0);
        assertThat(v.path("row").asInt()).isEqualTo(2);
        assertThat(v.path("column").asText()).isEqualTo("Barcode");

        Api.Res empty = new Multipart().file("file", "empty.csv", "Sample name,Barcode,Reads 1 file\n".getBytes(StandardCharsets.UTF_8))
                .post(user.api(), "/upload/annotation");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().path("error").path("details").path("validation").get(0).path("message").asText()).contains("no rows");

        byte[] close = "Sample name,Barcode,Reads 1 file\nd_a,ACGTACGT,d.fq\nd_b,ACGTACGA,d.fq\n".getBytes(StandardCharsets.UTF_8);
        Api.Res warnings = new Multipart().file("file", "close.csv", close).post(user.api(), "/upload/annotation");
        assertThat(warnings.status()).isEqualTo(400);
        assertThat(warnings.json().path("error").path("details").path("warnings").get(0).path("message").asText()).contains("ACGTACGA");
        Api.Res accepted = new Multipart().field("ignore_warnings", "true").file("file", "close.csv", close).post(user.api(), "/upload/annotation");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
        assertThat(accepted.json().path("warnings")).hasSize(1);
    }

    /** In pieces through the main API: numeric ids, the same on every piece; a piece sent again gets the same answer. */
    @Test
    void inPiecesWithTheOffsetProtocol() {
        Account user = Users.signUp(server, "mpieces");
        // a row per sample, with five metadata columns: ~1,300 rows over the 1,000,000 bytes of a piece
        StringBuilder csv = new StringBuilder("Sample name,Barcode,Reads 1 file,Notes 1,Notes 2,Notes 3,Notes 4,Notes 5\n");
        for (int i = 0; csv.length() < 1_200_000; i++) {
            csv.append("p").append(i).append(',').append(barcode(i)).append(",big.fq");
            for (int k = 0; k < 5; k++) csv.append(',').append("x".repeat(180));
            csv.append('\n');
        }
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        int cut = 1_000_000;
        Api.Res first = piece(user, "", 0, false, java.util.Arrays.copyOfRange(bytes, 0, cut));
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        long id = first.json().path("id").asLong();
        assertThat(first.json().path("data_id").asLong()).isEqualTo(id);
        assertThat(first.json().has("result")).isFalse();
        Api.Res again = piece(user, Long.toString(id), 0, false, java.util.Arrays.copyOfRange(bytes, 0, cut));
        assertThat(again.json().path("id").asLong()).isEqualTo(id);
        Api.Res wrongOffset = piece(user, Long.toString(id), 5, true, java.util.Arrays.copyOfRange(bytes, cut, bytes.length));
        assertThat(wrongOffset.status()).isEqualTo(400);
        assertThat(wrongOffset.json().path("error").path("details").path("field").asText()).isEqualTo("expected_file_size");
        Account stranger = Users.signUp(server, "mpstranger");
        assertThat(piece(stranger, Long.toString(id), cut, true, java.util.Arrays.copyOfRange(bytes, cut, bytes.length)).status()).isEqualTo(400);

        Api.Res last = piece(user, Long.toString(id), cut, true, java.util.Arrays.copyOfRange(bytes, cut, bytes.length));
        assertThat(last.status()).as(last.toString()).isEqualTo(200);
        assertThat(last.json().path("id").asLong()).isEqualTo(id);
        JsonNode result = last.json().path("result");
        assertThat(result.path("id").asLong()).isEqualTo(id);
        assertThat(result.path("status").asText()).isEqualTo("waiting");
        Api.Res lastAgain = piece(user, Long.toString(id), cut, true, java.util.Arrays.copyOfRange(bytes, cut, bytes.length));
        assertThat(lastAgain.status()).isEqualTo(200);
        assertThat(lastAgain.json().path("result").path("rows").size()).isEqualTo(result.path("rows").size());
        assertThat(server.queryLong("SELECT count(*) FROM multiplexed_sheets WHERE owner_id = " + user.id())).isEqualTo(1);
        assertThat(user.api().get("/upload/multiplexed/" + id).json().path("rows").get(0).path("sample_name").asText()).isEqualTo("p0");
    }

    /** A sample template in pieces is read as one sent whole: here, its problems under details.problems; the upload is forgotten. */
    @Test
    void aSampleTemplateInPiecesIsImportedAsWhole() {
        Account user = Users.signUp(server, "msample");
        byte[] filled = Filled.template(user, "sample", List.of(Filled.row("s1", null, "human", "RNA", null, null, null, null, "absent_R1.fq")));
        Api.Res whole = Filled.post(user, filled, false);
        Api.Res pieces = new Multipart().field("filename", "s.xlsx").field("expected_file_size", 0).field("is_last", true).field("data", "")
                .file("blob", "s.xlsx", filled).post(user.api(), "/upload/annotation");
        assertThat(pieces.status()).isEqualTo(400);
        assertThat(Filled.messages(pieces)).isEqualTo(Filled.messages(whole)).isNotEmpty();
        assertThat(server.queryLong("SELECT count(*) FROM annotation_uploads WHERE owner_id = " + user.id())).isZero();
    }

    /** Distinct barcodes at least three bases apart (no warning): the number in base 4, each digit written three times. */
    /**
     * A user has at most 20 annotation uploads under way (their bytes are held in the database): counted under a lock,
     * so that 30 started at once leave exactly 20; one finished makes room again.
     */
    @Test
    void theUnfinishedAnnotationUploadsOfAUserAreCappedEvenWhenStartedAtOnce() throws Exception {
        Account user = Users.signUp(server, "mcap");
        byte[] start = "Sample name,Barcode,Reads 1 file\n".getBytes(StandardCharsets.UTF_8);
        ExecutorService pool = Executors.newFixedThreadPool(30);
        List<Api.Res> answers = new ArrayList<>();
        try {
            List<Future<Api.Res>> started = new ArrayList<>();
            for (int i = 0; i < 30; i++) started.add(pool.submit(() -> piece(user, "", 0, false, start)));
            for (Future<Api.Res> f : started) answers.add(f.get());
        } finally {
            pool.shutdownNow();
        }
        assertThat(answers.stream().filter(r -> r.status() == 200)).hasSize(20);
        List<Api.Res> refused = answers.stream().filter(r -> r.status() != 200).toList();
        assertThat(refused).hasSize(10).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().path("error").path("message").asText()).contains("20 annotation uploads under way");
        });
        // one finished (a clean sheet) frees a place
        String open = answers.stream().filter(r -> r.status() == 200).findFirst().orElseThrow().json().path("id").asText();
        byte[] rest = "cap_a,ACGTACGT,cap_R1.fq\n".getBytes(StandardCharsets.UTF_8);
        assertThat(piece(user, open, start.length, true, rest).status()).isEqualTo(200);
        assertThat(piece(user, "", 0, false, start).status()).isEqualTo(200);
        assertThat(piece(user, "", 0, false, start).status()).isEqualTo(409);
    }

    private static String barcode(int i) {
        String bases = "ACGT";
        StringBuilder b = new StringBuilder();
        for (int k = 0, n = i; k < 7; k++, n /= 4) {
            char c = bases.charAt(n % 4);
            b.append(c).append(c).append(c);
        }
        return b.toString();
    }

    private static Api.Res piece(Account user, String data, long offset, boolean last, byte[] bytes) {
        return new Multipart().field("filename", "big.csv").field("expected_file_size", offset).field("is_last", last).field("data", data)
                .file("blob", "big.csv", bytes).post(user.api(), "/upload/annotation");
    }
}
