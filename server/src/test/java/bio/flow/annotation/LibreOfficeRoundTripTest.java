package bio.flow.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Multipart;
import bio.flow.testing.TempDirs;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A template opened and saved again by headless LibreOffice (Debian {@code libreoffice-calc-nogui}) keeps its
 * drop-down lists and, filled in, still imports. Skipped, saying so, where {@code soffice} is not installed.
 */
class LibreOfficeRoundTripTest {
    private static final TestServer server = TestServer.shared();

    @Test
    void aTemplateSavedByLibreOfficeKeepsItsListsAndImports() throws Exception {
        Assumptions.assumeTrue(soffice() != null, "skipped: LibreOffice (soffice) is not installed; on Debian: apt-get install libreoffice-calc-nogui");
        Account user = Users.signUp(server, "annlo");
        Fixtures.upload(user, "lo_R1.fastq", "@r1\nACGT\n+\nIIII\n".getBytes(StandardCharsets.UTF_8), Map.of());
        Api.Res template = user.api().get("/annotation/sample");
        assertThat(template.status()).isEqualTo(200);
        byte[] filled;
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(template.body()))) {
            Sheet sheet = wb.getSheet("Samples");
            Row row = sheet.createRow(1);
            row.createCell(0).setCellValue("LibreOffice sample");
            row.createCell(2).setCellValue("human");
            row.createCell(8).setCellValue("lo_R1.fastq");
            row.createCell(10).setCellValue(1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            wb.write(out);
            filled = out.toByteArray();
        }
        byte[] saved = resave(filled);
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(saved))) {
            assertThat(wb.getSheet("Samples").getDataValidations()).as("drop-down lists kept").hasSizeGreaterThanOrEqualTo(6);
        }
        Api.Res r = new Multipart().field("dry_run", "true").file("file", saved).post(user.api(), "/upload/annotation");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("samples").get(0).path("name").asText()).isEqualTo("LibreOffice sample");
        assertThat(r.json().path("reads")).hasSize(1);
    }

    /** The workbook opened and saved as .xlsx by headless LibreOffice, with a profile of its own. */
    private static byte[] resave(byte[] xlsx) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("flow-lo");
        try {
            Path in = Files.createDirectories(dir.resolve("in")).resolve("filled.xlsx");
            Files.write(in, xlsx);
            Path out = Files.createDirectories(dir.resolve("out"));
            Process p = new ProcessBuilder(soffice(), "-env:UserInstallation=" + dir.resolve("profile").toUri(), "--headless",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out.toString(), in.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("soffice.log").toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("soffice did not finish within 120 s");
            }
            Path converted = out.resolve("filled.xlsx");
            assertThat(converted).as("soffice output: " + Files.readString(dir.resolve("soffice.log"))).exists();
            return Files.readAllBytes(converted);
        } finally {
            TempDirs.delete(dir);
        }
    }

    private static String soffice() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            for (String name : List.of("soffice", "libreoffice")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
            }
        }
        return null;
    }
}
