package bio.flow.search;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET /search/info over real HTTP: the values the advanced search filters take, as stored, for anyone. */
class SearchInfoTest {
    private final TestServer server = TestServer.shared();

    private static List<String> texts(JsonNode list, String field) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(field == null ? n.asText() : n.path(field).asText()));
        return out;
    }

    @Test
    void anyoneGetsTheVocabulariesAsStoredSortedByName() {
        Api.Res r = server.client().get("/search/info");
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = r.json();
        JsonNode human = null;
        for (JsonNode o : j.path("organisms")) if (o.path("id").asText().equals("human")) human = o;
        assertThat(human).isNotNull();
        assertThat(human.path("name").asText()).isEqualTo("Homo sapiens");
        List<String> organisms = texts(j.path("organisms"), "name");
        assertThat(organisms).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER)
                .hasSize(server.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM organisms").mapTo(Integer.class).one()));
        assertThat(texts(j.path("sample_types"), null)).contains("RNA", "DNA", "Protein").isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);
        // data types by identifier, what data records and the data_type filter name ("TEXT", whose name is "Plain text")
        assertThat(texts(j.path("data_types"), null)).contains("FASTQ", "BAM", "VCF", "TEXT").doesNotContain("Plain text")
                .isSortedAccordingTo(Comparator.naturalOrder());
        assertThat(texts(j.path("pipelines"), "name")).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);
    }

    @Test
    void pipelinesWithARunnableVersionOnly() {
        String suffix = Users.uniqueName("");
        long live = SearchFixtures.pipeline(server, "Live pipeline " + suffix, 1, false)[0];
        long retired = SearchFixtures.pipeline(server, "Retired pipeline " + suffix, 1, true)[0];
        JsonNode pipelines = server.client().get("/search/info").json().path("pipelines");
        List<Long> ids = new ArrayList<>();
        pipelines.forEach(p -> ids.add(p.path("id").asLong()));
        assertThat(ids).contains(live).doesNotContain(retired);
        for (JsonNode p : pipelines) {
            if (p.path("id").asLong() == live) assertThat(p.path("name").asText()).isEqualTo("Live pipeline " + suffix);
        }
    }

    @Test
    void whatAdminsAddShowsAtOnce() {
        Users.Account admin = Users.admin(server);
        String id = Users.uniqueName("org").toLowerCase().replaceAll("[^a-z0-9_-]", "");
        assertThat(admin.api().post("/organisms/create", Map.of("id", id, "name", "Aaa " + id)).status()).isEqualTo(201);
        JsonNode organisms = server.client().get("/search/info").json().path("organisms");
        assertThat(texts(organisms, "id")).contains(id);
    }

    @Test
    void unknownParametersAre400s() {
        Api.Res r = server.client().get("/search/info?organism=human");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo("organism");
    }
}
