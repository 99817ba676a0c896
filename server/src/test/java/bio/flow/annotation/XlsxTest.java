package bio.flow.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.annotation.TemplateSheet.Problem;
import bio.flow.http.ApiException;
import bio.flow.vocabularies.Vocabularies.Choices;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.junit.jupiter.api.Test;

/**
 * The bounded .xlsx reader without a server: the cells it reads (shared strings as POI and LibreOffice write them,
 * inline strings as POI's streaming writer does, numbers, booleans, formulas, error values, rich text), and that it
 * stops at each of its caps, having read (inflated) only a small part of what a bomb holds.
 */
class XlsxTest {
    private static Xlsx open(byte[] bytes) {
        return Xlsx.open(bytes, List.of("Samples", "Data"), "fill in a template");
    }

    /** Every row of the sheet {@code Samples}, all columns kept. */
    private static List<Xlsx.Row> rows(byte[] bytes) {
        try (Xlsx x = open(bytes); Xlsx.Rows rows = x.rows("Samples")) {
            List<Xlsx.Row> out = new ArrayList<>();
            for (Xlsx.Row r = rows.next(Integer.MAX_VALUE); r != null; r = rows.next(Integer.MAX_VALUE)) out.add(r);
            return out;
        }
    }

    /** An exception that is a 400 naming the field {@code file}, its message containing {@code text}. */
    private static Consumer<Throwable> fileProblem(String text) {
        return e -> {
            assertThat(e).isInstanceOf(ApiException.class);
            ApiException a = (ApiException) e;
            assertThat(a.status()).isEqualTo(400);
            assertThat(a.details()).containsEntry("field", "file");
            assertThat(a.getMessage()).contains(text);
        };
    }

    private static byte[] poi(Workbook wb) throws IOException {
        try (wb) {
            Sheet s = wb.createSheet("Samples");
            Row header = s.createRow(0);
            header.createCell(0).setCellValue("  padded  ");
            header.createCell(2).setCellValue(3);
            header.createCell(3).setCellValue(1.5);
            Row second = s.createRow(2);
            second.createCell(0).setCellValue(true);
            second.createCell(1).setCellFormula("1+1");
            second.createCell(4).setCellValue("tab\there");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            wb.write(out);
            return out.toByteArray();
        }
    }

    private static String describe(List<Xlsx.Row> rows) {
        StringBuilder s = new StringBuilder();
        for (Xlsx.Row r : rows) {
            s.append(r.index()).append(':');
            for (Xlsx.Cell c : r.cells()) s.append(' ').append(c.column()).append('=').append(c.type()).append('[').append(c.text()).append(']');
            s.append('\n');
        }
        return s.toString();
    }

    @Test
    void sharedAndInlineStringsReadAlike() throws IOException {
        String expected = "0: 0=TEXT[padded] 2=NUMBER[3] 3=NUMBER[1.5]\n2: 0=BOOLEAN[true] 1=FORMULA[1+1] 4=TEXT[tab\there]\n";
        assertThat(describe(rows(poi(new XSSFWorkbook())))).as("shared strings").isEqualTo(expected);
        assertThat(describe(rows(poi(new SXSSFWorkbook())))).as("inline strings").isEqualTo(expected);
    }

    @Test
    void cellsOfEveryKind() {
        String longText = "x".repeat(Xlsx.KEPT + 1);
        byte[] bytes = RawXlsx.write("samples", w -> w.write("<row>"
                        + "<c t=\"s\"><v>0</v></c>"                                              // A: rich text, its phonetic run left out
                        + "<c t=\"inlineStr\"><is><t>a_x000D_b</t></is></c>"                    // B: an escaped carriage return
                        + "<c r=\"D1\" t=\"e\"><v>#DIV/0!</v></c>"                               // D: an error value
                        + "<c t=\"str\"><f>CONCAT(\"a\",\"b\")</f><v>ab</v></c>"                // E: a formula with its cached text
                        + "<c s=\"3\"/>"                                                          // F: styled, empty
                        + "<c t=\"s\"><v>1</v></c>"                                              // G: white space only
                        + "<c t=\"inlineStr\"><is><t>" + longText + "</t></is></c>"               // H: longer than kept
                        + "<c><v>1E3</v></c>"                                                     // I: a whole number
                        + "</row><row r=\"5\"><c r=\"B5\" s=\"1\"/><c r=\"C5\" t=\"s\"><v>1</v></c></row>"),
                w -> w.write("<si><r><t>Ri</t></r><r><rPr><b/></rPr><t xml:space=\"preserve\">ch </t></r><rPh sb=\"0\" eb=\"1\"><t>ignored</t></rPh></si>"
                        + "<si><t xml:space=\"preserve\">   </t></si>"));
        List<Xlsx.Row> rows = rows(bytes);
        assertThat(describe(rows)).isEqualTo("0: 0=TEXT[Rich] 1=TEXT[a\rb] 3=ERROR[#DIV/0!] 4=FORMULA[CONCAT(\"a\",\"b\")] 5=BLANK[] 6=TEXT[] "
                + "7=TEXT[" + "x".repeat(Xlsx.KEPT) + "] 8=NUMBER[1000]\n4: 1=BLANK[] 2=TEXT[]\n");
        assertThat(rows.get(0).cells().get(6).truncated()).isTrue();
        assertThat(rows.get(0).blank()).isFalse();
        assertThat(rows.get(1).blank()).as("empty cells and white space only").isTrue();
    }

