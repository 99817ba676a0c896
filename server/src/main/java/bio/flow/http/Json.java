package bio.flow.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
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

    /** Reads the request body as {@code type}; an empty, malformed or mistyped body is a 400 VALIDATION_ERROR. */
    public static <T> T body(Context ctx, Class<T> type) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            throw ApiException.invalid("request body must be a JSON object", Map.of());
        }
        try {
            T value = MAPPER.readValue(bytes, type);
            if (value == null) throw ApiException.invalid("request body must be a JSON object", Map.of());
            return value;
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

    /** Times go out as ISO-8601 UTC to the second, as the reference shows them: 2024-01-10T10:00:00Z. */
    private static final class InstantSerializer extends StdSerializer<Instant> {
        InstantSerializer() { super(Instant.class); }

        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.truncatedTo(ChronoUnit.SECONDS).toString());
        }
    }
}
