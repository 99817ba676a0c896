package bio.flow.annotation;

import bio.flow.http.ApiException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.apache.poi.util.XMLHelper;

/**
 * The cells of an .xlsx workbook's sheets, one row at a time, read from the upload's bytes with memory bounded
 * whatever they hold: a 10 MiB upload may inflate a hundredfold and more, and a workbook model (POI's
 * {@code WorkbookFactory}) holds every cell of it. Here the zip is read in place (no temporary file), each XML part
 * is pulled with StAX (no DTD, no external entities: no XXE), only the values of the columns asked for are kept,
 * and every part is read under caps: {@value #MAX_PART_BYTES} bytes of XML per part, {@value #MAX_RUN} bytes
 * between two angle brackets (the longest name, attribute or text the parser buffers), {@value #MAX_SHARED_STRINGS}
 * shared strings and {@value #MAX_SHARED_CHARS} characters of them, {@value #MAX_CELLS} cells and rows of a sheet.
 * The caller stops reading rows when it has enough. Whatever is past a cap, or not a workbook, is a 400 naming
 * {@code file}.
 *
 * <p>A value is kept as its text without surrounding white space (as POI's cell text, {@code _xHHHH_} escapes
 * decoded), at most {@value #KEPT} characters of it: longer than any template's longest value, so a longer one is
 * still known as too long.
 */
final class Xlsx implements AutoCloseable {
    static final int MAX_PART_BYTES = 64 << 20;
    static final int MAX_RUN = 1 << 20;
    static final int MAX_SHARED_STRINGS = 1_000_000;
    static final int MAX_SHARED_CHARS = 16_000_000;
    static final int MAX_CELLS = 1_000_000;
    static final int KEPT = 256;
    /** The characters of one value read before its end is only scanned: decoded, more than {@link #KEPT} remain. */
    private static final int MAX_VALUE_CHARS = 8 * KEPT;
    /** The last column of a sheet (XFD). */
    private static final int MAX_COLUMNS = 16_384;
    private static final int MAX_ROW_NUMBER = 1_048_576;
    private static final int MAX_RELATIONSHIPS = 10_000;
    private static final XMLInputFactory XML = XMLHelper.newXMLInputFactory();
    private static final Pattern ESCAPE = Pattern.compile("_x([0-9A-Fa-f]{4})_");

    enum Type { BLANK, TEXT, NUMBER, BOOLEAN, FORMULA, ERROR }

    /**
     * A cell: its column (0-based), its type and text: a text's value, a number as written (a whole number without
     * ".0"), "true"/"false", a formula's text (without its cached result), an error value. {@code truncated}: the
     * value is longer than its text.
     */
    record Cell(int column, Type type, String text, boolean truncated) {
        /** Empty, or a text of white space only. */
        boolean blank() {
            return type == Type.BLANK || type == Type.TEXT && text.isEmpty() && !truncated;
        }
    }

    /** A row element of a sheet: its index (0-based), its kept cells in column order, and whether all its cells are blank. */
    record Row(int index, List<Cell> cells, boolean blank) {}

    private final ZipFile zip;
    private final String hint;
    /** The part of each sheet asked for that the workbook has, by lower-case name (sheet names ignore case). */
    private final Map<String, String> sheets = new HashMap<>();
    private String sharedStringsPart;
    private SharedStrings sharedStrings;
    /** Bytes of XML read from the parts, for tests of the caps. */
    private long inflated;

    private Xlsx(ZipFile zip, String hint) {
        this.zip = zip;
        this.hint = hint;
    }

