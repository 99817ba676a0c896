package bio.flow.data;

import bio.flow.access.AccessPolicy;
import bio.flow.access.Level;
import bio.flow.access.Resource;
import bio.flow.executions.ExecutionListing;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.ContentDisposition;
import bio.flow.http.FileResponses;
import bio.flow.storage.Storage;
import bio.flow.storage.StorageKey;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.jdbi.v3.core.Jdbi;

/**
 * What is in a data file, for {@code GET /data/{id}/contents} (a text preview, or the raw bytes) and
 * {@code /data/{id}/downstream}, to whoever may read it. The database is asked first and let go before any byte
 * is read, so that a slow download holds no connection.
 */
public final class DataContents {
    /** Lines a preview shows when the caller does not say, and at most. */
    public static final int DEFAULT_LINES = 100;
    public static final int MAX_LINES = 10_000;
    /** A preview stops after this many (decompressed) bytes, even within its lines: a file may have no line breaks. */
    public static final int MAX_PREVIEW_BYTES = 1024 * 1024;
    /**
     * Types whose content is binary by definition: a text preview of them would be noise, and compressing them again
     * (BAM and CRAM are compressed already) would cost time for nothing.
     */
    public static final Set<String> BINARY_TYPES = Set.of("BAM", "CRAM", "OTHER");

    private final Jdbi jdbi;
    private final AccessPolicy policy;
    private final Storage storage;

    public DataContents(Jdbi jdbi, AccessPolicy policy, Storage storage) {
        this.jdbi = jdbi;
        this.policy = policy;
        this.storage = storage;
    }

    /** The stored file behind a readable data record. */
    public record StoredFile(long id, String filename, long size, String dataType, String compression, String md5, Instant created,
                             String status, String integrity, String integrityReason) {}

    /** SQL: the columns {@link #row} reads, of the data rows aliased {@code d}. */
    public static final String COLUMNS = "d.id, d.filename, d.size, d.data_type, d.compression, d.md5, d.created, d.status, "
            + "d.integrity, d.integrity_reason";

    /** The record of a data file the caller may read (404 when they may not), if its bytes can be served (else 409). */
    public StoredFile file(Optional<Caller> caller, long id) {
        return jdbi.withHandle(h -> {
            policy.require(h, Resource.DATA, id, caller, Level.READ);
            return h.createQuery("SELECT " + COLUMNS + " FROM data d WHERE d.id = :id").bind("id", id)
                    .map((rs, ctx) -> servable(row(rs))).one();
        });
    }

    /** The file of a row of {@link #COLUMNS}. */
    public static StoredFile row(ResultSet rs) throws SQLException {
        return new StoredFile(rs.getLong("id"), rs.getString("filename"), rs.getLong("size"), rs.getString("data_type"),
                rs.getString("compression"), rs.getString("md5"), rs.getObject("created", OffsetDateTime.class).toInstant(),
                rs.getString("status"), rs.getString("integrity"), rs.getString("integrity_reason"));
    }

