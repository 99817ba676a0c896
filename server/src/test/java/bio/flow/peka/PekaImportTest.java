package bio.flow.peka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import bio.flow.testing.TempDirs;
import bio.flow.testing.TestServer;
import bio.flow.testing.Users;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed PEKA folders: each is refused with the file and line named, and nothing of it is written, not even the
 * rows of the valid files loaded before the bad one (the UTR3 file sorts before the intron file that is spoilt).
 */
class PekaImportTest {
    private static final TestServer server = TestServer.shared();
    private static Path example;

    @BeforeAll
    static void writeTheExample() throws IOException {
        example = Files.createTempDirectory("peka-example-");
        PekaExample.write(example);
    }

    @AfterAll
    static void removeTheExample() {
        TempDirs.delete(example);
    }

    /** A folder with one fresh entity and HuR's example files under its name; {@code spoil} changes the intron file's lines. */
    private static Path folder(String entity, UnaryOperator<List<String>> spoil) throws IOException {
        Path dir = Files.createTempDirectory("peka-bad-");
        Files.writeString(dir.resolve(PekaImport.ENTITIES), "name\tgene\tspecies\ttype\n" + entity + "\tGENE1\thuman\tRBP\n");
        for (String region : PekaExample.REGIONS) {
            List<String> lines = Files.readAllLines(example.resolve("HuR_5mer_distribution_" + region + ".tsv"));
            if (region.equals("intron")) lines = spoil.apply(new ArrayList<>(lines));
            Files.write(dir.resolve(entity + "_5mer_distribution_" + region + ".tsv"), lines, StandardCharsets.UTF_8);
        }
        Files.copy(example.resolve("HuR.bed"), dir.resolve(entity + ".bed"));
        return dir;
    }

    /** Line {@code index} (0: the header) with field {@code field} set to {@code value}. */
    private static UnaryOperator<List<String>> field(int index, int field, String value) {
        return lines -> {
            String[] f = lines.get(index).split("\t", -1);
            f[field] = value;
            lines.set(index, String.join("\t", f));
            return lines;
        };
    }

    /** Imports the folder, expects it refused at file:line with the message, and checks that nothing was written. */
    private static void refused(Path dir, String entity, String file, int line, String message) {
        try {
            assertThatThrownBy(() -> new PekaImport(server.jdbi()).load(dir))
                    .isInstanceOfSatisfying(PekaImport.MalformedException.class, e -> {
                        assertThat(e.file().getFileName().toString()).isEqualTo(file);
                        assertThat(e.line()).isEqualTo(line);
                        assertThat(e.getMessage()).contains(file + (line > 0 ? ":" + line : "") + ": ").contains(message);
                    });
            assertThat(server.queryLong("SELECT count(*) FROM peka_entities WHERE name = '" + entity + "'")).isZero();
            assertThat(server.queryLong("SELECT count(*) FROM peka_kmer_scores s JOIN peka_entities e ON e.id = s.entity_id "
                    + "WHERE e.name = '" + entity + "'")).isZero();
        } finally {
            TempDirs.delete(dir);
        }
    }

    private static String fresh() {
        return Users.uniqueName("rbp");
    }

    @Test
    void aValidFolderLoads() throws IOException {
        String entity = fresh();
        Path dir = folder(entity, lines -> lines);
        try {
            PekaImport.Summary s = new PekaImport(server.jdbi()).load(dir);
            assertThat(s.entities()).isEqualTo(1);
            assertThat(s.kmerRows()).isEqualTo(2 * 1024);
            assertThat(s.motifLines()).isEqualTo(PekaExample.LINES_PER_PROTEIN);
            assertThat(server.queryLong("SELECT count(*) FROM peka_kmer_scores s JOIN peka_entities e ON e.id = s.entity_id "
                    + "WHERE e.name = '" + entity + "'")).isEqualTo(2 * 1024);
        } finally {
            TempDirs.delete(dir);
        }
    }

    @Test
    void aBadHeaderIsRefused() throws IOException {
        String entity = fresh();
        refused(folder(entity, field(0, 6, "PEKA_score")), entity, entity + "_5mer_distribution_intron.tsv", 1, "unknown column 'PEKA_score'");
    }

