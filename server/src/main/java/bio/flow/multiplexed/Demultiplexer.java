package bio.flow.multiplexed;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Splits multiplexed FASTQ reads into one FASTQ per barcode, streaming: memory does not grow with the files.
 *
 * <p>A barcode is a pattern of {@code A C G T N}, where {@code N} is any base (a UMI, for instance). It is read either
 * from the index the sequencer wrote in each read's header ({@link Position#INDEX}: Illumina's
 * {@code @name 1:N:0:ACGTACGT+GGTTAACC}, the last {@code :} field of the comment; a pattern without {@code +} is
 * compared with the first index only), or from the first bases of read 1 ({@link Position#INLINE}, as in iCLIP
 * libraries), which are then trimmed off read 1; the bases under the pattern's {@code N}s are the read's UMI and are
 * appended to the read's name, {@code @name_UMI}, in both reads (the UMI-tools convention, which deduplication reads).
 *
 * <p>A read goes to the barcode it is closest to, counting the positions where a fixed base differs (an {@code N} in
 * the read differs from every base), if that barcode is within {@code maxMismatches} and no other barcode is as
 * close; else it is undetermined. Undetermined reads are written unchanged. Outputs are gzip (fastest level: they are
 * read once, by the next pipeline; size matters less than the time an upload waits for its samples).
 *
 * <p>Paired reads are read in step; their names must agree record by record (a trailing {@code /1} {@code /2} aside)
 * and the files must end together, else the input is {@link MalformedFastq}.
 */
public final class Demultiplexer {
    /** Where a barcode is read: the header's index, or the first bases of read 1. */
    public enum Position { INDEX, INLINE }

    /** A barcode: {@code key} names its output (a sample, say); {@code pattern} is read at {@code position}. */
    public record Barcode(String key, String pattern, Position position) {}

    /**
     * Where each output goes: called once per (key, read number 1 or 2), at the first read that goes there; key
     * {@code null} is the undetermined reads. The demultiplexer gzips what it writes and closes the stream at the end
     * (or on failure).
     */
    public interface Outputs {
        OutputStream open(String key, int read) throws IOException;
    }

    /** How many reads (pairs, for paired reads) went to each key (0 for none), to none, and in all. */
    public record Result(Map<String, Long> reads, long undetermined, long total) {}

    /** The input is not FASTQ (or paired files that do not pair); the message names the record. */
    public static final class MalformedFastq extends IOException {
        MalformedFastq(String message) {
            super(message);
        }
    }

    private static final Pattern INDEX_PATTERN = Pattern.compile("[ACGTN]{4,40}(\\+[ACGTN]{4,40})?");
    private static final Pattern INLINE_PATTERN = Pattern.compile("[ACGTN]{4,40}");
    private static final int BUFFER = 1 << 16;

    private Demultiplexer() {}

    /** {@code null} when {@code pattern} is a valid barcode for {@code position} (any case), else the reason why not. */
    public static String checkPattern(String pattern, Position position) {
        if (pattern == null || pattern.isBlank()) return "is empty";
        String p = pattern.strip().toUpperCase(Locale.ROOT);
        boolean ok = (position == Position.INDEX ? INDEX_PATTERN : INLINE_PATTERN).matcher(p).matches();
        if (!ok) {
            return position == Position.INDEX
                    ? "'" + pattern + "' is not an index barcode: 4 to 40 of A, C, G, T and N, or two such joined by + for dual indexes"
                    : "'" + pattern + "' is not an inline barcode: 4 to 40 of A, C, G, T and N (N: any base, such as a UMI)";
        }
        for (String part : p.split("\\+")) {
            if (part.chars().allMatch(c -> c == 'N')) return "'" + pattern + "' has no fixed base: it would match every read";
        }
        return null;
    }

    /**
     * The pairs of barcodes (by key) that one read could be as close to, within {@code maxMismatches} of both (their
     * fixed bases differ at no more than twice that many positions): such reads are undetermined, which a sheet should
     * be warned of. Barcodes at different positions are never compared.
     */
    public static List<List<String>> conflicts(List<Barcode> barcodes, int maxMismatches) {
        List<List<String>> out = new ArrayList<>();
        // each pattern split once: the pairs are many (a 10,000-row sheet has 50 million; splitting in the loop took 33 s)
        List<char[][]> parts = barcodes.stream().map(b -> Arrays.stream(norm(b.pattern()).split("\\+")).map(String::toCharArray)
                .toArray(char[][]::new)).toList();
        for (int i = 0; i < barcodes.size(); i++) {
            for (int j = i + 1; j < barcodes.size(); j++) {
                Barcode a = barcodes.get(i);
                Barcode b = barcodes.get(j);
                if (a.position() != b.position()) continue;
                if (distance(parts.get(i), parts.get(j), 2 * maxMismatches) <= 2 * maxMismatches) out.add(List.of(a.key(), b.key()));
            }
        }
        return out;
    }

    /**
     * Positions where both patterns (split at {@code +}) have a fixed base and these differ, over the shorter length (a
     * read could match both by its first bases), part by part for dual indexes; a part one pattern lacks does not count.
     * Counting stops once past {@code limit}: most pairs of a sheet differ in their first few bases.
     */
    private static int distance(char[][] pa, char[][] pb, int limit) {
        int d = 0;
        for (int k = 0; k < Math.min(pa.length, pb.length); k++) {
            char[] a = pa[k];
            char[] b = pb[k];
            for (int i = 0; i < Math.min(a.length, b.length); i++) {
                if (a[i] != 'N' && b[i] != 'N' && a[i] != b[i] && ++d > limit) return d;
            }
        }
        return d;
    }

    private static String norm(String pattern) {
        return pattern.strip().toUpperCase(Locale.ROOT);
    }

    /**
     * Demultiplexes {@code reads1} (and {@code reads2}, its pairs, or {@code null} for single-end reads), plain or
     * gzip (told by their first bytes), into {@code outputs}. The barcodes must be valid ({@link #checkPattern}), at
     * one position, with distinct keys.
     */
    public static Result run(InputStream reads1, InputStream reads2, List<Barcode> barcodes, int maxMismatches, Outputs outputs)
            throws IOException {
        if (barcodes.isEmpty()) throw new IllegalArgumentException("no barcode");
        Position position = barcodes.get(0).position();
        Set<String> keys = new HashSet<>();
        List<Matcher> matchers = new ArrayList<>();
        for (Barcode b : barcodes) {
            if (b.position() != position) throw new IllegalArgumentException("barcodes at both positions");
            if (b.key() == null || !keys.add(b.key())) throw new IllegalArgumentException("barcode key '" + b.key() + "' missing or twice");
            String reason = checkPattern(b.pattern(), b.position());
            if (reason != null) throw new IllegalArgumentException("barcode " + b.key() + ": " + reason);
            matchers.add(new Matcher(b.key(), norm(b.pattern())));
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Barcode b : barcodes) counts.put(b.key(), 0L);
        long undetermined = 0;
        long total = 0;
        Writers writers = new Writers(outputs);
        boolean done = false;
        try {
            FastqReader in1 = new FastqReader(decoded(reads1), "read 1");
            FastqReader in2 = reads2 == null ? null : new FastqReader(decoded(reads2), "read 2");
            Fastq r1 = new Fastq();
            Fastq r2 = new Fastq();
            while (true) {
                boolean more1 = in1.next(r1);
                boolean more2 = in2 != null && in2.next(r2);
                if (in2 != null && more1 != more2) {
                    throw new MalformedFastq("record " + (total + 1) + ": the " + (more1 ? "read 2" : "read 1") + " file ends before the other");
                }
                if (!more1) break;
                total++;
                if (in2 != null && !sameName(r1, r2)) {
                    throw new MalformedFastq("record " + total + ": read 1 is '" + name(r1) + "' but read 2 is '" + name(r2)
                            + "': the files do not pair");
                }
                Matcher m;
                if (position == Position.INDEX) {
                    byte[] index = index(r1);
                    m = index == null ? null : best(matchers, index, index.length, true, maxMismatches);
                } else {
                    m = best(matchers, r1.seq, r1.seqLength, false, maxMismatches);
                }
                if (m == null) {
                    undetermined++;
                    r1.write(writers.of(null, 1));
                    if (in2 != null) r2.write(writers.of(null, 2));
                    continue;
                }
                counts.merge(m.key, 1L, Long::sum);
                if (position == Position.INLINE) {
                    byte[] umi = m.umi(r1.seq);
                    r1.trim(m.length);
                    if (umi.length > 0) {
                        r1.appendToName(umi);
                        if (in2 != null) r2.appendToName(umi);
                    }
                }
                r1.write(writers.of(m.key, 1));
                if (in2 != null) r2.write(writers.of(m.key, 2));
            }
            done = true;
        } finally {
            writers.close(done);
        }
        return new Result(counts, undetermined, total);
    }

    /** The barcode closest to {@code seq}, if within {@code max} and closer than every other; else {@code null}. */
    private static Matcher best(List<Matcher> matchers, byte[] seq, int length, boolean index, int max) {
        Matcher best = null;
        int bestMismatches = Integer.MAX_VALUE;
        boolean tie = false;
        for (Matcher m : matchers) {
            int mm = index ? m.indexMismatches(seq, length) : m.prefixMismatches(seq, length);
            if (mm < bestMismatches) {
                best = m;
                bestMismatches = mm;
                tie = false;
            } else if (mm == bestMismatches) {
                tie = true;
            }
        }
        return best != null && !tie && bestMismatches <= max ? best : null;
    }

    /** The index of a record: the last {@code :} field of the header's comment (after its first space), or null. */
    private static byte[] index(Fastq r) {
        int space = -1;
        for (int i = 0; i < r.headerLength; i++) {
            if (r.header[i] == ' ' || r.header[i] == '\t') {
                space = i;
                break;
            }
        }
        if (space < 0) return null;
        int colon = -1;
        for (int i = r.headerLength - 1; i > space; i--) {
            if (r.header[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) return null;
        int end = colon + 1;
        while (end < r.headerLength && r.header[end] != ' ' && r.header[end] != '\t') end++;
        return Arrays.copyOfRange(r.header, colon + 1, end);
    }

    private static boolean sameName(Fastq a, Fastq b) {
        int la = nameLength(a);
        int lb = nameLength(b);
        return Arrays.equals(a.header, 1, la, b.header, 1, lb);
    }

    /** The length of the read's name in its header (from the '@', without a trailing /1 or /2). */
    private static int nameLength(Fastq r) {
        int n = 1;
        while (n < r.headerLength && r.header[n] != ' ' && r.header[n] != '\t') n++;
        if (n >= 3 && r.header[n - 2] == '/' && (r.header[n - 1] == '1' || r.header[n - 1] == '2')) n -= 2;
        return n;
    }

    private static String name(Fastq r) {
        return new String(r.header, 1, nameLength(r) - 1, StandardCharsets.UTF_8);
    }

    /** The stream, gunzipped if it starts with gzip's magic bytes. */
    private static InputStream decoded(InputStream in) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in, BUFFER);
        b.mark(2);
        int x = b.read();
        int y = b.read();
        b.reset();
        return x == 0x1f && y == 0x8b ? new GZIPInputStream(b, BUFFER) : b;
    }

    /** A barcode pattern, compiled to bytes, with where its UMI bases are. */
    private static final class Matcher {
        final String key;
        final byte[] first;
        final byte[] second; // the second index of a dual-index pattern, or null
        final int length;
        final int[] umi;

        Matcher(String key, String pattern) {
            this.key = key;
            String[] parts = pattern.split("\\+");
            this.first = parts[0].getBytes(StandardCharsets.US_ASCII);
            this.second = parts.length > 1 ? parts[1].getBytes(StandardCharsets.US_ASCII) : null;
            this.length = first.length;
            this.umi = java.util.stream.IntStream.range(0, first.length).filter(i -> first[i] == 'N').toArray();
        }

        /** Mismatches of a read's first bases with this inline pattern; more than any limit if the read is shorter. */
        int prefixMismatches(byte[] seq, int seqLength) {
            if (seqLength < first.length) return Integer.MAX_VALUE - 1;
            return mismatches(first, seq, 0);
        }

        /** Mismatches of a header's index ({@code A} or {@code A+B}) with this pattern. */
        int indexMismatches(byte[] index, int indexLength) {
            int plus = -1;
            for (int i = 0; i < indexLength; i++) {
                if (index[i] == '+') {
                    plus = i;
                    break;
                }
            }
            int firstLength = plus < 0 ? indexLength : plus;
            if (firstLength != first.length) return Integer.MAX_VALUE - 1;
            int mm = mismatches(first, index, 0);
            if (second != null) {
                if (plus < 0 || indexLength - plus - 1 != second.length) return Integer.MAX_VALUE - 1;
                mm += mismatches(second, index, plus + 1);
            }
            return mm;
        }

        private static int mismatches(byte[] pattern, byte[] seq, int from) {
            int mm = 0;
            for (int i = 0; i < pattern.length; i++) {
                byte p = pattern[i];
                if (p == 'N') continue;
                byte s = seq[from + i];
                if (s >= 'a') s -= 32;
                if (s != p) mm++;
            }
            return mm;
        }

        byte[] umi(byte[] seq) {
            byte[] out = new byte[umi.length];
            for (int i = 0; i < umi.length; i++) out[i] = seq[umi[i]];
            return out;
        }
    }

    /** One FASTQ record, its lines without their line ends, in buffers reused from record to record. */
    private static final class Fastq {
        byte[] header = new byte[256];
        int headerLength;
        byte[] seq = new byte[512];
        int seqLength;
        byte[] plus = new byte[16];
        int plusLength;
        byte[] qual = new byte[512];
        int qualLength;

        void trim(int n) {
            System.arraycopy(seq, n, seq, 0, seqLength - n);
            seqLength -= n;
            System.arraycopy(qual, n, qual, 0, qualLength - n);
            qualLength -= n;
        }

        /** Appends {@code _UMI} to the name (the header's first word), before any comment. */
        void appendToName(byte[] umi) {
            int n = 1;
            while (n < headerLength && header[n] != ' ' && header[n] != '\t') n++;
            int added = umi.length + 1;
            if (headerLength + added > header.length) header = Arrays.copyOf(header, (headerLength + added) * 2);
            System.arraycopy(header, n, header, n + added, headerLength - n);
            header[n] = '_';
            System.arraycopy(umi, 0, header, n + 1, umi.length);
            headerLength += added;
        }

        void write(OutputStream out) throws IOException {
            out.write(header, 0, headerLength);
            out.write('\n');
            out.write(seq, 0, seqLength);
            out.write('\n');
            out.write(plus, 0, plusLength);
            out.write('\n');
            out.write(qual, 0, qualLength);
            out.write('\n');
        }
    }

    /** Reads FASTQ records, four lines each, checking their shape. */
    private static final class FastqReader {
        private final InputStream in;
        private final String what;
        private final byte[] buffer = new byte[BUFFER];
        private int position;
        private int limit;
        private long record;

        FastqReader(InputStream in, String what) {
            this.in = in;
            this.what = what;
        }

        /** The next byte, or -1 at the end; buffered here rather than by a (synchronized) BufferedInputStream.read(). */
        private int read() throws IOException {
            if (position == limit) {
                limit = in.readNBytes(buffer, 0, buffer.length);
                position = 0;
                if (limit == 0) return -1;
            }
            return buffer[position++] & 0xff;
        }

        /** Reads the next record into {@code r}; false at the end of the input. */
        boolean next(Fastq r) throws IOException {
            int first = read();
            while (first == '\n' || first == '\r') first = read(); // blank lines between records, and at the end
            if (first < 0) return false;
            record++;
            if (first != '@') throw malformed("does not start with '@'");
            r.header[0] = '@';
            r.headerLength = 1 + line(r, 0, 1);
            r.seqLength = line(r, 1, 0);
            r.plusLength = line(r, 2, 0);
            if (r.plusLength == 0 || r.plus[0] != '+') throw malformed("has no '+' line");
            r.qualLength = line(r, 3, 0);
            if (r.qualLength != r.seqLength) {
                throw malformed("has " + r.seqLength + " bases but " + r.qualLength + " quality scores");
            }
            return true;
        }

        /** Reads a line into field {@code which} of {@code r} from {@code offset}; its length from there. */
        private int line(Fastq r, int which, int offset) throws IOException {
            byte[] buf = switch (which) {
                case 0 -> r.header;
                case 1 -> r.seq;
                case 2 -> r.plus;
                default -> r.qual;
            };
            int n = offset;
            int c;
            while ((c = read()) >= 0 && c != '\n') {
                if (n == buf.length) {
                    if (n >= MAX_LINE) throw malformed("has a line longer than " + MAX_LINE + " bytes");
                    buf = Arrays.copyOf(buf, n * 2);
                    switch (which) {
                        case 0 -> r.header = buf;
                        case 1 -> r.seq = buf;
                        case 2 -> r.plus = buf;
                        default -> r.qual = buf;
                    }
                }
                buf[n++] = (byte) c;
            }
            if (c < 0 && which < 3) throw malformed("ends before its four lines");
            if (n > offset && buf[n - 1] == '\r') n--;
            return n - offset;
        }

        private MalformedFastq malformed(String what) {
            return new MalformedFastq(this.what + " record " + record + " " + what);
        }

        /** Reads of long-read platforms run to a few megabases; a longer line is not FASTQ. */
        private static final int MAX_LINE = 64 << 20;
    }

    /** The gzip writers, opened at each output's first read. */
    private static final class Writers {
        private final Outputs outputs;
        private final Map<String, OutputStream> open = new HashMap<>();
        private final List<OutputStream> all = new ArrayList<>();

        Writers(Outputs outputs) {
            this.outputs = outputs;
        }

        OutputStream of(String key, int read) throws IOException {
            String id = (key == null ? "\u0000" : key) + "\u0000" + read;
            OutputStream out = open.get(id);
            if (out == null) {
                OutputStream raw = outputs.open(key, read);
                // BEST_SPEED: several times faster than the default level, for files a little larger
                out = new BufferedOutputStream(new GZIPOutputStream(raw, BUFFER) {
                    {
                        def.setLevel(Deflater.BEST_SPEED);
                    }
                }, BUFFER);
                open.put(id, out);
                all.add(out);
            }
            return out;
        }

        /** Closes every output; on failure ({@code !done}) the first error is not hidden by later ones. */
        void close(boolean done) throws IOException {
            IOException first = null;
            for (OutputStream out : all) {
                try {
                    out.close();
                } catch (IOException e) {
                    if (first == null) first = e;
                }
            }
            if (done && first != null) throw first;
        }
    }
}
