package bio.flow.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Where Flow keeps file contents, by {@link StorageKey}: local disk ({@link LocalStorage}) or an S3 bucket
 * ({@link S3Storage}, {@code FLOW_STORAGE=s3}), behind the same interface, which is why it speaks of keys and whole objects rather than paths, and keeps no state
 * of its own: what an upload has received is recorded in PostgreSQL, the bytes are here.
 *
 * <p><b>Assembling uploads.</b> A file arrives in pieces, in any order, and any piece may be sent again. Each
 * piece is written straight into the upload's part ({@code uploads/<uuid>/part}) at its byte offset with
 * {@link #writeAt}; once {@code writeAt} returns, the piece is on disk and the caller records it (offset and
 * size) in the database. A retried piece writes the same bytes over the same range; a piece that failed halfway
 * wrote bytes no row counts, which its retry overwrites. When the database shows every byte present, the caller
 * hashes the part ({@link #digest}, unless it hashed the pieces in order as they came) and {@link #move}s it to
 * its record's key ({@code data/123}), which is atomic: the data appears whole or not at all. So the bytes are
 * written once, never copied again at the end. The offset protocol gives each piece's offset; the chunk
 * protocol's offset is chunk × the chunk size (every chunk but the last has the same size); a chunk whose offset
 * is not known yet (a last chunk before any other) can wait under its own key ({@code uploads/<uuid>/chunk-7},
 * {@link #write}) and be copied in with {@code writeAt} when it is. On S3, where an object cannot be written at
 * an offset and a multipart upload's parts are numbered and at least 5 MiB, each piece is an object of its own and
 * {@code move} composes them into the record's object with one multipart upload (see {@link S3Storage}).
 */
public interface Storage {
    /** Whether files can be written, and how much room is left when the storage has a bound ({@link #freeBytes}). */
    Health health();

    /**
     * Stores a stream under a key, replacing what it held, atomically: a reader, or a crash, sees the old bytes
     * or the whole new ones, never part of them. The size and md5 are computed while the bytes pass.
     *
     * @throws TooLargeException when the stream holds more than {@code maxBytes} (nothing is kept)
     * @throws StorageFullException when the storage is full (nothing is kept)
     */
    Stored write(StorageKey key, InputStream in, long maxBytes) throws IOException;

    /**
     * Writes a stream into a part at a byte offset, creating the part when needed (a range not written yet
     * reads as zeros), and makes it durable before returning. Pieces may be written in any order, at once, and
     * again. The answer is this piece's size; it is not hashed here, since the caller hashes the file as a whole
     * (a piece's own md5 would cost as much and serve nothing). A failed write may leave some of its bytes in the
     * part: a part is unfinished by nature, and only its record in the database says which ranges are complete.
     *
     * @throws TooLargeException when the stream holds more than {@code maxBytes}
     * @throws StorageFullException when the storage is full
     */
    long writeAt(StorageKey part, long offset, InputStream in, long maxBytes) throws IOException;

    /**
     * Cuts a part down to {@code size} bytes (what a piece written but never recorded left past the recorded
     * ones), durably.
     */
    void truncate(StorageKey part, long size) throws IOException;

    /** Renames a key's bytes to another key, replacing what that held, atomically. */
    void move(StorageKey from, StorageKey to) throws IOException;

    /**
     * The bytes from {@code offset} to {@code offset + length}, or to the end when that comes first, as a stream
     * that reads them from storage as it is read (never the whole file in memory). A stream opened before the
     * key is replaced or deleted keeps reading the bytes it was opened on.
     *
     * @throws NoSuchFileException when the key holds nothing
     * @throws IllegalArgumentException when the offset is negative or past the end, or the length negative
     */
    InputStream read(StorageKey key, long offset, long length) throws IOException;

    /** All the bytes of a key; see {@link #read(StorageKey, long, long)}. */
    default InputStream read(StorageKey key) throws IOException {
        return read(key, 0, Long.MAX_VALUE);
    }

    /**
     * Where a key's bytes are on this machine's file system, for a program that must be handed a path (a pipeline
     * reading its inputs); empty when the key holds nothing, or when the storage keeps no local files (S3 will not:
     * a run there stages its inputs by downloading them). The one place that lends out a stored file's path; the
     * file must only be read.
     */
    Optional<Path> localPath(StorageKey key);

    /**
     * A URL at which a client may GET a record's bytes from the storage itself for a while, answered with this
     * {@code Content-Type} and {@code Content-Disposition}, so that a download need not pass through Flow; empty when the
     * storage gives none (local storage never does; S3 with FLOW_S3_PRESIGNED_DOWNLOADS does, see {@link S3Storage}).
     * Whoever holds the URL may use it until it expires: call it only for a caller who may read the record.
     */
    Optional<URI> downloadLink(StorageKey key, String contentType, String contentDisposition);

    /**
     * Stores the bytes of a local file under a key, replacing what it held, atomically, and leaves the file where
     * it is (a pipeline's published output, which stays in its run directory). Copies it through {@link #write};
     * {@link LocalStorage} links it instead when both are on one file system, so that no byte is copied.
     */
    default Stored store(StorageKey key, Path file) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            return write(key, in, Long.MAX_VALUE);
        }
    }

    /** Reads a key's bytes again for their size and md5 (a finished part, or integrity verification). */
    Stored digest(StorageKey key) throws IOException;

    /** @throws NoSuchFileException when the key holds nothing */
    long size(StorageKey key) throws IOException;

    boolean exists(StorageKey key) throws IOException;

    /**
     * Removes a key's bytes, and for a record's key the keys under it too (an upload's chunks). Idempotent:
     * answers whether there was anything to remove.
     */
    boolean delete(StorageKey key) throws IOException;

    /**
     * Every key of a kind with its size and last change, for the orphan sweep and verification, in no set
     * order. Close the stream. Writes in progress are not listed; a key written while the stream is read
     * may or may not be.
     */
    Stream<Entry> list(String kind) throws IOException;

    /**
     * Bytes that can still be written, or empty when the storage has no such bound to tell: an S3 bucket has no size,
     * and a quota a provider sets on it (Ceph, MinIO) shows only as a failed write, a {@link StorageFullException},
     * as a full disk does. So nothing may count on it to refuse work beforehand: a write that finds no room fails
     * cleanly either way.
     */
    OptionalLong freeBytes() throws IOException;

    /**
     * Removes what writes interrupted by a crash left behind (invisible to every other method) when it is older
     * than {@code age}, long enough for no live write to be that old. Answers how many were removed.
     */
    int removeAbandonedWrites(Duration age) throws IOException;

    /** {@code availableBytes}: as {@link #freeBytes}, empty when the storage has no bound. */
    record Health(boolean writable, OptionalLong availableBytes) {}

    /** What a write stored, or a digest read: the size in bytes and the md5 in lowercase hex. */
    record Stored(long size, String md5) {}

    record Entry(StorageKey key, long size, Instant modified) {}
}
