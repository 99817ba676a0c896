package bio.flow.data;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.DripSource;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two servers on one database and storage (V40, {@link bio.flow.db.Claims}): a server starting, and its renewals for
 * longer than a lease, leave alone the import and the storage verification that a live server runs. Both servers are in
 * this JVM (one pid): only the lease tells whether the other one lives, and it renews it.
 */
class SharedServersTest {
    private static final int LEASE_SECONDS = 6;
    private static TestServer one;
    private static Map<String, String> shared;

    @BeforeAll
    static void start() {
        one = TestServer.start(Map.of("FLOW_WORKERS", "0", "FLOW_WORKER_LEASE_SECONDS", Integer.toString(LEASE_SECONDS),
                "FLOW_VERIFY_MAX_MB_PER_SECOND", "1"));
        shared = new HashMap<>(one.sharedSettings());
        shared.put("FLOW_WORKERS", "0");
        shared.put("FLOW_WORKER_LEASE_SECONDS", Integer.toString(LEASE_SECONDS));
    }

    @AfterAll
    static void stop() {
        one.close();
    }

    @Test
    void aServerStartingWhileAnotherImportsLeavesTheImportToIt() throws Exception {
        try (DripSource source = new DripSource()) {
            Account alice = Users.signUp(one, "importer");
            Api.Res started = alice.api().post("/data/import", Map.of("source", "url", "path", source.url()));
            assertThat(started.status()).as(started.toString()).isEqualTo(202);
            long id = started.json().path("id").asLong();
            awaitTrue(() -> one.queryLong("SELECT bytes FROM data_imports WHERE data_id = " + id) > 0, 30);
            String holder = column(id, "claimed_by");
            String claimedUntil = column(id, "extract(epoch FROM claimed_until)");

            try (TestServer late = TestServer.start(shared)) {
                Thread.sleep((LEASE_SECONDS + 2) * 1000L); // both servers renew and look for lapsed claims meanwhile
                assertThat(source.requests()).as("the import was not started again").isEqualTo(1);
                assertThat(column(id, "claimed_by")).as("still the first server's").isEqualTo(holder);
                assertThat(Double.parseDouble(column(id, "extract(epoch FROM claimed_until)"))).as("renewed by its server")
                        .isGreaterThan(Double.parseDouble(claimedUntil) + LEASE_SECONDS);
                assertThat(late.client().as(alice.token()).get("/data/" + id).json().path("status").asText()).isEqualTo("importing");

                source.release();
                awaitTrue(() -> !alice.api().get("/data/" + id).json().path("status").asText().equals("importing"), 60);
                JsonNode done = late.client().as(alice.token()).get("/data/" + id).json();
                assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("ready");
                assertThat(done.path("md5").asText()).isEqualTo(source.md5());
                assertThat(done.path("size").asLong()).isEqualTo(source.bytes().length);
                assertThat(late.client().as(alice.token()).get("/data/" + id + "/contents?download=true").body())
                        .isEqualTo(source.bytes());
            }
            assertThat(source.requests()).isEqualTo(1);
            assertThat(one.queryLong("SELECT count(*) FROM data_imports WHERE data_id = " + id)).isZero();
            assertThat(one.queryLong("SELECT count(*) FROM activity WHERE object_kind = 'data' AND object_id = " + id + " AND action = 'data_uploaded'"))
                    .as("made ready once").isEqualTo(1);
        }
    }

    @Test
    void aServerStartingWhileAnotherVerifiesLeavesTheVerificationRunning() throws Exception {
        Account alice = Users.signUp(one, "verified");
        Account admin = Users.admin(one);
        byte[] blob = new byte[12 << 20]; // 12 s at 1 MiB/s
        new Random(11).nextBytes(blob);
        Fixtures.upload(alice, "blob.bin", blob, Map.of());
        Api.Res started = admin.api().post("/admin/storage/verify");
        assertThat(started.status()).isEqualTo(202);
        long run = started.json().path("id").asLong();

        try (TestServer late = TestServer.start(shared)) {
            Api lateAdmin = Users.admin(late).api();
            Thread.sleep((LEASE_SECONDS + 1) * 1000L);
            JsonNode seen = lateAdmin.get("/admin/storage/verify").json();
            assertThat(seen.path("id").asLong()).isEqualTo(run);
            assertThat(seen.path("status").asText()).as(seen.toString()).isEqualTo("running");
            JsonNode end = VerifyTest.awaitEnd(Users.admin(late));
            assertThat(end.path("id").asLong()).isEqualTo(run);
            assertThat(end.path("status").asText()).as(end.toString()).isEqualTo("finished");
            assertThat(end.path("checked_bytes").asLong()).isGreaterThanOrEqualTo(blob.length);
        }
    }

    private static String column(long id, String column) {
        return one.jdbi().withHandle(h -> h.createQuery("SELECT (" + column + ")::text FROM data_imports WHERE data_id = :id")
                .bind("id", id).mapTo(String.class).one());
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
