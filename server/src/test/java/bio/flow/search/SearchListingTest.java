package bio.flow.search;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.TestServer;
import org.junit.jupiter.api.Test;

/** SearchListing.run: a search's statements run read-only, planned for their values, with a time limit. */
class SearchListingTest {
    private final TestServer server = TestServer.shared();

    @Test
    void aSearchRunsReadOnlyWithCustomPlansAndATimeout() {
        String settings = SearchListing.run(server.jdbi(), h -> h.createQuery(
                "SELECT current_setting('transaction_read_only') || ' ' || current_setting('plan_cache_mode') || ' ' "
                        + "|| current_setting('statement_timeout')").mapTo(String.class).one());
        assertThat(settings).isEqualTo("on force_custom_plan " + SearchListing.TIMEOUT);
        // the settings end with the search's transaction
        String after = server.jdbi().withHandle(h -> h.createQuery("SELECT current_setting('plan_cache_mode')").mapTo(String.class).one());
        assertThat(after).isEqualTo("auto");
    }
}
