package bio.flow.samples;

import bio.flow.auth.Authenticator;
import bio.flow.http.ApiException;
import bio.flow.http.Check;
import bio.flow.http.Json;
import bio.flow.samples.MetadataAttributes.Definition;
import bio.flow.vocabularies.Vocabularies;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.util.PSQLException;

/**
 * {@code GET /samples/metadata} and {@code GET /samples/metadata/{identifier}/options}, public like the vocabularies,
 * and the routes that change the attributes a lab defines, for site administrators only (like every vocabulary):
 * {@code POST /samples/metadata/create}, {@code /{identifier}/edit}, {@code /{identifier}/delete},
 * {@code /{identifier}/options} (its options, replaced) and {@code /{identifier}/sample_types} (its sample-type
 * links, replaced). The four built-in attributes are fields of the sample: they are listed, never changed here (their
 * options are the vocabularies of {@code /samples/sources} and {@code /samples/purification_targets}).
 */
public final class MetadataAttributeRoutes {
    /** URL-safe (the client puts it unescaped in a path) and a form field name; "__" is left to annotation keys. */
    private static final Pattern IDENTIFIER = Pattern.compile("^[a-z][a-z0-9_]{0,62}$");
    static final int MAX_NAME = 100;
    static final int MAX_DESCRIPTION = 2000;
    static final int MAX_OPTION = 200;
    static final int MAX_OPTIONS = 1000;
    static final int MAX_POSITION = 1_000_000;

    private final Authenticator authenticator;
    private final Jdbi jdbi;
    private final Vocabularies vocabularies;

