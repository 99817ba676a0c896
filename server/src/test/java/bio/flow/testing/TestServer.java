package bio.flow.testing;

import bio.flow.App;
import bio.flow.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real Flow server on a random port with its own embedded PostgreSQL and data directory. One is shared by
 * all tests of a JVM ({@link #shared()}); tests that need other settings start their own with {@link #start}.
 */
public final class TestServer implements AutoCloseable {
    public static final String JWT_SECRET = "test-secret-test-secret-test-secret-0123456789";
    public static final String ADMIN_USERNAME = "admin";
    public static final String ADMIN_PASSWORD = "admin-password-1";

    private static TestServer shared;

    private final App app;
    private final Path dataDir;
    private final boolean ownsDataDir;

    private TestServer(App app, Path dataDir, boolean ownsDataDir) {
        this.app = app;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
    }

    public static synchronized TestServer shared() {
        if (shared == null) {
            shared = start(Map.of());
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** Starts a server with the default test settings, overridden by {@code settings}. */
    public static TestServer start(Map<String, String> settings) {
        try {
            Path dataDir = Files.createTempDirectory("flow-test-");
            return new TestServer(App.start(config(dataDir, settings)), dataDir, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server on a data directory the caller owns (and removes): for tests of restarts. */
    public static TestServer start(Path dataDir, Map<String, String> settings) {
        return new TestServer(App.start(config(dataDir, settings)), dataDir, false);
    }

    private static Config config(Path dataDir, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>();
        env.put("FLOW_DATA_DIR", dataDir.toString());
        env.put("FLOW_PORT", "0");
        env.put("FLOW_HOST", "127.0.0.1");
        env.put("FLOW_JWT_SECRET", JWT_SECRET);
        env.put("FLOW_ADMIN_USERNAME", ADMIN_USERNAME);
        env.put("FLOW_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("FLOW_ADMIN_EMAIL", "admin@flow.test");
        env.put("FLOW_CORS_ORIGINS", "https://app.flow.test");
        // Every test logs in from 127.0.0.1: the per-address limit is tested on a server of its own.
        env.put("FLOW_LOGIN_MAX_FAILURES_PER_ADDRESS", "100000");
        env.put("FLOW_SIGNUP_MAX_PER_ADDRESS", "100000");
        env.putAll(settings);
        return Config.fromMap(env);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    public java.util.List<String> routeList() {
        return app.routeList();
    }

    /** Runs SQL on the server's database: for setting up states a test cannot wait for, such as expiry. */
    public void sql(String statement) {
        app.jdbi().useHandle(h -> h.execute(statement));
    }

    /** The server's database, for tests of components that work inside a transaction. */
    public org.jdbi.v3.core.Jdbi jdbi() {
        return app.jdbi();
    }

    /** A single number from the server's database, for checking what a test cannot see through the API. */
    public long queryLong(String query) {
        return app.jdbi().withHandle(h -> h.createQuery(query).mapTo(Long.class).one());
    }

    /** Runs the server's periodic purge now (see bio.flow.db.Housekeeping). */
    public void housekeep() {
        try {
            app.housekeepNow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Samples the search keys' trigrams now (see bio.flow.search.Trigrams), as the server does every 15 minutes. */
    public void sampleTrigrams() {
        app.sampleTrigramsNow();
    }

    /** The server's password hasher, to see how many hashes ran and how many at once. */
    public bio.flow.auth.Passwords passwords() {
        return app.passwords();
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * The settings with which another process or server uses this server's database and stored files (as servers and
     * workers of one deployment share them): FLOW_DATABASE_URL, _USER, _PASSWORD and FLOW_STORAGE_DIR.
     */
    public Map<String, String> sharedSettings() {
        String url = app.jdbi().withHandle(h -> {
            try {
                return h.getConnection().getMetaData().getURL();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            return Map.of("FLOW_DATABASE_URL", url, "FLOW_DATABASE_USER", "postgres",
                    "FLOW_DATABASE_PASSWORD", Files.readString(dataDir.resolve("db-password")).strip(),
                    "FLOW_STORAGE_DIR", dataDir.resolve("files").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new client with its own cookie jar, like a separate browser. */
    public Api client() {
        return new Api(baseUrl());
    }

    /** Stops the server and, when the data directory was its own, removes it. */
    @Override
    public void close() {
        app.close();
        if (ownsDataDir) TempDirs.delete(dataDir);
    }
}
