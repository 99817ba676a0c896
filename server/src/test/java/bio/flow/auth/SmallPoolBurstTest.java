package bio.flow.auth;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.FakeIdp;
import bio.flow.testing.Parallel;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server with a pool of two database connections under bursts of requests that look users up inside a
 * transaction. Were such a lookup to take a second pooled connection while the transaction holds the first,
 * two requests at once would each wait for a connection that never comes free, and fail after Hikari's
 * 5 s (checked: a lookup through {@code jdbi.open()} makes every request of the admin burst a 500).
 */
class SmallPoolBurstTest {
    static final int BURST = 20;
    static FakeIdp idp;
    static RSAKey key;
    static String issuer;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k").generate();
        idp = FakeIdp.start();
        issuer = idp.base() + "/idp";
        idp.serveKeys("/idp/jwks", key);
        // Password hashes wait their turn as long as they need: this test is about the pool, and 20 hashes two at a time
        // outlast the default 3 s wait (a 503) on a loaded machine.
        server = TestServer.start(Map.of("FLOW_DATABASE_POOL_SIZE", "2", "FLOW_PASSWORD_HASH_WAIT_MS", "120000",
                "FLOW_OIDC_ISSUER", issuer, "FLOW_OIDC_CLIENT_ID", "flow-app", "FLOW_OIDC_JWKS_URL", issuer + "/jwks"));
    }

    @AfterAll
    static void stop() {
        server.close();
        idp.close();
    }

    /** Runs the calls all at once and returns their statuses. */
    static List<Integer> burst(List<Callable<Api.Res>> calls) throws Exception {
        return Parallel.run(calls).stream().map(Api.Res::status).toList();
    }

    @Test
    void parallelAdminChangesAllComplete() throws Exception {
        Users.Account admin = Users.admin(server);
        List<Callable<Api.Res>> calls = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            Users.Account a = Users.signUp(server, "burst");
            calls.add(() -> admin.api().post("/admin/users/" + a.username(), Map.of("can_run_pipelines", false)));
        }
        assertThat(burst(calls)).containsOnly(200);
    }

    @Test
    void parallelPasswordResetsAllComplete() throws Exception {
        List<Callable<Api.Res>> calls = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            Users.Account a = Users.signUp(server, "burst");
            // A reset token as the mail would carry it, made here so that the burst is not throttled by requests.
            String token = RefreshTokens.randomSecret();
            server.sql("INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ('"
                    + RefreshTokens.sha256(token) + "', " + a.id() + ", now() + interval '1 hour')");
            calls.add(() -> server.client().post("/password-reset", Map.of("token", token, "password", "burst-password-1")));
        }
        assertThat(burst(calls)).containsOnly(200);
    }

    @Test
    void parallelOidcLoginsAllComplete() throws Exception {
        List<Callable<Api.Res>> calls = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            // Half of them new subjects (an account is made), half known ones (the account is looked up).
            String sub = Users.uniqueName("sub");
            if (i % 2 == 0) {
                String first = FakeIdp.idToken(key, issuer, "flow-app", sub, Instant.now().plusSeconds(300), Map.of("nonce", "first"));
                assertThat(server.client().post("/oidc-login", Map.of("id_token", first)).status()).isEqualTo(200);
            }
            String token = FakeIdp.idToken(key, issuer, "flow-app", sub, Instant.now().plusSeconds(300),
                    Map.of("email", sub + "@idp.example", "email_verified", true));
            calls.add(() -> server.client().post("/oidc-login", Map.of("id_token", token)));
        }
        assertThat(burst(calls)).containsOnly(200);
    }
}
