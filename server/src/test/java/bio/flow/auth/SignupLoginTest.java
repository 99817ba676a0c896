package bio.flow.auth;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignupLoginTest {
    private final TestServer server = TestServer.shared();

    private Map<String, Object> signupBody(String username) {
        Map<String, Object> b = new HashMap<>();
        b.put("username", username);
        b.put("email", username + "@example.org");
        b.put("password", Users.PASSWORD);
        b.put("first_name", "Ada");
        b.put("last_name", "Lovelace");
        return b;
    }

    @Test
    void signupAnswersTokenAndUserAndSetsRefreshCookie() {
        String name = Users.uniqueName("signup");
        Api.Res r = server.client().post("/signup", signupBody(name));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().path("access_token").asText()).isNotBlank();
        assertThat(r.json().path("user").path("username").asText()).isEqualTo(name);
        assertThat(r.json().path("user").path("email").asText()).isEqualTo(name + "@example.org");
        String cookie = r.header("Set-Cookie");
        assertThat(cookie).startsWith("flow_refresh_token=").contains("HttpOnly").contains("SameSite=Lax").doesNotContain("Secure");
    }

    @Test
    void signupRejectsMissingAndMistypedFields() {
        for (String field : new String[] {"username", "email", "password"}) {
            Map<String, Object> b = signupBody(Users.uniqueName("miss"));
            b.remove(field);
            Api.Res r = server.client().post("/signup", b);
            assertThat(r.status()).as(field).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("VALIDATION_ERROR");
            assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo(field);
        }
        Map<String, Object> b = signupBody(Users.uniqueName("type"));
        b.put("username", 12345);
        Api.Res r = server.client().post("/signup", b);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo("username");
        b = signupBody(Users.uniqueName("type"));
        b.put("first_name", Map.of("x", 1));
        assertThat(server.client().post("/signup", b).status()).isEqualTo(400);
    }

    @Test
    void signupRejectsMalformedJsonAndEmptyBody() {
        Api.Res r = server.client().post("/signup", "{\"username\": ");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("VALIDATION_ERROR");
        assertThat(server.client().post("/signup").status()).isEqualTo(400);
        assertThat(server.client().post("/signup", "[1,2]").status()).isEqualTo(400);
        assertThat(server.client().post("/signup", "null").status()).isEqualTo(400);
    }

    @Test
    void usernameRules() {
        for (String bad : new String[] {"ab", "a".repeat(41), "has space", "bad/char", "émile", ""}) {
            Map<String, Object> b = signupBody("x");
            b.put("username", bad);
            b.put("email", Users.uniqueName("e") + "@example.org");
            Api.Res r = server.client().post("/signup", b);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo("username");
        }
        Map<String, Object> ok = signupBody("Ok_name.1-" + Users.uniqueName("u").substring(0, 8));
        assertThat(server.client().post("/signup", ok).status()).isEqualTo(201);
    }

    @Test
    void passwordRules() {
        String name = Users.uniqueName("password-rules");
        Map<String, Object> b = signupBody(name);
        b.put("password", "short");
        assertThat(server.client().post("/signup", b).json().path("error").path("details").path("field").asText()).isEqualTo("password");
        b.put("password", name.toUpperCase());
        Api.Res r = server.client().post("/signup", b);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("message").asText()).contains("username");
        b.put("password", "x".repeat(257));
        assertThat(server.client().post("/signup", b).status()).isEqualTo(400);
    }

    @Test
    void badEmailIsRejected() {
        Map<String, Object> b = signupBody(Users.uniqueName("em"));
        b.put("email", "not-an-email");
        Api.Res r = server.client().post("/signup", b);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo("email");
    }

    @Test
    void duplicateUsernameOrEmailIsConflictWhateverTheCase() {
        String name = Users.uniqueName("dup");
        assertThat(server.client().post("/signup", signupBody(name)).status()).isEqualTo(201);

        Map<String, Object> sameName = signupBody(name.toUpperCase());
        sameName.put("email", Users.uniqueName("other") + "@example.org");
        Api.Res r = server.client().post("/signup", sameName);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.errorCode()).isEqualTo("CONFLICT");
        assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo("username");

        Map<String, Object> sameEmail = signupBody(Users.uniqueName("other"));
        sameEmail.put("email", (name + "@EXAMPLE.org").toUpperCase());
        r = server.client().post("/signup", sameEmail);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo("email");
    }

    @Test
    void loginWithUsernameOrEmail() {
        Users.Account a = Users.signUp(server, "login");
        Api.Res byName = server.client().post("/login", Map.of("username", a.username(), "password", Users.PASSWORD));
        assertThat(byName.status()).isEqualTo(200);
        assertThat(byName.json().path("user").path("id").asLong()).isEqualTo(a.id());
        assertThat(byName.header("Set-Cookie")).startsWith("flow_refresh_token=");
        Api.Res byEmail = server.client().post("/login", Map.of("username", a.email().toUpperCase(), "password", Users.PASSWORD));
        assertThat(byEmail.status()).isEqualTo(200);
        Api me = server.client().as(byEmail.json().path("access_token").asText());
        assertThat(me.get("/me").json().path("username").asText()).isEqualTo(a.username());
    }

    @Test
    void wrongPasswordAndUnknownUserLookTheSame() {
        Users.Account a = Users.signUp(server, "wrong");
        Api.Res wrong = server.client().post("/login", Map.of("username", a.username(), "password", "not-the-password"));
        Api.Res unknown = server.client().post("/login", Map.of("username", Users.uniqueName("nobody"), "password", "not-the-password"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        // Alike but for the request id, which every answer has its own of.
        assertThat(wrong.text().replaceAll("\"request_id\":\"\\w+\"", "")).isEqualTo(unknown.text().replaceAll("\"request_id\":\"\\w+\"", ""));
    }

    @Test
    void loginValidatesItsBody() {
        assertThat(server.client().post("/login", Map.of("username", "x")).status()).isEqualTo(400);
        assertThat(server.client().post("/login", Map.of("password", "x")).status()).isEqualTo(400);
        assertThat(server.client().post("/login", Map.of("username", 1, "password", "x")).status()).isEqualTo(400);
    }

    @Test
    void repeatedFailuresForOneAccountAreThrottled() {
        Users.Account a = Users.signUp(server, "throttle");
        for (int i = 0; i < 5; i++) {
            assertThat(server.client().post("/login", Map.of("username", a.username(), "password", "wrong-password")).status()).isEqualTo(401);
        }
        Api.Res r = server.client().post("/login", Map.of("username", a.username(), "password", "wrong-password"));
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.errorCode()).isEqualTo("RATE_LIMITED");
        assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 900L);
        // Even the right password waits: otherwise throttling would only slow down wrong guesses.
        assertThat(server.client().post("/login", Map.of("username", a.username(), "password", Users.PASSWORD)).status()).isEqualTo(429);
        // Naming the account another way (its email, another case) does not buy more guesses.
        assertThat(server.client().post("/login", Map.of("username", a.email(), "password", Users.PASSWORD)).status()).isEqualTo(429);
        assertThat(server.client().post("/login", Map.of("username", a.username().toUpperCase(), "password", Users.PASSWORD)).status()).isEqualTo(429);
        // Other accounts are not affected.
        Users.Account b = Users.signUp(server, "throttle");
        assertThat(server.client().post("/login", Map.of("username", b.username(), "password", Users.PASSWORD)).status()).isEqualTo(200);
    }
}
