package bio.flow.pipelines;

import java.nio.file.Path;
import java.util.List;

/**
 * What the execution engine needs to know of a pipeline version to run it.
 *
 * @param directory   where the pipeline's files are (the registered directory, or the pinned checkout)
 * @param inputStyle  {@code samplesheet} or {@code reads_glob}
 * @param inputParam  the parameter Flow sets to the samplesheet or the reads glob
 * @param outdirParam the parameter Flow sets to the run's results directory
 * @param config      extra Nextflow configuration text for every run of this version (may be empty)
 * @param parameters  the parameters users may set (Flow's own input and outdir parameters are not among them)
 */
public record RunnableVersion(long id, long pipelineId, String pipeline, String version, Path directory, String mainScript,
                              String inputStyle, String inputParam, String outdirParam, List<String> profiles, String config,
                              List<Parameter> parameters, boolean retired) {}
