package bio.flow.search;

import static bio.flow.search.SearchFixtures.enc;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.RunFixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No search endpoint leaks a private name, count or id (issue 9), over real HTTP. An owner keeps a private project
 * with a sample, its fileset and read, a file attached to the project and a run of the sample; a private group; and a
 * public project with the same things. Every name holds one token of this run (so nothing else on the shared server
 * matches it), then "secret" for the private objects and "open" for the public ones.
 *
 * <p>Each probe is a search that matches only private objects (by text, metadata value, file pattern, or an id filter
 * naming a private object) and its twin, the same search for a text, value or id that nothing has. To a caller who may
 * not read the private objects the two answers are the same, byte for byte once the echoed query is removed
 * ("unreadable" is "does not exist"), and neither holds a private name, id or the owner's email. To a reader of the
 * project and to an admin the probe finds the private objects: the probes do reach them. A partial reader, given a
 * read and a run of the private sample and another sample of the private project, finds those and learns nothing of
 * the sample, fileset and project that hold them. Public objects are found, and counted alone, by everyone. The
 * people searches show no email but to admins and no group but to those in it; /search/info is the same for everyone.
 */
class SearchLeakTest {
    private static final TestServer server = TestServer.shared();
    /** Letters, then digits: no other test's names hold it. */
    private static final String T = "lk" + ThreadLocalRandom.current().nextInt(100_000_000, 1_000_000_000);
    private static final String SECRET = T + " secret";
    private static final String NOTHING = T + " nothing";
    /** A metadata key only this run's samples have: "secret T" on the private sample, "open T" on the public one. */
    private static final String KEY = T + "key";
    private static final String NONEXISTENT = "999999999999";

    private static Account owner, stranger, reader, partial, admin;
    private static long privateProject, privateSample, specimen, privateFileset, privateRead, privateProjectFile, privateRun;
    private static long secretPipeline, privateGroup;
    private static long publicProject, publicSample, publicFileset, publicRead, publicRun, openPipeline;
    private static String groupSlug;

    /** A search that matches only private objects, its twin that matches nothing, and what readers find by it. */
    private record Probe(String path, String twin, String items, List<Long> found) {}

    private static List<Probe> probes;

