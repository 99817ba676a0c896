package bio.flow.pipelines;

import bio.flow.http.ApiException;
import bio.flow.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The parameters a pipeline declares in its {@code nextflow_schema.json}, as nf-core writes it: groups of
 * parameters under {@code definitions} (draft-07) or {@code $defs} (2020-12), pulled in by {@code allOf}
 * references, and parameters right under the top-level {@code properties}. When there is no {@code allOf}, every
 * group counts. Types string, integer, number and boolean are kept; an {@code enum} makes a choice (its values as
 * text); {@code format} file-path, directory-path, path or file-path-pattern makes a data parameter; {@code pattern}
 * (which must be a valid Java regular expression), {@code minimum} and {@code maximum} are kept for the check of a run. Parameters of other types (array,
 * object) cannot be set through Flow and are left out, as are the ones Flow sets itself (input and outdir).
 */
public final class NextflowSchema {
    public static final String FILE = "nextflow_schema.json";
    /** Larger schema files are refused: nf-core's biggest are ~60 KB. */
    private static final long MAX_BYTES = 4 << 20;
    private static final Set<String> DATA_FORMATS = Set.of("file-path", "directory-path", "path", "file-path-pattern");

    private NextflowSchema() {}

    /** The parameters of the pipeline in {@code directory}; none when it has no schema file. 400 naming the problem. */
    public static List<Parameter> read(Path directory, Set<String> flowSets) {
        Path file = directory.resolve(FILE);
        if (!Files.exists(file)) return List.of();
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) throw refused("not a file");
            if (Files.size(file) > MAX_BYTES) throw refused("larger than " + (MAX_BYTES >> 20) + " MiB");
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw refused("cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        return parse(bytes, flowSets);
    }

    /** The parameters of a schema's text; {@code flowSets}: the parameters Flow sets itself, left out. */
    public static List<Parameter> parse(byte[] json, Set<String> flowSets) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw refused("not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading bytes in memory
        }
        if (root == null || !root.isObject()) throw refused("not a JSON object");
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (JsonNode group : groups(root)) addGroup(group, flowSets, out);
        addGroup(root, flowSets, out);
        return List.copyOf(out.values());
    }

    /** The groups of parameters that count: those {@code allOf} refers to, in its order, else every group. */
    private static List<JsonNode> groups(JsonNode root) {
        List<JsonNode> groups = new ArrayList<>();
        JsonNode allOf = root.get("allOf");
        if (allOf != null) {
            if (!allOf.isArray()) throw refused("allOf must be an array");
            for (JsonNode item : allOf) {
                String ref = item.path("$ref").asText("");
                if (!ref.startsWith("#/")) {
                    if (item.has("properties")) groups.add(item);
                    continue;
                }
                JsonNode group = root.at(ref.substring(1));
                if (!group.isObject()) throw refused("allOf refers to " + ref + ", which the schema does not define");
                groups.add(group);
            }
            return groups;
        }
        for (String key : List.of("definitions", "$defs")) {
            JsonNode defs = root.get(key);
            if (defs == null) continue;
            if (!defs.isObject()) throw refused(key + " must be an object");
            defs.elements().forEachRemaining(groups::add);
        }
        return groups;
    }

    private static void addGroup(JsonNode group, Set<String> flowSets, Map<String, Parameter> out) {
        JsonNode properties = group.get("properties");
        if (properties == null) return;
        if (!properties.isObject()) throw refused("properties must be an object");
        Set<String> required = new HashSet<>();
        group.path("required").forEach(r -> required.add(r.asText()));
        properties.fields().forEachRemaining(e -> {
            String name = e.getKey();
            if (flowSets.contains(name) || out.containsKey(name)) return;
            Parameter p = parameter(name, e.getValue(), required.contains(name));
            if (p != null) out.put(name, p);
        });
    }

    /** The parameter a property declares, or null when Flow cannot offer it (an array or object). */
    private static Parameter parameter(String name, JsonNode property, boolean required) {
        if (!property.isObject()) throw refused("the property " + name + " must be an object");
        String type = type(name, property.get("type"));
        if (type == null) return null;
        List<String> choices = new ArrayList<>();
        JsonNode values = property.get("enum");
        if (values != null) {
            if (!values.isArray() || values.isEmpty()) throw refused("the enum of " + name + " must be a non-empty array");
            values.forEach(v -> { if (!v.isNull()) choices.add(v.asText()); });
            type = "choice";
        }
        JsonNode d = property.get("default");
        Object dflt = d == null || d.isNull() ? null : Json.MAPPER.convertValue(d, Object.class);
        String pattern = null;
        if (type.equals("string") && property.hasNonNull("pattern")) {
            pattern = property.get("pattern").asText();
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw refused("the pattern of " + name + " is not a valid regular expression: " + e.getDescription());
            }
        }
        boolean numeric = type.equals("integer") || type.equals("number");
        return new Parameter(name, type, List.copyOf(choices), dflt, property.path("description").asText(""),
                required, property.path("hidden").asBoolean(false), DATA_FORMATS.contains(property.path("format").asText("")),
                pattern, numeric ? bound(name, property, "minimum") : null, numeric ? bound(name, property, "maximum") : null);
    }

    private static BigDecimal bound(String name, JsonNode property, String key) {
        JsonNode b = property.get(key);
        if (b == null || b.isNull()) return null;
        if (!b.isNumber()) throw refused("the " + key + " of " + name + " must be a number");
        return b.decimalValue();
    }

    /** string, integer, number or boolean; a missing type is a string; null for array and object. */
    private static String type(String name, JsonNode type) {
        if (type == null) return "string";
        List<String> types = new ArrayList<>();
        if (type.isArray()) type.forEach(t -> { if (!t.asText().equals("null")) types.add(t.asText()); });
        else types.add(type.asText());
        String t = types.isEmpty() ? "string" : types.get(0);
        return switch (t) {
            case "string", "integer", "number", "boolean" -> t;
            case "array", "object" -> null;
            default -> throw refused("the parameter " + name + " has the unknown type " + t);
        };
    }

    private static ApiException refused(String problem) {
        return ApiException.invalid("source", FILE + ": " + problem);
    }
}
