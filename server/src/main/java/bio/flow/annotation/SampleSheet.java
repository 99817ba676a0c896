package bio.flow.annotation;

import bio.flow.annotation.Templates.Column;
import bio.flow.annotation.Templates.Kind;
import bio.flow.annotation.Templates.ListOf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.util.CellReference;

/**
 * Reads the {@code Samples} sheet of a filled sample template into rows, checking each cell against what the
 * template allows (required columns, the values of the lists, whole lanes, no formulas) without the database: the
 * lists are given. Every problem is collected with its sheet, row and column; nothing stops at the first.
 */
final class SampleSheet {
    /** A problem of the workbook: its sheet, its row (1-based, as a spreadsheet shows it), its column letter and header. */
    record Problem(String sheet, int row, String column, String header, String message) {}

    /** A row of the sheet as read: its row number and the values of the sample and its reads. */
    record SampleRow(int row, String name, Long project, String organism, String sampleType, String source, String purificationTarget,
                     String condition, String replicateGroup, String read1, String read2, Integer lane) {}

    private static final Pattern PROJECT_ID = Pattern.compile("\\(#(\\d{1,18})\\)\\s*$");
    private static final int MAX_TEXT = 200;

    private final List<Problem> problems = new ArrayList<>();
    private final List<SampleRow> rows = new ArrayList<>();
    /** The column of each header found. */
    private Map<String, Integer> index = Map.of();

    /** A problem of the cell of {@code row} (1-based) in the column headed {@code header}. */
    Problem problem(int row, String header, String message) {
        Integer col = index.get(header);
        return new Problem(Kind.SAMPLE.sheet, row, col == null ? null : CellReference.convertNumToColString(col), header, message);
    }

    List<Problem> problems() {
        return problems;
    }

    List<SampleRow> rows() {
        return rows;
    }

    /** Reads the workbook's sample sheet; the lists are the values each controlled column takes (any case). */
    static SampleSheet read(Workbook wb, Map<ListOf, List<String>> lists) {
        SampleSheet s = new SampleSheet();
        s.readSheet(wb, lists);
        return s;
    }

    private void readSheet(Workbook wb, Map<ListOf, List<String>> lists) {
        String sheetName = Kind.SAMPLE.sheet;
        Sheet sheet = wb.getSheet(sheetName);
        if (sheet == null) {
            problems.add(new Problem(sheetName, 0, null, null, "the workbook has no sheet '" + sheetName
                    + "': fill in the template of GET /annotation/sample"));
            return;
        }
        List<Column> columns = Templates.columns(Kind.SAMPLE);
        index = headers(sheet, columns);
        if (!problems.isEmpty()) return;
        int last = sheet.getLastRowNum();
        int filled = 0;
        for (int r = 1; r <= last; r++) {
            Row row = sheet.getRow(r);
            if (row == null || blank(row)) continue;
            if (++filled > Templates.MAX_ROWS) {
                problems.add(new Problem(sheetName, r + 1, null, null, "a workbook may describe at most " + Templates.MAX_ROWS + " rows"));
                return;
            }
            Map<String, String> v = new HashMap<>();
            for (Column c : columns) {
                Integer i = index.get(c.header());
                String text = i == null ? "" : text(sheetName, row, i, c);
                if (text == null) continue; // a problem, already reported
                if (text.isEmpty() && c.required()) {
                    add(sheetName, row.getRowNum(), i, c, "is required");
                    continue;
                }
                if (text.length() > MAX_TEXT) {
                    add(sheetName, row.getRowNum(), i, c, "may have at most " + MAX_TEXT + " characters");
                    continue;
                }
                if (!text.isEmpty() && c.list() != null && c.list() != ListOf.PROJECTS) {
                    String known = find(lists.get(c.list()), text);
                    if (known == null) {
                        add(sheetName, row.getRowNum(), i, c, "'" + text + "' is not one of " + c.list().origin);
                        continue;
                    }
                    text = known;
                }
                v.put(c.header(), text);
            }
            Long project = null;
            String projectText = v.getOrDefault("Project", "");
            if (!projectText.isEmpty()) {
                Matcher m = PROJECT_ID.matcher(projectText);
                if (m.find()) project = Long.parseLong(m.group(1));
                else if (projectText.matches("\\d{1,18}")) project = Long.parseLong(projectText);
                else add(sheetName, row.getRowNum(), index.get("Project"), columns.get(1), "'" + projectText
                        + "' names no project: choose one of the list (name (#id)) or give its id");
            }
            Integer lane = null;
            String laneText = v.getOrDefault("Lane", "");
            if (!laneText.isEmpty()) {
                if (laneText.matches("\\d{1,9}") && Integer.parseInt(laneText) >= 1) lane = Integer.parseInt(laneText);
                else add(sheetName, row.getRowNum(), index.get("Lane"), columns.get(10), "'" + laneText + "' is not a whole number from 1");
            }
            // a row without its name cannot be matched with a sample: its other checks would say nothing more
            if (v.get("Sample name") == null) continue;
            rows.add(new SampleRow(row.getRowNum() + 1, v.get("Sample name"), project, v.get("Organism"), blankToNull(v.get("Sample type")),
                    blankToNull(v.get("Source")), blankToNull(v.get("Purification target")), blankToNull(v.get("Condition")),
                    blankToNull(v.get("Replicate group")), v.get("Read 1 file"), blankToNull(v.get("Read 2 file")), lane));
        }
    }

