package bio.flow.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Pipeline versions inserted with SQL (the registry's admin API is another branch's) and reads uploaded to samples. */
public final class RunFixtures {
    private static TestServer withoutWorkers;

    private RunFixtures() {}

    /**
     * A server, shared by the tests of submission, preparation and outputs, whose workers take no run
     * ({@code FLOW_WORKERS=0}): a submitted run stays pending, and nothing prepares or collects it but
     * the test.
     */
    public static synchronized TestServer serverWithoutWorkers() {
        if (withoutWorkers == null) {
            withoutWorkers = TestServer.start(java.util.Map.of("FLOW_WORKERS", "0"));
            Runtime.getRuntime().addShutdownHook(new Thread(withoutWorkers::close));
        }
        return withoutWorkers;
    }

    /**
     * A version of a new pipeline in a new directory holding a main.nf, with the parameters given as V16 keeps them
     * (a JSON array of {name, type, choices?, default?, description, required, hidden, data}).
     */
    public static long version(TestServer server, String style, String parametersJson) {
        String name = Users.uniqueName("pipe");
        try {
            Path dir = Files.createTempDirectory(server.dataDir(), "pipeline-");
            Files.writeString(dir.resolve("main.nf"), "workflow { }\n");
            return server.jdbi().withHandle(h -> {
                long category = h.createUpdate("INSERT INTO pipeline_categories (name) VALUES (:n)").bind("n", name)
                        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
                long pipeline = h.createUpdate("INSERT INTO pipelines (name, category_id) VALUES (:n, :c)").bind("n", name).bind("c", category)
                        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
                return h.createUpdate("INSERT INTO pipeline_versions (pipeline_id, version, source, directory, input_style, input_param, "
                                + "parameters) VALUES (:p, '1.0', :dir, :dir, :style, :param, CAST(:params AS jsonb))")
                        .bind("p", pipeline).bind("dir", dir.toString()).bind("style", style)
                        .bind("param", style.equals("samplesheet") ? "input" : "reads").bind("params", parametersJson)
                        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static final String PARAMETERS = "[{\"name\": \"min_quality\", \"type\": \"integer\", \"default\": 20, \"description\": \"\", "
            + "\"required\": false, \"hidden\": false, \"data\": false, \"minimum\": 0, \"maximum\": 60}, "
            + "{\"name\": \"custom_config_base\", \"type\": \"string\", \"description\": \"\", \"required\": false, \"hidden\": true, \"data\": false}, "
            + "{\"name\": \"strandedness\", \"type\": \"choice\", \"choices\": [\"auto\", \"forward\", \"reverse\"], \"default\": \"auto\", "
            + "\"description\": \"\", \"required\": false, \"hidden\": false, \"data\": false}, "
            + "{\"name\": \"fasta\", \"type\": \"string\", \"description\": \"\", \"required\": false, \"hidden\": false, \"data\": true}]";

    public static byte[] fastq(String tag) {
        return ("@" + tag + "\nACGTACGT\n+\nIIIIIIII\n").getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A read uploaded to the sample with POST /upload/sample (which files it in a fileset); its data record as answered. */
    public static com.fasterxml.jackson.databind.JsonNode read(Users.Account owner, long sample, int read, Integer lane, String filename, byte[] bytes) {
        Multipart m = new Multipart().field("sample_id", sample).field("read_number", read).field("filename", filename);
        if (lane != null) m.field("lane", lane);
        Api.Res r = m.file("file", bytes).post(owner.api(), "/upload/sample");
        if (r.status() != 200) throw new AssertionError("read upload failed: " + r);
        return r.json().path("data");
    }
}