    @BeforeAll
    static void world() {
        owner = Users.signUp(server, "lkowner");
        stranger = Users.signUp(server, "lkstranger");
        reader = Users.signUp(server, "lkreader");
        partial = Users.signUp(server, "lkpartial");
        admin = Users.admin(server);
        long[] secretPipe = SearchFixtures.pipeline(server, "lk pipeline of the private run " + T, 1, false);
        long[] openPipe = SearchFixtures.pipeline(server, "lk pipeline of the public run " + T, 1, false);
        secretPipeline = secretPipe[0];
        openPipeline = openPipe[0];

        privateProject = Fixtures.project(owner, SECRET + " project", false);
        privateSample = Fixtures.sample(owner, Map.of("name", SECRET + " sample", "project", privateProject, "organism", "human",
                "sample_type", "RNA", "metadata", Map.of(KEY, "secret " + T)));
        JsonNode read = RunFixtures.read(owner, privateSample, 1, null, T + "-secret_R1.fastq", RunFixtures.fastq(T));
        privateRead = read.path("id").asLong();
        privateFileset = read.path("fileset").path("id").asLong();
        privateProjectFile = Fixtures.upload(owner, T + "-secret-notes.txt", "notes\n".getBytes(StandardCharsets.UTF_8),
                Map.of("project_id", privateProject));
        privateRun = execution(SECRET + " run", secretPipe[1], privateProject, privateSample);
        // a second sample of the private project, which the partial reader is given alone
        specimen = Fixtures.sample(owner, privateProject, SECRET + " specimen");

        publicProject = Fixtures.project(owner, T + " open project", true);
        publicSample = Fixtures.sample(owner, Map.of("name", T + " open sample", "project", publicProject, "organism", "human",
                "sample_type", "RNA", "metadata", Map.of(KEY, "open " + T)));
        JsonNode openRead = RunFixtures.read(owner, publicSample, 1, null, T + "-open_R1.fastq", RunFixtures.fastq(T));
        publicRead = openRead.path("id").asLong();
        publicFileset = openRead.path("fileset").path("id").asLong();
        publicRun = execution(T + " open run", openPipe[1], publicProject, publicSample);

        // The server names filesets ("Paired-end reads"): these get the names of their side.
        server.sql("UPDATE filesets SET name = '" + SECRET + " fileset' WHERE id = " + privateFileset);
        server.sql("UPDATE filesets SET name = '" + T + " open fileset' WHERE id = " + publicFileset);

        groupSlug = Users.uniqueName("lk").toLowerCase();
        Api.Res group = owner.api().post("/groups/new", Map.of("name", SECRET + " group", "slug", groupSlug));
        assertThat(group.status()).as(group.toString()).isEqualTo(201);
        privateGroup = group.json().path("id").asLong();

        Fixtures.shareWithUser(owner, "projects", privateProject, reader, 1);
        // The partial reader holds the private read and the run of the private sample, not the sample nor the project.
        Fixtures.shareWithUser(owner, "data", privateRead, partial, 1);
        Fixtures.shareWithUser(owner, "executions", privateRun, partial, 1);
        Fixtures.shareWithUser(owner, "samples", specimen, partial, 1);

        String secret = enc(SECRET), nothing = enc(NOTHING);
        probes = List.of(
                new Probe("/samples/search?filter=" + secret, "/samples/search?filter=" + nothing, "samples", List.of(specimen, privateSample)),
                new Probe("/samples/search?filter=" + secret + "&limit=1&offset=1", "/samples/search?filter=" + nothing + "&limit=1&offset=1",
                        "samples", List.of(privateSample)),
                new Probe("/samples/search?metadata." + KEY + "=" + enc("secret " + T), "/samples/search?metadata." + KEY + "=" + enc("nothing " + T),
                        "samples", List.of(privateSample)),
                new Probe("/samples/search?project=" + privateProject, "/samples/search?project=" + NONEXISTENT, "samples", List.of(specimen, privateSample)),
                new Probe("/samples/search?filter=" + secret + "&organism=human&sample_type=RNA&created_after=2000-01-01",
                        "/samples/search?filter=" + nothing + "&organism=human&sample_type=RNA&created_after=2000-01-01", "samples",
                        List.of(specimen, privateSample)),
                new Probe("/projects/search?filter=" + secret, "/projects/search?filter=" + nothing, "projects", List.of(privateProject)),
                new Probe("/projects/search?filter=" + secret + "&has_samples=true&organism=human",
                        "/projects/search?filter=" + nothing + "&has_samples=true&organism=human", "projects", List.of(privateProject)),
                new Probe("/filesets/search?filter=" + secret, "/filesets/search?filter=" + nothing, "filesets", List.of(privateFileset)),
                new Probe("/filesets/search?sample=" + privateSample, "/filesets/search?sample=" + NONEXISTENT, "filesets", List.of(privateFileset)),
                new Probe("/filesets/search?filter=" + secret + "&has_data=true", "/filesets/search?filter=" + nothing + "&has_data=true",
                        "filesets", List.of(privateFileset)),
                new Probe("/data/search?filter=" + secret, "/data/search?filter=" + nothing, "data", List.of(privateProjectFile, privateRead)),
                new Probe("/data/search?pattern=" + enc("*" + T + "-secret*"), "/data/search?pattern=" + enc("*" + T + "-nothing*"),
                        "data", List.of(privateProjectFile, privateRead)),
                new Probe("/data/search?sample=" + privateSample, "/data/search?sample=" + NONEXISTENT, "data", List.of(privateRead)),
                new Probe("/data/search?project=" + privateProject, "/data/search?project=" + NONEXISTENT, "data", List.of(privateProjectFile, privateRead)),
                new Probe("/data/search?filter=" + secret + "&data_type=FASTQ&size_min=1", "/data/search?filter=" + nothing + "&data_type=FASTQ&size_min=1",
                        "data", List.of(privateRead)),
                new Probe("/executions/search?filter=" + secret, "/executions/search?filter=" + nothing, "executions", List.of(privateRun)),
                new Probe("/executions/search?sample=" + privateSample, "/executions/search?sample=" + NONEXISTENT, "executions", List.of(privateRun)),
                new Probe("/executions/search?pipeline=" + secretPipeline, "/executions/search?pipeline=" + NONEXISTENT, "executions", List.of(privateRun)),
                new Probe("/executions/search?filter=" + secret + "&status=completed", "/executions/search?filter=" + nothing + "&status=completed",
                        "executions", List.of(privateRun)));
    }

