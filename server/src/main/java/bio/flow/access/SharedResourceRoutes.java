package bio.flow.access;

import bio.flow.auth.Authenticator;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Json;
import bio.flow.http.PathIds;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * The routes every shareable kind has, served alike for each: {@code GET} and {@code POST /<kind>/{id}/share},
 * {@code /<kind>/{id}/transfer}, {@code /<kind>/{id}/delete} and the all-or-nothing {@code POST /<kind>/delete}.
 * One instance per {@link Resource}; what differs between kinds is the kind's {@link Shareable}.
 */
public final class SharedResourceRoutes {
    /** The most ids one batch delete takes. */
    private static final int MAX_BATCH = 10_000;

    private final Resource resource;
    private final Shareable<?> kind;
    private final Authenticator authenticator;
    private final Jdbi jdbi;
    private final AccessPolicy policy;
    private final Sharing sharing;

    public SharedResourceRoutes(Resource resource, Shareable<?> kind, Authenticator authenticator, Jdbi jdbi, AccessPolicy policy,
                                Sharing sharing) {
        this.resource = resource;
        this.kind = kind;
        this.authenticator = authenticator;
        this.jdbi = jdbi;
        this.policy = policy;
        this.sharing = sharing;
    }

    record BatchDeleteRequest(List<Long> ids) {}

    record SuccessResponse(boolean success, String message) {}

    /** The grants on the resource (share level: a sharing dialog shows them before any change). */
    public void grants(Context ctx) {
        Caller caller = authenticator.require(ctx);
        long id = id(ctx);
        ctx.json(jdbi.inTransaction(h -> sharing.current(h, resource, id, caller)));
    }

    /** Answers the grants on the resource after the change. */
    public void share(Context ctx) {
        Caller caller = authenticator.require(ctx);
        long id = id(ctx);
        Sharing.ShareRequest r = Json.body(ctx, Sharing.ShareRequest.class);
        ctx.json(jdbi.inTransaction(h -> sharing.share(h, resource, id, caller, r)));
    }

    /** Answers the resource as the caller sees it now that it is no longer theirs (or, for an admin, still is). */
    public void transfer(Context ctx) {
        Caller caller = authenticator.require(ctx);
        long id = id(ctx);
        Sharing.TransferRequest r = Json.body(ctx, Sharing.TransferRequest.class);
        ctx.json(jdbi.inTransaction(h -> {
            kind.transferred(h, id, sharing.transfer(h, resource, id, caller, r));
            return kind.detail(h, id, caller, policy.require(h, resource, id, Optional.of(caller), Level.READ));
        }));
    }

    /** Deletes the resource (owner level), and through the database's cascades what belongs to it. */
    public void delete(Context ctx) {
        Caller caller = authenticator.require(ctx);
        long id = id(ctx);
        Runnable afterCommit = jdbi.inTransaction(h -> {
            policy.require(h, resource, id, Optional.of(caller), Level.OWNER);
            Runnable removal = kind.deleting(h, List.of(id));
            h.createUpdate("DELETE FROM " + resource.table + " WHERE id = :id").bind("id", id).execute();
            return removal;
        });
        afterCommit.run();
        ctx.json(new SuccessResponse(true, kind.deletedMessage(id)));
    }

    /** Deletes all the resources listed or none: every id must exist and be the caller's to delete. */
    public void deleteMany(Context ctx) {
        Caller caller = authenticator.require(ctx);
        List<Long> ids = Json.body(ctx, BatchDeleteRequest.class).ids();
        if (ids == null || ids.isEmpty()) throw ApiException.invalid("ids", "list at least one " + resource.noun + " id");
        if (ids.size() > MAX_BATCH) throw ApiException.invalid("ids", "at most " + MAX_BATCH + " ids at once");
        if (ids.contains(null)) throw ApiException.invalid("ids", "ids must be whole numbers, not null");
        Set<Long> distinct = new LinkedHashSet<>(ids);
        Runnable afterCommit = jdbi.inTransaction(h -> {
            Map<Long, Integer> levels = policy.levelsLocked(h, resource, distinct, caller);
            List<Map<String, Object>> failed = new ArrayList<>();
            for (long id : distinct) {
                int level = levels.getOrDefault(id, Level.NONE);
                if (level < Level.READ) failed.add(Map.of("id", id, "reason", "not found"));
                else if (level < Level.OWNER) failed.add(Map.of("id", id, "reason", "not yours to delete"));
            }
            if (!failed.isEmpty()) {
                throw ApiException.invalid("ids: nothing was deleted; " + failed.size() + " of the " + resource.plural + " cannot be deleted",
                        Map.of("field", "ids", "failed", failed));
            }
            Runnable removal = kind.deleting(h, distinct);
            h.createUpdate("DELETE FROM " + resource.table + " WHERE id = ANY(:ids)").bindArray("ids", Long.class, distinct).execute();
            return removal;
        });
        afterCommit.run();
        ctx.json(new SuccessResponse(true, distinct.size() + " " + resource.plural + " were deleted"));
    }

    private long id(Context ctx) {
        return PathIds.of(ctx, "id", resource.noun);
    }
}
