package bio.flow.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Pipelines;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineRegistryTest {
    private static final TestServer server = TestServer.shared();
    private final Account admin = Users.admin(server);
    private final Account plain = Users.signUp(server, "regplain");

    @Test
    void onlyAdminsChangeTheRegistry() {
        long pipeline = Pipelines.pipeline(admin, "guarded");
        Path dir = Pipelines.folder(null);
        long version = Pipelines.version(admin, pipeline, "1.0", dir.toString(), Map.of()).json().path("id").asLong();
        Map<String, Object> versionBody = Map.of("version", "2.0", "source", dir.toString(), "input", Map.of("style", "samplesheet"));
        List<Object[]> posts = List.of(
                new Object[] {"/pipelines/categories/new", Map.of("name", Users.uniqueName("c"))},
                new Object[] {"/pipelines/new", Map.of("name", Users.uniqueName("p"), "category", 1)},
                new Object[] {"/pipelines/" + pipeline + "/edit", Map.of("name", Users.uniqueName("p"))},
                new Object[] {"/pipelines/" + pipeline + "/versions/new", versionBody},
                new Object[] {"/pipelines/versions/" + version + "/edit", Map.of("retired", true)});
        for (Object[] p : posts) {
            assertThat(server.client().post((String) p[0], p[1]).status()).as("anonymous " + p[0]).isEqualTo(401);
            Api.Res r = plain.api().post((String) p[0], p[1]);
            assertThat(r.status()).as("plain user " + p[0]).isEqualTo(403);
            assertThat(r.errorCode()).isEqualTo("FORBIDDEN");
        }
        // nothing changed
        JsonNode v = server.client().get("/pipelines/versions/" + version).json();
        assertThat(v.path("retired").asBoolean()).isFalse();
        assertThat(server.client().get("/pipelines/" + pipeline).json().path("versions")).hasSize(1);
    }

    @Test
    void anyoneReadsTheRegistryInTheReferenceShapes() {
        String categoryName = Users.uniqueName("RNA Analysis");
        Api.Res c = admin.api().post("/pipelines/categories/new", Map.of("name", categoryName));
        assertThat(c.status()).isEqualTo(201);
        long category = c.json().path("id").asLong();
        String name = Users.uniqueName("RNA-seq");
        Api.Res p = admin.api().post("/pipelines/new", Map.of("name", name, "description", "Quantify gene expression", "category", categoryName.toUpperCase()));
        assertThat(p.status()).isEqualTo(201);
        long pipeline = p.json().path("id").asLong();
        assertThat(p.json().path("category").asText()).isEqualTo(categoryName);
        assertThat(p.json().path("category_id").asLong()).isEqualTo(category);
        assertThat(p.json().path("versions")).isEmpty();

        Api.Res v = Pipelines.version(admin, pipeline, "3.14.0", Pipelines.folder("draft07.json").toString(),
                Map.of("profiles", List.of("test"), "config", "process.cpus = 1"));
        assertThat(v.status()).isEqualTo(201);
        long version = v.json().path("id").asLong();

        Api anonymous = server.client();
        JsonNode listing = anonymous.get("/pipelines").json();
        JsonNode listedCategory = find(listing.path("categories"), category);
        assertThat(listedCategory.path("name").asText()).isEqualTo(categoryName);
        JsonNode listedPipeline = find(listedCategory.path("pipelines"), pipeline);
        assertThat(listedPipeline.path("name").asText()).isEqualTo(name);
        assertThat(listedPipeline.path("description").asText()).isEqualTo("Quantify gene expression");
        assertThat(listedPipeline.path("versions")).hasSize(1);
        assertThat(listedPipeline.path("versions").get(0).path("id").asLong()).isEqualTo(version);
        assertThat(listedPipeline.path("versions").get(0).path("version").asText()).isEqualTo("3.14.0");
        assertThat(listedPipeline.path("versions").get(0).path("is_latest").asBoolean()).isTrue();

        JsonNode detail = anonymous.get("/pipelines/" + pipeline).json();
        assertThat(detail.path("category").asText()).isEqualTo(categoryName);
        assertThat(detail.path("upstream_pipelines")).isEmpty();
        JsonNode shownVersion = detail.path("versions").get(0);
        assertThat(shownVersion.path("parameters")).hasSize(11);

        JsonNode anon = anonymous.get("/pipelines/versions/" + version).json();
        assertThat(anon.path("pipeline").asText()).isEqualTo(name);
        assertThat(anon.path("version").asText()).isEqualTo("3.14.0");
        assertThat(anon.path("is_latest").asBoolean()).isTrue();
        assertThat(anon.path("input_style").asText()).isEqualTo("samplesheet");
        assertThat(anon.path("input_param").asText()).isEqualTo("input");
        assertThat(anon.path("outdir_param").asText()).isEqualTo("outdir");
        assertThat(anon.path("profiles").get(0).asText()).isEqualTo("test");
        assertThat(anon.path("revision").isNull()).isTrue();
        // a server path and the config are for admins
        assertThat(anon.has("source")).isFalse();
        assertThat(anon.has("config")).isFalse();
        assertThat(plain.api().get("/pipelines/versions/" + version).json().has("source")).isFalse();
        JsonNode asAdmin = admin.api().get("/pipelines/versions/" + version).json();
        assertThat(asAdmin.path("source").asText()).startsWith("/");
        assertThat(asAdmin.path("config").asText()).isEqualTo("process.cpus = 1");

        JsonNode aligner = find(anon.path("parameters"), "aligner");
        assertThat(aligner.path("type").asText()).isEqualTo("choice");
        assertThat(aligner.path("choices")).extracting(JsonNode::asText).containsExactly("star_salmon", "star_rsem", "hisat2");
        assertThat(aligner.path("default").asText()).isEqualTo("star_salmon");
        assertThat(aligner.path("description").asText()).isEqualTo("Specifies the alignment algorithm to use.");
        JsonNode fasta = find(anon.path("parameters"), "transcript_fasta");
        assertThat(fasta.path("data").asBoolean()).isTrue();
        assertThat(fasta.path("required").asBoolean()).isTrue();
        assertThat(fasta.has("default")).isFalse();
        assertThat(find(anon.path("parameters"), "save_reference").path("hidden").asBoolean()).isTrue();
        assertThat(find(anon.path("parameters"), "kmer_size").path("default").asInt()).isEqualTo(31);
        assertThat(anon.path("parameters")).extracting(n -> n.path("name").asText()).doesNotContain("input", "outdir");

        assertThat(anonymous.get("/pipelines/" + (pipeline + 100000)).status()).isEqualTo(404);
        assertThat(anonymous.get("/pipelines/versions/abc").status()).isEqualTo(404);
    }

    @Test
    void the2020SchemaAndTheReadsGlobStyle() {
        long pipeline = Pipelines.pipeline(admin, "glob");
        Api.Res v = Pipelines.version(admin, pipeline, "1.0", Pipelines.folder("draft2020.json").toString(),
                Map.of("input", Map.of("style", "reads_glob"), "outdir_param", "results"));
        assertThat(v.status()).isEqualTo(201);
        assertThat(v.json().path("input_param").asText()).isEqualTo("reads");
        assertThat(v.json().path("outdir_param").asText()).isEqualTo("results");
        assertThat(v.json().path("parameters")).extracting(n -> n.path("name").asText())
                .containsExactly("strandedness", "min_quality", "trim_front", "skip_report", "publish_dir_mode", "threads");
        assertThat(find(v.json().path("parameters"), "min_quality").path("required").asBoolean()).isTrue();
    }

    @Test
    void namesAndVersionsAreUnique() {
        String categoryName = Users.uniqueName("Quality");
        assertThat(admin.api().post("/pipelines/categories/new", Map.of("name", categoryName)).status()).isEqualTo(201);
        Api.Res again = admin.api().post("/pipelines/categories/new", Map.of("name", " " + categoryName.toLowerCase() + " "));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().at("/error/details/field").asText()).isEqualTo("name");

        String name = Users.uniqueName("FastQC");
        long pipeline = admin.api().post("/pipelines/new", Map.of("name", name, "category", categoryName)).json().path("id").asLong();
        assertThat(admin.api().post("/pipelines/new", Map.of("name", name.toUpperCase(), "category", categoryName)).status()).isEqualTo(409);
        long other = Pipelines.pipeline(admin, "other");
        assertThat(admin.api().post("/pipelines/" + other + "/edit", Map.of("name", name)).status()).isEqualTo(409);

        Path dir = Pipelines.folder(null);
        assertThat(Pipelines.version(admin, pipeline, "1.0", dir.toString(), Map.of()).status()).isEqualTo(201);
        Api.Res dup = Pipelines.version(admin, pipeline, "1.0", dir.toString(), Map.of());
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.json().at("/error/details/field").asText()).isEqualTo("version");
        // another pipeline may have the same version
        assertThat(Pipelines.version(admin, other, "1.0", dir.toString(), Map.of()).status()).isEqualTo(201);
    }

    @Test
    void unknownCategoriesAndPipelinesAre404() {
        assertThat(admin.api().post("/pipelines/new", Map.of("name", Users.uniqueName("p"), "category", "no such category")).status()).isEqualTo(404);
        assertThat(admin.api().post("/pipelines/new", Map.of("name", Users.uniqueName("p"), "category", 99999999)).status()).isEqualTo(404);
        assertThat(Pipelines.version(admin, 99999999, "1.0", Pipelines.folder(null).toString(), Map.of()).status()).isEqualTo(404);
        assertThat(admin.api().post("/pipelines/99999999/edit", Map.of("name", "x")).status()).isEqualTo(404);
        assertThat(admin.api().post("/pipelines/versions/99999999/edit", Map.of("retired", true)).status()).isEqualTo(404);
    }

    @Test
    void editingAPipeline() {
        long pipeline = Pipelines.pipeline(admin, "editme");
        long category = Pipelines.category(admin, "moved");
        String name = Users.uniqueName("renamed");
        Api.Res r = admin.api().post("/pipelines/" + pipeline + "/edit", Map.of("name", name, "category", category));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("name").asText()).isEqualTo(name);
        assertThat(r.json().path("description").asText()).isEqualTo("about editme");
        assertThat(r.json().path("category_id").asLong()).isEqualTo(category);
        r = admin.api().post("/pipelines/" + pipeline + "/edit", Map.of("description", "new words"));
        assertThat(r.json().path("name").asText()).isEqualTo(name);
        assertThat(r.json().path("description").asText()).isEqualTo("new words");
    }

    @Test
    void badVersionsAre400NamingWhatIsWrong() throws Exception {
        long pipeline = Pipelines.pipeline(admin, "bad");
        Path good = Pipelines.folder(null);
        assertRefused(Pipelines.version(admin, pipeline, "1", "relative/dir", Map.of()), "source", "absolute directory");
        assertRefused(Pipelines.version(admin, pipeline, "1", "http://example.org/repo.git", Map.of()), "source", "git URL");
        assertRefused(Pipelines.version(admin, pipeline, "1", good + "-missing", Map.of()), "source", "not a directory");
        assertRefused(Pipelines.version(admin, pipeline, "1", good.toString(), Map.of("revision", "v1")), "revision", "only for git");
        assertRefused(Pipelines.version(admin, pipeline, "1", good.toString(), Map.of("input", Map.of("style", "bam_list"))), "input.style", "samplesheet or reads_glob");
        assertRefused(Pipelines.version(admin, pipeline, "1", good.toString(), Map.of("main_script", "../main.nf")), "main_script", "path inside");
        assertRefused(Pipelines.version(admin, pipeline, "1", good.toString(), Map.of("main_script", "workflow.nf")), "main_script", "workflow.nf");
        assertRefused(Pipelines.version(admin, pipeline, "1", good.toString(), Map.of("outdir_param", "input")), "outdir_param", "input parameter");
        assertRefused(Pipelines.version(admin, pipeline, "1", good.toString(), Map.of("outdir_param", "out-dir")), "outdir_param", "parameter name");
        assertRefused(Pipelines.version(admin, pipeline, "1", good.toString(), Map.of("upstream", List.of(pipeline))), "upstream", "itself");
        Path noMain = Files.createTempDirectory("flow-pipeline-");
        assertRefused(Pipelines.version(admin, pipeline, "1", noMain.toString(), Map.of()), "main_script", "main.nf");
        Path badSchema = Pipelines.folder(null);
        Files.writeString(badSchema.resolve("nextflow_schema.json"), "{\"definitions\": {\"a\": ");
        assertRefused(Pipelines.version(admin, pipeline, "1", badSchema.toString(), Map.of()), "source", "nextflow_schema.json: not valid JSON");
        Files.writeString(badSchema.resolve("nextflow_schema.json"), "{\"allOf\": [{\"$ref\": \"#/definitions/gone\"}]}");
        assertRefused(Pipelines.version(admin, pipeline, "1", badSchema.toString(), Map.of()), "source", "#/definitions/gone");
        Path unreadable = Pipelines.folder("draft07.json");
        Files.delete(unreadable.resolve("nextflow_schema.json"));
        Files.createDirectory(unreadable.resolve("nextflow_schema.json"));
        assertRefused(Pipelines.version(admin, pipeline, "1", unreadable.toString(), Map.of()), "source", "nextflow_schema.json: not a file");
        assertThat(server.client().get("/pipelines/" + pipeline).json().path("versions")).isEmpty();
        assertThat(Pipelines.version(admin, pipeline, "1", good.toString(), Map.of()).status()).isEqualTo(201);
    }

    static void assertRefused(Api.Res r, String field, String says) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().at("/error/details/field").asText()).as(r.toString()).isEqualTo(field);
        assertThat(r.json().at("/error/message").asText()).contains(says);
    }

    @Test
    void oneLatestVersion() {
        long pipeline = Pipelines.pipeline(admin, "latest");
        String dir = Pipelines.folder(null).toString();
        // the first version is latest, even when asked not to be: a pipeline with versions has a latest one
        long v1 = Pipelines.version(admin, pipeline, "1.0", dir, Map.of("is_latest", false)).json().path("id").asLong();
        assertThat(latest(pipeline)).containsExactly(v1);
        long v2 = Pipelines.version(admin, pipeline, "2.0", dir, Map.of()).json().path("id").asLong();
        assertThat(latest(pipeline)).containsExactly(v2);
        long v3 = Pipelines.version(admin, pipeline, "3.0-beta", dir, Map.of("is_latest", false)).json().path("id").asLong();
        assertThat(latest(pipeline)).containsExactly(v2);
        Api.Res r = admin.api().post("/pipelines/versions/" + v3 + "/edit", Map.of("is_latest", true));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("is_latest").asBoolean()).isTrue();
        assertThat(latest(pipeline)).containsExactly(v3);
        admin.api().post("/pipelines/versions/" + v1 + "/edit", Map.of("is_latest", true));
        assertThat(latest(pipeline)).containsExactly(v1);
        admin.api().post("/pipelines/versions/" + v1 + "/edit", Map.of("is_latest", false));
        assertThat(latest(pipeline)).isEmpty();
        // only the first version is latest whatever it asks
        Pipelines.version(admin, pipeline, "4.0-beta", dir, Map.of("is_latest", false));
        assertThat(latest(pipeline)).isEmpty();
    }

    @Test
    void retiredVersionsAreShownAndCannotRun() {
        long pipeline = Pipelines.pipeline(admin, "retire");
        String dir = Pipelines.folder(null).toString();
        long v1 = Pipelines.version(admin, pipeline, "1.0", dir, Map.of()).json().path("id").asLong();
        long v2 = Pipelines.version(admin, pipeline, "2.0", dir, Map.of()).json().path("id").asLong();
        Api.Res r = admin.api().post("/pipelines/versions/" + v2 + "/edit", Map.of("retired", true));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("retired").asBoolean()).isTrue();
        // a retired version is never latest
        assertThat(r.json().path("is_latest").asBoolean()).isFalse();
        JsonNode listed = find(server.client().get("/pipelines/" + pipeline).json().path("versions"), v2);
        assertThat(listed.path("retired").asBoolean()).isTrue();
        assertThat(runnable(v2).retired()).isTrue();
        assertThat(runnable(v1).retired()).isFalse();

        Api.Res refused = admin.api().post("/pipelines/versions/" + v2 + "/edit", Map.of("is_latest", true));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().at("/error/details/field").asText()).isEqualTo("is_latest");
        r = admin.api().post("/pipelines/versions/" + v2 + "/edit", Map.of("is_latest", true, "retired", false));
        assertThat(r.json().path("is_latest").asBoolean()).isTrue();
        assertThat(r.json().path("retired").asBoolean()).isFalse();
        assertThat(runnable(v2).retired()).isFalse();
        assertThat(latest(pipeline)).containsExactly(v2);
    }

    @Test
    void upstreamPipelinesByIdOrName() {
        long qc = Pipelines.pipeline(admin, "upqc");
        long trim = Pipelines.pipeline(admin, "uptrim");
        String trimName = server.client().get("/pipelines/" + trim).json().path("name").asText();
        long rnaseq = Pipelines.pipeline(admin, "downstream");
        String dir = Pipelines.folder(null).toString();
        Api.Res r = Pipelines.version(admin, rnaseq, "1.0", dir, Map.of("upstream", List.of(qc, trimName.toLowerCase())));
        assertThat(r.status()).isEqualTo(201);
        JsonNode upstream = server.client().get("/pipelines/" + rnaseq).json().path("upstream_pipelines");
        assertThat(upstream).extracting(n -> n.path("id").asLong()).containsExactlyInAnyOrder(qc, trim);
        assertThat(find(upstream, trim).path("name").asText()).isEqualTo(trimName);
        // a version without upstream keeps them; one with upstream replaces them
        Pipelines.version(admin, rnaseq, "1.1", dir, Map.of());
        assertThat(server.client().get("/pipelines/" + rnaseq).json().path("upstream_pipelines")).hasSize(2);
        Pipelines.version(admin, rnaseq, "1.2", dir, Map.of("upstream", List.of(qc)));
        assertThat(server.client().get("/pipelines/" + rnaseq).json().path("upstream_pipelines")).extracting(n -> n.path("id").asLong()).containsExactly(qc);

        Api.Res unknown = Pipelines.version(admin, rnaseq, "1.3", dir, Map.of("upstream", List.of("no such pipeline")));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().at("/error/message").asText()).contains("no such pipeline");
    }

    private List<Long> latest(long pipeline) {
        List<Long> ids = new ArrayList<>();
        for (JsonNode v : server.client().get("/pipelines/" + pipeline).json().path("versions")) {
            if (v.path("is_latest").asBoolean()) ids.add(v.path("id").asLong());
        }
        return ids;
    }

    private static RunnableVersion runnable(long versionId) {
        return server.jdbi().withHandle(h -> PipelineVersions.runnable(h, versionId)).orElseThrow();
    }

    static JsonNode find(JsonNode array, long id) {
        for (JsonNode n : array) if (n.path("id").asLong() == id) return n;
        throw new AssertionError("no " + id + " in " + array);
    }

    static JsonNode find(JsonNode array, String name) {
        for (JsonNode n : array) if (n.path("name").asText().equals(name)) return n;
        throw new AssertionError("no " + name + " in " + array);
    }
}
