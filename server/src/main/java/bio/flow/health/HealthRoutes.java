package bio.flow.health;

import bio.flow.data.Verifier;
import bio.flow.executions.Workers;
import bio.flow.storage.Storage;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * GET /ping and GET /health. Health is unhealthy (503) when the database or storage cannot be used,
 * degraded when storage has less than 1 GB free (local storage; S3 has no free space to tell, so its
 * {@code available_gb} is null and never degrades health), the last storage verification found missing or corrupt
 * files, or executions wait and no process that runs them is alive (on any host), healthy otherwise. Anyone may call
 * it, so the verification and the workers are summed up in counts, never ids or host names.
 */
public final class HealthRoutes {
    static final double LOW_STORAGE_GB = 1.0;

    private final Jdbi jdbi;
    private final Storage storage;
    private final Verifier verifier;
    private final Workers workers;
    private final String version;

    public HealthRoutes(Jdbi jdbi, Storage storage, Verifier verifier, Workers workers, String version) {
        this.jdbi = jdbi;
        this.storage = storage;
        this.verifier = verifier;
        this.workers = workers;
        this.version = version;
    }

    record HealthResponse(String status, Instant timestamp, String version, Map<String, Object> services, Workers.Queue queue,
                          WorkerHealth workers, NextflowHealth nextflow) {}

    /** This server's workers: executions running now, and how many may run at once. */
    record WorkerHealth(int active, int max) {}

    record NextflowHealth(String version) {}

    record DatabaseHealth(String status, double latency_ms) {}

    /** {@code available_gb} null: the storage has no bound to tell (S3). */
    record StorageHealth(String status, Double available_gb) {}

    /** The last storage verification that went to its end, if any. */
    record IntegrityHealth(String status, VerificationSummary last_verification) {}

    /**
     * The processes that run executions, on every host sharing the database (this server's among them when it runs
     * any), and how many executions they may run at once.
     */
    record ExecutionsHealth(String status, long worker_processes, long slots) {}

    record VerificationSummary(Instant started, Instant finished, int checked, int missing, int corrupt, int orphaned) {}

    public void ping(Context ctx) {
        ctx.contentType("text/plain").result("pong");
    }

    public void health(Context ctx) {
        DatabaseHealth db = database();
        StorageHealth files = storage();
        IntegrityHealth integrity = integrity();
        Workers.Queue queue = db.status().equals("healthy") ? workers.queue() : null;
        ExecutionsHealth executions = queue == null ? null : executions(queue);
        String status = "healthy";
        if (db.status().equals("unhealthy") || files.status().equals("unhealthy")) status = "unhealthy";
        else if (files.status().equals("degraded") || integrity.status().equals("degraded")
                || executions != null && executions.status().equals("degraded")) status = "degraded";
        Map<String, Object> services = new LinkedHashMap<>();
        services.put("database", db);
        services.put("storage", files);
        services.put("integrity", integrity);
        if (executions != null) services.put("executions", executions);
        ctx.status(status.equals("unhealthy") ? 503 : 200).json(new HealthResponse(status, Instant.now(), version, services, queue,
                new WorkerHealth(workers.active(), workers.max()), new NextflowHealth(workers.nextflow().version())));
    }

    /** Degraded when executions wait and nothing may run them: no server with FLOW_WORKERS and no `flow worker` alive. */
    private ExecutionsHealth executions(Workers.Queue queue) {
        Workers.Processes alive = workers.processes();
        return new ExecutionsHealth(queue.pending() > 0 && alive.slots() == 0 ? "degraded" : "healthy", alive.processes(), alive.slots());
    }

    private DatabaseHealth database() {
        long start = System.nanoTime();
        try {
            jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
            return new DatabaseHealth("healthy", round((System.nanoTime() - start) / 1e6));
        } catch (RuntimeException e) {
            return new DatabaseHealth("unhealthy", round((System.nanoTime() - start) / 1e6));
        }
    }

    private StorageHealth storage() {
        Storage.Health h = storage.health();
        Double gb = h.availableBytes().isPresent() ? round(h.availableBytes().getAsLong() / 1e9) : null;
        String status = !h.writable() ? "unhealthy" : gb != null && gb < LOW_STORAGE_GB ? "degraded" : "healthy";
        return new StorageHealth(status, gb);
    }

    private IntegrityHealth integrity() {
        return verifier.lastFinished()
                .map(r -> new IntegrityHealth(r.clean() ? "healthy" : "degraded", new VerificationSummary(r.started(), r.finished(), r.checked(),
                        r.missing().size(), r.corrupt().size(), r.orphaned().size())))
                .orElse(new IntegrityHealth("healthy", null));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
