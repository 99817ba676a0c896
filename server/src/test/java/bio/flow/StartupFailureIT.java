package bio.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.testing.FlowProcess;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that cannot finish starting exits with status 1 and says why; it never stays up half-started
 * (answering /ping while its start-up failed). Runs the packaged server as a process (failsafe).
 */
class StartupFailureIT {

    private static void assertFailedToStart(FlowProcess flow, String message) throws Exception {
        assertThat(flow.awaitExit(120)).as("the server exits by itself: %s", flow.output()).isTrue();
        assertThat(flow.process().exitValue()).isEqualTo(1);
        assertThat(flow.text()).contains(message);
        assertThatThrownBy(() -> new Socket("127.0.0.1", flow.port()).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void aFailureAtStartExitsNonZeroWithTheReasonAndLeavesNothingListening(@TempDir Path dir) throws Exception {
        FlowProcess flow = FlowProcess.launch(dir, Map.of("FLOW_ADMIN_USERNAME", "admin", "FLOW_ADMIN_PASSWORD", "short"), "022");
        try {
            assertFailedToStart(flow, "flow: FLOW_ADMIN_PASSWORD: must be at least");
        } finally {
            flow.stop();
        }
    }

    @Test
    void anAccountSomeoneSignedUpUnderTheAdminNameStopsTheStart(@TempDir Path dir) throws Exception {
        FlowProcess first = FlowProcess.launch(dir, Map.of(), "022");
        try {
            first.awaitPong();
            assertThat(first.post("/signup", "{\"username\":\"boss\",\"email\":\"boss@example.org\",\"password\":\"long-password-1\"}")
                    .statusCode()).isEqualTo(201);
        } finally {
            first.stop();
        }
        FlowProcess again = FlowProcess.launch(dir, Map.of("FLOW_ADMIN_USERNAME", "boss", "FLOW_ADMIN_PASSWORD", "another-password-1"), "022");
        try {
            assertFailedToStart(again, "flow: FLOW_ADMIN_USERNAME is 'boss', but the account 'boss' was not created by FLOW_ADMIN_USERNAME");
        } finally {
            again.stop();
        }
    }
}
