package bio.flow.access;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.Multipart;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may do what with a data file, endpoint by endpoint, for every kind of caller: the file's owner, holders of a
 * grant on the file (directly or through a group), holders of a grant on the project its sample is in (or, for a
 * file attached to a project without a sample, on that project), the owner of that project and sample (who did
 * not upload the file), strangers, anonymous callers and the site admin;
 * on a private and on a public project. The rules (AccessPolicy): a file has its own grants and gets its
 * container's level up to share; a public project makes its data readable by everyone and gives no more;
 * deleting and transferring a file is for its owner and admins; attaching a file to a sample or project at upload
 * takes edit level there. Not readable: 404; readable but not allowed: 403; anonymous on a sign-in route: 401.
 *
 * <p>Whatever a caller may not read must look exactly like something that does not exist: every 401 and 404 cell,
 * and every cell of a caller who cannot read the file, is sent again with ids that name nothing, and both answers
 * must be the same (status and error body, apart from the request id and the ids the caller sent).
 */
class DataPermissionMatrixTest {
    private static final TestServer server = TestServer.shared();
    private static final byte[] CONTENT = "@r1\nACGT\n+\nIIII\n".getBytes(StandardCharsets.UTF_8);

    /** The kinds of caller; {@code privateLevel} is what each holds on the file in a private project. */
    enum Who {
        ANONYMOUS(0), OWNER(4), DATA_READ(1), DATA_EDIT(2), DATA_SHARE(3), GROUP_READ(1), GROUP_EDIT(2), GROUP_SHARE(3),
        PROJECT_READ(1), PROJECT_EDIT(2), PROJECT_SHARE(3), PROJECT_OWNER(3), INVITED_TO_EDIT_GROUP(0), STRANGER(0), SITE_ADMIN(4);

        final int privateLevel;

        Who(int privateLevel) {
            this.privateLevel = privateLevel;
        }

        /** Publicity gives everyone read, and never more. */
        int level(Visibility v) {
            return v == Visibility.PUBLIC ? Math.max(privateLevel, 1) : privateLevel;
        }
    }

    enum Visibility { PRIVATE, PUBLIC }

    /** Where the file is: in a sample of the project, or attached to the project without a sample. */
    enum Placement { IN_SAMPLE, ON_PROJECT }

    /** One request; {@code fresh}: it destroys or hands over the file, so it gets a file of its own. */
    enum Action {
        GET("GET /data/{id}", false, c -> c.api().get("/data/" + c.f().data())),
        LINES("GET /data/{id}/contents?lines=1", false, c -> c.api().get("/data/" + c.f().data() + "/contents?lines=1")),
        DOWNLOAD("GET /data/{id}/contents?download=true", false, c -> c.api().get("/data/" + c.f().data() + "/contents?download=true")),
        DOWNSTREAM("GET /data/{id}/downstream", false, c -> c.api().get("/data/" + c.f().data() + "/downstream")),
        OWNED("GET /data/owned", false, c -> c.api().get("/data/owned?limit=100&filter=" + c.f().name())),
        SHARED("GET /data/shared", false, c -> c.api().get("/data/shared?limit=100&filter=" + c.f().name())),
        SAMPLE_DATA("GET /samples/{id}/data", false, c -> c.api().get("/samples/" + c.f().sample() + "/data?limit=100")),
        PROJECT_DATA("GET /projects/{id}/data", false, c -> c.api().get("/projects/" + c.f().project() + "/data?limit=100")),
        SHARE("POST /data/{id}/share read to another user", false, c -> c.api().post("/data/" + c.f().data() + "/share",
                Map.of("users", List.of(c.w().recipient.username()), "permission", 1))),
        TRANSFER("POST /data/{id}/transfer", true,
                c -> c.api().post("/data/" + c.f().data() + "/transfer", Map.of("user", c.w().recipient.username()))),
        DELETE("POST /data/{id}/delete", true, c -> c.api().post("/data/" + c.f().data() + "/delete")),
        BATCH_DELETE("POST /data/delete [the file]", true, c -> c.api().post("/data/delete", Map.of("ids", List.of(c.f().data())))),
        BATCH_DELETE_WITH_OWN("POST /data/delete [a file of the caller's own, the file]", true,
                c -> c.api().post("/data/delete", Map.of("ids", c.own() == null ? List.of(c.f().data()) : List.of(c.own(), c.f().data())))),
        UPLOAD_TO_SAMPLE("POST /upload {sample_id}", false, c -> upload(c.api(), "sample_id", c.f().sample())),
        UPLOAD_TO_PROJECT("POST /upload {project_id}", false, c -> upload(c.api(), "project_id", c.f().project()));

