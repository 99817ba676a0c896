package bio.flow.search;

import static bio.flow.testing.Answers.assertInvalid;
import static bio.flow.search.SearchFixtures.enc;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.executions.ExecutionListing;
import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code GET /executions/search} over real HTTP: each filter alone and together, who finds what, and the bad inputs.
 * Executions are rows inserted as the engine leaves them (no pipeline runs here), named with a tag so that what
 * other tests leave stays out of the answers.
 */
class ExecutionSearchTest {
    /**
     * A server without workers (an API-only server): the pending and running rows inserted here are no runs a worker
     * could take, and one would claim or recover them, changing their state under the tests.
     */
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("FLOW_WORKERS", "0"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    enum Who { ANONYMOUS, OWNER, RUN_READER, GROUP_MEMBER, INVITED, STRANGER, ADMIN }

    private static final class World {
        static World instance;
        final String tag = "esq" + java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000_000, 1_000_000_000);
        final Account owner = Users.signUp(server, "esowner");
        final Account runReader = Users.signUp(server, "esrun");
        final Account member = Users.signUp(server, "esmember");
        final Account invited = Users.signUp(server, "esinvited");
        final Account stranger = Users.signUp(server, "esstranger");
        final Account admin = Users.admin(server);
        final long project = Fixtures.project(owner, "Private " + tag, false);
        final long sample = Fixtures.sample(owner, project, "Liver " + tag);
        final long publicProject = Fixtures.project(owner, "Public " + tag, true);
        final long publicSample = Fixtures.sample(owner, publicProject, "Public sample " + tag);
        // pipeline A with two versions, pipeline B with one: {pipeline, version...}
        final long[] rnaseq = SearchFixtures.pipeline(server, "rnaseq " + tag, 2, false);
        final long[] chipseq = SearchFixtures.pipeline(server, "chipseq " + tag, 1, false);
        // oldest first
        final long e1 = execution(owner, tag + " RNA-seq run 1", "completed", rnaseq[1], project, 1);
        final long e2 = execution(owner, tag + " rnaseq run 2", "failed", rnaseq[2], null, 2);
        final long e3 = execution(owner, tag + " ChIP run", "running", chipseq[1], publicProject, 3);
        final long e4 = execution(owner, tag + " waiting", "pending", null, null, 4);
        final long e5 = execution(owner, tag + " stopped", "canceled", chipseq[1], null, 5);
        final long e6 = execution(stranger, tag + " of the stranger", "completed", null, null, 6);

        {
            inputs(e1, sample);
            inputs(e3, publicSample);
            inputs(e5, sample);
            Fixtures.shareWithUser(owner, "executions", e2, runReader, 1);
            String group = Fixtures.group(owner, List.of(member), List.of(invited));
            Fixtures.shareWithGroup(owner, "projects", project, group, 1);
        }

        static synchronized World get() {
            if (instance == null) instance = new World();
            return instance;
        }

        List<Long> visibleTo(Who who) {
            return switch (who) {
                case ANONYMOUS, INVITED -> List.of(e3);
                case OWNER -> List.of(e5, e4, e3, e2, e1);
                case RUN_READER -> List.of(e3, e2);
                case GROUP_MEMBER -> List.of(e3, e1);
                case STRANGER -> List.of(e6, e3);
                case ADMIN -> List.of(e6, e5, e4, e3, e2, e1);
            };
        }

        Api api(Who who) {
            return switch (who) {
                case ANONYMOUS -> server.client();
                case OWNER -> owner.api();
                case RUN_READER -> runReader.api();
                case GROUP_MEMBER -> member.api();
                case INVITED -> invited.api();
                case STRANGER -> stranger.api();
                case ADMIN -> admin.api();
            };
        }

        /** An execution as the engine leaves it, created on day {@code day} of January 2020. */
        private static long execution(Account owner, String name, String status, Long version, Long project, int day) {
            return server.jdbi().withHandle(h -> h.createQuery("INSERT INTO executions (name, status, pipeline_version_id, project_id, "
                            + "owner_id, created) VALUES (:name, :status, :version, :project, :owner, :created) RETURNING id")
                    .bind("name", name).bind("status", status).bind("version", version).bind("project", project)
                    .bind("owner", owner.id()).bind("created", OffsetDateTime.parse(String.format("2020-01-%02dT12:00:00Z", day)))
                    .mapTo(Long.class).one());
        }

        private static void inputs(long execution, long sample) {
            server.sql("INSERT INTO execution_samples (execution_id, sample_id) VALUES (" + execution + ", " + sample + ")");
        }
    }

