package bio.flow.http;

import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors Jetty raises itself, before (or outside) any route: a malformed request line, header or cookie, a
 * bad or ambiguous URI, headers or a URI over the size limits, an unknown HTTP version. They are written in the
 * API's error format, with a request id in the X-Request-Id header and in {@code details.request_id}, instead
 * of Jetty's HTML page. Installed on the server and on Javalin's servlet context.
 */
public final class HttpLayerErrors extends ErrorHandler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String reason = (String) request.getAttribute(ERROR_MESSAGE);
        if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException e) {
            status = e.getCode();
            reason = e.getReason();
        }
        if (status < 400) status = 500;
        String id = RequestIds.newId();
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put("X-Request-Id", id);
        headers.put(HttpHeader.CONTENT_TYPE, "application/json");
        headers.put(ERROR_CACHE_CONTROL);
        if (HttpStatus.hasNoBody(status) || "HEAD".equals(request.getMethod())) {
            callback.succeeded();
        } else {
            response.write(true, ByteBuffer.wrap(body(status, reason, id)), callback);
        }
        return true;
    }

    /** The answer to a request so malformed that Jetty could not make a request of it. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String id = RequestIds.newId();
        fields.put("X-Request-Id", id);
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put(ERROR_CACHE_CONTROL);
        return ByteBuffer.wrap(body(status, reason, id));
    }

    private static byte[] body(int status, String reason, String id) {
        String message = switch (status) {
            case 400 -> "malformed request (request line, header, cookie or URI)";
            case 414 -> "the URI is too long";
            case 431 -> "the request headers are too large";
            case 505 -> "unsupported HTTP version";
            default -> HttpStatus.getMessage(status);
        };
        // Jetty's reason names the fault (such as "Invalid cookie"); it never holds the request's own text.
        if (reason != null && !reason.isBlank() && !reason.equalsIgnoreCase(HttpStatus.getMessage(status))) {
            message += ": " + (reason.length() > 200 ? reason.substring(0, 200) : reason);
        }
        try {
            return Json.MAPPER.writeValueAsBytes(ErrorBody.of(ErrorHandling.codeFor(status), message, Map.of("request_id", id)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
