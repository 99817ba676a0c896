package bio.flow.executions;

import static bio.flow.testing.PipelineRuns.output;
import static bio.flow.testing.PipelineRuns.text;
import static bio.flow.testing.PipelineRuns.uploadRead;
import static bio.flow.testing.PipelineRuns.waitUntilFinished;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Pipelines;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole chain through the API alone, on real Nextflow: an admin registers a pipeline of the {@code reads_glob}
 * style from a directory, a user runs it on a sample's uploaded reads and follows it to the end (progress, tasks,
 * outputs traced to their sample and process, the results archive, the links from the sample and the reads), and a
 * long run is canceled with none of its processes left.
 */
class PipelineEndToEndTest {
    /** Counts each pair's reads (COUNT, one task per pair), then waits params.sleep seconds (SLOW). */
    private static final String MAIN_NF = """
            params.reads = null
            params.outdir = 'results'
            params.sleep = 0

            process COUNT {
                publishDir params.outdir, mode: 'copy'
                input: tuple val(sample), path(reads)
                output: path "${sample}.count.txt"
                script: "echo \\$(( \\$(zcat -f ${reads} | wc -l) / 4 )) > ${sample}.count.txt"
            }

            process SLOW {
                input: path counts
                script: "sleep ${params.sleep}"
            }

            workflow {
                counts = COUNT(Channel.fromFilePairs(params.reads, size: -1))
                if (params.sleep > 0) SLOW(counts.collect())
            }
            """;
    private static final String SCHEMA = """
            {"$schema": "http://json-schema.org/draft-07/schema", "type": "object",
             "definitions": {"options": {"title": "Options", "type": "object", "properties": {
                 "reads": {"type": "string", "description": "Flow sets it"},
                 "outdir": {"type": "string", "format": "directory-path"},
                 "sleep": {"type": "integer", "default": 0, "description": "Seconds SLOW waits"}}}},
             "allOf": [{"$ref": "#/definitions/options"}]}
            """;

    private static TestServer server;
    private static Users.Account admin;
    private static long version;

    @BeforeAll
    static void register() throws IOException {
        server = TestServer.shared();
        admin = Users.admin(server);
        Path dir = Files.createTempDirectory("flow-e2e-pipeline-");
        Files.writeString(dir.resolve("main.nf"), MAIN_NF);
        Files.writeString(dir.resolve("nextflow_schema.json"), SCHEMA);
        long pipeline = Pipelines.pipeline(admin, "read counter");
        Api.Res v = admin.api().post("/pipelines/" + pipeline + "/versions/new", Map.of(
                "version", "1.0", "source", dir.toString(), "input", Map.of("style", "reads_glob", "param", "reads")));
        assertThat(v.status()).as("registration: %s", v).isEqualTo(201);
        version = v.json().path("id").asLong();
        // Flow's own parameters are not offered; the pipeline's own one is.
        assertThat(v.json().path("parameters").findValuesAsText("name")).containsExactly("sleep");
    }

