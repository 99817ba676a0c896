package bio.flow.auth;

import static bio.flow.testing.Answers.assertInvalid;
import static bio.flow.testing.Answers.assertStatus;
import static bio.flow.testing.Answers.body;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Parallel;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

class PersonalTokensTest {
    private final TestServer server = TestServer.shared();

    /** Makes a token for the account (from its session) and answers the 201's body. */
    private static JsonNode create(Account a, String name, Integer days) {
        Api.Res r = a.api().post("/settings/tokens", body("name", name, "expires_in_days", days));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    private Api with(String token) {
        return server.client().as(token);
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aTokenIsAnsweredOnceWorksLikeAnAccessTokenAndIsListedWithoutItself() throws Exception {
        Account a = Users.signUp(server, "pat");
        JsonNode made = create(a, "laptop CLI", null);
        String token = made.path("token").asText();
        assertThat(token).matches("flow_pat_[A-Za-z0-9_-]{54}");
        assertThat(made.path("prefix").asText()).isEqualTo(token.substring(0, 13));
        assertThat(made.path("name").asText()).isEqualTo("laptop CLI");
        assertThat(made.path("expires_at").isNull()).isTrue();
        assertThat(made.path("last_used").isNull()).isTrue();
        assertThat(made.path("revoked_at").isNull()).isTrue();
        // Stored as a hash only.
        long id = made.path("id").asLong();
        assertThat(server.queryLong("SELECT count(*) FROM personal_tokens WHERE id = " + id + " AND token_hash = '" + sha256(token) + "'")).isEqualTo(1);
        assertThat(server.queryLong("SELECT count(*) FROM personal_tokens WHERE token_hash = '" + token + "' OR prefix = '" + token + "'")).isZero();

        // It reads and writes as its user, through the same permission policy.
        Api pat = with(token);
        assertThat(pat.get("/me").json().path("username").asText()).isEqualTo(a.username());
        long project = Fixtures.project(a, "pat private", false);
        assertThat(pat.get("/projects/" + project).status()).isEqualTo(200);
        Api.Res group = pat.post("/groups/new", Map.of("name", "made with a token"));
        assertThat(group.status()).as(group.toString()).isEqualTo(201);
        // Uploads too (what the flowbio CLI does with a token), into the user's sample.
        Account asToken = new Account(a.id(), a.username(), a.email(), pat);
        long sample = Fixtures.sample(asToken, project, "uploaded with a token");
        long data = Fixtures.data(asToken, sample);
        assertThat(a.api().get("/data/" + data).status()).isEqualTo(200);
        Account stranger = Users.signUp(server, "patstranger");
        String strangerToken = create(stranger, "theirs", null).path("token").asText();
        assertStatus(with(strangerToken).get("/projects/" + project), 404, "NOT_FOUND");

        Api.Res list = a.api().get("/settings/tokens");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().path("count").asLong()).isEqualTo(1);
        JsonNode listed = list.json().path("tokens").get(0);
        assertThat(listed.path("id").asLong()).isEqualTo(id);
        assertThat(listed.path("prefix").asText()).isEqualTo(token.substring(0, 13));
        assertThat(listed.path("last_used").isNull()).as("used just now").isFalse();
        assertThat(listed.has("token")).isFalse();
        assertThat(list.text()).doesNotContain(token.substring(13));
    }

    @Test
    void listingsArePagedNewestFirst() {
        Account a = Users.signUp(server, "patpages");
        for (String name : List.of("one", "two", "three")) create(a, name, null);
        Api.Res page = a.api().get("/settings/tokens?limit=2&offset=1");
        assertThat(page.json().path("count").asLong()).isEqualTo(3);
        assertThat(page.json().path("tokens").findValuesAsText("name")).containsExactly("two", "one");
        assertInvalid(a.api().get("/settings/tokens?limit=101"), "limit");
    }

    @Test
    void aRevokedTokenIsRefusedAtOnceAndRevokingAgainChangesNothing() {
        Account a = Users.signUp(server, "patrevoke");
        JsonNode kept = create(a, "kept", null);
        JsonNode revoked = create(a, "revoked", null);
        String token = revoked.path("token").asText();
        assertThat(with(token).get("/me").status()).isEqualTo(200);

        Api.Res r = a.api().post("/settings/tokens/" + revoked.path("id").asLong() + "/revoke");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        String revokedAt = r.json().path("revoked_at").asText();
        assertThat(revokedAt).isNotEmpty();
        Api.Res refused = with(token).get("/me");
        assertStatus(refused, 401, "UNAUTHORIZED");
        assertThat(refused.json().at("/error/message").asText()).contains("personal API token");
        assertThat(a.api().post("/settings/tokens/" + revoked.path("id").asLong() + "/revoke").json().path("revoked_at").asText()).isEqualTo(revokedAt);
        // The other token, and the session, go on.
        assertThat(with(kept.path("token").asText()).get("/me").status()).isEqualTo(200);
        assertThat(a.api().get("/me").status()).isEqualTo(200);
    }

    @Test
    void anExpiredTokenIsRefused() {
        Account a = Users.signUp(server, "patexpiry");
        JsonNode made = create(a, "a week", 7);
        Instant expires = Instant.parse(made.path("expires_at").asText());
        assertThat(Duration.between(Instant.now().plus(Duration.ofDays(7)), expires).abs()).isLessThan(Duration.ofMinutes(1));
        String token = made.path("token").asText();
        assertThat(with(token).get("/me").status()).isEqualTo(200);
        server.sql("UPDATE personal_tokens SET expires_at = now() - interval '1 second' WHERE id = " + made.path("id").asLong());
        assertStatus(with(token).get("/me"), 401, "UNAUTHORIZED");
        // Still listed, with its end.
        assertThat(a.api().get("/settings/tokens").json().path("tokens").get(0).path("expires_at").asText()).isNotEmpty();
    }

    @Test
    void aTokenDiesWithItsUserButNotWithAPasswordChange() {
        Account a = Users.signUp(server, "patpassword");
        String token = create(a, "survives", null).path("token").asText();
        Api.Res changed = a.api().post("/settings/password", Map.of("current_password", Users.PASSWORD, "new_password", "another-good-password-2"));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(with(token).get("/me").status()).isEqualTo(200);

        Account gone = Users.signUp(server, "patdeleted");
        String orphan = create(gone, "orphan", null).path("token").asText();
        assertThat(with(orphan).get("/me").status()).isEqualTo(200);
        server.sql("DELETE FROM users WHERE id = " + gone.id());
        assertStatus(with(orphan).get("/me"), 401, "UNAUTHORIZED");
        assertThat(server.queryLong("SELECT count(*) FROM personal_tokens WHERE user_id = " + gone.id())).isZero();
    }

    @Test
    void aTokenCannotManageTokensNorChangeThePasswordOrEmail() {
        Account a = Users.signUp(server, "patlimits");
        JsonNode made = create(a, "limited", null);
        Api pat = with(made.path("token").asText());
        assertStatus(pat.post("/settings/tokens", Map.of("name", "successor")), 403, "FORBIDDEN");
        assertStatus(pat.get("/settings/tokens"), 403, "FORBIDDEN");
        assertStatus(pat.post("/settings/tokens/" + made.path("id").asLong() + "/revoke"), 403, "FORBIDDEN");
        Api.Res password = pat.post("/settings/password", Map.of("current_password", Users.PASSWORD, "new_password", "stolen-password-123"));
        assertStatus(password, 403, "FORBIDDEN");
        assertThat(password.json().at("/error/message").asText()).contains("personal API token");
        Api.Res email = pat.post("/settings/user", Map.of("email", "thief@example.org", "current_password", Users.PASSWORD));
        assertStatus(email, 403, "FORBIDDEN");
        // Nothing changed: the password still signs in, the email is the old one, the token is not revoked.
        assertThat(server.client().post("/login", Map.of("username", a.username(), "password", Users.PASSWORD)).status()).isEqualTo(200);
        assertThat(a.api().get("/me").json().path("email").asText()).isEqualTo(a.email());
        assertThat(a.api().get("/settings/tokens").json().path("tokens").get(0).path("revoked_at").isNull()).isTrue();
        // What is no change of email is allowed: names, and the email the account already has.
        Api.Res names = pat.post("/settings/user", Map.of("first_name", "Scripted", "email", a.email()));
        assertThat(names.status()).as(names.toString()).isEqualTo(200);
        assertThat(names.json().path("first_name").asText()).isEqualTo("Scripted");
    }

    @Test
    void anotherUsersTokenIsNotFoundAsOneThatDoesNotExist() {
        Account owner = Users.signUp(server, "patowner");
        Account stranger = Users.signUp(server, "patother");
        JsonNode made = create(owner, "mine", null);
        long id = made.path("id").asLong();
        Api.Res theirs = stranger.api().post("/settings/tokens/" + id + "/revoke");
        Api.Res none = stranger.api().post("/settings/tokens/999999999/revoke");
        assertStatus(theirs, 404, "NOT_FOUND");
        assertStatus(none, 404, "NOT_FOUND");
        assertThat(theirs.json().at("/error/message").asText()).isEqualTo("personal API token " + id + " not found");
        assertThat(none.json().at("/error/message").asText()).isEqualTo("personal API token 999999999 not found");
        assertStatus(stranger.api().post("/settings/tokens/abc/revoke"), 404, "NOT_FOUND");
        assertThat(stranger.api().get("/settings/tokens").json().path("count").asLong()).isZero();
        assertThat(with(made.path("token").asText()).get("/me").status()).isEqualTo(200);
    }

    @Test
    void anonymousCallersAndBadTokensAre401() {
        Api anonymous = server.client();
        assertStatus(anonymous.post("/settings/tokens", Map.of("name", "x")), 401, "UNAUTHORIZED");
        assertStatus(anonymous.get("/settings/tokens"), 401, "UNAUTHORIZED");
        assertStatus(anonymous.post("/settings/tokens/1/revoke"), 401, "UNAUTHORIZED");
        assertStatus(anonymous.get("/admin/users/admin/tokens"), 401, "UNAUTHORIZED");
        assertStatus(anonymous.post("/admin/tokens/1/revoke"), 401, "UNAUTHORIZED");
        String wellFormed = "flow_pat_" + "A".repeat(54);
        for (String bad : List.of(wellFormed, "flow_pat_", "flow_pat_short", wellFormed + "A", "flow_pat_" + "!".repeat(54))) {
            assertStatus(with(bad).get("/me"), 401, "UNAUTHORIZED");
        }
    }

    @Test
    void administratorsListAndRevokeAnyonesTokens() {
        Account admin = Users.admin(server);
        Account a = Users.signUp(server, "patadmin");
        Account other = Users.signUp(server, "patnotadmin");
        JsonNode first = create(a, "first", null);
        create(a, "second", 30);
        Api.Res list = admin.api().get("/admin/users/" + a.username() + "/tokens");
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.json().path("count").asLong()).isEqualTo(2);
        assertThat(list.json().path("tokens").findValuesAsText("name")).containsExactly("second", "first");
        assertThat(list.text()).doesNotContain(first.path("token").asText());

        Api.Res revoked = admin.api().post("/admin/tokens/" + first.path("id").asLong() + "/revoke");
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(revoked.json().path("revoked_at").asText()).isNotEmpty();
        assertStatus(with(first.path("token").asText()).get("/me"), 401, "UNAUTHORIZED");

        assertStatus(admin.api().get("/admin/users/no-such-user-" + a.id() + "/tokens"), 404, "NOT_FOUND");
        assertStatus(admin.api().post("/admin/tokens/999999999/revoke"), 404, "NOT_FOUND");
        // Not for other users, nor for an admin's own personal token (which otherwise works on admin routes).
        assertStatus(other.api().get("/admin/users/" + a.username() + "/tokens"), 403, "FORBIDDEN");
        assertStatus(other.api().post("/admin/tokens/" + first.path("id").asLong() + "/revoke"), 403, "FORBIDDEN");
        Api adminPat = with(create(admin, "admin script", 1).path("token").asText());
        assertStatus(adminPat.get("/admin/users/" + a.username() + "/tokens"), 403, "FORBIDDEN");
        assertStatus(adminPat.post("/admin/tokens/" + first.path("id").asLong() + "/revoke"), 403, "FORBIDDEN");
        Api.Res rights = adminPat.post("/admin/users/" + other.username(), Map.of("can_run_pipelines", true));
        assertThat(rights.status()).as(rights.toString()).isEqualTo(200);
    }

