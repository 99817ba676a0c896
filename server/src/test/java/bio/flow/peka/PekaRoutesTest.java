package bio.flow.peka;

import static org.assertj.core.api.Assertions.assertThat;

import bio.flow.testing.Api;
import bio.flow.testing.TempDirs;
import bio.flow.testing.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The /peka routes over the synthetic example ({@link PekaExample}), loaded by the importer, read anonymously over HTTP. */
class PekaRoutesTest {
    private static final TestServer server = TestServer.shared();
    private static Path example;

    @BeforeAll
    static void importTheExample() throws Exception {
        example = Files.createTempDirectory("peka-example-");
        PekaExample.write(example);
        new PekaImport(server.jdbi()).load(example);
    }

    @AfterAll
    static void removeTheExample() {
        TempDirs.delete(example);
    }

    private static Api anonymous() {
        return server.client();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void entitiesArePagedAndPublic() {
        Api.Res all = anonymous().get("/peka/entities/?limit=100");
        assertThat(all.status()).as(all.toString()).isEqualTo(200);
        assertThat(all.json().path("count").asInt()).isGreaterThanOrEqualTo(3);
        JsonNode hur = null;
        for (JsonNode e : all.json().path("results")) if (e.path("name").asText().equals("HuR")) hur = e;
        assertThat(hur).as(all.toString()).isNotNull();
        assertThat(hur.path("gene").asText()).isEqualTo("ELAVL1");
        assertThat(hur.path("type").asText()).isEqualTo("RBP");
        assertThat(hur.path("species").asText()).isEqualTo("human");

        Api.Res one = anonymous().get("/peka/entities/?limit=1&offset=1");
        assertThat(one.json().path("results")).hasSize(1);
        assertThat(one.json().path("count").asInt()).isEqualTo(all.json().path("count").asInt());
        assertThat(anonymous().get("/peka/entities/?limit=101").status()).isEqualTo(400);
    }

    @Test
    void anRbpHasItsSignificantTopKmersAndItsBindingSites() {
        Api.Res res = anonymous().get("/peka/rbp?protein=HuR");
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        JsonNode rbp = res.json().path("rbp");
        assertThat(rbp.path("name").asText()).isEqualTo("HuR");
        assertThat(rbp.path("gene").asText()).isEqualTo("ELAVL1");
        assertThat(rbp.path("species").asText()).isEqualTo("human");
        assertThat(rbp.path("binding_sites").asInt()).isEqualTo(PekaExample.LINES_PER_PROTEIN);
        // the planted motifs, strongest first, in the RNA alphabet; the noise k-mers have p-values of 0.05 or more
        assertThat(texts(rbp.path("known_motifs"))).containsExactly("UUUUU", "AUUUA", "UUAUU");

        long id = rbp.path("id").asLong();
        assertThat(anonymous().get("/peka/rbp?protein=" + id).json().at("/rbp/name").asText()).isEqualTo("HuR");
        assertThat(anonymous().get("/peka/rbp?protein=hur&species=Human").json().at("/rbp/id").asLong()).isEqualTo(id);
        assertThat(anonymous().get("/peka/rbp?protein=HuR&species=mouse").status()).isEqualTo(404);
        assertThat(anonymous().get("/peka/rbp?protein=NoSuchProtein").status()).isEqualTo(404);

        Api.Res missing = anonymous().get("/peka/rbp");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().at("/error/message").asText()).isEqualTo("No RBP name given");
        assertThat(anonymous().get("/peka/rbp?protein=%20").json().at("/error/message").asText()).isEqualTo("No RBP name given");
    }

