package bio.flow.annotation;

import bio.flow.annotation.TemplateSheet.Problem;
import bio.flow.annotation.TemplateSheet.Filled;
import bio.flow.annotation.Templates.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rows of the {@code Data} sheet of a filled data template, as {@link TemplateSheet} reads and checks them,
 * with what is particular to data: the sample a row names, by id ("name (#id)" or the id alone, as for projects)
 * or by name.
 */
final class DataSheet {
    /**
     * A row as read: the data file's name, its data type (as the list has it; null when its cell has a problem), and
     * its sample: {@code sampleId} when named by id, {@code sampleName} when by name, neither when the cell is empty
     * (the file keeps its sample).
     */
    record DataRow(int row, String filename, String dataType, Long sampleId, String sampleName) {}

    private final TemplateSheet sheet;
    private final List<DataRow> rows = new ArrayList<>();

    private DataSheet(TemplateSheet sheet) {
        this.sheet = sheet;
    }

    Problem problem(int row, String header, String message) {
        return sheet.problem(row, header, message);
    }

    List<Problem> problems() {
        return sheet.problems();
    }

    List<DataRow> rows() {
        return rows;
    }

    static DataSheet read(Xlsx workbook, Templates.Form form) {
        try (TemplateSheet sheet = TemplateSheet.open(workbook, Kind.DATA, form)) {
            DataSheet s = new DataSheet(sheet);
            for (Filled row = sheet.next(); row != null; row = sheet.next()) s.add(row);
            return s;
        }
    }

    private void add(Filled row) {
        Map<String, String> v = row.values();
        // a row without its file name cannot be matched with a file: its other checks would say nothing more
        if (v.get("File name") == null) return;
        // a type or sample whose cell has a problem (reported already) is left out of the checks against the database
        String sample = v.getOrDefault("Sample", "");
        Long id = sample.isEmpty() ? null : TemplateSheet.id(sample);
        rows.add(new DataRow(row.row(), v.get("File name"), v.get("Data type"), id, sample.isEmpty() || id != null ? null : sample));
    }
}
