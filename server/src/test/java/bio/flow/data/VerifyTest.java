package bio.flow.data;

import static bio.flow.testing.Answers.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.storage.StorageKey;
import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TempDirs;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** POST and GET /admin/storage/verify: what a verification finds, the marks it leaves, and /health's summary. */
class VerifyTest {

    @Test
    void findsMissingCorruptAndOrphanedFilesMarksThemAndClearsTheMarksOnceRestored() throws Exception {
        try (TestServer server = TestServer.start(Map.of("FLOW_VERIFY_MAX_MB_PER_SECOND", "0"))) {
            Account alice = Users.signUp(server, "alice");
            Account admin = Users.admin(server);
            byte[] goodBytes = "@r1\nACGT\n+\nIIII\n".getBytes(StandardCharsets.UTF_8);
            byte[] flippedBytes = "@r2\nACGTT\n+\nIIIII\n".getBytes(StandardCharsets.UTF_8);
            byte[] truncatedBytes = "@r3\nACGTTT\n+\nIIIIII\n".getBytes(StandardCharsets.UTF_8);
            byte[] deletedBytes = "@r4\nACGTTTT\n+\nIIIIIII\n".getBytes(StandardCharsets.UTF_8);
            long good = Fixtures.upload(alice, "good.fastq", goodBytes, Map.of());
            long flipped = Fixtures.upload(alice, "flipped.fastq", flippedBytes, Map.of());
            long truncated = Fixtures.upload(alice, "truncated.fastq", truncatedBytes, Map.of());
            long deleted = Fixtures.upload(alice, "deleted.fastq", deletedBytes, Map.of());
            assertThat(alice.api().get("/data/" + good).json().path("integrity").toString())
                    .isEqualTo("{\"status\":\"ok\",\"reason\":null,\"marked\":null,\"verified\":null}");
            JsonNode before = server.client().get("/health").json().at("/services/integrity");
            assertThat(before.path("status").asText()).isEqualTo("healthy");
            assertThat(before.path("last_verification").isNull()).isTrue();
            assertStatus(admin.api().get("/admin/storage/verify"), 404, "NOT_FOUND");

            byte[] flip = flippedBytes.clone();
            flip[5] ^= 0x01;
            Files.write(stored(server, flipped), flip);
            Files.write(stored(server, truncated), java.util.Arrays.copyOf(truncatedBytes, 7));
            Files.delete(stored(server, deleted));
            Path orphan = stored(server, 987_654_321L);
            Files.createDirectories(orphan.getParent());
            Files.write(orphan, new byte[12]);

            Api.Res started = admin.api().post("/admin/storage/verify");
            assertThat(started.status()).isEqualTo(202);
            assertThat(started.json().path("source").asText()).isEqualTo("api");
            assertThat(started.json().at("/requested_by/username").asText()).isEqualTo(TestServer.ADMIN_USERNAME);
            JsonNode run = awaitEnd(admin);
            assertThat(run.path("id").asLong()).isEqualTo(started.json().path("id").asLong());
            assertThat(run.path("status").asText()).isEqualTo("finished");
            assertThat(run.path("total").asInt()).isEqualTo(4);
            assertThat(run.path("checked").asInt()).isEqualTo(4);
            assertThat(run.path("duration_ms").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(Fixtures.ids(run.path("missing"))).containsExactly(deleted);
            assertThat(Fixtures.ids(run.path("corrupt"))).containsExactly(flipped, truncated);
            assertThat(run.path("corrupt").get(0).path("reason").asText()).contains("md5");
            assertThat(run.path("corrupt").get(1).path("reason").asText()).contains("7 bytes where the record says " + truncatedBytes.length);
            assertThat(run.path("orphaned").toString()).isEqualTo("[{\"key\":\"data/987654321\",\"size\":12}]");

            // the marks, on the record and where its bytes would be served
            JsonNode goodMark = alice.api().get("/data/" + good).json().path("integrity");
            assertThat(goodMark.path("status").asText()).isEqualTo("ok");
            assertThat(goodMark.path("verified").isNull()).isFalse();
            JsonNode corrupt = alice.api().get("/data/" + flipped).json().path("integrity");
            assertThat(corrupt.path("status").asText()).isEqualTo("corrupt");
            assertThat(corrupt.path("reason").asText()).contains("md5");
            assertThat(corrupt.path("marked").isNull()).isFalse();
            assertThat(alice.api().get("/data/" + deleted).json().at("/integrity/status").asText()).isEqualTo("missing");
            for (String query : List.of("", "?download=true")) {
                Api.Res r = alice.api().get("/data/" + flipped + "/contents" + query);
                assertStatus(r, 409, "CONFLICT");
                assertThat(r.json().at("/error/details/integrity").asText()).isEqualTo("corrupt");
                assertThat(r.json().at("/error/details/reason").asText()).isEqualTo(corrupt.path("reason").asText());
                assertThat(alice.api().get("/data/" + deleted + "/contents" + query).json().at("/error/details/integrity").asText()).isEqualTo("missing");
            }
            // the same one check refuses the marked bytes to downloads and bulk archives (a flipped byte keeps the size)
            Api.Res download = alice.api().get("/downloads/" + flipped + "/flipped.txt");
            assertStatus(download, 409, "CONFLICT");
            assertThat(download.json().at("/error/details/integrity").asText()).isEqualTo("corrupt");
            Api.Res archive = alice.api().post("/downloads", Map.of("data", List.of(flipped)));
            assertStatus(archive, 409, "CONFLICT");
            assertThat(archive.json().at("/error/details/integrity").asText()).isEqualTo("corrupt");
            assertThat(alice.api().get("/data/" + good + "/contents").text()).isEqualTo(new String(goodBytes, StandardCharsets.UTF_8));

            // /health, for anyone: counts, no ids or keys
            Api.Res health = server.client().get("/health");
            assertThat(health.json().path("status").asText()).isEqualTo("degraded");
            JsonNode summary = health.json().at("/services/integrity");
            assertThat(summary.path("status").asText()).isEqualTo("degraded");
            JsonNode last = summary.path("last_verification");
            assertThat(List.of(last.path("checked").asInt(), last.path("missing").asInt(), last.path("corrupt").asInt(), last.path("orphaned").asInt()))
                    .containsExactly(4, 1, 2, 1);
            assertThat(health.text()).doesNotContain("987654321").doesNotContain("\"" + flipped + "\"").doesNotContain("reason");

            // restored from a backup, the orphan removed: the next verification clears the marks
            Files.write(stored(server, flipped), flippedBytes);
            Files.write(stored(server, truncated), truncatedBytes);
            Files.write(stored(server, deleted), deletedBytes);
            Files.delete(orphan);
            assertThat(admin.api().post("/admin/storage/verify").status()).isEqualTo(202);
            JsonNode again = awaitEnd(admin);
            assertThat(again.path("id").asLong()).isGreaterThan(run.path("id").asLong());
            assertThat(List.of(again.path("missing").size(), again.path("corrupt").size(), again.path("orphaned").size())).containsExactly(0, 0, 0);
            for (long id : List.of(flipped, truncated, deleted)) {
                assertThat(alice.api().get("/data/" + id).json().at("/integrity/status").asText()).isEqualTo("ok");
                assertThat(alice.api().get("/data/" + id + "/contents?download=true").status()).isEqualTo(200);
            }
            assertThat(alice.api().get("/data/" + flipped + "/contents?download=true").body()).isEqualTo(flippedBytes);
            assertThat(server.client().get("/health").json().path("status").asText()).isEqualTo("healthy");
        }
    }

    /** One run at a time: asking again while one runs answers that one; the rate limit holds; a stop interrupts it. */
    @Test
    void oneRunAtATimeThrottledAndInterruptedByAStop() throws Exception {
        Path dir = Files.createTempDirectory("flow-verify-");
        try {
            long first;
            try (TestServer server = TestServer.start(dir, Map.of("FLOW_VERIFY_MAX_MB_PER_SECOND", "1"))) {
                Account alice = Users.signUp(server, "alice");
                Account admin = Users.admin(server);
                byte[] blob = new byte[3 << 20];
                new Random(7).nextBytes(blob);
                Fixtures.upload(alice, "blob.bin", blob, Map.of());

                Api.Res a = admin.api().post("/admin/storage/verify");
                Api.Res b = admin.api().post("/admin/storage/verify");
                assertThat(a.status()).isEqualTo(202);
                assertThat(b.status()).isEqualTo(202);
                assertThat(b.json().path("id").asLong()).isEqualTo(a.json().path("id").asLong());
                assertThat(b.json().path("status").asText()).isEqualTo("running");
                JsonNode run = awaitEnd(admin);
                assertThat(run.path("status").asText()).isEqualTo("finished");
                assertThat(run.path("checked_bytes").asLong()).isEqualTo(blob.length);
                assertThat(run.path("max_mb_per_second").asInt()).isEqualTo(1);
                assertThat(run.path("duration_ms").asLong()).as("3 MiB at 1 MiB/s").isGreaterThanOrEqualTo(3000);

                first = admin.api().post("/admin/storage/verify").json().path("id").asLong();
                assertThat(first).isGreaterThan(a.json().path("id").asLong());
            } // stopped while the second run reads
            try (TestServer server = TestServer.start(dir, Map.of())) {
                JsonNode run = Users.admin(server).api().get("/admin/storage/verify").json();
                assertThat(run.path("id").asLong()).isEqualTo(first);
                assertThat(run.path("status").asText()).isEqualTo("interrupted");
                assertThat(run.path("finished").isNull()).isFalse();
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    @Test
    void onlyAdministratorsMayVerify() {
        TestServer server = TestServer.shared();
        Account alice = Users.signUp(server, "alice");
        assertStatus(alice.api().post("/admin/storage/verify"), 403, "FORBIDDEN");
        assertStatus(alice.api().get("/admin/storage/verify"), 403, "FORBIDDEN");
        assertStatus(server.client().post("/admin/storage/verify"), 401, "UNAUTHORIZED");
        assertStatus(server.client().get("/admin/storage/verify"), 401, "UNAUTHORIZED");
    }

    @Test
    void theThrottleWaitsForWhatWasReadBeyondTheRate() {
        long mib = 1 << 20;
        assertThat(Verifier.Throttle.pause(mib, 0, mib)).isEqualTo(1_000_000_000L);
        assertThat(Verifier.Throttle.pause(mib, 400_000_000L, mib)).isEqualTo(600_000_000L);
        assertThat(Verifier.Throttle.pause(mib, 2_000_000_000L, mib)).isZero();
        assertThat(Verifier.Throttle.pause(50L << 40, 0, 200 * mib)).isEqualTo(262_144_000_000_000L); // 50 TiB at 200 MiB/s: 262144 s, no overflow
    }

    /** Where the bytes of a data record are on disk (see LocalStorage). */
    static Path stored(TestServer server, long id) {
        StorageKey k = StorageKey.of("data", id);
        return server.dataDir().resolve("files/data").resolve(k.shard()).resolve(k.id());
    }

    /** The run, once it has ended. */
    static JsonNode awaitEnd(Account admin) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            JsonNode run = admin.api().get("/admin/storage/verify").json();
            if (!run.path("status").asText().equals("running")) return run;
            Thread.sleep(50);
        }
        throw new AssertionError("the verification did not end within 30 s");
    }
}
