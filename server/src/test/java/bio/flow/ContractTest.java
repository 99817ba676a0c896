package bio.flow;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Contract;
import bio.flow.testing.TestServer;
import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Holds openapi.yaml and the server in step: the routes the server registers are exactly the operations the
 * contract describes, the contract the server serves is the file in the repository, the docs page works, and
 * the response validation that {@link Api} applies to every exchange really rejects responses that break the
 * contract (so that it cannot silently be a no-op).
 */
class ContractTest {
    private static final Set<String> IGNORED_METHODS = Set.of("HEAD", "OPTIONS");

    private static final TestServer server = TestServer.shared();

    static OpenAPI parse(String yaml) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(yaml, null, options);
        assertThat(result.getMessages()).as("problems the OpenAPI parser found in openapi.yaml").isEmpty();
        assertThat(result.getOpenAPI()).as("openapi.yaml parsed").isNotNull();
        return result.getOpenAPI();
    }

    /** "METHOD /path" of every operation in the contract. */
    static Set<String> specRoutes(OpenAPI api) {
        Set<String> routes = new TreeSet<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().keySet().forEach(method -> {
            if (!IGNORED_METHODS.contains(method.name())) routes.add(method.name() + " " + path);
        }));
        return routes;
    }

    // (a) ------------------------------------------------------------------------------------------------------

    @Test
    void everyRouteOfTheServerIsInTheContractAndNothingElse() {
        OpenAPI api = parse(Contract.text());
        assertThat(api.getOpenapi()).as("OpenAPI version of the contract").startsWith("3.1.");
        Set<String> inSpec = specRoutes(api);
        Set<String> served = servedRoutes();
        Set<String> undocumented = new TreeSet<>(served);
        undocumented.removeAll(inSpec);
        Set<String> notServed = new TreeSet<>(inSpec);
        notServed.removeAll(served);
        assertThat(undocumented.isEmpty() && notServed.isEmpty())
                .as("routes and openapi.yaml differ.%n  served but not in openapi.yaml: %s%n  in openapi.yaml but not served: %s",
                        undocumented, notServed)
                .isTrue();
    }

    /** "METHOD /path" of every route the server serves, with path parameters written as in OpenAPI. */
    static Set<String> servedRoutes() {
        Set<String> served = new TreeSet<>();
        for (String route : server.routeList()) {
            String method = route.substring(0, route.indexOf(' '));
            // Javalin's <name> path parameters are {name} in OpenAPI.
            String path = route.substring(route.indexOf(' ') + 1).replaceAll("<([^>]+)>", "{$1}");
            if (!IGNORED_METHODS.contains(method)) served.add(method + " " + path);
        }
        return served;
    }

    /** What every operation must say: see the brief of openapi.yaml. */
    @Test
    void everyOperationIsFullyDocumented() {
        OpenAPI api = parse(Contract.text());
        assertThat(api.getComponents().getSecuritySchemes()).containsKeys("bearerAuth", "refreshCookie");
        List<String> problems = new ArrayList<>();
        Set<String> operationIds = new TreeSet<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            String name = method.name() + " " + path;
            Consumer<String> problem = p -> problems.add(name + ": " + p);
            if (blank(op.getSummary())) problem.accept("no summary");
            if (blank(op.getDescription())) problem.accept("no description (say who may call it)");
            if (blank(op.getOperationId())) problem.accept("no operationId");
            else if (!operationIds.add(op.getOperationId())) problem.accept("operationId " + op.getOperationId() + " is used twice");
            if (op.getSecurity() == null) problem.accept("no explicit security (use `security: []` for public operations)");
            Set<String> statuses = op.getResponses() == null ? Set.of() : op.getResponses().keySet();
            if (statuses.stream().noneMatch(s -> s.startsWith("2"))) problem.accept("documents no success response");
            if (!statuses.contains("500")) problem.accept("does not document 500");
            if (op.getSecurity() != null && op.getSecurity().stream().anyMatch(r -> r.containsKey("bearerAuth"))
                    && !statuses.contains("401")) problem.accept("requires a token but does not document 401");
            if (op.getRequestBody() != null) {
                if (!statuses.contains("400")) problem.accept("takes a body but does not document 400");
                if (!statuses.contains("413")) problem.accept("takes a body but does not document 413");
                if (!statuses.contains("415")) problem.accept("takes a body but does not document 415 (not application/json)");
            }
            if (op.getParameters() != null && op.getParameters().stream().anyMatch(p -> "query".equals(p.getIn())
                    && Set.of("limit", "offset").contains(p.getName())) && !statuses.contains("400")) {
                problem.accept("takes limit/offset but does not document 400 (limit > 100)");
            }
        }));
        assertThat(problems).as("operations of openapi.yaml that are not fully documented").isEmpty();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /**
     * The security each operation declares is what the server does: an operation that requires a bearer
     * token answers an anonymous caller 401, and one that anonymous callers may use (`security: []`, or a
     * `{}` alternative) does not. Probed with an empty JSON body and "0" for every path parameter, so that
     * nothing is created or changed.
     */
    @Test
    void theDeclaredSecurityIsWhatTheServerEnforces() throws Exception {
        OpenAPI api = parse(Contract.text());
        Set<String> served = servedRoutes();
        HttpClient http = HttpClient.newHttpClient();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, io.swagger.v3.oas.models.PathItem> p : api.getPaths().entrySet()) {
            for (var e : p.getValue().readOperationsMap().entrySet()) {
                List<SecurityRequirement> security = e.getValue().getSecurity();
                // no security: reported by everyOperationIsFullyDocumented; not served: by the route check
                if (security == null || !served.contains(e.getKey().name() + " " + p.getKey())) continue;
                boolean anonymous = security.isEmpty() || security.stream().anyMatch(SecurityRequirement::isEmpty);
                boolean bearerOnly = !anonymous && security.stream().allMatch(r -> r.containsKey("bearerAuth"));
                String path = p.getKey().replaceAll("\\{[^}]+}", "0");
                String method = e.getKey().name();
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path));
                request = method.equals("GET") ? request.GET()
                        : request.method(method, HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json");
                int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                String name = method + " " + p.getKey();
                if (bearerOnly && status != 401) {
                    problems.add(name + " declares that it needs a bearer token, but an anonymous caller got " + status);
                }
                if (anonymous && status == 401) {
                    problems.add(name + " declares that anonymous callers may use it, but one got 401");
                }
            }
        }
        assertThat(problems).as("operations whose declared `security` differs from what the server does").isEmpty();
    }

    // (b) ------------------------------------------------------------------------------------------------------

    @Test
    void theServerServesTheContractAndItsDocsPage() throws Exception {
        Api api = server.client();
        Api.Res spec = api.get("/openapi.yaml");
        assertThat(spec.status()).isEqualTo(200);
        assertThat(spec.header("Content-Type")).startsWith("application/yaml");
        byte[] file = Files.readAllBytes(Contract.path());
        if (!java.util.Arrays.equals(spec.body(), file)) {
            throw new AssertionError("GET /openapi.yaml does not serve " + Contract.path().toAbsolutePath().normalize()
                    + " byte for byte (the jar's copy is made at process-resources: is it stale?); "
                    + firstDifference(spec.text(), new String(file, java.nio.charset.StandardCharsets.UTF_8)));
        }

        Api.Res docs = api.get("/docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.header("Content-Type")).startsWith("text/html");
        assertThat(docs.text()).contains("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css", "/openapi.yaml");

        // The assets are static files, not API operations: fetch them without the contract check.
        HttpClient http = HttpClient.newHttpClient();
        for (String asset : List.of("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css")) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + asset)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).as("GET " + asset).isEqualTo(200);
            assertThat(r.body().length).as("size of " + asset).isGreaterThan(1000);
        }
    }

    private static String firstDifference(String served, String file) {
        String[] a = served.split("\n", -1);
        String[] b = file.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "<end of file>";
            String y = i < b.length ? b[i] : "<end of file>";
            if (!x.equals(y)) return "first difference at line " + (i + 1) + ": served [" + x + "], file [" + y + "]";
        }
        return "they differ only in line endings";
    }

    // (c) ------------------------------------------------------------------------------------------------------

    /** A response that the contract must accept or reject. */
    private record Case(String what, Request.Method method, String path, int status, String body, boolean valid) {}

    private static final String ME = """
            {"id":1,"username":"ann","email":%s,"first_name":"Ann","last_name":"Lee","groups":["lab"],
             "can_run_pipelines":true,"is_admin":false,"ssh_key":null,"ssh_key_fingerprint":null,
             "created":"2024-01-10T10:00:00Z"%s}""";

    private static List<Case> cases() {
        Request.Method get = Request.Method.GET;
        Request.Method post = Request.Method.POST;
        return List.of(
                new Case("a correct GET /me, with its nullable fields null", get, "/me", 200, ME.formatted("null", ""), true),
                new Case("a correct GET /me, with its nullable fields set", get, "/me", 200,
                        ME.formatted("\"ann@example.org\"", "").replace("\"ssh_key\":null,\"ssh_key_fingerprint\":null",
                                "\"ssh_key\":\"ssh-ed25519 AAAA\",\"ssh_key_fingerprint\":\"SHA256:x\""), true),
                new Case("a correct error", get, "/me", 401,
                        "{\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"details\":{\"request_id\":\"1f\"}}}", true),
                new Case("an error without its request id", get, "/me", 401,
                        "{\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"details\":{}}}", false),
                new Case("a status the operation does not document", get, "/me", 418, "{}", false),
                new Case("a path the contract does not have", get, "/no-such-path", 200, "{}", false),
                new Case("a required field missing", get, "/me", 200, ME.formatted("null", "").replace(",\"is_admin\":false", ""), false),
                new Case("a date-time that is not one", get, "/me", 200,
                        ME.formatted("null", "").replace("2024-01-10T10:00:00Z", "yesterday"), false),
                new Case("a value outside its enum", post, "/login", 200,
                        "{\"access_token\":\"x\",\"token_type\":\"Basic\",\"expires_in\":900,\"user\":{\"id\":1,\"username\":\"a\",\"email\":null}}", false),
                new Case("a string where a number belongs", get, "/me", 200, ME.formatted("null", "").replace("\"id\":1", "\"id\":\"1\""), false),
                new Case("a number where a nullable string belongs", get, "/me", 200, ME.formatted("42", ""), false),
                new Case("null where null is not allowed", get, "/me", 200, ME.formatted("null", "").replace("\"ann\"", "null"), false),
                new Case("a property the schema does not allow", get, "/me", 200, ME.formatted("null", ",\"password_hash\":\"x\""), false),
                new Case("an error of the wrong shape", get, "/me", 401, "{\"message\":\"authentication required\"}", false),
                new Case("an error with the code of another status", get, "/me", 401,
                        "{\"error\":{\"code\":\"FORBIDDEN\",\"message\":\"x\",\"details\":{\"request_id\":\"1f\"}}}", false),
                new Case("an error with an extra member", get, "/me", 401,
                        "{\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"x\",\"details\":{\"request_id\":\"1f\"},\"trace\":\"at ...\"}}", false),
                new Case("a 429 without Retry-After", post, "/login", 429,
                        "{\"error\":{\"code\":\"RATE_LIMITED\",\"message\":\"x\",\"details\":{\"retry_after\":3,\"request_id\":\"1f\"}}}", false),
                new Case("a busy 503 without Retry-After", post, "/login", 503,
                        "{\"error\":{\"code\":\"SERVICE_UNAVAILABLE\",\"message\":\"x\",\"details\":{\"retry_after\":1,\"request_id\":\"1f\"}}}", false),
                new Case("a 415 with the code of another status", post, "/login", 415,
                        "{\"error\":{\"code\":\"VALIDATION_ERROR\",\"message\":\"x\",\"details\":{\"request_id\":\"1f\"}}}", false));
    }

    /** The cases the validator judges wrongly, as readable lines. */
    private static List<String> misjudged(OpenApiInteractionValidator validator) {
        List<String> wrong = new ArrayList<>();
        for (Case c : cases()) {
            SimpleResponse response = SimpleResponse.Builder.status(c.status())
                    .withContentType("application/json").withBody(c.body()).build();
            ValidationReport report = validator.validateResponse(c.path(), c.method(), response);
            if (report.hasErrors() == c.valid()) {
                wrong.add((c.valid() ? "rejected " : "accepted ") + c.what() + " (" + c.method() + " " + c.path() + " "
                        + c.status() + ")" + (report.hasErrors() ? ": " + report.getMessages() : ""));
            }
        }
        return wrong;
    }

    /** The very validator that {@link Api} applies to every response of every test. */
    private static OpenApiInteractionValidator apiValidator() {
        return Contract.validator();
    }

    @Test
    void theValidatorOfTheTestClientRejectsResponsesThatBreakTheContract() throws Exception {
        assertThat(misjudged(apiValidator()))
                .as("""
                        the contract check that Api applies to every response misjudges hand-made responses. \
                        swagger-request-validator 2.46.1 ignores `type` (every type, not only [T, "null"]) and \
                        `additionalProperties: false` in an OpenAPI 3.1 document; give it ContractTest.Contract.toOpenApi30(spec)""")
                .isEmpty();
    }

    @Test
    void theContractDownlevelledTo30IsCompleteAndValidatesStrictly() {
        String spec = Contract.text();
        String spec30 = Contract.toOpenApi30(spec);
        // Every 3.1 construct has a 3.0 rendering that the parser accepts as it is...
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(spec30, null, new ParseOptions());
        assertThat(parsed.getMessages()).as("problems in openapi.yaml rendered as OpenAPI 3.0").isEmpty();
        // ... nothing is lost on the way ...
        assertThat(specRoutes(parsed.getOpenAPI())).isEqualTo(specRoutes(parse(spec)));
        // ... and the validator then judges every case right.
        OpenApiInteractionValidator strict = OpenApiInteractionValidator.createForInlineApiSpecification(spec30).build();
        assertThat(misjudged(strict)).isEmpty();
    }

    @Test
    void downlevellingRewritesOnlyThe31Constructs() {
        String yaml = """
                openapi: 3.1.0
                info: {title: t, version: '1', summary: s}
                paths: {}
                components:
                  securitySchemes:
                    bearerAuth: {type: http, scheme: bearer}
                  schemas:
                    A:
                      type: object
                      properties:
                        type: {type: [string, 'null'], examples: [x]}
                        const: {const: 3}
                        n: {type: [integer], exclusiveMinimum: 0}
                        r: {anyOf: [{$ref: '#/components/schemas/B'}, {type: 'null'}]}
                      examples: [{type: [1, 2]}]
                    B: {type: object}
                """;
        JsonNode out = Contract.readYaml(Contract.toOpenApi30(yaml));
        assertThat(out.path("openapi").asText()).isEqualTo("3.0.3");
        assertThat(out.path("info").has("summary")).isFalse();
        JsonNode props = out.at("/components/schemas/A/properties");
        assertThat(props.path("type").path("type").asText()).isEqualTo("string");
        assertThat(props.path("type").path("nullable").asBoolean()).isTrue();
        assertThat(props.path("type").path("example").asText()).isEqualTo("x");
        assertThat(props.path("const").path("enum").get(0).asInt()).isEqualTo(3);
        assertThat(props.path("n").path("minimum").asInt()).isZero();
        assertThat(props.path("n").path("exclusiveMinimum").asBoolean()).isTrue();
        // a nullable reference becomes a nullable copy of the component: in 3.0, allOf: [$ref] rejects null
        assertThat(props.path("r").has("allOf")).isFalse();
        assertThat(props.path("r").path("type").asText()).isEqualTo("object");
        assertThat(props.path("r").path("nullable").asBoolean()).isTrue();
        // example data is left alone, and so is a security scheme's type
        assertThat(out.at("/components/schemas/A/example/type").isArray()).isTrue();
        assertThat(out.at("/components/securitySchemes/bearerAuth/type").asText()).isEqualTo("http");
    }
}
