package bio.flow.projects;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProjectsTest {
    private final TestServer server = TestServer.shared();

    @Test
    void createAnswersTheProjectAsGetDoes() {
        Users.Account a = Users.signUp(server, "proj");
        Api.Res created = a.api().post("/projects/new", Map.of("name", "RNA-seq Project", "description", "Gene expression",
                "organism", "human", "is_public", false));
        assertThat(created.status()).isEqualTo(201);
        long id = created.json().path("id").asLong();
        Api.Res got = a.api().get("/projects/" + id);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json()).isEqualTo(created.json());
        assertThat(got.json().path("name").asText()).isEqualTo("RNA-seq Project");
        assertThat(got.json().path("organism").asText()).isEqualTo("human");
        assertThat(got.json().path("sample_count").asInt()).isZero();
        assertThat(got.json().path("owner").path("username").asText()).isEqualTo(a.username());
        assertThat(got.json().path("permissions").path("can_delete").asBoolean()).isTrue();
    }

    @Test
    void badProjectFields() {
        Users.Account a = Users.signUp(server, "projbad");
        assertThat(field(a.api().post("/projects/new", Map.of("description", "x")))).isEqualTo("name");
        assertThat(field(a.api().post("/projects/new", Map.of("name", "  ")))).isEqualTo("name");
        assertThat(field(a.api().post("/projects/new", Map.of("name", "x".repeat(201))))).isEqualTo("name");
        assertThat(field(a.api().post("/projects/new", Map.of("name", "ok", "organism", "martian")))).isEqualTo("organism");
        assertThat(field(a.api().post("/projects/new", Map.of("name", "ok", "is_public", "yes")))).isEqualTo("is_public");
        assertThat(server.client().post("/projects/new", Map.of("name", "anon")).status()).isEqualTo(401);
        assertThat(a.api().get("/projects/owned").json().path("count").asInt()).isZero();
    }

    private static String field(Api.Res r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        return r.json().path("error").path("details").path("field").asText();
    }

    @Test
    void editChangesGivenFieldsOnly() {
        Users.Account a = Users.signUp(server, "projedit");
        long id = Fixtures.project(a, "Before", false);
        Api.Res r = a.api().post("/projects/" + id + "/edit", Map.of("name", "After", "is_public", true));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("name").asText()).isEqualTo("After");
        assertThat(r.json().path("description").asText()).isEqualTo("about Before");
        assertThat(r.json().path("is_public").asBoolean()).isTrue();
        assertThat(a.api().post("/projects/" + id + "/edit", Map.of("organism", "")).json().path("organism").isNull()).isTrue();
        assertThat(a.api().post("/projects/" + id + "/edit", Map.of("organism", "nope")).status()).isEqualTo(400);
    }

    @Test
    void listingsAreNewestFirstWithTotalCountAndFilters() {
        Users.Account a = Users.signUp(server, "projlist");
        for (int i = 0; i < 5; i++) Fixtures.project(a, "Alpha " + i, false);
        a.api().post("/projects/new", Map.of("name", "Mouse study", "organism", "mouse"));
        Api.Res all = a.api().get("/projects/owned?limit=2");
        assertThat(all.json().path("count").asInt()).isEqualTo(6);
        assertThat(all.json().path("page").asInt()).isEqualTo(1);
        assertThat(all.json().path("projects")).hasSize(2);
        assertThat(all.json().path("projects").get(0).path("name").asText()).isEqualTo("Mouse study");
        Api.Res page2 = a.api().get("/projects/owned?limit=2&offset=2");
        assertThat(page2.json().path("page").asInt()).isEqualTo(2);
        assertThat(Fixtures.ids(page2.json().path("projects"))).doesNotContainAnyElementsOf(Fixtures.ids(all.json().path("projects")));
        assertThat(a.api().get("/projects/owned?filter=alpha").json().path("count").asInt()).isEqualTo(5);
        assertThat(a.api().get("/projects/owned?filter=%25").json().path("count").asInt()).isZero();
        assertThat(a.api().get("/projects/owned?organism=mouse").json().path("count").asInt()).isEqualTo(1);
        assertThat(a.api().get("/projects/owned?limit=101").status()).isEqualTo(400);
        assertThat(a.api().get("/projects/owned?limit=abc").status()).isEqualTo(400);
        assertThat(a.api().get("/projects/owned?offset=-1").status()).isEqualTo(400);
        assertThat(a.api().get("/projects/owned?page=2&count=5").json().path("projects")).hasSize(1);
    }

    @Test
    void publicSharedAndAllListings() {
        Users.Account owner = Users.signUp(server, "plist");
        Users.Account other = Users.signUp(server, "plist");
        long pub = Fixtures.project(owner, "Public " + owner.username(), true);
        long priv = Fixtures.project(owner, "Private", false);
        long shared = Fixtures.project(owner, "Shared", false);
        Fixtures.shareWithUser(owner, "projects", shared, other, 1);

        assertThat(server.client().get("/projects/public").status()).isEqualTo(200);
        assertThat(other.api().get("/projects/public?organism=human").status()).isEqualTo(200);
        List<Long> publicIds = Fixtures.ids(server.client().get("/projects/public?limit=100&filter=" + owner.username()).json().path("projects"));
        assertThat(publicIds).containsExactly(pub);
        assertThat(Fixtures.ids(other.api().get("/projects/shared").json().path("projects"))).containsExactly(shared);
        List<Long> readable = Fixtures.ids(other.api().get("/projects?limit=100").json().path("projects"));
        assertThat(readable).contains(pub, shared).doesNotContain(priv);
        List<Long> anonymous = Fixtures.ids(server.client().get("/projects?limit=100").json().path("projects"));
        assertThat(anonymous).contains(pub).doesNotContain(priv, shared);
        assertThat(server.client().get("/projects/owned").status()).isEqualTo(401);
        assertThat(server.client().get("/projects/shared").status()).isEqualTo(401);
    }

    @Test
    void projectSubListings() {
        Users.Account a = Users.signUp(server, "psub");
        long p = Fixtures.project(a, "Subs", false);
        long s1 = Fixtures.sample(a, p, "S1");
        long s2 = Fixtures.sample(a, p, "S2");
        assertThat(Fixtures.ids(a.api().get("/projects/" + p + "/samples").json().path("samples"))).containsExactly(s2, s1);
        assertThat(a.api().get("/projects/" + p).json().path("sample_count").asInt()).isEqualTo(2);
        server.sql("INSERT INTO data (filename, size, data_type, sample_id, owner_id) VALUES ('r1.fastq.gz', 10, 'FASTQ', " + s1 + ", " + a.id() + ")");
        server.sql("INSERT INTO executions (name, status, pipeline, pipeline_version, project_id, owner_id) VALUES ('run', 'completed', 'RNA-seq', '3.14.0', " + p + ", " + a.id() + ")");
        Api.Res data = a.api().get("/projects/" + p + "/data");
        assertThat(data.json().path("count").asInt()).isEqualTo(1);
        assertThat(data.json().path("data").get(0).path("sample").path("id").asLong()).isEqualTo(s1);
        Api.Res ex = a.api().get("/projects/" + p + "/executions");
        assertThat(ex.json().path("executions").get(0).path("pipeline").asText()).isEqualTo("RNA-seq");
        assertThat(a.api().get("/projects/999999999/samples").status()).isEqualTo(404);
        assertThat(a.api().get("/projects/abc").status()).isEqualTo(404);
    }

    @Test
    void metadataUpdatesAllOrNothing() {
        Users.Account a = Users.signUp(server, "meta");
        long p = Fixtures.project(a, "Meta", false);
        long s1 = Fixtures.sample(a, p, "M1");
        long s2 = Fixtures.sample(a, p, "M2");
        long elsewhere = Fixtures.sample(a, Fixtures.project(a, "Other", false), "X");

        Map<String, String> removeTime = new HashMap<>();
        removeTime.put("timepoint", null);
        removeTime.put("treatment", "control");
        Api.Res ok = a.api().post("/projects/" + p + "/metadata", Map.of("samples", List.of(
                Map.of("id", s1, "metadata", Map.of("treatment", "drug_A", "concentration", "10uM")),
                Map.of("id", s2, "metadata", Map.of("treatment", "control", "timepoint", "0h")))));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(a.api().get("/samples/" + s1).json().path("metadata").path("concentration").asText()).isEqualTo("10uM");
        a.api().post("/projects/" + p + "/metadata", Map.of("samples", List.of(Map.of("id", s2, "metadata", removeTime))));
        assertThat(a.api().get("/samples/" + s2).json().path("metadata").has("timepoint")).isFalse();

        Api.Res bad = a.api().post("/projects/" + p + "/metadata", Map.of("samples", List.of(
                Map.of("id", s1, "metadata", Map.of("treatment", "changed")),
                Map.of("id", elsewhere, "metadata", Map.of("treatment", "x")),
                Map.of("id", 999999999, "metadata", Map.of("treatment", "x")))));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").path("details").path("ids").toString()).contains(Long.toString(elsewhere), "999999999");
        assertThat(a.api().get("/samples/" + s1).json().path("metadata").path("treatment").asText()).isEqualTo("drug_A");

        assertThat(a.api().post("/projects/" + p + "/metadata", Map.of("samples", List.of(Map.of("id", s1, "metadata", Map.of("n", 5))))).status()).isEqualTo(400);
        assertThat(a.api().post("/projects/" + p + "/metadata", Map.of("samples", List.of())).status()).isEqualTo(400);
        assertThat(a.api().post("/projects/" + p + "/metadata", Map.of("samples", List.of(
                Map.of("id", s1, "metadata", Map.of()), Map.of("id", s1, "metadata", Map.of())))).status()).isEqualTo(400);
    }

    @Test
    void transferHandsOverTheProjectAndTheOldOwnersSamples() {
        Users.Account a = Users.signUp(server, "xfer");
        Users.Account b = Users.signUp(server, "xfer");
        long p = Fixtures.project(a, "Given", false);
        long s = Fixtures.sample(a, p, "Given sample");
        Api.Res r = a.api().post("/projects/" + p + "/transfer", Map.of("user", b.username()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("owner").path("username").asText()).isEqualTo(b.username());
        assertThat(r.json().path("permissions").path("can_share").asBoolean()).isTrue();
        assertThat(r.json().path("permissions").path("can_delete").asBoolean()).isFalse();
        assertThat(b.api().get("/samples/" + s).json().path("owner").path("id").asLong()).isEqualTo(b.id());
        assertThat(Fixtures.ids(a.api().get("/projects/shared").json().path("projects"))).contains(p);
        assertThat(a.api().post("/projects/" + p + "/delete").status()).isEqualTo(403);

        assertThat(b.api().post("/projects/" + p + "/transfer", Map.of("user", b.username())).status()).isEqualTo(400);
        assertThat(b.api().post("/projects/" + p + "/transfer", Map.of()).status()).isEqualTo(400);
        assertThat(b.api().post("/projects/" + p + "/transfer", Map.of("user", Users.uniqueName("ghost"))).status()).isEqualTo(400);
        assertThat(a.api().post("/projects/" + p + "/transfer", Map.of("user", a.username())).status()).isEqualTo(403);
    }

    @Test
    void deleteTakesTheSamplesWithItAndTwiceIs404() {
        Users.Account a = Users.signUp(server, "pdel");
        long p = Fixtures.project(a, "Doomed", false);
        long s = Fixtures.sample(a, p, "Doomed sample");
        server.sql("INSERT INTO data (filename, sample_id, owner_id) VALUES ('x', " + s + ", " + a.id() + ")");
        server.sql("INSERT INTO executions (name, project_id, owner_id) VALUES ('keeps', " + p + ", " + a.id() + ")");
        assertThat(a.api().post("/projects/" + p + "/delete").status()).isEqualTo(200);
        assertThat(a.api().get("/projects/" + p).status()).isEqualTo(404);
        assertThat(a.api().get("/samples/" + s).status()).isEqualTo(404);
        assertThat(a.api().post("/projects/" + p + "/delete").status()).isEqualTo(404);
        assertThat(a.api().get("/samples/owned").json().path("count").asInt()).isZero();
        assertThat(server.queryLong("SELECT count(*) FROM data WHERE owner_id = " + a.id())).isZero();
        // an execution outlives the project it was attached to
        assertThat(server.queryLong("SELECT count(*) FROM executions WHERE name = 'keeps' AND owner_id = " + a.id() + " AND project_id IS NULL")).isEqualTo(1);
    }
}