        final String label;
        final boolean fresh;
        final Function<Ctx, Api.Res> request;

        Action(String label, boolean fresh, Function<Ctx, Api.Res> request) {
            this.label = label;
            this.fresh = fresh;
            this.request = request;
        }

        /** Listings whose path names no id: their answer to a caller does not depend on the fixture's ids. */
        boolean namesAnId() {
            return this != OWNED && this != SHARED;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /*
     * One row per caller kind and visibility, for a file in a sample of the project; the columns are the actions,
     * in the order of Action:
     *
     *   the file:   GET, contents lines, contents download, downstream
     *   listings:   /data/owned, /data/shared, /samples/{its sample}/data, /projects/{its project}/data
     *               ("in": 200 and listed; "out": 200 and not listed)
     *   changes:    share read, transfer, delete, POST /data/delete [it], POST /data/delete [one's own, it]
     *   upload:     into the sample, into the project (edit level there)
     *
     * A file attached to the project without a sample has the same table, except that its sample's listing
     * (of a sample in the same project) never lists it: "in" becomes "out" in that column.
     * POST /data/delete refuses the whole batch (400, nothing deleted) when one id is not the caller's to delete.
     * A grant on the file alone does not reach its sample or project (404 there, unless the project is public).
     */
    private static final String OWNER_ROW =
            "200 200 200 200 | in  out in  in  | 200 200 200 200 200 | 200 200";
    private static final String DATA_READ_ROW =
            "200 200 200 200 | out in  404 404 | 403 403 403 400 400 | 404 404";
    private static final String DATA_SHARE_ROW =
            "200 200 200 200 | out in  404 404 | 200 403 403 400 400 | 404 404";
    private static final String PUBLIC_DATA_READ_ROW =
            "200 200 200 200 | out in  in  in  | 403 403 403 400 400 | 403 403";
    private static final String PUBLIC_DATA_SHARE_ROW =
            "200 200 200 200 | out in  in  in  | 200 403 403 400 400 | 403 403";
    private static final String PROJECT_READ_ROW =
            "200 200 200 200 | out in  in  in  | 403 403 403 400 400 | 403 403";
    private static final String PROJECT_EDIT_ROW =
            "200 200 200 200 | out in  in  in  | 403 403 403 400 400 | 200 200";
    private static final String PROJECT_SHARE_ROW =
            "200 200 200 200 | out in  in  in  | 200 403 403 400 400 | 200 200";
    private static final String HIDDEN_ROW =
            "404 404 404 404 | out out 404 404 | 404 404 404 400 400 | 404 404";
    private static final String PUBLIC_READ_ROW =
            "200 200 200 200 | out out in  in  | 403 403 403 400 400 | 403 403";
    private static final String ADMIN_ROW =
            "200 200 200 200 | out out in  in  | 200 200 200 200 200 | 200 200";

    private static final Object[][] EXPECTED = {
            // who                     private project                                  public project
            {Who.ANONYMOUS,
                    "404 404 404 404 | 401 401 404 404 | 401 401 401 401 401 | 401 401",
                    "200 200 200 200 | 401 401 in  in  | 401 401 401 401 401 | 401 401"},
            {Who.OWNER, OWNER_ROW, OWNER_ROW},
            {Who.DATA_READ, DATA_READ_ROW, PUBLIC_DATA_READ_ROW},
            {Who.DATA_EDIT, DATA_READ_ROW, PUBLIC_DATA_READ_ROW},
            {Who.DATA_SHARE, DATA_SHARE_ROW, PUBLIC_DATA_SHARE_ROW},
            {Who.GROUP_READ, DATA_READ_ROW, PUBLIC_DATA_READ_ROW},
            {Who.GROUP_EDIT, DATA_READ_ROW, PUBLIC_DATA_READ_ROW},
            {Who.GROUP_SHARE, DATA_SHARE_ROW, PUBLIC_DATA_SHARE_ROW},
            {Who.PROJECT_READ, PROJECT_READ_ROW, PROJECT_READ_ROW},
            {Who.PROJECT_EDIT, PROJECT_EDIT_ROW, PROJECT_EDIT_ROW},
            {Who.PROJECT_SHARE, PROJECT_SHARE_ROW, PROJECT_SHARE_ROW},
            // owning the project (and the sample) of a file someone else uploaded gives share level on it, not ownership
            {Who.PROJECT_OWNER, PROJECT_SHARE_ROW, PROJECT_SHARE_ROW},
            // an invitation to a group gives nothing; on the public project only publicity's read
            {Who.INVITED_TO_EDIT_GROUP, HIDDEN_ROW, PUBLIC_READ_ROW},
            {Who.STRANGER, HIDDEN_ROW, PUBLIC_READ_ROW},
            {Who.SITE_ADMIN, ADMIN_ROW, ADMIN_ROW},
    };

    static Stream<Arguments> matrix() {
        List<Arguments> cells = new ArrayList<>();
        for (Object[] row : EXPECTED) {
            Who who = (Who) row[0];
            for (Visibility v : Visibility.values()) {
                String[] cols = ((String) row[1 + v.ordinal()]).replace("|", " ").trim().split("\\s+");
                assertThat(cols).as("columns of the row for " + who + " " + v).hasSize(Action.values().length);
                for (Placement p : Placement.values()) {
                    for (Action a : Action.values()) {
                        String expected = cols[a.ordinal()];
                        if (p == Placement.ON_PROJECT && a == Action.SAMPLE_DATA && expected.equals("in")) expected = "out";
                        cells.add(Arguments.of(who, v, p, a, expected));
                    }
                }
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} on a file {2} of the {1} project: {3} -> {4}")
    @MethodSource("matrix")
    void statusMatrix(Who who, Visibility v, Placement p, Action action, String expected) {
        World w = World.get();
        Fixture f = action.fresh ? w.fresh(v, p) : w.standing(v, p);
        Ctx c = new Ctx(w, who, w.api(who), f, who.level(v));
        Api.Res r = action.request.apply(c);
        boolean listing = expected.equals("in") || expected.equals("out");
        assertThat(r.status()).as(who + " on a file " + p + " of the " + v + " project: " + action + " answered " + r)
                .isEqualTo(listing ? 200 : Integer.parseInt(expected));
        if (listing) {
            assertThat(listed(c.api(), r, action, c, f.data())).as(action + " lists the file")
                    .isEqualTo(expected.equals("in"));
        }
        checkEffect(c, action, r);

        if (action.namesAnId() && (r.status() == 401 || r.status() == 404 || c.level() == 0)) {
            Ctx ghost = new Ctx(w, who, c.api(), Fixture.GHOST, c.level());
            Api.Res g = action.request.apply(ghost);
            assertThat(g.status()).as("the same request about nothing answered " + g + ", about the file " + r).isEqualTo(r.status());
            assertThat(comparable(g.text(), f)).as("the answers about nothing and about the file").isEqualTo(comparable(r.text(), f));
        }
    }

    /** Whether a listing (all its pages, starting from the answer {@code first}) names the file. */
    private static boolean listed(Api api, Api.Res first, Action action, Ctx c, long id) {
        String key = "data";
        String base = switch (action) {
            case OWNED -> "/data/owned?filter=" + c.f().name() + "&";
            case SHARED -> "/data/shared?filter=" + c.f().name() + "&";
            case SAMPLE_DATA -> "/samples/" + c.f().sample() + "/data?";
            case PROJECT_DATA -> "/projects/" + c.f().project() + "/data?";
            default -> throw new IllegalArgumentException(action.name());
        };
        JsonNode page = first.json();
        for (int offset = 0; page.path(key).size() > 0; offset += 100) {
            if (offset > 0) page = ok(api.get(base + "limit=100&offset=" + offset));
            if (Fixtures.ids(page.path(key)).contains(id)) return true;
            if (page.path(key).size() < 100) return false;
        }
        return false;
    }

    /**
     * An answer with its request id left out, and the ids of {@link Fixture#GHOST} written as the fixture's: what
     * the caller could compare between an answer about something that exists and one about nothing.
     */
    private static JsonNode comparable(String body, Fixture f) {
        String text = body.replace(Long.toString(Fixture.GHOST.data()), Long.toString(f.data()))
                .replace(Long.toString(Fixture.GHOST.sample()), Long.toString(f.sample()))
                .replace(Long.toString(Fixture.GHOST.project()), Long.toString(f.project()));
        JsonNode json = new Api.Res(200, Map.of(), text.getBytes(StandardCharsets.UTF_8)).json();
        if (json.path("error").path("details") instanceof ObjectNode details) details.remove("request_id");
        return json;
    }

    /** What a request did, or (when refused) that it changed nothing; read through the site admin, who sees everything. */
    private static void checkEffect(Ctx c, Action action, Api.Res r) {
        boolean ok = r.status() / 100 == 2;
        Api admin = c.w().admin.api();
        long data = c.f().data();
        if (!ok) {
            assertThat(r.errorCode()).as("error body of " + r).isNotBlank();
            assertThat(r.json().at("/error/details/request_id").asText()).as("request id of " + r).isNotBlank();
        }
        switch (action) {
            case GET -> {
                if (ok) {
                    assertThat(r.json().path("id").asLong()).isEqualTo(data);
                    JsonNode p = r.json().path("permissions");
                    String rights = (p.path("can_edit").asBoolean() ? "E" : "-") + (p.path("can_share").asBoolean() ? "S" : "-")
                            + (p.path("can_delete").asBoolean() ? "D" : "-");
                    assertThat(rights).as("permissions of " + c.who()).isEqualTo(List.of("---", "---", "E--", "ES-", "ESD").get(c.level()));
                }
            }
            case LINES -> { if (ok) assertThat(r.text()).isEqualTo("@r1\n"); }
            case DOWNLOAD -> { if (ok) assertThat(r.body()).isEqualTo(CONTENT); }
            case SHARE -> { if (ok) assertThat(r.json().path("users").toString()).contains(c.w().recipient.username()); }
            case TRANSFER -> assertThat(admin.get("/data/" + data).json().path("owner").path("id").asLong())
                    .isEqualTo(ok ? c.w().recipient.id() : c.w().owner.id());
            case DELETE, BATCH_DELETE -> assertThat(admin.get("/data/" + data).status()).isEqualTo(ok ? 404 : 200);
            case BATCH_DELETE_WITH_OWN -> {
                // all or nothing: the caller's own file goes only with the other
                assertThat(admin.get("/data/" + data).status()).isEqualTo(ok ? 404 : 200);
                if (c.own() != null) assertThat(admin.get("/data/" + c.own()).status()).isEqualTo(ok ? 404 : 200);
                if (r.status() == 400) {
                    assertThat(Fixtures.ids(r.json().at("/error/details/failed"))).containsExactly(data);
                }
            }
            case UPLOAD_TO_SAMPLE -> {
                if (ok) assertThat(r.json().at("/data/sample/id").asLong()).isEqualTo(c.f().sample());
            }
            case UPLOAD_TO_PROJECT -> {
                if (ok) assertThat(r.json().at("/data/project/id").asLong()).isEqualTo(c.f().project());
            }
            default -> { }
        }
    }

    /** A file of one chunk uploaded into the sample or project named by {@code field}. */
    private static Api.Res upload(Api api, String field, long container) {
        return new Multipart().field("file_id", UUID.randomUUID()).field("filename", "added.fastq").field("chunk", 0)
                .field("total_chunks", 1).field(field, container).file("file", CONTENT).post(api, "/upload");
    }

    // ------------------------------------------------------------------ fixtures

    /** A project with a sample in it and a data file (in the sample, or attached to the project), whose name is unique. */
    record Fixture(long project, long sample, long data, String name) {
        /** Ids that name nothing. */
        static final Fixture GHOST = new Fixture(9_000_000_000_000_000_001L, 9_000_000_000_000_000_002L, 9_000_000_000_000_000_003L, "none");
    }

    /** What an action is run with: who asks, with which client, on what, holding which level there. */
    static final class Ctx {
        private final World w;
        private final Who who;
        private final Api api;
        private final Fixture f;
        private final int level;
        private Long own;

        Ctx(World w, Who who, Api api, Fixture f, int level) {
            this.w = w;
            this.who = who;
            this.api = api;
            this.f = f;
            this.level = level;
        }

        World w() { return w; }
        Who who() { return who; }
        Api api() { return api; }
        Fixture f() { return f; }
        int level() { return level; }

        /** A file of the caller's own (uploaded on first use), or null for an anonymous caller. */
        Long own() {
            if (who == Who.ANONYMOUS) return null;
            if (own == null) own = Fixtures.upload(w.account(who), "own.fastq", CONTENT, Map.of());
            return own;
        }
    }

    /**
     * The accounts and groups of the matrix, made once for the class: the owner of the files, who may edit the
     * projects they are in; the owner of those projects and their samples; one user per grant on the file
     * (read, edit, share); three groups (read, edit, share) with one accepted member each (and the owner, who may
     * share only with groups they can see) and an invitee of the edit group; one user per grant on the project; a
     * stranger, the site admin and a recipient of shares and transfers. Its standing projects (private and public,
     * each with one file in its sample and one attached to it) are only read and added to;
     * {@link #fresh} makes a new file with the same grants for the actions that destroy or hand one over.
     */
    static final class World {
        private static World instance;

        final String tag = Users.uniqueName("dmx").toLowerCase();
        final Account owner = Users.signUp(server, "dxowner");
        final Account projectOwner = Users.signUp(server, "dxpowner");
        final Account dataRead = Users.signUp(server, "dxdread");
        final Account dataEdit = Users.signUp(server, "dxdedit");
        final Account dataShare = Users.signUp(server, "dxdshare");
        final Account groupRead = Users.signUp(server, "dxgread");
        final Account groupEdit = Users.signUp(server, "dxgedit");
        final Account groupShare = Users.signUp(server, "dxgshare");
        final Account projectRead = Users.signUp(server, "dxpread");
        final Account projectEdit = Users.signUp(server, "dxpedit");
        final Account projectShare = Users.signUp(server, "dxpshare");
        final Account invited = Users.signUp(server, "dxinvited");
        final Account stranger = Users.signUp(server, "dxstranger");
        final Account recipient = Users.signUp(server, "dxrecipient");
        final Account labHead = Users.signUp(server, "dxlabhead");
        final Account admin = Users.admin(server);
        final String readGroup = Fixtures.group(labHead, List.of(groupRead, owner), List.of());
        final String editGroup = Fixtures.group(labHead, List.of(groupEdit, owner), List.of(invited));
        final String shareGroup = Fixtures.group(labHead, List.of(groupShare, owner), List.of());
        final long[] projects = new long[Visibility.values().length];
        final long[] samples = new long[Visibility.values().length];
        final Fixture[][] standing = new Fixture[Visibility.values().length][Placement.values().length];
        private int made;

        private World() {
            for (Visibility v : Visibility.values()) {
                projects[v.ordinal()] = Fixtures.project(projectOwner, v + " project " + tag, v == Visibility.PUBLIC);
                samples[v.ordinal()] = Fixtures.sample(projectOwner, projects[v.ordinal()], v + " sample " + tag);
                Fixtures.shareWithUser(projectOwner, "projects", projects[v.ordinal()], owner, 2);
                for (int level = 1; level <= 3; level++) {
                    Fixtures.shareWithUser(projectOwner, "projects", projects[v.ordinal()], List.of(projectRead, projectEdit, projectShare).get(level - 1), level);
                }
                for (Placement p : Placement.values()) standing[v.ordinal()][p.ordinal()] = fresh(v, p);
            }
        }

        static synchronized World get() {
            if (instance == null) instance = new World();
            return instance;
        }

        Fixture standing(Visibility v, Placement p) {
            return standing[v.ordinal()][p.ordinal()];
        }

        /** A new file in the project of the given visibility (in its sample or attached to it) with the standard grants on the file. */
        synchronized Fixture fresh(Visibility v, Placement p) {
            long project = projects[v.ordinal()];
            long sample = samples[v.ordinal()];
            // "n1e" is no part of "n10e": the listings filter on the name
            String name = tag + "n" + (made++) + "e";
            long data = Fixtures.upload(owner, name + ".fastq", CONTENT,
                    p == Placement.IN_SAMPLE ? Map.of("sample_id", sample) : Map.of("project_id", project));
            List<Account> users = List.of(dataRead, dataEdit, dataShare);
            List<String> groups = List.of(readGroup, editGroup, shareGroup);
            for (int level = 1; level <= 3; level++) {
                Api.Res r = owner.api().post("/data/" + data + "/share",
                        Map.of("users", List.of(users.get(level - 1).username()), "groups", List.of(groups.get(level - 1)), "permission", level));
                if (r.status() != 200) throw new AssertionError("share failed: " + r);
            }
            return new Fixture(project, sample, data, name);
        }

        Account account(Who who) {
            return switch (who) {
                case ANONYMOUS -> throw new IllegalArgumentException("no account");
                case OWNER -> owner;
                case DATA_READ -> dataRead;
                case DATA_EDIT -> dataEdit;
                case DATA_SHARE -> dataShare;
                case GROUP_READ -> groupRead;
                case GROUP_EDIT -> groupEdit;
                case GROUP_SHARE -> groupShare;
                case PROJECT_READ -> projectRead;
                case PROJECT_EDIT -> projectEdit;
                case PROJECT_SHARE -> projectShare;
                case PROJECT_OWNER -> projectOwner;
                case INVITED_TO_EDIT_GROUP -> invited;
                case STRANGER -> stranger;
                case SITE_ADMIN -> admin;
            };
        }

        Api api(Who who) {
            return who == Who.ANONYMOUS ? server.client() : account(who).api();
        }
    }

    private static JsonNode ok(Api.Res r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }
}
