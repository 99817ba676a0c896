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
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The data types over real HTTP, every answer checked against openapi.yaml by the client; the lookup that uploads
 * and imports use; and the migration that makes {@code data.data_type} refer to them. The server is shared with
 * other test classes: identifiers, names and extensions made here are unique, and lists are only assumed to hold
 * the seeds.
 */
class DataTypesTest {
    private static final TestServer server = TestServer.shared();
    /** The built-in types and the extensions that suggest each. */
    private static final Map<String, List<String>> SEEDS = seeds();
    private static Account admin;
    private static Account user;
    private static Api anonymous;

    private static Map<String, List<String>> seeds() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("BAM", List.of(".bam"));
        m.put("BED", List.of(".bed"));
        m.put("CRAM", List.of(".cram"));
        m.put("CSV", List.of(".csv"));
        m.put("FASTA", List.of(".fa", ".faa", ".fasta", ".fna"));
        m.put("FASTQ", List.of(".fastq", ".fq"));
        m.put("GFF", List.of(".gff", ".gff3"));
        m.put("GTF", List.of(".gtf"));
        m.put("OTHER", List.of());
        m.put("SAM", List.of(".sam"));
        m.put("TEXT", List.of(".txt"));
        m.put("TSV", List.of(".tab", ".tsv"));
        m.put("VCF", List.of(".vcf"));
        return m;
    }

    @BeforeAll
    static void setUp() {
        admin = Users.admin(server);
        user = Users.signUp(server, "dtypes");
        anonymous = server.client();
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static String identifier() {
        return Users.uniqueName("DT").toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** An extension that suggests no type yet. */
    private static String extension() {
        return "." + Users.uniqueName("x").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    private static JsonNode available(Api api) {
        Api.Res r = api.get("/data/types/available");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().size()).as("keys of " + r).isEqualTo(1);
        return r.json().path("data_types");
    }

    private static JsonNode managed() {
        Api.Res r = admin.api().get("/data/types");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().path("data_types");
    }

    private static JsonNode find(JsonNode types, String identifier) {
        for (JsonNode t : types) if (t.path("identifier").asText().equals(identifier)) return t;
        return null;
    }

    private static List<String> identifiers(JsonNode types) {
        List<String> out = new ArrayList<>();
        types.forEach(t -> out.add(t.path("identifier").asText()));
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }

    private static String create(String... extensions) {
        String id = identifier();
        Api.Res r = admin.api().post("/data/types/create", body("identifier", id, "name", "Type " + id, "extensions", List.of(extensions)));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return id;
    }

    /** Inserts a data record of {@link #user} with the type {@code identifier}. */
    private static void dataOfType(String identifier) {
        server.sql("INSERT INTO data (filename, owner_id, data_type) VALUES ('typed.bin', " + user.id() + ", '" + identifier + "')");
    }

    // ---- reading ---------------------------------------------------------------------------------------

    @Test
    void anyoneReadsTheAvailableTypesWithTheirExtensions() {
        for (Api api : List.of(anonymous, user.api(), admin.api(), server.client().as("not-a-token"))) {
            JsonNode types = available(api);
            assertThat(identifiers(types)).containsAll(SEEDS.keySet()).isSorted();
            SEEDS.forEach((id, extensions) -> {
                JsonNode t = find(types, id);
                assertThat(texts(t.path("extensions"))).as(id).isEqualTo(extensions);
                assertThat(t.path("description").asText()).as(id).isNotEmpty();
                List<String> keys = new ArrayList<>();
                t.fieldNames().forEachRemaining(keys::add);
                assertThat(keys).containsExactly("identifier", "name", "description", "extensions");
            });
        }
        assertThat(find(available(anonymous), "TEXT").path("name").asText()).isEqualTo("Plain text");
    }

    @Test
    void onlyAdminsReadTheTypesWithTheirUse() {
        assertStatus(anonymous.get("/data/types"), 401, "UNAUTHORIZED");
        assertStatus(server.client().as("not-a-token").get("/data/types"), 401, "UNAUTHORIZED");
        assertStatus(user.api().get("/data/types"), 403, "FORBIDDEN");

        String mine = create();
        dataOfType(mine);
        dataOfType(mine);
        JsonNode types = managed();
        assertThat(identifiers(types)).containsAll(SEEDS.keySet()).contains(mine).isSorted();
        SEEDS.keySet().forEach(id -> assertThat(find(types, id).path("built_in").asBoolean()).as(id).isTrue());
        assertThat(find(types, mine).path("built_in").asBoolean()).isFalse();
        assertThat(find(types, mine).path("data_count").asLong()).isEqualTo(2);
        // the same types as the public list, with their use added
        JsonNode fastq = find(types, "FASTQ");
        JsonNode publicFastq = find(available(anonymous), "FASTQ").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) publicFastq).put("built_in", true).put("data_count", fastq.path("data_count").asLong());
        assertThat(fastq.toString()).isEqualTo(publicFastq.toString());
    }

    // ---- changing --------------------------------------------------------------------------------------

    @Test
    void adminsCreateEditAndDeleteTypes() {
        String id = identifier();
        String bw = extension();
        String bigwig = extension();
        Api.Res created = admin.api().post("/data/types/create",
                body("identifier", id, "name", "  BigWig " + id + " ", "description", " Coverage tracks ", "extensions", List.of(bw, bigwig)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().path("identifier").asText()).isEqualTo(id);
        assertThat(created.json().path("name").asText()).isEqualTo("BigWig " + id);
        assertThat(created.json().path("description").asText()).isEqualTo("Coverage tracks");
        assertThat(texts(created.json().path("extensions"))).containsExactlyInAnyOrder(bw, bigwig).isSorted();
        assertThat(created.json().path("built_in").asBoolean()).isFalse();
        assertThat(created.json().path("data_count").asLong()).isZero();
        assertThat(find(managed(), id)).isEqualTo(created.json());
        assertThat(texts(find(available(anonymous), id).path("extensions"))).containsExactlyInAnyOrder(bw, bigwig);

        // edited through its identifier in any case: the identifier stays
        String other = extension();
        Api.Res edited = admin.api().post("/data/types/" + id.toLowerCase(Locale.ROOT) + "/edit",
                body("name", "Coverage " + id, "extensions", List.of(other, bw), "identifier", "IGNORED"));
        assertThat(edited.status()).as(edited.toString()).isEqualTo(200);
        assertThat(edited.json().path("identifier").asText()).isEqualTo(id);
        assertThat(edited.json().path("name").asText()).isEqualTo("Coverage " + id);
        assertThat(edited.json().path("description").asText()).as("kept").isEqualTo("Coverage tracks");
        assertThat(texts(edited.json().path("extensions"))).containsExactlyInAnyOrder(other, bw);
        // the extension it gave up suggests no type any more: another may take it
        String taker = create(bigwig);

        // fields left out keep their values; [] removes every extension
        Api.Res nothing = admin.api().post("/data/types/" + id + "/edit", body());
        assertThat(nothing.status()).as(nothing.toString()).isEqualTo(200);
        assertThat(nothing.json()).isEqualTo(edited.json());
        Api.Res cleared = admin.api().post("/data/types/" + id + "/edit", body("description", "", "extensions", List.of()));
        assertThat(cleared.status()).as(cleared.toString()).isEqualTo(200);
        assertThat(cleared.json().path("description").asText()).isEmpty();
        assertThat(cleared.json().path("extensions").size()).isZero();
        assertThat(cleared.json().path("name").asText()).isEqualTo("Coverage " + id);

        Api.Res deleted = admin.api().post("/data/types/" + id + "/delete");
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.json().path("success").asBoolean()).isTrue();
        assertThat(deleted.json().path("message").asText()).contains(id);
        assertThat(find(available(anonymous), id)).isNull();
        assertThat(find(managed(), id)).isNull();
        assertStatus(admin.api().post("/data/types/" + id + "/delete"), 404, "NOT_FOUND");
        assertStatus(admin.api().post("/data/types/" + id + "/edit", body("name", "again")), 404, "NOT_FOUND");
        // its extensions went with it
        assertThat(server.queryLong("SELECT count(*) FROM data_type_extensions WHERE data_type = '" + id + "'")).isZero();
        assertThat(admin.api().post("/data/types/" + taker + "/delete").status()).isEqualTo(200);
    }

    @Test
    void onlyAdminsChangeTypes() {
        String id = create();
        String newId = identifier();
        Map<String, Object> b = body("identifier", newId, "name", "Type " + newId);

        for (Api api : List.of(anonymous, server.client().as("not-a-token"))) {
            assertStatus(api.post("/data/types/create", b), 401, "UNAUTHORIZED");
            assertStatus(api.post("/data/types/" + id + "/edit", body("name", "x")), 401, "UNAUTHORIZED");
            assertStatus(api.post("/data/types/" + id + "/delete"), 401, "UNAUTHORIZED");
        }
        assertStatus(user.api().post("/data/types/create", b), 403, "FORBIDDEN");
        assertStatus(user.api().post("/data/types/" + id + "/edit", body("name", "x")), 403, "FORBIDDEN");
        assertStatus(user.api().post("/data/types/" + id + "/delete"), 403, "FORBIDDEN");
        assertStatus(user.api().post("/data/types/FASTQ/delete"), 403, "FORBIDDEN");

        assertThat(identifiers(available(anonymous))).contains(id).doesNotContain(newId);
        assertThat(find(available(anonymous), id).path("name").asText()).isEqualTo("Type " + id);
    }

    @Test
    void unknownTypesAreNotFound() {
        for (String id : List.of(identifier(), "no%20such%20type", "%20", "0")) {
            assertStatus(admin.api().post("/data/types/" + id + "/edit", body("name", Users.uniqueName("N"))), 404, "NOT_FOUND");
            assertStatus(admin.api().post("/data/types/" + id + "/delete"), 404, "NOT_FOUND");
        }
    }

    @Test
    void identifiersNamesAndExtensionsAreUnique() {
        String id = identifier();
        assertConflict(admin.api().post("/data/types/create", body("identifier", "FASTQ", "name", "Type " + id)), "identifier");
        assertConflict(admin.api().post("/data/types/create", body("identifier", id, "name", " plain TEXT ")), "name");
        Api.Res fq = admin.api().post("/data/types/create", body("identifier", id, "name", "Type " + id, "extensions", List.of(extension(), ".fq")));
        assertConflict(fq, "extensions");
        assertThat(fq.json().at("/error/message").asText()).contains(".fq").contains("FASTQ");
        assertThat(identifiers(available(anonymous))).as("nothing was kept").doesNotContain(id);

        String mine = extension();
        String first = create(mine);
        String second = create();
        assertConflict(admin.api().post("/data/types/" + second + "/edit", body("name", ("type " + first).toUpperCase(Locale.ROOT))), "name");
        assertConflict(admin.api().post("/data/types/" + second + "/edit", body("extensions", List.of(mine))), "extensions");
        assertConflict(admin.api().post("/data/types/" + second + "/edit", body("extensions", List.of(".bam"))), "extensions");
        assertConflict(admin.api().post("/data/types/create", body("identifier", first, "name", Users.uniqueName("N"))), "identifier");
        // a type keeps its own name (in another case) and its own extensions
        Api.Res own = admin.api().post("/data/types/" + first + "/edit", body("name", ("type " + first).toLowerCase(Locale.ROOT),
                "extensions", List.of(mine)));
        assertThat(own.status()).as(own.toString()).isEqualTo(200);
        assertThat(texts(find(available(anonymous), second).path("extensions"))).isEmpty();
        assertThat(texts(find(available(anonymous), "FASTQ").path("extensions"))).containsExactly(".fastq", ".fq");
    }

    @Test
    void fieldsAreChecked() {
        String name = Users.uniqueName("Checked");
        for (Object bad : new Object[] {null, "", "  ", "fastq2", "Two words", "-LEAD", "A".repeat(33), "À", 42, List.of("A")}) {
            Map<String, Object> b = body("name", name);
            if (bad != null) b.put("identifier", bad);
            assertInvalid(admin.api().post("/data/types/create", b), "identifier");
        }
        String id = identifier();
        for (Object bad : new Object[] {null, "", "   ", "x".repeat(101), 5, true}) {
            Map<String, Object> b = body("identifier", id);
            if (bad != null) b.put("name", bad);
            assertInvalid(admin.api().post("/data/types/create", b), "name");
        }
        String existing = create();
        for (String path : List.of("/data/types/create", "/data/types/" + existing + "/edit")) {
            Map<String, Object> valid = body("identifier", id, "name", name);
            assertInvalid(admin.api().post(path, with(valid, "description", "x".repeat(2001))), "description");
            assertInvalid(admin.api().post(path, with(valid, "description", 7)), "description");
            if (path.endsWith("/edit")) {
                assertInvalid(admin.api().post(path, body("name", "  ")), "name");
                assertInvalid(admin.api().post(path, body("name", "x".repeat(101))), "name");
            }
            List<Object> badExtensions = new ArrayList<>(List.of(".fq.gz", ".gz", ".vcf.bgz", "fq", ".FQ", ".f q", "..fq", ".", "",
                    "." + "x".repeat(20), List.of(".fq")));
            List<Object> withNull = new ArrayList<>();
            withNull.add(null);
            for (Object e : badExtensions) assertInvalid(admin.api().post(path, with(valid, "extensions", List.of(e))), "extensions.0");
            assertInvalid(admin.api().post(path, with(valid, "extensions", withNull)), "extensions.0");
            assertInvalid(admin.api().post(path, with(valid, "extensions", ".fq")), "extensions");
            String twice = extension();
            assertInvalid(admin.api().post(path, with(valid, "extensions", List.of(twice, twice))), "extensions.1");
            List<String> many = new ArrayList<>();
            for (int i = 0; i < 21; i++) many.add(extension());
            assertInvalid(admin.api().post(path, with(valid, "extensions", many)), "extensions");
            assertStatus(admin.api().post(path), 400, "VALIDATION_ERROR");
            assertStatus(admin.api().post(path, "not json"), 400, "VALIDATION_ERROR");
        }
        Api.Res compressed = admin.api().post("/data/types/create", body("identifier", id, "name", name, "extensions", List.of(".fq.gz")));
        assertThat(compressed.json().at("/error/message").asText()).contains("compression").contains("'.fq'");
        assertThat(identifiers(available(anonymous))).doesNotContain(id);

        // the longest identifier, name, description and extension, and 20 extensions, are allowed
        String longest = (id + "X".repeat(32)).substring(0, 32);
        List<String> twenty = new ArrayList<>();
        for (int i = 0; i < 19; i++) twenty.add(extension());
        twenty.add((extension() + "x".repeat(20)).substring(0, 20));
        Api.Res ok = admin.api().post("/data/types/create", body("identifier", longest, "name", (name + "x".repeat(100)).substring(0, 100),
                "description", "d".repeat(2000), "extensions", twenty));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
        assertThat(ok.json().path("extensions").size()).isEqualTo(20);
        assertThat(admin.api().post("/data/types/" + longest + "/delete").status()).isEqualTo(200);
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> m = new HashMap<>(base);
        m.put(key, value);
        return m;
    }

    @Test
    void aTypeThatDataHasIsNotDeleted() {
        String id = create(extension());
        dataOfType(id);

        Api.Res refused = admin.api().post("/data/types/" + id + "/delete");
        assertStatus(refused, 409, "CONFLICT");
        assertThat(refused.json().at("/error/message").asText()).contains(id).contains("1 data file");
        assertThat(refused.json().at("/error/details/data").asLong()).isEqualTo(1);
        assertThat(find(managed(), id).path("data_count").asLong()).isEqualTo(1);
        assertThat(find(available(anonymous), id)).isNotNull();

        server.sql("DELETE FROM data WHERE data_type = '" + id + "'");
        assertThat(admin.api().post("/data/types/" + id + "/delete").status()).isEqualTo(200);
    }

    @Test
    void builtInTypesAreChangedButNeverDeleted() {
        for (String id : SEEDS.keySet()) {
            Api.Res refused = admin.api().post("/data/types/" + id.toLowerCase(Locale.ROOT) + "/delete");
            assertStatus(refused, 409, "CONFLICT");
            assertThat(refused.json().at("/error/details/built_in").asBoolean()).as(refused.toString()).isTrue();
            assertThat(refused.json().at("/error/message").asText()).contains(id).contains("built in");
        }
        assertThat(identifiers(available(anonymous))).containsAll(SEEDS.keySet());

        String description = find(available(anonymous), "OTHER").path("description").asText();
        Api.Res edited = admin.api().post("/data/types/OTHER/edit", body("description", "Anything else"));
        assertThat(edited.status()).as(edited.toString()).isEqualTo(200);
        assertThat(edited.json().path("built_in").asBoolean()).isTrue();
        assertThat(edited.json().path("description").asText()).isEqualTo("Anything else");
        assertThat(admin.api().post("/data/types/OTHER/edit", body("description", description)).status()).isEqualTo(200);
    }

    @Test
    void dataRefersToTheTypesByIdentifier() {
        // the column refuses what is not a type, so that a type in use cannot disappear under its data
        Throwable refused = catchThrowableOfType(RuntimeException.class, () -> dataOfType("NOT_A_TYPE"));
        assertThat(refused).isNotNull().hasStackTraceContaining("data_data_type_fkey");
    }

    // ---- the lookup for uploads and imports --------------------------------------------------------------

    @Test
    void theLookupResolvesIdentifiersWhateverTheirCase() {
        Vocabularies v = new Vocabularies();
        server.jdbi().useHandle(h -> {
            assertThat(v.dataTypeId(h, "fastq")).isEqualTo("FASTQ");
            assertThat(v.dataTypeId(h, " Bam ")).isEqualTo("BAM");
            ApiException unknown = catchThrowableOfType(ApiException.class, () -> v.dataTypeId(h, "bigwig"));
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.details()).containsEntry("field", "data_type");
            assertThat(unknown.getMessage()).isEqualTo("data_type: unknown data type 'bigwig'; see GET /data/types/available");
            assertThat(catchThrowableOfType(ApiException.class, () -> v.dataTypeId(h, null)).details()).containsEntry("field", "data_type");
        });
    }

    // ---- the migration ------------------------------------------------------------------------------------

    /**
     * Data written before the data types existed keeps a type that names one (in any case) and loses any other:
     * migrated in a database of its own on the shared server's PostgreSQL.
     */
    @Test
    void theMigrationKeepsKnownTypesAndClearsOthers() throws Exception {
        String database = Users.uniqueName("migration").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
        server.sql("CREATE DATABASE " + database);
        try {
            String url = "jdbc:postgresql://127.0.0.1:" + server.queryLong("SELECT inet_server_port()") + "/" + database;
            String password = Files.readString(server.dataDir().resolve("db-password")).strip();
            Flyway.configure().dataSource(url, "postgres", password).locations("classpath:db/migration").target("7").load().migrate();
            Properties p = new Properties();
            p.setProperty("user", "postgres");
            p.setProperty("password", password);
            try (Connection c = DriverManager.getConnection(url, p); Statement s = c.createStatement()) {
                s.execute("INSERT INTO users (username, email) VALUES ('old', 'old@example.org')");
                s.execute("INSERT INTO data (filename, owner_id, data_type) SELECT f, (SELECT id FROM users WHERE username = 'old'), t "
                        + "FROM (VALUES ('a', 'fastq'), ('b', ' BAM '), ('c', 'bigwig'), ('d', ''), ('e', NULL)) AS v (f, t)");
                Flyway.configure().dataSource(url, "postgres", password).locations("classpath:db/migration").load().migrate();
                Map<String, String> types = new HashMap<>();
                try (ResultSet rs = s.executeQuery("SELECT filename, data_type FROM data")) {
                    while (rs.next()) types.put(rs.getString(1), rs.getString(2));
                }
                Map<String, String> expected = new HashMap<>();
                expected.put("a", "FASTQ");
                expected.put("b", "BAM");
                expected.put("c", null);
                expected.put("d", null);
                expected.put("e", null);
                assertThat(types).isEqualTo(expected);
            }
        } finally {
            server.sql("DROP DATABASE " + database + " WITH (FORCE)");
        }
    }
}
