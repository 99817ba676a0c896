package bio.flow.uploads;

import bio.flow.db.Claims;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which request completes an upload, when several servers share the database (V38). The request that marks an upload
 * {@code completing} claims it ({@link Claims}): {@code completer} is this process's holder name and a random part per
 * claim, {@code completion_until} when the claim lapses, on the database's clock. While the completion runs, its server
 * renews the claim; a claim that lapsed (its server died, hung, or lost the database for a whole lease), or whose
 * process on this host is gone, is given up by any server, at start and at every renewal: the upload goes back to
 * {@code receiving}, all its pieces still recorded, and the next repeat of one of them completes it. The completion's
 * last transaction commits only while its claim still holds (its status update names the claim), so a server that
 * stalled past its lease and woke up makes no second record.
 */
final class CompletionClaims {
    private static final Logger log = LoggerFactory.getLogger(CompletionClaims.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final Claims claims;
    /** The claims of the completions this process runs now, whose leases it renews. */
    private final Set<String> mine = ConcurrentHashMap.newKeySet();

    CompletionClaims(Jdbi jdbi, Claims claims) {
        this.jdbi = jdbi;
        this.claims = claims;
    }

    /** Gives up the lapsed claims now, then renews this process's claims and gives up lapsed ones with the other claims. */
    void start() {
        claims.every("upload completions", () -> {
            renew();
            releaseLapsed();
        });
    }

    /** A new claim's name, for a request that may complete an upload. */
    String newClaim() {
        return claims.holder() + "/" + Long.toHexString(RANDOM.nextLong());
    }

    /** In the caller's transaction, with the upload's row locked: the upload is completing, under {@code claim}. */
    void claim(Handle h, UUID upload, String claim) {
        h.createUpdate("UPDATE uploads SET status = 'completing', completer = :claim, completion_until = " + Claims.UNTIL + " WHERE id = :id")
                .bind("claim", claim).bind("lease_ms", claims.leaseMillis()).bind("id", upload).execute();
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
        jdbi.useHandle(h -> h.createUpdate("UPDATE uploads SET completion_until = " + Claims.UNTIL
                        + " WHERE status = 'completing' AND completer = ANY(:mine)")
                .bind("lease_ms", claims.leaseMillis()).bindArray("mine", String.class, List.copyOf(mine)).execute());
    }

    /** Completions whose claim lapsed, or whose process on this host is gone, go back to receiving. */
    private void releaseLapsed() {
        List<String> released = jdbi.withHandle(h -> h.createQuery("UPDATE uploads SET status = 'receiving', " + ENDED
                        + " WHERE status = 'completing' AND " + Claims.takeable("completer", "completion_until") + " RETURNING id::text")
                .bindArray("dead", String.class, claims.deadHolders(h, "uploads", "completer", "status = 'completing'")).mapTo(String.class).list());
        if (!released.isEmpty()) {
            log.info("{} uploads whose completion stopped with its server wait for a chunk to be sent again: {}", released.size(), released);
        }
    }
}
