package bio.flow.annotation;

import bio.flow.access.AccessPolicy;
import bio.flow.access.Level;
import bio.flow.access.Resource;
import bio.flow.annotation.DataSheet.DataRow;
import bio.flow.annotation.TemplateSheet.Problem;
import bio.flow.http.Caller;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The database's part of importing a data sheet, on the caller's handle: checks what each row names and, when
 * nothing is wrong and it is not a dry run, sets the data types and samples of the files in one statement, in the
 * caller's one transaction.
 *
 * <p>A row names a data file by its name among the ready files the caller may edit, of those that are theirs or
 * shared with them (an admin's sheet too: not every file of the site): exactly one must match. Its data type is
 * set. Its sample, when the cell is not empty, must be one the caller may edit: by id ("name (#id)" or the id), or
 * by name among the samples that are the caller's or shared with them, exactly one of which the caller may edit;
 * the file moves into it (out of a project it was attached to). An empty sample cell leaves the file where it is:
 * a sheet that only sets data types moves nothing, and a sheet never takes a file out of its sample. A read of a
 * sample (a file in its fileset, with a read number) stays its read only while it stays in that sample; moved, it
 * is a plain file of its new sample. A file or sample the caller cannot see is answered as one that does not exist;
 * one readable but not editable says so. The rows checked are locked until the transaction ends, so what was
 * checked is what is written.
 */
final class DataImport {
    record SampleRef(long id, String name) {}

    /**
     * A row's file as it is (or would be) after the import: its type, sample, read number (kept or null), and what
     * changes: {@code data_type}, {@code sample}, {@code read} (it stops being a read of its former sample).
     */
    record DataResult(int row, long data_id, String filename, String data_type, SampleRef sample, Integer read_number, List<String> changes) {}

    record Result(boolean dry_run, List<DataResult> data) {}

    private record File(long id, String dataType, Long sampleId, String sampleName, Integer readNumber) {}

    private DataImport() {}

    /** Checks the rows (adding to {@code problems}) and, when there are none and {@code apply}, writes them. */
    static Result run(Handle h, Caller caller, AccessPolicy policy, DataSheet sheet, boolean apply, List<Problem> problems) {
        List<DataRow> rows = sheet.rows();
        Map<String, Integer> fileRows = new HashMap<>();
        Set<Long> sampleIds = new HashSet<>();
        Set<String> sampleNames = new HashSet<>();
        for (DataRow r : rows) {
            Integer earlier = fileRows.putIfAbsent(r.filename(), r.row());
            if (earlier != null) problems.add(sheet.problem(r.row(), "File name", "'" + r.filename() + "' is already named on row " + earlier));
            if (r.sampleId() != null) sampleIds.add(r.sampleId());
            if (r.sampleName() != null) sampleNames.add(r.sampleName());
        }

        // the files of these names that are the caller's or shared with them, and the caller's level on each
        Map<String, List<File>> files = new HashMap<>();
        Map<Long, File> byId = new HashMap<>();
        h.createQuery("SELECT d.id, d.filename, d.data_type, d.sample_id, s.name AS sample_name, d.read_number FROM data d "
                        + "LEFT JOIN samples s ON s.id = d.sample_id WHERE d.status = 'ready' AND d.filename = ANY(:names) "
                        + "AND (d.owner_id = :caller OR d.id IN (SELECT k.id FROM (" + AccessPolicy.SHARED_DATA_KEYS + ") k)) ORDER BY d.id")
                .bind("caller", caller.id()).bindArray("names", String.class, fileRows.keySet())
                .map((rs, c) -> Map.entry(rs.getString("filename"), new File(rs.getLong("id"), rs.getString("data_type"),
                        (Long) rs.getObject("sample_id"), rs.getString("sample_name"), (Integer) rs.getObject("read_number"))))
                .forEach(e -> {
                    files.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
                    byId.put(e.getValue().id(), e.getValue());
                });
        Map<Long, Integer> fileLevels = policy.levelsLocked(h, Resource.DATA, byId.keySet(), caller);

        // the samples named by id, and those named by name among the caller's and those shared with them
        Map<Long, Integer> idLevels = policy.levelsLocked(h, Resource.SAMPLE, sampleIds, caller);
        Map<Long, String> sampleNamesById = new HashMap<>();
        h.createQuery("SELECT id, name FROM samples WHERE id = ANY(:ids)").bindArray("ids", Long.class, sampleIds)
                .map((rs, c) -> new SampleRef(rs.getLong("id"), rs.getString("name"))).forEach(s -> sampleNamesById.put(s.id(), s.name()));
        Map<String, List<Long>> named = new HashMap<>();
        h.createQuery("SELECT s.id, s.name FROM samples s WHERE s.name = ANY(:names) "
                        + "AND (s.owner_id = :caller OR s.id IN (SELECT k.id FROM (" + AccessPolicy.SHARED_SAMPLE_KEYS + ") k)) ORDER BY s.id")
                .bind("caller", caller.id()).bindArray("names", String.class, sampleNames)
                .map((rs, c) -> new SampleRef(rs.getLong("id"), rs.getString("name")))
                .forEach(s -> named.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(s.id()));
        Set<Long> byName = new HashSet<>();
        named.values().forEach(byName::addAll);
        Map<Long, Integer> nameLevels = policy.levelsLocked(h, Resource.SAMPLE, byName, caller);

        List<DataResult> results = new ArrayList<>();
        Map<Long, DataResult> writes = new HashMap<>();
        for (DataRow r : rows) {
            File f = file(sheet, r, files.getOrDefault(r.filename(), List.of()), fileLevels, problems);
            SampleRef target = sample(sheet, r, idLevels, nameLevels, named, sampleNamesById, problems);
            if (f == null || r.dataType() == null) continue;
            if (r.sampleId() == null && r.sampleName() == null) target = f.sampleId() == null ? null : new SampleRef(f.sampleId(), f.sampleName());
            else if (target == null) continue;
            Long targetId = target == null ? null : target.id();
            boolean keepsRead = f.readNumber() != null && Objects.equals(targetId, f.sampleId());
            if (keepsRead && !"FASTQ".equals(r.dataType())) {
                problems.add(sheet.problem(r.row(), "Data type", "'" + r.filename() + "' is read " + f.readNumber() + " of sample '"
                        + f.sampleName() + "', and reads are FASTQ"));
                continue;
            }
            List<String> changes = new ArrayList<>();
            if (!r.dataType().equals(f.dataType())) changes.add("data_type");
            if (!Objects.equals(targetId, f.sampleId())) changes.add("sample");
            if (f.readNumber() != null && !keepsRead) changes.add("read");
            DataResult result = new DataResult(r.row(), f.id(), r.filename(), r.dataType(), target, keepsRead ? f.readNumber() : null, changes);
            results.add(result);
            if (!changes.isEmpty()) writes.put(f.id(), result);
        }
        if (!problems.isEmpty() || !apply) return new Result(true, results);

        if (!writes.isEmpty()) {
            List<Long> ids = new ArrayList<>(writes.keySet());
            h.createUpdate("UPDATE data d SET data_type = v.type, sample_id = v.sample, "
                            // in a sample now, not attached to a project; a file that keeps its sample keeps its place
                            + "project_id = CASE WHEN v.sample IS NOT DISTINCT FROM d.sample_id THEN d.project_id END, "
                            + "fileset_id = CASE WHEN v.keep THEN d.fileset_id END, read_number = CASE WHEN v.keep THEN d.read_number END, "
                            + "lane = CASE WHEN v.keep THEN d.lane END "
                            + "FROM unnest(:ids, :types, :samples, :keeps) AS v(id, type, sample, keep) WHERE d.id = v.id")
                    .bindArray("ids", Long.class, ids)
                    .bindArray("types", String.class, ids.stream().map(id -> writes.get(id).data_type()).toList())
                    .bindArray("samples", Long.class, ids.stream().map(id -> writes.get(id).sample() == null ? null : writes.get(id).sample().id()).toList())
                    .bindArray("keeps", Boolean.class, ids.stream().map(id -> !writes.get(id).changes().contains("read")).toList())
                    .execute();
        }
        return new Result(false, results);
    }

    /** The one file the row names that the caller may edit; null, with a problem, otherwise. */
    private static File file(DataSheet sheet, DataRow r, List<File> matches, Map<Long, Integer> levels, List<Problem> problems) {
        List<File> editable = matches.stream().filter(f -> levels.getOrDefault(f.id(), Level.NONE) >= Level.EDIT).toList();
        if (editable.size() == 1) return editable.get(0);
        String name = r.filename();
        if (editable.size() > 1) {
            problems.add(sheet.problem(r.row(), "File name", editable.size() + " files you may change are called '" + name + "'; rename all but one"));
        } else if (!matches.isEmpty()) {
            problems.add(sheet.problem(r.row(), "File name", "'" + name + "' is shared with you to read only: you may not change it"));
        } else {
            problems.add(sheet.problem(r.row(), "File name", "none of your files (nor of those shared with you) is called '" + name + "'"));
        }
        return null;
    }

    /** The sample the row names when the caller may add files to it; null when it names none, or with a problem. */
    private static SampleRef sample(DataSheet sheet, DataRow r, Map<Long, Integer> idLevels, Map<Long, Integer> nameLevels,
                                    Map<String, List<Long>> named, Map<Long, String> names, List<Problem> problems) {
        if (r.sampleId() != null) {
            int level = idLevels.getOrDefault(r.sampleId(), Level.NONE);
            if (level >= Level.EDIT) return new SampleRef(r.sampleId(), names.get(r.sampleId()));
            problems.add(sheet.problem(r.row(), "Sample", level < Level.READ ? "no sample " + r.sampleId() + " that you can see"
                    : "you may not add files to sample " + r.sampleId()));
            return null;
        }
        if (r.sampleName() == null) return null;
        List<Long> candidates = named.getOrDefault(r.sampleName(), List.of());
        List<Long> editable = candidates.stream().filter(id -> nameLevels.getOrDefault(id, Level.NONE) >= Level.EDIT).toList();
        if (editable.size() == 1) return new SampleRef(editable.get(0), r.sampleName());
        String name = r.sampleName();
        if (editable.size() > 1) {
            problems.add(sheet.problem(r.row(), "Sample", editable.size() + " samples you may change are called '" + name
                    + "': name one as name (#id), or by its id"));
        } else if (!candidates.isEmpty()) {
            problems.add(sheet.problem(r.row(), "Sample", "you may not add files to sample '" + name + "'"));
        } else {
            problems.add(sheet.problem(r.row(), "Sample", "none of your samples (nor of those shared with you) is called '" + name + "'"));
        }
        return null;
    }
}
