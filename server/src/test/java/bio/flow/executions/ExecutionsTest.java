package bio.flow.executions;

import static bio.flow.testing.Answers.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.storage.LocalStorage;
import bio.flow.storage.StorageKey;
import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * The read side of executions over real HTTP: GET /executions/{id} (live state, logs, tasks, inputs, outputs), its
 * /log and results archive, the owned and shared listings with their filters, the listings of the executions under
 * samples, projects, filesets and data, and data's link back to the execution that made it. The executions are made
 * by inserting the rows the run route and the engine fill ({@link ExecutionRows}); the engine's own tests cover the
 * real chain from submission to outputs.
 */
class ExecutionsTest {
    private static final TestServer server = TestServer.shared();

    @Test
    void detailShowsStateTasksLogsInputsAndOutputs() {
        Account alice = Users.signUp(server, "exalice");
        Account bob = Users.signUp(server, "exbob");
        Account carol = Users.signUp(server, "excarol");
        long project = Fixtures.project(alice, "Runs", false);
        long sample = Fixtures.sample(alice, project, "S1");
        long reads = Fixtures.data(alice, sample);
        long bobsSample = Fixtures.sample(bob, Map.of("name", "B1"));
        Fixtures.shareWithUser(bob, "samples", bobsSample, alice, 1);
        long reference = Fixtures.upload(alice, "ref.fa", ">t1\nACGT\n".getBytes(StandardCharsets.UTF_8), Map.of());

        long e = ExecutionRows.completed(server, alice, project);
        ExecutionRows.sample(server, e, sample);
        ExecutionRows.sample(server, e, bobsSample);
        ExecutionRows.read(server, e, reads, null);
        ExecutionRows.read(server, e, reference, "transcriptome");
        server.sql("UPDATE executions SET data_params = '{\"transcriptome\": " + reference + "}' WHERE id = " + e);
        server.sql("INSERT INTO process_executions (execution_id, task_id, process, name, status, exit_code, native_id, started, finished, duration_ms) "
                + "VALUES (" + e + ", 1, 'FASTQC', 'FASTQC (1)', 'completed', 0, '4242', now() - interval '2 seconds', now(), 1500), "
                + "(" + e + ", 2, 'MULTIQC', 'MULTIQC', 'running', NULL, '4243', now(), NULL, NULL)");
        server.sql("INSERT INTO execution_logs (execution_id, process, message) SELECT " + e + ", 'FASTQC', 'line ' || i FROM generate_series(0, 1004) i");
        long summary = ExecutionRows.output(server, alice, e, "summary.tsv", "sample\treads\nS1\t1\n", "SUMMARY", sample);
        long report = ExecutionRows.output(server, alice, e, "report.html", "<html></html>", null, null);
        Fixtures.shareWithUser(alice, "executions", e, carol, 1);

        JsonNode d = alice.api().get("/executions/" + e).json();
        assertThat(d.path("status").asText()).isEqualTo("completed");
        assertThat(d.path("progress").asInt()).isEqualTo(100);
        assertThat(d.path("pipeline").asText()).isEqualTo("FASTQ QC");
        assertThat(d.path("owner").path("username").asText()).isEqualTo(alice.username());
        assertThat(d.path("project").path("id").asLong()).isEqualTo(project);
        assertThat(d.path("params").path("min_quality").asInt()).isEqualTo(20);
        assertThat(d.path("data_params").path("transcriptome").asLong()).isEqualTo(reference);
        assertThat(d.path("permissions").toString()).isEqualTo("{\"can_edit\":true,\"can_share\":true,\"can_delete\":true}");
        // the last 1000 log lines, oldest first, and how many there are
        assertThat(d.path("logs")).hasSize(1000);
        assertThat(d.path("logs").get(0).path("message").asText()).isEqualTo("line 5");
        assertThat(d.path("logs").get(999).path("message").asText()).isEqualTo("line 1004");
        assertThat(d.path("logs").get(0).path("process").asText()).isEqualTo("FASTQC");
        assertThat(d.path("logs_total").asLong()).isEqualTo(1005);
        JsonNode task = d.path("process_executions").get(0);
        assertThat(task.path("name").asText()).isEqualTo("FASTQC (1)");
        assertThat(task.path("exit_code").asInt()).isZero();
        assertThat(task.path("duration").asDouble()).isEqualTo(1.5);
        assertThat(task.path("native_id").asText()).isEqualTo("4242");
        assertThat(d.path("process_executions").get(1).path("duration").isNull()).isTrue();
        // the owner reads every input
        assertThat(Fixtures.ids(d.path("inputs").path("samples"))).containsExactly(sample, bobsSample);
        assertThat(Fixtures.ids(d.path("inputs").path("data"))).containsExactly(reads, reference);
        assertThat(d.path("inputs").path("data").get(1).path("param").asText()).isEqualTo("transcriptome");
        assertThat(d.path("inputs").path("hidden").asInt()).isZero();
        // outputs, with the process that published them and the sample they were traced to
        assertThat(Fixtures.ids(d.path("outputs"))).containsExactly(report, summary);
        JsonNode out = d.path("outputs").get(1);
        assertThat(out.path("process").asText()).isEqualTo("SUMMARY");
        assertThat(out.path("sample").path("id").asLong()).isEqualTo(sample);
        assertThat(out.path("size").asLong()).isEqualTo(18);

        // a reader of the run alone sees no input they may not read (not even its id), nor the private project
        JsonNode c = carol.api().get("/executions/" + e).json();
        assertThat(c.path("inputs").path("samples")).isEmpty();
        assertThat(c.path("inputs").path("data")).isEmpty();
        assertThat(c.path("inputs").path("hidden").asInt()).isEqualTo(4);
        assertThat(c.path("project").isNull()).isTrue();
        // nor which file filled a data parameter
        assertThat(c.path("data_params").has("transcriptome")).isTrue();
        assertThat(c.path("data_params").path("transcriptome").isNull()).isTrue();
        assertThat(Fixtures.ids(c.path("outputs"))).containsExactly(report, summary);
        assertThat(c.path("outputs").get(1).path("sample").isNull()).isTrue();
        assertThat(c.path("permissions").toString()).isEqualTo("{\"can_edit\":false,\"can_share\":false,\"can_delete\":false}");
    }

