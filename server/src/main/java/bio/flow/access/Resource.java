package bio.flow.access;

/**
 * The kinds of things that are owned and shared, and where each keeps its owner and grants. A new shareable
 * kind is one more constant here, its level rule in {@link AccessPolicy#withLevel}, and
 * its {@link SharedResourceRoutes} in App (its {@link Shareable} part comes with the kind's own service).
 */
public enum Resource {
    PROJECT("project", "projects", "projects", "name", "project_grants", "project_id"),
    SAMPLE("sample", "samples", "samples", "name", "sample_grants", "sample_id"),
    DATA("data", "data", "data", "filename", "data_grants", "data_id"),
    EXECUTION("execution", "executions", "executions", "name", "execution_grants", "execution_id");

    /** How error messages name one. */
    public final String noun;
    /** How messages name several. */
    final String plural;
    final String table;
    /** The column people know one by (in the activity entry telling a grantee what was shared with them). */
    final String nameColumn;
    final String grantTable;
    final String grantColumn;

    Resource(String noun, String plural, String table, String nameColumn, String grantTable, String grantColumn) {
        this.noun = noun;
        this.plural = plural;
        this.table = table;
        this.nameColumn = nameColumn;
        this.grantTable = grantTable;
        this.grantColumn = grantColumn;
    }
}
