package bio.flow.executions;

import bio.flow.access.Resource;
import bio.flow.analytics.Activity;
import bio.flow.db.Claims;
import bio.flow.http.Json;
import bio.flow.pipelines.PipelineVersions;
import bio.flow.pipelines.RunnableVersion;
import bio.flow.storage.PrivateFiles;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers of this process: they claim pending executions from the database queue (oldest first, {@code FOR UPDATE
 * SKIP LOCKED}, so that any number of servers and {@code flow worker} processes share one queue), at most {@code max}
 * at once, run each on Nextflow in its run directory under the (shared) work directory, follow its events into the
 * database, and finish it (completed, failed, canceled).
 *
 * <p><b>Leases.</b> A worker is "host/pid/random" (random per start: a restarted server in a container has the same
 * host and pid 1). Its claim of an execution is a lease: {@code worker} and {@code lease_until} (the database's clock),
 * renewed for all its executions every sixth of the lease ({@code FLOW_WORKER_LEASE_SECONDS}, 60 s by default). A
 * lease that has passed is never renewed: once {@code lease_until} is over, any worker on any host takes the execution
 * over with one conditional UPDATE (still running, still held by the same worker, lease over) and resumes it with
 * {@code -resume} from the shared work directory (at most {@code maxResumes} times). On the worker's own host it is
 * faster: a worker whose pid no process has is dead at once, and its Nextflow, if it still runs, is followed again.
 *
 * <p><b>Never two Nextflows on one run.</b> A worker renewing at time s (its clock, when the renewal was sent) holds
 * the lease until at least s + lease. Each Nextflow it runs is told, through its lease file, to go on until s + lease/2
 * only; Flow's plugin in that Nextflow stops it (SIGTERM: tasks aborted, SLURM jobs canceled; killed 10 s later) once
 * that time passed without a newer renewal: a worker killed, hung, paused or cut off from the database has its
 * Nextflow gone half a lease before anyone may take the run over. A worker that finds at renewal that its lease is
 * gone tells its Nextflow to stop at once the same way. What remains: a whole host frozen (VM suspended) longer than
 * the lease and then thawed runs its Nextflow until its plugin's next check (0.5 s) and SIGTERM end it (about 2 s),
 * and the margin assumes the host's wall clock is not set back by more than half a lease meanwhile.
 *
 * <p>Stopping the process leaves its Nextflow runs going for up to half a lease: a restart on the same host within
 * that time follows them again; later they have stopped and are resumed.
 */
public final class Workers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Workers.class);
    private static final long POLL_MS = 500;
    /** How often a running execution's events file is read: changes show within this plus a database write. */
    private static final long FOLLOW_MS = 250;
    /** The longest wait between retries of the database while following a run (a database blip must not fail it). */
    private static final long RETRY_MAX_MS = 10_000;
    /** How long Nextflow has after SIGTERM to stop its tasks before they and it are killed. */
    private static final long CANCEL_GRACE_MS = 6_000;
    private static final int OUTPUT_TAIL_BYTES = 4000;

    private final Jdbi jdbi;
    private final Path workDir;
    private final Nextflow nextflow;
    private final RunPreparation preparation;
    private final Outputs outputs;
    private final int max;
    private final int maxResumes;
    private final long leaseMs;
    private final String host;
    private final String worker;
    private final Map<Long, Thread> running = new ConcurrentHashMap<>();
    /** The lease file of the launch each running execution's Nextflow watches (set once that Nextflow runs). */
    private final Map<Long, Path> leaseFiles = new ConcurrentHashMap<>();
    /** When (this process's clock, epoch ms) the last renewal that succeeded was sent: the leases hold until then + lease. */
    private volatile long renewedAt;
    private final Object wakeUp = new Object();
    private boolean woken;
    private volatile boolean stopped;
    private Thread scheduler;

    public Workers(Jdbi jdbi, Path workDir, Nextflow nextflow, int max, int maxResumes, int leaseSeconds, String host,
                   RunPreparation preparation, Outputs outputs) {
        this.jdbi = jdbi;
        this.preparation = preparation;
        this.outputs = outputs;
        this.workDir = workDir;
        this.nextflow = nextflow;
        this.max = max;
        this.maxResumes = maxResumes;
        this.leaseMs = leaseSeconds * 1000L;
        this.host = host;
        this.worker = host + "/" + ProcessHandle.current().pid() + "/" + Long.toHexString(new java.security.SecureRandom().nextLong());
    }

    public record Queue(long pending, long running) {}

    /** Starts claiming (after taking over what dead workers left running); a max of 0 claims and takes over nothing. */
    public void start() {
        if (max == 0) return;
        scheduler = new Thread(this::schedule, "flow-workers");
        scheduler.setDaemon(true);
        scheduler.start();
    }

    /** Looks at the queue now instead of at the next poll: for a route that has just queued an execution. */
    public void wake() {
        synchronized (wakeUp) {
            woken = true;
            wakeUp.notifyAll();
        }
    }

    /** How many executions this server runs now. */
    public int active() {
        return running.size();
    }

    public int max() {
        return max;
    }

    public Nextflow nextflow() {
        return nextflow;
    }

    /** The executions waiting and running, on every server sharing the database. */
    public Queue queue() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'running') "
                + "FROM executions WHERE status IN ('pending', 'running')").map((rs, ctx) -> new Queue(rs.getLong(1), rs.getLong(2))).one());
    }

    /** The name this worker goes by in {@code executions.worker}. */
    public String id() {
        return worker;
    }

    private void schedule() {
        long next = 0;
        while (!stopped) {
            try {
                // Renewals and takeovers every sixth of the lease: a renewal may fail twice and the leases still hold
                // (Nextflow stops at half the lease), and a dead worker's runs are taken over within 7/6 of the lease.
                if (System.currentTimeMillis() >= next) {
                    long now = System.currentTimeMillis();
                    renew(); // when it fails, tried again at the next poll
                    next = now + leaseMs / 6;
                    takeOverOrphans();
                }
                claim();
            } catch (RuntimeException e) {
                log.warn("the execution queue could not be read: {}", e.toString());
            }
            synchronized (wakeUp) {
                try {
                    if (!woken && !stopped) wakeUp.wait(POLL_MS);
                } catch (InterruptedException e) {
                    return;
                }
                woken = false;
            }
        }
    }

    private void claim() {
        while (!stopped && running.size() < max) {
            record Claimed(long id, long owner, String name) {}
            Optional<Long> id = jdbi.inTransaction(h -> h.createQuery("UPDATE executions SET status = 'running', started = now(), "
                            + "worker = :worker, heartbeat = now(), lease_until = now() + make_interval(secs => :lease), pid = NULL "
                            + "WHERE id = (SELECT id FROM executions "
                            + "WHERE status = 'pending' ORDER BY created, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id, owner_id, name")
                    .bind("worker", worker).bind("lease", leaseMs / 1000.0).map((rs, ctx) -> new Claimed(rs.getLong(1), rs.getLong(2), rs.getString(3))).findOne()
                    .map(c -> {
                        Activity.record(h, c.owner(), Activity.Action.EXECUTION_STARTED, Resource.EXECUTION, c.id(), "Execution " + c.name() + " started");
                        return c.id();
                    }));
            if (id.isEmpty()) return;
            follow(id.get(), Takeover.NONE);
        }
    }

    /**
     * Renews the leases of all the executions this worker holds (one UPDATE; a lease that has passed is not renewed:
     * its run goes to whichever worker takes it over), then moves their Nextflows' stop time to half a lease after this
     * renewal was sent. A run still running whose lease was not renewed is told to stop now; its follower sees the lease
     * gone.
     */
    private void renew() {
        long sent = System.currentTimeMillis();
        announce();
        Set<Long> held = new HashSet<>(jdbi.withHandle(h -> h.createQuery("UPDATE executions SET heartbeat = now(), "
                        + "lease_until = now() + make_interval(secs => :lease) WHERE worker = :worker AND status = 'running' "
                        + "AND lease_until > now() RETURNING id")
                .bind("worker", worker).bind("lease", leaseMs / 1000.0).mapTo(Long.class).list()));
        renewedAt = sent;
        Set<Long> lost = lost(leaseFiles.keySet(), held);
        leaseFiles.forEach((id, file) -> {
            if (held.contains(id)) {
                writeLease(file, sent + leaseMs / 2);
            } else if (lost.contains(id)) {
                log.warn("execution {}: this worker's lease is gone; its Nextflow is told to stop", id);
                writeLease(file, 0);
            }
            // else the run ended since the UPDATE (its Nextflow had exited before): nothing to tell
        });
    }

    /**
     * Of the runs followed, those not renewed that still run: their lease passed or another worker holds them. The others
     * were not renewed because they ended meanwhile (their followers had not yet let go of their lease files).
     */
    private Set<Long> lost(Set<Long> followed, Set<Long> held) {
        List<Long> notHeld = followed.stream().filter(id -> !held.contains(id)).toList();
        if (notHeld.isEmpty()) return Set.of();
        return new HashSet<>(jdbi.withHandle(h -> h.createQuery("SELECT id FROM executions WHERE id = ANY(:ids) AND status = 'running'")
                .bindArray("ids", Long.class, notHeld).mapTo(Long.class).list()));
    }

    /**
     * Says that this process runs executions, until a lease from now (V39: what {@link #processes} counts), and forgets
     * the processes whose time has passed without their saying more.
     */
    private void announce() {
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO worker_processes (worker, slots, seen_until) VALUES (:worker, :slots, now() + make_interval(secs => :lease)) "
                            + "ON CONFLICT (worker) DO UPDATE SET seen_until = EXCLUDED.seen_until")
                    .bind("worker", worker).bind("slots", max).bind("lease", leaseMs / 1000.0).execute();
            h.createUpdate("DELETE FROM worker_processes WHERE seen_until <= now()").execute();
        });
    }

    /** The processes that run executions now, on every host sharing the database, and how many they may run at once. */
    public record Processes(long processes, long slots) {}

    public Processes processes() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*), coalesce(sum(slots), 0) FROM worker_processes WHERE seen_until > now()")
                .map((rs, ctx) -> new Processes(rs.getLong(1), rs.getLong(2))).one());
    }

    /** Tells the Nextflow watching the file to go on until {@code until} (epoch ms), 0: to stop now (see the plugin's LeaseWatch). */
    private static void writeLease(Path file, long until) {
        try {
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.writeString(next, Long.toString(until));
            Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Nextflow keeps the time it has read: it stops then, and the run is resumed.
            log.warn("cannot write the lease file {}: {}", file, e.toString());
        }
    }

    /**
     * The running executions whose worker is gone: any whose lease has passed, and on this host also those of a worker
     * whose pid no process has, at once. Each is taken over in one conditional UPDATE (still running, still held by
     * that worker, and its lease passed unless that worker is surely dead), then re-attached, resumed or finished. This
     * worker's own running executions that it no longer follows (their thread ended without recording their end, say
     * the database was down then, or after its lease passed) count as orphans too.
     */
    private void takeOverOrphans() {
        record Orphan(long id, String worker, boolean expired) {}
        List<Orphan> orphans = jdbi.withHandle(h -> h.createQuery("SELECT id, worker, lease_until IS NULL OR lease_until <= now() "
                        + "FROM executions WHERE status = 'running' AND (worker IS NULL OR worker LIKE :host OR lease_until IS NULL "
                        + "OR lease_until <= now())")
                .bind("host", host.replace("%", "\\%").replace("_", "\\_") + "/%")
                .map((rs, ctx) -> new Orphan(rs.getLong(1), rs.getString(2) == null ? "" : rs.getString(2), rs.getBoolean(3))).list());
        for (Orphan o : orphans) {
            boolean ownHost = o.worker().startsWith(host + "/");
            // surely dead, lease or not: this worker's own run that it does not follow, or a worker of this host without a process
            boolean gone = o.worker().equals(worker) ? !running.containsKey(o.id()) : Claims.surelyDead(host, o.worker());
            if (!gone && !o.expired() || running.containsKey(o.id())) continue;
            int taken = jdbi.withHandle(h -> h.createUpdate("UPDATE executions SET worker = :worker, heartbeat = now(), "
                            + "lease_until = now() + make_interval(secs => :lease) "
                            + "WHERE id = :id AND status = 'running' AND worker IS NOT DISTINCT FROM :old "
                            + "AND (:gone OR lease_until IS NULL OR lease_until <= now())")
                    .bind("worker", worker).bind("lease", leaseMs / 1000.0).bind("id", o.id()).bind("gone", gone)
                    .bind("old", o.worker().isEmpty() ? null : o.worker()).execute());
            if (taken == 1) follow(o.id(), ownHost || o.worker().isEmpty() ? Takeover.SAME_HOST : Takeover.OTHER_HOST);
        }
    }

    /** How this worker came to run an execution: claimed it, or took it over from a worker of this host or of another. */
    private enum Takeover { NONE, SAME_HOST, OTHER_HOST }

    private void follow(long id, Takeover takeover) {
        Thread t = new Thread(() -> drive(id, takeover), "flow-execution-" + id);
        t.setDaemon(true);
        running.put(id, t);
        t.start();
    }

    /** The handle of the Nextflow JVM followed, the Process when it is our child (its exit status is known then). */
    private record Tracked(ProcessHandle handle, Process child, int launch) {}

    /** A reason the execution fails, in words for its owner. */
    private static final class RunFailure extends Exception {
        RunFailure(String message) {
            super(message);
        }
    }

    private void drive(long id, Takeover takeover) {
        RunDirectory dir = RunDirectory.of(workDir, id);
        Optional<Tracked> t = Optional.empty();
        try {
            t = takeover != Takeover.NONE ? takeOver(id, dir, takeover) : Optional.of(launch(id, dir, 0, Optional.empty()));
            if (t.isPresent()) followUntilEnd(id, dir, t.get());
        } catch (RunFailure e) {
            fail(id, e.getMessage());
        } catch (Exception e) {
            if (stopped) return;
            // The details (server paths, SQL) are for the server's log; the run's users are told it is Flow's fault.
            log.error("execution {} could not be run", id, e);
            // A run is failed only once its Nextflow and tasks are gone: none goes on untracked.
            t.map(Tracked::handle).filter(ProcessHandle::isAlive)
                    .ifPresent(p -> kill(withDescendants(p)));
            try {
                killStrayTasks(id, dir);
                fail(id, "Flow could not run it (an error of the server: see its log)");
            } catch (RuntimeException again) {
                // The row stays running with this worker: takeOverOrphans finishes it later.
                log.error("execution {} could not be failed", id, again);
            }
        } finally {
            leaseFiles.remove(id);
            running.remove(id);
            wake();
        }
    }

    private Tracked launch(long id, RunDirectory dir, int launch, Optional<String> session) throws RunFailure, IOException {
        Long versionId = jdbi.withHandle(h -> h.createQuery("SELECT pipeline_version_id FROM executions WHERE id = :id")
                .bind("id", id).mapTo(Long.class).one());
        RunnableVersion v = Optional.ofNullable(versionId).flatMap(vid -> jdbi.withHandle(h -> PipelineVersions.runnable(h, vid)))
                .orElseThrow(() -> new RunFailure("Its pipeline version no longer exists"));
        // The error is shown to the execution's users; the server's paths (hidden from non-admins) go to the log only.
        if (!Files.isDirectory(v.directory())) {
            log.warn("execution {}: the directory of {} {} ({}) no longer exists", id, v.pipeline(), v.version(), v.directory());
            throw new RunFailure("The directory of " + v.pipeline() + " " + v.version() + " no longer exists on the server");
        }
        if (!Files.isRegularFile(v.directory().resolve(v.mainScript()))) {
            log.warn("execution {}: the main script of {} {} ({}) no longer exists", id, v.pipeline(), v.version(),
                    v.directory().resolve(v.mainScript()));
            throw new RunFailure("The main script of " + v.pipeline() + " " + v.version() + " no longer exists on the server");
        }
        PrivateFiles.folder(dir.root());
        if (launch == 0 || !Files.exists(dir.params())) {
            Map<String, Object> params;
            try {
                params = jdbi.inTransaction(h -> preparation.prepare(h, id, v, dir));
            } catch (RunPreparation.PreparationException e) {
                throw new RunFailure(e.getMessage());
            }
            Files.writeString(dir.params(), Json.MAPPER.writeValueAsString(params));
        }
        watchLease(id, dir, launch);
        Process p = nextflow.launch(v, dir, launch, session);
        jdbi.useHandle(h -> {
            h.createUpdate("UPDATE executions SET pid = :pid WHERE id = :id").bind("pid", p.pid()).bind("id", id).execute();
            RunEvents.log(h, id, Instant.now(), null, session.isPresent()
                    ? "Nextflow " + nextflow.version() + " resumed the run (-resume " + session.get() + ")"
                    : "Nextflow " + nextflow.version() + " started (" + v.pipeline() + " " + v.version() + ")");
        });
        return new Tracked(p.toHandle(), p, launch);
    }

    /**
     * An execution whose worker died: what that worker had not read of its events is recorded first (as its launch's);
     * then its Nextflow, if it still runs, is followed again; else the run is finished if Nextflow reported its end,
     * or started again with -resume, or failed when it was resumed too often.
     */
    private Optional<Tracked> takeOver(long id, RunDirectory dir, Takeover takeover) throws RunFailure, IOException {
        record State(Long pid, int resumes, boolean cancel) {}
        State s = jdbi.withHandle(h -> h.createQuery("SELECT pid, resumes, cancel_requested FROM executions WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> new State(rs.getObject("pid", Long.class), rs.getInt("resumes"), rs.getBoolean("cancel_requested"))).one());
        readEvents(id, dir, s.resumes());
        // Another host's pid names nothing here (that Nextflow stopped itself when its worker's lease was half over).
        Optional<ProcessHandle> alive = Optional.ofNullable(s.pid()).filter(pid -> takeover == Takeover.SAME_HOST)
                .flatMap(ProcessHandle::of).filter(p -> isNextflowOf(p, dir));
        if (alive.isPresent()) {
            watchLease(id, dir, s.resumes());
            jdbi.useHandle(h -> RunEvents.log(h, id, Instant.now(), null, "Flow's worker was restarted; it follows the running Nextflow again"));
            return Optional.of(new Tracked(alive.get(), null, s.resumes()));
        }
        List<JsonNode> events = RunEvents.all(dir.events());
        if (s.cancel() || RunEvents.outcome(events).isPresent()) {
            jdbi.useHandle(h -> RunEvents.log(h, id, Instant.now(), null, takeover == Takeover.SAME_HOST
                    ? "Flow's worker was restarted; Nextflow had ended meanwhile" : "Another worker took the run over; Nextflow had ended meanwhile"));
            finish(id, dir, new Tracked(null, null, s.resumes()), null, Set.of());
            return Optional.empty();
        }
        killStrayTasks(id, dir);
        if (s.resumes() >= maxResumes) {
            throw new RunFailure("Nextflow stopped with the worker running it, " + (s.resumes() + 1) + " times; it is not resumed again");
        }
        int launch = s.resumes() + 1;
        jdbi.useHandle(h -> {
            h.createUpdate("UPDATE executions SET resumes = :n WHERE id = :id").bind("n", launch).bind("id", id).execute();
            RunEvents.log(h, id, Instant.now(), null, "Nextflow stopped with the worker running it: starting it again with -resume ("
                    + launch + " of at most " + maxResumes + ", worker " + worker + ")");
        });
        endWithNewline(dir.events());
        return Optional.of(launch(id, dir, launch, RunEvents.session(events)));
    }

    /** Whether the process is the Nextflow of this run directory (not an unrelated process that got its pid). */
    private static boolean isNextflowOf(ProcessHandle p, RunDirectory dir) {
        if (!p.isAlive()) return false;
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"), StandardCharsets.UTF_8);
            return cmdline.contains("nextflow.cli.Launcher") && cmdline.contains(dir.params().toString());
        } catch (IOException e) {
            return p.info().arguments().map(a -> List.of(a).contains(dir.params().toString())).orElse(false);
        }
    }

    /** Lets the Nextflow of this launch go on for half a lease after the last renewal; renewals move the time on. */
    private void watchLease(long id, RunDirectory dir, int launch) {
        writeLease(dir.lease(launch), renewedAt + leaseMs / 2);
        leaseFiles.put(id, dir.lease(launch));
    }

    private void followUntilEnd(long id, RunDirectory dir, Tracked t) throws Exception {
        Set<ProcessHandle> family = new HashSet<>();
        long cancelSent = 0;
        long retry = FOLLOW_MS;
        while (true) {
            boolean alive = t.handle().isAlive();
            // Known while Nextflow lives: once it is gone, its leftover tasks are nobody's descendants any more.
            if (alive) t.handle().descendants().forEach(family::add);
            record Row(long eventsRead, boolean cancel, boolean ours) {}
            Row row;
            try {
                // one query a round: where the events file was left, whether a cancel is asked, whether the run is still ours
                // ours: still held by this worker, under a lease that has not passed
                row = jdbi.withHandle(h -> h.createQuery("SELECT events_read, cancel_requested, worker IS NOT DISTINCT FROM :worker "
                                + "AND lease_until > now() FROM executions WHERE id = :id")
                        .bind("id", id).bind("worker", worker).map((rs, ctx) -> new Row(rs.getLong(1), rs.getBoolean(2), rs.getBoolean(3))).one());
                if (row.ours()) readEvents(id, dir, t.launch(), row.eventsRead());
                retry = FOLLOW_MS;
            } catch (JdbiException e) {
                // The database is away for a while: Nextflow goes on, and so does following it once the database is back.
                if (stopped) return;
                log.warn("execution {}: the database could not be reached, again in {} ms: {}", id, retry, e.toString());
                Thread.sleep(retry);
                retry = Math.min(2 * retry, RETRY_MAX_MS);
                continue;
            }
            if (!row.ours()) {
                // The lease passed (this worker could not renew it in time) or another worker holds it: the run is not
                // this worker's any more. Its Nextflow was told to stop at half the lease; this makes sure it has.
                log.warn("execution {}: this worker's lease is gone; it stops following the run", id);
                if (alive) stopLostRun(dir, t, family);
                return;
            }
            if (!alive) break;
            if (stopped) return; // the server stops: Nextflow goes on, and the next start follows it again
            long now = System.currentTimeMillis();
            boolean cancel = row.cancel();
            if (cancel && cancelSent == 0) {
                cancelSent = now;
                t.handle().destroy(); // SIGTERM: Nextflow stops its tasks and reports them aborted
                jdbi.useHandle(h -> RunEvents.log(h, id, Instant.now(), null, "Cancel requested: Nextflow is asked to stop (SIGTERM)"));
            } else if (cancelSent > 0 && now - cancelSent > CANCEL_GRACE_MS) {
                t.handle().destroyForcibly();
                family.forEach(ProcessHandle::destroyForcibly);
            }
            Thread.sleep(FOLLOW_MS);
        }
        Integer exit = t.child() == null ? null : t.child().waitFor();
        if (RunEvents.leaseLost(RunEvents.all(dir.events()))) {
            // Nextflow stopped itself, its lease time over (this worker could not renew: say the database was away):
            // the run is not over. The lease is let go, and a worker (this one, maybe) takes the run over and resumes it.
            jdbi.useHandle(h -> h.createUpdate("UPDATE executions SET lease_until = now() WHERE id = :id AND worker = :worker AND status = 'running'")
                    .bind("id", id).bind("worker", worker).execute());
            return;
        }
        finish(id, dir, t, exit, family);
    }

    /**
     * Stops the Nextflow of a run whose lease this worker lost: its lease file says stop now (its plugin records why, so
     * that the worker resuming the run does not take the stop for the pipeline's outcome); what still runs after the
     * plugin's grace is killed.
     */
    private void stopLostRun(RunDirectory dir, Tracked t, Set<ProcessHandle> family) {
        writeLease(dir.lease(t.launch()), 0);
        try {
            t.handle().onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("the Nextflow of {} did not stop when told to: killing it", dir.root());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        t.handle().descendants().forEach(family::add);
        family.add(t.handle());
        kill(family);
    }

    /** Records the events written since the execution's stored offset as the launch's, and moves the offset past them. */
    private void readEvents(long id, RunDirectory dir, int launch) throws IOException {
        long offset = jdbi.withHandle(h -> h.createQuery("SELECT events_read FROM executions WHERE id = :id").bind("id", id).mapTo(Long.class).one());
        readEvents(id, dir, launch, offset);
    }

    /** Records the events written past {@code offset} (the stored one) as the launch's, and moves the offset past them. */
    private void readEvents(long id, RunDirectory dir, int launch, long offset) throws IOException {
        RunEvents.Batch batch = RunEvents.read(dir.events(), offset);
        if (batch.end() == offset) return;
        jdbi.useTransaction(h -> {
            RunEvents.apply(h, id, launch, batch.events());
            h.createUpdate("UPDATE executions SET events_read = :end WHERE id = :id").bind("end", batch.end()).bind("id", id).execute();
        });
    }

    /** Nextflow has ended: the execution is canceled, completed (its outputs collected) or failed, with the reason. */
    private void finish(long id, RunDirectory dir, Tracked t, Integer exit, Set<ProcessHandle> family) throws IOException, RunFailure {
        int fromTrace = jdbi.inTransaction(h -> RunEvents.crossCheck(h, id, t.launch(), dir.trace(t.launch())));
        if (fromTrace > 0) log.warn("execution {}: {} finished tasks were known from the trace file only", id, fromTrace);
        boolean cancel = jdbi.withHandle(h -> h.createQuery("SELECT cancel_requested FROM executions WHERE id = :id")
                .bind("id", id).mapTo(Boolean.class).one());
        List<JsonNode> events = RunEvents.all(dir.events());
        boolean succeeded = succeeded(RunEvents.outcome(events), exit);
        if (cancel || !succeeded) {
            kill(family);
            killStrayTasks(id, dir);
        }
        if (cancel) {
            end(id, "canceled", "Canceled at the request of a user", "Execution canceled");
            return;
        }
        if (succeeded) {
            jdbi.useTransaction(h -> {
                // Only by the worker holding the run: the row lock orders this against a takeover.
                Optional<Ended> ended = h.createQuery("UPDATE executions SET status = 'completed', progress = 100, finished = now() "
                                + "WHERE id = :id AND status = 'running' AND worker = :worker RETURNING owner_id, name")
                        .bind("id", id).bind("worker", worker).map((rs, ctx) -> new Ended(rs.getLong(1), rs.getString(2))).findOne();
                if (ended.isEmpty()) return;
                outputs.collect(h, id, dir, RunEvents.processOfPublishedFile(h, id, events));
                Activity.record(h, ended.get().owner(), Activity.Action.EXECUTION_COMPLETED, Resource.EXECUTION, id,
                        "Execution " + ended.get().name() + " completed successfully");
                RunEvents.log(h, id, Instant.now(), null, "Execution completed");
            });
            return;
        }
        throw new RunFailure(failureReason(id, dir, t, exit));
    }

    /**
     * Whether the run succeeded: by Nextflow's exit status when it is known (Nextflow is our child), unless its last
     * flow_complete event said it failed; the plugin may have lost that event (say to a full disk), so a status of 0
     * without it is a success. A re-attached Nextflow's status is unknown: then only its flow_complete event tells.
     */
    static boolean succeeded(Optional<Boolean> outcome, Integer exit) {
        return exit == null ? outcome.orElse(false) : exit == 0 && outcome.orElse(true);
    }

    /** The failed task, its process, exit code and last line of standard error; else what Nextflow said. */
    private String failureReason(long id, RunDirectory dir, Tracked t, Integer exit) throws IOException {
        record FailedTask(String process, String name, Integer exit) {}
        Optional<FailedTask> task = jdbi.withHandle(h -> h.createQuery("SELECT process, name, exit_code FROM process_executions "
                        + "WHERE execution_id = :id AND launch = :launch AND status = 'failed' ORDER BY finished DESC NULLS LAST, id DESC LIMIT 1")
                .bind("id", id).bind("launch", t.launch())
                .map((rs, ctx) -> new FailedTask(rs.getString(1), rs.getString(2), rs.getObject(3, Integer.class))).findOne());
        String said = tail(dir.stdout());
        if (!said.isBlank()) {
            jdbi.useHandle(h -> RunEvents.log(h, id, Instant.now(), null, "Nextflow's output (end):\n" + said));
        }
        if (task.isPresent()) {
            FailedTask f = task.get();
            return "Process " + f.process() + " failed: task " + f.name() + (f.exit() == null ? "" : " exited with code " + f.exit())
                    + lastLine(stderrOf(id, f.name()));
        }
        // Nextflow says why on its output ("ERROR ~ ...") or, for what stops it before it runs, on its standard error.
        String complaint = tail(dir.stderr());
        String error = said.lines().filter(l -> l.startsWith("ERROR ~")).reduce((a, b) -> b).map(l -> l.substring(7).strip())
                .or(() -> complaint.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).map(String::strip))
                .map(e -> ": " + e).orElse("");
        return "Nextflow stopped" + (exit == null ? "" : " with exit status " + exit) + error;
    }

    private String stderrOf(long id, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT message FROM execution_logs WHERE execution_id = :id AND message LIKE :prefix ORDER BY id DESC LIMIT 1")
                .bind("id", id).bind("prefix", "Standard error of " + name + " (end):%").mapTo(String.class).findOne().orElse(""));
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        return lines.size() < 2 ? "" : " (" + lines.get(lines.size() - 1).strip() + ")";
    }

    private void fail(long id, String reason) {
        end(id, "failed", reason, "Execution failed: " + reason);
    }

    /** The owner and name of a run that just ended, for the activity log. */
    private record Ended(long owner, String name) {}

    private void end(long id, String status, String error, String message) {
        jdbi.useTransaction(h -> {
            Optional<Ended> ended = h.createQuery("UPDATE executions SET status = :status, error = :error, finished = now() "
                            + "WHERE id = :id AND status = 'running' AND worker = :worker RETURNING owner_id, name")
                    .bind("status", status).bind("error", error).bind("id", id).bind("worker", worker)
                    .map((rs, ctx) -> new Ended(rs.getLong(1), rs.getString(2))).findOne();
            if (ended.isEmpty()) return;
            RunEvents.log(h, id, Instant.now(), null, message);
            if (status.equals("failed")) {
                Activity.record(h, ended.get().owner(), Activity.Action.EXECUTION_FAILED, Resource.EXECUTION, id,
                        "Execution " + ended.get().name() + " failed: " + error);
            }
        });
    }

    /**
     * Kills what is left of the run's tasks (local executor: native_id is the task's pid): processes whose working
     * directory is in the run's work folder, with their descendants. A pid now used by anything else is left alone.
     * Then the jobs the run left on its executor ({@link Nextflow#cancelStrayJobs}: SLURM).
     */
    private void killStrayTasks(long id, RunDirectory dir) {
        List<Long> pids = jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT native_id::bigint FROM process_executions "
                + "WHERE execution_id = :id AND native_id ~ '^[0-9]{1,18}$'").bind("id", id).mapTo(Long.class).list());
        for (long pid : pids) {
            ProcessHandle.of(pid).filter(p -> workingIn(p, dir.work()))
                    .ifPresent(p -> kill(withDescendants(p)));
        }
        nextflow.cancelStrayJobs(dir);
    }

    private static List<ProcessHandle> withDescendants(ProcessHandle p) {
        return java.util.stream.Stream.concat(p.descendants(), java.util.stream.Stream.of(p)).toList();
    }

    /** SIGKILL to each process, then a wait (2 s at most) until each is gone: a canceled run leaves nothing behind. */
    private static void kill(java.util.Collection<ProcessHandle> processes) {
        processes.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (ProcessHandle p : processes) {
            try {
                p.onExit().get(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                log.warn("process {} did not end after SIGKILL", p.pid());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean workingIn(ProcessHandle p, Path folder) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd")).startsWith(folder);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** A line a killed Nextflow left unfinished must not swallow the next launch's first event. */
    private static void endWithNewline(Path file) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) return;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(f.length() - 1);
            if (f.read() == '\n') return;
        }
        Files.writeString(file, "\n", StandardOpenOption.APPEND);
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) return "";
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - OUTPUT_TAIL_BYTES);
            byte[] bytes = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).strip();
        }
    }

    /**
     * Stops claiming and following; the Nextflow runs go on until their lease time (half a lease) is over: a worker
     * started on this host before then follows them again, else they stop and are resumed.
     */
    @Override
    public void close() {
        stopped = true;
        wake();
        if (scheduler != null) scheduler.interrupt();
        for (Thread t : running.values()) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (scheduler != null) {
            try {
                jdbi.useHandle(h -> h.createUpdate("DELETE FROM worker_processes WHERE worker = :worker").bind("worker", worker).execute());
            } catch (RuntimeException e) {
                // the database is gone: the row lapses after a lease
                log.warn("could not say that this worker stops: {}", e.toString());
            }
        }
    }
}
