package bio.flow.executions;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trace file fills in the tasks whose end the events did not report (an event lost); it changes nothing else. */
class TraceCrossCheckTest {
    private final TestServer server = TestServer.shared();

    @Test
    void tasksFinishedOnlyInTheTraceFileAreRecordedFromIt(@TempDir Path dir) throws Exception {
        long owner = Users.signUp(server, "tracer").id();
        // not pending: no worker takes it
        long id = server.queryLong("INSERT INTO executions (name, owner_id, status) VALUES ('traced', " + owner + ", 'running') RETURNING id");
        server.sql("INSERT INTO process_executions (execution_id, launch, task_id, process, name, status) VALUES "
                + "(" + id + ", 0, 1, 'GREET', 'GREET (1)', 'running'), (" + id + ", 0, 3, 'GREET', 'GREET (3)', 'completed')");
        Path trace = dir.resolve("trace.txt");
        Files.writeString(trace, String.join("\n",
                RunEvents.TRACE_FIELDS.replace(',', '\t'),
                "1\tab/cdef01\t4242\tGREET\tGREET (1)\tCOMPLETED\t0\t/w/ab/cdef01\t1796067280594\t1796067281016\t519",
                "2\t12/345678\t4243\tGREET\tGREET (2)\tFAILED\t3\t/w/12/345678\t1796067280600\t1796067281100\t500",
                "3\t98/765432\t4244\tGREET\tGREET (3)\tFAILED\t1\t/w/98/765432\t1796067280600\t1796067281100\t500") + "\n");

        int added = server.jdbi().inTransaction(h -> RunEvents.crossCheck(h, id, 0, trace));

        assertThat(added).isEqualTo(2);
        List<String> tasks = server.jdbi().withHandle(h -> h.createQuery("SELECT name || ' ' || status || ' ' || coalesce(exit_code::text, '-') "
                + "|| ' ' || coalesce(native_id, '-') || ' ' || coalesce(duration_ms::text, '-') FROM process_executions "
                + "WHERE execution_id = :id ORDER BY task_id").bind("id", id).mapTo(String.class).list());
        assertThat(tasks).containsExactly("GREET (1) completed 0 4242 519", "GREET (2) failed 3 4243 500",
                "GREET (3) completed - - -"); // what the events said stands
        assertThat(server.queryLong("SELECT count(*) FROM execution_logs WHERE execution_id = " + id
                + " AND message = 'Task failed: GREET (2) with exit code 3'")).isOne();
    }
}
