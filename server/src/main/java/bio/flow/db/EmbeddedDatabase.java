package bio.flow.db;

import bio.flow.Ports;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL 17 that Flow starts for itself when no FLOW_DATABASE_URL is given. Its data lives in
 * {@code <data dir>/postgres} and survives restarts. The caller must hold the data directory's lock
 * ({@link DataDirLock}) first: a postmaster left behind by a killed server is then known to be an orphan and
 * is stopped here, because zonky would otherwise silently connect to it.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedDatabase start(Path dataDir, int configuredPort) {
        Path pgData = dataDir.resolve("postgres");
        // zonky unpacks its binaries here; it sweeps /tmp/embedded-pg, so keep them with the data.
        Path runtime = dataDir.resolve("postgres-runtime");
        try {
            Files.createDirectories(runtime);
            stopOrphanPostmaster(pgData);
            int port = configuredPort > 0 ? configuredPort : Ports.free();
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(runtime.toFile())
                    .setPort(port)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "200")
                    .start();
            log.info("embedded PostgreSQL 17 on port {} with data in {}", port, pgData);
            return new EmbeddedDatabase(pg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + pgData + ": " + e.getMessage(), e);
        }
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
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
     * stopping its database (kill -9). Stop that postmaster so that we start our own.
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
        Optional<ProcessHandle> process = ProcessHandle.of(pid)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
        if (process.isEmpty()) {
            // A stale pid file: the process is gone (or the pid now belongs to something else).
            Files.deleteIfExists(pidFile);
            return;
        }
        log.warn("stopping PostgreSQL (pid {}) left running by a previous Flow server on {}", pid, pgData);
        ProcessHandle p = process.get();
        p.destroy(); // SIGTERM: its clients died with the old server, so a smart shutdown finishes at once
        try {
            p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
        }
        Files.deleteIfExists(pidFile);
    }
}
