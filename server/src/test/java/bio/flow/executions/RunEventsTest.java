package bio.flow.executions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's whole events file counts for what is decided once per run, however long it is. */
class RunEventsTest {
    @Test
    void anEventsFileLargerThanOneReadIsReadToItsLastLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");
        String task = "{\"event\":\"task_completed\",\"task_id\":1,\"process\":\"GREET\",\"name\":\"GREET (1)\",\"status\":\"COMPLETED\",\"exit\":0}\n";
        long lines = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("{\"event\":\"flow_begin\",\"session\":\"s-1\",\"run_name\":\"big\"}\n");
            for (long written = 0; written <= RunEvents.READ_CHUNK_BYTES; written += task.length(), lines++) w.write(task);
            w.write("{\"event\":\"flow_complete\",\"success\":true}\n");
        }
        assertThat(Files.size(file)).isGreaterThan(RunEvents.READ_CHUNK_BYTES);

        List<com.fasterxml.jackson.databind.JsonNode> events = RunEvents.all(file);

        assertThat(events).hasSize((int) lines + 2);
        assertThat(RunEvents.outcome(events)).isEqualTo(Optional.of(true));
        assertThat(RunEvents.session(events)).contains("s-1");
    }

    @Test
    void theEndOfALaunchThatStoppedItselfForALostLeaseIsNoOutcomeAndTheNextLaunchDecides(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");
        Files.writeString(file, "{\"event\":\"flow_begin\",\"session\":\"s-1\"}\n{\"event\":\"lease_lost\"}\n{\"event\":\"flow_error\"}\n"
                + "{\"event\":\"flow_complete\",\"success\":false}\n");
        assertThat(RunEvents.outcome(RunEvents.all(file))).isEmpty();
        assertThat(RunEvents.leaseLost(RunEvents.all(file))).isTrue();

        Files.writeString(file, "{\"event\":\"flow_begin\",\"session\":\"s-1\"}\n{\"event\":\"flow_complete\",\"success\":false}\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(RunEvents.outcome(RunEvents.all(file))).contains(false);
        assertThat(RunEvents.leaseLost(RunEvents.all(file))).isFalse();
    }
}
