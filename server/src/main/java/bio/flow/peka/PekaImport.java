package bio.flow.peka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Loads a PEKA results folder ({@code flow peka import DIR}). The folder holds:
 * <ul>
 * <li>{@code entities.tsv}: a header {@code name gene species type} (tab-separated, in any order) and one entity a line;</li>
 * <li>{@code <entity>_<k>mer_distribution_<region>.tsv}, as PEKA writes them: a header whose first column is the k-mer
 *     (any name, often empty) followed by {@code mtxn prtxn artxn aroxn etxn PEKA-score p-value} and the positions
 *     {@code -48 .. 50} (in any order), then one k-mer a line; numbers may be {@code nan};</li>
 * <li>optionally {@code <entity>.bed}: the entity's motif occurrences as BED6 (chromosome, start, end, motif, score or
 *     {@code .}, strand); {@code track}, {@code browser} and {@code #} lines are skipped.</li>
 * </ul>
 * Other files are ignored (PEKA writes plots and more beside them). Every result file must name an entity of the
 * folder's entities.tsv. The import is one transaction that replaces all k-mer scores and motif lines of the entities
 * it names (entities keep their ids), so importing the same folder again gives the same rows, and a malformed file
 * anywhere ({@link MalformedException}, naming the file and line) leaves the database as it was.
 */
public final class PekaImport {
    public static final String ENTITIES = "entities.tsv";
    public static final int FIRST_POSITION = -48;
    public static final int LAST_POSITION = 50;
    public static final int POSITIONS = LAST_POSITION - FIRST_POSITION + 1;
    /** The statistic columns of a distribution file, in the order PEKA writes them and the table stores them. */
    public static final List<String> STATISTICS = List.of("mtxn", "prtxn", "artxn", "aroxn", "etxn", "PEKA-score", "p-value");
    static final List<String> ENTITY_COLUMNS = List.of("name", "gene", "species", "type");
    static final Pattern DISTRIBUTION = Pattern.compile("(.+)_(\\d{1,2})mer_distribution_([A-Za-z0-9_.-]{1,50})\\.tsv");
    static final int MAX_K = 12;
    static final int MAX_NAME = 200;
    private static final int BATCH = 500;

    private final Jdbi jdbi;

    public PekaImport(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** What one import loaded. */
    public record Summary(int entities, int distributionFiles, int kmerRows, int bedFiles, int motifLines) {}

    /** A file of the folder that cannot be loaded; line 0 is the file as a whole. Nothing was written. */
    public static final class MalformedException extends RuntimeException {
        private final Path file;
        private final int line;

        MalformedException(Path file, int line, String message) {
            super(file + (line > 0 ? ":" + line : "") + ": " + message, null, false, false);
            this.file = file;
            this.line = line;
        }

        public Path file() { return file; }

        public int line() { return line; }
    }

    private record Entity(String name, String gene, String species, String type) {}

    private record Distribution(Path file, String entity, int k, String region) {}

    /** Checks the folder's layout, then loads it in one transaction. */
    public Summary load(Path dir) {
        if (!Files.isDirectory(dir)) throw new MalformedException(dir, 0, "is not a folder");
        Path entitiesFile = dir.resolve(ENTITIES);
        if (!Files.isRegularFile(entitiesFile)) throw new MalformedException(entitiesFile, 0, "is missing: a PEKA folder lists its entities there");
        List<Entity> entities = readEntities(entitiesFile);
        Map<String, Entity> byName = new HashMap<>();
        entities.forEach(e -> byName.put(key(e.name()), e));

        List<Distribution> distributions = new ArrayList<>();
        List<Path> beds = new ArrayList<>();
        for (Path file : files(dir)) {
            String name = file.getFileName().toString();
            Matcher m = DISTRIBUTION.matcher(name);
            if (m.matches()) {
                int k = Integer.parseInt(m.group(2));
                if (k < 1 || k > MAX_K) throw new MalformedException(file, 0, "k must be between 1 and " + MAX_K + ", not " + k);
                distributions.add(new Distribution(file, entityOf(byName, file, m.group(1)), k, m.group(3)));
            } else if (name.endsWith(".bed")) {
                entityOf(byName, file, name.substring(0, name.length() - ".bed".length()));
                beds.add(file);
            }
        }
        return jdbi.inTransaction(h -> {
            Map<String, Long> ids = upsert(h, entities);
            h.createUpdate("DELETE FROM peka_kmer_scores WHERE entity_id = ANY(:ids)").bindArray("ids", Long.class, ids.values()).execute();
            h.createUpdate("DELETE FROM peka_motif_lines WHERE entity_id = ANY(:ids)").bindArray("ids", Long.class, ids.values()).execute();
            int rows = 0;
            for (Distribution d : distributions) rows += loadDistribution(h.getConnection(), d, ids.get(key(d.entity())));
            int lines = 0;
            for (Path bed : beds) {
                String name = bed.getFileName().toString();
                lines += loadBed(h.getConnection(), bed, ids.get(key(name.substring(0, name.length() - ".bed".length()))));
            }
            return new Summary(entities.size(), distributions.size(), rows, beds.size(), lines);
        });
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static String entityOf(Map<String, Entity> byName, Path file, String name) {
        Entity e = byName.get(key(name));
        if (e == null) throw new MalformedException(file, 0, "names the entity '" + name + "', which " + ENTITIES + " does not list");
        return e.name();
    }

    private static List<Path> files(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static List<Entity> readEntities(Path file) {
        List<Entity> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String headerLine = in.readLine();
            if (headerLine == null) throw new MalformedException(file, 1, "is empty; expected the header " + String.join("\t", ENTITY_COLUMNS));
            List<String> header = fields(headerLine);
            if (header.size() != ENTITY_COLUMNS.size() || !new HashSet<>(header).equals(new HashSet<>(ENTITY_COLUMNS))) {
                throw new MalformedException(file, 1, "the header must be the tab-separated columns " + String.join(", ", ENTITY_COLUMNS)
                        + " (in any order), not " + header);
            }
            int[] at = ENTITY_COLUMNS.stream().mapToInt(header::indexOf).toArray();
            String line;
            int number = 1;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) continue;
                List<String> f = fields(line);
                if (f.size() != header.size()) throw new MalformedException(file, number, f.size() + " fields, but the header has " + header.size());
                String[] v = new String[4];
                for (int i = 0; i < 4; i++) {
                    v[i] = f.get(at[i]).strip();
                    if (v[i].isEmpty() || v[i].length() > MAX_NAME) {
                        throw new MalformedException(file, number, ENTITY_COLUMNS.get(i) + " must be 1 to " + MAX_NAME + " characters");
                    }
                }
                if (!seen.add(key(v[0]))) throw new MalformedException(file, number, "the entity '" + v[0] + "' is listed twice");
                out.add(new Entity(v[0], v[1], v[2], v[3]));
            }
        } catch (IOException e) {
            throw new MalformedException(file, 0, "cannot be read: " + e.getMessage());
        }
        return out;
    }

    private static Map<String, Long> upsert(Handle h, List<Entity> entities) {
        Map<String, Long> ids = new LinkedHashMap<>();
        for (Entity e : entities) {
            long id = h.createQuery("INSERT INTO peka_entities (name, gene, species, type) VALUES (:name, :gene, :species, :type) "
                            + "ON CONFLICT ((lower(name))) DO UPDATE SET name = EXCLUDED.name, gene = EXCLUDED.gene, "
                            + "species = EXCLUDED.species, type = EXCLUDED.type RETURNING id")
                    .bind("name", e.name()).bind("gene", e.gene()).bind("species", e.species()).bind("type", e.type())
                    .mapTo(Long.class).one();
            ids.put(key(e.name()), id);
        }
        return ids;
    }

    /** The columns of a distribution file's header: where each statistic and position is. */
    private static int[] distributionColumns(Path file, List<String> header) {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        STATISTICS.forEach(s -> wanted.put(s, wanted.size()));
        for (int p = FIRST_POSITION; p <= LAST_POSITION; p++) wanted.put(Integer.toString(p), wanted.size());
        int[] at = new int[wanted.size()];
        java.util.Arrays.fill(at, -1);
        for (int i = 1; i < header.size(); i++) {
            String column = header.get(i).strip();
            Integer slot = wanted.get(column);
            if (slot == null) {
                throw new MalformedException(file, 1, "unknown column '" + column + "'; expected the k-mer, "
                        + String.join(", ", STATISTICS) + " and the positions " + FIRST_POSITION + " to " + LAST_POSITION);
            }
            if (at[slot] >= 0) throw new MalformedException(file, 1, "the column '" + column + "' is there twice");
            at[slot] = i;
        }
        List<String> missing = new ArrayList<>();
        wanted.forEach((column, slot) -> { if (at[slot] < 0) missing.add(column); });
        if (!missing.isEmpty()) {
            throw new MalformedException(file, 1, "the header lacks the column(s) " + String.join(", ", missing) + " (positions run from "
                    + FIRST_POSITION + " to " + LAST_POSITION + ", " + POSITIONS + " columns)");
        }
        return at;
    }

    private static int loadDistribution(Connection c, Distribution d, long entityId) {
        Path file = d.file();
        return insertLines(c, file, "INSERT INTO peka_kmer_scores (entity_id, region, kmer, mtxn, prtxn, artxn, aroxn, "
                + "etxn, peka_score, p_value, positions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (in, insert, batch) -> {
            String headerLine = in.readLine();
            if (headerLine == null) throw new MalformedException(file, 1, "is empty; expected a header");
            List<String> header = fields(headerLine);
            int[] at = distributionColumns(file, header);
            Set<String> seen = new HashSet<>();
            String line;
            int number = 1;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) continue;
                List<String> f = fields(line);
                if (f.size() != header.size()) {
                    throw new MalformedException(file, number, f.size() + " fields, but the header has " + header.size()
                            + " (the k-mer, " + STATISTICS.size() + " statistics and " + POSITIONS + " positions)");
                }
                String kmer = f.get(0).strip().toUpperCase(Locale.ROOT).replace('T', 'U');
                if (kmer.length() != d.k() || !kmer.matches("[ACGU]+")) {
                    throw new MalformedException(file, number, "'" + f.get(0) + "' is not a " + d.k() + "-mer of A, C, G and T (or U)");
                }
                if (!seen.add(kmer)) throw new MalformedException(file, number, "the k-mer " + f.get(0) + " is there twice");
                insert.setLong(1, entityId);
                insert.setString(2, d.region());
                insert.setString(3, kmer);
                for (int s = 0; s < STATISTICS.size(); s++) {
                    Double v = number(file, number, STATISTICS.get(s), f.get(at[s]));
                    if (v == null) insert.setNull(4 + s, Types.DOUBLE);
                    else insert.setDouble(4 + s, v);
                }
                Float[] positions = new Float[POSITIONS];
                for (int p = 0; p < POSITIONS; p++) {
                    Double v = number(file, number, Integer.toString(FIRST_POSITION + p), f.get(at[STATISTICS.size() + p]));
                    positions[p] = v == null ? null : v.floatValue();
                }
                insert.setArray(11, c.createArrayOf("float4", positions));
                batch.add();
            }
        });
    }

    private static int loadBed(Connection c, Path file, long entityId) {
        return insertLines(c, file, "INSERT INTO peka_motif_lines (entity_id, chromosome, start_pos, end_pos, motif, "
                + "score, strand) VALUES (?, ?, ?, ?, ?, ?, ?)", (in, insert, batch) -> {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("#") || line.startsWith("track") || line.startsWith("browser")) continue;
                List<String> f = fields(line);
                if (f.size() < 6) {
                    throw new MalformedException(file, number, f.size() + " fields; a motif line has at least 6 (chromosome, start, end, "
                            + "motif, score, strand)");
                }
                String chromosome = f.get(0).strip();
                if (chromosome.isEmpty() || chromosome.length() > MAX_NAME) throw new MalformedException(file, number, "the chromosome must be 1 to " + MAX_NAME + " characters");
                long start = whole(file, number, "start", f.get(1));
                long end = whole(file, number, "end", f.get(2));
                if (start < 0 || end <= start) throw new MalformedException(file, number, "start must be 0 or more and less than end (" + start + ", " + end + ")");
                String motif = f.get(3).strip();
                if (motif.isEmpty() || motif.length() > MAX_NAME) throw new MalformedException(file, number, "the motif must be 1 to " + MAX_NAME + " characters");
                Double score = f.get(4).strip().equals(".") ? null : number(file, number, "score", f.get(4));
                String strand = f.get(5).strip();
                if (!Set.of("+", "-", ".").contains(strand)) throw new MalformedException(file, number, "the strand must be +, - or ., not '" + strand + "'");
                insert.setLong(1, entityId);
                insert.setString(2, chromosome);
                insert.setLong(3, start);
                insert.setLong(4, end);
                insert.setString(5, motif);
                if (score == null) insert.setNull(6, Types.DOUBLE);
                else insert.setDouble(6, score);
                insert.setString(7, strand);
                batch.add();
            }
        });
    }

    /** An insert whose rows are sent {@value #BATCH} at a time, counting them. */
    private static final class Batch {
        private final PreparedStatement statement;
        private int rows;

        Batch(PreparedStatement statement) {
            this.statement = statement;
        }

        /** Adds the row bound on the statement. */
        void add() throws SQLException {
            statement.addBatch();
            if (++rows % BATCH == 0) statement.executeBatch();
        }
    }

    private interface LineLoader {
        void load(BufferedReader in, PreparedStatement insert, Batch batch) throws IOException, SQLException;
    }

    /**
     * Reads {@code file} with {@code loader}, which binds its rows into {@code sql}'s batch; answers how many rows.
     * A file that cannot be read is malformed; a row the database refuses stops the import.
     */
    private static int insertLines(Connection c, Path file, String sql, LineLoader loader) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); PreparedStatement statement = c.prepareStatement(sql)) {
            Batch batch = new Batch(statement);
            loader.load(in, statement, batch);
            statement.executeBatch();
            return batch.rows;
        } catch (IOException e) {
            throw new MalformedException(file, 0, "cannot be read: " + e.getMessage());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store " + file + ": " + e.getMessage(), e);
        }
    }

    /** A line's tab-separated fields (a trailing carriage return dropped). */
    private static List<String> fields(String line) {
        String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        return List.of(l.split("\t", -1));
    }

    /** A finite number, or null for PEKA's nan (and an empty field). */
    private static Double number(Path file, int line, String column, String raw) {
        String v = raw.strip();
        if (v.isEmpty() || v.equalsIgnoreCase("nan")) return null;
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) return d;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MalformedException(file, line, column + ": '" + raw + "' is not a number");
    }

    private static long whole(Path file, int line, String column, String raw) {
        try {
            return Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            throw new MalformedException(file, line, column + ": '" + raw + "' is not a whole number");
        }
    }
}
