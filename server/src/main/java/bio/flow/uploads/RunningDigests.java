package bio.flow.uploads;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The md5 of each upload's bytes from its first byte on, kept up in the background as its pieces are recorded, so
 * that neither a piece's request nor the completion hashes the file: the completion only waits for the hashing to
 * catch up and hashes what is left (usually nothing). For a 5 GB file that is seconds of the last request, and the
 * md5 of each piece runs on another core while the client sends the next.
 *
 * <p>A background task per upload reads the recorded pieces back from the part (from the page cache: they were just
 * written) in offset order, extending the digest over each piece that starts where it ends; pieces recorded ahead of
 * it wait until the pieces before them are in. The digest is trusted only when it is certain to be of the bytes in
 * the part: it lives in this process's memory (after a restart, or on another server, there is none and the
 * completion hashes the whole file), and it is given up for good when a recorded range may have been written again
 * with other bytes (two requests wrote the same range at once, or a piece already recorded was written again).
 */
final class RunningDigests {
    private static final Logger log = LoggerFactory.getLogger(RunningDigests.class);

    /** Reads a range of an upload's part. */
    @FunctionalInterface
    interface PartReader {
        InputStream read(UUID upload, long offset, long length) throws IOException;
    }

    private static final long SWEEP_EVERY_NANOS = 60_000_000_000L;

    private final Map<UUID, Running> uploads = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());
    private final PartReader part;
    private final Duration forgetAfter;
    private final ExecutorService hashing;

    RunningDigests(PartReader part, Duration forgetAfter) {
        this.part = part;
        this.forgetAfter = forgetAfter;
        // As many hashing threads as cores: the tasks of one upload never run at once (see Running.hashing).
        this.hashing = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "flow-upload-md5");
            t.setDaemon(true);
            return t;
        });
    }

    /** One upload's digest; every field is guarded by the object's monitor, but {@code md5} while {@code hashing}. */
    private static final class Running {
        final MessageDigest md5 = md5();
        long hashed;
        boolean spoiled;
        boolean hashing;
        final Set<Long> writing = new HashSet<>();
        final TreeMap<Long, Long> recordedAhead = new TreeMap<>();
        long touched = System.nanoTime();
    }

    /** One piece being written at an offset; closed once the request knows whether it was recorded. */
    final class Piece implements AutoCloseable {
        private final UUID upload;
        private final Running running;
        private final long offset;
        private boolean done;

        private Piece(UUID upload, Running running, long offset) {
            this.upload = upload;
            this.running = running;
            this.offset = offset;
        }

        /** The piece of {@code size} bytes is written and recorded: it is hashed once the pieces before it are. */
        void recorded(long size) {
            synchronized (running) {
                if (done) return;
                done = true;
                running.writing.remove(offset);
                if (running.spoiled) return;
                if (offset < running.hashed || running.recordedAhead.containsKey(offset)) {
                    running.spoiled = true; // a range already recorded, recorded again: it may hold other bytes now
                    return;
                }
                running.recordedAhead.put(offset, size);
                schedule(upload, running);
            }
        }

        /** The piece was written over a range another request recorded: the bytes there may have changed. */
        void rewrote() {
            synchronized (running) {
                done = true;
                running.writing.remove(offset);
                running.spoiled = true;
            }
        }

        /** Unless it was recorded, the piece failed or wrote nothing: the digest goes on as it was. */
        @Override
        public void close() {
            synchronized (running) {
                if (done) return;
                done = true;
                running.writing.remove(offset);
            }
        }
    }

    /** Starts writing a piece of an upload at {@code offset}; {@link Piece#recorded} once it is, and close it in any case. */
    Piece writing(UUID upload, long offset) {
        forgetIdle();
        Running r = uploads.computeIfAbsent(upload, id -> new Running());
        synchronized (r) {
            r.touched = System.nanoTime();
            if (!r.writing.add(offset)) r.spoiled = true; // the same range twice at once: which bytes win is unknown
            return new Piece(upload, r, offset);
        }
    }

    /** Starts the upload's hashing task unless it runs, when the next piece to hash is recorded. Under r's monitor. */
    private void schedule(UUID upload, Running r) {
        if (r.hashing || r.spoiled || !r.recordedAhead.containsKey(r.hashed)) return;
        r.hashing = true;
        hashing.execute(() -> hash(upload, r));
    }

    /** Hashes the recorded pieces that follow the digest, one after the other, until one is missing. */
    private void hash(UUID upload, Running r) {
        while (true) {
            long offset;
            long size;
            synchronized (r) {
                Long next = r.spoiled ? null : r.recordedAhead.get(r.hashed);
                if (next == null) {
                    r.hashing = false;
                    r.notifyAll();
                    return;
                }
                offset = r.hashed;
                size = next;
            }
            boolean read;
            try (InputStream in = new DigestInputStream(part.read(upload, offset, size), r.md5)) {
                read = in.transferTo(OutputStream.nullOutputStream()) == size;
            } catch (IOException | RuntimeException e) {
                log.debug("upload {}: hashing its part from {} failed, the completion hashes the whole part: {}", upload, offset, e.toString());
                read = false;
            }
            synchronized (r) {
                r.recordedAhead.remove(offset);
                if (read) r.hashed = offset + size;
                else r.spoiled = true; // the digest may hold part of the range
            }
        }
    }

    /**
     * The md5 of the upload's first {@code size} bytes: the digest kept up in the background, once it caught up,
     * continued with what follows it read from the part; or null when there is no trustworthy digest and the whole
     * part must be hashed. Forgets the upload.
     */
    byte[] finish(UUID upload, long size) throws IOException {
        Running r = uploads.remove(upload);
        if (r == null) return null;
        synchronized (r) {
            try {
                while (r.hashing) r.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (r.spoiled || !r.writing.isEmpty() || r.hashed > size) return null;
            r.spoiled = true; // no task may start on it any more: the digest is this caller's now
        }
        if (r.hashed < size) {
            try (InputStream in = new DigestInputStream(part.read(upload, r.hashed, size - r.hashed), r.md5)) {
                if (in.transferTo(OutputStream.nullOutputStream()) != size - r.hashed) return null;
            }
        }
        return r.md5.digest();
    }

    /** Forgets an upload that was discarded. */
    void forget(UUID upload) {
        Running r = uploads.remove(upload);
        if (r != null) {
            synchronized (r) {
                r.spoiled = true; // a task running stops at its next piece
            }
        }
    }

    /**
     * Uploads nobody wrote to for longer than an upload lives are gone (expired): their digests are dropped. Looked
     * for at most once a minute, not at every piece.
     */
    private void forgetIdle() {
        long now = System.nanoTime();
        long last = lastSweep.get();
        if (now - last < SWEEP_EVERY_NANOS || !lastSweep.compareAndSet(last, now)) return;
        uploads.entrySet().removeIf(e -> {
            Running r = e.getValue();
            synchronized (r) {
                boolean idle = r.writing.isEmpty() && !r.hashing && now - r.touched > forgetAfter.toNanos();
                if (idle) r.spoiled = true;
                return idle;
            }
        });
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has md5", e);
        }
    }
}
