package bio.flow.access;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may do what with a project and its samples, endpoint by endpoint, for every kind of caller, on a
 * private and on a public project. The rules (from the issue): levels 1 read, 2 edit, 3 share; the owner and
 * site admins can do everything; group members (role 2 or 3) get their group's grants, invited users do not;
 * a project's grants cover its samples; a public project is readable by everyone and gives nobody more
 * than read. Not readable: 404; readable but not changeable: 403; anonymous on a sign-in route: 401.
 *
 * <p>The tables below are the specification; each cell is one test. Actions that destroy or hand over
 * their target (delete, transfer, batch delete, making public/private) run on a fresh project with the same
 * grants, so that no cell depends on another.
 */
class PermissionMatrixTest {
    private static final TestServer server = TestServer.shared();

    // ------------------------------------------------------------------ who asks

    /** The kinds of caller; {@code level} is what each holds on a private project with the standard grants. */
    enum Who {
        ANONYMOUS(0), OWNER(4), DIRECT_READ(1), DIRECT_EDIT(2), DIRECT_SHARE(3),
        GROUP_READ(1), GROUP_EDIT(2), GROUP_SHARE(3), INVITED_TO_EDIT_GROUP(0), STRANGER(0), SITE_ADMIN(4);

        final int privateLevel;

        Who(int privateLevel) {
            this.privateLevel = privateLevel;
        }

        /** Publicity gives everyone read, and never more. */
        int level(Visibility v) {
            return v == Visibility.PUBLIC ? Math.max(privateLevel, 1) : privateLevel;
        }

        /** Whether the standard grants reach this caller (directly or through an accepted group membership). */
        boolean holdsAGrant() {
            return switch (this) {
                case DIRECT_READ, DIRECT_EDIT, DIRECT_SHARE, GROUP_READ, GROUP_EDIT, GROUP_SHARE -> true;
                default -> false;
            };
        }
    }

    enum Visibility { PRIVATE, PUBLIC }

    // ------------------------------------------------------------------ what they try

    /** One request against a fixture; {@code fresh}: it destroys or hands over its target, so it gets a fixture of its own. */
    enum Action {
        GET_PROJECT("GET /projects/{id}", false, c -> c.api().get("/projects/" + c.f().project())),
        PROJECT_SAMPLES("GET /projects/{id}/samples", false, c -> c.api().get("/projects/" + c.f().project() + "/samples")),
        PROJECT_DATA("GET /projects/{id}/data", false, c -> c.api().get("/projects/" + c.f().project() + "/data")),
        PROJECT_EXECUTIONS("GET /projects/{id}/executions", false, c -> c.api().get("/projects/" + c.f().project() + "/executions")),
        EDIT_PROJECT_NAME("POST /projects/{id}/edit {name}", false,
                c -> c.api().post("/projects/" + c.f().project() + "/edit", Map.of("name", c.newName()))),
        EDIT_PROJECT_PUBLICITY("POST /projects/{id}/edit {is_public}", true,
                c -> c.api().post("/projects/" + c.f().project() + "/edit", Map.of("is_public", !c.f().isPublic()))),
        PROJECT_METADATA("POST /projects/{id}/metadata", false,
                c -> c.api().post("/projects/" + c.f().project() + "/metadata",
                        Map.of("samples", List.of(Map.of("id", c.f().sample(), "metadata", Map.of("set_by", c.who().name())))))),
        SHARE_PROJECT_READ("POST /projects/{id}/share read to another user", false,
                c -> c.api().post("/projects/" + c.f().project() + "/share", Map.of("users", List.of(c.w().recipient.username()), "permission", 1))),
        SHARE_PROJECT_ABOVE_OWN("POST /projects/{id}/share one level above the caller's own", false,
                c -> c.api().post("/projects/" + c.f().project() + "/share",
                        Map.of("users", List.of(c.w().recipient.username()), "permission", c.level() + 1))),
        TRANSFER_PROJECT("POST /projects/{id}/transfer", true,
                c -> c.api().post("/projects/" + c.f().project() + "/transfer", Map.of("user", c.w().recipient.username()))),
        DELETE_PROJECT("POST /projects/{id}/delete", true, c -> c.api().post("/projects/" + c.f().project() + "/delete")),

        GET_SAMPLE("GET /samples/{id}", false, c -> c.api().get("/samples/" + c.f().sample())),
        SAMPLE_DATA("GET /samples/{id}/data", false, c -> c.api().get("/samples/" + c.f().sample() + "/data")),
        SAMPLE_EXECUTIONS("GET /samples/{id}/executions", false, c -> c.api().get("/samples/" + c.f().sample() + "/executions")),
        EDIT_SAMPLE("POST /samples/{id}/edit {name}", false,
                c -> c.api().post("/samples/" + c.f().sample() + "/edit", Map.of("name", c.newName()))),
        SHARE_SAMPLE_READ("POST /samples/{id}/share read to another user", false,
                c -> c.api().post("/samples/" + c.f().sample() + "/share", Map.of("users", List.of(c.w().recipient.username()), "permission", 1))),
        TRANSFER_SAMPLE("POST /samples/{id}/transfer", true,
                c -> c.api().post("/samples/" + c.f().sample() + "/transfer", Map.of("user", c.w().recipient.username()))),
        DELETE_SAMPLE("POST /samples/{id}/delete", true, c -> c.api().post("/samples/" + c.f().sample() + "/delete")),
        NEW_SAMPLE_IN_PROJECT("POST /samples/new into the project", false,
                c -> c.api().post("/samples/new", Map.of("name", "added by " + c.who(), "project", c.f().project()))),
        BATCH_DELETE_SAMPLES("POST /samples/delete [the sample]", true,
                c -> c.api().post("/samples/delete", Map.of("ids", List.of(c.f().sample()))));

