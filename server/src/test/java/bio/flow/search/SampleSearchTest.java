package bio.flow.search;

import static bio.flow.testing.Answers.assertInvalid;
import static bio.flow.search.SearchFixtures.enc;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /samples/search over real HTTP. Every sample here has a name with the class's own token, and every search
 * filters on it, so that what other tests put on the shared server is never counted.
 */
class SampleSearchTest {
    private static final TestServer server = TestServer.shared();
    private static final String TOKEN = Users.uniqueName("ssx").replace("-", "");

    private static Account owner, otherOwner, reader, member, sampleReader, stranger, admin;
    private static long privateProject, publicProject, otherProject;
    /** alpha, beta: in the private project; gamma: in none; pub: in the public project; other: in otherProject, granted alone. */
    private static long alpha, beta, gamma, pub, other;

    @BeforeAll
    static void world() {
        owner = Users.signUp(server, "ssowner");
        otherOwner = Users.signUp(server, "ssother");
        reader = Users.signUp(server, "ssreader");
        member = Users.signUp(server, "ssmember");
        sampleReader = Users.signUp(server, "sssample");
        stranger = Users.signUp(server, "ssstranger");
        admin = Users.admin(server);
        privateProject = Fixtures.project(owner, "Private " + TOKEN, false);
        publicProject = Fixtures.project(owner, "Public " + TOKEN, true);
        otherProject = Fixtures.project(otherOwner, "Other " + TOKEN, false);
        alpha = Fixtures.sample(owner, Map.of("name", TOKEN + " Alpha", "project", privateProject, "organism", "human", "sample_type", "RNA",
                "metadata", Map.of("tissue", "liver", "donor", "d 1")));
        beta = Fixtures.sample(owner, Map.of("name", TOKEN + " Beta", "project", privateProject, "organism", "mouse", "sample_type", "DNA",
                "metadata", Map.of("tissue", "brain")));
        gamma = Fixtures.sample(owner, Map.of("name", TOKEN + " Gamma", "organism", "human", "sample_type", "RNA"));
        pub = Fixtures.sample(owner, Map.of("name", TOKEN + " Public", "project", publicProject, "organism", "human", "sample_type", "rna"));
        other = Fixtures.sample(otherOwner, Map.of("name", TOKEN + " Other", "project", otherProject));
        Fixtures.shareWithUser(owner, "projects", privateProject, reader, 1);
        Fixtures.shareWithGroup(owner, "projects", privateProject, Fixtures.group(owner, List.of(member), List.of()), 1);
        Fixtures.shareWithUser(otherOwner, "samples", other, sampleReader, 1);
        // beta is the oldest: newest first puts it last
        server.sql("UPDATE samples SET created = '2020-06-01T00:00:00Z' WHERE id = " + beta);
    }

    /** The ids found by {@code api} for the query (filtered on the token unless it filters itself), checking the count. */
    private static List<Long> found(Api api, String query) {
        return SearchFixtures.ids(api, "/samples/search?" + SearchFixtures.filteredOn(TOKEN, query), "samples");
    }

    @Test
    void eachCallerFindsWhatTheyMayReadNewestFirst() {
        assertThat(found(server.client(), "")).containsExactly(pub);
        assertThat(found(stranger.api(), "")).containsExactly(pub);
        assertThat(found(owner.api(), "")).containsExactly(pub, gamma, alpha, beta);
        assertThat(found(reader.api(), "")).containsExactly(pub, alpha, beta);
        assertThat(found(member.api(), "")).containsExactly(pub, alpha, beta);
        assertThat(found(sampleReader.api(), "")).containsExactly(other, pub);
        assertThat(found(admin.api(), "")).containsExactly(other, pub, gamma, alpha, beta);
    }

    @Test
    void aStrangerLearnsNothingOfPrivateSamples() {
        for (Api api : List.of(server.client(), stranger.api())) {
            Api.Res r = api.get("/samples/search?filter=" + enc(TOKEN) + "&limit=100");
            assertThat(Fixtures.ids(r.json().path("samples"))).containsExactly(pub);
            assertThat(r.json().path("count").asLong()).isEqualTo(1);
            for (String name : List.of("Alpha", "Beta", "Gamma", "Other", "Private")) assertThat(r.text()).doesNotContain(name);
            assertThat(r.text()).doesNotContain("{\"id\":" + privateProject + ",").doesNotContain("{\"id\":" + otherProject + ",");
            assertThat(api.get("/samples/search?filter=" + enc(TOKEN + " alpha")).json().path("count").asLong()).isZero();
        }
    }

