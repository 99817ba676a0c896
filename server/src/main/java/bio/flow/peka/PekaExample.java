package bio.flow.peka;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Writes a small SYNTHETIC PEKA results folder ({@code flow peka example DIR}) in the layout {@link PekaImport} loads,
 * so that a new install can try the /peka routes. The numbers are made up from a fixed seed (the same folder every
 * time): each protein has a few planted motifs with high PEKA-scores, small p-values and a peak around the crosslink,
 * and every other k-mer is noise. The protein names are real RBPs so that queries read naturally, but nothing here is
 * a measurement.
 */
public final class PekaExample {
    /** k of the example's k-mers: 5, PEKA's default. */
    public static final int K = 5;
    public static final List<String> REGIONS = List.of("intron", "UTR3");
    /** Motif lines written per protein. */
    public static final int LINES_PER_PROTEIN = 40;

    /** A synthetic protein and the k-mers planted as its motifs, strongest first (DNA alphabet, as PEKA writes them). */
    public record Protein(String name, String gene, String species, List<String> motifs) {}

    public static final List<Protein> PROTEINS = List.of(
            new Protein("HuR", "ELAVL1", "human", List.of("TTTTT", "ATTTA", "TTATT")),
            new Protein("TTP", "ZFP36", "human", List.of("TATTT", "ATTTA", "TTTAT")),
            new Protein("PTBP1", "PTBP1", "human", List.of("TCTTC", "CTCTC", "TTCTC")));

    private PekaExample() {}

    public static void write(Path dir) {
        try {
            Files.createDirectories(dir);
            try (BufferedWriter out = Files.newBufferedWriter(dir.resolve(PekaImport.ENTITIES), StandardCharsets.UTF_8)) {
                out.write("name\tgene\tspecies\ttype\n");
                for (Protein p : PROTEINS) out.write(p.name() + "\t" + p.gene() + "\t" + p.species() + "\tRBP\n");
            }
            Random random = new Random(20260101L);
            for (Protein p : PROTEINS) {
                for (String region : REGIONS) distribution(dir.resolve(p.name() + "_" + K + "mer_distribution_" + region + ".tsv"), p, random);
                bed(dir.resolve(p.name() + ".bed"), p, random);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the PEKA example to " + dir, e);
        }
    }

    private static void distribution(Path file, Protein p, Random random) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder header = new StringBuilder();
            for (String s : PekaImport.STATISTICS) header.append('\t').append(s);
            for (int pos = PekaImport.FIRST_POSITION; pos <= PekaImport.LAST_POSITION; pos++) header.append('\t').append(pos);
            out.write(header.append('\n').toString());
            for (int i = 0; i < 1 << (2 * K); i++) {
                String kmer = kmer(i);
                int rank = p.motifs().indexOf(kmer);
                boolean planted = rank >= 0;
                double score = planted ? 60.0 / (rank + 1) + random.nextDouble() : random.nextGaussian();
                double pValue = planted ? Math.pow(10, -6 + rank) : 0.05 + 0.95 * random.nextDouble();
                StringBuilder row = new StringBuilder(kmer);
                for (double v : new double[] {random.nextDouble() * 3, random.nextDouble() * 3, random.nextDouble() * 2,
                        random.nextDouble() * 2, random.nextDouble() * 10, score, pValue}) {
                    row.append('\t').append(String.format(Locale.ROOT, "%.6g", v));
                }
                for (int pos = PekaImport.FIRST_POSITION; pos <= PekaImport.LAST_POSITION; pos++) {
                    double peak = planted ? 8.0 * Math.exp(-pos * pos / 50.0) : 0;
                    row.append('\t').append(String.format(Locale.ROOT, "%.4f", peak + random.nextDouble()));
                }
                out.write(row.append('\n').toString());
            }
        }
    }

    private static void bed(Path file, Protein p, Random random) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("track name=" + p.name() + "_motifs description=\"synthetic PEKA example\"\n");
            for (int i = 0; i < LINES_PER_PROTEIN; i++) {
                String chromosome = "chr" + (1 + i % 3);
                long start = 100_000L + 1_000L * i + random.nextInt(500);
                String motif = p.motifs().get(i % p.motifs().size()).replace('T', 'U');
                out.write(String.format(Locale.ROOT, "%s\t%d\t%d\t%s\t%.2f\t%s\n", chromosome, start, start + K, motif,
                        random.nextDouble(), random.nextBoolean() ? "+" : "-"));
            }
        }
    }

    /** The i-th k-mer in ACGT order. */
    private static String kmer(int i) {
        char[] out = new char[K];
        for (int j = K - 1; j >= 0; j--) {
            out[j] = "ACGT".charAt(i & 3);
            i >>= 2;
        }
        return new String(out);
    }
}
