package bio.flow.uploads;

import static bio.flow.testing.Answers.assertStatus;
import static bio.flow.uploads.UploadForms.md5;
import static bio.flow.uploads.UploadForms.split;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.storage.LocalStorage;
import bio.flow.storage.StorageKey;
import bio.flow.testing.Api;
import bio.flow.testing.Multipart;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Servers sharing one database and storage, each completing uploads under a claim (V38, {@link CompletionClaims}): a
 * server that starts, and the others' sweeps, leave alone a completion a live server is running, however long it takes;
 * a server that stalled past its claim and woke up makes no record of an upload another server took over.
 *
 * <p>A completion is held in the middle by the test itself: it locks the {@code data} table (SHARE ROW EXCLUSIVE: reads
 * go on, the completion's INSERT of the record waits), as a long assembly or md5 of a large file would hold it.
 */
class CompletionClaimsTest {
    private static final int LEASE_SECONDS = 6;
    private static TestServer one;
    private static Map<String, String> shared;

    @BeforeAll
    static void start() {
        one = TestServer.start(Map.of("FLOW_WORKERS", "0", "FLOW_WORKER_LEASE_SECONDS", Integer.toString(LEASE_SECONDS)));
        shared = new HashMap<>(one.sharedSettings());
        shared.put("FLOW_WORKERS", "0");
        shared.put("FLOW_WORKER_LEASE_SECONDS", Integer.toString(LEASE_SECONDS));
    }

    @AfterAll
    static void stop() {
        one.close();
    }

    @Test
    void aServerStartingBesideALiveCompletionLeavesItToItsServer() throws Exception {
        Users.Account owner = Users.signUp(one, "claimed");
        byte[] file = fastq(300);
        List<byte[]> chunks = split(file, 1000);
        String id = "claim-" + UUID.randomUUID();
        for (int c = 0; c < chunks.size() - 1; c++) assertThat(send(owner.api(), id, c, chunks).status()).isEqualTo(200);

        try (Handle lock = one.jdbi().open()) {
            lock.begin();
            lock.execute("LOCK TABLE data IN SHARE ROW EXCLUSIVE MODE");
            CompletableFuture<Api.Res> completion = CompletableFuture.supplyAsync(() -> send(owner.api(), id, chunks.size() - 1, chunks));
            awaitStatus(owner.api(), id, "completing");
            String claim = column(id, "completer");
            double claimedUntil = Double.parseDouble(column(id, "extract(epoch FROM completion_until)"));

            // Another server starts on the same database and storage (its start gives up lapsed claims), and both run
            // their sweeps for longer than a lease while the completion goes on.
            try (TestServer late = TestServer.start(shared)) {
                Thread.sleep((LEASE_SECONDS + 2) * 1000L);
                assertThat(column(id, "status")).isEqualTo("completing");
                assertThat(column(id, "completer")).as("still the first server's claim").isEqualTo(claim);
                assertThat(Double.parseDouble(column(id, "extract(epoch FROM completion_until)"))).as("renewed by its server")
                        .isGreaterThan(claimedUntil + LEASE_SECONDS);
                // The last chunk sent again to the other server is a repeat: it starts no second completion.
                Api.Res again = send(late.client().as(owner.api().token()), id, chunks.size() - 1, chunks);
                assertThat(again.status()).as(again.toString()).isEqualTo(200);
                assertThat(again.json().has("data")).isFalse();
                assertThat(late.client().as(owner.api().token()).get("/upload/" + id).json().path("status").asText()).isEqualTo("completing");
            }
            assertThat(completion).isNotDone();
            lock.rollback();
            Api.Res done = completion.get(60, TimeUnit.SECONDS);
            assertThat(done.status()).as(done.toString()).isEqualTo(200);
            assertThat(done.json().path("data").path("md5").asText()).isEqualTo(md5(file));
            assertThat(owner.api().get("/downloads/" + done.json().path("data").path("id").asLong() + "/reads.fastq").body()).isEqualTo(file);
        }
        assertThat(column(id, "status")).isEqualTo("complete");
        assertThat(column(id, "completer")).isNull();
    }

    @Test
    void aCompletionTakenOverWhileItsServerStalledIsLeftToTheServerThatTookIt() throws Exception {
        Users.Account owner = Users.signUp(one, "overtaken");
        byte[] file = fastq(250);
        List<byte[]> chunks = split(file, 1000);
        String id = "claim-" + UUID.randomUUID();
        for (int c = 0; c < chunks.size() - 1; c++) assertThat(send(owner.api(), id, c, chunks).status()).isEqualTo(200);
        String where = " WHERE file_id = '" + id + "'";

        try (Handle lock = one.jdbi().open()) {
            lock.begin();
            lock.execute("LOCK TABLE data IN SHARE ROW EXCLUSIVE MODE");
            CompletableFuture<Api.Res> completion = CompletableFuture.supplyAsync(() -> send(owner.api(), id, chunks.size() - 1, chunks));
            awaitStatus(owner.api(), id, "completing");
            // What another server does once this one's claim lapsed while it stalled: it gives the claim up and a chunk
            // sent again makes it the completer.
            one.sql("UPDATE uploads SET completer = 'elsewhere/1/1', completion_until = now() + interval '1 hour'" + where);
            lock.rollback();
            Api.Res stalled = completion.get(60, TimeUnit.SECONDS);
            assertStatus(stalled, 409, "CONFLICT");
        }
        // Nothing of the upload was made or discarded by the stalled server: it is the other one's.
        assertThat(column(id, "status")).isEqualTo("completing");
        assertThat(column(id, "completer")).isEqualTo("elsewhere/1/1");
        assertThat(one.queryLong("SELECT count(*) FROM data WHERE id = (SELECT record_id FROM uploads" + where + ")")).isZero();
        StorageKey part = StorageKey.of("uploads", UUID.fromString(column(id, "id"))).child("part");
        assertThat(new LocalStorage(one.dataDir().resolve("files")).size(part)).isEqualTo(file.length);

        // That server dies in turn: once its claim lapsed, a sweep sets the upload back to receiving, and the last
        // chunk sent again completes it.
        one.sql("UPDATE uploads SET completion_until = now() - interval '1 second'" + where);
        awaitStatus(owner.api(), id, "receiving");
        Api.Res done = send(owner.api(), id, chunks.size() - 1, chunks);
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(done.json().path("data").path("md5").asText()).isEqualTo(md5(file));
        assertThat(owner.api().get("/downloads/" + done.json().path("data").path("id").asLong() + "/reads.fastq").body()).isEqualTo(file);
    }

    private static Api.Res send(Api api, String id, int chunk, List<byte[]> chunks) {
        return new Multipart().field("file_id", id).field("filename", "reads.fastq").field("chunk", chunk)
                .field("total_chunks", chunks.size()).file("file", chunks.get(chunk)).post(api, "/upload");
    }

    /** Waits (at most the lease and a half) until GET /upload/{id} says {@code status}. */
    private static void awaitStatus(Api api, String id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + LEASE_SECONDS * 1_500_000_000L;
        while (!api.get("/upload/" + id).json().path("status").asText().equals(status)) {
            assertThat(System.nanoTime()).as("upload " + id + " " + status + " in time").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static String column(String fileId, String column) {
        return one.jdbi().withHandle(h -> h.createQuery("SELECT (" + column + ")::text FROM uploads WHERE file_id = :id")
                .bind("id", fileId).mapTo(String.class).one());
    }

    private static byte[] fastq(int records) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < records; i++) b.append("@read").append(i).append("\nACGTACGTAC\n+\nIIIIIIIIII\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