    @Test
    void badRequestsAre400NamingTheField() {
        Account a = Users.signUp(server, "patinput");
        assertInvalid(a.api().post("/settings/tokens", Map.of()), "name");
        assertInvalid(a.api().post("/settings/tokens", body("name", null)), "name");
        assertInvalid(a.api().post("/settings/tokens", Map.of("name", "")), "name");
        assertInvalid(a.api().post("/settings/tokens", Map.of("name", "   ")), "name");
        assertInvalid(a.api().post("/settings/tokens", Map.of("name", "n".repeat(101))), "name");
        assertInvalid(a.api().post("/settings/tokens", Map.of("name", 5)), "name");
        for (Object days : List.of(0, -1, 3651, "7", 1.5, 99999999999L)) {
            assertInvalid(a.api().post("/settings/tokens", Map.of("name", "n", "expires_in_days", days)), "expires_in_days");
        }
        assertStatus(a.api().post("/settings/tokens", "not json"), 400, "VALIDATION_ERROR");
        assertThat(a.api().get("/settings/tokens").json().path("count").asLong()).isZero();
        // The limits themselves are accepted.
        JsonNode longest = create(a, "n".repeat(100), 3650);
        assertThat(Instant.parse(longest.path("expires_at").asText())).isAfter(Instant.now().plus(Duration.ofDays(3649)));
        assertThat(create(a, "  trimmed  ", 1).path("name").asText()).isEqualTo("trimmed");
    }

