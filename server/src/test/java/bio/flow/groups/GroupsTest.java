package bio.flow.groups;

import static bio.flow.testing.Answers.assertInvalid;
import static bio.flow.testing.Answers.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Groups and memberships over real HTTP, every answer checked against openapi.yaml by the client. */
class GroupsTest {
    private static final TestServer server = TestServer.shared();
    private static Account siteAdmin;
    private static ExecutorService pool;

    @BeforeAll
    static void setUp() {
        siteAdmin = Users.admin(server);
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void tearDown() {
        pool.shutdownNow();
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static Account user(String prefix) {
        return Users.signUp(server, prefix);
    }

    /** Creates a group with a unique slug as {@code admin}, and returns the slug. */
    private static String newGroup(Account admin) {
        String slug = Users.uniqueName("g");
        Api.Res r = admin.api().post("/groups/new", Map.of("name", "Group " + slug, "slug", slug));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return slug;
    }

    private static Api.Res invite(Account by, String slug, String username) {
        return by.api().post("/groups/" + slug + "/invite", Map.of("username", username));
    }

    /** Invites and accepts: {@code who} becomes a plain member. */
    private static void join(Account admin, String slug, Account who) {
        assertThat(invite(admin, slug, who.username()).status()).isEqualTo(200);
        Api.Res r = who.api().post("/groups/" + slug + "/accept");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    private static Api.Res setRole(Account by, String slug, String username, Object role) {
        Map<String, Object> body = new HashMap<>();
        body.put("role", role);
        return by.api().post("/groups/" + slug + "/members/" + username + "/role", body);
    }

    private static Api.Res remove(Account by, String slug, String username) {
        return by.api().post("/groups/" + slug + "/members/" + username + "/remove");
    }

    /** Roles by username, as the group's detail shows them (read by the site admin). */
    private static Map<String, Integer> roles(String slug) {
        Api.Res r = siteAdmin.api().get("/groups/" + slug);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        Map<String, Integer> roles = new HashMap<>();
        r.json().path("members").forEach(m -> roles.put(m.path("username").asText(), m.path("role").asInt()));
        return roles;
    }

    private static List<String> meGroups(Account a) {
        Api.Res r = a.api().get("/me");
        assertThat(r.status()).isEqualTo(200);
        List<String> slugs = new ArrayList<>();
        r.json().path("groups").forEach(s -> slugs.add(s.asText()));
        return slugs;
    }

    private static String longText(int n) {
        return "x".repeat(n);
    }

    // ---- creating --------------------------------------------------------------------------------------

    @Test
    void creatorBecomesAdminOfNewGroup() {
        Account alice = user("alice");
        String slug = Users.uniqueName("lab");
        Api.Res r = alice.api().post("/groups/new", Map.of("name", "  The Lab  ", "slug", slug, "description", "We sequence."));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        JsonNode g = r.json();
        assertThat(g.path("id").asLong()).isPositive();
        assertThat(g.path("name").asText()).isEqualTo("The Lab");
        assertThat(g.path("slug").asText()).isEqualTo(slug);
        assertThat(g.path("description").asText()).isEqualTo("We sequence.");
        assertThat(g.path("created").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(g.path("role").asInt()).isEqualTo(3);
        assertThat(g.path("member_count").asInt()).isEqualTo(1);
        assertThat(g.path("members")).hasSize(1);
        JsonNode m = g.path("members").get(0);
        assertThat(m.path("id").asLong()).isEqualTo(alice.id());
        assertThat(m.path("username").asText()).isEqualTo(alice.username());
        assertThat(m.path("first_name").asText()).isEqualTo("Test");
        assertThat(m.path("last_name").asText()).isEqualTo("alice");
        assertThat(m.path("role").asInt()).isEqualTo(3);
        assertThat(meGroups(alice)).containsExactly(slug);

        // the detail reads the same, and a slug typed with capitals still finds it
        Api.Res again = alice.api().get("/groups/" + slug.toUpperCase());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(g);
    }

    @Test
    void slugIsMadeFromTheNameWhenAbsent() {
        Account a = user("slugger");
        String unique = Users.uniqueName("x");
        Api.Res r = a.api().post("/groups/new", Map.of("name", "Ünïcode   Lab (" + unique + ")!"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().path("slug").asText()).isEqualTo("unicode-lab-" + unique);
        assertThat(r.json().path("description").asText()).isEmpty();

        // a long name is cut to 50 characters, never ending in '-'
        String longName = unique + " " + "abcdefghi ".repeat(8);
        Api.Res longOne = a.api().post("/groups/new", Map.of("name", longName));
        assertThat(longOne.status()).as(longOne.toString()).isEqualTo(201);
        String slug = longOne.json().path("slug").asText();
        assertThat(slug).hasSizeLessThanOrEqualTo(50).startsWith(unique + "-abcdefghi-").doesNotEndWith("-");

        // the same name again gives the same slug, which is taken
        Api.Res dup = a.api().post("/groups/new", Map.of("name", "Ünïcode   Lab (" + unique + ")!"));
        assertStatus(dup, 409, "CONFLICT");
        assertThat(dup.json().at("/error/details/field").asText()).isEqualTo("slug");
    }

    @Test
    void shortOrSymbolicNamesStillGetAValidSlug() {
        Account a = user("short");
        // (only this test makes these slugs on the test server)
        Api.Res r = a.api().post("/groups/new", Map.of("name", "%%%"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().path("slug").asText()).isEqualTo("group");
        Api.Res qc = a.api().post("/groups/new", Map.of("name", "QC"));
        assertThat(qc.status()).as(qc.toString()).isEqualTo(201);
        assertThat(qc.json().path("slug").asText()).isEqualTo("qc-group");
        Api.Res reserved = a.api().post("/groups/new", Map.of("name", "Search"));
        assertThat(reserved.status()).as(reserved.toString()).isEqualTo(201);
        assertThat(reserved.json().path("slug").asText()).isEqualTo("search-group");
    }

    @Test
    void duplicateSlugIsAConflict() {
        Account a = user("dup");
        Account b = user("dup");
        String slug = newGroup(a);
        Api.Res r = b.api().post("/groups/new", Map.of("name", "Another", "slug", slug));
        assertStatus(r, 409, "CONFLICT");
        assertThat(r.json().at("/error/details/field").asText()).isEqualTo("slug");
        // b got nothing: no group, no membership
        assertThat(b.api().get("/groups").json().path("count").asInt()).isZero();
    }

    @Test
    void createRefusesBadInput() {
        Api api = user("bad").api();
        assertInvalid(api.post("/groups/new", Map.of("slug", Users.uniqueName("s"))), "name");
        assertInvalid(api.post("/groups/new", Map.of("name", "   ")), "name");
        assertInvalid(api.post("/groups/new", Map.of("name", longText(101))), "name");
        assertInvalid(api.post("/groups/new", Map.of("name", 42)), "name");
        assertInvalid(api.post("/groups/new", Map.of("name", List.of("a"))), "name");
        assertInvalid(api.post("/groups/new", Map.of("name", "ok", "description", longText(2001))), "description");
        assertInvalid(api.post("/groups/new", Map.of("name", "ok", "description", 5)), "description");
        for (Object slug : new Object[] {"", "ab", "-abc", "abc-", "Abc", "a_b", "a b c", "abc.d", "ünï", longText(51),
                "new", "search", 123, true}) {
            assertInvalid(api.post("/groups/new", Map.of("name", "ok", "slug", slug)), "slug");
        }
        Api.Res notJson = api.post("/groups/new", "{name: 1");
        assertStatus(notJson, 400, "VALIDATION_ERROR");
        Api.Res notObject = api.post("/groups/new", "[1, 2]");
        assertStatus(notObject, 400, "VALIDATION_ERROR");
        assertStatus(api.post("/groups/new"), 400, "VALIDATION_ERROR");

        // boundary values are accepted
        String fifty = Users.uniqueName("b") + "-";
        fifty = fifty + "z".repeat(50 - fifty.length());
        Api.Res ok = api.post("/groups/new", Map.of("name", longText(100), "slug", fifty, "description", longText(2000)));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
        assertThat(ok.json().path("slug").asText()).isEqualTo(fifty);
    }

    // ---- who may see what ------------------------------------------------------------------------------

    @Test
    void anonymousCallersGet401Everywhere() {
        Account a = user("anon-owner");
        String slug = newGroup(a);
        Api anon = server.client();
        assertStatus(anon.post("/groups/new", Map.of("name", "x")), 401, "UNAUTHORIZED");
        assertStatus(anon.get("/groups"), 401, "UNAUTHORIZED");
        assertStatus(anon.get("/groups/" + slug), 401, "UNAUTHORIZED");
        assertStatus(anon.post("/groups/" + slug + "/invite", Map.of("username", a.username())), 401, "UNAUTHORIZED");
        assertStatus(anon.post("/groups/" + slug + "/accept"), 401, "UNAUTHORIZED");
        assertStatus(anon.post("/groups/" + slug + "/decline"), 401, "UNAUTHORIZED");
        assertStatus(anon.post("/groups/" + slug + "/leave"), 401, "UNAUTHORIZED");
        assertStatus(anon.post("/groups/" + slug + "/members/" + a.username() + "/role", Map.of("role", 2)), 401, "UNAUTHORIZED");
        assertStatus(anon.post("/groups/" + slug + "/members/" + a.username() + "/remove"), 401, "UNAUTHORIZED");
        assertStatus(anon.post("/groups/" + slug + "/delete"), 401, "UNAUTHORIZED");
        assertStatus(server.client().as("not-a-token").get("/groups"), 401, "UNAUTHORIZED");
        assertThat(roles(slug)).containsOnlyKeys(a.username());
    }

    @Test
    void strangersCannotTellAGroupExists() {
        Account owner = user("owner");
        Account stranger = user("stranger");
        String slug = newGroup(owner);
        String missing = Users.uniqueName("nope");
        for (String s : List.of(slug, missing)) {
            Api.Res r = stranger.api().get("/groups/" + s);
            assertStatus(r, 404, "NOT_FOUND");
            assertThat(r.json().at("/error/message").asText()).isEqualTo("group " + s + " not found");
            assertStatus(invite(stranger, s, stranger.username()), 404, "NOT_FOUND");
            assertStatus(stranger.api().post("/groups/" + s + "/accept"), 404, "NOT_FOUND");
            assertStatus(stranger.api().post("/groups/" + s + "/decline"), 404, "NOT_FOUND");
            assertStatus(stranger.api().post("/groups/" + s + "/leave"), 404, "NOT_FOUND");
            assertStatus(setRole(stranger, s, owner.username(), 2), 404, "NOT_FOUND");
            assertStatus(remove(stranger, s, owner.username()), 404, "NOT_FOUND");
            assertStatus(stranger.api().post("/groups/" + s + "/delete"), 404, "NOT_FOUND");
        }
        assertThat(roles(slug)).containsOnlyKeys(owner.username());
        assertThat(stranger.api().get("/groups").json().path("count").asInt()).isZero();
    }

    @Test
    void invitedUsersSeeTheGroupButHaveNoPowersAndNoMembership() {
        Account admin = user("adm");
        Account invited = user("inv");
        Account other = user("other");
        String slug = newGroup(admin);
        Api.Res inv = invite(admin, slug, invited.username());
        assertThat(inv.status()).as(inv.toString()).isEqualTo(200);
        assertThat(inv.json().path("member_count").asInt()).isEqualTo(1);
        assertThat(inv.json().path("members")).hasSize(2);

        Api.Res seen = invited.api().get("/groups/" + slug);
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.json().path("role").asInt()).isEqualTo(1);
        assertThat(seen.json().path("member_count").asInt()).isEqualTo(1);
        assertThat(seen.json().path("members").findValuesAsText("username")).containsExactly(admin.username(), invited.username());

        // an invitation grants no powers...
        assertStatus(invite(invited, slug, other.username()), 403, "FORBIDDEN");
        assertStatus(setRole(invited, slug, invited.username(), 3), 403, "FORBIDDEN");
        assertStatus(remove(invited, slug, admin.username()), 403, "FORBIDDEN");
        assertStatus(invited.api().post("/groups/" + slug + "/delete"), 403, "FORBIDDEN");
        // ...is not membership, so one cannot leave it (decline it instead)...
        assertStatus(invited.api().post("/groups/" + slug + "/leave"), 409, "CONFLICT");
        // ...and is listed in GET /groups but not in /me's groups
        assertThat(meGroups(invited)).doesNotContain(slug);
        JsonNode listed = invited.api().get("/groups").json();
        assertThat(listed.path("count").asInt()).isEqualTo(1);
        assertThat(listed.path("groups").get(0).path("slug").asText()).isEqualTo(slug);
        assertThat(listed.path("groups").get(0).path("role").asInt()).isEqualTo(1);
        assertThat(roles(slug)).isEqualTo(Map.of(admin.username(), 3, invited.username(), 1));
    }

    @Test
    void plainMembersSeeButCannotAdminister() {
        Account admin = user("adm");
        Account member = user("mem");
        Account other = user("other");
        String slug = newGroup(admin);
        join(admin, slug, member);

        Api.Res seen = member.api().get("/groups/" + slug);
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.json().path("role").asInt()).isEqualTo(2);
        assertThat(seen.json().path("member_count").asInt()).isEqualTo(2);

        assertStatus(invite(member, slug, other.username()), 403, "FORBIDDEN");
        assertStatus(setRole(member, slug, member.username(), 3), 403, "FORBIDDEN");
        assertStatus(setRole(member, slug, admin.username(), 2), 403, "FORBIDDEN");
        assertStatus(remove(member, slug, admin.username()), 403, "FORBIDDEN");
        assertStatus(member.api().post("/groups/" + slug + "/delete"), 403, "FORBIDDEN");
        assertThat(roles(slug)).isEqualTo(Map.of(admin.username(), 3, member.username(), 2));
    }

    @Test
    void siteAdminsSeeAndRunEveryGroup() {
        Account owner = user("owner");
        Account u = user("u");
        String slug = newGroup(owner);

        Api.Res seen = siteAdmin.api().get("/groups/" + slug);
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.json().path("role").isNull()).isTrue();
        assertThat(seen.json().has("role")).isTrue();

        Api.Res inv = invite(siteAdmin, slug, u.username());
        assertThat(inv.status()).as(inv.toString()).isEqualTo(200);
        assertThat(inv.json().path("role").isNull()).isTrue();
        assertThat(u.api().post("/groups/" + slug + "/accept").status()).isEqualTo(200);
        Api.Res promoted = setRole(siteAdmin, slug, u.username(), 3);
        assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
        assertThat(roles(slug)).isEqualTo(Map.of(owner.username(), 3, u.username(), 3));
        assertThat(remove(siteAdmin, slug, owner.username()).status()).isEqualTo(200);
        // the rule holds for site admins too: the last admin stays
        Api.Res last = remove(siteAdmin, slug, u.username());
        assertStatus(last, 409, "CONFLICT");
        assertStatus(setRole(siteAdmin, slug, u.username(), 2), 409, "CONFLICT");
        // a site admin who is not in the group has nothing to accept, decline or leave
        assertStatus(siteAdmin.api().post("/groups/" + slug + "/accept"), 404, "NOT_FOUND");
        assertStatus(siteAdmin.api().post("/groups/" + slug + "/decline"), 404, "NOT_FOUND");
        assertStatus(siteAdmin.api().post("/groups/" + slug + "/leave"), 404, "NOT_FOUND");

        Api.Res deleted = siteAdmin.api().post("/groups/" + slug + "/delete");
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.json().path("success").asBoolean()).isTrue();
        assertStatus(siteAdmin.api().get("/groups/" + slug), 404, "NOT_FOUND");
    }

    // ---- listing ---------------------------------------------------------------------------------------

    @Test
    void listShowsOwnGroupsAndInvitationsByNameWithMemberCounts() {
        Account me = user("lister");
        Account other = user("other");
        Account third = user("third");
        String tag = Users.uniqueName("t");
        // created in an order that is not the name order
        String c = create(me, "Charlie " + tag);
        String a = create(other, "alpha " + tag);
        String b = create(me, "Bravo " + tag);
        create(other, "Delta " + tag); // not mine
        join(me, b, third);
        invite(other, a, me.username());

        Api.Res r = me.api().get("/groups");
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.path("count").asInt()).isEqualTo(3);
        assertThat(body.path("groups").findValuesAsText("slug")).containsExactly(a, b, c);
        JsonNode alpha = body.path("groups").get(0);
        assertThat(alpha.path("role").asInt()).isEqualTo(1);
        assertThat(alpha.path("member_count").asInt()).isEqualTo(1);
        assertThat(alpha.path("name").asText()).isEqualTo("alpha " + tag);
        assertThat(alpha.has("description")).isTrue();
        assertThat(alpha.path("created").asText()).endsWith("Z");
        assertThat(alpha.has("members")).isFalse();
        JsonNode bravo = body.path("groups").get(1);
        assertThat(bravo.path("role").asInt()).isEqualTo(3);
        assertThat(bravo.path("member_count").asInt()).isEqualTo(2);
        assertThat(meGroups(me)).containsExactlyInAnyOrder(b, c);

        // paging
        JsonNode page = me.api().get("/groups?limit=2&offset=1").json();
        assertThat(page.path("count").asInt()).isEqualTo(3);
        assertThat(page.path("groups").findValuesAsText("slug")).containsExactly(b, c);
        assertThat(me.api().get("/groups?limit=1").json().path("groups").findValuesAsText("slug")).containsExactly(a);
        JsonNode past = me.api().get("/groups?offset=10").json();
        assertThat(past.path("count").asInt()).isEqualTo(3);
        assertThat(past.path("groups")).isEmpty();
        // page/count, the older spelling
        assertThat(me.api().get("/groups?page=2&count=2").json().path("groups").findValuesAsText("slug")).containsExactly(c);
        assertThat(me.api().get("/groups?page=3&limit=1").json().path("groups").findValuesAsText("slug")).containsExactly(c);
        assertThat(me.api().get("/groups?limit=100").status()).isEqualTo(200);
    }

    @Test
    void listRefusesBadPaging() {
        Api api = user("pager").api();
        assertInvalid(api.get("/groups?limit=101"), "limit");
        assertInvalid(api.get("/groups?limit=0"), "limit");
        assertInvalid(api.get("/groups?limit=-5"), "limit");
        assertInvalid(api.get("/groups?limit=abc"), "limit");
        assertInvalid(api.get("/groups?limit=2.5"), "limit");
        assertInvalid(api.get("/groups?limit=99999999999"), "limit");
        assertInvalid(api.get("/groups?offset=-1"), "offset");
        assertInvalid(api.get("/groups?offset=x"), "offset");
        assertInvalid(api.get("/groups?count=101"), "count");
        assertInvalid(api.get("/groups?page=0"), "page");
        assertInvalid(api.get("/groups?page=one"), "page");
    }

    private static String create(Account a, String name) {
        Api.Res r = a.api().post("/groups/new", Map.of("name", name));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("slug").asText();
    }

    // ---- invitations -----------------------------------------------------------------------------------

    @Test
    void inviteRules() {
        Account admin = user("adm");
        Account u = user("u");
        String slug = newGroup(admin);

        assertInvalid(invite(admin, slug, Users.uniqueName("ghost")), "username");
        assertInvalid(admin.api().post("/groups/" + slug + "/invite", Map.of()), "username");
        assertInvalid(admin.api().post("/groups/" + slug + "/invite", Map.of("username", 7)), "username");
        assertInvalid(admin.api().post("/groups/" + slug + "/invite", Map.of("username", "")), "username");
        assertStatus(admin.api().post("/groups/" + slug + "/invite"), 400, "VALIDATION_ERROR");

        // usernames match whatever their case
        Api.Res r = invite(admin, slug, u.username().toUpperCase());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("role").asInt()).isEqualTo(3);
        assertThat(r.json().path("members").findValuesAsText("username")).containsExactly(admin.username(), u.username());

        assertStatus(invite(admin, slug, u.username()), 409, "CONFLICT");
        assertStatus(invite(admin, slug, admin.username()), 409, "CONFLICT");
        assertThat(u.api().post("/groups/" + slug + "/accept").status()).isEqualTo(200);
        assertStatus(invite(admin, slug, u.username()), 409, "CONFLICT");
        assertThat(roles(slug)).isEqualTo(Map.of(admin.username(), 3, u.username(), 2));
    }

