package bio.flow.executions;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.storage.LocalStorage;
import bio.flow.storage.StorageKey;
import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.RunFixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Outputs.collect on a results folder made by hand in a real run directory of a submitted execution. */
class OutputsTest {
    private static final TestServer server = RunFixtures.serverWithoutWorkers();
    private static final LocalStorage storage = new LocalStorage(server.dataDir().resolve("files"));
    private static final Outputs outputs = new Outputs(storage);

    record Output(long id, String filename, String dataType, String compression, String process, Long sample, long owner, long size,
                  String md5, String status) {}

    private static Map<String, Output> recorded(long execution) {
        Map<String, Output> out = new HashMap<>();
        server.jdbi().useHandle(h -> h.createQuery("SELECT id, filename, data_type, compression, execution_process, source_sample_id, "
                        + "owner_id, size, md5, status, execution_path FROM data WHERE execution_id = :e").bind("e", execution)
                .map((rs, ctx) -> out.put(rs.getString("execution_path"), new Output(rs.getLong("id"), rs.getString("filename"),
                        rs.getString("data_type"), rs.getString("compression"), rs.getString("execution_process"),
                        (Long) rs.getObject("source_sample_id"), rs.getLong("owner_id"), rs.getLong("size"), rs.getString("md5"),
                        rs.getString("status"))))
                .list());
        return out;
    }

