package bio.flow.vocabularies;

import bio.flow.auth.Authenticator;
import bio.flow.http.ApiException;
import bio.flow.http.Check;
import bio.flow.http.Json;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The routes of one numbered vocabulary ({@link Vocabulary}): sample sources, purification targets or sample
 * types. {@code GET <path>} lists it for anyone; {@code POST <path>/create}, {@code <path>/{id}/edit} and
 * {@code <path>/{id}/delete} are for site administrators. Names are 1 to 100 characters and unique whatever
 * their case; sample types also have a description of up to 2000 characters.
 */
public final class NamedVocabularyRoutes {
    static final int MAX_NAME = 100;
    static final int MAX_DESCRIPTION = 2000;

    private final Vocabulary vocabulary;
    private final Authenticator authenticator;
    private final Jdbi jdbi;
    private final RowMapper<Object> entries;

    NamedVocabularyRoutes(Vocabulary vocabulary, Authenticator authenticator, Jdbi jdbi) {
        this.vocabulary = vocabulary;
        this.authenticator = authenticator;
        this.jdbi = jdbi;
        this.entries = vocabulary.described
                ? (rs, c) -> new DescribedEntry(rs.getLong("id"), rs.getString("name"), rs.getString("description"))
                : (rs, c) -> new Entry(rs.getLong("id"), rs.getString("name"));
    }

    /** Body of create and edit for sources and purification targets. */
    record NameRequest(String name) {}

    /** Body of create and edit for sample types. */
    record SampleTypeRequest(String name, String description) {}

    /** A source or purification target. */
    record Entry(long id, String name) {}

    /** A sample type. */
    record DescribedEntry(long id, String name, String description) {}

    record SuccessResponse(boolean success, String message) {}

    /** {@code {"<list key>": [entries by name]}}; public. */
    public void list(Context ctx) {
        List<Object> list = jdbi.withHandle(h -> h.createQuery("SELECT " + vocabulary.columns() + " FROM " + vocabulary.table
                        + " ORDER BY lower(name), name, id")
                .map(entries).list());
        ctx.json(Map.of(vocabulary.listKey, list));
    }

    public void create(Context ctx) {
        requireAdmin(ctx);
        String name;
        String description = null;
        if (vocabulary.described) {
            SampleTypeRequest r = Json.body(ctx, SampleTypeRequest.class);
            name = Check.text("name", r.name(), 1, MAX_NAME);
            description = Check.optionalText("description", r.description(), MAX_DESCRIPTION);
        } else {
            name = Check.text("name", Json.body(ctx, NameRequest.class).name(), 1, MAX_NAME);
        }
        String d = description == null ? "" : description;
        Object created = jdbi.inTransaction(h -> {
            requireNameFree(h, name, null);
            var insert = vocabulary.described
                    ? h.createQuery("INSERT INTO " + vocabulary.table + " (name, description) VALUES (:name, :description) "
                            + "RETURNING " + vocabulary.columns()).bind("description", d)
                    : h.createQuery("INSERT INTO " + vocabulary.table + " (name) VALUES (:name) RETURNING " + vocabulary.columns());
            try {
                return insert.bind("name", name).map(entries).one();
            } catch (UnableToExecuteStatementException e) {
                throw nameTakenIfUnique(e, name);
            }
        });
        ctx.status(201).json(created);
    }

