package bio.flow.executions;

import bio.flow.http.ApiException;
import bio.flow.http.Json;
import bio.flow.storage.Storage;
import bio.flow.storage.StorageKey;
import bio.flow.uploads.Compression;
import bio.flow.uploads.DataDetection;
import bio.flow.uploads.FileNames;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a finished run published into data records ({@link #collect}).
 *
 * <p>Every regular file under {@link RunDirectory#results()} becomes one record, owned by the execution's owner,
 * linked to the execution ({@code execution_id}), to the process that published it ({@code execution_process}, from
 * the engine's map of published files; null when unknown) and to the input sample it came from
 * ({@code source_sample_id}) when one of its path's parts starts with the name the pipeline knew that sample by
 * ({@code samples.json}, see {@link RunPreparation}) followed by the end or a character other than a letter or
 * digit ({@code S1.qc.tsv}, {@code S1_1_fastp.html}, {@code salmon/S1/quant.sf}; not {@code S10.qc.tsv}); the
 * longest name wins. Its type and compression are detected from its name and content as for uploads
 * ({@link DataDetection}; when the content contradicts the name, the content alone decides). It is in no sample or
 * project: whoever may read the execution reads it.
 *
 * <p>Names: the path under results/ with each {@code /} made {@code _} ({@code multiqc/multiqc_report.html} is
 * {@code multiqc_multiqc_report.html}), since a data filename holds no separator ({@link FileNames}); its basename
 * when that is too long; {@code output_<n>} (the file's place among the run's outputs) when that is too long or
 * blank too. Characters no filename may hold (control and format characters, {@code \}, broken Unicode) are made
 * {@code _}: a run never fails for the name of one of its files. The path itself is kept in {@code data.execution_path}, which makes collecting idempotent:
 * a file already recorded for the execution is skipped, so collecting again after a crash adds only what is missing.
 *
 * <p>Symbolic links (Nextflow's default {@code publishDir} mode) are followed, to files and folders, as long as
 * what they point to is inside the run directory (a task's work folder); links leading out of it, to a stored input
 * say, are not outputs and are skipped. Bytes are stored with {@link Storage#store}: a hard link on local storage
 * (no copy; the file stays in results/ until the run directory is removed), else a copy. The records are inserted
 * in the caller's transaction (the engine records all of a run's outputs and its end in one; a handle outside a
 * transaction gives each record one of its own); the bytes stored for records that are rolled back are removed
 * after the rollback, and a crash in between leaves at most bytes no record names, which the orphan sweep removes.
 */
public final class Outputs {
    private static final Logger log = LoggerFactory.getLogger(Outputs.class);

    private final Storage storage;

    public Outputs(Storage storage) {
        this.storage = storage;
    }

    /**
     * Records the run's published files not recorded yet, and answers the ids of the new records.
     *
     * @param processOfPublishedFile the process that published each file or folder, by its path under results/
     *                               (absolute, as Nextflow reports it); a file inside a published folder takes the
     *                               folder's process
     */
    public List<Long> collect(Handle h, long executionId, RunDirectory dir, Map<Path, String> processOfPublishedFile) {
        long owner = h.createQuery("SELECT owner_id FROM executions WHERE id = :id").bind("id", executionId).mapTo(Long.class).one();
        Set<String> recorded = new HashSet<>(h.createQuery("SELECT execution_path FROM data WHERE execution_id = :id AND execution_path IS NOT NULL")
                .bind("id", executionId).mapTo(String.class).list());
        Map<String, Long> samples = samples(dir);
        Map<Path, String> processes = new HashMap<>();
        processOfPublishedFile.forEach((path, process) -> processes.put(path.toAbsolutePath().normalize(), process));
        List<Long> created = new ArrayList<>();
        try {
            if (!Files.isDirectory(dir.results())) return created;
            Path results = dir.results().toAbsolutePath().normalize();
            List<Path> files = files(results, dir.root().toRealPath());
            for (int n = 0; n < files.size(); n++) {
                Path file = files.get(n);
                String relative = results.relativize(file).toString();
                if (recorded.contains(relative)) continue;
                Long id = record(h, executionId, owner, file, relative, filename(relative, n + 1), process(processes, results, file),
                        sourceSample(samples, relative));
                if (id != null) created.add(id);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot collect the outputs of execution " + executionId, e);
        }
        return created;
    }

    /** The regular files under results/, following links that stay inside the run directory, in path order. */
    private static List<Path> files(Path results, Path runRoot) throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(results, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attributes) throws IOException {
                return inside(folder, runRoot) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isRegularFile() && inside(file, runRoot)) files.add(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                // a link loop, or a link to nothing: no output there
                if (e instanceof FileSystemLoopException || !Files.exists(file)) return FileVisitResult.CONTINUE;
                throw e;
            }
        });
        files.sort(null);
        return files;
    }

    private static boolean inside(Path path, Path runRoot) throws IOException {
        boolean in = path.toRealPath().startsWith(runRoot);
        if (!in) log.info("Not an output: {} leads out of the run directory, to {}", path, path.toRealPath());
        return in;
    }

    /** Inserts the record and stores its bytes, in one transaction; null when another collector recorded it first. */
    private Long record(Handle h, long executionId, long owner, Path file, String relative, String filename, String process, Long sample)
            throws IOException {
        DataDetection.Detected detected = detect(filename, file);
        return h.inTransaction(tx -> {
            Long id = tx.createQuery("INSERT INTO data (filename, size, data_type, compression, owner_id, status, execution_id, "
                            + "execution_process, source_sample_id, execution_path) VALUES (:filename, 0, :type, :compression, :owner, "
                            + "'ready', :execution, :process, :sample, :path) "
                            + "ON CONFLICT (execution_id, execution_path) WHERE execution_path IS NOT NULL DO NOTHING RETURNING id")
                    .bind("filename", filename).bind("type", detected.dataType()).bind("compression", detected.compression().id())
                    .bind("owner", owner).bind("execution", executionId).bind("process", process).bind("sample", sample)
                    .bind("path", relative).mapTo(Long.class).findOne().orElse(null);
            if (id == null) return null;
            StorageKey key = StorageKey.of("data", id);
            tx.afterRollback(() -> forget(key));
            Storage.Stored stored = storage.store(key, file);
            tx.createUpdate("UPDATE data SET size = :size, md5 = :md5 WHERE id = :id")
                    .bind("size", stored.size()).bind("md5", stored.md5()).bind("id", id).execute();
            return id;
        });
    }

    /** Removes the bytes of a record that was rolled back; what cannot be removed is left to the orphan sweep. */
    private void forget(StorageKey key) {
        try {
            storage.delete(key);
        } catch (IOException e) {
            log.warn("could not remove the bytes of output {}, whose record was rolled back: {}", key, e.toString());
        }
    }

    /**
     * The path with its separators made {@code _}, else its basename when that is too long, else {@code output_<n>};
     * characters a filename may not hold made {@code _} first.
     */
    static String filename(String relative, int n) {
        String flat = fit(relative.replace('/', '_'));
        if (flat != null) return flat;
        String base = fit(relative.substring(relative.lastIndexOf('/') + 1));
        return base != null ? base : "output_" + n;
    }

    /** The name with what {@link FileNames} refuses in a name made {@code _}; null when it is still refused (too long, blank). */
    private static String fit(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            int type = Character.getType(c);
            boolean bad = c == '\\' || type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
            out.appendCodePoint(bad ? '_' : c);
        });
        try {
            return FileNames.check(out.toString());
        } catch (ApiException e) {
            return null;
        }
    }

    /** What uploads would say of the file; the content alone when it contradicts the name. */
    private static DataDetection.Detected detect(String filename, Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(DataDetection.HEAD_BYTES + 1);
        }
        boolean whole = head.length <= DataDetection.HEAD_BYTES;
        try {
            return DataDetection.detect(filename, null, head, whole);
        } catch (ApiException contradicted) {
            try {
                return DataDetection.detect("output", null, head, whole);
            } catch (ApiException corrupt) { // gzip that does not inflate
                return new DataDetection.Detected("OTHER", Compression.NONE, corrupt.getMessage());
            }
        }
    }

    /** The process that published the file, or the folder it is in. */
    private static String process(Map<Path, String> processes, Path results, Path file) {
        for (Path p = file; p != null && p.startsWith(results); p = p.getParent()) {
            String process = processes.get(p);
            if (process != null) return process;
        }
        return null;
    }

    /** The sample whose name starts a part of the path, the longest such name; null when none does. */
    static Long sourceSample(Map<String, Long> samples, String relative) {
        String best = null;
        for (String part : relative.split("/")) {
            for (String name : samples.keySet()) {
                boolean starts = part.startsWith(name) && (part.length() == name.length() || !Character.isLetterOrDigit(part.charAt(name.length())));
                if (starts && (best == null || name.length() > best.length())) best = name;
            }
        }
        return best == null ? null : samples.get(best);
    }

    /** The names the pipeline knew the run's samples by (none when the run had no samples.json). */
    private static Map<String, Long> samples(RunDirectory dir) {
        if (!Files.isRegularFile(dir.samples())) return Map.of();
        try {
            return Json.MAPPER.readValue(dir.samples().toFile(), new TypeReference<Map<String, Long>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.samples(), e);
        }
    }
}
