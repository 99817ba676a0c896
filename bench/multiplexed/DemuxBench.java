import bio.flow.multiplexed.Demultiplexer;
import bio.flow.multiplexed.Demultiplexer.Barcode;
import bio.flow.multiplexed.Demultiplexer.Position;
import java.io.*;
import java.nio.file.*;
import java.util.*;
import java.util.zip.*;

/**
 * Demultiplexing throughput: writes paired gzip FASTQ (READS pairs of 2x100 bases, 24 index barcodes of 8 bases, 1 in
 * 10 reads with one index error, 1 in 50 undetermined) to a temporary folder, then demultiplexes it to gzip files there,
 * and prints reads per second and MB of input per second. Run: bench/multiplexed/run.sh
 */
public class DemuxBench {
    public static void main(String[] args) throws IOException {
        int reads = Integer.parseInt(System.getenv().getOrDefault("READS", "2000000"));
        Path dir = Files.createTempDirectory("demux-bench");
        Random random = new Random(42);
        String bases = "ACGT";
        List<Barcode> barcodes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (barcodes.size() < 24) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 8; i++) b.append(bases.charAt(random.nextInt(4)));
            if (seen.add(b.toString()) && seen.stream().filter(o -> !o.equals(b.toString())).allMatch(o -> distance(o, b.toString()) >= 3)) {
                barcodes.add(new Barcode("s" + barcodes.size(), b.toString(), Position.INDEX));
            } else seen.remove(b.toString());
        }
        Path r1 = dir.resolve("R1.fastq.gz"), r2 = dir.resolve("R2.fastq.gz");
        try (Writer w1 = gz(r1); Writer w2 = gz(r2)) {
            char[] seq = new char[100];
            String qual = "I".repeat(100);
            for (int n = 0; n < reads; n++) {
                String index = random.nextInt(50) == 0 ? "NNNNNNNN" : barcodes.get(random.nextInt(24)).pattern();
                if (random.nextInt(10) == 0) {
                    char[] c = index.toCharArray();
                    c[random.nextInt(8)] = 'N';
                    index = new String(c);
                }
                for (int r = 1; r <= 2; r++) {
                    for (int i = 0; i < 100; i++) seq[i] = bases.charAt(random.nextInt(4));
                    (r == 1 ? w1 : w2).write("@M00001:1:FC:1:1101:" + n + ":1 " + r + ":N:0:" + index + "\n" + new String(seq) + "\n+\n" + qual + "\n");
                }
            }
        }
        long inBytes = Files.size(r1) + Files.size(r2);
        long start = System.nanoTime();
        Demultiplexer.Result result;
        try (InputStream in1 = Files.newInputStream(r1); InputStream in2 = Files.newInputStream(r2)) {
            result = Demultiplexer.run(in1, in2, barcodes, 1, (key, read) -> Files.newOutputStream(dir.resolve((key == null ? "undetermined" : key) + "_R" + read + ".fastq.gz")));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%d read pairs (%.1f MB gzip in), %d undetermined: %.1f s, %.0f pairs/s, %.1f MB/s of gzip input%n",
                result.total(), inBytes / 1e6, result.undetermined(), seconds, result.total() / seconds, inBytes / 1e6 / seconds);
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.delete(p);
        }
        Files.delete(dir);
    }

    static int distance(String a, String b) {
        int d = 0;
        for (int i = 0; i < a.length(); i++) if (a.charAt(i) != b.charAt(i)) d++;
        return d;
    }

    static Writer gz(Path p) throws IOException {
        return new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(p), 1 << 16) {{ def.setLevel(1); }}), 1 << 16);
    }
}