    // ---- the world ---------------------------------------------------------------------------------------------

    /** A completed run of the owner's, of the pipeline version, attached to the project, that took the sample (as the engine leaves it). */
    private static long execution(String name, long version, long project, long sample) {
        long id = server.jdbi().withHandle(h -> h.createQuery("INSERT INTO executions (name, status, pipeline_version_id, project_id, owner_id) "
                        + "VALUES (:name, 'completed', :version, :project, :owner) RETURNING id")
                .bind("name", name).bind("version", version).bind("project", project).bind("owner", owner.id()).mapTo(Long.class).one());
        server.sql("INSERT INTO execution_samples (execution_id, sample_id) VALUES (" + id + ", " + sample + ")");
        return id;
    }

    // ---- reading answers ---------------------------------------------------------------------------------------

    private static JsonNode get(Api api, String path) {
        Api.Res r = api.get(path);
        assertThat(r.status()).as(path + " -> " + r).isEqualTo(200);
        return r.json();
    }

    /** The answer without what the request echoes (the quick search's query): the rest must not depend on what was asked. */
    private static JsonNode normalized(JsonNode answer) {
        JsonNode copy = answer.deepCopy();
        if (copy instanceof ObjectNode o) o.remove("query");
        return copy;
    }

    /** What the list fields of the answers are lists of: an object with an id under one of them is one of those. */
    private static final Map<String, String> KINDS = Map.ofEntries(Map.entry("samples", "sample"), Map.entry("sample", "sample"),
            Map.entry("projects", "project"), Map.entry("project", "project"), Map.entry("filesets", "fileset"), Map.entry("data", "data"),
            Map.entry("executions", "execution"), Map.entry("owner", "user"), Map.entry("users", "user"), Map.entry("groups", "group"),
            Map.entry("organisms", "organism"), Map.entry("pipelines", "pipeline"));

    /** Every object the answer names, as "kind:id". */
    private static Set<String> refs(JsonNode node) {
        Set<String> out = new HashSet<>();
        refs(node, null, out);
        return out;
    }

