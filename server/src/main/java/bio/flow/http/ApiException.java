package bio.flow.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure the client should see, as {@code {"error": {"code", "message", "details"}}} with its HTTP status.
 * Every feature throws these; {@link ErrorHandling} turns them into responses. The factory methods are the
 * only error codes the API uses.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, Object> details;
    private final Map<String, String> headers;

    private ApiException(int status, String code, String message, Map<String, Object> details, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = details;
        this.headers = headers;
    }

    public static ApiException of(int status, String code, String message, Map<String, Object> details) {
        return new ApiException(status, code, message, details, Map.of());
    }

    /** 400: a field of the request is missing, of the wrong type, or has a value we refuse. */
    public static ApiException invalid(String field, String message) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("field", field);
        return of(400, "VALIDATION_ERROR", field + ": " + message, details);
    }

    public static ApiException invalid(String message, Map<String, Object> details) {
        return of(400, "VALIDATION_ERROR", message, details);
    }

    public static ApiException unauthorized(String message) {
        return of(401, "UNAUTHORIZED", message, Map.of());
    }

    public static ApiException forbidden(String message) {
        return of(403, "FORBIDDEN", message, Map.of());
    }

    public static ApiException notFound(String what) {
        return of(404, "NOT_FOUND", what + " not found", Map.of());
    }

    public static ApiException conflict(String message, Map<String, Object> details) {
        return of(409, "CONFLICT", message, details);
    }

    public static ApiException conflict(String field, String message) {
        return conflict(message, Map.of("field", field));
    }

    /** 413: what was sent (or declared) is larger than the server accepts. */
    public static ApiException tooLarge(String message) {
        return of(413, "PAYLOAD_TOO_LARGE", message, Map.of());
    }

    /** 507: the storage has no room left for what was sent; nothing of it was kept. */
    public static ApiException storageFull(String message) {
        return of(507, "INSUFFICIENT_STORAGE", message, Map.of());
    }

    /** 412: a precondition of the request (If-Match, If-Unmodified-Since) does not hold for the current file. */
    public static ApiException preconditionFailed(String message) {
        return of(412, "PRECONDITION_FAILED", message, Map.of());
    }

    /** 416 with {@code Content-Range: bytes *}{@code /size}: the Range asked for lies wholly past the end of the file. */
    public static ApiException rangeNotSatisfiable(String range, long size) {
        return new ApiException(416, "RANGE_NOT_SATISFIABLE", "the range " + range + " is not within the file's " + size + " bytes",
                Map.of("size", size), Map.of("Content-Range", "bytes */" + size));
    }

    /** 415: the request has a body that is not JSON (or, where an upload is expected, multipart). */
    public static ApiException unsupportedMediaType(String message) {
        return of(415, "UNSUPPORTED_MEDIA_TYPE", message, Map.of());
    }

    public static ApiException rateLimited(long retryAfterSeconds) {
        return new ApiException(429, "RATE_LIMITED", "too many attempts; try again in " + retryAfterSeconds + " s",
                Map.of("retry_after", retryAfterSeconds), Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    /** 503 with Retry-After: the server is too busy for this request now; it may be sent again then. */
    public static ApiException busy(String message, long retryAfterSeconds) {
        return new ApiException(503, "SERVICE_UNAVAILABLE", message,
                Map.of("retry_after", retryAfterSeconds), Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    public int status() { return status; }

    public String code() { return code; }

    public Map<String, Object> details() { return details; }

    public Map<String, String> headers() { return headers; }
}
