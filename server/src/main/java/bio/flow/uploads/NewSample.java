package bio.flow.uploads;

import bio.flow.http.ApiException;
import bio.flow.samples.Samples;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The sample that a {@code POST /upload/sample} of the offset protocol (the official Python client's) creates: its
 * fields, sent again with every piece of every one of its read files, the reads uploaded before this file
 * ({@code previous_data}, in order: read 1, then read 2), and whether this file is the sample's last
 * ({@code is_last_sample}). When the last piece of the last file arrives, the sample is created with its reads in a
 * fileset in the transaction that makes that file a data record: all of it, or nothing.
 */
public record NewSample(Samples.SampleFields fields, List<Long> previousData, boolean lastFile) {
    /** The fields of the protocol and of the sample itself; any other text field is the sample's free-form metadata. */
    static final Set<String> FIELDS = Set.of("is_last_sample", "previous_data", "sample_name", "sample_type", "project", "organism",
            "source", "purification_target", "condition", "replicate_group");
    /** A sample has one or two read files (single-end or paired-end). */
    static final int MAX_FILES = 2;

    /**
     * Reads the sample's fields from the request's text fields ({@code fields}: the last value of each name;
     * {@code previousData}: every value of {@code previous_data}; {@code metadata}: the fields no protocol knows).
     */
    static NewSample of(Map<String, String> fields, List<String> previousData, Map<String, String> metadata) {
        String name = blankToNull(fields.get("sample_name"));
        if (name == null) throw ApiException.invalid("sample_name", "is required: the name of the sample the reads make");
        String last = blankToNull(fields.get("is_last_sample"));
        if (last == null) throw ApiException.invalid("is_last_sample", "is required: true with the sample's last file, else false");
        if (!last.equals("true") && !last.equals("false")) throw ApiException.invalid("is_last_sample", "must be true or false, not '" + last + "'");
        List<Long> previous = new ArrayList<>();
        for (String p : previousData) {
            Long id = positive("previous_data", p);
            if (previous.contains(id)) throw ApiException.invalid("previous_data", "names file " + id + " twice");
            previous.add(id);
        }
        if (previous.size() + 1 > MAX_FILES) {
            throw ApiException.invalid("previous_data", "a sample has one or two read files (read 1, then read 2), not " + (previous.size() + 1));
        }
        String project = blankToNull(fields.get("project"));
        Map<String, String> kept = new LinkedHashMap<>(metadata);
        Samples.SampleFields sample = new Samples.SampleFields(name, project == null ? null : positive("project", project),
                blankToNull(fields.get("organism")), blankToNull(fields.get("sample_type")), blankToNull(fields.get("source")),
                blankToNull(fields.get("purification_target")), blankToNull(fields.get("condition")),
                blankToNull(fields.get("replicate_group")), kept.isEmpty() ? null : kept);
        return new NewSample(sample, List.copyOf(previous), last.equals("true"));
    }

    /**
     * Checks, before any byte of a file is stored, what can be checked then: the sample's fields (the rules of
     * {@code POST /samples/new}, by creating the sample in a savepoint that is rolled back) and that the earlier files
     * are the caller's reads, in no sample.
     */
    void check(Handle h, bio.flow.http.Caller caller, Samples samples) {
        String savepoint = "new_sample_check";
        h.savepoint(savepoint);
        try {
            samples.create(h, caller, List.of(fields));
            lockReads(h, caller, previousData);
        } finally {
            h.rollbackToSavepoint(savepoint); // JDBI forgets the savepoint with it
        }
    }

    /**
     * Creates the sample with its reads, {@code previousData} then {@code lastData}, numbered 1 and 2 in that order,
     * in one new fileset. Runs in the transaction that inserts {@code lastData}. Returns the sample's id.
     */
    long create(Handle h, bio.flow.http.Caller caller, Samples samples, long lastData) {
        List<Long> reads = new ArrayList<>(previousData);
        reads.add(lastData);
        lockReads(h, caller, reads);
        long sampleId = samples.create(h, caller, List.of(fields)).get(0);
        // named by the database (fileset_name, V30) once its files are in
        long fileset = h.createQuery("INSERT INTO filesets (sample_id) VALUES (:sample) RETURNING id").bind("sample", sampleId)
                .mapTo(Long.class).one();
        for (int i = 0; i < reads.size(); i++) {
            h.createUpdate("UPDATE data SET sample_id = :sample, project_id = NULL, fileset_id = :fileset, read_number = :read WHERE id = :id")
                    .bind("sample", sampleId).bind("fileset", fileset).bind("read", i + 1).bind("id", reads.get(i)).execute();
        }
        return sampleId;
    }

    /**
     * Locks the files, each of which must be a FASTQ file the caller uploaded that is ready and in no sample; any other
     * (someone else's included: what a caller may not read is as unknown as what does not exist) is a 400.
     */
    private static void lockReads(Handle h, bio.flow.http.Caller caller, List<Long> ids) {
        for (long id : ids) {
            boolean usable = h.createQuery("SELECT id FROM data WHERE id = :id AND owner_id = :owner AND status = 'ready' "
                            + "AND sample_id IS NULL AND fileset_id IS NULL AND execution_id IS NULL AND data_type = 'FASTQ' FOR UPDATE")
                    .bind("id", id).bind("owner", caller.id()).mapTo(Long.class).findOne().isPresent();
            if (!usable) {
                throw ApiException.invalid("previous_data", "there is no read file " + id + " of yours that is in no sample yet: name the "
                        + "data_id of a FASTQ file you uploaded for this sample");
            }
        }
    }

    private static Long positive(String field, String value) {
        try {
            long id = Long.parseLong(value.strip());
            if (id > 0) return id;
        } catch (NumberFormatException e) {
            // falls through
        }
        throw ApiException.invalid(field, "must be a positive whole number, not '" + value + "'");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
