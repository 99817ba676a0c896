package bio.flow.analytics;

import static bio.flow.testing.TestPipelines.awaitStatus;
import static bio.flow.testing.TestPipelines.execution;
import static bio.flow.testing.TestPipelines.folder;
import static bio.flow.testing.TestPipelines.version;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * GET /analytics over HTTP: the caller's figures, their groups', and the activity log that the features write as
 * they change things, shown only to whoever may read what it is about.
 */
class AnalyticsTest {
    private final TestServer server = TestServer.shared();

    private record Seen(String action, String type, long id, String user, String details) {}

    private static JsonNode analytics(Users.Account who) {
        Api.Res r = who.api().get("/analytics");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private static List<Seen> recent(Users.Account who) {
        List<Seen> seen = new ArrayList<>();
        analytics(who).path("recent_activity").forEach(e -> seen.add(new Seen(e.path("action").asText(), e.path("object_type").asText(),
                e.path("object_id").asLong(), e.path("user").isNull() ? null : e.path("user").asText(), e.path("details").asText())));
        return seen;
    }

    private static Seen entry(String action, String type, long id, Users.Account by) {
        return new Seen(action, type, id, by.username(), null);
    }

    /** The entries without their wording, to compare with {@link #entry}. */
    private static List<Seen> keys(List<Seen> seen) {
        return seen.stream().map(s -> new Seen(s.action(), s.type(), s.id(), s.user(), null)).toList();
    }

    @Test
    void theCallersFiguresAndWhatTheyDidNewestFirst() {
        Users.Account a = Users.signUp(server, "stats");
        JsonNode before = analytics(a).path("user_stats");
        assertThat(before.path("total_samples").asLong()).isZero();
        assertThat(before.path("total_data_gb").asDouble()).isZero();

        long project = Fixtures.project(a, "Stats project", false);
        long sample = Fixtures.sample(a, project, "Stats sample");
        byte[] bytes = "@r1\nACGTACGT\n+\nIIIIIIII\n".getBytes(StandardCharsets.UTF_8);
        long data = Fixtures.upload(a, "stats.fastq", bytes, Map.of("sample_id", sample));

        JsonNode body = analytics(a);
        JsonNode stats = body.path("user_stats");
        assertThat(stats.path("total_projects").asLong()).isEqualTo(1);
        assertThat(stats.path("total_samples").asLong()).isEqualTo(1);
        assertThat(stats.path("total_executions").asLong()).isZero();
        assertThat(stats.path("executions_last_30_days").asLong()).isZero();
        assertThat(stats.path("total_data_gb").asDouble()).isEqualTo(bytes.length / 1e9);
        assertThat(stats.path("data_uploaded_last_30_days_gb").asDouble()).isEqualTo(bytes.length / 1e9);
        assertThat(body.path("group_stats").size()).isZero();

        List<Seen> seen = recent(a);
        assertThat(keys(seen)).startsWith(entry("data_uploaded", "data", data, a), entry("sample_created", "sample", sample, a),
                entry("project_created", "project", project, a));
        assertThat(seen.get(0).details()).isEqualTo("Uploaded stats.fastq");
        assertThat(seen.get(1).details()).isEqualTo("Sample Stats sample created");
        assertThat(seen.get(2).details()).isEqualTo("Project Stats project created");

        assertThat(server.client().get("/analytics").status()).isEqualTo(401);
    }

    @Test
    void activityIsShownOnlyToWhoeverMayReadWhatItIsAbout() {
        Users.Account owner = Users.signUp(server, "actowner");
        Users.Account friend = Users.signUp(server, "actfriend");
        Users.Account member = Users.signUp(server, "actmember");
        Users.Account invited = Users.signUp(server, "actinvited");
        Users.Account stranger = Users.signUp(server, "actstranger");
        String lab = Fixtures.group(owner, List.of(member), List.of(invited));

        long shown = Fixtures.project(owner, "Open project", true);
        long project = Fixtures.project(owner, "Closed project", false);
        long sample = Fixtures.sample(owner, project, "Closed sample");
        long data = Fixtures.data(owner, sample);
        long other = Fixtures.sample(owner, project, "Other sample");
        Fixtures.shareWithUser(owner, "samples", sample, friend, 1);
        Fixtures.shareWithGroup(owner, "projects", project, lab, 1);

        // A stranger sees the public project's creation, nothing of the private project, its samples and data.
        List<Seen> strangers = keys(recent(stranger));
        assertThat(strangers).contains(entry("project_created", "project", shown, owner));
        assertThat(strangers).noneMatch(s -> s.type().equals("project") && s.id() == project
                || s.type().equals("sample") && (s.id() == sample || s.id() == other) || s.type().equals("data") && s.id() == data);

        // The friend reads the one sample shared with them, and its data; not the project or its other sample.
        List<Seen> friends = keys(recent(friend));
        assertThat(friends).startsWith(entry("shared_with_you", "sample", sample, owner));
        assertThat(friends).contains(entry("sample_created", "sample", sample, owner), entry("data_uploaded", "data", data, owner))
                .doesNotContain(entry("project_created", "project", project, owner), entry("sample_created", "sample", other, owner),
                        entry("shared_with_you", "project", project, owner));

        // The group's member reads the project and everything in it; the share addressed to the group is theirs, the
        // one addressed to the friend is not. An invited user is no member yet.
        List<Seen> members = keys(recent(member));
        assertThat(members).startsWith(entry("shared_with_you", "project", project, owner));
        // the entry names the project, as its holder knows it
        assertThat(recent(member).get(0).details()).isEqualTo(owner.username() + " shared project 'Closed project' with you");
        assertThat(members).contains(entry("project_created", "project", project, owner), entry("sample_created", "sample", other, owner),
                entry("data_uploaded", "data", data, owner)).doesNotContain(entry("shared_with_you", "sample", sample, owner));
        assertThat(keys(recent(invited))).doesNotContain(entry("shared_with_you", "project", project, owner),
                entry("project_created", "project", project, owner));

        // The owner sees what they did, not the "shared with you" entries of others.
        assertThat(keys(recent(owner))).contains(entry("sample_created", "sample", other, owner))
                .noneMatch(s -> s.action().equals("shared_with_you"));

        // Withdrawn or deleted, the object's activity is no longer shown.
        assertThat(owner.api().post("/samples/" + sample + "/share", Map.of("users", List.of(friend.username()), "permission", 0)).status())
                .isEqualTo(200);
        assertThat(keys(recent(friend))).noneMatch(s -> s.type().equals("sample") && s.id() == sample || s.type().equals("data") && s.id() == data);
        assertThat(owner.api().post("/samples/" + other + "/delete").status()).isEqualTo(200);
        assertThat(keys(recent(member))).noneMatch(s -> s.type().equals("sample") && s.id() == other);
    }

    @Test
    void groupStatsCountTheMembersSamplesExecutionsAndWhoWasActive() {
        Users.Account head = Users.signUp(server, "grphead");
        Users.Account member = Users.signUp(server, "grpmember");
        Users.Account quiet = Users.signUp(server, "grpquiet");
        Users.Account invited = Users.signUp(server, "grpinvited");
        String lab = Fixtures.group(head, List.of(member, quiet), List.of(invited));
        Fixtures.sample(member, Map.of("name", "Member's"));
        Fixtures.sample(member, Map.of("name", "Member's too"));
        Fixtures.sample(invited, Map.of("name", "Not a member's"));
        execution(server, member.id(), version(server, folder("engine-test")), "{\"tasks\": 1}");
        // quiet accepted the invitation (a signed-in request): make them inactive for 31 days.
        server.sql("DELETE FROM user_activity_days WHERE user_id = " + quiet.id());
        server.sql("INSERT INTO user_activity_days (day, user_id) VALUES ((now() AT TIME ZONE 'UTC')::date - 30, " + quiet.id() + ")");

        JsonNode stats = analytics(head).path("group_stats");
        assertThat(stats.size()).isEqualTo(1);
        assertThat(stats.path(lab).path("total_samples").asLong()).isEqualTo(2);
        assertThat(stats.path(lab).path("total_executions").asLong()).isEqualTo(1);
        assertThat(stats.path(lab).path("active_users").asLong()).as("head and member").isEqualTo(2);
        assertThat(analytics(invited).path("group_stats").has(lab)).isFalse();
        assertThat(analytics(member).path("user_stats").path("total_executions").asLong()).isEqualTo(1);
        assertThat(analytics(member).path("user_stats").path("executions_last_30_days").asLong()).isEqualTo(1);
    }

    @Test
    void theKeptTotalsFollowTransfersDeletesAndTheThirtyDays() {
        Users.Account a = Users.signUp(server, "totals");
        Users.Account b = Users.signUp(server, "totalsto");
        long project = Fixtures.project(a, "Totals project", false);
        long kept = Fixtures.sample(a, project, "Kept");
        long given = Fixtures.sample(a, project, "Given");
        long gone = Fixtures.sample(a, project, "Gone");
        byte[] bytes = "@r1\nACGTACGTACGT\n+\nIIIIIIIIIIII\n".getBytes(StandardCharsets.UTF_8);
        long old = Fixtures.upload(a, "old.fastq", bytes, Map.of("sample_id", kept));
        Fixtures.upload(a, "new.fastq", bytes, Map.of("sample_id", kept));

        assertThat(a.api().post("/samples/" + given + "/transfer", Map.of("user", b.username())).status()).isEqualTo(200);
        assertThat(a.api().post("/samples/" + gone + "/delete").status()).isEqualTo(200);
        // an upload of 31 days ago (UTC days) is no longer one of the last 30 days, but still the caller's data
        server.sql("UPDATE data SET created = now() - interval '31 days' WHERE id = " + old);

        JsonNode stats = analytics(a).path("user_stats");
        assertThat(stats.path("total_samples").asLong()).isEqualTo(1);
        assertThat(stats.path("total_projects").asLong()).isEqualTo(1);
        assertThat(stats.path("total_data_gb").asDouble()).isEqualTo(2 * bytes.length / 1e9);
        assertThat(stats.path("data_uploaded_last_30_days_gb").asDouble()).isEqualTo(bytes.length / 1e9);
        assertThat(analytics(b).path("user_stats").path("total_samples").asLong()).isEqualTo(1);
        // the totals the database keeps are the counts, for every user this server has
        assertThat(server.queryLong("SELECT count(*) FROM users u LEFT JOIN user_totals t ON t.user_id = u.id "
                + "WHERE coalesce(t.samples, 0) <> (SELECT count(*) FROM samples WHERE owner_id = u.id) "
                + "OR coalesce(t.projects, 0) <> (SELECT count(*) FROM projects WHERE owner_id = u.id) "
                + "OR coalesce(t.executions, 0) <> (SELECT count(*) FROM executions WHERE owner_id = u.id) "
                + "OR coalesce(t.data_bytes, 0) <> (SELECT coalesce(sum(size), 0) FROM data WHERE owner_id = u.id AND status = 'ready')")).isZero();
    }

    @Test
    void recentActivityLooksAtTheNewestEntriesOfTheSiteAndAllTheCallersOwn() {
        Users.Account reader = Users.signUp(server, "boundreader");
        Users.Account other = Users.signUp(server, "boundother");
        Users.Account stranger = Users.signUp(server, "boundstranger");
        String lab = Fixtures.group(other, List.of(reader), List.of());
        long open = Fixtures.project(other, "Bound open project", true);
        long mine = Fixtures.sample(reader, Map.of("name", "Bound mine"));
        long sharedSample = Fixtures.sample(other, Map.of("name", "Bound shared"));
        Fixtures.shareWithUser(other, "samples", sharedSample, reader, 1);
        long groupProject = Fixtures.project(other, "Bound group project", false);
        Fixtures.shareWithGroup(other, "projects", groupProject, lab, 1);
        assertThat(keys(recent(reader))).contains(entry("project_created", "project", open, other),
                entry("sample_created", "sample", sharedSample, other));

        // Then more than the site's window of newer entries about something private of another user's.
        long hidden = Fixtures.sample(other, Map.of("name", "Bound private"));
        server.sql("INSERT INTO activity (actor_id, action, object_kind, object_id, details) SELECT " + other.id()
                + ", 'sample_created', 'sample', " + hidden + ", 'Sample Bound private created' FROM generate_series(1, "
                + (AnalyticsRoutes.SITE_WINDOW + 1) + ")");

        // What the caller did and what was shared with them or their group still show; nobody else sees the private
        // sample's entries; someone else's activity older than the window does not show (the documented bound).
        List<Seen> readers = keys(recent(reader));
        assertThat(readers).contains(entry("sample_created", "sample", mine, reader), entry("shared_with_you", "sample", sharedSample, other),
                entry("shared_with_you", "project", groupProject, other), entry("project_created", "project", groupProject, other));
        assertThat(readers).noneMatch(e -> e.id() == hidden && e.type().equals("sample"))
                .doesNotContain(entry("project_created", "project", open, other), entry("sample_created", "sample", sharedSample, other));
        assertThat(keys(recent(stranger))).noneMatch(e -> e.id() == hidden && e.type().equals("sample"));
        assertThat(keys(recent(other))).contains(entry("sample_created", "sample", hidden, other));
    }

    @Test
    void colleaguesWorkInTheCallersOwnAndSharedProjectsShowsHoweverBusyTheSite() {
        Users.Account reader = Users.signUp(server, "projreader");
        Users.Account colleague = Users.signUp(server, "projcolleague");
        Users.Account stranger = Users.signUp(server, "projstranger");
        String lab = Fixtures.group(colleague, List.of(reader), List.of());
        long own = Fixtures.project(reader, "Reader's project", false);
        Fixtures.shareWithUser(reader, "projects", own, colleague, 2);
        long granted = Fixtures.project(colleague, "Granted project", false);
        Fixtures.shareWithUser(colleague, "projects", granted, reader, 1);
        long grouped = Fixtures.project(colleague, "Group's project", false);
        Fixtures.shareWithGroup(colleague, "projects", grouped, lab, 1);
        long private_ = Fixtures.project(colleague, "Colleague's private project", false);

        // The colleague works in all four projects; then the site gets busy with more than its window of newer entries
        // about something else.
        long inOwn = Fixtures.sample(colleague, own, "Colleague's sample in reader's project");
        long inGranted = Fixtures.sample(colleague, granted, "Sample in granted project");
        long groupSample = Fixtures.sample(colleague, grouped, "Sample in group's project");
        long inGroup = Fixtures.data(colleague, groupSample);
        long inPrivate = Fixtures.sample(colleague, private_, "Sample in private project");
        long busy = Fixtures.sample(stranger, Map.of("name", "Busy stranger"));
        server.sql("INSERT INTO activity (actor_id, action, object_kind, object_id, details) SELECT " + stranger.id()
                + ", 'sample_created', 'sample', " + busy + ", 'Sample Busy stranger created' FROM generate_series(1, "
                + (AnalyticsRoutes.SITE_WINDOW + 1) + ")");

        List<Seen> readers = keys(recent(reader));
        assertThat(readers).contains(entry("sample_created", "sample", inOwn, colleague), entry("sample_created", "sample", inGranted, colleague),
                entry("data_uploaded", "data", inGroup, colleague), entry("sample_created", "sample", groupSample, colleague));
        assertThat(readers).noneMatch(e -> e.type().equals("sample") && (e.id() == inPrivate || e.id() == busy)
                || e.type().equals("project") && e.id() == private_);
        assertThat(keys(recent(stranger))).noneMatch(e -> e.type().equals("sample") && (e.id() == inOwn || e.id() == inGranted
                || e.id() == groupSample || e.id() == inPrivate) || e.type().equals("data") && e.id() == inGroup);

        // Withdrawn, the project's activity is no longer shown, however it was chosen.
        assertThat(colleague.api().post("/projects/" + granted + "/share", Map.of("users", List.of(reader.username()), "permission", 0)).status())
                .isEqualTo(200);
        assertThat(keys(recent(reader))).doesNotContain(entry("sample_created", "sample", inGranted, colleague));
    }

    @Test
    void executionsRecordTheirStartAndTheirEnd() throws Exception {
        Users.Account owner = Users.signUp(server, "actrunner");
        long pipeline = version(server, folder("engine-test"));
        long completes = execution(server, owner.id(), pipeline, "{\"tasks\": 1}");
        long fails = execution(server, owner.id(), pipeline, "{\"tasks\": 1, \"fail\": true}");
        awaitStatus(server, completes, "completed", Duration.ofSeconds(90));
        awaitStatus(server, fails, "failed", Duration.ofSeconds(90));

        List<Seen> seen = recent(owner);
        assertThat(keys(seen)).contains(entry("execution_started", "execution", completes, owner), entry("execution_completed", "execution", completes, owner),
                entry("execution_started", "execution", fails, owner), entry("execution_failed", "execution", fails, owner))
                .doesNotContain(entry("execution_failed", "execution", completes, owner), entry("execution_completed", "execution", fails, owner));
        assertThat(seen).filteredOn(s -> s.action().equals("execution_failed")).singleElement()
                .satisfies(s -> assertThat(s.details()).startsWith("Execution engine test failed: Process BREAK failed"));
        assertThat(keys(recent(Users.signUp(server, "actnobody")))).noneMatch(s -> s.type().equals("execution") && (s.id() == completes || s.id() == fails));
    }

    @Test
    void anImportRecordsItsDataWhenItIsReady() throws Exception {
        Users.Account owner = Users.signUp(server, "actimport");
        byte[] reads = "@r1\nACGT\n+\nIIII\n".getBytes(StandardCharsets.UTF_8);
        HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        CountDownLatch checked = new CountDownLatch(1);
        origin.createContext("/reads.fastq", ex -> {
            try {
                checked.await(30, TimeUnit.SECONDS); // until the test has looked while the import goes on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(200, reads.length);
            ex.getResponseBody().write(reads);
            ex.close();
        });
        origin.start();
        try {
            Api.Res started = owner.api().post("/data/import", Map.of("source", "url",
                    "path", "http://127.0.0.1:" + origin.getAddress().getPort() + "/reads.fastq"));
            assertThat(started.status()).as(started.toString()).isEqualTo(202);
            long id = started.json().path("id").asLong();
            assertThat(keys(recent(owner))).doesNotContain(entry("data_uploaded", "data", id, owner));
            checked.countDown();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && !owner.api().get("/data/" + id).json().path("status").asText().equals("ready")) Thread.sleep(50);
            assertThat(recent(owner)).first().isEqualTo(new Seen("data_uploaded", "data", id, owner.username(), "Imported reads.fastq"));
        } finally {
            origin.stop(0);
        }
    }
}