    @Test
    void parallelCreatesCannotPassTheLimitOfLiveTokens() throws Exception {
        Account a = Users.signUp(server, "patlimit");
        // Revoked and expired tokens do not count.
        create(a, "expired", 1);
        server.sql("UPDATE personal_tokens SET expires_at = now() - interval '1 second' WHERE user_id = " + a.id());
        long revoked = create(a, "revoked", null).path("id").asLong();
        a.api().post("/settings/tokens/" + revoked + "/revoke");

        List<Callable<Api.Res>> calls = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            String name = "parallel " + i;
            calls.add(() -> a.api().post("/settings/tokens", Map.of("name", name)));
        }
        List<Api.Res> answers = Parallel.run(calls);
        assertThat(answers).filteredOn(r -> r.status() == 201).hasSize(PersonalTokens.MAX_LIVE);
        List<Api.Res> refused = answers.stream().filter(r -> r.status() != 201).toList();
        assertThat(refused).hasSize(70 - PersonalTokens.MAX_LIVE).allSatisfy(r -> {
            assertStatus(r, 409, "CONFLICT");
            assertThat(r.json().at("/error/details/limit").asInt()).isEqualTo(PersonalTokens.MAX_LIVE);
        });
        assertThat(server.queryLong("SELECT count(*) FROM personal_tokens WHERE revoked_at IS NULL AND expires_at IS NULL AND user_id = " + a.id()))
                .isEqualTo(PersonalTokens.MAX_LIVE);

