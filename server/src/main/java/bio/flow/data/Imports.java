package bio.flow.data;

import bio.flow.access.Resource;
import bio.flow.analytics.Activity;
import bio.flow.db.Claims;
import bio.flow.access.Level;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.storage.Storage;
import bio.flow.storage.StorageFullException;
import bio.flow.storage.StorageKey;
import bio.flow.storage.TooLargeException;
import bio.flow.uploads.DataDetection;
import bio.flow.uploads.FileNames;
import bio.flow.uploads.Uploads;
import bio.flow.vocabularies.Vocabularies;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /data/import}: data the server fetches itself ({@link ImportSources}), in the background.
 *
 * <p>The request checks the source, the filename and the caller's right to add data to the sample or project
 * named (edit level, as uploads), then inserts the data record with status {@code importing} and the import's
 * state ({@code data_imports}) in one transaction, and answers 202 with the record. A worker of a bounded pool
 * (FLOW_IMPORT_CONCURRENCY) streams the bytes into storage under {@code data/<id>}, computing md5 and size on the
 * way, under the upload size limit; the content is checked as an upload's is ({@link DataDetection}). Only once
 * the bytes are stored does one statement record size, md5 and type and make the record {@code ready}. Any
 * failure makes it {@code failed} with a reason for its owner, and keeps no bytes (storage writes are atomic).
 *
 * <p>Progress ({@code bytes}, and {@code total} when the source said it) is written at most every
 * {@value #PROGRESS_MILLIS} ms; the same statement finds out when the record was deleted meanwhile, and the
 * worker then stops and keeps nothing. A record deleted after its bytes were stored has them removed by the
 * worker, whose final update finds no record.
 *
 * <p>Several servers share the database: an import is claimed by the server that runs it ({@link Claims}, V40), from
 * the request that starts it until its end, and its server renews the claim while it is queued or running. Another
 * server takes an import over (and starts it again from the beginning) only once its claim lapsed, or at once when no
 * process of this host has its server's pid, at its start and at every renewal; an import whose server lives is left
 * to it. Every write of the import's progress and its end is made only while the claim is still this server's, so that
 * a server that stalled past its lease does not make ready, fail or delete the bytes of an import another took over.
 * (What remains: such a server waking up in the half second between its last progress write and the end of its
 * storage write replaces the bytes with its own, of the same source.)
 *
 * <p>A stopping server breaks off its imports' reads (from http, https and server files at once; from S3 and ftp, whose
 * clients cannot be broken off from another thread, at the latest at the read timeout), leaves them {@code importing}
 * and gives up their claims: the next server to start, or another one at its next renewal, starts them again.
 */
