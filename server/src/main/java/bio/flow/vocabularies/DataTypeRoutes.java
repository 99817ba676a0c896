package bio.flow.vocabularies;

import bio.flow.auth.Authenticator;
import bio.flow.http.ApiException;
import bio.flow.http.Check;
import bio.flow.http.Json;
import io.javalin.http.Context;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The data types. {@code GET /data/types/available} is for anyone: the types a data record may be given (what
 * an upload or import may name as its {@code data_type}). {@code GET /data/types} (the same with how many data
 * records have each type, and which are built in), {@code POST /data/types/create}, {@code /data/types/{id}/edit}
 * and {@code /data/types/{id}/delete} are for site administrators.
 *
 * <p>A type is named by an uppercase identifier ({@code FASTQ}) that data records refer to and that never
 * changes; it has a unique name, a description, and the file extensions that suggest it ({@code .fastq},
 * {@code .fq}). An extension suggests at most one type, and compression ({@code .gz}, {@code .bgz}) is not part
 * of any: it is detected separately. The built-in types are those the server assigns when it detects a file's
 * type, so they can be edited but not deleted.
 */
public final class DataTypeRoutes {
    /** The same rule as the CHECK on {@code data_types.identifier}. */
    static final Pattern IDENTIFIER = Pattern.compile("^[A-Z0-9][A-Z0-9_-]{0,31}$");
    static final int MAX_IDENTIFIER = 32;
    /** The same rule as the CHECK on {@code data_type_extensions.extension}. */
    static final Pattern EXTENSION = Pattern.compile("^(\\.[a-z0-9][a-z0-9_+-]*)+$");
    static final Pattern COMPRESSION = Pattern.compile("\\.b?gz$");
    static final int MAX_EXTENSION = 20;
    static final int MAX_EXTENSIONS = 20;

    /** The columns of a type, its extensions in alphabetical order. */
    private static final String COLUMNS = "t.identifier, t.name, t.description, t.built_in, "
            + "ARRAY(SELECT e.extension FROM data_type_extensions e WHERE e.data_type = t.identifier ORDER BY e.extension) AS extensions";

    private final Authenticator authenticator;
    private final Jdbi jdbi;

