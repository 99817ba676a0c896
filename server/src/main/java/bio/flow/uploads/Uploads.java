package bio.flow.uploads;

import bio.flow.analytics.Activity;
import bio.flow.access.AccessPolicy;
import bio.flow.access.Level;
import bio.flow.access.Resource;
import bio.flow.data.DataFiles;
import bio.flow.db.Claims;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.samples.Samples;
import bio.flow.storage.Storage;
import bio.flow.storage.StorageFullException;
import bio.flow.storage.StorageKey;
import bio.flow.storage.TooLargeException;
import bio.flow.vocabularies.Vocabularies;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chunked uploads ({@code POST /upload}): chunks numbered from 0 arrive in any order, at once or again, and the
 * file becomes a data record when the last missing one is in.
 *
 * <p>How (see {@link Storage}): the upload's state is in PostgreSQL ({@code uploads}, {@code upload_chunks}),
 * its bytes in one part ({@code uploads/<uuid>/part}). Every chunk but the last has the same size, learnt from
 * the first of them to arrive, so chunk n goes at n × that size; a last chunk that comes before any other
 * waits under its own key ({@code uploads/<uuid>/last}) and is copied in at the end. A request decides where
 * its chunk goes under the upload's row lock, writes the bytes without holding it (chunks are written in
 * parallel), then records the chunk under the lock again. The request that records the last missing chunk
 * marks the upload {@code completing}, hashes the part, checks size and md5, and in one transaction inserts the
 * data record and moves the part to {@code data/<id>}: the record and its bytes appear together, or neither.
 *
 * <p>What refuses the file discards the whole upload, rows and bytes: content that is not what its name or
 * declared type says (checked on chunk 0's first 64 KiB), more than the size limit (declared by the chunk
 * count and size, or actual), an md5 that does not match, a full disk. A mistake in one request (a chunk
 * number out of range, a count or filename that differs from the upload's, a repeated chunk of another size)
 * is a 400 that leaves the upload as it was. A repeated chunk of the same size is not written again.
 *
 * <p>The offset protocol (the official Python client's) is the same engine with another way of placing pieces:
 * they come in order, each at the offset of the bytes held ({@code uploads.held}), and the last says so. Its
 * upload is named by the id of the record it becomes, which every upload takes from data's identity when it
 * starts ({@code record_id}) and its record is inserted with.
 *
 * <p>A stop of the server (even a kill) loses nothing recorded: a piece written but not recorded is sent again
 * by its client (bytes it left past the recorded ones are cut off at completion), and an upload whose completion
 * was interrupted is put back to {@code receiving} once the claim of its server lapsed ({@link CompletionClaims}:
 * several servers may share the database, and another may be completing it) and completes when one of its chunks
 * comes again.
 */
public final class Uploads {
    private static final Logger log = LoggerFactory.getLogger(Uploads.class);
    /** More chunks than this is a mistake: 50 GB in 1 MB chunks (the official client's size) is 50,000. */
    static final int MAX_TOTAL_CHUNKS = 1_000_000;
    private static final Pattern FILE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");
    private static final String UPLOAD_COLUMNS = "id, filename, total_chunks, chunk_size, data_type, detected_type, compression, "
            + "sample_id, project_id, md5, status, data_id, file_id, expires_at, read_number, lane, record_id, held, received";

    private final Jdbi jdbi;
    private final AccessPolicy policy;
    private final Vocabularies vocabularies;
    private final Storage storage;
    private final DataFiles data;
    private final long maxUploadBytes;
    private final Duration expiry;
    private final RunningDigests digests;
    private final Samples samples;
    private final CompletionClaims claims;

    /** {@code claims}: this process's, for the claims on completions, see {@link CompletionClaims}. */
    public Uploads(Jdbi jdbi, AccessPolicy policy, Vocabularies vocabularies, Storage storage, DataFiles data, Samples samples, long maxUploadBytes,
                   Duration expiry, Claims claims) {
        this.jdbi = jdbi;
        this.samples = samples;
        this.policy = policy;
        this.vocabularies = vocabularies;
        this.storage = storage;
        this.data = data;
        this.maxUploadBytes = maxUploadBytes;
        this.expiry = expiry;
        this.digests = new RunningDigests((upload, offset, length) -> storage.read(StorageKey.of("uploads", upload).child("part"), offset, length),
                expiry);
        this.claims = new CompletionClaims(jdbi, claims);
    }

    /** Gives up the claims of completions whose server stopped, now and from then on; renews this server's. */
    public void start() {
        claims.start();
    }

    /** The fields of one chunk's request, checked for form (not yet against the upload). */
    public record Chunk(String fileId, String filename, int chunk, int totalChunks, String dataType, Long sampleId, Long projectId,
                        String md5, Read read) {
        public Chunk {
            if (read != null && sampleId == null) throw ApiException.invalid("sample_id", "is required: reads belong to a sample");
            if (!FILE_ID.matcher(Objects.requireNonNull(fileId)).matches()) {
                throw ApiException.invalid("file_id", "1 to 100 letters, digits, '.', '_' and '-', starting with a letter or digit");
            }
            if (totalChunks < 1 || totalChunks > MAX_TOTAL_CHUNKS) {
                throw ApiException.invalid("total_chunks", "must be from 1 to " + MAX_TOTAL_CHUNKS);
            }
            if (chunk < 0 || chunk >= totalChunks) {
                throw ApiException.invalid("chunk", "chunks are numbered from 0 to total_chunks - 1 (" + (totalChunks - 1) + "), not " + chunk);
            }
            if (md5 != null) {
                md5 = md5.strip().toLowerCase(Locale.ROOT);
                if (!MD5.matcher(md5).matches()) throw ApiException.invalid("md5", "an md5 is 32 hexadecimal digits");
            }
        }
    }

    /** A sample's read ({@code POST /upload/sample}): read 1 or 2, of a lane (from 1) when known. */
    public record Read(int number, Integer lane) {
        public Read {
            if (number != 1 && number != 2) throw ApiException.invalid("read_number", "must be 1 or 2 (the reads of a pair), not " + number);
            if (lane != null && lane < 1) throw ApiException.invalid("lane", "must be a positive whole number, not " + lane);
        }
    }

    /** The answer to a chunk; {@code data} is the new record once the file is complete. */
    public record Answer(String status, int chunk, int total_chunks, String file_id,
                         @JsonInclude(JsonInclude.Include.NON_NULL) DataFiles.DataDetail data) {}

    /** What {@code GET /upload/{file_id}} tells a client that resumes. */
    public record Progress(String file_id, String filename, int total_chunks, Long chunk_size, List<Integer> received, String status,
                           Long data_id, Instant expires_at) {}

    /** An upload of either protocol: {@code fileId} and {@code totalChunks} for chunks, {@code held} for offsets. */
    private record Upload(UUID id, String fileId, String filename, Integer totalChunks, Long chunkSize, String dataType, String detectedType,
                          String compression, Long sampleId, Long projectId, String md5, String status, Long dataId, Instant expiresAt,
                          Read read, long recordId, Long held, int received) {
        StorageKey key() {
            return StorageKey.of("uploads", id);
        }
    }

    /** What the first locked step decided: where the chunk goes, or that it is a repeat, or that the upload is refused. */
    private record Plan(Upload upload, Long offset, boolean repeat, ApiException refusal, boolean complete) {
        Plan(Upload upload, Long offset, boolean repeat, ApiException refusal) {
            this(upload, offset, repeat, refusal, false);
        }
    }

    private enum Recorded { RECEIVED, REPEAT, COMPLETE, GONE }

    /** Receives one chunk of {@code size} bytes. */
    public Answer receive(Caller caller, Chunk c, long size, InputStream bytes) throws IOException {
        String claim = claims.newClaim(); // this request's, should it be the one that completes the upload
        Plan plan = jdbi.inTransaction(h -> plan(h, caller, c, size, claim));
        Upload u = plan.upload();
        if (plan.refusal() != null) {
            removeBytes(u);
            throw plan.refusal();
        }
        if (plan.complete()) return new Answer("success", c.chunk(), c.totalChunks(), c.fileId(), complete(caller, u.id(), null, claim));
        if (plan.repeat()) return answer(caller, c, u);

        InputStream in = new BufferedInputStream(bytes, DataDetection.HEAD_BYTES + 1);
        DataDetection.Detected detected = null;
        if (c.chunk() == 0) {
            in.mark(DataDetection.HEAD_BYTES + 1);
            byte[] head = in.readNBytes(DataDetection.HEAD_BYTES);
            in.reset();
            try {
                detected = DataDetection.detect(u.filename(), u.dataType(), head, u.totalChunks() == 1);
                if (u.read() != null) requireReads(detected.dataType());
            } catch (ApiException e) {
                discard(u);
                throw e;
            }
        }
        DataDetection.Detected seen = detected;
        Recorded recorded;
        // A last chunk kept apart (its offset not known yet) is hashed at the completion, with what follows the digest.
        try (RunningDigests.Piece piece = plan.offset() == null ? null : digests.writing(u.id(), plan.offset())) {
            long written;
            try {
                if (piece == null) written = storage.write(u.key().child("last"), in, size).size();
                else written = storage.writeAt(u.key().child("part"), plan.offset(), in, size);
            } catch (StorageFullException e) {
                discard(u);
                throw ApiException.storageFull("the server's storage is full; the upload was discarded");
            }
            recorded = jdbi.inTransaction(h -> record(h, u, c, size, plan.offset(), seen, claim));
            if (piece != null) {
                if (recorded == Recorded.REPEAT) piece.rewrote(); // another request recorded this range while this one wrote it
                else if (recorded != Recorded.GONE && written == size) piece.recorded(size);
            }
        }
        return switch (recorded) {
            case GONE -> {
                removeBytes(u); // this request's write may have made them again
                throw ApiException.notFound("upload " + c.fileId() + " (it was discarded meanwhile)");
            }
            case COMPLETE -> new Answer("success", c.chunk(), c.totalChunks(), c.fileId(), complete(caller, u.id(), null, claim));
            case REPEAT -> answer(caller, c, u);
            case RECEIVED -> new Answer("success", c.chunk(), c.totalChunks(), c.fileId(), null);
        };
    }

    // ---- the offset protocol ----

    /**
     * The fields of one piece of the offset protocol, checked for form: {@code data} names the upload (null on
     * the first piece), {@code offset} is where the piece goes (the bytes the server must already hold).
     */
    public record Piece(Long data, String filename, long offset, boolean last, String dataType, Long sampleId, Long projectId, String md5) {
        public Piece {
            if (offset < 0) throw ApiException.invalid("expected_file_size", "must be 0 or more, not " + offset);
            if (md5 != null) {
                md5 = md5.strip().toLowerCase(Locale.ROOT);
                if (!MD5.matcher(md5).matches()) throw ApiException.invalid("md5", "an md5 is 32 hexadecimal digits");
            }
        }
    }

    /** The answer to a piece: the id of the record the file becomes, from the first piece on; {@code data} once it is. */
    public record OffsetAnswer(String id, String data_id, @JsonInclude(JsonInclude.Include.NON_NULL) DataFiles.DataDetail data) {}

    /**
     * Receives one piece of the offset protocol. Its pieces come one after the other, so unlike chunks they are
     * written under the upload's row lock: a piece sent again while the first copy is still being written (a
     * client's retry after a timeout) waits for it, then finds it stored, rather than writing the same range at
     * once. Everything else (storage, detection, completion, expiry) is the chunk protocol's.
     */
    public OffsetAnswer receive(Caller caller, Piece p, long size, InputStream bytes) throws IOException {
        return receive(caller, p, null, size, bytes);
    }

    /**
     * Receives one piece of a read file of a sample the upload creates ({@code sample}, see {@link NewSample}): the file
     * must be FASTQ, and the sample's fields are checked before its first byte is stored.
     */
    public OffsetAnswer receive(Caller caller, Piece p, NewSample sample, long size, InputStream bytes) throws IOException {
        InputStream in = new BufferedInputStream(bytes, DataDetection.HEAD_BYTES + 1);
        RunningDigests.Piece[] piece = {null};
        try {
            return receive(caller, p, sample, size, in, piece);
        } finally {
            if (piece[0] != null) piece[0].close();
        }
    }

    private OffsetAnswer receive(Caller caller, Piece p, NewSample sample, long size, InputStream in, RunningDigests.Piece[] piece)
            throws IOException {
        String claim = claims.newClaim();
        Plan plan = jdbi.inTransaction(h -> {
            Upload u = offsetUpload(h, caller, p);
            if (sample != null && p.data() == null) sample.check(h, caller, samples);
            long end = p.offset() > maxUploadBytes ? Long.MAX_VALUE : p.offset() + size;
            if (end > maxUploadBytes) return discarding(h, u, tooLarge());
            long held = u.held();
            if (p.offset() != held || !u.status().equals("receiving")) {
                // The piece that made the bytes held, sent again: a no-op, or a completion a restart interrupted.
                if (end == held && (size > 0 || !u.status().equals("receiving"))) {
                    return new Plan(u, null, true, null, p.last() && resumesCompletion(h, u, claim));
                }
                throw ApiException.invalid("expected_file_size", "upload " + u.recordId() + " holds " + held + " bytes"
                        + (u.status().equals("receiving") ? ": the next chunk goes at expected_file_size=" + held + ", not " + p.offset()
                        : " and is complete; only its last chunk (at expected_file_size=" + (held - size) + ") may be sent again"));
            }
            DataDetection.Detected detected = null;
            if (p.offset() == 0) {
                in.mark(DataDetection.HEAD_BYTES + 1);
                byte[] head = in.readNBytes(DataDetection.HEAD_BYTES);
                in.reset();
                try {
                    detected = DataDetection.detect(u.filename(), u.dataType(), head, p.last());
                    if (sample != null) requireReads(detected.dataType());
                } catch (ApiException e) {
                    return discarding(h, u, e);
                }
            }
            long written;
            try {
                piece[0] = digests.writing(u.id(), p.offset());
                written = storage.writeAt(u.key().child("part"), p.offset(), in, size);
            } catch (StorageFullException e) {
                return discarding(h, u, ApiException.storageFull("the server's storage is full; the upload was discarded"));
            }
            if (written != size) piece[0].close(); // not the bytes the part was said to hold: the digest stops before them
            h.createUpdate("UPDATE uploads SET held = :held, detected_type = COALESCE(:type, detected_type), "
                            + "compression = COALESCE(:compression, compression) WHERE id = :id")
                    .bind("held", end).bind("type", detected == null ? null : detected.dataType())
                    .bind("compression", detected == null ? null : detected.compression().id()).bind("id", u.id()).execute();
            if (p.last()) claims.claim(h, u.id(), claim);
            return new Plan(u, p.offset(), false, null, p.last());
        });
        Upload u = plan.upload();
        if (plan.refusal() != null) {
            removeBytes(u);
            throw plan.refusal();
        }
        // Committed: the piece is recorded (a repeat wrote nothing).
        if (!plan.repeat() && piece[0] != null) piece[0].recorded(size);
        String id = Long.toString(u.recordId());
        if (plan.complete()) return new OffsetAnswer(id, id, complete(caller, u.id(), sample, claim));
        return new OffsetAnswer(id, id, plan.repeat() ? detail(caller, u) : null);
    }

    /** The upload a piece belongs to, locked: a new one for a first piece, else the caller's upload it names. */
    private Upload offsetUpload(Handle h, Caller caller, Piece p) {
        String declaredType = declaredType(h, p.dataType());
        requireContainer(h, caller, p.sampleId(), p.projectId());
        UUID id;
        if (p.data() == null) {
            if (p.offset() != 0 && p.offset() <= maxUploadBytes) {
                throw ApiException.invalid("expected_file_size", "a new upload (data empty) starts at expected_file_size=0, not " + p.offset());
            }
            id = insert(h, caller, null, null, p.filename(), declaredType, p.sampleId(), p.projectId(), p.md5(), null);
        } else {
            // Another user's upload is as unknown as one that does not exist.
            id = h.createQuery("SELECT id FROM uploads WHERE owner_id = :owner AND record_id = :data AND held IS NOT NULL")
                    .bind("owner", caller.id()).bind("data", p.data()).mapTo(UUID.class).findOne()
                    .orElseThrow(() -> ApiException.invalid("data", "there is no upload " + p.data() + " of yours (it may have expired, "
                            + "been discarded or deleted); start again with data empty"));
        }
        Upload u = h.createQuery("SELECT " + UPLOAD_COLUMNS + " FROM uploads WHERE id = :id FOR UPDATE")
                .bind("id", id).map((rs, ctx) -> upload(rs)).one();
        requireSame(u, p.filename(), declaredType, p.sampleId(), p.projectId(), p.md5());
        return u;
    }

    /** Forgets the upload in this transaction; its bytes are removed once it committed. */
    private static Plan discarding(Handle h, Upload u, ApiException refusal) {
        h.createUpdate("DELETE FROM uploads WHERE id = :id").bind("id", u.id()).execute();
        return new Plan(u, null, false, refusal);
    }

    // ---- the chunk protocol ----

    private Plan plan(Handle h, Caller caller, Chunk c, long size, String claim) {
        String declaredType = declaredType(h, c.dataType());
        requireContainer(h, caller, c.sampleId(), c.projectId());
        if (c.read() != null && declaredType != null) requireReads(declaredType);
        // The upload's row, locked; made by its first chunk (of several sent at once, one inserts, the others wait).
        Upload u = lockedUpload(h, caller, c.fileId()).orElseGet(() -> {
            insert(h, caller, c.fileId(), c.totalChunks(), c.filename(), declaredType, c.sampleId(), c.projectId(), c.md5(), c.read());
            return lockedUpload(h, caller, c.fileId()).orElseThrow();
        });

        requireSame(u, c.filename(), declaredType, c.sampleId(), c.projectId(), c.md5());
        same("total_chunks", u.totalChunks(), c.totalChunks());
        same("read_number", u.read() == null ? null : u.read().number(), c.read() == null ? null : c.read().number());
        same("lane", u.read() == null ? null : u.read().lane(), c.read() == null ? null : c.read().lane());

        Long recordedSize = h.createQuery("SELECT size FROM upload_chunks WHERE upload_id = :id AND chunk = :chunk")
                .bind("id", u.id()).bind("chunk", c.chunk()).mapTo(Long.class).findOne().orElse(null);
        if (recordedSize != null) {
            if (recordedSize != size) {
                throw ApiException.invalid("chunk", "chunk " + c.chunk() + " was received with " + recordedSize + " bytes; this one has " + size);
            }
            return new Plan(u, null, true, null, u.received() == u.totalChunks() && resumesCompletion(h, u, claim));
        }
        if (!u.status().equals("receiving")) return new Plan(u, null, true, null); // every chunk is in: nothing to write
        // At the first chunk received, so that a client learns before sending the rest; completion checks again
        // under the sample's lock, which is what keeps two uploads of the same read from both landing.
        if (u.read() != null && h.createQuery("SELECT NOT EXISTS (SELECT 1 FROM upload_chunks WHERE upload_id = :id)")
                .bind("id", u.id()).mapTo(Boolean.class).one()) {
            requireNewRead(h, u.sampleId(), u.read());
        }

        int total = c.totalChunks();
        boolean last = c.chunk() == total - 1;
        Long chunkSize = u.chunkSize();
        if (!last) {
            if (size == 0) throw ApiException.invalid("file", "only the last chunk may be smaller than the others, and only a file of one chunk is empty");
            if (chunkSize == null) {
                Long lastSize = h.createQuery("SELECT size FROM upload_chunks WHERE upload_id = :id AND chunk = :chunk")
                        .bind("id", u.id()).bind("chunk", total - 1).mapTo(Long.class).findOne().orElse(null);
                if (lastSize != null && lastSize > size) {
                    throw ApiException.invalid("file", "chunk " + c.chunk() + " has " + size + " bytes, fewer than the last chunk's " + lastSize
                            + "; every chunk but the last has the same size");
                }
                h.createUpdate("UPDATE uploads SET chunk_size = :size WHERE id = :id").bind("size", size).bind("id", u.id()).execute();
                chunkSize = size;
            } else if (size != chunkSize) {
                throw ApiException.invalid("file", "chunk " + c.chunk() + " has " + size + " bytes; every chunk but the last has " + chunkSize);
            }
        } else {
            if (total > 1 && size == 0) throw ApiException.invalid("file", "the last chunk of a file of several chunks is not empty");
            if (chunkSize != null && size > chunkSize) {
                throw ApiException.invalid("file", "the last chunk has " + size + " bytes, more than the other chunks' " + chunkSize);
            }
        }
        // The least the file can be: every chunk but the last full, and the last at least one byte.
        long least = chunkSize == null ? size : leastSize(total, chunkSize, last ? size : 1);
        if (least > maxUploadBytes) {
            h.createUpdate("DELETE FROM uploads WHERE id = :id").bind("id", u.id()).execute();
            return new Plan(u, null, false, tooLarge());
        }
        Long offset = c.chunk() == 0 ? Long.valueOf(0) : chunkSize == null ? null : c.chunk() * chunkSize;
        return new Plan(u, offset, false, null);
    }

    private static Optional<Upload> lockedUpload(Handle h, Caller caller, String fileId) {
        return h.createQuery("SELECT " + UPLOAD_COLUMNS + " FROM uploads WHERE owner_id = :owner AND file_id = :file_id FOR UPDATE")
                .bind("owner", caller.id()).bind("file_id", fileId).map((rs, ctx) -> upload(rs)).findOne();
    }

    private String declaredType(Handle h, String dataType) {
        return dataType == null || dataType.isBlank() ? null : vocabularies.dataTypeId(h, dataType);
    }

    /**
     * Starts an upload: of the chunk protocol under the caller's {@code fileId}, unless the caller's upload of that
     * name exists (then nothing happens); of the offset protocol ({@code fileId} null) always, holding 0 bytes.
     * Either way it takes the id of the record the file becomes from data's identity now.
     */
    private UUID insert(Handle h, Caller caller, String fileId, Integer totalChunks, String filename, String type, Long sampleId, Long projectId,
                        String md5, Read read) {
        UUID id = UUID.randomUUID();
        h.createUpdate("INSERT INTO uploads (id, owner_id, file_id, filename, total_chunks, held, record_id, data_type, sample_id, project_id, md5, "
                        + "expires_at, read_number, lane) "
                        + "VALUES (:id, :owner, :file_id, :filename, :total, :held, nextval(pg_get_serial_sequence('data', 'id')), :type, :sample, "
                        + ":project, :md5, :expires, :read, :lane) "
                        + "ON CONFLICT (owner_id, file_id) DO NOTHING")
                .bind("id", id).bind("owner", caller.id()).bind("file_id", fileId).bind("filename", filename)
                .bind("total", totalChunks).bind("held", fileId == null ? Long.valueOf(0) : null)
                .bind("type", type).bind("sample", sampleId).bind("project", projectId)
                .bind("md5", md5).bind("expires", OffsetDateTime.now().plus(expiry))
                .bind("read", read == null ? null : read.number()).bind("lane", read == null ? null : read.lane()).execute();
        return id;
    }

    /** What every request of an upload says again about the file must be what its first said. */
    private static void requireSame(Upload u, String filename, String declaredType, Long sampleId, Long projectId, String md5) {
        same("filename", u.filename(), filename);
        if (declaredType != null) same("data_type", u.dataType(), declaredType);
        if (sampleId != null) same("sample_id", u.sampleId(), sampleId);
        if (projectId != null) same("project_id", u.projectId(), projectId);
        if (md5 != null) same("md5", u.md5(), md5);
    }

    private static long leastSize(int total, long chunkSize, long lastSize) {
        try {
            return Math.addExact(Math.multiplyExact((long) total - 1, chunkSize), lastSize);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private ApiException tooLarge() {
        return ApiException.tooLarge("the file is larger than the " + maxUploadBytes + " bytes an upload may have; the upload was discarded");
    }

    private Recorded record(Handle h, Upload u, Chunk c, long size, Long offset, DataDetection.Detected detected, String claim) {
        Optional<String> status = h.createQuery("SELECT status FROM uploads WHERE id = :id FOR UPDATE")
                .bind("id", u.id()).mapTo(String.class).findOne();
        if (status.isEmpty()) return Recorded.GONE;
        int inserted = h.createUpdate("INSERT INTO upload_chunks (upload_id, chunk, \"offset\", size, md5) "
                        + "VALUES (:id, :chunk, :offset, :size, '') ON CONFLICT DO NOTHING")
                .bind("id", u.id()).bind("chunk", c.chunk()).bind("offset", offset).bind("size", size).execute();
        if (inserted == 0) return Recorded.REPEAT; // the same chunk, received at once by another request
        if (detected != null) {
            h.createUpdate("UPDATE uploads SET detected_type = :type, compression = :compression WHERE id = :id")
                    .bind("type", detected.dataType()).bind("compression", detected.compression().id()).bind("id", u.id()).execute();
        }
        int received = h.createQuery("UPDATE uploads SET received = received + 1 WHERE id = :id RETURNING received")
                .bind("id", u.id()).mapTo(Integer.class).one();
        if (received < u.totalChunks() || !status.get().equals("receiving")) return Recorded.RECEIVED;
        claims.claim(h, u.id(), claim);
        return Recorded.COMPLETE;
    }

    /**
     * Whether this request takes over the completion of an upload that holds all of its file but is not
     * completing: one whose completion its server's stop interrupted ({@link CompletionClaims}). Claims it.
     */
    private boolean resumesCompletion(Handle h, Upload u, String claim) {
        if (!u.status().equals("receiving")) return false;
        claims.claim(h, u.id(), claim);
        return true;
    }

    /**
     * Assembles the file whose chunks are all recorded and makes it a data record; only the request that
     * claimed the completion runs this, renewing its claim meanwhile. Any failure discards the upload, unless
     * another server took the completion over (the claim lapsed while this one stalled): then it is left to that one.
     * With the last file of a {@code sample}, the sample is created in the same transaction.
     */
    private DataFiles.DataDetail complete(Caller caller, UUID id, NewSample sample, String claim) throws IOException {
        claims.running(claim);
        try {
            return complete(caller, id, sample, claim, jdbi.withHandle(h -> h.createQuery("SELECT " + UPLOAD_COLUMNS + " FROM uploads WHERE id = :id")
                    .bind("id", id).map((rs, ctx) -> upload(rs)).one()));
        } finally {
            claims.done(claim);
        }
    }

    private DataFiles.DataDetail complete(Caller caller, UUID id, NewSample sample, String claim, Upload u) throws IOException {
        StorageKey part = u.key().child("part");
        long[] created = {0};
        try {
            // A stop between moving the part to its record's key and committing the record left it there; no other
            // record can have that key (its id was reserved for this upload), so the bytes are this upload's, unless
            // the record committed (a completion that took this one's over, while this server stalled, finished it).
            StorageKey recordKey = StorageKey.of("data", u.recordId());
            if (!storage.exists(part) && storage.exists(recordKey) && !isCommitted(u.recordId())) storage.move(recordKey, part);
            record ChunkRow(int chunk, Long offset, long size) {}
            List<ChunkRow> chunks = jdbi.withHandle(h -> h.createQuery("SELECT chunk, \"offset\", size FROM upload_chunks WHERE upload_id = :id")
                    .bind("id", id).map((rs, ctx) -> new ChunkRow(rs.getInt(1), (Long) rs.getObject(2), rs.getLong(3))).list());
            long expected = u.held() != null ? u.held() : chunks.stream().mapToLong(ChunkRow::size).sum();
            if (expected > maxUploadBytes) throw tooLarge();
            for (ChunkRow r : chunks) {
                if (r.offset() != null) continue; // the last chunk, kept apart: its place is known now
                StorageKey last = u.key().child("last");
                long offset = (long) r.chunk() * u.chunkSize();
                try (InputStream in = storage.read(last)) {
                    storage.writeAt(part, offset, in, r.size());
                }
                // Recorded before the copy is removed, so that a completion a stop interrupts can start again.
                jdbi.useHandle(h -> h.createUpdate("UPDATE upload_chunks SET \"offset\" = :offset WHERE upload_id = :id AND chunk = :chunk")
                        .bind("offset", offset).bind("id", id).bind("chunk", r.chunk()).execute());
                storage.delete(last);
            }
            // A piece written but not recorded (the server stopped between the two) may have left bytes past the
            // recorded ones, which a shorter piece sent again did not cover: they are no part of the file.
            if (storage.exists(part) && storage.size(part) > expected) storage.truncate(part, expected);
            // The md5 kept up as the pieces came, continued with the rest; else the whole part's.
            byte[] running = digests.finish(u.id(), expected);
            Storage.Stored whole = running != null && storage.size(part) == expected
                    ? new Storage.Stored(expected, HexFormat.of().formatHex(running)) : storage.digest(part);
            if (whole.size() != expected) {
                throw ApiException.invalid("file", "the chunks hold " + whole.size() + " bytes where their sizes add up to " + expected
                        + " (chunks of different sizes were sent at once); the upload was discarded");
            }
            if (u.md5() != null && !u.md5().equals(whole.md5())) {
                throw ApiException.invalid("md5", "the file's md5 is " + whole.md5() + ", not " + u.md5() + " as declared; the upload was discarded");
            }
            DataFiles.DataDetail detail = jdbi.inTransaction(h -> {
                requireContainer(h, caller, u.sampleId(), u.projectId());
                String type = u.dataType() != null ? u.dataType() : u.detectedType();
                Long filesetId = u.read() == null ? null : filesetFor(h, u, type);
                long dataId = h.createQuery("INSERT INTO data (id, filename, size, data_type, compression, md5, sample_id, project_id, owner_id, "
                                + "status, fileset_id, read_number, lane) OVERRIDING SYSTEM VALUE "
                                + "VALUES (:id, :filename, :size, :type, :compression, :md5, :sample, :project, :owner, 'ready', :fileset, :read, "
                                + ":lane) RETURNING id")
                        .bind("id", u.recordId()).bind("filename", u.filename()).bind("size", whole.size())
                        .bind("type", type).bind("compression", u.compression())
                        .bind("fileset", filesetId).bind("read", u.read() == null ? null : u.read().number())
                        .bind("lane", u.read() == null ? null : u.read().lane())
                        .bind("md5", whole.md5()).bind("sample", u.sampleId())
                        .bind("project", u.sampleId() == null ? u.projectId() : null).bind("owner", caller.id())
                        .mapTo(Long.class).one();
                // Only while the claim holds (another server may have taken the completion over while this one stalled);
                // the row stays locked until the commit, so that no server can give the claim up meanwhile.
                if (h.createUpdate("UPDATE uploads SET status = 'complete', data_id = :data, " + CompletionClaims.ENDED
                        + " WHERE id = :id AND status = 'completing' AND completer = :claim")
                        .bind("data", dataId).bind("id", id).bind("claim", claim).execute() == 0) {
                    throw takenOver();
                }
                Activity.record(h, caller.id(), Activity.Action.DATA_UPLOADED, Resource.DATA, dataId, "Uploaded " + u.filename());
                if (sample != null && sample.lastFile()) sample.create(h, caller, samples, dataId);
                // Last, so that a failure before leaves the part where it was; a failing commit after it leaves at
                // most an orphan file under data/, which no record names.
                storage.move(part, StorageKey.of("data", dataId));
                created[0] = dataId;
                return data.detail(h, dataId, Optional.of(caller), Level.OWNER);
            });
            removeBytes(u); // what is left of the upload's folder
            return detail;
        } catch (RuntimeException | IOException e) {
            if (created[0] != 0 && isCommitted(created[0])) throw e;
            // Only under the claim: a completion taken over belongs to the server that took it.
            if (!discard(u, claim)) throw takenOver();
            if (created[0] != 0) storage.delete(StorageKey.of("data", created[0]));
            if (e instanceof StorageFullException) throw ApiException.storageFull("the server's storage is full; the upload was discarded");
            if (e instanceof TooLargeException) throw tooLarge();
            throw e;
        }
    }

    /** 409 to a request whose completion another server took over: the upload is that server's to finish. */
    private static ApiException takenOver() {
        return ApiException.conflict("this server stalled while it completed the upload, and another server took the completion over; "
                + "the upload's status (GET /upload/{file_id}) or its last chunk sent again tells how it ended", Map.of());
    }

    private boolean isCommitted(long dataId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM data WHERE id = :id").bind("id", dataId).mapTo(Long.class).one()) > 0;
    }

    /** Which chunks of the caller's upload are in. Only its owner sees an upload. */
    public Progress progress(Caller caller, String fileId) {
        return jdbi.withHandle(h -> {
            Upload u = h.createQuery("SELECT " + UPLOAD_COLUMNS + " FROM uploads WHERE owner_id = :owner AND file_id = :file_id")
                    .bind("owner", caller.id()).bind("file_id", fileId).map((rs, ctx) -> upload(rs)).findOne()
                    .orElseThrow(() -> ApiException.notFound("upload " + fileId));
            List<Integer> received = h.createQuery("SELECT chunk FROM upload_chunks WHERE upload_id = :id ORDER BY chunk")
                    .bind("id", u.id()).mapTo(Integer.class).list();
            return new Progress(u.fileId(), u.filename(), u.totalChunks(), u.chunkSize(), received, u.status(), u.dataId(), u.expiresAt());
        });
    }

    /** The answer to a chunk already received: with the record when the file is complete (and still readable). */
    private Answer answer(Caller caller, Chunk c, Upload u) {
        return new Answer("success", c.chunk(), c.totalChunks(), c.fileId(), detail(caller, u));
    }

    /** The record a complete upload made, while the caller may still read it; else null. */
    private DataFiles.DataDetail detail(Caller caller, Upload u) {
        if (u.dataId() == null) return null;
        return jdbi.withHandle(h -> policy.level(h, Resource.DATA, u.dataId(), Optional.of(caller))
                .filter(level -> level >= Level.READ).map(level -> data.detail(h, u.dataId(), Optional.of(caller), level)).orElse(null));
    }

    /**
     * The caller must be able to add data to the sample and project named (edit level); both named: the sample is in
     * the project. Imports ask the same.
     */
    public void requireContainer(Handle h, Caller caller, Long sampleId, Long projectId) {
        if (sampleId != null) policy.require(h, Resource.SAMPLE, sampleId, Optional.of(caller), Level.EDIT);
        if (projectId != null) policy.require(h, Resource.PROJECT, projectId, Optional.of(caller), Level.EDIT);
        if (sampleId != null && projectId != null) {
            Long in = h.createQuery("SELECT project_id FROM samples WHERE id = :id").bind("id", sampleId).mapTo(Long.class).findOne().orElse(null);
            if (!projectId.equals(in)) throw ApiException.invalid("project_id", "sample " + sampleId + " is not in project " + projectId);
        }
    }

    private static void requireReads(String dataType) {
        if (!"FASTQ".equals(dataType)) {
            throw ApiException.invalid("data_type", "a sample's reads are FASTQ (plain or gzip), not " + dataType + "; the upload was discarded");
        }
    }

    /** 409 when the sample already has this read (number and lane). */
    private static void requireNewRead(Handle h, long sampleId, Read read) {
        boolean exists = h.createQuery("SELECT EXISTS (SELECT 1 FROM data d JOIN filesets f ON f.id = d.fileset_id "
                        + "WHERE f.sample_id = :sample AND d.read_number = :read AND COALESCE(d.lane, 0) = COALESCE(CAST(:lane AS INTEGER), 0))")
                .bind("sample", sampleId).bind("read", read.number()).bind("lane", read.lane()).mapTo(Boolean.class).one();
        if (exists) {
            throw ApiException.conflict("read_number", "sample " + sampleId + " already has read " + read.number()
                    + (read.lane() == null ? "" : " of lane " + read.lane()) + "; delete that file first to replace it");
        }
    }

    /**
     * The sample's fileset for a completing read, made with the first read: under the sample's row lock, so that
     * of two uploads of the same read completing at once the second sees the first (409) and no sample gets two
     * filesets.
     */
    private static long filesetFor(Handle h, Upload u, String type) {
        requireReads(type);
        h.createQuery("SELECT id FROM samples WHERE id = :id FOR UPDATE").bind("id", u.sampleId()).mapTo(Long.class).one();
        requireNewRead(h, u.sampleId(), u.read());
        return h.createQuery("SELECT id FROM filesets WHERE sample_id = :sample ORDER BY id LIMIT 1").bind("sample", u.sampleId())
                .mapTo(Long.class).findOne()
                // named by the database (fileset_name, V30): by its default when new, by the triggers as its files come and go
                .orElseGet(() -> h.createQuery("INSERT INTO filesets (sample_id) VALUES (:sample) RETURNING id")
                        .bind("sample", u.sampleId()).mapTo(Long.class).one());
    }

    private static void same(String field, Object recorded, Object given) {
        if (!Objects.equals(recorded, given)) {
            throw ApiException.invalid(field, "this upload's chunks say " + recorded + ", this one " + given + "; every chunk of an upload says the same");
        }
    }

    /** Forgets the upload and removes its bytes: rows first, so that no row ever names missing bytes. */
    private void discard(Upload u) throws IOException {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM uploads WHERE id = :id").bind("id", u.id()).execute());
        removeBytes(u);
    }

    /** {@link #discard} by the completion under {@code claim}, while it holds: whether it did. */
    private boolean discard(Upload u, String claim) {
        boolean held = jdbi.withHandle(h -> h.createUpdate("DELETE FROM uploads WHERE id = :id AND status = 'completing' AND completer = :claim")
                .bind("id", u.id()).bind("claim", claim).execute()) == 1;
        if (held) removeBytes(u);
        return held;
    }

    private void removeBytes(Upload u) {
        digests.forget(u.id());
        try {
            storage.delete(u.key());
        } catch (IOException e) {
            // An orphan under uploads/ that no row names; the expiry sweep removes such files.
            log.warn("could not remove the bytes of upload {}: {}", u.id(), e.toString());
        }
    }

    private static Upload upload(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Upload(rs.getObject("id", UUID.class), rs.getString("file_id"), rs.getString("filename"), (Integer) rs.getObject("total_chunks"),
                (Long) rs.getObject("chunk_size"), rs.getString("data_type"), rs.getString("detected_type"), rs.getString("compression"),
                (Long) rs.getObject("sample_id"), (Long) rs.getObject("project_id"), rs.getString("md5"), rs.getString("status"),
                (Long) rs.getObject("data_id"), rs.getObject("expires_at", OffsetDateTime.class).toInstant(),
                rs.getObject("read_number") == null ? null : new Read(rs.getInt("read_number"), (Integer) rs.getObject("lane", Integer.class)),
                rs.getLong("record_id"), (Long) rs.getObject("held"), rs.getInt("received"));
    }
}
