package bio.flow.data;

import bio.flow.db.Claims;
import bio.flow.http.Json;
import bio.flow.storage.Storage;
import bio.flow.storage.StorageKey;
import bio.flow.users.UserRef;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Integrity verification of stored data: reads the bytes of every ready data record again, throttled, and compares
 * their size and md5 with the record's; reports records whose bytes are missing or corrupt, and stored bytes that no
 * record names (orphaned). A record found missing or corrupt is marked ({@code data.integrity}) and its bytes are no
 * longer served ({@link DataContents#servable}); a later run that finds them good again (restored from a
 * backup) clears the mark. Runs are kept in {@code storage_verifications}; one runs at a time (a partial unique
 * index, so also across a server and {@code ./flow verify}, which the data directory's lock keeps apart anyway).
 *
 * <p>Orphans are only reported (the hourly housekeeping removes them once they are an hour old): the files under
 * {@code data/} are listed when the run starts and judged against the records when it ends, so that an upload
 * completing meanwhile (its bytes are moved a moment before its record commits) is not taken for one.
 */
public final class Verifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Verifier.class);
    private static final String KIND = "data";
    private static final int BUFFER = 1 << 20;
    /** Records are read from the database this many at a time. */
    private static final int PAGE = 1000;
    /** Progress is written to the run's row at most this often. */
    private static final Duration SAVE_EVERY = Duration.ofSeconds(1);
    private static final String RUN_COLUMNS = "v.id, v.source, v.requested_by, u.username, v.status, v.started, v.finished, "
            + "v.max_mb_per_second, v.total, v.checked, v.checked_bytes, v.missing, v.corrupt, v.orphaned, v.error";
    private static final String RUNS = "SELECT " + RUN_COLUMNS + " FROM storage_verifications v LEFT JOIN users u ON u.id = v.requested_by ";

    private final Jdbi jdbi;
    private final Storage storage;
    private final int maxMbPerSecond;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "flow-verify");
        t.setDaemon(true);
        return t;
    });
    private final Claims claims;
    /** The run this process is going through, if any: its claim is renewed. */
    private volatile Long mine;
    private volatile Optional<Run> lastFinished;

    /**
     * A run is claimed by the process going through it ({@link Claims}, V40), which may not be this one: several servers
     * and {@code ./flow verify} share the database. A run whose claim lapsed, or whose process on this host is gone, is
     * marked interrupted, now and at every renewal of this process's claims; a live process's run is left to it.
     */
    public Verifier(Jdbi jdbi, Storage storage, int maxMbPerSecond, Claims claims) {
        this.jdbi = jdbi;
        this.storage = storage;
        this.maxMbPerSecond = maxMbPerSecond;
        this.claims = claims;
        claims.every("storage verifications", this::renewAndSweep);
        this.lastFinished = jdbi.withHandle(h -> h.createQuery(RUNS + "WHERE v.status = 'finished' ORDER BY v.started DESC, v.id DESC LIMIT 1")
                .map((rs, ctx) -> run(rs)).findOne());
    }

    /** A data record whose bytes are missing or corrupt, and why. */
    public record Problem(long id, String reason) {}

    /** Stored bytes that no record names: their key (e.g. {@code data/123}) and size. */
    public record Orphan(String key, long size) {}

    /** A run, as {@code GET /admin/storage/verify} shows it; {@code requested_by} is null for {@code ./flow verify}. */
    public record Run(long id, String source, UserRef requested_by, String status, Instant started, Instant finished, Long duration_ms,
                      int max_mb_per_second, int total, int checked, long checked_bytes, List<Problem> missing, List<Problem> corrupt,
                      List<Orphan> orphaned, String error) {
        public boolean clean() {
            return missing.isEmpty() && corrupt.isEmpty();
        }
    }

    /**
     * Starts a run in the background, requested by an administrator, and answers it; while a run is going, starts
     * nothing and answers that one.
     */
    public Run start(long requestedBy) {
        while (true) {
            Optional<Long> id = insert("api", requestedBy);
            if (id.isPresent()) {
                worker.submit(() -> {
                    try {
                        execute(id.get());
                    } catch (RuntimeException e) { // its end could not be recorded: once its claim lapsed, it is marked interrupted
                        log.warn("storage verification {} could not record its end", id.get(), e);
                    }
                });
                return get(id.get());
            }
            Optional<Run> running = jdbi.withHandle(h -> h.createQuery(RUNS + "WHERE v.status = 'running'").map((rs, ctx) -> run(rs)).findOne());
            if (running.isPresent()) return running.get();
            // it ended between the two statements: try again
        }
    }

    /** Runs a verification on the caller's thread ({@code ./flow verify}); empty when another one is running. */
    public Optional<Run> runNow() {
        Optional<Long> id = insert("cli", null);
        id.ifPresent(this::execute);
        return id.map(this::get);
    }

    /** The run going on, else the last one. */
    public Optional<Run> latest() {
        return jdbi.withHandle(h -> h.createQuery(RUNS + "ORDER BY v.status = 'running' DESC, v.started DESC, v.id DESC LIMIT 1")
                .map((rs, ctx) -> run(rs)).findOne());
    }

    /** The last run that went to its end, for /health. */
    public Optional<Run> lastFinished() {
        return lastFinished;
    }

    private Optional<Long> insert(String source, Long requestedBy) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO storage_verifications (source, requested_by, max_mb_per_second, claimed_by, "
                        + "claimed_until) VALUES (:source, :by, :rate, :me, " + Claims.UNTIL + ") "
                        + "ON CONFLICT ((true)) WHERE status = 'running' DO NOTHING RETURNING id")
                .bind("source", source).bind("by", requestedBy).bind("rate", maxMbPerSecond).bind("me", claims.holder())
                .bind("lease_ms", claims.leaseMillis()).mapTo(Long.class).findOne());
    }

    /** Renews the claim of this process's run; marks interrupted the runs whose claim lapsed or whose process is gone. */
    private void renewAndSweep() {
        Long id = mine;
        if (id != null) {
            jdbi.useHandle(h -> h.createUpdate("UPDATE storage_verifications SET claimed_until = " + Claims.UNTIL
                            + " WHERE id = :id AND status = 'running' AND claimed_by = :me")
                    .bind("lease_ms", claims.leaseMillis()).bind("id", id).bind("me", claims.holder()).execute());
        }
        List<Long> interrupted = jdbi.withHandle(h -> h.createQuery("UPDATE storage_verifications SET status = 'interrupted', "
                        + "finished = now(), claimed_by = NULL, claimed_until = NULL "
                        + "WHERE status = 'running' AND " + Claims.takeable("claimed_by", "claimed_until") + " RETURNING id")
                .bindArray("dead", String.class, claims.deadHolders(h, "storage_verifications", "claimed_by", "status = 'running'"))
                .mapTo(Long.class).list());
        if (!interrupted.isEmpty()) log.info("storage verification {} stopped with its process: marked interrupted", interrupted);
    }

    private Run get(long id) {
        return jdbi.withHandle(h -> h.createQuery(RUNS + "WHERE v.id = :id").bind("id", id).map((rs, ctx) -> run(rs)).one());
    }

    /** What a run has found so far. */
    private static final class Progress {
        int total;
        int checked;
        long checkedBytes;
        final List<Problem> missing = new ArrayList<>();
        final List<Problem> corrupt = new ArrayList<>();
        final List<Orphan> orphaned = new ArrayList<>();
    }

    private record Stored(long id, long size, String md5) {}

    private void execute(long runId) {
        mine = runId;
        try {
            execute(runId, new Progress());
        } finally {
            mine = null;
        }
    }

    private void execute(long runId, Progress p) {
        String status = "finished";
        String error = null;
        try {
            // the files as they are now, by record id; what no record names at the end is orphaned
            Map<String, Long> files = new HashMap<>();
            try (Stream<Storage.Entry> entries = storage.list(KIND)) {
                entries.forEach(e -> files.merge(e.key().id(), e.size(), Long::sum));
            }
            // the records ready now (those that become ready later are for the next run)
            long last = jdbi.withHandle(h -> h.createQuery("SELECT coalesce(max(id), 0) FROM data").mapTo(Long.class).one());
            p.total = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM data WHERE status = 'ready' AND id <= :last")
                    .bind("last", last).mapTo(Integer.class).one());
            Throttle throttle = new Throttle(maxMbPerSecond * (1L << 20));
            long lastSave = System.nanoTime();
            long after = 0;
            for (List<Stored> page; !(page = page(after, last)).isEmpty(); after = page.get(page.size() - 1).id()) {
                for (Stored r : page) {
                    if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
                    check(r, throttle, p);
                    files.remove(Long.toString(r.id()));
                    if (System.nanoTime() - lastSave > SAVE_EVERY.toNanos()) {
                        // not saved: this process's claim lapsed (it stalled, or lost the database) and the run was
                        // marked interrupted by another; it stops here
                        if (!save(runId, p, "running", null)) throw new InterruptedException();
                        lastSave = System.nanoTime();
                    }
                }
            }
            // what is left: records not ready (an import writing its bytes), and orphans
            List<Long> ids = files.keySet().stream().map(StorageKey::recordId).filter(Objects::nonNull).toList();
            Set<Long> named = jdbi.withHandle(h -> DataFiles.claimedIds(h, ids));
            files.forEach((id, size) -> {
                if (!named.contains(StorageKey.recordId(id))) p.orphaned.add(new Orphan(KIND + "/" + id, size));
            });
            p.orphaned.sort(Comparator.comparing(Orphan::key));
        } catch (InterruptedException | ClosedByInterruptException e) {
            status = "interrupted";
        } catch (IOException | RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) { // stopped while waiting for the database
                status = "interrupted";
            } else {
                log.warn("storage verification {} failed", runId, e);
                status = "failed";
                error = e.toString();
            }
        }
        Thread.interrupted(); // the run's end is recorded even when the server is stopping
        if (!save(runId, p, status, error)) {
            log.warn("storage verification {} was marked interrupted by another process: this one's claim had lapsed", runId);
            return;
        }
        Run run = get(runId);
        if (status.equals("finished")) lastFinished = Optional.of(run);
        log.info("storage verification {} {}: {} of {} files checked, {} missing, {} corrupt, {} orphaned", runId, status, run.checked(),
                run.total(), run.missing().size(), run.corrupt().size(), run.orphaned().size());
    }

    /** Checks one record's bytes and marks the record accordingly; a record deleted or replaced meanwhile is left out. */
    private void check(Stored r, Throttle throttle, Progress p) throws IOException, InterruptedException {
        StorageKey key = StorageKey.of(KIND, r.id());
        String problem = null;
        String reason = null;
        try {
            long size = storage.size(key);
            if (size != r.size()) {
                problem = "corrupt";
                reason = "the stored file has " + size + " bytes where the record says " + r.size();
            } else {
                String md5 = md5(key, throttle);
                p.checkedBytes += size;
                if (r.md5() != null && !r.md5().equals(md5)) {
                    problem = "corrupt";
                    reason = "the stored file's md5 is " + md5 + " where the record says " + r.md5();
                }
            }
        } catch (NoSuchFileException e) {
            problem = "missing";
            reason = "the stored file is missing";
        }
        String kind = problem;
        String why = reason;
        int marked = jdbi.withHandle(h -> h.createUpdate("UPDATE data SET integrity = :kind, integrity_reason = :reason, "
                        + "integrity_marked = CASE WHEN :kind IS NULL THEN NULL WHEN integrity = :kind THEN integrity_marked ELSE now() END, "
                        + "verified = now() WHERE id = :id AND status = 'ready' AND size = :size AND md5 IS NOT DISTINCT FROM :md5")
                .bind("kind", kind).bind("reason", why).bind("id", r.id()).bind("size", r.size()).bind("md5", r.md5()).execute());
        if (marked == 0) return;
        p.checked++;
        if (problem != null) (problem.equals("missing") ? p.missing : p.corrupt).add(new Problem(r.id(), reason));
    }

    /** The ready records after one id and up to another, a page of them in id order. */
    private List<Stored> page(long after, long last) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, size, md5 FROM data WHERE status = 'ready' AND id > :after AND id <= :last "
                        + "ORDER BY id LIMIT :n")
                .bind("after", after).bind("last", last).bind("n", PAGE)
                .map((rs, ctx) -> new Stored(rs.getLong("id"), rs.getLong("size"), rs.getString("md5"))).list());
    }

    /** The data record a stored id would belong to; null when it is not a record id at all. */
    private String md5(StorageKey key, Throttle throttle) throws IOException, InterruptedException {
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has MD5", e);
        }
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = storage.read(key)) {
            for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0; ) {
                md5.update(buffer, 0, n);
                throttle.pass(n);
            }
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    /** Writes the run's progress, or its end (which ends its claim); false when the run is no longer this process's. */
    private boolean save(long runId, Progress p, String status, String error) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE storage_verifications SET status = :status, "
                        + "finished = CASE WHEN :status = 'running' THEN NULL ELSE now() END, total = :total, checked = :checked, "
                        + "checked_bytes = :bytes, missing = CAST(:missing AS jsonb), corrupt = CAST(:corrupt AS jsonb), "
                        + "orphaned = CAST(:orphaned AS jsonb), error = :error, "
                        + "claimed_by = CASE WHEN :status = 'running' THEN claimed_by END, "
                        + "claimed_until = CASE WHEN :status = 'running' THEN claimed_until END "
                        + "WHERE id = :id AND status = 'running' AND claimed_by = :me")
                .bind("status", status).bind("total", p.total).bind("checked", p.checked).bind("bytes", p.checkedBytes)
                .bind("missing", json(p.missing)).bind("corrupt", json(p.corrupt)).bind("orphaned", json(p.orphaned))
                .bind("error", error).bind("id", runId).bind("me", claims.holder()).execute()) == 1;
    }

    private static Run run(ResultSet rs) throws SQLException {
        Instant started = rs.getObject("started", OffsetDateTime.class).toInstant();
        OffsetDateTime end = rs.getObject("finished", OffsetDateTime.class);
        Instant finished = end == null ? null : end.toInstant();
        Long by = rs.getObject("requested_by", Long.class);
        return new Run(rs.getLong("id"), rs.getString("source"), by == null ? null : new UserRef(by, rs.getString("username")),
                rs.getString("status"), started, finished, finished == null ? null : Duration.between(started, finished).toMillis(),
                rs.getInt("max_mb_per_second"), rs.getInt("total"), rs.getInt("checked"), rs.getLong("checked_bytes"),
                read(rs.getString("missing"), new TypeReference<List<Problem>>() {}),
                read(rs.getString("corrupt"), new TypeReference<List<Problem>>() {}),
                read(rs.getString("orphaned"), new TypeReference<List<Orphan>>() {}), rs.getString("error"));
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits a moment for a run to record that it was interrupted. */
    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Keeps reading at or under a rate, on average since the run began. */
    static final class Throttle {
        private final long bytesPerSecond;
        private final long start = System.nanoTime();
        private long bytes;

        /** @param bytesPerSecond 0: no limit */
        Throttle(long bytesPerSecond) {
            this.bytesPerSecond = bytesPerSecond;
        }

        void pass(long n) throws InterruptedException {
            if (bytesPerSecond == 0) return;
            bytes += n;
            long pause = pause(bytes, System.nanoTime() - start, bytesPerSecond);
            if (pause > 0) TimeUnit.NANOSECONDS.sleep(pause);
        }

        /** How long to wait, having read {@code bytes} in {@code elapsedNanos}, to stay at or under the rate. */
        static long pause(long bytes, long elapsedNanos, long bytesPerSecond) {
            long due = (long) (bytes * 1e9 / bytesPerSecond);
            return Math.max(0, due - elapsedNanos);
        }
    }
}
