package bio.flow.auth;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PasswordResetTest {
    private static final Pattern TOKEN = Pattern.compile("Your reset token is:\\s+([A-Za-z0-9_-]+)");
    private final TestServer server = TestServer.shared();

    /** Waits for the reset mail to the address in the outbox folder and returns its token. */
    private String tokenMailedTo(String email) throws Exception {
        Path outbox = server.dataDir().resolve("mail-outbox");
        for (int i = 0; i < 100; i++) {
            if (Files.isDirectory(outbox)) {
                try (Stream<Path> files = Files.list(outbox)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".eml")).toList()) {
                        String mail = Files.readString(f);
                        if (mail.startsWith("To: " + email + "\n")) {
                            Matcher m = TOKEN.matcher(mail);
                            assertThat(m.find()).isTrue();
                            return m.group(1);
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no reset mail to " + email);
    }

    private List<String> mailsTo(String email) throws IOException {
        Path outbox = server.dataDir().resolve("mail-outbox");
        if (!Files.isDirectory(outbox)) return List.of();
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(p -> p.toString().endsWith(".eml")).map(p -> {
                try { return Files.readString(p); } catch (IOException e) { throw new RuntimeException(e); }
            }).filter(m -> m.startsWith("To: " + email + "\n")).toList();
        }
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
        assertThat(mailsTo(nobody)).isEmpty();
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