        final String label;
        final boolean fresh;
        final Function<Ctx, Api.Res> request;

        Action(String label, boolean fresh, Function<Ctx, Api.Res> request) {
            this.label = label;
            this.fresh = fresh;
            this.request = request;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    // ------------------------------------------------------------------ the expected statuses

    /*
     * One row per caller kind and visibility; the columns are the actions, in the order of Action:
     *
     *   project: GET, /samples, /data, /executions, edit name, edit is_public, metadata, share read, share above own,
     *            transfer, delete
     *   sample:  GET, /data, /executions, edit, share read, transfer, delete, POST /samples/new into the project,
     *            POST /samples/delete
     *
     * "Share above own" asks for the caller's level + 1: a reader asks for edit, an editor for share (403, as
     * neither may share at all); a sharer asks for 4 and the owner for 5, which are no levels (400).
     * POST /samples/new names the project in its body, so a project the caller cannot add to is a bad field
     * (400) rather than 403/404; POST /samples/delete answers 400 with the failed ids, deleting nothing.
     */
    private static final String OWNER_ROW =
            "200 200 200 200 200 200 200 200 400 200 200 | 200 200 200 200 200 200 200 201 200";
    private static final String READ_ROW =
            "200 200 200 200 403 403 403 403 403 403 403 | 200 200 200 403 403 403 403 400 400";
    private static final String EDIT_ROW =
            "200 200 200 200 200 403 200 403 403 403 403 | 200 200 200 200 403 403 403 201 400";
    private static final String SHARE_ROW =
            "200 200 200 200 200 200 200 200 400 403 403 | 200 200 200 200 200 403 403 201 400";
    private static final String HIDDEN_ROW =
            "404 404 404 404 404 404 404 404 404 404 404 | 404 404 404 404 404 404 404 400 400";

    private static final Object[][] EXPECTED = {
            // who                           private project                                       public project
            {Who.ANONYMOUS,
                    "404 404 404 404 401 401 401 401 401 401 401 | 404 404 404 401 401 401 401 401 401",
                    "200 200 200 200 401 401 401 401 401 401 401 | 200 200 200 401 401 401 401 401 401"},
            {Who.OWNER, OWNER_ROW, OWNER_ROW},
            {Who.DIRECT_READ, READ_ROW, READ_ROW},
            {Who.DIRECT_EDIT, EDIT_ROW, EDIT_ROW},
            {Who.DIRECT_SHARE, SHARE_ROW, SHARE_ROW},
            {Who.GROUP_READ, READ_ROW, READ_ROW},
            {Who.GROUP_EDIT, EDIT_ROW, EDIT_ROW},
            {Who.GROUP_SHARE, SHARE_ROW, SHARE_ROW},
            // the invitation gives nothing; on the public project only publicity's read
            {Who.INVITED_TO_EDIT_GROUP, HIDDEN_ROW, READ_ROW},
            {Who.STRANGER, HIDDEN_ROW, READ_ROW},
            {Who.SITE_ADMIN, OWNER_ROW, OWNER_ROW},
    };

    /** The {@code permissions} object of GET /projects/{id} and /samples/{id}: E can_edit, S can_share, D can_delete; 404 unreadable. */
    private static final Map<Who, String[]> PERMISSIONS = new EnumMap<>(Map.ofEntries(
            //                                    private  public
            Map.entry(Who.ANONYMOUS, new String[] {"404", "---"}),
            Map.entry(Who.OWNER, new String[] {"ESD", "ESD"}),
            Map.entry(Who.DIRECT_READ, new String[] {"---", "---"}),
            Map.entry(Who.DIRECT_EDIT, new String[] {"E--", "E--"}),
            Map.entry(Who.DIRECT_SHARE, new String[] {"ES-", "ES-"}),
            Map.entry(Who.GROUP_READ, new String[] {"---", "---"}),
            Map.entry(Who.GROUP_EDIT, new String[] {"E--", "E--"}),
            Map.entry(Who.GROUP_SHARE, new String[] {"ES-", "ES-"}),
            Map.entry(Who.INVITED_TO_EDIT_GROUP, new String[] {"404", "---"}),
            Map.entry(Who.STRANGER, new String[] {"404", "---"}),
            Map.entry(Who.SITE_ADMIN, new String[] {"ESD", "ESD"})));

    static Stream<Arguments> matrix() {
        List<Arguments> cells = new ArrayList<>();
        for (Object[] row : EXPECTED) {
            Who who = (Who) row[0];
            for (Visibility v : Visibility.values()) {
                int[] statuses = Arrays.stream(((String) row[1 + v.ordinal()]).replace("|", " ").trim().split("\\s+"))
                        .mapToInt(Integer::parseInt).toArray();
                assertThat(statuses).as("columns of the row for " + who + " " + v).hasSize(Action.values().length);
                for (Action a : Action.values()) cells.add(Arguments.of(who, v, a, statuses[a.ordinal()]));
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} on the {1} project: {2} -> {3}")
    @MethodSource("matrix")
    void statusMatrix(Who who, Visibility v, Action action, int expected) {
        World w = World.get();
        Fixture f = action.fresh ? w.fixture(v) : w.standing(v);
        Ctx c = new Ctx(w, who, w.api(who), f, who.level(v));
        Api.Res r = action.request.apply(c);
        assertThat(r.status()).as(who + " on the " + v + " project: " + action + " answered " + r).isEqualTo(expected);
        checkEffect(c, action, r);
    }

    /** What a request did, or (when refused) that it changed nothing; read through the site admin, who sees everything. */
    private static void checkEffect(Ctx c, Action action, Api.Res r) {
        boolean ok = r.status() / 100 == 2;
        Api admin = c.w().admin.api();
        Fixture f = c.f();
        if (!ok) assertThat(r.errorCode()).as("error body of " + r).isNotBlank();
        switch (action) {
            case GET_PROJECT -> { if (ok) assertThat(r.json().path("id").asLong()).isEqualTo(f.project()); }
            case PROJECT_SAMPLES -> { if (ok) assertThat(Fixtures.ids(r.json().path("samples"))).contains(f.sample()); }
            case EDIT_PROJECT_NAME -> { if (ok) assertThat(r.json().path("name").asText()).isEqualTo(c.newName()); }
            case EDIT_PROJECT_PUBLICITY -> assertThat(admin.get("/projects/" + f.project()).json().path("is_public").asBoolean())
                    .isEqualTo(ok != f.isPublic());
            case TRANSFER_PROJECT -> {
                assertThat(admin.get("/projects/" + f.project()).json().path("owner").path("id").asLong())
                        .isEqualTo(ok ? c.w().recipient.id() : c.w().owner.id());
                // the owner's sample goes with the project
                assertThat(admin.get("/samples/" + f.sample()).json().path("owner").path("id").asLong())
                        .isEqualTo(ok ? c.w().recipient.id() : c.w().owner.id());
            }
            case DELETE_PROJECT -> {
                assertThat(admin.get("/projects/" + f.project()).status()).isEqualTo(ok ? 404 : 200);
                assertThat(admin.get("/samples/" + f.sample()).status()).isEqualTo(ok ? 404 : 200);
            }
            case SHARE_PROJECT_READ, SHARE_SAMPLE_READ -> {
                if (ok) assertThat(r.json().path("users").toString()).contains(c.w().recipient.username());
            }
            case GET_SAMPLE -> { if (ok) assertThat(r.json().path("id").asLong()).isEqualTo(f.sample()); }
            case EDIT_SAMPLE -> { if (ok) assertThat(r.json().path("name").asText()).isEqualTo(c.newName()); }
            case TRANSFER_SAMPLE -> assertThat(admin.get("/samples/" + f.sample()).json().path("owner").path("id").asLong())
                    .isEqualTo(ok ? c.w().recipient.id() : c.w().owner.id());
            case DELETE_SAMPLE, BATCH_DELETE_SAMPLES -> assertThat(admin.get("/samples/" + f.sample()).status()).isEqualTo(ok ? 404 : 200);
            case NEW_SAMPLE_IN_PROJECT -> { if (ok) assertThat(r.json().path("project").path("id").asLong()).isEqualTo(f.project()); }
            default -> { }
        }
    }

    // ------------------------------------------------------------------ permissions objects and listings

    static Stream<Arguments> callersAndVisibilities() {
        return Arrays.stream(Who.values()).flatMap(w -> Arrays.stream(Visibility.values()).map(v -> Arguments.of(w, v)));
    }

    @ParameterizedTest(name = "{0} on the {1} project")
    @MethodSource("callersAndVisibilities")
    void permissionsObjectsReflectTheCallersRights(Who who, Visibility v) {
        World w = World.get();
        Fixture f = w.standing(v);
        String expected = PERMISSIONS.get(who)[v.ordinal()];
        assertThat(permissions(w.api(who).get("/projects/" + f.project()))).as(who + " on project").isEqualTo(expected);
        assertThat(permissions(w.api(who).get("/samples/" + f.sample()))).as(who + " on sample").isEqualTo(expected);
    }

    /** "ESD"-style summary of a detail response's permissions, or its status when it is not 200. */
    private static String permissions(Api.Res r) {
        if (r.status() != 200) return Integer.toString(r.status());
        JsonNode p = r.json().path("permissions");
        return (p.path("can_edit").asBoolean() ? "E" : "-") + (p.path("can_share").asBoolean() ? "S" : "-")
                + (p.path("can_delete").asBoolean() ? "D" : "-");
    }

    @ParameterizedTest
    @EnumSource(Who.class)
    void listingsShowExactlyWhatIsSharedAndWhatIsPublic(Who who) {
        World w = World.get();
        Api api = w.api(who);
        List<Long> ours = List.of(w.privateProject.project(), w.publicProject.project());
        List<Long> ourSamples = List.of(w.privateProject.sample(), w.publicProject.sample());

        // /projects/public: the public project, for everyone, signed in or not
        assertThat(projectIds(api, "/projects/public?limit=100&filter=" + w.tag)).containsExactly(w.publicProject.project());

        // /projects: everything readable
        List<Long> readable = projectIds(api, "/projects?limit=100&filter=" + w.tag);
        if (who.privateLevel > 0) assertThat(readable).containsExactlyInAnyOrderElementsOf(ours);
        else assertThat(readable).containsExactly(w.publicProject.project());

        if (who == Who.ANONYMOUS) {
            assertThat(api.get("/projects/shared").status()).isEqualTo(401);
            assertThat(api.get("/samples/shared").status()).isEqualTo(401);
            return;
        }
        // shared: what a grant (direct or through an accepted group) reaches; never owned, invited or public-only
        List<Long> sharedProjects = projectIds(api, "/projects/shared?limit=100&filter=" + w.tag);
        List<Long> sharedSamples = Fixtures.ids(ok(api.get("/samples/shared?limit=100&filter=" + w.tag)).path("samples"));
        if (who.holdsAGrant()) {
            assertThat(sharedProjects).containsExactlyInAnyOrderElementsOf(ours);
            assertThat(sharedSamples).containsExactlyInAnyOrderElementsOf(ourSamples);
        } else {
            assertThat(sharedProjects).isEmpty();
            assertThat(sharedSamples).isEmpty();
        }
    }

    // ------------------------------------------------------------------ the finer rules

    @Test
    void aSampleGrantGivesThatSampleOnlyNotItsProjectOrSiblings() {
        Account owner = Users.signUp(server, "sgown");
        Account reader = Users.signUp(server, "sgread");
        Account editor = Users.signUp(server, "sgedit");
        String tag = Users.uniqueName("sg");
        long project = Fixtures.project(owner, "Project " + tag, false);
        long granted = Fixtures.sample(owner, project, "granted " + tag);
        long sibling = Fixtures.sample(owner, project, "sibling " + tag);
        Fixtures.shareWithUser(owner, "samples", granted, reader, 1);
        Fixtures.shareWithUser(owner, "samples", granted, editor, 2);

        assertThat(permissions(reader.api().get("/samples/" + granted))).isEqualTo("---");
        assertThat(reader.api().get("/samples/" + granted + "/data").status()).isEqualTo(200);
        assertThat(reader.api().get("/samples/" + granted + "/executions").status()).isEqualTo(200);
        assertThat(reader.api().get("/samples/" + sibling).status()).isEqualTo(404);
        assertThat(reader.api().get("/projects/" + project).status()).isEqualTo(404);
        assertThat(reader.api().get("/projects/" + project + "/samples").status()).isEqualTo(404);
        assertThat(reader.api().get("/projects/" + project + "/data").status()).isEqualTo(404);
        assertThat(reader.api().post("/samples/" + granted + "/edit", Map.of("name", "no")).status()).isEqualTo(403);
        assertThat(Fixtures.ids(reader.api().get("/samples/shared?filter=" + tag).json().path("samples"))).containsExactly(granted);
        assertThat(projectIds(reader.api(), "/projects/shared?filter=" + tag)).isEmpty();

        // an edit grant on the sample edits it, but gives no right to add samples to its project
        assertThat(permissions(editor.api().get("/samples/" + granted))).isEqualTo("E--");
        assertThat(editor.api().post("/samples/" + granted + "/edit", Map.of("name", "edited " + tag)).status()).isEqualTo(200);
        assertThat(editor.api().post("/samples/" + sibling + "/edit", Map.of("name", "no")).status()).isEqualTo(404);
        assertThat(editor.api().post("/samples/new", Map.of("name", "x", "project", project)).status()).isEqualTo(400);
        assertThat(editor.api().post("/projects/" + project + "/metadata",
                Map.of("samples", List.of(Map.of("id", granted, "metadata", Map.of("k", "v"))))).status()).isEqualTo(404);
    }

    @Test
    void aDirectGrantAndAGroupGrantGiveTheHigherOfTheTwo() {
        Account owner = Users.signUp(server, "hiown");
        Account both = Users.signUp(server, "hiboth");
        Account labHead = Users.signUp(server, "hihead");
        String group = Fixtures.group(labHead, List.of(both, owner), List.of());
        long groupHigher = Fixtures.project(owner, "group higher", false);
        long sampleOfGroupHigher = Fixtures.sample(owner, groupHigher, "s");
        Fixtures.shareWithUser(owner, "projects", groupHigher, both, 1);
        Fixtures.shareWithGroup(owner, "projects", groupHigher, group, 2);
        long directHigher = Fixtures.project(owner, "direct higher", false);
        Fixtures.shareWithUser(owner, "projects", directHigher, both, 3);
        Fixtures.shareWithGroup(owner, "projects", directHigher, group, 1);

        assertThat(permissions(both.api().get("/projects/" + groupHigher))).isEqualTo("E--");
        assertThat(permissions(both.api().get("/samples/" + sampleOfGroupHigher))).isEqualTo("E--");
        assertThat(both.api().post("/projects/" + groupHigher + "/edit", Map.of("name", "edited")).status()).isEqualTo(200);
        assertThat(permissions(both.api().get("/projects/" + directHigher))).isEqualTo("ES-");
        assertThat(both.api().post("/projects/" + directHigher + "/share",
                Map.of("users", List.of(labHead.username()), "permission", 3)).status()).isEqualTo(200);

        // a sample grant above the project's grant wins for that sample too
        long sampleGrantHigher = Fixtures.sample(owner, groupHigher, "t");
        Fixtures.shareWithUser(owner, "samples", sampleGrantHigher, both, 3);
        assertThat(permissions(both.api().get("/samples/" + sampleGrantHigher))).isEqualTo("ES-");
        assertThat(permissions(both.api().get("/projects/" + groupHigher))).isEqualTo("E--");
    }

    @Test
    void withdrawingAGrantRemovesAccessAtOnce() {
        Account owner = Users.signUp(server, "wdown");
        Account user = Users.signUp(server, "wduser");
        Account member = Users.signUp(server, "wdmember");
        Account labHead = Users.signUp(server, "wdhead");
        String group = Fixtures.group(labHead, List.of(member, owner), List.of());
        String tag = Users.uniqueName("wd");
        long project = Fixtures.project(owner, "Project " + tag, false);
        long sample = Fixtures.sample(owner, project, "sample " + tag);
        long loose = Fixtures.sample(owner, Map.of("name", "loose " + tag));
        Fixtures.shareWithUser(owner, "projects", project, user, 2);
        Fixtures.shareWithGroup(owner, "projects", project, group, 1);
        Fixtures.shareWithUser(owner, "samples", loose, user, 1);
        assertThat(user.api().get("/projects/" + project).status()).isEqualTo(200);
        assertThat(member.api().get("/samples/" + sample).status()).isEqualTo(200);
        assertThat(user.api().get("/samples/" + loose).status()).isEqualTo(200);

        Fixtures.shareWithUser(owner, "projects", project, user, 0);
        assertThat(user.api().get("/projects/" + project).status()).isEqualTo(404);
        assertThat(user.api().get("/samples/" + sample).status()).isEqualTo(404);
        assertThat(user.api().post("/projects/" + project + "/edit", Map.of("name", "late")).status()).isEqualTo(404);
        assertThat(projectIds(user.api(), "/projects/shared?filter=" + tag)).isEmpty();
        assertThat(member.api().get("/projects/" + project).status()).as("the group's grant is another grant").isEqualTo(200);

        Fixtures.shareWithGroup(owner, "projects", project, group, 0);
        assertThat(member.api().get("/projects/" + project).status()).isEqualTo(404);
        assertThat(member.api().get("/samples/" + sample).status()).isEqualTo(404);
        assertThat(Fixtures.ids(member.api().get("/samples/shared?filter=" + tag).json().path("samples"))).isEmpty();

        Fixtures.shareWithUser(owner, "samples", loose, user, 0);
        assertThat(user.api().get("/samples/" + loose).status()).isEqualTo(404);
        assertThat(Fixtures.ids(user.api().get("/samples/shared?filter=" + tag).json().path("samples"))).isEmpty();
    }

    @Test
    void aSharerMayWithdrawOrLowerOthersGrantsButNotTheirOwnNorTheOwners() {
        Account owner = Users.signUp(server, "wsown");
        Account sharer = Users.signUp(server, "wssharer");
        Account other = Users.signUp(server, "wsother");
        long project = Fixtures.project(owner, "withdraw by sharer", false);
        Fixtures.shareWithUser(owner, "projects", project, sharer, 3);
        Fixtures.shareWithUser(sharer, "projects", project, other, 3);
        assertThat(permissions(other.api().get("/projects/" + project))).isEqualTo("ES-");
        Fixtures.shareWithUser(sharer, "projects", project, other, 0);
        assertThat(other.api().get("/projects/" + project).status()).isEqualTo(404);
        Api.Res self = sharer.api().post("/projects/" + project + "/share", Map.of("users", List.of(sharer.username()), "permission", 1));
        assertThat(self.status()).isEqualTo(400);
        Api.Res theOwner = sharer.api().post("/projects/" + project + "/share", Map.of("users", List.of(owner.username()), "permission", 0));
        assertThat(theOwner.status()).isEqualTo(400);
        assertThat(permissions(owner.api().get("/projects/" + project))).isEqualTo("ESD");
    }

    @Test
    void leavingOrBeingRemovedFromAGroupRemovesAccess() {
        Account owner = Users.signUp(server, "lvown");
        Account leaver = Users.signUp(server, "lvleaver");
        Account removed = Users.signUp(server, "lvremoved");
        Account labHead = Users.signUp(server, "lvhead");
        String group = Fixtures.group(labHead, List.of(leaver, removed, owner), List.of());
        String tag = Users.uniqueName("lv");
        long project = Fixtures.project(owner, "Project " + tag, false);
        long sample = Fixtures.sample(owner, project, "sample " + tag);
        Fixtures.shareWithGroup(owner, "projects", project, group, 2);
        assertThat(leaver.api().get("/projects/" + project).status()).isEqualTo(200);
        assertThat(removed.api().get("/samples/" + sample).status()).isEqualTo(200);

        assertThat(leaver.api().post("/groups/" + group + "/leave").status()).isEqualTo(200);
        assertThat(leaver.api().get("/projects/" + project).status()).isEqualTo(404);
        assertThat(leaver.api().get("/samples/" + sample).status()).isEqualTo(404);
        assertThat(projectIds(leaver.api(), "/projects/shared?filter=" + tag)).isEmpty();

        assertThat(labHead.api().post("/groups/" + group + "/members/" + removed.username() + "/remove").status()).isEqualTo(200);
        assertThat(removed.api().get("/projects/" + project).status()).isEqualTo(404);
        assertThat(removed.api().post("/samples/" + sample + "/edit", Map.of("name", "late")).status()).isEqualTo(404);
        assertThat(Fixtures.ids(removed.api().get("/samples/shared?filter=" + tag).json().path("samples"))).isEmpty();

        // and deleting the group takes its grants away from everyone in it
        assertThat(labHead.api().get("/projects/" + project).status()).as("the group's admin gets its grants").isEqualTo(200);
        assertThat(labHead.api().post("/groups/" + group + "/delete").status()).isEqualTo(200);
        assertThat(labHead.api().get("/projects/" + project).status()).isEqualTo(404);
    }

    @Test
    void anInvitationGivesNothingUntilAcceptedAndGroupAdminsGetTheGrantsToo() {
        Account owner = Users.signUp(server, "invown");
        Account invitee = Users.signUp(server, "invitee");
        Account labHead = Users.signUp(server, "invhead");
        Account promoted = Users.signUp(server, "invpromoted");
        String group = Fixtures.group(labHead, List.of(promoted, owner), List.of(invitee));
        String tag = Users.uniqueName("inv");
        long project = Fixtures.project(owner, "Project " + tag, false);
        long sample = Fixtures.sample(owner, project, "sample " + tag);
        Fixtures.shareWithGroup(owner, "projects", project, group, 3);

        assertThat(invitee.api().get("/projects/" + project).status()).isEqualTo(404);
        assertThat(invitee.api().get("/samples/" + sample).status()).isEqualTo(404);
        assertThat(projectIds(invitee.api(), "/projects/shared?filter=" + tag)).isEmpty();
        assertThat(invitee.api().post("/groups/" + group + "/accept").status()).isEqualTo(200);
        assertThat(permissions(invitee.api().get("/projects/" + project))).isEqualTo("ES-");
        assertThat(projectIds(invitee.api(), "/projects/shared?filter=" + tag)).containsExactly(project);

        // role 3 (group admin): the creator, and a member made admin
        assertThat(permissions(labHead.api().get("/projects/" + project))).isEqualTo("ES-");
        assertThat(labHead.api().post("/groups/" + group + "/members/" + promoted.username() + "/role", Map.of("role", 3)).status())
                .isEqualTo(200);
        assertThat(permissions(promoted.api().get("/samples/" + sample))).isEqualTo("ES-");
    }

    @Test
    void transferLeavesTheOldOwnerWithShareLevel() {
        Account owner = Users.signUp(server, "trown");
        Account heir = Users.signUp(server, "trheir");
        Account friend = Users.signUp(server, "trfriend");
        Account other = Users.signUp(server, "trother");
        String tag = Users.uniqueName("tr");
        long project = Fixtures.project(owner, "Project " + tag, false);
        long ownersSample = Fixtures.sample(owner, project, "owner's " + tag);
        Fixtures.shareWithUser(owner, "projects", project, friend, 2);
        long friendsSample = Fixtures.sample(friend, project, "friend's " + tag);
        Fixtures.shareWithUser(owner, "projects", project, heir, 1);

        Api.Res t = owner.api().post("/projects/" + project + "/transfer", Map.of("user", heir.username()));
        assertThat(t.status()).as(t.toString()).isEqualTo(200);
        assertThat(t.json().path("owner").path("id").asLong()).isEqualTo(heir.id());
        assertThat(permissions(t)).as("the answer shows the caller's new rights").isEqualTo("ES-");

        // the old owner: share level on the project and the samples it covers; no delete, no transfer
        assertThat(permissions(owner.api().get("/projects/" + project))).isEqualTo("ES-");
        assertThat(permissions(owner.api().get("/samples/" + ownersSample))).isEqualTo("ES-");
        assertThat(owner.api().post("/projects/" + project + "/share", Map.of("users", List.of(other.username()), "permission", 1)).status())
                .isEqualTo(200);
        assertThat(owner.api().post("/projects/" + project + "/edit", Map.of("is_public", false)).status()).isEqualTo(200);
        assertThat(owner.api().post("/projects/" + project + "/delete").status()).isEqualTo(403);
        assertThat(owner.api().post("/projects/" + project + "/transfer", Map.of("user", owner.username())).status()).isEqualTo(403);
        assertThat(owner.api().post("/samples/" + ownersSample + "/delete").status()).isEqualTo(403);
        assertThat(projectIds(owner.api(), "/projects/owned?filter=" + tag)).isEmpty();
        assertThat(projectIds(owner.api(), "/projects/shared?filter=" + tag)).containsExactly(project);

        // the new owner: everything; their old read grant is gone (it would be pointless)
        assertThat(permissions(heir.api().get("/projects/" + project))).isEqualTo("ESD");
        assertThat(heir.api().get("/samples/" + ownersSample).json().path("owner").path("id").asLong()).isEqualTo(heir.id());
        assertThat(projectIds(heir.api(), "/projects/shared?filter=" + tag)).isEmpty();
        // a collaborator's own sample stays theirs, and their grant stays
        assertThat(heir.api().get("/samples/" + friendsSample).json().path("owner").path("id").asLong()).isEqualTo(friend.id());
        assertThat(permissions(friend.api().get("/projects/" + project))).isEqualTo("E--");
    }

    @Test
    void sampleTransferLeavesTheOldOwnerWithShareLevel() {
        Account owner = Users.signUp(server, "stown");
        Account heir = Users.signUp(server, "stheir");
        long loose = Fixtures.sample(owner, Map.of("name", "loose sample"));
        Api.Res t = owner.api().post("/samples/" + loose + "/transfer", Map.of("user", heir.username()));
        assertThat(t.status()).as(t.toString()).isEqualTo(200);
        assertThat(permissions(t)).isEqualTo("ES-");
        assertThat(permissions(owner.api().get("/samples/" + loose))).isEqualTo("ES-");
        assertThat(owner.api().post("/samples/" + loose + "/delete").status()).isEqualTo(403);
        assertThat(owner.api().post("/samples/" + loose + "/transfer", Map.of("user", owner.username())).status()).isEqualTo(403);
        assertThat(permissions(heir.api().get("/samples/" + loose))).isEqualTo("ESD");
    }

    @Test
    void anAdminsTransferLeavesTheRealOwnerWithShareLevel() {
        Account owner = Users.signUp(server, "atown");
        Account heir = Users.signUp(server, "atheir");
        Account admin = World.get().admin;
        long project = Fixtures.project(owner, "admin transfer", false);
        Api.Res t = admin.api().post("/projects/" + project + "/transfer", Map.of("user", heir.username()));
        assertThat(t.status()).as(t.toString()).isEqualTo(200);
        assertThat(permissions(t)).isEqualTo("ESD");
        assertThat(permissions(owner.api().get("/projects/" + project))).isEqualTo("ES-");
        assertThat(permissions(heir.api().get("/projects/" + project))).isEqualTo("ESD");
    }

    @Test
    void makingAProjectPublicOrPrivateTakesShareLevelAndPublicityGivesOnlyRead() {
        Account owner = Users.signUp(server, "puown");
        Account sharer = Users.signUp(server, "pusharer");
        Account editor = Users.signUp(server, "pueditor");
        Account stranger = Users.signUp(server, "pustranger");
        long project = Fixtures.project(owner, "publicity", false);
        long sample = Fixtures.sample(owner, project, "s");
        Fixtures.shareWithUser(owner, "projects", project, sharer, 3);
        Fixtures.shareWithUser(owner, "projects", project, editor, 2);

        assertThat(editor.api().post("/projects/" + project + "/edit", Map.of("is_public", true, "name", "sneaky")).status()).isEqualTo(403);
        assertThat(owner.api().get("/projects/" + project).json().path("name").asText()).as("a refused edit changes nothing")
                .isEqualTo("publicity");
        assertThat(server.client().get("/samples/" + sample).status()).isEqualTo(404);
        assertThat(sharer.api().post("/projects/" + project + "/edit", Map.of("is_public", true)).status()).isEqualTo(200);
        assertThat(server.client().get("/projects/" + project).status()).isEqualTo(200);
        assertThat(server.client().get("/samples/" + sample).status()).isEqualTo(200);
        assertThat(permissions(stranger.api().get("/samples/" + sample))).isEqualTo("---");
        assertThat(stranger.api().post("/samples/" + sample + "/edit", Map.of("name", "x")).status()).isEqualTo(403);
        assertThat(server.client().post("/samples/" + sample + "/edit", Map.of("name", "x")).status()).isEqualTo(401);
        assertThat(permissions(editor.api().get("/projects/" + project))).as("publicity adds nothing to a grant").isEqualTo("E--");

        assertThat(sharer.api().post("/projects/" + project + "/edit", Map.of("is_public", false)).status()).isEqualTo(200);
        assertThat(server.client().get("/projects/" + project).status()).isEqualTo(404);
        assertThat(stranger.api().get("/samples/" + sample).status()).isEqualTo(404);
    }

    @Test
    void movingASampleToAnotherProjectTakesOwnershipOfTheSample() {
        Account owner = Users.signUp(server, "mvown");
        Account editor = Users.signUp(server, "mveditor");
        long from = Fixtures.project(owner, "from", false);
        long to = Fixtures.project(owner, "to", false);
        long readOnly = Fixtures.project(owner, "read only", false);
        long ownersSample = Fixtures.sample(owner, from, "owner's");
        Fixtures.shareWithUser(owner, "projects", from, editor, 2);
        Fixtures.shareWithUser(owner, "projects", to, editor, 2);
        Fixtures.shareWithUser(owner, "projects", readOnly, editor, 1);
        long editorsSample = Fixtures.sample(editor, from, "editor's");

        // edit level on the sample is not enough to move it
        assertThat(editor.api().post("/samples/" + ownersSample + "/edit", Map.of("project", to)).status()).isEqualTo(403);
        assertThat(editor.api().post("/samples/" + ownersSample + "/edit", Map.of("project", 0)).status()).isEqualTo(403);
        assertThat(owner.api().get("/samples/" + ownersSample).json().path("project").path("id").asLong()).isEqualTo(from);
        // the sample's owner moves it, into a project they may edit, not one they may only read
        assertThat(editor.api().post("/samples/" + editorsSample + "/edit", Map.of("project", readOnly)).status()).isEqualTo(400);
        Api.Res moved = editor.api().post("/samples/" + editorsSample + "/edit", Map.of("project", to));
        assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
        assertThat(moved.json().path("project").path("id").asLong()).isEqualTo(to);
        assertThat(owner.api().post("/samples/" + ownersSample + "/edit", Map.of("project", to)).status()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ where the code and the issue disagree

    /*
     * "Transfer: owner only; old owner keeps share-level access" and "moving a sample to another project needs
     * ownership of the sample": a project's owner has share level, not ownership, on samples others own in it.
     */

    @Test
    void transferringASampleInOnesOwnProjectLeavesShareLevelOnly() {
        Account owner = Users.signUp(server, "tsown");
        Account heir = Users.signUp(server, "tsheir");
        long project = Fixtures.project(owner, "own project", false);
        long sample = Fixtures.sample(owner, project, "given away");
        Api.Res t = owner.api().post("/samples/" + sample + "/transfer", Map.of("user", heir.username()));
        assertThat(t.status()).isEqualTo(200);
        assertThat(permissions(t)).isEqualTo("ES-");
        assertThat(owner.api().post("/samples/" + sample + "/transfer", Map.of("user", owner.username())).status())
                .isEqualTo(403);
        assertThat(owner.api().post("/samples/" + sample + "/delete").status())
                .isEqualTo(403);
    }

    @Test
    void onlyTheSamplesOwnerMovesOrTransfersIt() {
        Account projectOwner = Users.signUp(server, "soown");
        Account collaborator = Users.signUp(server, "socollab");
        Account third = Users.signUp(server, "sothird");
        long project = Fixtures.project(projectOwner, "shared work", false);
        long elsewhere = Fixtures.project(projectOwner, "elsewhere", true);
        Fixtures.shareWithUser(projectOwner, "projects", project, collaborator, 2);
        long theirs = Fixtures.sample(collaborator, project, "collaborator's");
        assertThat(projectOwner.api().post("/samples/" + theirs + "/edit", Map.of("project", elsewhere)).status())
                .isEqualTo(403);
        assertThat(projectOwner.api().post("/samples/" + theirs + "/transfer", Map.of("user", third.username())).status())
                .isEqualTo(403);
        assertThat(collaborator.api().get("/samples/" + theirs).json().path("owner").path("id").asLong()).isEqualTo(collaborator.id());
    }

    // ------------------------------------------------------------------ fixtures

    /** A project with one sample in it, both owned by the world's owner. */
    record Fixture(long project, long sample, boolean isPublic) {}

    /** What an action is run with: who asks, with which client, on what, holding which level there. */
    record Ctx(World w, Who who, Api api, Fixture f, int level) {
        /** A new name for the standing project or sample, which keeps the world's tag that listings filter on. */
        String newName() {
            return "renamed by " + who + " " + w.tag;
        }
    }

    /**
     * The accounts and groups of the matrix, made once for the class: an owner, one user per kind of grant, three
     * groups (read, edit, share) with one accepted member each (and the owner, who may share only with groups they
     * can see), an invitee of the edit group, a stranger, the site
     * admin and a recipient of shares and transfers. Its two standing projects are only read and edited in ways
     * that leave the matrix unchanged; {@link #fixture} makes a fresh one for destructive actions.
     */
    static final class World {
        private static World instance;

        final String tag = Users.uniqueName("matrix");
        final Account owner = Users.signUp(server, "mxowner");
        final Account directRead = Users.signUp(server, "mxdread");
        final Account directEdit = Users.signUp(server, "mxdedit");
        final Account directShare = Users.signUp(server, "mxdshare");
        final Account groupRead = Users.signUp(server, "mxgread");
        final Account groupEdit = Users.signUp(server, "mxgedit");
        final Account groupShare = Users.signUp(server, "mxgshare");
        final Account invited = Users.signUp(server, "mxinvited");
        final Account stranger = Users.signUp(server, "mxstranger");
        final Account recipient = Users.signUp(server, "mxrecipient");
        final Account labHead = Users.signUp(server, "mxlabhead");
        final Account admin = Users.admin(server);
        final String readGroup = Fixtures.group(labHead, List.of(groupRead, owner), List.of());
        final String editGroup = Fixtures.group(labHead, List.of(groupEdit, owner), List.of(invited));
        final String shareGroup = Fixtures.group(labHead, List.of(groupShare, owner), List.of());
        // only the standing projects carry the tag that the listing tests filter on
        final Fixture privateProject = fixture(Visibility.PRIVATE, tag);
        final Fixture publicProject = fixture(Visibility.PUBLIC, tag);

        static synchronized World get() {
            if (instance == null) instance = new World();
            return instance;
        }

        Fixture standing(Visibility v) {
            return v == Visibility.PUBLIC ? publicProject : privateProject;
        }

        /** A new project of the given visibility with a sample and the standard grants. */
        Fixture fixture(Visibility v) {
            return fixture(v, "fresh");
        }

        private Fixture fixture(Visibility v, String nameTag) {
            boolean isPublic = v == Visibility.PUBLIC;
            long project = Fixtures.project(owner, v + " project " + nameTag, isPublic);
            long sample = Fixtures.sample(owner, project, v + " sample " + nameTag);
            grant(project, 1, directRead, readGroup);
            grant(project, 2, directEdit, editGroup);
            grant(project, 3, directShare, shareGroup);
            return new Fixture(project, sample, isPublic);
        }

        private void grant(long project, int permission, Account user, String group) {
            Api.Res r = owner.api().post("/projects/" + project + "/share",
                    Map.of("users", List.of(user.username()), "groups", List.of(group), "permission", permission));
            if (r.status() != 200) throw new AssertionError("share failed: " + r);
        }

        Api api(Who who) {
            return switch (who) {
                case ANONYMOUS -> server.client();
                case OWNER -> owner.api();
                case DIRECT_READ -> directRead.api();
                case DIRECT_EDIT -> directEdit.api();
                case DIRECT_SHARE -> directShare.api();
                case GROUP_READ -> groupRead.api();
                case GROUP_EDIT -> groupEdit.api();
                case GROUP_SHARE -> groupShare.api();
                case INVITED_TO_EDIT_GROUP -> invited.api();
                case STRANGER -> stranger.api();
                case SITE_ADMIN -> admin.api();
            };
        }
    }

    private static JsonNode ok(Api.Res r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private static List<Long> projectIds(Api api, String path) {
        return Fixtures.ids(ok(api.get(path)).path("projects"));
    }
}
