package bio.flow.dialect;

import bio.flow.http.Json;
import bio.flow.testing.Contract;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

/**
 * Talks to Flow's /api dialect the way flowbio 0.9.0 does (flowbio-client-dialect.md): base URL ending in /api,
 * {@code Accept: *}{@code /*}, gzip accepted, {@code Authorization: Bearer} once a token is set, one cookie jar, no
 * redirects followed, uploads as multipart with the text fields first and the {@code blob} part last, in
 * 1,000,000-byte pieces at their offsets. Every answer is checked: against openapi-dialect.yaml where it describes
 * the path, and everywhere for what the client cannot parse (a numeric id, an error body whose {@code error} is not
 * a string).
 */
final class FlowbioClient {
    static final int CHUNK_SIZE = 1_000_000;

    private final String base;
    private final HttpClient http;
    private String token;

    FlowbioClient(String serverUrl) {
        this.base = serverUrl + "/api";
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    FlowbioClient token(String token) {
        this.token = token;
        return this;
    }

    String token() {
        return token;
    }

    /** E1, as {@code log_in}: the answer's {@code token} becomes the Bearer token. */
    Res logIn(String username, String password) {
        Res r = send("POST", "/login", Json.MAPPER.valueToTree(Map.of("username", username, "password", password)).toString()
                .getBytes(StandardCharsets.UTF_8), "application/json");
        if (r.status() == 200) token = r.json().path("token").asText();
        return r;
    }

    Res get(String path) {
        return send("GET", path, null, null);
    }

    Res postJson(String path, String json) {
        return send("POST", path, json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    /** One multipart request: text fields in order (a list value repeats the field), then the {@code blob} part. */
    Res multipart(String path, List<Map.Entry<String, Object>> fields, String filename, byte[] blob) {
        String boundary = UUID.randomUUID().toString().replace("-", "");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, Object> f : fields) {
            List<?> values = f.getValue() instanceof List<?> l ? l : List.of(f.getValue() == null ? "" : f.getValue());
            for (Object v : values) {
                body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n" + v + "\r\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"blob\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(blob);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send("POST", path, body.toByteArray(), "multipart/form-data; boundary=" + boundary);
    }

    /**
     * One file as the client's chunk loop sends it: pieces of {@link #CHUNK_SIZE} at their offsets, {@code data} empty on
     * the first and then the answer's {@code data_id} (or {@code id}), {@code extras} on every piece. Returns every answer;
     * stops at the first that is not 2xx.
     */
    List<Res> uploadFile(String path, String filename, byte[] file, List<Map.Entry<String, Object>> extras) {
        List<Res> answers = new ArrayList<>();
        int chunks = Math.max(1, (file.length + CHUNK_SIZE - 1) / CHUNK_SIZE);
        String data = "";
        for (int i = 0; i < chunks; i++) {
            int from = i * CHUNK_SIZE;
            byte[] piece = java.util.Arrays.copyOfRange(file, from, Math.min(file.length, from + CHUNK_SIZE));
            List<Map.Entry<String, Object>> fields = new ArrayList<>(List.of(Map.entry("filename", filename),
                    Map.entry("expected_file_size", (long) from), Map.entry("is_last", i == chunks - 1), Map.entry("data", data)));
            fields.addAll(extras);
            Res r = multipart(path, fields, filename, piece);
            answers.add(r);
            if (r.status() / 100 != 2) return answers;
            String next = r.json().path("data_id").asText("");
            data = next.isEmpty() ? r.json().path("id").asText("") : next;
        }
        return answers;
    }

    Res send(String method, String path, byte[] body, String contentType) {
        try {
            HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("User-Agent", "flowbio-python/0.9.0").header("Accept", "*/*").header("Accept-Encoding", "gzip, deflate");
            if (contentType != null) rb.header("Content-Type", contentType);
            if (token != null) rb.header("Authorization", "Bearer " + token);
            HttpResponse<byte[]> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] bytes = r.body();
            if ("gzip".equalsIgnoreCase(r.headers().firstValue("Content-Encoding").orElse(""))) {
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                    bytes = in.readAllBytes();
                }
            }
            Res res = new Res(r.statusCode(), r.headers().map(), bytes);
            check(method, path, res);
            return res;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void check(String method, String path, Res res) {
        String type = res.header("Content-Type");
        boolean json = type != null && type.startsWith("application/json");
        if (res.status() / 100 == 2 && res.body().length == 0 && !method.equals("HEAD")) {
            throw new AssertionError(method + " " + path + ": an empty 2xx answer, which the client cannot parse");
        }
        if (json) {
            JsonNode tree = res.json();
            String numeric = numericId(tree, "");
            if (numeric != null) throw new AssertionError(method + " " + path + ": a numeric id at " + numeric + ": " + res.text());
            // A sheet's problems or warnings are at the top level, without error, where the client looks for them.
            boolean sheetIssues = tree.isObject() && !tree.has("error") && (tree.path("validation").isArray() || tree.path("warnings").isArray());
            if (res.status() >= 400 && !sheetIssues && !(tree.isObject() && tree.path("error").isTextual() && tree.path("code").isTextual())) {
                throw new AssertionError(method + " " + path + ": an error body the client prints badly: " + res.text());
            }
        }
        String pathOnly = URI.create(base + path).getPath();
        SimpleResponse.Builder resp = SimpleResponse.Builder.status(res.status());
        res.headers().forEach((k, v) -> {
            if (k != null && !k.equalsIgnoreCase("Content-Encoding")) resp.withHeader(k, v);
        });
        if (res.body().length > 0) resp.withBody(res.text());
        ValidationReport report = Contract.dialectValidator().validateResponse(pathOnly, Request.Method.valueOf(method), resp.build());
        boolean described = report.getMessages().stream().noneMatch(m -> m.getKey().equals("validation.request.path.missing")
                || m.getKey().equals("validation.request.operation.notAllowed"));
        if (described && report.hasErrors()) {
            throw new AssertionError("answer of " + method + " " + pathOnly + " (" + res.status() + ") breaks openapi-dialect.yaml:\n"
                    + report.getMessages() + "\nbody: " + res.text());
        }
    }

    /** Where a JSON number sits under an id key ({@code id}, {@code *_id}, {@code ids}, {@code *_ids}); null when nowhere. */
    static String numericId(JsonNode node, String at) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                boolean idKey = key.equals("id") || key.equals("ids") || key.endsWith("_id") || key.endsWith("_ids");
                if (idKey && e.getValue().isNumber()) return at + "/" + key;
                if (idKey && e.getValue().isArray()) {
                    for (JsonNode v : e.getValue()) if (v.isNumber()) return at + "/" + key + "[]";
                }
                String inner = numericId(e.getValue(), at + "/" + key);
                if (inner != null) return inner;
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String inner = numericId(node.get(i), at + "/" + i);
                if (inner != null) return inner;
            }
        }
        return null;
    }

    record Res(int status, Map<String, List<String>> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + text());
            }
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
                    .findFirst().map(e -> e.getValue().get(0)).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }
}
