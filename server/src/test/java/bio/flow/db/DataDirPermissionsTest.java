package bio.flow.db;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.TempDirs;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The data directory and the secrets in it are readable by Flow's OS user only, whoever made the directory.
 * (The same under a permissive umask, and against a real second user: LocalUsersIT.)
 */
class DataDirPermissionsTest {

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /** The mails of the outbox, once the mail queue has written them. */
    static List<Path> awaitMails(Path outbox) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (Files.isDirectory(outbox)) {
                try (Stream<Path> files = Files.list(outbox)) {
                    List<Path> mails = files.filter(f -> f.toString().endsWith(".eml")).toList();
                    if (!mails.isEmpty()) return mails;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no mail in " + outbox);
    }

    @Test
    void aNewDataDirectoryAndItsSecretsAreOwnerOnly() throws Exception {
        Path parent = Files.createTempDirectory("flow-modes-");
        Path dir = parent.resolve("data"); // made by Flow itself
        try (TestServer server = TestServer.start(dir, Map.of("FLOW_JWT_SECRET", ""))) {
            Users.Account a = Users.signUp(server, "modes");
            assertThat(server.client().post("/password-reset/request", Map.of("email", a.email())).status()).isEqualTo(200);
            Path mail = awaitMails(dir.resolve("mail-outbox")).get(0);

            assertThat(mode(dir)).isEqualTo("rwx------");
            for (String folder : List.of("mail-outbox", "files", "postgres-runtime", "postgres")) {
                assertThat(mode(dir.resolve(folder))).as(folder).isEqualTo("rwx------");
            }
            for (String file : List.of("jwt-secret", "db-password", "flow.lock")) {
                assertThat(mode(dir.resolve(file))).as(file).isEqualTo("rw-------");
            }
            assertThat(mode(mail)).as("a mail").isEqualTo("rw-------");
        } finally {
            TempDirs.delete(parent);
        }
    }

    @Test
    void anExistingDataDirectoryOpenToOthersIsClosedAtStart() throws Exception {
        Path dir = Files.createTempDirectory("flow-modes-");
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path lock = Files.writeString(dir.resolve("flow.lock"), "");
            Files.setPosixFilePermissions(lock, PosixFilePermissions.fromString("rw-r--r--"));
            try (TestServer server = TestServer.start(dir, Map.of())) {
                assertThat(mode(dir)).isEqualTo("rwx------");
                assertThat(mode(lock)).isEqualTo("rw-------");
            }
        } finally {
            TempDirs.delete(dir);
        }
    }
}
