package bio.flow.annotation;

import bio.flow.samples.MetadataAttributes.Definition;
import bio.flow.vocabularies.Vocabularies.Choices;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.BorderStyle;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.DataValidation;
import org.apache.poi.ss.usermodel.DataValidationConstraint;
import org.apache.poi.ss.usermodel.DataValidationConstraint.OperatorType;
import org.apache.poi.ss.usermodel.DataValidationHelper;
import org.apache.poi.ss.usermodel.FillPatternType;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.IndexedColors;
import org.apache.poi.ss.usermodel.Name;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.util.CellRangeAddressList;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * The annotation templates: .xlsx workbooks in which a user describes many samples (and their reads) or data
 * records at once. A workbook has the sheet to fill (a header row, required columns marked with {@code *}), an
 * instructions sheet that describes every column and shows an example row, and a hidden sheet of the values each
 * controlled column may take, which the drop-down lists (list data validations, through named ranges) refer to.
 *
 * <p>The example row is on the instructions sheet rather than under the header: a filled template is imported as
 * it is, and an example among the rows would be imported as a sample.
 */
final class Templates {
    /** The rows under the header that the drop-down lists and checks cover; an import reads at most as many. */
    static final int MAX_ROWS = 10_000;
    static final String LISTS_SHEET = "Lists";
    static final String INSTRUCTIONS_SHEET = "Instructions";
    static final String REQUIRED_MARK = " *";

    enum Kind {
        SAMPLE("sample", "Samples", false), DATA("data", "Data", false),
        /** Rows that split multiplexed reads into samples by barcode; a column the template lacks is a metadata field. */
        MULTIPLEXED("multiplexed", "Multiplexed", true);

        final String path;
        final String sheet;
        /** Whether a column the template does not have is a sample metadata field (by its header) rather than a mistake. */
        final boolean metadataColumns;

        Kind(String path, String sheet, boolean metadataColumns) {
            this.path = path;
            this.sheet = sheet;
            this.metadataColumns = metadataColumns;
        }

        static Kind of(String path) {
            for (Kind k : values()) if (k.path.equals(path)) return k;
            return null;
        }

        String filename() {
            return "flow-" + path + "-annotation.xlsx";
        }
    }

    /**
     * A controlled column's list: the named range the validation refers to, and where its values come from. Fixed
     * ones, and one per metadata attribute whose values are its options ({@link #options}).
     */
    record ListOf(String rangeName, String origin) {
        static final ListOf PROJECTS = new ListOf("projects", "your projects (owned, or shared with you with edit permission), as name (#id)");
        static final ListOf ORGANISMS = new ListOf("organisms", "the organisms (GET /organisms)");
        static final ListOf SAMPLE_TYPES = new ListOf("sample_types", "the sample types (GET /samples/types)");
        static final ListOf SOURCES = new ListOf("sources", "the sample sources (GET /samples/sources)");
        static final ListOf PURIFICATION_TARGETS = new ListOf("purification_targets", "the purification targets (GET /samples/purification_targets)");
        static final ListOf DATA_TYPES = new ListOf("data_types", "the data types (GET /data/types/available)");

        /** The options of a metadata attribute (identifiers are letters, digits and "_": a valid range name after the prefix). */
        static ListOf options(String identifier) {
            return new ListOf("options_" + identifier, "the options of " + identifier + " (GET /samples/metadata/" + identifier + "/options)");
        }
    }

    /**
     * What a template is made of, read from the database at once: the values of each list, and the metadata
     * attributes the lab defined, which add their columns to the sample template.
     */
    record Form(Map<ListOf, List<String>> lists, List<Definition> attributes) {}

    /**
     * A column of a template: free text, a value of a list, or a whole number from 1 (a lane); {@code metadata}: the
     * key of the sample's metadata it fills (a defined attribute's identifier, or its annotation key), else null.
     */
    record Column(String header, boolean required, ListOf list, boolean lane, String description, String example, String metadata) {
        Column(String header, boolean required, ListOf list, boolean lane, String description, String example) {
            this(header, required, list, lane, description, example, null);
        }

        String title() {
            return required ? header + REQUIRED_MARK : header;
        }
    }

    /** The projects offered as a sample's project: their "name (#id)", which names one even where names repeat. */
    record Project(long id, String name) {
        String label() {
            return name + " (#" + id + ")";
        }
    }