    @Test
    void aReadsGlobPipelineRunsThroughTheApiFromRegistrationToResults() throws Exception {
        Users.Account owner = Users.signUp(server, "e2e");
        long project = Fixtures.project(owner, "end to end", false);
        long paired = Fixtures.sample(owner, project, "paired one");
        long single = Fixtures.sample(owner, project, "single");
        uploadRead(owner, paired, 1, null, "p_1.fq", fastq(3));
        uploadRead(owner, paired, 2, null, "p_2.fq", fastq(3));
        uploadRead(owner, single, 1, null, "s_1.fq", fastq(5));
        long read = Fixtures.ids(owner.api().get("/samples/" + single + "/data").json().path("data")).get(0);

        Api.Res run = owner.api().post("/pipelines/versions/" + version + "/run",
                Map.of("name", "count them", "samples", List.of(paired, single), "project", project));
        assertThat(run.status()).as("run: %s", run).isEqualTo(201);
        long id = run.json().path("id").asLong();

        // Followed through the API: progress never goes back, 100 only at the end.
        List<Integer> progress = new ArrayList<>();
        JsonNode done;
        while (true) {
            done = owner.api().get("/executions/" + id).json();
            progress.add(done.path("progress").asInt());
            if (List.of("completed", "failed", "canceled").contains(done.path("status").asText())) break;
            assertThat(done.path("progress").asInt()).isLessThan(100);
            Thread.sleep(200);
        }
        assertThat(done.path("status").asText()).as("execution: %s", done).isEqualTo("completed");
        assertThat(progress).isSorted().last().isEqualTo(100);
        assertThat(done.path("process_executions")).hasSize(2).allSatisfy(t -> {
            assertThat(t.path("process").asText()).isEqualTo("COUNT");
            assertThat(t.path("name").asText()).startsWith("COUNT (");
            assertThat(t.path("status").asText()).isEqualTo("completed");
            assertThat(t.path("exit_code").asInt()).isZero();
            assertThat(t.path("native_id").asText()).matches("\\d+");
        });

        // Sample names are made filesystem-safe; each output is traced to its sample and process.
        JsonNode pairedCount = output(done, "paired_one.count.txt");
        JsonNode singleCount = output(done, "single.count.txt");
        assertThat(text(owner.api(), pairedCount).strip()).isEqualTo("6");
        assertThat(text(owner.api(), singleCount).strip()).isEqualTo("5");
        assertThat(pairedCount.path("sample").path("id").asLong()).isEqualTo(paired);
        assertThat(singleCount.path("process").asText()).isEqualTo("COUNT");

        Api.Res zip = owner.api().get("/executions/" + id + "/results.zip");
        assertThat(zip.status()).isEqualTo(200);
        Map<String, String> entries = unzip(zip.body());
        assertThat(entries).containsEntry(pairedCount.path("filename").asText(), "6\n")
                .containsEntry(singleCount.path("filename").asText(), "5\n");

        assertThat(Fixtures.ids(owner.api().get("/samples/" + single + "/executions").json().path("executions"))).contains(id);
        assertThat(Fixtures.ids(owner.api().get("/projects/" + project + "/executions").json().path("executions"))).contains(id);
        assertThat(Fixtures.ids(owner.api().get("/data/" + read + "/downstream").json().path("executions"))).contains(id);
        assertThat(Fixtures.ids(owner.api().get("/executions/owned").json().path("executions"))).contains(id);
        Api.Res log = owner.api().get("/executions/" + id + "/log");
        assertThat(log.status()).isEqualTo(200);
        assertThat(log.text()).contains("nextflow");
    }

    @Test
    void aLongRunIsCanceledThroughTheApiWithNoProcessLeft() throws Exception {
        Users.Account owner = Users.signUp(server, "e2ecancel");
        long sample = Fixtures.sample(owner, Fixtures.project(owner, "to cancel", false), "slow");
        uploadRead(owner, sample, 1, null, "slow_1.fq", fastq(1));
        Api.Res run = owner.api().post("/pipelines/versions/" + version + "/run",
                Map.of("samples", List.of(sample), "parameters", Map.of("sleep", 600)));
        assertThat(run.status()).as("run: %s", run).isEqualTo(201);
        long id = run.json().path("id").asLong();

        JsonNode slow = awaitTask(owner.api(), id, "SLOW", Duration.ofMinutes(3));
        long slowPid = slow.path("native_id").asLong();
        assertThat(ProcessHandle.of(slowPid).filter(ProcessHandle::isAlive)).isPresent();

        Api.Res cancel = owner.api().post("/executions/" + id + "/cancel");
        assertThat(cancel.status()).isEqualTo(200);
        long asked = System.nanoTime();
        JsonNode done = waitUntilFinished(owner.api(), id);
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(10));
        assertThat(done.path("status").asText()).isEqualTo("canceled");
        assertThat(ProcessHandle.of(slowPid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(done.path("progress").asInt()).isLessThan(100);
    }

    /** GET /executions/{id} until a task of {@code process} runs; that task. */
    private static JsonNode awaitTask(Api api, long id, String process, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = api.get("/executions/" + id).json();
            for (JsonNode t : last.path("process_executions")) {
                if (t.path("process").asText().equals(process) && t.path("status").asText().equals("running")
                        && t.hasNonNull("native_id")) return t;
            }
            assertThat(last.path("status").asText()).isIn("pending", "running");
            Thread.sleep(200);
        }
        throw new AssertionError(process + " never ran: " + last);
    }

    private static byte[] fastq(int reads) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < reads; i++) s.append("@r").append(i).append("\nACGT\n+\nIIII\n");
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static Map<String, String> unzip(byte[] zip) throws IOException {
        Map<String, String> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return entries;
    }
}