    /** Renames the entry (sample types: and/or changes its description); samples keep referring to it. */
    public void edit(Context ctx) {
        requireAdmin(ctx);
        String name;
        String description = null;
        if (vocabulary.described) {
            SampleTypeRequest r = Json.body(ctx, SampleTypeRequest.class);
            name = r.name() == null ? null : Check.text("name", r.name(), 1, MAX_NAME);
            description = Check.optionalText("description", r.description(), MAX_DESCRIPTION);
        } else {
            name = Check.text("name", Json.body(ctx, NameRequest.class).name(), 1, MAX_NAME);
        }
        long id = id(ctx);
        String newName = name;
        String newDescription = description;
        Object edited = jdbi.inTransaction(h -> {
            lock(h, id);
            if (newName != null) requireNameFree(h, newName, id);
            var update = vocabulary.described
                    ? h.createQuery("UPDATE " + vocabulary.table + " SET name = coalesce(:name, name), "
                            + "description = coalesce(:description, description) WHERE id = :id RETURNING " + vocabulary.columns())
                            .bind("description", newDescription)
                    : h.createQuery("UPDATE " + vocabulary.table + " SET name = :name WHERE id = :id RETURNING " + vocabulary.columns());
            try {
                return update.bind("name", newName).bind("id", id).map(entries).one();
            } catch (UnableToExecuteStatementException e) {
                throw nameTakenIfUnique(e, newName);
            }
        });
        ctx.json(edited);
    }

    /** Deletes the entry unless a sample uses it (409, saying how many do). */
    public void delete(Context ctx) {
        requireAdmin(ctx);
        long id = id(ctx);
        String name;
        try {
            name = jdbi.inTransaction(h -> {
                // The row lock waits for transactions that are adding samples of this entry, and keeps new ones
                // waiting until this one ends: the count below is then the final word.
                String locked = lock(h, id);
                long used = samplesUsing(h, id);
                if (used > 0) throw InUse.conflict(what(locked), InUse.Users.samples(used));
                h.createUpdate("DELETE FROM " + vocabulary.table + " WHERE id = :id").bind("id", id).execute();
                return locked;
            });
        } catch (UnableToExecuteStatementException e) {
            if (!SqlErrors.is(e, SqlErrors.FOREIGN_KEY_VIOLATION)) throw e;
            // Something still refers to the entry after all: say what, from a fresh transaction.
            throw jdbi.withHandle(h -> {
                String current = h.createQuery("SELECT name FROM " + vocabulary.table + " WHERE id = :id")
                        .bind("id", id).mapTo(String.class).findOne().orElse(Long.toString(id));
                return InUse.conflict(what(current), InUse.Users.samples(samplesUsing(h, id)));
            });
        }
        ctx.json(new SuccessResponse(true, what(name) + " deleted"));
    }

    private void requireAdmin(Context ctx) {
        VocabularyRules.requireAdmin(authenticator, ctx, vocabulary.label + "s");
    }

    /** The numeric id of the path; anything else names no entry (404). */
    private long id(Context ctx) {
        String raw = ctx.pathParam("id");
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw notFound(raw);
        }
    }

    /** Locks the entry's row for the rest of the transaction and answers its name; 404 when there is none. */
    private String lock(Handle h, long id) {
        return h.createQuery("SELECT name FROM " + vocabulary.table + " WHERE id = :id FOR UPDATE")
                .bind("id", id).mapTo(String.class).findOne()
                .orElseThrow(() -> notFound(Long.toString(id)));
    }

    private long samplesUsing(Handle h, long id) {
        return h.createQuery("SELECT count(*) FROM samples WHERE " + vocabulary.sampleColumn + " = :id")
                .bind("id", id).mapTo(Long.class).one();
    }

    /** 409 on {@code name} when another entry (any case) has the name already. */
    private void requireNameFree(Handle h, String name, Long exceptId) {
        VocabularyRules.requireNameFree(h, vocabulary.table, "id", name, exceptId == null ? null : exceptId.toString(), "a " + vocabulary.label);
    }

    /** A unique violation (two requests racing for one name) is the same 409; anything else goes on. */
    private RuntimeException nameTakenIfUnique(UnableToExecuteStatementException e, String name) {
        return SqlErrors.is(e, SqlErrors.UNIQUE_VIOLATION) ? VocabularyRules.nameTaken(name, "a " + vocabulary.label) : e;
    }

    private ApiException notFound(String id) {
        return ApiException.notFound(vocabulary.label + " " + id);
    }

    private String what(String name) {
        return vocabulary.label + " '" + name + "'";
    }
}
