package bio.flow.search;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.access.AccessPolicy;
import bio.flow.access.Resource;
import bio.flow.http.Caller;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * AccessPolicy's conditions for searches (sampleVisible, executionVisible, dataVisible, projectVisible) select
 * exactly the rows whose level (AccessPolicy.level, the rule every other route applies) is at least read, for every
 * kind of caller. The world below makes, for each arm of each condition, a caller and a row that only that arm lets
 * through, so that leaving an arm out (or adding one that admits too much) makes the two disagree.
 */
class SearchVisibilityTest {
    private static final TestServer server = TestServer.shared();

    /** What each table's search condition is, by the kind of resource. */
    private static final Map<Resource, String> VISIBLE = Map.of(
            Resource.SAMPLE, "SELECT x.id FROM samples x WHERE x.id = ANY(:ids) AND " + AccessPolicy.sampleVisible("x"),
            Resource.EXECUTION, "SELECT x.id FROM executions x WHERE x.id = ANY(:ids) AND " + AccessPolicy.executionVisible("x"),
            Resource.DATA, "SELECT x.id FROM data x WHERE x.id = ANY(:ids) AND " + AccessPolicy.dataVisible("x"),
            Resource.PROJECT, "SELECT x.id FROM projects x WHERE x.id = ANY(:ids) AND " + AccessPolicy.projectVisible("x"));

    /** The world's rows of each kind, by name, and who may read what by the level rule. */
    private final Map<Resource, Map<String, Long>> rows = new LinkedHashMap<>();

    private long add(Resource kind, String name, long id) {
        rows.computeIfAbsent(kind, k -> new LinkedHashMap<>()).put(name, id);
        return id;
    }

    /** A data file of {@code owner} with these upload fields (sample_id, project_id), outside any when empty. */
    private static long data(Account owner, String filename, Map<String, Object> fields) {
        return Fixtures.upload(owner, filename, ("content of " + filename + "\n").getBytes(StandardCharsets.UTF_8), fields);
    }

    /** An execution row of {@code owner}, attached to {@code project} when not null (as the run route makes one). */
    private static long execution(Account owner, Long project) {
        return server.jdbi().withHandle(h -> h.createQuery("INSERT INTO executions (name, status, pipeline, pipeline_version, "
                        + "project_id, owner_id, params) VALUES (:name, 'completed', 'FASTQ QC', '1.0', :project, :owner, '{}') RETURNING id")
                .bind("name", "visibility run").bind("project", project).bind("owner", owner.id()).mapTo(Long.class).one());
    }

    /** The data file made an output of the execution. */
    private static void output(long data, long execution) {
        server.sql("UPDATE data SET execution_id = " + execution + " WHERE id = " + data);
    }

    /** The account as the caller of a request (an admin's rights only when {@code admin}). */
    private static Optional<Caller> signedIn(Account a, boolean admin) {
        return Optional.of(new Caller(a.id(), a.username(), admin, true, Instant.now(), false));
    }

    /** The ids a statement selects for the caller, with :named bound to {@code id}. */
    private static List<Long> named(Handle h, Optional<Caller> caller, String sql, long id) {
        return AccessPolicy.bindCaller(h.createQuery(AccessPolicy.CALLER_SETS + sql), caller).bind("named", id).mapTo(Long.class).list();
    }

