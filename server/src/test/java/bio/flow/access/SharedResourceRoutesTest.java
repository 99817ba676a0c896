package bio.flow.access;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The answers of the routes SharedResourceRoutes serves for every kind, word for word: each kind's wording (its
 * noun, its plural, what its delete message says went with it) comes from its Resource and Shareable.
 */
class SharedResourceRoutesTest {
    private final TestServer server = TestServer.shared();

    @Test
    void deleteAnswersSayWhatWentWithTheResource() {
        Users.Account a = Users.signUp(server, "srdel");
        long p = Fixtures.project(a, "P", false);
        long s = Fixtures.sample(a, p, "S");
        Api.Res sample = a.api().post("/samples/" + s + "/delete");
        assertThat(sample.json().path("message").asText()).isEqualTo("sample " + s + " was deleted");
        Api.Res project = a.api().post("/projects/" + p + "/delete");
        assertThat(project.json().path("message").asText()).isEqualTo("project " + p + " and its samples were deleted");
        assertThat(a.api().post("/projects/x/delete").json().path("error").path("message").asText()).contains("project x");
        assertThat(a.api().post("/samples/x/delete").json().path("error").path("message").asText()).contains("sample x");
    }

    @Test
    void batchDeleteNamesTheKindInEveryAnswer() {
        Users.Account a = Users.signUp(server, "srbatch");
        Users.Account other = Users.signUp(server, "srbatch2");
        long mine = Fixtures.sample(a, Map.of("name", "Mine"));
        long theirs = Fixtures.sample(other, Map.of("name", "Theirs"));

        Api.Res empty = a.api().post("/samples/delete", Map.of("ids", List.of()));
        assertThat(empty.json().path("error").path("message").asText()).contains("list at least one sample id");

        Api.Res refused = a.api().post("/samples/delete", Map.of("ids", List.of(mine, theirs)));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error").path("message").asText())
                .isEqualTo("ids: nothing was deleted; 1 of the samples cannot be deleted");
        assertThat(refused.json().path("error").path("details").path("failed").get(0).path("id").asLong()).isEqualTo(theirs);

        Api.Res done = a.api().post("/samples/delete", Map.of("ids", List.of(mine, mine)));
        assertThat(done.json().path("message").asText()).isEqualTo("1 samples were deleted");
    }
}
