package bio.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bio.flow.testing.FlowProcess;
import bio.flow.testing.TempDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Another account of the same machine gets nothing of Flow's: no login to its PostgreSQL, no secret, no mail.
 * The server runs as a process under umask 000, so that only the modes Flow sets itself protect its files; its
 * data directory lies in a folder everybody may enter. The second user needs root to create (skipped otherwise).
 */
class LocalUsersIT {
    private static final String OTHER_USER = "flowtest-other";
    private static Path parent;
    private static Path dataDir;
    private static FlowProcess flow;
    private static int databasePort;
    private static Path mail;

    @BeforeAll
    static void startUnderAPermissiveUmask() throws Exception {
        parent = Files.createTempDirectory("flow-local-users-");
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        dataDir = parent.resolve("data");
        databasePort = FlowProcess.freePort();
        flow = FlowProcess.launch(dataDir, Map.of("FLOW_EMBEDDED_DB_PORT", Integer.toString(databasePort)), "000");
        flow.awaitPong();
        assertThat(flow.post("/signup", "{\"username\":\"victim\",\"email\":\"victim@example.org\",\"password\":\"long-password-1\"}")
                .statusCode()).isEqualTo(201);
        assertThat(flow.post("/password-reset/request", "{\"email\":\"victim@example.org\"}").statusCode()).isEqualTo(200);
        mail = awaitMail(dataDir.resolve("mail-outbox"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (flow != null) flow.stop();
        TempDirs.delete(parent);
    }

    private static Path awaitMail(Path outbox) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (Files.isDirectory(outbox)) {
                try (Stream<Path> files = Files.list(outbox)) {
                    var mails = files.filter(f -> f.toString().endsWith(".eml")).toList();
                    if (!mails.isEmpty()) return mails.get(0);
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no reset mail in " + outbox);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void everythingIsOwnerOnlyAlthoughTheUmaskIsOpen() throws Exception {
        assertThat(mode(dataDir)).isEqualTo("rwx------");
        for (String folder : List.of("mail-outbox", "files", "postgres-runtime", "postgres")) {
            assertThat(mode(dataDir.resolve(folder))).as(folder).isEqualTo("rwx------");
        }
        for (String file : List.of("jwt-secret", "db-password", "flow.lock")) {
            assertThat(mode(dataDir.resolve(file))).as(file).isEqualTo("rw-------");
        }
        assertThat(mode(mail)).as("the reset mail").isEqualTo("rw-------");
    }

    @Test
    void anotherLocalUserCanNeitherLogInToTheDatabaseNorReadSecretsOrMails() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "creating a second OS user needs root: skipped (run the tests as root, as CI does, to check this)");
        ensureOtherUser();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        assumeTrue(runAsOther(java, "-version").exitCode() == 0,
                "the JDK at " + java + " cannot be run by " + OTHER_USER + ": skipped");

        // A login attempt over the network, from a program of the other user: the PostgreSQL driver and a probe
        // in a folder everybody may read.
        Path probe = Files.createDirectories(parent.resolve("probe"));
        Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path driver = Files.copy(Path.of(org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI()),
                probe.resolve("postgresql.jar"));
        Path source = Files.writeString(probe.resolve("Probe.java"), """
                import java.sql.*;
                import java.util.Properties;
                public class Probe {
                    public static void main(String[] args) {
                        Properties p = new Properties();
                        p.setProperty("user", "postgres");
                        if (args.length > 1) p.setProperty("password", args[1]);
                        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + args[0] + "/postgres", p)) {
                            System.out.println("CONNECTED");
                        } catch (SQLException e) {
                            System.out.println("REFUSED " + e.getMessage());
                        }
                    }
                }
                """);
        for (Path f : List.of(driver, source)) Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        String port = Integer.toString(databasePort);
        assertThat(runAsOther(java, "-XX:-UsePerfData", "-cp", driver.toString(), source.toString(), port).output())
                .startsWith("REFUSED").contains("no password was provided");
        assertThat(runAsOther(java, "-XX:-UsePerfData", "-cp", driver.toString(), source.toString(), port, "postgres").output())
                .startsWith("REFUSED").contains("password authentication failed for user \"postgres\"");

        for (Path secret : List.of(dataDir.resolve("jwt-secret"), dataDir.resolve("db-password"), mail)) {
            Result cat = runAsOther("cat", secret.toString());
            assertThat(cat.exitCode()).as("%s read by %s: %s", secret, OTHER_USER, cat.output()).isNotZero();
            assertThat(cat.output()).contains("Permission denied");
        }
        assertThat(runAsOther("ls", dataDir.resolve("mail-outbox").toString()).exitCode()).isNotZero();
    }

    record Result(int exitCode, String output) {}

    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return new Result(p.waitFor(), out);
    }

    private static Result runAsOther(String... command) throws Exception {
        List<String> c = new ArrayList<>(List.of("runuser", "-u", OTHER_USER, "--"));
        c.addAll(List.of(command));
        return run(c);
    }

    private static void ensureOtherUser() throws Exception {
        if (run(List.of("id", "-u", OTHER_USER)).exitCode() == 0) return;
        Result add = run(List.of("useradd", "-M", "-r", "-s", "/usr/sbin/nologin", OTHER_USER));
        // 9: made meanwhile by a parallel run
        assertThat(add.exitCode()).as("useradd: %s", add.output()).isIn(0, 9);
    }
}
