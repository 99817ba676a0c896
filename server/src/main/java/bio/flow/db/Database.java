package bio.flow.db;

import bio.flow.config.Config;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * The connection pool and JDBI handle over Flow's PostgreSQL: the embedded one by default, or the server
 * named by FLOW_DATABASE_URL. Migrations in {@code db/migration} run at start.
 */
public final class Database implements AutoCloseable {
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
            migrate(pool);
            return new Database(embedded, pool);
        } catch (RuntimeException e) {
            if (embedded != null) embedded.close();
            throw e;
        }
    }

    private static void migrate(DataSource ds) {
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
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
