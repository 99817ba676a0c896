package bio.flow.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Pipeline folders, categories, pipelines and versions registered through the admin API, for tests. */
public final class Pipelines {
    private Pipelines() {}

    /** A tiny Nextflow pipeline (main.nf) in a new folder, with the schema of test resources/pipelines/schemas/<schema> (null: none). */
    public static Path folder(String schema) {
        try {
            Path dir = Files.createTempDirectory("flow-pipeline-");
            Files.writeString(dir.resolve("main.nf"), "params.input = null\nparams.outdir = 'results'\n"
                    + "workflow { Channel.of(1, 2, 3).view() }\n");
            if (schema != null) {
                try (InputStream in = Pipelines.class.getResourceAsStream("/pipelines/schemas/" + schema)) {
                    Files.write(dir.resolve("nextflow_schema.json"), in.readAllBytes());
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new category; its id. */
    public static long category(Users.Account admin, String prefix) {
        Api.Res r = admin.api().post("/pipelines/categories/new", Map.of("name", Users.uniqueName(prefix)));
        if (r.status() != 201) throw new AssertionError("category not created: " + r);
        return r.json().path("id").asLong();
    }

    /** A new pipeline in a new category; its id. */
    public static long pipeline(Users.Account admin, String prefix) {
        Api.Res r = admin.api().post("/pipelines/new", Map.of("name", Users.uniqueName(prefix), "description", "about " + prefix,
                "category", category(admin, prefix)));
        if (r.status() != 201) throw new AssertionError("pipeline not created: " + r);
        return r.json().path("id").asLong();
    }

    /** Registers a version of the samplesheet style from {@code source}, with these extra fields; the answer. */
    public static Api.Res version(Users.Account admin, long pipelineId, String version, String source, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("version", version, "source", source, "input", Map.of("style", "samplesheet")));
        body.putAll(extra);
        return admin.api().post("/pipelines/" + pipelineId + "/versions/new", body);
    }
}
