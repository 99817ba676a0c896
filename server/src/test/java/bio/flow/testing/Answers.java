package bio.flow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

/** Assertions on the API's error answers, and request bodies that may hold nulls, as the tests share them. */
public final class Answers {
    private Answers() {}

    /** The answer is an error of this status and code. */
    public static void assertStatus(Api.Res r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.errorCode()).as(r.toString()).isEqualTo(code);
    }

    /** The answer is a 400 naming {@code field}. */
    public static void assertInvalid(Api.Res r, String field) {
        assertStatus(r, 400, "VALIDATION_ERROR");
        assertThat(r.json().at("/error/details/field").asText()).as(r.toString()).isEqualTo(field);
    }

    /** The answer is a 409 naming {@code field}. */
    public static void assertConflict(Api.Res r, String field) {
        assertStatus(r, 409, "CONFLICT");
        assertThat(r.json().at("/error/details/field").asText()).as(r.toString()).isEqualTo(field);
    }

    /** A JSON object from keys and values, nulls allowed (which Map.of refuses). */
    public static Map<String, Object> body(Object... keysAndValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }
}
