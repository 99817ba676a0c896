package bio.flow.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.testing.TempDirs;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataDirLockTest {

    @Test
    void secondServerOnOneDataDirectoryRefusesAndDataSurvivesRestart() throws Exception {
        Path dir = Files.createTempDirectory("flow-lock-");
        Users.Account a;
        try (TestServer first = TestServer.start(dir, Map.of())) {
            a = Users.signUp(first, "persist");
            assertThatThrownBy(() -> TestServer.start(dir, Map.of()))
                    .isInstanceOf(DataDirLock.AlreadyInUseException.class)
                    .hasMessageContaining("another Flow server is already running");
            // the refused start did not disturb the running one
            assertThat(a.api().get("/me").status()).isEqualTo(200);
        }
        try (TestServer again = TestServer.start(dir, Map.of())) {
            var r = again.client().post("/login", Map.of("username", a.username(), "password", Users.PASSWORD));
            assertThat(r.status()).isEqualTo(200);
        } finally {
            TempDirs.delete(dir);
        }
    }

    @Test
    void instancesOnDifferentDataDirectoriesRunSideBySide() {
        try (TestServer one = TestServer.start(Map.of()); TestServer two = TestServer.start(Map.of())) {
            assertThat(one.client().get("/ping").text()).isEqualTo("pong");
            assertThat(two.client().get("/ping").text()).isEqualTo("pong");
            Users.signUp(one, "side");
        }
    }
}
