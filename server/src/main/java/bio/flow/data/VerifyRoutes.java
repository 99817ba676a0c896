package bio.flow.data;

import bio.flow.auth.Authenticator;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import io.javalin.http.Context;

/** {@code POST /admin/storage/verify} starts a storage verification, {@code GET} shows it: administrators only. */
public final class VerifyRoutes {
    private final Authenticator authenticator;
    private final Verifier verifier;

    public VerifyRoutes(Authenticator authenticator, Verifier verifier) {
        this.authenticator = authenticator;
        this.verifier = verifier;
    }

    /** 202 with the run started, or with the run already going (one runs at a time; this starts no second one). */
    public void start(Context ctx) {
        Caller caller = admin(ctx);
        ctx.status(202).json(verifier.start(caller.id()));
    }

    /** The run going on, else the last one; 404 before the first. */
    public void get(Context ctx) {
        admin(ctx);
        ctx.json(verifier.latest().orElseThrow(() -> ApiException.notFound("storage verification")));
    }

    private Caller admin(Context ctx) {
        Caller caller = authenticator.require(ctx);
        if (!caller.isAdmin()) throw ApiException.forbidden("only administrators may verify the storage");
        return caller;
    }
}
