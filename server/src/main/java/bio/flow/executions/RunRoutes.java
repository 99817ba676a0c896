package bio.flow.executions;

import bio.flow.auth.Authenticator;
import bio.flow.executions.Submissions.RunRequest;
import bio.flow.http.Json;
import bio.flow.http.PathIds;
import io.javalin.http.Context;

/** POST /pipelines/versions/{id}/run: see {@link Submissions} for the rules. */
public final class RunRoutes {
    private final Authenticator authenticator;
    private final Submissions submissions;

    public RunRoutes(Authenticator authenticator, Submissions submissions) {
        this.authenticator = authenticator;
        this.submissions = submissions;
    }

    public void run(Context ctx) {
        var caller = authenticator.require(ctx);
        long version = PathIds.of(ctx, "id", "pipeline version");
        ctx.status(201).json(submissions.submit(caller, version, Json.body(ctx, RunRequest.class)));
    }
}
