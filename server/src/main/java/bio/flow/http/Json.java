package bio.flow.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.http.Context;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one JSON mapper, and the one way a handler reads its request body: into that endpoint's request
 * record, strictly. A string where a number belongs (or the reverse) is a 400 naming the field, never a
 * silent coercion.
 */
public final class Json {
    public static final ObjectMapper MAPPER = createMapper();

    private Json() {}

    private static ObjectMapper createMapper() {
        ObjectMapper m = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new SimpleModule().addSerializer(Instant.class, new InstantSerializer()))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        for (LogicalType t : new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            m.coercionConfigFor(t)
                    .setCoercion(CoercionInputShape.String, t == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, t == LogicalType.Integer ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, t == LogicalType.Float ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, t == LogicalType.Boolean ? CoercionAction.TryConvert : CoercionAction.Fail);
        }
        return m;
    }

    /**
     * Reads the request body as {@code type}; an empty, malformed or mistyped body is a 400 VALIDATION_ERROR, and
     * so is a NUL character (U+0000) in any string or key, which PostgreSQL refuses in text and jsonb.
     */
    public static <T> T body(Context ctx, Class<T> type) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            throw ApiException.invalid("request body must be a JSON object", Map.of());
        }
        try {
            JsonNode tree = MAPPER.readTree(bytes);
            String nul = nulAt(tree, "");
            if (nul != null) {
                throw nul.isEmpty() ? ApiException.invalid("request body must not contain NUL characters (\\u0000)", Map.of())
                        : ApiException.invalid(nul, "must not contain NUL characters (\\u0000)");
            }
            T value = MAPPER.treeToValue(tree, type);
            if (value == null) throw ApiException.invalid("request body must be a JSON object", Map.of());
            return value;
        } catch (InvalidNullException e) {
            throw ApiException.invalid(fieldPath(e), "must not be null (leave it out instead)");
        } catch (MismatchedInputException e) {
            String field = fieldPath(e);
            if (field.isEmpty()) throw ApiException.invalid("request body must be a JSON object", Map.of());
            throw ApiException.invalid(field, "has the wrong type (expected " + describe(e.getTargetType()) + ")");
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("request body is not valid JSON: " + e.getOriginalMessage(), Map.of());
        } catch (java.io.IOException e) {
            throw ApiException.invalid("request body could not be read", Map.of());
        }
    }

    /** The path (a.b.0) of the first string or key holding a NUL character, "" for the top level; null when none does. */
    private static String nulAt(JsonNode node, String path) {
        if (node.isTextual()) return node.textValue().indexOf('\0') >= 0 ? path : null;
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = nulAt(node.get(i), join(path, Integer.toString(i)));
                if (found != null) return found;
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                // A key with a NUL is named up to the NUL, which a client can still recognise.
                int cut = e.getKey().indexOf('\0');
                if (cut >= 0) return join(path, e.getKey().substring(0, cut));
                String found = nulAt(e.getValue(), join(path, e.getKey()));
                if (found != null) return found;
            }
        }
        return null;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String fieldPath(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : Integer.toString(r.getIndex()))
                .collect(Collectors.joining("."));
    }

    private static String describe(Class<?> type) {
        if (type == null) return "another type";
        if (type == String.class) return "a string";
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) return "a whole number";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) return "a list";
        if (Map.class.isAssignableFrom(type)) return "an object";
        if (Number.class.isAssignableFrom(type)) return "a number";
        return "an object";
    }

    /**
     * For a request field that is a string when given: it may be left out (null in the record), but an explicit
     * JSON null is a 400. Use as {@code @JsonDeserialize(using = Json.StringNotNull.class)}.
     */
    public static final class StringNotNull extends StdDeserializer<String> {
        public StringNotNull() { super(String.class); }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return StringDeserializer.instance.deserialize(p, ctxt);
        }

        @Override
        public String getNullValue(DeserializationContext ctxt) throws JsonMappingException {
            throw InvalidNullException.from(ctxt, null, ctxt.constructType(String.class));
        }

        /** Left out is not null: the field keeps its default. */
        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return null;
        }
    }

    /** Times go out as ISO-8601 UTC to the second, as the reference shows them: 2024-01-10T10:00:00Z. */
    private static final class InstantSerializer extends StdSerializer<Instant> {
        InstantSerializer() { super(Instant.class); }

        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.truncatedTo(ChronoUnit.SECONDS).toString());
        }
    }
}
