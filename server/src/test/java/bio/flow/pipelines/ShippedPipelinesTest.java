package bio.flow.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipelines Flow ships, registered at start: here the throwaway ones of test resources/pipelines/shipped. */
class ShippedPipelinesTest {
    private static Path bundle() throws Exception {
        return Path.of(ShippedPipelinesTest.class.getResource("/pipelines/shipped").toURI());
    }

    private static JsonNode pipelineNamed(TestServer server, String name) {
        for (JsonNode c : server.client().get("/pipelines").json().path("categories")) {
            for (JsonNode p : c.path("pipelines")) {
                if (p.path("name").asText().equals(name)) return server.client().get("/pipelines/" + p.path("id").asLong()).json();
            }
        }
        throw new AssertionError("no pipeline " + name);
    }

    @Test
    void shippedPipelinesAreExtractedAndRegisteredOnce(@TempDir Path dataDir) throws Exception {
        Map<String, String> settings = Map.of("FLOW_SHIPPED_PIPELINES", bundle().toString());
        Path extracted = dataDir.resolve("pipelines/shipped/example-0.1.0");
        long versionId;
        try (TestServer server = TestServer.start(dataDir, settings)) {
            JsonNode example = pipelineNamed(server, "Example Shipped");
            JsonNode upstream = pipelineNamed(server, "Example Upstream");
            // one category, found whatever the case the descriptors name it in
            assertThat(example.path("category").asText()).isEqualTo("Examples Category");
            assertThat(upstream.path("category_id").asLong()).isEqualTo(example.path("category_id").asLong());
            assertThat(example.path("description").asText()).isEqualTo("A throwaway pipeline for the tests of shipped pipelines");
            assertThat(example.path("upstream_pipelines")).hasSize(1);
            assertThat(example.path("upstream_pipelines").get(0).path("id").asLong()).isEqualTo(upstream.path("id").asLong());
            JsonNode version = example.path("versions").get(0);
            versionId = version.path("id").asLong();
            assertThat(version.path("version").asText()).isEqualTo("0.1.0");
            assertThat(version.path("is_latest").asBoolean()).isTrue();
            assertThat(version.path("input_style").asText()).isEqualTo("reads_glob");
            assertThat(version.path("parameters")).hasSize(1);
            assertThat(version.path("parameters").get(0).path("name").asText()).isEqualTo("greeting");
            assertThat(version.path("parameters").get(0).path("choices")).hasSize(2);

            RunnableVersion v = server.jdbi().withHandle(h -> PipelineVersions.runnable(h, versionId)).orElseThrow();
            assertThat(v.directory()).isEqualTo(extracted);
            assertThat(extracted.resolve("main.nf")).hasSameTextualContentAs(bundle().resolve("example/main.nf"));
            assertThat(Files.isExecutable(extracted.resolve("bin/example.sh"))).isTrue();
        }
        Files.writeString(extracted.resolve("nextflow.config"), "changed by hand");
        try (TestServer again = TestServer.start(dataDir, settings)) {
            JsonNode example = pipelineNamed(again, "Example Shipped");
            assertThat(example.path("versions")).hasSize(1);
            assertThat(example.path("versions").get(0).path("id").asLong()).isEqualTo(versionId);
            assertThat(example.path("upstream_pipelines")).hasSize(1);
            // files that differ from the bundle's are extracted again
            assertThat(extracted.resolve("nextflow.config")).hasSameTextualContentAs(bundle().resolve("example/nextflow.config"));
        }
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        Files.setLastModifiedTime(extracted.resolve("main.nf"), old);
        try (TestServer third = TestServer.start(dataDir, settings)) {
            // identical files are left alone
            assertThat(pipelineNamed(third, "Example Shipped").path("versions")).hasSize(1);
            assertThat(Files.getLastModifiedTime(extracted.resolve("main.nf"))).isEqualTo(old);
        }
    }

    @Test
    void noneShipsNothingAndAbandonedCheckoutsAreRemoved(@TempDir Path dataDir) throws Exception {
        Path abandoned = Files.createDirectories(dataDir.resolve("pipelines/git/.incoming-abandoned/sub"));
        Files.writeString(abandoned.resolve("main.nf"), "workflow {}");
        Files.setLastModifiedTime(abandoned.getParent(), FileTime.fromMillis(System.currentTimeMillis() - 2 * 86_400_000L));
        Path fresh = Files.createDirectories(dataDir.resolve("pipelines/shipped/.incoming-fresh"));
        Path pinned = Files.createDirectories(dataDir.resolve("pipelines/git/12"));
        try (TestServer server = TestServer.start(dataDir, Map.of("FLOW_SHIPPED_PIPELINES", "none"))) {
            assertThat(server.client().get("/pipelines").json().path("categories")).isEmpty();
        }
        assertThat(abandoned.getParent()).doesNotExist();
        // one that another server may be filling right now stays, and so do the checkouts
        assertThat(fresh).exists();
        assertThat(pinned).exists();
    }

    /** In the server's jar the bundle is a folder of a zip file system. */
    @Test
    void pipelinesAreExtractedFromAJar(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("server.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            for (String file : new String[] {"main.nf", "bin/example.sh", "flow-pipeline.json"}) {
                // no directory entries, as in a shaded jar
                zip.putNextEntry(new ZipEntry(ShippedPipelines.BUNDLED + "/example/" + file));
                zip.write(Files.readAllBytes(bundle().resolve("example").resolve(file)));
                zip.closeEntry();
            }
        }
        try (FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
            Path target = dir.resolve("out/example-0.1.0");
            Files.createDirectories(target.getParent());
            ShippedPipelines.extract(fs.getPath("/" + ShippedPipelines.BUNDLED, "example"), target);
            assertThat(target.resolve("main.nf")).hasSameTextualContentAs(bundle().resolve("example/main.nf"));
            assertThat(Files.isExecutable(target.resolve("bin/example.sh"))).isTrue();
            try (var left = Files.list(target.getParent())) {
                assertThat(left).containsExactly(target);
            }
        }
    }
}
