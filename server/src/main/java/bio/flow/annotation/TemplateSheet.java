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
import org.apache.poi.ss.util.CellReference;

/**
 * The sheet to fill of a filled template of any {@link Kind}, read one filled row at a time and checked cell by
 * cell against what the template allows, without the database (the lists are given): the header row (each column
 * found by its title, any case and order, the required mark optional; required columns present, no unknown or
 * repeated ones), required cells, texts of at most {@value #MAX_TEXT} characters, the values of the lists (any case;
 * the value as the list has it), no formulas or error values, at most {@link Templates#MAX_ROWS} filled rows (reading
 * stops at the one past them). Every problem is collected with its sheet, row and column; nothing stops at the
 * first. What a value means for its kind (a sample's project and lane, a data file's sample) is its reader's.
 */
final class TemplateSheet implements AutoCloseable {
    /** A problem of the workbook: its sheet, its row (1-based, as a spreadsheet shows it), its column letter and header. */
    record Problem(String sheet, int row, String column, String header, String message) {}

    /** A filled row: its number as a spreadsheet shows it and the value of each column by header ("" when empty; none when its cell has a problem). */
    record Filled(int row, Map<String, String> values, Map<String, String> metadata) {}

    static final int MAX_TEXT = 200;
    private static final Pattern ID = Pattern.compile("\\(#(\\d{1,18})\\)\\s*$");

    private final Kind kind;
    private final List<Column> columns;
    private final Map<ListOf, List<String>> lists;
    private final List<Problem> problems = new ArrayList<>();
    /** The column of each header found. */
    private final Map<String, Integer> index = new HashMap<>();
    /** The column of each metadata field (a header the template lacks, where its kind allows them), in the sheet's order. */
    private final Map<String, Integer> metadataIndex = new LinkedHashMap<>();
    private final SheetRows rows;
    /** The columns a row's cells are kept from: up to the last column of the template found. */
    private int width;
    private int filled;
    /** Whether rows are read: not with problems in the header row, nor past the rows allowed. */
    private boolean reading;

    private TemplateSheet(SheetRows rows, Kind kind, Templates.Form form) {
        this.kind = kind;
        this.columns = Templates.columns(kind, form.attributes());
        this.lists = form.lists();
        this.rows = rows;
    }

    /** The sheet of {@code kind} of the workbook, which has it, with its header row read. */
    static TemplateSheet open(Xlsx workbook, Kind kind, Templates.Form form) {
        return open(workbook.rows(kind.sheet), kind, form);
    }

