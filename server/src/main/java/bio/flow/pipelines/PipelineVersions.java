package bio.flow.pipelines;

import bio.flow.http.ApiException;
import bio.flow.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * What the execution engine asks of the registry: a version as it can be run ({@link #runnable}), and a run's
 * parameters checked against that version's schema ({@link #checkParameters}).
 */
public final class PipelineVersions {
    /** The longest string value a run may give a parameter. */
    static final int MAX_STRING = 10_000;

    private PipelineVersions() {}

    /** The version with this id and its pipeline's name, retired or not (the caller refuses to run a retired one). */
    public static Optional<RunnableVersion> runnable(Handle h, long versionId) {
        return h.createQuery("SELECT v.id, v.pipeline_id, p.name AS pipeline, v.version, v.directory, v.main_script, "
                        + "v.input_style, v.input_param, v.outdir_param, v.profiles, v.config, v.parameters::text AS parameters, v.retired "
                        + "FROM pipeline_versions v JOIN pipelines p ON p.id = v.pipeline_id WHERE v.id = :id")
                .bind("id", versionId)
                .map((rs, ctx) -> new RunnableVersion(rs.getLong("id"), rs.getLong("pipeline_id"), rs.getString("pipeline"),
                        rs.getString("version"), Path.of(rs.getString("directory")), rs.getString("main_script"),
                        rs.getString("input_style"), rs.getString("input_param"), rs.getString("outdir_param"),
                        List.of((String[]) rs.getArray("profiles").getArray()), rs.getString("config"),
                        parametersFromJson(rs.getString("parameters")), rs.getBoolean("retired")))
                .findOne();
    }

    /**
     * Checks a run's {@code parameters} and {@code data_params} against the version's parameters, and answers the
     * parameters as given (defaults are not filled in: Nextflow applies the pipeline's own). Each of these is a 400
     * naming the parameter: an unknown name; a value of the wrong type (a string "3" is not an integer); a value
     * outside a choice's choices; a required parameter given nowhere and without a default; a data parameter that
     * names no string parameter or whose value is not a data id (a positive integer); a parameter given in both; a
     * data parameter ({@link Parameter#data()}) given as text in {@code params} rather than as a data id; a hidden
     * parameter ({@link Parameter#hidden()}) given at all (nf-core hides those that steer the server: a config
     * file to include, hook URLs, mail); a string longer than {@value #MAX_STRING} characters or in which the
     * parameter's pattern is not found (searched for, as JSON schema does; nf-core's patterns anchor themselves with
     * ^ and $); a number below its minimum or above its maximum. A hidden
     * required parameter is not required of users (they cannot set it). Whether the data ids exist and may be read
     * is for the caller to check; a data id's path is not checked against the pattern.
     */
    public static Map<String, Object> checkParameters(RunnableVersion v, Map<String, Object> params, Map<String, Object> dataParams) {
        Map<String, Object> given = params == null ? Map.of() : params;
        Map<String, Object> data = dataParams == null ? Map.of() : dataParams;
        Map<String, Parameter> known = new LinkedHashMap<>();
        for (Parameter p : v.parameters()) known.put(p.name(), p);
        Map<String, Object> checked = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : given.entrySet()) {
            Parameter p = known.get(e.getKey());
            if (p == null) throw refused("parameters", e.getKey(), "is not a parameter of " + v.pipeline() + " " + v.version());
            if (data.containsKey(p.name())) throw refused("parameters", p.name(), "is given in both parameters and data_params");
            if (p.hidden()) throw refused("parameters", p.name(), "is a hidden parameter: runs may not set it");
            // A path given as text would let the pipeline read any file the server can, past the access rules.
            if (p.data()) throw refused("parameters", p.name(), "is a file parameter: give it a data id in data_params");
            String wrong = wrongValue(p, e.getValue());
            if (wrong != null) throw refused("parameters", p.name(), wrong);
            checked.put(p.name(), e.getValue());
        }
        for (Map.Entry<String, Object> e : data.entrySet()) {
            Parameter p = known.get(e.getKey());
            if (p == null) throw refused("data_params", e.getKey(), "is not a parameter of " + v.pipeline() + " " + v.version());
            if (p.hidden()) throw refused("data_params", p.name(), "is a hidden parameter: runs may not set it");
            if (!p.type().equals("string")) throw refused("data_params", p.name(), "is a " + p.type() + " parameter; only a string parameter takes a data id");
            if (!isDataId(e.getValue())) throw refused("data_params", p.name(), "must be a data id (a positive integer)");
        }
        for (Parameter p : v.parameters()) {
            if (p.required() && !p.hidden() && p.defaultValue() == null && !given.containsKey(p.name()) && !data.containsKey(p.name())) {
                throw refused("parameters", p.name(), "is required");
            }
        }
        return checked;
    }

    /** Why the value does not suit the parameter, or null when it does. */
    private static String wrongValue(Parameter p, Object value) {
        if (value == null) return "must not be null";
        return switch (p.type()) {
            case "integer" -> isInteger(value) ? outOfBounds(p, (Number) value) : "must be an integer";
            case "number" -> value instanceof Number n ? outOfBounds(p, n) : "must be a number";
            case "boolean" -> value instanceof Boolean ? null : "must be true or false";
            case "string" -> value instanceof String s ? wrongString(p, s) : "must be a string";
            // A schema enum of numbers has its choices kept as text: 2 matches the choice "2".
            case "choice" -> (value instanceof String || value instanceof Number || value instanceof Boolean)
                    && p.choices().contains(value.toString()) ? null : "must be one of " + String.join(", ", p.choices());
            default -> "has a type Flow does not know (" + p.type() + ")";
        };
    }

    private static String outOfBounds(Parameter p, Number value) {
        BigDecimal n = new BigDecimal(value.toString());
        if (p.minimum() != null && n.compareTo(p.minimum()) < 0) return "must be at least " + p.minimum().toPlainString();
        if (p.maximum() != null && n.compareTo(p.maximum()) > 0) return "must be at most " + p.maximum().toPlainString();
        return null;
    }

    private static String wrongString(Parameter p, String value) {
        if (value.length() > MAX_STRING) return "must be at most " + MAX_STRING + " characters";
        if (p.pattern() == null) return null;
        try {
            if (Pattern.compile(p.pattern()).matcher(new Bounded(value)).find()) return null;
        } catch (Bounded.TooLong e) {
            // A pattern that backtracks without end on this value: refused rather than hold a request thread.
        }
        return "must match the pattern " + p.pattern();
    }

    /**
     * A value the regular expression may read at most {@value #MAX_READS} characters of in all: Java's regex
     * engine backtracks, and a pattern such as {@code (a+)+$} would otherwise take exponential time on a short value.
     */
    private record Bounded(String text, int[] reads) implements CharSequence {
        private static final long MAX_READS = 1_000_000;

        Bounded(String text) {
            this(text, new int[1]);
        }

        static final class TooLong extends RuntimeException {
            TooLong() {
                super(null, null, false, false);
            }
        }

        @Override
        public char charAt(int index) {
            if (++reads[0] > MAX_READS) throw new TooLong();
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Bounded(text.substring(start, end), reads);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static boolean isInteger(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger;
    }

    private static boolean isDataId(Object value) {
        return (value instanceof Integer || value instanceof Long) && ((Number) value).longValue() > 0;
    }

    private static ApiException refused(String field, String parameter, String message) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("field", field + "." + parameter);
        details.put("parameter", parameter);
        return ApiException.invalid(field + "." + parameter + ": " + message, details);
    }

    /** The parameters as kept in pipeline_versions.parameters (see V16). */
    static List<Parameter> parametersFromJson(String json) {
        try {
            List<Parameter> out = new ArrayList<>();
            for (JsonNode n : Json.MAPPER.readTree(json)) {
                List<String> choices = new ArrayList<>();
                n.path("choices").forEach(c -> choices.add(c.asText()));
                JsonNode d = n.get("default");
                Object dflt = d == null || d.isNull() ? null : Json.MAPPER.treeToValue(d, Object.class);
                out.add(new Parameter(n.path("name").asText(), n.path("type").asText(), List.copyOf(choices), dflt,
                        n.path("description").asText(""), n.path("required").asBoolean(), n.path("hidden").asBoolean(),
                        n.path("data").asBoolean(), n.hasNonNull("pattern") ? n.get("pattern").asText() : null,
                        n.hasNonNull("minimum") ? n.get("minimum").decimalValue() : null,
                        n.hasNonNull("maximum") ? n.get("maximum").decimalValue() : null));
            }
            return List.copyOf(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("pipeline_versions.parameters is not valid JSON", e);
        }
    }

    /** The parameters as they are kept and shown: choices only for a choice, default only when there is one. */
    static ArrayNode parametersToJson(List<Parameter> parameters) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Parameter p : parameters) {
            ObjectNode n = out.addObject();
            n.put("name", p.name());
            n.put("type", p.type());
            if (p.type().equals("choice")) {
                ArrayNode c = n.putArray("choices");
                p.choices().forEach(c::add);
            }
            if (p.defaultValue() != null) n.set("default", Json.MAPPER.valueToTree(p.defaultValue()));
            n.put("description", p.description());
            n.put("required", p.required());
            n.put("hidden", p.hidden());
            n.put("data", p.data());
            if (p.pattern() != null) n.put("pattern", p.pattern());
            if (p.minimum() != null) n.put("minimum", p.minimum());
            if (p.maximum() != null) n.put("maximum", p.maximum());
        }
        return out;
    }
}
