package bio.flow.executions;

import bio.flow.data.DataContents;
import bio.flow.data.DataContents.StoredFile;
import bio.flow.executions.RunInputs.Pair;
import bio.flow.executions.RunInputs.SampleInput;
import bio.flow.http.ApiException;
import bio.flow.http.Json;
import bio.flow.pipelines.Parameter;
import bio.flow.pipelines.RunnableVersion;
import bio.flow.storage.Storage;
import bio.flow.storage.StorageKey;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;

/**
 * Makes a claimed run's inputs ready in its run directory and answers the parameters Nextflow gets (the engine
 * writes them to {@code params.json}): the caller's parameters as checked at submission; each data parameter set to
 * its file, staged as {@code inputs/<parameter>/<filename>} (a symbolic link to the stored bytes, so that tools that
 * go by the name see it); the version's outdir parameter set to {@link RunDirectory#results()}; and its input
 * parameter, by input style:
 * <ul>
 *   <li>Both styles stage every read as a symbolic link {@code reads/<stem>_1.<ext>} (and {@code _2} for its mate),
 *       where the stem is the sample's file-system-safe name, or {@code <name>_L001}, {@code <name>_L002}, ... when
 *       the sample has several pairs (lanes), and {@code <ext>} follows the file's type and compression
 *       ({@code fastq.gz}); see {@link RunInputs} for how reads are paired and named.</li>
 *   <li>{@code samplesheet}: {@code samplesheet.csv} with {@code sample,fastq_1,fastq_2[,strandedness],condition,replicate},
 *       one row per pair (nf-core merges the rows of one sample), {@code fastq_2} empty for single-end reads,
 *       {@code strandedness} only when the version has that parameter (the run's value, else its default, else
 *       {@code auto}); the input parameter is the samplesheet's path.</li>
 *   <li>{@code reads_glob}: the input parameter is {@code <run>/reads/*_{1,2}.<ext>}. A pipeline reads it with
 *       {@code Channel.fromFilePairs(params.reads)}, which names each pair by its stem: a sample with several lanes
 *       arrives as one pair per lane ({@code <name>_L001}, ...). Single-end reads are staged as {@code <stem>_1.<ext>}
 *       only, which {@code fromFilePairs} emits only with {@code size: -1} (or {@code size: 1}).</li>
 * </ul>
 * {@code samples.json} maps each name the pipeline saw to its sample's id, so that {@link Outputs} can trace
 * outputs back. Preparing again (a resumed run) stages the same files again.
 *
 * <p>Fails with {@link PreparationException}, whose message is for the user (the engine fails the run with it),
 * when a sample of the run has no reads left, or when an input's bytes cannot be served
 * ({@link DataContents#servable}: not ready, marked missing or corrupt, or not the size recorded). Inputs are linked to
 * their stored bytes where the storage has them on this machine ({@link Storage#localPath}), else downloaded into the
 * run directory first ({@code staged/}, S3). Whether the pipeline's directory is still there the engine checks before
 * it prepares ({@link Workers}).
 */
public final class RunPreparation {
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");

    private final DataContents contents;
    private final Storage storage;

    public RunPreparation(DataContents contents, Storage storage) {
        this.contents = contents;
        this.storage = storage;
    }

    /** A run that cannot start; the message says why, in words for its user. */
    public static final class PreparationException extends RuntimeException {
        PreparationException(String message) {
            super(message, null, false, false);
        }
    }

