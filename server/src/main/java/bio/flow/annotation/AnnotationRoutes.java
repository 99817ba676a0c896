package bio.flow.annotation;

import bio.flow.access.AccessPolicy;
import bio.flow.annotation.Templates.Kind;
import bio.flow.annotation.Templates.Project;
import bio.flow.auth.Authenticator;
import bio.flow.http.ApiException;
import bio.flow.http.MultipartParts;
import bio.flow.http.Caller;
import bio.flow.http.ContentDisposition;
import bio.flow.vocabularies.Vocabularies;
import bio.flow.annotation.TemplateSheet.Problem;
import bio.flow.multiplexed.Multiplexed;
import bio.flow.samples.MetadataAttributes;
import bio.flow.samples.Samples;
import bio.flow.uploads.FileNames;
import java.time.Duration;
import java.util.HashMap;
import io.javalin.http.Context;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /annotation/{type}} ({@code sample} or {@code data}; {@code generic} or a sample type's name give the sample
 * template, for the flowbio client): the annotation template, for signed-in users
 * only, as the reference's example sends a token and the projects offered are the caller's. Its lists are read
 * from the database on every request, in one transaction, so a template always offers the current vocabularies.
 *
 * <p>{@code POST /upload/annotation}: a filled sample or data template, told apart by its sheet (multipart/form-data, part {@code file}, at most
 * {@value #MAX_BYTES} bytes, held in memory and read there by {@link Xlsx} with bounded memory), checked whole: every problem is answered at once (400,
 * {@code details.problems} with sheet, row and column) and nothing is written while any remains. With
 * the field {@code dry_run=true} it only checks. A clean sample sheet creates or updates its
 * samples and links their reads ({@link SampleImport}), a clean data sheet sets its files' types and samples
 * ({@link DataImport}), in one transaction. A multiplexed sheet (its sheet {@code Multiplexed}, or a {@code .csv} file)
 * is checked by {@link MultiplexedImport} (400 {@code details.validation}, or {@code details.warnings} unless
 * {@code ignore_warnings=true}) and stored to wait for its reads ({@code POST /upload/multiplexed}).
 *
 * <p>The same sheet may come in pieces, with the flowbio client's offset protocol ({@code filename},
 * {@code expected_file_size}, {@code is_last}, {@code data}, part {@code blob}; {@link AnnotationUploads}): every piece
 * is answered {@code {"id", "data_id"}}, and the last reads the whole sheet exactly as one sent whole, its answer
 * under {@code result}. For a multiplexed sheet the id is the sheet's.
 */
public final class AnnotationRoutes {
    static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    static final int MAX_BYTES = 10 * 1024 * 1024;
    /** Room for the dry_run field and the multipart framing around the workbook. */
    private static final int FORM_OVERHEAD = 64 * 1024;
    private static final int MAX_FIELD_BYTES = 4096;
    /** The text fields read: dry_run and ignore_warnings, and those of the offset protocol (the flowbio client's). */
    private static final List<String> FIELDS = List.of("dry_run", "ignore_warnings", "filename", "expected_file_size", "is_last", "data");
    private static final List<String> OFFSET_FIELDS = List.of("expected_file_size", "is_last", "data");
    private static final MultipartConfigElement IN_MEMORY = new MultipartConfigElement("", MAX_BYTES, MAX_BYTES + FORM_OVERHEAD,
            MAX_BYTES + FORM_OVERHEAD);

    private final Authenticator authenticator;
    private final Jdbi jdbi;
    private final Vocabularies vocabularies;
    private final AccessPolicy policy;
    private final Samples samples;
    private final Multiplexed multiplexed;
    private final AnnotationUploads annotationUploads;

