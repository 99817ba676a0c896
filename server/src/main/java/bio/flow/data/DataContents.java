package bio.flow.data;

import bio.flow.access.AccessPolicy;
import bio.flow.access.Level;
import bio.flow.access.Resource;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.storage.Storage;
import bio.flow.storage.StorageKey;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;
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
    /** Types whose content is binary by definition: a text preview of them would be noise. */
    private static final Set<String> BINARY_TYPES = Set.of("BAM", "CRAM", "OTHER");

    private final Jdbi jdbi;
    private final AccessPolicy policy;
    private final Storage storage;

    public DataContents(Jdbi jdbi, AccessPolicy policy, Storage storage) {
        this.jdbi = jdbi;
        this.policy = policy;
        this.storage = storage;
    }

    /** The stored file behind a readable data record. */
    public record StoredFile(long id, String filename, long size, String dataType, String compression) {}

    /** An execution that used a data file, as {@code GET /data/{id}/downstream} lists it. */
    public record DownstreamExecution(long id, String name, String pipeline, String status) {}

    public record Downstream(List<DownstreamExecution> executions) {}

    /**
     * The record of a data file the caller may read (404 when they may not), whose bytes may be served
     * ({@link #requireServable}): what every route that serves a record's bytes starts from.
     */
    public StoredFile file(Optional<Caller> caller, long id) {
        return jdbi.withHandle(h -> {
            policy.require(h, Resource.DATA, id, caller, Level.READ);
            return h.createQuery("SELECT id, filename, size, data_type, compression, status, integrity, integrity_reason FROM data WHERE id = :id")
                    .bind("id", id)
                    .map((rs, ctx) -> {
                        requireServable(id, rs.getString("status"), rs.getString("integrity"), rs.getString("integrity_reason"));
                        return new StoredFile(id, rs.getString("filename"), rs.getLong("size"), rs.getString("data_type"), rs.getString("compression"));
                    })
                    .one();
        });
    }

    /**
     * The one decision whether a data record's stored bytes may be served (previews, downloads, archives), from its
     * {@code status}, {@code integrity} and {@code integrity_reason} columns: only when they are complete
     * ({@code ready}) and no verification found them missing or corrupt ({@link Verifier}). Otherwise a 409 that
     * says why: {@code details.status}, or {@code details.integrity} and {@code details.reason}.
     */
    public static void requireServable(long id, String status, String integrity, String integrityReason) {
        if (!status.equals("ready")) {
            throw ApiException.conflict("data " + id + " is not ready (its status is " + status + ")", Map.of("status", status));
        }
        if (integrity != null) {
            throw ApiException.conflict("the stored bytes of data " + id + " are " + integrity + " (found by a storage verification: "
                    + integrityReason + "); they are not served until they are restored and verified again",
                    Map.of("integrity", integrity, "reason", integrityReason));
        }
    }

    /** The bytes of the file as stored, read as the stream is read. */
    public InputStream open(StoredFile f) throws IOException {
        try {
            return storage.read(StorageKey.of("data", f.id()));
        } catch (NoSuchFileException e) {
            throw missing(f);
        }
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

    /** The executions that used a readable data file: none until executions record their inputs. */
    public Downstream downstream(Optional<Caller> caller, long id) {
        policy.require(Resource.DATA, id, caller, Level.READ);
        return new Downstream(List.of());
    }

    private static ApiException missing(StoredFile f) {
        return ApiException.conflict("the stored bytes of data " + f.id() + " are missing", Map.of());
    }
}
