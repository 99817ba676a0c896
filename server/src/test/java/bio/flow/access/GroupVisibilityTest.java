package bio.flow.access;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Groups are not revealed through sharing or invitations: a group the caller cannot see is shared with exactly
 * like a slug that does not exist, its name never appears in their answers, and an invitation does not show the
 * invited user's real name.
 */
class GroupVisibilityTest {
    private static final TestServer server = TestServer.shared();

    private static Api.Res share(Account by, long project, String slug, int permission) {
        return by.api().post("/projects/" + project + "/share", Map.of("groups", List.of(slug), "permission", permission));
    }

    /** The same answer whatever the slug: the slug itself replaced by X. */
    private static String neutral(Api.Res r, String slug) {
        return r.status() + " " + r.text().replace(slug, "X");
    }

    @Test
    void aGroupTheCallerCannotSeeIsRefusedExactlyLikeAnUnknownOne() {
        Account owner = Users.signUp(server, "gvowner");
        Account labHead = Users.signUp(server, "gvhead");
        String secretName = "Secret " + Users.uniqueName("lab");
        String hidden = Users.uniqueName("hidden").toLowerCase();
        assertThat(labHead.api().post("/groups/new", Map.of("name", secretName, "slug", hidden)).status()).isEqualTo(201);
        long project = Fixtures.project(owner, "visibility", false);

        Api.Res refused = share(owner, project, hidden, 1);
        String missing = Users.uniqueName("missing").toLowerCase();
        Api.Res unknown = share(owner, project, missing, 1);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error").path("details").path("unknown").get(0).asText()).isEqualTo(hidden);
        assertThat(neutral(refused, hidden).replaceAll("\"request_id\":\"[^\"]*\"", ""))
                .isEqualTo(neutral(unknown, missing).replaceAll("\"request_id\":\"[^\"]*\"", ""));
        assertThat(refused.text()).doesNotContain(secretName);
        assertThat(owner.api().get("/projects/" + project).status()).isEqualTo(200);
        assertThat(server.queryLong("SELECT count(*) FROM project_grants WHERE project_id = " + project)).isZero();
    }

    @Test
    void membersInviteesAndSiteAdminsMayShareWithAGroup() {
        Account labHead = Users.signUp(server, "gvhead");
        Account member = Users.signUp(server, "gvmember");
        Account invited = Users.signUp(server, "gvinvited");
        String slug = Fixtures.group(labHead, List.of(member), List.of(invited));
        for (Account sharer : List.of(labHead, member, invited, Users.admin(server))) {
            long project = Fixtures.project(sharer, "shared by " + sharer.username(), false);
            Api.Res r = share(sharer, project, slug.toUpperCase(), 2);
            assertThat(r.status()).as(sharer.username() + ": " + r).isEqualTo(200);
            JsonNode grant = r.json().path("groups").get(0);
            assertThat(grant.path("slug").asText()).isEqualTo(slug);
            assertThat(grant.path("name").asText()).isEqualTo("Lab " + slug);
        }
    }

    @Test
    void aSharerSeesEveryGroupHoldingAGrantButNotTheNameOfOnesTheyCannotSee() {
        Account owner = Users.signUp(server, "gvowner");
        Account member = Users.signUp(server, "gvmember");
        Account labHead = Users.signUp(server, "gvhead");
        String slug = Fixtures.group(labHead, List.of(member), List.of());
        long project = Fixtures.project(owner, "granted by a member", false);
        Fixtures.shareWithUser(owner, "projects", project, member, 3);
        assertThat(share(member, project, slug, 1).status()).isEqualTo(200);

        // The owner is not in the group: the grant is listed by slug, so that they can withdraw it, but unnamed.
        Api.Res raised = share(owner, project, slug, 2);
        assertThat(raised.status()).as(raised.toString()).isEqualTo(200);
        JsonNode grant = raised.json().path("groups").get(0);
        assertThat(grant.path("slug").asText()).isEqualTo(slug);
        assertThat(grant.path("permission").asInt()).isEqualTo(2);
        assertThat(grant.path("name").isNull()).isTrue();
        assertThat(raised.text()).doesNotContain("Lab " + slug);

        Api.Res withdrawn = share(owner, project, slug, 0);
        assertThat(withdrawn.status()).isEqualTo(200);
        assertThat(withdrawn.json().path("groups")).isEmpty();
        // Once it holds no grant, the group is again as unknown to the owner as any other.
        assertThat(share(owner, project, slug, 1).status()).isEqualTo(400);
    }

    @Test
    void anInvitationDoesNotRevealTheInvitedUsersRealName() {
        Account labHead = Users.signUp(server, "gvhead");
        Account invited = Users.signUp(server, "gvrealname");
        String slug = Fixtures.group(labHead, List.of(), List.of());
        Api.Res inv = labHead.api().post("/groups/" + slug + "/invite", Map.of("username", invited.username()));
        assertThat(inv.status()).isEqualTo(200);
        for (JsonNode group : List.of(inv.json(), labHead.api().get("/groups/" + slug).json(),
                Users.admin(server).api().get("/groups/" + slug).json())) {
            JsonNode m = member(group, invited.username());
            assertThat(m.path("role").asInt()).isEqualTo(1);
            assertThat(m.path("first_name").asText()).isEmpty();
            assertThat(m.path("last_name").asText()).isEmpty();
        }
        // Once they accept, they are a member under their own name.
        JsonNode accepted = invited.api().post("/groups/" + slug + "/accept").json();
        assertThat(member(accepted, invited.username()).path("last_name").asText()).isEqualTo("gvrealname");
    }

    private static JsonNode member(JsonNode group, String username) {
        for (JsonNode m : group.path("members")) if (m.path("username").asText().equals(username)) return m;
        throw new AssertionError(username + " not in " + group);
    }
}
