package bio.flow.search;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What several search tests make alike and no route makes cheaply. */
final class SearchFixtures {
    private SearchFixtures() {}

    /**
     * A pipeline (in a category of its own) with {@code versions} versions named 1.0, 2.0, ..., all retired or none,
     * as the registry stores them: {pipeline id, version ids...}.
     */
    static long[] pipeline(TestServer server, String name, int versions, boolean retired) {
        return server.jdbi().withHandle(h -> {
            long category = h.createQuery("INSERT INTO pipeline_categories (name) VALUES (:n) RETURNING id").bind("n", "cat " + name)
                    .mapTo(Long.class).one();
            long[] ids = new long[versions + 1];
            ids[0] = h.createQuery("INSERT INTO pipelines (name, category_id) VALUES (:n, :c) RETURNING id").bind("n", name)
                    .bind("c", category).mapTo(Long.class).one();
            for (int v = 1; v <= versions; v++) {
                ids[v] = h.createQuery("INSERT INTO pipeline_versions (pipeline_id, version, source, directory, input_style, input_param, retired) "
                                + "VALUES (:p, :v, '/nowhere', '/nowhere', 'samplesheet', 'input', :retired) RETURNING id")
                        .bind("p", ids[0]).bind("v", v + ".0").bind("retired", retired).mapTo(Long.class).one();
            }
            return ids;
        });
    }

    /**
     * A thousand names of each kind that no test searches for ("Filler sample 17", ...), owned by {@code filler}, then
     * the server's trigram sample taken ({@link Trigrams}): a test's random word is then made of rare trigrams.
     */
    static void fillWithUnrelatedNames(TestServer server, Users.Account filler) {
        server.jdbi().useHandle(h -> {
            long fillerProject = h.createQuery("INSERT INTO projects (name, owner_id) VALUES ('Filler', :o) RETURNING id")
                    .bind("o", filler.id()).mapTo(Long.class).one();
            h.createUpdate("INSERT INTO projects (name, description, owner_id) SELECT 'Filler project ' || i, 'Filler description ' || i, :o "
                    + "FROM generate_series(1, 1000) i").bind("o", filler.id()).execute();
            h.createUpdate("INSERT INTO samples (name, owner_id, project_id) SELECT 'Filler sample ' || i, :o, :p FROM generate_series(1, 1000) i")
                    .bind("o", filler.id()).bind("p", fillerProject).execute();
            h.createUpdate("INSERT INTO data (filename, owner_id, sample_id) SELECT 'filler_' || s.id || '.fastq.gz', :o, s.id "
                    + "FROM samples s WHERE s.project_id = :p").bind("o", filler.id()).bind("p", fillerProject).execute();
            h.createUpdate("INSERT INTO executions (name, status, owner_id) SELECT 'Filler run ' || i, 'completed', :o FROM generate_series(1, 1000) i")
                    .bind("o", filler.id()).execute();
            h.createUpdate("INSERT INTO filesets (name, sample_id) SELECT 'Filler reads', s.id FROM samples s WHERE s.project_id = :p")
                    .bind("p", fillerProject).execute();
        });
        server.sampleTrigrams();
    }

    /** A completed execution named {@code name} of {@code owner}'s, in {@code project} (none: null), written directly. */
    static long execution(TestServer server, Users.Account owner, String name, Long project) {
        return server.jdbi().withHandle(h -> h.createQuery("INSERT INTO executions (name, status, owner_id, project_id) "
                        + "VALUES (:name, 'completed', :owner, :project) RETURNING id")
                .bind("name", name).bind("owner", owner.id()).bind("project", project).mapTo(Long.class).one());
    }

    /** The answer to GET {@code pathAndQuery}, which must be 200. */
    static JsonNode search(Api api, String pathAndQuery) {
        Api.Res r = api.get(pathAndQuery);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /**
     * The ids of the {@code items} found by GET {@code pathAndQuery}, in order, checking that the count agrees (one
     * page holds them all).
     */
    static List<Long> ids(Api api, String pathAndQuery, String items) {
        JsonNode answer = search(api, pathAndQuery);
        List<Long> ids = Fixtures.ids(answer.path(items));
        assertThat(answer.path("count").asLong()).as(answer.toString()).isEqualTo(ids.size());
        assertThat(answer.path("count_capped").asBoolean()).isFalse();
        return ids;
    }

    /** {@code query}, filtered on {@code token} unless it has a filter of its own. */
    static String filteredOn(String token, String query) {
        return query.startsWith("filter=") ? query : "filter=" + enc(token) + (query.isEmpty() ? "" : "&" + query);
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
