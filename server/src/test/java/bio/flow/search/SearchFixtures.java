package bio.flow.search;

import bio.flow.testing.TestServer;

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
}
