package bio.flow.uploads;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which request completes an upload, when several servers share the database (V38). The request that marks an upload
 * {@code completing} claims it: {@code completer} is "host/pid/random" (random per claim) and {@code completion_until}
 * when the claim lapses, on the database's clock. While the completion runs, its server renews the claim every sixth
 * of the lease; a claim that lapsed (its server died, hung, or lost the database for a whole lease) is given up by any
 * server, at start and at every renewal: the upload goes back to {@code receiving}, all its pieces still recorded, and
 * the next repeat of one of them completes it. The completion's last transaction commits only while its claim still
 * holds (its status update names the claim), so a server that stalled past its lease and woke up makes no second record.
 *
 * <p>On this server's own host it is faster, as for workers: a claim of this host whose pid no process has is given
 * up at once (a pid that lives proves nothing: pids are reused, and in a container every start is pid 1), so that a
 * server restarted after a crash resumes its completions without waiting for the lease.
 *
 * <p>The lease is {@code FLOW_WORKER_LEASE_SECONDS}, the one of executions: how long the work of a dead process waits
 * before another takes it over.
 */
final class CompletionClaims implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CompletionClaims.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final Duration lease;
    private final String host;
    private final String process;
    /** The claims of the completions this process runs now, whose leases it renews. */
    private final Set<String> mine = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flow-upload-claims");
        t.setDaemon(true);
        return t;
    });

    CompletionClaims(Jdbi jdbi, Duration lease, String host) {
        this.jdbi = jdbi;
        this.lease = lease;
        this.host = host;
        this.process = host + "/" + ProcessHandle.current().pid();
    }

    /** Gives up the lapsed claims now, then renews this process's claims and looks for lapsed ones every sixth of the lease. */
    void start() {
        releaseLapsed();
        long every = Math.max(1, lease.toMillis() / 6);
        renewals.scheduleWithFixedDelay(() -> {
            try {
                renew();
                releaseLapsed();
            } catch (RuntimeException e) {
                log.warn("renewing the claims of upload completions failed: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** A new claim's name, for a request that may complete an upload. */
    String newClaim() {
        return process + "/" + Long.toHexString(RANDOM.nextLong());
    }

    /** In the caller's transaction, with the upload's row locked: the upload is completing, under {@code claim}. */
    void claim(Handle h, UUID upload, String claim) {
        h.createUpdate("UPDATE uploads SET status = 'completing', completer = :claim, "
                        + "completion_until = now() + :lease * interval '1 millisecond' WHERE id = :id")
                .bind("claim", claim).bind("lease", lease.toMillis()).bind("id", upload).execute();
    }

    /** The claim is renewed from now until {@link #done}: for the completion that runs under it. */
    void running(String claim) {
        mine.add(claim);
    }

    void done(String claim) {
        mine.remove(claim);
    }

    /** The SET clause that ends a claim, for the statement that changes the upload's status from {@code completing}. */
    static final String ENDED = "completer = NULL, completion_until = NULL";

    private void renew() {
        if (mine.isEmpty()) return;
        jdbi.useHandle(h -> h.createUpdate("UPDATE uploads SET completion_until = now() + :lease * interval '1 millisecond' "
                        + "WHERE status = 'completing' AND completer = ANY(:mine)")
                .bind("lease", lease.toMillis()).bindArray("mine", String.class, List.copyOf(mine)).execute());
    }

    /** Completions whose claim lapsed, or whose process on this host is gone, go back to receiving. */
    private void releaseLapsed() {
        String prefix = host + "/";
        List<String> live = ProcessHandle.allProcesses().map(p -> Long.toString(p.pid())).toList();
        List<String> released = jdbi.withHandle(h -> h.createQuery("UPDATE uploads SET status = 'receiving', " + ENDED
                        + " WHERE status = 'completing' AND (completion_until < now() OR (left(completer, length(:prefix)) = :prefix "
                        + "AND split_part(substr(completer, length(:prefix) + 1), '/', 1) <> ALL(:live))) RETURNING id::text")
                .bind("prefix", prefix).bindArray("live", String.class, live).mapTo(String.class).list());
        if (!released.isEmpty()) {
            log.info("{} uploads whose completion stopped with its server wait for a chunk to be sent again: {}", released.size(), released);
        }
    }

    @Override
    public void close() {
        renewals.shutdownNow();
    }
}
