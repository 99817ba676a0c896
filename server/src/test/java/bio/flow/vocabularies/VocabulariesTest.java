package bio.flow.vocabularies;

import static bio.flow.testing.Answers.assertConflict;
import static bio.flow.testing.Answers.assertInvalid;
import static bio.flow.testing.Answers.assertStatus;
import static bio.flow.testing.Answers.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import bio.flow.http.ApiException;
import bio.flow.testing.Api;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The vocabularies over real HTTP (sample sources, purification targets, sample types, organisms), every answer
 * checked against openapi.yaml by the client, and the lookups that the samples and projects features use. The
 * server is shared with other test classes running at the same time: names are unique, and lists are only
 * assumed to hold the seeds.
 */
class VocabulariesTest {
    private static final TestServer server = TestServer.shared();
    private static Account admin;
    private static Account user;
    private static Api anonymous;

    @BeforeAll
    static void setUp() {
        admin = Users.admin(server);
        user = Users.signUp(server, "vocab");
        anonymous = server.client();
    }

    /** One numbered vocabulary: where it is served, the key of its list, and the column of samples that uses it. */
    record Kind(String path, String listKey, boolean described, String sampleColumn, List<String> seeds) {
        @Override
        public String toString() {
            return path;
        }
    }

    static Stream<Kind> kinds() {
        return Stream.of(
                new Kind("/samples/sources", "sources", false, "source_id",
                        List.of("Cell Line", "Tissue", "Blood", "Primary Cells", "Organoid", "Whole Organism", "Stem Cells")),
                new Kind("/samples/purification_targets", "targets", false, "purification_target_id",
                        List.of("Total RNA", "mRNA", "Genomic DNA", "Small RNA", "Nuclear RNA", "Chromatin", "Protein")),
                new Kind("/samples/types", "sample_types", true, "sample_type_id",
                        List.of("RNA", "DNA", "Protein", "Chromatin", "Single cell")));
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** The list as served to an anonymous caller. */
    private static JsonNode list(Kind k) {
        Api.Res r = anonymous.get(k.path());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().size()).as("keys of " + r).isEqualTo(1);
        return r.json().path(k.listKey());
    }

    private static List<String> names(JsonNode entries) {
        List<String> names = new ArrayList<>();
        entries.forEach(e -> names.add(e.path("name").asText()));
        return names;
    }

    private static JsonNode entryNamed(JsonNode entries, String name) {
        for (JsonNode e : entries) if (e.path("name").asText().equals(name)) return e;
        return null;
    }

    private static JsonNode create(Kind k, String name) {
        Api.Res r = admin.api().post(k.path() + "/create", body("name", name));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    private static String organism(String name) {
        String id = Users.uniqueName("org").toLowerCase(Locale.ROOT);
        Api.Res r = admin.api().post("/organisms/create", body("id", id, "name", name));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return id;
    }

    /** Inserts a project of {@link #user} with a unique name, and answers that name. */
    private static String project(String organismId) {
        String name = Users.uniqueName("vocab-project");
        server.sql("INSERT INTO projects (name, owner_id, organism_id) VALUES ('" + name + "', " + user.id() + ", "
                + (organismId == null ? "NULL" : "'" + organismId + "'") + ")");
        return name;
    }

    /** Inserts a sample in the project called {@code project} with {@code column} = {@code value} (SQL text). */
    private static void sample(String project, String column, String value) {
        server.sql("INSERT INTO samples (name, project_id, owner_id, " + column + ") SELECT 'vocab sample', id, " + user.id()
                + ", " + value + " FROM projects WHERE name = '" + project + "'");
    }

    private static Jdbi jdbi() {
        return server.jdbi();
    }

    // ---- numbered vocabularies: reading ---------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("kinds")
    void anyoneReadsTheSeedsOrderedByName(Kind k) {
        JsonNode entries = list(k);
        assertThat(names(entries)).containsAll(k.seeds());
        for (JsonNode e : entries) {
            assertThat(e.path("id").isIntegralNumber()).as(e.toString()).isTrue();
            if (k.described()) assertThat(e.path("description").isTextual()).as(e.toString()).isTrue();
        }
        List<String> lower = names(entries).stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        assertThat(lower).isSorted();

        // signed-in users read the same list, and a bad token does not matter on a public endpoint
        Api.Res asUser = user.api().get(k.path());
        assertThat(asUser.status()).isEqualTo(200);
        assertThat(names(asUser.json().path(k.listKey()))).containsAll(k.seeds());
        Api.Res badToken = server.client().as("not-a-token").get(k.path());
        assertThat(badToken.status()).as(badToken.toString()).isEqualTo(200);
    }

    @Test
    void sampleTypesHaveTheirSeededDescriptions() {
        JsonNode rna = entryNamed(list(kinds().filter(Kind::described).findFirst().orElseThrow()), "RNA");
        assertThat(rna).isNotNull();
        assertThat(rna.path("description").asText()).isEqualTo("RNA sequencing libraries");
    }

    @Test
    void sourcesAndTargetsHaveOnlyIdAndName() {
        kinds().filter(k -> !k.described()).forEach(k -> {
            JsonNode first = list(k).get(0);
            List<String> keys = new ArrayList<>();
            first.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).containsExactly("id", "name");
        });
    }

