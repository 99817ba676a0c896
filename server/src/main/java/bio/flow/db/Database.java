package bio.flow.db;

import bio.flow.config.Config;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool and JDBI handle over Flow's PostgreSQL: the embedded one by default, or the server
 * named by FLOW_DATABASE_URL. Migrations in {@code db/migration} run at start.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private final EmbeddedDatabase embedded;
    private final HikariDataSource pool;
    private final Jdbi jdbi;

    private Database(EmbeddedDatabase embedded, HikariDataSource pool) {
        this.embedded = embedded;
        this.pool = pool;
        this.jdbi = Jdbi.create(new FairPool(pool, pool.getMaximumPoolSize(), pool.getConnectionTimeout())).installPlugin(new PostgresPlugin());
        // Listings are built from optional SQL fragments and bind the caller whether or not a fragment uses it.
        jdbi.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
    }

    public static Database open(Config config) {
        EmbeddedDatabase embedded = null;
        String url;
        String user;
        String password;
        if (config.databaseUrl().isPresent()) {
            url = config.databaseUrl().get();
            user = config.databaseUser();
            password = config.databasePassword();
        } else {
            embedded = EmbeddedDatabase.start(config.dataDir(), config.embeddedDatabasePort());
            url = embedded.jdbcUrl();
            user = embedded.user();
            password = embedded.password();
        }
        try {
            HikariConfig hc = new HikariConfig();
            hc.setJdbcUrl(url);
            hc.setUsername(user);
            hc.setPassword(password);
            hc.setMaximumPoolSize(config.databasePoolSize());
            hc.setPoolName("flow-db");
            // Fail fast when the database is gone: a request should not hang for Hikari's default 30 s.
            hc.setConnectionTimeout(5_000);
            HikariDataSource pool = new HikariDataSource(hc);
            if (migrate(pool) > 0) vacuumInTheBackground(url, user, password);
            return new Database(embedded, pool);
        } catch (RuntimeException e) {
            if (embedded != null) embedded.close();
            throw e;
        }
    }

    /** Applies the migrations not applied yet; returns how many. */
    private static int migrate(DataSource ds) {
        return Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate().migrationsExecuted;
    }

    /**
     * After migrations, {@code VACUUM (ANALYZE)} of the whole database on a connection of its own (outside the pool),
     * while Flow serves. A migration that rewrites a table (V43 added generated columns to samples and data) leaves
     * it without a visibility map, so index-only scans read the table's pages again, and without statistics on new
     * columns; autovacuum does not come back to a table that is only read. On the search bench data (1M samples, 3M
     * data), after V43 and before a vacuum, a project's samples search took 2.6 ms in PostgreSQL instead of 2.1 (its
     * index-only scan read the table); the vacuum took 2.6 s there. Nothing waits for it; stopping Flow while it
     * runs ends it.
     */
    private static void vacuumInTheBackground(String url, String user, String password) {
        Thread vacuum = new Thread(() -> {
            long start = System.nanoTime();
            Properties login = new Properties();
            login.setProperty("user", user);
            login.setProperty("password", password);
            try (Connection c = new Driver().connect(url, login); Statement st = c.createStatement()) {
                st.execute("VACUUM (ANALYZE)");
                log.info("vacuumed and analyzed the database after migrations in {} s", String.format("%.1f", (System.nanoTime() - start) / 1e9));
            } catch (SQLException e) {
                log.info("the vacuum after migrations did not finish: {}", e.getMessage());
            }
        }, "flow-vacuum-after-migrations");
        vacuum.setDaemon(true);
        vacuum.start();
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    @Override
    public void close() {
        pool.close();
        if (embedded != null) embedded.close();
    }
}
