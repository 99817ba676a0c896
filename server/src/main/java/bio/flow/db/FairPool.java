package bio.flow.db;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The connection pool, handed out first come, first served. HikariCP is not fair: a thread that returns a connection
 * takes it back before the threads already waiting, so when more requests want a connection than the pool holds, a
 * few of them wait for seconds while the rest are fast (bench/search, 20 connections over a pool of 16: p50 4 ms,
 * p95 254 ms, max 1.8 s; with a pool of 24, p95 18 ms). A fair semaphore with one permit per pooled connection
 * queues the callers in order; whoever holds a permit then finds a free connection in the pool.
 */
final class FairPool implements DataSource {
    private final DataSource pool;
    private final Semaphore permits;
    private final long timeoutMillis;

    /**
     * @param pool          the pool, of {@code size} connections
     * @param timeoutMillis how long a caller may wait for a connection before the same error the pool gives
     */
    FairPool(DataSource pool, int size, long timeoutMillis) {
        this.pool = pool;
        this.permits = new Semaphore(size, true);
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            if (!permits.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new SQLTransientConnectionException("flow-db - Connection is not available, request timed out after " + timeoutMillis + "ms.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("flow-db - interrupted while waiting for a connection", e);
        }
        try {
            return releasingOnClose(pool.getConnection());
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** The connection, whose first close gives its permit back. */
    private Connection releasingOnClose(Connection connection) {
        AtomicBoolean closed = new AtomicBoolean();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            if (method.getName().equals("close") && method.getParameterCount() == 0) {
                if (closed.compareAndSet(false, true)) {
                    try {
                        connection.close();
                    } finally {
                        permits.release();
                    }
                }
                return null;
            }
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /** How many callers wait for a connection (for tests). */
    int waiting() {
        return permits.getQueueLength();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool logs in with its own account");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return pool.isWrapperFor(iface);
    }
}
