package bio.flow.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The /api dialect as flowbio-client-dialect.md describes what the official client sends and reads, over real HTTP
 * with {@link FlowbioClient}, which also checks every answer against openapi-dialect.yaml and for numeric ids.
 */
class DialectTest {
    private static final TestServer server = TestServer.shared();

    private FlowbioClient client() {
        return new FlowbioClient(server.baseUrl());
    }

    @Test
    void logInAnswersTokenBesideAccessTokenAndTheTokenWorksAsBearer() {
        Account a = Users.signUp(server, "dlogin");
        FlowbioClient c = client();
        FlowbioClient.Res r = c.logIn(a.username(), Users.PASSWORD);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("token").asText()).isNotEmpty().isEqualTo(r.json().path("access_token").asText());
        assertThat(r.json().path("user").path("id").asText()).isEqualTo(Long.toString(a.id()));
        // The refresh cookie reaches /api/token: its path covers it.
        String cookie = r.headers().get("set-cookie").get(0);
        assertThat(cookie).startsWith("flow_refresh_token=").contains("Path=/;").contains("HttpOnly");
        assertThat(c.get("/me").json().path("username").asText()).isEqualTo(a.username());

        FlowbioClient.Res wrong = client().logIn(a.username(), "not-the-password");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().path("error").asText()).isNotBlank();
        assertThat(wrong.json().path("code").asText()).isEqualTo("UNAUTHORIZED");
        // A body that is not a JSON object is a 400 in the dialect's shape, naming the mistake.
        FlowbioClient.Res bad = client().postJson("/login", "[1, 2]");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").asText()).contains("JSON object");
        assertThat(bad.json().path("code").asText()).isEqualTo("VALIDATION_ERROR");
    }

    @Test
    void refreshTakesTheCookieAndIgnoresTheStaleBearer() {
        Account a = Users.signUp(server, "drefresh");
        FlowbioClient c = client();
        c.logIn(a.username(), Users.PASSWORD);
        String first = c.token();
        c.token("stale.invalid.token"); // what the client sends after a 401: the cookie and the stale Bearer
        FlowbioClient.Res r = c.get("/token");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("token").asText()).isNotEmpty().isEqualTo(r.json().path("access_token").asText());
        c.token(r.json().path("token").asText());
        assertThat(c.get("/me").status()).isEqualTo(200);
        assertThat(first).isNotEmpty();

        // No cookie: a non-2xx, so the client raises the original 401.
        FlowbioClient.Res none = client().token("stale.invalid.token").get("/token");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().path("error").isTextual()).isTrue();
    }

    @Test
    void idsAreStringsInAnswersAndStringsOrNumbersInRequests() {
        Account a = Users.signUp(server, "dids");
        long project = Fixtures.project(a, "Dialect ids", false);
        FlowbioClient c = client().token(a.token());

        JsonNode p = c.get("/projects/" + project).json();
        assertThat(p.path("id").isTextual()).isTrue();
        assertThat(p.path("id").asText()).isEqualTo(Long.toString(project));
        assertThat(p.path("owner").path("id").asText()).isEqualTo(Long.toString(a.id()));
        assertThat(p.path("description").asText()).isEqualTo("about Dialect ids");

        // A JSON body's id reference as a string of digits, as the client's ids are, and as a number: both taken.
        FlowbioClient.Res asString = c.postJson("/samples/new", "{\"name\": \"s1\", \"project\": \"" + project + "\", \"sample_type\": \"RNA\"}");
        assertThat(asString.status()).isEqualTo(201);
        assertThat(asString.json().path("project").path("id").asText()).isEqualTo(Long.toString(project));
        FlowbioClient.Res asNumber = c.postJson("/samples/new", "{\"name\": \"s2\", \"project\": " + project + "}");
        assertThat(asNumber.status()).isEqualTo(201);
        String sample = asString.json().path("id").asText();
        assertThat(c.get("/samples/" + sample).json().path("name").asText()).isEqualTo("s1");
        // Any other string stays a string, which the main API refuses, naming the field.
        FlowbioClient.Res word = c.postJson("/samples/new", "{\"name\": \"s3\", \"project\": \"seven\"}");
        assertThat(word.status()).isEqualTo(400);
        assertThat(word.json().path("details").path("field").asText()).isEqualTo("project");
        // The main API stays strict: a string id is a 400 there.
        assertThat(a.api().post("/samples/new", "{\"name\": \"s4\", \"project\": \"" + project + "\"}").status()).isEqualTo(400);
        // Lists of ids too (POST /samples/delete takes ids).
        FlowbioClient.Res deleted = c.postJson("/samples/delete", "{\"ids\": [\"" + sample + "\"]}");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(c.get("/samples/" + sample).status()).isEqualTo(404);
    }

    @Test
    void ownedProjectsPageByPageAndCountWithTheTrueTotalPastTheEnd() {
        Account a = Users.signUp(server, "dpages");
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) made.add(Long.toString(Fixtures.project(a, "Paged " + i, false)));
        FlowbioClient c = client().token(a.token());

        // As the client iterates: page 1 without count, then page N with count = what page 1 returned.
        JsonNode first = c.get("/projects/owned?page=1").json();
        assertThat(first.path("count").asInt()).isEqualTo(5);
        assertThat(first.path("projects")).hasSize(5);
        List<String> seen = new ArrayList<>();
        for (int page = 1; ; page++) {
            JsonNode r = c.get("/projects/owned?page=" + page + "&count=2").json();
            assertThat(r.path("count").asInt()).isEqualTo(5);
            if (r.path("projects").isEmpty()) break;
            r.path("projects").forEach(p -> seen.add(p.path("id").asText()));
        }
        assertThat(seen).hasSize(5).containsExactlyInAnyOrderElementsOf(made).doesNotHaveDuplicates();
        JsonNode past = c.get("/projects/owned?page=9&count=2").json();
        assertThat(past.path("projects")).isEmpty();
        assertThat(past.path("count").asInt()).isEqualTo(5);

        FlowbioClient.Res tooMany = c.get("/projects/owned?page=1&count=101");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().path("details").path("field").asText()).isEqualTo("count");
        assertThat(c.get("/projects/owned?page=0").status()).isEqualTo(400);
        assertThat(client().get("/projects/owned?page=1").status()).isEqualTo(401);
    }

    @Test
    void vocabulariesAreBareArraysWithTheClientsFields() {
        FlowbioClient anonymous = client();
        JsonNode types = anonymous.get("/samples/types").json();
        assertThat(types.isArray()).isTrue();
        List<String> mainTypes = new ArrayList<>();
        server.client().get("/samples/types").json().path("sample_types").forEach(t -> mainTypes.add(t.path("name").asText()));
        List<String> identifiers = new ArrayList<>();
        types.forEach(t -> {
            identifiers.add(t.path("identifier").asText());
            assertThat(t.path("name").asText()).isEqualTo(t.path("identifier").asText());
            assertThat(t.path("description").isTextual()).isTrue();
        });
        assertThat(identifiers).isEqualTo(mainTypes).contains("RNA");

        JsonNode organisms = anonymous.get("/organisms").json();
        assertThat(organisms.isArray()).isTrue();
        JsonNode human = null;
        for (JsonNode o : organisms) if (o.path("id").asText().equals("human")) human = o;
        assertThat(human).isNotNull();
        assertThat(human.path("latin_name").asText()).isEqualTo(human.path("name").asText()).isNotBlank();

        JsonNode attributes = anonymous.get("/samples/metadata").json();
        assertThat(attributes.isArray()).isTrue();
        List<String> ids = new ArrayList<>();
        attributes.forEach(at -> ids.add(at.path("identifier").asText()));
        // the built-ins first; other test classes may have defined more after them
        assertThat(ids.subList(0, 4)).containsExactly("source", "purification_target", "condition", "replicate_group");
        JsonNode source = attributes.get(0);
        assertThat(source.path("has_options").asBoolean()).isTrue();
        assertThat(source.path("allow_user_terms").asBoolean()).isFalse();
        assertThat(source.path("required").asBoolean()).isFalse();

        // The options are the vocabulary's current names.
        List<String> sources = new ArrayList<>();
        server.client().get("/samples/sources").json().path("sources").forEach(s -> sources.add(s.path("name").asText()));
        List<String> options = new ArrayList<>();
        anonymous.get("/samples/metadata/source/options").json().path("options").forEach(o -> options.add(o.path("value").asText()));
        assertThat(options).containsExactlyInAnyOrderElementsOf(sources);
        assertThat(anonymous.get("/samples/metadata/condition/options").json().path("options")).isEmpty();
        FlowbioClient.Res unknown = anonymous.get("/samples/metadata/no_such_thing/options");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("code").asText()).isEqualTo("NOT_FOUND");
    }

    /** E8: the client asks for {@code generic} or a sample type's template and writes the bytes it gets to a file. */
    @Test
    void annotationTemplatesForGenericAndSampleTypes() {
        Account a = Users.signUp(server, "dtemplate");
        FlowbioClient c = client().token(a.token());
        for (String type : List.of("generic", "RNA")) {
            FlowbioClient.Res r = c.get("/annotation/" + type);
            assertThat(r.status()).as(type).isEqualTo(200);
            assertThat(new String(r.body(), 0, 2, StandardCharsets.ISO_8859_1)).as("a zip (xlsx)").isEqualTo("PK");
            assertThat(r.header("Content-Disposition")).contains("flow-sample-annotation.xlsx");
        }
        FlowbioClient.Res unknown = c.get("/annotation/No-such-type");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(client().get("/annotation/generic").status()).isEqualTo(401);
    }

    @Test
    void errorsCarryAReadableMessageWithCodeAndDetails() {
        FlowbioClient.Res missing = client().get("/no/such/endpoint");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("error").asText()).contains("/no/such/endpoint");
        assertThat(missing.json().path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(missing.json().path("details").path("request_id").asText()).isEqualTo(missing.header("X-Request-Id"));

        FlowbioClient.Res anonymous = client().get("/me");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().path("code").asText()).isEqualTo("UNAUTHORIZED");
        // /api alone and the prefix without a slash are not the API.
        assertThat(client().get("").status()).isEqualTo(404);
        assertThat(server.client().get("/apix/ping").status()).isEqualTo(404);
    }

    /** The same permission policy answers: what each kind of caller sees of a private project and sample. */
    @Test
    void permissionsAreTheMainApisForEveryKindOfCaller() {
        Account owner = Users.signUp(server, "downer");
        Account reader = Users.signUp(server, "dreader");
        Account editor = Users.signUp(server, "deditor");
        Account stranger = Users.signUp(server, "dstranger");
        Account admin = Users.admin(server);
        long project = Fixtures.project(owner, "Private dialect", false);
        long sample = Fixtures.sample(owner, project, "private-sample");
        Fixtures.shareWithUser(owner, "projects", project, reader, 1);
        Fixtures.shareWithUser(owner, "projects", project, editor, 2);

        Map<String, Integer> expected = new java.util.LinkedHashMap<>();
        expected.put("anonymous", 404);
        expected.put("owner", 200);
        expected.put("reader", 200);
        expected.put("editor", 200);
        expected.put("stranger", 404);
        expected.put("admin", 200);
        Map<String, String> tokens = new java.util.HashMap<>();
        tokens.put("owner", owner.token());
        tokens.put("reader", reader.token());
        tokens.put("editor", editor.token());
        tokens.put("stranger", stranger.token());
        tokens.put("admin", admin.token());
        expected.forEach((who, status) -> {
            FlowbioClient c = client().token(tokens.get(who));
            assertThat(c.get("/projects/" + project).status()).as(who + " reads the project").isEqualTo(status);
            assertThat(c.get("/samples/" + sample).status()).as(who + " reads the sample").isEqualTo(status);
            // The same answer as the main API's, ids aside.
            var main = server.client().as(tokens.get(who)).get("/projects/" + project);
            assertThat(main.status()).isEqualTo(status);
        });
        // Editing: the editor may, the reader may not (403: they may read it), the stranger is told nothing (404).
        String edit = "{\"name\": \"renamed\"}";
        assertThat(client().token(editor.token()).postJson("/samples/" + sample + "/edit", edit).status()).isEqualTo(200);
        assertThat(client().token(reader.token()).postJson("/samples/" + sample + "/edit", edit).status()).isEqualTo(403);
        assertThat(client().token(stranger.token()).postJson("/samples/" + sample + "/edit", edit).status()).isEqualTo(404);
        assertThat(client().postJson("/samples/" + sample + "/edit", edit).status()).isEqualTo(401);
    }

    @Test
    void filesAreServedAsTheMainApiServesThem() {
        Account a = Users.signUp(server, "dfiles");
        byte[] bytes = "@r1\nACGTACGT\n+\nIIIIIIII\n".repeat(5000).getBytes(StandardCharsets.UTF_8);
        long data = Fixtures.upload(a, "reads.fastq", bytes, Map.of());
        FlowbioClient c = client().token(a.token());
        FlowbioClient.Res file = c.get("/downloads/" + data + "/reads.fastq");
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.body()).isEqualTo(bytes);
        assertThat(file.header("Content-Length")).isEqualTo(Integer.toString(bytes.length));
        // A text answer is passed through as well.
        assertThat(c.get("/ping").text()).isEqualTo("pong");
    }
}
