package bio.flow.users;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminUsersTest {
    private final TestServer server = TestServer.shared();

    @Test
    void configuredAdminExistsAndIsAdmin() {
        Users.Account admin = Users.admin(server);
        assertThat(admin.api().get("/me").json().path("is_admin").asBoolean()).isTrue();
    }

    @Test
    void adminChangesRightsOfOthers() {
        Users.Account admin = Users.admin(server);
        Users.Account a = Users.signUp(server, "rights");
        Api.Res r = admin.api().post("/admin/users/" + a.username(), Map.of("can_run_pipelines", false));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("can_run_pipelines").asBoolean()).isFalse();
        assertThat(r.json().path("is_admin").asBoolean()).isFalse();
        assertThat(a.api().get("/me").json().path("can_run_pipelines").asBoolean()).isFalse();

        admin.api().post("/admin/users/" + a.username(), Map.of("is_admin", true));
        assertThat(a.api().get("/me").json().path("is_admin").asBoolean()).isTrue();
        // The new admin can use admin endpoints at once, with the token it already had.
        Users.Account b = Users.signUp(server, "rights");
        assertThat(a.api().post("/admin/users/" + b.username(), Map.of("can_run_pipelines", false)).status()).isEqualTo(200);
        // and loses the right at once too.
        admin.api().post("/admin/users/" + a.username(), Map.of("is_admin", false));
        assertThat(a.api().post("/admin/users/" + b.username(), Map.of("can_run_pipelines", true)).status()).isEqualTo(403);
    }

    @Test
    void onlyAdminsMayChangeRights() {
        Users.Account a = Users.signUp(server, "notadmin");
        Users.Account b = Users.signUp(server, "notadmin");
        Api.Res r = a.api().post("/admin/users/" + b.username(), Map.of("is_admin", true));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.errorCode()).isEqualTo("FORBIDDEN");
        assertThat(a.api().post("/admin/users/" + a.username(), Map.of("is_admin", true)).status()).isEqualTo(403);
        assertThat(server.client().post("/admin/users/" + b.username(), Map.of("is_admin", true)).status()).isEqualTo(401);
        assertThat(b.api().get("/me").json().path("is_admin").asBoolean()).isFalse();
    }

    @Test
    void badAdminRequests() {
        Users.Account admin = Users.admin(server);
        assertThat(admin.api().post("/admin/users/" + Users.uniqueName("ghost"), Map.of("is_admin", true)).status()).isEqualTo(404);
        Users.Account a = Users.signUp(server, "badadmin");
        assertThat(admin.api().post("/admin/users/" + a.username(), Map.of("is_admin", "yes")).status()).isEqualTo(400);
    }

    @Test
    void theLastAdminCannotDropTheirOwnRight() {
        // A server of its own, so that the count of admins is known.
        try (TestServer own = TestServer.start(Map.of())) {
            Users.Account admin = Users.admin(own);
            Api.Res r = admin.api().post("/admin/users/" + admin.username(), Map.of("is_admin", false));
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.errorCode()).isEqualTo("CONFLICT");
            assertThat(admin.api().get("/me").json().path("is_admin").asBoolean()).isTrue();

            Users.Account second = Users.signUp(own, "second");
            admin.api().post("/admin/users/" + second.username(), Map.of("is_admin", true));
            assertThat(admin.api().post("/admin/users/" + admin.username(), Map.of("is_admin", false)).status()).isEqualTo(200);
            assertThat(second.api().post("/admin/users/" + second.username(), Map.of("is_admin", false)).status()).isEqualTo(409);
        }
    }
}
