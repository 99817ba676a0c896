package bio.flow.annotation;

import bio.flow.annotation.TemplateSheet.Filled;
import bio.flow.annotation.TemplateSheet.Problem;
import bio.flow.annotation.Templates.Kind;
import bio.flow.annotation.Templates.Column;
import bio.flow.samples.MetadataAttributes.Definition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of the {@code Samples} sheet of a filled sample template, as {@link TemplateSheet} reads and checks them,
 * with what is particular to samples: the project each names ("name (#id)" as the list offers it, or an id) and
 * the lane (a whole number from 1). Every problem is collected with its sheet, row and column.
 */
final class SampleSheet {
    /** A row of the sheet as read: its row number and the values of the sample and its reads. */
    record SampleRow(int row, String name, Long project, String organism, String sampleType, String source, String purificationTarget,
                     String condition, String replicateGroup, String read1, String read2, Integer lane, Map<String, String> metadata) {}

    private final TemplateSheet sheet;
    /** The columns of the defined metadata attributes (values and annotations), and the attributes by identifier. */
    private final List<Column> metadataColumns;
    private final Map<String, Definition> attributes = new HashMap<>();
    private final List<SampleRow> rows = new ArrayList<>();

    private SampleSheet(TemplateSheet sheet, Templates.Form form) {
        this.sheet = sheet;
        this.metadataColumns = Templates.columns(Kind.SAMPLE, form.attributes()).stream().filter(c -> c.metadata() != null).toList();
        form.attributes().forEach(d -> attributes.put(d.identifier(), d));
    }

    /** A problem of the cell of {@code row} (1-based) in the column headed {@code header}. */
    Problem problem(int row, String header, String message) {
        return sheet.problem(row, header, message);
    }

    List<Problem> problems() {
        return sheet.problems();
    }

    List<SampleRow> rows() {
        return rows;
    }

    /**
     * The problems of a row that creates its sample: the values its sample type requires that it lacks (the rule is
     * the attribute's, {@code Definition.requiredFor}), found here so that a dry run finds them too. One required for
     * every sample is a required column, which the sheet checks on every row.
     */
    List<Problem> missingValues(SampleRow r) {
        List<Problem> out = new ArrayList<>();
        for (Column c : metadataColumns) {
            Definition d = attributes.get(c.metadata());
            if (d != null && !d.required() && d.requiredFor(r.sampleType()) && !r.metadata().containsKey(d.identifier())) {
                out.add(problem(r.row(), c.header(), "is required for samples of type " + r.sampleType()));
            }
        }
        return out;
    }

    /** Reads the workbook's sample sheet; the form's lists are the values each controlled column takes (any case). */
    static SampleSheet read(Xlsx workbook, Templates.Form form) {
        try (TemplateSheet sheet = TemplateSheet.open(workbook, Kind.SAMPLE, form)) {
            SampleSheet s = new SampleSheet(sheet, form);
            for (Filled row = sheet.next(); row != null; row = sheet.next()) s.add(row);
            return s;
        }
    }

    private void add(Filled row) {
        Map<String, String> v = row.values();
        Long project = sheet.project(row);
        Integer lane = null;
        String laneText = v.getOrDefault("Lane", "");
        if (!laneText.isEmpty()) {
            if (laneText.matches("\\d{1,9}") && Integer.parseInt(laneText) >= 1) lane = Integer.parseInt(laneText);
            else problems().add(problem(row.row(), "Lane", "'" + laneText + "' is not a whole number from 1"));
        }
        // the values of the defined metadata attributes (their options checked as the lists' values are)
        Map<String, String> metadata = new LinkedHashMap<>();
        String sampleType = blankToNull(v.get("Sample type"));
        for (Column c : metadataColumns) {
            String value = blankToNull(v.get(c.header()));
            if (value != null) metadata.put(c.metadata(), value);
        }
        // a row without its name cannot be matched with a sample: its other checks would say nothing more
        if (v.get("Sample name") == null) return;
        rows.add(new SampleRow(row.row(), v.get("Sample name"), project, v.get("Organism"), sampleType,
                blankToNull(v.get("Source")), blankToNull(v.get("Purification target")), blankToNull(v.get("Condition")),
                blankToNull(v.get("Replicate group")), v.get("Read 1 file"), blankToNull(v.get("Read 2 file")), lane, metadata));
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
