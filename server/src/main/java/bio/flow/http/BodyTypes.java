package bio.flow.http;

import io.javalin.http.Context;
import java.util.Locale;
import java.util.Set;

/**
 * Request bodies are JSON: a request that has a body of any other type is 415, whatever the route. This is also
 * what keeps cross-site form posts out: a browser sends a form (text/plain, urlencoded or multipart) to another
 * site without asking it first, but never a JSON body. A request without a body (a bare POST to
 * {@code /logout}) is not affected.
 */
public final class BodyTypes {
    /** The paths that take an upload as multipart/form-data: the one place to list them. */
    private static final Set<String> MULTIPART_PATHS = Set.of("/upload", "/upload/sample", "/upload/multiplexed", "/upload/annotation");

    private BodyTypes() {}

    /** Throws 415 when the request has a body that is not {@code application/json} (parameters such as charset aside). */
    public static void check(Context ctx) {
        boolean hasBody = ctx.contentLength() > 0 || ctx.header("Transfer-Encoding") != null;
        if (!hasBody) return;
        String type = mediaType(ctx.header("Content-Type"));
        if (type.equals("application/json")) return;
        if (type.equals("multipart/form-data") && MULTIPART_PATHS.contains(ctx.path())) return;
        throw ApiException.unsupportedMediaType("request bodies must be application/json"
                + (type.isEmpty() ? "; this one has no Content-Type" : ", not " + type));
    }

    private static String mediaType(String contentType) {
        if (contentType == null) return "";
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }
}