    private static void refs(JsonNode node, String kind, Set<String> out) {
        if (node.isArray()) {
            node.forEach(n -> refs(n, kind, out));
        } else if (node.isObject()) {
            if (kind != null && node.has("id")) out.add(kind + ":" + node.path("id").asText());
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                refs(field.getValue(), KINDS.get(field.getKey()), out);
            }
        }
    }

    /** The private objects, as {@link #refs} names them. */
    private static Set<String> privateRefs() {
        return Set.of("project:" + privateProject, "sample:" + privateSample, "sample:" + specimen, "fileset:" + privateFileset,
                "data:" + privateRead, "data:" + privateProjectFile, "execution:" + privateRun, "group:" + privateGroup);
    }

    /** The answer holds no private name or id, and not the owner's email. */
    private static void assertNothingPrivate(String what, JsonNode answer) {
        String text = normalized(answer).toString();
        assertThat(text.toLowerCase()).as(what).doesNotContain("secret").doesNotContain(owner.email().toLowerCase());
        assertThat(refs(answer)).as(what).doesNotContainAnyElementsOf(privateRefs());
    }

    /** The quick search's results: kind -> ids. */
    private static Map<String, List<Long>> quick(JsonNode answer) {
        JsonNode results = answer.path("results");
        return Map.of("samples", Fixtures.ids(results.path("samples")), "projects", Fixtures.ids(results.path("projects")),
                "executions", Fixtures.ids(results.path("executions")), "data", Fixtures.ids(results.path("data")));
    }

    // ---- the tests -----------------------------------------------------------------------------------------------

    @Test
    void toOutsidersEverySearchForPrivateObjectsAnswersAsOneForNothing() {
        Map<String, Api> outsiders = Map.of("anonymous", server.client(), "stranger", stranger.api());
        outsiders.forEach((who, api) -> {
            List<String[]> pairs = new ArrayList<>();
            for (Probe p : probes) pairs.add(new String[] {p.path(), p.twin()});
            for (String limit : List.of("", "&limit=1")) {
                pairs.add(new String[] {"/search?q=" + enc(SECRET) + limit, "/search?q=" + enc(NOTHING) + limit});
            }
            for (String[] pair : pairs) {
                JsonNode probe = get(api, pair[0]);
                JsonNode twin = get(api, pair[1]);
                assertThat(normalized(probe)).as(who + " " + pair[0] + " vs " + pair[1]).isEqualTo(normalized(twin));
                assertNothingPrivate(who + " " + pair[0], probe);
            }
        });
    }

    @Test
    void outsidersFindThePublicObjectsAndCountNothingElse() {
        for (Api api : List.of(server.client(), stranger.api())) {
            String t = enc(T);
            // limit=1: the page is full, so the count is counted (not the page's length) and must not count private rows
            Map<String, List<Long>> expected = Map.of(
                    "/samples/search?limit=1&filter=" + t, List.of(publicSample),
                    "/samples/search?metadata." + KEY + "=" + enc("open " + T), List.of(publicSample),
                    "/samples/search?limit=1&project=" + publicProject, List.of(publicSample),
                    "/projects/search?limit=1&filter=" + t, List.of(publicProject),
                    "/filesets/search?limit=1&filter=" + t, List.of(publicFileset),
                    "/data/search?limit=1&filter=" + t, List.of(publicRead),
                    "/data/search?limit=1&pattern=" + enc("*" + T + "*"), List.of(publicRead),
                    "/executions/search?limit=1&filter=" + t, List.of(publicRun),
                    "/executions/search?pipeline=" + openPipeline, List.of(publicRun));
            expected.forEach((path, ids) -> {
                JsonNode answer = get(api, path);
                String items = path.substring(1, path.indexOf("/search"));
                assertThat(Fixtures.ids(answer.path(items))).as(path).isEqualTo(ids);
                assertThat(answer.path("count").asLong()).as(path + " " + answer).isEqualTo(ids.size());
                assertNothingPrivate(path, answer);
            });
            for (String limit : List.of("", "&limit=1")) {
                JsonNode answer = get(api, "/search?q=" + t + limit);
                assertThat(quick(answer)).isEqualTo(Map.of("samples", List.of(publicSample), "projects", List.of(publicProject),
                        "executions", List.of(publicRun), "data", List.of(publicRead)));
                assertThat(answer.path("total_count").asLong()).as(answer.toString()).isEqualTo(4);
                assertThat(answer.path("counts").toString()).isEqualTo("{\"samples\":1,\"projects\":1,\"executions\":1,\"data\":1}");
                assertNothingPrivate("/search?q=" + T, answer);
            }
        }
    }

    @Test
    void aReaderOfTheProjectAndAnAdminFindWhatTheProbesLookFor() {
        for (Account who : List.of(reader, admin, owner)) {
            for (Probe p : probes) {
                JsonNode answer = get(who.api(), p.path());
                assertThat(Fixtures.ids(answer.path(p.items()))).as(who.username() + " " + p.path()).isEqualTo(p.found());
                assertThat(Fixtures.ids(get(who.api(), p.twin()).path(p.items()))).as(p.twin()).isEmpty();
            }
            JsonNode answer = get(who.api(), "/search?q=" + enc(SECRET));
            Map<String, List<Long>> found = quick(answer);
            assertThat(found.get("samples")).containsExactly(specimen, privateSample);
            assertThat(found.get("projects")).containsExactly(privateProject);
            assertThat(found.get("executions")).containsExactly(privateRun);
            assertThat(found.get("data")).containsExactlyInAnyOrder(privateRead, privateProjectFile);
            assertThat(answer.path("total_count").asLong()).isEqualTo(6);
        }
    }

    @Test
    void aReaderOfAFileARunAndASampleOfAPrivateProjectLearnsNothingOfWhatHoldsThem() {
        Api api = partial.api();
        // what is shared is found, without its sample or project
        JsonNode data = get(api, "/data/search?filter=" + enc(SECRET));
        assertThat(Fixtures.ids(data.path("data"))).containsExactly(privateRead);
        assertThat(data.path("data").get(0).path("sample").isMissingNode() || data.path("data").get(0).path("sample").isNull()).isTrue();
        assertThat(Fixtures.ids(get(api, "/executions/search?filter=" + enc(SECRET)).path("executions"))).containsExactly(privateRun);
        JsonNode samples = get(api, "/samples/search?filter=" + enc(SECRET));
        assertThat(Fixtures.ids(samples.path("samples"))).containsExactly(specimen);
        assertThat(samples.path("samples").get(0).path("project").isMissingNode() || samples.path("samples").get(0).path("project").isNull()).isTrue();
        JsonNode quick = get(api, "/search?q=" + enc(SECRET));
        assertThat(quick(quick)).isEqualTo(Map.of("samples", List.of(specimen), "projects", List.of(), "executions", List.of(privateRun),
                "data", List.of(privateRead)));
        assertThat(quick.path("total_count").asLong()).isEqualTo(3);

        // the sample, its fileset and the project answer as ones that do not exist, though the file, run and specimen are in them
        String nothing = enc(NOTHING);
        List<String[]> pairs = List.of(
                new String[] {"/search?q=" + enc(SECRET + " sample"), "/search?q=" + nothing},
                new String[] {"/search?q=" + enc(SECRET + " project"), "/search?q=" + nothing},
                new String[] {"/samples/search?filter=" + enc(SECRET + " sample"), "/samples/search?filter=" + nothing},
                new String[] {"/samples/search?project=" + privateProject, "/samples/search?project=" + NONEXISTENT},
                new String[] {"/samples/search?metadata." + KEY + "=" + enc("secret " + T), "/samples/search?metadata." + KEY + "=" + nothing},
                new String[] {"/projects/search?filter=" + enc(SECRET), "/projects/search?filter=" + nothing},
                new String[] {"/filesets/search?filter=" + enc(SECRET), "/filesets/search?filter=" + nothing},
                new String[] {"/filesets/search?sample=" + privateSample, "/filesets/search?sample=" + NONEXISTENT},
                new String[] {"/data/search?sample=" + privateSample, "/data/search?sample=" + NONEXISTENT},
                new String[] {"/data/search?project=" + privateProject, "/data/search?project=" + NONEXISTENT},
                new String[] {"/executions/search?sample=" + privateSample, "/executions/search?sample=" + NONEXISTENT});
        for (String[] pair : pairs) {
            JsonNode probe = get(api, pair[0]);
            assertThat(normalized(probe)).as(pair[0] + " vs " + pair[1]).isEqualTo(normalized(get(api, pair[1])));
        }
        for (String path : List.of("/search?q=" + enc(T), "/data/search?filter=" + enc(T), "/executions/search?filter=" + enc(T),
                "/samples/search?filter=" + enc(T), "/filesets/search?filter=" + enc(T), "/projects/search?filter=" + enc(T))) {
            JsonNode answer = get(api, path);
            String text = answer.toString().toLowerCase();
            assertThat(text).as(path).doesNotContain("secret sample").doesNotContain("secret project").doesNotContain("secret fileset")
                    .doesNotContain(owner.email().toLowerCase());
            assertThat(refs(answer)).as(path).doesNotContain("sample:" + privateSample, "project:" + privateProject, "fileset:" + privateFileset);
        }
    }

    @Test
    void peopleSearchesShowNoEmailAndNoGroupToThoseOutsideIt() {
        // anonymous callers cannot search people at all
        assertThat(server.client().get("/users/search?q=" + enc(owner.username())).status()).isEqualTo(401);
        assertThat(server.client().get("/groups/search?q=" + enc(SECRET)).status()).isEqualTo(401);

        Api api = stranger.api();
        for (String q : List.of(owner.username(), owner.email(), owner.email().toUpperCase())) {
            JsonNode users = get(api, "/users/search?q=" + enc(q));
            assertThat(Fixtures.ids(users.path("users"))).as(q).contains(owner.id());
            assertThat(users.toString().toLowerCase()).as(q).doesNotContain(owner.email().toLowerCase()).doesNotContain("@");
            users.path("users").forEach(u -> assertThat(u.has("email")).isFalse());
        }
        // an email matches only whole: its domain or its part before the @ (beyond the username) finds no one by email
        String domain = owner.email().substring(owner.email().indexOf('@') + 1);
        assertThat(Fixtures.ids(get(api, "/users/search?q=" + enc(domain)).path("users"))).doesNotContain(owner.id());
        // an admin sees the email
        JsonNode byAdmin = get(admin.api(), "/users/search?q=" + enc(owner.username()));
        assertThat(byAdmin.toString()).contains(owner.email());

        // the private group: not found by a non-member (as a group that does not exist), found by its member
        JsonNode groups = get(api, "/groups/search?q=" + enc(SECRET));
        assertThat(groups).isEqualTo(get(api, "/groups/search?q=" + enc(NOTHING)));
        assertThat(groups.path("groups")).isEmpty();
        assertThat(get(api, "/groups/search?q=" + enc(groupSlug)).path("groups")).isEmpty();
        assertThat(Fixtures.ids(get(owner.api(), "/groups/search?q=" + enc(SECRET)).path("groups"))).containsExactly(privateGroup);
        assertThat(Fixtures.ids(get(admin.api(), "/groups/search?q=" + enc(groupSlug)).path("groups"))).containsExactly(privateGroup);
    }

    @Test
    void searchInfoIsTheSameForEveryoneAndListsOnlyPublicVocabularies() {
        JsonNode anonymous = get(server.client(), "/search/info");
        for (Account who : List.of(stranger, owner, admin)) assertThat(get(who.api(), "/search/info")).isEqualTo(anonymous);
        assertThat(anonymous.toString().toLowerCase()).doesNotContain("secret " + T);
        // the vocabularies are those anyone reads through their own routes: nothing private is among them
        List<String> organisms = new ArrayList<>();
        get(server.client(), "/organisms").path("organisms").forEach(o -> organisms.add(o.path("id").asText()));
        List<String> infoOrganisms = new ArrayList<>();
        anonymous.path("organisms").forEach(o -> infoOrganisms.add(o.path("id").asText()));
        assertThat(infoOrganisms).containsExactlyInAnyOrderElementsOf(organisms);
        List<String> types = new ArrayList<>();
        get(server.client(), "/samples/types").path("sample_types").forEach(t -> types.add(t.path("name").asText()));
        List<String> infoTypes = new ArrayList<>();
        anonymous.path("sample_types").forEach(t -> infoTypes.add(t.asText()));
        assertThat(infoTypes).containsExactlyInAnyOrderElementsOf(types);
        Set<Long> pipelines = new HashSet<>();
        get(server.client(), "/pipelines").path("categories").forEach(c -> c.path("pipelines").forEach(p -> pipelines.add(p.path("id").asLong())));
        anonymous.path("pipelines").forEach(p -> assertThat(pipelines).contains(p.path("id").asLong()));
    }
}
