package bio.flow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** Running pipelines through the API, for tests: finding a version, uploading reads, waiting, reading outputs. */
public final class PipelineRuns {
    private PipelineRuns() {}

    /** Uploads one read file of a sample (POST /upload/sample), in the lane given (null: none). */
    public static void uploadRead(Users.Account owner, long sample, int read, Integer lane, String filename, byte[] bytes) {
        Multipart m = new Multipart().field("sample_id", sample).field("read_number", read).field("filename", filename);
        if (lane != null) m.field("lane", lane);
        Api.Res r = m.file("file", bytes).post(owner.api(), "/upload/sample");
        assertThat(r.status()).as("upload of %s: %s", filename, r).isEqualTo(200);
    }

    /** The latest version of a pipeline in GET /pipelines, by category and pipeline name. */
    public static long latestVersion(Api api, String category, String pipeline) {
        Api.Res r = api.get("/pipelines");
        assertThat(r.status()).as("GET /pipelines: %s", r).isEqualTo(200);
        for (JsonNode c : r.json().path("categories")) {
            if (!c.path("name").asText().equals(category)) continue;
            for (JsonNode p : c.path("pipelines")) {
                if (!p.path("name").asText().equals(pipeline)) continue;
                for (JsonNode v : p.path("versions")) if (v.path("is_latest").asBoolean()) return v.path("id").asLong();
            }
        }
        throw new AssertionError("no latest version of " + pipeline + " in " + category + ": " + r.text());
    }

    /** GET /executions/{id} until it is completed, failed or canceled (at most 10 minutes); its last answer. */
    public static JsonNode waitUntilFinished(Api api, long execution) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10 * 60_000;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            Api.Res r = api.get("/executions/" + execution);
            assertThat(r.status()).as("GET /executions/%d: %s", execution, r).isEqualTo(200);
            last = r.json();
            if (Set.of("completed", "failed", "canceled").contains(last.path("status").asText())) return last;
            Thread.sleep(300);
        }
        throw new AssertionError("execution " + execution + " not finished in 10 minutes: " + last);
    }

    /** The output of an execution whose filename is {@code name} (or ends with it after a folder Flow kept in front). */
    public static JsonNode output(JsonNode execution, String name) {
        for (JsonNode o : execution.path("outputs")) {
            String f = o.path("filename").asText();
            if (f.equals(name) || f.endsWith("/" + name) || f.endsWith("_" + name)) return o;
        }
        throw new AssertionError("no output " + name + " in " + execution.path("outputs"));
    }

    /** An output's bytes as text (GET /data/{id}/contents?download=true). */
    public static String text(Api api, JsonNode output) {
        Api.Res r = api.get("/data/" + output.path("id").asLong() + "/contents?download=true");
        assertThat(r.status()).as("download of %s: %s", output, r).isEqualTo(200);
        return r.text();
    }
}
