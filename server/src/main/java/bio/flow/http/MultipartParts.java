package bio.flow.http;

import io.javalin.http.Context;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Supplier;

/** Reading a multipart/form-data body's parts, with the one way Flow answers a body over its limits or malformed. */
public final class MultipartParts {
    private MultipartParts() {}

    /**
     * The parts, parsed by Jetty (within the MultipartConfigElement the route set): {@code tooLarge} when a part or
     * the whole is over the limits, 400 naming {@code file} when the body is malformed.
     */
    public static Collection<Part> of(Context ctx, Supplier<ApiException> tooLarge) throws IOException {
        try {
            return ctx.req().getParts();
        } catch (ServletException | IllegalStateException | IOException e) {
            ctx.header("Connection", "close"); // the parser stopped somewhere in the body
            // Jetty says "over the limit" only in its messages (no exception type of its own).
            for (Throwable t = e; t != null; t = t.getCause()) {
                String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                if (message.contains("max") && (message.contains("size") || message.contains("length")) || message.contains("too large")) {
                    throw tooLarge.get();
                }
            }
            throw ApiException.invalid("file", "the multipart/form-data body is malformed: " + e.getMessage());
        }
    }
}
