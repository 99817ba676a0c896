package bio.flow.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunnableVersionTest {
    private final TestServer server = TestServer.shared();

    @Test
    void aVersionIsReadWithItsPipelineAndParameters() {
        String name = Users.uniqueName("runnable");
        List<Parameter> parameters = List.of(
                new Parameter("strandedness", "choice", List.of("auto", "forward"), "auto", "Library strandedness", false, false, false),
                new Parameter("fasta", "string", List.of(), null, "", true, false, true));
        long id = server.jdbi().withHandle(h -> {
            long category = h.createUpdate("INSERT INTO pipeline_categories (name) VALUES (:n)").bind("n", name)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            long pipeline = h.createUpdate("INSERT INTO pipelines (name, category_id) VALUES (:n, :c)").bind("n", name).bind("c", category)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            return h.createUpdate("INSERT INTO pipeline_versions (pipeline_id, version, source, directory, input_style, input_param, "
                            + "profiles, config, parameters, retired) VALUES (:p, '2.0', '/src', '/src', 'reads_glob', 'reads', "
                            + "ARRAY['test','local'], 'process.cpus = 1', CAST(:params AS jsonb), true)")
                    .bind("p", pipeline).bind("params", PipelineVersions.parametersToJson(parameters).toString())
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        });
        RunnableVersion v = server.jdbi().withHandle(h -> PipelineVersions.runnable(h, id)).orElseThrow();
        assertThat(v.id()).isEqualTo(id);
        assertThat(v.pipeline()).isEqualTo(name);
        assertThat(v.version()).isEqualTo("2.0");
        assertThat(v.directory()).isEqualTo(Path.of("/src"));
        assertThat(v.mainScript()).isEqualTo("main.nf");
        assertThat(v.inputStyle()).isEqualTo("reads_glob");
        assertThat(v.inputParam()).isEqualTo("reads");
        assertThat(v.outdirParam()).isEqualTo("outdir");
        assertThat(v.profiles()).containsExactly("test", "local");
        assertThat(v.config()).isEqualTo("process.cpus = 1");
        assertThat(v.parameters()).isEqualTo(parameters);
        assertThat(v.retired()).isTrue();
        java.util.Optional<RunnableVersion> none = server.jdbi().withHandle(h -> PipelineVersions.runnable(h, id + 1000));
        assertThat(none).isEmpty();
    }
}