    /** The sheet of {@code kind} whose rows are {@code rows} (closed with it), with its header row read. */
    static TemplateSheet open(SheetRows rows, Kind kind, Templates.Form form) {
        TemplateSheet s = new TemplateSheet(rows, kind, form);
        try {
            s.headers();
            s.reading = s.problems.isEmpty();
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    List<Problem> problems() {
        return problems;
    }

    /** A problem of the cell of {@code row} (1-based) in the column headed {@code header}. */
    Problem problem(int row, String header, String message) {
        Integer col = index.containsKey(header) ? index.get(header) : metadataIndex.get(header);
        return new Problem(kind.sheet, row, col == null ? null : CellReference.convertNumToColString(col), header, message);
    }

    /** The next filled row, its cells checked; null after the last, or when the header row has problems or the rows are too many. */
    Filled next() {
        if (!reading) return null;
        Xlsx.Row row;
        do {
            row = rows.next(width);
            if (row == null) return null;
        } while (row.blank());
        if (++filled > Templates.MAX_ROWS) {
            reading = false;
            problems.add(new Problem(kind.sheet, row.index() + 1, null, null, "a workbook may describe at most " + Templates.MAX_ROWS + " rows"));
            return null;
        }
        Map<Integer, Xlsx.Cell> cells = new HashMap<>();
        for (Xlsx.Cell cell : row.cells()) cells.put(cell.column(), cell);
        Map<String, String> values = new HashMap<>();
        int at = row.index() + 1;
        for (Column c : columns) {
            Xlsx.Cell cell = cells.get(index.get(c.header()));
            String text = cell == null ? "" : text(at, cell, c.header());
            if (text == null) continue; // a problem, already reported
            if (text.isEmpty() && c.required()) {
                problems.add(problem(at, c.header(), "is required"));
                continue;
            }
            if (text.length() > MAX_TEXT || cell != null && cell.truncated()) {
                problems.add(problem(at, c.header(), "may have at most " + MAX_TEXT + " characters"));
                continue;
            }
            if (!text.isEmpty() && c.list() != null && !c.list().equals(ListOf.PROJECTS)) {
                String known = find(lists.get(c.list()), text);
                if (known == null) {
                    problems.add(problem(at, c.header(), "'" + text + "' is not one of " + c.list().origin()));
                    continue;
                }
                text = known;
            }
            values.put(c.header(), text);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadataIndex.forEach((header, column) -> {
            Xlsx.Cell cell = cells.get(column);
            String text = cell == null ? "" : text(at, cell, header);
            if (text == null || text.isEmpty()) return;
            if (text.length() > MAX_TEXT || cell.truncated()) problems.add(problem(at, header, "may have at most " + MAX_TEXT + " characters"));
            else metadata.put(header, text);
        });
        return new Filled(at, values, metadata);
    }

    /** The column of each header (its title without the required mark, any case); missing and unknown ones are problems. */
    private void headers() {
        Map<String, Column> byTitle = new LinkedHashMap<>();
        for (Column c : columns) byTitle.put(c.header().toLowerCase(Locale.ROOT), c);
        Xlsx.Row header = rows.next(Integer.MAX_VALUE);
        if (header != null && header.index() == 0) {
            for (Xlsx.Cell cell : header.cells()) {
                String col = CellReference.convertNumToColString(cell.column());
                if (cell.type() != Xlsx.Type.TEXT) {
                    if (cell.type() != Xlsx.Type.BLANK) problems.add(new Problem(kind.sheet, 1, col, null, "is not a column of the template"));
                    continue;
                }
                String title = cell.text();
                if (title.isEmpty()) continue;
                if (title.endsWith("*")) title = title.substring(0, title.length() - 1).strip();
                Column c = byTitle.get(title.toLowerCase(Locale.ROOT));
                if (c == null && kind.metadataColumns) {
                    if (metadataIndex.putIfAbsent(title, cell.column()) != null) {
                        problems.add(new Problem(kind.sheet, 1, col, title, "is a second column with this header"));
                    }
                } else if (c == null) {
                    problems.add(new Problem(kind.sheet, 1, col, title, "is not a column of the template"));
                } else if (index.putIfAbsent(c.header(), cell.column()) != null) {
                    problems.add(new Problem(kind.sheet, 1, col, c.header(), "is a second column with this header"));
                }
            }
        }
        for (Column c : columns) {
            if (c.required() && !index.containsKey(c.header())) {
                problems.add(new Problem(kind.sheet, 1, null, c.header(), "the required column '" + c.header() + "' is missing from the header row"));
            }
        }
        width = Math.max(index.values().stream().mapToInt(i -> i + 1).max().orElse(0),
                metadataIndex.values().stream().mapToInt(i -> i + 1).max().orElse(0));
    }

    /** The cell's text ("" when empty); null, with a problem reported, when it is not a value. */
    private String text(int row, Xlsx.Cell cell, String header) {
        return switch (cell.type()) {
            case BLANK -> "";
            case TEXT, NUMBER, BOOLEAN -> cell.text();
            case FORMULA -> {
                problems.add(problem(row, header, "holds a formula" + (cell.text().isEmpty() ? "" : " (" + cell.text() + ")")
                        + ": formulas are not read, enter the value itself"));
                yield null;
            }
            case ERROR -> {
                problems.add(problem(row, header, "holds an error value, not a value"));
                yield null;
            }
        };
    }

    /**
     * The project a row's "Project" cell names ("name (#id)" as the list offers it, or an id); null when the cell is
     * empty, or when it names none (then a problem of the cell).
     */
    Long project(Filled row) {
        String text = row.values().getOrDefault("Project", "");
        if (text.isEmpty()) return null;
        Long project = id(text);
        if (project == null) {
            problems.add(problem(row.row(), "Project", "'" + text + "' names no project: choose one of the list (name (#id)) or give its id"));
        }
        return project;
    }

    /**
     * The id a reference to a project or sample gives: "name (#id)", as the template's lists offer them (names may
     * repeat), or the id alone; null for a name.
     */
    static Long id(String text) {
        Matcher m = ID.matcher(text);
        if (m.find()) return Long.parseLong(m.group(1));
        return text.matches("\\d{1,18}") ? Long.parseLong(text) : null;
    }

    /** The list's value equal to {@code text} whatever its case, or null. */
    private static String find(List<String> values, String text) {
        for (String v : values) if (v.equalsIgnoreCase(text)) return v;
        return null;
    }

    @Override
    public void close() {
        rows.close();
    }
}
