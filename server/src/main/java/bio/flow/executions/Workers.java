package bio.flow.executions;

import bio.flow.access.Resource;
import bio.flow.analytics.Activity;
import bio.flow.http.Json;
import bio.flow.pipelines.PipelineVersions;
import bio.flow.pipelines.RunnableVersion;
import bio.flow.storage.PrivateFiles;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
 * The workers of this server: they claim pending executions from the database queue (oldest first, {@code FOR UPDATE
 * SKIP LOCKED}, so that several servers can share one queue), at most {@code max} at once, run each on Nextflow, follow
 * its events into the database, and finish it (completed, failed, canceled). At start, and every half minute, they take
 * over the running executions of this host whose worker died: a Nextflow still running is re-attached, a dead one is
 * started again with {@code -resume} (at most {@code maxResumes} times). Stopping the server leaves Nextflow running:
 * the next start re-attaches it.
 *
 * <p>A worker is "host/pid/random" (random per start: a restarted server in a container has the same host and pid 1)
 * and writes the heartbeat of its running executions every {@link #HEARTBEAT_MS}. A worker is dead when its heartbeat
 * is older than {@link #STALE_MS}, or at once when it was on this host and no process has its pid any more.
 */
public final class Workers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Workers.class);
    private static final long POLL_MS = 500;
    /** How often a running execution's events file is read: changes show within this plus a database write. */
    private static final long FOLLOW_MS = 250;
    private static final long HEARTBEAT_MS = 5_000;
    /** A heartbeat older than this: its worker is dead (three beats missed, not one slow database write). */
    private static final long STALE_MS = 3 * HEARTBEAT_MS;
    /** The longest wait between retries of the database while following a run (a database blip must not fail it). */
    private static final long RETRY_MAX_MS = 10_000;
    private static final long RECOVER_EVERY_MS = 30_000;
    /** How long Nextflow has after SIGTERM to stop its tasks before they and it are killed. */
    private static final long CANCEL_GRACE_MS = 6_000;
    private static final int OUTPUT_TAIL_BYTES = 4000;

    private final Jdbi jdbi;
    private final Path dataDir;
    private final Nextflow nextflow;
    private final RunPreparation preparation;
    private final Outputs outputs;
    private final int max;
    private final int maxResumes;
    private final String host;
    private final String worker;
    private final Map<Long, Thread> running = new ConcurrentHashMap<>();
    private final Object wakeUp = new Object();
    private boolean woken;
    private volatile boolean stopped;
    private Thread scheduler;

    public Workers(Jdbi jdbi, Path dataDir, Nextflow nextflow, int max, int maxResumes, RunPreparation preparation, Outputs outputs) {
        this.jdbi = jdbi;
        this.preparation = preparation;
        this.outputs = outputs;
        this.dataDir = dataDir;
        this.nextflow = nextflow;
        this.max = max;
        this.maxResumes = maxResumes;
        this.host = hostName();
        this.worker = host + "/" + ProcessHandle.current().pid() + "/" + Long.toHexString(new java.security.SecureRandom().nextLong());
    }

    public record Queue(long pending, long running) {}

    /** Starts claiming (after taking over what a dead worker of this host left running); a max of 0 claims nothing. */
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

    private void schedule() {
        long nextRecovery = 0;
        long nextBeat = 0;
        while (!stopped) {
            try {
                if (System.currentTimeMillis() >= nextBeat) {
                    beat();
                    nextBeat = System.currentTimeMillis() + HEARTBEAT_MS;
                }
                if (System.currentTimeMillis() >= nextRecovery) {
                    takeOverOrphans();
                    nextRecovery = System.currentTimeMillis() + RECOVER_EVERY_MS;
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
                            + "worker = :worker, heartbeat = now(), pid = NULL WHERE id = (SELECT id FROM executions "
                            + "WHERE status = 'pending' ORDER BY created, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id, owner_id, name")
                    .bind("worker", worker).map((rs, ctx) -> new Claimed(rs.getLong(1), rs.getLong(2), rs.getString(3))).findOne()
                    .map(c -> {
                        Activity.record(h, c.owner(), Activity.Action.EXECUTION_STARTED, Resource.EXECUTION, c.id(), "Execution " + c.name() + " started");
                        return c.id();
                    }));
            if (id.isEmpty()) return;
            follow(id.get(), false);
        }
    }

    /** One heartbeat for all the executions this worker runs: it says the worker lives, whatever each run is doing. */
    private void beat() {
        jdbi.useHandle(h -> h.createUpdate("UPDATE executions SET heartbeat = now() WHERE worker = :worker AND status = 'running'")
                .bind("worker", worker).execute());
    }

    /**
     * The running executions of this host whose worker is gone: each is re-attached, resumed or failed. This worker's
     * own running executions that it no longer follows (their thread ended without recording their end, say the
     * database was down then) count as orphans too.
     */
    private void takeOverOrphans() {
        record Orphan(long id, String worker, boolean stale) {}
        List<Orphan> orphans = jdbi.withHandle(h -> h.createQuery("SELECT id, worker, heartbeat IS NULL OR heartbeat < now() - "
                        + "make_interval(secs => :stale) FROM executions WHERE status = 'running' AND (worker IS NULL OR worker LIKE :host)")
                .bind("stale", STALE_MS / 1000.0).bind("host", host.replace("%", "\\%").replace("_", "\\_") + "/%")
                .map((rs, ctx) -> new Orphan(rs.getLong(1), rs.getString(2) == null ? "" : rs.getString(2), rs.getBoolean(3))).list());
        for (Orphan o : orphans) {
            boolean dead = o.worker().equals(worker) ? !running.containsKey(o.id()) : o.stale() || !pidAlive(o.worker());
            if (!dead) continue;
            int taken = jdbi.withHandle(h -> h.createUpdate("UPDATE executions SET worker = :worker, heartbeat = now() "
                    + "WHERE id = :id AND status = 'running' AND worker IS NOT DISTINCT FROM :old")
                    .bind("worker", worker).bind("id", o.id()).bind("old", o.worker().isEmpty() ? null : o.worker()).execute());
            if (taken == 1) follow(o.id(), true);
        }
    }

    /**
     * Whether a process of this host has the pid of the worker "host/pid/random". No: the worker is surely dead. Yes
     * proves nothing (pids are reused, by Nextflow's JVMs too): then only its heartbeat tells.
     */
    private static boolean pidAlive(String worker) {
        String[] parts = worker.split("/");
        if (parts.length < 2) return false;
        try {
            return ProcessHandle.of(Long.parseLong(parts[1])).filter(ProcessHandle::isAlive).isPresent();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void follow(long id, boolean takenOver) {
        Thread t = new Thread(() -> drive(id, takenOver), "flow-execution-" + id);
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

    private void drive(long id, boolean takenOver) {
        RunDirectory dir = RunDirectory.of(dataDir, id);
        Optional<Tracked> t = Optional.empty();
        try {
            t = takenOver ? takeOver(id, dir) : Optional.of(launch(id, dir, 0, Optional.empty()));
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
    private Optional<Tracked> takeOver(long id, RunDirectory dir) throws RunFailure, IOException {
        record State(Long pid, int resumes, boolean cancel) {}
        State s = jdbi.withHandle(h -> h.createQuery("SELECT pid, resumes, cancel_requested FROM executions WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> new State(rs.getObject("pid", Long.class), rs.getInt("resumes"), rs.getBoolean("cancel_requested"))).one());
        readEvents(id, dir, s.resumes());
        Optional<ProcessHandle> alive = Optional.ofNullable(s.pid()).flatMap(ProcessHandle::of).filter(p -> isNextflowOf(p, dir));
        if (alive.isPresent()) {
            jdbi.useHandle(h -> RunEvents.log(h, id, Instant.now(), null, "Flow's worker was restarted; it follows the running Nextflow again"));
            return Optional.of(new Tracked(alive.get(), null, s.resumes()));
        }
        List<JsonNode> events = RunEvents.all(dir.events());
        if (s.cancel() || RunEvents.outcome(events).isPresent()) {
            jdbi.useHandle(h -> RunEvents.log(h, id, Instant.now(), null, "Flow's worker was restarted; Nextflow had ended meanwhile"));
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
                    + launch + " of at most " + maxResumes + ")");
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
                row = jdbi.withHandle(h -> h.createQuery("SELECT events_read, cancel_requested, worker IS NOT DISTINCT FROM :worker "
                                + "FROM executions WHERE id = :id")
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
                // Another worker of this host took it over (this one's heartbeat was stale): that worker follows it now.
                log.warn("execution {} was taken over by another worker", id);
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
        finish(id, dir, t, exit, family);
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
                outputs.collect(h, id, dir, RunEvents.processOfPublishedFile(h, id, events));
                h.createQuery("UPDATE executions SET status = 'completed', progress = 100, finished = now() WHERE id = :id AND status = 'running' "
                                + "RETURNING owner_id, name")
                        .bind("id", id).map((rs, ctx) -> new Ended(rs.getLong(1), rs.getString(2))).findOne()
                        .ifPresent(e -> Activity.record(h, e.owner(), Activity.Action.EXECUTION_COMPLETED, Resource.EXECUTION, id,
                                "Execution " + e.name() + " completed successfully"));
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
                            + "WHERE id = :id AND status = 'running' RETURNING owner_id, name")
                    .bind("status", status).bind("error", error).bind("id", id)
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

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Stops claiming and following; the Nextflow runs go on, and the next start of a worker on this host follows them again. */
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
                return;
            }
        }
    }
}