    public AnnotationRoutes(Authenticator authenticator, Jdbi jdbi, Vocabularies vocabularies, AccessPolicy policy, Samples samples,
                            Multiplexed multiplexed, Duration uploadExpiry) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
        this.vocabularies = vocabularies;
        this.policy = policy;
        this.samples = samples;
        this.multiplexed = multiplexed;
        this.annotationUploads = new AnnotationUploads(jdbi, uploadExpiry);
    }

    /** {@code GET /upload/multiplexed/{id}}: a multiplexed sheet's status, for its owner and admins. */
    public void multiplexedStatus(Context ctx) {
        Caller caller = authenticator.require(ctx);
        String id = ctx.pathParam("id");
        if (!id.matches("[0-9]{1,18}")) throw ApiException.notFound("multiplexed upload " + id);
        ctx.json(multiplexed.status(caller, Long.parseLong(id)));
    }

    public void template(Context ctx) {
        // Signed in first, as on every route that needs it: an anonymous caller is 401 whatever the type.
        Caller caller = authenticator.require(ctx);
        Kind kind = kind(ctx.pathParam("type"));
        // The lists are read in one transaction; the workbook is written after it, without holding a connection.
        Templates.Form form = jdbi.inTransaction(h -> form(h, caller));
        byte[] xlsx = Templates.write(kind, form);
        ctx.contentType(XLSX)
                .header("Content-Disposition", ContentDisposition.attachment(kind.filename()))
                .result(xlsx);
    }

    /**
     * The template a type names: {@code sample} or {@code data}; also, as the flowbio client asks for them, {@code generic}
     * and a sample type's name (any case), which get the sample template (it has a column for the sample type).
     */
    private Kind kind(String type) {
        Kind kind = Kind.of(type);
        if (kind != null) return kind;
        boolean sampleType = type.equals("generic") || jdbi.withHandle(h -> h.createQuery(
                "SELECT EXISTS (SELECT 1 FROM sample_types WHERE lower(name) = lower(:name))").bind("name", type).mapTo(Boolean.class).one());
        if (!sampleType) throw ApiException.notFound("annotation template '" + type + "'");
        return Kind.SAMPLE;
    }

    private Templates.Form form(Handle h, Caller caller) {
        List<Project> projects = AccessPolicy.bindCaller(h.createQuery("SELECT p.id, p.name FROM projects p WHERE "
                        + AccessPolicy.projectCallerEdits("p") + " ORDER BY lower(p.name), p.id"), Optional.of(caller))
                .map((rs, c) -> new Project(rs.getLong("id"), rs.getString("name"))).list();
        return Templates.form(vocabularies.choices(h), projects, MetadataAttributes.defined(h));
    }

    public void upload(Context ctx) throws IOException {
        Caller caller = authenticator.require(ctx);
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (!type.startsWith("multipart/form-data")) throw ApiException.unsupportedMediaType("POST " + ctx.path() + " takes multipart/form-data");
        if (ctx.contentLength() > MAX_BYTES + FORM_OVERHEAD) {
            // Answered before the body is read: the connection cannot carry another request after it.
            ctx.header("Connection", "close");
            throw tooLarge();
        }
        ctx.req().setAttribute("org.eclipse.jetty.multipartConfig", IN_MEMORY);
        Collection<Part> parts = MultipartParts.of(ctx, AnnotationRoutes::tooLarge);
        try {
            Part file = null;
            Map<String, String> fields = new HashMap<>();
            for (Part p : parts) {
                if (p.getName().equals("file") || p.getName().equals("blob")) {
                    if (file != null) throw ApiException.invalid(p.getName(), "send one sheet per request");
                    file = p;
                } else if (FIELDS.contains(p.getName())) {
                    try (InputStream in = p.getInputStream()) {
                        fields.put(p.getName(), new String(in.readNBytes(MAX_FIELD_BYTES), StandardCharsets.UTF_8).strip());
                    }
                }
            }
            boolean check = flag(fields, "dry_run");
            boolean ignoreWarnings = flag(fields, "ignore_warnings");
            // The offset protocol's fields (the flowbio client's): the sheet comes in pieces.
            if (file != null && file.getName().equals("blob") || OFFSET_FIELDS.stream().anyMatch(fields::containsKey)) {
                if (file == null) throw ApiException.invalid("blob", "is required: the piece's bytes, as a file part");
                byte[] piece;
                try (InputStream in = file.getInputStream()) {
                    piece = in.readAllBytes();
                }
                String filename = fields.getOrDefault("filename", "");
                if (filename.isEmpty()) filename = file.getSubmittedFileName() == null ? "" : file.getSubmittedFileName();
                ctx.json(piece(caller, FileNames.check(filename), fields, piece, check, ignoreWarnings));
                return;
            }
            if (file == null) throw ApiException.invalid("file", "is required: the filled template (.xlsx, or .csv for a multiplexed sheet), as a file part");
            byte[] bytes;
            try (InputStream in = file.getInputStream()) {
                bytes = in.readAllBytes();
            }
            Function<Handle, Object> importer = importer(caller, file.getSubmittedFileName(), bytes, check, ignoreWarnings, null);
            ctx.json(jdbi.inTransaction(importer::apply));
        } finally {
            for (Part p : parts) p.delete();
        }
    }

    /** A piece of a sheet sent in the offset protocol; the last reads the whole sheet, as one sent whole would be. */
    private Object piece(Caller caller, String filename, Map<String, String> fields, byte[] piece, boolean check, boolean ignoreWarnings) {
        String data = fields.getOrDefault("data", "");
        Long id = null;
        if (!data.isEmpty()) {
            if (!data.matches("[0-9]{1,18}") || Long.parseLong(data) == 0) throw ApiException.invalid("data", "must be a positive whole number, not '" + data + "'");
            id = Long.parseLong(data);
        }
        AnnotationUploads.Held held = annotationUploads.append(caller, id, filename, number(fields, "expected_file_size"), flag(fields, "is_last"),
                ignoreWarnings, piece);
        if (held.result() != null) return new AnnotationUploads.Answer(held.id(), held.result());
        if (!held.whole() || held.bytes() == null) return new AnnotationUploads.Answer(held.id(), null);
        try {
            Function<Handle, Object> importer = importer(caller, filename, held.bytes(), check, held.ignoreWarnings(), held.id());
            return new AnnotationUploads.Answer(held.id(), annotationUploads.finish(held.id(), importer));
        } catch (ApiException e) {
            if (e.status() >= 400 && e.status() < 500) annotationUploads.discard(held.id());
            throw e;
        }
    }

    /**
     * What imports the sheet {@code bytes}, to run in a transaction: the sheet is read and its cells checked now (the lists
     * first, in a transaction of their own, and the sheet outside any: no connection is held while it is read). A .csv
     * file is a multiplexed sheet; a workbook is the template whose sheet it has. {@code id}: the multiplexed sheet's
     * id when it comes from an upload in pieces.
     */
    private Function<Handle, Object> importer(Caller caller, String filename, byte[] bytes, boolean check, boolean ignoreWarnings, Long id) {
        Templates.Form form = jdbi.inTransaction(h -> form(h, caller));
        String name = filename == null ? "" : filename;
        if (name.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            MultiplexedImport sheet = MultiplexedImport.read(Csv.of(bytes), form);
            return h -> sheet.run(h, caller, samples, multiplexed, name, id, check, ignoreWarnings);
        }
        try (Xlsx workbook = Xlsx.open(bytes, List.of(Kind.SAMPLE.sheet, Kind.DATA.sheet, Kind.MULTIPLEXED.sheet), FILL_IN)) {
            return switch (kindOf(workbook)) {
                case SAMPLE -> {
                    SampleSheet sheet = SampleSheet.read(workbook, form);
                    yield h -> checked(sheet.problems(), problems -> SampleImport.run(h, caller, samples, sheet, !check, problems));
                }
                case DATA -> {
                    DataSheet sheet = DataSheet.read(workbook, form);
                    yield h -> checked(sheet.problems(), problems -> DataImport.run(h, caller, policy, sheet, !check, problems));
                }
                case MULTIPLEXED -> {
                    MultiplexedImport sheet = MultiplexedImport.read(workbook.rows(Kind.MULTIPLEXED.sheet), form);
                    yield h -> sheet.run(h, caller, samples, multiplexed, name, id, check, ignoreWarnings);
                }
            };
        }
    }

    private static final String FILL_IN = "fill in a template of GET /annotation/sample, /annotation/data or /annotation/multiplexed";

    /** Which template the workbook is: the one whose sheet it has (any case). */
    private static Kind kindOf(Xlsx workbook) {
        List<Kind> kinds = java.util.Arrays.stream(Kind.values()).filter(k -> workbook.hasSheet(k.sheet)).toList();
        if (kinds.size() > 1) {
            throw ApiException.invalid("file", "has the sheets " + kinds.stream().map(k -> "'" + k.sheet + "'").toList()
                    + ": import one template at a time");
        }
        if (kinds.isEmpty()) {
            throw ApiException.invalid("file", "has no sheet '" + Kind.SAMPLE.sheet + "', '" + Kind.DATA.sheet + "' nor '" + Kind.MULTIPLEXED.sheet
                    + "': " + FILL_IN);
        }
        return kinds.get(0);
    }

    /**
     * The import's answer when neither the sheet's cells nor {@code run}, given them, found a problem; else 400 with
     * them all. {@code run} checks against the database even when the cells have problems, so that all are answered at once.
     */
    private static <T> T checked(List<Problem> sheetProblems, Function<List<Problem>, T> run) {
        List<Problem> problems = new ArrayList<>(sheetProblems);
        T result = run.apply(problems);
        if (!problems.isEmpty()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("problems", problems.size() > MAX_PROBLEMS ? problems.subList(0, MAX_PROBLEMS) : problems);
            details.put("problem_count", problems.size());
            throw ApiException.invalid(problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + " in the workbook; nothing was written",
                    details);
        }
        return result;
    }

    /** At most this many problems are listed (their count is always given): enough to fix a sheet by. */
    private static final int MAX_PROBLEMS = 1000;

    private static boolean flag(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null || value.isEmpty() || value.equals("false")) return false;
        if (value.equals("true")) return true;
        throw ApiException.invalid(name, "must be true or false");
    }

    private static long number(Map<String, String> fields, String name) {
        String value = fields.getOrDefault(name, "");
        if (!value.matches("[0-9]{1,18}")) throw ApiException.invalid(name, "must be a whole number from 0, not '" + value + "'");
        return Long.parseLong(value);
    }

    private static ApiException tooLarge() {
        return ApiException.tooLarge("an annotation workbook may have at most " + MAX_BYTES + " bytes (10 MiB)");
    }
}