    @Test
    void anOutputNamesItsExecutionToItsReadersOnly() {
        Account alice = Users.signUp(server, "exout");
        Account dave = Users.signUp(server, "exdave");
        long e = ExecutionRows.completed(server, alice, null);
        long out = ExecutionRows.output(server, alice, e, "counts.tsv", "gene\tn\n", "QUANT", null);
        JsonNode mine = alice.api().get("/data/" + out).json();
        assertThat(mine.path("execution").path("id").asLong()).isEqualTo(e);
        assertThat(mine.path("execution").path("name").asText()).isEqualTo("run of " + alice.username());
        assertThat(mine.path("process").asText()).isEqualTo("QUANT");
        // shared the file alone: the run it came from is not revealed
        Fixtures.shareWithUser(alice, "data", out, dave, 1);
        JsonNode theirs = dave.api().get("/data/" + out).json();
        assertThat(theirs.path("execution").isNull()).isTrue();
        assertThat(theirs.path("process").isNull()).isTrue();
        // a plain upload has neither
        long upload = Fixtures.data(alice, null);
        assertThat(alice.api().get("/data/" + upload).json().path("execution").isNull()).isTrue();
    }

    @Test
    void listingsUnderSamplesFilesetsAndDataShowOnlyExecutionsTheCallerMayRead() {
        Account alice = Users.signUp(server, "exlinks");
        Account bob = Users.signUp(server, "exlinksb");
        Account carol = Users.signUp(server, "exlinksc");
        Account admin = Users.admin(server);
        long project = Fixtures.project(alice, "Linked", false);
        long sample = Fixtures.sample(alice, project, "S");
        long reads = Fixtures.data(alice, sample);
        long fileset = server.jdbi().withHandle(h -> h.createQuery("INSERT INTO filesets (name, sample_id) VALUES ('reads', :s) RETURNING id")
                .bind("s", sample).mapTo(Long.class).one());
        Fixtures.shareWithUser(alice, "samples", sample, bob, 1);
        // alice's run, private to her; bob's run of the sample she shared with him
        long alices = ExecutionRows.completed(server, alice, null);
        long bobs = ExecutionRows.completed(server, bob, null);
        for (long e : List.of(alices, bobs)) {
            ExecutionRows.sample(server, e, sample);
            ExecutionRows.fileset(server, e, fileset);
            ExecutionRows.read(server, e, reads, null);
        }
        long attached = ExecutionRows.completed(server, alice, project);

        for (Account who : List.of(alice, bob)) {
            long expected = who == alice ? alices : bobs;
            JsonNode s = who.api().get("/samples/" + sample + "/executions").json();
            assertThat(Fixtures.ids(s.path("executions"))).as(who.username()).containsExactly(expected);
            assertThat(s.path("count").asLong()).isEqualTo(1);
            assertThat(s.path("executions").get(0).path("owner").path("id").asLong()).isEqualTo(who.id());
            assertThat(Fixtures.ids(who.api().get("/filesets/" + fileset + "/executions").json().path("executions"))).containsExactly(expected);
            JsonNode downstream = who.api().get("/data/" + reads + "/downstream").json().path("executions");
            assertThat(Fixtures.ids(downstream)).containsExactly(expected);
            assertThat(downstream.get(0).path("pipeline").asText()).isEqualTo("FASTQ QC");
        }
        assertThat(Fixtures.ids(admin.api().get("/data/" + reads + "/downstream").json().path("executions"))).containsExactly(bobs, alices);
        // the project's runs: its readers read them through it
        Fixtures.shareWithUser(alice, "projects", project, carol, 1);
        assertThat(Fixtures.ids(carol.api().get("/projects/" + project + "/executions").json().path("executions"))).containsExactly(attached);
        assertThat(carol.api().get("/executions/" + attached).status()).isEqualTo(200);
        assertThat(Fixtures.ids(carol.api().get("/samples/" + sample + "/executions").json().path("executions"))).isEmpty();
    }