    @Test
    void acceptingMakesAMember() {
        Account admin = user("adm");
        Account u = user("u");
        String slug = newGroup(admin);
        invite(admin, slug, u.username());
        assertThat(meGroups(u)).doesNotContain(slug);

        Api.Res r = u.api().post("/groups/" + slug + "/accept");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("role").asInt()).isEqualTo(2);
        assertThat(r.json().path("member_count").asInt()).isEqualTo(2);
        assertThat(meGroups(u)).containsExactly(slug);

        assertStatus(u.api().post("/groups/" + slug + "/accept"), 409, "CONFLICT");
        assertStatus(u.api().post("/groups/" + slug + "/decline"), 409, "CONFLICT");
        assertStatus(admin.api().post("/groups/" + slug + "/accept"), 409, "CONFLICT");
        assertThat(roles(slug)).isEqualTo(Map.of(admin.username(), 3, u.username(), 2));
    }

    @Test
    void decliningRemovesTheInvitation() {
        Account admin = user("adm");
        Account u = user("u");
        String slug = newGroup(admin);
        invite(admin, slug, u.username());

        Api.Res r = u.api().post("/groups/" + slug + "/decline");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("success").asBoolean()).isTrue();
        assertThat(r.json().path("message").asText()).isNotBlank();
        assertStatus(u.api().get("/groups/" + slug), 404, "NOT_FOUND");
        assertStatus(u.api().post("/groups/" + slug + "/decline"), 404, "NOT_FOUND");
        assertStatus(u.api().post("/groups/" + slug + "/accept"), 404, "NOT_FOUND");
        assertThat(roles(slug)).containsOnlyKeys(admin.username());
        // and can be invited again
        assertThat(invite(admin, slug, u.username()).status()).isEqualTo(200);
    }

    // ---- leaving ---------------------------------------------------------------------------------------

    @Test
    void membersLeaveButTheLastAdminCannot() {
        Account admin = user("adm");
        Account member = user("mem");
        Account second = user("second");
        String slug = newGroup(admin);
        join(admin, slug, member);

        Api.Res left = member.api().post("/groups/" + slug + "/leave");
        assertThat(left.status()).as(left.toString()).isEqualTo(200);
        assertThat(left.json().path("success").asBoolean()).isTrue();
        assertThat(left.json().path("message").asText()).isNotBlank();
        assertStatus(member.api().get("/groups/" + slug), 404, "NOT_FOUND");
        assertStatus(member.api().post("/groups/" + slug + "/leave"), 404, "NOT_FOUND");
        assertThat(meGroups(member)).doesNotContain(slug);

        Api.Res last = admin.api().post("/groups/" + slug + "/leave");
        assertStatus(last, 409, "CONFLICT");
        assertThat(last.json().at("/error/message").asText()).contains("admin").contains("delete");

        // with a second admin, the first may go
        join(admin, slug, second);
        assertThat(setRole(admin, slug, second.username(), 3).status()).isEqualTo(200);
        assertThat(admin.api().post("/groups/" + slug + "/leave").status()).isEqualTo(200);
        assertThat(roles(slug)).isEqualTo(Map.of(second.username(), 3));
        assertStatus(second.api().post("/groups/" + slug + "/leave"), 409, "CONFLICT");
    }

    // ---- roles -----------------------------------------------------------------------------------------

    @Test
    void adminsPromoteAndDemoteMembers() {
        Account admin = user("adm");
        Account m = user("m");
        String slug = newGroup(admin);
        join(admin, slug, m);

        Api.Res up = setRole(admin, slug, m.username(), 3);
        assertThat(up.status()).as(up.toString()).isEqualTo(200);
        assertThat(up.json().path("role").asInt()).isEqualTo(3);
        assertThat(roles(slug)).isEqualTo(Map.of(admin.username(), 3, m.username(), 3));
        // the new admin has the powers now, and may demote the first one
        Api.Res down = setRole(m, slug, admin.username(), 2);
        assertThat(down.status()).as(down.toString()).isEqualTo(200);
        assertThat(down.json().path("role").asInt()).isEqualTo(3);
        assertThat(roles(slug)).isEqualTo(Map.of(admin.username(), 2, m.username(), 3));
        assertStatus(invite(admin, slug, user("x").username()), 403, "FORBIDDEN");
        // setting the role someone has is harmless
        assertThat(setRole(m, slug, admin.username(), 2).status()).isEqualTo(200);
        // demoting oneself is allowed while another admin remains; the answer shows the new role
        assertThat(setRole(m, slug, admin.username(), 3).status()).isEqualTo(200);
        Api.Res self = setRole(m, slug, m.username(), 2);
        assertThat(self.status()).as(self.toString()).isEqualTo(200);
        assertThat(self.json().path("role").asInt()).isEqualTo(2);
    }

    @Test
    void roleChangesRefuseBadInputAndBadTargets() {
        Account admin = user("adm");
        Account m = user("m");
        Account invited = user("inv");
        Account outsider = user("out");
        String slug = newGroup(admin);
        join(admin, slug, m);
        invite(admin, slug, invited.username());

        for (Object bad : new Object[] {1, 0, 4, -3, "3", 2.5, true, List.of(3), Map.of("r", 3)}) {
            assertInvalid(setRole(admin, slug, m.username(), bad), "role");
        }
        assertInvalid(setRole(admin, slug, m.username(), null), "role");
        assertInvalid(admin.api().post("/groups/" + slug + "/members/" + m.username() + "/role", Map.of()), "role");

        assertStatus(setRole(admin, slug, invited.username(), 2), 409, "CONFLICT");
        assertStatus(setRole(admin, slug, outsider.username(), 2), 404, "NOT_FOUND");
        assertStatus(setRole(admin, slug, Users.uniqueName("ghost"), 2), 404, "NOT_FOUND");
        Api.Res last = setRole(admin, slug, admin.username(), 2);
        assertStatus(last, 409, "CONFLICT");
        assertThat(roles(slug)).isEqualTo(Map.of(admin.username(), 3, m.username(), 2, invited.username(), 1));
    }

    // ---- removing --------------------------------------------------------------------------------------

    @Test
    void adminsRemoveMembersAndWithdrawInvitations() {
        Account admin = user("adm");
        Account m = user("m");
        Account invited = user("inv");
        Account outsider = user("out");
        String slug = newGroup(admin);
        join(admin, slug, m);
        invite(admin, slug, invited.username());

        Api.Res r = remove(admin, slug, m.username());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("member_count").asInt()).isEqualTo(1);
        assertThat(r.json().path("members").findValuesAsText("username")).containsExactly(admin.username(), invited.username());
        assertStatus(m.api().get("/groups/" + slug), 404, "NOT_FOUND");
        assertThat(meGroups(m)).doesNotContain(slug);

        Api.Res withdrawn = remove(admin, slug, invited.username());
        assertThat(withdrawn.status()).isEqualTo(200);
        assertStatus(invited.api().post("/groups/" + slug + "/accept"), 404, "NOT_FOUND");

        assertStatus(remove(admin, slug, outsider.username()), 404, "NOT_FOUND");
        assertStatus(remove(admin, slug, Users.uniqueName("ghost")), 404, "NOT_FOUND");
        assertStatus(remove(admin, slug, admin.username()), 409, "CONFLICT");
        assertThat(roles(slug)).isEqualTo(Map.of(admin.username(), 3));
    }

    // ---- deleting --------------------------------------------------------------------------------------

    @Test
    void adminsDeleteGroups() {
        Account admin = user("adm");
        Account m = user("m");
        String slug = newGroup(admin);
        join(admin, slug, m);
        assertStatus(m.api().post("/groups/" + slug + "/delete"), 403, "FORBIDDEN");

        Api.Res r = admin.api().post("/groups/" + slug + "/delete");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("success").asBoolean()).isTrue();
        assertThat(r.json().path("message").asText()).contains(slug);
        assertStatus(admin.api().get("/groups/" + slug), 404, "NOT_FOUND");
        assertStatus(admin.api().post("/groups/" + slug + "/delete"), 404, "NOT_FOUND");
        assertThat(meGroups(admin)).doesNotContain(slug);
        assertThat(meGroups(m)).doesNotContain(slug);
        assertThat(m.api().get("/groups").json().path("count").asInt()).isZero();
        // the slug is free again
        Api.Res again = m.api().post("/groups/new", Map.of("name", "Reborn", "slug", slug));
        assertThat(again.status()).as(again.toString()).isEqualTo(201);
    }

    // ---- the last admin under concurrency ----------------------------------------------------------------

    /** Something one racing admin does to the group: (the two admins, the group's slug) → the answer. */
    private interface Move {
        Api.Res run(Account a, Account b, String slug);
    }

    /** Two admins; both act at the same moment in a way that would each be fine alone. */
    private void race(String what, int rounds, Move one, Move two) throws Exception {
        for (int i = 0; i < rounds; i++) {
            Account a = user("ra");
            Account b = user("rb");
            String slug = newGroup(a);
            join(a, slug, b);
            assertThat(setRole(a, slug, b.username(), 3).status()).isEqualTo(200);

            CyclicBarrier start = new CyclicBarrier(2);
            Future<Api.Res> f1 = pool.submit(() -> { start.await(); return one.run(a, b, slug); });
            Future<Api.Res> f2 = pool.submit(() -> { start.await(); return two.run(a, b, slug); });
            Api.Res r1 = f1.get(60, TimeUnit.SECONDS);
            Api.Res r2 = f2.get(60, TimeUnit.SECONDS);

            long admins = roles(slug).values().stream().filter(role -> role == 3).count();
            assertThat(admins).as(what + " round " + i + ": " + r1 + " / " + r2).isEqualTo(1);
            // exactly one wins; the other is refused as a conflict or, having lost its admin right, as forbidden
            assertThat(List.of(r1.status(), r2.status())).as(what + ": " + r1 + " / " + r2).containsOnlyOnce(200);
            for (Api.Res r : List.of(r1, r2)) assertThat(r.status()).isIn(200, 403, 409);
        }
    }

    @Test
    void twoAdminsLeavingAtOnceLeaveOneAdmin() throws Exception {
        race("both leave", 8,
                (a, b, slug) -> a.api().post("/groups/" + slug + "/leave"),
                (a, b, slug) -> b.api().post("/groups/" + slug + "/leave"));
    }

    @Test
    void twoAdminsDemotingEachOtherAtOnceLeaveOneAdmin() throws Exception {
        race("demote each other", 8,
                (a, b, slug) -> setRole(a, slug, b.username(), 2),
                (a, b, slug) -> setRole(b, slug, a.username(), 2));
    }

    @Test
    void twoAdminsDemotingThemselvesOrRemovingThemselvesAtOnceLeaveOneAdmin() throws Exception {
        race("demote selves", 6,
                (a, b, slug) -> setRole(a, slug, a.username(), 2),
                (a, b, slug) -> setRole(b, slug, b.username(), 2));
        race("leave and remove self", 6,
                (a, b, slug) -> a.api().post("/groups/" + slug + "/leave"),
                (a, b, slug) -> remove(b, slug, b.username()));
    }
}
