package bio.flow.auth;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Outbox;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PasswordResetTest {
    private final TestServer server = TestServer.shared();

    /** Waits for the reset mail to the address in the outbox folder and returns its token. */
    private String tokenMailedTo(String email) throws Exception {
        return tokensMailedTo(email, 1).get(0);
    }

    private List<String> tokensMailedTo(String email, int count) throws Exception {
        return Outbox.resetTokens(server, email, count);
    }

    @Test
    void resetByMailedTokenChangesPasswordOnceAndEndsSessions() throws Exception {
        Users.Account a = Users.signUp(server, "reset");
        assertThat(a.api().get("/token").status()).isEqualTo(200);

        Api.Res req = server.client().post("/password-reset/request", Map.of("email", a.email()));
        assertThat(req.status()).isEqualTo(200);
        String token = tokenMailedTo(a.email());

        Api.Res reset = server.client().post("/password-reset", Map.of("token", token, "password", "reset-password-99"));
        assertThat(reset.status()).isEqualTo(200);
        assertThat(reset.json().path("success").asBoolean()).isTrue();

        assertThat(server.client().post("/login", Map.of("username", a.username(), "password", Users.PASSWORD)).status()).isEqualTo(401);
        assertThat(server.client().post("/login", Map.of("username", a.username(), "password", "reset-password-99")).status()).isEqualTo(200);
        assertThat(a.api().get("/token").status()).as("old refresh token revoked").isEqualTo(401);

        Api.Res again = server.client().post("/password-reset", Map.of("token", token, "password", "another-password-1"));
        assertThat(again.status()).as("single use").isEqualTo(400);
        assertThat(again.json().path("error").path("details").path("field").asText()).isEqualTo("token");
    }

    @Test
    void aResetSpendsEveryOtherOutstandingToken() throws Exception {
        Users.Account a = Users.signUp(server, "resettwo");
        server.client().post("/password-reset/request", Map.of("email", a.email()));
        server.client().post("/password-reset/request", Map.of("email", a.email()));
        List<String> tokens = tokensMailedTo(a.email(), 2);
        assertThat(server.client().post("/password-reset", Map.of("token", tokens.get(0), "password", "reset-password-99")).status()).isEqualTo(200);
        Api.Res other = server.client().post("/password-reset", Map.of("token", tokens.get(1), "password", "another-password-1"));
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.json().path("error").path("details").path("field").asText()).isEqualTo("token");
        assertThat(server.client().post("/login", Map.of("username", a.username(), "password", "reset-password-99")).status()).isEqualTo(200);
    }

    @Test
    void aPasswordChangeSpendsOutstandingResetTokens() throws Exception {
        Users.Account a = Users.signUp(server, "resetchg");
        server.client().post("/password-reset/request", Map.of("email", a.email()));
        String token = tokenMailedTo(a.email());
        assertThat(a.api().post("/settings/password", Map.of("current_password", Users.PASSWORD, "new_password", "changed-password-1")).status()).isEqualTo(200);
        assertThat(server.client().post("/password-reset", Map.of("token", token, "password", "reset-password-99")).status()).isEqualTo(400);
        assertThat(server.client().post("/login", Map.of("username", a.username(), "password", "changed-password-1")).status()).isEqualTo(200);
    }

    @Test
    void aResetEndsTheBackOffOfTheAccount() throws Exception {
        Users.Account a = Users.signUp(server, "resetlocked");
        for (int i = 0; i < 5; i++) {
            assertThat(server.client().post("/login", Map.of("username", a.username(), "password", "wrong-password")).status()).isEqualTo(401);
        }
        assertThat(server.client().post("/login", Map.of("username", a.username(), "password", Users.PASSWORD)).status()).isEqualTo(429);
        server.client().post("/password-reset/request", Map.of("email", a.email()));
        String token = tokenMailedTo(a.email());
        assertThat(server.client().post("/password-reset", Map.of("token", token, "password", "reset-password-99")).status()).isEqualTo(200);
        assertThat(server.client().post("/login", Map.of("username", a.username(), "password", "reset-password-99")).status())
                .as("at once after the reset").isEqualTo(200);
    }

    @Test
    void unknownEmailAnswersTheSameAndSendsNothing() throws Exception {
        Users.Account a = Users.signUp(server, "resetknown");
        Api.Res known = server.client().post("/password-reset/request", Map.of("email", a.email()));
        String nobody = Users.uniqueName("nobody") + "@example.org";
        Api.Res unknown = server.client().post("/password-reset/request", Map.of("email", nobody));
        assertThat(unknown.status()).isEqualTo(known.status()).isEqualTo(200);
        assertThat(unknown.json()).isEqualTo(known.json());
        tokenMailedTo(a.email());
        assertThat(Outbox.mailsTo(server, nobody)).isEmpty();
    }

    @Test
    void expiredTokenIsRefused() throws Exception {
        Users.Account a = Users.signUp(server, "resetexp");
        server.client().post("/password-reset/request", Map.of("email", a.email()));
        String token = tokenMailedTo(a.email());
        server.sql("UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE user_id = " + a.id());
        Api.Res r = server.client().post("/password-reset", Map.of("token", token, "password", "reset-password-99"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(server.client().post("/login", Map.of("username", a.username(), "password", Users.PASSWORD)).status()).isEqualTo(200);
    }

    @Test
    void resetRequestsForOneEmailAreThrottled() {
        String email = Users.uniqueName("flood") + "@example.org";
        for (int i = 0; i < 5; i++) {
            assertThat(server.client().post("/password-reset/request", Map.of("email", email)).status()).isEqualTo(200);
        }
        Api.Res r = server.client().post("/password-reset/request", Map.of("email", email));
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.header("Retry-After")).isNotNull();
    }

    @Test
    void badResetRequestsAre400() throws Exception {
        assertThat(server.client().post("/password-reset/request", Map.of()).status()).isEqualTo(400);
        assertThat(server.client().post("/password-reset", Map.of("token", "made-up", "password", "reset-password-99")).status()).isEqualTo(400);
        assertThat(server.client().post("/password-reset", Map.of("password", "reset-password-99")).status()).isEqualTo(400);
        // A weak password is refused and does not spend the token.
        Users.Account a = Users.signUp(server, "resetweak");
        server.client().post("/password-reset/request", Map.of("email", a.email()));
        String token = tokenMailedTo(a.email());
        Api.Res weak = server.client().post("/password-reset", Map.of("token", token, "password", "short"));
        assertThat(weak.status()).isEqualTo(400);
        assertThat(weak.json().path("error").path("details").path("field").asText()).isEqualTo("password");
        assertThat(server.client().post("/password-reset", Map.of("token", token, "password", "long-enough-pw-1")).status()).isEqualTo(200);
    }
}
