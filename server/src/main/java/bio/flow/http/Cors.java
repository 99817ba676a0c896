package bio.flow.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CORS as the API reference describes it, for the origins in FLOW_CORS_ORIGINS. The origins listed by name may
 * call with credentials (the refresh cookie); "*" lets any other origin call without them.
 * Preflight requests are answered here, before routing, with 204.
 */
public final class Cors {
    private final Set<String> origins;
    private final boolean anyOrigin;

    public Cors(List<String> origins) {
        this.origins = origins.stream().filter(o -> !o.equals("*")).collect(Collectors.toUnmodifiableSet());
        this.anyOrigin = origins.contains("*");
    }

    /** Adds the headers when the origin is allowed; returns true when the request was a preflight and is done. */
    public boolean apply(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) return false;
        if (origins.contains(origin)) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Vary", "Origin");
            // Credentials let a browser app send the refresh-token cookie to GET /token: only for origins named
            // one by one, never for "*", which would let any site act with a visitor's session.
            ctx.header("Access-Control-Allow-Credentials", "true");
        } else if (anyOrigin) {
            ctx.header("Access-Control-Allow-Origin", "*");
        } else {
            return false;
        }
        if (ctx.method() == HandlerType.OPTIONS && ctx.header("Access-Control-Request-Method") != null) {
            ctx.header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
            ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type");
            ctx.header("Access-Control-Max-Age", "86400");
            ctx.status(204);
            return true;
        }
        return false;
    }
}
