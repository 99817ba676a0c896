package bio.flow.db;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.TempDirs;
import bio.flow.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A start that applies migrations vacuums and analyzes the database in the background (a rewritten table has no
 * visibility map and no statistics on its new columns); a start with nothing to migrate does not.
 */
class VacuumAfterMigrationsTest {
    /** When the samples table was last vacuumed and analyzed by a command (not by autovacuum), or null. */
    private static String lastVacuum(TestServer server) {
        return server.jdbi().withHandle(h -> h.createQuery("SELECT last_vacuum || ' ' || last_analyze FROM pg_stat_user_tables WHERE relname = 'samples'")
                .mapTo(String.class).one());
    }

    @Test
    void aStartThatMigratedVacuumsInTheBackgroundAndOneThatDidNotDoesNot() throws Exception {
        Path dir = Files.createTempDirectory("flow-vacuum-");
        try {
            String vacuumed;
            try (TestServer server = TestServer.start(dir, Map.of())) {
                Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
                while ((vacuumed = lastVacuum(server)) == null && Instant.now().isBefore(deadline)) Thread.sleep(200);
                assertThat(vacuumed).as("samples vacuumed and analyzed after the first start's migrations").isNotNull();
            }
            try (TestServer again = TestServer.start(dir, Map.of())) {
                Thread.sleep(3_000);
                assertThat(lastVacuum(again)).as("nothing migrated: no vacuum").isEqualTo(vacuumed);
            }
        } finally {
            TempDirs.delete(dir);
        }
    }
}
