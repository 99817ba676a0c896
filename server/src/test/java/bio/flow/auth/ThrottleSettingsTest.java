package bio.flow.auth;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Throttles with small limits, behind a trusted proxy (the tests' own 127.0.0.1), so that each test speaks from
 * addresses of its own through X-Forwarded-For.
 */
class ThrottleSettingsTest {
    private static final int BACKOFF_MAX_SECONDS = 60;
    private static final AtomicInteger ADDRESSES = new AtomicInteger();
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("FLOW_TRUSTED_PROXIES", "127.0.0.1/32, ::1/128",
                "FLOW_LOGIN_MAX_FAILURES_PER_ADDRESS", "3", "FLOW_SIGNUP_MAX_PER_ADDRESS", "2",
                "FLOW_LOGIN_BACKOFF_MAX_SECONDS", Integer.toString(BACKOFF_MAX_SECONDS)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** An address no other request of this class uses. */
    private static String freshAddress() {
        int n = ADDRESSES.incrementAndGet();
        return "198.18." + (n / 250) + "." + (n % 250 + 1);
    }

    private static Api.Res login(String username, String password, String forwardedFor) {
        return server.client().send("POST", "/login", Map.of("username", username, "password", password),
                Map.of("X-Forwarded-For", forwardedFor));
    }

    private static Api.Res signup(String username, String forwardedFor) {
        return server.client().send("POST", "/signup", Map.of("username", username, "email", username + "@example.org",
                "password", Users.PASSWORD), Map.of("X-Forwarded-For", forwardedFor));
    }

    private record Account(long id, String username) {}

    private static Account newAccount() {
        String name = Users.uniqueName("backoff");
        Api.Res r = signup(name, freshAddress());
        assertThat(r.status()).isEqualTo(201);
        return new Account(r.json().path("user").path("id").asLong(), name);
    }

    /** Sets every failure of the account to {@code secondsAgo}: the back-off is timed from the latest. */
    private static void failuresAt(long userId, int secondsAgo) {
        server.sql("UPDATE login_failures SET failed_at = now() - make_interval(secs => " + secondsAgo + ") "
                + "WHERE scope = 'account' AND key = 'user:" + userId + "'");
    }

    @Test
    void pastTheLimitAnAccountIsSlowedDownExponentiallyUpToTheCap() {
        Account a = newAccount();
        long id = a.id();
        String username = a.username();
        // Every guess from another address, as from a botnet: the account's count is what holds them back.
        for (int i = 0; i < 5; i++) assertThat(login(username, "wrong-password", freshAddress()).status()).isEqualTo(401);
        int[] expected = {2, 4, 8};
        for (int wait : expected) {
            failuresAt(id, 0);
            Api.Res refused = login(username, Users.PASSWORD, freshAddress());
            assertThat(refused.status()).as("right after the latest failure").isEqualTo(429);
            assertThat(refused.errorCode()).isEqualTo("RATE_LIMITED");
            assertThat(refused.header("Retry-After")).isEqualTo(Integer.toString(wait));
            assertThat(refused.json().path("error").path("details").path("retry_after").asInt()).isEqualTo(wait);
            failuresAt(id, wait);
            assertThat(login(username, "wrong-password", freshAddress()).status()).as("%s s after it", wait).isEqualTo(401);
        }
        // 8 failures so far; 20 more (2^24 s) are far past the cap.
        server.sql("INSERT INTO login_failures (scope, key) SELECT 'account', 'user:" + id + "' FROM generate_series(1, 20)");
        failuresAt(id, 0);
        assertThat(login(username, Users.PASSWORD, freshAddress()).header("Retry-After")).isEqualTo(Integer.toString(BACKOFF_MAX_SECONDS));
        failuresAt(id, BACKOFF_MAX_SECONDS - 1);
        assertThat(login(username, Users.PASSWORD, freshAddress()).status()).isEqualTo(429);
        failuresAt(id, BACKOFF_MAX_SECONDS);
        assertThat(login(username, Users.PASSWORD, freshAddress()).status()).as("once the cap has passed").isEqualTo(200);
        assertThat(server.queryLong("SELECT count(*) FROM login_failures WHERE scope = 'account' AND key = 'user:" + id + "'"))
                .as("failures left after a successful login").isZero();
    }

    @Test
    void behindATrustedProxyTheForwardedAddressIsTheClient() {
        String first = freshAddress();
        String second = freshAddress();
        for (int i = 0; i < 3; i++) {
            assertThat(login(Users.uniqueName("nobody"), "wrong-password", first).status()).isEqualTo(401);
        }
        assertThat(login(Users.uniqueName("nobody"), "wrong-password", first).status()).isEqualTo(429);
        // The right-most address that is not a trusted proxy is the client; what precedes it is the client's say.
        assertThat(login(Users.uniqueName("nobody"), "wrong-password", freshAddress() + ", " + first).status()).isEqualTo(429);
        assertThat(login(Users.uniqueName("nobody"), "wrong-password", first + ", 127.0.0.1").status()).isEqualTo(429);
        // Another forwarded address has a count of its own.
        assertThat(login(Users.uniqueName("nobody"), "wrong-password", second).status()).isEqualTo(401);
    }

    @Test
    void signupsFromOneAddressAreThrottled() {
        String address = freshAddress();
        assertThat(signup(Users.uniqueName("many"), address).status()).isEqualTo(201);
        assertThat(signup(Users.uniqueName("many"), address).status()).isEqualTo(201);
        Api.Res r = signup(Users.uniqueName("many"), address);
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.errorCode()).isEqualTo("RATE_LIMITED");
        assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 900L);
        assertThat(signup(Users.uniqueName("many"), freshAddress()).status()).as("from another address").isEqualTo(201);
    }
}
