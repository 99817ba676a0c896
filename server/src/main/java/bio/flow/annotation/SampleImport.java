package bio.flow.annotation;

import bio.flow.annotation.TemplateSheet.Problem;
import bio.flow.annotation.SampleSheet.SampleRow;
import bio.flow.http.Caller;
import bio.flow.samples.Samples;
import bio.flow.samples.Samples.SampleFields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The database's part of importing a sample sheet, on the caller's handle: checks what the sheet names (the
 * caller's projects, samples and uploaded reads), and, when nothing is wrong and it is not a dry run, creates or
 * updates the samples and links their reads, all in the caller's one transaction.
 *
 * <p>The rows of one sample name are one sample (a row per lane): they must describe it alike. A name that one of
 * the caller's own samples has updates that sample (empty cells keep its values); any other creates one. A read is
 * matched by file name among the caller's own ready data, which must name exactly one FASTQ file not already a read
 * of another sample.
 *
 * <p>Checks and writes go by sets: a dozen statements or so whatever the sheet's size (a 10,000-row sheet ran 75,000
 * one row at a time; bench/annotation/README.md).
 */
final class SampleImport {
    record SampleResult(int row, String name, Long id, boolean created) {}

    record ReadResult(int row, String filename, long data_id, String sample, int read_number, Integer lane) {}

    record Result(boolean dry_run, List<SampleResult> samples, List<ReadResult> reads) {}

    /** A data record that may become a read. */
    private record File(long id, String filename, String dataType, Long sampleId, String sampleName, Integer readNumber, Integer lane) {}

    /** A file a row names as read {@code read} of an existing sample: row {@code rowIndex} of the sheet's rows. */
    private record Held(int rowIndex, int read, long sample, Integer lane, long data) {}

    private static final String[] READ_HEADERS = {"Read 1 file", "Read 2 file"};

    private SampleImport() {}

