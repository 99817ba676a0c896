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

    /** {@code {"<name the pipeline saw>": sample id}}: how outputs are traced back to the samples they came from. */
    public Path samples() {
        return root.resolve("samples.json");
    }

    /** Nextflow's work directory: the tasks' own directories. */
    public Path work() {
        return root.resolve("work");
    }
}
