package bio.flow.annotation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * .xlsx files written part by part, for workbooks no spreadsheet program writes (bombs, odd cells, DTDs): one sheet
 * whose {@code <sheetData>} and (optionally) shared strings the test writes as XML text.
 */
final class RawXlsx {
    static final String MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    interface Part {
        void write(Writer w) throws IOException;
    }

    /** A workbook with the sheet {@code sheet}: its rows from {@code rows}, its shared strings (none when null) from {@code strings}. */
    static byte[] write(String sheet, Part rows, Part strings) {
        return write(sheet, "", rows, strings);
    }

    /** As {@link #write(String, Part, Part)}, the sheet part starting with {@code doctype}. */
    static byte[] write(String sheet, String doctype, Part rows, Part strings) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.setLevel(Deflater.BEST_SPEED);
            Writer w = new OutputStreamWriter(zip, StandardCharsets.UTF_8);
            part(zip, w, "[Content_Types].xml", out -> out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns="
                    + "\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType="
                    + "\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                    + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
                    + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
                    + "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
                    + "</Types>"));
            part(zip, w, "_rels/.rels", out -> out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns="
                    + "\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type="
                    + "\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
                    + "</Relationships>"));
            part(zip, w, "xl/workbook.xml", out -> out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"" + MAIN + "\" xmlns:r="
                    + "\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"" + sheet
                    + "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"));
            part(zip, w, "xl/_rels/workbook.xml.rels", out -> out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns="
                    + "\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type="
                    + "\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                    + (strings == null ? "" : "<Relationship Id=\"rId2\" Type="
                    + "\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"/xl/sharedStrings.xml\"/>")
                    + "</Relationships>"));
            part(zip, w, "xl/worksheets/sheet1.xml", out -> {
                out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + doctype + "<worksheet xmlns=\"" + MAIN + "\"><sheetData>");
                rows.write(out);
                out.write("</sheetData></worksheet>");
            });
            if (strings != null) {
                part(zip, w, "xl/sharedStrings.xml", out -> {
                    out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"" + MAIN + "\">");
                    strings.write(out);
                    out.write("</sst>");
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void part(ZipOutputStream zip, Writer w, String name, Part part) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        part.write(w);
        w.flush();
        zip.closeEntry();
    }

    /** The workbook {@code xlsx} without its part {@code name}. */
    static byte[] without(byte[] xlsx, String name) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(xlsx)); ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().equals(name)) continue;
                out.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The header row of the sample template's sheet, as the template has it. */
    static void sampleHeader(Writer w) throws IOException {
        w.write("<row r=\"1\">");
        int i = 0;
        for (Templates.Column c : Templates.columns(Templates.Kind.SAMPLE, java.util.List.of())) {
            w.write("<c r=\"" + (char) ('A' + i++) + "1\" t=\"inlineStr\"><is><t>" + c.title() + "</t></is></c>");
        }
        w.write("</row>");
    }

    private RawXlsx() {}
}
