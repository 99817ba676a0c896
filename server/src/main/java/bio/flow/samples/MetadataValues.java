package bio.flow.samples;

import bio.flow.http.ApiException;
import bio.flow.samples.MetadataAttributes.Definition;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Handle;

/**
 * The one place where a sample's metadata values are checked against the attributes the lab defined
 * ({@link MetadataAttributes}), for every way a sample is created or edited ({@link Samples}: {@code POST /samples/new},
 * its edit, the annotation sheet import, {@code POST /upload/sample}):
 * <ul>
 * <li>a value of an attribute with options and without {@code allow_user_terms} is one of its options (any case; the
 *     option's own spelling is stored);</li>
 * <li>{@code <identifier>__annotation} only for an attribute with {@code allow_annotation};</li>
 * <li>an attribute required for every sample, or for the sample's type, has a value: always when a sample is created;
 *     when one is edited, if the edit changes that attribute or the sample's type (so that a sample made before the
 *     attribute was required can still be renamed, yet no edit removes a required value).</li>
 * </ul>
 * A blank value of a defined attribute is no value: it is not stored (and removes the one there was). Other keys are
 * the sample's free-form metadata, kept as they are.
 */
final class MetadataValues {
    static final String ANNOTATION_SUFFIX = "__annotation";
    /** How many of an attribute's options a refusal lists. */
    private static final int LISTED = 10;

    /** A sample before an edit: its name, type and metadata. */
    record Current(String name, Long sampleTypeId, Map<String, String> metadata) {}

    private final List<Definition> defined;
    /** Every attribute, built-ins included (for their annotation keys), by identifier. */
    private final Map<String, Definition> byIdentifier = new HashMap<>();

    private MetadataValues(List<Definition> defined) {
        this.defined = defined;
        for (String builtIn : MetadataAttributes.BUILT_IN) {
            byIdentifier.put(builtIn, new Definition(builtIn, builtIn, "", false, true, false, 0, List.of(), Map.of(), true));
        }
        defined.forEach(d -> byIdentifier.put(d.identifier(), d));
    }

    /** The rules as they are now, on the caller's handle. */
    static MetadataValues load(Handle h) {
        return new MetadataValues(MetadataAttributes.defined(h));
    }

    /** The metadata a new sample called {@code sample}, of sample type {@code sampleTypeId} (null: none), is stored with. */
    Map<String, String> forNew(String sample, Long sampleTypeId, Map<String, String> given) {
        Map<String, String> values = checked(sample, given == null ? Map.of() : given);
        values.values().removeIf(v -> v == null);
        for (Definition d : defined) {
            if (d.requiredFor(sampleTypeId) && !values.containsKey(d.identifier())) throw missing(sample, d, sampleTypeId);
        }
        return values;
    }

    /**
     * The metadata change of an edit ({@code given}: null values remove; null: no change), checked against the
     * sample as it is ({@code current}) and the sample type it has after the edit.
     */
    Map<String, String> forEdit(Current current, Long sampleTypeAfter, Map<String, String> given) {
        String sample = current.name();
        Map<String, String> change = given == null ? null : checked(sample, given);
        boolean typeChanged = !Objects.equals(sampleTypeAfter, current.sampleTypeId());
        for (Definition d : defined) {
            if (!d.requiredFor(sampleTypeAfter)) continue;
            boolean touched = change != null && change.containsKey(d.identifier());
            if (!touched && !typeChanged) continue;
            String after = touched ? change.get(d.identifier()) : current.metadata().get(d.identifier());
            if (after == null || after.isBlank()) throw missing(sample, d, sampleTypeAfter);
        }
        return change;
    }

    /**
     * The samples of {@code ids} as they are, their rows locked until the caller's transaction ends (the edit's), in
     * the order of their ids so that two edits of the same samples wait for each other rather than deadlock.
     */
    static Map<Long, Current> current(Handle h, Collection<Long> ids) {
        Map<Long, Current> out = new HashMap<>();
        h.createQuery("SELECT id, name, sample_type_id, metadata::text AS metadata FROM samples WHERE id = ANY(:ids) ORDER BY id FOR UPDATE")
                .bindArray("ids", Long.class, ids)
                .map((rs, c) -> {
                    long type = rs.getLong("sample_type_id");
                    return Map.entry(rs.getLong("id"), new Current(rs.getString("name"), rs.wasNull() ? null : type,
                            Samples.readMetadata(rs.getString("metadata"))));
                })
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /**
     * The values given, those of defined attributes checked (their options, their annotations) and normalised (an
     * option's own spelling; blank: null, that is none); the free-form ones as they are.
     */
    private Map<String, String> checked(String sample, Map<String, String> given) {
        Map<String, String> out = new LinkedHashMap<>();
        given.forEach((key, value) -> {
            if (key.endsWith(ANNOTATION_SUFFIX)) {
                Definition annotated = byIdentifier.get(key.substring(0, key.length() - ANNOTATION_SUFFIX.length()));
                if (annotated != null && !annotated.allowAnnotation()) {
                    throw ApiException.invalid("metadata." + key, "the attribute " + annotated.identifier() + " takes no annotation (its "
                            + "allow_annotation is false; sample '" + sample + "')");
                }
                out.put(key, value);
                return;
            }
            Definition d = byIdentifier.get(key);
            if (d == null || d.builtIn()) {
                out.put(key, value);
                return;
            }
            String v = value == null || value.isBlank() ? null : value.strip();
            out.put(key, v == null || !d.closed() ? v : option(sample, d, v));
        });
        return out;
    }

    /** The option of {@code d} that {@code value} is (any case), in its own spelling; else a 400 listing a few. */
    private static String option(String sample, Definition d, String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        for (String o : d.options()) if (o.toLowerCase(Locale.ROOT).equals(lower)) return o;
        List<String> some = d.options().subList(0, Math.min(LISTED, d.options().size()));
        String field = "metadata." + d.identifier();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("field", field);
        details.put("allowed", some);
        throw ApiException.invalid(field + ": '" + value + "' (sample '" + sample + "') is not one of the options of " + d.name() + ": "
                + String.join(", ", some) + (some.size() < d.options().size() ? ", ... (" + d.options().size() + " in all" : " (")
                + "; GET /samples/metadata/" + d.identifier() + "/options)", details);
    }

    private static ApiException missing(String sample, Definition d, Long sampleTypeId) {
        String forWhom = d.required() ? "every sample" : "samples of type " + d.links().get(sampleTypeId).sampleType();
        return ApiException.invalid("metadata." + d.identifier(), "is required for " + forWhom + " (" + d.name() + "); sample '" + sample
                + "' has no value");
    }
}
