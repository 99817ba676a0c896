package bio.flow.http;

import io.javalin.http.Context;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every request gets an id, sent back as X-Request-Id; every error answer also names it in
 * {@code details.request_id}, and the server log records it with any server-side failure.
 */
public final class RequestIds {
    private static final String ATTRIBUTE = "flow.requestId";

    private RequestIds() {}

    public static String newId() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    public static void assign(Context ctx) {
        String id = newId();
        ctx.attribute(ATTRIBUTE, id);
        ctx.header("X-Request-Id", id);
    }

    /** The request's id; assigned now if the request failed before the handler that assigns it ran. */
    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        if (id == null) {
            assign(ctx);
            id = ctx.attribute(ATTRIBUTE);
        }
        return id;
    }
}
