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

/** The bound on simultaneous password hashes, on a server that allows one at a time and hardly waits. */
class PasswordHashPoolTest {

    @Test
    void aFloodOfLoginsIsTurnedAwayWith503NotQueuedWithoutBound() throws Exception {
        try (TestServer server = TestServer.start(Map.of("FLOW_PASSWORD_HASH_CONCURRENCY", "1", "FLOW_PASSWORD_HASH_WAIT_MS", "1"))) {
            int threads = 30;
            List<Callable<Api.Res>> calls = new ArrayList<>();
            for (int i = 0; i < 2 * threads; i++) {
                Api client = server.client();
                // Unknown users, each once: no account or address limit applies; each costs a decoy hash.
                String username = Users.uniqueName("flood");
                calls.add(() -> client.post("/login", Map.of("username", username, "password", "wrong-password")));
            }
            Map<Integer, Integer> byStatus = new TreeMap<>();
            for (Api.Res r : Parallel.run(threads, calls)) {
                byStatus.merge(r.status(), 1, Integer::sum);
                if (r.status() == 503) {
                    assertThat(r.errorCode()).isEqualTo("SERVICE_UNAVAILABLE");
                    assertThat(r.header("Retry-After")).isEqualTo("1");
                }
            }
            assertThat(byStatus.keySet()).as("statuses: %s", byStatus).containsOnly(401, 503);
            assertThat(server.passwords().peakConcurrentHashes()).isEqualTo(1);
            // A login turned away unhashed counts as no failure, for the account or the address.
            assertThat(server.queryLong("SELECT count(*) FROM login_failures WHERE scope = 'account'")).isEqualTo(byStatus.get(401).longValue());
            assertThat(server.queryLong("SELECT count(*) FROM login_failures WHERE scope = 'address'")).isEqualTo(byStatus.get(401).longValue());
        }
    }

    /**
     * However long a request may wait, no more than the queue wait at once: the others are turned away at once,
     * instead of each holding a request thread of the server while it waits.
     */
    @Test
    void noMoreThanTheQueueWaitForAHash() throws Exception {
        try (TestServer server = TestServer.start(Map.of("FLOW_PASSWORD_HASH_CONCURRENCY", "1", "FLOW_PASSWORD_HASH_QUEUE", "2",
                "FLOW_PASSWORD_HASH_WAIT_MS", "60000"))) {
            List<Callable<Api.Res>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Api client = server.client();
                String username = Users.uniqueName("queue");
                calls.add(() -> client.post("/login", Map.of("username", username, "password", "wrong-password")));
            }
            Map<Integer, Integer> byStatus = new TreeMap<>();
            for (Api.Res r : Parallel.run(calls)) byStatus.merge(r.status(), 1, Integer::sum);
            // With a minute to wait, every one of the 20 (about a second of hashing) would get its 401 without the queue's bound.
            assertThat(byStatus.keySet()).as("statuses: %s", byStatus).containsOnly(401, 503);
            assertThat(byStatus.get(503)).as("statuses: %s", byStatus).isNotNull();
            assertThat(server.passwords().peakConcurrentHashes()).isEqualTo(1);
        }
    }
}
