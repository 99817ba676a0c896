package bio.flow.http;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Requests that the HTTP layer refuses before any route runs (malformed headers and cookies, bad URIs, oversized
 * headers) are answered in the API's error format with a request id, like every other error. They are sent over a
 * raw socket, since an HTTP client library refuses to send them.
 */
class PreRoutingErrorsTest {
    private static final TestServer server = TestServer.shared();

    record Raw(int status, Map<String, String> headers, String body) {
        JsonNode json() throws IOException {
            return Json.MAPPER.readTree(body);
        }
    }

    /** Sends the request line and header lines as they are, and reads the whole answer. */
    static Raw send(String requestLine, String... headerLines) throws IOException {
        int port = Integer.parseInt(server.baseUrl().substring(server.baseUrl().lastIndexOf(':') + 1));
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\n");
            for (String h : headerLines) req.append(h).append("\r\n");
            req.append("Connection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return parse(readAll(s.getInputStream()));
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            for (int n; (n = in.read(chunk)) > 0; ) buf.write(chunk, 0, n);
        } catch (java.net.SocketException e) {
            // the server may reset the connection after answering a request it refused; keep what came
        }
        return buf.toByteArray();
    }

    private static Raw parse(byte[] answer) {
        String text = new String(answer, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        assertThat(end).as("a complete HTTP answer: " + text).isPositive();
        String[] lines = text.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) body = dechunk(body);
        return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, eol).trim(), 16);
            if (size == 0) return out.toString();
            out.append(body, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }

    /** The answer is the API's error with this status and code, and names its request id in the header and the body. */
    static void assertApiError(Raw r, int status, String code) throws IOException {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.headers().get("content-type")).as(r.toString()).startsWith("application/json");
        JsonNode error = r.json().path("error");
        assertThat(error.path("code").asText()).as(r.toString()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
        String id = r.headers().get("x-request-id");
        assertThat(id).as(r.toString()).isNotBlank();
        assertThat(error.path("details").path("request_id").asText()).isEqualTo(id);
    }

    @Test
    void aControlCharacterInACookieIsAJsonError() throws IOException {
        assertApiError(send("GET /token HTTP/1.1", "Cookie: flow_refresh_token=a\tb"), 400, "VALIDATION_ERROR");
    }

    @Test
    void aControlCharacterInAHeaderIsAJsonError() throws IOException {
        assertApiError(send("GET /ping HTTP/1.1", "X-Note: a\u0001b"), 400, "VALIDATION_ERROR");
        assertApiError(send("GET /ping HTTP/1.1", "Bad Header: x"), 400, "VALIDATION_ERROR");
    }

    @Test
    void badUrisAreJsonErrors() throws IOException {
        assertApiError(send("GET /% HTTP/1.1"), 400, "VALIDATION_ERROR");
        assertApiError(send("GET /%zz HTTP/1.1"), 400, "VALIDATION_ERROR");
        // An encoded dot segment is never resolved (to /me): refused, or not found, in the error format.
        Raw dots = send("GET /projects/%2e%2e/me HTTP/1.1");
        assertThat(dots.status()).isIn(400, 404);
        assertApiError(dots, dots.status(), dots.status() == 400 ? "VALIDATION_ERROR" : "NOT_FOUND");
        assertApiError(send("GET /" + "a".repeat(70_000) + " HTTP/1.1"), 414, "URI_TOO_LONG");
    }

    @Test
    void oversizedHeadersAreAJsonError() throws IOException {
        assertApiError(send("GET /ping HTTP/1.1", "X-Big: " + "b".repeat(64 * 1024)), 431, "HEADERS_TOO_LARGE");
    }

    @Test
    void anUnsupportedHttpVersionIsAJsonError() throws IOException {
        Raw r = send("GET /ping HTTP/7.0");
        assertThat(r.status()).isBetween(400, 505);
        assertApiError(r, r.status(), r.status() == 505 ? "HTTP_VERSION_NOT_SUPPORTED" : "VALIDATION_ERROR");
    }
}
