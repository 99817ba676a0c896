package bio.flow.vocabularies;

/**
 * The three vocabularies that are numbered lists of names, and where each appears: its table, the column of
 * {@code samples} that refers to it, the key of its JSON list, and the request field that names an entry when
 * a sample is described. Table and column names here are constants, never request text, so they may be
 * written into SQL.
 */
enum Vocabulary {
    SOURCE("sample_sources", "source_id", "sources", "source", "sample source", "/samples/sources", false),
    PURIFICATION_TARGET("purification_targets", "purification_target_id", "targets", "purification_target",
            "purification target", "/samples/purification_targets", false),
    SAMPLE_TYPE("sample_types", "sample_type_id", "sample_types", "sample_type", "sample type", "/samples/types", true);

    /** The table of the vocabulary. */
    final String table;
    /** The column of {@code samples} that refers to an entry. */
    final String sampleColumn;
    /** The key of the list in {@code GET <path>}. */
    final String listKey;
    /** The field of a sample that names an entry. */
    final String field;
    /** What one entry is called in messages. */
    final String label;
    /** Where the list is served. */
    final String path;
    /** Whether entries have a description besides their name. */
    final boolean described;

    Vocabulary(String table, String sampleColumn, String listKey, String field, String label, String path, boolean described) {
        this.table = table;
        this.sampleColumn = sampleColumn;
        this.listKey = listKey;
        this.field = field;
        this.label = label;
        this.path = path;
        this.described = described;
    }

    /** The columns an entry is answered with. */
    String columns() {
        return described ? "id, name, description" : "id, name";
    }
}