    /**
     * The one decision whether a data record's bytes may be served (previews, downloads, archives): only when the
     * record is {@code ready}, no storage verification marked its bytes missing or corrupt ({@link Verifier}; the
     * mark stays until a later run finds them good), and its stored bytes are there with the size recorded. Else a
     * 409 that says why: {@code details.status}; {@code details.integrity} and {@code details.reason}; or
     * {@code details.size} and {@code details.stored_size}. Answers the file when it may.
     */
    public StoredFile servable(StoredFile f) {
        long id = f.id();
        if (!f.status().equals("ready")) {
            throw ApiException.conflict("data " + id + " is not ready (its status is " + f.status() + ")", Map.of("status", f.status()));
        }
        if (f.integrity() != null) {
            throw ApiException.conflict("the stored bytes of data " + id + " are " + f.integrity() + " (found by a storage verification: "
                    + f.integrityReason() + "); they are not served until they are restored and verified again",
                    Map.of("integrity", f.integrity(), "reason", f.integrityReason()));
        }
        long stored;
        try {
            stored = storage.size(StorageKey.of("data", id));
        } catch (NoSuchFileException e) {
            throw missing(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (stored != f.size()) {
            throw ApiException.conflict("the stored bytes of data " + id + " are corrupt: " + stored + " bytes where " + f.size() + " were recorded",
                    Map.of("size", f.size(), "stored_size", stored));
        }
        return f;
    }

    /** The bytes of the file as stored, read as the stream is read. */
    public InputStream open(StoredFile f) throws IOException {
        return open(f, 0, f.size());
    }

    /** {@code length} bytes of the file as stored from {@code offset}, read as the stream is read. */
    public InputStream open(StoredFile f, long offset, long length) throws IOException {
        try {
            return storage.read(StorageKey.of("data", f.id()), offset, length);
        } catch (NoSuchFileException e) {
            throw missing(f);
        }
    }

    /** The media type of a file served as stored, by Flow or by the storage. */
    private static final String STORED_TYPE = "application/octet-stream";

    /** The file's stored bytes as an attachment: its md5 is its ETag, its creation its last change (data never changes). */
    public FileResponses.StoredBody body(StoredFile f) {
        return new FileResponses.StoredBody(f.size(), f.md5(), f.created(), STORED_TYPE, f.filename(),
                (offset, length) -> open(f, offset, length));
    }

    /**
     * Where the client may fetch the file's stored bytes from the storage itself, with the type and name {@link #body}
     * gives them (a presigned S3 URL, FLOW_S3_PRESIGNED_DOWNLOADS); empty when the storage gives none. Only for a file
     * {@link #file} answered, so that only a reader ever sees it.
     */
    public Optional<URI> link(StoredFile f) {
        return storage.downloadLink(StorageKey.of("data", f.id()), STORED_TYPE, ContentDisposition.attachment(f.filename()));
    }

    /**
     * At most {@code lines} lines of the file's text, and at most {@link #MAX_PREVIEW_BYTES} bytes, decompressed when
     * it is gzip or BGZF (streamed: only what the preview shows is read and inflated). The text is UTF-8; bytes that
     * are not become U+FFFD.
     */
    public String preview(StoredFile f, int lines) throws IOException {
        if (f.dataType() != null && BINARY_TYPES.contains(f.dataType())) {
            throw ApiException.invalid("data " + f.id() + " is " + f.dataType() + ", which is binary and cannot be previewed as text;"
                    + " download it with download=true", Map.of("data_type", f.dataType()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream stored = open(f); InputStream in = f.compression().equals("none") ? stored : new GZIPInputStream(stored, 64 * 1024)) {
            byte[] buffer = new byte[8192];
            int seen = 0;
            int n;
            reading:
            while (out.size() < MAX_PREVIEW_BYTES && (n = in.read(buffer, 0, Math.min(buffer.length, MAX_PREVIEW_BYTES - out.size()))) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n' && ++seen == lines) {
                        out.write(buffer, 0, i + 1);
                        break reading;
                    }
                }
                out.write(buffer, 0, n);
            }
        } catch (ZipException | EOFException e) {
            throw ApiException.conflict("the stored " + f.compression() + " content of data " + f.id() + " is corrupt: " + e.getMessage(),
                    Map.of("compression", f.compression()));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The executions that read a readable data file, those the caller may read ({@link ExecutionListing#ofData}). */
    public ExecutionListing.UsedByList downstream(Optional<Caller> caller, long id) {
        return jdbi.withHandle(h -> {
            policy.require(h, Resource.DATA, id, caller, Level.READ);
            return ExecutionListing.ofData(h, caller, id);
        });
    }

    private static ApiException missing(StoredFile f) {
        return ApiException.conflict("the stored bytes of data " + f.id() + " are missing", Map.of());
    }
}
