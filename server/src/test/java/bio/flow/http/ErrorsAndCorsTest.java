package bio.flow.http;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorsAndCorsTest {
    private final TestServer server = TestServer.shared();

    @Test
    void unknownRouteIs404InTheErrorFormat() {
        Api.Res r = server.client().get("/no/such/thing");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("NOT_FOUND");
        assertThat(r.json().path("error").has("message")).isTrue();
        assertThat(r.json().path("error").has("details")).isTrue();
        assertThat(r.header("X-Request-Id")).isNotBlank();
    }

    @Test
    void wrongMethodIs405() {
        Api.Res r = server.client().send("DELETE", "/me", null, Map.of());
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.errorCode()).isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(r.header("Allow")).isEqualTo("GET");
        Api.Res get = server.client().get("/signup");
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.header("Allow")).isEqualTo("POST");
    }

    @Test
    void oversizedBodyIs413() {
        String big = "{\"username\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        Api.Res r = server.client().post("/signup", big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.errorCode()).isEqualTo("PAYLOAD_TOO_LARGE");
    }

    @Test
    void preflightFromAnAllowedOriginIsAnswered() {
        Api.Res r = server.client().send("OPTIONS", "/me", null, Map.of("Origin", "https://app.flow.test",
                "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "Authorization"));
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://app.flow.test");
        assertThat(r.header("Access-Control-Allow-Methods")).isEqualTo("GET, POST, PUT, PATCH, DELETE, OPTIONS");
        assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("Authorization, Content-Type");
        assertThat(r.header("Access-Control-Max-Age")).isEqualTo("86400");
    }

    @Test
    void simpleRequestFromAnAllowedOriginGetsCorsHeaders() {
        Users.Account a = Users.signUp(server, "cors");
        Api.Res r = a.api().send("GET", "/me", null, Map.of("Origin", "https://app.flow.test"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://app.flow.test");
        assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo("true");
    }

    @Test
    void otherOriginsGetNoCorsHeaders() {
        Api.Res r = server.client().send("OPTIONS", "/me", null, Map.of("Origin", "https://evil.example",
                "Access-Control-Request-Method", "GET"));
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
        Api.Res get = server.client().send("GET", "/ping", null, Map.of("Origin", "https://evil.example"));
        assertThat(get.header("Access-Control-Allow-Origin")).isNull();
    }
}
