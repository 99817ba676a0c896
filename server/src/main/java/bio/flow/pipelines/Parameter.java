package bio.flow.pipelines;

import java.math.BigDecimal;
import java.util.List;

/**
 * One parameter of a pipeline version, as read from its {@code nextflow_schema.json}.
 *
 * @param type    string, integer, number, boolean or choice (a schema {@code enum})
 * @param choices the allowed values of a choice; empty otherwise
 * @param hidden  a schema {@code hidden} parameter: shown, but users may not set it (nf-core hides the ones that
 *                steer the server, such as {@code custom_config_base}, which includes a config file, i.e. runs code)
 * @param data    a {@code file-path}, {@code directory-path}, {@code path} or {@code file-path-pattern} parameter:
 *                shown as a data parameter, filled through {@code data_params} with a data id whose path Flow passes
 * @param pattern the schema's {@code pattern} (a regular expression) a string value must match, or null
 * @param minimum the schema's {@code minimum} of an integer or number, or null
 * @param maximum the schema's {@code maximum} of an integer or number, or null
 */
public record Parameter(String name, String type, List<String> choices, Object defaultValue, String description,
                        boolean required, boolean hidden, boolean data, String pattern, BigDecimal minimum, BigDecimal maximum) {
    /** A parameter without pattern or bounds. */
    public Parameter(String name, String type, List<String> choices, Object defaultValue, String description,
                     boolean required, boolean hidden, boolean data) {
        this(name, type, choices, defaultValue, description, required, hidden, data, null, null, null);
    }
}
