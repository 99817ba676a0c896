package bio.flow.search;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * GET /search for texts that many names hold inside them, on a server whose sample holds a thousand "Filler ..." names
 * of each kind ({@link SearchFixtures#fillWithUnrelatedNames}): {@code ample} is inside every "Filler sample N" (the
 * samples are walked newest first, the other kinds looked up through rare trigrams), {@code ller} inside every
 * filler name of every kind and description (all walked). Both are read by the statement planned once that holds
 * both ways ({@link QuickSearch.Statement#generic}); ranks, counts and who sees what must be the same as the other
 * ways ({@link QuickSearchTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuickSearchWalkTest {
    private TestServer server;
    /** A sample taken as the server's was, before the tests add their names (which would change the shares). */
    private Trigrams trigrams;

    @BeforeAll
    void start() {
        server = TestServer.start(Map.of());
        SearchFixtures.fillWithUnrelatedNames(server, Users.signUp(server, "qwfiller"));
        trigrams = new Trigrams(server.jdbi());
        trigrams.sample();
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    private static JsonNode search(Api api, String q, String more) {
        Api.Res r = api.get("/search?q=" + q + more);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private long execution(Users.Account owner, String name, Long project) {
        return SearchFixtures.execution(server, owner, name, project);
    }

    private long file(Users.Account owner, String filename, long sample) {
        return Fixtures.upload(owner, filename, "@r1\nACGT\n+\nIIII\n".getBytes(StandardCharsets.UTF_8), Map.of("sample_id", sample));
    }

    @Test
    void aTextInsideManyNamesIsWalkedByTheStatementPlannedOnce() {
        QuickSearch.Statement ample = QuickSearch.statement("ample", trigrams);
        assertThat(ample.generic()).isTrue();
        assertThat(ample.parameters())
                .containsEntry("sample_name_walk", true).containsEntry("sample_name_lookup", false).containsEntry("sample_name_prefix_end", "amplf")
                .containsEntry("data_filename_lookup", true).containsEntry("data_filename_walk", false)
                .containsEntry("project_name_lookup", true).containsEntry("execution_name_lookup", true);
        QuickSearch.Statement ller = QuickSearch.statement("LLER", trigrams);
        assertThat(ller.parameters()).containsEntry("sample_name_walk", true).containsEntry("project_name_walk", true)
                .containsEntry("project_description_walk", true).containsEntry("execution_name_walk", true)
                .containsEntry("data_filename_walk", true).containsEntry("data_filename_prefix_end", "lles");
        // one text for every text so read, whichever way each column goes: one plan per connection
        assertThat(ller.sql()).isEqualTo(ample.sql());
        // a text that many names start with is planned for the text, as is one that is not ASCII
        assertThat(QuickSearch.statement("Filler", trigrams).generic()).isFalse();
        assertThat(QuickSearch.statement("ampleé", trigrams).generic()).isFalse();
    }

    @Test
    void walkedNamesKeepTheRanks() {
        Users.Account a = Users.signUp(server, "qwrank");
        long project = Fixtures.project(a, "Walk ranks", false);
        long prefix = Fixtures.sample(a, project, "Ample stock"); // the oldest
        long exact = Fixtures.sample(a, project, "AMPLE");
        long word = Fixtures.sample(a, project, "Stock ample 2");
        long substring = Fixtures.sample(a, project, "Resample 3"); // the newest
        JsonNode j = search(a.api(), "ample", "");
        assertThat(Fixtures.ids(j.path("results").path("samples"))).containsExactly(exact, prefix, word, substring);
        assertThat(j.path("counts").path("samples").asLong()).isEqualTo(4);
        assertThat(j.path("count_capped").asBoolean()).isFalse();
        // the walk reads the newest `limit` other matches, and they are counted, capped
        JsonNode one = search(a.api(), "ample", "&limit=1");
        assertThat(Fixtures.ids(one.path("results").path("samples"))).containsExactly(exact);
        assertThat(one.path("counts").path("samples").asLong()).isEqualTo(3);
        assertThat(one.path("count_capped").asBoolean()).isTrue();
        JsonNode two = search(a.api(), "ample", "&limit=2");
        assertThat(two.path("counts").path("samples").asLong()).isEqualTo(4);
        assertThat(two.path("count_capped").asBoolean()).isTrue();
    }

    @Test
    void walkedNamesReachOnlyThoseWhoMayReadThem() {
        Users.Account owner = Users.signUp(server, "qwowner");
        Users.Account reader = Users.signUp(server, "qwreader");
        Users.Account editor = Users.signUp(server, "qweditor");
        Users.Account stranger = Users.signUp(server, "qwstranger");
        Users.Account admin = Users.admin(server);
        long secret = Fixtures.project(owner, "Secret caller project", false);
        long secretSample = Fixtures.sample(owner, secret, "Secret caller");
        long secretRun = execution(owner, "Secret caller run", secret);
        long secretFile = file(owner, "secret_caller.fastq", secretSample);
        long open = Fixtures.project(owner, "Open caller project", true);
        long openSample = Fixtures.sample(owner, open, "Open caller");
        long openRun = execution(owner, "Open caller run", open);
        long openFile = file(owner, "open_caller.fastq", openSample);
        long described = Fixtures.project(owner, "Open plain", true); // its description holds the text, not its name
        server.sql("UPDATE projects SET description = 'Made by a caller' WHERE id = " + described);
        Fixtures.shareWithUser(owner, "projects", secret, reader, 1);
        Fixtures.shareWithUser(owner, "projects", secret, editor, 2);

        record Seen(List<Long> projects, List<Long> samples, List<Long> executions, List<Long> data) {}
        Seen all = new Seen(List.of(open, secret, described), List.of(openSample, secretSample), List.of(openRun, secretRun),
                List.of(openFile, secretFile));
        java.util.function.Function<Api, Seen> seen = api -> {
            JsonNode r = search(api, "ller", "").path("results");
            // the filler's things reach the admin too: only this test's are compared, kind by kind
            return new Seen(Fixtures.ids(r.path("projects")).stream().filter(all.projects()::contains).toList(),
                    Fixtures.ids(r.path("samples")).stream().filter(all.samples()::contains).toList(),
                    Fixtures.ids(r.path("executions")).stream().filter(all.executions()::contains).toList(),
                    Fixtures.ids(r.path("data")).stream().filter(all.data()::contains).toList());
        };
        Seen publicOnly = new Seen(List.of(open, described), List.of(openSample), List.of(openRun), List.of(openFile));
        assertThat(seen.apply(owner.api())).isEqualTo(all);
        assertThat(seen.apply(reader.api())).isEqualTo(all);
        assertThat(seen.apply(editor.api())).isEqualTo(all);
        // the admin reads the filler's projects too, whose names hold the text: they rank before a description
        assertThat(seen.apply(admin.api())).isEqualTo(new Seen(List.of(open, secret), all.samples(), all.executions(), all.data()));
        assertThat(seen.apply(stranger.api())).isEqualTo(publicOnly);
        assertThat(seen.apply(server.client())).isEqualTo(publicOnly);
        // nothing private in the answer's text either (names, ids or counts), nor any filler's
        assertThat(search(server.client(), "ller", "").toString()).doesNotContain("ecret").doesNotContain("Filler");
        assertThat(search(stranger.api(), "ller", "").path("total_count").asLong()).isEqualTo(5);
    }

    @Test
    void aWordRunIsWholeWordsAfterTheFirst() {
        Map<String, Boolean> cases = Map.of(
                "seqsample", true, "sample", true, "sample1", true, "seqsample1", true,
                "rnaseq", false, "ample", false, "seqsampl", false, "", false);
        cases.forEach((key, expected) -> assertThat(isWordRun("RNA-seq Sample 1", key)).as(key).isEqualTo(expected));
        assertThat(isWordRun("a b c d e f g h i j", "bcdefghi")).isTrue(); // eight words
        assertThat(isWordRun("a b c d e f g h i j", "bcdefghij")).isFalse(); // nine
        assertThat(isWordRun("x -- Über_Gene", "Über gene")).isTrue(); // a key as search_key makes it
    }

    /** Whether the search key of {@code text} is a run of whole words of {@code name}. */
    private boolean isWordRun(String name, String text) {
        return server.jdbi().withHandle(h -> h.createQuery("SELECT search_is_word_run(:name, search_key(:text))")
                .bind("name", name).bind("text", text).mapTo(Boolean.class).one());
    }
}
