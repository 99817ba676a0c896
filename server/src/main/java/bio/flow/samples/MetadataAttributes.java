package bio.flow.samples;

import bio.flow.vocabularies.Vocabularies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The metadata attributes of samples: the four built into the samples table ({@code source} and
 * {@code purification_target}, whose values are the vocabularies the site administrators keep, and the free-text
 * {@code condition} and {@code replicate_group}), listed first, then those a lab defines (table
 * {@code metadata_attributes}, V41), whose values a sample keeps in its metadata map under the attribute's identifier.
 * This class reads them; {@link MetadataAttributeRoutes} serves and changes them, {@link MetadataValues} checks a
 * sample's values against them.
 */
public final class MetadataAttributes {
    /**
     * Identifiers no attribute may have: the form fields of {@code POST /upload/sample} (both chunk protocols: an
     * attribute of that name would overwrite or duplicate the field, since metadata shares the form), and the sample's
     * own fields (those of {@code POST /samples/new} and of its answer).
     */
    static final Set<String> RESERVED = Set.of(
            "filename", "expected_file_size", "is_last", "data", "is_last_sample", "previous_data", "sample_name", "sample_type",
            "project", "organism", "blob", "file", "chunk", "total_chunks", "file_id", "data_type", "sample_id", "project_id", "md5",
            "read_number", "lane", "id", "name", "owner", "created", "permissions", "metadata");

    /** An attribute defined for a sample type: {@code required} makes it required for samples of that type. */
    public record Link(long sampleTypeId, String sampleType, boolean required) {}

    /**
     * One attribute as the rules read it. {@code options}: the values it offers (empty: none); {@code links} by sample
     * type id; {@code builtIn}: a column of the samples table, changed through its vocabulary, never required.
     */
    public record Definition(String identifier, String name, String description, boolean required, boolean allowUserTerms,
                      boolean allowAnnotation, int position, List<String> options, Map<Long, Link> links, boolean builtIn) {
        public boolean hasOptions() {
            return !options.isEmpty();
        }

        /** Whether its values are checked against its options. */
        public boolean closed() {
            return hasOptions() && !allowUserTerms;
        }

        /** Whether a sample of this sample type (null: none) must have a value. */
        boolean requiredFor(Long sampleTypeId) {
            return required || sampleTypeId != null && links.containsKey(sampleTypeId) && links.get(sampleTypeId).required();
        }

        /** The same for a sample type named {@code sampleType} (any case; null: none), as a sheet names it. */
        public boolean requiredFor(String sampleType) {
            return required || sampleType != null && links.values().stream().anyMatch(l -> l.required() && l.sampleType().equalsIgnoreCase(sampleType));
        }
    }

    private MetadataAttributes() {}

    /** Every attribute, the built-ins first (their options: their vocabularies' current names), then the defined ones in order. */
    static List<Definition> all(Handle h, Vocabularies vocabularies) {
        Vocabularies.Choices choices = vocabularies.choices(h);
        List<Definition> all = new ArrayList<>(List.of(
                builtIn("source", "Source", "What the sample was taken from; one of GET /samples/sources", choices.sources(), false),
                builtIn("purification_target", "Purification target", "What was purified from it; one of GET /samples/purification_targets",
                        choices.purificationTargets(), false),
                builtIn("condition", "Condition", "The experimental condition of the sample, in the lab's own words", List.of(), true),
                builtIn("replicate_group", "Replicate group", "The name shared by the replicates of one condition", List.of(), true)));
        all.addAll(defined(h));
        return all;
    }

    /** The identifiers of the built-in attributes, which are fields of the sample itself. */
    static final List<String> BUILT_IN = List.of("source", "purification_target", "condition", "replicate_group");

    private static Definition builtIn(String identifier, String name, String description, List<String> options, boolean userTerms) {
        return new Definition(identifier, name, description, false, userTerms, false, 0, options, Map.of(), true);
    }

    /** The attributes the lab defined, in order (three queries, whatever their number). */
    public static List<Definition> defined(Handle h) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        h.createQuery("SELECT attribute, value FROM metadata_attribute_options ORDER BY attribute, position")
                .map((rs, c) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> options.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        Map<String, Map<Long, Link>> links = new LinkedHashMap<>();
        h.createQuery("SELECT l.attribute, l.sample_type_id, t.name, l.required FROM metadata_attribute_sample_types l "
                        + "JOIN sample_types t ON t.id = l.sample_type_id ORDER BY l.attribute, lower(t.name)")
                .map((rs, c) -> Map.entry(rs.getString(1), new Link(rs.getLong(2), rs.getString(3), rs.getBoolean(4))))
                .forEach(e -> links.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>()).put(e.getValue().sampleTypeId(), e.getValue()));
        return h.createQuery("SELECT identifier, name, description, required, allow_user_terms, allow_annotation, position "
                        + "FROM metadata_attributes ORDER BY position, identifier")
                .map((rs, c) -> {
                    String id = rs.getString("identifier");
                    return new Definition(id, rs.getString("name"), rs.getString("description"), rs.getBoolean("required"),
                            rs.getBoolean("allow_user_terms"), rs.getBoolean("allow_annotation"), rs.getInt("position"),
                            List.copyOf(options.getOrDefault(id, List.of())), links.getOrDefault(id, Map.of()), false);
                })
                .list();
    }
}
