package bio.flow.executions;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.RunFixtures;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/** POST /pipelines/versions/{id}/run over real HTTP: who may run what on which inputs, and what is recorded. */
class RunRouteTest {
    private static final TestServer server = RunFixtures.serverWithoutWorkers();
    private static final long VERSION = RunFixtures.version(server, "samplesheet", RunFixtures.PARAMETERS);

    private static Api.Res run(Account who, long version, Map<String, Object> body) {
        return who.api().post("/pipelines/versions/" + version + "/run", body);
    }

    /** A sample of the owner's with one FASTQ file in it (a read by its type). */
    private static long sampleWithReads(Account owner) {
        long sample = Fixtures.sample(owner, Fixtures.project(owner, "p", false), "S1");
        Fixtures.data(owner, sample);
        return sample;
    }

    @Test
    void aRunIsRecordedPendingWithItsInputsParametersAndProject() {
        Account alice = Users.signUp(server, "runner");
        long project = Fixtures.project(alice, "runs", false);
        long sample = Fixtures.sample(alice, project, "S 1");
        long r1 = RunFixtures.read(alice, sample, 1, null, "s_R1.fastq", RunFixtures.fastq("a")).path("id").asLong();
        JsonNode r2 = RunFixtures.read(alice, sample, 2, null, "s_R2.fastq", RunFixtures.fastq("b"));
        long fileset = r2.path("fileset").path("id").asLong();
        long other = sampleWithReads(alice);
        long fasta = Fixtures.upload(alice, "genome.fa", ">chr1\nACGT\n".getBytes(), Map.of());

        Map<String, Object> body = new HashMap<>();
        body.put("name", "My run");
        body.put("samples", List.of(other));
        body.put("filesets", List.of(fileset));
        body.put("parameters", Map.of("min_quality", 25, "strandedness", "reverse"));
        body.put("data_params", Map.of("fasta", fasta));
        body.put("project", project);
        Api.Res r = run(alice, VERSION, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        long id = r.json().path("id").asLong();
        assertThat(r.json().path("name").asText()).isEqualTo("My run");
        assertThat(r.json().path("status").asText()).isEqualTo("pending");
        assertThat(r.json().path("created").asText()).isNotEmpty();

        Map<String, Object> row = server.jdbi().withHandle(h -> h.createQuery("SELECT e.status, e.pipeline, e.pipeline_version, "
                + "e.pipeline_version_id, e.params::text AS params, e.data_params::text AS data_params, e.project_id, e.owner_id, p.name AS pname "
                + "FROM executions e JOIN pipeline_versions v ON v.id = e.pipeline_version_id JOIN pipelines p ON p.id = v.pipeline_id "
                + "WHERE e.id = :id").bind("id", id).mapToMap().one());
        assertThat(row.get("status")).isEqualTo("pending");
        assertThat(row.get("pipeline")).isEqualTo(row.get("pname"));
        assertThat(row.get("pipeline_version")).isEqualTo("1.0");
        assertThat(row.get("pipeline_version_id")).isEqualTo(VERSION);
        assertThat(row.get("params")).isEqualTo("{\"min_quality\": 25, \"strandedness\": \"reverse\"}");
        assertThat(row.get("data_params")).isEqualTo("{\"fasta\": " + fasta + "}");
        assertThat(row.get("project_id")).isEqualTo(project);
        assertThat(row.get("owner_id")).isEqualTo(alice.id());
        assertThat(server.queryLong("SELECT sample_id FROM execution_samples WHERE execution_id = " + id)).isEqualTo(other);
        assertThat(server.queryLong("SELECT fileset_id FROM execution_filesets WHERE execution_id = " + id)).isEqualTo(fileset);
        long otherRead = server.queryLong("SELECT id FROM data WHERE sample_id = " + other);
        Map<Long, String> read = new HashMap<>();
        server.jdbi().useHandle(h -> h.createQuery("SELECT data_id, param FROM execution_data WHERE execution_id = :id").bind("id", id)
                .map((rs, ctx) -> read.put(rs.getLong(1), rs.getString(2))).list());
        Map<Long, String> expected = new HashMap<>();
        expected.put(r1, null);
        expected.put(r2.path("id").asLong(), null);
        expected.put(otherRead, null);
        expected.put(fasta, "fasta");
        assertThat(read).isEqualTo(expected);
    }

    @Test
    void theNameDefaultsToThePipelineAndItsVersion() {
        Account alice = Users.signUp(server, "runner");
        Api.Res r = run(alice, VERSION, Map.of("samples", List.of(sampleWithReads(alice))));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        String pipeline = server.jdbi().withHandle(h -> h.createQuery("SELECT p.name FROM pipelines p JOIN pipeline_versions v "
                + "ON v.pipeline_id = p.id WHERE v.id = :v").bind("v", VERSION).mapTo(String.class).one());
        assertThat(r.json().path("name").asText()).isEqualTo(pipeline + " 1.0");
    }

    @Test
    void anonymousCallersAreRefused() {
        Api.Res r = server.client().post("/pipelines/versions/" + VERSION + "/run", Map.of("samples", List.of(1)));
        assertThat(r.status()).isEqualTo(401);
    }

    @Test
    void anAccountThatMayNotRunPipelinesIsRefusedButAnAdminAlwaysMay() {
        Account bob = Users.signUp(server, "norun");
        long sample = sampleWithReads(bob);
        server.sql("UPDATE users SET can_run_pipelines = FALSE WHERE id = " + bob.id());
        Api.Res refused = run(bob, VERSION, Map.of("samples", List.of(sample)));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("FORBIDDEN");

        server.sql("UPDATE users SET is_admin = TRUE WHERE id = " + bob.id());
        Account alice = Users.signUp(server, "runner");
        long hers = sampleWithReads(alice);
        Api.Res r = run(bob, VERSION, Map.of("samples", List.of(hers)));
        assertThat(r.status()).as("an admin reads every sample and may run, whatever can_run_pipelines says: " + r).isEqualTo(201);
    }

    @Test
    void anUnknownVersionIs404AndARetiredOne400() {
        Account alice = Users.signUp(server, "runner");
        long sample = sampleWithReads(alice);
        Api.Res missing = run(alice, 999_999_999L, Map.of("samples", List.of(sample)));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(alice.api().post("/pipelines/versions/abc/run", Map.of("samples", List.of(sample))).status()).isEqualTo(404);

        long retired = RunFixtures.version(server, "samplesheet", "[]");
        server.sql("UPDATE pipeline_versions SET retired = TRUE WHERE id = " + retired);
        Api.Res r = run(alice, retired, Map.of("samples", List.of(sample)));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/message").asText()).contains("retired");
    }

    @Test
    void parametersAreCheckedAgainstTheVersionNamingTheParameter() {
        Account alice = Users.signUp(server, "runner");
        long sample = sampleWithReads(alice);
        Map<Map<String, Object>, String> bad = Map.of(
                Map.of("parameters", Map.of("aligner", "star")), "aligner",
                Map.of("parameters", Map.of("min_quality", "20")), "min_quality",
                Map.of("parameters", Map.of("strandedness", "sideways")), "strandedness",
                Map.of("data_params", Map.of("min_quality", 5)), "min_quality",
                Map.of("parameters", Map.of("min_quality", 61)), "min_quality",
                Map.of("parameters", Map.of("custom_config_base", "/tmp")), "custom_config_base",
                Map.of("data_params", Map.of("custom_config_base", 1)), "custom_config_base");
        bad.forEach((fields, parameter) -> {
            Map<String, Object> body = new HashMap<>(fields);
            body.put("samples", List.of(sample));
            Api.Res r = run(alice, VERSION, body);
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.json().at("/error/details/parameter").asText()).isEqualTo(parameter);
        });
        Api.Res blank = run(alice, VERSION, Map.of("samples", List.of(sample), "name", "  "));
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.json().at("/error/details/field").asText()).isEqualTo("name");
    }

    @Test
    void inputsTheCallerMayNotReadAre404sLikeInputsThatDoNotExist() {
        Account alice = Users.signUp(server, "runner");
        Account stranger = Users.signUp(server, "stranger");
        long hers = sampleWithReads(alice);
        long fileset = RunFixtures.read(alice, hers, 1, null, "x_R1.fastq", RunFixtures.fastq("x")).path("fileset").path("id").asLong();
        long data = Fixtures.upload(alice, "genome.fa", ">chr1\nACGT\n".getBytes(), Map.of());
        long mine = sampleWithReads(stranger);

        Api.Res sample = run(stranger, VERSION, Map.of("samples", List.of(mine, hers)));
        Api.Res none = run(stranger, VERSION, Map.of("samples", List.of(mine, 999_999_999L)));
        assertThat(sample.status()).isEqualTo(404);
        assertThat(none.status()).isEqualTo(404);
        assertThat(sample.json().at("/error/message").asText()).isEqualTo("sample " + hers + " not found");
        assertThat(none.json().at("/error/message").asText()).isEqualTo("sample 999999999 not found");
        assertThat(sample.json().at("/error/details").size()).isEqualTo(none.json().at("/error/details").size());

        Api.Res fs = run(stranger, VERSION, Map.of("samples", List.of(mine), "filesets", List.of(fileset)));
        assertThat(fs.status()).isEqualTo(404);
        assertThat(fs.json().at("/error/message").asText()).isEqualTo("fileset " + fileset + " not found");
        Api.Res dp = run(stranger, VERSION, Map.of("samples", List.of(mine), "data_params", Map.of("fasta", data)));
        assertThat(dp.status()).isEqualTo(404);
        assertThat(dp.json().at("/error/message").asText()).isEqualTo("data " + data + " not found");
        assertThat(server.queryLong("SELECT count(*) FROM executions WHERE owner_id = " + stranger.id())).isZero();
    }

    @Test
    void aReaderOfSharedInputsMayRunOnThemButAttachesTheRunOnlyToAProjectTheyMayChange() {
        Account alice = Users.signUp(server, "runner");
        Account reader = Users.signUp(server, "reader");
        long project = Fixtures.project(alice, "shared", false);
        long sample = Fixtures.sample(alice, project, "S1");
        Fixtures.data(alice, sample);
        Fixtures.shareWithUser(alice, "projects", project, reader, 1);

        assertThat(run(reader, VERSION, Map.of("samples", List.of(sample))).status()).isEqualTo(201);
        Api.Res readOnly = run(reader, VERSION, Map.of("samples", List.of(sample), "project", project));
        assertThat(readOnly.status()).isEqualTo(403);
        long hidden = Fixtures.project(alice, "hidden", false);
        assertThat(run(reader, VERSION, Map.of("samples", List.of(sample), "project", hidden)).status()).isEqualTo(404);

        Fixtures.shareWithUser(alice, "projects", project, reader, 2);
        Api.Res attached = run(reader, VERSION, Map.of("samples", List.of(sample), "project", project));
        assertThat(attached.status()).isEqualTo(201);
        assertThat(server.queryLong("SELECT project_id FROM executions WHERE id = " + attached.json().path("id").asLong())).isEqualTo(project);
        assertThat(server.queryLong("SELECT owner_id FROM executions WHERE id = " + attached.json().path("id").asLong())).isEqualTo(reader.id());
    }

    @Test
    void aRunNeedsSamplesWithReadsThatPairUp() {
        Account alice = Users.signUp(server, "runner");
        assertThat(run(alice, VERSION, Map.of()).json().at("/error/details/field").asText()).isEqualTo("samples");

        long bare = Fixtures.sample(alice, Fixtures.project(alice, "p", false), "Bare");
        Fixtures.upload(alice, "notes.txt", "not reads\n".getBytes(), Map.of("sample_id", bare));
        Api.Res noReads = run(alice, VERSION, Map.of("samples", List.of(bare)));
        assertThat(noReads.status()).isEqualTo(400);
        assertThat(noReads.json().at("/error/message").asText()).contains("Bare").contains("has no reads");

        long uneven = Fixtures.sample(alice, Fixtures.project(alice, "p", false), "Uneven");
        Fixtures.upload(alice, "u_R2.fastq", RunFixtures.fastq("a"), Map.of("sample_id", uneven));
        Fixtures.upload(alice, "v_R2.fastq", RunFixtures.fastq("b"), Map.of("sample_id", uneven));
        Fixtures.upload(alice, "u_R1.fastq", RunFixtures.fastq("c"), Map.of("sample_id", uneven));
        Api.Res unpaired = run(alice, VERSION, Map.of("samples", List.of(uneven)));
        assertThat(unpaired.status()).isEqualTo(400);
        assertThat(unpaired.json().at("/error/message").asText()).contains("Uneven").contains("1 read-1 file(s) but 2 read-2 file(s)");
    }

    @Test
    void aReadsGlobRunTakesReadsOfOneKindOnly() {
        Account alice = Users.signUp(server, "runner");
        long glob = RunFixtures.version(server, "reads_glob", "[]");
        long plain = sampleWithReads(alice);
        long gz = Fixtures.sample(alice, Fixtures.project(alice, "p", false), "Gz");
        Fixtures.upload(alice, "g.fastq.gz", RunFixtures.gzip(RunFixtures.fastq("g")), Map.of("sample_id", gz));
        Api.Res mixed = run(alice, glob, Map.of("samples", List.of(plain, gz)));
        assertThat(mixed.status()).isEqualTo(400);
        assertThat(mixed.json().at("/error/message").asText()).contains("fastq and fastq.gz");
        assertThat(run(alice, glob, Map.of("samples", List.of(gz))).status()).isEqualTo(201);
        assertThat(run(alice, VERSION, Map.of("samples", List.of(plain, gz))).status()).isEqualTo(201);
    }

    /**
     * A run submitted on an output while the delete of its execution holds the outputs (as Executions.deleting
     * does, FOR UPDATE): the run waits for the delete and then answers 404 naming the file, never a 500 from a
     * foreign key, and records nothing.
     */
    @Test
    void aRunOnAnOutputBeingDeletedWaitsAndAnswers404() throws Exception {
        Account alice = Users.signUp(server, "racer");
        long sample = sampleWithReads(alice);
        long made = ExecutionRows.completed(server, alice, null);
        long output = ExecutionRows.output(server, alice, made, "ref.fa", ">x\nACGT\n", "P", null);
        long before = server.queryLong("SELECT count(*) FROM executions WHERE owner_id = " + alice.id());
        try (Handle h = server.jdbi().open()) {
            h.begin();
            h.createQuery("SELECT id FROM data WHERE execution_id = :e FOR UPDATE").bind("e", made).mapTo(Long.class).list();
            CompletableFuture<Api.Res> submitted = CompletableFuture.supplyAsync(() ->
                    run(alice, VERSION, Map.of("samples", List.of(sample), "data_params", Map.of("fasta", output))));
            // The submission is waiting on the lock (bounded: a submission that does not wait fails the test below).
            for (int i = 0; i < 200 && server.queryLong("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") == 0; i++) {
                Thread.sleep(25);
            }
            h.execute("DELETE FROM executions WHERE id = ?", made);
            h.commit();
            Api.Res r = submitted.get(30, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.toString()).isEqualTo(404);
            assertThat(r.json().at("/error/message").asText()).contains("data " + output);
        }
        assertThat(server.queryLong("SELECT count(*) FROM executions WHERE owner_id = " + alice.id())).isEqualTo(before - 1);
    }
}
