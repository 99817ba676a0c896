package bio.flow.executions;

import static bio.flow.testing.TestPipelines.awaitStatus;
import static bio.flow.testing.TestPipelines.status;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which running executions a worker takes over: those whose worker's heartbeat is stale, and its own it no longer follows. */
class OrphanTest {
    @Test
    void runsOfADeadWorkerAreTakenOverWhenItsHeartbeatIsStaleEvenIfAProcessHasItsPid(@TempDir Path dir) throws Exception {
        // This test's JVM lives (a java process, as a Nextflow JVM that got a dead server's pid would be): its pid alone
        // cannot tell whether the worker lives, as in a container where every start of the server is pid 1.
        String thisPid = InetAddress.getLocalHost().getHostName() + "/" + ProcessHandle.current().pid();
        long stale;
        long beating;
        try (TestServer first = TestServer.start(dir, Map.of())) {
            long owner = Users.signUp(first, "orphans").id();
            // Neither has a pipeline version: a worker that takes one over fails it.
            // "host/pid" of this JVM: also what a server restarted in a container (same host, pid 1) used to call itself
            stale = first.queryLong("INSERT INTO executions (name, owner_id, status, worker, heartbeat) VALUES ('stale', " + owner
                    + ", 'running', '" + thisPid + "', now() - interval '1 hour') RETURNING id");
            // a worker that beat "just now" for the whole test
            beating = first.queryLong("INSERT INTO executions (name, owner_id, status, worker, heartbeat) VALUES ('beating', " + owner
                    + ", 'running', '" + thisPid + "/a1ive', now() + interval '1 hour') RETURNING id");
        }
        try (TestServer second = TestServer.start(dir, Map.of())) {
            awaitStatus(second, stale, "failed", Duration.ofSeconds(30));
            assertThat(status(second, beating)).isEqualTo("running");
            assertThat(second.queryLong("SELECT count(*) FROM executions WHERE id = " + beating + " AND worker = '" + thisPid + "/a1ive'")).isOne();

            // A running execution of this very worker that it does not follow (its thread ended without recording the
            // end, say the database was down then) is taken over at the next round (every 30 s), not left running.
            String self = second.jdbi().withHandle(h -> h.createQuery("SELECT worker FROM executions WHERE id = :id")
                    .bind("id", stale).mapTo(String.class).one());
            assertThat(self).startsWith(thisPid + "/").isNotEqualTo(thisPid);
            long owner = second.queryLong("SELECT owner_id FROM executions WHERE id = " + stale);
            long unfollowed = second.queryLong("INSERT INTO executions (name, owner_id, status, worker, heartbeat) VALUES ('unfollowed', "
                    + owner + ", 'running', '" + self + "', now()) RETURNING id");
            awaitStatus(second, unfollowed, "failed", Duration.ofSeconds(45));
        }
    }
}
