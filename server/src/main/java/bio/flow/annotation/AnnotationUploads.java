package bio.flow.annotation;

import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Json;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Annotation sheets sent in pieces (V42 {@code annotation_uploads}): the flowbio client's offset protocol
 * ({@code filename}, {@code expected_file_size}, {@code is_last}, {@code data}, {@code blob}) with the rules of data
 * uploads: a new upload (data empty) starts at offset 0; the next piece goes at the bytes held; a piece sent again
 * (offset + length = the bytes held) changes nothing and gets the same answer, the last one included (its answer is
 * kept); any other offset, or an upload that is not the caller's, is a 400. The bytes are held in the database, as a
 * sheet has at most {@value AnnotationRoutes#MAX_BYTES} bytes; unfinished uploads expire with the data uploads
 * (FLOW_UPLOAD_EXPIRY_HOURS, housekeeping).
 */
final class AnnotationUploads {
    /** The most unfinished annotation uploads a user may have at once (each may hold up to 10 MiB in the database). */
    static final int MAX_OPEN = 20;

    /** Every piece's answer: the upload's id (which is also the id of the multiplexed sheet it becomes), and the last's result. */
    record Answer(long id, long data_id, @JsonInclude(JsonInclude.Include.NON_NULL) Object result) {
        Answer(long id, Object result) {
            this(id, id, result);
        }
    }

    /** The upload after a piece: whole (with its bytes) once the last piece is in, and the kept answer once it was read. */
    record Held(long id, String filename, boolean whole, byte[] bytes, boolean ignoreWarnings, JsonNode result) {}

    private final Jdbi jdbi;
    private final Duration expiry;

    AnnotationUploads(Jdbi jdbi, Duration expiry) {
        this.jdbi = jdbi;
        this.expiry = expiry;
    }

    /** Adds a piece of {@code data} (null: a new upload) at {@code offset}. */
    Held append(Caller caller, Long data, String filename, long offset, boolean last, boolean ignoreWarnings, byte[] piece) {
        if (offset < 0) throw ApiException.invalid("expected_file_size", "must be 0 or more, not " + offset);
        return jdbi.inTransaction(h -> {
            long id;
            if (data == null) {
                if (offset != 0) throw ApiException.invalid("expected_file_size", "a new upload (data empty) starts at expected_file_size=0, not " + offset);
                // Counted under the user's row lock, so that parallel new uploads cannot pass the limit together: the
                // bytes are held in the database until the last piece or expiry.
                h.createQuery("SELECT id FROM users WHERE id = :owner FOR NO KEY UPDATE").bind("owner", caller.id()).mapTo(Long.class).one();
                long open = h.createQuery("SELECT count(*) FROM annotation_uploads WHERE owner_id = :owner AND result IS NULL AND expires_at > now()")
                        .bind("owner", caller.id()).mapTo(Long.class).one();
                if (open >= MAX_OPEN) {
                    throw ApiException.conflict("you have " + MAX_OPEN + " annotation uploads under way, the most allowed: finish one (or let it expire) "
                            + "before starting another", Map.of("field", "data"));
                }
                id = h.createQuery("INSERT INTO annotation_uploads (owner_id, filename, ignore_warnings, bytes, expires_at) "
                                + "VALUES (:owner, :filename, :ignore, ''::bytea, :expires) RETURNING id")
                        .bind("owner", caller.id()).bind("filename", filename).bind("ignore", ignoreWarnings)
                        .bind("expires", OffsetDateTime.now().plus(expiry)).mapTo(Long.class).one();
            } else {
                id = data;
            }
            record Row(String filename, long held, boolean ignore, String result) {}
            // Another user's upload is as unknown as one that does not exist.
            Row row = h.createQuery("SELECT filename, held, ignore_warnings, result::text FROM annotation_uploads WHERE id = :id AND owner_id = :owner "
                            + "AND expires_at > now() FOR UPDATE")
                    .bind("id", id).bind("owner", caller.id())
                    .map((rs, c) -> new Row(rs.getString(1), rs.getLong(2), rs.getBoolean(3), rs.getString(4))).findOne()
                    .orElseThrow(() -> ApiException.invalid("data", "there is no annotation upload " + data + " of yours (it may have expired or "
                            + "been refused); start again with data empty"));
            if (!Objects.equals(row.filename(), filename)) {
                throw ApiException.invalid("filename", "this upload's pieces say " + row.filename() + ", this one " + filename
                        + "; every piece of an upload says the same");
            }
            boolean ignore = row.ignore() || ignoreWarnings;
            long end = offset + piece.length;
            if (offset != row.held() || row.result() != null) {
                // The piece that made the bytes held, sent again: the same answer.
                if (end == row.held() && (piece.length > 0 || row.result() != null)) {
                    return new Held(id, filename, row.result() != null, null, ignore, row.result() == null ? null : tree(row.result()));
                }
                throw ApiException.invalid("expected_file_size", "upload " + id + " holds " + row.held() + " bytes" + (row.result() == null
                        ? ": the next piece goes at expected_file_size=" + row.held() + ", not " + offset
                        : " and is complete; only its last piece (at expected_file_size=" + (row.held() - piece.length) + ") may be sent again"));
            }
            if (end > AnnotationRoutes.MAX_BYTES) {
                h.createUpdate("DELETE FROM annotation_uploads WHERE id = :id").bind("id", id).execute();
                throw ApiException.tooLarge("an annotation sheet may have at most " + AnnotationRoutes.MAX_BYTES + " bytes (10 MiB); the upload was discarded");
            }
            byte[] bytes = h.createQuery("UPDATE annotation_uploads SET bytes = bytes || :piece, held = :end, ignore_warnings = :ignore WHERE id = :id "
                            + "RETURNING CASE WHEN :last THEN bytes END")
                    .bind("piece", piece).bind("end", end).bind("ignore", ignore).bind("last", last).bind("id", id).mapTo(byte[].class).one();
            return new Held(id, filename, last, bytes, ignore, null);
        });
    }

    /**
     * Reads the whole sheet with {@code importer} in one transaction with keeping its answer (a last piece sent again
     * meanwhile gets the answer the first got).
     */
    Object finish(long id, Function<Handle, Object> importer) {
        return jdbi.inTransaction(h -> {
            String kept = h.createQuery("SELECT result::text FROM annotation_uploads WHERE id = :id FOR UPDATE").bind("id", id)
                    .mapTo(String.class).findOne().orElse(null);
            if (kept != null) return tree(kept);
            Object result = importer.apply(h);
            h.createUpdate("UPDATE annotation_uploads SET result = CAST(:result AS jsonb), bytes = NULL WHERE id = :id")
                    .bind("result", json(result)).bind("id", id).execute();
            return result;
        });
    }

    /** Forgets a refused upload: its sheet was wrong, and the client starts a new one. */
    void discard(long id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM annotation_uploads WHERE id = :id AND result IS NULL").bind("id", id).execute());
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
