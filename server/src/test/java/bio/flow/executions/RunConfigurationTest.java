package bio.flow.executions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.config.Config;
import bio.flow.testing.TempDirs;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each run's flow.config as Nextflow itself reads it: the text {@link RunConfiguration} writes is resolved by real
 * Nextflow ({@code nextflow -c flow.config config -properties}), whose answer is compared with what was meant.
 */
class RunConfigurationTest {
    @Test
    void executorSettingsReachNextflowAsTheyAreAndCannotInjectConfiguration() throws Exception {
        // Each tries to end its literal and set something else, or to run code when the file is parsed.
        String queue = "short' \nprocess.cpus = 99 //";
        String clusterOptions = "--account='lab' \"${System.exit(3)}\" $HOME \\' \\u0027 \\\\u0027\r\n"
                + "executor.name = 'local'\t\u0001 end";
        Config config = Config.fromMap(Map.of("FLOW_NEXTFLOW_EXECUTOR", "slurm", "FLOW_NEXTFLOW_QUEUE", queue,
                "FLOW_NEXTFLOW_CLUSTER_OPTIONS", clusterOptions, "FLOW_NEXTFLOW_QUEUE_SIZE", "7", "FLOW_NEXTFLOW_POLL_INTERVAL", "2s"));

        Map<String, String> resolved = resolve(RunConfiguration.of(config).text(""));

        Map<String, String> expected = new HashMap<>(Map.of("process.executor", "slurm", "process.queue", queue,
                "process.clusterOptions", clusterOptions.strip(), "executor.queueSize", "7", "executor.pollInterval", "2s",
                "trace.fields", RunEvents.TRACE_FIELDS, "trace.raw", "true"));
        assertThat(resolved).isEqualTo(expected);
    }

    @Test
    void theVersionsConfigOverridesTheOperatorsWhichOverridesFlowsSettingsButNotTheTrace() throws Exception {
        Path operatorConfig = Files.createTempFile("flow-operator", ".config");
        try {
            Files.writeString(operatorConfig, "process.queue = 'operator'\nprocess.cpus = 2\nprocess.memory = '1 GB'\n"
                    + "process.clusterOptions = '--qos=normal'\n");
            Config config = Config.fromMap(Map.of("FLOW_NEXTFLOW_EXECUTOR", "slurm", "FLOW_NEXTFLOW_QUEUE", "flow",
                    "FLOW_NEXTFLOW_QUEUE_SIZE", "50", "FLOW_NEXTFLOW_CONFIG", operatorConfig.toString()));
            String version = "process.queue = 'bigmem'\nprocess.cpus = 8\nprocess.executor = 'local'\nexecutor.queueSize = 3\n"
                    + "process { withName: 'QUANT' { memory = '64 GB' } }\ntrace.fields = 'name'\ntrace.raw = false\n";

            Map<String, String> resolved = resolve(RunConfiguration.of(config).text(version));

            assertThat(resolved).containsEntry("process.queue", "bigmem").containsEntry("process.cpus", "8")
                    .containsEntry("process.executor", "local").containsEntry("executor.queueSize", "3")
                    .containsEntry("process.memory", "1 GB").containsEntry("process.clusterOptions", "--qos=normal")
                    .containsEntry("process.withName:QUANT.memory", "64 GB")
                    .containsEntry("trace.fields", RunEvents.TRACE_FIELDS).containsEntry("trace.raw", "true");
        } finally {
            Files.delete(operatorConfig);
        }
    }

    @Test
    void unknownExecutorsAndMalformedOptionsStopTheStart() {
        assertThatThrownBy(() -> Config.fromMap(Map.of("FLOW_NEXTFLOW_EXECUTOR", "slurmm")).nextflowExecutor())
                .isInstanceOf(Config.ConfigException.class).hasMessageContaining("must be one of local, slurm,").hasMessageContaining("'slurmm'");
        assertThat(Config.fromMap(Map.of()).nextflowExecutor()).isEqualTo("local");
        assertThat(Config.fromMap(Map.of("FLOW_NEXTFLOW_EXECUTOR", "google-batch")).nextflowExecutor()).isEqualTo("google-batch");
        assertThatThrownBy(() -> Config.fromMap(Map.of("FLOW_NEXTFLOW_QUEUE_SIZE", "0")).nextflowQueueSize())
                .isInstanceOf(Config.ConfigException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> Config.fromMap(Map.of("FLOW_NEXTFLOW_POLL_INTERVAL", "5' + x")).nextflowPollInterval())
                .isInstanceOf(Config.ConfigException.class).hasMessageContaining("a duration such as");
        assertThat(Config.fromMap(Map.of("FLOW_NEXTFLOW_POLL_INTERVAL", "1min")).nextflowPollInterval()).contains("1min");
    }

    /** What Nextflow makes of a configuration text: every setting, flattened (its {@code config -properties} output). */
    private static Map<String, String> resolve(String text) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("flow-run-config");
        try {
            Files.writeString(dir.resolve("flow.config"), text);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            for (String p : Nextflow.OPENS) cmd.add("--add-opens=java.base/" + p + "=ALL-UNNAMED");
            cmd.addAll(List.of("-cp", Path.of("target/nextflow/lib").toAbsolutePath() + "/*", "nextflow.cli.Launcher",
                    "-log", dir.resolve(".nextflow.log").toString(), "-c", "flow.config", "config", "-properties"));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(dir.resolve("stderr").toFile());
            pb.environment().put("NXF_HOME", dir.resolve("home").toString());
            pb.environment().put("NXF_OFFLINE", "true");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("nextflow config: %s\n%s", out, Files.readString(dir.resolve("stderr"))).isZero();
            Properties props = new Properties();
            props.load(new StringReader(out));
            Map<String, String> resolved = new HashMap<>();
            props.stringPropertyNames().forEach(k -> resolved.put(k, props.getProperty(k)));
            return resolved;
        } finally {
            TempDirs.delete(dir);
        }
    }
}
