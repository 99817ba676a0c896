package bio.flow.executions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a run's end is judged from Nextflow's exit status and its last flow_complete event. */
class WorkersTest {
    @Test
    void anExitStatusOfZeroIsASuccessEvenWhenTheCompletionEventWasLost() {
        assertThat(Workers.succeeded(Optional.empty(), 0)).isTrue(); // the plugin could not write flow_complete
        assertThat(Workers.succeeded(Optional.of(true), 0)).isTrue();
        assertThat(Workers.succeeded(Optional.of(false), 0)).isFalse();
        assertThat(Workers.succeeded(Optional.of(true), 1)).isFalse();
        assertThat(Workers.succeeded(Optional.empty(), 1)).isFalse();
        // re-attached: no exit status, the event alone tells
        assertThat(Workers.succeeded(Optional.of(true), null)).isTrue();
        assertThat(Workers.succeeded(Optional.empty(), null)).isFalse();
    }
}
