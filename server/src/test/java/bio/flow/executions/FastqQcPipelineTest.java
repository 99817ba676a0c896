package bio.flow.executions;

import static bio.flow.testing.PipelineRuns.latestVersion;
import static bio.flow.testing.PipelineRuns.output;
import static bio.flow.testing.PipelineRuns.text;
import static bio.flow.testing.PipelineRuns.uploadRead;
import static bio.flow.testing.PipelineRuns.waitUntilFinished;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The shipped FASTQ QC pipeline, run through the API on a few reads whose statistics were worked out by hand:
 * paired-end sample qc-a (read 1 gzipped, read 2 plain) and single-end sample qc-b in two lanes (pooled), with
 * min_quality 30. Qualities: '!' 0, '#' 2, '5' 20, '?' 30, 'I' 40.
 */
class FastqQcPipelineTest {
    private static final String A1 = "@r1\nACGTGG\n+\nIIIII#\n@r2\nAATT\n+\n!!55\n";  // 2 reads, 10 bases, G+C 4, qualities 5x40 2 0 0 20 20
    private static final String A2 = "@r1\nGCGC\n+\nIIII\n";                          // 1 read, 4 bases, G+C 4, 4x40
    private static final String B_LANE1 = "@x\nNNNN\n+\n####\n";                      // 4 bases, no G+C, 4x2
    private static final String B_LANE2 = "@y\nACGTA\n+\n?????\n";                    // 5 bases, G+C 2, 5x30

    @Test
    void statisticsAreTheOnesWorkedOutByHand() throws IOException, InterruptedException {
        TestServer server = TestServer.shared();
        Users.Account owner = Users.signUp(server, "fastqqc");
        long project = Fixtures.project(owner, "FASTQ QC check", false);
        long a = Fixtures.sample(owner, project, "qc-a");
        long b = Fixtures.sample(owner, project, "qc-b");
        uploadRead(owner, a, 1, null, "a_1.fq.gz", gzip(A1));
        uploadRead(owner, a, 2, null, "a_2.fq", A2.getBytes(StandardCharsets.US_ASCII));
        uploadRead(owner, b, 1, 1, "b_L001_1.fq", B_LANE1.getBytes(StandardCharsets.US_ASCII));
        uploadRead(owner, b, 1, 2, "b_L002_1.fq.gz", gzip(B_LANE2));

        long version = latestVersion(owner.api(), "Quality Control", "FASTQ QC");
        Api.Res run = owner.api().post("/pipelines/versions/" + version + "/run", Map.of(
                "name", "qc check", "samples", List.of(a, b), "filesets", List.of(), "parameters", Map.of("min_quality", 30)));
        assertThat(run.status()).as("run: %s", run).isBetween(200, 201);
        JsonNode done = waitUntilFinished(owner.api(), run.json().path("id").asLong());
        assertThat(done.path("status").asText()).as("execution: %s", done).isEqualTo("completed");

        // sample, read, [files: Flow's stored names], reads, bases, gc %, mean quality, % bases >= 30, min/mean/max length
        assertThat(rows(owner.api(), output(done, "fastq_qc_summary.tsv"))).containsExactly(
                List.of("sample", "read", "reads", "bases", "gc_percent", "mean_quality", "pct_bases_q30", "min_length", "mean_length", "max_length"),
                List.of("qc-a", "1", "2", "10", "40.00", "24.20", "50.00", "4", "5.00", "6"),
                List.of("qc-a", "2", "1", "4", "100.00", "40.00", "100.00", "4", "4.00", "4"),
                List.of("qc-b", "1", "2", "9", "22.22", "17.56", "55.56", "4", "4.50", "5"));
        assertThat(text(owner.api(), output(done, "qc-b.lengths.tsv"))).isEqualTo("sample\tread\tlength\tcount\nqc-b\t1\t4\t1\nqc-b\t1\t5\t1\n");
        assertThat(text(owner.api(), output(done, "fastq_qc_report.html"))).contains("<h1>FASTQ QC report</h1>", "<td>qc-b</td>", "<td>55.56</td>");
        // per-sample outputs start with the sample's name: Flow links them to it
        assertThat(output(done, "qc-a.qc.tsv").path("sample").path("id").asLong()).isEqualTo(a);
        assertThat(output(done, "qc-b.lengths.tsv").path("sample").path("id").asLong()).isEqualTo(b);
    }

    /** The TSV's rows without its third column (the input files' names, which are Flow's storage names). */
    private static List<List<String>> rows(Api api, JsonNode output) {
        return text(api, output).lines().map(l -> {
            List<String> f = List.of(l.split("\t"));
            return java.util.stream.Stream.concat(f.subList(0, 2).stream(), f.subList(3, f.size()).stream()).toList();
        }).toList();
    }

    private static byte[] gzip(String s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(s.getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }
}
