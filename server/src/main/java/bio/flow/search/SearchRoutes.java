package bio.flow.search;

import bio.flow.auth.Authenticator;
import io.javalin.http.Context;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /search} ({@link QuickSearch}) and {@code GET /search/info}: what the advanced searches' filters can be
 * set to. Both are open to anonymous callers: the quick search shows them public projects and what they contain,
 * and the vocabularies are public anyway (GET /organisms, /samples/types, /data/types, /pipelines).
 */
public final class SearchRoutes {
    private final Authenticator authenticator;
    private final Jdbi jdbi;
    private final QuickSearch quick;

    public SearchRoutes(Authenticator authenticator, Jdbi jdbi, Trigrams trigrams) {
        this.authenticator = authenticator;
        this.jdbi = jdbi;
        this.quick = new QuickSearch(jdbi, trigrams);
    }

    public record Organism(String id, String name) {}

    public record Pipeline(long id, String name) {}

    /**
     * The values the filters take, as stored, sorted by name: organisms ({@code organism=<id>}), pipelines that have a
     * version not retired ({@code pipeline=<id>}), sample type names ({@code sample_type=<name>}) and data type
     * identifiers ({@code data_type=<identifier>}, which the built-in types use as their names too).
     */
    public record Info(List<Organism> organisms, List<Pipeline> pipelines, List<String> sample_types, List<String> data_types) {}

    public void quick(Context ctx) {
        ctx.json(quick.search(ctx, authenticator.optional(ctx)));
    }

    public void info(Context ctx) {
        SearchParams.allowOnly(ctx, List.of());
        ctx.json(jdbi.inTransaction(h -> new Info(
                h.createQuery("SELECT id, name FROM organisms ORDER BY lower(name), id")
                        .map((rs, c) -> new Organism(rs.getString("id"), rs.getString("name"))).list(),
                h.createQuery("SELECT p.id, p.name FROM pipelines p WHERE EXISTS "
                                + "(SELECT 1 FROM pipeline_versions v WHERE v.pipeline_id = p.id AND NOT v.retired) ORDER BY lower(p.name), p.id")
                        .map((rs, c) -> new Pipeline(rs.getLong("id"), rs.getString("name"))).list(),
                h.createQuery("SELECT name FROM sample_types ORDER BY lower(name)").mapTo(String.class).list(),
                h.createQuery("SELECT identifier FROM data_types ORDER BY identifier").mapTo(String.class).list())));
    }
}
