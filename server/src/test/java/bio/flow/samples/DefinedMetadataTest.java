package bio.flow.samples;

import static bio.flow.testing.Answers.assertConflict;
import static bio.flow.testing.Answers.assertInvalid;
import static bio.flow.testing.Answers.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metadata attributes a lab defines, over real HTTP with every answer checked against openapi.yaml: the admin
 * routes and who may use them, their bad input, the list and options answers, and the rules they put on samples
 * through POST /samples/new and the sample edit. On a server of its own: an attribute required for every sample would
 * stop the other test classes' samples.
 */
class DefinedMetadataTest {
    private static TestServer server;
    private static Account admin;
    private static Account user;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
        admin = Users.admin(server);
        user = Users.signUp(server, "meta");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, Object> attribute(String identifier, String name, Object... more) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("identifier", identifier);
        m.put("name", name);
        for (int i = 0; i < more.length; i += 2) m.put((String) more[i], more[i + 1]);
        return m;
    }

    private static JsonNode created(Api.Res r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    /** A sample type of this test alone, so that links to it concern no other sample. */
    private static String sampleType(String prefix) {
        String name = Users.uniqueName(prefix);
        assertThat(admin.api().post("/samples/types/create", Map.of("name", name)).status()).isEqualTo(201);
        return name;
    }

    private static JsonNode listed(String identifier) {
        for (JsonNode a : server.client().get("/samples/metadata").json().path("attributes")) {
            if (a.path("identifier").asText().equals(identifier)) return a;
        }
        return null;
    }

    private static Map<String, Object> sample(String name, String type, Map<String, Object> metadata) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        if (type != null) m.put("sample_type", type);
        if (metadata != null) m.put("metadata", metadata);
        return m;
    }

    @Test
    void onlyAdministratorsChangeTheAttributes() {
        Map<String, Object> body = attribute("perm_attr", "Permission attribute");
        Api anonymous = server.client();
        assertStatus(anonymous.post("/samples/metadata/create", body), 401, "UNAUTHORIZED");
        assertStatus(user.api().post("/samples/metadata/create", body), 403, "FORBIDDEN");
        JsonNode a = created(admin.api().post("/samples/metadata/create", body));
        assertThat(a.path("identifier").asText()).isEqualTo("perm_attr");
        assertThat(a.path("built_in").asBoolean()).isFalse();

        for (String path : List.of("/samples/metadata/perm_attr/edit", "/samples/metadata/perm_attr/options",
                "/samples/metadata/perm_attr/sample_types", "/samples/metadata/perm_attr/delete")) {
            Map<String, Object> b = path.endsWith("options") ? Map.of("options", List.of("x"))
                    : path.endsWith("sample_types") ? Map.of("sample_type_links", List.of()) : Map.of("name", "Changed");
            assertStatus(anonymous.post(path, b), 401, "UNAUTHORIZED");
            assertStatus(user.api().post(path, b), 403, "FORBIDDEN");
        }
        JsonNode still = listed("perm_attr");
        assertThat(still.path("name").asText()).isEqualTo("Permission attribute");
        assertThat(still.path("options")).isEmpty();

        assertThat(admin.api().post("/samples/metadata/perm_attr/delete").status()).isEqualTo(200);
        assertThat(listed("perm_attr")).isNull();
        assertStatus(admin.api().post("/samples/metadata/perm_attr/delete"), 404, "NOT_FOUND");
        assertStatus(server.client().get("/samples/metadata/perm_attr/options"), 404, "NOT_FOUND");
    }

    @Test
    void createEditOptionsLinksAndTheListAnswer() {
        String type = sampleType("Tissue-seq");
        JsonNode a = created(admin.api().post("/samples/metadata/create", attribute("cell_type", "Cell type", "description", "The cell type",
                "allow_annotation", true, "options", List.of("Neuron", "Fibroblast"),
                "sample_type_links", List.of(Map.of("sample_type_identifier", type.toLowerCase(java.util.Locale.ROOT), "required", true)))));
        assertThat(a.path("has_options").asBoolean()).isTrue();
        assertThat(a.path("allow_user_terms").asBoolean()).isFalse();
        assertThat(a.path("required").asBoolean()).isFalse();
        assertThat(a.path("sample_type_links")).hasSize(1);
        assertThat(a.path("sample_type_links").get(0).path("sample_type_identifier").asText()).isEqualTo(type);
        assertThat(a.path("required_for_sample_types").get(0).asText()).isEqualTo(type);

        // One list: the built-ins first, then the defined attributes in their order.
        List<String> ids = new ArrayList<>();
        server.client().get("/samples/metadata").json().path("attributes").forEach(x -> ids.add(x.path("identifier").asText()));
        assertThat(ids.subList(0, 4)).containsExactly("source", "purification_target", "condition", "replicate_group");
        assertThat(ids).contains("cell_type");

        List<String> options = new ArrayList<>();
        server.client().get("/samples/metadata/cell_type/options").json().path("options").forEach(o -> options.add(o.path("value").asText()));
        assertThat(options).containsExactly("Neuron", "Fibroblast");

        Api.Res set = admin.api().post("/samples/metadata/cell_type/options", Map.of("options", List.of("Hepatocyte", "Neuron")));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertThat(set.json().path("options").get(0).asText()).isEqualTo("Hepatocyte");
        Api.Res edited = admin.api().post("/samples/metadata/cell_type/edit", Map.of("name", "Cell kind", "required", true, "position", 0));
        assertThat(edited.status()).as(edited.toString()).isEqualTo(200);
        assertThat(edited.json().path("name").asText()).isEqualTo("Cell kind");
        assertThat(edited.json().path("required").asBoolean()).isTrue();
        assertThat(edited.json().path("description").asText()).isEqualTo("The cell type");
        Api.Res unlinked = admin.api().post("/samples/metadata/cell_type/sample_types", Map.of("sample_type_links", List.of()));
        assertThat(unlinked.json().path("sample_type_links")).isEmpty();
        assertThat(unlinked.json().path("required_for_sample_types")).isEmpty();
        assertThat(admin.api().post("/samples/metadata/cell_type/delete").status()).isEqualTo(200);
    }

    @Test
    void badDefinitionsAreRefused() {
        Api a = admin.api();
        assertInvalid(a.post("/samples/metadata/create", attribute("Cell-Type", "Bad")), "identifier");
        assertInvalid(a.post("/samples/metadata/create", attribute("1abc", "Bad")), "identifier");
        assertInvalid(a.post("/samples/metadata/create", attribute("a".repeat(64), "Bad")), "identifier");
        assertInvalid(a.post("/samples/metadata/create", attribute("cell__type", "Bad")), "identifier");
        assertInvalid(a.post("/samples/metadata/create", Map.of("name", "No identifier")), "identifier");
        // the protocol's field names and the sample's own
        for (String taken : List.of("filename", "expected_file_size", "is_last", "data", "is_last_sample", "previous_data", "sample_name",
                "sample_type", "project", "organism", "blob", "name", "metadata")) {
            assertInvalid(a.post("/samples/metadata/create", attribute(taken, "Protocol " + taken)), "identifier");
        }
        assertInvalid(a.post("/samples/metadata/create", attribute("no_name", "")), "name");
        assertInvalid(a.post("/samples/metadata/create", attribute("bad_position", "Bad position", "position", -1)), "position");
        assertInvalid(a.post("/samples/metadata/create", attribute("dup_options", "Dup options", "options", List.of("A", "a"))), "options[1]");
        assertInvalid(a.post("/samples/metadata/create", attribute("bad_link", "Bad link",
                "sample_type_links", List.of(Map.of("sample_type_identifier", "No such type")))), "sample_type_links[0].sample_type_identifier");
        assertThat(listed("dup_options")).isNull();
        assertThat(listed("bad_link")).isNull();

        // duplicates: an identifier or a name in use (built-ins included, names in any case)
        created(a.post("/samples/metadata/create", attribute("genotype", "Genotype")));
        assertConflict(a.post("/samples/metadata/create", attribute("genotype", "Another")), "identifier");
        assertConflict(a.post("/samples/metadata/create", attribute("source", "Another source")), "identifier");
        assertConflict(a.post("/samples/metadata/create", attribute("genotype2", "GENOTYPE")), "name");
        assertConflict(a.post("/samples/metadata/create", attribute("where_from", "source")), "name");
        created(a.post("/samples/metadata/create", attribute("strain", "Strain")));
        assertConflict(a.post("/samples/metadata/strain/edit", Map.of("name", "genotype")), "name");

        // the identifier never changes; options and links have their own routes
        assertInvalid(a.post("/samples/metadata/strain/edit", Map.of("identifier", "strain2")), "identifier");
        assertInvalid(a.post("/samples/metadata/strain/edit", Map.of("options", List.of("x"))), "options");
        assertInvalid(a.post("/samples/metadata/strain/options", Map.of()), "options");
        assertInvalid(a.post("/samples/metadata/strain/options", Map.of("options", List.of(" "))), "options[0]");
        assertInvalid(a.post("/samples/metadata/strain/sample_types", Map.of("sample_type_links", List.of(
                Map.of("sample_type_identifier", "RNA"), Map.of("sample_type_identifier", "rna")))), "sample_type_links[1].sample_type_identifier");
        // built-ins are fields of the sample: listed, not changed here
        assertConflict(a.post("/samples/metadata/source/edit", Map.of("name", "Origin")), "identifier");
        assertConflict(a.post("/samples/metadata/condition/options", Map.of("options", List.of("x"))), "identifier");
        assertConflict(a.post("/samples/metadata/condition/delete"), "identifier");
        assertStatus(a.post("/samples/metadata/nothing_here/edit", Map.of("name", "x")), 404, "NOT_FOUND");
        assertThat(a.post("/samples/metadata/genotype/delete").status()).isEqualTo(200);
        assertThat(a.post("/samples/metadata/strain/delete").status()).isEqualTo(200);
    }

    @Test
    void samplesFollowTheRulesWhenCreatedAndEdited() {
        String type = sampleType("Brain-seq");
        created(admin.api().post("/samples/metadata/create", attribute("region", "Brain region", "allow_annotation", true,
                "options", List.of("Cortex", "Hippocampus", "Cerebellum"),
                "sample_type_links", List.of(Map.of("sample_type_identifier", type, "required", true)))));
        created(admin.api().post("/samples/metadata/create", attribute("stain", "Stain", "allow_user_terms", true, "options", List.of("DAPI"))));
        created(admin.api().post("/samples/metadata/create", attribute("batch", "Batch")));
        Api u = user.api();
        try {
            // required for the linked type, not for others
            Api.Res missing = u.post("/samples/new", sample("no_region", type, Map.of("batch", "b1")));
            assertInvalid(missing, "metadata.region");
            assertThat(missing.json().at("/error/message").asText()).contains(type).contains("no_region");
            assertThat(u.post("/samples/new", sample("other_type", "RNA", Map.of())).status()).isEqualTo(201);
            assertInvalid(u.post("/samples/new", sample("blank_region", type, Map.of("region", "  "))), "metadata.region");

            // a value outside the options: 400 naming the field and listing the allowed values
            Api.Res wrong = u.post("/samples/new", sample("wrong_region", type, Map.of("region", "Liver")));
            assertInvalid(wrong, "metadata.region");
            assertThat(wrong.json().at("/error/message").asText()).contains("Liver").contains("Cortex").contains("Hippocampus");
            assertThat(wrong.json().at("/error/details/allowed").toString()).contains("Cerebellum");
            assertInvalid(u.post("/samples/new", sample("wrong_other", "RNA", Map.of("region", "Liver"))), "metadata.region");

            // annotations only where allowed
            assertInvalid(u.post("/samples/new", sample("bad_note", "RNA", Map.of("batch__annotation", "note"))), "metadata.batch__annotation");
            assertInvalid(u.post("/samples/new", sample("bad_note2", "RNA", Map.of("source__annotation", "note"))), "metadata.source__annotation");

            // a good one: the option as spelt, user terms where allowed, free-form keys kept
            Api.Res ok = u.post("/samples/new", sample("good", type, Map.of("region", "cortex", "region__annotation", "layer 5",
                    "stain", "Hoechst", "free_key", "anything", "batch", "")));
            assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
            JsonNode m = ok.json().path("metadata");
            assertThat(m.path("region").asText()).isEqualTo("Cortex");
            assertThat(m.path("region__annotation").asText()).isEqualTo("layer 5");
            assertThat(m.path("stain").asText()).isEqualTo("Hoechst");
            assertThat(m.path("free_key").asText()).isEqualTo("anything");
            assertThat(m.has("batch")).as("a blank value is no value").isFalse();
            long good = ok.json().path("id").asLong();

            // edits: no removing a required value, no bad option; other edits pass
            Map<String, Object> remove = new LinkedHashMap<>();
            remove.put("region", null);
            assertInvalid(u.post("/samples/" + good + "/edit", Map.of("metadata", remove)), "metadata.region");
            assertInvalid(u.post("/samples/" + good + "/edit", Map.of("metadata", Map.of("region", "Liver"))), "metadata.region");
            assertInvalid(u.post("/samples/" + good + "/edit", Map.of("metadata", Map.of("stain__annotation", "x"))), "metadata.stain__annotation");
            Api.Res renamed = u.post("/samples/" + good + "/edit", Map.of("name", "good2", "metadata", Map.of("region", "HIPPOCAMPUS")));
            assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
            assertThat(renamed.json().path("metadata").path("region").asText()).isEqualTo("Hippocampus");

            // the project's batch metadata change follows the same rules
            long project = Fixtures.project(user, "Brains", false);
            long inProject = u.post("/samples/new", Map.of("name", "in_project", "project", project, "sample_type", type,
                    "metadata", Map.of("region", "Cortex"))).json().path("id").asLong();
            assertInvalid(u.post("/projects/" + project + "/metadata", Map.of("samples", List.of(Map.of("id", inProject,
                    "metadata", Map.of("region", "Liver"))))), "samples.0.metadata.region");
            assertInvalid(u.post("/projects/" + project + "/metadata", Map.of("samples", List.of(Map.of("id", inProject,
                    "metadata", remove)))), "samples.0.metadata.region");
            Api.Res batch = u.post("/projects/" + project + "/metadata", Map.of("samples", List.of(Map.of("id", inProject,
                    "metadata", Map.of("region", "cerebellum", "note", "free")))));
            assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
            assertThat(u.get("/samples/" + inProject).json().path("metadata").path("region").asText()).isEqualTo("Cerebellum");

            // a sample of another type moved to the linked type must then have a value
            long other = Fixtures.sample(user, Map.of("name", "mover", "sample_type", "RNA"));
            assertInvalid(u.post("/samples/" + other + "/edit", Map.of("sample_type", type)), "metadata.region");
            assertThat(u.post("/samples/" + other + "/edit", Map.of("sample_type", type, "metadata", Map.of("region", "Cerebellum"))).status())
                    .isEqualTo(200);

            // required for every sample: a sample made before still takes edits that do not touch it
            assertThat(admin.api().post("/samples/metadata/batch/edit", Map.of("required", true)).status()).isEqualTo(200);
            assertInvalid(u.post("/samples/new", sample("no_batch", "RNA", Map.of())), "metadata.batch");
            assertThat(u.post("/samples/" + good + "/edit", Map.of("name", "good3")).status()).isEqualTo(200);
            assertThat(u.post("/samples/new", sample("with_batch", null, Map.of("batch", "b7"))).status()).isEqualTo(201);
            assertThat(server.queryLong("SELECT count(*) FROM samples WHERE name IN ('no_region', 'blank_region', 'wrong_region', "
                    + "'wrong_other', 'bad_note', 'bad_note2', 'no_batch')")).isZero();
        } finally {
            for (String id : List.of("region", "stain", "batch")) admin.api().post("/samples/metadata/" + id + "/delete");
        }
        // once deleted, the values stay as free-form metadata and nothing is checked
        JsonNode kept = u.get("/samples/owned").json().path("samples");
        assertThat(kept).isNotEmpty();
        assertThat(u.post("/samples/new", sample("after", type, Map.of("region", "Liver"))).status()).isEqualTo(201);
    }

    @Test
    void deletingASampleTypeTakesItsLinks() {
        String type = sampleType("Gone-seq");
        created(admin.api().post("/samples/metadata/create", attribute("linked_once", "Linked once",
                "sample_type_links", List.of(Map.of("sample_type_identifier", type, "required", true)))));
        long typeId = server.queryLong("SELECT id FROM sample_types WHERE name = '" + type + "'");
        assertThat(admin.api().post("/samples/types/" + typeId + "/delete").status()).isEqualTo(200);
        assertThat(listed("linked_once").path("sample_type_links")).isEmpty();
        assertThat(admin.api().post("/samples/metadata/linked_once/delete").status()).isEqualTo(200);
    }
}
