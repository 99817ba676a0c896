package bio.flow.search;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SearchListing: a search's statements run read-only with a time limit, and those that find matches are planned for
 * their values every time, but for those written to be planned once.
 */
class SearchListingTest {
    private final TestServer server = TestServer.shared();

    @Test
    void aSearchRunsReadOnlyWithATimeout() {
        String settings = SearchListing.run(server.jdbi(), h -> h.createQuery(
                "SELECT current_setting('transaction_read_only') || ' ' || current_setting('statement_timeout')").mapTo(String.class).one());
        assertThat(settings).isEqualTo("on " + SearchListing.TIMEOUT);
        // the settings end with the search's transaction
        String after = server.jdbi().withHandle(h -> h.createQuery("SELECT current_setting('statement_timeout')").mapTo(String.class).one());
        assertThat(after).isEqualTo("0");
    }

    @Test
    void statementsThatFindMatchesAreNeverPreparedOnTheServer() {
        // A statement the driver prepares on the server (after its fifth run on a connection) may get a generic plan;
        // one that finds matches is sent unnamed every time, so PostgreSQL plans it with the values given.
        String sql = "SELECT count(*) FROM projects WHERE name = :name AND %s IS NOT NULL";
        List<String> prepared = server.jdbi().withHandle(h -> {
            for (int i = 0; i < 12; i++) {
                SearchListing.matching(h, sql.formatted("'matching'")).bind("name", "p" + i).mapTo(Long.class).one();
                h.createQuery(sql.formatted("'plain'")).bind("name", "p" + i).mapTo(Long.class).one();
            }
            return h.createQuery("SELECT statement FROM pg_prepared_statements").mapTo(String.class).list();
        });
        assertThat(prepared).as("the control: a plain statement is prepared").anyMatch(s -> s.contains("'plain'"));
        assertThat(prepared).noneMatch(s -> s.contains("'matching'"));
    }

    @Test
    void aStatementPlannedOnceIsPreparedWithAGenericPlanFromItsFirstRun() {
        String sql = "SELECT count(*) FROM projects WHERE name = :name AND 'once' IS NOT NULL";
        record Plans(long generic, long custom) {}
        Plans plans = server.jdbi().withHandle(h -> {
            for (int i = 0; i < 3; i++) {
                String name = "p" + i;
                h.inTransaction(t -> SearchListing.planOnce(t, sql).bind("name", name).mapTo(Long.class).one());
            }
            // the setting ends with the transaction: a statement after it is planned as usual
            assertThat(h.createQuery("SELECT current_setting('plan_cache_mode')").mapTo(String.class).one()).isEqualTo("auto");
            return h.createQuery("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%''once''%'")
                    .map((rs, ctx) -> new Plans(rs.getLong(1), rs.getLong(2))).one();
        });
        assertThat(plans).isEqualTo(new Plans(3, 0));
    }
}
