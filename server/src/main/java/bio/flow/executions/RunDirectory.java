package bio.flow.executions;

import java.nio.file.Path;

/**
 * Where one execution's files are: {@code <data dir>/runs/<execution id>/}, Nextflow's launch directory. The one
 * place that names them.
 */
public record RunDirectory(Path root) {
    public static RunDirectory of(Path dataDir, long executionId) {
        return new RunDirectory(dataDir.resolve("runs").resolve(Long.toString(executionId)));
    }

    /** Nextflow's own log ({@code -log}), served by {@code GET /executions/<id>/log}. */
    public Path nextflowLog() {
        return root.resolve(".nextflow.log");
    }

    /** Where the pipeline publishes its outputs (Flow passes it as the version's outdir parameter). */
    public Path results() {
        return root.resolve("results");
    }

    /** Nextflow's work directory: the tasks' own directories. */
    public Path work() {
        return root.resolve("work");
    }

    /** The run's parameters as Nextflow reads them ({@code -params-file}). */
    public Path params() {
        return root.resolve("params.json");
    }

    /** The configuration Flow writes for each launch ({@code -c}): executor and the operator's and version's text. */
    public Path config() {
        return root.resolve("flow.config");
    }

    /** Where Flow's Nextflow plugin appends the run's events, one JSON object per line, across launches. */
    public Path events() {
        return root.resolve("events.jsonl");
    }

    /**
     * Nextflow's trace file ({@code -with-trace}) of a launch: a row per finished task. One per launch (trace.txt, then
     * trace-1.txt for the first -resume, ...): Nextflow refuses to start on an existing trace file.
     */
    public Path trace(int launch) {
        return root.resolve(launch == 0 ? "trace.txt" : "trace-" + launch + ".txt");
    }

    /** What Nextflow printed (its errors among it), appended to across launches. */
    public Path stdout() {
        return root.resolve("nextflow.stdout");
    }

    public Path stderr() {
        return root.resolve("nextflow.stderr");
    }
}
