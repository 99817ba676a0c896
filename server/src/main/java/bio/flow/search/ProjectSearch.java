package bio.flow.search;

import bio.flow.access.AccessPolicy;
import bio.flow.auth.Authenticator;
import bio.flow.http.Caller;
import bio.flow.http.Filters;
import bio.flow.http.Paging;
import bio.flow.projects.Projects;
import bio.flow.projects.Projects.ProjectItem;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /projects/search}: the projects the caller may read, narrowed by name or description, organism,
 * creation time and whether they hold samples, newest first.
 */
public final class ProjectSearch {
    /** The order of the results, newest first (the (created DESC, id DESC) index reads them so). */
    private static final String NEWEST_FIRST = "p.created DESC, p.id DESC";
    private static final Set<String> PARAMS = Set.of("filter", "organism", "created_after", "created_before", "has_samples");

    private final Authenticator authenticator;
    private final Jdbi jdbi;
    private final Trigrams trigrams;

    public ProjectSearch(Authenticator authenticator, Jdbi jdbi, Trigrams trigrams) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
        this.trigrams = trigrams;
    }

    public record ProjectResults(long count, boolean count_capped, int page, List<ProjectItem> projects) {}

    public void search(Context ctx) {
        SearchParams.allowOnly(ctx, PARAMS);
        Optional<Caller> caller = authenticator.optional(ctx);
        Paging paging = SearchParams.paging(ctx);
        Optional<String> text = Filters.text(ctx);
        Optional<String> organism = Filters.organism(ctx);
        SearchParams.Created created = SearchParams.Created.from(ctx);
        Optional<Boolean> hasSamples = SearchParams.bool(ctx, "has_samples");

        List<String> where = new ArrayList<>(List.of(AccessPolicy.projectVisible("p")));
        text.ifPresent(t -> where.add(Filters.textMatches(trigrams, t, SearchKey.PROJECT_NAME.of("p"), SearchKey.PROJECT_DESCRIPTION.of("p"))));
        organism.ifPresent(o -> where.add("p.organism_id = :organism"));
        // Any sample counts: whoever may read a project may read every sample in it. samples_project serves it.
        hasSamples.ifPresent(has -> where.add((has ? "" : "NOT ") + "EXISTS (SELECT 1 FROM samples hs WHERE hs.project_id = p.id)"));
        String condition = String.join(" AND ", where) + created.sql("p.created");

        ctx.json(SearchListing.run(jdbi, h -> SearchListing.read(h, paging, "SELECT p.id FROM projects p WHERE " + condition, NEWEST_FIRST,
                ids -> Projects.items("SELECT p.* FROM projects p WHERE p.id IN (" + ids + ")"),
                q -> {
                    AccessPolicy.bindCaller(q, caller);
                    text.ifPresent(t -> q.bind("text", t));
                    organism.ifPresent(o -> q.bind("organism", o));
                    return created.bind(q);
                },
                Projects.ITEM, ProjectResults::new)));
    }
}
