package bio.flow.executions;

import bio.flow.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Nextflow configuration each run gets ({@link RunDirectory#config()}, passed with {@code -c}), the one place that
 * writes it. Nextflow applies a configuration's settings in order, a later one replacing an earlier one, and a
 * {@code -c} file's over the pipeline's own {@code nextflow.config}; so the text is, in this order:
 * <ol>
 *   <li>the executor and its options from Flow's settings (FLOW_NEXTFLOW_EXECUTOR, _QUEUE, _CLUSTER_OPTIONS,
 *       _QUEUE_SIZE, _POLL_INTERVAL), each value a quoted Groovy string literal: a value is data, never code;</li>
 *   <li>the operator's FLOW_NEXTFLOW_CONFIG file, as it is (a deployment's other settings: memory limits, a
 *       scratch directory, an executor's credentials or plugin options);</li>
 *   <li>the pipeline version's {@code config} (set by a site admin at registration): per-pipeline resources and
 *       executor options, which therefore win over both;</li>
 *   <li>the trace settings Flow reads its tasks' states with, last so that no configuration can change them.</li>
 * </ol>
 * Nextflow's process selectors ({@code withName:}, {@code withLabel:}) outrank plain {@code process.*} settings wherever
 * they are written, so a pipeline's own selectors beat Flow's and the operator's plain settings; a version's config
 * overrides those with selectors of its own.
 */
final class RunConfiguration {
    private final String executor;
    private final Optional<String> queue;
    private final Optional<String> clusterOptions;
    private final Optional<Integer> queueSize;
    private final Optional<String> pollInterval;
    private final String operatorConfig;

    RunConfiguration(String executor, Optional<String> queue, Optional<String> clusterOptions, Optional<Integer> queueSize,
                     Optional<String> pollInterval, String operatorConfig) {
        this.executor = executor;
        this.queue = queue;
        this.clusterOptions = clusterOptions;
        this.queueSize = queueSize;
        this.pollInterval = pollInterval;
        this.operatorConfig = operatorConfig;
    }

    /** From Flow's settings; reads the FLOW_NEXTFLOW_CONFIG file once (a change takes a restart). */
    static RunConfiguration of(Config config) {
        return new RunConfiguration(config.nextflowExecutor(), config.nextflowQueue(), config.nextflowClusterOptions(),
                config.nextflowQueueSize(), config.nextflowPollInterval(), config.nextflowConfig().map(RunConfiguration::read).orElse(""));
    }

    /** The executor tasks run on unless a version's config says otherwise. */
    String executor() {
        return executor;
    }

    /** The text of a run of a version whose own configuration is {@code versionConfig} (may be empty). */
    String text(String versionConfig) {
        StringBuilder s = new StringBuilder();
        s.append("// Written by Flow for this run. Later settings replace earlier ones: Flow's executor settings, the operator's\n")
                .append("// FLOW_NEXTFLOW_CONFIG, the pipeline version's config, then the trace Flow reads.\n");
        s.append("process.executor = ").append(literal(executor)).append('\n');
        queue.ifPresent(q -> s.append("process.queue = ").append(literal(q)).append('\n'));
        clusterOptions.ifPresent(o -> s.append("process.clusterOptions = ").append(literal(o)).append('\n'));
        queueSize.ifPresent(n -> s.append("executor.queueSize = ").append(n).append('\n'));
        pollInterval.ifPresent(d -> s.append("executor.pollInterval = ").append(literal(d)).append('\n'));
        s.append("\n// FLOW_NEXTFLOW_CONFIG\n").append(operatorConfig).append('\n');
        s.append("\n// The pipeline version's config\n").append(versionConfig).append('\n');
        s.append("\n// What Flow reads of each task\ntrace.fields = ").append(literal(RunEvents.TRACE_FIELDS)).append("\ntrace.raw = true\n");
        return s.toString();
    }

    /**
     * A single-quoted Groovy string literal holding exactly {@code value}: no interpolation happens in single quotes, and
     * a quote, a backslash, a line break or any other control character is escaped, so the value cannot end the
     * literal or the line.
     */
    static String literal(String value) {
        StringBuilder s = new StringBuilder("'");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> s.append("\\\\");
                case '\'' -> s.append("\\'");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) s.append(String.format("\\u%04x", (int) c));
                    else s.append(c);
                }
            }
        }
        return s.append('\'').toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new Config.ConfigException("cannot read FLOW_NEXTFLOW_CONFIG " + file + ": " + e.getMessage());
        }
    }
}
