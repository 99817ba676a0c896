package bio.flow.multiplexed;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.Multipart;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A sheet whose demultiplexing a server's death interrupted (it is {@code demultiplexing}, held by a process of its host
 * that is gone) is taken up again by the next server that starts on that host, and finished.
 */
class MultiplexedResumeTest {
    private static final String HOST = "mplex-resume-host";

    private static Api.Res piece(Api api, String path, String filename, byte[] bytes, String reads1) {
        Multipart m = new Multipart().field("filename", filename).field("expected_file_size", 0).field("is_last", true).field("data", "");
        if (reads1 != null) m.field("reads1", reads1);
        return m.file("blob", filename, bytes).post(api, path);
    }

    @Test
    void aSheetLeftByADeadProcessIsDemultiplexedAtTheNextStart() throws Exception {
        try (TestServer one = TestServer.start(Map.of("FLOW_WORKERS", "0"))) {
            Users.Account a = Users.signUp(one, "mresume");
            String sheet = "Sample name,Barcode,Reads 1 file,Reads 2 file\nz_a,ACGTACGT,z_R1.fq,z_R2.fq\n";
            Api.Res stored = piece(a.api(), "/upload/annotation", "z.csv", sheet.getBytes(StandardCharsets.UTF_8), null);
            assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
            long id = stored.json().path("id").asLong();
            StringBuilder reads = new StringBuilder();
            for (int i = 0; i < 12; i++) reads.append("@z").append(i).append(" 1:N:0:ACGTACGT\nACGTACGTAC\n+\nIIIIIIIIII\n");
            assertThat(piece(a.api(), "/upload/multiplexed", "z_R1.fq", reads.toString().getBytes(StandardCharsets.UTF_8), null).status())
                    .isEqualTo(200);
            // As a server of HOST that died while it demultiplexed the sheet would have left it, its claim good for an hour yet (its
            // read 2 aside: single-end now); the other server, of another host, may not take it before the claim lapses.
            one.sql("UPDATE multiplexed_inputs SET reads2_name = NULL WHERE sheet_id = " + id);
            one.sql("UPDATE multiplexed_sheets SET status = 'demultiplexing', holder = '" + HOST + "/2147483646/0', "
                    + "claimed_until = now() + interval '1 hour' WHERE id = " + id);

            Map<String, String> settings = new HashMap<>(one.sharedSettings());
            settings.put("FLOW_WORKERS", "0");
            settings.put("FLOW_WORKER_HOST", HOST);
            try (TestServer next = TestServer.start(settings)) {
                JsonNode s = null;
                for (int i = 0; i < 200; i++) {
                    s = a.api().get("/upload/multiplexed/" + id).json();
                    if (s.path("status").asText().equals("done")) break;
                    Thread.sleep(100);
                }
                assertThat(s.path("status").asText()).as(s.toString()).isEqualTo("done");
                assertThat(s.path("rows").get(0).path("reads").asLong()).isEqualTo(12);
                assertThat(one.queryLong("SELECT count(*) FROM samples WHERE owner_id = " + a.id())).isEqualTo(1);
                assertThat(one.queryLong("SELECT count(*) FROM multiplexed_sheets WHERE holder IS NOT NULL AND id = " + id)).isZero();
            }
        }
    }
}
