package bio.flow.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.testing.TempDirs;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The embedded PostgreSQL admits Flow's password only, commits durably, and leaves other processes alone. */
class EmbeddedDatabaseTest {

    private static String url(TestServer server) {
        return "jdbc:postgresql://127.0.0.1:" + server.queryLong("SELECT inet_server_port()") + "/postgres";
    }

    private static String text(TestServer server, String query) {
        return server.jdbi().withHandle(h -> h.createQuery(query).mapTo(String.class).one());
    }

    private static Connection connect(String url, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        if (password != null) p.setProperty("password", password);
        return DriverManager.getConnection(url, p);
    }

    /** Logins without Flow's password are refused; with it they succeed. */
    private static void assertOnlyThePasswordLogsIn(TestServer server) throws Exception {
        String url = url(server);
        assertThatThrownBy(() -> connect(url, null).close()).isInstanceOf(SQLException.class)
                .hasMessageContaining("no password was provided");
        assertThatThrownBy(() -> connect(url, "postgres").close()).isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
        String password = Files.readString(server.dataDir().resolve("db-password")).strip();
        try (Connection c = connect(url, password)) {
            assertThat(c.isValid(5)).isTrue();
        }
        List<String> hba = Files.readAllLines(server.dataDir().resolve("postgres/pg_hba.conf")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(hba).containsExactly("host all postgres 127.0.0.1/32 scram-sha-256", "host all postgres ::1/128 scram-sha-256");
    }

    @Test
    void onlyFlowsPasswordLogsInOverLoopbackAndThereIsNoSocket() throws Exception {
        TestServer server = TestServer.shared();
        assertOnlyThePasswordLogsIn(server);
        assertThat(text(server, "SHOW listen_addresses"))
                .isEqualTo("127.0.0.1,::1");
        assertThat(text(server, "SHOW unix_socket_directories"))
                .isEmpty();
    }

    @Test
    void commitsAreSynchronous() {
        assertThat(text(TestServer.shared(), "SHOW synchronous_commit"))
                .isEqualTo("on");
    }

    /**
     * A data directory made by an older Flow (zonky's defaults: initdb -A trust, no password file) keeps its data
     * and stops trusting local users at the first start.
     */
    @Test
    void aTrustingDatabaseOfAnOlderFlowGetsAPasswordAndKeepsItsData() throws Exception {
        Path dir = Files.createTempDirectory("flow-legacy-");
        try {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            try (EmbeddedPostgres old = EmbeddedPostgres.builder()
                    .setDataDirectory(dir.resolve("postgres"))
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(dir.resolve("postgres-runtime").toFile())
                    .setPort(port)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
                 Connection c = connect("jdbc:postgresql://127.0.0.1:" + port + "/postgres", null);
                 Statement s = c.createStatement()) {
                // Not in schema public, which Flyway wants empty when it meets a database for the first time.
                s.execute("CREATE SCHEMA before_upgrade");
                s.execute("CREATE TABLE before_upgrade.kept (note TEXT)");
                s.execute("INSERT INTO before_upgrade.kept VALUES ('written by the old Flow')");
            }
            assertThat(dir.resolve("db-password")).doesNotExist();

            try (TestServer server = TestServer.start(dir, Map.of())) {
                assertThat(text(server, "SELECT note FROM before_upgrade.kept"))
                        .isEqualTo("written by the old Flow");
                assertOnlyThePasswordLogsIn(server);
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("db-password")))).isEqualTo("rw-------");
                Users.signUp(server, "upgraded");
            }
            // and the next start, now an ordinary one, uses the stored password
            try (TestServer again = TestServer.start(dir, Map.of())) {
                assertOnlyThePasswordLogsIn(again);
                assertThat(again.queryLong("SELECT count(*) FROM before_upgrade.kept")).isEqualTo(1);
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    /**
     * A postmaster.pid left in a stopped data directory whose pid now belongs to another program (here one named
     * postgres, run from elsewhere): Flow starts, and that program lives on.
     */
    @Test
    void aStalePidFileNamingAnotherProcessLeavesThatProcessAlone() throws Exception {
        Path dir = Files.createTempDirectory("flow-stale-pid-");
        Process other = null;
        try {
            try (TestServer first = TestServer.start(dir, Map.of())) {
                Users.signUp(first, "stale");
            }
            Path impostor = Files.createDirectories(dir.resolve("elsewhere/bin")).resolve("postgres");
            Files.copy(Path.of("/bin/sleep"), impostor);
            impostor.toFile().setExecutable(true);
            other = new ProcessBuilder(impostor.toString(), "60").directory(dir.resolve("elsewhere").toFile()).start();
            Files.writeString(dir.resolve("postgres/postmaster.pid"), other.pid() + "\n" + dir.resolve("postgres") + "\n");

            try (TestServer again = TestServer.start(dir, Map.of())) {
                assertThat(again.client().get("/ping").text()).isEqualTo("pong");
            }
            assertThat(other.isAlive()).as("the process named in the stale pid file").isTrue();
        } finally {
            if (other != null) {
                other.destroyForcibly();
                other.waitFor(10, TimeUnit.SECONDS);
            }
            TempDirs.delete(dir);
        }
    }

    @Test
    void aPostmasterIsRecognisedByItsDataDirectoryOnly() throws Exception {
        TestServer server = TestServer.shared();
        long pid = Long.parseLong(Files.readAllLines(server.dataDir().resolve("postgres/postmaster.pid")).get(0).trim());
        assertThat(EmbeddedDatabase.isPostmasterOf(pid, server.dataDir().resolve("postgres"))).isTrue();
        assertThat(EmbeddedDatabase.isPostmasterOf(pid, server.dataDir())).isFalse();
        assertThat(EmbeddedDatabase.isPostmasterOf(ProcessHandle.current().pid(), server.dataDir().resolve("postgres"))).isFalse();
    }
}