    @Test
    void aSampleSharedAloneIsFoundWithoutItsPrivateProject() {
        Api.Res r = sampleReader.api().get("/samples/search?filter=" + enc(TOKEN + " other"));
        assertThat(Fixtures.ids(r.json().path("samples"))).containsExactly(other);
        assertThat(r.json().at("/samples/0/project").isNull()).isTrue();
        assertThat(r.text()).doesNotContain("Other " + TOKEN);
        // with a readable project, the project is named
        Api.Res own = owner.api().get("/samples/search?filter=" + enc(TOKEN + " alpha"));
        assertThat(own.json().at("/samples/0/project/id").asLong()).isEqualTo(privateProject);
        assertThat(own.json().at("/samples/0/sample_type").asText()).isEqualTo("RNA");
        assertThat(own.json().at("/samples/0/owner/username").asText()).isEqualTo(owner.username());
    }

    @Test
    void eachFilterAlone() {
        Api o = owner.api();
        assertThat(found(o, "organism=MOUSE")).containsExactly(beta);
        assertThat(found(o, "organism=martian")).isEmpty();
        assertThat(found(o, "sample_type=rna")).containsExactly(pub, gamma, alpha);
        assertThat(found(o, "project=" + privateProject)).containsExactly(alpha, beta);
        assertThat(found(o, "project=999999999")).isEmpty();
        assertThat(found(o, "metadata.tissue=liver")).containsExactly(alpha);
        assertThat(found(o, "metadata.tissue=Liver")).isEmpty();
        assertThat(found(o, "metadata.donor=" + enc("d 1"))).containsExactly(alpha);
        assertThat(found(o, "metadata.tissue=")).containsExactly(pub, gamma, alpha, beta);
        assertThat(found(o, "created_after=2021-01-01")).containsExactly(pub, gamma, alpha);
        assertThat(found(o, "created_before=2021-01-01")).containsExactly(beta);
        assertThat(found(o, "created_before=" + enc("2020-06-01T00:00:00Z"))).isEmpty();
        assertThat(found(o, "created_after=" + enc("2020-06-01T00:00:00Z") + "&created_before=" + enc("2020-06-01T00:00:01+00:00")))
                .containsExactly(beta);
        // the text filter is the listings' own: case and separators do not matter, no letter or digit finds nothing
        assertThat(found(o, "")).hasSize(4);
        assertThat(found(o, "filter=" + enc(TOKEN.toUpperCase() + "-ALPHA"))).containsExactly(alpha);
        assertThat(o.get("/samples/search?filter=--").json().path("count").asLong()).isZero();
    }

    @Test
    void filtersCombine() {
        Api o = owner.api();
        assertThat(found(o, "organism=human&sample_type=RNA&project=" + privateProject)).containsExactly(alpha);
        assertThat(found(o, "metadata.tissue=liver&metadata.donor=" + enc("d 1"))).containsExactly(alpha);
        assertThat(found(o, "metadata.tissue=liver&metadata.donor=d2")).isEmpty();
        assertThat(found(o, "sample_type=DNA&created_before=2021-01-01&metadata.tissue=brain")).containsExactly(beta);
        Api.Res second = o.get("/samples/search?filter=" + enc(TOKEN) + "&organism=human&created_after=2021-01-01&limit=1&offset=1");
        assertThat(Fixtures.ids(second.json().path("samples"))).containsExactly(gamma);
        assertThat(second.json().path("count").asLong()).isEqualTo(3);
        assertThat(second.json().path("page").asInt()).isEqualTo(2);
    }

    @Test
    void aProjectTheCallerMayNotReadFindsNothingAsOneThatDoesNotExist() {
        // sampleReader may read "other", but not its project: filtering on it finds nothing, not a 403 or 404
        assertThat(found(sampleReader.api(), "project=" + otherProject)).isEmpty();
        assertThat(found(stranger.api(), "project=" + privateProject)).isEmpty();
        assertThat(found(server.client(), "project=" + privateProject)).isEmpty();
        assertThat(found(reader.api(), "project=" + privateProject)).containsExactly(alpha, beta);
        assertThat(found(member.api(), "project=" + privateProject)).containsExactly(alpha, beta);
        assertThat(found(server.client(), "project=" + publicProject)).containsExactly(pub);
        assertThat(found(admin.api(), "project=" + otherProject)).containsExactly(other);
    }

