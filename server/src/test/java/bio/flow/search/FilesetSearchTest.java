package bio.flow.search;

import static bio.flow.testing.Answers.assertInvalid;
import static bio.flow.search.SearchFixtures.enc;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.RunFixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /filesets/search over real HTTP. Fileset names are made by the server ("Paired-end reads"); this class adds
 * its own token to those of its filesets (with SQL) and filters on it, so that other tests' filesets are never counted.
 */
class FilesetSearchTest {
    private static final TestServer server = TestServer.shared();
    private static final String TOKEN = Users.uniqueName("fsx").replace("-", "");

    private static Account owner, otherOwner, reader, member, sampleReader, stranger, admin;
    private static long privateSample, publicSample, otherSample;
    /** paired: 2 reads of privateSample; empty: no file, in privateSample; pub: 1 read of publicSample; other: of otherSample. */
    private static long paired, empty, pub, other;

    @BeforeAll
    static void world() {
        owner = Users.signUp(server, "fsowner");
        otherOwner = Users.signUp(server, "fsother");
        reader = Users.signUp(server, "fsreader");
        member = Users.signUp(server, "fsmember");
        sampleReader = Users.signUp(server, "fssample");
        stranger = Users.signUp(server, "fsstranger");
        admin = Users.admin(server);
        long privateProject = Fixtures.project(owner, "Private", false);
        long publicProject = Fixtures.project(owner, "Public", true);
        long otherProject = Fixtures.project(otherOwner, "Other", false);
        privateSample = Fixtures.sample(owner, privateProject, "Private sample");
        publicSample = Fixtures.sample(owner, publicProject, "Public sample");
        otherSample = Fixtures.sample(otherOwner, otherProject, "Other sample");
        paired = fileset(owner, privateSample, "a");
        RunFixtures.read(owner, privateSample, 2, null, "a_R2.fastq", RunFixtures.fastq("a2"));
        pub = fileset(owner, publicSample, "b");
        other = fileset(otherOwner, otherSample, "c");
        empty = server.jdbi().withHandle(h -> h.createQuery("INSERT INTO filesets (name, sample_id) VALUES ('Single-end reads', :s) RETURNING id")
                .bind("s", privateSample).mapTo(Long.class).one());
        server.sql("UPDATE filesets SET name = name || ' " + TOKEN + "' WHERE id IN (" + paired + ", " + pub + ", " + other + ", " + empty + ")");
        // newest first: empty, other, pub, paired
        server.sql("UPDATE filesets SET created = now() - interval '1 hour' WHERE id = " + paired);
        Fixtures.shareWithUser(owner, "projects", privateProject, reader, 1);
        Fixtures.shareWithGroup(owner, "projects", privateProject, Fixtures.group(owner, List.of(member), List.of()), 1);
        Fixtures.shareWithUser(otherOwner, "samples", otherSample, sampleReader, 1);
    }

    /** A fileset made by uploading read 1 to the sample; its id. */
    private static long fileset(Account by, long sample, String tag) {
        return RunFixtures.read(by, sample, 1, null, tag + "_R1.fastq", RunFixtures.fastq(tag)).path("fileset").path("id").asLong();
    }

    private static JsonNode search(Api api, String query) {
        return SearchFixtures.search(api, "/filesets/search?" + SearchFixtures.filteredOn(TOKEN, query));
    }

    /** The ids found by {@code api} for the query (filtered on the token unless it filters itself), checking the count. */
    private static List<Long> found(Api api, String query) {
        return SearchFixtures.ids(api, "/filesets/search?" + SearchFixtures.filteredOn(TOKEN, query), "filesets");
    }

    @Test
    void eachCallerFindsTheFilesetsOfTheSamplesTheyMayRead() {
        assertThat(found(server.client(), "")).containsExactly(pub);
        assertThat(found(stranger.api(), "")).containsExactly(pub);
        assertThat(found(owner.api(), "")).containsExactly(empty, pub, paired);
        assertThat(found(reader.api(), "")).containsExactly(empty, pub, paired);
        assertThat(found(member.api(), "")).containsExactly(empty, pub, paired);
        assertThat(found(sampleReader.api(), "")).containsExactly(other, pub);
        assertThat(found(admin.api(), "")).containsExactly(empty, other, pub, paired);
    }

