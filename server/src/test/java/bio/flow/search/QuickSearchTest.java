package bio.flow.search;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * GET /search over real HTTP. Every test names its things with a word of random letters of its own ({@link #word}),
 * so that what the other tests put on the server does not match its queries.
 *
 * <p>The server is the class's own, whose trigram sample was taken with no names yet: every text is looked up whole,
 * by the parts planned for the text ({@link QuickSearch.Statement}). {@link QuickSearchRareTrigramsTest} runs the same
 * tests on a server where the words' trigrams are rare, which the other way of reading the matches serves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuickSearchTest {
    TestServer server;

    @BeforeAll
    void start() {
        server = startServer();
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    TestServer startServer() {
        return TestServer.start(Map.of());
    }

    /** A word of 10 random letters, unlike any other test's. */
    static String word() {
        StringBuilder w = new StringBuilder("zq");
        for (int i = 0; i < 8; i++) w.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        return w.toString();
    }

    private static Api.Res search(Api api, String q, String more) {
        return api.get("/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + more);
    }

    private static List<String> names(JsonNode results) {
        List<String> names = new ArrayList<>();
        results.forEach(r -> names.add(r.path("name").asText()));
        return names;
    }

    private long execution(Users.Account owner, String name, Long project) {
        return SearchFixtures.execution(server, owner, name, project);
    }

    private long file(Users.Account owner, String filename, Long sample) {
        return Fixtures.upload(owner, filename, "@r1\nACGT\n+\nIIII\n".getBytes(StandardCharsets.UTF_8),
                sample == null ? Map.of() : Map.of("sample_id", sample));
    }

    @Test
    void theReferenceExample() {
        try (TestServer own = TestServer.start(Map.of())) {
            Users.Account a = Users.signUp(own, "qsref");
            long project = Fixtures.project(a, "Expression atlas", false);
            long sample = Fixtures.sample(a, project, "RNA-seq Sample 1");
            Api.Res r = search(a.api(), "rna-seq", "");
            assertThat(r.status()).isEqualTo(200);
            JsonNode j = r.json();
            assertThat(j.path("results").path("samples")).hasSize(1);
            JsonNode hit = j.path("results").path("samples").get(0);
            assertThat(hit.path("id").asLong()).isEqualTo(sample);
            assertThat(hit.path("name").asText()).isEqualTo("RNA-seq Sample 1");
            assertThat(hit.path("type").asText()).isEqualTo("sample");
            assertThat(hit.path("url").asText()).isEqualTo("/samples/" + sample + "/");
            assertThat(j.path("results").path("projects")).isEmpty();
            assertThat(j.path("results").path("executions")).isEmpty();
            assertThat(j.path("results").path("data")).isEmpty();
            assertThat(j.path("total_count").asLong()).isEqualTo(1);
            assertThat(j.path("query").asText()).isEqualTo("rna-seq");
            assertThat(j.path("count_capped").asBoolean()).isFalse();
            assertThat(j.path("counts").path("samples").asLong()).isEqualTo(1);
        }
    }

    @Test
    void eachKindWithItsTypeAndUrl() {
        Users.Account a = Users.signUp(server, "qskinds");
        String w = word();
        long project = Fixtures.project(a, "Project " + w, false);
        long sample = Fixtures.sample(a, project, "Sample " + w);
        long execution = execution(a, "Run " + w, project);
        long data = file(a, w + ".fastq", sample);
        JsonNode j = search(a.api(), w, "").json();
        assertThat(j.path("results").path("projects").get(0).path("url").asText()).isEqualTo("/projects/" + project + "/");
        assertThat(j.path("results").path("projects").get(0).path("type").asText()).isEqualTo("project");
        assertThat(j.path("results").path("samples").get(0).path("url").asText()).isEqualTo("/samples/" + sample + "/");
        assertThat(j.path("results").path("executions").get(0).path("url").asText()).isEqualTo("/executions/" + execution + "/");
        assertThat(j.path("results").path("executions").get(0).path("type").asText()).isEqualTo("execution");
        JsonNode d = j.path("results").path("data").get(0);
        assertThat(d.path("url").asText()).isEqualTo("/data/" + data + "/");
        assertThat(d.path("type").asText()).isEqualTo("data");
        assertThat(d.path("name").asText()).isEqualTo(w + ".fastq");
        assertThat(j.path("total_count").asLong()).isEqualTo(4);
    }

    @Test
    void ranksThenNewestFirstWithinARank() {
        Users.Account a = Users.signUp(server, "qsrank");
        String w = word();
        long project = Fixtures.project(a, "Ranks", false);
        // created oldest first in rank order, two per rank: newest first alone would put the substrings first
        List<String> made = List.of(
                w, w.toUpperCase(),                          // exact (case ignored)
                w + " extra", w + "-more",                   // prefix
                "Lane " + w + " one", "Lane-2_" + w,         // a whole word
                "Pre" + w + " one", "two_pre" + w + "post"); // inside a word
        for (String name : made) Fixtures.sample(a, project, name);
        JsonNode samples = search(a.api(), w, "").json().path("results").path("samples");
        assertThat(names(samples)).containsExactly(made.get(1), made.get(0), made.get(3), made.get(2), made.get(5), made.get(4),
                made.get(7), made.get(6));
    }

    @Test
    void aWordMatchIsARunOfWholeWords() {
        Users.Account a = Users.signUp(server, "qsword");
        String w = word();
        long project = Fixtures.project(a, "Words", false);
        String word = "RNA-seq " + w + " 1";   // "seq <w>": a run of whole words
        String inside = "RNAseq" + w + "1";   // the same letters inside one word
        String prefix = "seq" + w + "x";      // starts with them
        for (String name : List.of(word, inside, prefix)) Fixtures.sample(a, project, name);
        assertThat(names(search(a.api(), "seq " + w, "").json().path("results").path("samples")))
                .containsExactly(prefix, word, inside);
        // a word may not be cut: "eq <w>" is inside "seq", so all but the prefix are substrings, newest first
        assertThat(names(search(a.api(), "eq-" + w, "").json().path("results").path("samples")))
                .containsExactly(prefix, inside, word);
        // the end of the run is a word's end too: "<w> 1" ends at "1", "<w>1" in "...<w>1" does not end a run of words
        assertThat(names(search(a.api(), w + " 1", "").json().path("results").path("samples")))
                .containsExactly(word, inside);
    }

    @Test
    void aWordRunIsAtMostEightWords() {
        Users.Account a = Users.signUp(server, "qsrun");
        String w = word();
        long project = Fixtures.project(a, "Runs", false);
        String words = "Start " + w + " b c d e f g h i";
        String inside = "x" + w + "bcdefghi";
        for (String name : List.of(words, inside)) Fixtures.sample(a, project, name);
        assertThat(names(search(a.api(), w + " b c d e f g h", "").json().path("results").path("samples")))
                .containsExactly(words, inside);
        // nine words are no longer a word run: both are substrings, newest first
        assertThat(names(search(a.api(), w + " b c d e f g h i", "").json().path("results").path("samples")))
                .containsExactly(inside, words);
    }

    @Test
    void projectDescriptionsRankAfterNames() {
        Users.Account a = Users.signUp(server, "qsdesc");
        String w = word();
        long inName = Fixtures.project(a, "Study of x" + w, false); // a substring of the name, and of "about <name>"
        Api.Res described = a.api().post("/projects/new", Map.of("name", "Plain study", "description", "Notes on " + w));
        assertThat(described.status()).isEqualTo(201);
        JsonNode projects = search(a.api(), w, "").json().path("results").path("projects");
        assertThat(Fixtures.ids(projects)).containsExactly(inName, described.json().path("id").asLong());
    }

    @Test
    void separatorsAndCaseDoNotMatter() {
        Users.Account a = Users.signUp(server, "qssep");
        String w = word();
        long project = Fixtures.project(a, "Separators", false);
        long sample = Fixtures.sample(a, project, "RNA-seq Sample " + w);
        for (String q : List.of("rna-seq sample " + w, "RNA seq Sample " + w.toUpperCase(), "rnaseqsample" + w, "seq_sample." + w, w)) {
            assertThat(Fixtures.ids(search(a.api(), q, "").json().path("results").path("samples"))).as(q).containsExactly(sample);
        }
        assertThat(search(a.api(), "rna-seq sample " + w + "x", "").json().path("results").path("samples")).isEmpty();
    }

    @Test
    void limitIsPerKindAndTheCountsCountAllMatches() {
        Users.Account a = Users.signUp(server, "qslimit");
        String w = word();
        long project = Fixtures.project(a, "Limits " + w, false);
        for (int i = 0; i < 4; i++) Fixtures.sample(a, project, w + " " + i);
        for (int i = 0; i < 3; i++) execution(a, w + " run " + i, project);
        JsonNode j = search(a.api(), w, "&limit=2").json();
        assertThat(j.path("results").path("samples")).hasSize(2);
        assertThat(j.path("results").path("executions")).hasSize(2);
        assertThat(j.path("results").path("projects")).hasSize(1);
        assertThat(j.path("counts").path("samples").asLong()).isEqualTo(4);
        assertThat(j.path("counts").path("executions").asLong()).isEqualTo(3);
        assertThat(j.path("counts").path("projects").asLong()).isEqualTo(1);
        assertThat(j.path("total_count").asLong()).isEqualTo(8);
        assertThat(j.path("count_capped").asBoolean()).isFalse();
        // the default is 10 of each kind
        for (int i = 4; i < 12; i++) Fixtures.sample(a, project, w + " " + i);
        JsonNode all = search(a.api(), w, "").json();
        assertThat(all.path("results").path("samples")).hasSize(10);
        assertThat(all.path("counts").path("samples").asLong()).isEqualTo(12);
        assertThat(search(a.api(), w, "&limit=100").json().path("results").path("samples")).hasSize(12);
        // a kind's matches are counted up to ten times the limit: 12 samples whose names start with the text
        JsonNode one = search(a.api(), w, "&limit=1").json();
        assertThat(one.path("counts").path("samples").asLong()).isEqualTo(10);
        assertThat(one.path("counts").path("executions").asLong()).isEqualTo(3);
        assertThat(one.path("count_capped").asBoolean()).isTrue();
        assertThat(one.path("total_count").asLong()).isEqualTo(14);
    }

    @Test
    void dataOnlyWhenReady() {
        Users.Account a = Users.signUp(server, "qsready");
        String w = word();
        long ready = file(a, w + "_ready.fastq", null);
        long importing = file(a, w + "_importing.fastq", null);
        server.sql("UPDATE data SET status = 'importing' WHERE id = " + importing);
        JsonNode j = search(a.api(), w, "").json();
        assertThat(Fixtures.ids(j.path("results").path("data"))).containsExactly(ready);
        assertThat(j.path("counts").path("data").asLong()).isEqualTo(1);
    }

    @Test
    void privateNamesReachOnlyThoseWhoMayReadThem() {
        Users.Account owner = Users.signUp(server, "qsowner");
        Users.Account reader = Users.signUp(server, "qsreader");
        Users.Account stranger = Users.signUp(server, "qsstranger");
        Users.Account admin = Users.admin(server);
        String w = word();
        long secret = Fixtures.project(owner, "Secret " + w, false);
        long secretSample = Fixtures.sample(owner, secret, "Secret sample " + w);
        long secretRun = execution(owner, "Secret run " + w, secret);
        long secretFile = file(owner, "secret_" + w + ".fastq", secretSample);
        long loneFile = file(owner, "lone_" + w + ".fastq", null); // in no project or sample: its owner's only
        long open = Fixtures.project(owner, "Open " + w, true);
        long openSample = Fixtures.sample(owner, open, "Open sample " + w);
        long openRun = execution(owner, "Open run " + w, open);
        long openFile = file(owner, "open_" + w + ".fastq", openSample);
        Fixtures.shareWithUser(owner, "projects", secret, reader, 1);

        record Seen(List<Long> projects, List<Long> samples, List<Long> executions, List<Long> data, long total) {}
        java.util.function.Function<Api, Seen> seen = api -> {
            JsonNode j = search(api, w, "").json();
            JsonNode r = j.path("results");
            return new Seen(Fixtures.ids(r.path("projects")), Fixtures.ids(r.path("samples")), Fixtures.ids(r.path("executions")),
                    Fixtures.ids(r.path("data")), j.path("total_count").asLong());
        };
        Seen all = new Seen(List.of(open, secret), List.of(openSample, secretSample), List.of(openRun, secretRun),
                List.of(openFile, loneFile, secretFile), 9);
        Seen shared = new Seen(List.of(open, secret), List.of(openSample, secretSample), List.of(openRun, secretRun),
                List.of(openFile, secretFile), 8);
        Seen publicOnly = new Seen(List.of(open), List.of(openSample), List.of(openRun), List.of(openFile), 4);
        assertThat(seen.apply(owner.api())).isEqualTo(all);
        assertThat(seen.apply(admin.api())).isEqualTo(all);
        assertThat(seen.apply(reader.api())).isEqualTo(shared);
        assertThat(seen.apply(stranger.api())).isEqualTo(publicOnly);
        assertThat(seen.apply(server.client())).isEqualTo(publicOnly);
        // nothing private in the answer's text either (names, ids or counts)
        assertThat(search(server.client(), w, "").text()).doesNotContain("ecret");
        assertThat(search(stranger.api(), "secret " + w, "").json().path("total_count").asLong()).isZero();
    }

    @Test
    void emptyOrBlankQueriesFindNothing() {
        Users.Account a = Users.signUp(server, "qsempty");
        Fixtures.sample(a, Fixtures.project(a, "Something", false), "Something");
        for (String more : List.of("/search", "/search?q=", "/search?q=%20%20", "/search?q=-_-%20.", "/search?limit=5")) {
            Api.Res r = a.api().get(more);
            assertThat(r.status()).as(more).isEqualTo(200);
            JsonNode results = r.json().path("results");
            assertThat(results.path("samples")).as(more).isEmpty();
            assertThat(results.path("projects")).as(more).isEmpty();
            assertThat(r.json().path("total_count").asLong()).as(more).isZero();
        }
        assertThat(a.api().get("/search?q=%20-%20").json().path("query").asText()).isEqualTo(" - ");
        assertThat(a.api().get("/search").json().path("query").asText()).isEmpty();
    }

    @Test
    void badParametersAre400sNamingThem() {
        Api anyone = server.client();
        for (String limit : List.of("0", "101", "-1", "ten", "1.5", "", "99999999999")) {
            assertThat(field(anyone.get("/search?q=x&limit=" + limit))).as(limit).isEqualTo("limit");
        }
        assertThat(field(anyone.get("/search?q=" + "a".repeat(201)))).isEqualTo("q");
        assertThat(anyone.get("/search?q=" + "a".repeat(200)).status()).isEqualTo(200);
        assertThat(field(anyone.get("/search?q=a%00b"))).isEqualTo("q");
        assertThat(field(anyone.get("/search?q=x&offset=10"))).isEqualTo("offset");
        assertThat(field(anyone.get("/search?q=x&page=2"))).isEqualTo("page");
        assertThat(field(anyone.get("/search?q=x&filter=y"))).isEqualTo("filter");
        assertThat(anyone.as("not-a-token").get("/search?q=x").status()).isEqualTo(401);
    }

    private static String field(Api.Res r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        return r.json().path("error").path("details").path("field").asText();
    }
}
