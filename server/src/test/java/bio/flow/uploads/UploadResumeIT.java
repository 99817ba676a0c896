package bio.flow.uploads;

import static bio.flow.testing.Answers.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.FlowProcess;
import bio.flow.testing.Multipart;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload survives a kill -9 of the server: {@code ./flow serve} as a separate process is killed mid-upload and
 * started again on the same data directory, and uploads of both protocols go on from what PostgreSQL recorded and
 * end with the right bytes. Runs after the jar is packaged (failsafe).
 */
class UploadResumeIT {
    private static final int CHUNK = 64 * 1024;

    @Test
    void uploadsOfBothProtocolsGoOnAfterTheServerIsKilled(@TempDir Path dir) throws Exception {
        byte[] chunked = fastq(11_000); // about 5.5 chunks
        byte[] offsets = fastq(13_000);
        List<byte[]> c = UploadForms.split(chunked, CHUNK);
        List<byte[]> o = UploadForms.split(offsets, CHUNK);
        assertThat(c.size()).isGreaterThan(4);
        assertThat(o.size()).isGreaterThan(4);
        String fileId = "resume-it";

        FlowProcess s = FlowProcess.launch(dir, Map.of(), "022");
        String token;
        String dataId;
        try {
            s.awaitPong();
            Api api = s.client();
            Api.Res signup = api.post("/signup", Map.of("username", "resumer", "email", "r@example.org", "password", "long-password-1",
                    "first_name", "Re", "last_name", "Sumer"));
            assertThat(signup.status()).as(signup.toString()).isEqualTo(201);
            token = signup.json().path("access_token").asText();
            api.as(token);
            // Chunk protocol: chunks 3, 0 and 1 of the file.
            for (int n : List.of(3, 0, 1)) assertThat(chunk(api, fileId, n, c).status()).isEqualTo(200);
            // Offset protocol: the first two chunks (the client's third was under way when the server died).
            dataId = ok(UploadForms.piece(api, null, "offsets.fq", 0, false, o.get(0), Map.of())).path("id").asText();
            ok(UploadForms.piece(api, dataId, "offsets.fq", CHUNK, false, o.get(1), Map.of()));
        } finally {
            s.process().destroyForcibly(); // SIGKILL
            s.process().waitFor(30, TimeUnit.SECONDS);
        }
        // What a kill during a write leaves: bytes in the parts past what the database recorded (written, row not
        // committed), longer than what the clients send again.
        List<Path> parts;
        try (Stream<Path> files = Files.find(dir.resolve("files/uploads"), 5, (p, a) -> a.isRegularFile() && p.endsWith("part"))) {
            parts = files.toList();
        }
        assertThat(parts).hasSize(2);
        byte[] garbage = new byte[8 * CHUNK];
        new Random(7).nextBytes(garbage);
        for (Path part : parts) Files.write(part, garbage, StandardOpenOption.APPEND);

        FlowProcess again = FlowProcess.launch(dir, Map.of(), "022");
        try {
            again.awaitPong();
            Api api = again.client().as(token);

            // Chunk protocol: the client asks what is in and sends the rest.
            JsonNode progress = ok(api.get("/upload/" + fileId));
            assertThat(progress.path("received").toString()).isEqualTo("[0,1,3]");
            JsonNode last = null;
            for (int n = 0; n < c.size(); n++) {
                if (List.of(0, 1, 3).contains(n)) continue;
                last = ok(chunk(api, fileId, n, c));
            }
            checkRecord(api, last.path("data"), chunked);

            // Offset protocol: a chunk past the bytes held says where to go on; the client sends again from there.
            Api.Res ahead = UploadForms.piece(api, dataId, "offsets.fq", 3L * CHUNK, false, o.get(3), Map.of());
            assertInvalid(ahead, "expected_file_size");
            assertThat(ahead.json().at("/error/message").asText()).contains("expected_file_size=" + 2 * CHUNK);
            JsonNode answer = null;
            for (int n = 2; n < o.size(); n++) {
                answer = ok(UploadForms.piece(api, dataId, "offsets.fq", (long) n * CHUNK, n == o.size() - 1, o.get(n), Map.of()));
                assertThat(answer.path("id").asText()).isEqualTo(dataId);
            }
            assertThat(answer.path("data").path("id").asText()).isEqualTo(dataId);
            checkRecord(api, answer.path("data"), offsets);
        } finally {
            again.stop();
        }
    }

    /** The record's size and md5 are the original's, and so are the bytes it serves. */
    private static void checkRecord(Api api, JsonNode data, byte[] original) {
        assertThat(data.path("size").asLong()).isEqualTo(original.length);
        assertThat(data.path("md5").asText()).isEqualTo(UploadForms.md5(original));
        Api.Res download = api.get("/data/" + data.path("id").asLong() + "/contents?download=true");
        assertThat(download.status()).isEqualTo(200);
        assertThat(Arrays.equals(download.body(), original)).as("downloaded bytes equal the original").isTrue();
    }

    private static Api.Res chunk(Api api, String fileId, int n, List<byte[]> chunks) {
        return new Multipart().field("file_id", fileId).field("filename", "chunked.fq").field("chunk", n).field("total_chunks", chunks.size())
                .file("file", chunks.get(n)).post(api, "/upload");
    }

    private static JsonNode ok(Api.Res r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** FASTQ records whose bases differ from one record to the next, so that a misplaced range changes the md5. */
    private static byte[] fastq(int records) {
        StringBuilder b = new StringBuilder();
        Random random = new Random(records);
        for (int i = 0; i < records; i++) {
            b.append("@read").append(i).append('\n');
            for (int j = 0; j < 20; j++) b.append("ACGT".charAt(random.nextInt(4)));
            b.append("\n+\n").append("I".repeat(20)).append('\n');
        }
        return b.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
