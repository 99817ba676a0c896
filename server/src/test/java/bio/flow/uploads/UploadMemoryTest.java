package bio.flow.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Multipart;
import bio.flow.testing.Parallel;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import bio.flow.testing.Users.Account;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * FLOW_UPLOAD_MEMORY_MB: requests that fit in the memory left are parsed in memory, the others spooled; either way
 * the file arrives whole. With no memory every request is spooled; with room for two chunks, eight uploads at once
 * take both ways, and the memory taken is given back (later uploads still complete).
 */
class UploadMemoryTest {
    private static final int CHUNK = 400 * 1024;

    @Test
    void noMemorySpoolsEveryRequest() throws Exception {
        try (TestServer server = TestServer.start(Map.of("FLOW_UPLOAD_MEMORY_MB", "0"))) {
            Account owner = Users.signUp(server, "spool");
            upload(owner, 3);
        }
    }

    @Test
    void requestsBeyondTheMemoryLeftAreSpooledAndTheMemoryComesBack() throws Exception {
        try (TestServer server = TestServer.start(Map.of("FLOW_UPLOAD_MEMORY_MB", "1"))) {
            Account owner = Users.signUp(server, "mem");
            List<Callable<Void>> uploads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                uploads.add(() -> {
                    upload(owner, 3);
                    return null;
                });
            }
            Parallel.run(uploads);
            upload(owner, 2);
        }
    }

    /** Uploads a random file of {@code chunks} chunks, one after the other, and checks the record's md5 and size. */
    private static void upload(Account owner, int chunks) throws Exception {
        byte[] bytes = new byte[chunks * CHUNK - 1000];
        new Random().nextBytes(bytes);
        String fileId = UUID.randomUUID().toString();
        Api.Res last = null;
        for (int i = 0; i < chunks; i++) {
            int from = i * CHUNK;
            byte[] chunk = java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + CHUNK));
            last = new Multipart().field("file_id", fileId).field("filename", "m.bin").field("chunk", i).field("total_chunks", chunks)
                    .file("file", chunk).post(owner.api(), "/upload");
            assertThat(last.status()).as(last.text()).isEqualTo(200);
        }
        assertThat(last.json().at("/data/md5").asText()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes)));
        assertThat(last.json().at("/data/size").asLong()).isEqualTo(bytes.length);
    }
}