    @Test
    void aStrangerLearnsNothingOfPrivateFilesets() {
        for (Api api : List.of(server.client(), stranger.api())) {
            JsonNode r = search(api, "limit=100");
            assertThat(r.toString()).doesNotContain("Private sample").doesNotContain("Other sample").doesNotContain("Paired");
            assertThat(found(api, "sample=" + privateSample)).isEmpty();
            assertThat(found(api, "has_data=false")).isEmpty();
        }
    }

    @Test
    void itemsNameTheirSampleAndCountTheirReadyFiles() {
        JsonNode items = search(owner.api(), "").path("filesets");
        JsonNode first = items.get(0);
        assertThat(first.path("data_count").asLong()).isZero();
        JsonNode last = items.get(2);
        assertThat(last.path("name").asText()).isEqualTo("Paired-end reads " + TOKEN);
        assertThat(last.path("data_count").asLong()).isEqualTo(2);
        assertThat(last.path("sample").path("id").asLong()).isEqualTo(privateSample);
        assertThat(last.path("sample").path("name").asText()).isEqualTo("Private sample");
        assertThat(last.path("created").asText()).isNotEmpty();
    }

    @Test
    void eachFilterAlone() {
        Api o = owner.api();
        assertThat(found(o, "filter=" + enc("paired end reads " + TOKEN))).containsExactly(paired);
        assertThat(found(o, "filter=" + enc("SINGLE-END-READS-" + TOKEN))).containsExactly(empty, pub);
        assertThat(found(o, "filter=" + enc("*"))).isEmpty();
        assertThat(found(o, "sample=" + privateSample)).containsExactly(empty, paired);
        assertThat(found(o, "sample=999999999")).isEmpty();
        assertThat(found(o, "has_data=true")).containsExactly(pub, paired);
        assertThat(found(o, "has_data=no")).containsExactly(empty);
    }

    @Test
    void filtersCombine() {
        assertThat(found(owner.api(), "sample=" + privateSample + "&has_data=true")).containsExactly(paired);
        assertThat(found(owner.api(), "sample=" + publicSample + "&has_data=false")).isEmpty();
        assertThat(found(server.client(), "sample=" + publicSample + "&has_data=1")).containsExactly(pub);
        JsonNode page = search(admin.api(), "has_data=true&limit=1&offset=1");
        assertThat(Fixtures.ids(page.path("filesets"))).containsExactly(pub);
        assertThat(page.path("count").asLong()).isEqualTo(3);
    }

    @Test
    void aSampleTheCallerMayNotReadFindsNothingAsOneThatDoesNotExist() {
        assertThat(found(stranger.api(), "sample=" + otherSample)).isEmpty();
        assertThat(found(reader.api(), "sample=" + otherSample)).isEmpty();
        assertThat(found(sampleReader.api(), "sample=" + otherSample)).containsExactly(other);
        assertThat(found(sampleReader.api(), "sample=" + privateSample)).isEmpty();
        assertThat(found(member.api(), "sample=" + privateSample)).containsExactly(empty, paired);
    }

    @Test
    void badFiltersAre400sNamingTheParameter() {
        Api o = owner.api();
        assertInvalid(o.get("/filesets/search?sample=abc"), "sample");
        assertInvalid(o.get("/filesets/search?sample=0"), "sample");
        assertInvalid(o.get("/filesets/search?has_data=perhaps"), "has_data");
        assertInvalid(o.get("/filesets/search?limit=500"), "limit");
        assertInvalid(o.get("/filesets/search?page=51"), "offset");
        assertInvalid(o.get("/filesets/search?created_after=2024-01-01"), "created_after");
        assertInvalid(server.client().get("/filesets/search?samples=1"), "samples");
        assertThat(o.get("/filesets/search?page=50").status()).isEqualTo(200);
    }
}
