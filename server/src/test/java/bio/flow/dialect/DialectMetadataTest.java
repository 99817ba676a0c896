package bio.flow.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metadata attributes a lab defines, as the flowbio client meets them (flowbio-client-dialect.md E6, E7, E10): the
 * bare array it reads to build its batch template and check its rows, the options it asks for, and
 * {@code POST /api/upload/sample} refusing a sample whose values break the rules at the first piece of a file, before
 * anything is stored. On a server of its own, so that the attributes defined here concern no other test's samples.
 */
class DialectMetadataTest {
    private static TestServer server;
    private static Account admin;
    private static String type;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
        admin = Users.admin(server);
        type = Users.uniqueName("Neuro-seq");
        assertThat(admin.api().post("/samples/types/create", Map.of("name", type)).status()).isEqualTo(201);
        assertThat(admin.api().post("/samples/metadata/create", Map.of("identifier", "cell_type", "name", "Cell type",
                "description", "The cell type", "allow_annotation", true, "options", List.of("Neuron", "Fibroblast", "Astrocyte"),
                "sample_type_links", List.of(Map.of("sample_type_identifier", type, "required", true)))).status()).isEqualTo(201);
        assertThat(admin.api().post("/samples/metadata/create", Map.of("identifier", "strandedness", "name", "Strandedness",
                "allow_user_terms", true, "options", List.of("forward", "reverse"))).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<Map.Entry<String, Object>> sampleFields(boolean lastSample, List<String> previous, String name, Map<String, Object> metadata) {
        List<Map.Entry<String, Object>> f = new ArrayList<>();
        f.add(Map.entry("is_last_sample", lastSample));
        if (!previous.isEmpty()) f.add(Map.entry("previous_data", previous));
        f.add(Map.entry("sample_name", name));
        f.add(Map.entry("sample_type", type));
        metadata.forEach((k, v) -> f.add(Map.entry(k, v)));
        f.add(Map.entry("organism", "human"));
        return f;
    }

    /** E6 as the client reads it, then E7 for each attribute whose options are closed, as its batch template does. */
    @Test
    void theClientReadsTheDefinedAttributesAndTheirOptions() {
        FlowbioClient anonymous = new FlowbioClient(server.baseUrl());
        JsonNode attributes = anonymous.get("/samples/metadata").json();
        assertThat(attributes.isArray()).isTrue();
        List<String> ids = new ArrayList<>();
        attributes.forEach(a -> ids.add(a.path("identifier").asText()));
        assertThat(ids).containsExactly("source", "purification_target", "condition", "replicate_group", "cell_type", "strandedness");

        JsonNode cellType = attributes.get(4);
        assertThat(cellType.path("name").asText()).isEqualTo("Cell type");
        assertThat(cellType.path("description").asText()).isEqualTo("The cell type");
        assertThat(cellType.path("required").isBoolean()).isTrue();
        assertThat(cellType.path("required").asBoolean()).isFalse();
        assertThat(cellType.path("has_options").asBoolean()).isTrue();
        assertThat(cellType.path("allow_user_terms").asBoolean()).isFalse();
        assertThat(cellType.path("allow_annotation").asBoolean()).isTrue();
        assertThat(cellType.path("sample_type_links")).hasSize(1);
        assertThat(cellType.path("sample_type_links").get(0).path("sample_type_identifier").asText()).isEqualTo(type);
        assertThat(cellType.path("sample_type_links").get(0).path("required").asBoolean()).isTrue();
        // the link names a sample type as E4 does, by the identifier the client sends back as sample_type
        List<String> types = new ArrayList<>();
        anonymous.get("/samples/types").json().forEach(t -> types.add(t.path("identifier").asText()));
        assertThat(types).contains(type);

        List<String> options = new ArrayList<>();
        for (JsonNode a : attributes) {
            if (a.path("has_options").asBoolean() && !a.path("allow_user_terms").asBoolean()) {
                FlowbioClient.Res r = anonymous.get("/samples/metadata/" + a.path("identifier").asText() + "/options");
                assertThat(r.status()).isEqualTo(200);
                if (a.path("identifier").asText().equals("cell_type")) r.json().path("options").forEach(o -> options.add(o.path("value").asText()));
            }
        }
        assertThat(options).containsExactly("Neuron", "Fibroblast", "Astrocyte");
        JsonNode strandedness = attributes.get(5);
        assertThat(strandedness.path("allow_user_terms").asBoolean()).isTrue();
        assertThat(strandedness.path("sample_type_links")).isEmpty();
    }

    @Test
    void uploadSampleFollowsTheRulesAtTheFirstPiece() {
        Account a = Users.signUp(server, "dmeta");
        FlowbioClient c = new FlowbioClient(server.baseUrl()).token(a.token());
        byte[] reads = DialectUploadTest.fastq("m", 3000);

        // required for the sample's type, and missing
        FlowbioClient.Res missing = only(c.uploadFile("/upload/sample", "M.fq", reads, sampleFields(true, List.of(), "no_cell", Map.of())));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("details").path("field").asText()).isEqualTo("metadata.cell_type");
        assertThat(missing.json().path("error").asText()).contains("cell_type").contains(type);
        // a value outside the options: the message lists the allowed ones
        FlowbioClient.Res wrong = only(c.uploadFile("/upload/sample", "M.fq", reads, sampleFields(true, List.of(), "bad_cell",
                Map.of("cell_type", "Hepatocyte"))));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().path("details").path("field").asText()).isEqualTo("metadata.cell_type");
        assertThat(wrong.json().path("error").asText()).contains("Hepatocyte").contains("Neuron").contains("Fibroblast").contains("Astrocyte");
        // an annotation of an attribute that allows none
        FlowbioClient.Res note = only(c.uploadFile("/upload/sample", "M.fq", reads, sampleFields(true, List.of(), "bad_note",
                Map.of("cell_type", "Neuron", "strandedness__annotation", "why"))));
        assertThat(note.status()).isEqualTo(400);
        assertThat(note.json().path("details").path("field").asText()).isEqualTo("metadata.strandedness__annotation");
        assertThat(server.queryLong("SELECT count(*) FROM samples WHERE owner_id = " + a.id())).isZero();
        assertThat(server.queryLong("SELECT count(*) FROM data WHERE owner_id = " + a.id())).isZero();
        assertThat(server.queryLong("SELECT count(*) FROM uploads WHERE owner_id = " + a.id() + " AND status <> 'complete'")).isZero();

