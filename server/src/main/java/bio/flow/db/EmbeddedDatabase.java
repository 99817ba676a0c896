package bio.flow.db;

import bio.flow.Ports;
import bio.flow.storage.PrivateFiles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL 17 that Flow starts for itself when no FLOW_DATABASE_URL is given. Its data lives in
 * {@code <data dir>/postgres} and survives restarts. The caller must hold the data directory's lock
 * ({@link DataDirLock}) first: a postmaster left behind by a killed server is then known to be an orphan and
 * is stopped here, because zonky would otherwise silently connect to it.
 *
 * <p>Only Flow may log in: the superuser {@code postgres} has a random password, generated once and kept in
 * {@code <data dir>/db-password} (0600); {@code pg_hba.conf} admits that user only, over 127.0.0.1 and ::1,
 * with scram-sha-256; there is no Unix socket. Any other local account would otherwise be a superuser of
 * Flow's database (and could run programs as Flow's OS user through {@code COPY ... TO PROGRAM}).
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    static final String USER = "postgres";

    private final EmbeddedPostgres postgres;
    private final String password;

    private EmbeddedDatabase(EmbeddedPostgres postgres, String password) {
        this.postgres = postgres;
        this.password = password;
    }

    public static EmbeddedDatabase start(Path dataDir, int configuredPort) {
        Path pgData = dataDir.resolve("postgres");
        // zonky unpacks its binaries here; it sweeps /tmp/embedded-pg, so keep them with the data.
        Path runtime = dataDir.resolve("postgres-runtime");
        Path passwordFile = dataDir.resolve("db-password");
        try {
            PrivateFiles.folder(runtime);
            stopOrphanPostmaster(pgData);
            // A cluster without a password file was made by a Flow that let initdb trust every local user.
            boolean trusting = Files.exists(pgData.resolve("postgresql.conf")) && !Files.exists(passwordFile);
            String password;
            if (trusting) {
                password = newPassword(); // written to the file only once the role has it: see secure()
            } else if (Files.exists(passwordFile)) {
                password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
            } else {
                password = newPassword();
                PrivateFiles.write(passwordFile, password);
            }
            int port = configuredPort > 0 ? configuredPort : Ports.free();
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(runtime.toFile())
                    .setPort(port)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // initdb (run only for a new cluster): zonky passes "-A trust" first; these options come
                    // after it and override it, and give the superuser its password.
                    .setLocaleConfig("auth-host", "scram-sha-256")
                    .setLocaleConfig("auth-local", "scram-sha-256")
                    .setLocaleConfig("pwfile", passwordFile.toString())
                    // written before every start, so that a hand-edited or older file does not stay in force
                    .setDataDirectoryCustomizer(dir -> writeHba(dir, trusting ? "trust" : "scram-sha-256"))
                    .setServerConfig("listen_addresses", "127.0.0.1,::1")
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("max_connections", "200")
                    // zonky turns it off by default: then a 200 answer could be lost by a crash a moment later
                    .setServerConfig("synchronous_commit", "on")
                    // zonky's own readiness check logs in as the superuser
                    .setConnectConfig("password", password)
                    .start();
            // zonky makes its binary folder world-writable at every start; nothing but Flow needs it.
            PrivateFiles.restrict(runtime, PrivateFiles.FOLDER);
            EmbeddedDatabase db = new EmbeddedDatabase(pg, password);
            if (trusting) {
                try {
                    db.secure(pgData, passwordFile);
                } catch (RuntimeException | IOException | SQLException e) {
                    db.close();
                    throw e;
                }
            }
            log.info("embedded PostgreSQL 17 on port {} with data in {}", port, pgData);
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + pgData + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set the password of the embedded PostgreSQL in " + pgData + ": " + e.getMessage(), e);
        }
    }

    /**
     * Migrates a cluster made by an older Flow, which trusted every local connection, to password logins,
     * keeping its data. Until the new pg_hba.conf is loaded, a local account could connect without a password
     * (as it always could before); to keep that window short this runs right after the postmaster started,
     * while we hold the data directory's lock (so no Flow server uses it), on a port picked at this start
     * (unless FLOW_EMBEDDED_DB_PORT fixes it), with no Unix socket and only the superuser admitted. Sessions
     * that got in meanwhile are ended once password logins are in force. Each step can be repeated: the
     * password file is written only after the role has the password, and until then the next start does
     * this again.
     */
    private void secure(Path pgData, Path passwordFile) throws IOException, SQLException {
        log.warn("the embedded PostgreSQL in {} trusts every local user: giving it a password", pgData);
        try (Connection c = DriverManager.getConnection(jdbcUrl(), USER, "")) {
            // The driver hashes the password (SCRAM) itself: the clear text never reaches the server or its log.
            c.unwrap(PGConnection.class).alterUserPassword(USER, password.toCharArray(), "scram-sha-256");
            PrivateFiles.write(passwordFile, password);
            writeHba(pgData.toFile(), "scram-sha-256");
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_reload_conf()");
                // The postmaster rereads pg_hba.conf when it gets to it; go on only once trust is gone.
                awaitNoTrust();
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()");
            }
        }
        log.info("the embedded PostgreSQL in {} now accepts only Flow's password", pgData);
    }

    private void awaitNoTrust() throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Properties noPassword = new Properties();
            noPassword.setProperty("user", USER);
            try {
                DriverManager.getConnection(jdbcUrl(), noPassword).close(); // still admitted: try again
            } catch (SQLException refused) {
                return;
            }
        }
        throw new SQLException("PostgreSQL still admits logins without a password after reloading pg_hba.conf");
    }

    /** Only the superuser, only over the loopback addresses, with the given method; nothing else. */
    private static void writeHba(File pgData, String method) {
        try {
            PrivateFiles.write(pgData.toPath().resolve("pg_hba.conf"), "# Written by Flow at every start: only Flow logs in.\n"
                    + "host all " + USER + " 127.0.0.1/32 " + method + "\n"
                    + "host all " + USER + " ::1/128 " + method + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pg_hba.conf in " + pgData, e);
        }
    }

    private static String newPassword() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }

    /**
     * A postmaster.pid in a data directory whose lock we hold belongs to a server that died without
     * stopping its database (kill -9). Stop that postmaster so that we start our own; but only when the pid
     * is still that postmaster: pids are reused, and any other process is left alone.
     */
    private static void stopOrphanPostmaster(Path pgData) throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) return;
        List<String> lines = Files.readAllLines(pidFile);
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (RuntimeException e) {
            Files.deleteIfExists(pidFile);
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(p -> isPostmasterOf(p.pid(), pgData));
        if (process.isEmpty()) {
            // A stale pid file: the process is gone, or the pid now belongs to something else.
            Files.deleteIfExists(pidFile);
            return;
        }
        log.warn("stopping PostgreSQL (pid {}) left running by a previous Flow server on {}", pid, pgData);
        ProcessHandle p = process.get();
        p.destroy(); // SIGTERM: its clients died with the old server, so a smart shutdown finishes at once
        try {
            p.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
        }
        Files.deleteIfExists(pidFile);
    }

    /**
     * Whether the process is a {@code postgres} whose data directory is {@code pgData}: named so on its command
     * line ({@code postgres -D <pgData> ...}, as pg_ctl starts it), or its working directory (the postmaster
     * changes into its data directory). Read from /proc; elsewhere nothing is taken for our postmaster.
     */
    static boolean isPostmasterOf(long pid, Path pgData) {
        Path proc = Path.of("/proc", Long.toString(pid));
        List<String> args;
        try {
            args = splitNul(Files.readAllBytes(proc.resolve("cmdline")));
        } catch (IOException | SecurityException gone) {
            return false;
        }
        if (args.isEmpty() || !Path.of(args.get(0)).getFileName().toString().equals("postgres")) return false;
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("-D") && sameFile(Path.of(args.get(i + 1)), pgData)) return true;
        }
        return sameFile(proc.resolve("cwd"), pgData);
    }

    private static List<String> splitNul(byte[] cmdline) {
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                args.add(new String(cmdline, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return args;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
