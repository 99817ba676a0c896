package bio.flow.uploads;

import bio.flow.http.ApiException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a file holds (one of the canonical data types) and how it is compressed, judged from its name and its
 * first {@value #HEAD_BYTES} bytes before an upload or import is accepted. Compressed content is looked at
 * through {@link GzipPeek}, which never inflates more than 64 KiB.
 *
 * <p>The rules, in order:
 * <ol>
 * <li>Compression comes from the content: the gzip magic, and BGZF when the first member carries the 'BC'
 *     extra field. A name ending in {@code .gz} or {@code .bgz} whose content is not gzip is a 400; so is gzip
 *     data that is corrupt, or that ends early when the bytes given are the whole file.
 * <li>A declared type (the client's {@code data_type}) is checked against the content where a check means
 *     something, and kept: FASTQ must start with '@' and its first record have the shape of one, FASTA with
 *     '>', SAM must show header lines or 11 tab-separated columns, VCF must start with {@code ##fileformat=VCF},
 *     BAM must be BGZF holding "BAM\1", CRAM must start with "CRAM"; BED, GTF, GFF, CSV, TSV and TEXT must be
 *     text. Any failure is a 400 on {@code data_type} that says why. OTHER and types Flow does not know (an
 *     admin may add some) are not checked.
 * <li>Without a declared type, a name whose extension promises one of the types with a signature (FASTQ,
 *     FASTA, SAM, VCF, BAM, CRAM) is held to it in the same way: a 400 on {@code file} when the content
 *     disagrees ("reads.fq is not FASTQ: ..."), else that type.
 * <li>Otherwise the content decides when it has a signature (those six types, and GFF's
 *     {@code ##gff-version} line); then the name for BED, GTF, GFF, CSV and TSV, when the lines have their
 *     shape (columns and coordinates; for CSV and TSV the same number of fields in every row); then TEXT
 *     for any other UTF-8 text, OTHER for anything else.
 * </ol>
 * An empty file (or empty decompressed content) contradicts no text format: it keeps the declared or named
 * type, else TEXT. Text formats are judged on the complete lines of the sample; the last line is ignored when
 * the sample stops before the end of the file.
 */
public final class DataDetection {
    /**
     * How much of the start of a file detection looks at: a whole BGZF block (at most 64 KiB), or a few hundred
     * lines of text, which is enough to see a format's header and the shape of its lines.
     */
    public static final int HEAD_BYTES = 64 * 1024;

    /** The verdict: a data type identifier, the compression, and a short reason for logs and tests. */
    public record Detected(String dataType, Compression compression, String reason) {}

    private enum Type {
        FASTQ(true), FASTA(true), BAM(true), SAM(true), CRAM(true), VCF(true), BED(false), GTF(false), GFF(false),
        CSV(false), TSV(false), TEXT(false), OTHER(false);

        /** Whether the content has a signature that a name or declaration can be checked against. */
        final boolean signed;

        Type(boolean signed) {
            this.signed = signed;
        }

        static Type parse(String id) {
            for (Type t : values()) if (t.name().equalsIgnoreCase(id)) return t;
            return null;
        }
    }

    private static final byte[] BAM_MAGIC = {'B', 'A', 'M', 1};
    private static final byte[] CRAM_MAGIC = {'C', 'R', 'A', 'M'};
    private static final Pattern SAM_HEADER = Pattern.compile("@(HD|SQ|RG|PG|CO)\t.*");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,18}");

    private DataDetection() {}

    /**
     * @param filename     the name, already passed through {@link FileNames#check}
     * @param declaredType the client's {@code data_type}, or null (blank counts as null); known identifiers are
     *                     matched ignoring case and answered in canonical form, others are answered as given
     * @param head         the first bytes of the file: at least {@value #HEAD_BYTES} of them when the file has
     *                     that many (more are ignored), else the whole file
     * @param wholeFile    whether {@code head} holds the entire file (then gzip data that ends early is a
     *                     truncated file, and the last line counts)
     * @throws ApiException 400 when the content disagrees with the name or the declared type
     */
    public static Detected detect(String filename, String declaredType, byte[] head, boolean wholeFile) {
        int length = Math.min(head.length, HEAD_BYTES);
        Content content = Content.of(filename, head, length, wholeFile && head.length <= HEAD_BYTES);
        Compression compression = content.compression;

        if (declaredType != null && !declaredType.isBlank()) {
            Type declared = Type.parse(declaredType.strip());
            if (declared == null) return new Detected(declaredType, compression, "declared " + declaredType + ", a type Flow does not check");
            String why = disagreement(declared, content);
            if (why != null) throw ApiException.invalid("data_type", "the file is declared " + declared + " but " + why);
            return new Detected(declared.name(), compression, "declared " + declared + "; the content agrees");
        }

        String inner = FileNames.withoutGzipSuffix(filename);
        Type named = typeOfName(inner);
        if (named != null && named.signed) {
            String why = disagreement(named, content);
            if (why != null) throw ApiException.invalid("file", filename + " is not " + named + ": " + why);
            return new Detected(named.name(), compression, "named " + extension(inner) + "; the content agrees");
        }

        Detected seen = signature(content);
        if (seen != null) return seen;

        String shapeProblem = null;
        if (named != null && content.text != null) {
            shapeProblem = shapeProblem(named, content.text);
            if (shapeProblem == null) return new Detected(named.name(), compression, "named " + extension(inner) + "; the lines have its shape");
        }
        String also = shapeProblem == null ? "" : " (named " + extension(inner) + " but " + shapeProblem + ")";
        return content.text != null
                ? new Detected(Type.TEXT.name(), compression, "UTF-8 text of no known format" + also)
                : new Detected(Type.OTHER.name(), compression, "binary content of no known format");
    }

    /** The bytes to judge: the sample itself, or what its gzip data decompresses to. */
    private record Content(Compression compression, byte[] bytes, Text text) {
        static Content of(String filename, byte[] head, int length, boolean whole) {
            if (GzipPeek.isGzip(head, 0, length)) {
                GzipPeek.Peek peek;
                try {
                    peek = GzipPeek.read(head, length, whole);
                } catch (GzipPeek.NotGzip e) {
                    throw ApiException.invalid("file", filename + " is not valid gzip: " + e.getMessage());
                }
                return new Content(peek.bgzf() ? Compression.BGZF : Compression.GZIP, peek.content(), Text.of(peek.content(), !peek.cut()));
            }
            if (!FileNames.withoutGzipSuffix(filename).equals(filename)) {
                throw ApiException.invalid("file", filename + " is not gzip-compressed (it does not start with the gzip magic bytes 1f 8b)");
            }
            byte[] bytes = Arrays.copyOf(head, length);
            return new Content(Compression.NONE, bytes, Text.of(bytes, whole));
        }

        boolean startsWith(byte[] prefix) {
            return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
        }
    }

    /** Why the content is not of the given type, or null when it may be. */
    private static String disagreement(Type type, Content c) {
        switch (type) {
            case BAM:
                if (c.compression != Compression.BGZF) {
                    return c.compression == Compression.GZIP ? "it is gzip-compressed but not BGZF (no 'BC' extra field)" : "it is not BGZF-compressed";
                }
                return c.startsWith(BAM_MAGIC) ? null : "its BGZF content does not start with the BAM magic \"BAM\\1\"";
            case CRAM:
                return c.startsWith(CRAM_MAGIC) ? null : "it does not start with the CRAM magic \"CRAM\"";
            case OTHER:
                return null;
            default:
                break;
        }
        Text t = c.text;
        if (t == null) return "its content is binary, not text";
        if (t.body.isEmpty()) return null;
        switch (type) {
            case FASTQ:
                return fastqProblem(t, c);
            case FASTA:
                return t.body.startsWith(">") ? null : "it does not start with '>'" + lookingLike(c);
            case SAM:
                return isSam(t) ? null : "it has neither SAM header lines (@HD, @SQ, ...) nor alignment lines of 11 tab-separated columns";
            case VCF:
                return t.body.startsWith("##fileformat=VCF") ? null : "it does not start with '##fileformat=VCF'" + lookingLike(c);
            default:
                return null; // BED, GTF, GFF, CSV, TSV, TEXT: any text may be one; only a name is checked against their shape
        }
    }

    /** Why the text is not FASTQ, or null; with {@code c}, the message also says what the content looks like. */
    private static String fastqProblem(Text t, Content c) {
        if (!t.body.startsWith("@")) return "it does not start with '@'" + lookingLike(c);
        List<String> lines = t.lines();
        if (lines.size() < 4) return t.complete ? "its first record is incomplete (a FASTQ record has 4 lines)" : null;
        if (!lines.get(2).startsWith("+")) return "the third line of its first record does not start with '+'" + lookingLike(c);
        if (lines.get(1).length() != lines.get(3).length()) {
            return "its first record has " + lines.get(1).length() + " bases but " + lines.get(3).length() + " quality scores";
        }
        return null;
    }

    private static boolean isSam(Text t) {
        List<String> lines = t.lines();
        if (lines.isEmpty()) return false;
        String first = lines.get(0);
        if (SAM_HEADER.matcher(first).matches()) return true;
        String[] f = first.split("\t", -1);
        return f.length >= 11 && NUMBER.matcher(f[1]).matches() && NUMBER.matcher(f[3]).matches() && NUMBER.matcher(f[4]).matches();
    }

    /** " (it looks like X)" when the content has another format's signature, for a more helpful 400. */
    private static String lookingLike(Content c) {
        Detected seen = c == null ? null : signature(c);
        return seen == null ? "" : " (it looks like " + seen.dataType() + ")";
    }

    /** The type the content shows by itself, or null. */
    private static Detected signature(Content c) {
        Compression z = c.compression;
        if (z == Compression.BGZF && c.startsWith(BAM_MAGIC)) return new Detected("BAM", z, "the BGZF content starts with \"BAM\\1\"");
        if (c.startsWith(CRAM_MAGIC)) return new Detected("CRAM", z, "the content starts with \"CRAM\"");
        Text t = c.text;
        if (t == null || t.body.isEmpty()) return null;
        if (t.body.startsWith("##fileformat=VCF")) return new Detected("VCF", z, "the content starts with ##fileformat=VCF");
        if (t.body.startsWith("##gff-version")) return new Detected("GFF", z, "the content starts with ##gff-version");
        if (isSam(t)) return new Detected("SAM", z, "the content starts with a SAM header or alignment line");
        if (t.body.startsWith("@") && fastqProblem(t, null) == null) return new Detected("FASTQ", z, "the content starts with a FASTQ record");
        if (t.body.startsWith(">")) return new Detected("FASTA", z, "the content starts with '>'");
        return null;
    }

    /** Why the text does not have the shape of the named type, or null when it has. */
    private static String shapeProblem(Type type, Text t) {
        return switch (type) {
            case BED -> lineProblem(t, "BED", DataDetection::isBedLine);
            case GTF -> lineProblem(t, "GTF", DataDetection::isGffLine);
            case GFF -> lineProblem(t, "GFF", DataDetection::isGffLine);
            case CSV -> Rows.consistency(t, ',');
            case TSV -> Rows.consistency(t, '\t');
            default -> null; // TEXT: any text
        };
    }

    private static String lineProblem(Text t, String format, Predicate<String> ok) {
        List<String> lines = t.lines();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("##FASTA")) break; // a GFF3 may end with sequences
            if (line.isBlank() || line.startsWith("#") || line.startsWith("track") || line.startsWith("browser")) continue;
            if (!ok.test(line)) return "line " + (i + 1) + " is not a " + format + " line";
        }
        return null;
    }

    /** chrom, start, end (0 &lt;= start &lt;= end), then anything; tab-separated, or by spaces as UCSC allows. */
    private static boolean isBedLine(String line) {
        String[] f = line.split(line.indexOf('\t') >= 0 ? "\t" : " +", -1);
        return f.length >= 3 && !f[0].isEmpty() && isRange(f[1], f[2]);
    }

    /** Nine tab-separated columns with 1-based start &lt;= end and a strand of + - . or ?. */
    private static boolean isGffLine(String line) {
        String[] f = line.split("\t", -1);
        return f.length == 9 && !f[0].isEmpty() && isRange(f[3], f[4]) && f[6].length() == 1 && "+-.?".contains(f[6]);
    }

    private static boolean isRange(String start, String end) {
        return NUMBER.matcher(start).matches() && NUMBER.matcher(end).matches() && Long.parseLong(start) <= Long.parseLong(end);
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
    }

    private static Type typeOfName(String name) {
        return switch (extension(name)) {
            case ".fastq", ".fq" -> Type.FASTQ;
            case ".fasta", ".fa", ".fna", ".faa", ".fas" -> Type.FASTA;
            case ".bam" -> Type.BAM;
            case ".sam" -> Type.SAM;
            case ".cram" -> Type.CRAM;
            case ".vcf" -> Type.VCF;
            case ".bed" -> Type.BED;
            case ".gtf" -> Type.GTF;
            case ".gff", ".gff3" -> Type.GFF;
            case ".csv" -> Type.CSV;
            case ".tsv" -> Type.TSV;
            case ".txt" -> Type.TEXT;
            default -> null;
        };
    }

    /**
     * Content that is UTF-8 text (a leading byte-order mark dropped), or null from {@link #of} when it is
     * binary: not UTF-8, or holding control characters other than tab, line feed, carriage return, form feed,
     * vertical tab and escape. {@code complete} when the body is the whole content, else its last line may be cut.
     */
    private record Text(String body, boolean complete) {
        static Text of(byte[] bytes, boolean complete) {
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
            CharBuffer chars = CharBuffer.allocate(bytes.length);
            // When the content goes on, a character cut at the end of the sample is not an error.
            if (decoder.decode(ByteBuffer.wrap(bytes), chars, complete).isError()) return null;
            String body = chars.flip().toString();
            if (body.startsWith("\uFEFF")) body = body.substring(1);
            for (int i = 0; i < body.length(); i++) {
                char c = body.charAt(i);
                if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x0B && c != 0x1B) return null;
            }
            return new Text(body, complete);
        }

        /** The lines of the body without their line ends; a last line that may be cut is left out. */
        List<String> lines() {
            List<String> lines = new ArrayList<>(Arrays.asList(body.split("\n", -1)));
            String last = lines.remove(lines.size() - 1); // after the final '\n' (empty), or a line with no end
            if (complete && !last.isEmpty()) lines.add(last);
            lines.replaceAll(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
            return lines;
        }
    }

    /** Rows of delimiter-separated values, with RFC 4180 quotes (a quoted field may hold delimiters and line ends). */
    private static final class Rows {
        static String consistency(Text t, char delimiter) {
            int expected = -1, row = 0, fields = 1;
            boolean quoted = false, empty = true;
            String body = t.body;
            int end = t.complete ? body.length() : body.lastIndexOf('\n') + 1; // a cut last row is not judged
            for (int i = 0; i < end; i++) {
                char c = body.charAt(i);
                if (c == '"') quoted = !quoted;
                else if (c == delimiter && !quoted) fields++;
                else if (c == '\n' && !quoted) {
                    if (!empty) {
                        row++;
                        if (expected < 0) expected = fields;
                        else if (fields != expected) return unequal(row, fields, expected);
                    }
                    fields = 1;
                    empty = true;
                    continue;
                }
                if (c != '\r') empty = false;
            }
            if (!empty && expected >= 0 && fields != expected) return unequal(row + 1, fields, expected);
            return null;
        }

        private static String unequal(int row, int fields, int expected) {
            return "row " + row + " has " + fields + (fields == 1 ? " field" : " fields") + " where row 1 has " + expected;
        }
    }
}