    @Test
    void theSearchConditionsSelectExactlyWhatTheLevelRuleLetsEachCallerRead() {
        Account owner = Users.signUp(server, "svowner");
        Account projectOwner = Users.signUp(server, "svprojowner");
        Account reader = Users.signUp(server, "svreader");
        Account editor = Users.signUp(server, "sveditor");
        Account head = Users.signUp(server, "svhead");
        Account member = Users.signUp(server, "svmember");
        Account invited = Users.signUp(server, "svinvited");
        Account stranger = Users.signUp(server, "svstranger");
        Account admin = Users.admin(server);
        // The owner is in the group too, so that they may share with it.
        String group = Fixtures.group(head, List.of(member, owner), List.of(invited));

        // The owner's private project, edited by the editor (a user grant on the project).
        long privateProject = add(Resource.PROJECT, "private", Fixtures.project(owner, "sv private", false));
        Fixtures.shareWithUser(owner, "projects", privateProject, editor, 2);
        long inPrivate = add(Resource.SAMPLE, "in private", Fixtures.sample(owner, privateProject, "sv in private"));
        add(Resource.DATA, "in sample in private", Fixtures.data(owner, inPrivate));
        add(Resource.DATA, "on private project", data(owner, "on-private.txt", Map.of("project_id", privateProject)));
        add(Resource.EXECUTION, "on private project", execution(owner, privateProject));
        // A sample of the private project granted alone to the reader; one granted to the group.
        long granted = add(Resource.SAMPLE, "granted to reader", Fixtures.sample(owner, privateProject, "sv granted"));
        Fixtures.shareWithUser(owner, "samples", granted, reader, 1);
        add(Resource.DATA, "in sample granted to reader", Fixtures.data(owner, granted));
        long groupSample = add(Resource.SAMPLE, "granted to group", Fixtures.sample(owner, privateProject, "sv group"));
        Fixtures.shareWithGroup(owner, "samples", groupSample, group, 1);
        // A project of the owner granted to the group.
        long groupProject = add(Resource.PROJECT, "granted to group", Fixtures.project(owner, "sv group project", false));
        Fixtures.shareWithGroup(owner, "projects", groupProject, group, 1);
        add(Resource.SAMPLE, "in project granted to group", Fixtures.sample(owner, groupProject, "sv in group project"));

        // Things in no project: readable by their owner and admins, and through their own grants.
        long loose = add(Resource.SAMPLE, "in no project", Fixtures.sample(owner, Map.of("name", "sv loose", "organism", "human", "sample_type", "RNA")));
        add(Resource.DATA, "in no sample", data(owner, "loose.txt", Map.of()));
        long grantedData = add(Resource.DATA, "granted to reader", data(owner, "granted.txt", Map.of()));
        Fixtures.shareWithUser(owner, "data", grantedData, reader, 1);
        long groupData = add(Resource.DATA, "granted to group", data(owner, "group.txt", Map.of()));
        Fixtures.shareWithGroup(owner, "data", groupData, group, 1);
        add(Resource.EXECUTION, "in no project", execution(owner, null));
        long grantedRun = add(Resource.EXECUTION, "granted to reader", execution(owner, null));
        Fixtures.shareWithUser(owner, "executions", grantedRun, reader, 1);
        long groupRun = add(Resource.EXECUTION, "granted to group", execution(owner, null));
        Fixtures.shareWithGroup(owner, "executions", groupRun, group, 1);
        long grantedRunOutput = add(Resource.DATA, "output of run granted to reader", data(owner, "run-output.txt", Map.of()));
        output(grantedRunOutput, grantedRun);
        long groupRunOutput = add(Resource.DATA, "output of run granted to group", data(owner, "group-output.txt", Map.of()));
        output(groupRunOutput, groupRun);
        add(Resource.DATA, "in sample in no project", Fixtures.data(owner, loose));
        // A sample in no project that the editor may edit, holding the editor's file: the owner reads the file through
        // owning its sample (the copy of the sample's owner on the data row, V46).
        long editedLoose = add(Resource.SAMPLE, "edited by editor", Fixtures.sample(owner, Map.of("name", "sv edited loose", "organism", "human", "sample_type", "RNA")));
        Fixtures.shareWithUser(owner, "samples", editedLoose, editor, 2);
        add(Resource.DATA, "editor's in owner's sample", data(editor, "editors.txt", Map.of("sample_id", editedLoose)));

        // The project owner's project, in which the owner (given edit) keeps a sample, data and a run: the project
        // owner reads them through owning the project.
        long othersProject = add(Resource.PROJECT, "project owner's", Fixtures.project(projectOwner, "sv others", false));
        Fixtures.shareWithUser(projectOwner, "projects", othersProject, owner, 2);
        long inOthers = add(Resource.SAMPLE, "owner's in project owner's", Fixtures.sample(owner, othersProject, "sv in others"));
        add(Resource.DATA, "in owner's sample in project owner's", Fixtures.data(owner, inOthers));
        long runInOthers = add(Resource.EXECUTION, "owner's on project owner's", execution(owner, othersProject));
        long runInOthersOutput = add(Resource.DATA, "output of owner's run on project owner's", data(owner, "others-output.txt", Map.of()));
        output(runInOthersOutput, runInOthers);

        // A public project: everyone reads it and what it holds, signed in or not.
        long publicProject = add(Resource.PROJECT, "public", Fixtures.project(owner, "sv public", true));
        long inPublic = add(Resource.SAMPLE, "in public", Fixtures.sample(owner, publicProject, "sv in public"));
        add(Resource.DATA, "in sample in public", Fixtures.data(owner, inPublic));
        add(Resource.DATA, "on public project", data(owner, "on-public.txt", Map.of("project_id", publicProject)));
        long publicRun = add(Resource.EXECUTION, "on public project", execution(owner, publicProject));
        long publicRunOutput = add(Resource.DATA, "output of run on public project", data(owner, "public-output.txt", Map.of()));
        output(publicRunOutput, publicRun);

        Map<String, Optional<Caller>> callers = new LinkedHashMap<>();
        callers.put("anonymous", Optional.empty());
        for (Account a : List.of(owner, projectOwner, reader, editor, head, member, invited, stranger)) {
            callers.put(a.username(), signedIn(a, false));
        }
        callers.put("admin", signedIn(admin, true));

        AccessPolicy policy = new AccessPolicy(server.jdbi());
        List<String> disagreements = new ArrayList<>();
        Map<String, Set<String>> readBy = new LinkedHashMap<>();
        server.jdbi().useHandle(h -> callers.forEach((who, caller) -> rows.forEach((kind, named) -> {
            Function<Set<Long>, Set<String>> names = ids -> {
                Set<String> out = new HashSet<>();
                named.forEach((name, id) -> { if (ids.contains(id)) out.add(name); });
                return out;
            };
            Set<Long> byLevel = policy.readable(h, kind, named.values(), caller);
            Set<Long> bySearch = new HashSet<>(AccessPolicy.bindCaller(h.createQuery(AccessPolicy.CALLER_SETS + VISIBLE.get(kind)), caller)
                    .bindArray("ids", Long.class, named.values()).mapTo(Long.class).list());
            if (!byLevel.equals(bySearch)) {
                disagreements.add(who + " on " + kind + ": level rule reads " + names.apply(byLevel) + ", search condition " + names.apply(bySearch));
            }
            readBy.computeIfAbsent(who, w -> new HashSet<>()).addAll(names.apply(byLevel).stream().map(n -> kind + " " + n).toList());
        })));
        assertThat(disagreements).isEmpty();

        // The filters that name a project or a sample (which spare a search testing each row) let through all of its
        // rows when the caller may read it, and none otherwise: never a row the level rule would not let them read.
        server.jdbi().useHandle(h -> callers.forEach((who, caller) -> {
            Set<Long> projects = policy.readable(h, Resource.PROJECT, rows.get(Resource.PROJECT).values(), caller);
            Set<Long> samples = policy.readable(h, Resource.SAMPLE, rows.get(Resource.SAMPLE).values(), caller);
            Map<String, List<Long>> found = new LinkedHashMap<>();
            Map<String, List<Long>> expected = new LinkedHashMap<>();
            for (long project : rows.get(Resource.PROJECT).values()) {
                boolean readable = projects.contains(project);
                found.put("samples of project " + project, named(h, caller, "SELECT x.id FROM samples x WHERE " + AccessPolicy.sampleInVisibleProject("x", ":named"), project));
                expected.put("samples of project " + project, readable ? named(h, caller, "SELECT id FROM samples WHERE project_id = :named", project) : List.of());
                found.put("data of project " + project, named(h, caller, "SELECT x.id FROM data x WHERE " + AccessPolicy.dataInVisibleProject("x", ":named"), project));
                expected.put("data of project " + project, readable ? named(h, caller, "SELECT id FROM data WHERE project_id = :named "
                        + "OR sample_id IN (SELECT id FROM samples WHERE project_id = :named)", project) : List.of());
            }
            for (long sample : rows.get(Resource.SAMPLE).values()) {
                found.put("data of sample " + sample, named(h, caller, "SELECT x.id FROM data x WHERE " + AccessPolicy.dataOfVisibleSample("x", ":named"), sample));
                expected.put("data of sample " + sample, samples.contains(sample) ? named(h, caller, "SELECT id FROM data WHERE sample_id = :named", sample) : List.of());
            }
            found.forEach((what, ids) -> {
                Resource kind = what.startsWith("samples") ? Resource.SAMPLE : Resource.DATA;
                if (!new HashSet<>(ids).equals(new HashSet<>(expected.get(what))) || !policy.readable(h, kind, ids, caller).equals(new HashSet<>(ids))) {
                    disagreements.add(who + ": " + what + " finds " + ids + ", expected " + expected.get(what));
                }
            });
        }));
        assertThat(disagreements).isEmpty();

        // The world exercises what it is meant to: a few of the level rule's answers, named.
        assertThat(readBy.get("admin")).hasSize(rows.values().stream().mapToInt(Map::size).sum());
        Set<String> everyone = Set.of("PROJECT public", "SAMPLE in public", "DATA in sample in public", "DATA on public project",
                "EXECUTION on public project", "DATA output of run on public project");
        assertThat(readBy.get("anonymous")).isEqualTo(everyone);
        assertThat(readBy.get(stranger.username())).isEqualTo(everyone);
        assertThat(readBy.get(invited.username())).isEqualTo(everyone);
        assertThat(readBy.get(head.username())).containsAll(everyone).contains("SAMPLE granted to group", "PROJECT granted to group",
                "SAMPLE in project granted to group", "DATA granted to group", "EXECUTION granted to group", "DATA output of run granted to group");
        assertThat(readBy.get(member.username())).isEqualTo(readBy.get(head.username()));
        assertThat(readBy.get(reader.username())).containsAll(everyone).contains("SAMPLE granted to reader",
                "DATA in sample granted to reader", "DATA granted to reader", "EXECUTION granted to reader", "DATA output of run granted to reader")
                .doesNotContain("SAMPLE in private", "PROJECT private");
        assertThat(readBy.get(editor.username())).contains("PROJECT private", "SAMPLE in private", "SAMPLE granted to reader",
                "DATA on private project", "EXECUTION on private project").doesNotContain("SAMPLE in no project");
        assertThat(readBy.get(projectOwner.username())).contains("PROJECT project owner's", "SAMPLE owner's in project owner's",
                "DATA in owner's sample in project owner's", "EXECUTION owner's on project owner's",
                "DATA output of owner's run on project owner's").doesNotContain("SAMPLE in private");
        assertThat(readBy.get(owner.username())).hasSize(readBy.get("admin").size());
    }

