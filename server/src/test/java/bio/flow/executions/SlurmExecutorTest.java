package bio.flow.executions;

import static bio.flow.testing.PipelineRuns.latestVersion;
import static bio.flow.testing.PipelineRuns.output;
import static bio.flow.testing.PipelineRuns.text;
import static bio.flow.testing.PipelineRuns.uploadRead;
import static bio.flow.testing.PipelineRuns.waitUntilFinished;
import static bio.flow.testing.TestPipelines.awaitStatus;
import static bio.flow.testing.TestPipelines.awaitTask;
import static bio.flow.testing.TestPipelines.execution;
import static bio.flow.testing.TestPipelines.folder;
import static bio.flow.testing.TestPipelines.version;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Executions on a real SLURM cluster (FLOW_NEXTFLOW_EXECUTOR=slurm): each task is a SLURM job submitted by Nextflow's
 * own slurm executor, with the queue, cluster options and resources of Flow's settings, FLOW_NEXTFLOW_CONFIG and the
 * version's config, in that order of precedence.
 * Needs a running cluster whose nodes see this machine's /tmp (one node: {@code sudo scripts/slurm-local.sh}, which
 * {@code .ci/run} starts). Skipped when {@code sinfo} is absent or answers nothing, unless FLOW_TEST_REQUIRE_SLURM=true
 * (set by {@code .ci/run}), which makes a missing cluster a failure. About 90 s here.
 */
@Tag("slurm")
class SlurmExecutorTest {
    private static final Pattern JOB_ID = Pattern.compile("[0-9]+");
    private static final String MARK = "flow-test-" + ProcessHandle.current().pid();

    private static String partition;
    private static TestServer server;
    private static Path operatorConfig;

