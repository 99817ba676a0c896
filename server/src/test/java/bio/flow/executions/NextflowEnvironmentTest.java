package bio.flow.executions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Nextflow and its tasks get what they need of Flow's environment, never Flow's secrets. */
class NextflowEnvironmentTest {
    @Test
    void onlyTheAllowlistedVariablesReachNextflow() {
        Map<String, String> flow = Map.of("PATH", "/usr/bin", "HOME", "/home/flow", "LC_ALL", "C.UTF-8", "NXF_OPTS", "-Xmx1g",
                "FLOW_JWT_SECRET", "secret", "FLOW_DATABASE_PASSWORD", "db", "FLOW_ADMIN_PASSWORD", "admin",
                "FLOW_SMTP_PASSWORD", "smtp", "AWS_SECRET_ACCESS_KEY", "aws", "SLURM_CONF", "/etc/slurm/site.conf");

        assertThat(Nextflow.environment(flow)).isEqualTo(Map.of("PATH", "/usr/bin", "HOME", "/home/flow", "LC_ALL", "C.UTF-8",
                "NXF_OPTS", "-Xmx1g", "SLURM_CONF", "/etc/slurm/site.conf"));
    }
}
