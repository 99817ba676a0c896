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

/** A sample's metadata, merged with what is stored, is at most 256 KiB of JSON, however it is changed. */
class MetadataLimitTest {
    private static final TestServer server = TestServer.shared();

    /** {@code count} keys named prefix0.. each holding 10000 characters: about 10 KB each. */
    private static Map<String, Object> keys(String prefix, int count) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < count; i++) m.put(prefix + i, "v".repeat(10_000));
        return m;
    }

    private static void assertTooLarge(Api.Res r, String field, long sample) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo(field);
        assertThat(r.json().path("error").path("details").path("ids").get(0).asLong()).isEqualTo(sample);
    }

    @Test
    void theMergedResultIsLimitedOnEdit() {
        Users.Account a = Users.signUp(server, "meta");
        long sample = Fixtures.sample(a, Fixtures.project(a, "big metadata", false), "s");
        assertThat(a.api().post("/samples/" + sample + "/edit", Map.of("metadata", keys("a", 20))).status()).isEqualTo(200);
        // Each change is small, but the result would be about 300 KB.
        assertTooLarge(a.api().post("/samples/" + sample + "/edit", Map.of("metadata", keys("b", 10))), "metadata", sample);
        assertThat(a.api().get("/samples/" + sample).json().path("metadata").size()).isEqualTo(20);
        // Replacing keys does not count twice; removing some makes room.
        assertThat(a.api().post("/samples/" + sample + "/edit", Map.of("metadata", keys("a", 20))).status()).isEqualTo(200);
        Map<String, Object> swap = keys("b", 10);
        for (int i = 0; i < 10; i++) swap.put("a" + i, null);
        assertThat(a.api().post("/samples/" + sample + "/edit", Map.of("metadata", swap)).status()).isEqualTo(200);
    }

    @Test
    void theLimitHoldsOnCreateAndThroughTheProjectAllOrNone() {
        Users.Account a = Users.signUp(server, "meta");
        long project = Fixtures.project(a, "big metadata", false);
        Api.Res create = a.api().post("/samples/new", Map.of("name", "too big", "project", project, "metadata", keys("k", 30)));
        assertThat(create.status()).as(create.toString()).isEqualTo(400);
        assertThat(a.api().get("/projects/" + project).json().path("sample_count").asInt()).isZero();

        long small = Fixtures.sample(a, project, "small");
        long full = Fixtures.sample(a, project, "full");
        assertThat(a.api().post("/samples/" + full + "/edit", Map.of("metadata", keys("a", 20))).status()).isEqualTo(200);
        Api.Res r = a.api().post("/projects/" + project + "/metadata", Map.of("samples", List.of(
                Map.of("id", small, "metadata", Map.of("tissue", "liver")),
                Map.of("id", full, "metadata", keys("b", 10)))));
        assertTooLarge(r, "samples", full);
        assertThat(a.api().get("/samples/" + small).json().path("metadata").size()).as("all or none").isZero();
    }
}
