package bio.flow.annotation;

import bio.flow.access.AccessPolicy;
import bio.flow.access.Level;
import bio.flow.access.Resource;
import bio.flow.annotation.SampleSheet.Problem;
import bio.flow.annotation.SampleSheet.SampleRow;
import bio.flow.http.Caller;
import bio.flow.samples.Samples;
import bio.flow.samples.Samples.SampleFields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 */
final class SampleImport {
    record SampleResult(int row, String name, Long id, boolean created) {}

    record ReadResult(int row, String filename, long data_id, String sample, int read_number, Integer lane) {}

    record Result(boolean dry_run, List<SampleResult> samples, List<ReadResult> reads) {}

    /** A data record that may become a read. */
    private record File(long id, String filename, String dataType, Long sampleId, String sampleName, Integer readNumber, Integer lane) {}

    private SampleImport() {}

    /** Checks the rows (adding to {@code problems}) and, when there are none and {@code apply}, writes them. */
    static Result run(Handle h, Caller caller, Samples samples, AccessPolicy policy, SampleSheet sheet, boolean apply, List<Problem> problems) {
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

        // the projects: the caller must be able to add samples to them (each asked once, however many rows name it)
        Map<Long, Integer> levels = new HashMap<>();
        for (SampleRow r : first.values()) {
            if (r.project() == null) continue;
            int level = levels.computeIfAbsent(r.project(), p -> policy.level(h, Resource.PROJECT, p, Optional.of(caller)).orElse(Level.NONE));
            if (level < Level.EDIT) {
                problems.add(sheet.problem(r.row(), "Project", level < Level.READ ? "no project " + r.project() + " that you can see"
                        : "you may not add samples to project " + r.project()));
            }
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
        for (SampleRow r : rows) {
            List<Long> ids = existing.getOrDefault(r.name(), List.of());
            Long sampleId = ids.size() == 1 ? ids.get(0) : null;
            File[] pair = new File[2];
            for (int n = 1; n <= 2; n++) {
                String name = n == 1 ? r.read1() : r.read2();
                String header = n == 1 ? "Read 1 file" : "Read 2 file";
                if (name == null) continue;
                List<File> matches = files.getOrDefault(name, List.of());
                if (matches.isEmpty()) {
                    problems.add(sheet.problem(r.row(), header, "none of your uploaded files is called '" + name + "': upload it first"));
                } else if (matches.size() > 1) {
                    problems.add(sheet.problem(r.row(), header, matches.size() + " of your files are called '" + name + "'; rename all but one"));
                } else {
                    File f = matches.get(0);
                    if (!"FASTQ".equals(f.dataType())) {
                        problems.add(sheet.problem(r.row(), header, "'" + name + "' is " + f.dataType() + ", and reads are FASTQ"));
                    } else if (f.sampleId() != null && !f.sampleId().equals(sampleId)) {
                        problems.add(sheet.problem(r.row(), header, "'" + name + "' is already read " + f.readNumber() + " of sample '"
                                + f.sampleName() + "'"));
                    } else {
                        pair[n - 1] = f;
                    }
                }
            }
            reads.put(r.row(), pair);
            // a read of an existing sample that another of its files holds already
            if (sampleId != null) {
                for (int n = 1; n <= 2; n++) {
                    File mine = pair[n - 1];
                    if (mine == null) continue;
                    Long other = h.createQuery("SELECT d.id FROM data d JOIN filesets f ON f.id = d.fileset_id WHERE f.sample_id = :sample "
                                    + "AND d.read_number = :read AND COALESCE(d.lane, 0) = COALESCE(CAST(:lane AS INTEGER), 0) AND d.id <> :id")
                            .bind("sample", sampleId).bind("read", n).bind("lane", r.lane()).bind("id", mine.id())
                            .mapTo(Long.class).findOne().orElse(null);
                    if (other != null) {
                        problems.add(sheet.problem(r.row(), n == 1 ? "Read 1 file" : "Read 2 file", "sample '" + r.name() + "' already has read " + n
                                + (r.lane() == null ? "" : " of lane " + r.lane()) + " (data " + other + "); delete that file first to replace it"));
                    }
                }
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

        // write: the samples, then each row's reads into its sample's fileset
        List<SampleResult> written = new ArrayList<>();
        Map<String, Long> sampleIds = new HashMap<>();
        for (SampleRow r : first.values()) {
            SampleFields fields = new SampleFields(r.name(), r.project(), r.organism(), r.sampleType(), r.source(), r.purificationTarget(),
                    r.condition(), r.replicateGroup(), null);
            List<Long> ids = existing.getOrDefault(r.name(), List.of());
            long id = ids.isEmpty() ? samples.create(h, caller, fields) : samples.edit(h, caller, ids.get(0), fields).id();
            sampleIds.put(r.name(), id);
            written.add(new SampleResult(r.row(), r.name(), id, ids.isEmpty()));
        }
        Set<Long> filesets = new HashSet<>();
        for (SampleRow r : rows) {
            File[] pair = reads.get(r.row());
            if (pair[0] == null && pair[1] == null) continue;
            long sampleId = sampleIds.get(r.name());
            long fileset = h.createQuery("SELECT id FROM filesets WHERE sample_id = :sample ORDER BY id LIMIT 1").bind("sample", sampleId)
                    .mapTo(Long.class).findOne()
                    .orElseGet(() -> h.createQuery("INSERT INTO filesets (name, sample_id) VALUES ('Single-end reads', :sample) RETURNING id")
                            .bind("sample", sampleId).mapTo(Long.class).one());
            filesets.add(fileset);
            for (int n = 1; n <= 2; n++) {
                if (pair[n - 1] == null) continue;
                h.createUpdate("UPDATE data SET sample_id = :sample, project_id = NULL, fileset_id = :fileset, read_number = :read, lane = :lane "
                                + "WHERE id = :id")
                        .bind("sample", sampleId).bind("fileset", fileset).bind("read", n).bind("lane", r.lane()).bind("id", pair[n - 1].id())
                        .execute();
            }
        }
        // The name V10's triggers give a fileset as files are added or removed (they do not fire on an update).
        if (!filesets.isEmpty()) {
            h.createUpdate("UPDATE filesets f SET name = CASE WHEN (SELECT count(DISTINCT read_number) FROM data WHERE fileset_id = f.id) = 2 "
                            + "THEN 'Paired-end reads' ELSE 'Single-end reads' END WHERE f.id = ANY(:ids)")
                    .bindArray("ids", Long.class, filesets).execute();
        }
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
                && Objects.equals(a.replicateGroup(), b.replicateGroup());
    }
}
