package bio.flow.uploads;

import bio.flow.auth.Authenticator;
import bio.flow.data.DataFiles;
import com.fasterxml.jackson.annotation.JsonInclude;
import bio.flow.http.ApiException;
import bio.flow.http.MultipartParts;
import bio.flow.http.Caller;
import io.javalin.http.Context;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /upload} (a chunk, as multipart/form-data, of the chunk protocol or of the official Python client's
 * offset protocol, as its fields say), {@code POST /upload/sample} (a sample's reads, whole or
 * in chunks: the same machinery, with the read's number and lane; or, in the offset protocol, the read files of a
 * sample that the upload creates, {@link NewSample}) and {@code GET /upload/{file_id}}.
 *
 * <p>A chunk may be far larger than a JSON body (FLOW_MAX_CHUNK_BYTES, not FLOW_MAX_BODY_BYTES). A request whose
 * length is known and fits in the memory left for uploads (FLOW_UPLOAD_MEMORY_MB, taken and given back atomically,
 * so that parallel requests cannot hold more) is parsed by Jetty in memory; any other is spooled: Jetty's multipart
 * parser writes a part larger than {@value #IN_MEMORY} bytes to a file in Flow's own owner-only spool folder, from
 * which it is streamed into storage. Spooling costs a write and a read of every byte (a fifth of a 10 MiB chunk's
 * time, measured); memory is bounded. The handler deletes the spooled files when it is done (Jetty also does at
 * the end of the request), and the folder is emptied at startup of what a crash left.
 */
public final class UploadRoutes {
    /** Parts up to this size (the text fields) stay in memory; larger ones go to the spool folder. */
    static final int IN_MEMORY = 16 * 1024;
    /** Room for the text fields and the multipart framing around a chunk. */
    private static final long FORM_OVERHEAD = 64 * 1024;
    private static final int MAX_FIELD_BYTES = 4096;
    private static final List<String> FIELDS = List.of("filename", "chunk", "total_chunks", "file_id", "data_type", "sample_id", "project_id", "md5",
            "read_number", "lane", "expected_file_size", "is_last", "data");
    /** The fields that make a request one of the chunk protocol, or of the offset protocol (the official Python client's). */
    private static final List<String> CHUNK_FIELDS = List.of("file", "chunk", "total_chunks", "file_id");
    private static final List<String> OFFSET_FIELDS = List.of("blob", "expected_file_size", "is_last", "data");

    private final Authenticator authenticator;
    private final Uploads uploads;
    private final MultipartConfigElement spooled;
    private final MultipartConfigElement inMemory;
    private final long maxRequestBytes;
    /** The memory left for parsing upload requests, in KiB. */
    private final Semaphore memoryKib;

    /** Where the pieces of multiplexed reads go ({@code bio.flow.multiplexed.Multiplexed}): read 1, or read 2 of {@code reads1}. */
    public interface MultiplexedReads {
        Uploads.OffsetAnswer receive(Caller caller, Uploads.Piece piece, Long reads1, long size, InputStream bytes) throws IOException;
    }

    /** What a request uploads: a data file, a sample's reads, or multiplexed reads. */
    private enum Route { DATA, SAMPLE, MULTIPLEXED }

    private final MultiplexedReads multiplexed;

    public UploadRoutes(Authenticator authenticator, Uploads uploads, MultiplexedReads multiplexed, Path spool, long maxChunkBytes, int memoryMb) {
        this.authenticator = authenticator;
        this.uploads = uploads;
        this.multiplexed = multiplexed;
        this.maxRequestBytes = maxChunkBytes + FORM_OVERHEAD;
        this.spooled = new MultipartConfigElement(spool.toString(), maxChunkBytes, maxRequestBytes, IN_MEMORY);
        this.inMemory = new MultipartConfigElement(spool.toString(), maxChunkBytes, maxRequestBytes, (int) Math.min(Integer.MAX_VALUE, maxRequestBytes));
        this.memoryKib = new Semaphore(memoryMb * 1024);
    }

    public void upload(Context ctx) throws IOException {
        receive(ctx, Route.DATA);
    }

    /**
     * A sample's read: chunked with the fields of {@code POST /upload}, or whole in one request without
     * {@code file_id}, {@code chunk} and {@code total_chunks} (an upload of one chunk under a name of Flow's).
     */
    public void sample(Context ctx) throws IOException {
        receive(ctx, Route.SAMPLE);
    }

    /**
     * {@code POST /upload/multiplexed}: multiplexed reads, in the offset protocol only (the flowbio client's): read 1 with
     * no other field, read 2 with {@code reads1} (read 1's id) on every piece. See {@code bio.flow.multiplexed.Multiplexed}.
     */
    public void multiplexed(Context ctx) throws IOException {
        receive(ctx, Route.MULTIPLEXED);
    }

    private void receive(Context ctx, Route route) throws IOException {
        Caller caller = authenticator.require(ctx);
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (!type.startsWith("multipart/form-data")) throw ApiException.unsupportedMediaType("POST " + ctx.path() + " takes multipart/form-data");
        if (ctx.contentLength() > maxRequestBytes) {
            // Answered before the body is read: the connection cannot carry another request after it.
            ctx.header("Connection", "close");
            throw tooLarge();
        }
        long length = ctx.contentLength();
        int kib = length > 0 ? (int) ((length + 1023) / 1024) : 0;
        boolean held = kib > 0 && memoryKib.tryAcquire(kib);
        try {
            ctx.req().setAttribute("org.eclipse.jetty.multipartConfig", held ? inMemory : spooled);
            receive(ctx, caller, route);
        } finally {
            if (held) memoryKib.release(kib);
        }
    }

    private void receive(Context ctx, Caller caller, Route route) throws IOException {
        Collection<Part> parts = MultipartParts.of(ctx, this::tooLarge);
        boolean reads = route == Route.SAMPLE;
        try {
            // Which protocol is the request's fields' to say; fields of both are a mistake, not a guess.
            boolean offsets = parts.stream().anyMatch(p -> OFFSET_FIELDS.contains(p.getName()));
            // A sample's reads in the offset protocol create the sample: every other text field is its metadata.
            boolean newSample = offsets && reads;
            Map<String, String> fields = new HashMap<>();
            List<String> previousData = new ArrayList<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            Part file = null;
            for (Part p : parts) {
                String name = p.getName();
                if (name.equals("file") || name.equals("blob")) {
                    if (file != null) throw ApiException.invalid(name, "send one file part per request");
                    file = p;
                } else if (FIELDS.contains(name) || newSample || route == Route.MULTIPLEXED && name.equals("reads1")) {
                    if (p.getSize() > MAX_FIELD_BYTES) throw ApiException.invalid(name, "at most " + MAX_FIELD_BYTES + " bytes");
                    String value;
                    try (InputStream in = p.getInputStream()) {
                        value = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                    if (name.equals("previous_data")) previousData.add(value);
                    else if (FIELDS.contains(name) || NewSample.FIELDS.contains(name) || route == Route.MULTIPLEXED) fields.put(name, value);
                    else metadata.put(name, value);
                }
            }
            Part bytes = file;
            for (String f : CHUNK_FIELDS) {
                if (offsets && (fields.containsKey(f) || bytes != null && bytes.getName().equals(f))) {
                    throw ApiException.invalid(f, "is a field of the chunk protocol (file, chunk, total_chunks, file_id), which cannot be mixed "
                            + "with the offset protocol's (blob, expected_file_size, is_last, data): send the fields of one");
                }
            }
            String part = offsets ? "blob" : "file";
            if (file == null) throw ApiException.invalid(part, "is required: the chunk's bytes, as a file part");
            String filename = fields.containsKey("filename") ? fields.get("filename") : file.getSubmittedFileName();
            if (route == Route.MULTIPLEXED) {
                if (!offsets) throw ApiException.invalid("expected_file_size", "multiplexed reads are sent in the offset protocol (filename, "
                        + "expected_file_size, is_last, data, blob)");
                for (String f : List.of("sample_id", "project_id", "read_number", "lane", "data_type")) {
                    if (fields.containsKey(f)) throw ApiException.invalid(f, "multiplexed reads are FASTQ and make their samples from their sheet");
                }
                Uploads.Piece piece = new Uploads.Piece(id(fields, "data"), FileNames.check(filename), longValue(fields, "expected_file_size"),
                        bool(fields, "is_last"), null, null, null, blankToNull(fields.get("md5")));
                try (InputStream in = file.getInputStream()) {
                    ctx.json(multiplexed.receive(caller, piece, id(fields, "reads1"), file.getSize(), in));
                }
                return;
            }
            if (newSample) {
                for (String f : List.of("sample_id", "project_id", "read_number", "lane")) {
                    if (fields.containsKey(f)) {
                        throw ApiException.invalid(f, "reads uploaded with expected_file_size create their sample (sample_name, sample_type, "
                                + "project, organism, ...); to add reads to an existing sample use the chunk protocol");
                    }
                }
                NewSample sample = NewSample.of(fields, previousData, metadata);
                Uploads.Piece piece = new Uploads.Piece(id(fields, "data"), FileNames.check(filename), longValue(fields, "expected_file_size"),
                        bool(fields, "is_last"), fields.get("data_type"), null, null, blankToNull(fields.get("md5")));
                Uploads.OffsetAnswer answer;
                try (InputStream in = file.getInputStream()) {
                    answer = uploads.receive(caller, piece, sample, file.getSize(), in);
                }
                DataFiles.DataDetail data = answer.data();
                String sampleId = data == null || data.sample() == null ? null : Long.toString(data.sample().id());
                ctx.json(new SampleAnswer(answer.id(), answer.data_id(), sampleId, data));
                return;
            }
            if (offsets) {
                Uploads.Piece piece = new Uploads.Piece(id(fields, "data"), FileNames.check(filename), longValue(fields, "expected_file_size"),
                        bool(fields, "is_last"), fields.get("data_type"), id(fields, "sample_id"), id(fields, "project_id"),
                        blankToNull(fields.get("md5")));
                try (InputStream in = file.getInputStream()) {
                    ctx.json(uploads.receive(caller, piece, file.getSize(), in));
                }
                return;
            }
            Uploads.Read read = null;
            if (!reads) {
                for (String f : List.of("read_number", "lane")) {
                    if (fields.containsKey(f)) throw ApiException.invalid(f, "a sample's reads are uploaded with POST /upload/sample");
                }
            } else {
                if (id(fields, "sample_id") == null) throw ApiException.invalid("sample_id", "is required: the sample the reads belong to");
                if (blankToNull(fields.get("project_id")) != null) throw ApiException.invalid("project_id", "reads belong to a sample, which is in its project");
                boolean plain = blankToNull(fields.get("file_id")) == null && blankToNull(fields.get("chunk")) == null
                        && blankToNull(fields.get("total_chunks")) == null;
                if (plain) {
                    fields.put("file_id", "sample-read-" + UUID.randomUUID());
                    fields.put("chunk", "0");
                    fields.put("total_chunks", "1");
                }
                String lane = blankToNull(fields.get("lane"));
                read = new Uploads.Read(integer(fields, "read_number"), lane == null ? null : integer(fields, "lane"));
            }
            Uploads.Chunk chunk = new Uploads.Chunk(required(fields, "file_id"), FileNames.check(filename),
                    integer(fields, "chunk"), integer(fields, "total_chunks"), fields.get("data_type"),
                    id(fields, "sample_id"), id(fields, "project_id"), blankToNull(fields.get("md5")), read);
            try (InputStream in = file.getInputStream()) {
                ctx.json(uploads.receive(caller, chunk, file.getSize(), in));
            }
        } finally {
            for (Part p : parts) p.delete();
        }
    }

    /**
     * The answer to a piece of a sample's read file: the file's record id as {@code id} and {@code data_id} (what the
     * next piece, and the next file's {@code previous_data}, name), and {@code sample_id} once the last file made the
     * sample.
     */
    public record SampleAnswer(String id, String data_id, @JsonInclude(JsonInclude.Include.NON_NULL) String sample_id,
                               @JsonInclude(JsonInclude.Include.NON_NULL) DataFiles.DataDetail data) {}

    public void progress(Context ctx) {
        ctx.json(uploads.progress(authenticator.require(ctx), ctx.pathParam("file_id")));
    }

    /** The limit is in the details too, so that a client whose chunks are too large learns the size that fits. */
    private ApiException tooLarge() {
        long max = maxRequestBytes - FORM_OVERHEAD;
        return ApiException.of(413, "PAYLOAD_TOO_LARGE", "a chunk may have at most " + max + " bytes (FLOW_MAX_CHUNK_BYTES); send smaller chunks",
                Map.of("max_chunk_bytes", max));
    }

    private static String required(Map<String, String> fields, String name) {
        String v = blankToNull(fields.get(name));
        if (v == null) throw ApiException.invalid(name, "is required");
        return v.strip();
    }

    private static int integer(Map<String, String> fields, String name) {
        String v = required(fields, name);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, "must be a whole number, not '" + v + "'");
        }
    }

    private static long longValue(Map<String, String> fields, String name) {
        String v = required(fields, name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, "must be a whole number, not '" + v + "'");
        }
    }

    private static boolean bool(Map<String, String> fields, String name) {
        String v = required(fields, name).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) throw ApiException.invalid(name, "must be true or false, not '" + v + "'");
        return v.equals("true");
    }

    private static Long id(Map<String, String> fields, String name) {
        String v = blankToNull(fields.get(name));
        if (v == null) return null;
        try {
            long id = Long.parseLong(v.strip());
            if (id > 0) return id;
        } catch (NumberFormatException e) {
            // falls through
        }
        throw ApiException.invalid(name, "must be a positive whole number, not '" + v + "'");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