    @Test
    void ownedAndSharedListingsWithTheirFilters() {
        Account alice = Users.signUp(server, "exlist");
        Account bob = Users.signUp(server, "exlistb");
        long[] qc = ExecutionRows.pipeline(server, Users.uniqueName("QC"));
        long[] rna = ExecutionRows.pipeline(server, Users.uniqueName("RNA"));
        long done = ExecutionRows.insert(server, alice, "completed", null, qc[1]);
        long failed = ExecutionRows.insert(server, alice, "failed", null, rna[1]);
        long alicesProject = Fixtures.project(alice, "Hers", false);
        long bobsPublic = Fixtures.project(bob, "Open", true);
        long granted = ExecutionRows.insert(server, bob, "completed", null, qc[1]);
        Fixtures.shareWithUser(bob, "executions", granted, alice, 1);
        long inHerProject = ExecutionRows.insert(server, bob, "failed", alicesProject, null);
        long publicOnly = ExecutionRows.insert(server, bob, "completed", bobsPublic, null);
        long sharedOutput = ExecutionRows.output(server, bob, granted, "shared.tsv", "x\n", "P", null);
        long publicOutput = ExecutionRows.output(server, bob, publicOnly, "public.tsv", "x\n", "P", null);

        Api a = alice.api();
        assertThat(Fixtures.ids(a.get("/executions/owned").json().path("executions"))).containsExactly(failed, done);
        assertThat(Fixtures.ids(a.get("/executions/owned?status=failed").json().path("executions"))).containsExactly(failed);
        JsonNode byPipeline = a.get("/executions/owned?pipeline=" + qc[0]).json();
        assertThat(Fixtures.ids(byPipeline.path("executions"))).containsExactly(done);
        assertThat(byPipeline.path("count").asLong()).isEqualTo(1);
        assertThat(a.get("/executions/owned?limit=1").json().path("count").asLong()).isEqualTo(2);
        assertThat(Fixtures.ids(a.get("/executions/owned?status=running").json().path("executions"))).isEmpty();

        // shared: a grant on the run, or a run in her project; a public project alone shares nothing
        assertThat(Fixtures.ids(a.get("/executions/shared").json().path("executions"))).containsExactly(inHerProject, granted);
        assertThat(Fixtures.ids(a.get("/executions/shared?status=completed&pipeline=" + qc[0]).json().path("executions"))).containsExactly(granted);
        assertThat(a.get("/executions/" + publicOnly).status()).isEqualTo(200);
        assertThat(Fixtures.ids(bob.api().get("/executions/shared").json().path("executions"))).doesNotContain(done, failed);

        // the outputs of a run shared with her are data shared with her
        List<Long> sharedData = Fixtures.ids(a.get("/data/shared?limit=100").json().path("data"));
        assertThat(sharedData).contains(sharedOutput).doesNotContain(publicOutput);

        assertStatus(a.get("/executions/owned?status=done"), 400, "VALIDATION_ERROR");
        assertThat(a.get("/executions/owned?status=done").json().path("error").path("details").path("field").asText()).isEqualTo("status");
        assertStatus(a.get("/executions/shared?pipeline=abc"), 400, "VALIDATION_ERROR");
        assertStatus(a.get("/executions/owned?limit=101"), 400, "VALIDATION_ERROR");
        assertStatus(server.client().get("/executions/owned"), 401, "UNAUTHORIZED");
        assertStatus(server.client().get("/executions/shared"), 401, "UNAUTHORIZED");
    }

