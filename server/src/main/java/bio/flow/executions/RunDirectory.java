package bio.flow.executions;

import java.nio.file.Path;

/**
 * Where one execution's files are: {@code <work dir>/<execution id>/} (FLOW_WORK_DIR, by default
 * {@code <data dir>/runs}), Nextflow's launch directory. The one place that names them.
 */
public record RunDirectory(Path root) {
    public static RunDirectory of(Path workDir, long executionId) {
        return new RunDirectory(workDir.resolve(Long.toString(executionId)));
    }

    /**
     * Until when (epoch ms, this host's clock) the Nextflow of a launch may go on: written by the worker holding the
     * run's lease at each renewal, watched by Flow's plugin in that Nextflow (one file per launch, so that a worker
     * resuming the run never extends a former launch's time).
     */
    public Path lease(int launch) {
        return root.resolve("lease-" + launch);
    }

    /** Nextflow's own log ({@code -log}), served by {@code GET /executions/<id>/log}. */
    public Path nextflowLog() {
        return root.resolve(".nextflow.log");
    }

    /** Where the pipeline publishes its outputs (Flow passes it as the version's outdir parameter). */
    public Path results() {
        return root.resolve("results");
    }

    /** The nf-core samplesheet of a {@code samplesheet} version's run. */
    public Path samplesheet() {
        return root.resolve("samplesheet.csv");
    }

    /** The run's reads, staged as symbolic links named for their sample ({@code <sample>_1.fastq.gz}). */
    public Path reads() {
        return root.resolve("reads");
    }

    /** The data parameters' files, staged as {@code inputs/<parameter>/<filename>} symbolic links. */
    public Path inputs() {
        return root.resolve("inputs");
    }

    /** Copies of the inputs of a storage without local files (S3), downloaded for the run, one per data id. */
    public Path staged() {
        return root.resolve("staged");
    }

    /** {@code {"<name the pipeline saw>": sample id}}: how outputs are traced back to the samples they came from. */
    public Path samples() {
        return root.resolve("samples.json");
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
