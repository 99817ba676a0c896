package bio.flow.search;

import bio.flow.access.AccessPolicy;
import bio.flow.auth.Authenticator;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.http.Filters;
import bio.flow.http.Json;
import bio.flow.http.Paging;
import bio.flow.samples.Metadata;
import bio.flow.samples.Samples;
import bio.flow.samples.Samples.SampleItem;
import bio.flow.vocabularies.Vocabularies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * {@code GET /samples/search}: the samples the caller may read, narrowed by name, organism, sample type, project,
 * creation time and metadata values ({@code metadata.<key>=value}, several allowed), newest first.
 */
public final class SampleSearch {
    /** The order of the results, newest first (the (created DESC, id DESC) index reads them so). */
    private static final String NEWEST_FIRST = "s.created DESC, s.id DESC";
    private static final Set<String> PARAMS = Set.of("filter", "organism", "sample_type", "project", "created_after", "created_before");
    private static final String METADATA = "metadata.";
    /**
     * The longest metadata value searched for. Values may be longer (Metadata.MAX_VALUE_LENGTH), but an exact match on
     * a long free text is not a search, and a query string of 10000 characters would not pass the HTTP server anyway.
     */
    static final int MAX_METADATA_VALUE = 1000;

    private final Authenticator authenticator;
    private final Jdbi jdbi;
    private final Trigrams trigrams;
    private final Vocabularies vocabularies;

    public SampleSearch(Authenticator authenticator, Jdbi jdbi, Vocabularies vocabularies, Trigrams trigrams) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
        this.trigrams = trigrams;
        this.vocabularies = vocabularies;
    }

    public record SampleResults(long count, boolean count_capped, int page, List<SampleItem> samples) {}

    public void search(Context ctx) {
        SearchParams.allowOnly(ctx, PARAMS, METADATA);
        Optional<Caller> caller = authenticator.optional(ctx);
        Paging paging = SearchParams.paging(ctx);
        Optional<String> text = Filters.text(ctx);
        Optional<String> organism = Filters.organism(ctx);
        Optional<String> sampleType = Optional.ofNullable(SearchParams.param(ctx, "sample_type"));
        Optional<Long> project = SearchParams.id(ctx, "project");
        SearchParams.Created created = SearchParams.Created.from(ctx);
        Optional<String> metadata = metadata(ctx);

        // A project the caller may not read finds nothing, as one that does not exist: its samples that are shared
        // one by one are still found without this filter (and named there without their project). The samples of a
        // project the caller may read are readable: without the filter, each is tested.
        List<String> where = new ArrayList<>(List.of(project.isPresent()
                ? AccessPolicy.sampleInVisibleProject("s", ":project") : AccessPolicy.sampleVisible("s")));
        text.ifPresent(t -> where.add(Filters.textMatches(trigrams, t, SearchKey.SAMPLE_NAME.of("s"))));
        organism.ifPresent(o -> where.add("s.organism_id = :organism"));
        sampleType.ifPresent(t -> where.add("s.sample_type_id = :sample_type"));
        metadata.ifPresent(m -> where.add("s.metadata @> CAST(:metadata AS jsonb)"));
        String condition = String.join(" AND ", where) + created.sql("s.created");

        ctx.json(SearchListing.run(jdbi, h -> {
            // An unknown type is a mistake in the request (the types are public), not an empty result.
            Optional<Long> sampleTypeId = sampleType.map(t -> vocabularies.sampleTypeId(h, t));
            return SearchListing.read(h, paging, "SELECT s.id FROM samples s WHERE " + condition, NEWEST_FIRST,
                    ids -> Samples.itemsWhere("s.id IN (" + ids + ")"),
                    q -> {
                        AccessPolicy.bindCaller(q, caller);
                        text.ifPresent(t -> q.bind("text", t));
                        organism.ifPresent(o -> q.bind("organism", o));
                        sampleTypeId.ifPresent(t -> q.bind("sample_type", t));
                        project.ifPresent(p -> q.bind("project", p));
                        metadata.ifPresent(m -> q.bind("metadata", m));
                        return created.bind(q);
                    },
                    Samples.ITEM, SampleResults::new);
        }));
    }

    /**
     * The {@code metadata.<key>=value} filters as one JSON object, which a sample's metadata must contain (so that the
     * GIN index on samples.metadata serves them all at once); empty when none is given. A blank value is no filter.
     */
    private static Optional<String> metadata(Context ctx) {
        ObjectNode wanted = Json.MAPPER.createObjectNode();
        for (String name : ctx.queryParamMap().keySet()) {
            if (!name.startsWith(METADATA)) continue;
            String key = name.substring(METADATA.length());
            if (key.isBlank() || key.length() > Metadata.MAX_KEY_LENGTH) {
                throw ApiException.invalid(name, "a metadata key must be 1 to " + Metadata.MAX_KEY_LENGTH + " characters");
            }
            if (ctx.queryParams(name).size() > 1) throw ApiException.invalid(name, "give each metadata key once");
            String value = ctx.queryParam(name); // the exact value: spaces are part of it
            if (value == null || value.isBlank()) continue;
            if (value.length() > MAX_METADATA_VALUE) {
                throw ApiException.invalid(name, "a metadata value searched for must be at most " + MAX_METADATA_VALUE + " characters");
            }
            wanted.put(key, value);
        }
        return wanted.isEmpty() ? Optional.empty() : Optional.of(wanted.toString());
    }
}