    public Map<String, Object> prepare(Handle h, long executionId, RunnableVersion v, RunDirectory dir) {
        record Run(String params, String dataParams) {}
        Run run = h.createQuery("SELECT params::text, data_params::text FROM executions WHERE id = :id").bind("id", executionId)
                .map((rs, ctx) -> new Run(rs.getString(1), rs.getString(2))).one();
        Map<String, Object> params = new LinkedHashMap<>(read(run.params(), new TypeReference<Map<String, Object>>() {}));
        Map<String, Long> dataParams = read(run.dataParams(), new TypeReference<Map<String, Long>>() {});
        List<SampleInput> inputs = inputs(h, executionId);
        try {
            PrivateFolder.recreate(dir.reads());
            PrivateFolder.recreate(dir.inputs());
            Files.createDirectories(dir.results());
            for (Map.Entry<String, Long> e : dataParams.entrySet()) {
                StoredFile f = h.createQuery("SELECT " + DataContents.COLUMNS + " FROM data d WHERE d.id = :id").bind("id", e.getValue())
                        .map((rs, ctx) -> DataContents.row(rs)).findOne()
                        .orElseThrow(() -> new PreparationException("data " + e.getValue() + " (data_params." + e.getKey() + ") was deleted"));
                Path folder = Files.createDirectories(dir.inputs().resolve(safe(e.getKey())));
                params.put(e.getKey(), link(folder.resolve(f.filename()), f, "data_params." + e.getKey(), dir).toString());
            }
            Map<String, Long> names = new LinkedHashMap<>();
            StringBuilder sheet = new StringBuilder();
            boolean strandedness = v.parameters().stream().anyMatch(p -> p.name().equals("strandedness"));
            sheet.append("sample,fastq_1,fastq_2").append(strandedness ? ",strandedness" : "").append(",condition,replicate\n");
            String strand = strandedness ? strandedness(v, params) : null;
            String extension = null;
            for (SampleInput s : inputs) {
                names.put(s.safeName(), s.sampleId());
                List<String> stems = RunInputs.stems(s.safeName(), s.pairs().size());
                for (int i = 0; i < s.pairs().size(); i++) {
                    Pair p = s.pairs().get(i);
                    String what = "sample " + s.name() + " (" + s.sampleId() + ")";
                    Path r1 = link(dir.reads().resolve(stems.get(i) + "_1." + RunInputs.extension(p.r1().file())), p.r1().file(), what, dir);
                    Path r2 = p.r2() == null ? null
                            : link(dir.reads().resolve(stems.get(i) + "_2." + RunInputs.extension(p.r2().file())), p.r2().file(), what, dir);
                    if (extension == null) extension = RunInputs.extension(p.r1().file());
                    sheet.append(csv(s.safeName())).append(',').append(csv(r1.toString())).append(',').append(r2 == null ? "" : csv(r2.toString()))
                            .append(strandedness ? "," + csv(strand) : "").append(',').append(csv(s.condition())).append(',')
                            .append(csv(s.replicate())).append('\n');
                }
            }
            Files.writeString(dir.samples(), Json.MAPPER.writeValueAsString(names));
            if (v.inputStyle().equals("samplesheet")) {
                Files.writeString(dir.samplesheet(), sheet);
                params.put(v.inputParam(), dir.samplesheet().toString());
            } else {
                params.put(v.inputParam(), dir.reads() + "/*_{1,2}." + (extension == null ? "fastq.gz" : extension));
            }
            params.put(v.outdirParam(), dir.results().toString());
            return params;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the run directory " + dir.root(), e);
        }
    }

