package bio.flow.samples;

import bio.flow.http.ApiException;
import bio.flow.vocabularies.Vocabularies;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /samples/metadata} and {@code GET /samples/metadata/{identifier}/options}, public like the vocabularies:
 * the attributes that describe a sample beside its name, type, project and organism, which a sample is created or
 * edited with (fields of {@code POST /samples/new}, columns of the annotation template, fields of
 * {@code POST /upload/sample}). Two take a value from a vocabulary the site administrators keep (their options, read
 * from the database on every request); two are free text. None is required, for any sample type. Any other key a
 * client sends is kept as the sample's free-form metadata.
 */
public final class MetadataAttributes {
    /**
     * One attribute: {@code identifier} is its field name; {@code has_options}: its values are the options;
     * {@code allow_user_terms}: any text is a value; {@code sample_type_links}: the sample types that require it.
     */
    public record Attribute(String identifier, String name, String description, boolean required, boolean has_options,
                            boolean allow_user_terms, boolean allow_annotation, List<TypeLink> sample_type_links) {}

    public record TypeLink(String sample_type_identifier, boolean required) {}

    public record AttributeList(List<Attribute> attributes) {}

    public record Option(String value) {}

    public record OptionList(String identifier, List<Option> options) {}

    /** The attributes, and where the options of those that have some come from. */
    private static final List<Attribute> ATTRIBUTES = List.of(
            closed("source", "Source", "What the sample was taken from; one of GET /samples/sources"),
            closed("purification_target", "Purification target", "What was purified from it; one of GET /samples/purification_targets"),
            open("condition", "Condition", "The experimental condition of the sample, in the lab's own words"),
            open("replicate_group", "Replicate group", "The name shared by the replicates of one condition"));

    private static final java.util.Map<String, Function<Vocabularies.Choices, List<String>>> OPTIONS = java.util.Map.of(
            "source", Vocabularies.Choices::sources,
            "purification_target", Vocabularies.Choices::purificationTargets);

    private final Jdbi jdbi;
    private final Vocabularies vocabularies;

    public MetadataAttributes(Jdbi jdbi, Vocabularies vocabularies) {
        this.jdbi = jdbi;
        this.vocabularies = vocabularies;
    }

    public void list(Context ctx) {
        ctx.json(new AttributeList(ATTRIBUTES));
    }

    /** The values an attribute takes: its vocabulary's current names, by name; none for a free-text attribute. */
    public void options(Context ctx) {
        String identifier = ctx.pathParam("identifier");
        if (ATTRIBUTES.stream().noneMatch(a -> a.identifier().equals(identifier))) throw ApiException.notFound("metadata attribute '" + identifier + "'");
        Function<Vocabularies.Choices, List<String>> options = OPTIONS.get(identifier);
        List<Option> values = options == null ? List.of()
                : jdbi.withHandle(h -> options.apply(vocabularies.choices(h))).stream().map(Option::new).toList();
        ctx.json(new OptionList(identifier, values));
    }

    private static Attribute closed(String identifier, String name, String description) {
        return new Attribute(identifier, name, description, false, true, false, false, List.of());
    }

    private static Attribute open(String identifier, String name, String description) {
        return new Attribute(identifier, name, description, false, false, true, false, List.of());
    }
}
