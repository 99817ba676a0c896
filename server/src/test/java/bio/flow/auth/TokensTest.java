package bio.flow.auth;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Parallel;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

class TokensTest {
    private final TestServer server = TestServer.shared();

    private static String jwt(String secret, String sub, String typ, Instant exp, JWSAlgorithm alg) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("flow").subject(sub).claim("typ", typ)
                .issueTime(new Date()).expirationTime(Date.from(exp)).build();
        SignedJWT t = new SignedJWT(new JWSHeader(alg), claims);
        t.sign(new MACSigner(secret.getBytes()));
        return t.serialize();
    }

    @Test
    void accessTokensLiveAtMostFifteenMinutes() throws Exception {
        Users.Account a = Users.signUp(server, "ttl");
        SignedJWT t = SignedJWT.parse(a.token());
        long seconds = (t.getJWTClaimsSet().getExpirationTime().getTime() - t.getJWTClaimsSet().getIssueTime().getTime()) / 1000;
        assertThat(seconds).isLessThanOrEqualTo(15 * 60);
    }

    @Test
    void expiredTamperedForgedAndMalformedTokensAre401() throws Exception {
        Users.Account a = Users.signUp(server, "tokens");
        String sub = Long.toString(a.id());
        String expired = jwt(TestServer.JWT_SECRET, sub, "access", Instant.now().minusSeconds(5), JWSAlgorithm.HS256);
        String forged = jwt("another-secret-another-secret-another-secret!!", sub, "access", Instant.now().plusSeconds(600), JWSAlgorithm.HS256);
        String wrongType = jwt(TestServer.JWT_SECRET, sub, "refresh", Instant.now().plusSeconds(600), JWSAlgorithm.HS256);
        String[] parts = a.token().split("\\.");
        String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
        String unsigned = parts[0].replace(parts[0], "eyJhbGciOiJub25lIn0") + "." + parts[1] + ".";
        for (String bad : new String[] {expired, forged, wrongType, tampered, unsigned, "garbage"}) {
            Api.Res r = server.client().as(bad).get("/me");
            assertThat(r.status()).as(bad).isEqualTo(401);
            assertThat(r.errorCode()).isEqualTo("UNAUTHORIZED");
        }
        Api.Res basic = server.client().send("GET", "/me", null, Map.of("Authorization", "Basic dXNlcjpwYXNz"));
        assertThat(basic.status()).isEqualTo(401);
        // A valid token for a user id that does not exist
        String ghost = jwt(TestServer.JWT_SECRET, "999999999", "access", Instant.now().plusSeconds(600), JWSAlgorithm.HS256);
        assertThat(server.client().as(ghost).get("/me").status()).isEqualTo(401);
        // and the real one still works
        assertThat(a.api().get("/me").status()).isEqualTo(200);
    }

    @Test
    void refreshCookieGivesNewAccessTokens() {
        Users.Account a = Users.signUp(server, "refresh");
        Api.Res r = a.api().get("/token");
        assertThat(r.status()).isEqualTo(200);
        String fresh = r.json().path("access_token").asText();
        assertThat(r.json().path("user").path("id").asLong()).isEqualTo(a.id());
        assertThat(server.client().as(fresh).get("/me").json().path("username").asText()).isEqualTo(a.username());
    }

    /** The refresh token a response sets, or null. */
    private static String cookieSet(Api.Res r) {
        String header = r.header("Set-Cookie");
        return header == null ? null : header.substring(header.indexOf('=') + 1, header.indexOf(';'));
    }

    private Api.Res refreshWith(String refreshToken) {
        return server.client().send("GET", "/token", null, Map.of("Cookie", "flow_refresh_token=" + refreshToken));
    }

    /** Moves the retirement of the user's replaced refresh tokens past the grace, as if the grace had run out. */
    private void graceOver(long userId) {
        server.sql("UPDATE refresh_tokens SET replaced_at = replaced_at - interval '1 minute' WHERE replaced_at IS NOT NULL AND user_id = " + userId);
    }

    @Test
    void eachRefreshSetsANewCookieAndRetiresTheOldOne() {
        Users.Account a = Users.signUp(server, "rotate");
        String first = a.api().cookie("flow_refresh_token");
        Api.Res r1 = a.api().get("/token");
        assertThat(r1.status()).isEqualTo(200);
        assertThat(r1.header("Set-Cookie")).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/");
        String second = cookieSet(r1);
        assertThat(second).isNotBlank().isNotEqualTo(first).isEqualTo(a.api().cookie("flow_refresh_token"));
        String third = cookieSet(a.api().get("/token"));
        assertThat(third).isNotBlank().isNotIn(first, second);
        // One sign-in, one family; two tokens retired, one live.
        assertThat(server.queryLong("SELECT count(DISTINCT family_id) FROM refresh_tokens WHERE user_id = " + a.id())).isEqualTo(1);
        assertThat(server.queryLong("SELECT count(*) FROM refresh_tokens WHERE replaced_at IS NOT NULL AND user_id = " + a.id())).isEqualTo(2);
        assertThat(server.queryLong("SELECT count(*) FROM refresh_tokens WHERE replaced_at IS NULL AND revoked_at IS NULL AND user_id = " + a.id())).isEqualTo(1);
        graceOver(a.id());
        Api.Res old = refreshWith(second);
        assertThat(old.status()).isEqualTo(401);
        assertThat(old.header("Set-Cookie")).contains("Max-Age=0");
    }

    @Test
    void reuseAfterTheGraceRevokesTheWholeFamilyButNoOtherSession() {
        Users.Account a = Users.signUp(server, "reuse");
        Api otherBrowser = server.client();
        assertThat(otherBrowser.post("/login", Map.of("username", a.username(), "password", Users.PASSWORD)).status()).isEqualTo(200);
        String stolen = a.api().cookie("flow_refresh_token");
        assertThat(a.api().get("/token").status()).isEqualTo(200);
        assertThat(a.api().get("/token").status()).isEqualTo(200);
        graceOver(a.id());

        assertThat(refreshWith(stolen).status()).isEqualTo(401);
        // The newest token of that family, which the owner's browser holds, is dead too ...
        assertThat(a.api().get("/token").status()).isEqualTo(401);
        // ... and logging in again starts a new family that works; the other browser's session is untouched.
        assertThat(otherBrowser.get("/token").status()).isEqualTo(200);
        assertThat(server.client().post("/login", Map.of("username", a.username(), "password", Users.PASSWORD)).status()).isEqualTo(200);
    }

    @Test
    void withinTheGraceTheReplacedTokenAnswersItsSuccessorOnlyWhileItIsUnused() {
        Users.Account a = Users.signUp(server, "grace");
        String first = a.api().cookie("flow_refresh_token");
        String second = cookieSet(a.api().get("/token"));
        // A second refresh with the token just replaced (say from another tab): the same successor again.
        Api.Res again = refreshWith(first);
        assertThat(again.status()).isEqualTo(200);
        assertThat(cookieSet(again)).isEqualTo(second);
        assertThat(server.client().as(again.json().path("access_token").asText()).get("/me").status()).isEqualTo(200);
        // Once the successor has been used, the replaced token is reuse even within the grace.
        assertThat(refreshWith(second).status()).isEqualTo(200);
        assertThat(refreshWith(first).status()).isEqualTo(401);
        assertThat(a.api().get("/token").status()).isEqualTo(401);
    }

    @Test
    void concurrentRefreshesWithOneTokenAllSucceedWithOneSuccessor() throws Exception {
        Users.Account a = Users.signUp(server, "parallel");
        String token = a.api().cookie("flow_refresh_token");
        List<Callable<Api.Res>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) calls.add(() -> refreshWith(token));
        List<Api.Res> answers = Parallel.run(calls);
        assertThat(answers).extracting(Api.Res::status).containsOnly(200);
        assertThat(answers).extracting(TokensTest::cookieSet).containsOnly(cookieSet(answers.get(0)));
        // Exactly one successor was minted: the family is the token and its successor.
        assertThat(server.queryLong("SELECT count(*) FROM refresh_tokens WHERE user_id = " + a.id())).isEqualTo(2);
        assertThat(refreshWith(cookieSet(answers.get(0))).status()).isEqualTo(200);
    }

    @Test
    void tokenWithoutOrWithBadCookieIs401() {
        assertThat(server.client().get("/token").status()).isEqualTo(401);
        Api.Res r = server.client().send("GET", "/token", null, Map.of("Cookie", "flow_refresh_token=forged-value"));
        assertThat(r.status()).isEqualTo(401);
    }

    @Test
    void logoutRevokesTheRefreshToken() {
        Users.Account a = Users.signUp(server, "logout");
        assertThat(a.api().get("/token").status()).isEqualTo(200);
        // Keep the cookie's value to replay it after logout, as a thief would.
        String cookie = a.api().cookie("flow_refresh_token");
        Api.Res out = a.api().post("/logout");
        assertThat(out.status()).isEqualTo(200);
        assertThat(out.header("Set-Cookie")).contains("Max-Age=0");
        assertThat(a.api().get("/token").status()).isEqualTo(401);
        Api.Res replay = server.client().send("GET", "/token", null, Map.of("Cookie", "flow_refresh_token=" + cookie));
        assertThat(replay.status()).isEqualTo(401);
    }

    @Test
    void logoutOfOneSessionKeepsTheOthers() {
        Users.Account a = Users.signUp(server, "sessions");
        Api second = server.client();
        assertThat(second.post("/login", Map.of("username", a.username(), "password", Users.PASSWORD)).status()).isEqualTo(200);
        a.api().post("/logout");
        assertThat(second.get("/token").status()).isEqualTo(200);
    }

    @Test
    void passwordChangeRevokesEveryOtherSession() {
        Users.Account a = Users.signUp(server, "pwchange");
        Api other = server.client();
        other.post("/login", Map.of("username", a.username(), "password", Users.PASSWORD));
        assertThat(other.get("/token").status()).isEqualTo(200);

        Api.Res r = a.api().post("/settings/password", Map.of("current_password", Users.PASSWORD, "new_password", "brand-new-password-2"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("access_token").asText()).isNotBlank();

        assertThat(other.get("/token").status()).isEqualTo(401);
        // This browser got a new refresh cookie and continues.
        assertThat(a.api().get("/token").status()).isEqualTo(200);
        assertThat(server.client().post("/login", Map.of("username", a.username(), "password", Users.PASSWORD)).status()).isEqualTo(401);
        assertThat(server.client().post("/login", Map.of("username", a.username(), "password", "brand-new-password-2")).status()).isEqualTo(200);
    }

    @Test
    void passwordChangeChecksCurrentPasswordAndRules() {
        Users.Account a = Users.signUp(server, "pwrules");
        Api.Res wrong = a.api().post("/settings/password", Map.of("current_password", "not-it-at-all", "new_password", "brand-new-password-2"));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().path("error").path("details").path("field").asText()).isEqualTo("current_password");
        Api.Res weak = a.api().post("/settings/password", Map.of("current_password", Users.PASSWORD, "new_password", "short"));
        assertThat(weak.status()).isEqualTo(400);
        assertThat(weak.json().path("error").path("details").path("field").asText()).isEqualTo("new_password");
        assertThat(a.api().post("/settings/password", Map.of("new_password", "brand-new-password-2")).status()).isEqualTo(400);
        assertThat(server.client().post("/settings/password", Map.of("current_password", "x", "new_password", "y")).status()).isEqualTo(401);
    }
}