    @Test
    void aHeaderWithoutAllPositionsIsRefused() throws IOException {
        String entity = fresh();
        UnaryOperator<List<String>> dropLastColumn = lines -> {
            List<String> out = new ArrayList<>();
            for (String l : lines) out.add(l.substring(0, l.lastIndexOf('\t')));
            return out;
        };
        refused(folder(entity, dropLastColumn), entity, entity + "_5mer_distribution_intron.tsv", 1, "lacks the column(s) 50");
    }

    @Test
    void aNonNumericScoreIsRefused() throws IOException {
        String entity = fresh();
        refused(folder(entity, field(2, 6, "abc")), entity, entity + "_5mer_distribution_intron.tsv", 3, "PEKA-score: 'abc' is not a number");
    }

    @Test
    void aRowWithTooFewPositionsIsRefused() throws IOException {
        String entity = fresh();
        UnaryOperator<List<String>> shortRow = lines -> {
            String l = lines.get(3);
            lines.set(3, l.substring(0, l.lastIndexOf('\t')));
            return lines;
        };
        refused(folder(entity, shortRow), entity, entity + "_5mer_distribution_intron.tsv", 4, "106 fields, but the header has 107");
    }

    @Test
    void aKmerOfTheWrongLengthOrLettersIsRefused() throws IOException {
        String entity = fresh();
        refused(folder(entity, field(5, 0, "AAXAA")), entity, entity + "_5mer_distribution_intron.tsv", 6, "is not a 5-mer");
        String other = fresh();
        refused(folder(other, field(5, 0, "AAAA")), other, other + "_5mer_distribution_intron.tsv", 6, "is not a 5-mer");
    }

    @Test
    void aBadBedLineIsRefused() throws IOException {
        String entity = fresh();
        Path dir = folder(entity, lines -> lines);
        List<String> bed = new ArrayList<>(Files.readAllLines(dir.resolve(entity + ".bed")));
        String[] f = bed.get(4).split("\t");
        f[5] = "x";
        bed.set(4, String.join("\t", f));
        Files.write(dir.resolve(entity + ".bed"), bed);
        refused(dir, entity, entity + ".bed", 5, "the strand must be +, - or .");
    }

    @Test
    void aFileOfAnUnlistedEntityOrNoEntitiesTableIsRefused() throws IOException {
        String entity = fresh();
        Path dir = folder(entity, lines -> lines);
        Files.copy(example.resolve("TTP.bed"), dir.resolve("TTP.bed"));
        refused(dir, entity, "TTP.bed", 0, "names the entity 'TTP', which entities.tsv does not list");

        String other = fresh();
        Path noTable = folder(other, lines -> lines);
        Files.delete(noTable.resolve(PekaImport.ENTITIES));
        refused(noTable, other, PekaImport.ENTITIES, 0, "is missing");

        String third = fresh();
        Path badTable = folder(third, lines -> lines);
        Files.writeString(badTable.resolve(PekaImport.ENTITIES), "name\tgene\tspecies\n" + third + "\tG\thuman\n");
        refused(badTable, third, PekaImport.ENTITIES, 1, "the header must be the tab-separated columns name, gene, species, type");
    }

    @Test
    void theColumnsMayComeInAnyOrder() throws IOException {
        String entity = fresh();
        // PEKA itself writes the positions before the statistics: move the 7 statistics to the end of every line
        UnaryOperator<List<String>> statisticsLast = lines -> {
            List<String> out = new ArrayList<>();
            for (String l : lines) {
                String[] f = l.split("\t", -1);
                List<String> moved = new ArrayList<>(List.of(f[0]));
                moved.addAll(Arrays.asList(f).subList(8, f.length));
                moved.addAll(Arrays.asList(f).subList(1, 8));
                out.add(String.join("\t", moved));
            }
            return out;
        };
        Path dir = folder(entity, statisticsLast);
        try {
            new PekaImport(server.jdbi()).load(dir);
            assertThat(server.queryLong("SELECT count(*) FROM peka_kmer_scores s JOIN peka_entities e ON e.id = s.entity_id "
                    + "WHERE e.name = '" + entity + "' AND s.region = 'intron' AND s.kmer = 'UUUUU' AND s.p_value < 0.001 "
                    + "AND s.positions[49] > s.positions[1]")).isEqualTo(1);
        } finally {
            TempDirs.delete(dir);
        }
    }
}