    private static JsonNode search(Api api, String query) {
        return SearchFixtures.search(api, "/executions/search?" + query);
    }

    private static List<Long> ids(Api api, String query) {
        return SearchFixtures.ids(api, "/executions/search?" + query, "executions");
    }

    @ParameterizedTest
    @EnumSource(Who.class)
    void eachCallerFindsTheExecutionsTheyMayReadAndNothingElse(Who who) {
        World w = World.get();
        Api.Res r = w.api(who).get("/executions/search?filter=" + w.tag);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(Fixtures.ids(r.json().path("executions"))).isEqualTo(w.visibleTo(who));
        assertThat(r.json().path("count").asLong()).isEqualTo(w.visibleTo(who).size());
        if (!w.visibleTo(who).contains(w.e1)) assertThat(r.text()).doesNotContain("RNA-seq run 1");
        // the same under every other filter: nothing private is counted
        for (String status : ExecutionListing.STATUSES) {
            List<Long> found = ids(w.api(who), "filter=" + w.tag + "&status=" + status);
            assertThat(w.visibleTo(who)).containsAll(found);
        }
        assertThat(w.visibleTo(who)).containsAll(ids(w.api(who), "sample=" + w.sample));
        assertThat(w.visibleTo(who)).containsAll(ids(w.api(who), "pipeline=" + w.rnaseq[0]));
    }

    @Test
    void anExecutionIsShownAsTheListingsShowIt() {
        World w = World.get();
        JsonNode e = search(w.owner.api(), "filter=" + enc(w.tag + " chip")).path("executions").get(0);
        JsonNode listed = w.owner.api().get("/executions/owned?pipeline=" + w.chipseq[0] + "&status=running").json().path("executions").get(0);
        assertThat(e.path("id").asLong()).isEqualTo(w.e3);
        assertThat(e).isEqualTo(listed);
        assertThat(e.path("owner").path("username").asText()).isEqualTo(w.owner.username());
    }

    @Test
    void theTextFilterMatchesNamesWhateverTheirCaseAndSeparators() {
        World w = World.get();
        Api owner = w.owner.api();
        assertThat(ids(owner, "filter=" + enc(w.tag + " rna-seq"))).containsExactly(w.e2, w.e1);
        assertThat(ids(owner, "filter=" + enc(w.tag + "RNASEQ run 2"))).containsExactly(w.e2);
        assertThat(ids(owner, "filter=" + enc("--"))).isEmpty();
    }

    @Test
    void aPipelineMeansAnyOfItsVersions() {
        World w = World.get();
        Api owner = w.owner.api();
        assertThat(ids(owner, "pipeline=" + w.rnaseq[0])).containsExactly(w.e2, w.e1);
        assertThat(ids(owner, "pipeline=" + w.chipseq[0])).containsExactly(w.e5, w.e3);
        assertThat(ids(server.client(), "pipeline=" + w.chipseq[0])).containsExactly(w.e3);
        assertThat(ids(owner, "pipeline=999999999")).isEmpty();
    }

