package bio.flow.access;

/**
 * The kinds of things that are owned and shared, and where each keeps its owner and grants. A new shareable
 * kind is one more constant here, its level rule in {@link AccessPolicy#withLevel}, and
 * its {@link SharedResourceRoutes} in App (its {@link Shareable} part comes with the kind's own service).
 */
public enum Resource {
    PROJECT("project", "projects", "projects", "project_grants", "project_id"),
    SAMPLE("sample", "samples", "samples", "sample_grants", "sample_id"),
    DATA("data", "data", "data", "data_grants", "data_id"),
    EXECUTION("execution", "executions", "executions", "execution_grants", "execution_id");

    /** How error messages name one. */
    public final String noun;
    /** How messages name several. */
    final String plural;
    final String table;
    final String grantTable;
    final String grantColumn;

    Resource(String noun, String plural, String table, String grantTable, String grantColumn) {
        this.noun = noun;
        this.plural = plural;
        this.table = table;
        this.grantTable = grantTable;
        this.grantColumn = grantColumn;
    }
}
