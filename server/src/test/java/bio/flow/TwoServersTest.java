package bio.flow;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Multipart;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two API servers on one database and one storage directory, each with its own data directory, as behind a load
 * balancer: whichever server a request reaches, uploads go on where the other left them, files and bulk archives are
 * served, and rate limits count the requests both received.
 */
class TwoServersTest {
    private static TestServer one;
    private static TestServer two;

    @BeforeAll
    static void start() {
        one = TestServer.start(Map.of("FLOW_WORKERS", "0"));
        Map<String, String> shared = new HashMap<>(one.sharedSettings());
        shared.put("FLOW_WORKERS", "0");
        two = TestServer.start(shared);
    }

    @AfterAll
    static void stop() {
        two.close();
        one.close();
    }

    @Test
    void theChunksOfOneUploadAlternateBetweenTheServersAndEitherServesTheFile() throws Exception {
        Users.Account owner = Users.signUp(one, "alternating");
        List<Api> servers = List.of(owner.api(), two.client().as(owner.token()));
        byte[] file = fastq(200);
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < file.length; i += 1000) chunks.add(Arrays.copyOfRange(file, i, Math.min(file.length, i + 1000)));
        String id = UUID.randomUUID().toString();
        // The last chunk first, then the others from 1 on, then chunk 0: each to the other server than the one before.
        List<Integer> order = new ArrayList<>();
        order.add(chunks.size() - 1);
        for (int c = 1; c < chunks.size() - 1; c++) order.add(c);
        order.add(0);
        JsonNode last = null;
        for (int i = 0; i < order.size(); i++) {
            int c = order.get(i);
            Api.Res r = new Multipart().field("file_id", id).field("filename", "reads.fastq").field("chunk", c)
                    .field("total_chunks", chunks.size()).file("file", chunks.get(c)).post(servers.get(i % 2), "/upload");
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            if (i == order.size() / 2) {
                // halfway, each server tells the same progress
                JsonNode a = servers.get(0).get("/upload/" + id).json();
                JsonNode b = servers.get(1).get("/upload/" + id).json();
                assertThat(a.path("status").asText()).isEqualTo("receiving");
                assertThat(b).isEqualTo(a);
            }
            last = r.json();
        }
        long data = last.path("data").path("id").asLong();
        assertThat(data).isPositive();
        for (Api server : servers) {
            assertThat(server.get("/upload/" + id).json().path("status").asText()).isEqualTo("complete");
            Api.Res whole = server.get("/downloads/" + data + "/reads.fastq");
            assertThat(whole.status()).isEqualTo(200);
            assertThat(whole.body()).isEqualTo(file);
            Api.Res part = server.send("GET", "/downloads/" + data + "/reads.fastq", null, Map.of("Range", "bytes=1000-1999"));
            assertThat(part.status()).isEqualTo(206);
            assertThat(part.body()).isEqualTo(Arrays.copyOfRange(file, 1000, 2000));
        }

        // A bulk archive asked of one server is written by it into the shared storage, and served by the other.
        Api.Res started = servers.get(0).post("/downloads", Map.of("data", List.of(data)));
        assertThat(started.status()).isEqualTo(202);
        long job = started.json().path("id").asLong();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!servers.get(1).get("/downloads/status?id=" + job).json().path("status").asText().equals("completed")) {
            assertThat(System.nanoTime()).as("archive done within 30 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        Api.Res zip = servers.get(1).get("/downloads/" + job);
        assertThat(zip.status()).isEqualTo(200);
        assertThat(zip.header("Content-Type")).startsWith("application/zip");
    }

    @Test
    void failedLoginsAreCountedAcrossBothServers() {
        Users.Account a = Users.signUp(one, "throttled");
        // The limit is 5 failures of an account: 3 on one server and 2 on the other reach it.
        List<Api> clients = List.of(one.client(), two.client());
        for (int i = 0; i < 5; i++) {
            assertThat(clients.get(i % 2).post("/login", Map.of("username", a.username(), "password", "wrong-password")).status())
                    .isEqualTo(401);
        }
        for (Api client : clients) {
            assertThat(client.post("/login", Map.of("username", a.username(), "password", Users.PASSWORD)).status())
                    .as("the account is backed off on both servers, even for its password").isEqualTo(429);
        }
    }

    private static byte[] fastq(int records) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < records; i++) b.append("@read").append(i).append("\nACGTACGTAC\n+\nIIIIIIIIII\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