    /**
     * The run's samples and the reads recorded for them at submission; each sample and fileset still in the run has
     * some. A run left with none (a sample deleted takes its place in the run with it) is prepared without inputs:
     * its samplesheet has only its header, and the pipeline decides what that means.
     */
    private static List<SampleInput> inputs(Handle h, long executionId) {
        List<SampleInput> inputs;
        try {
            inputs = RunInputs.of(h, "d.id IN (SELECT data_id FROM execution_data WHERE execution_id = :e) AND (d.sample_id IN "
                            + "(SELECT sample_id FROM execution_samples WHERE execution_id = :e) OR d.fileset_id IN "
                            + "(SELECT fileset_id FROM execution_filesets WHERE execution_id = :e))",
                    q -> q.bind("e", executionId));
        } catch (RunInputs.Unpairable e) {
            throw new PreparationException(e.getMessage());
        }
        Set<Long> withReads = new HashSet<>();
        inputs.forEach(s -> withReads.add(s.sampleId()));
        List<String> bare = h.createQuery("SELECT s.id, s.name FROM samples s WHERE s.id IN (SELECT sample_id FROM execution_samples "
                        + "WHERE execution_id = :e UNION SELECT f.sample_id FROM execution_filesets x JOIN filesets f ON f.id = x.fileset_id "
                        + "WHERE x.execution_id = :e) ORDER BY s.id")
                .bind("e", executionId)
                .map((rs, ctx) -> withReads.contains(rs.getLong(1)) ? null : "sample " + rs.getString(2) + " (" + rs.getLong(1) + ")")
                .list().stream().filter(java.util.Objects::nonNull).toList();
        if (!bare.isEmpty()) throw new PreparationException(String.join(", ", bare) + ": the reads this run was given were deleted");
        return inputs;
    }

    /**
     * A symbolic link at {@code at} to the file's stored bytes, which must be servable: their path on this machine, or,
     * from a storage that keeps no local files (S3), a copy downloaded into the run directory ({@link #staged}).
     */
    private Path link(Path at, StoredFile f, String what, RunDirectory dir) throws IOException {
        try {
            contents.servable(f);
        } catch (ApiException e) {
            throw new PreparationException(what + ": " + e.getMessage());
        }
        StorageKey key = StorageKey.of("data", f.id());
        java.util.Optional<Path> local = storage.localPath(key);
        Path target = local.isPresent() ? local.get() : staged(key, f, what, dir);
        Files.deleteIfExists(at);
        return Files.createSymbolicLink(at, target);
    }

    /**
     * The file's bytes downloaded to {@code staged/<data id>} in the run directory (removed with it), once per run: a
     * run prepared again (resumed) finds them there. Written under a temporary name and renamed, so that a copy cut
     * off by a crash is never taken for a whole one.
     */
    private Path staged(StorageKey key, StoredFile f, String what, RunDirectory dir) throws IOException {
        Path copy = Files.createDirectories(dir.staged()).resolve(Long.toString(f.id()));
        if (Files.isRegularFile(copy) && Files.size(copy) == f.size()) return copy;
        Path partial = dir.staged().resolve(f.id() + ".partial");
        try (InputStream in = storage.read(key)) {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException e) {
            throw new PreparationException(what + ": the bytes of data " + f.id() + " are missing from storage");
        }
        if (Files.size(partial) != f.size()) {
            Files.delete(partial);
            throw new PreparationException(what + ": data " + f.id() + " holds " + f.size() + " bytes, but storage gave another size");
        }
        return Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String strandedness(RunnableVersion v, Map<String, Object> params) {
        Object given = params.get("strandedness");
        if (given != null) return given.toString();
        return v.parameters().stream().filter(p -> p.name().equals("strandedness")).map(Parameter::defaultValue)
                .filter(java.util.Objects::nonNull).map(Object::toString).findFirst().orElse("auto");
    }

    /** A parameter's name as a folder name. */
    private static String safe(String name) {
        String s = UNSAFE.matcher(name).replaceAll("_");
        return s.startsWith(".") ? "_" + s.substring(1) : s;
    }

    /** A CSV field, quoted when it holds a comma, a quote or a line break. */
    private static String csv(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) return value;
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalStateException("executions holds JSON objects", e);
        }
    }

    /** Staging folders, emptied when a run is prepared again. */
    private static final class PrivateFolder {
        static void recreate(Path folder) throws IOException {
            if (Files.exists(folder)) {
                try (Stream<Path> paths = Files.walk(folder)) { // symbolic links are removed, never followed
                    for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) Files.delete(p);
                }
            }
            Files.createDirectories(folder);
        }
    }
}
