package bio.flow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings of processes sharing one deployment: FLOW_WORKERS, the shared folders, the lease and the host name. */
class WorkerSettingsTest {
    private static final String DATA = "/srv/flow-data";

    private static Config config(Map<String, String> settings) {
        Map<String, String> env = new java.util.HashMap<>(settings);
        env.put("FLOW_DATA_DIR", DATA);
        return Config.fromMap(env);
    }

    @Test
    void defaultsKeepEverythingUnderTheDataDirectory() {
        Config c = config(Map.of());
        assertThat(c.workers()).isEqualTo(2);
        assertThat(c.workDir()).isEqualTo(Path.of(DATA, "runs"));
        assertThat(c.storageDir()).isEqualTo(Path.of(DATA, "files"));
        assertThat(c.pipelinesDir()).isEqualTo(Path.of(DATA, "pipelines"));
        assertThat(c.workerLeaseSeconds()).isEqualTo(60);
        assertThat(c.workerHost()).isNotBlank();
    }

    @Test
    void sharedFoldersAreAbsolute() {
        Config c = config(Map.of("FLOW_WORK_DIR", "/shared/work", "FLOW_STORAGE_DIR", "/shared/files", "FLOW_WORKER_HOST", "node-7"));
        assertThat(c.workDir()).isEqualTo(Path.of("/shared/work"));
        assertThat(c.storageDir()).isEqualTo(Path.of("/shared/files"));
        assertThat(c.workerHost()).isEqualTo("node-7");
        assertThatThrownBy(() -> config(Map.of("FLOW_WORK_DIR", "work")).workDir()).isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> config(Map.of("FLOW_WORKER_LEASE_SECONDS", "5")).workerLeaseSeconds()).isInstanceOf(Config.ConfigException.class);
        assertThatThrownBy(() -> config(Map.of("FLOW_WORKER_HOST", "a/b")).workerHost()).isInstanceOf(Config.ConfigException.class);
    }

    @Test
    void theOlderNameOfFlowWorkersIsRefusedRatherThanIgnored() {
        // ignored, it would make a server meant to run no execution run two
        assertThatThrownBy(() -> config(Map.of("FLOW_MAX_RUNNING_EXECUTIONS", "0")).workers()).isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("renamed FLOW_WORKERS");
    }
}
