package bio.flow.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class FairPoolTest {
    /** A pool that always has a connection (FairPool does the counting) and counts the connections closed. */
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();

    private final DataSource pool = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
            (p, method, args) -> {
                if (!method.getName().equals("getConnection")) throw new UnsupportedOperationException(method.getName());
                if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new SQLException("the database is gone");
                return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (c, m, a) -> {
                    if (m.getName().equals("close")) closed.incrementAndGet();
                    return null;
                });
            });

    @Test
    void connectionsGoToTheCallersInTheOrderTheyAsked() throws Exception {
        FairPool fair = new FairPool(pool, 1, 10_000);
        Connection first = fair.getConnection();
        List<String> order = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        for (String who : List.of("b", "c", "d")) {
            waiting.add(CompletableFuture.runAsync(() -> take(fair, who, order)));
            awaitWaiting(fair, waiting.size());
        }
        // the holder gives its connection back and asks again at once: it queues behind the others (HikariCP would
        // hand the connection straight back to it)
        first.close();
        take(fair, "a", order);
        for (CompletableFuture<Void> w : waiting) w.get(10, TimeUnit.SECONDS);
        assertThat(order).containsExactly("b", "c", "d", "a");
    }

    @Test
    void aConnectionClosedTwiceGivesBackOnePermit() throws Exception {
        FairPool fair = new FairPool(pool, 1, 100);
        Connection c = fair.getConnection();
        c.close();
        c.close();
        assertThat(closed).hasValue(1);
        Connection again = fair.getConnection();
        assertThatThrownBy(fair::getConnection).isInstanceOf(SQLTransientConnectionException.class).hasMessageContaining("timed out");
        again.close();
    }

    @Test
    void aFailedConnectionGivesItsPermitBack() throws Exception {
        FairPool fair = new FairPool(pool, 1, 100);
        failures.set(1);
        assertThatThrownBy(fair::getConnection).isInstanceOf(SQLException.class).hasMessage("the database is gone");
        fair.getConnection().close();
        assertThat(closed).hasValue(1);
    }

    private static void take(FairPool fair, String who, List<String> order) {
        try (Connection c = fair.getConnection()) {
            order.add(who);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitWaiting(FairPool fair, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fair.waiting() < n) {
            if (System.nanoTime() > deadline) throw new AssertionError("expected " + n + " callers waiting");
            Thread.sleep(1);
        }
    }
}
