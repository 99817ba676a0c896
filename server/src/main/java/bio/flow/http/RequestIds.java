package bio.flow.http;

import io.javalin.http.Context;
import java.util.concurrent.ThreadLocalRandom;

/** Every request gets an id, sent back as X-Request-Id and written with any server-side failure. */
public final class RequestIds {
    private static final String ATTRIBUTE = "flow.requestId";

    private RequestIds() {}

    public static void assign(Context ctx) {
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        ctx.attribute(ATTRIBUTE, id);
        ctx.header("X-Request-Id", id);
    }

    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        return id == null ? "none" : id;
    }
}