    // ---- numbered vocabularies: changing ---------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("kinds")
    void adminsCreateEditAndDeleteEntries(Kind k) {
        String name = Users.uniqueName("Entry");
        Api.Res created = admin.api().post(k.path() + "/create", body("name", "  " + name + "  ", "description", " About it "));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        long id = created.json().path("id").asLong();
        assertThat(created.json().path("name").asText()).isEqualTo(name);
        if (k.described()) assertThat(created.json().path("description").asText()).isEqualTo("About it");
        JsonNode listed = entryNamed(list(k), name);
        assertThat(listed).isEqualTo(created.json());

        // renaming it, even to another case of its own name
        String renamed = name.toUpperCase(Locale.ROOT);
        Api.Res edited = admin.api().post(k.path() + "/" + id + "/edit", body("name", renamed));
        assertThat(edited.status()).as(edited.toString()).isEqualTo(200);
        assertThat(edited.json().path("id").asLong()).isEqualTo(id);
        assertThat(edited.json().path("name").asText()).isEqualTo(renamed);
        if (k.described()) assertThat(edited.json().path("description").asText()).as("kept").isEqualTo("About it");
        assertThat(entryNamed(list(k), renamed)).isEqualTo(edited.json());
        assertThat(entryNamed(list(k), name)).isNull();

        Api.Res deleted = admin.api().post(k.path() + "/" + id + "/delete");
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.json().path("success").asBoolean()).isTrue();
        assertThat(deleted.json().path("message").asText()).contains(renamed);
        assertThat(entryNamed(list(k), renamed)).isNull();
        assertStatus(admin.api().post(k.path() + "/" + id + "/delete"), 404, "NOT_FOUND");
        assertStatus(admin.api().post(k.path() + "/" + id + "/edit", body("name", name)), 404, "NOT_FOUND");
    }

    @Test
    void sampleTypeDescriptionsAreOptionalAndEditableAlone() {
        String name = Users.uniqueName("Type");
        Api.Res created = admin.api().post("/samples/types/create", body("name", name));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().path("description").asText()).isEmpty();
        long id = created.json().path("id").asLong();

        Api.Res described = admin.api().post("/samples/types/" + id + "/edit", body("description", "Long reads"));
        assertThat(described.status()).as(described.toString()).isEqualTo(200);
        assertThat(described.json().path("name").asText()).isEqualTo(name);
        assertThat(described.json().path("description").asText()).isEqualTo("Long reads");

        Api.Res both = admin.api().post("/samples/types/" + id + "/edit", body("name", name + " 2", "description", ""));
        assertThat(both.status()).as(both.toString()).isEqualTo(200);
        assertThat(both.json().path("name").asText()).isEqualTo(name + " 2");
        assertThat(both.json().path("description").asText()).isEmpty();

        Api.Res nothing = admin.api().post("/samples/types/" + id + "/edit", body());
        assertThat(nothing.status()).as(nothing.toString()).isEqualTo(200);
        assertThat(nothing.json()).isEqualTo(both.json());

        assertThat(admin.api().post("/samples/types/" + id + "/delete").status()).isEqualTo(200);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void onlyAdminsChangeEntries(Kind k) {
        long id = create(k, Users.uniqueName("Guarded")).path("id").asLong();
        Map<String, Object> b = body("name", Users.uniqueName("Other"));

        assertStatus(anonymous.post(k.path() + "/create", b), 401, "UNAUTHORIZED");
        assertStatus(anonymous.post(k.path() + "/" + id + "/edit", b), 401, "UNAUTHORIZED");
        assertStatus(anonymous.post(k.path() + "/" + id + "/delete"), 401, "UNAUTHORIZED");
        assertStatus(server.client().as("not-a-token").post(k.path() + "/create", b), 401, "UNAUTHORIZED");

        assertStatus(user.api().post(k.path() + "/create", b), 403, "FORBIDDEN");
        assertStatus(user.api().post(k.path() + "/" + id + "/edit", b), 403, "FORBIDDEN");
        assertStatus(user.api().post(k.path() + "/" + id + "/delete"), 403, "FORBIDDEN");

        assertThat(names(list(k))).doesNotContain((String) b.get("name"));
        assertThat(list(k).findValues("id").stream().map(JsonNode::asLong)).contains(id);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void namesAreChecked(Kind k) {
        long id = create(k, Users.uniqueName("Checked")).path("id").asLong();
        for (String path : List.of(k.path() + "/create", k.path() + "/" + id + "/edit")) {
            boolean edit = path.endsWith("/edit");
            if (!(edit && k.described())) {
                // (a sample type's edit may leave the name out: sampleTypeDescriptionsAreOptionalAndEditableAlone)
                assertInvalid(admin.api().post(path, body()), "name");
                assertInvalid(admin.api().post(path, body("name", null)), "name");
            }
            assertInvalid(admin.api().post(path, body("name", "   ")), "name");
            assertInvalid(admin.api().post(path, body("name", 5)), "name");
            assertInvalid(admin.api().post(path, body("name", List.of("x"))), "name");
            assertInvalid(admin.api().post(path, body("name", "x".repeat(101))), "name");
            assertStatus(admin.api().post(path), 400, "VALIDATION_ERROR");
            assertStatus(admin.api().post(path, "not json"), 400, "VALIDATION_ERROR");
            if (k.described()) {
                assertInvalid(admin.api().post(path, body("name", Users.uniqueName("D"), "description", "x".repeat(2001))), "description");
                assertInvalid(admin.api().post(path, body("name", Users.uniqueName("D"), "description", 7)), "description");
            }
        }
        // 100 characters is allowed
        String longest = Users.uniqueName("L");
        longest = longest + "x".repeat(100 - longest.length());
        Api.Res ok = admin.api().post(k.path() + "/" + id + "/edit", body("name", longest));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.json().path("name").asText()).hasSize(100);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void namesAreUniqueWhateverTheirCase(Kind k) {
        String seed = k.seeds().get(0);
        assertConflict(admin.api().post(k.path() + "/create", body("name", seed.toLowerCase(Locale.ROOT))), "name");
        assertConflict(admin.api().post(k.path() + "/create", body("name", " " + seed.toUpperCase(Locale.ROOT) + " ")), "name");

        String name = Users.uniqueName("Unique");
        JsonNode first = create(k, name);
        assertConflict(admin.api().post(k.path() + "/create", body("name", name.toUpperCase(Locale.ROOT))), "name");

        long other = create(k, Users.uniqueName("Second")).path("id").asLong();
        assertConflict(admin.api().post(k.path() + "/" + other + "/edit", body("name", name.toLowerCase(Locale.ROOT))), "name");
        assertConflict(admin.api().post(k.path() + "/" + other + "/edit", body("name", seed)), "name");
        assertThat(names(list(k)).stream().filter(n -> n.equalsIgnoreCase(name))).containsExactly(first.path("name").asText());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void unknownIdsAreNotFound(Kind k) {
        for (String id : List.of("999999999999", "abc", "-1", "1.5", "99999999999999999999999")) {
            assertStatus(admin.api().post(k.path() + "/" + id + "/edit", body("name", Users.uniqueName("N"))), 404, "NOT_FOUND");
            assertStatus(admin.api().post(k.path() + "/" + id + "/delete"), 404, "NOT_FOUND");
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void anEntryUsedBySamplesIsNotDeleted(Kind k) {
        String name = Users.uniqueName("Used");
        long id = create(k, name).path("id").asLong();
        String project = project(null);
        sample(project, k.sampleColumn(), Long.toString(id));
        sample(project, k.sampleColumn(), Long.toString(id));

        Api.Res refused = admin.api().post(k.path() + "/" + id + "/delete");
        assertStatus(refused, 409, "CONFLICT");
        assertThat(refused.json().at("/error/message").asText()).contains(name).contains("2 samples");
        assertThat(refused.json().at("/error/details/samples").asLong()).isEqualTo(2);
        assertThat(entryNamed(list(k), name)).as("still there").isNotNull();

        // once no sample uses it, it goes
        server.sql("DELETE FROM projects WHERE name = '" + project + "'");
        Api.Res deleted = admin.api().post(k.path() + "/" + id + "/delete");
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(entryNamed(list(k), name)).isNull();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void samplesKeepTheirEntryWhenItIsRenamed(Kind k) {
        long id = create(k, Users.uniqueName("Kept")).path("id").asLong();
        String project = project(null);
        sample(project, k.sampleColumn(), Long.toString(id));
        String renamed = Users.uniqueName("Renamed");
        assertThat(admin.api().post(k.path() + "/" + id + "/edit", body("name", renamed)).status()).isEqualTo(200);
        Api.Res refused = admin.api().post(k.path() + "/" + id + "/delete");
        assertStatus(refused, 409, "CONFLICT");
        assertThat(refused.json().at("/error/message").asText()).contains(renamed).contains("1 sample;");
        server.sql("DELETE FROM projects WHERE name = '" + project + "'");
    }

    // ---- organisms -------------------------------------------------------------------------------------

    @Test
    void anyoneReadsTheOrganismsOrderedByName() {
        Api.Res r = anonymous.get("/organisms");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode organisms = r.json().path("organisms");
        Map<String, String> byId = new HashMap<>();
        organisms.forEach(o -> byId.put(o.path("id").asText(), o.path("name").asText()));
        assertThat(byId).containsEntry("human", "Homo sapiens").containsEntry("mouse", "Mus musculus")
                .containsEntry("rat", "Rattus norvegicus").containsEntry("zebrafish", "Danio rerio")
                .containsEntry("fly", "Drosophila melanogaster").containsEntry("worm", "Caenorhabditis elegans")
                .containsEntry("yeast", "Saccharomyces cerevisiae").containsEntry("arabidopsis", "Arabidopsis thaliana")
                .containsEntry("ecoli", "Escherichia coli").containsEntry("chicken", "Gallus gallus")
                .containsEntry("xenopus", "Xenopus tropicalis").containsEntry("macaque", "Macaca mulatta");
        assertThat(names(organisms).stream().map(n -> n.toLowerCase(Locale.ROOT)).toList()).isSorted();
        assertThat(user.api().get("/organisms").status()).isEqualTo(200);
        assertThat(server.client().as("not-a-token").get("/organisms").status()).isEqualTo(200);
    }

    @Test
    void adminsCreateRenameAndDeleteOrganisms() {
        String id = Users.uniqueName("org").toLowerCase(Locale.ROOT);
        String name = Users.uniqueName("Genus species");
        Api.Res created = admin.api().post("/organisms/create", body("id", id, "name", " " + name + " "));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json()).isEqualTo(Json.of("id", id, "name", name));
        assertThat(anonymous.get("/organisms").json().path("organisms")).contains(created.json());

        String renamed = Users.uniqueName("Other species");
        Api.Res edited = admin.api().post("/organisms/" + id.toUpperCase(Locale.ROOT) + "/edit", body("name", renamed, "id", "ignored"));
        assertThat(edited.status()).as(edited.toString()).isEqualTo(200);
        assertThat(edited.json()).isEqualTo(Json.of("id", id, "name", renamed));
        // its own name in another case is fine
        Api.Res recased = admin.api().post("/organisms/" + id + "/edit", body("name", renamed.toLowerCase(Locale.ROOT)));
        assertThat(recased.status()).as(recased.toString()).isEqualTo(200);

        Api.Res deleted = admin.api().post("/organisms/" + id + "/delete");
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.json().path("success").asBoolean()).isTrue();
        assertThat(deleted.json().path("message").asText()).contains(id);
        assertThat(anonymous.get("/organisms").json().path("organisms").findValuesAsText("id")).doesNotContain(id);
        assertStatus(admin.api().post("/organisms/" + id + "/delete"), 404, "NOT_FOUND");
        assertStatus(admin.api().post("/organisms/" + id + "/edit", body("name", name)), 404, "NOT_FOUND");
    }

    @Test
    void onlyAdminsChangeOrganisms() {
        Map<String, Object> b = body("id", Users.uniqueName("o").toLowerCase(Locale.ROOT), "name", Users.uniqueName("N"));
        assertStatus(anonymous.post("/organisms/create", b), 401, "UNAUTHORIZED");
        assertStatus(anonymous.post("/organisms/human/edit", body("name", "x")), 401, "UNAUTHORIZED");
        assertStatus(anonymous.post("/organisms/human/delete"), 401, "UNAUTHORIZED");
        assertStatus(user.api().post("/organisms/create", b), 403, "FORBIDDEN");
        assertStatus(user.api().post("/organisms/human/edit", body("name", "x")), 403, "FORBIDDEN");
        assertStatus(user.api().post("/organisms/human/delete"), 403, "FORBIDDEN");
        assertThat(anonymous.get("/organisms").json().path("organisms")).contains(Json.of("id", "human", "name", "Homo sapiens"));
    }

    @Test
    void organismFieldsAreChecked() {
        String name = Users.uniqueName("Checked species");
        assertInvalid(admin.api().post("/organisms/create", body("name", name)), "id");
        assertInvalid(admin.api().post("/organisms/create", body("id", "", "name", name)), "id");
        assertInvalid(admin.api().post("/organisms/create", body("id", "Human2", "name", name)), "id");
        assertInvalid(admin.api().post("/organisms/create", body("id", "two words", "name", name)), "id");
        assertInvalid(admin.api().post("/organisms/create", body("id", "-lead", "name", name)), "id");
        assertInvalid(admin.api().post("/organisms/create", body("id", "a".repeat(51), "name", name)), "id");
        assertInvalid(admin.api().post("/organisms/create", body("id", 42, "name", name)), "id");
        String id = Users.uniqueName("o").toLowerCase(Locale.ROOT);
        assertInvalid(admin.api().post("/organisms/create", body("id", id)), "name");
        assertInvalid(admin.api().post("/organisms/create", body("id", id, "name", "  ")), "name");
        assertInvalid(admin.api().post("/organisms/create", body("id", id, "name", "x".repeat(101))), "name");
        assertInvalid(admin.api().post("/organisms/create", body("id", id, "name", true)), "name");
        assertStatus(admin.api().post("/organisms/create"), 400, "VALIDATION_ERROR");
        assertInvalid(admin.api().post("/organisms/human/edit", body()), "name");
        assertInvalid(admin.api().post("/organisms/human/edit", body("name", "")), "name");
        assertInvalid(admin.api().post("/organisms/human/edit", body("name", 3)), "name");
        assertThat(anonymous.get("/organisms").json().path("organisms").findValuesAsText("id")).doesNotContain(id);

        // the longest id and name are allowed
        String longest = (id + "x".repeat(50)).substring(0, 50);
        Api.Res ok = admin.api().post("/organisms/create", body("id", longest, "name", (name + "x".repeat(100)).substring(0, 100)));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
        assertThat(admin.api().post("/organisms/" + longest + "/delete").status()).isEqualTo(200);
    }

    @Test
    void organismIdsAndNamesAreUnique() {
        assertConflict(admin.api().post("/organisms/create", body("id", "human", "name", Users.uniqueName("Another"))), "id");
        String id = Users.uniqueName("o").toLowerCase(Locale.ROOT);
        assertConflict(admin.api().post("/organisms/create", body("id", id, "name", "homo SAPIENS")), "name");
        String mine = organism(Users.uniqueName("Mine"));
        assertConflict(admin.api().post("/organisms/" + mine + "/edit", body("name", "MUS musculus")), "name");
        assertThat(anonymous.get("/organisms").json().path("organisms").findValuesAsText("id")).doesNotContain(id);
    }

    @Test
    void unknownOrganismsAreNotFound() {
        String id = Users.uniqueName("nothing").toLowerCase(Locale.ROOT);
        assertStatus(admin.api().post("/organisms/" + id + "/edit", body("name", Users.uniqueName("N"))), 404, "NOT_FOUND");
        assertStatus(admin.api().post("/organisms/" + id + "/delete"), 404, "NOT_FOUND");
    }

    @Test
    void anOrganismUsedBySamplesOrProjectsIsNotDeleted() {
        String name = Users.uniqueName("Used species");
        String id = organism(name);
        String project = project(id);
        sample(project, "organism_id", "'" + id + "'");

        Api.Res refused = admin.api().post("/organisms/" + id + "/delete");
        assertStatus(refused, 409, "CONFLICT");
        assertThat(refused.json().at("/error/message").asText()).contains(id).contains("1 sample and 1 project");
        assertThat(refused.json().at("/error/details/samples").asLong()).isEqualTo(1);
        assertThat(refused.json().at("/error/details/projects").asLong()).isEqualTo(1);
        assertThat(anonymous.get("/organisms").json().path("organisms")).contains(Json.of("id", id, "name", name));

        // a project alone is enough to keep it
        server.sql("UPDATE samples SET organism_id = NULL WHERE organism_id = '" + id + "'");
        Api.Res byProject = admin.api().post("/organisms/" + id + "/delete");
        assertStatus(byProject, 409, "CONFLICT");
        assertThat(byProject.json().at("/error/message").asText()).contains("1 project").doesNotContain("sample");

        server.sql("DELETE FROM projects WHERE name = '" + project + "'");
        assertThat(admin.api().post("/organisms/" + id + "/delete").status()).isEqualTo(200);
    }

    // ---- lookups for other features ----------------------------------------------------------------------

    @Test
    void lookupsResolveNamesWhateverTheirCase() throws Exception {
        Vocabularies v = new Vocabularies();
        long rna = entryNamed(list(kinds().filter(Kind::described).findFirst().orElseThrow()), "RNA").path("id").asLong();
        long cellLine = entryNamed(list(kinds().findFirst().orElseThrow()), "Cell Line").path("id").asLong();
        long mrna = entryNamed(list(kinds().skip(1).findFirst().orElseThrow()), "mRNA").path("id").asLong();
        jdbi().useHandle(h -> {
            assertThat(v.sampleTypeId(h, "rna")).isEqualTo(rna);
            assertThat(v.sampleTypeId(h, "RNA")).isEqualTo(rna);
            assertThat(v.sourceId(h, " cell LINE ")).isEqualTo(cellLine);
            assertThat(v.purificationTargetId(h, "MRNA")).isEqualTo(mrna);
            assertThat(v.organismId(h, "human")).isEqualTo("human");
            assertThat(v.organismId(h, "Human")).isEqualTo("human");
        });
    }

    @Test
    void lookupsRefuseUnknownValuesNamingTheField() throws Exception {
        Vocabularies v = new Vocabularies();
        jdbi().useHandle(h -> {
            assertUnknown(catchThrowableOfType(ApiException.class, () -> v.sampleTypeId(h, "Plasma")), "sample_type",
                    "unknown sample type 'Plasma'; see GET /samples/types");
            assertUnknown(catchThrowableOfType(ApiException.class, () -> v.sourceId(h, "Moon rock")), "source",
                    "unknown sample source 'Moon rock'; see GET /samples/sources");
            assertUnknown(catchThrowableOfType(ApiException.class, () -> v.purificationTargetId(h, "Lipids")), "purification_target",
                    "unknown purification target 'Lipids'; see GET /samples/purification_targets");
            assertUnknown(catchThrowableOfType(ApiException.class, () -> v.organismId(h, "unicorn")), "organism",
                    "unknown organism 'unicorn'; see GET /organisms");
            assertThat(catchThrowableOfType(ApiException.class, () -> v.sampleTypeId(h, null)).details()).containsEntry("field", "sample_type");
            assertThat(catchThrowableOfType(ApiException.class, () -> v.organismId(h, null)).details()).containsEntry("field", "organism");
        });
    }

    private static void assertUnknown(ApiException e, String field, String message) {
        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("VALIDATION_ERROR");
        assertThat(e.details()).containsEntry("field", field);
        assertThat(e.getMessage()).isEqualTo(field + ": " + message);
    }

    /** Small JSON objects to compare answers with. */
    private static final class Json {
        static JsonNode of(String... keysAndValues) {
            var node = bio.flow.http.Json.MAPPER.createObjectNode();
            for (int i = 0; i < keysAndValues.length; i += 2) node.put(keysAndValues[i], keysAndValues[i + 1]);
            return node;
        }
    }
}
