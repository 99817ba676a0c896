package bio.flow.annotation;

import bio.flow.access.AccessPolicy;
import bio.flow.annotation.Templates.Kind;
import bio.flow.annotation.Templates.ListOf;
import bio.flow.annotation.Templates.Project;
import bio.flow.auth.Authenticator;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.ContentDisposition;
import bio.flow.vocabularies.Vocabularies;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /annotation/{type}} ({@code sample} or {@code data}): the annotation template, for signed-in users
 * only, as the reference's example sends a token and the projects offered are the caller's. Its lists are read
 * from the database on every request, in one transaction, so a template always offers the current vocabularies.
 */
public final class AnnotationRoutes {
    static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private final Authenticator authenticator;
    private final Jdbi jdbi;
    private final Vocabularies vocabularies;

    public AnnotationRoutes(Authenticator authenticator, Jdbi jdbi, Vocabularies vocabularies) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
        this.vocabularies = vocabularies;
    }

    public void template(Context ctx) {
        // Signed in first, as on every route that needs it: an anonymous caller is 401 whatever the type.
        Caller caller = authenticator.require(ctx);
        Kind kind = Kind.of(ctx.pathParam("type"));
        if (kind == null) throw ApiException.notFound("annotation template '" + ctx.pathParam("type") + "'");
        // The lists are read in one transaction; the workbook is written after it, without holding a connection.
        Map<ListOf, List<String>> lists = jdbi.inTransaction(h -> {
            List<Project> projects = AccessPolicy.bindCaller(h.createQuery("SELECT p.id, p.name FROM projects p WHERE "
                            + AccessPolicy.projectCallerEdits("p") + " ORDER BY lower(p.name), p.id"), Optional.of(caller))
                    .map((rs, c) -> new Project(rs.getLong("id"), rs.getString("name"))).list();
            return Templates.lists(vocabularies.choices(h), projects);
        });
        byte[] xlsx = Templates.write(kind, lists);
        ctx.contentType(XLSX)
                .header("Content-Disposition", ContentDisposition.attachment(kind.filename()))
                .result(xlsx);
    }
}
