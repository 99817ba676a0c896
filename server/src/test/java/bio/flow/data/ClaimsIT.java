package bio.flow.data;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.DripSource;
import bio.flow.testing.Fixtures;
import bio.flow.testing.FlowProcess;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claims of a server killed with SIGKILL: two {@code ./flow serve} processes on one host, one database (the first's
 * embedded PostgreSQL, over TCP) and one storage directory; the server left takes its import over and starts it again, and marks its storage
 * verification interrupted, once it sees that no process has the killed server's pid, well before the lease (30 s)
 * would have lapsed. Runs after packaging (failsafe).
 */
class ClaimsIT {
    private static final int LEASE_SECONDS = 30;

    @Test
    void theWorkOfAKilledServerIsTakenOverWithoutWaitingForTheLease(@TempDir Path dir) throws Exception {
        int dbPort = FlowProcess.freePort();
        Map<String, String> common = Map.of("FLOW_WORKERS", "0", "FLOW_WORKER_LEASE_SECONDS", Integer.toString(LEASE_SECONDS),
                "FLOW_JWT_SECRET", TestServer.JWT_SECRET, "FLOW_STORAGE_DIR", dir.resolve("storage").toString(),
                "FLOW_VERIFY_MAX_MB_PER_SECOND", "1");
        Map<String, String> first = new HashMap<>(common);
        first.putAll(Map.of("FLOW_EMBEDDED_DB_PORT", Integer.toString(dbPort), "FLOW_ADMIN_USERNAME", TestServer.ADMIN_USERNAME,
                "FLOW_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD, "FLOW_ADMIN_EMAIL", "admin@flow.test"));
        FlowProcess one = FlowProcess.launch(dir.resolve("one"), first, "022");
        FlowProcess killed = null;
        try (DripSource source = new DripSource()) {
            one.awaitPong();
            String password = Files.readString(dir.resolve("one/db-password")).strip();
            Jdbi db = Jdbi.create("jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres", "postgres", password);
            Map<String, String> second = new HashMap<>(common);
            second.putAll(Map.of("FLOW_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres", "FLOW_DATABASE_PASSWORD", password));
            killed = FlowProcess.launch(dir.resolve("killed"), second, "022");
            killed.awaitPong();

            Api.Res signup = one.client().post("/signup", Map.of("username", "killed", "email", "killed@example.org", "password", Users.PASSWORD));
            assertThat(signup.status()).as(signup.toString()).isEqualTo(201);
            String token = signup.json().path("access_token").asText();
            Account alice = new Account(signup.json().at("/user/id").asLong(), "killed", "killed@example.org", one.client().as(token));
            byte[] blob = new byte[8 << 20]; // 8 s to verify at 1 MiB/s
            new Random(3).nextBytes(blob);
            Fixtures.upload(alice, "blob.bin", blob, Map.of());
            Api.Res started = killed.client().as(token).post("/data/import", Map.of("source", "url", "path", source.url()));
            assertThat(started.status()).as(started.toString()).isEqualTo(202);
            long id = started.json().path("id").asLong();
            Api.Res verification = killed.client().as(adminToken(killed)).post("/admin/storage/verify");
            assertThat(verification.status()).as(verification.toString()).isEqualTo(202);
            long run = verification.json().path("id").asLong();
            awaitTrue(() -> count(db, "SELECT count(*) FROM data_imports WHERE data_id = " + id + " AND bytes > 0") == 1, 30);
            assertThat(count(db, "SELECT count(*) FROM storage_verifications WHERE id = " + run + " AND status = 'running'")).isEqualTo(1);

            killed.process().destroyForcibly(); // SIGKILL: the server says nothing to anyone
            assertThat(killed.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
            long killedAt = System.nanoTime();

            awaitTrue(() -> source.requests() == 2, 20);
            awaitTrue(() -> count(db, "SELECT count(*) FROM storage_verifications WHERE id = " + run + " AND status = 'interrupted'") == 1, 20);
            assertThat(System.nanoTime() - killedAt).as("taken over before the lease could lapse").isLessThan(TimeUnit.SECONDS.toNanos(20));
            JsonNode interrupted = one.client().as(adminToken(one)).get("/admin/storage/verify").json();
            assertThat(interrupted.path("id").asLong()).isEqualTo(run);
            assertThat(interrupted.path("status").asText()).isEqualTo("interrupted");

            awaitTrue(() -> !alice.api().get("/data/" + id).json().path("status").asText().equals("importing"), 60);
            JsonNode done = alice.api().get("/data/" + id).json();
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("ready");
            assertThat(done.path("md5").asText()).isEqualTo(source.md5());
            assertThat(alice.api().get("/data/" + id + "/contents?download=true").body()).isEqualTo(source.bytes());
            assertThat(source.requests()).isEqualTo(2);
            assertThat(count(db, "SELECT count(*) FROM activity WHERE object_kind = 'data' AND object_id = " + id
                    + " AND action = 'data_uploaded'")).as("made ready once").isEqualTo(1);
        } finally {
            if (killed != null) killed.process().destroyForcibly();
            one.stop();
        }
    }

    private static String adminToken(FlowProcess server) {
        Api.Res login = server.client().post("/login", Map.of("username", TestServer.ADMIN_USERNAME, "password", TestServer.ADMIN_PASSWORD));
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        return login.json().path("access_token").asText();
    }

    private static long count(Jdbi db, String query) {
        return db.withHandle(h -> h.createQuery(query).mapTo(Long.class).one());
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
