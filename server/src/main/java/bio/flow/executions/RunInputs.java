package bio.flow.executions;

import bio.flow.data.DataContents;
import bio.flow.data.DataContents.StoredFile;
import bio.flow.uploads.FileNames;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The samples a run reads, each with its reads paired lane by lane and named for the file system: what submission
 * checks and records, and what preparation stages. One place for these rules:
 * <ul>
 *   <li>A sample's reads are its data files with a read number (reads uploaded to it) or of type FASTQ. A read
 *       number not recorded is taken from the name ({@code _R2}, {@code _2}, {@code .2}, {@code _R2_001} before
 *       {@code .fastq}/{@code .fq}, compressed or not), else 1.</li>
 *   <li>Within a lane (files with no lane are one lane), the read-1 files and the read-2 files, each in filename
 *       order, are paired one to one; no read-2 file means single-end. Unequal counts are refused.</li>
 *   <li>A fileset is its sample's reads restricted to the fileset's files; a sample given whole, and filesets of
 *       it, are one sample with the union of their files.</li>
 *   <li>Names: the sample's name with every character outside {@code [A-Za-z0-9._-]} made {@code _}, a leading dot
 *       made {@code _}, at most 100 characters ("sample" when nothing is left); then made unique within the run,
 *       regardless of case, by a suffix {@code _2}, {@code _3}, ..., so that no name and no staged file stem
 *       ({@link #stems}) of one sample is another's. Samples are named in id order.</li>
 * </ul>
 */
final class RunInputs {
    private RunInputs() {}

    /** A read file: its record, which read of the pair it is, and its lane (0: none recorded). */
    record Read(StoredFile file, int read, int lane) {}

    /** One read-1 file and its mate (null when single-end). */
    record Pair(Read r1, Read r2) {}

    record SampleInput(long sampleId, String name, String safeName, String condition, String replicate, List<Pair> pairs) {}

    /** A sample's reads cannot be paired; the message names the sample and says why. */
    static final class Unpairable extends RuntimeException {
        Unpairable(String message) {
            super(message, null, false, false);
        }
    }

    /** SQL condition on a data row {@code d}: it is one of its sample's reads. */
    static final String IS_READ = "(d.read_number IS NOT NULL OR d.data_type = 'FASTQ')";

    private static final Pattern READ_IN_NAME = Pattern.compile("[._-]R?([12])(?:_\\d{3})?\\.f(?:ast)?q$", Pattern.CASE_INSENSITIVE);
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final int MAX_NAME = 100;

    /**
     * The samples whose reads the data rows {@code d} matching {@code condition} are (bound by {@code bind}),
     * named and paired, in sample id order. Only rows that are reads ({@link #IS_READ}) count.
     *
     * @throws Unpairable when a sample's reads cannot be paired
     */
    static List<SampleInput> of(Handle h, String condition, Consumer<Query> bind) {
        Query q = h.createQuery("SELECT " + DataContents.COLUMNS + ", d.read_number, d.lane, s.id AS sample_id, s.name AS sample_name, "
                + "s.condition, s.replicate_group FROM data d JOIN samples s ON s.id = d.sample_id "
                + "WHERE " + IS_READ + " AND (" + condition + ") ORDER BY s.id, d.filename, d.id");
        bind.accept(q);
        record Row(Read read, long sampleId, String name, String condition, String replicate) {}
        List<Row> rows = q.map((rs, ctx) -> {
            StoredFile f = DataContents.row(rs);
            Integer recorded = rs.getObject("read_number", Integer.class);
            Integer lane = rs.getObject("lane", Integer.class);
            return new Row(new Read(f, recorded != null ? recorded : readInName(f.filename()), lane == null ? 0 : lane),
                    rs.getLong("sample_id"), rs.getString("sample_name"), rs.getString("condition"), rs.getString("replicate_group"));
        }).list();
        Map<Long, List<Row>> bySample = new LinkedHashMap<>();
        for (Row r : rows) bySample.computeIfAbsent(r.sampleId(), k -> new ArrayList<>()).add(r);
        List<SampleInput> out = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (List<Row> sample : bySample.values()) {
            Row first = sample.get(0);
            List<Pair> pairs = pairs(first.name(), first.sampleId(), sample.stream().map(Row::read).toList());
            out.add(new SampleInput(first.sampleId(), first.name(), uniqueName(first.name(), pairs.size(), taken), first.condition(),
                    first.replicate(), pairs));
        }
        return out;
    }

    /** The read number a file's name gives (1 when it gives none). */
    static int readInName(String filename) {
        Matcher m = READ_IN_NAME.matcher(FileNames.withoutGzipSuffix(filename));
        return m.find() ? Integer.parseInt(m.group(1)) : 1;
    }

    private static List<Pair> pairs(String name, long sampleId, List<Read> reads) {
        Map<Integer, List<Read>> byLane = new LinkedHashMap<>();
        reads.stream().sorted(Comparator.comparingInt(Read::lane)).forEach(r -> byLane.computeIfAbsent(r.lane(), k -> new ArrayList<>()).add(r));
        List<Pair> pairs = new ArrayList<>();
        for (Map.Entry<Integer, List<Read>> lane : byLane.entrySet()) {
            List<Read> r1 = lane.getValue().stream().filter(r -> r.read() == 1).toList();
            List<Read> r2 = lane.getValue().stream().filter(r -> r.read() == 2).toList();
            if (!r2.isEmpty() && r1.size() != r2.size()) {
                String where = lane.getKey() == 0 ? "" : " in lane " + lane.getKey();
                throw new Unpairable("sample " + name + " (" + sampleId + ") has " + r1.size() + " read-1 file(s) but " + r2.size()
                        + " read-2 file(s)" + where + ": each read-2 file needs its read-1 file");
            }
            for (int i = 0; i < r1.size(); i++) pairs.add(new Pair(r1.get(i), r2.isEmpty() ? null : r2.get(i)));
        }
        return pairs;
    }

    /** The name made safe, then unique among {@code taken} (lowercase names and stems), which it joins. */
    private static String uniqueName(String name, int pairs, Set<String> taken) {
        String base = UNSAFE.matcher(name).replaceAll("_");
        if (base.startsWith(".")) base = "_" + base.substring(1);
        if (base.length() > MAX_NAME) base = base.substring(0, MAX_NAME);
        if (base.isEmpty()) base = "sample";
        for (int n = 1; ; n++) {
            String candidate = n == 1 ? base : base + "_" + n;
            List<String> claims = new ArrayList<>(stems(candidate, pairs));
            claims.add(candidate);
            if (claims.stream().map(c -> c.toLowerCase(Locale.ROOT)).noneMatch(taken::contains)) {
                claims.forEach(c -> taken.add(c.toLowerCase(Locale.ROOT)));
                return candidate;
            }
        }
    }

    /**
     * The stems of a sample's staged reads: {@code <name>} for a single pair, else {@code <name>_L001},
     * {@code <name>_L002}, ... (one per pair, in lane order); the files are {@code <stem>_1.<ext>} and
     * {@code <stem>_2.<ext>}.
     */
    static List<String> stems(String safeName, int pairs) {
        if (pairs == 1) return List.of(safeName);
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= pairs; i++) out.add(String.format("%s_L%03d", safeName, i));
        return out;
    }

    /** The extension a staged read has: its type ({@code fastq} for FASTQ), and {@code .gz} when compressed. */
    static String extension(StoredFile f) {
        String type = f.dataType() == null ? "fastq" : f.dataType().toLowerCase(Locale.ROOT);
        return f.compression().equals("none") ? type : type + ".gz";
    }
}