    @BeforeAll
    static void cluster() throws Exception {
        String why = null;
        try {
            Result sinfo = run("sinfo", "-h", "-o", "%P");
            if (sinfo.exit() != 0 || sinfo.out().isBlank()) why = "sinfo answered " + sinfo.exit() + ": " + sinfo.out().strip();
            else {
                // the default partition is marked with a '*'; the first one else
                List<String> names = sinfo.out().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
                partition = names.stream().filter(n -> n.endsWith("*")).findFirst().orElse(names.get(0)).replace("*", "");
            }
        } catch (IOException e) {
            why = "no sinfo on the PATH";
        }
        if (why != null) {
            String message = why + "; start a one-node cluster with sudo scripts/slurm-local.sh";
            if ("true".equals(System.getenv("FLOW_TEST_REQUIRE_SLURM"))) Assertions.fail("SLURM tests required but cannot run: " + message);
            Assumptions.abort("SLURM tests skipped: " + message);
        }
        // the operator's resources replace those of a pipeline's own nextflow.config (FASTQ QC asks for 512 MB)
        operatorConfig = Files.createTempFile("flow-operator", ".config");
        Files.writeString(operatorConfig, "process.memory = '100 MB'\n");
        server = TestServer.start(Map.of("FLOW_NEXTFLOW_EXECUTOR", "slurm", "FLOW_NEXTFLOW_QUEUE", partition,
                "FLOW_NEXTFLOW_CLUSTER_OPTIONS", "--comment=" + MARK + "-operator", "FLOW_NEXTFLOW_POLL_INTERVAL", "500ms",
                "FLOW_NEXTFLOW_CONFIG", operatorConfig.toString()));
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) server.close();
        if (operatorConfig != null) Files.delete(operatorConfig);
    }

    @Test
    void theShippedQcPipelineRunsEachTaskAsASlurmJobAndCompletesWithItsOutputs() throws Exception {
        Users.Account owner = Users.signUp(server, "slurm");
        long project = Fixtures.project(owner, "On SLURM", false);
        long sample = Fixtures.sample(owner, project, "slurm-a");
        uploadRead(owner, sample, 1, null, "a_1.fq", "@r1\nACGTGG\n+\nIIIII#\n".getBytes(StandardCharsets.US_ASCII));
        uploadRead(owner, sample, 2, null, "a_2.fq", "@r1\nGCGC\n+\nIIII\n".getBytes(StandardCharsets.US_ASCII));
        long version = latestVersion(owner.api(), "Quality Control", "FASTQ QC");

        var run = owner.api().post("/pipelines/versions/" + version + "/run", Map.of(
                "name", "on slurm", "samples", List.of(sample), "filesets", List.of(), "parameters", Map.of()));
        assertThat(run.status()).as("run: %s", run).isBetween(200, 201);
        JsonNode done = waitUntilFinished(owner.api(), run.json().path("id").asLong());

        assertThat(done.path("status").asText()).as("execution: %s", done).isEqualTo("completed");
        assertThat(text(owner.api(), output(done, "fastq_qc_summary.tsv"))).contains("slurm-a\t1\t", "slurm-a\t2\t");
        List<String> jobs = new ArrayList<>();
        done.path("process_executions").forEach(t -> jobs.add(t.path("native_id").asText()));
        assertThat(jobs).as("native ids: SLURM job ids").isNotEmpty().allMatch(id -> JOB_ID.matcher(id).matches()).doesNotHaveDuplicates();
        for (String id : jobs) {
            Map<String, String> job = job(id);
            assertThat(job).as("job %s", id).containsEntry("JobState", "COMPLETED").containsEntry("Partition", partition)
                    .containsEntry("Comment", MARK + "-operator").containsEntry("NumCPUs", "1").containsEntry("MinMemoryNode", "100M");
            assertThat(job.get("JobName")).startsWith("nf-");
        }
    }

    @Test
    void cancelingARunningExecutionLeavesNoJobInTheQueue() throws Exception {
        Users.Account owner = Users.signUp(server, "slurmcancel");
        // the version's config replaces the operator's cluster options and resources for its runs
        long version = version(server.jdbi(), folder("engine-test"), "process.clusterOptions = '--comment=" + MARK + "-version'\n"
                + "process.cpus = 2\nprocess.memory = '300 MB'\n");
        long id = execution(server, owner.id(), version, "{\"tasks\": 1, \"sleep\": 600}");
        awaitTask(server.jdbi(), id, "WAIT", "running");
        String job = null;
        for (JsonNode t : owner.api().get("/executions/" + id).json().path("process_executions")) {
            if (t.path("name").asText().equals("WAIT")) job = t.path("native_id").asText();
        }
        assertThat(job).matches(JOB_ID);
        assertThat(run("squeue", "-h", "-j", job, "-o", "%T").out().strip()).isEqualTo("RUNNING");
        assertThat(job(job)).containsEntry("Comment", MARK + "-version").containsEntry("JobName", "nf-WAIT")
                .containsEntry("NumCPUs", "2").containsEntry("MinMemoryNode", "300M");

        assertThat(owner.api().post("/executions/" + id + "/cancel").status()).isEqualTo(200);
        awaitStatus(server, id, "canceled", Duration.ofSeconds(20));
        assertThat(awaitNoJob(MARK + "-version").lines()).as("this test's jobs in squeue").noneMatch(l -> l.contains(MARK));
        assertThat(job(job)).containsEntry("JobState", "CANCELLED");
    }

    @Test
    void aKilledNextflowsJobsAreCanceledByTheWorker() throws Exception {
        Users.Account owner = Users.signUp(server, "slurmkill");
        long version = version(server.jdbi(), folder("engine-test"), "process.clusterOptions = '--comment=" + MARK + "-killed'\n");
        long id = execution(server, owner.id(), version, "{\"tasks\": 1, \"sleep\": 600}");
        awaitTask(server.jdbi(), id, "WAIT", "running");
        String job = server.jdbi().withHandle(h -> h.createQuery("SELECT native_id FROM process_executions WHERE execution_id = :id AND name = 'WAIT'")
                .bind("id", id).mapTo(String.class).one());

        // SIGKILL: Nextflow cannot scancel its job; the worker sees it gone, fails the run and cancels what it left
        ProcessHandle.of(server.queryLong("SELECT pid FROM executions WHERE id = " + id)).orElseThrow().destroyForcibly();
        awaitStatus(server, id, "failed", Duration.ofSeconds(20));
        assertThat(awaitNoJob(MARK + "-killed").lines()).as("this test's jobs in squeue").noneMatch(l -> l.contains(MARK));
        assertThat(job(job)).containsEntry("JobState", "CANCELLED");
    }

    /** squeue's lines (job id, name, comment) once none has {@code comment}, or after 20 s. */
    private static String awaitNoJob(String comment) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String queued = run("squeue", "-h", "-o", "%i %j %k").out();
        while (System.nanoTime() < deadline && queued.lines().anyMatch(l -> l.contains(comment))) {
            Thread.sleep(200);
            queued = run("squeue", "-h", "-o", "%i %j %k").out();
        }
        return queued;
    }

    /** A job's fields as {@code scontrol show job} tells them (finished jobs stay known for MinJobAge, 5 min by default). */
    private static Map<String, String> job(String id) throws IOException, InterruptedException {
        Result r = run("scontrol", "show", "job", "-o", id);
        assertThat(r.exit()).as("scontrol show job %s: %s", id, r.out()).isZero();
        Map<String, String> fields = new java.util.HashMap<>();
        Matcher m = Pattern.compile("(\\w+)=(\\S*)").matcher(r.out());
        while (m.find()) fields.putIfAbsent(m.group(1), m.group(2));
        return fields;
    }

    private record Result(int exit, String out) {}

    private static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not answer within 30 s");
        }
        return new Result(p.exitValue(), out);
    }
}