        // Revoking one makes room for exactly one more.
        long any = answers.stream().filter(r -> r.status() == 201).findFirst().orElseThrow().json().path("id").asLong();
        assertThat(a.api().post("/settings/tokens/" + any + "/revoke").status()).isEqualTo(200);
        assertThat(a.api().post("/settings/tokens", Map.of("name", "one more")).status()).isEqualTo(201);
        assertStatus(a.api().post("/settings/tokens", Map.of("name", "too many")), 409, "CONFLICT");
    }

    /** The row version of a token (its xmin: a new one at every write of the row), and its last_used in microseconds (0: null). */
    private List<Long> rowState(long id) {
        return List.of(server.queryLong("SELECT xmin::text::bigint FROM personal_tokens WHERE id = " + id),
                server.queryLong("SELECT coalesce((extract(epoch FROM last_used) * 1000000)::bigint, 0) FROM personal_tokens WHERE id = " + id));
    }

    @Test
    void lastUsedIsWrittenAtMostOnceAMinute() {
        Account a = Users.signUp(server, "patlastused");
        JsonNode made = create(a, "busy script", null);
        long id = made.path("id").asLong();
        Api pat = with(made.path("token").asText());
        List<Long> unused = rowState(id);
        assertThat(unused.get(1)).as("never used").isZero();

        assertThat(pat.get("/me").status()).isEqualTo(200);
        List<Long> used = rowState(id);
        assertThat(used.get(1)).as("last_used set by the first use").isNotZero();
        assertThat(used.get(0)).isNotEqualTo(unused.get(0));
        for (int i = 0; i < 5; i++) assertThat(pat.get("/me").status()).isEqualTo(200);
        assertThat(rowState(id)).as("no write for the uses within the minute").isEqualTo(used);

        // A minute later, the next use writes again.
        server.sql("UPDATE personal_tokens SET last_used = last_used - interval '61 seconds' WHERE id = " + id);
        List<Long> aged = rowState(id);
        assertThat(pat.get("/me").status()).isEqualTo(200);
        List<Long> again = rowState(id);
        assertThat(again.get(1)).isGreaterThan(aged.get(1));
        Instant listed = Instant.parse(a.api().get("/settings/tokens").json().path("tokens").get(0).path("last_used").asText());
        assertThat(listed.getEpochSecond()).isEqualTo(again.get(1) / 1_000_000);
    }
}