    DataTypeRoutes(Authenticator authenticator, Jdbi jdbi) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
    }

    record CreateRequest(String identifier, String name, String description, List<String> extensions) {}

    /** A field left out (or null) keeps its value; {@code extensions} replaces the whole list. */
    record EditRequest(String name, String description, List<String> extensions) {}

    /** A data type as anyone sees it. */
    record DataType(String identifier, String name, String description, List<String> extensions) {}

    /** A data type as administrators see it: also whether it is built in and how many data records have it. */
    record ManagedDataType(String identifier, String name, String description, List<String> extensions, boolean built_in,
                           long data_count) {}

    record SuccessResponse(boolean success, String message) {}

    /** {@code {"data_types": [...]}} by identifier; public. */
    public void available(Context ctx) {
        List<DataType> types = jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM data_types t ORDER BY t.identifier")
                .map((rs, c) -> new DataType(rs.getString("identifier"), rs.getString("name"), rs.getString("description"),
                        extensions(rs)))
                .list());
        ctx.json(Map.of("data_types", types));
    }

    /** {@code {"data_types": [...]}} by identifier, with their use; site administrators only. */
    public void list(Context ctx) {
        VocabularyRules.requireAdmin(authenticator, ctx, "data types");
        List<ManagedDataType> types = jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS
                        + ", (SELECT count(*) FROM data d WHERE d.data_type = t.identifier) AS data_count "
                        + "FROM data_types t ORDER BY t.identifier")
                .map((rs, c) -> managed(rs)).list());
        ctx.json(Map.of("data_types", types));
    }

    public void create(Context ctx) {
        requireAdmin(ctx);
        CreateRequest r = Json.body(ctx, CreateRequest.class);
        String identifier = Check.matches("identifier", Check.text("identifier", r.identifier(), 1, MAX_IDENTIFIER), IDENTIFIER,
                "must be 1 to " + MAX_IDENTIFIER + " uppercase letters, digits, '_' or '-', starting with a letter or digit");
        String name = Check.text("name", r.name(), 1, NamedVocabularyRoutes.MAX_NAME);
        String description = Check.optionalText("description", r.description(), NamedVocabularyRoutes.MAX_DESCRIPTION);
        Set<String> extensions = extensions(r.extensions());
        ManagedDataType created = jdbi.inTransaction(h -> {
            if (h.createQuery("SELECT EXISTS (SELECT 1 FROM data_types WHERE identifier = :id)").bind("id", identifier)
                    .mapTo(Boolean.class).one()) {
                throw identifierTaken(identifier);
            }
            requireNameFree(h, name, null);
            try {
                h.createUpdate("INSERT INTO data_types (identifier, name, description) VALUES (:id, :name, :description)")
                        .bind("id", identifier).bind("name", name).bind("description", description == null ? "" : description)
                        .execute();
            } catch (UnableToExecuteStatementException e) {
                if (!SqlErrors.is(e, SqlErrors.UNIQUE_VIOLATION)) throw e;
                throw SqlErrors.constraint(e).equals("data_types_pkey") ? identifierTaken(identifier) : VocabularyRules.nameTaken(name, "a data type");
            }
            if (extensions != null) setExtensions(h, identifier, extensions);
            return get(h, identifier);
        });
        ctx.status(201).json(created);
    }

    /** Changes the name, description and/or extensions; the identifier, which data records refer to, stays. */
    public void edit(Context ctx) {
        requireAdmin(ctx);
        EditRequest r = Json.body(ctx, EditRequest.class);
        String name = r.name() == null ? null : Check.text("name", r.name(), 1, NamedVocabularyRoutes.MAX_NAME);
        String description = Check.optionalText("description", r.description(), NamedVocabularyRoutes.MAX_DESCRIPTION);
        Set<String> extensions = extensions(r.extensions());
        String identifier = identifier(ctx);
        ManagedDataType edited = jdbi.inTransaction(h -> {
            lock(h, identifier);
            if (name != null) requireNameFree(h, name, identifier);
            try {
                h.createUpdate("UPDATE data_types SET name = coalesce(:name, name), description = coalesce(:description, description) "
                                + "WHERE identifier = :id")
                        .bind("name", name).bind("description", description).bind("id", identifier).execute();
            } catch (UnableToExecuteStatementException e) {
                if (SqlErrors.is(e, SqlErrors.UNIQUE_VIOLATION)) throw VocabularyRules.nameTaken(name, "a data type");
                throw e;
            }
            if (extensions != null) setExtensions(h, identifier, extensions);
            return get(h, identifier);
        });
        ctx.json(edited);
    }

    /** Deletes the type unless it is built in or data records have it (409, saying which or how many). */
    public void delete(Context ctx) {
        requireAdmin(ctx);
        String identifier = identifier(ctx);
        try {
            jdbi.useTransaction(h -> {
                // Locked first: transactions adding data of this type finish before the count (their foreign key
                // holds a share lock on the row), and new ones wait until this transaction ends.
                boolean builtIn = lock(h, identifier);
                if (builtIn) {
                    throw ApiException.conflict("data type '" + identifier + "' is built in: the server gives it to the files "
                            + "it recognises, so it can be changed but not deleted", Map.of("built_in", true));
                }
                long used = dataUsing(h, identifier);
                if (used > 0) throw inUse(identifier, used);
                h.createUpdate("DELETE FROM data_types WHERE identifier = :id").bind("id", identifier).execute();
            });
        } catch (UnableToExecuteStatementException e) {
            if (!SqlErrors.is(e, SqlErrors.FOREIGN_KEY_VIOLATION)) throw e;
            throw jdbi.withHandle(h -> inUse(identifier, dataUsing(h, identifier)));
        }
        ctx.json(new SuccessResponse(true, "data type '" + identifier + "' deleted"));
    }

    private void requireAdmin(Context ctx) {
        VocabularyRules.requireAdmin(authenticator, ctx, "data types");
    }

    /** Identifiers are uppercase; one typed in another case still finds its type. */
    private static String identifier(Context ctx) {
        return ctx.pathParam("id").toUpperCase(Locale.ROOT);
    }

    /** Locks the type's row for the rest of the transaction and answers whether it is built in; 404 when there is none. */
    private static boolean lock(Handle h, String identifier) {
        return h.createQuery("SELECT built_in FROM data_types WHERE identifier = :id FOR UPDATE").bind("id", identifier)
                .mapTo(Boolean.class).findOne()
                .orElseThrow(() -> ApiException.notFound("data type " + identifier));
    }

    private static ManagedDataType get(Handle h, String identifier) {
        return h.createQuery("SELECT " + COLUMNS + ", (SELECT count(*) FROM data d WHERE d.data_type = t.identifier) AS data_count "
                        + "FROM data_types t WHERE t.identifier = :id")
                .bind("id", identifier).map((rs, c) -> managed(rs)).one();
    }

    private static long dataUsing(Handle h, String identifier) {
        return h.createQuery("SELECT count(*) FROM data WHERE data_type = :id").bind("id", identifier).mapTo(Long.class).one();
    }

    private static ApiException inUse(String identifier, long data) {
        return InUse.conflict("data type '" + identifier + "'", InUse.Users.data(data));
    }

    private static void requireNameFree(Handle h, String name, String exceptIdentifier) {
        VocabularyRules.requireNameFree(h, "data_types", "identifier", name, exceptIdentifier, "a data type");
    }

    /**
     * Makes {@code extensions} the type's list. An extension that suggests another type already is a 409 naming
     * it; two requests racing for one extension meet the primary key, with the same answer.
     */
    private static void setExtensions(Handle h, String identifier, Set<String> extensions) {
        h.createUpdate("DELETE FROM data_type_extensions WHERE data_type = :id").bind("id", identifier).execute();
        if (extensions.isEmpty()) return;
        String[] wanted = extensions.toArray(String[]::new);
        h.createQuery("SELECT extension, data_type FROM data_type_extensions WHERE extension = ANY(:wanted) ORDER BY extension LIMIT 1")
                .bind("wanted", wanted)
                .map((rs, c) -> extensionTaken(rs.getString("extension"), rs.getString("data_type")))
                .findOne().ifPresent(e -> {
                    throw e;
                });
        try {
            h.createUpdate("INSERT INTO data_type_extensions (extension, data_type) SELECT unnest(:wanted), :id")
                    .bind("wanted", wanted).bind("id", identifier).execute();
        } catch (UnableToExecuteStatementException e) {
            if (!SqlErrors.is(e, SqlErrors.UNIQUE_VIOLATION)) throw e;
            throw ApiException.conflict("extensions", "one of " + String.join(", ", extensions)
                    + " was given to another data type at the same time; try again");
        }
    }

    /**
     * The extensions of a request, checked, in the order given; null when left out. Each is lowercase, starts
     * with a dot and names no compression; a fault in one names it by position ({@code extensions.2}).
     */
    private static Set<String> extensions(List<String> given) {
        if (given == null) return null;
        if (given.size() > MAX_EXTENSIONS) throw ApiException.invalid("extensions", "must list at most " + MAX_EXTENSIONS + " extensions");
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < given.size(); i++) {
            String field = "extensions." + i;
            String v = Check.text(field, given.get(i), 2, MAX_EXTENSION);
            if (COMPRESSION.matcher(v).find()) {
                throw ApiException.invalid(field, "'" + v + "': compression (.gz, .bgz) is recognised by itself and is not "
                        + "part of a data type's extensions; list '" + COMPRESSION.matcher(v).replaceFirst("") + "' instead");
            }
            Check.matches(field, v, EXTENSION, "'" + v + "' is not an extension: it must start with a dot and hold only "
                    + "lowercase letters, digits, '_', '+', '-' and further dots (such as .fq or .g.vcf)");
            if (!out.add(v)) throw ApiException.invalid(field, "lists '" + v + "' a second time");
        }
        return out;
    }

    private static ApiException identifierTaken(String identifier) {
        return ApiException.conflict("identifier", "there is already a data type with the identifier '" + identifier + "'");
    }

    private static ApiException extensionTaken(String extension, String type) {
        return ApiException.conflict("extensions", "'" + extension + "' already suggests the data type " + type
                + "; remove it from that type first");
    }

    private static ManagedDataType managed(ResultSet rs) throws SQLException {
        return new ManagedDataType(rs.getString("identifier"), rs.getString("name"), rs.getString("description"), extensions(rs),
                rs.getBoolean("built_in"), rs.getLong("data_count"));
    }

    private static List<String> extensions(ResultSet rs) throws SQLException {
        return List.of((String[]) rs.getArray("extensions").getArray());
    }
}
