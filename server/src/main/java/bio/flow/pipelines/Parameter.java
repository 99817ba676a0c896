package bio.flow.pipelines;

import java.util.List;

/**
 * One parameter a user may set on a run of a pipeline version, as read from its {@code nextflow_schema.json}.
 *
 * @param type    string, integer, number, boolean or choice (a schema {@code enum})
 * @param choices the allowed values of a choice; empty otherwise
 * @param data    a {@code file-path} or {@code directory-path} parameter: shown as a data parameter, filled
 *                through {@code data_params} with a data id whose path Flow passes
 */
public record Parameter(String name, String type, List<String> choices, Object defaultValue, String description,
                        boolean required, boolean hidden, boolean data) {}