    public MetadataAttributeRoutes(Authenticator authenticator, Jdbi jdbi, Vocabularies vocabularies) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
        this.vocabularies = vocabularies;
    }

    public record TypeLink(String sample_type_identifier, boolean required) {}

    /**
     * An attribute as answered: the keys the flowbio client reads, then, for our own clients, its {@code options}
     * (those of GET .../options), {@code required_for_sample_types} (the sample types whose link requires it; with
     * {@code required} it is required for every type anyway) and {@code built_in}.
     */
    public record Attribute(String identifier, String name, String description, boolean required, boolean has_options,
                            boolean allow_user_terms, boolean allow_annotation, List<TypeLink> sample_type_links, List<String> options,
                            List<String> required_for_sample_types, boolean built_in) {}

    public record AttributeList(List<Attribute> attributes) {}

    public record Option(String value) {}

    public record OptionList(String identifier, List<Option> options) {}

    record SuccessResponse(boolean success, String message) {}

    /** Body of create; of edit without {@code options} and {@code sample_type_links}, and {@code identifier} only unchanged. */
    record AttributeRequest(String identifier, String name, String description, Boolean required, Boolean allow_user_terms,
                            Boolean allow_annotation, Integer position, List<String> options, List<LinkRequest> sample_type_links) {}

    record LinkRequest(String sample_type_identifier, Boolean required) {}

    record OptionsRequest(List<String> options) {}

    record LinksRequest(List<LinkRequest> sample_type_links) {}

    public void list(Context ctx) {
        ctx.json(new AttributeList(jdbi.withHandle(h -> MetadataAttributes.all(h, vocabularies)).stream().map(MetadataAttributeRoutes::answer).toList()));
    }

    /** The values an attribute offers (a built-in: its vocabulary's current names); none for a free-text attribute. */
    public void options(Context ctx) {
        String identifier = ctx.pathParam("identifier");
        Definition d = jdbi.withHandle(h -> find(h, identifier));
        ctx.json(new OptionList(d.identifier(), d.options().stream().map(Option::new).toList()));
    }

    public void create(Context ctx) {
        requireAdmin(ctx);
        AttributeRequest r = Json.body(ctx, AttributeRequest.class);
        String identifier = Check.required("identifier", r.identifier()).strip();
        Check.matches("identifier", identifier, IDENTIFIER, "must be 1 to 63 lowercase letters, digits and underscores, starting with a letter");
        if (identifier.contains("__")) throw ApiException.invalid("identifier", "must not contain '__' (it marks the key <identifier>__annotation)");
        if (MetadataAttributes.RESERVED.contains(identifier)) {
            throw ApiException.invalid("identifier", "'" + identifier + "' is a field of the sample or of POST /upload/sample, whose form the "
                    + "metadata shares; choose another");
        }
        String name = Check.text("name", r.name(), 1, MAX_NAME);
        String description = Check.optionalText("description", r.description(), MAX_DESCRIPTION);
        Integer position = position(r.position());
        List<String> options = r.options() == null ? null : options(r.options());
        Definition created = jdbi.inTransaction(h -> {
            if (MetadataAttributes.BUILT_IN.contains(identifier) || exists(h, identifier)) {
                throw ApiException.conflict("identifier", "there is already a metadata attribute '" + identifier + "'");
            }
            requireNameFree(h, name, null);
            try {
                h.createUpdate("INSERT INTO metadata_attributes (identifier, name, description, required, allow_user_terms, allow_annotation, "
                                + "position) VALUES (:identifier, :name, :description, :required, :user_terms, :annotation, "
                                + "coalesce(:position, (SELECT coalesce(max(position), 0) + 1 FROM metadata_attributes)))")
                        .bind("identifier", identifier).bind("name", name).bind("description", description == null ? "" : description)
                        .bind("required", Boolean.TRUE.equals(r.required())).bind("user_terms", Boolean.TRUE.equals(r.allow_user_terms()))
                        .bind("annotation", Boolean.TRUE.equals(r.allow_annotation())).bind("position", position).execute();
            } catch (UnableToExecuteStatementException e) {
                throw takenIfUnique(e, identifier, name);
            }
            if (options != null) setOptions(h, identifier, options);
            if (r.sample_type_links() != null) setLinks(h, identifier, r.sample_type_links());
            return find(h, identifier);
        });
        ctx.status(201).json(answer(created));
    }

    /** Changes the fields given; the identifier (the key samples keep their values under) never changes. */
    public void edit(Context ctx) {
        requireAdmin(ctx);
        AttributeRequest r = Json.body(ctx, AttributeRequest.class);
        String identifier = ctx.pathParam("identifier");
        if (r.identifier() != null && !r.identifier().strip().equals(identifier)) {
            throw ApiException.invalid("identifier", "cannot be changed: samples keep their values under it; create another attribute instead");
        }
        if (r.options() != null) throw ApiException.invalid("options", "are set with POST /samples/metadata/{identifier}/options");
        if (r.sample_type_links() != null) {
            throw ApiException.invalid("sample_type_links", "are set with POST /samples/metadata/{identifier}/sample_types");
        }
        String name = r.name() == null ? null : Check.text("name", r.name(), 1, MAX_NAME);
        String description = Check.optionalText("description", r.description(), MAX_DESCRIPTION);
        Integer position = position(r.position());
        Definition edited = jdbi.inTransaction(h -> {
            lock(h, identifier);
            if (name != null) requireNameFree(h, name, identifier);
            try {
                h.createUpdate("UPDATE metadata_attributes SET name = coalesce(:name, name), description = coalesce(:description, description), "
                                + "required = coalesce(:required, required), allow_user_terms = coalesce(:user_terms, allow_user_terms), "
                                + "allow_annotation = coalesce(:annotation, allow_annotation), position = coalesce(:position, position) "
                                + "WHERE identifier = :identifier")
                        .bind("identifier", identifier).bind("name", name).bind("description", description).bind("required", r.required())
                        .bind("user_terms", r.allow_user_terms()).bind("annotation", r.allow_annotation()).bind("position", position).execute();
            } catch (UnableToExecuteStatementException e) {
                throw takenIfUnique(e, identifier, name);
            }
            return find(h, identifier);
        });
        ctx.json(answer(edited));
    }

    /** Deletes the attribute; samples keep the values they have under its identifier, as free-form metadata. */
    public void delete(Context ctx) {
        requireAdmin(ctx);
        String identifier = ctx.pathParam("identifier");
        jdbi.useTransaction(h -> {
            lock(h, identifier);
            h.createUpdate("DELETE FROM metadata_attributes WHERE identifier = :identifier").bind("identifier", identifier).execute();
        });
        ctx.json(new SuccessResponse(true, "metadata attribute '" + identifier + "' deleted; samples keep their values of it as free-form metadata"));
    }

    /** Replaces the attribute's options (an empty list: none, so any value). Values samples have already stay. */
    public void setOptions(Context ctx) {
        requireAdmin(ctx);
        String identifier = ctx.pathParam("identifier");
        List<String> options = options(Check.required("options", Json.body(ctx, OptionsRequest.class).options()));
        ctx.json(answer(jdbi.inTransaction(h -> {
            lock(h, identifier);
            setOptions(h, identifier, options);
            return find(h, identifier);
        })));
    }

    /** Replaces the attribute's sample-type links. */
    public void setSampleTypes(Context ctx) {
        requireAdmin(ctx);
        String identifier = ctx.pathParam("identifier");
        List<LinkRequest> links = Check.required("sample_type_links", Json.body(ctx, LinksRequest.class).sample_type_links());
        ctx.json(answer(jdbi.inTransaction(h -> {
            lock(h, identifier);
            setLinks(h, identifier, links);
            return find(h, identifier);
        })));
    }

    private static Attribute answer(Definition d) {
        List<TypeLink> links = d.links().values().stream().map(l -> new TypeLink(l.sampleType(), l.required())).toList();
        return new Attribute(d.identifier(), d.name(), d.description(), d.required(), d.hasOptions(), d.allowUserTerms(), d.allowAnnotation(),
                links, d.options(), links.stream().filter(TypeLink::required).map(TypeLink::sample_type_identifier).toList(), d.builtIn());
    }

    /** The attribute of that identifier; 404 when there is none. */
    private Definition find(Handle h, String identifier) {
        return MetadataAttributes.all(h, vocabularies).stream().filter(d -> d.identifier().equals(identifier)).findFirst()
                .orElseThrow(() -> notFound(identifier));
    }

    private static boolean exists(Handle h, String identifier) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM metadata_attributes WHERE identifier = :identifier)")
                .bind("identifier", identifier).mapTo(Boolean.class).one();
    }

    /**
     * Locks the defined attribute's row for the rest of the transaction; 404 when there is none, 409 for a built-in
     * (changed through its vocabulary, or not at all).
     */
    private static void lock(Handle h, String identifier) {
        if (MetadataAttributes.BUILT_IN.contains(identifier)) {
            throw ApiException.conflict("identifier", "'" + identifier + "' is built into samples and cannot be changed here"
                    + (identifier.equals("source") ? " (its options are GET /samples/sources)"
                    : identifier.equals("purification_target") ? " (its options are GET /samples/purification_targets)" : ""));
        }
        h.createQuery("SELECT identifier FROM metadata_attributes WHERE identifier = :identifier FOR UPDATE")
                .bind("identifier", identifier).mapTo(String.class).findOne().orElseThrow(() -> notFound(identifier));
    }

    /** 409 on {@code name} when another attribute, built-ins included, has it in any case. */
    private void requireNameFree(Handle h, String name, String except) {
        boolean builtIn = MetadataAttributes.all(h, vocabularies).stream().anyMatch(d -> d.builtIn() && d.name().equalsIgnoreCase(name));
        boolean taken = builtIn || h.createQuery("SELECT EXISTS (SELECT 1 FROM metadata_attributes WHERE lower(name) = lower(:name) "
                        + "AND identifier IS DISTINCT FROM :except)")
                .bind("name", name).bind("except", except).mapTo(Boolean.class).one();
        if (taken) throw nameTaken(name);
    }

    private static ApiException nameTaken(String name) {
        return ApiException.conflict("name", "there is already a metadata attribute called '" + name + "' (names are compared ignoring case)");
    }

    /** Two requests racing for one identifier or name: the same 409 as the checks before. */
    private static RuntimeException takenIfUnique(UnableToExecuteStatementException e, String identifier, String name) {
        if (!(e.getCause() instanceof PSQLException p) || !"23505".equals(p.getSQLState())) return e;
        String constraint = p.getServerErrorMessage() == null ? "" : String.valueOf(p.getServerErrorMessage().getConstraint());
        return constraint.equals("metadata_attributes_name") ? nameTaken(name)
                : ApiException.conflict("identifier", "there is already a metadata attribute '" + identifier + "'");
    }

    /** The options as given, stripped, each 1 to {@value #MAX_OPTION} characters and distinct ignoring case. */
    private static List<String> options(List<String> given) {
        if (given.size() > MAX_OPTIONS) throw ApiException.invalid("options", "at most " + MAX_OPTIONS + " options");
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < given.size(); i++) {
            String v = Check.text("options[" + i + "]", given.get(i), 1, MAX_OPTION);
            if (!seen.add(v.toLowerCase(Locale.ROOT))) throw ApiException.invalid("options[" + i + "]", "'" + v + "' is given twice (ignoring case)");
            out.add(v);
        }
        return out;
    }

    private static Integer position(Integer position) {
        if (position != null && (position < 0 || position > MAX_POSITION)) {
            throw ApiException.invalid("position", "must be from 0 to " + MAX_POSITION);
        }
        return position;
    }

    private static void setOptions(Handle h, String identifier, List<String> options) {
        h.createUpdate("DELETE FROM metadata_attribute_options WHERE attribute = :identifier").bind("identifier", identifier).execute();
        h.createUpdate("INSERT INTO metadata_attribute_options (attribute, position, value) "
                        + "SELECT :identifier, x.position, x.value FROM unnest(:values) WITH ORDINALITY AS x(value, position)")
                .bind("identifier", identifier).bindArray("values", String.class, options).execute();
    }

    /** Replaces the links; each names a sample type (any case) once. */
    private static void setLinks(Handle h, String identifier, List<LinkRequest> links) {
        Map<Long, Boolean> byType = new LinkedHashMap<>();
        for (int i = 0; i < links.size(); i++) {
            String field = "sample_type_links[" + i + "]";
            LinkRequest l = Check.required(field, links.get(i));
            String type = Check.text(field + ".sample_type_identifier", l.sample_type_identifier(), 1, 200);
            long id = h.createQuery("SELECT id FROM sample_types WHERE lower(name) = lower(:name)").bind("name", type).mapTo(Long.class)
                    .findOne().orElseThrow(() -> ApiException.invalid(field + ".sample_type_identifier",
                            "unknown sample type '" + type + "'; see GET /samples/types"));
            if (byType.put(id, Boolean.TRUE.equals(l.required())) != null) {
                throw ApiException.invalid(field + ".sample_type_identifier", "sample type '" + type + "' is linked twice");
            }
        }
        h.createUpdate("DELETE FROM metadata_attribute_sample_types WHERE attribute = :identifier").bind("identifier", identifier).execute();
        h.createUpdate("INSERT INTO metadata_attribute_sample_types (attribute, sample_type_id, required) "
                        + "SELECT :identifier, x.type, x.required FROM unnest(:types, :required) AS x(type, required)")
                .bind("identifier", identifier).bindArray("types", Long.class, byType.keySet())
                .bindArray("required", Boolean.class, byType.values()).execute();
    }

    private void requireAdmin(Context ctx) {
        if (!authenticator.require(ctx).isAdmin()) throw ApiException.forbidden("only administrators may change the sample metadata attributes");
    }

    private static ApiException notFound(String identifier) {
        return ApiException.notFound("metadata attribute '" + identifier + "'");
    }
}
