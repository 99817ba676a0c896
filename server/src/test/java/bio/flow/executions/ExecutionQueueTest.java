package bio.flow.executions;

import static bio.flow.testing.Answers.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Executions in flight, on a server of their own: GET /queue (its counts are the whole site's): the counts, the order
 * (running first, then pending in claim order), and who sees which entries; and that a pending or running run is not
 * deleted. The executions are inserted as the run route and the engine leave them ({@link ExecutionRows}); times are
 * set in SQL so that the order does not depend on the test's speed.
 */
class ExecutionQueueTest {
    /**
     * This server's settings: the pending and running rows these tests insert are no runs a worker could take, so
     * this server has no workers (an API-only server), which neither claim nor recover them.
     */
    private static final Map<String, String> SETTINGS = Map.of("FLOW_WORKERS", "0");

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(SETTINGS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void countsOrderAndWhoSeesWhich() {
        Account alice = Users.signUp(server, "qalice");
        Account bob = Users.signUp(server, "qbob");
        Account carol = Users.signUp(server, "qcarol");
        Account admin = Users.admin(server);
        long r1 = at(ExecutionRows.insert(server, alice, "running", null, null), "10 minutes", "2 minutes");
        long r2 = at(ExecutionRows.insert(server, bob, "running", null, null), "9 minutes", "1 minute");
        long p1 = at(ExecutionRows.insert(server, bob, "pending", null, null), "3 minutes", null);
        long p2 = at(ExecutionRows.insert(server, alice, "pending", null, null), "2 minutes", null);
        long p3 = at(ExecutionRows.insert(server, alice, "pending", null, null), "1 minute", null);
        ExecutionRows.insert(server, alice, "completed", null, null);
        ExecutionRows.insert(server, bob, "failed", null, null);
        long old = ExecutionRows.insert(server, bob, "completed", null, null);
        server.sql("UPDATE executions SET finished = now() - interval '2 days' WHERE id = " + old);
        // bob lets carol read his pending run
        assertThat(bob.api().post("/executions/" + p1 + "/share", ExecutionRows.share(carol, 1)).status()).isEqualTo(200);

        JsonNode q = alice.api().get("/queue").json();
        assertThat(q.path("pending").asLong()).isEqualTo(3);
        assertThat(q.path("running").asLong()).isEqualTo(2);
        assertThat(q.path("completed_today").asLong()).isEqualTo(1);
        assertThat(q.path("failed_today").asLong()).isEqualTo(1);
        // her own runs, at their places in the site's queue
        assertThat(entries(q)).containsExactly(r1 + "@1 running", p2 + "@4 pending", p3 + "@5 pending");
        assertThat(q.path("queue").get(0).path("owner").path("username").asText()).isEqualTo(alice.username());
        assertThat(q.path("queue").get(0).path("submitted").asText()).isNotEmpty();
        assertThat(entries(bob.api().get("/queue").json())).containsExactly(r2 + "@2 running", p1 + "@3 pending");
        assertThat(entries(carol.api().get("/queue").json())).containsExactly(p1 + "@3 pending");
        assertThat(entries(admin.api().get("/queue").json()))
                .containsExactly(r1 + "@1 running", r2 + "@2 running", p1 + "@3 pending", p2 + "@4 pending", p3 + "@5 pending");
        assertStatus(server.client().get("/queue"), 401, "UNAUTHORIZED");
    }

    @Test
    void aRunStillGoingIsNotDeleted() {
        Account owner = Users.signUp(server, "qdel");
        for (String status : List.of("running", "pending")) {
            long e = ExecutionRows.insert(server, owner, status, null, null);
            Api.Res r = owner.api().post("/executions/" + e + "/delete");
            assertStatus(r, 409, "CONFLICT");
            assertThat(r.json().path("error").path("message").asText()).contains("execution " + e + " is " + status).contains("cancel it first");
            assertThat(r.json().path("error").path("details").path("executions").get(0).path("status").asText()).isEqualTo(status);
            assertStatus(owner.api().post("/executions/delete", Map.of("ids", List.of(e))), 409, "CONFLICT");
            assertThat(owner.api().get("/executions/" + e).status()).isEqualTo(200);
        }
    }

    /** Sets when the execution was created and (when not null) started, that long ago. */
    private static long at(long id, String created, String started) {
        server.sql("UPDATE executions SET created = now() - interval '" + created + "', started = "
                + (started == null ? "NULL" : "now() - interval '" + started + "'") + " WHERE id = " + id);
        return id;
    }

    private static List<String> entries(JsonNode queue) {
        List<String> out = new ArrayList<>();
        queue.path("queue").forEach(e -> out.add(e.path("id").asLong() + "@" + e.path("position").asInt() + " " + e.path("status").asText()));
        return out;
    }
}
