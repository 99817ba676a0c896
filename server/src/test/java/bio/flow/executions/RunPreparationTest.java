package bio.flow.executions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.access.AccessPolicy;
import bio.flow.data.DataContents;
import bio.flow.executions.RunPreparation.PreparationException;
import bio.flow.pipelines.PipelineVersions;
import bio.flow.pipelines.RunnableVersion;
import bio.flow.storage.LocalStorage;
import bio.flow.storage.StorageKey;
import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.RunFixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RunPreparation on runs submitted over HTTP: what it stages in a run directory and the parameters it answers. */
class RunPreparationTest {
    private static final TestServer server = RunFixtures.serverWithoutWorkers();
    private static final LocalStorage storage = new LocalStorage(server.dataDir().resolve("files"));
    private static final RunPreparation preparation =
            new RunPreparation(new DataContents(server.jdbi(), new AccessPolicy(server.jdbi()), storage), storage);

    private static Map<String, Object> prepare(long execution, long version, RunDirectory dir) {
        return server.jdbi().withHandle(h -> {
            RunnableVersion v = PipelineVersions.runnable(h, version).orElseThrow();
            return preparation.prepare(h, execution, v, dir);
        });
    }

    private static long submit(Account who, long version, Map<String, Object> body) {
        Api.Res r = who.api().post("/pipelines/versions/" + version + "/run", body);
        if (r.status() != 201) throw new AssertionError("run not submitted: " + r);
        return r.json().path("id").asLong();
    }

    private static long sample(Account owner, long project, String name, String condition, String replicate) {
        return Fixtures.sample(owner, Map.of("name", name, "project", project, "organism", "human", "sample_type", "RNA",
                "condition", condition, "replicate_group", replicate));
    }

    @Test
    void aSamplesheetListsEachPairUnderASafeUniqueNameAndTheParametersPointIntoTheRunDirectory() throws Exception {
        long version = RunFixtures.version(server, "samplesheet", RunFixtures.PARAMETERS);
        Account alice = Users.signUp(server, "prep");
        long project = Fixtures.project(alice, "prep", false);
        long lanes = sample(alice, project, "S 1", "treated, high", "A");
        byte[] r1 = RunFixtures.gzip(RunFixtures.fastq("l1r1"));
        long l1r1 = RunFixtures.read(alice, lanes, 1, 1, "a_R1.fastq.gz", r1).path("id").asLong();
        long l1r2 = RunFixtures.read(alice, lanes, 2, 1, "a_R2.fastq.gz", RunFixtures.gzip(RunFixtures.fastq("l1r2"))).path("id").asLong();
        long l2r1 = RunFixtures.read(alice, lanes, 1, 2, "b_R1.fastq.gz", RunFixtures.gzip(RunFixtures.fastq("l2r1"))).path("id").asLong();
        long l2r2 = RunFixtures.read(alice, lanes, 2, 2, "b_R2.fastq.gz", RunFixtures.gzip(RunFixtures.fastq("l2r2"))).path("id").asLong();
        long clash = sample(alice, project, "S_1", "control", "B");
        long single = Fixtures.upload(alice, "single.fastq", RunFixtures.fastq("se"), Map.of("sample_id", clash));
        long hidden = sample(alice, project, ".hidden/ü", "", "");
        Fixtures.upload(alice, "h.fq", RunFixtures.fastq("h"), Map.of("sample_id", hidden));
        byte[] fastaBytes = ">chr1\nACGT\n".getBytes();
        long fasta = Fixtures.upload(alice, "genome.fa", fastaBytes, Map.of());
        long execution = submit(alice, version, Map.of("samples", List.of(lanes, clash, hidden), "parameters", Map.of("strandedness", "reverse"),
                "data_params", Map.of("fasta", fasta)));

        RunDirectory dir = RunDirectory.of(Files.createTempDirectory(server.dataDir(), "runs-"), execution);
        Map<String, Object> params = prepare(execution, version, dir);

        assertThat(params).containsEntry("strandedness", "reverse").containsEntry("input", dir.samplesheet().toString())
                .containsEntry("outdir", dir.results().toString()).containsEntry("fasta", dir.inputs().resolve("fasta/genome.fa").toString())
                .doesNotContainKey("min_quality");
        assertThat(Files.readAllBytes(dir.inputs().resolve("fasta/genome.fa"))).isEqualTo(fastaBytes);
        assertThat(Files.isDirectory(dir.results())).isTrue();
        Path reads = dir.reads();
        assertThat(Files.readString(dir.samplesheet())).isEqualTo(String.join("\n",
                "sample,fastq_1,fastq_2,strandedness,condition,replicate",
                "S_1," + reads.resolve("S_1_L001_1.fastq.gz") + "," + reads.resolve("S_1_L001_2.fastq.gz") + ",reverse,\"treated, high\",A",
                "S_1," + reads.resolve("S_1_L002_1.fastq.gz") + "," + reads.resolve("S_1_L002_2.fastq.gz") + ",reverse,\"treated, high\",A",
                "S_1_2," + reads.resolve("S_1_2_1.fastq") + ",,reverse,control,B",
                "_hidden__," + reads.resolve("_hidden___1.fastq") + ",,reverse,,", ""));
        // each staged read is a link to its record's stored bytes
        assertThat(Files.readSymbolicLink(reads.resolve("S_1_L001_1.fastq.gz"))).isEqualTo(storage.localPath(StorageKey.of("data", l1r1)).orElseThrow());
        assertThat(Files.readAllBytes(reads.resolve("S_1_L001_1.fastq.gz"))).isEqualTo(r1);
        assertThat(Files.readSymbolicLink(reads.resolve("S_1_L002_2.fastq.gz"))).isEqualTo(storage.localPath(StorageKey.of("data", l2r2)).orElseThrow());
        assertThat(Files.readSymbolicLink(reads.resolve("S_1_2_1.fastq"))).isEqualTo(storage.localPath(StorageKey.of("data", single)).orElseThrow());
        JsonNode names = bio.flow.http.Json.MAPPER.readTree(dir.samples().toFile());
        assertThat(names.path("S_1").asLong()).isEqualTo(lanes);
        assertThat(names.path("S_1_2").asLong()).isEqualTo(clash);
        assertThat(names.path("_hidden__").asLong()).isEqualTo(hidden);
        assertThat(l1r2 + l2r1).isPositive();

        // Prepared again (a resumed run): the same files, staged again.
        assertThat(prepare(execution, version, dir)).isEqualTo(params);
        try (var staged = Files.list(reads)) {
            assertThat(staged.count()).isEqualTo(6);
        }
    }

