package bio.flow.data;

import bio.flow.auth.Authenticator;
import bio.flow.http.PathIds;
import io.javalin.http.Context;

/** {@code GET /data/{id}}. */
public final class DataRoutes {
    private final Authenticator authenticator;
    private final DataFiles data;

    public DataRoutes(Authenticator authenticator, DataFiles data) {
        this.authenticator = authenticator;
        this.data = data;
    }

    public void get(Context ctx) {
        ctx.json(data.get(authenticator.optional(ctx), PathIds.of(ctx, "id", "data")));
    }
}
