package bio.flow.data;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.storage.LocalStorage;
import bio.flow.storage.StorageKey;
import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** POST /data/{id}/share, /transfer, /delete and POST /data/delete: the shared routes of every kind, for data. */
class DataSharingTest {
    private static final TestServer server = TestServer.shared();

    @Test
    void dataSharedWithAUserOrAGroupIsReadByThem() {
        Account alice = Users.signUp(server, "alice");
        Account bob = Users.signUp(server, "bob");
        Account carol = Users.signUp(server, "carol");
        long data = Fixtures.data(alice, null);
        assertThat(bob.api().get("/data/" + data).status()).isEqualTo(404);
        Fixtures.shareWithUser(alice, "data", data, bob, 1);
        assertThat(bob.api().get("/data/" + data).json().path("permissions").path("can_edit").asBoolean()).isFalse();
        assertThat(bob.api().post("/data/" + data + "/share", Map.of("users", List.of(carol.username()), "permission", 1)).status()).isEqualTo(403);
        String lab = Fixtures.group(alice, List.of(carol), List.of());
        Fixtures.shareWithGroup(alice, "data", data, lab, 2);
        assertThat(carol.api().get("/data/" + data).json().path("permissions").path("can_edit").asBoolean()).isTrue();
    }

    @Test
    void aTransferGivesTheFileAwayAndTheOldOwnerKeepsShareLevel() {
        Account alice = Users.signUp(server, "alice");
        Account bob = Users.signUp(server, "bob");
        long data = Fixtures.data(alice, null);
        Api.Res r = alice.api().post("/data/" + data + "/transfer", Map.of("user", bob.username()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("owner").path("username").asText()).isEqualTo(bob.username());
        assertThat(r.json().path("permissions").path("can_share").asBoolean()).isTrue();
        assertThat(r.json().path("permissions").path("can_delete").asBoolean()).isFalse();
    }

    @Test
    void deletingRemovesTheRecordThenItsBytes() throws Exception {
        Account alice = Users.signUp(server, "alice");
        Account bob = Users.signUp(server, "bob");
        long project = Fixtures.project(alice, "p", false);
        long sample = Fixtures.sample(alice, project, "s");
        long data = Fixtures.data(alice, sample);
        LocalStorage storage = new LocalStorage(server.dataDir().resolve("files"));
        assertThat(storage.exists(StorageKey.of("data", data))).isTrue();
        Fixtures.shareWithUser(alice, "data", data, bob, 3);
        assertThat(bob.api().post("/data/" + data + "/delete").status()).isEqualTo(403);
        assertThat(alice.api().post("/data/" + data + "/delete").status()).isEqualTo(200);
        assertThat(alice.api().get("/data/" + data).status()).isEqualTo(404);
        assertThat(storage.exists(StorageKey.of("data", data))).isFalse();

        // All or nothing: one id that is not the caller's keeps every file.
        long mine = Fixtures.data(alice, sample);
        long theirs = Fixtures.data(bob, null);
        Api.Res refused = alice.api().post("/data/delete", Map.of("ids", List.of(mine, theirs)));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().at("/error/details/failed/0/id").asLong()).isEqualTo(theirs);
        assertThat(storage.exists(StorageKey.of("data", mine))).isTrue();
        assertThat(alice.api().post("/data/delete", Map.of("ids", List.of(mine))).status()).isEqualTo(200);
        assertThat(storage.exists(StorageKey.of("data", mine))).isFalse();
        assertThat(storage.exists(StorageKey.of("data", theirs))).isTrue();
    }

    /** The database's cascades delete the data of a deleted sample or project; their bytes must go too. */
    @Test
    void deletingASampleOrAProjectRemovesTheBytesOfItsData() throws Exception {
        Account alice = Users.signUp(server, "alice");
        LocalStorage storage = new LocalStorage(server.dataDir().resolve("files"));
        long project = Fixtures.project(alice, "p", false);
        long sample = Fixtures.sample(alice, project, "s");
        long other = Fixtures.sample(alice, project, "t");
        long inSample = Fixtures.data(alice, sample);
        long inOther = Fixtures.data(alice, other);
        long elsewhere = Fixtures.data(alice, null);

        assertThat(alice.api().post("/samples/" + sample + "/delete").status()).isEqualTo(200);
        assertThat(alice.api().get("/data/" + inSample).status()).isEqualTo(404);
        assertThat(storage.exists(StorageKey.of("data", inSample))).as("bytes of the deleted sample's data").isFalse();
        assertThat(storage.exists(StorageKey.of("data", inOther))).isTrue();

        assertThat(alice.api().post("/projects/" + project + "/delete").status()).isEqualTo(200);
        assertThat(alice.api().get("/data/" + inOther).status()).isEqualTo(404);
        assertThat(storage.exists(StorageKey.of("data", inOther))).as("bytes of the deleted project's data").isFalse();
        assertThat(storage.exists(StorageKey.of("data", elsewhere))).as("bytes of data in neither").isTrue();

        long batch = Fixtures.sample(alice, Map.of("name", "b", "organism", "human", "sample_type", "RNA"));
        long inBatch = Fixtures.data(alice, batch);
        assertThat(alice.api().post("/samples/delete", Map.of("ids", List.of(batch))).status()).isEqualTo(200);
        assertThat(storage.exists(StorageKey.of("data", inBatch))).as("bytes of a batch-deleted sample's data").isFalse();
    }
}
