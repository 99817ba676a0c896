package bio.flow.samples;

import bio.flow.auth.Authenticator;
import bio.flow.http.Filters;
import bio.flow.http.Json;
import bio.flow.http.Paging;
import bio.flow.http.PathIds;
import bio.flow.samples.Samples.SampleFields;
import bio.flow.samples.Samples.Scope;
import io.javalin.http.Context;

/**
 * GET /samples/owned, /samples/shared, POST /samples/new, GET /samples/{id} and its /data and /executions,
 * POST /samples/{id}/edit. Share, transfer and delete (one or many) are {@link bio.flow.access.SharedResourceRoutes},
 * as for every shareable kind.
 */
public final class SampleRoutes {
    private final Authenticator authenticator;
    private final Samples samples;

    public SampleRoutes(Authenticator authenticator, Samples samples) {
        this.authenticator = authenticator;
        this.samples = samples;
    }

    public void owned(Context ctx) {
        ctx.json(samples.list(authenticator.require(ctx), Scope.OWNED, Paging.from(ctx), Filters.text(ctx), Filters.organism(ctx)));
    }

    public void shared(Context ctx) {
        ctx.json(samples.list(authenticator.require(ctx), Scope.SHARED, Paging.from(ctx), Filters.text(ctx), Filters.organism(ctx)));
    }

    public void create(Context ctx) {
        var caller = authenticator.require(ctx);
        ctx.status(201).json(samples.create(caller, Json.body(ctx, SampleFields.class)));
    }

    public void get(Context ctx) {
        ctx.json(samples.get(authenticator.optional(ctx), id(ctx)));
    }

    public void data(Context ctx) {
        ctx.json(samples.data(authenticator.optional(ctx), id(ctx), Paging.from(ctx)));
    }

    public void executions(Context ctx) {
        ctx.json(samples.executions(authenticator.optional(ctx), id(ctx), Paging.from(ctx)));
    }

    public void edit(Context ctx) {
        var caller = authenticator.require(ctx);
        ctx.json(samples.edit(caller, id(ctx), Json.body(ctx, SampleFields.class)));
    }

    private static long id(Context ctx) {
        return PathIds.of(ctx, "id", "sample");
    }
}