    /** The columns of {@code kind}: the fixed ones, then, for samples, those of the defined metadata attributes. */
    static List<Column> columns(Kind kind, List<Definition> attributes) {
        if (kind == Kind.DATA) return fixedColumns(kind);
        List<Column> columns = new ArrayList<>(fixedColumns(kind));
        for (Definition d : attributes) columns.addAll(columns(d));
        return columns;
    }

    /**
     * The columns of a defined attribute: its value (a drop-down list of its options when only they are values), and
     * its annotation when it takes one. Headed "Name (identifier)": names are the lab's words, the identifier keeps
     * the header unlike any other (identifiers are unique, never a fixed column's, and only annotation keys hold "__").
     */
    private static List<Column> columns(Definition d) {
        List<String> requiredFor = d.links().values().stream().filter(l -> l.required()).map(l -> l.sampleType()).toList();
        String rule = d.required() ? "" : requiredFor.isEmpty() ? "" : " Required for samples of type " + String.join(", ", requiredFor) + ".";
        String described = (d.description().isEmpty() ? d.name() : d.description()) + "." + rule;
        Column value = new Column(d.name() + " (" + d.identifier() + ")", d.required(), d.closed() ? ListOf.options(d.identifier()) : null,
                false, described, "", d.identifier());
        if (!d.allowAnnotation()) return List.of(value);
        String key = d.identifier() + "__annotation";
        return List.of(value, new Column(d.name() + " (" + key + ")", false, null, false, "A note on the value of " + d.name() + ".", "", key));
    }

    private static List<Column> fixedColumns(Kind kind) {
        return switch (kind) {
            case SAMPLE -> List.of(
                    new Column("Sample name", true, null, false, "A name for the sample (up to 200 characters).", "HeLa_CLIP_rep1"),
                    new Column("Project", false, ListOf.PROJECTS, false, "The project the sample belongs to; empty for none.", ""),
                    new Column("Organism", true, ListOf.ORGANISMS, false, "The organism the sample comes from.", "human"),
                    new Column("Sample type", false, ListOf.SAMPLE_TYPES, false, "What was sequenced.", "RNA"),
                    new Column("Source", false, ListOf.SOURCES, false, "The cell line or tissue the sample comes from.", ""),
                    new Column("Purification target", false, ListOf.PURIFICATION_TARGETS, false, "The protein pulled down, if any.", ""),
                    new Column("Condition", false, null, false, "The experimental condition (free text, up to 200 characters).", "control"),
                    new Column("Replicate group", false, null, false, "Samples that replicate each other share this (free text).", "HeLa_CLIP"),
                    new Column("Read 1 file", true, null, false, "The file name of read 1 (or of the single-end reads), as uploaded.",
                            "HeLa_CLIP_rep1_R1.fastq.gz"),
                    new Column("Read 2 file", false, null, false, "The file name of read 2 of paired-end reads, as uploaded.",
                            "HeLa_CLIP_rep1_R2.fastq.gz"),
                    new Column("Lane", false, null, true, "The lane (1 or more) of these reads; one row per lane when a sample has several.", "1"));
            case DATA -> List.of(
                    new Column("File name", true, null, false, "The data file's name, as uploaded.", "HeLa_CLIP_rep1_peaks.bed"),
                    new Column("Data type", true, ListOf.DATA_TYPES, false, "What the file holds.", "BED"),
                    new Column("Sample", false, null, false, "The sample to put the file in (one you may edit): its name, or name (#id), "
                            + "or its id; empty leaves the file where it is.", "HeLa_CLIP_rep1"));
            case MULTIPLEXED -> List.of(
                    new Column("Sample name", true, null, false, "A name for the sample these barcoded reads make (up to 200 characters).",
                            "HeLa_CLIP_rep1"),
                    new Column("Barcode", true, null, false, "The sample's barcode: A, C, G, T and N (N matches any base, e.g. a UMI); "
                            + "dual index as i7+i5 (ACGTACGT+GGTTAACC).", "NNNACGTNN"),
                    new Column("Barcode position", false, null, false, "index: the index read in each read's FASTQ header (the default); "
                            + "inline: the first bases of read 1, trimmed off. The same for every row of a reads file.", "inline"),
                    new Column("Reads 1 file", true, null, false, "The file name of the multiplexed reads (read 1), as it will be uploaded "
                            + "(POST /upload/multiplexed).", "pool1_R1.fastq.gz"),
                    new Column("Reads 2 file", false, null, false, "The file name of read 2 of paired-end multiplexed reads, as it will be "
                            + "uploaded; the same for every row of a Reads 1 file.", "pool1_R2.fastq.gz"),
                    new Column("Sample type", false, ListOf.SAMPLE_TYPES, false, "What was sequenced.", "RNA"),
                    new Column("Project", false, ListOf.PROJECTS, false, "The project the sample belongs to; empty for none.", ""),
                    new Column("Organism", false, ListOf.ORGANISMS, false, "The organism the sample comes from.", "human"),
                    new Column("Source", false, ListOf.SOURCES, false, "The cell line or tissue the sample comes from.", ""),
                    new Column("Purification target", false, ListOf.PURIFICATION_TARGETS, false, "The protein pulled down, if any.", ""),
                    new Column("Condition", false, null, false, "The experimental condition (free text, up to 200 characters).", "control"),
                    new Column("Replicate group", false, null, false, "Samples that replicate each other share this (free text).", "HeLa_CLIP"));
        };
    }

