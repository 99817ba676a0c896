package bio.flow.testing;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Simulated RNA-seq data with a known answer, for checking a quantification pipeline: a transcriptome of random
 * sequences, per sample a log-normal abundance of each transcript, and paired-end reads sampled from fragments of
 * those transcripts (a transcript is picked with probability proportional to abundance x length, as fragments of
 * a real library are), with a small substitution error rate. Everything follows from the seed.
 *
 * Random sequence keeps the transcripts apart (no shared k-mers to speak of), so a good quantifier should rank
 * the transcripts almost exactly as the truth does; what it cannot recover is sampling noise in the rarest ones.
 */
public final class ReadSimulator {
    private static final char[] BASES = {'A', 'C', 'G', 'T'};

    /** One transcript: its FASTA name, the gene it belongs to (also in the FASTA header as {@code gene:<id>}). */
    public record Transcript(String id, String gene, String sequence) {}

    /**
     * What a sample really holds: {@code abundance} is each transcript's relative molar abundance (sums to 1, what
     * TPM / 10^6 estimates), {@code fragments} the number of fragments actually drawn from it (what a count
     * estimates); {@code read1}/{@code read2} the gzipped FASTQ files written.
     */
    public record SampleTruth(String sample, Map<String, Double> abundance, Map<String, Integer> fragments, Path read1, Path read2) {}

    /** Library orientation of read 1 relative to the transcript. */
    public enum Strandedness { UNSTRANDED, FORWARD, REVERSE }

    private final Random random;
    private int readLength = 100;
    private double fragmentMean = 250;
    private double fragmentSd = 25;
    private double errorRate = 0.005;
    private double abundanceSigma = 1.5;
    private Strandedness strandedness = Strandedness.UNSTRANDED;

    public ReadSimulator(long seed) {
        this.random = new Random(seed);
    }

    public ReadSimulator readLength(int n) { this.readLength = n; return this; }
    public ReadSimulator fragments(double mean, double sd) { this.fragmentMean = mean; this.fragmentSd = sd; return this; }
    public ReadSimulator errorRate(double rate) { this.errorRate = rate; return this; }
    public ReadSimulator strandedness(Strandedness s) { this.strandedness = s; return this; }

    /** {@code count} transcripts of random length in [minLength, maxLength], grouped 1-3 to a gene. */
    public List<Transcript> transcriptome(int count, int minLength, int maxLength) {
        if (minLength < fragmentMean + 4 * fragmentSd) throw new IllegalArgumentException("transcripts shorter than the fragments");
        List<Transcript> out = new ArrayList<>();
        int gene = 0;
        int left = 0;
        for (int i = 1; i <= count; i++) {
            if (left == 0) { gene++; left = 1 + random.nextInt(3); }
            left--;
            int length = minLength + random.nextInt(maxLength - minLength + 1);
            StringBuilder seq = new StringBuilder(length);
            for (int j = 0; j < length; j++) seq.append(BASES[random.nextInt(4)]);
            out.add(new Transcript(String.format("TX%04d", i), String.format("GENE%04d", gene), seq.toString()));
        }
        return out;
    }

