package bio.flow.samples;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplesTest {
    private final TestServer server = TestServer.shared();

    private static Map<String, Object> fullSample(long project) {
        Map<String, Object> f = new HashMap<>();
        f.put("name", "Sample-001");
        f.put("project", project);
        f.put("organism", "human");
        f.put("sample_type", "rna");
        f.put("source", "Cell Line");
        f.put("purification_target", "Total RNA");
        f.put("condition", "Control");
        f.put("replicate_group", "Group A");
        f.put("metadata", Map.of("treatment", "none", "timepoint", "0h"));
        return f;
    }

    @Test
    void createAnswersTheSampleAsGetDoes() {
        Users.Account a = Users.signUp(server, "samp");
        long p = Fixtures.project(a, "RNA-seq Project", false);
        Api.Res created = a.api().post("/samples/new", fullSample(p));
        assertThat(created.status()).isEqualTo(201);
        Api.Res got = a.api().get("/samples/" + created.json().path("id").asLong());
        assertThat(got.json()).isEqualTo(created.json());
        assertThat(got.json().path("sample_type").asText()).isEqualTo("RNA");
        assertThat(got.json().path("source").asText()).isEqualTo("Cell Line");
        assertThat(got.json().path("purification_target").asText()).isEqualTo("Total RNA");
        assertThat(got.json().path("condition").asText()).isEqualTo("Control");
        assertThat(got.json().path("replicate_group").asText()).isEqualTo("Group A");
        assertThat(got.json().path("project").path("name").asText()).isEqualTo("RNA-seq Project");
        assertThat(got.json().path("metadata").path("timepoint").asText()).isEqualTo("0h");
        assertThat(got.json().path("permissions").path("can_edit").asBoolean()).isTrue();
    }

    @Test
    void aSampleNeedNotBeInAProject() {
        Users.Account a = Users.signUp(server, "loose");
        long s = Fixtures.sample(a, Map.of("name", "Loose"));
        Api.Res r = a.api().get("/samples/" + s);
        assertThat(r.json().path("project").isNull()).isTrue();
        assertThat(r.json().path("organism").isNull()).isTrue();
    }

    @Test
    void unknownVocabularyAndBadFieldsAre400AndCreateNothing() {
        Users.Account a = Users.signUp(server, "sbad");
        long p = Fixtures.project(a, "P", false);
        String[][] cases = {{"organism", "martian"}, {"sample_type", "nope"}, {"source", "Moon rock"}, {"purification_target", "Gold"}};
        for (String[] c : cases) {
            Map<String, Object> f = fullSample(p);
            f.put(c[0], c[1]);
            Api.Res r = a.api().post("/samples/new", f);
            assertThat(r.status()).as(c[0]).isEqualTo(400);
            assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo(c[0]);
        }
        Map<String, Object> f = fullSample(p);
        f.put("name", "");
        assertThat(a.api().post("/samples/new", f).status()).isEqualTo(400);
        f.put("name", "x".repeat(201));
        assertThat(a.api().post("/samples/new", f).status()).isEqualTo(400);
        f = fullSample(p);
        f.put("project", "ten");
        assertThat(a.api().post("/samples/new", f).status()).isEqualTo(400);
        f.put("project", 999999999);
        assertThat(a.api().post("/samples/new", f).json().path("error").path("details").path("field").asText()).isEqualTo("project");
        f = fullSample(p);
        f.put("metadata", Map.of("k", List.of(1)));
        assertThat(a.api().post("/samples/new", f).status()).isEqualTo(400);
        assertThat(a.api().get("/projects/" + p).json().path("sample_count").asInt()).isZero();
    }

    @Test
    void cannotAddSamplesToSomeoneElsesProjectWithoutEditRights() {
        Users.Account owner = Users.signUp(server, "sown");
        Users.Account reader = Users.signUp(server, "sread");
        long p = Fixtures.project(owner, "Guarded", false);
        Fixtures.shareWithUser(owner, "projects", p, reader, 1);
        Api.Res r = reader.api().post("/samples/new", Map.of("name", "Intruder", "project", p));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo("project");
        Fixtures.shareWithUser(owner, "projects", p, reader, 2);
        assertThat(reader.api().post("/samples/new", Map.of("name", "Welcome", "project", p)).status()).isEqualTo(201);
    }

    @Test
    void editChangesGivenFieldsAndMergesMetadata() {
        Users.Account a = Users.signUp(server, "sedit");
        long p = Fixtures.project(a, "P", false);
        long s = a.api().post("/samples/new", fullSample(p)).json().path("id").asLong();
        Map<String, Object> change = new HashMap<>();
        change.put("name", "Renamed");
        change.put("sample_type", "DNA");
        change.put("source", "");
        Map<String, String> meta = new HashMap<>();
        meta.put("timepoint", null);
        meta.put("dose", "5mg");
        change.put("metadata", meta);
        Api.Res r = a.api().post("/samples/" + s + "/edit", change);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("name").asText()).isEqualTo("Renamed");
        assertThat(r.json().path("sample_type").asText()).isEqualTo("DNA");
        assertThat(r.json().path("source").isNull()).isTrue();
        assertThat(r.json().path("condition").asText()).isEqualTo("Control");
        assertThat(r.json().path("metadata").path("treatment").asText()).isEqualTo("none");
        assertThat(r.json().path("metadata").path("dose").asText()).isEqualTo("5mg");
        assertThat(r.json().path("metadata").has("timepoint")).isFalse();
        assertThat(a.api().post("/samples/" + s + "/edit", Map.of("organism", "martian")).status()).isEqualTo(400);
        assertThat(a.api().get("/samples/" + s).json().path("organism").asText()).isEqualTo("human");
    }

    @Test
    void movingBetweenProjects() {
        Users.Account a = Users.signUp(server, "smove");
        long p1 = Fixtures.project(a, "One", false);
        long p2 = Fixtures.project(a, "Two", false);
        long s = Fixtures.sample(a, p1, "Mover");
        assertThat(a.api().post("/samples/" + s + "/edit", Map.of("project", p2)).json().path("project").path("id").asLong()).isEqualTo(p2);
        assertThat(a.api().post("/samples/" + s + "/edit", Map.of("project", 0)).json().path("project").isNull()).isTrue();
        Users.Account stranger = Users.signUp(server, "smove");
        long theirs = Fixtures.project(stranger, "Theirs", false);
        assertThat(a.api().post("/samples/" + s + "/edit", Map.of("project", theirs)).status()).isEqualTo(400);
    }

    @Test
    void ownedAndSharedListings() {
        Users.Account a = Users.signUp(server, "slist");
        Users.Account b = Users.signUp(server, "slist");
        long p = Fixtures.project(a, "Listed", false);
        long s1 = Fixtures.sample(a, Map.of("name", "Alpha one", "project", p, "organism", "human"));
        long s2 = Fixtures.sample(a, Map.of("name", "Beta two", "project", p, "organism", "mouse"));
        long alone = Fixtures.sample(a, Map.of("name", "Alpha alone"));
        Api.Res owned = a.api().get("/samples/owned");
        assertThat(owned.json().path("count").asInt()).isEqualTo(3);
        assertThat(Fixtures.ids(owned.json().path("samples"))).containsExactly(alone, s2, s1);
        assertThat(owned.json().path("samples").get(1).path("project").path("id").asLong()).isEqualTo(p);
        assertThat(a.api().get("/samples/owned?filter=alpha").json().path("count").asInt()).isEqualTo(2);
        assertThat(a.api().get("/samples/owned?organism=mouse").json().path("count").asInt()).isEqualTo(1);
        assertThat(a.api().get("/samples/owned?limit=1&offset=1").json().path("samples").get(0).path("id").asLong()).isEqualTo(s2);

        assertThat(b.api().get("/samples/shared").json().path("count").asInt()).isZero();
        Fixtures.shareWithUser(a, "projects", p, b, 1);
        assertThat(Fixtures.ids(b.api().get("/samples/shared").json().path("samples"))).containsExactly(s2, s1);
        Fixtures.shareWithUser(a, "samples", alone, b, 1);
        assertThat(b.api().get("/samples/shared").json().path("count").asInt()).isEqualTo(3);
        assertThat(server.client().get("/samples/owned").status()).isEqualTo(401);
        assertThat(a.api().get("/samples/shared?limit=0").status()).isEqualTo(400);
    }

    @Test
    void aPrivateProjectIsNotNamedToThoseWhoMayOnlyReadOneOfItsSamples() {
        Users.Account a = Users.signUp(server, "hide");
        Users.Account b = Users.signUp(server, "hide");
        long p = Fixtures.project(a, "Secret project name", false);
        long s = Fixtures.sample(a, p, "Shared alone");
        Fixtures.shareWithUser(a, "samples", s, b, 1);
        assertThat(b.api().get("/samples/" + s).json().path("project").isNull()).isTrue();
        assertThat(b.api().get("/samples/shared").text()).doesNotContain("Secret project name");
        assertThat(a.api().get("/samples/" + s).json().path("project").path("name").asText()).isEqualTo("Secret project name");
        Fixtures.shareWithUser(a, "projects", p, b, 1);
        assertThat(b.api().get("/samples/" + s).json().path("project").path("id").asLong()).isEqualTo(p);
    }

    @Test
    void sharingValidation() {
        Users.Account a = Users.signUp(server, "sshare");
        Users.Account b = Users.signUp(server, "sshare");
        long s = Fixtures.sample(a, Map.of("name", "Shared"));
        Api.Res ok = a.api().post("/samples/" + s + "/share", Map.of("users", List.of(b.username()), "permission", 2));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("users").get(0).path("username").asText()).isEqualTo(b.username());
        assertThat(ok.json().path("users").get(0).path("permission").asInt()).isEqualTo(2);

        String ghost = Users.uniqueName("ghost");
        Api.Res unknown = a.api().post("/samples/" + s + "/share", Map.of("users", List.of(ghost), "permission", 1));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("error").path("details").path("unknown").get(0).asText()).isEqualTo(ghost);
        assertThat(a.api().post("/samples/" + s + "/share", Map.of("groups", List.of("no-such-group-x"), "permission", 1)).status()).isEqualTo(400);
        assertThat(a.api().post("/samples/" + s + "/share", Map.of("users", List.of(b.username()), "permission", 4)).status()).isEqualTo(400);
        assertThat(a.api().post("/samples/" + s + "/share", Map.of("users", List.of(b.username()))).status()).isEqualTo(400);
        assertThat(a.api().post("/samples/" + s + "/share", Map.of("permission", 1)).status()).isEqualTo(400);
        assertThat(a.api().post("/samples/" + s + "/share", Map.of("users", List.of(a.username()), "permission", 1)).status()).isEqualTo(400);
        assertThat(a.api().post("/samples/" + s + "/share", Map.of("users", "notalist", "permission", 1)).status()).isEqualTo(400);

        Api.Res withdrawn = a.api().post("/samples/" + s + "/share", Map.of("users", List.of(b.username()), "permission", 0));
        assertThat(withdrawn.json().path("users")).isEmpty();
        assertThat(b.api().get("/samples/" + s).status()).isEqualTo(404);
    }

    @Test
    void batchDeleteIsAllOrNothing() {
        Users.Account a = Users.signUp(server, "sbatch");
        Users.Account b = Users.signUp(server, "sbatch");
        long s1 = Fixtures.sample(a, Map.of("name", "1"));
        long s2 = Fixtures.sample(a, Map.of("name", "2"));
        long theirs = Fixtures.sample(b, Map.of("name", "3"));
        Fixtures.shareWithUser(b, "samples", theirs, a, 3);

        Api.Res refused = a.api().post("/samples/delete", Map.of("ids", List.of(s1, s2, theirs, 999999999L)));
        assertThat(refused.status()).isEqualTo(400);
        String failed = refused.json().path("error").path("details").path("failed").toString();
        assertThat(failed).contains(Long.toString(theirs), "999999999").doesNotContain("\"id\":" + s1 + ",");
        assertThat(a.api().get("/samples/owned").json().path("count").asInt()).isEqualTo(2);

        assertThat(a.api().post("/samples/delete", Map.of("ids", List.of(s1, s2))).status()).isEqualTo(200);
        assertThat(a.api().get("/samples/owned").json().path("count").asInt()).isZero();
        assertThat(a.api().post("/samples/delete", Map.of("ids", List.of(s1))).status()).isEqualTo(400);
        assertThat(a.api().post("/samples/delete", Map.of("ids", List.of())).status()).isEqualTo(400);
        assertThat(a.api().post("/samples/delete", Map.of("ids", List.of("x"))).status()).isEqualTo(400);
        assertThat(a.api().post("/samples/delete", "{\"ids\": [null]}").status()).isEqualTo(400);
    }

    @Test
    void deleteRemovesWhatBelongsOnlyToTheSample() {
        Users.Account a = Users.signUp(server, "sdel");
        long p = Fixtures.project(a, "P", false);
        long s = Fixtures.sample(a, p, "Doomed");
        long keep = Fixtures.sample(a, p, "Kept");
        server.sql("INSERT INTO filesets (name, sample_id) VALUES ('reads', " + s + ")");
        server.sql("INSERT INTO data (filename, sample_id, fileset_id, owner_id) SELECT 'r1', " + s + ", max(id), " + a.id() + " FROM filesets WHERE sample_id = " + s);
        server.sql("INSERT INTO data (filename, sample_id, owner_id) VALUES ('kept', " + keep + ", " + a.id() + ")");
        server.sql("INSERT INTO executions (name, owner_id) VALUES ('used-" + s + "', " + a.id() + ")");
        server.sql("INSERT INTO execution_samples (execution_id, sample_id) SELECT id, " + s + " FROM executions WHERE name = 'used-" + s + "'");
        assertThat(a.api().get("/samples/" + s + "/executions").json().path("count").asInt()).isEqualTo(1);
        assertThat(a.api().get("/samples/" + s + "/data").json().path("count").asInt()).isEqualTo(1);

        assertThat(a.api().post("/samples/" + s + "/delete").status()).isEqualTo(200);
        assertThat(a.api().get("/samples/" + s).status()).isEqualTo(404);
        assertThat(a.api().post("/samples/" + s + "/delete").status()).isEqualTo(404);
        assertThat(server.queryLong("SELECT count(*) FROM filesets WHERE sample_id = " + s)).isZero();
        assertThat(server.queryLong("SELECT count(*) FROM data WHERE owner_id = " + a.id())).isEqualTo(1);
        assertThat(server.queryLong("SELECT count(*) FROM executions WHERE name = 'used-" + s + "'")).isEqualTo(1);
        assertThat(a.api().get("/samples/" + keep + "/data").json().path("count").asInt()).isEqualTo(1);
    }

    @Test
    void transferKeepsShareAccessForTheOldOwner() {
        Users.Account a = Users.signUp(server, "stx");
        Users.Account b = Users.signUp(server, "stx");
        long s = Fixtures.sample(a, Map.of("name", "Given"));
        Api.Res r = a.api().post("/samples/" + s + "/transfer", Map.of("user", b.username()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("owner").path("id").asLong()).isEqualTo(b.id());
        assertThat(r.json().path("permissions").path("can_share").asBoolean()).isTrue();
        assertThat(r.json().path("permissions").path("can_delete").asBoolean()).isFalse();
        assertThat(Fixtures.ids(b.api().get("/samples/owned").json().path("samples"))).contains(s);
        assertThat(a.api().post("/samples/" + s + "/delete").status()).isEqualTo(403);
        assertThat(a.api().post("/samples/" + s + "/transfer", Map.of("user", a.username())).status()).isEqualTo(403);
    }
}