    @Test
    void keptColumnsOnlyButEveryCellDecidesBlankness() {
        byte[] bytes = RawXlsx.write("Samples", w -> w.write("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c>"
                + "<c r=\"Z1\"><v>7</v></c></row><row r=\"2\"><c r=\"Z2\"><v>7</v></c></row>"), null);
        try (Xlsx x = open(bytes); Xlsx.Rows rows = x.rows("Samples")) {
            Xlsx.Row first = rows.next(1);
            assertThat(first.cells()).hasSize(1);
            Xlsx.Row second = rows.next(1);
            assertThat(second.cells()).isEmpty();
            assertThat(second.blank()).as("a value past the kept columns still fills its row").isFalse();
            assertThat(rows.next(1)).isNull();
        }
    }

    @Test
    void sharedStringsStopAtTheirCount() {
        byte[] bytes = RawXlsx.write("Samples", w -> { }, w -> {
            for (int i = 0; i < Xlsx.MAX_SHARED_STRINGS + 500_000; i++) w.write("<si><t>s</t></si>");
        });
        try (Xlsx x = open(bytes)) {
            assertThatThrownBy(() -> x.rows("Samples")).satisfies(fileProblem("more than " + Xlsx.MAX_SHARED_STRINGS + " shared strings"));
            // 1.5M strings of 17 bytes: ~25 MB of XML; the reader stops after 1M of them (and what it read ahead)
            assertThat(x.inflated()).isLessThan(20_000_000);
        }
    }

    @Test
    void sharedStringsStopAtTheirCharacters() {
        String text = "y".repeat(200);
        byte[] bytes = RawXlsx.write("Samples", w -> { }, w -> {
            for (int i = 0; i < 100_000; i++) w.write("<si><t>" + i + text + "</t></si>");
        });
        try (Xlsx x = open(bytes)) {
            assertThatThrownBy(() -> x.rows("Samples")).satisfies(fileProblem("more than " + Xlsx.MAX_SHARED_CHARS + " characters"));
            assertThat(x.inflated()).isLessThan(19_000_000); // of 21.8 MB
        }
    }

    @Test
    void aSheetStopsAtItsCellsAndRows() {
        // Empty styled cells fill no row: nothing else would stop the reading of a million of them.
        byte[] bytes = RawXlsx.write("Samples", w -> {
            for (int r = 1; r <= 200_000; r++) w.write("<row r=\"" + r + "\"><c s=\"1\"/><c s=\"1\"/><c s=\"1\"/><c s=\"1\"/><c s=\"1\"/><c s=\"1\"/><c s=\"1\"/><c s=\"1\"/><c s=\"1\"/></row>");
        }, null);
        try (Xlsx x = open(bytes); Xlsx.Rows rows = x.rows("Samples")) {
            assertThatThrownBy(() -> {
                while (rows.next(11) != null) {
                    // all blank
                }
            }).satisfies(fileProblem("more than " + Xlsx.MAX_CELLS + " cells and rows"));
            assertThat(x.inflated()).isLessThan(15_000_000); // of 22 MB
        }
    }

    @Test
    void aPartStopsAtItsBytesAndItsLongestRun() {
        byte[] longRun = RawXlsx.write("Samples", w -> {
            w.write("<row><c t=\"inlineStr\"><is><t>");
            for (int i = 0; i < 2 * Xlsx.MAX_RUN / 1024; i++) w.write("z".repeat(1024));
            w.write("</t></is></c></row>");
        }, null);
        try (Xlsx x = open(longRun); Xlsx.Rows rows = x.rows("Samples")) {
            assertThatThrownBy(() -> rows.next(1)).satisfies(fileProblem("more than " + Xlsx.MAX_RUN + " bytes without markup"));
        }
        byte[] large = RawXlsx.write("Samples", w -> {
            // elements that are neither rows nor cells, which the caps of cells and rows do not count
            for (int i = 0; i < Xlsx.MAX_PART_BYTES / 1024 + 100; i++) w.write("<x/>".repeat(256));
        }, null);
        try (Xlsx x = open(large); Xlsx.Rows rows = x.rows("Samples")) {
            assertThatThrownBy(() -> {
                while (rows.next(1) != null) {
                    // no row until the part's cap
                }
            }).satisfies(fileProblem("inflates past " + Xlsx.MAX_PART_BYTES + " bytes"));
        }
    }