    /**
     * The copy of a sample's project and owner on its data rows (V46), which dataVisible tests, follows the sample
     * when it moves between projects and when it or its project changes hands: the data search condition and the
     * level rule agree for every caller after each change.
     */
    @Test
    void dataFollowItsSampleWhenItMovesOrChangesHands() {
        Account owner = Users.signUp(server, "svmover");
        Account taker = Users.signUp(server, "svtaker");
        Account stranger = Users.signUp(server, "svpasser");
        long privateProject = Fixtures.project(owner, "sv move private", false);
        long publicProject = Fixtures.project(owner, "sv move public", true);
        long sample = Fixtures.sample(owner, privateProject, "sv moving");
        // uploaded by the taker (given edit on the sample), so that who owns the file and who owns its sample differ
        Fixtures.shareWithUser(owner, "samples", sample, taker, 2);
        long file = data(taker, "moving.txt", Map.of("sample_id", sample));
        Map<String, Optional<Caller>> callers = new LinkedHashMap<>();
        callers.put("anonymous", Optional.empty());
        for (Account a : List.of(owner, taker, stranger)) {
            callers.put(a.username(), signedIn(a, false));
        }
        AccessPolicy policy = new AccessPolicy(server.jdbi());
        Function<String, Set<String>> readers = when -> server.jdbi().withHandle(h -> {
            Set<String> who = new HashSet<>();
            callers.forEach((name, caller) -> {
                boolean byLevel = policy.readable(h, Resource.DATA, List.of(file), caller).contains(file);
                boolean bySearch = !AccessPolicy.bindCaller(h.createQuery(AccessPolicy.CALLER_SETS + VISIBLE.get(Resource.DATA)), caller)
                        .bindArray("ids", Long.class, List.of(file)).mapTo(Long.class).list().isEmpty();
                assertThat(bySearch).as(when + ": " + name + " reads the file by the level rule: " + byLevel).isEqualTo(byLevel);
                if (bySearch) who.add(name);
            });
            return who;
        });

        assertThat(readers.apply("in the private project")).containsExactlyInAnyOrder(owner.username(), taker.username());
        assertThat(owner.api().post("/samples/" + sample + "/edit", Map.of("project", publicProject)).status()).isEqualTo(200);
        assertThat(readers.apply("moved to the public project")).containsExactlyInAnyOrder("anonymous", owner.username(), taker.username(),
                stranger.username());
        assertThat(owner.api().post("/samples/" + sample + "/edit", Map.of("project", 0)).status()).isEqualTo(200);
        assertThat(readers.apply("moved out of any project")).containsExactlyInAnyOrder(owner.username(), taker.username());
        assertThat(owner.api().post("/samples/" + sample + "/edit", Map.of("project", privateProject)).status()).isEqualTo(200);
        // the project changes hands with the samples its owner owned in it: the taker now reads the file through
        // the sample as well (and still as its owner); the old owner through the access the transfer leaves them
        assertThat(owner.api().post("/projects/" + privateProject + "/transfer", Map.of("user", taker.username())).status()).isEqualTo(200);
        assertThat(server.queryLong("SELECT sample_owner_id FROM data WHERE id = " + file)).isEqualTo(taker.id());
        readers.apply("its project handed to the taker");
        // the sample handed back to its first owner alone
        assertThat(taker.api().post("/samples/" + sample + "/transfer", Map.of("user", owner.username())).status()).isEqualTo(200);
        assertThat(server.queryLong("SELECT sample_owner_id FROM data WHERE id = " + file)).isEqualTo(owner.id());
        readers.apply("the sample handed back");
        // a copy written by hand is put right
        server.sql("UPDATE data SET sample_project_id = " + publicProject + " WHERE id = " + file);
        assertThat(server.queryLong("SELECT sample_project_id FROM data WHERE id = " + file)).isEqualTo(privateProject);
    }
}