    @Test
    void everyStatusIsAFilterAndAnyOtherValueIsRefused() {
        World w = World.get();
        Api owner = w.owner.api();
        List<Long> all = new ArrayList<>();
        for (String status : ExecutionListing.STATUSES) {
            List<Long> found = ids(owner, "filter=" + w.tag + "&status=" + status);
            assertThat(found).hasSize(1);
            all.addAll(found);
        }
        assertThat(all).containsExactlyInAnyOrder(w.e1, w.e2, w.e3, w.e4, w.e5);
        assertThat(ids(owner, "filter=" + w.tag + "&status=failed")).containsExactly(w.e2);
        Api.Res bad = owner.get("/executions/search?status=done");
        assertInvalid(bad, "status");
        assertThat(bad.json().at("/error/details/allowed").toString()).isEqualTo("[\"pending\",\"running\",\"completed\",\"failed\",\"canceled\"]");
    }

    @Test
    void aSampleFindsTheRunsThatTookItWhenTheCallerMayReadIt() {
        World w = World.get();
        assertThat(ids(w.owner.api(), "sample=" + w.sample)).containsExactly(w.e5, w.e1);
        // the member reads the sample through its project, and the run attached to it, not the owner's other run of it
        assertThat(ids(w.member.api(), "sample=" + w.sample)).containsExactly(w.e1);
        assertThat(ids(server.client(), "sample=" + w.publicSample)).containsExactly(w.e3);
        // a sample the caller may not read finds what a sample that does not exist finds
        for (Who who : List.of(Who.ANONYMOUS, Who.RUN_READER, Who.INVITED, Who.STRANGER)) {
            assertThat(search(w.api(who), "sample=" + w.sample).toString())
                    .isEqualTo(search(w.api(who), "sample=999999999999").toString());
            assertThat(ids(w.api(who), "sample=" + w.sample)).isEmpty();
        }
    }

    @Test
    void creationBoundsAndFiltersCombine() {
        World w = World.get();
        Api owner = w.owner.api();
        assertThat(ids(owner, "filter=" + w.tag + "&created_after=2020-01-02&created_before=2020-01-04")).containsExactly(w.e3, w.e2);
        assertThat(ids(owner, "filter=" + w.tag + "&created_after=" + enc("2020-01-05T12:00:00Z"))).containsExactly(w.e5);
        assertThat(ids(owner, "pipeline=" + w.chipseq[0] + "&status=canceled")).containsExactly(w.e5);
        assertThat(ids(owner, "pipeline=" + w.chipseq[0] + "&sample=" + w.sample + "&created_before=2020-01-06")).containsExactly(w.e5);
        assertThat(ids(owner, "pipeline=" + w.rnaseq[0] + "&filter=" + enc("run 1") + "&status=completed")).containsExactly(w.e1);
        assertThat(ids(owner, "pipeline=" + w.rnaseq[0] + "&status=running")).isEmpty();
    }

    @Test
    void pagesCountEveryMatch() {
        World w = World.get();
        JsonNode page = search(w.owner.api(), "filter=" + w.tag + "&limit=2&offset=2");
        assertThat(Fixtures.ids(page.path("executions"))).containsExactly(w.e3, w.e2);
        assertThat(page.path("count").asLong()).isEqualTo(5);
        assertThat(page.path("page").asInt()).isEqualTo(2);
    }

    @Test
    void badParametersAreRefusedNamingThem() {
        Api api = server.client();
        assertInvalid(api.get("/executions/search?project=1"), "project");
        assertInvalid(api.get("/executions/search?pipeline=abc"), "pipeline");
        assertInvalid(api.get("/executions/search?pipeline=0"), "pipeline");
        assertInvalid(api.get("/executions/search?sample=-3"), "sample");
        assertInvalid(api.get("/executions/search?sample="), "sample");
        assertInvalid(api.get("/executions/search?created_before=2020-01-01T10:00"), "created_before");
        assertInvalid(api.get("/executions/search?limit=0"), "limit");
        assertInvalid(api.get("/executions/search?page=51"), "offset");
        assertInvalid(api.get("/executions/search?filter=" + "x".repeat(201)), "filter");
    }
}