    @Test
    void aBombOfFilledRowsIsReadOnlyToTheRowPastTheLimit() {
        // 200,000 rows x 30 columns of shared strings: ~140 MB of XML in a zip of a few MB
        byte[] bytes = RawXlsx.write("Samples", w -> {
            RawXlsx.sampleHeader(w);
            StringBuilder row = new StringBuilder();
            for (int r = 2; r <= 200_000; r++) {
                row.setLength(0);
                row.append("<row r=\"").append(r).append("\">");
                for (int c = 0; c < 30; c++) row.append("<c t=\"s\"><v>").append((r + c) % 1000).append("</v></c>");
                w.append(row.append("</row>"));
            }
        }, w -> {
            for (int i = 0; i < 1000; i++) w.write("<si><t>value " + i + "</t></si>");
        });
        Templates.Project project = new Templates.Project(1, "P");
        var form = Templates.form(new Choices(List.of("human"), List.of(), List.of(), List.of(), List.of("FASTQ")), List.of(project), List.of());
        try (Xlsx x = open(bytes)) {
            SampleSheet sheet = SampleSheet.read(x, form);
            Problem last = sheet.problems().get(sheet.problems().size() - 1);
            assertThat(last.row()).isEqualTo(Templates.MAX_ROWS + 2);
            assertThat(last.message()).contains("at most " + Templates.MAX_ROWS + " rows");
            assertThat(x.inflated()).as("the rows past the limit are not read").isLessThan(30_000_000);
        }
    }

    @Test
    void documentTypesAndEntitiesAreNotRead() {
        byte[] xxe = RawXlsx.write("Samples", "<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM \"file:///etc/hostname\">]>",
                w -> w.write("<row><c t=\"inlineStr\"><is><t>&xxe;</t></is></c></row>"), null);
        try (Xlsx x = open(xxe); Xlsx.Rows rows = x.rows("Samples")) {
            // no cell, with or without the file's content: the entity is refused, not resolved
            assertThatThrownBy(() -> rows.next(1)).satisfies(fileProblem("is not a readable .xlsx workbook"));
        }
        byte[] laughs = RawXlsx.write("Samples", "<!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>",
                w -> w.write("<row><c t=\"inlineStr\"><is><t>&b;</t></is></c></row>"), null);
        try (Xlsx x = open(laughs); Xlsx.Rows rows = x.rows("Samples")) {
            assertThatThrownBy(() -> rows.next(1)).satisfies(fileProblem("is not a readable .xlsx workbook"));
        }
    }

    @Test
    void whatIsNotAWorkbookIsRefusedNamingTheFile() throws IOException {
        ByteArrayOutputStream xls = new ByteArrayOutputStream();
        try (HSSFWorkbook wb = new HSSFWorkbook()) {
            wb.createSheet("Samples").createRow(0).createCell(0).setCellValue("Sample name *");
            wb.write(xls);
        }
        ByteArrayOutputStream docx = new ByteArrayOutputStream();
        try (XWPFDocument doc = new XWPFDocument()) {
            doc.createParagraph().createRun().setText("Samples");
            doc.write(docx);
        }
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (var z = new java.util.zip.ZipOutputStream(zip)) {
            z.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
            z.write("hello".getBytes());
        }
        byte[] truncated = RawXlsx.write("Samples", w -> w.write("<row><c><v>1</v></c></row>"), null);
        truncated = java.util.Arrays.copyOf(truncated, truncated.length - 100);
        byte[] sheetless = RawXlsx.without(RawXlsx.write("Samples", w -> { }, null), "xl/worksheets/sheet1.xml");
        for (byte[] bytes : List.of(xls.toByteArray(), docx.toByteArray(), zip.toByteArray(), truncated, sheetless, "text".getBytes())) {
            assertThatThrownBy(() -> {
                try (Xlsx x = open(bytes)) {
                    if (!x.hasSheet("Samples")) throw ApiException.invalid("file", "no sheet Samples");
                    try (Xlsx.Rows rows = x.rows("Samples")) {
                        rows.next(1);
                    }
                }
            }).satisfies(fileProblem(""));
        }
        byte[] noSheet = RawXlsx.write("Other", w -> { }, null);
        try (Xlsx x = open(noSheet)) {
            assertThat(x.hasSheet("Samples")).isFalse();
        }
    }
}
