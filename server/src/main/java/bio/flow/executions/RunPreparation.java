package bio.flow.executions;

import bio.flow.http.Json;
import bio.flow.pipelines.RunnableVersion;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * STAND-IN on the engine branch, to be replaced by the submit helper's RunPreparation at merge: the run's parameters
 * as given, an empty samplesheet as the input parameter, and the results folder as the outdir parameter.
 */
public final class RunPreparation {
    private RunPreparation() {}

    public static Map<String, Object> prepare(Handle h, long executionId, RunnableVersion v, RunDirectory dir) throws IOException {
        String given = h.createQuery("SELECT params::text FROM executions WHERE id = :id").bind("id", executionId).mapTo(String.class).one();
        Map<String, Object> params = new LinkedHashMap<>(Json.MAPPER.readValue(given, new TypeReference<Map<String, Object>>() {}));
        Files.writeString(dir.root().resolve("samplesheet.csv"), "sample,fastq_1,fastq_2\n");
        params.put(v.inputParam(), dir.root().resolve("samplesheet.csv").toString());
        params.put(v.outdirParam(), dir.results().toString());
        return params;
    }
}
