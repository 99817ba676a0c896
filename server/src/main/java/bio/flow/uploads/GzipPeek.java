package bio.flow.uploads;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A bounded look inside gzip data held in a buffer: whether it is BGZF, and at most {@value #LIMIT} bytes of what
 * it decompresses to, across concatenated members (each BGZF block is one). Inflation stops once {@value #LIMIT}
 * bytes are out, whatever the data claims, so a zip bomb costs that much memory and that much inflating.
 */
final class GzipPeek {
    /** At most this many decompressed bytes are produced: a whole BGZF block, or a few hundred lines of text. */
    static final int LIMIT = 64 * 1024;

    private static final int FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16, RESERVED = 0xE0;

    /** What the buffer decompresses to; {@code cut} when the content may go on past {@code content}. */
    record Peek(boolean bgzf, byte[] content, boolean cut) {}

    /** The data starts like gzip but is not valid gzip; the message says what is wrong. */
    static final class NotGzip extends Exception {
        NotGzip(String message) {
            super(message, null, false, false);
        }
    }

    private GzipPeek() {}

    static boolean isGzip(byte[] b, int at, int length) {
        return length - at >= 2 && (b[at] & 0xFF) == 0x1F && (b[at + 1] & 0xFF) == 0x8B;
    }

    /**
     * @param whole whether {@code in[0, length)} is the entire file, so that data ending early is a truncated
     *              file rather than the end of what was read of a longer one
     */
    static Peek read(byte[] in, int length, boolean whole) throws NotGzip {
        byte[] out = new byte[LIMIT];
        int produced = 0;
        int at = 0;
        Boolean bgzf = null;
        Inflater inflater = new Inflater(true);
        try {
            while (produced < LIMIT && isGzip(in, at, length)) {
                Header header = header(in, at, length);
                if (header == null) return ended(whole, bgzf != null && bgzf, out, produced, "it ends inside a gzip header");
                if (bgzf == null) bgzf = header.bgzf;
                inflater.reset();
                inflater.setInput(in, header.dataStart, length - header.dataStart);
                while (!inflater.finished() && produced < LIMIT) {
                    int n = inflater.inflate(out, produced, LIMIT - produced);
                    produced += n;
                    if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) break;
                }
                if (!inflater.finished()) {
                    if (produced >= LIMIT) break;
                    return ended(whole, bgzf, out, produced, "its compressed data ends early");
                }
                at = length - inflater.getRemaining() + 8; // past the member's CRC32 and size
                if (at > length) return ended(whole, bgzf, out, produced, "it ends inside a gzip trailer");
            }
            if (bgzf == null) throw new NotGzip("it does not start with a gzip header");
            // Bytes after the last member that are not another member are ignored, as gunzip does.
            return new Peek(bgzf, Arrays.copyOf(out, produced), produced >= LIMIT || !whole);
        } catch (DataFormatException e) {
            throw new NotGzip("its compressed data is corrupt (" + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
    }

    private static Peek ended(boolean whole, boolean bgzf, byte[] out, int produced, String why) throws NotGzip {
        if (whole) throw new NotGzip(why + ": the file is truncated");
        return new Peek(bgzf, Arrays.copyOf(out, produced), true);
    }

    private record Header(int dataStart, boolean bgzf) {}

    /** The member header at {@code at} (RFC 1952), or null when the buffer ends inside it. */
    private static Header header(byte[] b, int at, int length) throws NotGzip {
        if (length - at < 10) return null;
        int method = b[at + 2] & 0xFF, flags = b[at + 3] & 0xFF;
        if (method != 8) throw new NotGzip("it uses gzip compression method " + method + ", not deflate");
        if ((flags & RESERVED) != 0) throw new NotGzip("its gzip header has reserved flags set");
        int p = at + 10;
        boolean bgzf = false;
        if ((flags & FEXTRA) != 0) {
            if (length - p < 2) return null;
            int xlen = u16(b, p);
            p += 2;
            if (length - p < xlen) return null;
            bgzf = hasBcField(b, p, p + xlen);
            p += xlen;
        }
        if ((flags & FNAME) != 0 && (p = afterZero(b, p, length)) < 0) return null;
        if ((flags & FCOMMENT) != 0 && (p = afterZero(b, p, length)) < 0) return null;
        if ((flags & FHCRC) != 0) p += 2;
        return p > length ? null : new Header(p, bgzf);
    }

    /** Whether the extra field holds the BGZF subfield: SI1 'B', SI2 'C', length 2 (the block size). */
    private static boolean hasBcField(byte[] b, int from, int to) {
        for (int p = from; p + 4 <= to; p += 4 + u16(b, p + 2)) {
            if (b[p] == 'B' && b[p + 1] == 'C' && u16(b, p + 2) == 2) return true;
        }
        return false;
    }

    private static int afterZero(byte[] b, int p, int length) {
        while (p < length && b[p] != 0) p++;
        return p < length ? p + 1 : -1;
    }

    private static int u16(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }
}