    /** Writes the transcriptome as FASTA, gzipped when the name ends in .gz, 70 bases a line. */
    public static void writeFasta(List<Transcript> transcripts, Path file) {
        try (Writer w = writer(file)) {
            for (Transcript t : transcripts) {
                w.write(">" + t.id() + " gene:" + t.gene() + "\n");
                for (int i = 0; i < t.sequence().length(); i += 70) {
                    w.write(t.sequence(), i, Math.min(70, t.sequence().length() - i));
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Draws a sample: fresh log-normal abundances, then {@code fragmentCount} fragments written as
     * {@code <dir>/<sample>_1.fq.gz} and {@code _2.fq.gz}.
     */
    public SampleTruth sample(List<Transcript> transcripts, String sample, int fragmentCount, Path dir) {
        Map<String, Double> abundance = new LinkedHashMap<>();
        double total = 0;
        double[] weight = new double[transcripts.size()];
        double[] a = new double[transcripts.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.exp(abundanceSigma * random.nextGaussian());
            total += a[i];
        }
        double weightSum = 0;
        for (int i = 0; i < a.length; i++) {
            abundance.put(transcripts.get(i).id(), a[i] / total);
            // fragments come from a transcript in proportion to its molecules times the places a fragment can start
            weight[i] = a[i] * Math.max(1, transcripts.get(i).sequence().length() - fragmentMean + 1);
            weightSum += weight[i];
        }
        double[] cumulative = new double[a.length];
        double run = 0;
        for (int i = 0; i < a.length; i++) { run += weight[i] / weightSum; cumulative[i] = run; }

        Map<String, Integer> fragments = new LinkedHashMap<>();
        transcripts.forEach(t -> fragments.put(t.id(), 0));
        Path r1 = dir.resolve(sample + "_1.fq.gz");
        Path r2 = dir.resolve(sample + "_2.fq.gz");
        try (Writer w1 = writer(r1); Writer w2 = writer(r2)) {
            for (int n = 1; n <= fragmentCount; n++) {
                int pick = java.util.Arrays.binarySearch(cumulative, random.nextDouble());
                Transcript t = transcripts.get(Math.min(pick < 0 ? -pick - 1 : pick, a.length - 1));
                String seq = t.sequence();
                int length = (int) Math.round(fragmentMean + fragmentSd * random.nextGaussian());
                length = Math.max(readLength, Math.min(seq.length(), length));
                int start = random.nextInt(seq.length() - length + 1);
                String fragment = seq.substring(start, start + length);
                // read 1 from the transcript's strand for a forward library, from the other for a reverse one
                boolean firstForward = switch (strandedness) {
                    case FORWARD -> true;
                    case REVERSE -> false;
                    case UNSTRANDED -> random.nextBoolean();
                };
                String forward = fragment.substring(0, readLength);
                String reverse = reverseComplement(fragment.substring(length - readLength));
                String name = sample + "." + n;
                writeRead(w1, name + "/1", firstForward ? forward : reverse);
                writeRead(w2, name + "/2", firstForward ? reverse : forward);
                fragments.merge(t.id(), 1, Integer::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SampleTruth(sample, abundance, fragments, r1, r2);
    }

    private void writeRead(Writer w, String name, String bases) throws IOException {
        StringBuilder seq = new StringBuilder(bases.length());
        StringBuilder qual = new StringBuilder(bases.length());
        for (int i = 0; i < bases.length(); i++) {
            char b = bases.charAt(i);
            if (random.nextDouble() < errorRate) {
                char other;
                do { other = BASES[random.nextInt(4)]; } while (other == b);
                seq.append(other);
                qual.append((char) (33 + 10 + random.nextInt(15)));  // an error tends to have a low quality
            } else {
                seq.append(b);
                qual.append((char) (33 + 30 + random.nextInt(11)));
            }
        }
        w.write('@');
        w.write(name);
        w.write('\n');
        w.write(seq.toString());
        w.write("\n+\n");
        w.write(qual.toString());
        w.write('\n');
    }

    private static String reverseComplement(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = s.length() - 1; i >= 0; i--) {
            out.append(switch (s.charAt(i)) {
                case 'A' -> 'T';
                case 'C' -> 'G';
                case 'G' -> 'C';
                case 'T' -> 'A';
                default -> 'N';
            });
        }
        return out.toString();
    }

    private static Writer writer(Path file) throws IOException {
        var out = Files.newOutputStream(file);
        var stream = file.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(out, 1 << 16) : out;
        return new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.US_ASCII), 1 << 16);
    }

    /** Spearman's rank correlation of two equally long series (ties get their average rank). */
    public static double spearman(double[] x, double[] y) {
        if (x.length != y.length || x.length < 2) throw new IllegalArgumentException("need two series of one length >= 2");
        double[] rx = ranks(x);
        double[] ry = ranks(y);
        double mx = 0, my = 0;
        for (int i = 0; i < x.length; i++) { mx += rx[i]; my += ry[i]; }
        mx /= x.length;
        my /= x.length;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    private static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (p, q) -> Double.compare(v[p], v[q]));
        double[] rank = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) j++;
            double average = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) rank[order[k]] = average;
            i = j + 1;
        }
        return rank;
    }
}
