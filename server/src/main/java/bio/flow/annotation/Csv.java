package bio.flow.annotation;

import bio.flow.http.ApiException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A filled sheet saved as .csv (RFC 4180: comma-separated, fields with commas, quotes or line breaks in double quotes,
 * a quote doubled inside them; UTF-8, a byte-order mark allowed), read as the rows of a sheet: the first record is the
 * header row. Every value is text (stripped of surrounding white space), as a spreadsheet's cells typed as text.
 */
final class Csv implements SheetRows {
    private final String text;
    private int at;
    private int record;

    private Csv(String text) {
        this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** The rows of the .csv {@code bytes}; 400 when they are not UTF-8 text. */
    static Csv of(byte[] bytes) {
        try {
            return new Csv(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            throw ApiException.invalid("file", "is neither an .xlsx workbook nor a UTF-8 .csv file");
        }
    }

    @Override
    public Xlsx.Row next(int columns) {
        if (at >= text.length()) return null;
        int index = record++;
        List<Xlsx.Cell> cells = new ArrayList<>();
        boolean blank = true;
        int column = 0;
        while (true) {
            StringBuilder value = new StringBuilder();
            if (at < text.length() && text.charAt(at) == '"') {
                int opened = index + 1;
                at++;
                while (true) {
                    if (at >= text.length()) throw ApiException.invalid("file", "row " + opened + " of the .csv file opens a quote it never closes");
                    char c = text.charAt(at++);
                    if (c == '"') {
                        if (at < text.length() && text.charAt(at) == '"') {
                            value.append('"');
                            at++;
                        } else {
                            break;
                        }
                    } else {
                        value.append(c);
                    }
                }
            }
            while (at < text.length() && text.charAt(at) != ',' && text.charAt(at) != '\n' && text.charAt(at) != '\r') value.append(text.charAt(at++));
            String v = value.toString().strip();
            if (column < columns) {
                cells.add(new Xlsx.Cell(column, v.isEmpty() ? Xlsx.Type.BLANK : Xlsx.Type.TEXT, v, false));
                blank &= v.isEmpty();
            }
            column++;
            if (at < text.length() && text.charAt(at) == ',') {
                at++;
                continue;
            }
            if (at < text.length() && text.charAt(at) == '\r') at++;
            if (at < text.length() && text.charAt(at) == '\n') at++;
            return new Xlsx.Row(index, cells, blank);
        }
    }

    @Override
    public void close() {
        // in memory: nothing to release
    }
}