    /** The form of the templates: the values of each list, in the order they are offered, and the defined attributes. */
    static Form form(Choices choices, List<Project> projects, List<Definition> attributes) {
        Map<ListOf, List<String>> lists = new LinkedHashMap<>();
        lists.put(ListOf.PROJECTS, projects.stream().map(Project::label).toList());
        lists.put(ListOf.ORGANISMS, choices.organisms());
        lists.put(ListOf.SAMPLE_TYPES, choices.sampleTypes());
        lists.put(ListOf.SOURCES, choices.sources());
        lists.put(ListOf.PURIFICATION_TARGETS, choices.purificationTargets());
        lists.put(ListOf.DATA_TYPES, choices.dataTypes());
        for (Definition d : attributes) if (d.closed()) lists.put(ListOf.options(d.identifier()), d.options());
        return new Form(lists, attributes);
    }

    /** The template of {@code kind} of this form, as .xlsx bytes. */
    static byte[] write(Kind kind, Form form) {
        List<Column> columns = columns(kind, form.attributes());
        Map<ListOf, List<String>> lists = form.lists();
        try (XSSFWorkbook wb = new XSSFWorkbook()) {
            Sheet sheet = wb.createSheet(kind.sheet);
            Sheet instructions = wb.createSheet(INSTRUCTIONS_SHEET);
            Sheet listSheet = wb.createSheet(LISTS_SHEET);
            Styles styles = new Styles(wb);

            header(sheet.createRow(0), columns, styles);
            sheet.createFreezePane(0, 1);
            writeLists(wb, listSheet, columns, lists, styles);
            validations(sheet, columns);
            for (int i = 0; i < columns.size(); i++) sheet.setColumnWidth(i, 24 * 256);

            writeInstructions(kind, instructions, columns, lists, styles);
            wb.setSheetHidden(wb.getSheetIndex(listSheet), true);
            wb.setActiveSheet(0);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            wb.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void header(Row row, List<Column> columns, Styles styles) {
        for (int i = 0; i < columns.size(); i++) {
            Cell cell = row.createCell(i);
            cell.setCellValue(columns.get(i).title());
            cell.setCellStyle(columns.get(i).required() ? styles.required : styles.header);
        }
    }

    /**
     * One column of the hidden sheet per list the template uses, its values under a title row, and a workbook name
     * for them that the validations refer to. An empty list still names one (empty) cell, so that its column only
     * accepts an empty value.
     */
    private static void writeLists(XSSFWorkbook wb, Sheet listSheet, List<Column> columns, Map<ListOf, List<String>> lists, Styles styles) {
        List<ListOf> used = columns.stream().map(Column::list).filter(l -> l != null).distinct().toList();
        Row titles = listSheet.createRow(0);
        for (int c = 0; c < used.size(); c++) {
            ListOf list = used.get(c);
            List<String> values = lists.get(list);
            Cell title = titles.createCell(c);
            title.setCellValue(list.rangeName());
            title.setCellStyle(styles.header);
            for (int i = 0; i < values.size(); i++) {
                Row row = listSheet.getRow(i + 1) != null ? listSheet.getRow(i + 1) : listSheet.createRow(i + 1);
                // A string cell whatever the value looks like ("=...", "1e5"): never a formula or a number.
                row.createCell(c).setCellValue(values.get(i));
            }
            String col = CellReference.convertNumToColString(c);
            Name name = wb.createName();
            name.setNameName(list.rangeName());
            name.setRefersToFormula("'" + LISTS_SHEET + "'!$" + col + "$2:$" + col + "$" + (Math.max(values.size(), 1) + 1));
            listSheet.setColumnWidth(c, 30 * 256);
        }
    }

    private static void validations(Sheet sheet, List<Column> columns) {
        DataValidationHelper helper = sheet.getDataValidationHelper();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            DataValidationConstraint constraint;
            String message;
            if (column.list() != null) {
                constraint = helper.createFormulaListConstraint(column.list().rangeName());
                message = "Choose one of " + column.list().origin() + " from the list.";
            } else if (column.lane()) {
                constraint = helper.createIntegerConstraint(OperatorType.GREATER_OR_EQUAL, "1", null);
                message = "A lane is a whole number from 1.";
            } else {
                continue;
            }
            DataValidation validation = helper.createValidation(constraint, new CellRangeAddressList(1, MAX_ROWS, i, i));
            validation.setErrorStyle(DataValidation.ErrorStyle.STOP);
            validation.createErrorBox(column.header(), message);
            validation.setShowErrorBox(true);
            validation.setEmptyCellAllowed(true);
            // XSSF inverts this flag: true shows the drop-down arrow.
            if (column.list() != null) validation.setSuppressDropDownArrow(true);
            sheet.addValidationData(validation);
        }
    }

    private static void writeInstructions(Kind kind, Sheet sheet, List<Column> columns, Map<ListOf, List<String>> lists, Styles styles) {
        List<String> intro = new ArrayList<>(List.of(
                "Flow " + kind.path + " annotation template",
                "Fill in one row per " + (kind == Kind.SAMPLE ? "sample and lane" : kind == Kind.DATA ? "data file" : "sample (barcode)") + " on the sheet '" + kind.sheet
                        + "', from its second row, and upload the workbook to Flow (POST /upload/annotation).",
                "Columns marked with" + REQUIRED_MARK + " are required. Columns with a drop-down list only take a value of the list:"
                        + " the lists are those of the server when this template was downloaded; download a new one when they change.",
                "At most " + MAX_ROWS + " rows are read. Keep the header row and the sheet names as they are; values are read as text, not formulas."));
        if (kind.metadataColumns) {
            intro.add("Any other column is a metadata field of the samples, named by its header (GET /samples/metadata lists the lab's). "
                    + "The sheet may also be saved as .csv, its first row the headers.");
        }
        int r = 0;
        for (String line : intro) {
            Cell cell = sheet.createRow(r++).createCell(0);
            cell.setCellValue(line);
            if (r == 1) cell.setCellStyle(styles.header);
        }
        r++;
        Row head = sheet.createRow(r++);
        String[] titles = {"Column", "Required", "What to enter", "Allowed values"};
        for (int i = 0; i < titles.length; i++) {
            head.createCell(i).setCellValue(titles[i]);
            head.getCell(i).setCellStyle(styles.header);
        }
        for (Column column : columns) {
            Row row = sheet.createRow(r++);
            row.createCell(0).setCellValue(column.header());
            row.createCell(1).setCellValue(column.required() ? "yes" : "no");
            row.createCell(2).setCellValue(column.description());
            row.createCell(3).setCellValue(column.list() != null ? "one of " + column.list().origin()
                    : column.lane() ? "a whole number from 1" : "free text");
        }
        r++;
        sheet.createRow(r++).createCell(0).setCellValue("Example row (not imported):");
        header(sheet.createRow(r++), columns, styles);
        Row example = sheet.createRow(r);
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            example.createCell(i).setCellValue(exampleValue(column, lists));
        }
        for (int i = 0; i < Math.max(columns.size(), titles.length); i++) sheet.setColumnWidth(i, 28 * 256);
    }

    /** The example's value for a list column is one the list holds (or nothing when it is empty). */
    private static String exampleValue(Column column, Map<ListOf, List<String>> lists) {
        if (column.list() == null) return column.example();
        List<String> values = lists.get(column.list());
        if (values.contains(column.example())) return column.example();
        return values.isEmpty() ? "" : values.get(0);
    }

    private static final class Styles {
        final CellStyle header;
        final CellStyle required;

        Styles(XSSFWorkbook wb) {
            Font bold = wb.createFont();
            bold.setBold(true);
            header = wb.createCellStyle();
            header.setFont(bold);
            header.setBorderBottom(BorderStyle.THIN);
            required = wb.createCellStyle();
            required.cloneStyleFrom(header);
            required.setFillForegroundColor(IndexedColors.LIGHT_YELLOW.getIndex());
            required.setFillPattern(FillPatternType.SOLID_FOREGROUND);
        }
    }

    private Templates() {}
}
