package bio.flow.auth;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

/** Settings a production operator would choose: https base URL, no self sign-up, a tight per-address limit. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestrictedServerTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("FLOW_BASE_URL", "https://flow.example.org", "FLOW_SIGNUP_ENABLED", "false",
                "FLOW_LOGIN_MAX_FAILURES_PER_ADDRESS", "3"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void signupCanBeDisabled() {
        Api.Res r = server.client().post("/signup", Map.of("username", "someone", "email", "s@example.org", "password", Users.PASSWORD));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.errorCode()).isEqualTo("FORBIDDEN");
    }

    @Test
    void refreshCookieIsSecureOverHttps() {
        Api.Res r = server.client().post("/login", Map.of("username", TestServer.ADMIN_USERNAME, "password", TestServer.ADMIN_PASSWORD));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Set-Cookie")).contains("; Secure").contains("HttpOnly").contains("SameSite=Lax");
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: afterwards this address may not log in at all
    void failuresFromOneAddressAreThrottledAcrossAccounts() {
        // No trusted proxies here: a forged X-Forwarded-For is ignored, it buys no fresh address.
        for (int i = 0; i < 3; i++) {
            assertThat(server.client().send("POST", "/login", Map.of("username", "guess" + i, "password", "wrong-password"),
                    Map.of("X-Forwarded-For", "203.0.113." + i)).status()).isEqualTo(401);
        }
        Api.Res r = server.client().send("POST", "/login", Map.of("username", "guess-other", "password", "wrong-password"),
                Map.of("X-Forwarded-For", "203.0.113.99"));
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.header("Retry-After")).isNotNull();
    }
}
