package bio.flow.search;

import static bio.flow.testing.Answers.assertInvalid;
import static bio.flow.search.SearchFixtures.enc;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /projects/search over real HTTP. Every project here is named with the class's own token, and every search
 * filters on it, so that what other tests put on the shared server is never counted.
 */
class ProjectSearchTest {
    private static final TestServer server = TestServer.shared();
    private static final String TOKEN = Users.uniqueName("psx").replace("-", "");

    private static Account owner, reader, member, sampleReader, stranger, admin;
    /** alpha: private, human, one sample, shared; pub: public, mouse, empty; gamma: private, human, empty, oldest. */
    private static long alpha, pub, gamma;

    @BeforeAll
    static void world() {
        owner = Users.signUp(server, "psowner");
        reader = Users.signUp(server, "psreader");
        member = Users.signUp(server, "psmember");
        sampleReader = Users.signUp(server, "pssample");
        stranger = Users.signUp(server, "psstranger");
        admin = Users.admin(server);
        alpha = project("Alpha " + TOKEN, "RNA-seq of livers", "human", false);
        pub = project("Public " + TOKEN, "", "mouse", true);
        gamma = project("Gamma " + TOKEN, "Zebra" + TOKEN + " fins", "human", false);
        long sample = Fixtures.sample(owner, alpha, "In alpha");
        Fixtures.shareWithUser(owner, "projects", alpha, reader, 1);
        Fixtures.shareWithGroup(owner, "projects", alpha, Fixtures.group(owner, List.of(member), List.of()), 1);
        Fixtures.shareWithUser(owner, "samples", sample, sampleReader, 1);
        server.sql("UPDATE projects SET created = '2020-06-01T00:00:00Z' WHERE id = " + gamma);
    }

    private static long project(String name, String description, String organism, boolean isPublic) {
        Api.Res r = owner.api().post("/projects/new", Map.of("name", name, "description", description, "organism", organism, "is_public", isPublic));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("id").asLong();
    }

    private static JsonNode search(Api api, String query) {
        return SearchFixtures.search(api, "/projects/search?" + SearchFixtures.filteredOn(TOKEN, query));
    }

    /** The ids found by {@code api} for the query (filtered on the token unless it filters itself), checking the count. */
    private static List<Long> found(Api api, String query) {
        return SearchFixtures.ids(api, "/projects/search?" + SearchFixtures.filteredOn(TOKEN, query), "projects");
    }

    @Test
    void eachCallerFindsWhatTheyMayReadNewestFirst() {
        assertThat(found(server.client(), "")).containsExactly(pub);
        assertThat(found(stranger.api(), "")).containsExactly(pub);
        // a grant on one sample does not make its project readable
        assertThat(found(sampleReader.api(), "")).containsExactly(pub);
        assertThat(found(reader.api(), "")).containsExactly(pub, alpha);
        assertThat(found(member.api(), "")).containsExactly(pub, alpha);
        assertThat(found(owner.api(), "")).containsExactly(pub, alpha, gamma);
        assertThat(found(admin.api(), "")).containsExactly(pub, alpha, gamma);
    }

    @Test
    void aStrangerLearnsNothingOfPrivateProjects() {
        for (Api api : List.of(server.client(), stranger.api(), sampleReader.api())) {
            JsonNode r = search(api, "limit=100");
            assertThat(r.toString()).doesNotContain("Alpha").doesNotContain("Gamma").doesNotContain("livers");
            assertThat(found(api, "filter=" + enc("zebra" + TOKEN))).isEmpty();
            assertThat(found(api, "has_samples=true")).isEmpty();
        }
    }

    @Test
    void itemsAreTheListingsItems() {
        JsonNode item = search(reader.api(), "has_samples=true").path("projects").get(0);
        assertThat(item.path("id").asLong()).isEqualTo(alpha);
        assertThat(item.path("sample_count").asLong()).isEqualTo(1);
        assertThat(item.path("description").asText()).isEqualTo("RNA-seq of livers");
        assertThat(item.path("owner").path("username").asText()).isEqualTo(owner.username());
        assertThat(item).isEqualTo(reader.api().get("/projects?filter=" + enc("Alpha " + TOKEN)).json().path("projects").get(0));
    }

