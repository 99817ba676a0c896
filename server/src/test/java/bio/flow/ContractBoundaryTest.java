package bio.flow;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.http.Json;
import bio.flow.testing.Api;
import bio.flow.testing.Contract;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Outbox;
import bio.flow.testing.Pipelines;
import bio.flow.testing.RunFixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds what openapi.yaml says about requests and what the server enforces in step. It walks every operation of the
 * contract and, for each request-body property (at any depth) and each query parameter, sends boundary values made
 * from the schema: null, a value of the wrong type, an empty string, a string one longer than {@code maxLength} (or
 * one shorter than {@code minLength}), a number one past {@code minimum} or {@code maximum}, an empty list, a missing
 * property, an unknown property, and for free-form maps an empty and an overlong key. The contract's verdict on each
 * request comes from swagger-request-validator (plus {@code propertyNames}, which the validator's OpenAPI 3.0 view
 * lacks); the server must answer 400 to exactly the requests the contract refuses.
 *
 * <p>Each request is sent by a caller who may do the operation, on resources they own (an admin where the operation
 * needs one), so that a refusal can only be about the request itself. The valid request each variant starts from is
 * made from the schema too; {@link World#overrides} gives the few values that must name existing things.
 */
class ContractBoundaryTest {
    private static final TestServer server = TestServer.shared();
    private static final JsonNode SPEC = Contract.readYaml(Contract.text());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** A property value that the valid request leaves out. */
    private static final Object OMIT = new Object();
    /**
     * Operations whose every request the test server refuses with 400 for a reason no schema can state; only
     * requests that the contract refuses are judged for them.
     */
    private static final Map<String, String> REFUSED_ON_THIS_SERVER = Map.of(
            "POST /oidc-login", "the test server trusts no OIDC issuer, so every id_token is refused");

    @Test
    void theServerRefusesExactlyTheRequestsTheContractRefuses() {
        World world = new World();
        List<String> disagreements = new ArrayList<>();
        int sent = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = SPEC.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                String operation = op.getKey().toUpperCase() + " " + path.getKey();
                List<Variant> variants = variants(op.getValue());
                if (variants.isEmpty()) continue;
                variants.add(0, new Variant("the valid request", body -> {}, Map.of(), false));
                for (Variant v : variants) {
                    String problem = judge(world, operation, op.getValue(), v);
                    sent++;
                    if (problem != null) disagreements.add(operation + " with " + v.what() + ": " + problem);
                }
            }
        }
        assertThat(sent).as("requests sent").isGreaterThan(300);
        assertThat(disagreements).as("requests on which openapi.yaml and the server disagree (%d sent)", sent).isEmpty();
    }

    /** One request made from an operation's valid request: a change to its body, or query parameters to send. */
    private record Variant(String what, Consumer<ObjectNode> change, Map<String, String> query, boolean breaksPropertyNames) {}

    /** Sends the variant and answers what is wrong with the server's answer, or null when it agrees with the contract. */
    private static String judge(World world, String operation, JsonNode op, Variant v) {
        World.Call call = world.call(operation);
        String body = null;
        if (op.has("requestBody")) {
            JsonNode schema = op.at("/requestBody/content/application~1json/schema");
            ObjectNode valid = (ObjectNode) validValue(schema);
            call.overrides().forEach((k, value) -> {
                if (value == OMIT) valid.remove(k);
                else valid.set(k, Json.MAPPER.valueToTree(value));
            });
            v.change().accept(valid);
            body = valid.toString();
        }
        StringBuilder query = new StringBuilder();
        v.query().forEach((k, value) -> query.append(query.length() == 0 ? "?" : "&").append(k).append('=')
                .append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)));
        boolean contractRefuses = v.breaksPropertyNames() || contractRefuses(operation, call.path(), body, v.query());
        Api.Res res = call.api().send(operation.substring(0, operation.indexOf(' ')), call.path() + query, body, Map.of());
        int status = res.status();
        String said = status + " " + res.text();
        if (status >= 500) return "the server failed: " + said;
        if (contractRefuses && status != 400) return "openapi.yaml refuses it, but the server answered " + said;
        if (!contractRefuses && status == 400 && !REFUSED_ON_THIS_SERVER.containsKey(operation)) {
            return "openapi.yaml accepts it, but the server answered " + said;
        }
        return null;
    }

    private static boolean contractRefuses(String operation, String path, String body, Map<String, String> query) {
        Request.Method method = Request.Method.valueOf(operation.substring(0, operation.indexOf(' ')));
        SimpleRequest.Builder r = new SimpleRequest.Builder(method, path).withAuthorization("Bearer token");
        if (body != null) r.withContentType("application/json").withBody(body);
        query.forEach(r::withQueryParam);
        ValidationReport report = Contract.requestValidator().validateRequest(r.build());
        return report.getMessages().stream().anyMatch(m -> m.getLevel() == ValidationReport.Level.ERROR
                && !m.getKey().startsWith("validation.request.security"));
    }

    // ---- boundary values, from the schema ---------------------------------------------------------------------

    private static List<Variant> variants(JsonNode op) {
        List<Variant> out = new ArrayList<>();
        for (JsonNode p : op.path("parameters")) {
            if (p.path("in").asText().equals("query")) queryVariants(p.path("name").asText(), resolve(p.path("schema")), out);
        }
        JsonNode body = op.at("/requestBody/content/application~1json/schema");
        if (!body.isMissingNode()) bodyVariants(body, List.of(), true, out);
        return out;
    }

    private static void queryVariants(String name, JsonNode schema, List<Variant> out) {
        List<String> values = new ArrayList<>(List.of(""));
        if (isNumeric(schema)) values.add("abc");
        if (schema.has("maximum")) values.add(Long.toString(schema.path("maximum").asLong() + 1));
        if (schema.has("minimum")) values.add(Long.toString(schema.path("minimum").asLong() - 1));
        if (schema.has("maxLength")) values.add("a".repeat(schema.path("maxLength").asInt() + 1));
        for (String value : values) {
            out.add(new Variant("?" + name + "=" + abbreviate(value), body -> {}, Map.of(name, value), false));
        }
    }

    /**
     * The variants of the value at {@code at} in the body (the body itself when empty), whose schema is {@code schema};
     * {@code removable}: it is an object's property, which can be left out.
     */
    private static void bodyVariants(JsonNode schema, List<Object> at, boolean removable, List<Variant> out) {
        JsonNode s = resolve(schema);
        String where = at.isEmpty() ? "the body" : at.stream().map(String::valueOf).reduce((a, b) -> a + "." + b).orElseThrow();
        if (!at.isEmpty()) {
            if (removable) out.add(change(where + " left out", at, null, true));
            out.add(change(where + " = null", at, NODES.nullNode(), false));
            out.add(change(where + " of the wrong type", at, types(s).contains("string") ? NODES.numberNode(12345) : NODES.textNode("abc"), false));
            if (types(s).contains("integer")) out.add(change(where + " = 1.5", at, NODES.numberNode(1.5), false));
            if (types(s).contains("string")) {
                out.add(change(where + " = \"\"", at, NODES.textNode(""), false));
                if (s.has("maxLength")) out.add(change(where + " one longer than maxLength", at, NODES.textNode("a".repeat(s.path("maxLength").asInt() + 1)), false));
                if (s.path("minLength").asInt() > 1) out.add(change(where + " one shorter than minLength", at, NODES.textNode("a".repeat(s.path("minLength").asInt() - 1)), false));
            }
            if (s.has("maximum")) out.add(change(where + " = maximum + 1", at, NODES.numberNode(s.path("maximum").asLong() + 1), false));
            if (s.has("minimum")) out.add(change(where + " = minimum - 1", at, NODES.numberNode(s.path("minimum").asLong() - 1), false));
            if (types(s).contains("array")) out.add(change(where + " = []", at, NODES.arrayNode(), false));
        }
        if (types(s).contains("array") && s.has("items")) {
            List<Object> first = append(at, 0);
            bodyVariants(s.path("items"), first, false, out);
        }
        if (types(s).contains("object")) {
            out.add(change(where + " with an unknown property", append(at, "unknown_property"), NODES.textNode("x"), false));
            List<String> required = new ArrayList<>();
            s.path("required").forEach(r -> required.add(r.asText()));
            s.path("properties").fields().forEachRemaining(p -> bodyVariants(p.getValue(), append(at, p.getKey()), true, out));
            if (s.path("additionalProperties").isObject() && !s.has("properties")) mapKeyVariants(s, at, where, out);
        }
    }

    /** A free-form map: an empty key and an overlong one, judged by its {@code propertyNames}. */
    private static void mapKeyVariants(JsonNode map, List<Object> at, String where, List<Variant> out) {
        JsonNode names = map.path("propertyNames");
        int longKey = names.has("maxLength") ? names.path("maxLength").asInt() + 1 : 1000;
        for (String key : List.of("", " ", "k".repeat(longKey))) {
            boolean breaks = key.length() < names.path("minLength").asInt(0)
                    || names.has("maxLength") && key.length() > names.path("maxLength").asInt()
                    || names.has("pattern") && !Pattern.compile(names.path("pattern").asText()).matcher(key).find();
            JsonNode value = validValue(map.path("additionalProperties"));
            out.add(new Variant(where + " with the key \"" + abbreviate(key) + "\"", body -> set(body, append(at, key), value), Map.of(), breaks));
        }
        // The values: under a key of the valid request's map, or a new one.
        bodyVariants(map.path("additionalProperties"), append(at, "key"), true, out);
    }

    private static Variant change(String what, List<Object> at, JsonNode value, boolean remove) {
        return new Variant(what, body -> {
            if (remove) remove(body, at);
            else set(body, at, value);
        }, Map.of(), false);
    }

    // ---- valid values, from the schema ------------------------------------------------------------------------

    private static final AtomicInteger UNIQUE = new AtomicInteger();

    /** A value the schema accepts: every property of an object (optional ones too), unique strings. */
    private static JsonNode validValue(JsonNode schema) {
        JsonNode s = resolve(schema);
        if (s.has("enum")) {
            for (JsonNode e : s.path("enum")) if (!e.isNull()) return e;
        }
        if (s.has("const")) return s.path("const");
        List<String> types = types(s);
        if (types.contains("object")) {
            ObjectNode o = NODES.objectNode();
            s.path("properties").fields().forEachRemaining(p -> o.set(p.getKey(), validValue(p.getValue())));
            if (s.path("additionalProperties").isObject() && !s.has("properties")) o.set("key", validValue(s.path("additionalProperties")));
            return o;
        }
        if (types.contains("array")) {
            ArrayNode a = NODES.arrayNode();
            for (int i = 0; i < Math.max(1, s.path("minItems").asInt()); i++) a.add(validValue(s.path("items")));
            return a;
        }
        if (types.contains("integer") || types.contains("number")) return NODES.numberNode(s.path("minimum").asLong(1));
        if (types.contains("boolean")) return NODES.booleanNode(false);
        String unique = "v" + Integer.toString(UNIQUE.incrementAndGet(), 36) + Integer.toString(System.identityHashCode(s) & 0xffff, 36);
        if (s.path("format").asText().equals("email")) return NODES.textNode(unique + "@example.org");
        int min = s.path("minLength").asInt(1);
        int max = s.path("maxLength").asInt(Integer.MAX_VALUE);
        String padded = unique.length() < min ? unique + "x".repeat(min - unique.length()) : unique;
        return NODES.textNode(padded.length() > max ? padded.substring(padded.length() - max) : padded);
    }

    /** The schema with its {@code $ref} followed and a nullable {@code anyOf: [X, {type: null}]} taken as X. */
    private static JsonNode resolve(JsonNode schema) {
        JsonNode s = schema;
        while (s.has("$ref")) s = SPEC.at(s.path("$ref").asText().substring(1));
        JsonNode anyOf = s.path("anyOf");
        if (anyOf.size() == 2 && anyOf.get(1).path("type").asText().equals("null") && !s.has("properties")) return resolve(anyOf.get(0));
        return s;
    }

    /** The types the schema allows, "null" aside. */
    private static List<String> types(JsonNode s) {
        List<String> out = new ArrayList<>();
        JsonNode t = s.path("type");
        if (t.isArray()) t.forEach(x -> { if (!x.asText().equals("null")) out.add(x.asText()); });
        else if (t.isTextual()) out.add(t.asText());
        else if (s.has("properties")) out.add("object");
        return out;
    }

    private static boolean isNumeric(JsonNode s) {
        return types(s).contains("integer") || types(s).contains("number");
    }

    private static List<Object> append(List<Object> at, Object step) {
        List<Object> out = new ArrayList<>(at);
        out.add(step);
        return out;
    }

    private static void set(ObjectNode body, List<Object> at, JsonNode value) {
        JsonNode parent = body;
        for (Object step : at.subList(0, at.size() - 1)) parent = step instanceof Integer i ? parent.path(i) : parent.path((String) step);
        Object last = at.get(at.size() - 1);
        if (parent instanceof ObjectNode o) o.set((String) last, value);
        else if (parent instanceof ArrayNode a && a.size() > (Integer) last) a.set((Integer) last, value);
    }

    private static void remove(ObjectNode body, List<Object> at) {
        JsonNode parent = body;
        for (Object step : at.subList(0, at.size() - 1)) parent = step instanceof Integer i ? parent.path(i) : parent.path((String) step);
        if (parent instanceof ObjectNode o) o.remove((String) at.get(at.size() - 1));
    }

    private static String abbreviate(String s) {
        return s.length() > 12 ? s.substring(0, 5) + "...(" + s.length() + " characters)" : s;
    }

    // ---- who calls what, on which resources -------------------------------------------------------------------

    /** The accounts and resources the requests are made on, and the values a valid request must name. */
    private static final class World {
        record Call(Api api, String path, Map<String, Object> overrides) {}

        final Account owner = Users.signUp(server, "cbowner");
        final Account member = Users.signUp(server, "cbmember");
        final Account invitee = Users.signUp(server, "cbinvitee");
        final Account recipient = Users.signUp(server, "cbrecipient");
        final Account loginUser = Users.signUp(server, "cblogin");
        final Account plain = Users.signUp(server, "cbplain");
        final Account admin = Users.admin(server);
        final String group = Fixtures.group(owner, List.of(member), List.of());
        final long project = Fixtures.project(owner, "boundaries", false);
        final long sample = Fixtures.sample(owner, project, "boundaries");
        final long data = Fixtures.data(owner, sample);
        final long execution = execution();
        final Map<String, String> vocabularyIds = new LinkedHashMap<>();
        final long fileset = RunFixtures.read(owner, sample, 1, null, "boundaries_R1.fastq", RunFixtures.fastq("b")).path("fileset").path("id").asLong();
        /**
         * A version to run, whose parameters include those the walker names in the maps it is given: "key" (for the
         * values it sends) and "unknown_property" (for "with an unknown property"), both strings, and "fasta".
         */
        final long version = RunFixtures.version(server, "samplesheet", "[" + Stream.of("key", "unknown_property", "fasta")
                .map(p -> "{\"name\": \"" + p + "\", \"type\": \"string\", \"description\": \"\", \"required\": false, "
                        + "\"hidden\": false, \"data\": false}").collect(Collectors.joining(", ")) + "]");
        // the pipeline registry: a category, a pipeline with a version, another pipeline to name upstream, a pipeline folder
        final long pipelineCategory = Pipelines.category(admin, "cb");
        final long pipeline = Pipelines.pipeline(admin, "cb");
        final long upstreamPipeline = Pipelines.pipeline(admin, "cbup");
        final String pipelineSource = Pipelines.folder(null).toString();
        final long pipelineVersion = Pipelines.version(admin, pipeline, "cb", pipelineSource, Map.of()).json().path("id").asLong();
        /** A sample metadata attribute, for its admin routes (no options, not required: it constrains no sample). */
        final String metadataAttribute = "cb" + Users.uniqueName("").replaceAll("[^a-z0-9]", "").toLowerCase();

        World() {
            for (String kind : List.of("samples/sources", "samples/purification_targets", "samples/types")) {
                Api.Res r = admin.api().post("/" + kind + "/create", Map.of("name", Users.uniqueName("cb")));
                vocabularyIds.put("/" + kind + "/{id}", r.json().path("id").asText());
            }
            String organism = Users.uniqueName("cb").toLowerCase().replaceAll("[^a-z0-9]", "");
            admin.api().post("/organisms/create", Map.of("id", organism, "name", organism));
            vocabularyIds.put("/organisms/{id}", organism);
            String dataType = dataTypeIdentifier();
            admin.api().post("/data/types/create", Map.of("identifier", dataType, "name", dataType));
            vocabularyIds.put("/data/types/{id}", dataType);
            admin.api().post("/samples/metadata/create", Map.of("identifier", metadataAttribute, "name", metadataAttribute));
        }

        /** A fresh data type identifier (uppercase, unlike the strings made from the schema). */
        private static String dataTypeIdentifier() {
            return Users.uniqueName("CB").toUpperCase().replaceAll("[^A-Z0-9]", "");
        }

        /** A fresh extension, which suggests no type yet. */
        private static String extension() {
            return "." + dataTypeIdentifier().toLowerCase();
        }

        /** The caller, concrete path and valid values of one request of {@code operation}; fresh resources where it uses them up. */
        Call call(String operation) {
            String template = operation.substring(operation.indexOf(' ') + 1);
            boolean needsAdmin = template.startsWith("/admin/") || operation.startsWith("POST ")
                    && vocabularyIds.keySet().stream().anyMatch(v -> template.startsWith(v.substring(0, v.indexOf("/{id}"))))
                    || operation.startsWith("POST /pipelines/") && !operation.endsWith("/run")
                    || operation.startsWith("POST /samples/metadata/");
            Api api = needsAdmin ? admin.api() : owner.api();
            long projectId = project;
            long sampleId = sample;
            long dataId = data;
            long executionId = execution;
            Map<String, Object> overrides = new LinkedHashMap<>();
            switch (operation) {
                // these use up what they act on: a transferred project, a deleted sample, a changed password
                case "POST /projects/{id}/transfer" -> projectId = Fixtures.project(owner, "to transfer", false);
                case "POST /samples/{id}/transfer" -> sampleId = Fixtures.sample(owner, project, "to transfer");
                case "POST /samples/delete" -> overrides.put("ids", List.of(Fixtures.sample(owner, project, "to delete")));
                case "POST /data/{id}/transfer" -> dataId = Fixtures.data(owner, sample);
                case "POST /data/delete" -> overrides.put("ids", List.of(Fixtures.data(owner, sample)));
                case "POST /executions/{id}/transfer" -> executionId = execution();
                case "POST /executions/delete" -> overrides.put("ids", List.of(execution()));
                case "POST /downloads" -> overrides.putAll(Map.of("data", List.of(data), "samples", List.of(sample), "projects", List.of(project),
                        "executions", List.of(execution)));
                case "POST /settings/password" -> {
                    api = Users.signUp(server, "cbpassword").api();
                    overrides.put("current_password", Users.PASSWORD);
                }
                case "POST /password-reset" -> overrides.put("token", resetToken());
                case "POST /login" -> {
                    overrides.put("username", loginUser.username());
                    overrides.put("password", Users.PASSWORD);
                }
                // an email change is judged on its own: leave it out of the valid request
                case "POST /settings/user" -> {
                    overrides.put("email", OMIT);
                    overrides.put("current_password", Users.PASSWORD);
                }
                case "POST /settings/key" -> overrides.put("ssh_key", SSH_KEY);
                case "POST /groups/{slug}/invite" -> overrides.put("username", invitee.username());
                case "POST /projects/new", "POST /projects/{id}/edit" -> overrides.put("organism", "human");
                case "POST /pipelines/new", "POST /pipelines/{id}/edit" -> overrides.put("category", pipelineCategory);
                // a folder with main.nf, so that only the request itself can be refused
                case "POST /pipelines/{id}/versions/new" -> overrides.putAll(Map.of("source", pipelineSource, "main_script", "main.nf",
                        "revision", OMIT, "upstream", List.of(upstreamPipeline)));
                case "POST /data/types/create" -> {
                    overrides.put("identifier", dataTypeIdentifier());
                    overrides.put("extensions", List.of(extension()));
                }
                case "POST /data/types/{id}/edit" -> overrides.put("extensions", List.of(extension()));
                // imports from a port nothing listens on: accepted, then failed in the background
                case "POST /data/import" -> overrides.putAll(Map.of("source", "url", "path", "http://127.0.0.1:9/import.txt",
                        "sample_id", sample, "project_id", OMIT, "data_type", "TEXT", "filename", "import.txt"));
                case "POST /projects/{id}/metadata" ->
                        overrides.put("samples", List.of(Map.of("id", sample, "metadata", Map.of("tissue", "liver"))));
                case "POST /pipelines/versions/{id}/run" -> overrides.putAll(Map.of("samples", List.of(sample), "filesets", List.of(fileset),
                        "parameters", Map.of("key", "x"), "data_params", Map.of("fasta", data), "project", project));
                case "POST /samples/new", "POST /samples/{id}/edit" -> overrides.putAll(Map.of("project", project,
                        "organism", "human", "sample_type", "RNA", "source", "", "purification_target", ""));
                // a sample type that exists (the schema's strings name none); the identifier of the path, not another
                case "POST /samples/metadata/create", "POST /samples/metadata/{identifier}/sample_types" ->
                        overrides.put("sample_type_links", List.of(Map.of("sample_type_identifier", "RNA", "required", false)));
                case "POST /samples/metadata/{identifier}/edit" -> overrides.put("identifier", OMIT);
                default -> {}
            }
            if (operation.endsWith("/share")) {
                // One list only, so that leaving it out names nobody: the contract must refuse that too.
                overrides.put("users", OMIT);
                overrides.put("groups", List.of(group));
            }
            if (operation.endsWith("/transfer")) overrides.put("user", recipient.username());
            return new Call(api, path(template, projectId, sampleId, dataId, executionId), overrides);
        }

        /** A completed execution of the owner, as the engine leaves one (inserted: no pipeline runs here). */
        private long execution() {
            return server.jdbi().withHandle(h -> h.createQuery("INSERT INTO executions (name, status, owner_id) VALUES ('boundaries', "
                    + "'completed', :owner) RETURNING id").bind("owner", owner.id()).mapTo(Long.class).one());
        }

        private String path(String template, long projectId, long sampleId, long dataId, long executionId) {
            for (Map.Entry<String, String> v : vocabularyIds.entrySet()) {
                if (template.startsWith(v.getKey())) return template.replace("{id}", v.getValue());
            }
            if (template.equals("/pipelines/versions/{id}/run")) return template.replace("{id}", Long.toString(version));
            String p = template.startsWith("/projects/") ? template.replace("{id}", Long.toString(projectId))
                    : template.startsWith("/pipelines/versions/") ? template.replace("{id}", Long.toString(pipelineVersion))
                    : template.startsWith("/pipelines/") ? template.replace("{id}", Long.toString(pipeline))
                    : template.startsWith("/data/") ? template.replace("{id}", Long.toString(dataId))
                    : template.startsWith("/executions/") ? template.replace("{id}", Long.toString(executionId))
                    : template.replace("{id}", Long.toString(sampleId));
            p = p.replace("{slug}", group).replace("{identifier}", metadataAttribute).replace("{data_id}", Long.toString(dataId)).replace("{filename}", "reads.fastq");
            return p.replace("{username}", p.startsWith("/admin/") ? plain.username() : member.username());
        }

        /** Made with ssh-keygen (the key MeAndSettingsTest checks fingerprints with). */
        private static final String SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN3HrwHnLEscqlkygzQeIa3dio6pZJRw3eAWjuOgCYG8 alice@lab";

        /** A fresh reset token: asked for a new account, read from the outbox. */
        private String resetToken() {
            Account a = Users.signUp(server, "cbreset");
            server.client().post("/password-reset/request", Map.of("email", a.email()));
            try {
                return Outbox.resetTokens(server, a.email(), 1).get(0);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
