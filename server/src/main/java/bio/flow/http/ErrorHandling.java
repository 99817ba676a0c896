package bio.flow.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into the API's error shape. Client mistakes keep their status; anything unexpected
 * becomes 500 INTERNAL_ERROR, whose request id the server log also records, and never a stack trace or SQL text.
 * Every error carries its request id ({@code details.request_id} and X-Request-Id). Errors Jetty raises before
 * routing are written the same way by {@link HttpLayerErrors}.
 */
public final class ErrorHandling {
    private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);
    /** At most this much of a refused body is read (and dropped) before its 413 is answered: see {@link #drainBody}. */
    private static final long DRAIN_LIMIT = 16L << 20;

    private ErrorHandling() {}

    public static void install(JavalinConfig cfg) {
        cfg.routes.exception(ApiException.class, (e, ctx) -> {
            e.headers().forEach(ctx::header);
            write(ctx, e.status(), e.code(), e.getMessage(), e.details());
        });
        // Javalin's own failures: unknown route, wrong method, body over the size limit, ...
        cfg.routes.exception(HttpResponseException.class, (e, ctx) -> {
            int status = e.getStatus();
            if (status == 405) {
                // RFC 9110: a 405 names the methods the resource does support.
                String available = e.getDetails().get("availableMethods");
                if (available != null) ctx.header("Allow", available.replaceAll("[\\[\\]]", ""));
            }
            String message = switch (status) {
                case 404 -> "no such endpoint: " + ctx.method() + " " + ctx.path();
                case 405 -> "method " + ctx.method() + " is not allowed on " + ctx.path();
                case 413 -> "request body is too large";
                default -> e.getMessage();
            };
            write(ctx, status, codeFor(status), message, Map.of());
        });
        cfg.routes.exception(Exception.class, (e, ctx) -> {
            String requestId = RequestIds.of(ctx);
            log.error("request {} {} {} failed", requestId, ctx.method(), ctx.path(), e);
            write(ctx, 500, "INTERNAL_ERROR", "internal error; quote request id " + requestId + " when reporting it", Map.of());
        });
    }

    /** The error code of a status that the HTTP layer (Javalin or Jetty) answers by itself. */
    static String codeFor(int status) {
        return switch (status) {
            case 400 -> "VALIDATION_ERROR";
            case 401 -> "UNAUTHORIZED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 413 -> "PAYLOAD_TOO_LARGE";
            case 414 -> "URI_TOO_LONG";
            case 431 -> "HEADERS_TOO_LARGE";
            case 505 -> "HTTP_VERSION_NOT_SUPPORTED";
            default -> status >= 500 ? "INTERNAL_ERROR" : "HTTP_" + status;
        };
    }

    /** Every error names its request id, in the X-Request-Id header and in {@code details.request_id}. */
    private static void write(Context ctx, int status, String code, String message, Map<String, Object> details) {
        if (status == 413) drainBody(ctx);
        Map<String, Object> withId = new LinkedHashMap<>(details);
        withId.put("request_id", RequestIds.of(ctx));
        ctx.status(status).json(ErrorBody.of(code, message, withId));
    }

    /**
     * Reads and drops what the client is still sending of a body refused as too large, up to {@link #DRAIN_LIMIT}:
     * Jetty closes a connection whose request body was not read to its end, and a client still writing the body then
     * gets a reset, which can destroy the 413 before the client reads it (seen in CI: "header parser received no
     * bytes"). Past the limit the connection is closed as before: a body that large is not worth reading.
     */
    private static void drainBody(Context ctx) {
        byte[] buffer = new byte[64 * 1024];
        long read = 0;
        try {
            InputStream in = ctx.req().getInputStream();
            for (int n; read < DRAIN_LIMIT && (n = in.read(buffer)) >= 0; ) read += n;
        } catch (IOException | IllegalStateException e) {
            // the client went away, or the body was already read as parts: nothing left to spare the client
        }
    }
}
