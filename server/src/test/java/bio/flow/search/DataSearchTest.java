package bio.flow.search;

import static bio.flow.testing.Answers.assertInvalid;
import static bio.flow.search.SearchFixtures.enc;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code GET /data/search} over real HTTP: each filter alone and together, who finds what, and the bad inputs. The
 * files are data rows inserted as uploads, imports and runs leave them (with chosen sizes and creation times), all
 * named with a tag of this run so that the shared server's other data stays out of the answers.
 */
class DataSearchTest {
    private static final TestServer server = TestServer.shared();

    enum Who { ANONYMOUS, OWNER, FILE_READER, SAMPLE_READER, GROUP_MEMBER, INVITED, RUN_READER, STRANGER, ADMIN }

    /** The data, made once. */
    private static final class World {
        static World instance;
        /** Letters that no other part of the names has, then digits: no filter or pattern of the tests finds it by chance. */
        final String tag = "dsq" + java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000_000, 1_000_000_000);
        final Account owner = Users.signUp(server, "dsowner");
        final Account fileReader = Users.signUp(server, "dsfile");
        final Account sampleReader = Users.signUp(server, "dssample");
        final Account member = Users.signUp(server, "dsmember");
        final Account invited = Users.signUp(server, "dsinvited");
        final Account runReader = Users.signUp(server, "dsrun");
        final Account stranger = Users.signUp(server, "dsstranger");
        final Account admin = Users.admin(server);
        final long project = Fixtures.project(owner, "Private " + tag, false);
        final long sample = Fixtures.sample(owner, project, "Liver " + tag);
        final long publicProject = Fixtures.project(owner, "Public " + tag, true);
        final long publicSample = Fixtures.sample(owner, publicProject, "Public sample " + tag);
        final long run = server.jdbi().withHandle(h -> h.createQuery("INSERT INTO executions (name, status, owner_id) "
                + "VALUES ('private run', 'completed', :owner) RETURNING id").bind("owner", owner.id()).mapTo(Long.class).one());
        // the owner's ready files, oldest first: in the private sample, attached to the private project, in no container,
        // in the public project's sample, made by a private run
        final long r1 = data(owner, tag + "_01_R1.fastq.gz", 100, "FASTQ", sample, null, null, "ready", 1);
        final long r2 = data(owner, tag + "_02_R1.fastq.gz", 200, "FASTQ", sample, null, null, "ready", 2);
        final long r3 = data(owner, tag + "_02_R2.fastq.gz", 300, "FASTQ", sample, null, null, "ready", 3);
        final long report = data(owner, tag + "-report.txt", 50, "TEXT", null, project, null, "ready", 4);
        final long literal = data(owner, tag + "_100%_done.txt", 1000, "TEXT", null, null, null, "ready", 5);
        final long bam = data(owner, tag + ".bam", 5000, "BAM", publicSample, null, null, "ready", 6);
        final long counts = data(owner, tag + "_counts.tsv", 400, "TSV", null, null, run, "ready", 7);
        // never listed: an import in progress and a failed one, in the private sample
        final long importing = data(owner, tag + "_importing.fastq", 0, null, sample, null, null, "importing", 8);
        final long failed = data(owner, tag + "_failed.fastq", 0, null, sample, null, null, "failed", 9);
        final long strangers = data(stranger, tag + "_stranger.txt", 10, "TEXT", null, null, null, "ready", 10);

        {
            Fixtures.shareWithUser(owner, "data", r1, fileReader, 1);
            Fixtures.shareWithUser(owner, "samples", sample, sampleReader, 1);
            String group = Fixtures.group(owner, List.of(member), List.of(invited));
            Fixtures.shareWithGroup(owner, "projects", project, group, 1);
            Fixtures.shareWithUser(owner, "executions", run, runReader, 1);
        }

        static synchronized World get() {
            if (instance == null) instance = new World();
            return instance;
        }

        /** What each caller finds among the tagged files, newest first. */
        List<Long> visibleTo(Who who) {
            return switch (who) {
                case ANONYMOUS, INVITED -> List.of(bam);
                case OWNER -> List.of(counts, bam, literal, report, r3, r2, r1);
                case FILE_READER -> List.of(bam, r1);
                case SAMPLE_READER -> List.of(bam, r3, r2, r1);
                case GROUP_MEMBER -> List.of(bam, report, r3, r2, r1);
                case RUN_READER -> List.of(counts, bam);
                case STRANGER -> List.of(strangers, bam);
                case ADMIN -> List.of(strangers, counts, bam, literal, report, r3, r2, r1);
            };
        }

