package bio.flow.auth;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.FakeIdp;
import bio.flow.testing.Outbox;
import bio.flow.testing.Parallel;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OIDC login against identity providers this test plays itself: it serves their JWKS (one issuer with its
 * JWKS URL configured, one found through its discovery document) and signs id_tokens with their keys.
 */
class OidcLoginTest {
    static FakeIdp idp;
    static RSAKey key1;
    static RSAKey key2;
    static RSAKey stranger;
    static String issuer1;
    static String issuer2;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        key1 = new RSAKeyGenerator(2048).keyID("k1").generate();
        key2 = new RSAKeyGenerator(2048).keyID("k2").generate();
        stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        idp = FakeIdp.start();
        String base = idp.base();
        issuer1 = base + "/one";
        issuer2 = base + "/two";
        idp.serveKeys("/one/jwks", key1)
                .serve("/two/.well-known/openid-configuration", "{\"issuer\":\"" + issuer2 + "\",\"jwks_uri\":\"" + base + "/two/keys\"}")
                .serveKeys("/two/keys", key2);
        server = TestServer.start(Map.of(
                "FLOW_OIDC_ISSUER", issuer1, "FLOW_OIDC_CLIENT_ID", "flow-app", "FLOW_OIDC_JWKS_URL", issuer1 + "/jwks",
                "FLOW_OIDC_ISSUER_2", issuer2, "FLOW_OIDC_CLIENT_ID_2", "flow-two",
                // an issuer whose keys cannot be fetched: nothing listens on port 9 of loopback
                "FLOW_OIDC_ISSUER_3", base + "/down", "FLOW_OIDC_CLIENT_ID_3", "flow-down", "FLOW_OIDC_JWKS_URL_3", "http://127.0.0.1:9/jwks"));
    }

    @AfterAll
    static void stop() {
        server.close();
        idp.close();
    }

    static String idToken(RSAKey key, String iss, String aud, String sub, Instant exp, Map<String, Object> extra) throws Exception {
        return FakeIdp.idToken(key, iss, aud, sub, exp, extra);
    }

    static Instant soon() {
        return Instant.now().plusSeconds(300);
    }

    @Test
    void theIssuersAreListedForAnyoneAndTheAppMayConnectToThem() throws Exception {
        Api.Res r = server.client().get("/oidc-issuers");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("issuers").toString()).isEqualTo("[{\"issuer\":\"" + issuer1 + "\",\"client_id\":\"flow-app\"},"
                + "{\"issuer\":\"" + issuer2 + "\",\"client_id\":\"flow-two\"},{\"issuer\":\"" + idp.base() + "/down\",\"client_id\":\"flow-down\"}]");
        // the web app's pages let the browser reach the issuers' origin (one here: the three share it), and nothing else
        assertThat(appPolicy(server)).contains("; connect-src 'self' " + idp.base() + "; ");
        // a server without OIDC lists none, and its app connects to itself only
        TestServer plain = TestServer.shared();
        assertThat(plain.client().get("/oidc-issuers").json().toString()).isEqualTo("{\"issuers\":[]}");
        assertThat(appPolicy(plain)).contains("; connect-src 'self'; ");
    }

    /** The Content-Security-Policy of the web app's page (outside the API's contract, so not through {@link Api}). */
    private static String appPolicy(TestServer s) throws Exception {
        HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/app/")).header("Accept", "text/html")
                .build(), HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.headers().firstValue("Content-Security-Policy").orElseThrow();
    }

    @Test
    void newSubjectGetsAnAccountAndComesBackToIt() throws Exception {
        String sub = Users.uniqueName("sub");
        String name = Users.uniqueName("oidc");
        String token = idToken(key1, issuer1, "flow-app", sub, soon(),
                Map.of("preferred_username", name, "email", name + "@idp.example", "email_verified", true,
                        "given_name", "Rosalind", "family_name", "Franklin"));
        Api browser = server.client();
        Api.Res r = browser.post("/oidc-login", Map.of("id_token", token));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("user").path("username").asText()).isEqualTo(name);
        assertThat(r.header("Set-Cookie")).startsWith("flow_refresh_token=");
        long id = r.json().path("user").path("id").asLong();
        Api.Res me = server.client().as(r.json().path("access_token").asText()).get("/me");
        assertThat(me.json().path("first_name").asText()).isEqualTo("Rosalind");
        assertThat(me.json().path("email").asText()).isEqualTo(name + "@idp.example");
        assertThat(browser.get("/token").status()).isEqualTo(200);

        String again = idToken(key1, issuer1, "flow-app", sub, soon(), Map.of("preferred_username", "renamed-" + name));
        Api.Res second = server.client().post("/oidc-login", Map.of("id_token", again));
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().path("user").path("id").asLong()).isEqualTo(id);
    }

    @Test
    void takenUsernamesGetASuffixAndTakenEmailsAreNotLinked() throws Exception {
        Users.Account existing = Users.signUp(server, "taken");
        String token = idToken(key1, issuer1, "flow-app", Users.uniqueName("sub"), soon(),
                Map.of("preferred_username", existing.username(), "email", existing.email(), "email_verified", true));
        Api.Res r = server.client().post("/oidc-login", Map.of("id_token", token));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("user").path("id").asLong()).isNotEqualTo(existing.id());
        assertThat(r.json().path("user").path("username").asText()).isEqualTo(existing.username() + "2");
        assertThat(r.json().path("user").path("email").isNull()).isTrue();
    }

    @Test
    void usernameFromEmailWhenNoPreferredUsername() throws Exception {
        String local = "ro sa+" + Users.uniqueName("x");
        String token = idToken(key1, issuer1, "flow-app", Users.uniqueName("sub"), soon(), Map.of("email", local.replace(" ", "") + "@idp.example"));
        Api.Res r = server.client().post("/oidc-login", Map.of("id_token", token));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("user").path("username").asText()).matches("[A-Za-z0-9_.-]{3,40}");
    }

    @Test
    void unverifiedEmailIsNotTaken() throws Exception {
        String name = Users.uniqueName("unverified");
        String token = idToken(key1, issuer1, "flow-app", Users.uniqueName("sub"), soon(),
                Map.of("preferred_username", name, "email", name + "@idp.example", "email_verified", false));
        Api.Res r = server.client().post("/oidc-login", Map.of("id_token", token));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("user").path("email").isNull()).isTrue();
    }

    @Test
    void unreachableIdentityProviderIs503() throws Exception {
        String token = idToken(key1, issuer1.replace("/one", "/down"), "flow-down", "s", soon(), Map.of());
        Api.Res r = server.client().post("/oidc-login", Map.of("id_token", token));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.errorCode()).isEqualTo("SERVICE_UNAVAILABLE");
    }

    @Test
    void oidcAccountsHaveNoPasswordToChange() throws Exception {
        String token = idToken(key1, issuer1, "flow-app", Users.uniqueName("sub"), soon(), Map.of("preferred_username", Users.uniqueName("nopw")));
        Api.Res r = server.client().post("/oidc-login", Map.of("id_token", token));
        Api.Res change = server.client().as(r.json().path("access_token").asText())
                .post("/settings/password", Map.of("current_password", "anything-at-all", "new_password", "a-new-password-1"));
        assertThat(change.status()).isEqualTo(400);
        assertThat(change.json().path("error").path("message").asText()).contains("OIDC");
    }

    @Test
    void oidcAccountChangesItsEmailOnlyWithinFiveMinutesOfSigningIn() throws Exception {
        String name = Users.uniqueName("oidcmail");
        String token = idToken(key1, issuer1, "flow-app", Users.uniqueName("sub"), soon(),
                Map.of("preferred_username", name, "email", name + "@idp.example", "email_verified", true));
        Api browser = server.client();
        Api.Res login = browser.post("/oidc-login", Map.of("id_token", token));
        long id = login.json().path("user").path("id").asLong();
        browser.as(login.json().path("access_token").asText());
        // Just signed in: no password needed (the account has none), and the old address hears of it.
        String first = Users.uniqueName("first") + "@example.org";
        assertThat(browser.post("/settings/user", Map.of("email", first)).status()).isEqualTo(200);
        assertThat(Outbox.await(server, name + "@idp.example", m -> m.contains(first), 1)).hasSize(1);

        // The sign-in time travels with the session: refreshed access tokens keep it.
        server.sql("UPDATE refresh_tokens SET signed_in_at = signed_in_at - interval '6 minutes' WHERE user_id = " + id);
        Api.Res refreshed = browser.get("/token");
        assertThat(refreshed.status()).isEqualTo(200);
        browser.as(refreshed.json().path("access_token").asText());
        Api.Res stale = browser.post("/settings/user", Map.of("email", Users.uniqueName("second") + "@example.org"));
        assertThat(stale.status()).isEqualTo(400);
        assertThat(stale.json().path("error").path("details").path("field").asText()).isEqualTo("current_password");
        assertThat(browser.get("/me").json().path("email").asText()).isEqualTo(first);
        assertThat(browser.post("/settings/user", Map.of("first_name", "Still")).status()).isEqualTo(200);
    }

    @Test
    void issuerFoundThroughDiscovery() throws Exception {
        String token = idToken(key2, issuer2, "flow-two", Users.uniqueName("sub"), soon(), Map.of("preferred_username", Users.uniqueName("two")));
        assertThat(server.client().post("/oidc-login", Map.of("id_token", token)).status()).isEqualTo(200);
    }

    @Test
    void badIdTokensAreRefused() throws Exception {
        String sub = Users.uniqueName("sub");
        String[] bad = {
                idToken(key1, issuer1, "someone-else", sub, soon(), Map.of()),                  // wrong audience
                idToken(key1, issuer1, "flow-app", sub, Instant.now().minusSeconds(600), Map.of()), // expired
                idToken(stranger, issuer1, "flow-app", sub, soon(), Map.of()),                  // wrong key, same kid
                idToken(key1, "https://evil.example", "flow-app", sub, soon(), Map.of()),       // unknown issuer
                idToken(key2, issuer1, "flow-app", sub, soon(), Map.of()),                      // other issuer's key
                idToken(key1, issuer2, "flow-two", sub, soon(), Map.of()),                      // issuer 2 claim, key of 1
        };
        for (String t : bad) {
            Api.Res r = server.client().post("/oidc-login", Map.of("id_token", t));
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.errorCode()).isEqualTo("UNAUTHORIZED");
        }
        String good = idToken(key1, issuer1, "flow-app", sub, soon(), Map.of());
        String[] p = good.split("\\.");
        String tampered = p[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"iss\":\"" + issuer1 + "\",\"aud\":\"flow-app\",\"sub\":\"admin\",\"exp\":9999999999,\"iat\":1}").getBytes()) + "." + p[2];
        assertThat(server.client().post("/oidc-login", Map.of("id_token", tampered)).status()).isEqualTo(401);
        assertThat(server.client().post("/oidc-login", Map.of("id_token", "not.a.jwt")).status()).isEqualTo(400);
        assertThat(server.client().post("/oidc-login", Map.of()).status()).isEqualTo(400);
        // none of them made an account
        assertThat(server.client().post("/oidc-login", Map.of("id_token", good)).status()).isEqualTo(200);
    }

    @Test
    void tokenIssuedToAnotherClientIsRefused() throws Exception {
        String sub = Users.uniqueName("sub");
        // Our client id among the audiences, but the token was issued to (azp) someone else.
        String other = idToken(key1, issuer1, "flow-app", sub, soon(), Map.of("azp", "someone-else"));
        Api.Res r = server.client().post("/oidc-login", Map.of("id_token", other));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.errorCode()).isEqualTo("UNAUTHORIZED");
        String ours = idToken(key1, issuer1, "flow-app", sub, soon(), Map.of("azp", "flow-app"));
        assertThat(server.client().post("/oidc-login", Map.of("id_token", ours)).status()).isEqualTo(200);
    }

    @Test
    void anIdTokenSignsInOnce() throws Exception {
        String sub = Users.uniqueName("sub");
        // Without a jti the token itself is remembered ...
        String token = idToken(key1, issuer1, "flow-app", sub, soon(), Map.of());
        assertThat(server.client().post("/oidc-login", Map.of("id_token", token)).status()).isEqualTo(200);
        Api.Res replay = server.client().post("/oidc-login", Map.of("id_token", token));
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.errorCode()).isEqualTo("UNAUTHORIZED");
        // ... with one, its jti: another token with the same jti is a replay too.
        String jti = Users.uniqueName("jti");
        assertThat(server.client().post("/oidc-login", Map.of("id_token",
                idToken(key1, issuer1, "flow-app", sub, soon(), Map.of("jti", jti)))).status()).isEqualTo(200);
        assertThat(server.client().post("/oidc-login", Map.of("id_token",
                idToken(key1, issuer1, "flow-app", sub, soon(), Map.of("jti", jti, "nonce", "other")))).status()).isEqualTo(401);
    }

    @Test
    void parallelReplaysLetExactlyOneThrough() throws Exception {
        String token = idToken(key1, issuer1, "flow-app", Users.uniqueName("sub"), soon(), Map.of("preferred_username", Users.uniqueName("race")));
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) calls.add(() -> server.client().post("/oidc-login", Map.of("id_token", token)).status());
        List<Integer> statuses = Parallel.run(calls);
        assertThat(statuses).containsOnly(200, 401);
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
    }

    @Test
    void notConfiguredServerRefusesOidc() throws Exception {
        String token = idToken(key1, issuer1, "flow-app", "s", soon(), Map.of());
        Api.Res r = TestServer.shared().client().post("/oidc-login", Map.of("id_token", token));
        assertThat(r.status()).isEqualTo(400);
    }
}
