package bio.flow.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.http.ApiException;
import bio.flow.http.Json;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckParametersTest {
    private static final RunnableVersion V = new RunnableVersion(1, 1, "RNA-seq", "1.0", Path.of("/p"), "main.nf",
            "samplesheet", "input", "outdir", List.of(), "", List.of(
                    new Parameter("strandedness", "choice", List.of("auto", "forward", "reverse", "unstranded"), "auto", "", true, false, false),
                    new Parameter("min_reads", "integer", List.of(), null, "", false, false, false),
                    new Parameter("ratio", "number", List.of(), 0.5, "", false, false, false),
                    new Parameter("skip_qc", "boolean", List.of(), false, "", false, false, false),
                    new Parameter("custom_config_base", "string", List.of(), null, "", true, true, false),
                    new Parameter("sample", "string", List.of(), null, "", false, false, false, "^[A-Za-z]+$", null, null),
                    new Parameter("slow", "string", List.of(), null, "", false, false, false, "^(a+)+$", null, null),
                    new Parameter("threads", "integer", List.of(), null, "", false, false, false, null, new BigDecimal("1"), new BigDecimal("64")),
                    new Parameter("fraction", "number", List.of(), null, "", false, false, false, null, new BigDecimal("0"), new BigDecimal("0.5")),
                    new Parameter("genome", "string", List.of(), null, "", true, false, false),
                    new Parameter("transcriptome", "string", List.of(), null, "", false, false, true),
                    new Parameter("kmer", "choice", List.of("21", "31"), null, "", false, false, false)),
            false);

    /** The parameters as Jackson reads them from a request body. */
    private static Map<String, Object> json(String text) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = Json.MAPPER.readValue(text, Map.class);
        return m;
    }

    private static ApiException refused(Map<String, Object> params, Map<String, Object> dataParams) {
        try {
            PipelineVersions.checkParameters(V, params, dataParams);
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(400);
            return e;
        }
        throw new AssertionError("accepted " + params + " " + dataParams);
    }

    private static void refusedNaming(String parameter, String params, String dataParams) throws Exception {
        ApiException e = refused(json(params), json(dataParams));
        assertThat(e.getMessage()).contains(parameter);
        assertThat(e.details()).containsEntry("parameter", parameter);
    }

    @Test
    void validParametersComeBackAsGivenWithoutDefaults() throws Exception {
        Map<String, Object> checked = PipelineVersions.checkParameters(V,
                json("{\"genome\": \"GRCh38\", \"min_reads\": 10, \"ratio\": 1, \"skip_qc\": true, \"kmer\": 31}"), Map.of());
        assertThat(checked).containsExactly(Map.entry("genome", "GRCh38"), Map.entry("min_reads", 10), Map.entry("ratio", 1),
                Map.entry("skip_qc", true), Map.entry("kmer", 31));
        assertThat(PipelineVersions.checkParameters(V, json("{\"strandedness\": \"reverse\", \"ratio\": 0.25}"), json("{\"genome\": 7}")))
                .containsExactly(Map.entry("strandedness", "reverse"), Map.entry("ratio", 0.25));
    }

    @Test
    void nullMapsAreEmpty() {
        assertThatThrownBy(() -> PipelineVersions.checkParameters(V, null, null)).hasMessageContaining("genome");
    }

    @Test
    void unknownNamesAreRefused() throws Exception {
        refusedNaming("aligner", "{\"genome\": \"g\", \"aligner\": \"star\"}", "{}");
        refusedNaming("reference", "{\"genome\": \"g\"}", "{\"reference\": 3}");
    }

    @Test
    void wrongTypesAreRefused() throws Exception {
        refusedNaming("min_reads", "{\"genome\": \"g\", \"min_reads\": \"3\"}", "{}");
        refusedNaming("min_reads", "{\"genome\": \"g\", \"min_reads\": 3.5}", "{}");
        refusedNaming("ratio", "{\"genome\": \"g\", \"ratio\": \"0.5\"}", "{}");
        refusedNaming("skip_qc", "{\"genome\": \"g\", \"skip_qc\": \"true\"}", "{}");
        refusedNaming("skip_qc", "{\"genome\": \"g\", \"skip_qc\": 1}", "{}");
        refusedNaming("genome", "{\"genome\": 5}", "{}");
        refusedNaming("genome", "{\"genome\": null}", "{}");
        refusedNaming("genome", "{\"genome\": [\"a\"]}", "{}");
    }

    @Test
    void valuesOutsideChoicesAreRefused() throws Exception {
        refusedNaming("strandedness", "{\"genome\": \"g\", \"strandedness\": \"sideways\"}", "{}");
        refusedNaming("strandedness", "{\"genome\": \"g\", \"strandedness\": \"Forward\"}", "{}");
        refusedNaming("kmer", "{\"genome\": \"g\", \"kmer\": 25}", "{}");
        assertThat(refused(json("{\"genome\": \"g\", \"strandedness\": \"x\"}"), Map.of()).getMessage()).contains("auto, forward, reverse, unstranded");
    }

    @Test
    void requiredValuesMustBeGivenUnlessTheyHaveADefault() throws Exception {
        // strandedness is required too, but its default satisfies it
        refusedNaming("genome", "{\"strandedness\": \"auto\"}", "{}");
    }

    @Test
    void dataParamsMustNameAStringParameterAndGiveADataId() throws Exception {
        refusedNaming("min_reads", "{\"genome\": \"g\"}", "{\"min_reads\": 3}");
        refusedNaming("strandedness", "{\"genome\": \"g\"}", "{\"strandedness\": 3}");
        refusedNaming("transcriptome", "{\"genome\": \"g\"}", "{\"transcriptome\": \"3\"}");
        refusedNaming("transcriptome", "{\"genome\": \"g\"}", "{\"transcriptome\": 0}");
        refusedNaming("transcriptome", "{\"genome\": \"g\"}", "{\"transcriptome\": 2.0}");
        refusedNaming("transcriptome", "{\"genome\": \"g\"}", "{\"transcriptome\": null}");
        assertThat(PipelineVersions.checkParameters(V, json("{\"genome\": \"g\"}"), json("{\"transcriptome\": 12}"))).containsOnlyKeys("genome");
    }

    @Test
    void aParameterGivenInBothIsRefused() throws Exception {
        refusedNaming("transcriptome", "{\"genome\": \"g\", \"transcriptome\": \"/x.fa\"}", "{\"transcriptome\": 4}");
    }

    @Test
    void aDataParameterIsNotGivenAsAPath() throws Exception {
        refusedNaming("transcriptome", "{\"genome\": \"g\", \"transcriptome\": \"/srv/flow-data/files/data/1\"}", "{}");
        assertThat(refused(json("{\"genome\": \"g\", \"transcriptome\": \"/etc/passwd\"}"), Map.of()).getMessage()).contains("data_params");
    }

    @Test
    void theDetailsNameTheField() throws Exception {
        ApiException e = refused(json("{\"genome\": \"g\"}"), json("{\"transcriptome\": \"x\"}"));
        assertThat(e.details()).containsEntry("field", "data_params.transcriptome");
        assertThat(e.code()).isEqualTo("VALIDATION_ERROR");
    }

    @Test
    void parametersSurviveTheirJsonForm() {
        assertThat(PipelineVersions.parametersFromJson(PipelineVersions.parametersToJson(V.parameters()).toString()))
                .isEqualTo(V.parameters());
    }

    @Test
    void hiddenParametersAreRefusedAndNotRequired() throws Exception {
        refusedNaming("custom_config_base", "{\"genome\": \"g\", \"custom_config_base\": \"/data/x\"}", "{}");
        refusedNaming("custom_config_base", "{\"genome\": \"g\"}", "{\"custom_config_base\": 3}");
        // Required and without a default, yet not required of a run: nobody may set it.
        assertThat(PipelineVersions.checkParameters(V, json("{\"genome\": \"g\"}"), Map.of())).containsOnlyKeys("genome");
    }

    @Test
    void patternsAndBoundsAreChecked() throws Exception {
        assertThat(PipelineVersions.checkParameters(V, json("{\"genome\": \"g\", \"sample\": \"Liver\", \"threads\": 64, "
                + "\"fraction\": 0, \"slow\": \"aaaa\"}"), Map.of())).containsKeys("sample", "threads", "fraction", "slow");
        refusedNaming("sample", "{\"genome\": \"g\", \"sample\": \"Liver 2\"}", "{}");
        refusedNaming("threads", "{\"genome\": \"g\", \"threads\": 0}", "{}");
        refusedNaming("threads", "{\"genome\": \"g\", \"threads\": 65}", "{}");
        refusedNaming("fraction", "{\"genome\": \"g\", \"fraction\": 0.51}", "{}");
        refusedNaming("fraction", "{\"genome\": \"g\", \"fraction\": -1e-9}", "{}");
        refusedNaming("genome", "{\"genome\": \"" + "g".repeat(PipelineVersions.MAX_STRING + 1) + "\"}", "{}");
        // Catastrophic backtracking: refused after a bounded amount of work rather than hanging.
        refusedNaming("slow", "{\"genome\": \"g\", \"slow\": \"" + "a".repeat(40) + "!\"}", "{}");
    }
}