    /** The column of each header (its title without the required mark, any case); missing and unknown ones are problems. */
    private Map<String, Integer> headers(Sheet sheet, List<Column> columns) {
        Map<String, Column> byTitle = new LinkedHashMap<>();
        for (Column c : columns) byTitle.put(c.header().toLowerCase(Locale.ROOT), c);
        Map<String, Integer> index = new HashMap<>();
        Row header = sheet.getRow(0);
        if (header != null) {
            for (Cell cell : header) {
                if (cell.getCellType() != CellType.STRING) {
                    if (cell.getCellType() != CellType.BLANK) problems.add(problem(sheet.getSheetName(), 0, cell.getColumnIndex(), null, "is not a column of the template"));
                    continue;
                }
                String title = cell.getStringCellValue().strip();
                if (title.isEmpty()) continue;
                if (title.endsWith("*")) title = title.substring(0, title.length() - 1).strip();
                Column c = byTitle.get(title.toLowerCase(Locale.ROOT));
                if (c == null) {
                    problems.add(problem(sheet.getSheetName(), 0, cell.getColumnIndex(), title, "is not a column of the template"));
                } else if (index.putIfAbsent(c.header(), cell.getColumnIndex()) != null) {
                    problems.add(problem(sheet.getSheetName(), 0, cell.getColumnIndex(), c.header(), "is a second column with this header"));
                }
            }
        }
        for (Column c : columns) {
            if (c.required() && !index.containsKey(c.header())) {
                problems.add(new Problem(sheet.getSheetName(), 1, null, c.header(), "the required column '" + c.header() + "' is missing from the header row"));
            }
        }
        return index;
    }

    /** The cell's text, stripped ("" when empty); null, with a problem reported, when it cannot be read as a value. */
    private String text(String sheetName, Row row, int i, Column c) {
        Cell cell = row.getCell(i);
        if (cell == null) return "";
        return switch (cell.getCellType()) {
            case BLANK -> "";
            case STRING -> cell.getStringCellValue().strip();
            case BOOLEAN -> String.valueOf(cell.getBooleanCellValue());
            case NUMERIC -> {
                double d = cell.getNumericCellValue();
                // Numbers are names or lanes here: a whole number is written without ".0".
                yield d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
            }
            case FORMULA -> {
                add(sheetName, row.getRowNum(), i, c, "holds a formula (" + cell.getCellFormula() + "): formulas are not read, enter the value itself");
                yield null;
            }
            default -> {
                add(sheetName, row.getRowNum(), i, c, "holds an error value, not a value");
                yield null;
            }
        };
    }

    private static boolean blank(Row row) {
        for (Cell cell : row) {
            if (cell.getCellType() == CellType.BLANK) continue;
            if (cell.getCellType() == CellType.STRING && cell.getStringCellValue().isBlank()) continue;
            return false;
        }
        return true;
    }

    /** The list's value equal to {@code text} whatever its case, or null. */
    private static String find(List<String> values, String text) {
        for (String v : values) if (v.equalsIgnoreCase(text)) return v;
        return null;
    }

    private void add(String sheet, int rowIndex, Integer col, Column c, String message) {
        problems.add(problem(sheet, rowIndex, col, c.header(), message));
    }

    static Problem problem(String sheet, int rowIndex, Integer col, String header, String message) {
        return new Problem(sheet, rowIndex + 1, col == null ? null : CellReference.convertNumToColString(col), header, message);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
