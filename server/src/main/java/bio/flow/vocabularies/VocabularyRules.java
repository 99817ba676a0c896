package bio.flow.vocabularies;

import bio.flow.auth.Authenticator;
import bio.flow.http.ApiException;
import io.javalin.http.Context;
import org.jdbi.v3.core.Handle;

/**
 * What the routes of every vocabulary share: only site administrators change a vocabulary, and its names are
 * unique whatever their case. Table and column names passed here are constants, never request text.
 */
final class VocabularyRules {
    private VocabularyRules() {}

    /** 401 without a valid sign-in, 403 unless the caller is a site administrator; {@code entries}: "organisms". */
    static void requireAdmin(Authenticator authenticator, Context ctx, String entries) {
        if (!authenticator.require(ctx).isAdmin()) throw ApiException.forbidden("only administrators may change the " + entries);
    }

    /**
     * 409 on {@code name} when an entry of {@code table} other than the one whose {@code key} is {@code except}
     * (null: none) has the name in any case; {@code anEntry}: "a sample type", "an organism".
     */
    static void requireNameFree(Handle h, String table, String key, String name, String except, String anEntry) {
        boolean taken = h.createQuery("SELECT EXISTS (SELECT 1 FROM " + table + " WHERE lower(name) = lower(:name) AND "
                        + key + "::text IS DISTINCT FROM :except)")
                .bind("name", name).bind("except", except).mapTo(Boolean.class).one();
        if (taken) throw nameTaken(name, anEntry);
    }

    static ApiException nameTaken(String name, String anEntry) {
        return ApiException.conflict("name", "there is already " + anEntry + " called '" + name + "' (names are compared ignoring case)");
    }
}
