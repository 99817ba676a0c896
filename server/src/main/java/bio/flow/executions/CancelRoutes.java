package bio.flow.executions;

import bio.flow.access.AccessPolicy;
import bio.flow.access.Level;
import bio.flow.access.Resource;
import bio.flow.auth.Authenticator;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.PathIds;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code POST /executions/<id>/cancel} (edit level): a pending execution is canceled at once; a running one is marked
 * for cancellation, which the worker running it (on whichever server) sees within a second: it sends Nextflow SIGTERM
 * and, after a grace period, kills what is left. A finished execution is a 409.
 */
public final class CancelRoutes {
    private final Authenticator authenticator;
    private final Jdbi jdbi;
    private final AccessPolicy policy;

    public CancelRoutes(Authenticator authenticator, Jdbi jdbi, AccessPolicy policy) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
        this.policy = policy;
    }

    record Answer(boolean success, String message) {}

    public void cancel(Context ctx) {
        Caller caller = authenticator.require(ctx);
        long id = PathIds.of(ctx, "id", "execution");
        jdbi.useTransaction(h -> {
            policy.require(h, Resource.EXECUTION, id, Optional.of(caller), Level.EDIT);
            // Pending: canceled here. The row lock taken by this UPDATE (or by a worker's claim) orders the two: a claim
            // that won makes the execution running, and the second UPDATE asks its worker to stop it.
            int canceled = h.createUpdate("UPDATE executions SET status = 'canceled', cancel_requested = TRUE, finished = now(), "
                    + "error = 'Canceled at the request of a user' WHERE id = :id AND status = 'pending'").bind("id", id).execute();
            if (canceled == 1) {
                RunEvents.log(h, id, Instant.now(), null, "Execution canceled by " + caller.username() + " before it started");
                return;
            }
            int asked = h.createUpdate("UPDATE executions SET cancel_requested = TRUE WHERE id = :id AND status = 'running'")
                    .bind("id", id).execute();
            if (asked == 0) {
                String status = h.createQuery("SELECT status FROM executions WHERE id = :id").bind("id", id).mapTo(String.class).one();
                throw ApiException.conflict("the execution is already " + status, Map.of("status", status));
            }
            RunEvents.log(h, id, Instant.now(), null, "Cancellation requested by " + caller.username());
        });
        ctx.json(new Answer(true, "Execution cancellation requested"));
    }
}
