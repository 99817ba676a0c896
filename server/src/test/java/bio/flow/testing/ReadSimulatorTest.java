package bio.flow.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator the RNA-seq accuracy test trusts: its truth must describe the reads it wrote. */
class ReadSimulatorTest {
    @TempDir Path dir;

    @Test
    void readsComeFromTheTranscriptsInTheCountsTheTruthGives() throws IOException {
        ReadSimulator sim = new ReadSimulator(7).errorRate(0).readLength(50).fragments(120, 10);
        List<ReadSimulator.Transcript> transcripts = sim.transcriptome(20, 300, 600);
        ReadSimulator.SampleTruth truth = sim.sample(transcripts, "s1", 2000, dir);

        assertThat(truth.fragments().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(2000);
        assertThat(truth.abundance().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
        List<String[]> r1 = records(truth.read1());
        List<String[]> r2 = records(truth.read2());
        assertThat(r1).hasSize(2000);
        assertThat(r2).hasSize(2000);
        // without errors each read is a piece of its fragment's transcript, on one strand or the other, and the
        // pieces of a pair face each other; count which transcript each pair came from
        Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < r1.size(); i++) {
            String a = r1.get(i)[1];
            String b = r2.get(i)[1];
            assertThat(a).hasSize(50);
            assertThat(r1.get(i)[2]).hasSize(50);
            ReadSimulator.Transcript from = transcripts.stream()
                    .filter(t -> t.sequence().contains(a) && t.sequence().contains(reverseComplement(b))
                            || t.sequence().contains(b) && t.sequence().contains(reverseComplement(a)))
                    .findFirst().orElseThrow(() -> new AssertionError("pair from no transcript: " + a + " / " + b));
            seen.merge(from.id(), 1, Integer::sum);
        }
        seen.forEach((id, n) -> assertThat(truth.fragments().get(id)).as(id).isEqualTo(n));
        assertThat(seen.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(2000);
    }

    @Test
    void theSameSeedGivesTheSameData() throws IOException {
        Path a = Files.createDirectory(dir.resolve("a"));
        Path b = Files.createDirectory(dir.resolve("b"));
        ReadSimulator.SampleTruth ta = new ReadSimulator(3).sample(new ReadSimulator(3).transcriptome(5, 500, 800), "x", 100, a);
        ReadSimulator.SampleTruth tb = new ReadSimulator(3).sample(new ReadSimulator(3).transcriptome(5, 500, 800), "x", 100, b);
        assertThat(tb.abundance()).isEqualTo(ta.abundance());
        assertThat(records(tb.read1()).stream().map(r -> r[1]).toList()).isEqualTo(records(ta.read1()).stream().map(r -> r[1]).toList());
        ReadSimulator.SampleTruth other = new ReadSimulator(4).sample(new ReadSimulator(4).transcriptome(5, 500, 800), "x", 100,
                Files.createDirectory(dir.resolve("c")));
        assertThat(other.abundance()).isNotEqualTo(ta.abundance());
    }

    @Test
    void spearmanRanksWithTiesAveraged() {
        assertThat(ReadSimulator.spearman(new double[] {1, 2, 3, 4}, new double[] {10, 20, 30, 40})).isCloseTo(1.0, within(1e-12));
        assertThat(ReadSimulator.spearman(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1})).isCloseTo(-1.0, within(1e-12));
        // x ranks 1 2 3 4 5, y ranks 2 2 2 4.5 4.5 (ties averaged): Pearson of the ranks, worked by hand = 0.866025
        assertThat(ReadSimulator.spearman(new double[] {1, 2, 3, 4, 5}, new double[] {0, 0, 0, 7, 7})).isCloseTo(Math.sqrt(0.75), within(1e-9));
    }

    private static List<String[]> records(Path gz) throws IOException {
        List<String[]> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.US_ASCII))) {
            String name;
            while ((name = r.readLine()) != null) {
                String seq = r.readLine();
                assertThat(r.readLine()).isEqualTo("+");
                out.add(new String[] {name, seq, r.readLine()});
            }
        }
        return out;
    }

    private static String reverseComplement(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = s.length() - 1; i >= 0; i--) out.append("TGCA".charAt("ACGT".indexOf(s.charAt(i))));
        return out.toString();
    }
}
