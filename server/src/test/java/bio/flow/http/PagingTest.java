package bio.flow.http;

import static bio.flow.testing.Answers.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.util.List;
import org.junit.jupiter.api.Test;

/** limit/offset and their aliases count/page: every one given is checked, and a parameter and its alias must agree. */
class PagingTest {
    private static final TestServer server = TestServer.shared();

    @Test
    void anAliasIsCheckedEvenWhenItsPrimaryParameterIsGiven() {
        Api api = Users.signUp(server, "paging").api();
        assertInvalid(api.get("/groups?limit=20&count=101"), "count");
        assertInvalid(api.get("/projects?offset=0&page=abc"), "page");
        assertInvalid(api.get("/projects?offset=0&page=0"), "page");
        assertInvalid(api.get("/samples/owned?limit=5&count=x"), "count");
    }

    @Test
    void conflictingAliasesAreRefused() {
        Api api = Users.signUp(server, "paging").api();
        assertInvalid(api.get("/groups?limit=20&count=30"), "count");
        assertInvalid(api.get("/projects/owned?offset=0&page=2"), "page");
        assertInvalid(api.get("/projects/owned?limit=5&offset=5&page=3"), "page");
    }

    @Test
    void agreeingAliasesAreAccepted() {
        Users.Account a = Users.signUp(server, "paging");
        for (int i = 0; i < 3; i++) Fixtures.project(a, "paged " + i, false);
        Api.Res r = a.api().get("/projects/owned?limit=2&count=2&offset=2&page=2");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("projects")).hasSize(1);
        assertThat(r.json().path("page").asInt()).isEqualTo(2);
    }

    @Test
    void offsetsAndPagesHaveTheCapsTheContractStates() {
        Api api = Users.signUp(server, "paging").api();
        for (String ok : List.of("offset=1000000000", "page=10000000", "page=10000000&count=100")) {
            assertThat(api.get("/groups?" + ok).status()).as(ok).isEqualTo(200);
        }
        assertInvalid(api.get("/groups?offset=1000000001"), "offset");
        assertInvalid(api.get("/groups?page=10000001"), "page");
        assertInvalid(api.get("/groups?offset=99999999999999999999"), "offset");
    }
}