        // paired-end, as the client sends it: the values on every piece of both files
        Map<String, Object> metadata = Map.of("cell_type", "neuron", "cell_type__annotation", "cortical", "strandedness", "unstranded",
                "lab_note", "free text");
        byte[] r1 = DialectUploadTest.fastq("p1", 1_200_000);
        List<FlowbioClient.Res> first = c.uploadFile("/upload/sample", "P_R1.fq", r1, sampleFields(false, List.of(), "paired", metadata));
        assertThat(first).hasSize(2).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
        String d1 = first.get(1).json().path("data_id").asText();
        List<FlowbioClient.Res> second = c.uploadFile("/upload/sample", "P_R2.fq", DialectUploadTest.fastq("p2", 5000),
                sampleFields(true, List.of(d1), "paired", metadata));
        assertThat(second.get(0).status()).as(second.get(0).toString()).isEqualTo(200);
        String sampleId = second.get(0).json().path("sample_id").asText();
        assertThat(sampleId).isNotEmpty();
        JsonNode stored = c.get("/samples/" + sampleId).json().path("metadata");
        assertThat(stored.path("cell_type").asText()).isEqualTo("Neuron");
        assertThat(stored.path("cell_type__annotation").asText()).isEqualTo("cortical");
        assertThat(stored.path("strandedness").asText()).isEqualTo("unstranded");
        assertThat(stored.path("lab_note").asText()).isEqualTo("free text");
    }

    private static FlowbioClient.Res only(List<FlowbioClient.Res> answers) {
        assertThat(answers).hasSize(1);
        return answers.get(0);
    }
}