    /**
     * The workbook in {@code bytes}, knowing where the sheets named {@code sheetNames} are (any case); {@code hint}
     * ends the message of a 400 for what is not a readable workbook.
     */
    static Xlsx open(byte[] bytes, Collection<String> sheetNames, String hint) {
        ZipFile zip;
        try {
            zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(bytes)).get();
        } catch (IOException | RuntimeException e) {
            throw ApiException.invalid("file", "is not a readable .xlsx workbook (not a zip archive); " + hint);
        }
        Xlsx x = new Xlsx(zip, hint);
        try {
            x.findParts(sheetNames);
            return x;
        } catch (RuntimeException e) {
            x.close();
            throw e;
        }
    }

    boolean hasSheet(String name) {
        return sheets.containsKey(name.toLowerCase(Locale.ROOT));
    }

    long inflated() {
        return inflated;
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException ignored) {
            // bytes in memory: nothing to release
        }
    }

    /** The package's workbook part (from its relationships), the sheets asked for and the shared strings in it. */
    private void findParts(Collection<String> sheetNames) {
        String workbook = relationships("_rels/.rels", "").values().stream()
                .filter(r -> r.type().endsWith("/officeDocument")).map(Relationship::target).findFirst()
                .orElseThrow(() -> unreadable("it has no workbook part: it is not a spreadsheet"));
        Map<String, String> wanted = new HashMap<>();
        for (String name : sheetNames) wanted.put(name.toLowerCase(Locale.ROOT), name);
        Map<String, String> sheetIds = new HashMap<>();
        boolean[] root = {true};
        read(workbook, x -> {
            if (x.getEventType() != XMLStreamConstants.START_ELEMENT) return;
            if (root[0] && !x.getLocalName().equals("workbook")) throw unreadable("its main part is a " + x.getLocalName() + ", not a workbook");
            root[0] = false;
            if (x.getLocalName().equals("sheet")) {
                String name = x.getAttributeValue(null, "name");
                String id = relationshipId(x);
                if (name != null && id != null && wanted.containsKey(name.toLowerCase(Locale.ROOT))) {
                    sheetIds.put(name.toLowerCase(Locale.ROOT), id);
                }
            }
        });
        int slash = workbook.lastIndexOf('/');
        Map<String, Relationship> rels = relationships(workbook.substring(0, slash + 1) + "_rels/" + workbook.substring(slash + 1) + ".rels",
                workbook);
        for (Map.Entry<String, String> e : sheetIds.entrySet()) {
            Relationship r = rels.get(e.getValue());
            if (r == null) throw unreadable("its sheet '" + wanted.get(e.getKey()) + "' has no part");
            sheets.put(e.getKey(), r.target());
        }
        sharedStringsPart = rels.values().stream().filter(r -> r.type().endsWith("/sharedStrings")).map(Relationship::target)
                .findFirst().orElse(null);
    }

    private record Relationship(String type, String target) {}

    /** The internal relationships of the part {@code source} (none when the workbook has no such part), by id. */
    private Map<String, Relationship> relationships(String relsPart, String source) {
        Map<String, Relationship> out = new HashMap<>();
        if (zip.getEntry(relsPart) == null) return out;
        read(relsPart, x -> {
            if (x.getEventType() != XMLStreamConstants.START_ELEMENT || !x.getLocalName().equals("Relationship")) return;
            if ("External".equals(x.getAttributeValue(null, "TargetMode"))) return;
            String id = x.getAttributeValue(null, "Id");
            String type = x.getAttributeValue(null, "Type");
            String target = x.getAttributeValue(null, "Target");
            if (id == null || type == null || target == null) throw unreadable("a relationship in " + relsPart + " lacks its id, type or target");
            if (out.size() >= MAX_RELATIONSHIPS) throw tooLarge("more than " + MAX_RELATIONSHIPS + " relationships in one part");
            out.put(id, new Relationship(type, resolve(source, target)));
        });
        return out;
    }

    /** The zip entry name of {@code target} as a relationship of {@code source} gives it (relative to its folder, or absolute). */
    private String resolve(String source, String target) {
        try {
            String path = URI.create("/" + source).resolve(new URI(null, null, target, null)).getPath();
            return path.startsWith("/") ? path.substring(1) : path;
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw unreadable("a relationship's target '" + target + "' is not a part name");
        }
    }

    /** The r:id attribute of a sheet element (its namespace differs between transitional and strict workbooks). */
    private static String relationshipId(XMLStreamReader x) {
        for (int i = 0; i < x.getAttributeCount(); i++) {
            if (x.getAttributeLocalName(i).equals("id") && !x.getAttributeNamespace(i).isEmpty()) return x.getAttributeValue(i);
        }
        return null;
    }

    private interface Events {
        void on(XMLStreamReader x) throws XMLStreamException;
    }

    /** Pulls every event of a whole part through {@code events}. */
    private void read(String part, Events events) {
        try (Part p = new Part(part)) {
            while (p.x.hasNext()) {
                p.x.next();
                events.on(p.x);
            }
        } catch (XMLStreamException e) {
            throw failure(e);
        }
    }

    /** An XML part being read, with the stream under it. */
    private final class Part implements AutoCloseable {
        final Guard in;
        final XMLStreamReader x;

        Part(String name) {
            ZipArchiveEntry entry = zip.getEntry(name);
            if (entry == null) throw unreadable("it has no part " + name);
            try {
                in = new Guard(zip.getInputStream(entry), name);
            } catch (IOException | RuntimeException e) {
                throw unreadable("its part " + name + " cannot be read");
            }
            try {
                x = XML.createXMLStreamReader(in);
            } catch (XMLStreamException e) {
                throw failure(e);
            }
        }

        @Override
        public void close() {
            try {
                x.close();
                in.close();
            } catch (XMLStreamException | IOException ignored) {
                // in memory: nothing to release
            }
        }
    }

    /** The answer for a part whose bytes are refused (past a cap, or corrupt) while it is parsed, thrown through the parser. */
    private static final class Refused extends IOException {
        final ApiException answer;

        Refused(ApiException answer) {
            super(answer.getMessage(), null);
            this.answer = answer;
        }
    }

    /** The answer for a failure of the parser: the cap it passed (wrapped by the parser), else unreadable XML. */
    private ApiException failure(XMLStreamException e) {
        Throwable t = e;
        while (t != null) {
            if (t instanceof Refused c) return c.answer;
            Throwable next = t.getCause() == null && t instanceof XMLStreamException s ? s.getNestedException() : t.getCause();
            t = next == t ? null : next;
        }
        return unreadable("a part is not well-formed XML");
    }

    /** The bytes of a part, counted against {@link #MAX_PART_BYTES} and {@link #MAX_RUN}. */
    private final class Guard extends FilterInputStream {
        private final String name;
        private long count;
        private int run;

        Guard(InputStream in, String name) {
            super(in);
            this.name = name;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (Refused e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new Refused(unreadable("its part " + name + " is corrupt"));
            }
            if (n <= 0) return n;
            count += n;
            inflated += n;
            if (count > MAX_PART_BYTES) throw new Refused(tooLarge("its part " + name + " inflates past " + MAX_PART_BYTES + " bytes"));
            for (int i = off; i < off + n; i++) {
                if (b[i] == '<' || b[i] == '>') run = 0;
                else if (++run > MAX_RUN) throw new Refused(tooLarge("its part " + name + " has more than " + MAX_RUN
                        + " bytes without markup"));
            }
            return n;
        }

        /** Skipped bytes are read here, so that they count too. */
        @Override
        public long skip(long n) throws IOException {
            return read(new byte[(int) Math.min(n, 8192)], 0, (int) Math.min(n, 8192));
        }
    }

    /** The shared strings, kept in one buffer (each at most {@link #KEPT} characters), read once, when a sheet is first read. */
    private static final class SharedStrings {
        final StringBuilder chars = new StringBuilder();
        int[] ends = new int[1024];
        final BitSet truncated = new BitSet();
        int count;

        void add(Value v) {
            if (count == MAX_SHARED_STRINGS) throw tooLarge("more than " + MAX_SHARED_STRINGS + " shared strings");
            String text = v.text();
            if (chars.length() + text.length() > MAX_SHARED_CHARS) {
                throw tooLarge("more than " + MAX_SHARED_CHARS + " characters of shared strings");
            }
            chars.append(text);
            if (count == ends.length) ends = Arrays.copyOf(ends, count * 2);
            ends[count] = chars.length();
            if (v.truncated()) truncated.set(count);
            count++;
        }
    }

    private SharedStrings sharedStrings() {
        if (sharedStrings != null) return sharedStrings;
        SharedStrings s = new SharedStrings();
        if (sharedStringsPart != null) {
            Value[] current = {null};
            // a string's text: its <t>, or the <t> of its runs; not those of its phonetic runs (<rPh>)
            boolean[] phonetic = {false};
            boolean[] inT = {false};
            read(sharedStringsPart, x -> {
                switch (x.getEventType()) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        switch (x.getLocalName()) {
                            case "si" -> current[0] = new Value();
                            case "rPh" -> phonetic[0] = true;
                            case "t" -> inT[0] = current[0] != null && !phonetic[0];
                            default -> { }
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        switch (x.getLocalName()) {
                            case "si" -> {
                                if (current[0] != null) s.add(current[0]);
                                current[0] = null;
                            }
                            case "rPh" -> phonetic[0] = false;
                            case "t" -> inT[0] = false;
                            default -> { }
                        }
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (inT[0]) current[0].add(x);
                    }
                    default -> { }
                }
            });
        }
        sharedStrings = s;
        return s;
    }

    /**
     * A value's text read in pieces: white space before it skipped, at most {@link #MAX_VALUE_CHARS} characters of
     * it kept; past those only whether more than white space follows is noted.
     */
    private static final class Value {
        private final StringBuilder raw = new StringBuilder();
        private boolean more;
        /** The element was there (a cell's {@code <v>} or {@code <is>}), even empty. */
        boolean present;

        void add(XMLStreamReader x) {
            char[] chars = x.getTextCharacters();
            int end = x.getTextStart() + x.getTextLength();
            for (int i = x.getTextStart(); i < end; i++) {
                char c = chars[i];
                if (raw.isEmpty() && Character.isWhitespace(c)) continue;
                if (raw.length() < MAX_VALUE_CHARS) raw.append(c);
                else if (!Character.isWhitespace(c)) more = true;
            }
        }

        private String stripped() {
            return decode(raw).strip();
        }

        String text() {
            String s = stripped();
            return s.length() > KEPT ? s.substring(0, KEPT) : s;
        }

        boolean truncated() {
            return more || stripped().length() > KEPT;
        }

        /** The text itself, as read (a number, a boolean, an error value). */
        String plain() {
            return raw.toString().strip();
        }
    }

    /** POI's reading of OOXML's {@code _xHHHH_} escapes (Excel writes a carriage return as {@code _x000D_}). */
    private static String decode(CharSequence s) {
        Matcher m = ESCAPE.matcher(s);
        if (!m.find()) return s.toString();
        StringBuilder out = new StringBuilder();
        int at = 0;
        do {
            out.append(s, at, m.start()).append((char) Integer.parseInt(m.group(1), 16));
            at = m.end();
        } while (m.find());
        return out.append(s, at, s.length()).toString();
    }

    /** The rows of the sheet {@code name} (which {@link #hasSheet} must have said it has), in order. */
    Rows rows(String name) {
        String part = sheets.get(name.toLowerCase(Locale.ROOT));
        SharedStrings strings = sharedStrings();
        return new Rows(new Part(part), strings);
    }

    /** A sheet's rows, read one at a time; close it when done. */
    final class Rows implements SheetRows {
        private final Part part;
        private final SharedStrings strings;
        private int cells;
        private int lastRow = -1;

        private Rows(Part part, SharedStrings strings) {
            this.part = part;
            this.strings = strings;
        }

        /** The next row element, keeping the cells of its first {@code columns} columns; null after the last. */
        @Override
        public Row next(int columns) {
            XMLStreamReader x = part.x;
            try {
                while (x.hasNext()) {
                    if (x.next() == XMLStreamConstants.START_ELEMENT && x.getLocalName().equals("row")) return row(x, columns);
                }
                return null;
            } catch (XMLStreamException e) {
                throw failure(e);
            }
        }

        private Row row(XMLStreamReader x, int columns) throws XMLStreamException {
            count();
            String r = x.getAttributeValue(null, "r");
            int index = r == null ? lastRow + 1 : whole(r, 1, MAX_ROW_NUMBER, "row number") - 1;
            lastRow = index;
            List<Cell> kept = new ArrayList<>();
            boolean blank = true;
            int column = -1;
            while (x.hasNext()) {
                int event = x.next();
                if (event == XMLStreamConstants.END_ELEMENT && x.getLocalName().equals("row")) break;
                if (event != XMLStreamConstants.START_ELEMENT || !x.getLocalName().equals("c")) continue;
                count();
                String ref = x.getAttributeValue(null, "r");
                column = ref == null ? column + 1 : column(ref);
                if (column >= MAX_COLUMNS) throw unreadable("a cell lies past the last column");
                Cell cell = cell(x, column);
                if (!cell.blank()) blank = false;
                if (column < columns) kept.add(cell);
            }
            return new Row(index, kept, blank);
        }

        private void count() {
            if (++cells > MAX_CELLS) throw tooLarge("more than " + MAX_CELLS + " cells and rows in a sheet");
        }

        /** The cell whose start element {@code x} is on; leaves it on the cell's end. */
        private Cell cell(XMLStreamReader x, int column) throws XMLStreamException {
            String t = x.getAttributeValue(null, "t");
            Value formula = null;
            Value value = new Value();
            Value inline = new Value();
            Value into = null;
            boolean phonetic = false;
            int depth = 1;
            while (depth > 0) {
                switch (x.next()) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        depth++;
                        switch (x.getLocalName()) {
                            case "f" -> into = formula = new Value();
                            case "v" -> {
                                into = value;
                                value.present = true;
                            }
                            case "is" -> inline.present = true;
                            case "rPh" -> phonetic = true;
                            case "t" -> into = inline.present && !phonetic ? inline : null;
                            default -> into = null;
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        depth--;
                        if (x.getLocalName().equals("rPh")) phonetic = false;
                        into = null;
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (into != null) into.add(x);
                    }
                    case XMLStreamConstants.END_DOCUMENT -> throw unreadable("a cell is not closed");
                    default -> { }
                }
            }
            if (formula != null) return new Cell(column, Type.FORMULA, formula.text(), formula.truncated());
            if ("inlineStr".equals(t)) return new Cell(column, Type.TEXT, inline.text(), inline.truncated());
            if (!value.present) return new Cell(column, Type.BLANK, "", false);
            return switch (t == null ? "n" : t) {
                case "s" -> {
                    int i = whole(value.plain(), 0, strings.count - 1, "shared string index");
                    yield new Cell(column, Type.TEXT, strings.chars.substring(i == 0 ? 0 : strings.ends[i - 1], strings.ends[i]),
                            strings.truncated.get(i));
                }
                case "str", "d" -> new Cell(column, Type.TEXT, value.text(), value.truncated());
                case "b" -> new Cell(column, Type.BOOLEAN, String.valueOf("1".equals(value.plain())), false);
                case "e" -> new Cell(column, Type.ERROR, value.text(), false);
                case "n" -> new Cell(column, Type.NUMBER, number(value.plain()), false);
                default -> throw unreadable("a cell has the unknown type '" + t + "'");
            };
        }

        @Override
        public void close() {
            part.close();
        }
    }

    /** A number's text as a spreadsheet shows it: a whole number without ".0" (names and lanes are numbers here). */
    private String number(String text) {
        double d;
        try {
            d = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw unreadable("a number cell holds '" + text + "'");
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }

    /** {@code text} as a whole number from {@code min} to {@code max}. */
    private int whole(String text, int min, int max, String what) {
        try {
            long n = Long.parseLong(text);
            if (n >= min && n <= max) return (int) n;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw unreadable("a " + what + " is '" + text + "'");
    }

    /** The 0-based column of a cell reference such as "AB12". */
    private int column(String ref) {
        int col = 0;
        int i = 0;
        while (i < ref.length() && i < 4) {
            char c = Character.toUpperCase(ref.charAt(i));
            if (c < 'A' || c > 'Z') break;
            col = col * 26 + (c - 'A' + 1);
            i++;
        }
        if (i == 0 || col < 1) throw unreadable("a cell reference is '" + ref + "'");
        return col - 1;
    }

    private ApiException unreadable(String why) {
        return ApiException.invalid("file", "is not a readable .xlsx workbook (" + why + "); " + hint);
    }

    private static ApiException tooLarge(String what) {
        return ApiException.invalid("file", "holds more than an annotation template can: " + what);
    }
}
