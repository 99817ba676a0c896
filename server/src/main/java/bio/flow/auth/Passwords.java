package bio.flow.auth;

import bio.flow.http.ApiException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * Password rules and hashing (Argon2id, 19 MiB, 2 passes: OWASP's minimum, ~50 ms here).
 *
 * <p>Every hash runs through a bounded pool: at most {@code concurrency} at once, because each takes a core and
 * 19 MiB, and anyone can ask for one (sign-up, login, reset). At most {@code queue} requests wait for a place,
 * each for at most {@code wait}; a request beyond that gets 503 with Retry-After at once, and so does one whose
 * wait runs out. So a flood of them can exhaust neither the CPU nor the heap, nor the server's request threads
 * (a waiting request holds one): requests that need no hash stay as fast as ever (bench/login-flood.sh).
 */
public final class Passwords {
    static final int MIN_LENGTH = 10;
    static final int MAX_LENGTH = 256;
    /** What a caller turned away by a full pool is told to wait: hashes take milliseconds, so the pool frees up soon. */
    private static final long BUSY_RETRY_AFTER_SECONDS = 1;

    private final Argon2PasswordEncoder encoder = new Argon2PasswordEncoder(16, 32, 1, 19 * 1024, 2);
    private final String decoyHash = encoder.encode("decoy-password-for-timing");
    private final Semaphore places;
    private final Semaphore queue;
    private final long waitMillis;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicLong computed = new AtomicLong();

    public Passwords(int concurrency, int queue, Duration wait) {
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1");
        if (queue < 0) throw new IllegalArgumentException("queue must not be negative");
        this.places = new Semaphore(concurrency, true);
        // A place in the queue is held while hashing too, so that it counts every request in the pool.
        this.queue = new Semaphore(concurrency + queue);
        this.waitMillis = wait.toMillis();
    }

    /**
     * Takes a place in the pool's queue for a request that is going to hash, or throws 503 when the queue is full.
     * Take it before any other work towards the hash (lookups, throttle rows), so that a request turned away
     * costs next to nothing; close it when done.
     */
    public Admission admit() {
        if (!queue.tryAcquire()) throw busy();
        return new Admission();
    }

    /** A request's place in the queue: its hashes wait (at most {@code wait}) for a place in the pool. */
    public final class Admission implements AutoCloseable {
        private boolean closed;

        private Admission() {}

        public String hash(String password) {
            return compute(() -> encoder.encode(password));
        }

        /** False for a null hash (an OIDC-only account has no password), after as long as a real check takes. */
        public boolean matches(String password, String hash) {
            if (hash == null) return decoy(password);
            return compute(() -> encoder.matches(password, hash));
        }

        /** Compares against a hash of nothing, so that an unknown user costs as much time as a known one; false. */
        public boolean decoy(String password) {
            compute(() -> encoder.matches(password, decoyHash));
            return false;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                queue.release();
            }
        }
    }

    /** A hash for a request that did no costly work before it (see {@link #admit}). */
    public String hash(String password) {
        try (Admission a = admit()) {
            return a.hash(password);
        }
    }

    /** A check for a request that did no costly work before it (see {@link #admit}). */
    public boolean matches(String password, String hash) {
        try (Admission a = admit()) {
            return a.matches(password, hash);
        }
    }

    private <T> T compute(Supplier<T> hashing) {
        try {
            if (!places.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) throw busy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
        try {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            computed.incrementAndGet();
            return hashing.get();
        } finally {
            running.decrementAndGet();
            places.release();
        }
    }

    private static ApiException busy() {
        return ApiException.busy("the server is busy checking passwords; try again shortly", BUSY_RETRY_AFTER_SECONDS);
    }

    /** The most hashes that have run at once: for tests (and operators) checking that the bound holds. */
    public int peakConcurrentHashes() {
        return peak.get();
    }

    /** How many hashes have been computed, decoys included: for tests that check when a request hashes. */
    public long hashesComputed() {
        return computed.get();
    }

    /** Throws a 400 naming {@code field} when the password is too weak for this username. */
    public static void checkStrength(String field, String password, String username) {
        if (password == null) throw ApiException.invalid(field, "is required");
        if (password.length() < MIN_LENGTH) throw ApiException.invalid(field, "must be at least " + MIN_LENGTH + " characters");
        if (password.length() > MAX_LENGTH) throw ApiException.invalid(field, "must be at most " + MAX_LENGTH + " characters");
        if (username != null && password.equalsIgnoreCase(username)) throw ApiException.invalid(field, "must not be the username");
    }
}
