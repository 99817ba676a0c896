package bio.flow.db;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who does a piece of background work, when several processes (servers, {@code flow worker}, {@code flow verify})
 * share one database: the work's row names its holder and when the holder's claim lapses (the database's clock). The
 * holder renews its claims every sixth of the lease; another process takes the work over only once the claim has
 * lapsed (its holder died, hung, or lost the database for a whole lease), or at once when the holder is surely dead:
 * a process of this host whose pid no process has. A pid that lives proves nothing (pids are reused, and in a
 * container every start is pid 1), so a live pid leaves only the lease to tell.
 *
 * <p>A holder is "host/pid/random" (random per process start, so that two starts with one pid differ), the form of
 * workers ({@code executions.worker}) too; claims may add "/..." of their own after it ({@code uploads.completer}). The
 * lease is {@code FLOW_WORKER_LEASE_SECONDS}, the one of executions: how long the work of a dead process waits.
 *
 * <p>Used by imports ({@code data_imports}), storage verifications ({@code storage_verifications}) and upload
 * completions ({@code uploads}); executions keep their own leases ({@code Workers}) but judge a worker dead with
 * {@link #surelyDead} too.
 */
public final class Claims implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Claims.class);
    /** SQL: the end of a claim made or renewed now; bind {@code lease_ms} to {@link #leaseMillis()}. */
    public static final String UNTIL = "now() + :lease_ms * interval '1 millisecond'";

    private final Jdbi jdbi;
    private final Duration lease;
    private final String host;
    private final String holder;
    private final ScheduledExecutorService rounds = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flow-claims");
        t.setDaemon(true);
        return t;
    });

    public Claims(Jdbi jdbi, Duration lease, String host) {
        this.jdbi = jdbi;
        this.lease = lease;
        this.host = host;
        this.holder = host + "/" + ProcessHandle.current().pid() + "/" + Long.toHexString(new SecureRandom().nextLong());
    }

    /** This process, as the holder of its claims. */
    public String holder() {
        return holder;
    }

    public long leaseMillis() {
        return lease.toMillis();
    }

    /**
     * Runs {@code round} now, on the caller's thread (its failure is the caller's), then every sixth of the lease until
     * {@link #close}: a round renews the claims of one kind of work and takes over (or gives up) the lapsed and dead ones.
     * Renewing every sixth of the lease, a claim holds through a few failed renewals.
     */
    public void every(String what, Runnable round) {
        round.run();
        long every = Math.max(1, lease.toMillis() / 6);
        rounds.scheduleWithFixedDelay(() -> {
            try {
                round.run();
            } catch (RuntimeException e) {
                log.warn("renewing the claims of {} failed: {}", what, e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * SQL: the claim in these columns may be taken over: nobody holds it, it lapsed, or its holder is one of
     * {@code :dead} (bind it to {@link #deadHolders}).
     */
    public static String takeable(String holderColumn, String untilColumn) {
        return "(" + holderColumn + " IS NULL OR " + untilColumn + " <= now() OR " + holderColumn + " = ANY(:dead))";
    }

    /** The holders named in {@code column} of the rows of {@code table} where {@code held} (SQL) that are surely dead ({@link #surelyDead}). */
    public List<String> deadHolders(Handle h, String table, String column, String held) {
        String prefix = host + "/";
        return h.createQuery("SELECT DISTINCT " + column + " FROM " + table + " WHERE " + held + " AND left(" + column + ", length(:prefix)) = :prefix")
                .bind("prefix", prefix).mapTo(String.class).stream().filter(holder -> surelyDead(host, holder)).toList();
    }

    /**
     * Whether the holder "host/pid/..." is surely dead, as seen from a process on {@code host}: it is of this host and no
     * process has its pid (or it names none). A holder of another host, or whose pid lives, may be alive: its lease tells.
     */
    public static boolean surelyDead(String host, String holder) {
        if (!holder.startsWith(host + "/")) return false;
        String pid = holder.substring(host.length() + 1).split("/", -1)[0];
        try {
            return ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive).isEmpty();
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** Stops renewing: the claims of this process lapse after the lease unless their work gives them up first. */
    @Override
    public void close() {
        rounds.shutdownNow();
    }
}
