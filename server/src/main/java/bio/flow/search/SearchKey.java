package bio.flow.search;

/**
 * A stored search key column (V43) that text filters and the quick search match ({@link SearchText}), each with a
 * trigram index. {@link Trigrams} samples each to learn which of its trigrams are common.
 */
public enum SearchKey {
    SAMPLE_NAME("samples", "name_key"),
    PROJECT_NAME("projects", "name_key"),
    PROJECT_DESCRIPTION("projects", "description_key"),
    EXECUTION_NAME("executions", "name_key"),
    DATA_FILENAME("data", "filename_key"),
    FILESET_NAME("filesets", "name_key");

    final String table;
    final String column;

    SearchKey(String table, String column) {
        this.table = table;
        this.column = column;
    }

    /** The column as a statement names it, its table aliased {@code alias}. */
    public Column of(String alias) {
        return new Column(this, alias + "." + column);
    }

    /** A key column in a statement: which key it is, and the SQL that names it there ({@code s.name_key}). */
    public record Column(SearchKey key, String sql) {}
}