public final class Imports implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Imports.class);
    static final long PROGRESS_MILLIS = 500;

    private final Jdbi jdbi;
    private final Vocabularies vocabularies;
    private final Storage storage;
    private final DataFiles data;
    private final Uploads uploads;
    private final ImportSources sources;
    private final long maxBytes;
    private final ExecutorService workers;
    /** How to break off the reads in progress, when the server stops. */
    private final Set<AutoCloseable> running = ConcurrentHashMap.newKeySet();
    private final Claims claims;
    /** The imports this server holds (queued or running), whose claims it renews. */
    private final Set<Long> mine = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    public Imports(Jdbi jdbi, Vocabularies vocabularies, Storage storage, DataFiles data, Uploads uploads, ImportSources sources,
                   long maxBytes, int concurrency, Claims claims) {
        this.jdbi = jdbi;
        this.claims = claims;
        this.vocabularies = vocabularies;
        this.storage = storage;
        this.data = data;
        this.uploads = uploads;
        this.sources = sources;
        this.maxBytes = maxBytes;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "flow-import-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The body of {@code POST /data/import}. */
    public record ImportRequest(String source, String path, Long sample_id, Long project_id, String data_type, String filename) {}

    /** Starts again, now and at every renewal of this server's claims, the imports whose server stopped or died. */
    public void resume() {
        claims.every("imports", this::renewAndTakeOver);
    }

    /** Renews the claims of this server's imports; claims those whose claim lapsed or whose server is gone, and starts them. */
    private void renewAndTakeOver() {
        if (closing) return;
        if (!mine.isEmpty()) {
            jdbi.useHandle(h -> h.createUpdate("UPDATE data_imports SET claimed_until = " + Claims.UNTIL
                            + " WHERE data_id = ANY(:mine) AND claimed_by = :me")
                    .bind("lease_ms", claims.leaseMillis()).bindArray("mine", Long.class, List.copyOf(mine)).bind("me", claims.holder())
                    .execute());
        }
        List<Long> taken = jdbi.withHandle(h -> h.createQuery("UPDATE data_imports i SET claimed_by = :me, claimed_until = " + Claims.UNTIL
                        + " FROM data d WHERE d.id = i.data_id AND d.status = 'importing' AND i.data_id <> ALL(:mine) AND "
                        + Claims.takeable("i.claimed_by", "i.claimed_until") + " RETURNING i.data_id")
                // not one this server still runs, whose claim lapsed while it could not renew (it finds out at its next write)
                .bind("me", claims.holder()).bind("lease_ms", claims.leaseMillis()).bindArray("mine", Long.class, List.copyOf(mine))
                .bindArray("dead", String.class, claims.deadHolders(h, "data_imports", "claimed_by", "claimed_by IS NOT NULL"))
                .mapTo(Long.class).list());
        if (taken.isEmpty()) return;
        log.info("starting again {} imports whose server stopped: {}", taken.size(), taken);
        taken.stream().sorted().forEach(this::submit);
    }

    /** Checks the request, records the import and starts it; the answer is the new record, {@code importing}. */
    public DataFiles.DataDetail start(Caller caller, ImportRequest r) {
        ImportSources.Location location = sources.check(r.source(), r.path());
        String filename = r.filename() != null ? FileNames.check(r.filename()) : defaultName(location);
        DataFiles.DataDetail detail = jdbi.inTransaction(h -> {
            String type = r.data_type() == null || r.data_type().isBlank() ? null : vocabularies.dataTypeId(h, r.data_type());
            uploads.requireContainer(h, caller, r.sample_id(), r.project_id());
            long id = h.createQuery("INSERT INTO data (filename, data_type, sample_id, project_id, owner_id, status) "
                            + "VALUES (:filename, :type, :sample, :project, :owner, 'importing') RETURNING id")
                    .bind("filename", filename).bind("type", type).bind("sample", r.sample_id())
                    .bind("project", r.sample_id() == null ? r.project_id() : null).bind("owner", caller.id())
                    .mapTo(Long.class).one();
            h.createUpdate("INSERT INTO data_imports (data_id, source, path, data_type, claimed_by, claimed_until) "
                            + "VALUES (:id, :source, :path, :type, :me, " + Claims.UNTIL + ")")
                    .bind("id", id).bind("source", location.source()).bind("path", location.path()).bind("type", type)
                    .bind("me", claims.holder()).bind("lease_ms", claims.leaseMillis()).execute();
            return data.detail(h, id, Optional.of(caller), Level.OWNER);
        });
        submit(detail.id());
        return detail;
    }

    private static String defaultName(ImportSources.Location location) {
        String name = location.lastSegment();
        try {
            return FileNames.check(name);
        } catch (ApiException e) {
            throw ApiException.invalid("filename", "the path's last segment '" + name + "' is not a usable filename (" + e.getMessage()
                    + "); give one in filename");
        }
    }

    /** Runs an import this server has claimed, renewing the claim until the import ends. */
    private void submit(long id) {
        mine.add(id);
        try {
            workers.execute(() -> {
                try {
                    run(id);
                } catch (RuntimeException e) { // recording the failure failed too (the database is gone): tried again once its claim lapsed
                    if (!closing) log.error("import of data {} could not be recorded", id, e);
                } finally {
                    mine.remove(id);
                }
            });
        } catch (RejectedExecutionException e) { // the server is stopping: the import is given up with the others
            mine.remove(id);
        }
    }

    private record Job(String filename, String source, String path, String dataType) {}

    private void run(long id) {
        if (closing) return;
        Optional<Job> found = jdbi.withHandle(h -> h.createQuery("UPDATE data_imports i SET attempts = attempts + 1, bytes = 0, total = NULL "
                        + "FROM data d WHERE d.id = i.data_id AND i.data_id = :id AND d.status = 'importing' AND i.claimed_by = :me "
                        + "RETURNING d.filename, i.source, i.path, i.data_type")
                .bind("id", id).bind("me", claims.holder())
                .map((rs, ctx) -> new Job(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))).findOne());
        if (found.isEmpty()) return; // deleted before it started, or taken over by another server while it waited here
        Job job = found.get();
        StorageKey key = StorageKey.of("data", id);
        ImportSources.Opened opened = null;
        try {
            opened = sources.open(new ImportSources.Location(job.source(), job.path()));
            running.add(opened.abort());
            if (closing) return;
            Long total = opened.total();
            if (total != null && total > maxBytes) throw new TooLargeException(maxBytes);
            jdbi.useHandle(h -> h.createUpdate("UPDATE data_imports SET total = :total WHERE data_id = :id AND claimed_by = :me")
                    .bind("total", total).bind("id", id).bind("me", claims.holder()).execute());
            InputStream in = new BufferedInputStream(new Progress(id, opened.in()), DataDetection.HEAD_BYTES + 1);
            in.mark(DataDetection.HEAD_BYTES + 1);
            byte[] head = in.readNBytes(DataDetection.HEAD_BYTES);
            in.reset();
            DataDetection.Detected detected = DataDetection.detect(job.filename(), job.dataType(), head, head.length < DataDetection.HEAD_BYTES);
            Storage.Stored stored = storage.write(key, in, maxBytes);
            if (total != null && stored.size() != total) {
                if (held(id)) storage.delete(key);
                throw new ImportSources.ImportFailure("the source said " + total + " bytes but sent " + stored.size());
            }
            record Ready(long owner, String filename) {}
            Optional<Ready> ready = jdbi.inTransaction(h -> {
                // Locked: a server taking the import over waits for this transaction, then finds it ended.
                if (h.createQuery("SELECT 1 FROM data_imports WHERE data_id = :id AND claimed_by = :me FOR UPDATE")
                        .bind("id", id).bind("me", claims.holder()).mapTo(Integer.class).findOne().isEmpty()) {
                    return Optional.<Ready>empty();
                }
                Optional<Ready> made = h.createQuery("UPDATE data SET status = 'ready', size = :size, md5 = :md5, data_type = :type, "
                                + "compression = :compression WHERE id = :id AND status = 'importing' RETURNING owner_id, filename")
                        .bind("size", stored.size()).bind("md5", stored.md5()).bind("type", detected.dataType())
                        .bind("compression", detected.compression().id()).bind("id", id)
                        .map((rs, ctx) -> new Ready(rs.getLong(1), rs.getString(2))).findOne();
                h.createUpdate("DELETE FROM data_imports WHERE data_id = :id").bind("id", id).execute();
                made.ifPresent(r -> Activity.record(h, r.owner(), Activity.Action.DATA_UPLOADED, Resource.DATA, id, "Imported " + r.filename()));
                return made;
            });
            // Not made ready: deleted while its bytes were being stored (they go), or taken over by another server (they are its).
            if (ready.isEmpty() && !recordExists(id)) storage.delete(key);
        } catch (Cancelled e) {
            // deleted meanwhile, or the server is stopping: nothing was kept, and nothing to record
        } catch (TooLargeException e) {
            fail(id, "the file is larger than the " + maxBytes + " bytes a file may have (FLOW_MAX_UPLOAD_BYTES)");
        } catch (StorageFullException e) {
            fail(id, "the server's storage is full");
        } catch (ImportSources.ImportFailure e) {
            fail(id, e.getMessage());
        } catch (ApiException e) { // the content is not what its name or declared type says
            fail(id, e.getMessage());
        } catch (IOException e) {
            if (!closing) fail(id, "reading the source failed: " + e);
        } catch (RuntimeException e) { // a bug, or the database gone: not left importing (a restart would try again forever)
            if (closing) return;
            log.error("import of data {} failed unexpectedly", id, e);
            fail(id, "the import failed unexpectedly (" + e.getClass().getSimpleName() + "); the server's log says more");
        } finally {
            if (opened != null) {
                running.remove(opened.abort());
                abort(opened.abort());
            }
        }
    }

    /**
     * Records why an import failed and ends its claim, unless it was deleted, another server took it over, or this server
     * is stopping (then it starts again).
     */
    private void fail(long id, String reason) {
        if (closing) return;
        boolean failed = jdbi.inTransaction(h -> {
            int n = h.createUpdate("UPDATE data_imports SET reason = :reason, claimed_by = NULL, claimed_until = NULL "
                    + "WHERE data_id = :id AND claimed_by = :me").bind("reason", reason).bind("id", id).bind("me", claims.holder()).execute();
            return n > 0 && h.createUpdate("UPDATE data SET status = 'failed' WHERE id = :id AND status = 'importing'").bind("id", id).execute() > 0;
        });
        if (failed) log.info("import of data {} failed: {}", id, reason);
    }

    /** Whether this server still holds the import's claim. */
    private boolean held(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM data_imports WHERE data_id = :id AND claimed_by = :me")
                .bind("id", id).bind("me", claims.holder()).mapTo(Integer.class).one() > 0);
    }

    private boolean recordExists(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM data WHERE id = :id").bind("id", id).mapTo(Integer.class).one() > 0);
    }

    /** The record was deleted while its bytes were read, another server took the import over, or the server is stopping. */
    private static final class Cancelled extends IOException {
        Cancelled() {
            super("the import was cancelled", null);
        }
    }

    /** Counts the bytes read and writes them down now and then; stops the import when its record or claim is gone. */
    private final class Progress extends FilterInputStream {
        private final long id;
        private long bytes;
        private long written = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(PROGRESS_MILLIS);

        Progress(long id, InputStream in) {
            super(in);
            this.id = id;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closing) throw new Cancelled();
            int n = super.read(b, off, len);
            if (closing) throw new Cancelled(); // a stopping server closed the source under this read: it did not end
            if (n > 0) bytes += n;
            long now = System.nanoTime();
            if (now - written >= TimeUnit.MILLISECONDS.toNanos(PROGRESS_MILLIS)) {
                written = now;
                int live = jdbi.withHandle(h -> h.createUpdate("UPDATE data_imports i SET bytes = :bytes FROM data d "
                                + "WHERE d.id = i.data_id AND i.data_id = :id AND d.status = 'importing' AND i.claimed_by = :me")
                        .bind("bytes", bytes).bind("id", id).bind("me", claims.holder()).execute());
                if (live == 0) throw new Cancelled();
            }
            return n;
        }
    }

    private static void abort(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.debug("closing an import's source: {}", e.toString());
        }
    }

    /**
     * Breaks off the imports in progress and gives up their claims: they stay {@code importing}, and the next server to
     * start (or another one, at its next renewal) starts them again. Imports that do not stop in 10 s keep their
     * claims, which lapse after the lease.
     */
    @Override
    public void close() {
        closing = true;
        workers.shutdownNow();
        running.forEach(Imports::abort);
        boolean stopped = false;
        try {
            stopped = workers.awaitTermination(10, TimeUnit.SECONDS);
            if (!stopped) log.warn("imports still running after 10 s; leaving them");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopped) {
            try {
                jdbi.useHandle(h -> h.createUpdate("UPDATE data_imports SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = :me")
                        .bind("me", claims.holder()).execute());
            } catch (RuntimeException e) { // the database is gone: the claims lapse after the lease
                log.warn("could not give up the claims of this server's imports: {}", e.toString());
            }
        }
        sources.close();
    }
}
