package bio.flow.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.config.Config;
import bio.flow.testing.TempDirs;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FLOW_ADMIN_USERNAME makes an admin only of the account it created itself. */
class AdminBootstrapTest {

    private static long isAdmin(TestServer server, String username) {
        return server.queryLong("SELECT count(*) FROM users WHERE username = '" + username + "' AND is_admin");
    }

    @Test
    void anAccountSomeoneSignedUpUnderTheAdminNameStopsTheStartAndIsNotPromoted() throws Exception {
        Path dir = Files.createTempDirectory("flow-bootstrap-");
        try {
            String squatter;
            try (TestServer server = TestServer.start(dir, Map.of())) {
                squatter = Users.signUp(server, "squatter").username();
            }
            assertThatThrownBy(() -> TestServer.start(dir, Map.of("FLOW_ADMIN_USERNAME", squatter)))
                    .isInstanceOf(Config.ConfigException.class)
                    .hasMessageContaining("FLOW_ADMIN_USERNAME is '" + squatter + "'")
                    .hasMessageContaining("was not created by FLOW_ADMIN_USERNAME");
            // The failed start released the data directory and changed nothing.
            try (TestServer server = TestServer.start(dir, Map.of())) {
                assertThat(isAdmin(server, squatter)).isZero();
                assertThat(isAdmin(server, TestServer.ADMIN_USERNAME)).isOne();
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    @Test
    void theBootstrapAdminDemotedByAnotherAdminIsPromotedAgainAtTheNextStart() throws Exception {
        Path dir = Files.createTempDirectory("flow-bootstrap-");
        try {
            try (TestServer server = TestServer.start(dir, Map.of())) {
                Users.Account other = Users.signUp(server, "deputy");
                assertThat(Users.admin(server).api().post("/admin/users/" + other.username(), Map.of("is_admin", true)).status()).isEqualTo(200);
                assertThat(other.api().post("/admin/users/" + TestServer.ADMIN_USERNAME, Map.of("is_admin", false)).status()).isEqualTo(200);
                assertThat(isAdmin(server, TestServer.ADMIN_USERNAME)).isZero();
            }
            try (TestServer server = TestServer.start(dir, Map.of())) {
                assertThat(isAdmin(server, TestServer.ADMIN_USERNAME)).isOne();
                assertThat(Users.admin(server).api().get("/me").json().path("is_admin").asBoolean()).isTrue();
            }
        } finally {
            TempDirs.delete(dir);
        }
    }
}
