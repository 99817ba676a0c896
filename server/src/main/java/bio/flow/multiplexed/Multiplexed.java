package bio.flow.multiplexed;

import bio.flow.access.Resource;
import bio.flow.analytics.Activity;
import bio.flow.db.Claims;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Json;
import bio.flow.samples.Samples;
import bio.flow.samples.Samples.SampleFields;
import bio.flow.storage.Storage;
import bio.flow.storage.StorageKey;
import bio.flow.uploads.Uploads;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Multiplexed uploads (V42): a sheet ({@code POST /upload/annotation}, checked by the annotation package) names, per
 * row, a sample, its barcode and the multiplexed read files it is in; the read files come afterwards
 * ({@code POST /upload/multiplexed}, the offset protocol of {@link Uploads}). A read file is accepted only if one of its
 * uploader's waiting sheets names it (checked at its first piece, before any byte is stored): the newest such sheet
 * gets it. When a sheet has all its read files, it is demultiplexed in the background, one sheet at a time per server
 * ({@link Demultiplexer}, one mismatch allowed): each barcode's reads become gzip FASTQ data records of the sheet's
 * owner, then one transaction makes the samples, a fileset each with its reads, and marks the sheet done. A barcode
 * that matched no read makes no sample (a warning of the result). Any failure makes nothing: the files written are
 * removed, the sheet is {@code failed} with the reason.
 *
 * <p>The server that demultiplexes a sheet holds it ({@code holder}, {@code claimed_until}: a {@link Claims} claim,
 * renewed while the sheet is queued or split here); another server takes it over once the claim lapsed or its holder
 * is surely dead (a crash mid-way), and a server that stops gives its sheets up, so that the next to look starts them
 * again from the reads.
 */