    @Test
    void eachFilterAlone() {
        Api o = owner.api();
        // the name or the description, as GET /projects
        assertThat(found(o, "filter=" + enc("ZEBRA-" + TOKEN))).containsExactly(gamma);
        assertThat(found(o, "filter=" + enc("alpha " + TOKEN))).containsExactly(alpha);
        assertThat(found(o, "filter=" + enc("!!"))).isEmpty();
        assertThat(found(o, "organism=Mouse")).containsExactly(pub);
        assertThat(found(o, "organism=martian")).isEmpty();
        assertThat(found(o, "has_samples=true")).containsExactly(alpha);
        assertThat(found(o, "has_samples=false")).containsExactly(pub, gamma);
        assertThat(found(o, "has_samples=")).containsExactly(pub, alpha, gamma);
        assertThat(found(o, "created_before=2021-01-01")).containsExactly(gamma);
        assertThat(found(o, "created_after=2021-01-01")).containsExactly(pub, alpha);
        assertThat(found(o, "created_after=" + enc("2020-06-01T00:00:00Z"))).containsExactly(pub, alpha, gamma);
        assertThat(found(o, "created_before=" + enc("2020-06-01T02:00:00+02:00"))).isEmpty();
    }

    @Test
    void filtersCombine() {
        Api o = owner.api();
        assertThat(found(o, "organism=human&has_samples=false")).containsExactly(gamma);
        assertThat(found(o, "organism=human&has_samples=true&created_after=2021-01-01")).containsExactly(alpha);
        assertThat(found(o, "organism=mouse&has_samples=true")).isEmpty();
        assertThat(found(o, "filter=" + enc("zebra" + TOKEN) + "&created_after=2021-01-01")).isEmpty();
        JsonNode page = search(o, "limit=2&offset=2");
        assertThat(Fixtures.ids(page.path("projects"))).containsExactly(gamma);
        assertThat(page.path("count").asLong()).isEqualTo(3);
    }

    @Test
    void badFiltersAre400sNamingTheParameter() {
        Api o = owner.api();
        assertInvalid(o.get("/projects/search?has_samples=maybe"), "has_samples");
        assertInvalid(o.get("/projects/search?created_after=2024-13-01"), "created_after");
        assertInvalid(o.get("/projects/search?created_before=10/01/2024"), "created_before");
        assertInvalid(o.get("/projects/search?created_after=2024-02-01&created_before=2024-01-01"), "created_after");
        assertInvalid(o.get("/projects/search?limit=0"), "limit");
        assertInvalid(o.get("/projects/search?limit=100&offset=901"), "offset");
        assertInvalid(o.get("/projects/search?metadata.tissue=liver"), "metadata.tissue");
        assertInvalid(o.get("/projects/search?sample_type=RNA"), "sample_type");
        assertInvalid(server.client().get("/projects/search?filter=" + "x".repeat(201)), "filter");
        assertThat(o.get("/projects/search?limit=100&offset=900").status()).isEqualTo(200);
    }

    @Test
    void theCountLooksAHundredPastThePage() {
        Account many = Users.signUp(server, "psmany");
        String cap = Users.uniqueName("pscap").replace("-", "");
        server.jdbi().useHandle(h -> h.createUpdate("INSERT INTO projects (name, owner_id) "
                + "SELECT :cap || ' ' || i, :owner FROM generate_series(1, 1001) i").bind("cap", cap).bind("owner", many.id()).execute());
        JsonNode r = search(many.api(), "filter=" + cap + "&has_samples=false");
        assertThat(r.path("count").asLong()).isEqualTo(120);
        assertThat(r.path("count_capped").asBoolean()).isTrue();
        assertThat(r.path("projects")).hasSize(20);
        JsonNode none = search(stranger.api(), "filter=" + cap);
        assertThat(none.path("count").asLong()).isZero();
        assertThat(none.path("count_capped").asBoolean()).isFalse();
    }
}
