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
        assertThat(r.header("Allow").split(",\\s*")).containsExactlyInAnyOrder("GET", "HEAD"); // HEAD: GET without the body
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
    void withTheWildcardAnyOriginMayCallButWithoutCredentials() {
        try (TestServer open = TestServer.start(Map.of("FLOW_CORS_ORIGINS", "*"))) {
            Api.Res preflight = open.client().send("OPTIONS", "/token", null, Map.of("Origin", "https://any.example",
                    "Access-Control-Request-Method", "GET"));
            assertThat(preflight.status()).isEqualTo(204);
            assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("*");
            assertThat(preflight.header("Access-Control-Allow-Credentials")).isNull();
            Api.Res get = open.client().send("GET", "/ping", null, Map.of("Origin", "https://any.example"));
            assertThat(get.header("Access-Control-Allow-Origin")).isEqualTo("*");
            assertThat(get.header("Access-Control-Allow-Credentials")).isNull();
        }
    }

    @Test
    void bodiesThatAreNotJsonAre415() {
        Users.Account a = Users.signUp(server, "mediatype");
        Map<String, String> notJson = Map.of(
                "text/plain", "{\"username\": \"x\", \"password\": \"y\"}",
                "application/x-www-form-urlencoded", "username=x&password=y",
                "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nx\r\n--b--\r\n");
        notJson.forEach((type, body) -> {
            for (Api api : new Api[] {server.client(), a.api()}) {
                for (String path : new String[] {"/login", "/signup", "/groups/new"}) {
                    Api.Res r = api.send("POST", path, body, Map.of("Content-Type", type));
                    assertThat(r.status()).as(type + " to " + path).isEqualTo(415);
                    assertThat(r.errorCode()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
                    assertThat(r.header("X-Request-Id")).isNotBlank();
                }
            }
        });
        // JSON with a charset is JSON; a POST without a body needs no type at all.
        Api.Res json = server.client().send("POST", "/login", Map.of("username", a.username(), "password", "wrong-password"),
                Map.of("Content-Type", "application/json; charset=utf-8"));
        assertThat(json.status()).isEqualTo(401);
        assertThat(a.api().send("POST", "/groups/new", Map.of("name", Users.uniqueName("typed")),
                Map.of("Content-Type", "Application/JSON;charset=UTF-8")).status()).isEqualTo(201);
        assertThat(server.client().post("/logout").status()).isEqualTo(200);
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
