package bio.flow.annotation;

import bio.flow.annotation.TemplateSheet.Filled;
import bio.flow.annotation.TemplateSheet.Problem;
import bio.flow.annotation.Templates.Kind;
import bio.flow.annotation.Templates.Column;
import bio.flow.http.ApiException;
import bio.flow.http.Caller;
import bio.flow.multiplexed.Demultiplexer;
import bio.flow.multiplexed.Multiplexed;
import bio.flow.multiplexed.Multiplexed.Note;
import bio.flow.multiplexed.Multiplexed.Row;
import bio.flow.samples.Samples;
import bio.flow.samples.Samples.SampleFields;
import bio.flow.uploads.FileNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * A filled multiplexed sheet ({@link Kind#MULTIPLEXED}, .xlsx or .csv): its rows read and checked, then stored as a sheet
 * that waits for its reads ({@link Multiplexed}).
 *
 * <p>Problems (400 {@code details.validation}, nothing stored): what {@link TemplateSheet} finds in the cells, a barcode
 * that is not one ({@link Demultiplexer#checkPattern}), a position other than index or inline, a file name Flow refuses, a
 * sample name twice in the sheet, within one Reads 1 file a barcode twice, positions or Reads 2 files that disagree,
 * a file named both as a Reads 1 and a Reads 2 file, a project the caller cannot add samples to, and whatever creating
 * the row's sample refuses (its type, organism, source, metadata...: {@link Samples#create}, in a savepoint rolled back).
 *
 * <p>Warnings (400 {@code details.warnings} unless {@code ignore_warnings=true}): the caller has a sample of that
 * name already (a second is made), two barcodes of one file that a read with one mismatch could match both of (such
 * reads are undetermined), a Reads 1 file that another waiting sheet expects too (the newest sheet gets it), a read
 * file whose name does not say FASTQ.
 */
final class MultiplexedImport {
    /** The answer to a dry run: the sheet is clean, and would be stored with these warnings. */
    record DryRun(boolean dry_run, int rows, List<Note> warnings) {}

    private static final String FASTQ_NAME = "(?i).+\\.(fastq|fq)(\\.gz)?";

    private final TemplateSheet sheet;
    /** The columns of the lab's metadata attributes (values and annotations). */
    private final List<Column> metadataColumns;
    private final List<Row> rows = new ArrayList<>();

    private MultiplexedImport(TemplateSheet sheet, Templates.Form form) {
        this.sheet = sheet;
        this.metadataColumns = Templates.columns(Kind.MULTIPLEXED, form.attributes()).stream().filter(c -> c.metadata() != null).toList();
    }

    /** Reads the sheet's rows and checks their cells; the form's lists are the values each controlled column takes (any case). */
    static MultiplexedImport read(SheetRows source, Templates.Form form) {
        try (TemplateSheet sheet = TemplateSheet.open(source, Kind.MULTIPLEXED, form)) {
            MultiplexedImport m = new MultiplexedImport(sheet, form);
            for (Filled row = sheet.next(); row != null; row = sheet.next()) m.add(row);
            return m;
        }
    }

    private void add(Filled row) {
        Map<String, String> v = row.values();
        int at = row.row();
        int problems = sheet.problems().size();
        Demultiplexer.Position position = switch (v.getOrDefault("Barcode position", "").toLowerCase(Locale.ROOT)) {
            case "", "index" -> Demultiplexer.Position.INDEX;
            case "inline" -> Demultiplexer.Position.INLINE;
            default -> {
                sheet.problems().add(sheet.problem(at, "Barcode position", "'" + v.get("Barcode position") + "' is neither index nor inline"));
                yield null;
            }
        };
        String barcode = v.get("Barcode") == null ? null : v.get("Barcode").toUpperCase(Locale.ROOT);
        if (barcode != null && !barcode.isEmpty() && position != null) {
            String why = Demultiplexer.checkPattern(barcode, position);
            if (why != null) sheet.problems().add(sheet.problem(at, "Barcode", why));
        }
        for (String header : List.of("Reads 1 file", "Reads 2 file")) {
            String name = v.get(header);
            if (name == null || name.isEmpty()) continue;
            try {
                FileNames.check(name);
            } catch (ApiException e) {
                sheet.problems().add(sheet.problem(at, header, "'" + name + "' is not a file name Flow accepts (" + e.getMessage() + ")"));
            }
        }
        Long project = sheet.project(row);
        if (sheet.problems().size() > problems || v.get("Sample name") == null || v.get("Barcode") == null || v.get("Reads 1 file") == null) return;
        // the columns of the lab's attributes (their options checked by the sheet), then the free-form columns
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Column c : metadataColumns) {
            String value = v.get(c.header());
            if (value != null && !value.isEmpty()) metadata.put(c.metadata(), value);
        }
        row.metadata().forEach(metadata::putIfAbsent);
        SampleFields fields = new SampleFields(v.get("Sample name"), project, blankToNull(v.get("Organism")), blankToNull(v.get("Sample type")),
                blankToNull(v.get("Source")), blankToNull(v.get("Purification target")), blankToNull(v.get("Condition")),
                blankToNull(v.get("Replicate group")), metadata.isEmpty() ? null : metadata);
        rows.add(new Row(at, barcode, position, v.get("Reads 1 file"), blankToNull(v.get("Reads 2 file")), fields));
    }

    /**
     * Checks the rows against each other and the database; with no problem, and no warning or {@code ignoreWarnings},
     * stores the sheet (under {@code id} when given) unless {@code dryRun}. Answers the sheet's status (or the dry run's).
     */
    Object run(Handle h, Caller caller, Samples samples, Multiplexed multiplexed, String filename, Long id, boolean dryRun, boolean ignoreWarnings) {
        List<Problem> problems = new ArrayList<>(sheet.problems());
        // a sheet without rows would wait for no reads, for ever
        if (problems.isEmpty() && rows.isEmpty()) problems.add(sheet.problem(2, null, "the sheet has no rows: one per sample, under the header row"));
        List<Note> warnings = new ArrayList<>();
        Map<String, Row> names = new HashMap<>();
        Map<String, Row> files = new LinkedHashMap<>(); // each Reads 1 file's first row
        Map<String, Row> barcodes = new HashMap<>();
        Set<String> reads2 = new HashSet<>();
        for (Row r : rows) if (r.reads2() != null) reads2.add(r.reads2());
        for (Row r : rows) {
            Row same = names.putIfAbsent(r.sample().name(), r);
            if (same != null) problems.add(sheet.problem(r.row(), "Sample name", "'" + r.sample().name() + "' is already the name of row " + same.row()
                    + "; each row makes one sample"));
            Row first = files.putIfAbsent(r.reads1(), r);
            if (first != null && first.position() != r.position()) {
                problems.add(sheet.problem(r.row(), "Barcode position", "differs from row " + first.row() + "'s: the barcodes of one reads file are "
                        + "all in the index read or all inline"));
            }
            if (first != null && !Objects.equals(first.reads2(), r.reads2())) {
                problems.add(sheet.problem(r.row(), "Reads 2 file", "differs from row " + first.row() + "'s (" + (first.reads2() == null ? "none"
                        : "'" + first.reads2() + "'") + ") for the same Reads 1 file '" + r.reads1() + "'"));
            }
            Row twice = barcodes.putIfAbsent(r.reads1() + "\u0000" + r.barcode(), r);
            if (twice != null) problems.add(sheet.problem(r.row(), "Barcode", r.barcode() + " is already row " + twice.row() + "'s barcode in '"
                    + r.reads1() + "'"));
            if (reads2.contains(r.reads1()) || r.reads1().equals(r.reads2())) {
                problems.add(sheet.problem(r.row(), "Reads 1 file", "'" + r.reads1() + "' is also named as a Reads 2 file"));
            }
        }

        // the projects: the caller must be able to add samples to them (all asked in one query)
        Map<Long, String> refused = samples.projectsRefused(h, caller, rows.stream().map(r -> r.sample().project()).filter(Objects::nonNull)
                .distinct().toList());
        for (Row r : rows) {
            if (r.sample().project() != null && refused.containsKey(r.sample().project())) {
                problems.add(sheet.problem(r.row(), "Project", refused.get(r.sample().project())));
            }
        }
        // what making the samples refuses (types, organisms, sources, metadata and the lab's attributes): all rows in one go,
        // and only when that fails row by row, to say which
        if (!creates(h, caller, samples, rows.stream().filter(r -> !refused.containsKey(r.sample().project())).map(Row::sample).toList())) {
            for (Row r : rows) {
                if (refused.containsKey(r.sample().project())) continue;
                String why = refusal(h, caller, samples, r.sample());
                if (why != null) problems.add(sheet.problem(r.row(), null, why));
            }
        }
        if (!problems.isEmpty()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("validation", notes(problems));
            details.put("problem_count", problems.size());
            throw ApiException.invalid(problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + " in the multiplexed sheet; nothing was stored",
                    details);
        }

        // warnings
        Set<String> existing = new HashSet<>(h.createQuery("SELECT name FROM samples WHERE owner_id = :caller AND name = ANY(:names)")
                .bind("caller", caller.id()).bindArray("names", String.class, names.keySet()).mapTo(String.class).list());
        for (Row r : rows) {
            if (existing.contains(r.sample().name())) {
                warnings.add(new Note(r.row(), "Sample name", "you already have a sample called '" + r.sample().name() + "'; a second one will be made"));
            }
        }
        for (String file : files.keySet()) {
            List<Row> of = rows.stream().filter(r -> r.reads1().equals(file)).toList();
            Map<String, Row> byKey = new HashMap<>();
            List<Demultiplexer.Barcode> list = new ArrayList<>();
            for (Row r : of) {
                byKey.put(Integer.toString(r.row()), r);
                list.add(new Demultiplexer.Barcode(Integer.toString(r.row()), r.barcode(), r.position()));
            }
            for (List<String> pair : Demultiplexer.conflicts(list, Multiplexed.MAX_MISMATCHES)) {
                Row a = byKey.get(pair.get(0));
                Row b = byKey.get(pair.get(1));
                warnings.add(new Note(b.row(), "Barcode", b.barcode() + " and row " + a.row() + "'s " + a.barcode() + " are so close that a read with "
                        + Multiplexed.MAX_MISMATCHES + " mismatch could match both; such reads go to the undetermined reads"));
            }
        }
        List<String> awaited = multiplexed.awaited(h, caller, List.copyOf(files.keySet()));
        for (Row r : files.values()) {
            if (awaited.contains(r.reads1())) {
                warnings.add(new Note(r.row(), "Reads 1 file", "another of your waiting multiplexed sheets expects '" + r.reads1()
                        + "' too; the file you upload next under that name goes to this newest sheet"));
            }
            for (String name : new String[] {r.reads1(), r.reads2()}) {
                if (name != null && !name.matches(FASTQ_NAME)) {
                    warnings.add(new Note(r.row(), name.equals(r.reads1()) ? "Reads 1 file" : "Reads 2 file", "'" + name
                            + "' does not end in .fastq, .fq, .fastq.gz or .fq.gz: the file must be FASTQ"));
                }
            }
        }
        if (!warnings.isEmpty() && !ignoreWarnings) {
            throw ApiException.invalid(warnings.size() + " warning" + (warnings.size() == 1 ? "" : "s") + " about the multiplexed sheet; nothing was "
                    + "stored: send it again with ignore_warnings=true to accept them", Map.of("warnings", warnings));
        }
        if (dryRun) return new DryRun(true, rows.size(), warnings);
        long sheetId = multiplexed.create(h, caller, id, filename, rows, warnings);
        return multiplexed.status(h, caller, sheetId);
    }

    /** Whether the samples can be made (made in a savepoint, rolled back). */
    private static boolean creates(Handle h, Caller caller, Samples samples, List<SampleFields> fields) {
        return refusal(h, caller, samples, fields) == null;
    }

    private static String refusal(Handle h, Caller caller, Samples samples, SampleFields fields) {
        return refusal(h, caller, samples, List.of(fields));
    }

    /** Why making the samples is refused, or null when it is not (made in a savepoint, rolled back). */
    private static String refusal(Handle h, Caller caller, Samples samples, List<SampleFields> fields) {
        String savepoint = "multiplexed_check";
        h.savepoint(savepoint);
        try {
            samples.create(h, caller, fields);
            return null;
        } catch (ApiException e) {
            return e.getMessage();
        } finally {
            h.rollbackToSavepoint(savepoint);
        }
    }

    /** Problems as the client prints them: {@code row <row>: <column>: <message>}. */
    private static List<Note> notes(List<Problem> problems) {
        return problems.stream().map(p -> new Note(p.row(), p.header(), p.header() == null ? p.message() : p.header() + ": " + p.message())).toList();
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
