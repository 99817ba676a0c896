package bio.flow.samples;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET /samples/metadata and /samples/metadata/{identifier}/options of the main API, checked against openapi.yaml. */
class MetadataAttributesTest {
    private static final TestServer server = TestServer.shared();

    @Test
    void theAttributesAreTheSampleFieldsWithTheirVocabulariesAsOptions() {
        Api anonymous = server.client();
        JsonNode attributes = anonymous.get("/samples/metadata").json().path("attributes");
        List<String> ids = new ArrayList<>();
        attributes.forEach(a -> ids.add(a.path("identifier").asText()));
        // the built-ins first; other test classes may have defined more after them (DefinedMetadataTest)
        assertThat(ids.subList(0, 4)).containsExactly("source", "purification_target", "condition", "replicate_group");

        // Options are read from the vocabulary on every request: one an administrator adds shows at once.
        String name = Users.uniqueName("Liver lobe");
        assertThat(Users.admin(server).api().post("/samples/sources/create", Map.of("name", name)).status()).isEqualTo(201);
        List<String> options = new ArrayList<>();
        anonymous.get("/samples/metadata/source/options").json().path("options").forEach(o -> options.add(o.path("value").asText()));
        List<String> sources = new ArrayList<>();
        anonymous.get("/samples/sources").json().path("sources").forEach(s -> sources.add(s.path("name").asText()));
        assertThat(options).contains(name).containsExactlyInAnyOrderElementsOf(sources);

        List<String> targets = new ArrayList<>();
        anonymous.get("/samples/purification_targets").json().path("targets").forEach(s -> targets.add(s.path("name").asText()));
        List<String> targetOptions = new ArrayList<>();
        anonymous.get("/samples/metadata/purification_target/options").json().path("options")
                .forEach(o -> targetOptions.add(o.path("value").asText()));
        assertThat(targetOptions).containsExactlyInAnyOrderElementsOf(targets);
        assertThat(anonymous.get("/samples/metadata/replicate_group/options").json().path("options")).isEmpty();

        Api.Res unknown = anonymous.get("/samples/metadata/strandedness/options");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("NOT_FOUND");
    }
}
