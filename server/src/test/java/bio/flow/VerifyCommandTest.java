package bio.flow;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.config.Config;
import bio.flow.storage.StorageKey;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TempDirs;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code flow verify} ({@link Main#verify}): its report and exit status, and that it keeps off a running server's data. */
class VerifyCommandTest {

    /** What one {@code flow verify} printed and answered. */
    private record Outcome(int status, String out, String err) {}

    private static Outcome verify(Path dataDir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Config config = Config.fromMap(Map.of("FLOW_DATA_DIR", dataDir.toString(), "FLOW_VERIFY_MAX_MB_PER_SECOND", "0"));
        int status = Main.verify(config, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void reportsAndExitsNonZeroOnMissingOrCorruptFilesAndRefusesARunningServersDataDirectory() throws Exception {
        Path dir = Files.createTempDirectory("flow-verify-cli-");
        try {
            long good;
            long bad;
            byte[] badBytes = "@r2\nACGTT\n+\nIIIII\n".getBytes(StandardCharsets.UTF_8);
            try (TestServer server = TestServer.start(dir, Map.of())) {
                Account alice = Users.signUp(server, "alice");
                good = Fixtures.data(alice, null);
                bad = Fixtures.upload(alice, "bad.fastq", badBytes, Map.of());

                Outcome refused = verify(dir);
                assertThat(refused.status()).isEqualTo(Main.CANNOT_VERIFY);
                assertThat(refused.err()).contains("a Flow server is running on data directory").contains("POST /admin/storage/verify");
            }

            Outcome clean = verify(dir);
            assertThat(clean.status()).as(clean.toString()).isEqualTo(Main.VERIFIED);
            assertThat(clean.out()).contains("finished").contains("2 of 2 files checked").contains("0 missing, 0 corrupt, 0 orphaned");

            Path stored = dir.resolve("files/data").resolve(StorageKey.of("data", bad).shard()).resolve(Long.toString(bad));
            byte[] flipped = badBytes.clone();
            flipped[6] ^= 0x20;
            Files.write(stored, flipped);
            Outcome corrupt = verify(dir);
            assertThat(corrupt.status()).as(corrupt.toString()).isEqualTo(Main.MISSING_OR_CORRUPT);
            assertThat(corrupt.out()).contains("corrupt   data " + bad + ": the stored file's md5 is").contains("0 missing, 1 corrupt, 0 orphaned");

            Files.delete(stored);
            Outcome missing = verify(dir);
            assertThat(missing.status()).isEqualTo(Main.MISSING_OR_CORRUPT);
            assertThat(missing.out()).contains("missing   data " + bad + ": the stored file is missing");

            // what the command found is on the records and in /health when the server is back
            try (TestServer server = TestServer.start(dir, Map.of())) {
                Account admin = Users.admin(server);
                assertThat(admin.api().get("/data/" + bad).json().at("/integrity/status").asText()).isEqualTo("missing");
                assertThat(admin.api().get("/data/" + good).json().at("/integrity/status").asText()).isEqualTo("ok");
                JsonNode run = admin.api().get("/admin/storage/verify").json();
                assertThat(run.path("source").asText()).isEqualTo("cli");
                assertThat(run.path("requested_by").isNull()).isTrue();
                assertThat(server.client().get("/health").json().at("/services/integrity/last_verification/missing").asInt()).isEqualTo(1);
            }

            Files.write(stored, badBytes);
            assertThat(verify(dir).status()).isEqualTo(Main.VERIFIED);
        } finally {
            TempDirs.delete(dir);
        }
    }

    @Test
    void aDataDirectoryThatDoesNotExistIsNotMadeUp() {
        Path nowhere = Path.of(System.getProperty("java.io.tmpdir"), "flow-no-such-dir-" + System.nanoTime());
        Outcome o = verify(nowhere);
        assertThat(o.status()).isEqualTo(Main.CANNOT_VERIFY);
        assertThat(o.err()).contains("there is no data directory at " + nowhere);
        assertThat(Files.exists(nowhere)).isFalse();
    }
}
