package bio.flow.peka;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.config.Config;
import bio.flow.db.Database;
import bio.flow.testing.TempDirs;
import bio.flow.testing.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code flow peka example DIR} then {@code flow peka import DIR} ({@link PekaCommand}, as {@code bio.flow.Main} runs
 * it) on a fresh data directory: exit statuses and messages, a malformed folder leaving nothing behind, importing twice
 * giving the same rows, a running server's directory refused, and the imported results served over HTTP.
 */
class PekaCommandTest {

    private record Outcome(int status, String out, String err) {}

    private static Outcome peka(Path dataDir, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Config config = Config.fromMap(Map.of("FLOW_DATA_DIR", dataDir.toString()));
        int status = PekaCommand.run(config, args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Every stored row of the example's entities, read with the server stopped. */
    private static String stored(Path dataDir) {
        try (Database database = Database.open(Config.fromMap(Map.of("FLOW_DATA_DIR", dataDir.toString())))) {
            return PekaFixtures.fingerprint(database.jdbi(), "HuR", "TTP", "PTBP1");
        }
    }

    @Test
    void importsTheExampleOnceAndAgainRefusesMalformedFoldersAndServesTheResults() throws Exception {
        Path dataDir = Files.createTempDirectory("flow-peka-cli-");
        Path folder = Files.createTempDirectory("peka-example-");
        Path bad = Files.createTempDirectory("peka-bad-");
        try {
            Outcome example = peka(dataDir, "example", folder.toString());
            assertThat(example.status()).as(example.toString()).isEqualTo(PekaCommand.DONE);
            assertThat(Files.readString(folder.resolve(PekaImport.ENTITIES))).startsWith("name\tgene\tspecies\ttype\n");

            Outcome first = peka(dataDir, "import", folder.toString());
            assertThat(first.status()).as(first.toString()).isEqualTo(PekaCommand.DONE);
            assertThat(first.out()).contains("3 entities, 6144 k-mer rows from 6 distribution files, 120 motif lines from 3 BED files");
            String imported = stored(dataDir);
            assertThat(imported).startsWith("1,HuR,ELAVL1,human,RBP;2,TTP,ZFP36,human,RBP;3,PTBP1,PTBP1,human,RBP | 6144:");

            // a copy with one spoilt value: refused, naming the file and line, and nothing of it written
            for (Path f : Files.list(folder).toList()) Files.copy(f, bad.resolve(f.getFileName()));
            Path spoilt = bad.resolve("TTP_5mer_distribution_intron.tsv");
            List<String> lines = new java.util.ArrayList<>(Files.readAllLines(spoilt));
            lines.set(9, lines.get(9).replaceFirst("\t[^\t]+$", "\tnot-a-number"));
            Files.write(spoilt, lines);
            Files.writeString(bad.resolve(PekaImport.ENTITIES), "name\tgene\tspecies\ttype\nHuR\tCHANGED\tmouse\tRBP\nTTP\tZFP36\thuman\tRBP\nPTBP1\tPTBP1\thuman\tRBP\n");
            Outcome refused = peka(dataDir, "import", bad.toString());
            assertThat(refused.status()).as(refused.toString()).isEqualTo(PekaCommand.MALFORMED);
            assertThat(refused.err()).contains("nothing imported").contains(spoilt + ":10: 50: 'not-a-number' is not a number");
            assertThat(stored(dataDir)).as("HuR's new gene and the rows of the files before the spoilt one are rolled back").isEqualTo(imported);

            Outcome again = peka(dataDir, "import", folder.toString());
            assertThat(again.status()).as(again.toString()).isEqualTo(PekaCommand.DONE);
            assertThat(again.out()).isEqualTo(first.out());
            assertThat(stored(dataDir)).isEqualTo(imported);

            assertThat(peka(dataDir, "import").status()).isEqualTo(PekaCommand.USAGE);
            assertThat(peka(dataDir, "import", dataDir.resolve("nowhere").toString()).status()).isEqualTo(PekaCommand.MALFORMED);

            try (TestServer server = TestServer.start(dataDir, Map.of())) {
                JsonNode rbp = server.client().get("/peka/rbp?protein=TTP").json().path("rbp");
                assertThat(rbp.path("gene").asText()).isEqualTo("ZFP36");
                assertThat(rbp.path("known_motifs").get(0).asText()).isEqualTo("UAUUU");
                assertThat(server.client().get("/peka/entities/").json().path("count").asInt()).isEqualTo(3);

                Outcome busy = peka(dataDir, "import", folder.toString());
                assertThat(busy.status()).isEqualTo(PekaCommand.CANNOT_IMPORT);
                assertThat(busy.err()).contains("a Flow server is running on data directory");
            }
        } finally {
            TempDirs.delete(bad);
            TempDirs.delete(folder);
            TempDirs.delete(dataDir);
        }
    }
}
