package bio.flow.access;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /<kind>/{id}/share}: who a thing is shared with, for everyone who may change it (share level) and no one
 * else, from the outside: anonymous, owner, shared reader, shared editor, share-level holder, stranger, admin. The
 * route is one handler for every kind (SharedResourceRoutes); projects, samples and data files are each checked.
 */
class GrantsListingTest {
    private static final TestServer server = TestServer.shared();

    @Test
    void theGrantsAreForThoseWhoMayShareAndAStrangerCannotTellTheThingExists() {
        Users.Account owner = Users.signUp(server, "grants-owner");
        Users.Account reader = Users.signUp(server, "grants-reader");
        Users.Account editor = Users.signUp(server, "grants-editor");
        Users.Account sharer = Users.signUp(server, "grants-sharer");
        Users.Account stranger = Users.signUp(server, "grants-stranger");
        Users.Account admin = Users.admin(server);
        String slug = Fixtures.group(owner, List.of(reader), List.of());
        long project = Fixtures.project(owner, "Grants listing", false);
        long sample = Fixtures.sample(owner, project, "grants-sample");
        long data = Fixtures.data(owner, null);
        for (String kind : List.of("projects", "samples", "data")) {
            long id = kind.equals("projects") ? project : kind.equals("samples") ? sample : data;
            String path = "/" + kind + "/" + id + "/share";
            Fixtures.shareWithUser(owner, kind, id, reader, 1);
            Fixtures.shareWithUser(owner, kind, id, editor, 2);
            Fixtures.shareWithUser(owner, kind, id, sharer, 3);
            Fixtures.shareWithGroup(owner, kind, id, slug, 1);

            JsonNode grants = owner.api().get(path).json();
            assertThat(grants.get("users").findValuesAsText("username"))
                    .containsExactlyInAnyOrder(reader.username(), editor.username(), sharer.username());
            assertThat(grants.get("users").findValues("permission").stream().map(JsonNode::asInt)).containsExactlyInAnyOrder(1, 2, 3);
            assertThat(grants.get("groups").get(0).get("slug").asText()).isEqualTo(slug);
            assertThat(grants.get("groups").get(0).get("name").isNull()).as("the owner is in the group: its name shows").isFalse();
            // the same answer as the last change gave
            assertThat(grants).isEqualTo(owner.api().post(path, Map.of("users", List.of(reader.username()), "permission", 1)).json());

            assertThat(sharer.api().get(path).json().get("users")).as(kind + ": a share-level holder").isEqualTo(grants.get("users"));
            // the sharer is not in the group: its name is not theirs to read
            assertThat(sharer.api().get(path).json().get("groups").get(0).get("name").isNull()).isTrue();
            assertThat(admin.api().get(path).status()).as(kind + ": admin").isEqualTo(200);
            assertThat(reader.api().get(path).status()).as(kind + ": a reader may read, not share").isEqualTo(403);
            assertThat(editor.api().get(path).status()).as(kind + ": an editor may edit, not share").isEqualTo(403);
            assertThat(server.client().get(path).status()).as(kind + ": anonymous").isEqualTo(401);
            // a stranger gets what a missing id gets
            var hidden = stranger.api().get(path);
            var missing = stranger.api().get("/" + kind + "/999999999/share");
            assertThat(hidden.status()).as(kind + ": stranger").isEqualTo(404);
            assertThat(hidden.json().get("error").get("code")).isEqualTo(missing.json().get("error").get("code"));
            assertThat(hidden.json().get("error").get("message").asText().replace(Long.toString(id), "X"))
                    .isEqualTo(missing.json().get("error").get("message").asText().replace("999999999", "X"));
        }
    }
}