    @Test
    void aMotifListsTheRbpsWhereItIsEnrichedBelowThePvalue() {
        Api.Res res = anonymous().get("/peka/motif?motif=attta");
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        JsonNode m = res.json();
        assertThat(m.path("motif").asText()).isEqualTo("AUUUA");
        assertThat(m.path("length").asInt()).isEqualTo(5);
        assertThat(texts(m.path("rbps"))).contains("HuR", "TTP").doesNotContain("PTBP1");
        assertThat(m.path("enrichment_score").asDouble()).isGreaterThan(20);
        assertThat(m.path("pvalue").asDouble()).isLessThan(0.001);

        assertThat(texts(anonymous().get("/peka/motif?motif=UCUUC").json().path("rbps"))).contains("PTBP1").doesNotContain("HuR", "TTP");
        assertThat(texts(anonymous().get("/peka/motif?motif=AUUUA&rbp=PTBP1").json().path("rbps"))).isEmpty();
        assertThat(texts(anonymous().get("/peka/motif?motif=AUUUA&rbp=TTP").json().path("rbps"))).containsExactly("TTP");
        // HuR's third motif UUAUU has p = 1e-4: a threshold below that leaves it out
        assertThat(texts(anonymous().get("/peka/motif?motif=UUAUU").json().path("rbps"))).contains("HuR");
        assertThat(texts(anonymous().get("/peka/motif?motif=UUAUU&pvalue=0.00005").json().path("rbps"))).doesNotContain("HuR");

        Api.Res missing = anonymous().get("/peka/motif");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().at("/error/message").asText()).isEqualTo("No motif given");
        assertThat(anonymous().get("/peka/motif?motif=XYZ").status()).isEqualTo(400);
        assertThat(anonymous().get("/peka/motif?motif=AUUUA&pvalue=2").status()).isEqualTo(400);
        assertThat(anonymous().get("/peka/motif?motif=AUUUA&pvalue=abc").status()).isEqualTo(400);
        assertThat(anonymous().get("/peka/motif?motif=ACGUACGUACGU").status()).isEqualTo(404);
        assertThat(anonymous().get("/peka/motif?motif=AUUUA&rbp=NoSuchProtein").status()).isEqualTo(404);
    }

    @Test
    void motifLinesComeFromTheImportedBedFileInGenomeOrder() {
        Api.Res page = anonymous().get("/peka/motif/lines?dataset=HuR");
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.json().path("lines")).hasSize(20);
        JsonNode all = anonymous().get("/peka/motif/lines?dataset=hur&limit=100").json().path("lines");
        assertThat(all).hasSize(PekaExample.LINES_PER_PROTEIN);
        JsonNode first = all.get(0);
        assertThat(first.path("chromosome").asText()).isEqualTo("chr1");
        assertThat(first.path("end").asLong() - first.path("start").asLong()).isEqualTo(PekaExample.K);
        assertThat(first.path("motif").asText()).isEqualTo("UUUUU");
        assertThat(first.path("strand").asText()).isIn("+", "-");
        for (int i = 1; i < all.size(); i++) {
            JsonNode a = all.get(i - 1);
            JsonNode b = all.get(i);
            int chromosomes = a.path("chromosome").asText().compareTo(b.path("chromosome").asText());
            assertThat(chromosomes < 0 || chromosomes == 0 && a.path("start").asLong() <= b.path("start").asLong()).as(a + " before " + b).isTrue();
        }

        JsonNode chr2 = anonymous().get("/peka/motif/lines?dataset=HuR&region=chr2&limit=100").json().path("lines");
        assertThat(chr2).isNotEmpty();
        chr2.forEach(l -> assertThat(l.path("chromosome").asText()).isEqualTo("chr2"));
        // an interval keeps the lines that overlap it (BED: start included, end excluded)
        JsonNode firstOnChr2 = chr2.get(0);
        long start = firstOnChr2.path("start").asLong();
        JsonNode around = anonymous().get("/peka/motif/lines?dataset=HuR&region=chr2:" + (start + 1) + "-" + (start + 2)).json().path("lines");
        assertThat(around).hasSize(1);
        assertThat(around.get(0).path("start").asLong()).isEqualTo(start);
        assertThat(anonymous().get("/peka/motif/lines?dataset=HuR&region=chr2:0-" + start).json().path("lines")).isEmpty();

        Api.Res missing = anonymous().get("/peka/motif/lines");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().at("/error/message").asText()).isEqualTo("No dataset given");
        assertThat(anonymous().get("/peka/motif/lines?dataset=NoSuchDataset").status()).isEqualTo(404);
        assertThat(anonymous().get("/peka/motif/lines?dataset=HuR&region=chr1:200-100").status()).isEqualTo(400);
        assertThat(anonymous().get("/peka/motif/lines?dataset=HuR&region=chr1:5-").status()).isEqualTo(400);
        assertThat(anonymous().get("/peka/motif/lines?dataset=HuR&limit=101").status()).isEqualTo(400);
    }

    @Test
    void importingTheSameFolderAgainGivesTheSameRows() {
        String before = PekaFixtures.fingerprint(server.jdbi(), "HuR", "TTP", "PTBP1");
        PekaImport.Summary again = new PekaImport(server.jdbi()).load(example);
        assertThat(again.kmerRows()).isEqualTo(PekaExample.PROTEINS.size() * PekaExample.REGIONS.size() * (1 << 2 * PekaExample.K));
        assertThat(again.motifLines()).isEqualTo(PekaExample.PROTEINS.size() * PekaExample.LINES_PER_PROTEIN);
        assertThat(PekaFixtures.fingerprint(server.jdbi(), "HuR", "TTP", "PTBP1")).isEqualTo(before);
    }
}
