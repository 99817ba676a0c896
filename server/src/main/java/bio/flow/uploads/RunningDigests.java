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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The md5 of each upload's bytes from its first byte on, kept up as its pieces are written in order, so that the
 * completion hashes only what came after the hashed prefix (usually nothing) instead of reading the whole file back:
 * for a 5 GB file that is seconds of the last request. Pieces that arrive out of order are written unhashed; the
 * prefix stops before them and the completion reads them back ({@link Uploads}).
 *
 * <p>The digest is trusted only when it is certain to be of the bytes in the part: it is kept in this process's
 * memory (after a restart, or on another server, there is none and the completion hashes the whole file), a piece
 * extends it only once the piece is recorded, and it is given up for good when two requests wrote the same range
 * at once (a client's retry racing its first try may have sent other bytes, and the last writer wins on disk).
 */
final class RunningDigests {
    private final Map<UUID, Running> uploads = new ConcurrentHashMap<>();
    private final Duration forgetAfter;

    RunningDigests(Duration forgetAfter) {
        this.forgetAfter = forgetAfter;
    }

    private static final class Running {
        MessageDigest md5 = md5();
        long hashed;
        boolean spoiled;
        final Set<Long> writing = new HashSet<>();
        long touched = System.nanoTime();
    }

    /** One piece being written at an offset: its stream, and whether it was recorded; closed once that is known. */
    static final class Piece implements AutoCloseable {
        private final Running running;
        private final long offset;
        private final MessageDigest extended; // null when this piece does not start where the prefix ends

        private boolean done;

        private Piece(Running running, long offset, MessageDigest extended) {
            this.running = running;
            this.offset = offset;
            this.extended = extended;
        }

        /** The piece's bytes, to be written: hashed on their way when they extend the prefix. */
        InputStream through(InputStream in) {
            return extended == null ? in : new DigestInputStream(in, extended);
        }

        /** The piece of {@code size} bytes is written and recorded: the prefix grows by it when it extends it. */
        void recorded(long size) {
            synchronized (running) {
                if (done) return;
                done = true;
                running.writing.remove(offset);
                if (extended != null && !running.spoiled && running.hashed == offset) {
                    running.md5 = extended;
                    running.hashed = offset + size;
                }
            }
        }

        /** Unless it was recorded, the piece failed or was a repeat: the prefix stays as it was. */
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
            boolean extends_ = !r.spoiled && offset == r.hashed;
            return new Piece(r, offset, extends_ ? clone(r.md5) : null);
        }
    }

    /**
     * The md5 of the upload's first {@code size} bytes: the prefix hashed as the pieces came, continued with the
     * rest read from {@code tail} (the part from where the prefix ends), or null when there is no trustworthy
     * prefix and the whole part must be hashed. Forgets the upload.
     */
    byte[] finish(UUID upload, long size, TailReader tail) throws IOException {
        Running r = uploads.remove(upload);
        if (r == null) return null;
        MessageDigest md5;
        long hashed;
        synchronized (r) {
            if (r.spoiled || !r.writing.isEmpty() || r.hashed > size) return null;
            md5 = r.md5;
            hashed = r.hashed;
        }
        if (hashed < size) {
            try (InputStream in = new DigestInputStream(tail.read(hashed, size - hashed), md5)) {
                long read = in.transferTo(OutputStream.nullOutputStream());
                if (read != size - hashed) return null;
            }
        }
        return md5.digest();
    }

    /** Forgets an upload that was discarded. */
    void forget(UUID upload) {
        uploads.remove(upload);
    }

    @FunctionalInterface
    interface TailReader {
        InputStream read(long offset, long length) throws IOException;
    }

    /** Uploads nobody wrote to for longer than an upload lives are gone (expired): their digests are dropped. */
    private void forgetIdle() {
        long now = System.nanoTime();
        uploads.values().removeIf(r -> {
            synchronized (r) {
                return r.writing.isEmpty() && now - r.touched > forgetAfter.toNanos();
            }
        });
    }

    private static MessageDigest clone(MessageDigest md5) {
        try {
            return (MessageDigest) md5.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's md5 can be cloned", e);
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has md5", e);
        }
    }
}
