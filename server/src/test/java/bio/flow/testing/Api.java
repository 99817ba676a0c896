package bio.flow.testing;

import bio.flow.http.Json;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An HTTP client for tests, with its own cookie jar (one "browser"). Every exchange is checked against
 * openapi.yaml: a route, status or body shape that the contract does not describe fails the test.
 */
public final class Api {

    private final String baseUrl;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;
    private String token;

    Api(String baseUrl) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder().cookieHandler(cookies)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Sends this bearer token with every later request (null: anonymous). */
    public Api as(String accessToken) {
        this.token = accessToken;
        return this;
    }

    public String token() {
        return token;
    }

    /** The value of a cookie this client holds, or null. */
    public String cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(java.net.HttpCookie::getValue).findFirst().orElse(null);
    }

    public Res get(String path) {
        return send("GET", path, null, Map.of());
    }

    /** POSTs a body: a String is sent as is, anything else as JSON. */
    public Res post(String path, Object body) {
        return send("POST", path, body, Map.of());
    }

    public Res post(String path) {
        return send("POST", path, null, Map.of());
    }

    public Res send(String method, String path, Object body, Map<String, String> headers) {
        try {
            byte[] bytes = body == null ? null
                    : body instanceof String s ? s.getBytes(StandardCharsets.UTF_8)
                    : body instanceof byte[] b ? b
                    : Json.MAPPER.writeValueAsBytes(body);
            HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
                    .method(method, bytes == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
            if (bytes != null) rb.header("Content-Type", "application/json");
            if (token != null) rb.header("Authorization", "Bearer " + token);
            // Set, not added: a test may replace the Content-Type above.
            headers.forEach(rb::setHeader);
            HttpResponse<byte[]> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
            Res res = new Res(r.statusCode(), r.headers().map(), r.body());
            checkContract(method, path, res);
            return res;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void checkContract(String method, String path, Res res) {
        URI uri = URI.create(baseUrl + path);
        SimpleResponse.Builder resp = SimpleResponse.Builder.status(res.status());
        res.headers().forEach((k, v) -> { if (k != null) resp.withHeader(k, v); });
        if (res.body().length > 0) resp.withBody(new String(res.body(), StandardCharsets.UTF_8));
        // Only the response is judged: tests send malformed requests on purpose.
        ValidationReport report = Contract.validator().validateResponse(uri.getPath(), Request.Method.valueOf(method), resp.build());
        if (outsideTheContract(report)) {
            // An unknown path or method: the server must say so (404/405, or answer a CORS preflight) in the
            // error format, which the contract cannot describe for paths it does not have.
            boolean preflight = method.equals("OPTIONS") && res.status() == 204;
            if (!preflight && !(res.status() == 404 || res.status() == 405) || !preflight && !res.json().path("error").has("code")) {
                throw new AssertionError(method + " " + path + " is not in openapi.yaml, yet answered " + res);
            }
            return;
        }
        if (report.hasErrors()) {
            throw new AssertionError("response of " + method + " " + path + " (" + res.status() + ") breaks openapi.yaml:\n"
                    + report.getMessages() + "\nbody: " + res.text());
        }
    }

    private static boolean outsideTheContract(ValidationReport report) {
        return report.getMessages().stream().anyMatch(m -> m.getKey().equals("validation.request.path.missing")
                || m.getKey().equals("validation.request.operation.notAllowed"));
    }

    /** A response: status, headers, body, and the body as JSON. */
    public record Res(int status, Map<String, List<String>> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + text());
            }
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
                    .findFirst().map(e -> e.getValue().get(0)).orElse(null);
        }

        /** The error code of an error response. */
        public String errorCode() {
            return json().path("error").path("code").asText(null);
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

}
