package bio.flow.search;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Parallel;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** GET /users/search and GET /groups/search over HTTP: what they match, what they show to whom, and their throttle. */
class PeopleSearchTest {
    private static final TestServer server = TestServer.shared();
    /** A server allowing 5 searches a minute per account, for the throttle. */
    private static TestServer throttled;

    @AfterAll
    static void closeThrottled() {
        if (throttled != null) throttled.close();
    }

    private static synchronized TestServer throttled() {
        if (throttled == null) throttled = TestServer.start(Map.of("FLOW_PEOPLE_SEARCH_MAX_PER_MINUTE", "5"));
        return throttled;
    }

    /** Letters and digits found in no other test's names: each test searches for its own. */
    private static String tag() {
        return Users.uniqueName("zq").replaceAll("[^a-z0-9]", "");
    }

    /** An account with the names given, signed in. */
    private static Account signUp(TestServer on, String username, String email, String first, String last) {
        Api api = on.client();
        Api.Res r = api.post("/signup", Map.of("username", username, "email", email, "password", Users.PASSWORD,
                "first_name", first, "last_name", last));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        api.as(r.json().path("access_token").asText());
        return new Account(r.json().path("user").path("id").asLong(), username, email, api);
    }

    private static Api.Res search(Account by, String what, String q) {
        return by.api().get("/" + what + "/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
    }

    private static List<String> usernames(Api.Res r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().path("users").forEach(u -> out.add(u.path("username").asText()));
        return out;
    }

    private static List<String> slugs(Api.Res r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().path("groups").forEach(g -> out.add(g.path("slug").asText()));
        return out;
    }

    @Test
    void usersAreFoundByUsernameAndNameWhateverTheCaseAndSeparators() {
        String tag = tag();
        Account ada = signUp(server, tag + "_ada", tag + "a@example.org", "Adaline", "Love" + tag);
        Account prefixed = signUp(server, tag, tag + "b@example.org", "Other", "Person");
        Account inside = signUp(server, "x" + tag + "x", tag + "c@example.org", "Third", "One");
        Account searcher = Users.signUp(server, "psearcher");

        // The exact username first, then usernames starting with the text, then the rest.
        assertThat(usernames(search(searcher, "users", tag.toUpperCase()))).containsExactly(prefixed.username(), ada.username(), inside.username());
        assertThat(usernames(search(searcher, "users", tag + "-ADA"))).containsExactly(ada.username());
        for (String name : List.of("adaline love" + tag, "Adaline-Love" + tag, "ADALINELOVE" + tag, "love" + tag)) {
            Api.Res r = search(searcher, "users", name);
            assertThat(usernames(r)).as(name).containsExactly(ada.username());
            JsonNode user = r.json().path("users").get(0);
            assertThat(user.path("id").asLong()).isEqualTo(ada.id());
            assertThat(user.path("name").asText()).isEqualTo("Adaline Love" + tag);
        }
        // limit caps the answer, best matches first.
        Api.Res one = searcher.api().get("/users/search?q=" + tag + "&limit=1");
        assertThat(usernames(one)).containsExactly(prefixed.username());
    }

    @Test
    void anEmailMatchesOnlyWholeAndIsShownToAdminsOnly() {
        String tag = tag();
        String email = "mail" + tag + "@lab" + tag + ".org";
        Account target = signUp(server, "u" + tag.substring(2), email, "Email", "Owner");
        Account searcher = Users.signUp(server, "psearcher");

        Api.Res whole = search(searcher, "users", email.toUpperCase());
        assertThat(usernames(whole)).containsExactly(target.username());
        assertThat(whole.json().path("users").get(0).has("email")).isFalse();
        assertThat(whole.json().path("users").get(0).has("is_admin")).isFalse();
        assertThat(whole.json().path("users").get(0).has("can_run_pipelines")).isFalse();
        assertThat(whole.text()).doesNotContain(email);
        // Never a part of it: the local part, the domain, the address without its domain's end.
        for (String part : List.of("mail" + tag, "lab" + tag + ".org", "mail" + tag + "@lab" + tag, "@lab" + tag + ".org")) {
            assertThat(usernames(search(searcher, "users", part))).as(part).isEmpty();
        }
        // Nor anyone else's email in a non-admin's answer.
        assertThat(search(searcher, "users", target.username()).text()).doesNotContain(email);

        Api.Res asAdmin = search(Users.admin(server), "users", email);
        assertThat(asAdmin.json().path("users").get(0).path("email").asText()).isEqualTo(email);
        // and the rights an admin manages (POST /admin/users/{username}), with the values they have now
        assertThat(asAdmin.json().path("users").get(0).path("is_admin").isBoolean()).isTrue();
        assertThat(asAdmin.json().path("users").get(0).path("is_admin").asBoolean()).isFalse();
        assertThat(asAdmin.json().path("users").get(0).path("can_run_pipelines").asBoolean()).isTrue();
        Users.admin(server).api().post("/admin/users/" + target.username(), Map.of("is_admin", true, "can_run_pipelines", false));
        Api.Res after = search(Users.admin(server), "users", email);
        assertThat(after.json().path("users").get(0).path("is_admin").asBoolean()).isTrue();
        assertThat(after.json().path("users").get(0).path("can_run_pipelines").asBoolean()).isFalse();
        Users.admin(server).api().post("/admin/users/" + target.username(), Map.of("is_admin", false));
        assertThat(search(Users.admin(server), "users", "mail" + tag).json().path("users")).isEmpty();
    }

    @Test
    void groupsAreFoundOnlyByThoseWhoMaySeeThem() {
        Account head = Users.signUp(server, "pghead");
        Account member = Users.signUp(server, "pgmember");
        Account invited = Users.signUp(server, "pginvited");
        Account stranger = Users.signUp(server, "pgstranger");
        String slug = Fixtures.group(head, List.of(member), List.of(invited));
        String name = "Lab " + slug;
        String core = slug.replaceAll("[^a-z0-9]", "");

        for (Account sees : List.of(head, member, invited, Users.admin(server))) {
            Api.Res bySlug = search(sees, "groups", slug);
            assertThat(slugs(bySlug)).as(sees.username()).containsExactly(slug);
            JsonNode g = bySlug.json().path("groups").get(0);
            assertThat(g.path("name").asText()).isEqualTo(name);
            assertThat(g.path("id").asLong()).isPositive();
            assertThat(slugs(search(sees, "groups", name.toUpperCase()))).containsExactly(slug);
            assertThat(slugs(search(sees, "groups", core))).containsExactly(slug);
        }
        Api.Res hidden = search(stranger, "groups", slug);
        assertThat(slugs(hidden)).isEmpty();
        assertThat(hidden.text()).doesNotContain(slug);

        // Leaving the group hides it again.
        assertThat(member.api().post("/groups/" + slug + "/leave").status()).isEqualTo(200);
        assertThat(slugs(search(member, "groups", slug))).isEmpty();
    }

    @Test
    void anonymousCallersAreRefused() {
        for (String what : List.of("users", "groups")) {
            Api.Res r = server.client().get("/" + what + "/search?q=admin");
            assertThat(r.status()).as(what).isEqualTo(401);
        }
    }

    @Test
    void badInputsAre400sNamingTheParameterAndAnEmptyTextFindsNothing() {
        Account a = Users.signUp(server, "pbad");
        for (String what : List.of("users", "groups")) {
            for (String q : List.of("", "%20%20", "-.-", "")) {
                Api.Res r = a.api().get("/" + what + "/search?q=" + q);
                assertThat(r.status()).as(what + " " + q).isEqualTo(200);
                assertThat(r.json().path(what)).isEmpty();
            }
            assertThat(a.api().get("/" + what + "/search").json().path(what)).isEmpty();
            Map<String, String> bad = Map.of(
                    "?q=ab", "q",                 // too short for a non-admin
                    "?q=a-b", "q",
                    "?q=" + "a".repeat(201), "q",
                    "?q=abc&limit=101", "limit",
                    "?q=abc&limit=0", "limit",
                    "?q=abc&limit=x", "limit",
                    "?q=abc&offset=20", "offset",
                    "?q=abc&email=x", "email");
            bad.forEach((query, field) -> {
                Api.Res r = a.api().get("/" + what + "/search" + query);
                assertThat(r.status()).as(what + query + ": " + r).isEqualTo(400);
                assertThat(r.json().path("error").path("details").path("field").asText()).as(what + query).isEqualTo(field);
            });
            // Admins may search with fewer letters.
            assertThat(Users.admin(server).api().get("/" + what + "/search?q=ad").status()).isEqualTo(200);
        }
    }

    @Test
    void eachAccountMayMakeSoManySearchesAMinuteBothEndpointsTogether() {
        Account a = Users.signUp(throttled(), "pthrottle");
        Account other = Users.signUp(throttled(), "pthrottle");
        // Refused and blank searches are not counted.
        assertThat(a.api().get("/users/search?q=ab").status()).isEqualTo(400);
        assertThat(a.api().get("/users/search?q=").status()).isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            Api.Res r = search(a, i % 2 == 0 ? "users" : "groups", "pthrottle");
            assertThat(r.status()).as("search " + i + ": " + r).isEqualTo(200);
        }
        for (String what : List.of("users", "groups")) {
            Api.Res refused = search(a, what, "pthrottle");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.errorCode()).isEqualTo("RATE_LIMITED");
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
        }
        // The limit is the account's: another one searches on.
        assertThat(search(other, "users", "pthrottle").status()).isEqualTo(200);
    }

    @Test
    void aSearchThatLeavesTheMinuteFreesOnePlace() {
        TestServer server = throttled();
        Account a = Users.signUp(server, "pwindow");
        for (int i = 0; i < 5; i++) assertThat(search(a, "users", "pwindow").status()).isEqualTo(200);
        assertThat(search(a, "users", "pwindow").status()).isEqualTo(429);
        // The first two searches were made 61 and 30 seconds ago: the first has left the window, the second has not.
        String counter = "scope = 'people_search' AND key = 'user:" + a.id() + "'";
        server.sql("UPDATE login_failures SET failed_at = clock_timestamp() - interval '61 seconds' WHERE " + counter
                + " AND attempt = (SELECT min(attempt) FROM login_failures WHERE " + counter + ")");
        server.sql("UPDATE login_failures SET failed_at = clock_timestamp() - interval '30 seconds' WHERE " + counter
                + " AND attempt = (SELECT min(attempt) + 1 FROM login_failures WHERE " + counter + ")");
        assertThat(search(a, "groups", "pwindow").status()).isEqualTo(200);
        Api.Res refused = search(a, "users", "pwindow");
        assertThat(refused.status()).isEqualTo(429);
        // free again when the second leaves the window, 30 seconds from now
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(29L, 31L);
    }

    @Test
    void parallelSearchesGetNoFurtherThanTheLimit() throws Exception {
        Account a = Users.signUp(throttled(), "pparallel");
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String what = i % 2 == 0 ? "users" : "groups";
            calls.add(() -> search(a, what, "pparallel").status());
        }
        List<Integer> statuses = Parallel.run(calls);
        assertThat(statuses.stream().filter(s -> s == 200).count()).as(statuses.toString()).isEqualTo(5);
        assertThat(statuses.stream().filter(s -> s == 429).count()).as(statuses.toString()).isEqualTo(7);
    }
}
