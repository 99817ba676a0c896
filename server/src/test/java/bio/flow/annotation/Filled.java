package bio.flow.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Multipart;
import bio.flow.testing.Users.Account;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/** Templates downloaded from the server and filled in by a program (POI), and their import, for the annotation tests. */
final class Filled {
    private Filled() {}

    /**
     * The caller's template of {@code type} ("sample" or "data") with these rows written under the header of its
     * sheet (a value starting with "=" is a formula, a number a number cell, null an empty cell).
     */
    static byte[] template(Account user, String type, List<List<Object>> rows) {
        Api.Res r = user.api().get("/annotation/" + type);
        assertThat(r.status()).isEqualTo(200);
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(r.body()))) {
            Sheet sheet = wb.getSheetAt(0);
            for (int i = 0; i < rows.size(); i++) {
                Row row = sheet.createRow(i + 1);
                List<Object> values = rows.get(i);
                for (int c = 0; c < values.size(); c++) {
                    Object v = values.get(c);
                    if (v == null) continue;
                    if (v instanceof Number n) row.createCell(c).setCellValue(n.doubleValue());
                    else if (v.toString().startsWith("=")) row.createCell(c).setCellFormula(v.toString().substring(1));
                    else row.createCell(c).setCellValue(v.toString());
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            wb.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A row's values, nulls allowed. */
    static List<Object> row(Object... values) {
        return new ArrayList<>(Arrays.asList(values));
    }

    static Api.Res post(Account user, byte[] workbook, boolean dryRun) {
        Multipart m = new Multipart();
        if (dryRun) m.field("dry_run", "true");
        return m.file("file", workbook).post(user.api(), "/upload/annotation");
    }

    /** The problems of a 400 as sheet!cell, e.g. "Data!C4". */
    static List<String> cells(Api.Res r) {
        List<String> out = new ArrayList<>();
        r.json().path("error").path("details").path("problems").forEach(p -> out.add(
                p.path("sheet").asText() + "!" + p.path("column").asText() + p.path("row").asInt()));
        return out;
    }

    /** The problems of a 400 as "cell: message". */
    static List<String> messages(Api.Res r) {
        List<String> out = new ArrayList<>();
        r.json().path("error").path("details").path("problems").forEach(p -> out.add(
                p.path("column").asText() + p.path("row").asInt() + ": " + p.path("message").asText()));
        return out;
    }
}
