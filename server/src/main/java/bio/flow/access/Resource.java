package bio.flow.access;

/**
 * The kinds of things that are owned and shared, and where each keeps its owner and grants. A new
 * shareable kind (data, executions) is one more constant here plus its level rule in {@link AccessPolicy}.
 */
public enum Resource {
    PROJECT("project", "projects", "project_grants", "project_id"),
    SAMPLE("sample", "samples", "sample_grants", "sample_id");

    /** How error messages name it. */
    public final String noun;
    final String table;
    final String grantTable;
    final String grantColumn;

    Resource(String noun, String table, String grantTable, String grantColumn) {
        this.noun = noun;
        this.table = table;
        this.grantTable = grantTable;
        this.grantColumn = grantColumn;
    }
}