public final class Multiplexed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Multiplexed.class);
    /** A read may differ from its barcode by this many bases; a read within it of two barcodes is undetermined. */
    public static final int MAX_MISMATCHES = 1;

    /** A row of a sheet: its number in the sheet, the sample it makes and where its reads are. */
    public record Row(int row, String barcode, Demultiplexer.Position position, String reads1, String reads2, SampleFields sample) {}

    /** A problem or warning of a sheet, as the flowbio client prints it ({@code row <row>: <message>}). */
    public record Note(int row, String column, String message) {}

    /** What {@code GET /upload/multiplexed/{id}} tells: the sheet, its rows and inputs, and what demultiplexing made. */
    public record Status(long id, String filename, String status, @JsonInclude(JsonInclude.Include.NON_NULL) String message, Instant created,
                         List<RowStatus> rows, List<Input> inputs, List<Note> warnings, List<Long> sample_ids) {}

    public record RowStatus(int row, String sample_name, String barcode, String position, String reads1, String reads2, Long reads, Long sample_id) {}

    public record Input(String reads1, String reads2, Long reads1_data_id, Long reads2_data_id, List<Long> undetermined_data_ids,
                        Long undetermined_reads, Long total_reads) {}

    /** What demultiplexing made of a row: its reads, and its sample when it has any. */
    record RowResult(long reads, Long sampleId) {}

    private final Jdbi jdbi;
    private final Storage storage;
    private final Uploads uploads;
    private final Samples samples;
    private final Path work;
    private final Claims claims;
    /** The sheets queued or being split here: a sheet is submitted once. */
    private final Set<Long> mine = ConcurrentHashMap.newKeySet();
    /** One sheet at a time: demultiplexing reads and writes every byte of the reads, and the machine has other work. */
    /** Set when the server stops: a demultiplexing it breaks off is not a failure, and the next start does it again. */
    private volatile boolean closing;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "flow-demultiplexer");
        t.setDaemon(true);
        return t;
    });

    /** {@code work}: a folder of this server's own where the outputs are written before they go to storage. */
    public Multiplexed(Jdbi jdbi, Storage storage, Uploads uploads, Samples samples, Path work, Claims claims) {
        this.jdbi = jdbi;
        this.storage = storage;
        this.uploads = uploads;
        this.samples = samples;
        this.work = work;
        this.claims = claims;
    }

    /** Renews this server's sheets and takes up those a stopped or dead server left, now and every claims round. */
    public void start() {
        deleteTree(work); // the outputs of a stopped run: it starts again from the reads
        claims.every("demultiplexing", this::round);
    }

    private void round() {
        List<Long> taken = jdbi.withHandle(h -> {
            h.createUpdate("UPDATE multiplexed_sheets SET claimed_until = " + Claims.UNTIL + " WHERE status = 'demultiplexing' AND holder = :me")
                    .bind("me", claims.holder()).bind("lease_ms", claims.leaseMillis()).execute();
            List<String> dead = claims.deadHolders(h, "multiplexed_sheets", "holder", "status = 'demultiplexing'");
            return h.createQuery("UPDATE multiplexed_sheets SET holder = :me, claimed_until = " + Claims.UNTIL + ", updated = now() "
                            + "WHERE status = 'demultiplexing' AND holder <> :me AND " + Claims.takeable("holder", "claimed_until") + " RETURNING id")
                    .bind("me", claims.holder()).bind("lease_ms", claims.leaseMillis()).bindArray("dead", String.class, dead)
                    .mapTo(Long.class).list();
        });
        if (!taken.isEmpty()) log.info("demultiplexing again the sheets {}, which a stopped server left unfinished", taken);
        taken.forEach(this::submit);
    }

    @Override
    public void close() {
        closing = true;
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // given up rather than left to lapse: the next server to look starts them again at once
        try {
            jdbi.useHandle(h -> h.createUpdate("UPDATE multiplexed_sheets SET claimed_until = now() WHERE status = 'demultiplexing' AND holder = :me")
                    .bind("me", claims.holder()).execute());
        } catch (RuntimeException e) {
            log.warn("could not give up the sheets being demultiplexed: {}", e.toString());
        }
    }

    // ---- sheets ----

    /** Stores a checked sheet as waiting for its reads, under {@code id} (an annotation upload's) or a new id. */
    public long create(Handle h, Caller caller, Long id, String filename, List<Row> rows, List<Note> warnings) {
        long sheet = h.createQuery("INSERT INTO multiplexed_sheets (id, owner_id, filename, rows, warnings) "
                        + "VALUES (COALESCE(:id, nextval('annotation_ids')), :owner, :filename, CAST(:rows AS jsonb), CAST(:warnings AS jsonb)) RETURNING id")
                .bind("id", id).bind("owner", caller.id()).bind("filename", filename).bind("rows", json(rows)).bind("warnings", json(warnings))
                .mapTo(Long.class).one();
        Map<String, String> files = new LinkedHashMap<>();
        for (Row r : rows) files.putIfAbsent(r.reads1(), r.reads2());
        files.forEach((reads1, reads2) -> h.createUpdate("INSERT INTO multiplexed_inputs (sheet_id, reads1_name, reads2_name) "
                + "VALUES (:sheet, :r1, :r2)").bind("sheet", sheet).bind("r1", reads1).bind("r2", reads2).execute());
        return sheet;
    }

    /** Which of these read file names a waiting sheet of the caller names already, with no file uploaded for it yet. */
    public List<String> awaited(Handle h, Caller caller, List<String> reads1Names) {
        return h.createQuery("SELECT DISTINCT i.reads1_name FROM multiplexed_inputs i JOIN multiplexed_sheets s ON s.id = i.sheet_id "
                        + "WHERE s.owner_id = :owner AND s.status = 'waiting' AND i.reads1_data IS NULL AND i.reads1_name = ANY(:names)")
                .bind("owner", caller.id()).bindArray("names", String.class, reads1Names).mapTo(String.class).list();
    }

    /** The sheet, for its owner and admins; anyone else gets the 404 of a sheet that does not exist. */
    public Status status(Caller caller, long id) {
        return jdbi.withHandle(h -> status(h, caller, id));
    }

    public Status status(Handle h, Caller caller, long id) {
        record Sheet(long owner, String filename, String status, String message, Instant created, String rows, String warnings, String results) {}
        Sheet s = h.createQuery("SELECT owner_id, filename, status, message, created, rows::text, warnings::text, results::text "
                        + "FROM multiplexed_sheets WHERE id = :id")
                .bind("id", id).map((rs, c) -> new Sheet(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class).toInstant(), rs.getString(6), rs.getString(7), rs.getString(8)))
                .findOne().filter(x -> x.owner() == caller.id() || caller.isAdmin())
                .orElseThrow(() -> ApiException.notFound("multiplexed upload " + id));
        List<Row> rows = read(s.rows(), new TypeReference<>() {});
        List<RowResult> results = s.results() == null ? null : read(s.results(), new TypeReference<>() {});
        List<RowStatus> rowStatus = new ArrayList<>();
        List<Long> sampleIds = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            RowResult result = results == null ? null : results.get(i);
            if (result != null && result.sampleId() != null) sampleIds.add(result.sampleId());
            rowStatus.add(new RowStatus(r.row(), r.sample().name(), r.barcode(), r.position().name().toLowerCase(Locale.ROOT), r.reads1(),
                    r.reads2(), result == null ? null : result.reads(), result == null ? null : result.sampleId()));
        }
        List<Input> inputs = h.createQuery("SELECT reads1_name, reads2_name, reads1_data, reads2_data, undetermined1, undetermined2, "
                        + "undetermined_reads, total_reads FROM multiplexed_inputs WHERE sheet_id = :id ORDER BY reads1_name")
                .bind("id", id).map((rs, c) -> {
                    List<Long> undetermined = new ArrayList<>();
                    for (String col : List.of("undetermined1", "undetermined2")) if (rs.getObject(col) != null) undetermined.add(rs.getLong(col));
                    return new Input(rs.getString(1), rs.getString(2), (Long) rs.getObject(3), (Long) rs.getObject(4), undetermined,
                            (Long) rs.getObject(7), (Long) rs.getObject(8));
                }).list();
        return new Status(id, s.filename(), s.status(), s.message(), s.created(), rowStatus, inputs, read(s.warnings(), new TypeReference<>() {}),
                sampleIds);
    }

    // ---- reads ----

    /**
     * One piece of a multiplexed read file: read 1 ({@code reads1} null), or read 2 of the caller's read-1 file
     * {@code reads1}. Its first piece is refused unless a waiting sheet of the caller expects the file; once complete the
     * file is the sheet's, and the sheet is demultiplexed when it has all its files.
     */
    public Uploads.OffsetAnswer receive(Caller caller, Uploads.Piece piece, Long reads1, long size, InputStream bytes) throws IOException {
        if (piece.data() == null) jdbi.useHandle(h -> expected(h, caller, piece.filename(), reads1));
        Uploads.Piece fastq = new Uploads.Piece(piece.data(), piece.filename(), piece.offset(), piece.last(), "FASTQ", null, null, piece.md5());
        Uploads.OffsetAnswer answer = uploads.receive(caller, fastq, size, bytes);
        if (answer.data() != null) {
            Long ready = jdbi.inTransaction(h -> attach(h, caller, answer.data().id(), piece.filename(), reads1));
            if (ready != null) submit(ready);
        }
        return answer;
    }

    /** The waiting input that expects this file, locked; null when none does. */
    private static Optional<Long> input(Handle h, Caller caller, String filename, Long reads1, boolean lock) {
        String where = reads1 == null ? "i.reads1_name = :name AND i.reads1_data IS NULL"
                : "i.reads1_data = :reads1 AND i.reads2_name = :name AND i.reads2_data IS NULL";
        return h.createQuery("SELECT s.id FROM multiplexed_inputs i JOIN multiplexed_sheets s ON s.id = i.sheet_id "
                        + "WHERE s.owner_id = :owner AND s.status = 'waiting' AND " + where + " ORDER BY s.id DESC LIMIT 1" + (lock ? " FOR UPDATE OF s" : ""))
                .bind("owner", caller.id()).bind("name", filename).bind("reads1", reads1).mapTo(Long.class).findOne();
    }

    private static void expected(Handle h, Caller caller, String filename, Long reads1) {
        if (input(h, caller, filename, reads1, false).isPresent()) return;
        if (reads1 == null) {
            throw ApiException.invalid("filename", "no waiting multiplexed sheet of yours names '" + filename + "' as a Reads 1 file: upload the "
                    + "sheet first (POST /upload/annotation), and send its Reads 1 files with their names as the sheet has them");
        }
        throw ApiException.invalid("reads1", "no waiting multiplexed sheet of yours has read 1 file " + reads1 + " with '" + filename
                + "' as its Reads 2 file: send read 1 first, then read 2 with reads1 = read 1's id");
    }

    /**
     * Gives the complete file {@code data} to the sheet that expects it, unless it is that sheet's already (a last piece
     * sent again). Returns the sheet's id when it now has all its files (it is then the caller's to demultiplex).
     */
    private Long attach(Handle h, Caller caller, long data, String filename, Long reads1) {
        boolean attached = h.createQuery("SELECT EXISTS (SELECT 1 FROM multiplexed_inputs WHERE reads1_data = :d OR reads2_data = :d)")
                .bind("d", data).mapTo(Boolean.class).one();
        if (attached) return null;
        long sheet = input(h, caller, filename, reads1, true).orElseThrow(() -> ApiException.conflict("filename", "'" + filename
                + "' is uploaded (data " + data + "), but no waiting sheet expects it any more: another upload of it was taken first"));
        if (reads1 == null) {
            h.createUpdate("UPDATE multiplexed_inputs SET reads1_data = :d WHERE sheet_id = :s AND reads1_name = :name AND reads1_data IS NULL")
                    .bind("d", data).bind("s", sheet).bind("name", filename).execute();
        } else {
            h.createUpdate("UPDATE multiplexed_inputs SET reads2_data = :d WHERE sheet_id = :s AND reads1_data = :r1")
                    .bind("d", data).bind("s", sheet).bind("r1", reads1).execute();
        }
        boolean complete = h.createQuery("SELECT NOT EXISTS (SELECT 1 FROM multiplexed_inputs WHERE sheet_id = :s "
                + "AND (reads1_data IS NULL OR (reads2_name IS NOT NULL AND reads2_data IS NULL)))").bind("s", sheet).mapTo(Boolean.class).one();
        if (!complete) return null;
        h.createUpdate("UPDATE multiplexed_sheets SET status = 'demultiplexing', holder = :me, claimed_until = " + Claims.UNTIL
                        + ", updated = now() WHERE id = :s")
                .bind("me", claims.holder()).bind("lease_ms", claims.leaseMillis()).bind("s", sheet).execute();
        return sheet;
    }

    // ---- demultiplexing ----

    private void submit(long sheet) {
        if (!mine.add(sheet)) return;
        executor.execute(() -> {
            try {
                demultiplex(sheet);
            } catch (RuntimeException e) {
                log.error("demultiplexing sheet {} failed unexpectedly", sheet, e);
            } finally {
                mine.remove(sheet);
            }
        });
    }

    /** An input of a sheet being demultiplexed. */
    private record InputFiles(String reads1Name, Long reads1, Long reads2) {}

    /** An output file written: its row index (null: undetermined), read number and path, then its record's id. */
    private static final class Output {
        final Integer row;
        final String reads1Name;
        final int read;
        final Path path;
        long id;
        Storage.Stored stored;

        Output(Integer row, String reads1Name, int read, Path path) {
            this.row = row;
            this.reads1Name = reads1Name;
            this.read = read;
            this.path = path;
        }
    }

    private void demultiplex(long sheet) {
        record Owner(Caller caller, List<Row> rows, List<Note> warnings) {}
        Owner o = jdbi.withHandle(h -> h.createQuery("SELECT u.id, u.username, u.is_admin, u.can_run_pipelines, s.rows::text, s.warnings::text "
                        + "FROM multiplexed_sheets s JOIN users u ON u.id = s.owner_id WHERE s.id = :id AND s.holder = :me")
                .bind("id", sheet).bind("me", claims.holder())
                .map((rs, c) -> new Owner(new Caller(rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4), Instant.now(), false),
                        read(rs.getString(5), new TypeReference<List<Row>>() {}), read(rs.getString(6), new TypeReference<List<Note>>() {})))
                .findOne().orElse(null));
        if (o == null) return; // deleted meanwhile, or another process's
        List<InputFiles> inputs = jdbi.withHandle(h -> h.createQuery("SELECT reads1_name, reads1_data, reads2_data FROM multiplexed_inputs "
                        + "WHERE sheet_id = :id ORDER BY reads1_name")
                .bind("id", sheet).map((rs, c) -> new InputFiles(rs.getString(1), (Long) rs.getObject(2), (Long) rs.getObject(3))).list());
        Path dir = work.resolve(Long.toString(sheet));
        List<Output> outputs = new ArrayList<>();
        long[] reads = new long[o.rows().size()];
        Map<String, long[]> counts = new LinkedHashMap<>(); // per input: undetermined, total
        try {
            Files.createDirectories(dir);
            for (InputFiles in : inputs) {
                if (in.reads1() == null) throw new IOException("the read file '" + in.reads1Name() + "' was deleted before it was demultiplexed");
                List<Demultiplexer.Barcode> barcodes = new ArrayList<>();
                for (int i = 0; i < o.rows().size(); i++) {
                    Row r = o.rows().get(i);
                    if (r.reads1().equals(in.reads1Name())) barcodes.add(new Demultiplexer.Barcode(Integer.toString(i), r.barcode(), r.position()));
                }
                Demultiplexer.Result result;
                try (InputStream r1 = storage.read(StorageKey.of("data", in.reads1()));
                     InputStream r2 = in.reads2() == null ? null : storage.read(StorageKey.of("data", in.reads2()))) {
                    result = Demultiplexer.run(r1, r2, barcodes, MAX_MISMATCHES, (key, read) -> {
                        Output out = new Output(key == null ? null : Integer.valueOf(key), in.reads1Name(), read,
                                dir.resolve(outputs.size() + ".fastq.gz"));
                        outputs.add(out);
                        return Files.newOutputStream(out.path);
                    });
                }
                result.reads().forEach((key, n) -> reads[Integer.parseInt(key)] = n);
                counts.put(in.reads1Name(), new long[] {result.undetermined(), result.total()});
            }
            // Into storage, each under the id its record will have; then every record, sample and fileset at once.
            for (Output out : outputs) {
                out.id = jdbi.withHandle(h -> h.createQuery("SELECT nextval(pg_get_serial_sequence('data', 'id'))").mapTo(Long.class).one());
                try (InputStream in = Files.newInputStream(out.path)) {
                    out.stored = storage.write(StorageKey.of("data", out.id), in, Long.MAX_VALUE);
                }
            }
            jdbi.useTransaction(h -> finish(h, sheet, o.caller(), o.rows(), o.warnings(), outputs, reads, counts));
        } catch (IOException | RuntimeException e) {
            String why = e instanceof ApiException a ? a.getMessage() : e.getMessage() == null ? e.toString() : e.getMessage();
            if (closing) log.info("demultiplexing sheet {} was broken off by the server's stop; its next start does it again", sheet);
            else log.warn("demultiplexing sheet {} failed: {}", sheet, why);
            for (Output out : outputs) {
                if (out.id == 0) continue;
                try {
                    storage.delete(StorageKey.of("data", out.id));
                } catch (IOException d) {
                    log.warn("could not remove the output {} of sheet {}: {}", out.id, sheet, d.toString()); // housekeeping's orphan sweep will
                }
            }
            if (!closing) {
                jdbi.useHandle(h -> h.createUpdate("UPDATE multiplexed_sheets SET status = 'failed', message = :m, holder = NULL, claimed_until = NULL, updated = now() "
                        + "WHERE id = :id AND holder = :me").bind("m", "demultiplexing failed: " + why).bind("id", sheet).bind("me", claims.holder()).execute());
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** The records of the outputs, the samples of the rows that got reads with their filesets, and the sheet done: in one transaction. */
    private void finish(Handle h, long sheet, Caller caller, List<Row> rows, List<Note> warnings, List<Output> outputs, long[] reads,
                        Map<String, long[]> counts) {
        // the sheet is still this process's (not deleted, not taken over)
        if (h.createQuery("SELECT id FROM multiplexed_sheets WHERE id = :id AND holder = :me FOR UPDATE").bind("id", sheet).bind("me", claims.holder())
                .mapTo(Long.class).findOne().isEmpty()) {
            throw new IllegalStateException("the sheet is no longer this server's to finish");
        }
        for (Output out : outputs) {
            String name = out.row == null ? stem(out.reads1Name) + "_undetermined" : safe(rows.get(out.row).sample().name());
            String filename = name + "_R" + out.read + ".fastq.gz";
            h.createUpdate("INSERT INTO data (id, filename, size, data_type, compression, md5, owner_id, status) OVERRIDING SYSTEM VALUE "
                            + "VALUES (:id, :filename, :size, 'FASTQ', 'gzip', :md5, :owner, 'ready')")
                    .bind("id", out.id).bind("filename", filename).bind("size", out.stored.size()).bind("md5", out.stored.md5())
                    .bind("owner", caller.id()).execute();
            Activity.record(h, caller.id(), Activity.Action.DATA_UPLOADED, Resource.DATA, out.id, "Demultiplexed " + filename);
        }
        List<Integer> made = new ArrayList<>();
        List<Note> notes = new ArrayList<>(warnings);
        for (int i = 0; i < rows.size(); i++) {
            if (reads[i] > 0) made.add(i);
            else notes.add(new Note(rows.get(i).row(), "Barcode", "barcode " + rows.get(i).barcode() + " matched no read of '"
                    + rows.get(i).reads1() + "': no sample was made for '" + rows.get(i).sample().name() + "'"));
        }
        List<Long> ids = samples.create(h, caller, made.stream().map(i -> rows.get(i).sample()).toList());
        Long[] sampleIds = new Long[rows.size()];
        for (int k = 0; k < made.size(); k++) {
            int i = made.get(k);
            sampleIds[i] = ids.get(k);
            // named by the database (fileset_name, V30) once its files are in
            long fileset = h.createQuery("INSERT INTO filesets (sample_id) VALUES (:sample) RETURNING id").bind("sample", ids.get(k))
                    .mapTo(Long.class).one();
            for (Output out : outputs) {
                if (out.row == null || out.row != i) continue;
                h.createUpdate("UPDATE data SET sample_id = :sample, fileset_id = :fileset, read_number = :read WHERE id = :id")
                        .bind("sample", ids.get(k)).bind("fileset", fileset).bind("read", out.read).bind("id", out.id).execute();
            }
        }
        for (Map.Entry<String, long[]> c : counts.entrySet()) {
            Long[] undetermined = new Long[2];
            for (Output out : outputs) if (out.row == null && out.reads1Name.equals(c.getKey())) undetermined[out.read - 1] = out.id;
            h.createUpdate("UPDATE multiplexed_inputs SET undetermined1 = :u1, undetermined2 = :u2, undetermined_reads = :u, total_reads = :t "
                            + "WHERE sheet_id = :s AND reads1_name = :name")
                    .bind("u1", undetermined[0]).bind("u2", undetermined[1]).bind("u", c.getValue()[0]).bind("t", c.getValue()[1])
                    .bind("s", sheet).bind("name", c.getKey()).execute();
        }
        List<RowResult> results = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) results.add(new RowResult(reads[i], sampleIds[i]));
        h.createUpdate("UPDATE multiplexed_sheets SET status = 'done', holder = NULL, claimed_until = NULL, results = CAST(:results AS jsonb), "
                        + "warnings = CAST(:warnings AS jsonb), updated = now() WHERE id = :id")
                .bind("results", json(results)).bind("warnings", json(notes)).bind("id", sheet).execute();
    }

    /** A file name's part without its FASTQ extensions. */
    private static String stem(String filename) {
        return safe(filename.replaceFirst("(?i)(\\.fastq|\\.fq)?(\\.gz)?$", ""));
    }

    /** A sample name as a file name: letters, digits, '.', '_' and '-' kept, anything else '_'. */
    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("could not remove {}: {}", dir, e.toString());
        }
    }
}
