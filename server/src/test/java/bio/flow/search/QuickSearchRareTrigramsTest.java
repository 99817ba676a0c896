package bio.flow.search;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link QuickSearchTest}'s tests where the words' trigrams are rare: the server holds a thousand unrelated names of
 * each kind when it samples them, so each kind's matches are found by one part through the words' rare trigrams and
 * the statement is planned once for every text ({@link QuickSearch.Statement#generic}). Ranks, counts, limits and
 * who sees what must not depend on the way.
 */
class QuickSearchRareTrigramsTest extends QuickSearchTest {
    @Override
    TestServer startServer() {
        TestServer own = TestServer.start(Map.of());
        SearchFixtures.fillWithUnrelatedNames(own, Users.signUp(own, "qsfiller"));
        return own;
    }

    @Test
    void theWordsGoThroughTheirRareTrigrams() {
        // what the server's sample says, taken the same way: the tests here go the way under test
        Trigrams trigrams = new Trigrams(server.jdbi());
        trigrams.sample();
        QuickSearch.Statement statement = QuickSearch.statement(word(), trigrams);
        assertThat(statement.generic()).isTrue();
        assertThat(statement.parameters()).hasEntrySatisfying("sample_name_0", pattern -> assertThat(pattern).asString().matches("%[a-z]{3}%"));
        // one text for every text planned once (a plan per text would be kept by every connection): a text of
        // three letters has one trigram to look up, a long one six
        for (String other : List.of("zqx", word() + " " + word(), "Run-" + word())) {
            assertThat(QuickSearch.statement(other, trigrams)).as(other).satisfies(s -> {
                assertThat(s.generic()).isTrue();
                assertThat(s.sql()).isEqualTo(statement.sql());
            });
        }
        // a name many rows share is looked up whole, planned for the text
        assertThat(QuickSearch.statement("Filler", trigrams).generic()).isFalse();
    }
}
