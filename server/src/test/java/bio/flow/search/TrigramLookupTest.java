package bio.flow.search;

import static bio.flow.search.SearchFixtures.enc;
import static bio.flow.search.SearchFixtures.ids;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Text filters whose rare trigrams alone are looked up ({@link Trigrams}) find what looking up the whole text finds,
 * on every endpoint with a text filter. A server of its own, filled with a thousand unrelated names of each kind, so
 * that the trigrams of the test's random word are rare when the server samples them; among the names, some hold
 * every trigram of the word but not the word (only the test of the whole text after the lookup keeps them out).
 */
class TrigramLookupTest {
    private static TestServer server;
    private static Users.Account owner;
    private static String word;
    private static long project, described, sample1, sample2, data1, execution1, fileset1;

    @BeforeAll
    static void fill() {
        server = TestServer.start(Map.of());
        owner = Users.signUp(server, "trigrams");
        StringBuilder w = new StringBuilder("zq");
        for (int i = 0; i < 8; i++) w.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        word = w.toString();
        // every trigram of the word, but not the word: its first six letters, then its last seven
        String scrambled = word.substring(0, 6) + " x " + word.substring(3);
        SearchFixtures.fillWithUnrelatedNames(server, Users.signUp(server, "filler"));

        project = Fixtures.project(owner, "Project " + word + " one", false);
        long other = Fixtures.project(owner, scrambled, false);
        described = Fixtures.project(owner, "Described", false);
        server.sql("UPDATE projects SET description = 'All about " + word + "' WHERE id = " + described);
        server.sql("UPDATE projects SET description = '" + scrambled + "' WHERE id = " + other);
        sample1 = Fixtures.sample(owner, project, "RNA-seq " + word + " liver");
        sample2 = Fixtures.sample(owner, project, word.toUpperCase() + "_2");
        long scrambledSample = Fixtures.sample(owner, project, scrambled);
        byte[] reads = "@r1\nACGT\n+\nIIII\n".getBytes(StandardCharsets.UTF_8);
        data1 = Fixtures.upload(owner, word + "_R1.fastq", reads, Map.of("sample_id", sample1));
        Fixtures.upload(owner, scrambled + ".fastq", reads, Map.of("sample_id", scrambledSample));
        server.jdbi().useHandle(h -> {
            execution1 = h.createQuery("INSERT INTO executions (name, status, owner_id, project_id) VALUES (:n, 'completed', :o, :p) RETURNING id")
                    .bind("n", "Run of " + word).bind("o", owner.id()).bind("p", project).mapTo(Long.class).one();
            h.createUpdate("INSERT INTO executions (name, status, owner_id, project_id) VALUES (:n, 'completed', :o, :p)")
                    .bind("n", scrambled).bind("o", owner.id()).bind("p", project).execute();
            fileset1 = h.createQuery("INSERT INTO filesets (name, sample_id) VALUES (:n, :s) RETURNING id")
                    .bind("n", word + " pairs").bind("s", sample1).mapTo(Long.class).one();
            h.createUpdate("INSERT INTO filesets (name, sample_id) VALUES (:n, :s)").bind("n", scrambled).bind("s", sample2).execute();
        });
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void theWordsRareTrigramsAloneAreLookedUp() {
        // what the server's own sample says, taken the same way: the searches below go the way under test
        Trigrams trigrams = new Trigrams(server.jdbi());
        trigrams.sample();
        for (SearchKey key : SearchKey.values()) {
            assertThat(trigrams.lookups(key, word)).as(key.toString()).isNotEmpty().allMatch(t -> word.contains(t));
            assertThat(trigrams.lookups(key, "Filler")).as(key.toString()).isEmpty();
        }
    }

    @Test
    void everyTextFilterFindsTheWordAndOnlyTheWord() {
        var api = owner.api();
        // the word however written: case, separators
        for (String text : List.of(word, word.toUpperCase(), word.substring(0, 4) + "-" + word.substring(4))) {
            String f = "filter=" + enc(text);
            assertThat(ids(api, "/samples/search?" + f, "samples")).as(text).containsExactly(sample2, sample1);
            assertThat(ids(api, "/projects/search?" + f, "projects")).as(text).containsExactlyInAnyOrder(project, described);
            assertThat(ids(api, "/data/search?" + f, "data")).as(text).containsExactly(data1);
            assertThat(ids(api, "/executions/search?" + f, "executions")).as(text).containsExactly(execution1);
            assertThat(ids(api, "/filesets/search?" + f, "filesets")).as(text).containsExactly(fileset1);
            // the listings share the filter
            assertThat(Fixtures.ids(api.get("/samples/owned?" + f).json().path("samples"))).as(text).containsExactly(sample2, sample1);
            assertThat(Fixtures.ids(api.get("/projects/" + project + "/samples?" + f).json().path("samples"))).containsExactly(sample2, sample1);
            assertThat(Fixtures.ids(api.get("/projects/owned?" + f).json().path("projects"))).containsExactlyInAnyOrder(project, described);
            assertThat(Fixtures.ids(api.get("/data/owned?" + f).json().path("data"))).as(text).containsExactly(data1);
        }
    }

    @Test
    void theQuickSearchFindsTheWordAndOnlyTheWord() {
        JsonNode results = SearchFixtures.search(owner.api(), "/search?q=" + enc(word)).path("results");
        assertThat(Fixtures.ids(results.path("samples"))).containsExactly(sample2, sample1);
        // the project named with the word first, then the one whose description holds it
        assertThat(Fixtures.ids(results.path("projects"))).containsExactly(project, described);
        assertThat(Fixtures.ids(results.path("executions"))).containsExactly(execution1);
        assertThat(Fixtures.ids(results.path("data"))).containsExactly(data1);
    }

    @Test
    void othersFindNothing() {
        Users.Account stranger = Users.signUp(server, "stranger");
        for (var api : List.of(stranger.api(), server.client())) {
            assertThat(ids(api, "/samples/search?filter=" + word, "samples")).isEmpty();
            assertThat(ids(api, "/data/search?filter=" + word, "data")).isEmpty();
            assertThat(SearchFixtures.search(api, "/search?q=" + word).path("total_count").asLong()).isZero();
        }
    }
}
