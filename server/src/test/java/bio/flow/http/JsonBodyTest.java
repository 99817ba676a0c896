package bio.flow.http;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import org.junit.jupiter.api.Test;

/** A NUL character (which PostgreSQL refuses in text and jsonb) anywhere in a JSON body is a 400 naming the field. */
class JsonBodyTest {
    private static final TestServer server = TestServer.shared();
    /** JSON's escape for U+0000, as a client sends it. */
    private static final String NUL = "\\u0000";

    private static void assertNulRefused(Api.Res r, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("VALIDATION_ERROR");
        assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo(field);
        assertThat(r.json().path("error").path("message").asText()).contains("NUL");
    }

    @Test
    void nulInAStringIsRefusedNamingTheField() {
        Users.Account a = Users.signUp(server, "nul");
        assertNulRefused(a.api().post("/projects/new", "{\"name\": \"a" + NUL + "b\"}"), "name");
        assertNulRefused(a.api().post("/groups/new", "{\"name\": \"lab\", \"description\": \"x" + NUL + "\"}"), "description");
    }

    @Test
    void nulInANestedValueOrKeyIsRefusedNamingThePath() {
        Users.Account a = Users.signUp(server, "nul");
        long project = Fixtures.project(a, "nul project", false);
        long sample = Fixtures.sample(a, project, "nul sample");
        assertNulRefused(a.api().post("/samples/" + sample + "/edit", "{\"metadata\": {\"tissue\": \"liver" + NUL + "\"}}"),
                "metadata.tissue");
        assertNulRefused(a.api().post("/samples/" + sample + "/edit", "{\"metadata\": {\"tis" + NUL + "sue\": \"liver\"}}"),
                "metadata.tis");
        assertNulRefused(a.api().post("/projects/" + project + "/metadata",
                "{\"samples\": [{\"id\": " + sample + ", \"metadata\": {\"k\": \"" + NUL + "\"}}]}"), "samples.0.metadata.k");
        assertNulRefused(a.api().post("/samples/" + sample + "/share", "{\"users\": [\"x" + NUL + "\"], \"permission\": 1}"),
                "users.0");
        assertThat(a.api().get("/samples/" + sample).json().path("metadata").size()).isZero();
    }

    @Test
    void escapedBackslashFollowedByU0000IsOrdinaryText() {
        Users.Account a = Users.signUp(server, "nul");
        Api.Res r = a.api().post("/projects/new", "{\"name\": \"a\\\\u0000b\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().path("name").asText()).isEqualTo("a\\u0000b");
    }
}
