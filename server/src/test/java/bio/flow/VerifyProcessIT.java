package bio.flow;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.storage.StorageKey;
import bio.flow.http.Json;
import bio.flow.testing.FlowProcess;
import bio.flow.testing.Multipart;
import bio.flow.testing.TempDirs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code ./flow verify} as an operator runs it: a separate process, its report and exit status. Runs after packaging. */
class VerifyProcessIT {
    private static final Path FLOW = Path.of("..").toAbsolutePath().normalize().resolve("flow");

    private record Outcome(int status, String output) {}

    private static Outcome flowVerify(Path dataDir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(FLOW.toString(), "verify").redirectErrorStream(true);
        pb.environment().put("FLOW_DATA_DIR", dataDir.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("ended: " + output).isTrue();
        return new Outcome(p.exitValue(), output);
    }

    @Test
    void exitsZeroWhenAllIsWellOneOnACorruptFileAndThreeWhileAServerRuns() throws Exception {
        Path dir = Files.createTempDirectory("flow-verify-it-");
        try {
            long id;
            FlowProcess server = FlowProcess.launch(dir, Map.of(), "077");
            try {
                server.awaitPong();
                id = upload(server);
                Outcome refused = flowVerify(dir);
                assertThat(refused.status()).as(refused.output()).isEqualTo(3);
                assertThat(refused.output()).contains("a Flow server is running on data directory");
            } finally {
                server.stop();
            }
            Outcome clean = flowVerify(dir);
            assertThat(clean.status()).as(clean.output()).isZero();
            assertThat(clean.output()).contains("1 of 1 files checked").contains("0 missing, 0 corrupt, 0 orphaned");

            StorageKey key = StorageKey.of("data", id);
            Files.write(dir.resolve("files/data").resolve(key.shard()).resolve(key.id()), new byte[] {1, 2, 3});
            Outcome corrupt = flowVerify(dir);
            assertThat(corrupt.status()).as(corrupt.output()).isEqualTo(1);
            assertThat(corrupt.output()).contains("corrupt   data " + id + ": the stored file has 3 bytes");
        } finally {
            TempDirs.delete(dir);
        }
    }

    /** Signs up and uploads one small file; its data id. */
    private static long upload(FlowProcess server) throws Exception {
        HttpResponse<String> signup = server.post("/signup", "{\"username\":\"alice\",\"email\":\"a@example.org\",\"password\":\"long-password-1\"}");
        assertThat(signup.statusCode()).as(signup.body()).isEqualTo(201);
        String token = Json.MAPPER.readTree(signup.body()).path("access_token").asText();
        Multipart m = new Multipart().field("file_id", "f1").field("filename", "r.fastq").field("chunk", 0).field("total_chunks", 1)
                .file("file", "@r1\nACGT\n+\nIIII\n".getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(server.url() + "/upload")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(m.bytes()));
        m.headers().forEach(rb::header);
        HttpResponse<String> r = HttpClient.newHttpClient().send(rb.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body()).at("/data/id").asLong();
    }
}
