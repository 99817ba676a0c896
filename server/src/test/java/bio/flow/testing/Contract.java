package bio.flow.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * openapi.yaml as the tests use it: the file, and the validator that {@link Api} applies to every response.
 * The validator (swagger-request-validator) checks types and {@code additionalProperties} only in OpenAPI 3.0
 * documents, so it is given the contract rendered as 3.0.3 ({@link #toOpenApi30}).
 */
public final class Contract {
    private Contract() {}

    /** The contract file: system property flow.contract, else ../openapi.yaml from the server module. */
    public static Path path() {
        return Path.of(System.getProperty("flow.contract", "../openapi.yaml"));
    }

    public static String text() {
        return read(path());
    }

    /** The contract of the /api dialect (the flowbio client's), beside openapi.yaml. */
    public static Path dialectPath() {
        return path().resolveSibling("openapi-dialect.yaml");
    }

    public static String dialectText() {
        return read(dialectPath());
    }

    /** The validator the dialect's test client applies to every response of a path openapi-dialect.yaml describes. */
    public static OpenApiInteractionValidator dialectValidator() {
        return DialectValidatorHolder.VALIDATOR;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path.toAbsolutePath(), e);
        }
    }

    private static final YAMLMapper YAML = new YAMLMapper();
    /** Keys whose value maps names to schemas (or to other named things): the keys are names, not keywords. */
    private static final Set<String> NAME_MAPS = Set.of("properties", "patternProperties", "schemas", "paths",
            "responses", "parameters", "headers", "content", "securitySchemes", "requestBodies", "links", "callbacks",
            "encoding", "variables", "mapping");
    /** Keys whose value is data or free text, never a schema. */
    private static final Set<String> DATA = Set.of("example", "examples", "default", "enum", "const", "description",
            "summary", "x-examples");
    /** JSON Schema 2020-12 keywords that have no OpenAPI 3.0 rendering. */
    private static final Set<String> NOT_IN_30 = Set.of("prefixItems", "$defs", "if", "then", "else", "dependentRequired",
            "dependentSchemas", "unevaluatedProperties", "unevaluatedItems", "contentMediaType", "contentEncoding",
            "contains", "minContains", "maxContains", "$anchor", "$dynamicRef", "$dynamicAnchor");
    /**
     * JSON Schema keywords that OpenAPI 3.0 lacks but that only narrow what requests may carry: dropped from the
     * 3.0 rendering (which then checks less), and checked by ContractBoundaryTest itself.
     */
    public static final Set<String> DROPPED_IN_30 = Set.of("propertyNames");

    /** The validator {@link Api} applies to every response, made on first use. */
    public static OpenApiInteractionValidator validator() {
        return ValidatorHolder.VALIDATOR;
    }

    /**
     * A validator that judges requests by the contract as written. swagger-request-validator treats every object
     * schema without {@code additionalProperties} as if it said false; this one does not, since request bodies may
     * carry unknown fields (the server ignores them, as the contract says).
     */
    public static OpenApiInteractionValidator requestValidator() {
        return ValidatorHolder.REQUEST_VALIDATOR;
    }

    private static final class DialectValidatorHolder {
        static final OpenApiInteractionValidator VALIDATOR = OpenApiInteractionValidator
                .createForInlineApiSpecification(toOpenApi30(dialectText()))
                .build();
    }

    private static final class ValidatorHolder {
        static final OpenApiInteractionValidator VALIDATOR = OpenApiInteractionValidator
                .createForInlineApiSpecification(toOpenApi30(text()))
                .build();
        static final OpenApiInteractionValidator REQUEST_VALIDATOR = OpenApiInteractionValidator
                .createForInlineApiSpecification(toOpenApi30(text()))
                .withLevelResolver(LevelResolver.create()
                        .withLevel("validation.schema.additionalProperties", ValidationReport.Level.IGNORE).build())
                .build();
    }

    /**
     * openapi.yaml (OpenAPI 3.1) rendered as OpenAPI 3.0.3 for swagger-request-validator, which checks types
     * and {@code additionalProperties} only in 3.0 documents: {@code type: [T, "null"]} becomes
     * {@code type: T, nullable: true}, {@code anyOf/oneOf: [X, {type: "null"}]} becomes
     * {@code allOf: [X], nullable: true}, {@code const} an {@code enum} of one, {@code examples: [...]} of a
     * schema its first {@code example}, numeric {@code exclusiveMinimum/Maximum} the 3.0 boolean form, and
     * {@code info.summary} and the {@link #DROPPED_IN_30} keywords go. Any other 3.1 construct with no 3.0
     * rendering fails loudly rather than being dropped.
     */
    public static String toOpenApi30(String openapi31Yaml) {
        ObjectNode root = (ObjectNode) readYaml(openapi31Yaml);
        if (!root.path("openapi").asText().startsWith("3.1")) return openapi31Yaml;
        root.put("openapi", "3.0.3");
        if (root.has("webhooks")) throw new IllegalArgumentException("webhooks have no OpenAPI 3.0 rendering");
        if (root.has("jsonSchemaDialect")) root.remove("jsonSchemaDialect");
        if (root.path("info") instanceof ObjectNode info) info.remove("summary");
        NULLABLE_REFS.set(new ArrayList<>());
        try {
            downlevel(root, "#");
            inlineNullableRefs(root);
        } finally {
            NULLABLE_REFS.remove();
        }
        try {
            return YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schemas made {@code allOf: [X], nullable: true} by the current {@link #toOpenApi30} call. */
    private static final ThreadLocal<List<ObjectNode>> NULLABLE_REFS = new ThreadLocal<>();

    /**
     * In OpenAPI 3.0 a null fails {@code allOf: [{$ref: X}]} whatever {@code nullable} says, as the referenced
     * schema rejects it; so a nullable reference to a component gets a copy of that component instead.
     */
    private static void inlineNullableRefs(ObjectNode root) {
        for (ObjectNode o : NULLABLE_REFS.get()) {
            JsonNode all = o.get("allOf");
            if (all == null || all.size() != 1 || !all.get(0).has("$ref")) continue;
            String ref = all.get(0).get("$ref").asText();
            if (!ref.startsWith("#/components/schemas/")) continue;
            JsonNode target = root.at("/components/schemas/" + ref.substring("#/components/schemas/".length()));
            if (!(target instanceof ObjectNode component) || component.has("allOf") || component.has("$ref")) continue;
            o.remove("allOf");
            component.deepCopy().fields().forEachRemaining(e -> { if (!o.has(e.getKey())) o.set(e.getKey(), e.getValue()); });
            o.put("nullable", true);
        }
    }

    public static JsonNode readYaml(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("openapi.yaml is not valid YAML", e);
        }
    }

    /** Rewrites the keywords of {@code node} (an object whose keys are keywords), then its children. */
    private static void downlevel(JsonNode node, String where) {
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) downlevel(array.get(i), where + "/" + i);
            return;
        }
        if (!(node instanceof ObjectNode o)) return;
        for (String k : NOT_IN_30) {
            if (o.has(k)) throw new IllegalArgumentException(where + ": `" + k + "` has no OpenAPI 3.0 rendering; "
                    + "swagger-request-validator cannot check it");
        }
        for (String k : DROPPED_IN_30) o.remove(k);
        JsonNode type = o.get("type");
        if (type instanceof ArrayNode types) {
            List<String> others = new ArrayList<>();
            boolean nullable = false;
            for (JsonNode t : types) {
                if (t.asText().equals("null")) nullable = true;
                else others.add(t.asText());
            }
            if (others.size() != 1) throw new IllegalArgumentException(where + ": `type: " + types
                    + "` has no OpenAPI 3.0 rendering (one type, optionally with \"null\")");
            o.put("type", others.get(0));
            if (nullable) o.put("nullable", true);
        } else if (type != null && type.asText().equals("null") && type.isTextual()) {
            throw new IllegalArgumentException(where + ": a lone `type: \"null\"` has no OpenAPI 3.0 rendering");
        }
        for (String combiner : List.of("anyOf", "oneOf")) {
            if (o.get(combiner) instanceof ArrayNode alternatives) {
                ArrayNode rest = JsonNodeFactory.instance.arrayNode();
                boolean nullable = false;
                for (JsonNode alt : alternatives) {
                    if (alt.size() == 1 && alt.path("type").asText().equals("null")) nullable = true;
                    else rest.add(alt);
                }
                if (nullable) {
                    o.remove(combiner);
                    if (rest.size() == 1) o.set("allOf", rest);
                    else o.set(combiner, rest);
                    o.put("nullable", true);
                    NULLABLE_REFS.get().add(o);
                }
            }
        }
        if (o.has("const") && !o.has("enum")) {
            o.set("enum", JsonNodeFactory.instance.arrayNode().add(o.get("const")));
            o.remove("const");
        }
        if (o.get("examples") instanceof ArrayNode examples) {
            o.remove("examples");
            if (!examples.isEmpty() && !o.has("example")) o.set("example", examples.get(0));
        }
        for (String bound : List.of("Minimum", "Maximum")) {
            JsonNode exclusive = o.get("exclusive" + bound);
            if (exclusive != null && exclusive.isNumber()) {
                o.set(bound.toLowerCase(), exclusive);
                o.put("exclusive" + bound, true);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (DATA.contains(key)) continue;
            if (NAME_MAPS.contains(key) && e.getValue() instanceof ObjectNode named) {
                // A map of names: a response's "content" maps media types; "paths" maps paths; and so on.
                named.fields().forEachRemaining(n -> downlevel(n.getValue(), where + "/" + key + "/" + n.getKey()));
            } else {
                downlevel(e.getValue(), where + "/" + key);
            }
        }
    }
}
