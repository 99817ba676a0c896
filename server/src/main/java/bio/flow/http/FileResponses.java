package bio.flow.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way Flow answers a file: streamed from storage straight to the response (never held in memory, and not
 * through Javalin's result, which may compress it and drop its length), as an attachment. {@link #whole} sends all
 * of it; {@link #withRanges} also honours a single {@code Range} and the conditional headers of RFC 9110
 * ({@code If-Match}, {@code If-Unmodified-Since}, {@code If-None-Match}, {@code If-Modified-Since}, {@code If-Range},
 * evaluated in the RFC's order); {@link #streamed} sends content made on the fly, whose length is not known;
 * {@link #redirected} sends the client to a storage that serves the stored bytes itself instead.
 */
public final class FileResponses {
    private FileResponses() {}

    /** Opens the bytes from {@code offset}, {@code length} of them; a failure before the first byte may be an {@link ApiException}. */
    @FunctionalInterface
    public interface Opener {
        InputStream open(long offset, long length) throws IOException;
    }

    /**
     * A stored file as served: its size, strong validator ({@code etag} unquoted, or null), last change, media
     * type and the name it is saved under.
     */
    public record StoredBody(long size, String etag, Instant lastModified, String contentType, String filename, Opener opener) {}

    private static final Pattern SINGLE_RANGE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

    /** All of the file, 200, with its length (no ranges, no validators). */
    public static void whole(Context ctx, StoredBody body) throws IOException {
        try (InputStream in = body.opener().open(0, body.size())) {
            HttpServletResponse res = start(ctx, 200, body.contentType(), body.filename());
            res.setContentLengthLong(body.size());
            copy(ctx, in, res);
        }
    }

    /** The file with its validators, honouring conditional requests and one byte range (see the class comment). */
    public static void withRanges(Context ctx, StoredBody body) throws IOException {
        long size = body.size();
        Instant modified = body.lastModified().truncatedTo(ChronoUnit.SECONDS);
        String etag = body.etag() == null ? null : '"' + body.etag() + '"';
        // 1-2: preconditions on the current file.
        String ifMatch = ctx.header("If-Match");
        if (ifMatch != null) {
            if (!matches(ifMatch, etag, false)) throw ApiException.preconditionFailed("If-Match: the file's ETag is " + etag);
        } else {
            Instant since = date(ctx.header("If-Unmodified-Since"));
            if (since != null && modified.isAfter(since)) throw ApiException.preconditionFailed("If-Unmodified-Since: the file changed since");
        }
        // 3-4: is the client's copy current?
        String ifNoneMatch = ctx.header("If-None-Match");
        boolean notModified;
        if (ifNoneMatch != null) {
            notModified = matches(ifNoneMatch, etag, true);
        } else {
            Instant since = date(ctx.header("If-Modified-Since"));
            notModified = since != null && !modified.isAfter(since);
        }
        HttpServletResponse res = ctx.res();
        if (etag != null) res.setHeader("ETag", etag);
        res.setHeader("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(modified.atOffset(ZoneOffset.UTC)));
        res.setHeader("Accept-Ranges", "bytes");
        if (notModified) {
            res.setStatus(304);
            return;
        }
        // 5: a range, unless If-Range says the client's part is of another version.
        String range = ctx.header("Range");
        long[] span = range != null && rangeStillApplies(ctx.header("If-Range"), etag, modified) ? span(range, size) : null;
        if (span == null) {
            whole(ctx, body);
            return;
        }
        long first = span[0];
        long length = span[1] - span[0] + 1;
        try (InputStream in = body.opener().open(first, length)) {
            HttpServletResponse r = start(ctx, 206, body.contentType(), body.filename());
            r.setHeader("Content-Range", "bytes " + first + "-" + span[1] + "/" + size);
            r.setContentLengthLong(length);
            copy(ctx, in, r);
        }
    }

    /** The request headers that make a request conditional (RFC 9110), which only Flow evaluates against its validators. */
    private static final List<String> CONDITIONAL = List.of("If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since", "If-Range");

    /**
     * Sends the client to where the storage serves the file itself ({@code link}, a presigned URL), when there is one and
     * the request is a plain GET (a {@code Range} is fine: the storage honours it); answers whether it did, else the
     * caller serves the file. 307 rather than 302: the same method must be used at the new address, and the answer
     * is temporary (the URL expires), so no client may keep it as the file's address; {@code no-store} keeps it out of
     * caches, for it lets whoever holds it read the file until it expires. Not redirected: a HEAD (a presigned GET
     * URL is signed for GET alone, and a HEAD costs Flow no bytes), and a conditional request, since Flow's validators
     * (the md5 as ETag, the record's creation) are not the storage's (S3's ETag of a multipart object is no md5), so
     * the storage would judge them differently.
     */
    public static boolean redirected(Context ctx, Optional<URI> link) {
        if (link.isEmpty() || ctx.method() != HandlerType.GET || CONDITIONAL.stream().anyMatch(h -> ctx.header(h) != null)) return false;
        HttpServletResponse res = ctx.res();
        res.setStatus(307);
        res.setHeader("Location", link.get().toASCIIString());
        res.setHeader("Cache-Control", "no-store");
        return true;
    }

    /** Writes content to the response as it is made. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Content made as it is sent (compressed or decompressed on the fly): no length, no validators, no ranges. A
     * failure once bytes are sent can only cut the response short (it is then not ended properly, so that the
     * client sees the failure).
     */
    public static void streamed(Context ctx, String contentType, String filename, Writer writer) throws IOException {
        HttpServletResponse res = start(ctx, 200, contentType, filename);
        if (isHead(ctx)) return;
        OutputStream out = res.getOutputStream();
        writer.writeTo(out);
        out.flush();
    }

    /** Sends the bytes with the response's own buffer, sized for disk-speed transfers; none to a HEAD request. */
    private static void copy(Context ctx, InputStream in, HttpServletResponse res) throws IOException {
        if (isHead(ctx)) return;
        OutputStream out = res.getOutputStream();
        byte[] buffer = new byte[256 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) out.write(buffer, 0, n);
        out.flush();
    }

    /** A HEAD request gets the headers a GET would, without the body (nor the work of making it). */
    private static boolean isHead(Context ctx) {
        return ctx.method() == HandlerType.HEAD;
    }

    private static HttpServletResponse start(Context ctx, int status, String contentType, String filename) {
        HttpServletResponse res = ctx.res();
        res.setStatus(status);
        res.setContentType(contentType);
        res.setHeader("Content-Disposition", ContentDisposition.attachment(filename));
        return res;
    }

    /**
     * The inclusive [first, last] bytes of a single-range {@code Range} header, or null when the whole file is to be
     * sent: a header that is malformed, of another unit, or asks for several ranges (which RFC 9110 lets a server
     * ignore) is ignored. A range wholly past the end is 416.
     */
    static long[] span(String header, long size) {
        Matcher m = SINGLE_RANGE.matcher(header.strip());
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) return null;
        if (m.group(1).isEmpty()) {
            long suffix = Long.parseLong(m.group(2));
            if (suffix == 0 || size == 0) throw ApiException.rangeNotSatisfiable(header, size);
            return new long[] {Math.max(0, size - suffix), size - 1};
        }
        long first = Long.parseLong(m.group(1));
        long last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
        if (last < first) return null;
        if (first >= size) throw ApiException.rangeNotSatisfiable(header, size);
        return new long[] {first, Math.min(last, size - 1)};
    }

    /** Whether an If-Match / If-None-Match list names the current ETag ({@code *} names any file); weak or strong comparison. */
    private static boolean matches(String header, String etag, boolean weak) {
        if (header.strip().equals("*")) return true;
        if (etag == null) return false;
        return Arrays.stream(header.split(",")).map(String::strip).anyMatch(tag ->
                tag.equals(etag) || weak && tag.startsWith("W/") && tag.substring(2).equals(etag));
    }

    /** If-Range: the range applies only when the validator given is the current one (strongly: an ETag, or the exact date). */
    private static boolean rangeStillApplies(String ifRange, String etag, Instant modified) {
        if (ifRange == null) return true;
        String v = ifRange.strip();
        if (v.startsWith("\"") || v.startsWith("W/")) return etag != null && v.equals(etag);
        Instant date = date(v);
        return date != null && date.equals(modified);
    }

    /** An HTTP date, or null when absent or not a date (such a header is ignored, as RFC 9110 says). */
    private static Instant date(String header) {
        if (header == null) return null;
        try {
            return ZonedDateTime.parse(header.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
