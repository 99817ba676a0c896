package bio.flow.executions;

import static bio.flow.testing.PipelineRuns.latestVersion;
import static bio.flow.testing.PipelineRuns.output;
import static bio.flow.testing.PipelineRuns.text;
import static bio.flow.testing.PipelineRuns.uploadRead;
import static bio.flow.testing.PipelineRuns.waitUntilFinished;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.ReadSimulator;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped RNA-seq pipeline, run through the API on simulated reads of a known transcriptome (ReadSimulator),
 * estimates abundances that rank like the truth: Spearman >= 0.9 per sample, for transcript TPM against the true
 * molar abundance, transcript counts against the fragments drawn and gene counts against their sums per gene.
 * Real Nextflow, real fastp/salmon/multiqc: skipped when a tool is missing (CI installs them, see .ci/run).
 */
class RnaSeqAccuracyTest {
    private static final List<String> TOOLS = List.of("fastp", "salmon", "multiqc");
    private static final double MIN_SPEARMAN = 0.9;

    @TempDir Path dir;

    @BeforeAll
    static void toolsPresent() {
        List<String> missing = TOOLS.stream().filter(t -> !onPath(t)).toList();
        Assumptions.assumeTrue(missing.isEmpty(), () -> "RNA-seq accuracy test skipped: " + String.join(", ", missing)
                + " not on PATH (the RNA-seq pipeline runs the host's tools; .ci/run installs them with apt)");
    }

    @Test
    void salmonEstimatesRankLikeTheTruth() throws IOException, InterruptedException {
        TestServer server = TestServer.shared();
        Users.Account owner = Users.signUp(server, "rnaseq");

        ReadSimulator sim = new ReadSimulator(20261130);
        List<ReadSimulator.Transcript> transcripts = sim.transcriptome(100, 500, 2000);
        Path fasta = dir.resolve("transcripts.fa.gz");
        ReadSimulator.writeFasta(transcripts, fasta);
        long transcriptome = Fixtures.upload(owner, "transcripts.fa.gz", Files.readAllBytes(fasta), Map.of());

        long project = Fixtures.project(owner, "RNA-seq accuracy", false);
        Map<String, ReadSimulator.SampleTruth> truth = new HashMap<>();
        Map<String, Long> sampleIds = new HashMap<>();
        for (String name : List.of("acc-ctrl", "acc-treat")) {
            ReadSimulator.SampleTruth t = sim.sample(transcripts, name, 30_000, dir);
            long sample = Fixtures.sample(owner, project, name);
            uploadRead(owner, sample, 1, null, t.read1().getFileName().toString(), Files.readAllBytes(t.read1()));
            uploadRead(owner, sample, 2, null, t.read2().getFileName().toString(), Files.readAllBytes(t.read2()));
            truth.put(name, t);
            sampleIds.put(name, sample);
        }

        long version = latestVersion(owner.api(), "RNA Analysis", "RNA-seq");
        Api.Res run = owner.api().post("/pipelines/versions/" + version + "/run", Map.of(
                "name", "accuracy", "samples", List.copyOf(sampleIds.values()), "filesets", List.of(), "parameters", Map.of(),
                "data_params", Map.of("transcriptome", transcriptome)));
        assertThat(run.status()).as("run: %s", run).isBetween(200, 201);
        long execution = run.json().path("id").asLong();

        JsonNode done = waitUntilFinished(owner.api(), execution);
        assertThat(done.path("status").asText()).as("execution finished: %s", done).isEqualTo("completed");
        assertThat(done.path("progress").asInt()).isEqualTo(100);
        List<String> quantified = new ArrayList<>();
        done.path("process_executions").forEach(p -> {
            if (p.path("process").asText().equals("SALMON_QUANT")) {
                assertThat(p.path("status").asText()).isEqualTo("completed");
                quantified.add(p.path("name").asText());
            }
        });
        assertThat(quantified).containsExactlyInAnyOrder("SALMON_QUANT (acc-ctrl)", "SALMON_QUANT (acc-treat)");

        // per-sample outputs start with the sample's name: Flow links them to the sample
        for (var e : sampleIds.entrySet()) {
            JsonNode quant = output(done, e.getKey() + ".quant.sf");
            assertThat(quant.path("sample").path("id").asLong()).as("sample of %s", quant).isEqualTo(e.getValue());
        }

        Map<String, Map<String, Double>> tpm = matrix(owner.api(), output(done, "transcript_tpm.tsv"), 2);
        Map<String, Map<String, Double>> counts = matrix(owner.api(), output(done, "transcript_counts.tsv"), 2);
        Map<String, Map<String, Double>> geneCounts = matrix(owner.api(), output(done, "gene_counts.tsv"), 1);
        for (var e : truth.entrySet()) {
            String sample = e.getKey();
            ReadSimulator.SampleTruth t = e.getValue();
            Map<String, Double> trueGenes = new HashMap<>();
            transcripts.forEach(tx -> trueGenes.merge(tx.gene(), (double) t.fragments().get(tx.id()), Double::sum));

            double byTpm = spearman(tpm.get(sample), t.abundance());
            double byCount = spearman(counts.get(sample), toDouble(t.fragments()));
            double byGene = spearman(geneCounts.get(sample), trueGenes);
            System.out.printf("RNA-seq accuracy, %s: Spearman TPM vs abundance %.4f, counts vs fragments %.4f, gene counts %.4f%n",
                    sample, byTpm, byCount, byGene);
            assertThat(byTpm).as("Spearman of %s's TPM against the true abundances", sample).isGreaterThanOrEqualTo(MIN_SPEARMAN);
            assertThat(byCount).as("Spearman of %s's counts against the fragments drawn", sample).isGreaterThanOrEqualTo(MIN_SPEARMAN);
            assertThat(byGene).as("Spearman of %s's gene counts against the fragments per gene", sample).isGreaterThanOrEqualTo(MIN_SPEARMAN);
        }
    }

    /**
     * A merged matrix (TSV: id columns, then one column per sample) downloaded through GET /data/{id}/contents:
     * sample -> row id -> value. {@code idColumns} is how many columns name the row (the first is the id).
     */
    private static Map<String, Map<String, Double>> matrix(Api api, JsonNode output, int idColumns) {
        List<String> lines = text(api, output).lines().toList();
        String[] header = lines.get(0).split("\t");
        Map<String, Map<String, Double>> out = new HashMap<>();
        for (int c = idColumns; c < header.length; c++) out.put(header[c], new HashMap<>());
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            for (int c = idColumns; c < header.length; c++) out.get(header[c]).put(f[0], Double.parseDouble(f[c]));
        }
        return out;
    }

    /** Spearman over the ids of the truth (an id the estimate lacks counts as 0). */
    private static double spearman(Map<String, Double> estimate, Map<String, Double> truth) {
        assertThat(estimate).as("a column for the sample").isNotNull();
        List<String> ids = List.copyOf(truth.keySet());
        double[] x = ids.stream().mapToDouble(id -> estimate.getOrDefault(id, 0.0)).toArray();
        double[] y = ids.stream().mapToDouble(truth::get).toArray();
        return ReadSimulator.spearman(x, y);
    }

    private static Map<String, Double> toDouble(Map<String, Integer> m) {
        Map<String, Double> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, v.doubleValue()));
        return out;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator)).filter(p -> !p.isEmpty())
                .map(p -> Path.of(p, tool)).anyMatch(p -> Files.isRegularFile(p) && Files.isExecutable(p));
    }
}
