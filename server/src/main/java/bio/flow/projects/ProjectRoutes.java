package bio.flow.projects;

import bio.flow.auth.Authenticator;
import bio.flow.http.Filters;
import bio.flow.http.Json;
import bio.flow.http.Paging;
import bio.flow.http.PathIds;
import bio.flow.projects.Projects.ProjectFields;
import bio.flow.projects.Projects.Scope;
import bio.flow.samples.Samples;
import io.javalin.http.Context;
import java.util.List;

/**
 * GET /projects, /projects/owned, /projects/shared, /projects/public, POST /projects/new, GET /projects/{id}
 * and its /samples, /executions and /data, POST /projects/{id}/edit and /metadata. Share, transfer and delete are
 * {@link bio.flow.access.SharedResourceRoutes}, as for every shareable kind.
 */
public final class ProjectRoutes {
    private final Authenticator authenticator;
    private final Projects projects;
    private final Samples samples;

    public ProjectRoutes(Authenticator authenticator, Projects projects, Samples samples) {
        this.authenticator = authenticator;
        this.projects = projects;
        this.samples = samples;
    }

    record MetadataRequest(List<Projects.SampleMetadata> samples) {}

    record MetadataResponse(boolean success, int updated) {}

    /** Everything the caller may read: their own, shared and public projects (anonymous callers: public ones). */
    public void list(Context ctx) {
        ctx.json(projects.list(authenticator.optional(ctx), Scope.READABLE, Paging.from(ctx), Filters.text(ctx), Filters.organism(ctx)));
    }

    public void owned(Context ctx) {
        ctx.json(projects.list(java.util.Optional.of(authenticator.require(ctx)), Scope.OWNED, Paging.from(ctx), Filters.text(ctx), Filters.organism(ctx)));
    }

    public void shared(Context ctx) {
        ctx.json(projects.list(java.util.Optional.of(authenticator.require(ctx)), Scope.SHARED, Paging.from(ctx), Filters.text(ctx), Filters.organism(ctx)));
    }

    public void publicProjects(Context ctx) {
        ctx.json(projects.list(authenticator.optional(ctx), Scope.PUBLIC, Paging.from(ctx), Filters.text(ctx), Filters.organism(ctx)));
    }

    public void create(Context ctx) {
        var caller = authenticator.require(ctx);
        ctx.status(201).json(projects.create(caller, Json.body(ctx, ProjectFields.class)));
    }

    public void get(Context ctx) {
        ctx.json(projects.get(authenticator.optional(ctx), id(ctx)));
    }

    public void samples(Context ctx) {
        ctx.json(samples.ofProject(authenticator.optional(ctx), id(ctx), Paging.from(ctx), Filters.text(ctx), Filters.organism(ctx)));
    }

    public void executions(Context ctx) {
        ctx.json(projects.executions(authenticator.optional(ctx), id(ctx), Paging.from(ctx)));
    }

    public void data(Context ctx) {
        ctx.json(projects.data(authenticator.optional(ctx), id(ctx), Paging.from(ctx)));
    }

    public void edit(Context ctx) {
        var caller = authenticator.require(ctx);
        ctx.json(projects.edit(caller, id(ctx), Json.body(ctx, ProjectFields.class)));
    }

    public void metadata(Context ctx) {
        var caller = authenticator.require(ctx);
        MetadataRequest r = Json.body(ctx, MetadataRequest.class);
        ctx.json(new MetadataResponse(true, projects.updateMetadata(caller, id(ctx), r.samples())));
    }

    private static long id(Context ctx) {
        return PathIds.of(ctx, "id", "project");
    }
}
