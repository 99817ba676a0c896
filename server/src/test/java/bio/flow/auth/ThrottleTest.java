package bio.flow.auth;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Parallel;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Throttles under concurrency, and what a request costs before it is throttled; on the shared server. */
class ThrottleTest {
    private static final int MAX_FAILURES_PER_ACCOUNT = 5; // the default, which the shared server keeps
    private final TestServer server = TestServer.shared();

    @Test
    void aBurstOfParallelGuessesGetsNoMoreThroughThanTheLimit() throws Exception {
        Users.Account a = Users.signUp(server, "burst");
        int threads = 50;
        int guesses = 250;
        List<Api> clients = new ArrayList<>();
        for (int i = 0; i < threads; i++) clients.add(server.client());
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < guesses; i++) {
            Api client = clients.get(i % threads);
            calls.add(() -> client.post("/login", Map.of("username", a.username(), "password", "wrong-password")).status());
        }
        long started = System.nanoTime();
        Map<Integer, Integer> byStatus = new TreeMap<>();
        for (int status : Parallel.run(threads, calls)) byStatus.merge(status, 1, Integer::sum);
        double seconds = (System.nanoTime() - started) / 1e9;

        // Past the limit the back-off lets one more guess through 2 s after the latest failure, the next
        // 4 s after that, ...: only a burst that lasts that long may see them (this one takes about a second).
        int backedOff = 0;
        for (double due = 2; due <= seconds; due += Math.pow(2, backedOff + 1)) backedOff++;
        assertThat(byStatus.keySet()).as("statuses of %s guesses in %.1f s: %s", guesses, seconds, byStatus).containsOnly(401, 429);
        assertThat(byStatus.get(401)).as("guesses that were checked, in %.1f s", seconds)
                .isBetween(1, MAX_FAILURES_PER_ACCOUNT + backedOff);
        assertThat(server.queryLong("SELECT count(*) FROM login_failures WHERE scope = 'account' AND key = 'user:" + a.id() + "'"))
                .as("failures recorded").isEqualTo(byStatus.get(401).longValue());
        assertThat(server.client().post("/login", Map.of("username", a.username(), "password", Users.PASSWORD)).status())
                .as("the account is backed off, even for its password").isEqualTo(429);
    }

    @Test
    void aSignupWithATakenNameOrEmailCostsNoHash() {
        Users.Account a = Users.signUp(server, "taken");
        long hashes = server.passwords().hashesComputed();
        Api.Res name = server.client().post("/signup", Map.of("username", a.username().toUpperCase(),
                "email", Users.uniqueName("free") + "@example.org", "password", Users.PASSWORD));
        assertThat(name.status()).isEqualTo(409);
        assertThat(name.json().path("error").path("details").path("field").asText()).isEqualTo("username");
        Api.Res email = server.client().post("/signup", Map.of("username", Users.uniqueName("free"),
                "email", a.email().toUpperCase(), "password", Users.PASSWORD));
        assertThat(email.status()).isEqualTo(409);
        assertThat(email.json().path("error").path("details").path("field").asText()).isEqualTo("email");
        assertThat(server.passwords().hashesComputed()).as("hashes computed for the two sign-ups").isEqualTo(hashes);
    }

    /** A stolen access token must not buy unlimited password guesses through the settings that ask for the password. */
    @Test
    void wrongCurrentPasswordsCountAsFailedLoginsOfTheAccount() throws Exception {
        Users.Account a = Users.signUp(server, "stolen");
        List<Callable<Integer>> guesses = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String guess = "guess-number-" + i;
            guesses.add(i % 2 == 0
                    ? () -> a.api().post("/settings/password", Map.of("current_password", guess, "new_password", "new-password-123")).status()
                    : () -> a.api().post("/settings/user", Map.of("email", Users.uniqueName("x") + "@example.org", "current_password", guess)).status());
        }
        Map<Integer, Integer> byStatus = new TreeMap<>();
        for (int status : Parallel.run(10, guesses)) byStatus.merge(status, 1, Integer::sum);
        assertThat(byStatus.keySet()).as("statuses: %s", byStatus).containsOnly(400, 429);
        assertThat(byStatus.get(400)).as("guesses checked").isBetween(1, MAX_FAILURES_PER_ACCOUNT);
        // The account is backed off for logins too, and the right password is no way round it.
        assertThat(server.client().post("/login", Map.of("username", a.username(), "password", Users.PASSWORD)).status()).isEqualTo(429);
        assertThat(a.api().post("/settings/password", Map.of("current_password", Users.PASSWORD, "new_password", "new-password-123"))
                .status()).isEqualTo(429);
    }
}
