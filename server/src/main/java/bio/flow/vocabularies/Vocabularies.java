package bio.flow.vocabularies;

import bio.flow.http.ApiException;
import bio.flow.http.Check;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Handle;

/**
 * Lookups for features that describe samples and projects with the vocabularies: a name (any case) or an
 * organism or data type identifier in, the id to store out, on the caller's handle so that it runs in their
 * transaction. An unknown or missing value is a 400 naming the request field ({@code sample_type},
 * {@code source}, {@code purification_target}, {@code organism}, {@code data_type}) and pointing at the list of
 * known values. Holds no state:
 * one instance is built in {@code App} and handed to the features that need it.
 */
public final class Vocabularies {
    public Vocabularies() {}

    /**
     * Every value a sample or data record may be described with, in the form the lookups below take: organism ids
     * and data type identifiers, and the names of the other vocabularies; each list sorted.
     */
    public record Choices(List<String> organisms, List<String> sampleTypes, List<String> sources, List<String> purificationTargets,
                          List<String> dataTypes) {}

    public Choices choices(Handle h) {
        return new Choices(strings(h, "SELECT id FROM organisms ORDER BY id"), names(h, Vocabulary.SAMPLE_TYPE),
                names(h, Vocabulary.SOURCE), names(h, Vocabulary.PURIFICATION_TARGET),
                strings(h, "SELECT identifier FROM data_types ORDER BY identifier"));
    }

    private static List<String> names(Handle h, Vocabulary v) {
        return strings(h, "SELECT name FROM " + v.table + " ORDER BY lower(name)");
    }

    private static List<String> strings(Handle h, String sql) {
        return h.createQuery(sql).mapTo(String.class).list();
    }

    /** The id of the sample type called {@code name} (any case). */
    public long sampleTypeId(Handle h, String name) {
        return idOf(h, Vocabulary.SAMPLE_TYPE, name);
    }

    /** The id of the sample source called {@code name} (any case). */
    public long sourceId(Handle h, String name) {
        return idOf(h, Vocabulary.SOURCE, name);
    }

    /** The id of the purification target called {@code name} (any case). */
    public long purificationTargetId(Handle h, String name) {
        return idOf(h, Vocabulary.PURIFICATION_TARGET, name);
    }

    /** The id of the organism {@code id} as stored (ids are lowercase; any case is accepted). */
    public String organismId(Handle h, String id) {
        String given = Check.required("organism", id).strip();
        return h.createQuery("SELECT id FROM organisms WHERE id = :id")
                .bind("id", given.toLowerCase(Locale.ROOT)).mapTo(String.class).findOne()
                .orElseThrow(() -> ApiException.invalid("organism", "unknown organism '" + given + "'; see GET /organisms"));
    }

    /** The identifier of the data type {@code identifier} as stored (identifiers are uppercase; any case is accepted). */
    public String dataTypeId(Handle h, String identifier) {
        String given = Check.required("data_type", identifier).strip();
        return h.createQuery("SELECT identifier FROM data_types WHERE identifier = :id")
                .bind("id", given.toUpperCase(Locale.ROOT)).mapTo(String.class).findOne()
                .orElseThrow(() -> ApiException.invalid("data_type", "unknown data type '" + given + "'; see GET /data/types/available"));
    }

    private long idOf(Handle h, Vocabulary v, String name) {
        String given = Check.required(v.field, name).strip();
        return h.createQuery("SELECT id FROM " + v.table + " WHERE lower(name) = lower(:name)")
                .bind("name", given).mapTo(Long.class).findOne()
                .orElseThrow(() -> ApiException.invalid(v.field, "unknown " + v.label + " '" + given + "'; see GET " + v.path));
    }
}