    private static Path write(Path file, String text) throws Exception {
        return write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static Path write(Path file, byte[] bytes) throws Exception {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    @Test
    void publishedFilesBecomeRecordsOfTheOwnerTracedToTheirProcessAndSampleOnce() throws Exception {
        Account alice = Users.signUp(server, "outputs");
        Account stranger = Users.signUp(server, "stranger");
        long project = Fixtures.project(alice, "outputs", false);
        long s1 = Fixtures.sample(alice, project, "S1");
        Fixtures.data(alice, s1);
        long s10 = Fixtures.sample(alice, project, "S10");
        Fixtures.data(alice, s10);
        long version = RunFixtures.version(server, "samplesheet", "[]");
        Api.Res run = alice.api().post("/pipelines/versions/" + version + "/run", Map.of("samples", List.of(s1, s10)));
        long execution = run.json().path("id").asLong();

        RunDirectory dir = RunDirectory.of(Files.createTempDirectory(server.dataDir(), "runs-"), execution);
        Path results = dir.results();
        Files.createDirectories(dir.root());
        Files.writeString(dir.samples(), "{\"S1\": " + s1 + ", \"S10\": " + s10 + "}");
        write(results.resolve("S1.qc.tsv"), "sample\treads\nS1\t1\n");
        write(results.resolve("S10.qc.tsv"), "sample\treads\nS10\t1\n");
        write(results.resolve("S1x.txt"), "no sample of this run\n");
        write(results.resolve("multiqc/multiqc_report.html"), "<html></html>\n");
        write(results.resolve("salmon/S10/quant.sf"), "Name\tLength\nt1\t100\n");
        byte[] gz = RunFixtures.gzip(RunFixtures.fastq("out"));
        write(results.resolve("S1_trimmed.fastq.gz"), gz);
        // published long ago: once stored, the orphan sweep must not take its bytes for old ones no record names
        Files.setLastModifiedTime(results.resolve("S1_trimmed.fastq.gz"), java.nio.file.attribute.FileTime.fromMillis(0));
        write(results.resolve("fake.fastq"), "not FASTQ at all\n");
        // Nextflow's default publish mode: links into the tasks' work folders, to files and to folders
        Path task = write(dir.work().resolve("ab/cdef/linked.txt"), "made by a task\n");
        Files.createSymbolicLink(results.resolve("linked.txt"), task);
        write(dir.work().resolve("ab/cdef/folder/inner.txt"), "in a published folder\n");
        Files.createSymbolicLink(results.resolve("published"), dir.work().resolve("ab/cdef/folder"));
        // links out of the run directory, and files beside results/, are no outputs
        Path elsewhere = write(Files.createTempDirectory(server.dataDir(), "elsewhere-").resolve("secret.txt"), "not an output\n");
        Files.createSymbolicLink(results.resolve("outside.txt"), elsewhere);
        Files.createSymbolicLink(results.resolve("outside-folder"), elsewhere.getParent());
        Files.createSymbolicLink(results.resolve("loop"), results);
        write(dir.root().resolve("trace.txt"), "task_id\n");

        Map<Path, String> processes = Map.of(results.resolve("S1.qc.tsv"), "FASTQ_STATS", results.resolve("multiqc"), "MULTIQC",
                results.resolve("linked.txt"), "TASK", results.resolve("published"), "FOLDER");
        List<Long> created = server.jdbi().withHandle(h -> outputs.collect(h, execution, dir, processes));

        Map<String, Output> out = recorded(execution);
        assertThat(out).containsOnlyKeys("S1.qc.tsv", "S10.qc.tsv", "S1x.txt", "multiqc/multiqc_report.html", "salmon/S10/quant.sf",
                "S1_trimmed.fastq.gz", "fake.fastq", "linked.txt", "published/inner.txt");
        assertThat(created).hasSize(9);
        Output qc = out.get("S1.qc.tsv");
        assertThat(qc.filename()).isEqualTo("S1.qc.tsv");
        assertThat(qc.process()).isEqualTo("FASTQ_STATS");
        assertThat(qc.sample()).isEqualTo(s1);
        assertThat(qc.owner()).isEqualTo(alice.id());
        assertThat(qc.dataType()).isEqualTo("TSV");
        assertThat(qc.status()).isEqualTo("ready");
        assertThat(out.get("S10.qc.tsv").sample()).isEqualTo(s10);
        assertThat(out.get("S1x.txt").sample()).isNull();
        assertThat(out.get("S1x.txt").process()).isNull();
        assertThat(out.get("salmon/S10/quant.sf").sample()).isEqualTo(s10);
        Output report = out.get("multiqc/multiqc_report.html");
        assertThat(report.filename()).isEqualTo("multiqc_multiqc_report.html");
        assertThat(report.process()).isEqualTo("MULTIQC");
        Output reads = out.get("S1_trimmed.fastq.gz");
        assertThat(reads.dataType()).isEqualTo("FASTQ");
        assertThat(reads.compression()).isEqualTo("gzip");
        assertThat(reads.sample()).isEqualTo(s1);
        assertThat(out.get("fake.fastq").dataType()).as("the content decides when it contradicts the name").isEqualTo("TEXT");
        assertThat(out.get("linked.txt").process()).isEqualTo("TASK");
        assertThat(out.get("published/inner.txt").process()).isEqualTo("FOLDER");
        assertThat(out.get("published/inner.txt").filename()).isEqualTo("published_inner.txt");

        // the bytes are stored under the record's key, linked rather than copied, with their size and md5
        assertThat(reads.size()).isEqualTo(gz.length);
        assertThat(reads.md5()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(gz)));
        Path stored = storage.localPath(StorageKey.of("data", reads.id())).orElseThrow();
        assertThat(Files.readAllBytes(stored)).isEqualTo(gz);
        assertThat(Files.isSameFile(stored, results.resolve("S1_trimmed.fastq.gz"))).isTrue();
        assertThat(Files.getLastModifiedTime(stored).toInstant()).isAfter(java.time.Instant.now().minusSeconds(600));
        assertThat(Files.readString(storage.localPath(StorageKey.of("data", out.get("linked.txt").id())).orElseThrow())).isEqualTo("made by a task\n");

        // the owner reads them through the API; a stranger does not see them
        assertThat(alice.api().get("/data/" + qc.id()).status()).isEqualTo(200);
        assertThat(stranger.api().get("/data/" + qc.id()).status()).isEqualTo(404);

        // Collecting again adds nothing; after a crash that lost a record, only that one comes back.
        List<Long> none = server.jdbi().withHandle(h -> outputs.collect(h, execution, dir, processes));
        assertThat(none).isEmpty();
        server.sql("DELETE FROM data WHERE id = " + report.id());
        List<Long> again = server.jdbi().withHandle(h -> outputs.collect(h, execution, dir, processes));
        assertThat(again).hasSize(1);
        assertThat(recorded(execution)).hasSize(9);
        assertThat(recorded(execution).get("multiqc/multiqc_report.html").id()).isEqualTo(again.get(0));
    }

    /** One file whose name no data filename may hold, beside a good one: both recorded, the run's outputs whole. */
    @Test
    void aFileWithAnImpossibleNameIsRecordedUnderAFittingOne() throws Exception {
        Account alice = Users.signUp(server, "badnames");
        long project = Fixtures.project(alice, "badnames", false);
        long s1 = Fixtures.sample(alice, project, "S1");
        Fixtures.data(alice, s1);
        long version = RunFixtures.version(server, "samplesheet", "[]");
        long execution = alice.api().post("/pipelines/versions/" + version + "/run", Map.of("samples", List.of(s1))).json().path("id").asLong();
        RunDirectory dir = RunDirectory.of(Files.createTempDirectory(server.dataDir(), "runs-"), execution);
        write(dir.results().resolve("good.txt"), "good\n");
        write(dir.results().resolve("line\nbreak.txt"), "control character in the name\n");
        write(dir.results().resolve(" "), "a blank name\n");

        List<Long> created = server.jdbi().withHandle(h -> outputs.collect(h, execution, dir, Map.of()));
        assertThat(created).hasSize(3);
        Map<String, Output> out = recorded(execution);
        assertThat(out.get("good.txt").filename()).isEqualTo("good.txt");
        assertThat(out.get("line\nbreak.txt").filename()).isEqualTo("line_break.txt");
        assertThat(out.get(" ").filename()).as("first of the three in path order").isEqualTo("output_1");
    }

    @Test
    void namesAreTheirPathFlattenedUnlessTooLongAndSamplesMatchWholeNamePrefixesLongestFirst() {
        assertThat(Outputs.filename("a/b/c.txt", 1)).isEqualTo("a_b_c.txt");
        String deep = "d".repeat(200) + "/" + "e".repeat(100) + ".txt";
        assertThat(Outputs.filename(deep, 1)).isEqualTo("e".repeat(100) + ".txt");
        // names no data filename may hold: made valid, never a failure
        assertThat(Outputs.filename("qc/a\nb\\c\u202Ed.txt", 1)).isEqualTo("qc_a_b_c_d.txt");
        assertThat(Outputs.filename("d/" + "f".repeat(300), 7)).isEqualTo("output_7");
        assertThat(Outputs.filename(" ", 2)).isEqualTo("output_2");
        Map<String, Long> samples = Map.of("S1", 1L, "S1_L001", 2L, "S10", 3L);
        assertThat(Outputs.sourceSample(samples, "S1_L001.qc.tsv")).isEqualTo(2L);
        assertThat(Outputs.sourceSample(samples, "S1_L002.qc.tsv")).isEqualTo(1L);
        assertThat(Outputs.sourceSample(samples, "S10")).isEqualTo(3L);
        assertThat(Outputs.sourceSample(samples, "S100.txt")).isNull();
        assertThat(Outputs.sourceSample(samples, "salmon/S1/quant.sf")).isEqualTo(1L);
        assertThat(Outputs.sourceSample(samples, "summary.tsv")).isNull();
    }
}