    @Test
    void badFiltersAre400sNamingTheParameter() {
        Api o = owner.api();
        assertInvalid(o.get("/samples/search?sample_type=plasma"), "sample_type");
        assertInvalid(o.get("/samples/search?created_after=yesterday"), "created_after");
        assertInvalid(o.get("/samples/search?created_before=2024-02-30"), "created_before");
        assertInvalid(o.get("/samples/search?created_after=2024-02-01&created_before=2024-01-01"), "created_after");
        assertInvalid(o.get("/samples/search?project=abc"), "project");
        assertInvalid(o.get("/samples/search?project=0"), "project");
        assertInvalid(o.get("/samples/search?project=-3"), "project");
        assertInvalid(o.get("/samples/search?limit=101"), "limit");
        assertInvalid(o.get("/samples/search?offset=981"), "offset");
        assertInvalid(o.get("/samples/search?filter=" + "a".repeat(201)), "filter");
        assertInvalid(o.get("/samples/search?organsim=human"), "organsim");
        assertInvalid(o.get("/samples/search?has_data=true"), "has_data");
        assertInvalid(o.get("/samples/search?metadata.=x"), "metadata.");
        String longKey = "metadata." + "k".repeat(101);
        assertInvalid(o.get("/samples/search?" + longKey + "=x"), longKey);
        assertInvalid(o.get("/samples/search?metadata.tissue=" + "v".repeat(1001)), "metadata.tissue");
        assertInvalid(o.get("/samples/search?metadata.tissue=liver&metadata.tissue=brain"), "metadata.tissue");
        assertThat(o.get("/samples/search?offset=980").status()).isEqualTo(200);
    }

    @Test
    void theCountLooksAHundredPastThePageAndStopsAtAThousand() {
        Account many = Users.signUp(server, "ssmany");
        String cap = Users.uniqueName("sscap").replace("-", "");
        server.jdbi().useHandle(h -> h.createUpdate("INSERT INTO samples (name, owner_id, created) "
                        + "SELECT :cap || ' ' || i, :owner, now() - i * interval '1 second' FROM generate_series(1, 1001) i")
                .bind("cap", cap).bind("owner", many.id()).execute());
        Api.Res first = many.api().get("/samples/search?filter=" + cap);
        assertThat(first.json().path("count").asLong()).isEqualTo(120);
        assertThat(first.json().path("count_capped").asBoolean()).isTrue();
        assertThat(first.json().path("samples")).hasSize(20);
        assertThat(first.json().at("/samples/0/name").asText()).isEqualTo(cap + " 1");
        Api.Res middle = many.api().get("/samples/search?filter=" + cap + "&limit=50&offset=400");
        assertThat(middle.json().path("count").asLong()).isEqualTo(550);
        assertThat(middle.json().path("count_capped").asBoolean()).isTrue();
        Api.Res last = many.api().get("/samples/search?filter=" + cap + "&limit=100&offset=900");
        assertThat(last.json().path("page").asInt()).isEqualTo(10);
        assertThat(last.json().path("samples")).hasSize(100);
        assertThat(last.json().at("/samples/99/name").asText()).isEqualTo(cap + " 1000");
        assertThat(last.json().path("count").asLong()).isEqualTo(1000);
        assertThat(last.json().path("count_capped").asBoolean()).isTrue();
        // 1000 matches exactly: counted from a page that ends within a hundred of them, not capped
        server.sql("DELETE FROM samples WHERE owner_id = " + many.id() + " AND name = '" + cap + " 1001'");
        Api.Res exact = many.api().get("/samples/search?filter=" + cap + "&offset=880");
        assertThat(exact.json().path("count").asLong()).isEqualTo(1000);
        assertThat(exact.json().path("count_capped").asBoolean()).isFalse();
        // others see none of them, and no count
        Api.Res other = stranger.api().get("/samples/search?filter=" + cap);
        assertThat(other.json().path("count").asLong()).isZero();
        assertThat(other.json().path("samples")).isEmpty();
    }
}