        Api api(Who who) {
            return switch (who) {
                case ANONYMOUS -> server.client();
                case OWNER -> owner.api();
                case FILE_READER -> fileReader.api();
                case SAMPLE_READER -> sampleReader.api();
                case GROUP_MEMBER -> member.api();
                case INVITED -> invited.api();
                case RUN_READER -> runReader.api();
                case STRANGER -> stranger.api();
                case ADMIN -> admin.api();
            };
        }

        /** A data row as an upload, import or run leaves it, created on day {@code day} of January 2020. */
        private static long data(Account owner, String filename, long size, String type, Long sample, Long project, Long run,
                                 String status, int day) {
            return server.jdbi().withHandle(h -> h.createQuery("INSERT INTO data (filename, size, data_type, sample_id, project_id, "
                            + "execution_id, owner_id, status, created) VALUES (:filename, :size, :type, :sample, :project, :run, :owner, "
                            + ":status, :created) RETURNING id")
                    .bind("filename", filename).bind("size", size).bind("type", type).bind("sample", sample).bind("project", project)
                    .bind("run", run).bind("owner", owner.id()).bind("status", status)
                    .bind("created", java.time.OffsetDateTime.parse(String.format("2020-01-%02dT12:00:00Z", day))).mapTo(Long.class).one());
        }
    }

    private static JsonNode search(Api api, String query) {
        return SearchFixtures.search(api, "/data/search?" + query);
    }

    private static List<Long> ids(Api api, String query) {
        return SearchFixtures.ids(api, "/data/search?" + query, "data");
    }

    @ParameterizedTest
    @EnumSource(Who.class)
    void eachCallerFindsTheReadyFilesTheyMayReadAndNothingElse(Who who) {
        World w = World.get();
        Api.Res r = w.api(who).get("/data/search?filter=" + w.tag);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(Fixtures.ids(r.json().path("data"))).isEqualTo(w.visibleTo(who));
        assertThat(r.json().path("count").asLong()).isEqualTo(w.visibleTo(who).size());
        assertThat(r.text()).doesNotContain("_importing").doesNotContain("_failed");
        // the search's condition (AccessPolicy.dataVisible) agrees with the level GET /data/{id} goes by
        for (long id : List.of(w.r1, w.r2, w.r3, w.report, w.literal, w.bam, w.counts, w.strangers)) {
            assertThat(w.api(who).get("/data/" + id).status()).as("GET /data/" + id).isEqualTo(w.visibleTo(who).contains(id) ? 200 : 404);
        }
        if (who != Who.OWNER && who != Who.ADMIN && who != Who.SAMPLE_READER && who != Who.GROUP_MEMBER) {
            // the private sample's name is never shown to those who may not read it, not even beside a file they may read
            assertThat(r.text()).doesNotContain("Liver");
        }
    }

    @Test
    void aFileSharedOutOfAPrivateSampleDoesNotNameItsSample() {
        World w = World.get();
        JsonNode asReader = search(w.fileReader.api(), "filter=" + w.tag + "&pattern=" + enc("*_01_*"));
        assertThat(asReader.at("/data/0/id").asLong()).isEqualTo(w.r1);
        assertThat(asReader.at("/data/0/sample").isNull()).isTrue();
        JsonNode asOwner = search(w.owner.api(), "filter=" + w.tag + "&pattern=" + enc("*_01_*"));
        assertThat(asOwner.at("/data/0/sample/id").asLong()).isEqualTo(w.sample);
        assertThat(asOwner.at("/data/0/sample/name").asText()).isEqualTo("Liver " + w.tag);
        assertThat(asOwner.at("/data/0/filename").asText()).isEqualTo(w.tag + "_01_R1.fastq.gz");
        assertThat(asOwner.at("/data/0/size").asLong()).isEqualTo(100);
        assertThat(asOwner.at("/data/0/data_type").asText()).isEqualTo("FASTQ");
    }

    @Test
    void anUnreadableSampleOrProjectFindsWhatOneThatDoesNotExistFinds() {
        World w = World.get();
        // the file reader may read r1, but not its sample: filtering by that sample must not confirm where r1 is
        for (Who who : List.of(Who.FILE_READER, Who.STRANGER, Who.ANONYMOUS, Who.RUN_READER, Who.INVITED)) {
            Api api = w.api(who);
            assertThat(search(api, "sample=" + w.sample).toString()).isEqualTo(search(api, "sample=999999999999").toString());
            assertThat(search(api, "project=" + w.project).toString()).isEqualTo(search(api, "project=999999999999").toString());
            assertThat(search(api, "sample=" + w.sample).path("count").asLong()).isZero();
        }
        assertThat(ids(w.sampleReader.api(), "sample=" + w.sample)).containsExactly(w.r3, w.r2, w.r1);
        // reading a sample does not open its project: a filter by that project finds nothing
        assertThat(ids(w.sampleReader.api(), "project=" + w.project)).isEmpty();
        assertThat(ids(w.member.api(), "project=" + w.project)).containsExactly(w.report, w.r3, w.r2, w.r1);
        assertThat(ids(w.owner.api(), "sample=" + w.sample)).containsExactly(w.r3, w.r2, w.r1);
        assertThat(ids(server.client(), "project=" + w.publicProject)).containsExactly(w.bam);
        assertThat(ids(server.client(), "sample=" + w.publicSample)).containsExactly(w.bam);
    }

    @Test
    void theTextFilterMatchesFileNamesAsTheListingsDo() {
        World w = World.get();
        Api owner = w.owner.api();
        assertThat(ids(owner, "filter=" + enc(w.tag.toUpperCase() + " 02-r1"))).containsExactly(w.r2);
        assertThat(ids(owner, "filter=" + enc(w.tag + "_counts"))).containsExactly(w.counts);
        // what /data/owned finds with the same filter
        JsonNode owned = owner.get("/data/owned?filter=" + enc(w.tag + " r1")).json();
        assertThat(ids(owner, "filter=" + enc(w.tag + " r1"))).isEqualTo(Fixtures.ids(owned.path("data")));
        // nothing to match: nothing rather than everything
        assertThat(ids(owner, "filter=" + enc("-_ !"))).isEmpty();
    }

    @Test
    void patternsTakeStarAndQuestionMarkAndEverythingElseLiterally() {
        World w = World.get();
        Api owner = w.owner.api();
        String mine = "filter=" + w.tag + "&pattern=";
        assertThat(ids(owner, mine + enc("*.fastq.gz"))).containsExactly(w.r3, w.r2, w.r1);
        assertThat(ids(owner, mine + enc("*.FASTQ.GZ"))).containsExactly(w.r3, w.r2, w.r1);
        assertThat(ids(owner, mine + enc(w.tag + "_0?_R1*"))).containsExactly(w.r2, w.r1);
        assertThat(ids(owner, mine + enc(w.tag + "_??_R2.fastq.gz"))).containsExactly(w.r3);
        // the whole name: a pattern without * does not find names that only contain it
        assertThat(ids(owner, mine + enc(w.tag + ".bam"))).containsExactly(w.bam);
        assertThat(ids(owner, mine + enc(w.tag))).isEmpty();
        // % and _ are themselves, not LIKE's wildcards
        assertThat(ids(owner, mine + enc(w.tag + "_100%_done.txt"))).containsExactly(w.literal);
        assertThat(ids(owner, mine + enc(w.tag + "_1%"))).isEmpty();
        assertThat(ids(owner, mine + enc(w.tag + "_0__R1*"))).isEmpty();
        assertThat(ids(owner, mine + enc(w.tag + "*\\*"))).isEmpty();
        // the pattern alone, without the text filter
        assertThat(ids(owner, "pattern=" + enc(w.tag + "*.tsv"))).containsExactly(w.counts);
        // punctuation is matched as itself, though the search keys it is first narrowed by leave it out
        assertThat(ids(owner, mine + enc(w.tag + "-01-R1*"))).isEmpty();
        assertThat(ids(owner, mine + enc(w.tag + "_01?R1*"))).containsExactly(w.r1);
        assertThat(ids(owner, mine + enc(w.tag.toUpperCase() + "_01_r1.FASTQ.gz"))).containsExactly(w.r1);
        assertThat(ids(owner, mine + enc("*_*"))).containsExactly(w.counts, w.literal, w.r3, w.r2, w.r1);
    }

    @Test
    void dataTypesAreMatchedAsStoredAndAnUnknownOneIsRefused() {
        World w = World.get();
        Api owner = w.owner.api();
        assertThat(ids(owner, "filter=" + w.tag + "&data_type=FASTQ")).containsExactly(w.r3, w.r2, w.r1);
        assertThat(ids(owner, "filter=" + w.tag + "&data_type=text")).containsExactly(w.literal, w.report);
        assertThat(ids(server.client(), "filter=" + w.tag + "&data_type=BAM")).containsExactly(w.bam);
        assertThat(ids(owner, "filter=" + w.tag + "&data_type=VCF")).isEmpty();
        Api.Res unknown = owner.get("/data/search?data_type=NOPE");
        assertInvalid(unknown, "data_type");
        assertThat(unknown.json().at("/error/message").asText()).contains("NOPE");
    }

    @Test
    void sizeBoundsAreInclusive() {
        World w = World.get();
        Api owner = w.owner.api();
        String mine = "filter=" + w.tag;
        assertThat(ids(owner, mine + "&size_min=200&size_max=300")).containsExactly(w.r3, w.r2);
        assertThat(ids(owner, mine + "&size_min=400")).containsExactly(w.counts, w.bam, w.literal);
        assertThat(ids(owner, mine + "&size_max=100")).containsExactly(w.report, w.r1);
        assertThat(ids(owner, mine + "&size_min=5000&size_max=5000")).containsExactly(w.bam);
        assertThat(ids(owner, mine + "&size_min=0")).hasSize(7);
        assertInvalid(owner.get("/data/search?size_min=301&size_max=300"), "size_min");
        assertInvalid(owner.get("/data/search?size_min=-1"), "size_min");
        assertInvalid(owner.get("/data/search?size_max=1.5"), "size_max");
        assertInvalid(owner.get("/data/search?size_max=lots"), "size_max");
    }

    @Test
    void creationBoundsTakeDatesAndTimes() {
        World w = World.get();
        Api owner = w.owner.api();
        String mine = "filter=" + w.tag;
        assertThat(ids(owner, mine + "&created_after=2020-01-02&created_before=2020-01-04")).containsExactly(w.r3, w.r2);
        assertThat(ids(owner, mine + "&created_after=" + enc("2020-01-06T12:00:00Z"))).containsExactly(w.counts, w.bam);
        assertThat(ids(owner, mine + "&created_before=" + enc("2020-01-01T12:00:01+00:00"))).containsExactly(w.r1);
        assertInvalid(owner.get("/data/search?created_after=yesterday"), "created_after");
        assertInvalid(owner.get("/data/search?created_before=2020-13-01"), "created_before");
        assertInvalid(owner.get("/data/search?created_after=2020-01-05&created_before=2020-01-04"), "created_after");
    }

    @Test
    void filtersCombine() {
        World w = World.get();
        Api owner = w.owner.api();
        assertThat(ids(owner, "project=" + w.project + "&pattern=" + enc("*R1*") + "&size_max=150")).containsExactly(w.r1);
        assertThat(ids(owner, "sample=" + w.sample + "&data_type=FASTQ&size_min=150&created_before=2020-01-03&filter=r1"))
                .containsExactly(w.r2);
        assertThat(ids(w.member.api(), "project=" + w.project + "&data_type=TEXT&filter=" + w.tag)).containsExactly(w.report);
    }

    @Test
    void importsInProgressAndFailedOnesAreNeverFound() {
        World w = World.get();
        for (Who who : List.of(Who.OWNER, Who.ADMIN)) {
            assertThat(ids(w.api(who), "pattern=" + enc(w.tag + "_importing*"))).isEmpty();
            assertThat(ids(w.api(who), "pattern=" + enc(w.tag + "_failed*"))).isEmpty();
            assertThat(ids(w.api(who), "sample=" + w.sample + "&size_max=0")).isEmpty();
        }
    }

    @Test
    void pagesCountEveryMatch() {
        World w = World.get();
        JsonNode first = search(w.owner.api(), "filter=" + w.tag + "&limit=3");
        assertThat(Fixtures.ids(first.path("data"))).containsExactly(w.counts, w.bam, w.literal);
        assertThat(first.path("count").asLong()).isEqualTo(7);
        assertThat(first.path("page").asInt()).isEqualTo(1);
        JsonNode third = search(w.owner.api(), "filter=" + w.tag + "&limit=3&offset=6");
        assertThat(Fixtures.ids(third.path("data"))).containsExactly(w.r1);
        assertThat(third.path("count").asLong()).isEqualTo(7);
        assertThat(third.path("page").asInt()).isEqualTo(3);
    }

    @Test
    void badParametersAreRefusedNamingThem() {
        Api api = server.client();
        assertInvalid(api.get("/data/search?name=x"), "name");
        assertInvalid(api.get("/data/search?sample=0"), "sample");
        assertInvalid(api.get("/data/search?project=abc"), "project");
        assertInvalid(api.get("/data/search?limit=101"), "limit");
        assertInvalid(api.get("/data/search?offset=990&limit=20"), "offset");
        assertInvalid(api.get("/data/search?pattern=" + "a".repeat(201)), "pattern");
        assertInvalid(api.get("/data/search?filter=" + "a".repeat(201)), "filter");
        Api.Res badToken = server.client().as("not-a-token").get("/data/search");
        assertThat(badToken.status()).isEqualTo(401);
        // blank text filters are no filter; a blank number is not a number
        assertThat(api.get("/data/search?filter=&pattern=&data_type=&created_after=").status()).isEqualTo(200);
        assertInvalid(api.get("/data/search?size_min="), "size_min");
        assertInvalid(api.get("/data/search?sample="), "sample");
    }
}