    @Test
    void theNextflowLogWithRanges() throws Exception {
        Account alice = Users.signUp(server, "exlog");
        Account stranger = Users.signUp(server, "exlogs");
        long e = ExecutionRows.completed(server, alice, null);
        Api.Res none = alice.api().get("/executions/" + e + "/log");
        assertStatus(none, 404, "NOT_FOUND");
        assertThat(none.json().path("error").path("message").asText()).contains("has not started");

        Path log = RunDirectory.of(server.dataDir().resolve("runs"), e).nextflowLog();
        Files.createDirectories(log.getParent());
        String text = "Nov-30 10:00:00.000 [main] DEBUG nextflow.cli.Launcher - $> nextflow run main.nf\nsecond line\n";
        Files.writeString(log, text);
        Api.Res whole = alice.api().get("/executions/" + e + "/log");
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.text()).isEqualTo(text);
        assertThat(whole.header("Content-Type")).startsWith("text/plain");
        assertThat(whole.header("Accept-Ranges")).isEqualTo("bytes");
        int from = text.indexOf("second");
        Api.Res tail = alice.api().send("GET", "/executions/" + e + "/log", null, Map.of("Range", "bytes=" + from + "-"));
        assertThat(tail.status()).isEqualTo(206);
        assertThat(tail.text()).isEqualTo("second line\n");
        assertThat(tail.header("Content-Range")).isEqualTo("bytes " + from + "-" + (text.length() - 1) + "/" + text.length());
        assertStatus(alice.api().send("GET", "/executions/" + e + "/log", null, Map.of("Range", "bytes=" + text.length() + "-")), 416,
                "RANGE_NOT_SATISFIABLE");
        assertStatus(stranger.api().get("/executions/" + e + "/log"), 404, "NOT_FOUND");
        assertStatus(server.client().get("/executions/" + e + "/log"), 404, "NOT_FOUND");
    }

    @Test
    void theResultsArchiveHoldsEveryServableOutput() throws Exception {
        Account alice = Users.signUp(server, "exzip");
        Account stranger = Users.signUp(server, "exzips");
        long e = ExecutionRows.completed(server, alice, null);
        ExecutionRows.output(server, alice, e, "summary.tsv", "s\t1\n", "SUMMARY", null);
        long b = ExecutionRows.output(server, alice, e, "summary.tsv", "s\t2\n", "SUMMARY", null);
        ExecutionRows.output(server, alice, e, "report.html", "<html/>", "REPORT", null);
        long lost = ExecutionRows.output(server, alice, e, "lost.txt", "gone", "REPORT", null);
        new LocalStorage(server.dataDir().resolve("files")).delete(StorageKey.of("data", lost));

        Api.Res r = alice.api().get("/executions/" + e + "/results.zip");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/zip");
        assertThat(r.header("Content-Disposition")).contains("results.zip");
        Map<String, String> entries = unzip(r.body());
        assertThat(entries.keySet()).containsExactlyInAnyOrder("summary.tsv", "summary_" + b + ".tsv", "report.html", "MANIFEST.tsv");
        assertThat(entries.get("summary.tsv")).isEqualTo("s\t1\n");
        assertThat(entries.get("summary_" + b + ".tsv")).isEqualTo("s\t2\n");
        assertThat(entries.get("report.html")).isEqualTo("<html/>");
        assertThat(entries.get("MANIFEST.tsv")).startsWith("path\tsize\tmd5\n").contains("report.html\t7\t").doesNotContain("lost");

        assertStatus(alice.api().get("/executions/" + e + "/results.tar.gz"), 404, "NOT_FOUND");
        assertStatus(stranger.api().get("/executions/" + e + "/results.zip"), 404, "NOT_FOUND");
        // a run without outputs: only the manifest
        long empty = ExecutionRows.completed(server, alice, null);
        assertThat(unzip(alice.api().get("/executions/" + empty + "/RESULTS.ZIP").body()).keySet()).containsExactly("MANIFEST.tsv");
    }

    @Test
    void bulkDownloadsTakeExecutions() throws Exception {
        Account alice = Users.signUp(server, "exbulk");
        Account stranger = Users.signUp(server, "exbulks");
        long e = ExecutionRows.completed(server, alice, null);
        ExecutionRows.output(server, alice, e, "counts.tsv", "g\t3\n", "QUANT", null);
        Api.Res started = alice.api().post("/downloads", Map.of("executions", List.of(e)));
        assertThat(started.status()).isEqualTo(202);
        long job = started.json().path("id").asLong();
        JsonNode done = awaitEnd(alice, job);
        assertThat(done.path("status").asText()).isEqualTo("completed");
        assertThat(done.path("files").asInt()).isEqualTo(1);
        Map<String, String> entries = unzip(alice.api().get("/downloads/" + job).body());
        // in a folder named after the run
        assertThat(entries).containsEntry("run of " + alice.username() + "/counts.tsv", "g\t3\n");

        Api.Res refused = stranger.api().post("/downloads", Map.of("executions", List.of(e)));
        assertStatus(refused, 404, "NOT_FOUND");
        assertThat(refused.json().path("error").path("message").asText()).contains("execution " + e);
    }

    static JsonNode awaitEnd(Account who, long job) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            JsonNode j = who.api().get("/downloads/status?id=" + job).json();
            String status = j.path("status").asText();
            if (status.equals("completed") || status.equals("failed")) return j;
            if (System.nanoTime() > deadline) throw new AssertionError("job " + job + " did not end: " + j);
            Thread.sleep(20);
        }
    }

    static Map<String, String> unzip(byte[] zip) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) out.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
