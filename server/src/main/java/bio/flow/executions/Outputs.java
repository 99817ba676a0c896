package bio.flow.executions;

import java.nio.file.Path;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * STAND-IN on the engine branch, to be replaced by the submit helper's Outputs at merge (which turns the published
 * files into data records): records nothing.
 */
public final class Outputs {
    private Outputs() {}

    public static void collect(Handle h, long executionId, RunDirectory dir, Map<Path, String> processOfPublishedFile) {}
}
