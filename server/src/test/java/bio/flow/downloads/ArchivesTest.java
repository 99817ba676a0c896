package bio.flow.downloads;

import static bio.flow.downloads.DownloadsTest.gzip;
import static bio.flow.downloads.DownloadsTest.md5;
import static bio.flow.downloads.DownloadsTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.storage.LocalStorage;
import bio.flow.storage.StorageKey;
import bio.flow.testing.Api;
import bio.flow.testing.Fixtures;
import bio.flow.testing.TempDirs;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** POST /downloads, GET /downloads/status and GET /downloads/{job_id}. */
class ArchivesTest {
    private static final TestServer server = TestServer.shared();

    @Test
    void anArchiveHoldsEveryFileListedLaidOutByProjectAndSampleAsItsManifestSays() throws Exception {
        Account alice = Users.signUp(server, "alice");
        Account bob = Users.signUp(server, "bob");
        long project = Fixtures.project(alice, "Liver/study", false);
        long s1 = Fixtures.sample(alice, project, "S1");
        long s2 = Fixtures.sample(alice, project, "s1");
        long a = Fixtures.upload(alice, "reads.fastq", "@a\nACGT\n+\nIIII\n".getBytes(StandardCharsets.UTF_8), Map.of("sample_id", s1));
        long b = Fixtures.upload(alice, "reads.fastq", "@b\nACGT\n+\nIIII\n".getBytes(StandardCharsets.UTF_8), Map.of("sample_id", s1));
        long c = Fixtures.upload(alice, "other.txt.gz", gzip(text(1000)), Map.of("sample_id", s2));
        long attached = Fixtures.upload(alice, "design.tsv", "a\tb\n1\t2\n".getBytes(StandardCharsets.UTF_8), Map.of("project_id", project));
        long loose = Fixtures.upload(alice, "notes.txt", text(10), Map.of());
        long manifestNamed = Fixtures.upload(alice, "MANIFEST.tsv", "x\ty\n".getBytes(StandardCharsets.UTF_8), Map.of());
        // bob's file from his private sample, shared alone with alice: his sample and project are not named
        long bobsProject = Fixtures.project(bob, "secret", false);
        long bobs = Fixtures.data(bob, Fixtures.sample(bob, bobsProject, "hidden"));
        Fixtures.shareWithUser(bob, "data", bobs, alice, 1);
        // not ready yet: left out of its project's archive
        long importing = Fixtures.data(alice, s1);
        server.sql("UPDATE data SET status = 'importing' WHERE id = " + importing);

        Api.Res started = alice.api().post("/downloads", Map.of("projects", List.of(project), "data", List.of(loose, bobs, manifestNamed, a)));
        assertThat(started.status()).isEqualTo(202);
        long job = started.json().path("id").asLong();
        assertThat(started.json().path("files").asInt()).isEqualTo(7);
        JsonNode done = awaitEnd(alice, job);
        assertThat(done.path("status").asText()).isEqualTo("completed");
        assertThat(done.path("progress").asInt()).isEqualTo(100);
        assertThat(done.path("download_url").asText()).isEqualTo("/downloads/" + job);
        assertThat(done.path("expires_at").isNull()).isFalse();

        Api.Res zip = alice.api().get("/downloads/" + job);
        assertThat(zip.status()).isEqualTo(200);
        assertThat(zip.header("Content-Type")).startsWith("application/zip");
        assertThat(zip.header("ETag")).isEqualTo('"' + md5(zip.body()) + '"');
        assertThat(zip.header("Content-Length")).isEqualTo(Long.toString(done.path("size").asLong()));
        Map<String, byte[]> entries = unzip(zip.body());

        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("Liver_study/S1/reads.fastq", a);
        expected.put("Liver_study/S1/reads_" + b + ".fastq", b);
        expected.put("Liver_study/s1_" + s2 + "/other.txt.gz", c);
        expected.put("Liver_study/design.tsv", attached);
        expected.put("notes.txt", loose);
        expected.put("MANIFEST_" + manifestNamed + ".tsv", manifestNamed);
        expected.put("reads.fastq", bobs);
        assertThat(entries.keySet()).containsExactlyInAnyOrderElementsOf(concat(expected.keySet(), "MANIFEST.tsv"));

        List<String> manifest = Arrays.asList(new String(entries.get("MANIFEST.tsv"), StandardCharsets.UTF_8).split("\n"));
        assertThat(manifest.get(0)).isEqualTo("path\tsize\tmd5");
        assertThat(manifest).hasSize(expected.size() + 1);
        for (String line : manifest.subList(1, manifest.size())) {
            String[] f = line.split("\t");
            byte[] bytes = entries.get(f[0]);
            assertThat(bytes).as(f[0]).isNotNull();
            assertThat(Long.parseLong(f[1])).as(f[0]).isEqualTo(bytes.length);
            assertThat(f[2]).as(f[0]).isEqualTo(md5(bytes));
            JsonNode record = alice.api().get("/data/" + expected.get(f[0])).json();
            assertThat(f[2]).as(f[0]).isEqualTo(record.path("md5").asText());
            assertThat((long) bytes.length).as(f[0]).isEqualTo(record.path("size").asLong());
        }

        // the same serving as single files: ranges and validators
        Api.Res part = alice.api().send("GET", "/downloads/" + job, null, Map.of("Range", "bytes=-22"));
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(zip.body(), zip.body().length - 22, zip.body().length));
        assertThat(alice.api().send("GET", "/downloads/" + job, null, Map.of("If-None-Match", zip.header("ETag"))).status()).isEqualTo(304);
    }

    @Test
    void statusListsTheCallersJobsAndRoutesDoNotClash() {
        Account alice = Users.signUp(server, "alice");
        Account bob = Users.signUp(server, "bob");
        long data = Fixtures.data(alice, null);
        long first = alice.api().post("/downloads", Map.of("data", List.of(data))).json().path("id").asLong();
        long second = alice.api().post("/downloads", Map.of("data", List.of(data))).json().path("id").asLong();
        awaitEnd(alice, first);
        awaitEnd(alice, second);

        JsonNode list = alice.api().get("/downloads/status").json();
        assertThat(Fixtures.ids(list.path("jobs"))).containsExactly(second, first);
        assertThat(alice.api().get("/downloads/status?id=" + first).json().path("id").asLong()).isEqualTo(first);
        // /downloads/{job_id} and /downloads/{data_id}/{filename} side by side, even for the same number
        assertThat(alice.api().get("/downloads/" + first).header("Content-Type")).startsWith("application/zip");
        assertThat(alice.api().get("/downloads/" + data + "/reads.fastq").header("Content-Type")).startsWith("application/octet-stream");
        assertThat(alice.api().get("/downloads/status/").status()).isEqualTo(200);

        // another user's job is as unknown as one that does not exist
        assertThat(bob.api().get("/downloads/status").json().path("jobs").size()).isZero();
        assertThat(bob.api().get("/downloads/status?id=" + first).status()).isEqualTo(404);
        assertThat(bob.api().get("/downloads/" + first).status()).isEqualTo(404);
        assertThat(alice.api().get("/downloads/999999999").status()).isEqualTo(404);
        assertThat(alice.api().get("/downloads/status?id=abc").status()).isEqualTo(400);
        assertThat(server.client().get("/downloads/status").status()).isEqualTo(401);
        assertThat(server.client().get("/downloads/" + first).status()).isEqualTo(401);
        assertThat(server.client().post("/downloads", Map.of("data", List.of(data))).status()).isEqualTo(401);
    }

    @Test
    void anythingUnreadableIsA404NamingItAndNothingStarts() {
        Account alice = Users.signUp(server, "alice");
        Account bob = Users.signUp(server, "bob");
        long mine = Fixtures.data(alice, null);
        long bobs = Fixtures.data(bob, null);
        long bobsSample = Fixtures.sample(bob, Fixtures.project(bob, "p", false), "s");

        Api.Res r = alice.api().post("/downloads", Map.of("data", List.of(mine, bobs), "samples", List.of(bobsSample), "projects", List.of(999999999)));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("error").path("message").asText())
                .isEqualTo("data " + bobs + ", sample " + bobsSample + ", project 999999999 not found");
        assertThat(alice.api().get("/downloads/status").json().path("jobs").size()).isZero();

        long importing = Fixtures.data(alice, null);
        server.sql("UPDATE data SET status = 'importing' WHERE id = " + importing);
        assertThat(alice.api().post("/downloads", Map.of("data", List.of(mine, importing))).status()).isEqualTo(409);

        assertThat(alice.api().post("/downloads", Map.of()).status()).isEqualTo(400);
        assertThat(alice.api().post("/downloads", Map.of("data", List.of(), "samples", List.of())).status()).isEqualTo(400);
        assertThat(alice.api().get("/downloads/status").json().path("jobs").size()).isZero();
    }

    @Test
    void moreThanTheLimitIsRefusedBeforeAnyWork() {
        try (TestServer small = TestServer.start(Map.of("FLOW_MAX_ARCHIVE_BYTES", "100"))) {
            Account alice = Users.signUp(small, "alice");
            long fits = Fixtures.upload(alice, "a.txt", new byte[60], Map.of());
            long more = Fixtures.upload(alice, "b.txt", new byte[60], Map.of());
            Api.Res refused = alice.api().post("/downloads", Map.of("data", List.of(fits, more)));
            assertThat(refused.status()).isEqualTo(413);
            assertThat(refused.errorCode()).isEqualTo("PAYLOAD_TOO_LARGE");
            assertThat(small.queryLong("SELECT count(*) FROM archive_jobs")).isZero();
            assertThat(alice.api().post("/downloads", Map.of("data", List.of(fits))).status()).isEqualTo(202);
        }
    }

    @Test
    void anExpiredArchiveIsRemovedWithItsBytes() throws Exception {
        Account alice = Users.signUp(server, "alice");
        long job = alice.api().post("/downloads", Map.of("data", List.of(Fixtures.data(alice, null)))).json().path("id").asLong();
        awaitEnd(alice, job);
        LocalStorage storage = new LocalStorage(server.dataDir().resolve("files"));
        assertThat(storage.exists(StorageKey.of("archives", job))).isTrue();

        server.housekeep();
        assertThat(storage.exists(StorageKey.of("archives", job))).isTrue();
        server.sql("UPDATE archive_jobs SET expires_at = now() - interval '1 second' WHERE id = " + job);
        server.housekeep();
        assertThat(storage.exists(StorageKey.of("archives", job))).isFalse();
        assertThat(alice.api().get("/downloads/status?id=" + job).status()).isEqualTo(404);
        assertThat(alice.api().get("/downloads/" + job).status()).isEqualTo(404);
    }

    @Test
    void dataDeletedBeforeTheJobReadsItFailsTheJobAndKeepsNothing() throws Exception {
        Account alice = Users.signUp(server, "alice");
        long data = Fixtures.data(alice, null);
        // the bytes vanish after the request was checked: the job must fail, not write a partial archive
        long job = alice.api().post("/downloads", Map.of("data", List.of(data, Fixtures.data(alice, null)))).json().path("id").asLong();
        awaitEnd(alice, job);
        server.sql("UPDATE archive_jobs SET status = 'queued', progress = 0, size = NULL, md5 = NULL, completed_at = NULL, expires_at = NULL, "
                + "heartbeat_at = now() - interval '1 hour' WHERE id = " + job);
        LocalStorage storage = new LocalStorage(server.dataDir().resolve("files"));
        storage.delete(StorageKey.of("archives", job));
        storage.delete(StorageKey.of("data", data));
        JsonNode failed = awaitEnd(alice, job);
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("error").asText()).contains("data " + data);
        assertThat(failed.path("download_url").isNull()).isTrue();
        assertThat(storage.exists(StorageKey.of("archives", job))).isFalse();
        assertThat(alice.api().get("/downloads/" + job).status()).isEqualTo(409);
    }

    /** A job that a stopped server left running is written again, whole, by the next server. */
    @Test
    void aJobInterruptedByARestartIsWrittenAgain() throws Exception {
        Path dir = Files.createTempDirectory("flow-archive-restart-");
        try {
            long job;
            Account alice;
            byte[] bytes = text(1000);
            try (TestServer first = TestServer.start(dir, Map.of())) {
                alice = Users.signUp(first, "alice");
                long data = Fixtures.upload(alice, "r.txt", bytes, Map.of());
                job = alice.api().post("/downloads", Map.of("data", List.of(data))).json().path("id").asLong();
                awaitEnd(first, alice, job);
                // as if the server had died halfway: running, no archive, its heartbeat stopped
                first.sql("UPDATE archive_jobs SET status = 'running', progress = 40, size = NULL, md5 = NULL, completed_at = NULL, "
                        + "expires_at = NULL, heartbeat_at = now() - interval '2 minutes' WHERE id = " + job);
                new LocalStorage(dir.resolve("files")).delete(StorageKey.of("archives", job));
            }
            try (TestServer second = TestServer.start(dir, Map.of())) {
                // the same secret signs the tokens of both servers
                Account again = new Account(alice.id(), alice.username(), alice.email(), second.client().as(alice.token()));
                JsonNode done = awaitEnd(second, again, job);
                assertThat(done.path("status").asText()).isEqualTo("completed");
                Map<String, byte[]> entries = unzip(again.api().get("/downloads/" + job).body());
                assertThat(entries.get("r.txt")).isEqualTo(bytes);
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    private static JsonNode awaitEnd(Account who, long job) {
        return awaitEnd(server, who, job);
    }

    /** Polls the job until it has ended (completed or failed). */
    static JsonNode awaitEnd(TestServer on, Account who, long job) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            JsonNode j = who.api().get("/downloads/status?id=" + job).json();
            String status = j.path("status").asText();
            if (status.equals("completed") || status.equals("failed")) return j;
            if (System.nanoTime() > deadline) throw new AssertionError("job " + job + " did not end: " + j);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    static Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) out.put(e.getName(), in.readAllBytes());
        }
        return out;
    }

    private static List<String> concat(java.util.Collection<String> a, String b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.add(b);
        return out;
    }
}