    /** Checks the rows (adding to {@code problems}) and, when there are none and {@code apply}, writes them. */
    static Result run(Handle h, Caller caller, Samples samples, SampleSheet sheet, boolean apply, List<Problem> problems) {
        List<SampleRow> rows = sheet.rows();
        // one sample per name: its first row describes it
        Map<String, SampleRow> first = new LinkedHashMap<>();
        Set<String> slots = new HashSet<>();
        Map<String, Integer> fileRows = new HashMap<>();
        for (SampleRow r : rows) {
            SampleRow f = first.putIfAbsent(r.name(), r);
            if (f != null && !sameSample(f, r)) {
                problems.add(sheet.problem(r.row(), "Sample name", "describes sample '" + r.name() + "' differently from row " + f.row()
                        + "; the rows of a sample (one per lane) must agree"));
            }
            if (!slots.add(r.name() + "\u0000" + r.lane())) {
                problems.add(sheet.problem(r.row(), "Lane", "sample '" + r.name() + "' has "
                        + (r.lane() == null ? "a row without lane" : "lane " + r.lane()) + " on an earlier row"));
            }
            for (String[] read : new String[][] {{r.read1(), "Read 1 file"}, {r.read2(), "Read 2 file"}}) {
                if (read[0] == null) continue;
                Integer earlier = fileRows.putIfAbsent(read[0], r.row());
                if (earlier != null) problems.add(sheet.problem(r.row(), read[1], "'" + read[0] + "' is already named on row " + earlier));
            }
        }

        // the projects: the caller must be able to add samples to them (all asked in one query)
        Map<Long, String> refused = samples.projectsRefused(h, caller,
                first.values().stream().map(SampleRow::project).filter(Objects::nonNull).distinct().toList());
        for (SampleRow r : first.values()) {
            if (r.project() != null && refused.containsKey(r.project())) problems.add(sheet.problem(r.row(), "Project", refused.get(r.project())));
        }

        // the caller's own samples of these names, which the rows update
        Map<String, List<Long>> existing = new HashMap<>();
        h.createQuery("SELECT id, name FROM samples WHERE owner_id = :caller AND name = ANY(:names) ORDER BY id")
                .bind("caller", caller.id()).bindArray("names", String.class, first.keySet())
                .map((rs, c) -> Map.entry(rs.getString("name"), rs.getLong("id")))
                .forEach(e -> existing.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        for (SampleRow r : first.values()) {
            List<Long> ids = existing.getOrDefault(r.name(), List.of());
            if (ids.size() > 1) {
                problems.add(sheet.problem(r.row(), "Sample name", "you have " + ids.size() + " samples called '" + r.name()
                        + "': rename all but one to update it from a sheet"));
            }
            // a sample the sheet creates has the values its type requires (one it updates keeps those it has)
            if (ids.isEmpty()) problems.addAll(sheet.missingValues(r));
        }

        // the reads: the caller's own ready files of these names
        Map<String, List<File>> files = new HashMap<>();
        h.createQuery("SELECT d.id, d.filename, d.data_type, f.sample_id, s.name AS sample_name, d.read_number, d.lane FROM data d "
                        + "LEFT JOIN filesets f ON f.id = d.fileset_id LEFT JOIN samples s ON s.id = f.sample_id "
                        + "WHERE d.owner_id = :caller AND d.status = 'ready' AND d.filename = ANY(:names) ORDER BY d.id")
                .bind("caller", caller.id()).bindArray("names", String.class, fileRows.keySet())
                .map((rs, c) -> new File(rs.getLong("id"), rs.getString("filename"), rs.getString("data_type"), (Long) rs.getObject("sample_id"),
                        rs.getString("sample_name"), (Integer) rs.getObject("read_number"), (Integer) rs.getObject("lane")))
                .forEach(f -> files.computeIfAbsent(f.filename(), k -> new ArrayList<>()).add(f));
        Map<Integer, File[]> reads = new HashMap<>();
        List<List<Problem>> fileProblems = new ArrayList<>();
        List<Held> held = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            SampleRow r = rows.get(i);
            List<Long> ids = existing.getOrDefault(r.name(), List.of());
            Long sampleId = ids.size() == 1 ? ids.get(0) : null;
            File[] pair = new File[2];
            List<Problem> mine = new ArrayList<>();
            for (int n = 1; n <= 2; n++) {
                String name = n == 1 ? r.read1() : r.read2();
                if (name == null) continue;
                String header = READ_HEADERS[n - 1];
                List<File> matches = files.getOrDefault(name, List.of());
                if (matches.isEmpty()) {
                    mine.add(sheet.problem(r.row(), header, "none of your uploaded files is called '" + name + "': upload it first"));
                } else if (matches.size() > 1) {
                    mine.add(sheet.problem(r.row(), header, matches.size() + " of your files are called '" + name + "'; rename all but one"));
                } else {
                    File f = matches.get(0);
                    if (!"FASTQ".equals(f.dataType())) {
                        mine.add(sheet.problem(r.row(), header, "'" + name + "' is " + f.dataType() + ", and reads are FASTQ"));
                    } else if (f.sampleId() != null && !f.sampleId().equals(sampleId)) {
                        mine.add(sheet.problem(r.row(), header, "'" + name + "' is already read " + f.readNumber() + " of sample '"
                                + f.sampleName() + "'"));
                    } else {
                        pair[n - 1] = f;
                        if (sampleId != null) held.add(new Held(i, n, sampleId, r.lane(), f.id()));
                    }
                }
            }
            reads.put(r.row(), pair);
            fileProblems.add(mine);
        }
        // a read of an existing sample that another of its files holds already: the reads of those samples, in one query
        Map<List<Object>, List<Long>> readsHeld = new HashMap<>();
        if (!held.isEmpty()) {
            h.createQuery("SELECT f.sample_id, d.read_number, COALESCE(d.lane, 0) AS lane, d.id FROM filesets f JOIN data d ON d.fileset_id = f.id "
                            + "WHERE f.sample_id = ANY(:samples) AND d.read_number IS NOT NULL ORDER BY d.id")
                    .bindArray("samples", Long.class, held.stream().map(Held::sample).distinct().toList())
                    .map((rs, c) -> Map.entry(List.<Object>of(rs.getLong(1), rs.getInt(2), rs.getInt(3)), rs.getLong(4)))
                    .forEach(e -> readsHeld.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        }
        Map<Integer, Long> others = new HashMap<>();
        for (int i = 0; i < held.size(); i++) {
            Held x = held.get(i);
            for (long other : readsHeld.getOrDefault(List.<Object>of(x.sample(), x.read(), x.lane() == null ? 0 : x.lane()), List.of())) {
                if (other == x.data()) continue;
                others.put(i, other);
                break;
            }
        }
        // the problems of each row in its order: its files, then the reads its sample holds already
        int next = 0;
        for (int i = 0; i < rows.size(); i++) {
            problems.addAll(fileProblems.get(i));
            for (; next < held.size() && held.get(next).rowIndex() == i; next++) {
                Long other = others.get(next);
                if (other == null) continue;
                SampleRow r = rows.get(i);
                int n = held.get(next).read();
                problems.add(sheet.problem(r.row(), READ_HEADERS[n - 1], "sample '" + r.name() + "' already has read " + n
                        + (r.lane() == null ? "" : " of lane " + r.lane()) + " (data " + other + "); delete that file first to replace it"));
            }
        }
        if (!problems.isEmpty() || !apply) {
            List<SampleResult> planned = new ArrayList<>();
            for (SampleRow r : first.values()) {
                List<Long> ids = existing.getOrDefault(r.name(), List.of());
                planned.add(new SampleResult(r.row(), r.name(), ids.size() == 1 ? ids.get(0) : null, ids.isEmpty()));
            }
            return new Result(true, planned, readResults(rows, reads));
        }

        // write: the samples (those to create in one batch, those to update in another), then every read into its
        // sample's fileset
        List<SampleFields> toCreate = new ArrayList<>();
        Map<Long, SampleFields> toEdit = new LinkedHashMap<>();
        for (SampleRow r : first.values()) {
            SampleFields fields = new SampleFields(r.name(), r.project(), r.organism(), r.sampleType(), r.source(), r.purificationTarget(),
                    r.condition(), r.replicateGroup(), r.metadata().isEmpty() ? null : r.metadata());
            List<Long> ids = existing.getOrDefault(r.name(), List.of());
            if (ids.isEmpty()) toCreate.add(fields);
            else toEdit.put(ids.get(0), fields);
        }
        Iterator<Long> created = samples.create(h, caller, toCreate).iterator();
        samples.edit(h, caller, toEdit);
        List<SampleResult> written = new ArrayList<>();
        Map<String, Long> sampleIds = new HashMap<>();
        for (SampleRow r : first.values()) {
            List<Long> ids = existing.getOrDefault(r.name(), List.of());
            long id = ids.isEmpty() ? created.next() : ids.get(0);
            sampleIds.put(r.name(), id);
            written.add(new SampleResult(r.row(), r.name(), id, ids.isEmpty()));
        }
        Set<Long> withReads = new LinkedHashSet<>();
        for (SampleRow r : rows) {
            File[] pair = reads.get(r.row());
            if (pair[0] != null || pair[1] != null) withReads.add(sampleIds.get(r.name()));
        }
        if (withReads.isEmpty()) return new Result(false, written, readResults(rows, reads));
        // each sample's first fileset, or a new one (its name is V30's rule, as are the names the reads give it)
        Map<Long, Long> filesets = new HashMap<>();
        h.createQuery("SELECT DISTINCT ON (sample_id) sample_id, id FROM filesets WHERE sample_id = ANY(:samples) ORDER BY sample_id, id")
                .bindArray("samples", Long.class, withReads)
                .map((rs, c) -> Map.entry(rs.getLong(1), rs.getLong(2))).forEach(e -> filesets.put(e.getKey(), e.getValue()));
        List<Long> without = withReads.stream().filter(id -> !filesets.containsKey(id)).toList();
        if (!without.isEmpty()) {
            h.createQuery("INSERT INTO filesets (sample_id) SELECT unnest(:samples) RETURNING sample_id, id")
                    .bindArray("samples", Long.class, without)
                    .map((rs, c) -> Map.entry(rs.getLong(1), rs.getLong(2))).forEach(e -> filesets.put(e.getKey(), e.getValue()));
        }
        // every read in one UPDATE (those already in place left alone); V30's trigger names the filesets the files
        // leave and join
        List<Long> dataIds = new ArrayList<>();
        List<Long> readSamples = new ArrayList<>();
        List<Long> readFilesets = new ArrayList<>();
        List<Integer> readNumbers = new ArrayList<>();
        List<Integer> lanes = new ArrayList<>();
        for (SampleRow r : rows) {
            File[] pair = reads.get(r.row());
            for (int n = 1; n <= 2; n++) {
                if (pair[n - 1] == null) continue;
                long sampleId = sampleIds.get(r.name());
                dataIds.add(pair[n - 1].id());
                readSamples.add(sampleId);
                readFilesets.add(filesets.get(sampleId));
                readNumbers.add(n);
                lanes.add(r.lane());
            }
        }
        h.createUpdate("UPDATE data d SET sample_id = x.sample, project_id = NULL, fileset_id = x.fileset, read_number = x.read, lane = x.lane "
                        + "FROM unnest(:ids, :samples, :filesets, :reads, :lanes) AS x(id, sample, fileset, read, lane) WHERE d.id = x.id "
                        + "AND (d.sample_id, d.project_id, d.fileset_id, d.read_number, d.lane) "
                        + "IS DISTINCT FROM (x.sample, NULL, x.fileset, x.read, x.lane)")
                .bindArray("ids", Long.class, dataIds).bindArray("samples", Long.class, readSamples)
                .bindArray("filesets", Long.class, readFilesets).bindArray("reads", Integer.class, readNumbers)
                .bindArray("lanes", Integer.class, lanes).execute();
        return new Result(false, written, readResults(rows, reads));
    }

    private static List<ReadResult> readResults(List<SampleRow> rows, Map<Integer, File[]> reads) {
        List<ReadResult> out = new ArrayList<>();
        for (SampleRow r : rows) {
            File[] pair = reads.get(r.row());
            for (int n = 1; n <= 2; n++) {
                if (pair != null && pair[n - 1] != null) out.add(new ReadResult(r.row(), pair[n - 1].filename(), pair[n - 1].id(), r.name(), n, r.lane()));
            }
        }
        return out;
    }

    private static boolean sameSample(SampleRow a, SampleRow b) {
        return Objects.equals(a.project(), b.project()) && Objects.equals(a.organism(), b.organism())
                && Objects.equals(a.sampleType(), b.sampleType()) && Objects.equals(a.source(), b.source())
                && Objects.equals(a.purificationTarget(), b.purificationTarget()) && Objects.equals(a.condition(), b.condition())
                && Objects.equals(a.replicateGroup(), b.replicateGroup()) && a.metadata().equals(b.metadata());
    }
}
