package bio.flow.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.storage.LocalStorage;
import bio.flow.storage.Storage;
import bio.flow.testing.Api;
import bio.flow.testing.Multipart;
import bio.flow.testing.TempDirs;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * An upload that meets a full disk: the server's {@code files/} is a 4 MiB tmpfs that the test mounts (needs
 * root, as in CI's container; skipped elsewhere). The answer is 507 and nothing of the upload is kept.
 */
class UploadDiskFullTest {
    private static final int MiB = 1 << 20;

    @Test
    void aFullDiskIs507AndKeepsNothingOfTheUpload() throws Exception {
        Path dataDir = Files.createTempDirectory("flow-upload-full-");
        Path files = Files.createDirectory(dataDir.resolve("files"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", files.toString())
                .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes());
        if (mount.waitFor() != 0) TempDirs.delete(dataDir);
        Assumptions.assumeTrue(mount.exitValue() == 0, "skipped: cannot mount a small tmpfs to fill up (needs root): " + output.strip());
        try (TestServer server = TestServer.start(dataDir, Map.of())) {
            Account owner = Users.signUp(server, "full");
            String id = UUID.randomUUID().toString();
            byte[] chunk = new byte[MiB];
            new Random(7).nextBytes(chunk);
            Api.Res r = null;
            for (int c = 0; c < 8; c++) {
                r = new Multipart().field("file_id", id).field("filename", "big.bin").field("chunk", c).field("total_chunks", 8)
                        .file("file", chunk).post(owner.api(), "/upload");
                if (r.status() != 200) break;
            }
            assertThat(r.status()).as(r.toString()).isEqualTo(507);
            assertThat(r.errorCode()).isEqualTo("INSUFFICIENT_STORAGE");
            assertThat(owner.api().get("/upload/" + id).status()).isEqualTo(404);
            Storage storage = new LocalStorage(files);
            try (Stream<Storage.Entry> uploads = storage.list("uploads")) {
                assertThat(uploads.toList()).isEmpty();
            }
            assertThat(server.queryLong("SELECT count(*) FROM uploads")).isZero();
            // The room is back: a small upload works.
            Api.Res small = new Multipart().field("file_id", UUID.randomUUID()).field("filename", "a.txt").field("chunk", 0)
                    .field("total_chunks", 1).file("file", "hello\n".getBytes()).post(owner.api(), "/upload");
            assertThat(small.json().path("data").path("size").asLong()).isEqualTo(6);
        } finally {
            new ProcessBuilder("umount", files.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            TempDirs.delete(dataDir);
        }
    }
}
