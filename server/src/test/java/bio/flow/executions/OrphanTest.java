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

/**
 * Which running executions a worker takes over: those whose lease has passed (of any host), those of a worker of this host
 * whose pid no process has (lease or not), and its own it no longer follows; never one under another host's valid lease.
 */
class OrphanTest {
    @Test
    void runsOfADeadWorkerAreTakenOverWhenItsLeaseHasPassedEvenIfAProcessHasItsPid(@TempDir Path dir) throws Exception {
        // This test's JVM lives (a java process, as a Nextflow JVM that got a dead server's pid would be): its pid alone
        // cannot tell whether the worker lives, as in a container where every start of the server is pid 1.
        String thisPid = InetAddress.getLocalHost().getHostName() + "/" + ProcessHandle.current().pid();
        long stale;
        long beating;
        try (TestServer first = TestServer.start(dir, Map.of())) {
            long owner = Users.signUp(first, "orphans").id();
            // Neither has a pipeline version: a worker that takes one over fails it.
            // "host/pid" of this JVM: also what a server restarted in a container (same host, pid 1) used to call itself
            stale = first.queryLong("INSERT INTO executions (name, owner_id, status, worker, lease_until) VALUES ('stale', " + owner
                    + ", 'running', '" + thisPid + "', now() - interval '1 hour') RETURNING id");
            // a worker that beat "just now" for the whole test
            beating = first.queryLong("INSERT INTO executions (name, owner_id, status, worker, lease_until) VALUES ('beating', " + owner
                    + ", 'running', '" + thisPid + "/a1ive', now() + interval '1 hour') RETURNING id");
        }
        try (TestServer second = TestServer.start(dir, Map.of())) {
            awaitStatus(second, stale, "failed", Duration.ofSeconds(30));
            assertThat(status(second, beating)).isEqualTo("running");
            assertThat(second.queryLong("SELECT count(*) FROM executions WHERE id = " + beating + " AND worker = '" + thisPid + "/a1ive'")).isOne();

            // A running execution of this very worker that it does not follow (its thread ended without recording the
            // end, say the database was down then) is taken over at the next round (every sixth of the lease), not left running.
            String self = second.jdbi().withHandle(h -> h.createQuery("SELECT worker FROM executions WHERE id = :id")
                    .bind("id", stale).mapTo(String.class).one());
            assertThat(self).startsWith(thisPid + "/").isNotEqualTo(thisPid);
            long owner = second.queryLong("SELECT owner_id FROM executions WHERE id = " + stale);
            long unfollowed = second.queryLong("INSERT INTO executions (name, owner_id, status, worker, lease_until) VALUES ('unfollowed', "
                    + owner + ", 'running', '" + self + "', now()) RETURNING id");
            awaitStatus(second, unfollowed, "failed", Duration.ofSeconds(45));
        }
    }

    @Test
    void anotherHostsRunIsTakenOverOnlyOnceItsLeaseHasPassedAndADeadLocalWorkersRunAtOnce(@TempDir Path dir) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String host = InetAddress.getLocalHost().getHostName();
        try (TestServer server = TestServer.start(dir, Map.of("FLOW_WORKERS", "0"))) {
            long owner = Users.signUp(server, "leases").id();
            String insert = "INSERT INTO executions (name, owner_id, status, worker, lease_until) VALUES ('%s', " + owner + ", 'running', '%s', %s) RETURNING id";
            // Another host's worker: its pid says nothing here, whether a process has it or not.
            long held = server.queryLong(insert.formatted("held", "elsewhere/" + gone.pid() + "/x", "now() + interval '1 hour'"));
            long passed = server.queryLong(insert.formatted("passed", "elsewhere/" + ProcessHandle.current().pid() + "/x", "now() - interval '1 second'"));
            // A worker of this host whose process is gone: dead at once, though its lease runs for an hour.
            long local = server.queryLong(insert.formatted("local", host + "/" + gone.pid() + "/x", "now() + interval '1 hour'"));
            try (TestServer worker = TestServer.start(server.sharedSettings())) {
                // Neither has a pipeline version: the worker that takes one over fails it.
                awaitStatus(server, passed, "failed", Duration.ofSeconds(30));
                awaitStatus(server, local, "failed", Duration.ofSeconds(30));
                assertThat(status(server, held)).isEqualTo("running");
                assertThat(server.queryLong("SELECT count(*) FROM executions WHERE id = " + held + " AND worker LIKE 'elsewhere/%'")).isOne();
            }
        }
    }
}
