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
import bio.flow.samples.MetadataAttributes;
import bio.flow.samples.Samples;
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
 * ({@link DataImport}), in one transaction.
 */
public final class AnnotationRoutes {
    static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    static final int MAX_BYTES = 10 * 1024 * 1024;
    /** Room for the dry_run field and the multipart framing around the workbook. */
    private static final int FORM_OVERHEAD = 64 * 1024;
    private static final MultipartConfigElement IN_MEMORY = new MultipartConfigElement("", MAX_BYTES, MAX_BYTES + FORM_OVERHEAD,
            MAX_BYTES + FORM_OVERHEAD);

    private final Authenticator authenticator;
    private final Jdbi jdbi;
    private final Vocabularies vocabularies;
    private final AccessPolicy policy;
    private final Samples samples;

    public AnnotationRoutes(Authenticator authenticator, Jdbi jdbi, Vocabularies vocabularies, AccessPolicy policy, Samples samples) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
        this.vocabularies = vocabularies;
        this.policy = policy;
        this.samples = samples;
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
            String dryRun = null;
            for (Part p : parts) {
                if (p.getName().equals("file")) {
                    if (file != null) throw ApiException.invalid("file", "send one workbook per request");
                    file = p;
                } else if (p.getName().equals("dry_run")) {
                    try (InputStream in = p.getInputStream()) {
                        dryRun = new String(in.readNBytes(16), StandardCharsets.UTF_8).strip();
                    }
                }
            }
            if (file == null) throw ApiException.invalid("file", "is required: the filled template (.xlsx), as a file part");
            boolean check = dryRun(dryRun);
            byte[] bytes;
            try (InputStream in = file.getInputStream()) {
                bytes = in.readAllBytes();
            }
            // The lists are read first, and the workbook outside any transaction: no connection is held while it is read.
            Templates.Form form = jdbi.inTransaction(h -> form(h, caller));
            Function<Handle, Object> importer;
            try (Xlsx workbook = Xlsx.open(bytes, List.of(Kind.SAMPLE.sheet, Kind.DATA.sheet), FILL_IN)) {
                if (kindOf(workbook) == Kind.SAMPLE) {
                    SampleSheet sheet = SampleSheet.read(workbook, form);
                    importer = h -> checked(sheet.problems(), problems -> SampleImport.run(h, caller, samples, sheet, !check, problems));
                } else {
                    DataSheet sheet = DataSheet.read(workbook, form);
                    importer = h -> checked(sheet.problems(), problems -> DataImport.run(h, caller, policy, sheet, !check, problems));
                }
            }
            ctx.json(jdbi.inTransaction(importer::apply));
        } finally {
            for (Part p : parts) p.delete();
        }
    }

    private static final String FILL_IN = "fill in a template of GET /annotation/sample or GET /annotation/data";

    /** Which template the workbook is: the one whose sheet it has (any case). */
    private static Kind kindOf(Xlsx workbook) {
        boolean samples = workbook.hasSheet(Kind.SAMPLE.sheet);
        boolean data = workbook.hasSheet(Kind.DATA.sheet);
        if (samples && data) {
            throw ApiException.invalid("file", "has both a sheet '" + Kind.SAMPLE.sheet + "' and a sheet '" + Kind.DATA.sheet
                    + "': import one template at a time");
        }
        if (!samples && !data) {
            throw ApiException.invalid("file", "has no sheet '" + Kind.SAMPLE.sheet + "' nor '" + Kind.DATA.sheet + "': " + FILL_IN);
        }
        return samples ? Kind.SAMPLE : Kind.DATA;
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

    private static boolean dryRun(String value) {
        if (value == null || value.isEmpty() || value.equals("false")) return false;
        if (value.equals("true")) return true;
        throw ApiException.invalid("dry_run", "must be true or false");
    }

    private static ApiException tooLarge() {
        return ApiException.tooLarge("an annotation workbook may have at most " + MAX_BYTES + " bytes (10 MiB)");
    }
}