    @Test
    void aReadsGlobNamesTheStagedPairsAndTheStrandednessColumnOnlyComesWithTheParameter() throws Exception {
        long version = RunFixtures.version(server, "reads_glob", "[]");
        Account alice = Users.signUp(server, "prep");
        long project = Fixtures.project(alice, "prep", false);
        long s1 = sample(alice, project, "A", "", "");
        RunFixtures.read(alice, s1, 1, null, "a_1.fq.gz", RunFixtures.gzip(RunFixtures.fastq("a1")));
        RunFixtures.read(alice, s1, 2, null, "a_2.fq.gz", RunFixtures.gzip(RunFixtures.fastq("a2")));
        long s2 = sample(alice, project, "B", "", "");
        Fixtures.upload(alice, "b.fastq.gz", RunFixtures.gzip(RunFixtures.fastq("b")), Map.of("sample_id", s2));
        long execution = submit(alice, version, Map.of("samples", List.of(s1, s2)));
        RunDirectory dir = RunDirectory.of(Files.createTempDirectory(server.dataDir(), "runs-"), execution);

        Map<String, Object> params = prepare(execution, version, dir);
        assertThat(params).containsOnlyKeys("reads", "outdir").containsEntry("reads", dir.reads() + "/*_{1,2}.fastq.gz");
        try (var staged = Files.list(dir.reads())) {
            assertThat(staged.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("A_1.fastq.gz", "A_2.fastq.gz", "B_1.fastq.gz");
        }
        assertThat(Files.exists(dir.samplesheet())).isFalse();

        long sheet = RunFixtures.version(server, "samplesheet", "[]");
        long other = submit(alice, sheet, Map.of("samples", List.of(s2)));
        RunDirectory otherDir = RunDirectory.of(Files.createTempDirectory(server.dataDir(), "runs-"), other);
        prepare(other, sheet, otherDir);
        assertThat(Files.readAllLines(otherDir.samplesheet())).containsExactly("sample,fastq_1,fastq_2,condition,replicate",
                "B," + otherDir.reads().resolve("B_1.fastq.gz") + ",,,");
    }

    @Test
    void inputsWhoseBytesCannotBeServedOrThatWereDeletedFailWithAReason() throws Exception {
        long version = RunFixtures.version(server, "samplesheet", "[]");
        Account alice = Users.signUp(server, "prep");
        long sample = Fixtures.sample(alice, Fixtures.project(alice, "prep", false), "S1");
        long data = Fixtures.data(alice, sample);
        long execution = submit(alice, version, Map.of("samples", List.of(sample)));
        RunDirectory dir = RunDirectory.of(Files.createTempDirectory(server.dataDir(), "runs-"), execution);

        storage.delete(StorageKey.of("data", data));
        assertThatThrownBy(() -> prepare(execution, version, dir)).isInstanceOf(PreparationException.class)
                .hasMessageContaining("sample S1 (" + sample + ")").hasMessageContaining("data " + data);

        server.sql("DELETE FROM data WHERE id = " + data);
        assertThatThrownBy(() -> prepare(execution, version, dir)).isInstanceOf(PreparationException.class)
                .hasMessageContaining("sample S1 (" + sample + "): the reads this run was given were deleted");

    }
}
