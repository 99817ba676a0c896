package bio.flow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;

/**
 * Pipeline versions and executions put straight into the database, for the engine's tests (registering through the
 * admin API and submitting through the run route are other features, tested on their own).
 */
public final class TestPipelines {
    private static final AtomicInteger names = new AtomicInteger();

    private TestPipelines() {}

    /** The test pipeline's folder among the test resources (pipelines/<name>). */
    public static Path folder(String name) {
        try {
            return Path.of(TestPipelines.class.getResource("/pipelines/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A version of a new pipeline, its files in {@code directory}; answers its id. */
    public static long version(TestServer server, Path directory) {
        return version(server.jdbi(), directory);
    }

    public static long version(Jdbi jdbi, Path directory) {
        return version(jdbi, directory, "");
    }

    /** A version whose own Nextflow configuration text is {@code config}. */
    public static long version(Jdbi jdbi, Path directory, String config) {
        String name = "engine-test-" + System.nanoTime() + "-" + names.incrementAndGet();
        return jdbi.withHandle(h -> {
            long category = h.createQuery("INSERT INTO pipeline_categories (name) VALUES (:n) ON CONFLICT (lower(name)) DO UPDATE SET name = EXCLUDED.name RETURNING id")
                    .bind("n", "Engine tests").mapTo(Long.class).one();
            long pipeline = h.createQuery("INSERT INTO pipelines (name, category_id) VALUES (:n, :c) RETURNING id")
                    .bind("n", name).bind("c", category).mapTo(Long.class).one();
            return h.createQuery("INSERT INTO pipeline_versions (pipeline_id, version, source, directory, input_style, input_param, config, parameters, is_latest) "
                            + "VALUES (:p, '1.0', :d, :d, 'samplesheet', 'input', :config, CAST(:params AS jsonb), TRUE) RETURNING id")
                    .bind("p", pipeline).bind("d", directory.toString()).bind("config", config)
                    .bind("params", "[{\"name\":\"tasks\",\"type\":\"integer\",\"choices\":[],\"defaultValue\":2,\"description\":\"\",\"required\":false,\"hidden\":false,\"data\":false},"
                            + "{\"name\":\"sleep\",\"type\":\"integer\",\"choices\":[],\"defaultValue\":0,\"description\":\"\",\"required\":false,\"hidden\":false,\"data\":false},"
                            + "{\"name\":\"fail\",\"type\":\"boolean\",\"choices\":[],\"defaultValue\":false,\"description\":\"\",\"required\":false,\"hidden\":false,\"data\":false}]")
                    .mapTo(Long.class).one();
        });
    }

    /** A pending execution of the version, owned by {@code owner}, with these parameters (a JSON object). */
    public static long execution(TestServer server, long owner, long versionId, String params) {
        return execution(server.jdbi(), owner, versionId, params);
    }

    public static long execution(Jdbi jdbi, long owner, long versionId, String params) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO executions (name, owner_id, pipeline_version_id, params) "
                        + "VALUES ('engine test', :o, :v, CAST(:params AS jsonb)) RETURNING id")
                .bind("o", owner).bind("v", versionId).bind("params", params).mapTo(Long.class).one());
    }

    public static String status(TestServer server, long execution) {
        return status(server.jdbi(), execution);
    }

    public static String status(Jdbi jdbi, long execution) {
        return jdbi.withHandle(h -> h.createQuery("SELECT status FROM executions WHERE id = :id").bind("id", execution).mapTo(String.class).one());
    }

    /** Waits for the execution to reach the status (failing the test after the time given). */
    public static void awaitStatus(TestServer server, long execution, String status, Duration within) throws InterruptedException {
        awaitStatus(server.jdbi(), execution, status, within);
    }

    public static void awaitStatus(Jdbi jdbi, long execution, String status, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline && !status(jdbi, execution).equals(status)) Thread.sleep(100);
        assertThat(status(jdbi, execution)).as(() -> "status of execution " + execution + ", whose log is "
                + jdbi.withHandle(h -> h.createQuery("SELECT message FROM execution_logs WHERE execution_id = :id ORDER BY id")
                .bind("id", execution).mapTo(String.class).list())).isEqualTo(status);
    }

    /** Waits (up to a minute) for the execution to have a task of this name in this status. */
    public static void awaitTask(Jdbi jdbi, long execution, String name, String status) throws InterruptedException {
        String sql = "SELECT count(*) FROM process_executions WHERE execution_id = :id AND name = :name AND status = :status";
        java.util.function.Supplier<Long> count = () -> jdbi.withHandle(h -> h.createQuery(sql).bind("id", execution).bind("name", name)
                .bind("status", status).mapTo(Long.class).one());
        for (int i = 0; i < 600 && count.get() == 0; i++) Thread.sleep(100);
        assertThat(count.get()).as(name + " " + status).isPositive();
    }

    /** How many tasks of the execution have this status. */
    public static long tasks(TestServer server, long execution, String status) {
        return server.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM process_executions WHERE execution_id = :id AND status = :s")
                .bind("id", execution).bind("s", status).mapTo(Long.class).one());
    }
}
