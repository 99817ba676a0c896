package bio.flow.downloads;

import bio.flow.access.AccessPolicy;
import bio.flow.access.Resource;
import bio.flow.data.DataContents;
import bio.flow.data.DataContents.StoredFile;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.FileResponses;
import bio.flow.storage.Storage;
import bio.flow.storage.StorageKey;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk archives: {@code POST /downloads} checks and chooses the files at once (all or nothing), records the job in
 * PostgreSQL, and a bounded pool of background threads writes each job's ZIP (ZIP64 when it needs to be) straight
 * into storage, where it appears whole or not at all; only a completed job is served.
 *
 * <p>Entries are DEFLATEd: at level 0 (stored blocks, about the speed of a copy) for data that is compressed
 * already (gzip, BGZF, BAM, CRAM) or binary of no known format (OTHER), at the fastest level for the rest (text,
 * which shrinks several times). (The STORED method would need each entry's
 * CRC before its bytes, so a second read of every file.)
 *
 * <p>Restarts: the server running a job touches its heartbeat every {@link #HEARTBEAT}; a queued or running job
 * whose heartbeat is older than {@link #STALE} (its server stopped or died) is taken over and written again from the
 * start, by a live server's sweep every {@link #HEARTBEAT} and at start.
 */
public final class Archives implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Archives.class);
    static final Duration HEARTBEAT = Duration.ofSeconds(10);
    static final Duration STALE = Duration.ofMinutes(1);
    /** The most ids of each kind one request may list. */
    static final int MAX_IDS = 10_000;
    /** Archives written at once by one server. */
    private static final int WORKERS = 2;

    private final Jdbi jdbi;
    private final AccessPolicy policy;
    private final DataContents contents;
    private final Storage storage;
    private final long maxBytes;
    private final Duration expiry;
    private final ExecutorService workers = Executors.newFixedThreadPool(WORKERS, daemon("flow-archive"));
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(daemon("flow-archive-heartbeat"));
    /** The jobs this server has queued or is running, whose heartbeat it keeps. */
    private final Set<Long> mine = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public Archives(Jdbi jdbi, AccessPolicy policy, DataContents contents, Storage storage, long maxBytes, Duration expiry) {
        this.jdbi = jdbi;
        this.policy = policy;
        this.contents = contents;
        this.storage = storage;
        this.maxBytes = maxBytes;
        this.expiry = expiry;
    }

    /** Takes over jobs left by a stopped server now, then keeps this server's heartbeats and looks for such jobs again. */
    public void start() {
        heartbeat.scheduleWithFixedDelay(() -> {
            try {
                if (!mine.isEmpty()) {
                    jdbi.useHandle(h -> h.createUpdate("UPDATE archive_jobs SET heartbeat_at = now() WHERE id = ANY(:ids)")
                            .bindArray("ids", Long.class, List.copyOf(mine)).execute());
                }
                resumeAbandoned();
            } catch (RuntimeException e) {
                log.warn("archive heartbeat failed: {}", e.toString());
            }
        }, 0, HEARTBEAT.toSeconds(), TimeUnit.SECONDS);
    }

    /** {@code executions}: their outputs. */
    public record ArchiveRequest(List<Long> data, List<Long> samples, List<Long> projects, List<Long> executions) {}

    /** A job as {@code GET /downloads/status} shows it. */
    public record Job(long id, String status, int progress, String download_url, Instant expires_at, Instant created, int files,
                      long total_bytes, Long size, String error) {}

    /**
     * Starts a job for what the request lists (data, samples, projects, and executions for their outputs): every id
     * must name something the caller may read (else 404 naming each that does not), each data file listed must be
     * servable (else 409), and the files together may not pass the limit (413). Data of the samples and projects listed that is not ready yet is left out, as listings leave it.
     */
    public Job create(Caller caller, ArchiveRequest r) {
        List<Long> dataIds = ids("data", r.data());
        List<Long> sampleIds = ids("samples", r.samples());
        List<Long> projectIds = ids("projects", r.projects());
        List<Long> executionIds = ids("executions", r.executions());
        if (dataIds.isEmpty() && sampleIds.isEmpty() && projectIds.isEmpty() && executionIds.isEmpty()) {
            throw ApiException.invalid("list at least one id in data, samples, projects or executions", Map.of());
        }
        Optional<Caller> who = Optional.of(caller);
        long id = jdbi.inTransaction(h -> {
            List<String> unreadable = new ArrayList<>();
            unreadable(h, Resource.DATA, dataIds, who).forEach(i -> unreadable.add("data " + i));
            unreadable(h, Resource.SAMPLE, sampleIds, who).forEach(i -> unreadable.add("sample " + i));
            unreadable(h, Resource.PROJECT, projectIds, who).forEach(i -> unreadable.add("project " + i));
            unreadable(h, Resource.EXECUTION, executionIds, who).forEach(i -> unreadable.add("execution " + i));
            if (!unreadable.isEmpty()) throw ApiException.notFound(String.join(", ", unreadable));

            // Each data file once, however many of the things listed hold it.
            List<Candidate> candidates = h.createQuery("SELECT " + DataContents.COLUMNS + ", s.id AS s_id, s.name AS s_name, "
                            + "p.id AS p_id, p.name AS p_name, e.id AS e_id, e.name AS e_name FROM data d "
                            + "LEFT JOIN samples s ON s.id = d.sample_id LEFT JOIN executions e ON e.id = d.execution_id "
                            + "LEFT JOIN projects p ON p.id = coalesce(d.project_id, s.project_id) "
                            + "WHERE d.id = ANY(:data) OR s.id = ANY(:samples) OR p.id = ANY(:projects) OR d.execution_id = ANY(:executions)")
                    .bindArray("data", Long.class, dataIds).bindArray("samples", Long.class, sampleIds)
                    .bindArray("projects", Long.class, projectIds).bindArray("executions", Long.class, executionIds)
                    .map((rs, ctx) -> new Candidate(DataContents.row(rs), (Long) rs.getObject("s_id"),
                            rs.getString("s_name"), (Long) rs.getObject("p_id"), rs.getString("p_name"), (Long) rs.getObject("e_id"),
                            rs.getString("e_name")))
                    .list();
            Set<Long> listed = Set.copyOf(dataIds);
            // Only what the caller may read is named: data may be shared out of a private sample or project.
            Set<Long> samplesNamed = policy.readable(h, Resource.SAMPLE,
                    candidates.stream().map(Candidate::sample).filter(Objects::nonNull).collect(Collectors.toSet()), who);
            Set<Long> projectsNamed = policy.readable(h, Resource.PROJECT,
                    candidates.stream().map(Candidate::project).filter(Objects::nonNull).collect(Collectors.toSet()), who);
            Set<Long> executionsNamed = policy.readable(h, Resource.EXECUTION,
                    candidates.stream().map(Candidate::execution).filter(Objects::nonNull).collect(Collectors.toSet()), who);
            List<ArchiveLayout.Item> items = new ArrayList<>();
            long total = 0;
            for (Candidate c : candidates) {
                // what is listed must be served; of a listed sample or project, what is not ready yet (an import) is left out
                if (!listed.contains(c.file().id()) && !c.file().status().equals("ready")) continue;
                contents.servable(c.file());
                boolean sampleNamed = samplesNamed.contains(c.sample());
                boolean projectNamed = projectsNamed.contains(c.project());
                boolean executionNamed = executionsNamed.contains(c.execution());
                items.add(new ArchiveLayout.Item(c.file().id(), c.file().filename(), sampleNamed ? c.sample() : null,
                        sampleNamed ? c.sampleName() : null, projectNamed ? c.project() : null, projectNamed ? c.projectName() : null,
                        executionNamed ? c.execution() : null, executionNamed ? c.executionName() : null));
                total += c.file().size();
            }
            if (total > maxBytes) {
                throw ApiException.tooLarge("the files listed hold " + total + " bytes, more than an archive may (" + maxBytes + ")");
            }
            long totalBytes = total;
            long job = h.createUpdate("INSERT INTO archive_jobs (owner_id, total_bytes) VALUES (:owner, :total)")
                    .bind("owner", caller.id()).bind("total", totalBytes).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            var batch = h.prepareBatch("INSERT INTO archive_files (job_id, path, data_id) VALUES (:job, :path, :data)");
            ArchiveLayout.paths(items).forEach((data, path) -> batch.bind("job", job).bind("path", path).bind("data", data).add());
            if (!items.isEmpty()) batch.execute();
            return job;
        });
        submit(id);
        return job(caller, id);
    }

    /** The caller's jobs, newest first. */
    public List<Job> jobs(Caller caller) {
        return jdbi.withHandle(h -> h.createQuery(JOB + " WHERE j.owner_id = :owner ORDER BY j.created DESC, j.id DESC")
                .bind("owner", caller.id()).map((rs, ctx) -> job(rs)).list());
    }

    /** One of the caller's jobs; another's, or none, is 404. */
    public Job job(Caller caller, long id) {
        return jdbi.withHandle(h -> h.createQuery(JOB + " WHERE j.id = :id AND j.owner_id = :owner").bind("id", id).bind("owner", caller.id())
                .map((rs, ctx) -> job(rs)).findOne().orElseThrow(() -> ApiException.notFound("download job " + id)));
    }

    /** The completed archive of one of the caller's jobs, to serve (409 while it is not completed). */
    public FileResponses.StoredBody archive(Caller caller, long id) {
        Job job = job(caller, id);
        if (!job.status().equals("completed")) {
            throw ApiException.conflict("download job " + id + " is " + job.status() + ", not completed", Map.of("status", job.status()));
        }
        StorageKey key = StorageKey.of("archives", id);
        return jdbi.withHandle(h -> h.createQuery("SELECT md5, completed_at FROM archive_jobs WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> new FileResponses.StoredBody(job.size(), rs.getString("md5"),
                        rs.getObject("completed_at", OffsetDateTime.class).toInstant(), "application/zip", "flow-archive-" + id + ".zip",
                        (offset, length) -> storage.read(key, offset, length)))
                .one());
    }

    /** A data file that a request names, itself or through its sample or project, with where it is. */
    private record Candidate(StoredFile file, Long sample, String sampleName, Long project, String projectName, Long execution,
                             String executionName) {}

    private static final String JOB = "SELECT j.*, (SELECT count(*) FROM archive_files a WHERE a.job_id = j.id) AS files FROM archive_jobs j";

    private static Job job(java.sql.ResultSet rs) throws java.sql.SQLException {
        String status = rs.getString("status");
        long id = rs.getLong("id");
        OffsetDateTime expires = rs.getObject("expires_at", OffsetDateTime.class);
        return new Job(id, status, rs.getInt("progress"), status.equals("completed") ? "/downloads/" + id : null,
                expires == null ? null : expires.toInstant(), rs.getObject("created", OffsetDateTime.class).toInstant(), rs.getInt("files"),
                rs.getLong("total_bytes"), (Long) rs.getObject("size"), rs.getString("error"));
    }

    private static List<Long> ids(String field, List<Long> ids) {
        if (ids == null) return List.of();
        if (ids.contains(null)) throw ApiException.invalid(field, "ids must be whole numbers, not null");
        if (ids.size() > MAX_IDS) throw ApiException.invalid(field, "at most " + MAX_IDS + " ids at once");
        return List.copyOf(new LinkedHashSet<>(ids));
    }

    /** Those of {@code ids} the caller may not read (or that do not exist), in the order listed. */
    private List<Long> unreadable(Handle h, Resource resource, List<Long> ids, Optional<Caller> caller) {
        Set<Long> readable = policy.readable(h, resource, ids, caller);
        return ids.stream().filter(i -> !readable.contains(i)).toList();
    }

    // ---- the background work ----------------------------------------------------------------------------------

    private void submit(long id) {
        mine.add(id);
        workers.execute(() -> {
            try {
                run(id);
            } finally {
                mine.remove(id);
            }
        });
    }

    /** Takes over the unfinished jobs whose server stopped keeping their heartbeat, and runs them again here. */
    void resumeAbandoned() {
        List<Long> ids = jdbi.withHandle(h -> h.createQuery("UPDATE archive_jobs SET status = 'queued', progress = 0, heartbeat_at = now() "
                        + "WHERE id IN (SELECT id FROM archive_jobs WHERE status IN ('queued', 'running') "
                        + "AND heartbeat_at < now() - :stale * interval '1 second' FOR UPDATE SKIP LOCKED) RETURNING id")
                .bind("stale", STALE.toSeconds()).mapTo(Long.class).list());
        for (long id : ids) {
            log.info("download job {} was left unfinished by a stopped server; writing it again", id);
            submit(id);
        }
    }

    private record Entry(String path, long dataId) {}

    private void run(long id) {
        boolean claimed = jdbi.withHandle(h -> h.createUpdate("UPDATE archive_jobs SET status = 'running', heartbeat_at = now() "
                + "WHERE id = :id AND status = 'queued'").bind("id", id).execute() == 1);
        if (!claimed) return;
        StorageKey key = StorageKey.of("archives", id);
        try {
            Storage.Stored stored = write(id, key);
            jdbi.useHandle(h -> h.createUpdate("UPDATE archive_jobs SET status = 'completed', progress = 100, size = :size, md5 = :md5, "
                            + "completed_at = now(), expires_at = now() + :hours * interval '1 hour' WHERE id = :id AND status = 'running'")
                    .bind("size", stored.size()).bind("md5", stored.md5()).bind("hours", expiry.toHours()).bind("id", id).execute());
        } catch (Exception e) {
            if (closed) {
                // Stopping: the job stays unfinished, and its heartbeat gone, the next server writes it again.
                log.info("download job {} interrupted by the server stopping", id);
                return;
            }
            String reason = e instanceof ApiException a ? a.getMessage() : "the archive could not be written: " + e;
            log.warn("download job {} failed: {}", id, reason);
            try {
                storage.delete(key);
            } catch (IOException d) {
                log.warn("could not remove the bytes of failed download job {}: {}", id, d.toString());
            }
            jdbi.useHandle(h -> h.createUpdate("UPDATE archive_jobs SET status = 'failed', error = :error, "
                            + "expires_at = now() + :hours * interval '1 hour' WHERE id = :id AND status = 'running'")
                    .bind("error", reason).bind("hours", expiry.toHours()).bind("id", id).execute());
        }
    }

    /**
     * Writes the job's ZIP into storage through a pipe: this thread zips, another stores. Should zipping fail, the
     * pipe is broken from the reading side, so that the store fails too and keeps nothing (a closed pipe would look
     * like a whole archive).
     */
    private Storage.Stored write(long id, StorageKey key) throws Exception {
        List<Entry> entries = jdbi.withHandle(h -> h.createQuery("SELECT path, data_id FROM archive_files WHERE job_id = :id ORDER BY path")
                .bind("id", id).map((rs, ctx) -> new Entry(rs.getString("path"), rs.getLong("data_id"))).list());
        long total = jdbi.withHandle(h -> h.createQuery("SELECT total_bytes FROM archive_jobs WHERE id = :id").bind("id", id).mapTo(Long.class).one());
        PipedInputStream pipeIn = new PipedInputStream(1 << 20);
        PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
        FutureTask<Storage.Stored> storing = new FutureTask<>(() -> {
            try (pipeIn) {
                return storage.write(key, pipeIn, Long.MAX_VALUE);
            }
        });
        Thread storer = new Thread(storing, "flow-archive-store-" + id);
        storer.setDaemon(true);
        storer.start();
        boolean zipped = false;
        try {
            Progress progress = new Progress(id, total);
            writeZip(pipeOut, entries.stream().map(e -> new ZipPart(e.path(), () -> servable(e.dataId()))).toList(), contents, progress::add);
            pipeOut.close();
            zipped = true;
        } finally {
            if (!zipped) pipeIn.close();
        }
        try {
            return storing.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** One file of a ZIP: its path in the archive, and the file, looked up when its turn comes (it may have gone since). */
    public record ZipPart(String path, java.util.function.Supplier<StoredFile> file) {}

    /**
     * Writes the files as a ZIP (ZIP64 where it needs to be) with a {@code MANIFEST.tsv} (path, size, md5) last, telling
     * {@code written} of each file's bytes as they go; finishes the ZIP and leaves {@code out} open. The one way Flow
     * zips data files: bulk archives and a run's results.
     */
    public static void writeZip(java.io.OutputStream out, List<ZipPart> parts, DataContents contents, java.util.function.LongConsumer written)
            throws IOException {
        ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(out, 1 << 20), StandardCharsets.UTF_8);
        StringBuilder manifest = new StringBuilder("path\tsize\tmd5\n");
        byte[] buffer = new byte[256 * 1024];
        for (ZipPart part : parts) {
            StoredFile f = part.file().get();
            zip.setLevel(deflateLevel(f));
            ZipEntry entry = new ZipEntry(part.path());
            entry.setLastModifiedTime(FileTime.from(f.created()));
            zip.putNextEntry(entry);
            try (InputStream in = contents.open(f)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    zip.write(buffer, 0, n);
                    written.accept(n);
                }
            }
            zip.closeEntry();
            manifest.append(part.path()).append('\t').append(f.size()).append('\t').append(f.md5()).append('\n');
        }
        zip.setLevel(Deflater.DEFAULT_COMPRESSION);
        zip.putNextEntry(new ZipEntry(ArchiveLayout.MANIFEST));
        zip.write(manifest.toString().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        zip.finish();
        zip.flush();
    }

    /** The DEFLATE level of a file's entry (see the class comment): the one rule, for the archives and a run's results. */
    public static int deflateLevel(StoredFile f) {
        return f.compression().equals("none") && !DataContents.BINARY_TYPES.contains(f.dataType()) ? Deflater.BEST_SPEED : Deflater.NO_COMPRESSION;
    }

    /** A data file of a job as it is now: it may have been deleted, or its bytes lost, since the job was asked for. */
    private StoredFile servable(long dataId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + DataContents.COLUMNS + " FROM data d WHERE d.id = :id").bind("id", dataId)
                .map((rs, ctx) -> contents.servable(DataContents.row(rs))).findOne()
                .orElseThrow(() -> ApiException.conflict("data " + dataId + " was deleted after the archive was asked for", Map.of())));
    }

    /** Records a job's progress (percent of its files' bytes) when it changes, which also keeps its heartbeat. */
    private final class Progress {
        private final long id;
        private final long total;
        private long done;
        private int recorded;

        Progress(long id, long total) {
            this.id = id;
            this.total = total;
        }

        void add(long bytes) {
            done += bytes;
            // 99 at most until the archive is whole and stored: 100 means completed.
            int percent = total == 0 ? 0 : (int) Math.min(99, done * 100 / total);
            if (percent == recorded) return;
            recorded = percent;
            jdbi.useHandle(h -> h.createUpdate("UPDATE archive_jobs SET progress = :p, heartbeat_at = now() WHERE id = :id AND status = 'running'")
                    .bind("p", percent).bind("id", id).execute());
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops taking work; a job being written is interrupted and, its heartbeat gone, written again by the next server. */
    @Override
    public void close() {
        closed = true;
        heartbeat.shutdownNow();
        workers.shutdownNow();
        try {
            // Before the database closes under them.
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
