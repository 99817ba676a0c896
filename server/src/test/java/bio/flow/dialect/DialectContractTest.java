package bio.flow.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Contract;
import bio.flow.testing.TestServer;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Holds openapi-dialect.yaml and the server in step: every operation it describes is a route of the main API under
 * /api (the dialect serves the main route table, nothing of its own), fully documented, and its declared security is
 * what an anonymous caller meets. The answers themselves are checked against it by {@link FlowbioClient} in the
 * dialect's tests.
 */
class DialectContractTest {
    private static final TestServer server = TestServer.shared();

    private static OpenAPI dialect() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(Contract.dialectText(), null, options);
        assertThat(result.getMessages()).as("problems the OpenAPI parser found in openapi-dialect.yaml").isEmpty();
        return result.getOpenAPI();
    }

    @Test
    void everyOperationIsARouteOfTheMainApiUnderApi() {
        OpenAPI api = dialect();
        assertThat(api.getOpenapi()).startsWith("3.1.");
        Set<String> served = new TreeSet<>();
        for (String route : server.routeList()) served.add(route.replaceAll("<([^>]+)>", "{$1}"));
        List<String> problems = new ArrayList<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().keySet().forEach(method -> {
            if (!path.startsWith("/api/")) problems.add(path + " is not under /api");
            // Path parameters may be named differently in the two documents: compare their places only.
            String main = method.name() + " " + path.substring("/api".length()).replaceAll("\\{[^}]+}", "{}");
            if (served.stream().noneMatch(r -> r.replaceAll("\\{[^}]+}", "{}").equals(main))) problems.add(main + " is not a route of the main API");
        }));
        assertThat(problems).isEmpty();
    }

    @Test
    void everyOperationIsFullyDocumented() {
        List<String> problems = new ArrayList<>();
        Set<String> operationIds = new TreeSet<>();
        dialect().getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            Consumer<String> problem = p -> problems.add(method + " " + path + ": " + p);
            if (op.getSummary() == null || op.getSummary().isBlank()) problem.accept("no summary");
            if (op.getDescription() == null || op.getDescription().isBlank()) problem.accept("no description");
            if (op.getOperationId() == null || !operationIds.add(op.getOperationId())) problem.accept("no or a repeated operationId");
            Set<String> statuses = op.getResponses().keySet();
            if (statuses.stream().noneMatch(s -> s.startsWith("2"))) problem.accept("no success response");
            if (!statuses.contains("500")) problem.accept("does not document 500");
            boolean bearer = op.getSecurity() == null || op.getSecurity().stream().anyMatch(r -> r.containsKey("bearerAuth"));
            if (bearer && !statuses.contains("401")) problem.accept("requires a token but does not document 401");
            if (op.getRequestBody() != null && !statuses.containsAll(List.of("400", "413", "415"))) problem.accept("takes a body: 400, 413 and 415");
        }));
        assertThat(problems).isEmpty();
    }

    /** Probed as anonymous with "0" for every path parameter and an empty JSON object as body: nothing is changed. */
    @Test
    void theDeclaredSecurityIsWhatTheServerEnforces() throws Exception {
        OpenAPI api = dialect();
        HttpClient http = HttpClient.newHttpClient();
        List<String> problems = new ArrayList<>();
        for (var p : api.getPaths().entrySet()) {
            for (var e : p.getValue().readOperationsMap().entrySet()) {
                List<SecurityRequirement> security = e.getValue().getSecurity() != null ? e.getValue().getSecurity() : api.getSecurity();
                boolean anonymous = security.isEmpty() || security.stream().anyMatch(SecurityRequirement::isEmpty);
                String method = e.getKey().name();
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + p.getKey().replaceAll("\\{[^}]+}", "0")));
                request = method.equals("GET") ? request.GET()
                        : request.method(method, HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json");
                int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (!anonymous && status != 401) problems.add(method + " " + p.getKey() + " needs a token, yet an anonymous caller got " + status);
                if (anonymous && status == 401 && !p.getKey().equals("/api/token")) {
                    problems.add(method + " " + p.getKey() + " is public, yet an anonymous caller got 401");
                }
            }
        }
        assertThat(problems).isEmpty();
    }
}
