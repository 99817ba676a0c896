package bio.flow.vocabularies;

import bio.flow.auth.Authenticator;
import bio.flow.http.ApiException;
import bio.flow.http.Check;
import bio.flow.http.Json;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * GET /organisms for anyone; POST /organisms/create, /organisms/{id}/edit and /organisms/{id}/delete for site
 * administrators. An organism is named by a short lowercase id ({@code human}) that projects and samples
 * refer to, and has a unique scientific name ({@code Homo sapiens}).
 */
public final class OrganismRoutes {
    /** The same rule as the CHECK on {@code organisms.id}. */
    static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,49}$");

    private final Authenticator authenticator;
    private final Jdbi jdbi;

    OrganismRoutes(Authenticator authenticator, Jdbi jdbi) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
    }

    record CreateRequest(String id, String name) {}

    record EditRequest(String name) {}

    record Organism(String id, String name) {}

    record OrganismList(List<Organism> organisms) {}

    record SuccessResponse(boolean success, String message) {}

    public void list(Context ctx) {
        List<Organism> organisms = jdbi.withHandle(h -> h.createQuery("SELECT id, name FROM organisms ORDER BY lower(name), name, id")
                .map((rs, c) -> new Organism(rs.getString("id"), rs.getString("name"))).list());
        ctx.json(new OrganismList(organisms));
    }

    public void create(Context ctx) {
        requireAdmin(ctx);
        CreateRequest r = Json.body(ctx, CreateRequest.class);
        String id = Check.matches("id", Check.text("id", r.id(), 1, 50), ID,
                "must be 1 to 50 lowercase letters, digits, '_' or '-', starting with a letter or digit");
        String name = Check.text("name", r.name(), 1, NamedVocabularyRoutes.MAX_NAME);
        Organism created = jdbi.inTransaction(h -> {
            if (h.createQuery("SELECT EXISTS (SELECT 1 FROM organisms WHERE id = :id)").bind("id", id).mapTo(Boolean.class).one()) {
                throw idTaken(id);
            }
            requireNameFree(h, name, null);
            try {
                return h.createQuery("INSERT INTO organisms (id, name) VALUES (:id, :name) RETURNING id, name")
                        .bind("id", id).bind("name", name)
                        .map((rs, c) -> new Organism(rs.getString("id"), rs.getString("name"))).one();
            } catch (UnableToExecuteStatementException e) {
                if (!SqlErrors.is(e, SqlErrors.UNIQUE_VIOLATION)) throw e;
                throw SqlErrors.constraint(e).equals("organisms_pkey") ? idTaken(id) : nameTaken(name);
            }
        });
        ctx.status(201).json(created);
    }

    /** Renames the organism; its id, which projects and samples refer to, stays. */
    public void edit(Context ctx) {
        requireAdmin(ctx);
        String name = Check.text("name", Json.body(ctx, EditRequest.class).name(), 1, NamedVocabularyRoutes.MAX_NAME);
        String id = id(ctx);
        Organism edited = jdbi.inTransaction(h -> {
            lock(h, id);
            requireNameFree(h, name, id);
            try {
                return h.createQuery("UPDATE organisms SET name = :name WHERE id = :id RETURNING id, name")
                        .bind("name", name).bind("id", id)
                        .map((rs, c) -> new Organism(rs.getString("id"), rs.getString("name"))).one();
            } catch (UnableToExecuteStatementException e) {
                if (SqlErrors.is(e, SqlErrors.UNIQUE_VIOLATION)) throw nameTaken(name);
                throw e;
            }
        });
        ctx.json(edited);
    }

    /** Deletes the organism unless a sample or project uses it (409, saying how many do). */
    public void delete(Context ctx) {
        requireAdmin(ctx);
        String id = id(ctx);
        try {
            jdbi.useTransaction(h -> {
                // Locked first: transactions adding samples or projects of this organism finish before the count,
                // and new ones wait until this transaction ends.
                lock(h, id);
                long samples = count(h, "samples", id);
                long projects = count(h, "projects", id);
                if (samples + projects > 0) throw inUse(id, samples, projects);
                h.createUpdate("DELETE FROM organisms WHERE id = :id").bind("id", id).execute();
            });
        } catch (UnableToExecuteStatementException e) {
            if (!SqlErrors.is(e, SqlErrors.FOREIGN_KEY_VIOLATION)) throw e;
            throw jdbi.withHandle(h -> inUse(id, count(h, "samples", id), count(h, "projects", id)));
        }
        ctx.json(new SuccessResponse(true, "organism '" + id + "' deleted"));
    }

    private static ApiException inUse(String id, long samples, long projects) {
        return InUse.conflict("organism '" + id + "'", InUse.Users.samples(samples), InUse.Users.projects(projects));
    }

    private void requireAdmin(Context ctx) {
        VocabularyRules.requireAdmin(authenticator, ctx, "organisms");
    }

    /** Organism ids are lowercase; one typed with capitals still finds its organism. */
    private static String id(Context ctx) {
        return ctx.pathParam("id").toLowerCase(Locale.ROOT);
    }

    private static void lock(Handle h, String id) {
        h.createQuery("SELECT id FROM organisms WHERE id = :id FOR UPDATE").bind("id", id).mapTo(String.class).findOne()
                .orElseThrow(() -> ApiException.notFound("organism " + id));
    }

    /** Rows of {@code table} (samples or projects, constants) that refer to the organism. */
    private static long count(Handle h, String table, String id) {
        return h.createQuery("SELECT count(*) FROM " + table + " WHERE organism_id = :id").bind("id", id).mapTo(Long.class).one();
    }

    private static void requireNameFree(Handle h, String name, String exceptId) {
        VocabularyRules.requireNameFree(h, "organisms", "id", name, exceptId, "an organism");
    }

    private static ApiException idTaken(String id) {
        return ApiException.conflict("id", "there is already an organism with the id '" + id + "'");
    }

    private static ApiException nameTaken(String name) {
        return VocabularyRules.nameTaken(name, "an organism");
    }
}
